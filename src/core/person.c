#include "core/person.h"

#include <stdlib.h>
#include <string.h>

void hk_person_init(hk_person *p)
{
  memset(p, 0, sizeof *p);
  p->birth_date = HK_DATE_NONE;
}

void hk_person_reset(hk_person *p)
{
  hk_person keep = *p;
  hk_person_init(p);
#define KEEP(list)                                                                                 \
  p->list.items = keep.list.items;                                                                 \
  p->list.cap = keep.list.cap
  KEEP(residence);
  KEEP(housing);
  KEEP(employment);
  KEEP(schooling);
  KEEP(social_insurance);
  KEEP(residence_permits);
  KEEP(talent);
  KEEP(relatives);
#undef KEEP
  p->text = keep.text;
  p->text_cap = keep.text_cap;
}

void hk_person_clear(hk_person *p)
{
  free(p->residence.items);
  free(p->housing.items);
  free(p->employment.items);
  free(p->schooling.items);
  free(p->social_insurance.items);
  free(p->residence_permits.items);
  free(p->talent.items);
  free(p->relatives.items);
  free(p->text);
  hk_person_init(p);
}

uint32_t hk_person_text_add(hk_person *p, const char *s)
{
  size_t len = strlen(s) + 1;
  if (len > UINT32_MAX / 2 || p->text_len + len > UINT32_MAX / 2)
    return 0;
  if (p->text_len + len > p->text_cap) {
    uint32_t cap = p->text_cap ? p->text_cap : 256;
    while (cap < p->text_len + len)
      cap *= 2;
    char *bigger = realloc(p->text, cap);
    if (bigger == NULL)
      return 0;
    p->text = bigger;
    p->text_cap = cap;
  }
  memcpy(p->text + p->text_len, s, len);
  uint32_t handle = p->text_len + 1;
  p->text_len += (uint32_t)len;
  return handle;
}

const char *hk_person_text(const hk_person *p, uint32_t handle)
{
  return handle == 0 || handle > p->text_len ? "" : p->text + handle - 1;
}

static const char *const residence_end_names[HK_RES_END_COUNT] = {NULL, "changed", "moved",
                                                                  "cancelled", "settled"};

const char *hk_residence_end_name(hk_residence_end e)
{
  return (int)e > 0 && e < HK_RES_END_COUNT ? residence_end_names[e] : NULL;
}

hk_residence_end hk_residence_end_from(const char *s)
{
  for (int i = 1; s && i < HK_RES_END_COUNT; i++)
    if (strcmp(residence_end_names[i], s) == 0)
      return (hk_residence_end)i;
  return HK_RES_END_NONE;
}

void *hk_list_push(void **items, uint32_t *n, uint32_t *cap, size_t size, uint32_t max)
{
  if (*n >= max)
    return NULL;
  if (*n == *cap) {
    uint32_t grown = *cap ? *cap * 2 : 4;
    if (grown > max)
      grown = max;
    void *bigger = realloc(*items, (size_t)grown * size);
    if (bigger == NULL)
      return NULL;
    *items = bigger;
    *cap = grown;
  }
  char *slot = (char *)*items + (size_t)(*n)++ * size;
  memset(slot, 0, size);
  return slot;
}

/* Enum name tables, indexed by the enum value; index 0 (UNSET) has no name. */
static const char *const marital_names[HK_MARITAL_COUNT] = {NULL, "unmarried", "married",
                                                            "divorced", "widowed"};
static const char *const education_names[HK_EDU_COUNT] = {
    NULL,         "none",      "primary",  "junior", "senior",
    "vocational", "associate", "bachelor", "master", "doctor"};
static const char *const household_names[HK_HOUSEHOLD_COUNT] = {NULL, "family", "collective"};
static const char *const owner_names[HK_OWNER_COUNT] = {NULL, "unit", "community",
                                                        "talent_service"};
static const char *const housing_names[HK_HOUSING_COUNT] = {NULL, "owned", "rented", "employer",
                                                            "relative"};
static const char *const talent_names[HK_TALENT_COUNT] = {
    NULL,          "none",         "associate",  "bachelor",          "master",
    "doctor",      "skill_senior", "technician", "senior_technician", "title_intermediate",
    "title_senior"};
static const char *const relation_names[HK_REL_COUNT] = {NULL,           "parent",     "child",
                                                         "grandparent",  "grandchild", "spouse",
                                                         "child_in_law", "sibling",    "friend"};

static const char *name_of(const char *const *names, int count, int v)
{
  return v > 0 && v < count ? names[v] : NULL;
}

static int value_of(const char *const *names, int count, const char *s)
{
  if (s == NULL)
    return 0;
  for (int i = 1; i < count; i++)
    if (strcmp(names[i], s) == 0)
      return i;
  return 0;
}

#define ENUM_FUNCS(type, stem, names, count)                                                       \
  const char *hk_##stem##_name(type v)                                                             \
  {                                                                                                \
    return name_of(names, count, (int)v);                                                          \
  }                                                                                                \
  type hk_##stem##_from(const char *s)                                                             \
  {                                                                                                \
    return (type)value_of(names, count, s);                                                        \
  }

ENUM_FUNCS(hk_marital, marital, marital_names, HK_MARITAL_COUNT)
ENUM_FUNCS(hk_education, education, education_names, HK_EDU_COUNT)
ENUM_FUNCS(hk_household_kind, household_kind, household_names, HK_HOUSEHOLD_COUNT)
ENUM_FUNCS(hk_household_owner, household_owner, owner_names, HK_OWNER_COUNT)
ENUM_FUNCS(hk_housing_kind, housing_kind, housing_names, HK_HOUSING_COUNT)
ENUM_FUNCS(hk_talent_category, talent_category, talent_names, HK_TALENT_COUNT)
ENUM_FUNCS(hk_relation, relation, relation_names, HK_REL_COUNT)

bool hk_housing_is_legal_stable(const hk_housing *h)
{
  return h->legal && (h->kind == HK_HOUSING_OWNED || h->kind == HK_HOUSING_RENTED ||
                      h->kind == HK_HOUSING_EMPLOYER);
}

bool hk_relation_is_direct(hk_relation r)
{
  return r == HK_REL_PARENT || r == HK_REL_CHILD || r == HK_REL_GRANDPARENT ||
         r == HK_REL_GRANDCHILD;
}
