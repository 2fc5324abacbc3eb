#ifndef HK_SERVICE_HOUSEHOLD_H
#define HK_SERVICE_HOUSEHOLD_H

/* Households (户) and the registrations that change them (issue 4): create a family or a
 * collective household (a unit's, a community's, the talent service agency's), add and remove
 * members, change the head, split a household; births (出生登记) and deaths (死亡注销). Each is
 * one transaction that locks what it changes, appends its event and is retried on a write
 * conflict. Officers act inside their jurisdiction (the household's county, and for a member
 * coming from elsewhere their old county too); the system anywhere; nobody else.
 *
 * What was decided where the issue is silent (docs/services.md "Households"):
 *   - a family household always has a head; a collective household has none (集体户 has no 户主);
 *   - an officer's change that would leave a family household headless is refused (remove or
 *     move the head while others remain: change the head first); a change nobody chose (a
 *     death, a settlement move) passes the headship to the eldest remaining member, and says so
 *     in its event; a family household left empty is dissolved (dissolved_on), a collective one
 *     stays (it belongs to its unit, community or agency);
 *   - a removed member goes to a new family household of their own (they head it) in the same
 *     county, at the same address unless another is given;
 *   - new household numbers are "<county>-<6-digit sequence>", like the imported ones;
 *   - a collective household is found by its owner within the county: a unit by its unified
 *     social credit code (统一社会信用代码), a community by its name, the talent service agency
 *     by the county alone (one per county). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/error.h"
#include "core/person.h"
#include "service/actor.h"
#include "store/store.h"
#include "store/store_household.h"
#include "store/store_vital.h"

/* What a collective household belongs to: core/person.h's hk_household_owner. */
typedef hk_household_owner hk_hh_owner;
#define HK_HH_OWNER_NONE HK_OWNER_NONE                     /* a family household */
#define HK_HH_OWNER_UNIT HK_OWNER_UNIT                     /* 单位集体户 */
#define HK_HH_OWNER_COMMUNITY HK_OWNER_COMMUNITY           /* 社区集体户 (社区公共户) */
#define HK_HH_OWNER_TALENT_SERVICE HK_OWNER_TALENT_SERVICE /* 人才集体户 (五) */
#define HK_HH_OWNER_COUNT HK_OWNER_COUNT

const char *hk_hh_owner_name(hk_hh_owner o); /* "unit", "community", "talent_service"; NULL */
hk_hh_owner hk_hh_owner_from(const char *s); /* HK_HH_OWNER_NONE when unknown */

typedef struct hk_household_spec {
  hk_household_kind kind;
  int32_t division; /* a current county-level division of Zhejiang */
  hk_tri urban;
  char address[HK_ADDRESS_MAX + 1];
  hk_hh_owner owner;                      /* collective only */
  char owner_code[HK_OWNER_CODE_MAX + 1]; /* unit: its credit code; community: its name */
  char owner_name[HK_OWNER_NAME_MAX + 1]; /* unit / community: required */
  char head[HK_IDNUM_LEN + 1];            /* family: who heads it (they move in); required */
} hk_household_spec;

/* Each call returns on HK_OK a JSON object (caller owns it): {"action", "household": the
 * household as hk_household_show gives it, and what the action adds ("new_household", "from",
 * "new_head_of_old", ...)}. Refusals: HK_EINVAL naming the field, HK_ECONFLICT naming the state
 * and the reason, HK_EFORBIDDEN (not this actor), HK_ENOTFOUND. */

hk_status hk_household_create(hk_store *st, const hk_actor *who, const hk_household_spec *spec,
                              hk_date today, json_t **out, hk_error *err);

/* A household with its current members (full ID numbers: officers inside their jurisdiction
 * and the system only). */
hk_status hk_household_show(hk_store *st, const hk_actor *who, const char *number, json_t **out,
                            hk_error *err);

/* The person joins the household from wherever their hukou is (a move within the registry,
 * 户口迁移/并户). Refused for the dead, for a current member, and for the head of another
 * household that has other members. */
hk_status hk_household_add(hk_store *st, const hk_actor *who, const char *number,
                           const char *id_number, hk_date today, json_t **out, hk_error *err);

/* The member leaves to a new family household of their own in the same county (address: NULL
 * or "" keeps the old household's). Refused for the head while others remain. */
hk_status hk_household_remove(hk_store *st, const hk_actor *who, const char *number,
                              const char *id_number, const char *address, hk_date today,
                              json_t **out, hk_error *err);

/* A current member of a family household becomes its head. */
hk_status hk_household_set_head(hk_store *st, const hk_actor *who, const char *number,
                                const char *id_number, hk_date today, json_t **out, hk_error *err);

/* 分户: members leave a family household together to a new family household headed by `head`
 * (one of them). Refused when the old head would leave while others stay, when nobody would
 * stay (nothing to split), and for a collective household. */
#define HK_SPLIT_MAX 32
hk_status hk_household_split(hk_store *st, const hk_actor *who, const char *number,
                             const char *const *members, size_t n_members, const char *head,
                             const char *address, hk_date today, json_t **out, hk_error *err);

/* 出生登记. The ID number is allocated when none is given: the address code of the household's
 * county, the birth date, the next free order code (顺序码) registered for that county and day
 * (odd for a boy, even for a girl, GB 11643-1999 §4.3) and the check character. A number the
 * officer gives must agree with the birth date (and the sex, when given). At least one parent
 * is registered; the newborn joins a parent's household (household_no "" picks the mother's,
 * else the father's) and is linked to each parent (parent / child). The birth medical
 * certificate's number (出生医学证明编号) and the birthplace are recorded (store_vital.h). */
typedef struct hk_birth_request {
  char id_number[HK_IDNUM_LEN + 1]; /* "": allocate one */
  char sex;                         /* 'M' or 'F'; required when allocating */
  char name[HK_NAME_MAX + 1];
  hk_date born;
  char mother[HK_IDNUM_LEN + 1]; /* "" when not registered here */
  char father[HK_IDNUM_LEN + 1];
  char household_no[HK_HOUSEHOLD_NO_MAX + 1]; /* "" : the mother's, else the father's */
  char certificate[HK_CERTIFICATE_MAX + 1];   /* 出生医学证明编号: required */
  int32_t birthplace_division;                /* the county-level division born in: required */
  char birthplace[HK_PLACE_MAX + 1];          /* the hospital or address; optional */
} hk_birth_request;
hk_status hk_birth_register(hk_store *st, const hk_actor *who, const hk_birth_request *req,
                            hk_date today, json_t **out, hk_error *err);

/* 死亡注销: died_on recorded, the hukou row closed (ended: died), the open residence
 * registration cancelled and the residence permit ended that day, the household's head passed
 * on (or the household dissolved). Officers of the hukou county or of the county of the active
 * residence registration register it (a migrant who dies where they live). The county that
 * registered it and the hukou county are kept (store_vital.h), so their officers can still
 * read the record (hk_death_readable). Refused for one already registered dead. */
hk_status hk_death_register(hk_store *st, const hk_actor *who, const char *id_number,
                            hk_date died_on, hk_date today, json_t **out, hk_error *err);

/* May this officer (or supervisor) read the record of a person registered dead? Those of the
 * county that registered the death and of the hukou county at death; false for the living,
 * for other roles, and for deaths registered before schema version 7. */
bool hk_death_readable(hk_store *st, const hk_actor *who, const char *id_number);

/* A unified social credit code (统一社会信用代码, GB 32100-2015) with its check character:
 * what identifies a unit and its collective household. */
bool hk_uscc_valid(const char *code);

/* ---- inside the caller's transaction (used by the settlement move, app_service.c) ---- */

/* What leaving a household did. */
typedef struct hk_leave_result {
  bool had_hukou;
  hk_household_row from; /* the household left (as it was) */
  int64_t new_head;      /* person row of the new head, 0: none chosen */
  char new_head_id[HK_IDNUM_LEN + 1];
  bool dissolved; /* a family household left empty */
} hk_leave_result;

/* Close the person's open hukou row on `on` (ended: hk_hukou_end) and settle the household:
 * when they were the head and others remain, auto_head passes the headship to the eldest
 * remaining member, otherwise the call is refused (HK_ECONFLICT). No open row: out->had_hukou
 * false and nothing changes. */
hk_status hk_household_leave_locked(hk_store *st, int64_t person_id, hk_date on, int ended,
                                    bool auto_head, hk_leave_result *out, hk_error *err);

/* A new household from spec (numbered, created on `today`; head_person for a family), with a
 * "household.create" event. spec->head is not read. */
hk_status hk_household_insert_locked(hk_store *st, const hk_actor *who,
                                     const hk_household_spec *spec, int64_t head_person,
                                     hk_date today, hk_household_row *out, hk_error *err);

/* The collective household of an owner in a county, created (with its event) when it has none
 * yet; *created says which. name is used only when creating (required then for a unit). */
hk_status hk_household_collective_locked(hk_store *st, const hk_actor *who, hk_hh_owner owner,
                                         int32_t division, const char *code, const char *name,
                                         hk_date today, hk_household_row *out, bool *created,
                                         hk_error *err);

/* The household as JSON (members read from the store). */
json_t *hk_household_json(hk_store *st, const hk_household_row *h, hk_error *err);

#endif
