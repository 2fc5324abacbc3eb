#include "core/person_json.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"

/* Fail with the current status after prefixing the field with the list entry "[i]" and then
 * the list name, so the error reads "residence[2].to". */
static hk_status in_list(hk_error *err, const char *list, size_t i, hk_status rc)
{
  char index[24];
  snprintf(index, sizeof index, "[%zu]", i);
  hk_error_prefix(err, index);
  hk_error_prefix(err, list);
  return rc;
}

static hk_status tri(const json_t *obj, const char *key, hk_tri *out, hk_error *err)
{
  json_t *v = json_object_get(obj, key);
  *out = HK_TRI_UNSET;
  if (v == NULL || json_is_null(v))
    return HK_OK;
  if (!json_is_boolean(v))
    return hk_error_set(err, HK_EINVAL, key, "not true or false");
  *out = json_is_true(v) ? HK_TRI_TRUE : HK_TRI_FALSE;
  return HK_OK;
}

/* A period's "from" (required) and "to" (a date, or null / missing while ongoing). */
static hk_status period(const json_t *obj, hk_period *p, hk_error *err)
{
  hk_status rc = hk_json_date(obj, "from", HK_JSON_REQUIRED, &p->from, err);
  if (rc == HK_OK)
    rc = hk_json_date(obj, "to", HK_JSON_OPTIONAL, &p->to, err);
  if (rc != HK_OK)
    return rc;
  if (p->to == HK_DATE_NONE)
    p->to = HK_DATE_OPEN;
  if (!hk_period_valid(*p))
    return hk_error_set(err, HK_EINVAL, "to", "ends before it starts");
  return HK_OK;
}

/* An enum value given by name; unknown names are errors listing nothing but the field. */
static hk_status enum_value(const json_t *obj, const char *key, hk_json_need need, int *out,
                            int (*from)(const char *), hk_error *err)
{
  const char *s;
  *out = 0;
  hk_status rc = hk_json_string(obj, key, need, 64, &s, err);
  if (rc != HK_OK || s == NULL)
    return rc;
  *out = from(s);
  if (*out == 0)
    return hk_error_set(err, HK_EINVAL, key, "unknown value \"%s\"", s);
  return HK_OK;
}

#define ENUM_READER(type, stem)                                                                    \
  static int stem##_from(const char *s)                                                            \
  {                                                                                                \
    return (int)hk_##stem##_from(s);                                                               \
  }
ENUM_READER(hk_marital, marital)
ENUM_READER(hk_education, education)
ENUM_READER(hk_household_kind, household_kind)
ENUM_READER(hk_housing_kind, housing_kind)
ENUM_READER(hk_talent_category, talent_category)
ENUM_READER(hk_relation, relation)

/* Each list entry parser: obj is the entry, out a zeroed slot. */
static hk_status read_residence(const json_t *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division", "urban", "from", "to", NULL};
  hk_residence *r = slot;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK)
    rc = hk_json_division(obj, "division", HK_JSON_REQUIRED, true, &r->division, err);
  if (rc == HK_OK)
    rc = tri(obj, "urban", &r->urban, err);
  if (rc == HK_OK)
    rc = period(obj, &r->period, err);
  return rc;
}

static hk_status read_housing(const json_t *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division", "urban", "kind", "legal", "from", "to", NULL};
  hk_housing *h = slot;
  int kind = 0;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK)
    rc = hk_json_division(obj, "division", HK_JSON_REQUIRED, true, &h->division, err);
  if (rc == HK_OK)
    rc = tri(obj, "urban", &h->urban, err);
  if (rc == HK_OK)
    rc = enum_value(obj, "kind", HK_JSON_REQUIRED, &kind, housing_kind_from, err);
  h->kind = (hk_housing_kind)kind;
  if (rc == HK_OK)
    rc = hk_json_bool(obj, "legal", HK_JSON_OPTIONAL, true, &h->legal, err);
  if (rc == HK_OK)
    rc = period(obj, &h->period, err);
  return rc;
}

static hk_status read_employment(const json_t *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division", "collective_household", "from", "to", NULL};
  hk_employment *e = slot;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK)
    rc = hk_json_division(obj, "division", HK_JSON_REQUIRED, true, &e->division, err);
  if (rc == HK_OK)
    rc = hk_json_bool(obj, "collective_household", HK_JSON_OPTIONAL, false,
                      &e->collective_household, err);
  if (rc == HK_OK)
    rc = period(obj, &e->period, err);
  return rc;
}

static hk_status read_schooling(const json_t *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division", "from", "to", NULL};
  hk_schooling *s = slot;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK)
    rc = hk_json_division(obj, "division", HK_JSON_REQUIRED, true, &s->division, err);
  if (rc == HK_OK)
    rc = period(obj, &s->period, err);
  return rc;
}

static hk_status read_insurance(const json_t *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"city", "from", "to", "pension_transferred", NULL};
  hk_insurance *s = slot;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK)
    rc = hk_json_division(obj, "city", HK_JSON_REQUIRED, true, &s->city, err);
  if (rc == HK_OK && s->city % 100 != 0)
    rc = hk_error_set(err, HK_EINVAL, "city", "not a city code (ends in 00)");
  if (rc == HK_OK)
    rc = hk_json_month(obj, "from", HK_JSON_REQUIRED, &s->months.from, err);
  if (rc == HK_OK)
    rc = hk_json_month(obj, "to", HK_JSON_OPTIONAL, &s->months.to, err);
  if (rc != HK_OK)
    return rc;
  if (s->months.to == HK_MONTH_NONE)
    s->months.to = HK_MONTH_OPEN;
  else if (s->months.to < s->months.from)
    return hk_error_set(err, HK_EINVAL, "to", "ends before it starts");
  return hk_json_bool(obj, "pension_transferred", HK_JSON_OPTIONAL, false, &s->pension_transferred,
                      err);
}

static hk_status read_permit(const json_t *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division", "from", "to", NULL};
  hk_permit *p = slot;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK)
    rc = hk_json_division(obj, "division", HK_JSON_REQUIRED, true, &p->division, err);
  if (rc == HK_OK)
    rc = period(obj, &p->period, err);
  return rc;
}

static hk_status read_talent(const json_t *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"category", "division", "recognised", NULL};
  hk_talent *t = slot;
  int category = 0;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK)
    rc = enum_value(obj, "category", HK_JSON_REQUIRED, &category, talent_category_from, err);
  if (rc == HK_OK && category == HK_TALENT_NONE)
    rc = hk_error_set(err, HK_EINVAL, "category", "\"none\" is not a talent category");
  t->category = (hk_talent_category)category;
  if (rc == HK_OK)
    rc = hk_json_division(obj, "division", HK_JSON_REQUIRED, true, &t->division, err);
  if (rc == HK_OK)
    rc = hk_json_date(obj, "recognised", HK_JSON_OPTIONAL, &t->recognised, err);
  return rc;
}

static hk_status read_link(const json_t *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"relation", "id_number", NULL};
  hk_relative_link *l = slot;
  int relation = 0;
  const char *id;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK)
    rc = enum_value(obj, "relation", HK_JSON_REQUIRED, &relation, relation_from, err);
  l->relation = (hk_relation)relation;
  if (rc == HK_OK)
    rc = hk_json_string(obj, "id_number", HK_JSON_REQUIRED, HK_IDNUM_INPUT_MAX, &id, err);
  if (rc != HK_OK)
    return rc;
  /* Links point at other lines' normalised numbers; the store resolves them. */
  if (!hk_idnum_valid18(id))
    return hk_error_set(err, HK_EINVAL, "id_number", "not a valid 18-character ID number");
  memcpy(l->id_number, id, HK_IDNUM_LEN + 1);
  return HK_OK;
}

typedef hk_status (*entry_reader)(const json_t *obj, void *slot, hk_error *err);

static hk_status read_list(const json_t *obj, const char *key, void **items, uint32_t *n,
                           uint32_t *cap, size_t size, entry_reader read, hk_error *err)
{
  json_t *array;
  hk_status rc = hk_json_array(obj, key, HK_JSON_OPTIONAL, &array, err);
  if (rc != HK_OK || array == NULL)
    return rc;
  size_t i;
  json_t *entry;
  json_array_foreach(array, i, entry)
  {
    if (!json_is_object(entry)) {
      hk_error_set(err, HK_EINVAL, "", "not an object");
      return in_list(err, key, i, HK_EINVAL);
    }
    void *slot = hk_list_push(items, n, cap, size, HK_LIST_MAX);
    if (slot == NULL) {
      if (*n >= HK_LIST_MAX)
        return hk_error_set(err, HK_ETOOBIG, key, "more than %d entries", HK_LIST_MAX);
      return hk_error_set(err, HK_ENOMEM, key, "out of memory");
    }
    rc = read(entry, slot, err);
    if (rc != HK_OK)
      return in_list(err, key, i, rc);
  }
  return HK_OK;
}

#define READ_LIST(obj, key, list, reader, err)                                                     \
  read_list(obj, key, (void **)&(list).items, &(list).n, &(list).cap, sizeof *(list).items,        \
            reader, err)

static hk_status read_hukou(const json_t *obj, hk_hukou *h, hk_error *err)
{
  static const char *const keys[] = {"division", "household", "head", "urban", "household_no",
                                     NULL};
  int household = 0;
  const char *no;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK)
    rc = hk_json_division(obj, "division", HK_JSON_REQUIRED, true, &h->division, err);
  if (rc == HK_OK)
    rc = enum_value(obj, "household", HK_JSON_OPTIONAL, &household, household_kind_from, err);
  h->household = (hk_household_kind)household;
  if (rc == HK_OK)
    rc = hk_json_bool(obj, "head", HK_JSON_OPTIONAL, false, &h->head, err);
  if (rc == HK_OK)
    rc = tri(obj, "urban", &h->urban, err);
  if (rc == HK_OK)
    rc = hk_json_string(obj, "household_no", HK_JSON_OPTIONAL, HK_HOUSEHOLD_NO_MAX, &no, err);
  if (rc == HK_OK && no != NULL) {
    if (no[0] == '\0')
      return hk_error_set(err, HK_EINVAL, "household_no", "empty");
    snprintf(h->household_no, sizeof h->household_no, "%s", no);
  }
  return rc;
}

static hk_status read_points_facts(const json_t *obj, hk_points_facts *f, hk_error *err)
{
  static const char *const keys[] = {"volunteer_hours", "blood_ml", "donation_yuan", "skill",
                                     NULL};
  int64_t v;
  int skill = 0;
  f->present = true;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc == HK_OK && (rc = hk_json_int(obj, "volunteer_hours", HK_JSON_OPTIONAL, 0, 1000000, 0,
                                       &v, err)) == HK_OK)
    f->volunteer_hours = (int32_t)v;
  if (rc == HK_OK &&
      (rc = hk_json_int(obj, "blood_ml", HK_JSON_OPTIONAL, 0, 1000000, 0, &v, err)) == HK_OK)
    f->blood_ml = (int32_t)v;
  if (rc == HK_OK && (rc = hk_json_int(obj, "donation_yuan", HK_JSON_OPTIONAL, 0, 2000000000, 0,
                                       &v, err)) == HK_OK)
    f->donation_yuan = (int32_t)v;
  if (rc == HK_OK)
    rc = enum_value(obj, "skill", HK_JSON_OPTIONAL, &skill, talent_category_from, err);
  f->skill = (hk_talent_category)skill;
  return rc;
}

static const char *const record_keys[] = {
    "id_number", "name",       "marital_status",   "education",         "hukou",
    "residence", "housing",    "employment",       "schooling",         "social_insurance",
    "residence_permits", "talent", "points_facts", "relatives", NULL};
static const char *const person_keys[] = {
    "id_number", "name",       "marital_status",   "education",         "hukou",
    "residence", "housing",    "employment",       "schooling",         "social_insurance",
    "residence_permits", "talent", "points_facts", NULL};
static const char *const relative_keys[] = {
    "id_number", "name",       "marital_status",   "education",         "hukou",
    "residence", "housing",    "employment",       "schooling",         "social_insurance",
    "residence_permits", "talent", "points_facts", "relation", "consents", NULL};

static hk_status read_person(const json_t *obj, hk_person_json_mode mode, hk_date today,
                             hk_person *p, hk_error *err)
{
  const char *const *keys =
      mode == HK_PJ_RECORD ? record_keys : mode == HK_PJ_PERSON ? person_keys : relative_keys;
  hk_status rc = hk_json_known_keys(obj, keys, err);
  if (rc != HK_OK)
    return rc;

  const char *id, *name;
  if ((rc = hk_json_string(obj, "id_number", HK_JSON_REQUIRED, HK_IDNUM_INPUT_MAX, &id, err)))
    return rc;
  hk_idnum idn;
  if (!hk_idnum_check(id, today, &idn))
    return hk_error_set(err, HK_EINVAL, "id_number", "invalid ID number (%s)",
                        hk_idnum_fault_name(idn.fault));
  memcpy(p->id_number, idn.number, sizeof p->id_number);
  p->birth_date = idn.birth_date;
  p->sex = idn.sex;

  if ((rc = hk_json_string(obj, "name", HK_JSON_OPTIONAL, HK_NAME_MAX, &name, err)))
    return rc;
  if (name)
    snprintf(p->name, sizeof p->name, "%s", name);

  int v = 0;
  if ((rc = enum_value(obj, "marital_status", HK_JSON_OPTIONAL, &v, marital_from, err)))
    return rc;
  p->marital_status = (hk_marital)v;
  if ((rc = enum_value(obj, "education", HK_JSON_OPTIONAL, &v, education_from, err)))
    return rc;
  p->education = (hk_education)v;

  json_t *sub;
  if ((rc = hk_json_object(obj, "hukou", HK_JSON_OPTIONAL, &sub, err)))
    return rc;
  if (sub) {
    p->has_hukou = true;
    if ((rc = read_hukou(sub, &p->hukou, err))) {
      hk_error_prefix(err, "hukou");
      return rc;
    }
  }
  if ((rc = READ_LIST(obj, "residence", p->residence, read_residence, err)) ||
      (rc = READ_LIST(obj, "housing", p->housing, read_housing, err)) ||
      (rc = READ_LIST(obj, "employment", p->employment, read_employment, err)) ||
      (rc = READ_LIST(obj, "schooling", p->schooling, read_schooling, err)) ||
      (rc = READ_LIST(obj, "social_insurance", p->social_insurance, read_insurance, err)) ||
      (rc = READ_LIST(obj, "residence_permits", p->residence_permits, read_permit, err)) ||
      (rc = READ_LIST(obj, "talent", p->talent, read_talent, err)))
    return rc;

  if ((rc = hk_json_object(obj, "points_facts", HK_JSON_OPTIONAL, &sub, err)))
    return rc;
  if (sub && (rc = read_points_facts(sub, &p->points_facts, err))) {
    hk_error_prefix(err, "points_facts");
    return rc;
  }

  if (mode == HK_PJ_RECORD) {
    if ((rc = READ_LIST(obj, "relatives", p->relatives, read_link, err)))
      return rc;
    if (p->relatives.n > HK_RELATIVES_MAX)
      return hk_error_set(err, HK_ETOOBIG, "relatives", "more than %d relatives",
                          HK_RELATIVES_MAX);
    for (uint32_t i = 0; i < p->relatives.n; i++)
      if (strcmp(p->relatives.items[i].id_number, p->id_number) == 0) {
        hk_error_set(err, HK_EINVAL, "id_number", "a person cannot be their own relative");
        return in_list(err, "relatives", i, HK_EINVAL);
      }
  }
  if (mode == HK_PJ_RELATIVE) {
    if ((rc = enum_value(obj, "relation", HK_JSON_REQUIRED, &v, relation_from, err)))
      return rc;
    p->relation = (hk_relation)v;
    if ((rc = tri(obj, "consents", &p->consents, err)))
      return rc;
  }
  return HK_OK;
}

hk_status hk_person_from_json(const json_t *obj, hk_person_json_mode mode, hk_date today,
                              hk_person *out, hk_error *err)
{
  hk_person_reset(out);
  if (!json_is_object(obj))
    return hk_error_set(err, HK_EINVAL, "", "not a JSON object");
  return read_person(obj, mode, today, out, err);
}

/* ---- writing ---- */

static void set_tri(json_t *o, const char *key, hk_tri t)
{
  if (t != HK_TRI_UNSET)
    json_object_set_new(o, key, json_boolean(t == HK_TRI_TRUE));
}

static void set_period(json_t *o, hk_period p)
{
  hk_json_set_date(o, "from", p.from);
  hk_json_set_date(o, "to", p.to);
}

static void set_name(json_t *o, const char *key, const char *name)
{
  if (name)
    json_object_set_new(o, key, json_string(name));
}

json_t *hk_person_to_json(const hk_person *p, hk_person_json_mode mode)
{
  json_t *o = json_object(), *a, *e;
  if (o == NULL)
    return NULL;
  json_object_set_new(o, "id_number", json_string(p->id_number));
  if (p->name[0])
    json_object_set_new(o, "name", json_string(p->name));
  set_name(o, "marital_status", hk_marital_name(p->marital_status));
  set_name(o, "education", hk_education_name(p->education));
  if (p->has_hukou) {
    e = json_object();
    hk_json_set_division(e, "division", p->hukou.division);
    set_name(e, "household", hk_household_kind_name(p->hukou.household));
    json_object_set_new(e, "head", json_boolean(p->hukou.head));
    set_tri(e, "urban", p->hukou.urban);
    if (p->hukou.household_no[0])
      json_object_set_new(e, "household_no", json_string(p->hukou.household_no));
    json_object_set_new(o, "hukou", e);
  }

  json_object_set_new(o, "residence", a = json_array());
  for (uint32_t i = 0; i < p->residence.n; i++) {
    const hk_residence *r = &p->residence.items[i];
    e = json_object();
    hk_json_set_division(e, "division", r->division);
    set_tri(e, "urban", r->urban);
    set_period(e, r->period);
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "housing", a = json_array());
  for (uint32_t i = 0; i < p->housing.n; i++) {
    const hk_housing *h = &p->housing.items[i];
    e = json_object();
    hk_json_set_division(e, "division", h->division);
    set_tri(e, "urban", h->urban);
    set_name(e, "kind", hk_housing_kind_name(h->kind));
    if (!h->legal)
      json_object_set_new(e, "legal", json_false());
    set_period(e, h->period);
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "employment", a = json_array());
  for (uint32_t i = 0; i < p->employment.n; i++) {
    const hk_employment *m = &p->employment.items[i];
    e = json_object();
    hk_json_set_division(e, "division", m->division);
    set_period(e, m->period);
    json_object_set_new(e, "collective_household", json_boolean(m->collective_household));
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "schooling", a = json_array());
  for (uint32_t i = 0; i < p->schooling.n; i++) {
    e = json_object();
    hk_json_set_division(e, "division", p->schooling.items[i].division);
    set_period(e, p->schooling.items[i].period);
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "social_insurance", a = json_array());
  for (uint32_t i = 0; i < p->social_insurance.n; i++) {
    const hk_insurance *s = &p->social_insurance.items[i];
    e = json_object();
    hk_json_set_division(e, "city", s->city);
    hk_json_set_month(e, "from", s->months.from);
    hk_json_set_month(e, "to", s->months.to);
    json_object_set_new(e, "pension_transferred", json_boolean(s->pension_transferred));
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "residence_permits", a = json_array());
  for (uint32_t i = 0; i < p->residence_permits.n; i++) {
    e = json_object();
    hk_json_set_division(e, "division", p->residence_permits.items[i].division);
    set_period(e, p->residence_permits.items[i].period);
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "talent", a = json_array());
  for (uint32_t i = 0; i < p->talent.n; i++) {
    const hk_talent *t = &p->talent.items[i];
    e = json_object();
    set_name(e, "category", hk_talent_category_name(t->category));
    hk_json_set_division(e, "division", t->division);
    if (t->recognised != HK_DATE_NONE)
      hk_json_set_date(e, "recognised", t->recognised);
    json_array_append_new(a, e);
  }
  if (p->points_facts.present) {
    const hk_points_facts *f = &p->points_facts;
    e = json_object();
    json_object_set_new(e, "volunteer_hours", json_integer(f->volunteer_hours));
    json_object_set_new(e, "blood_ml", json_integer(f->blood_ml));
    json_object_set_new(e, "donation_yuan", json_integer(f->donation_yuan));
    set_name(e, "skill", hk_talent_category_name(f->skill));
    json_object_set_new(o, "points_facts", e);
  }
  if (mode == HK_PJ_RECORD) {
    json_object_set_new(o, "relatives", a = json_array());
    for (uint32_t i = 0; i < p->relatives.n; i++) {
      e = json_object();
      set_name(e, "relation", hk_relation_name(p->relatives.items[i].relation));
      json_object_set_new(e, "id_number", json_string(p->relatives.items[i].id_number));
      json_array_append_new(a, e);
    }
  }
  if (mode == HK_PJ_RELATIVE) {
    set_name(o, "relation", hk_relation_name(p->relation));
    set_tri(o, "consents", p->consents);
  }
  return o;
}
