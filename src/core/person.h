#ifndef HK_CORE_PERSON_H
#define HK_CORE_PERSON_H

/* A person and their histories, as the eligibility contract (spec/eligibility.md) and the
 * import format describe them. One struct serves the engine (a situation's person and
 * relatives), the store (a registry row with its histories) and the import/export lines, so
 * no field is ever translated twice. Lists grow on demand and keep their capacity across
 * hk_person_reset, so a bulk reader parses millions of persons without allocating. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/idnum.h"

/* Bounds on untrusted input: a longer list or name is an input error, not an allocation. */
#define HK_NAME_MAX 127
#define HK_HOUSEHOLD_NO_MAX 31
#define HK_LIST_MAX 512
#define HK_ADDRESS_MAX 255 /* bytes of one address */
#define HK_RELATIVES_MAX 64

/* An optional boolean: absent, false or true. Kept tri-state so an export writes back exactly
 * what was imported. */
typedef enum hk_tri { HK_TRI_UNSET = 0, HK_TRI_FALSE, HK_TRI_TRUE } hk_tri;

/* Each enum has a table of JSON names in person.c; 0 is always "absent". */
typedef enum hk_marital {
  HK_MARITAL_UNSET,
  HK_MARITAL_UNMARRIED,
  HK_MARITAL_MARRIED,
  HK_MARITAL_DIVORCED,
  HK_MARITAL_WIDOWED,
  HK_MARITAL_COUNT
} hk_marital;

typedef enum hk_education {
  HK_EDU_UNSET,
  HK_EDU_NONE,
  HK_EDU_PRIMARY,
  HK_EDU_JUNIOR,
  HK_EDU_SENIOR,
  HK_EDU_VOCATIONAL,
  HK_EDU_ASSOCIATE,
  HK_EDU_BACHELOR,
  HK_EDU_MASTER,
  HK_EDU_DOCTOR,
  HK_EDU_COUNT
} hk_education;

typedef enum hk_household_kind {
  HK_HOUSEHOLD_UNSET,
  HK_HOUSEHOLD_FAMILY,
  HK_HOUSEHOLD_COLLECTIVE,
  HK_HOUSEHOLD_COUNT
} hk_household_kind;

/* What a collective household belongs to (issue 4; service/household.h). */
typedef enum hk_household_owner {
  HK_OWNER_NONE,           /* a family household */
  HK_OWNER_UNIT,           /* 单位集体户: an employer, school or other unit */
  HK_OWNER_COMMUNITY,      /* 社区集体户 (社区公共户) */
  HK_OWNER_TALENT_SERVICE, /* 人才集体户: the public employment and talent service agency */
  HK_OWNER_COUNT
} hk_household_owner;

typedef enum hk_housing_kind {
  HK_HOUSING_UNSET,
  HK_HOUSING_OWNED,
  HK_HOUSING_RENTED,   /* a registered lease */
  HK_HOUSING_EMPLOYER, /* provided by the employer */
  HK_HOUSING_RELATIVE, /* living with relatives: not legal stable housing of one's own */
  HK_HOUSING_COUNT
} hk_housing_kind;

/* Talent categories and skill levels share one list (talent[].category, points_facts.skill). */
typedef enum hk_talent_category {
  HK_TALENT_UNSET,
  HK_TALENT_NONE, /* only for points_facts.skill */
  HK_TALENT_ASSOCIATE,
  HK_TALENT_BACHELOR,
  HK_TALENT_MASTER,
  HK_TALENT_DOCTOR,
  HK_TALENT_SKILL_SENIOR,
  HK_TALENT_TECHNICIAN,
  HK_TALENT_SENIOR_TECHNICIAN,
  HK_TALENT_TITLE_INTERMEDIATE,
  HK_TALENT_TITLE_SENIOR,
  HK_TALENT_COUNT
} hk_talent_category;

/* What a relative is to the person whose relative they are. */
typedef enum hk_relation {
  HK_REL_UNSET,
  HK_REL_PARENT,
  HK_REL_CHILD,
  HK_REL_GRANDPARENT,
  HK_REL_GRANDCHILD,
  HK_REL_SPOUSE,
  HK_REL_CHILD_IN_LAW,
  HK_REL_SIBLING,
  HK_REL_FRIEND,
  HK_REL_COUNT
} hk_relation;

typedef struct hk_hukou {
  int32_t division; /* 0: absent */
  hk_household_kind household;
  bool head;
  hk_tri urban;
  char household_no[HK_HOUSEHOLD_NO_MAX + 1]; /* 户号: persons sharing it share a household */
  hk_date since; /* registered in this household since (registry lines); 0 when not recorded */
  /* The household's own facts (registry lines; absent for most imported households). */
  uint8_t owner;       /* hk_household_owner */
  hk_date created_on;  /* 0 when not recorded */
  uint32_t address;    /* hk_person_text handles; 0 when none */
  uint32_t owner_code; /* a unit's unified social credit code, a community's name */
  uint32_t owner_name;
} hk_hukou;

/* How a residence registration ended (一). */
typedef enum hk_residence_end {
  HK_RES_END_NONE,      /* ongoing, or ended before the registry recorded why */
  HK_RES_END_CHANGED,   /* a change of address within the city */
  HK_RES_END_MOVED,     /* a registration in another city took its place */
  HK_RES_END_CANCELLED, /* cancelled: the person left */
  HK_RES_END_SETTLED,   /* the hukou moved into the county: no registration needed there (一) */
  HK_RES_END_COUNT
} hk_residence_end;

typedef struct hk_residence {
  int32_t division;
  hk_tri urban;
  hk_period period;
  /* The registration behind the period (一): absent for histories imported without them. */
  hk_date declared_on; /* 0 when not recorded (zero-initialised entries have none) */
  bool late;           /* declared or changed after the deadline: accepted and flagged */
  uint8_t ended;       /* hk_residence_end */
  uint32_t address;    /* hk_person_text offset + 1; 0 when none */
} hk_residence;

typedef struct hk_housing {
  int32_t division;
  hk_tri urban;
  hk_housing_kind kind;
  bool legal; /* false only when the input says "legal": false */
  hk_period period;
} hk_housing;

typedef struct hk_employment {
  int32_t division;
  bool collective_household; /* the employer keeps a collective household one may join */
  hk_period period;
} hk_employment;

typedef struct hk_schooling {
  int32_t division;
  hk_period period;
} hk_schooling;

typedef struct hk_insurance {
  int32_t city;
  bool pension_transferred;
  hk_month_span months;
} hk_insurance;

typedef struct hk_permit {
  int32_t division;
  hk_period period;
} hk_permit;

typedef struct hk_talent {
  hk_talent_category category;
  int32_t division;
  hk_date recognised; /* HK_DATE_NONE when not given */
} hk_talent;

typedef struct hk_points_facts {
  bool present;
  int32_t volunteer_hours;
  int32_t blood_ml;
  int32_t donation_yuan;
  hk_talent_category skill;
} hk_points_facts;

/* A link from a person to another person in the registry (import format). */
typedef struct hk_relative_link {
  hk_relation relation;
  char id_number[HK_IDNUM_LEN + 1];
} hk_relative_link;

#define HK_LIST(type)                                                                              \
  struct {                                                                                         \
    type *items;                                                                                   \
    uint32_t n;                                                                                    \
    uint32_t cap;                                                                                  \
  }

typedef struct hk_person {
  char id_number[HK_IDNUM_LEN + 1];
  char name[HK_NAME_MAX + 1]; /* "" when absent */
  hk_date birth_date;         /* derived from the ID number */
  char sex;                   /* 'M' / 'F', derived from the ID number */
  hk_marital marital_status;
  hk_education education;
  hk_date died_on; /* 死亡注销: the day of death; 0 while alive (zero-initialised) */
  bool has_hukou;
  hk_hukou hukou;
  HK_LIST(hk_residence) residence;
  HK_LIST(hk_housing) housing;
  HK_LIST(hk_employment) employment;
  HK_LIST(hk_schooling) schooling;
  HK_LIST(hk_insurance) social_insurance;
  HK_LIST(hk_permit) residence_permits;
  HK_LIST(hk_talent) talent;
  hk_points_facts points_facts;
  HK_LIST(hk_relative_link) relatives; /* import format only */
  /* Situation relatives only: */
  hk_relation relation;
  hk_tri consents;
  /* Free text of the histories (addresses), NUL-terminated strings back to back, so a history
   * entry stays a small fixed-size struct; kept across hk_person_reset like the lists. */
  char *text;
  uint32_t text_len, text_cap;
} hk_person;

/* Zero a person. Call before first use. */
void hk_person_init(hk_person *p);
/* Forget the contents but keep list capacity, for reuse in a loop. */
void hk_person_reset(hk_person *p);
/* Free the lists; the person is as after hk_person_init. */
void hk_person_clear(hk_person *p);

/* Keep a copy of s in the person's text and return its handle (offset + 1), 0 when memory runs
 * out. hk_person_text(p, handle) gives the string back ("" for handle 0). */
uint32_t hk_person_text_add(hk_person *p, const char *s);
const char *hk_person_text(const hk_person *p, uint32_t handle);

const char *hk_residence_end_name(hk_residence_end e); /* "changed", "moved", "cancelled" */
hk_residence_end hk_residence_end_from(const char *s); /* HK_RES_END_NONE when unknown */

/* Append a zeroed item to a list and return it; NULL when the list is at HK_LIST_MAX or memory
 * runs out. Used as: hk_residence *r = HK_LIST_PUSH(&p->residence); */
void *hk_list_push(void **items, uint32_t *n, uint32_t *cap, size_t size, uint32_t max);
#define HK_LIST_PUSH(list)                                                                         \
  hk_list_push((void **)&(list)->items, &(list)->n, &(list)->cap, sizeof *(list)->items,           \
               HK_LIST_MAX)

/* Enum names as they appear in JSON; NULL for UNSET or out of range. */
const char *hk_marital_name(hk_marital v);
const char *hk_education_name(hk_education v);
const char *hk_household_kind_name(hk_household_kind v);
const char *hk_household_owner_name(hk_household_owner v); /* "unit", "community", ... */
const char *hk_housing_kind_name(hk_housing_kind v);
const char *hk_talent_category_name(hk_talent_category v);
const char *hk_relation_name(hk_relation v);

/* Name to enum; UNSET (0) when the name is not in the list. */
hk_marital hk_marital_from(const char *s);
hk_education hk_education_from(const char *s);
hk_household_kind hk_household_kind_from(const char *s);
hk_household_owner hk_household_owner_from(const char *s);
hk_housing_kind hk_housing_kind_from(const char *s);
hk_talent_category hk_talent_category_from(const char *s);
hk_relation hk_relation_from(const char *s);

/* Legal stable housing (合法稳定住所): owned, rented or employer-provided, unless marked not
 * legal. */
bool hk_housing_is_legal_stable(const hk_housing *h);
/* Direct relatives (直系亲属): parent, child, grandparent, grandchild. */
bool hk_relation_is_direct(hk_relation r);

#endif
