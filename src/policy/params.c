/* params.c — the parameters of contract version 1: names, value types, the policy files of
 * policies/ (one per division, each parameter a list of dated values with its source), and
 * resolution for a target on a date (province -> city -> county, what-if overrides first).
 * Values are data; the rules that read them are in rules.c. */
#include "policy/policy.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/json.h"
#include "policy/policy_int.h"

static const struct {
  const char *name;
  hk_param_type type;
  bool nullable;
} params[HK_P_COUNT] = {
    [HK_P_HANGZHOU_URBAN] = {"hangzhou_urban.divisions", HK_PT_CODES, false},
    [HK_P_YRD_CITIES] = {"yrd.cities", HK_PT_CODES, false},
    [HK_P_PERMIT_MIN_MONTHS] = {"permit.min_months", HK_PT_INT, false},
    [HK_P_PERMIT_TALENT_WAIVES] = {"permit.talent_waives_half_year", HK_PT_BOOL, false},
    [HK_P_RESIDENCE_MIN_YEARS] = {"residence.min_years", HK_PT_INT, false},
    [HK_P_RESIDENCE_MIN_INS] = {"residence.min_insurance_years", HK_PT_INT, false},
    [HK_P_RESIDENCE_YRD] = {"residence.yrd_recognition", HK_PT_BOOL, false},
    [HK_P_CONVERSION_MIN_YEARS] = {"permit_conversion.min_years", HK_PT_INT, false},
    [HK_P_TALENT_CATEGORIES] = {"talent.categories", HK_PT_CATEGORIES, false},
    [HK_P_FAMILY_PARENT_MIN_AGE] = {"family.parent_min_age", HK_PT_AGE_BY_SEX, true},
    [HK_P_FAMILY_UNMARRIED] = {"family.unmarried_children", HK_PT_BOOL, false},
    [HK_P_POINTS_THRESHOLD] = {"points.threshold", HK_PT_INT, false},
    [HK_P_POINTS_ITEMS] = {"points.items", HK_PT_ITEMS, false},
    [HK_P_POINTS_QUOTA] = {"points.quota", HK_PT_INT, true},
    [HK_P_TALENT_AGE_LIMITS] = {"talent.age_limits", HK_PT_AGE_TABLE, true},
};

const char *hk_param_name(hk_param_id id)
{
  return (unsigned)id < HK_P_COUNT ? params[id].name : NULL;
}

hk_param_id hk_param_from_name(const char *name)
{
  for (int i = 0; i < HK_P_COUNT; i++)
    if (name && strcmp(params[i].name, name) == 0)
      return (hk_param_id)i;
  return HK_P_COUNT;
}

hk_param_type hk_param_type_of(hk_param_id id)
{
  return params[id].type;
}

static const char *const basis_names[HK_PB_COUNT] = {
    "insurance_months", "residence_months", "rental_months", "age", "education", "skill",
    "volunteer_hours",  "blood_ml",         "donation_yuan"};

/* ---- values ---- */

void hk_pvalue_clear(hk_pvalue *v)
{
  free(v->codes);
  free(v->items);
  memset(v, 0, sizeof *v);
}

/* Points as a JSON number to centi-points: 0.5 is 50. Only whole hundredths are accepted, so
 * nothing is rounded silently. */
static hk_status centi(const json_t *obj, const char *key, bool required, int64_t *out,
                       hk_error *err)
{
  json_t *v = json_object_get(obj, key);
  if (v == NULL || json_is_null(v)) {
    if (required)
      return hk_error_set(err, HK_EINVAL, key, "missing");
    return HK_OK;
  }
  if (!json_is_number(v))
    return hk_error_set(err, HK_EINVAL, key, "not a number");
  double d = json_number_value(v) * 100.0;
  if (!(d >= 0 && d <= 1e8) || fabs(d - round(d)) > 1e-6)
    return hk_error_set(err, HK_EINVAL, key,
                        "not a number of points in [0, 1000000] in hundredths");
  *out = (int64_t)llround(d);
  return HK_OK;
}

static hk_status read_item(const json_t *obj, hk_points_item *it, hk_error *err)
{
  static const char *const keys[] = {"id",    "basis", "per",  "points", "cap",
                                     "table", "bands", "note", NULL};
  const char *s;
  hk_status rc;
  if (!json_is_object(obj))
    return hk_error_set(err, HK_EINVAL, "", "not an object");
  memset(it, 0, sizeof *it);
  it->cap_c = -1;
  for (int i = 0; i < HK_POINTS_TABLE_MAX; i++)
    it->table_c[i] = -1;
  if ((rc = hk_json_known_keys(obj, keys, err)) ||
      (rc = hk_json_string(obj, "id", HK_JSON_REQUIRED, HK_POINTS_ID_MAX, &s, err)))
    return rc;
  if (s[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "id", "empty");
  snprintf(it->id, sizeof it->id, "%s", s);
  if ((rc = hk_json_string(obj, "basis", HK_JSON_REQUIRED, 32, &s, err)))
    return rc;
  int basis = -1;
  for (int i = 0; i < HK_PB_COUNT; i++)
    if (strcmp(basis_names[i], s) == 0)
      basis = i;
  if (basis < 0)
    return hk_error_set(err, HK_EINVAL, "basis", "unknown basis \"%s\"", s);
  it->basis = (hk_points_basis)basis;
  if ((rc = hk_json_string(obj, "note", HK_JSON_OPTIONAL, 1000, &s, err)))
    return rc;

  json_t *table = json_object_get(obj, "table"), *bands = json_object_get(obj, "bands");
  bool lookup = it->basis == HK_PB_EDUCATION || it->basis == HK_PB_SKILL;
  if (lookup) {
    if (table == NULL || !json_is_object(table))
      return hk_error_set(err, HK_EINVAL, "table", "missing (an object of points by name)");
    if (bands || json_object_get(obj, "per") || json_object_get(obj, "points"))
      return hk_error_set(err, HK_EINVAL, "table", "a table item has only a table");
    it->kind = HK_PK_TABLE;
    const char *k;
    json_t *pv;
    json_object_foreach(table, k, pv)
    {
      int e = it->basis == HK_PB_EDUCATION ? (int)hk_education_from(k)
                                           : (int)hk_talent_category_from(k);
      if (e <= 0 || e >= HK_POINTS_TABLE_MAX) {
        hk_error_set(err, HK_EINVAL, k, "unknown %s", basis_names[it->basis]);
        hk_error_prefix(err, "table");
        return HK_EINVAL;
      }
      if ((rc = centi(table, k, true, &it->table_c[e], err))) {
        hk_error_prefix(err, "table");
        return rc;
      }
    }
    return HK_OK;
  }
  if (table)
    return hk_error_set(err, HK_EINVAL, "table", "only education and skill items have a table");
  if (bands) {
    if (!json_is_array(bands) || json_array_size(bands) == 0 ||
        json_array_size(bands) > HK_POINTS_BANDS_MAX)
      return hk_error_set(err, HK_EINVAL, "bands", "not a list of 1 to %d bands",
                          HK_POINTS_BANDS_MAX);
    it->kind = HK_PK_BANDS;
    size_t i;
    json_t *b;
    json_array_foreach(bands, i, b)
    {
      static const char *const bkeys[] = {"max", "points", NULL};
      int64_t max;
      char where[32];
      snprintf(where, sizeof where, "bands[%zu]", i);
      if (!json_is_object(b))
        return hk_error_set(err, HK_EINVAL, where, "not an object");
      if ((rc = hk_json_known_keys(b, bkeys, err)) ||
          (rc = hk_json_int(b, "max", HK_JSON_REQUIRED, 0, 100000000, 0, &max, err)) ||
          (rc = centi(b, "points", true, &it->band_points_c[i], err))) {
        hk_error_prefix(err, where);
        return rc;
      }
      if (i > 0 && max <= it->band_max[i - 1])
        return hk_error_set(err, HK_EINVAL, where, "max not above the previous band's");
      it->band_max[i] = max;
      it->n_bands = (uint32_t)i + 1;
    }
    return HK_OK;
  }
  it->kind = HK_PK_LINEAR;
  if ((rc = hk_json_int(obj, "per", HK_JSON_REQUIRED, 1, 100000000, 1, &it->per, err)) ||
      (rc = centi(obj, "points", true, &it->points_c, err)) ||
      (rc = centi(obj, "cap", false, &it->cap_c, err)))
    return rc;
  return HK_OK;
}

/* An age in whole years: an integer in [0, 150]. */
static hk_status age_of(const json_t *v, const char *where, int64_t *out, hk_error *err)
{
  if (!json_is_integer(v))
    return hk_error_set(err, HK_EINVAL, where, "not an age (an integer number of years)");
  if (json_integer_value(v) < 0 || json_integer_value(v) > 150)
    return hk_error_set(err, HK_EINVAL, where, "out of range [0, 150]");
  *out = json_integer_value(v);
  return HK_OK;
}

hk_status hk_pvalue_from_json(hk_param_id id, const json_t *v, hk_pvalue *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  out->type = params[id].type;
  out->set = true;
  for (int i = 0; i < HK_POINTS_TABLE_MAX; i++)
    out->ages[i] = -1;
  if (json_is_null(v)) {
    if (!params[id].nullable)
      return hk_error_set(err, HK_EINVAL, "", "may not be null");
    out->set = false;
    return HK_OK;
  }
  switch (out->type) {
  case HK_PT_INT:
    if (!json_is_integer(v))
      return hk_error_set(err, HK_EINVAL, "", "not an integer");
    if (json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
      return hk_error_set(err, HK_EINVAL, "", "out of range [0, 1000000]");
    out->i = json_integer_value(v);
    return HK_OK;
  case HK_PT_BOOL:
    if (!json_is_boolean(v))
      return hk_error_set(err, HK_EINVAL, "", "not true or false");
    out->b = json_is_true(v);
    return HK_OK;
  case HK_PT_CODES: {
    if (!json_is_array(v))
      return hk_error_set(err, HK_EINVAL, "", "not a list of division codes");
    size_t n = json_array_size(v);
    if (n > HK_LIST_MAX)
      return hk_error_set(err, HK_ETOOBIG, "", "more than %d codes", HK_LIST_MAX);
    out->codes = calloc(n ? n : 1, sizeof *out->codes);
    if (out->codes == NULL)
      return hk_error_set(err, HK_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < n; i++) {
      int32_t code;
      const char *s = json_string_value(json_array_get(v, i));
      char where[24];
      snprintf(where, sizeof where, "[%zu]", i);
      if (!hk_division_parse(s, &code) || hk_division_find(code) == NULL) {
        hk_pvalue_clear(out);
        return hk_error_set(err, HK_EINVAL, where, "not a known 6-digit division code");
      }
      out->codes[out->n_codes++] = code;
    }
    return HK_OK;
  }
  case HK_PT_CATEGORIES: {
    if (!json_is_array(v))
      return hk_error_set(err, HK_EINVAL, "", "not a list of talent categories");
    size_t i;
    json_t *c;
    json_array_foreach(v, i, c)
    {
      hk_talent_category cat = hk_talent_category_from(json_string_value(c));
      if (cat == HK_TALENT_UNSET || cat == HK_TALENT_NONE) {
        char where[24];
        snprintf(where, sizeof where, "[%zu]", i);
        return hk_error_set(err, HK_EINVAL, where, "not a talent category");
      }
      out->categories |= 1u << cat;
    }
    return HK_OK;
  }
  case HK_PT_AGE_BY_SEX: {
    /* One age for both, or each sex's: Hangzhou's parents joining a child, 男 60 女 55. */
    if (json_is_integer(v)) {
      hk_status rc = age_of(v, "", &out->i, err);
      out->i_female = out->i;
      return rc;
    }
    static const char *const keys[] = {"male", "female", NULL};
    hk_status rc;
    if (!json_is_object(v))
      return hk_error_set(err, HK_EINVAL, "", "not an age or {\"male\": AGE, \"female\": AGE}");
    if ((rc = hk_json_known_keys(v, keys, err)))
      return rc;
    for (int k = 0; k < 2; k++) {
      json_t *a = json_object_get(v, keys[k]);
      if (a == NULL)
        return hk_error_set(err, HK_EINVAL, keys[k], "missing");
      if ((rc = age_of(a, keys[k], k == 0 ? &out->i : &out->i_female, err)))
        return rc;
    }
    return HK_OK;
  }
  case HK_PT_AGE_TABLE: {
    /* Categories absent from the object have no age limit. */
    if (!json_is_object(v))
      return hk_error_set(err, HK_EINVAL, "",
                          "not an object of ages by talent category (\"bachelor\": 45)");
    const char *k;
    json_t *a;
    json_object_foreach((json_t *)v, k, a)
    {
      hk_talent_category cat = hk_talent_category_from(k);
      int64_t age = 0;
      if (cat == HK_TALENT_UNSET || cat == HK_TALENT_NONE || cat >= HK_POINTS_TABLE_MAX)
        return hk_error_set(err, HK_EINVAL, k, "not a talent category");
      hk_status rc = age_of(a, k, &age, err);
      if (rc)
        return rc;
      out->ages[cat] = (int32_t)age;
    }
    return HK_OK;
  }
  case HK_PT_ITEMS: {
    if (!json_is_array(v))
      return hk_error_set(err, HK_EINVAL, "", "not a list of points items");
    size_t n = json_array_size(v);
    if (n > HK_POINTS_ITEMS_MAX)
      return hk_error_set(err, HK_ETOOBIG, "", "more than %d items", HK_POINTS_ITEMS_MAX);
    out->items = calloc(n ? n : 1, sizeof *out->items);
    if (out->items == NULL)
      return hk_error_set(err, HK_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < n; i++) {
      hk_status rc = read_item(json_array_get(v, i), &out->items[i], err);
      char where[24];
      snprintf(where, sizeof where, "[%zu]", i);
      if (rc == HK_OK)
        for (size_t j = 0; j < i; j++)
          if (strcmp(out->items[j].id, out->items[i].id) == 0)
            rc = hk_error_set(err, HK_EINVAL, "id", "duplicate item id \"%s\"", out->items[i].id);
      if (rc != HK_OK) {
        hk_error_prefix(err, where);
        hk_pvalue_clear(out);
        return rc;
      }
      out->n_items = (uint32_t)i + 1;
    }
    return HK_OK;
  }
  }
  return hk_error_set(err, HK_EINTERNAL, "", "unknown parameter type");
}

static json_t *centi_json(int64_t c)
{
  return c % 100 == 0 ? json_integer(c / 100) : json_real((double)c / 100.0);
}

json_t *hk_pvalue_to_json(const hk_pvalue *v)
{
  if (!v->set)
    return json_null();
  switch (v->type) {
  case HK_PT_INT:
    return json_integer(v->i);
  case HK_PT_BOOL:
    return json_boolean(v->b);
  case HK_PT_CODES: {
    json_t *a = json_array();
    char buf[12];
    for (uint32_t i = 0; i < v->n_codes; i++) {
      snprintf(buf, sizeof buf, "%06d", (int)v->codes[i]);
      json_array_append_new(a, json_string(buf));
    }
    return a;
  }
  case HK_PT_CATEGORIES: {
    json_t *a = json_array();
    for (int c = 1; c < HK_TALENT_COUNT; c++)
      if (v->categories & (1u << c))
        json_array_append_new(a, json_string(hk_talent_category_name((hk_talent_category)c)));
    return a;
  }
  case HK_PT_AGE_BY_SEX:
    if (v->i == v->i_female)
      return json_integer(v->i);
    return json_pack("{sIsI}", "male", (json_int_t)v->i, "female", (json_int_t)v->i_female);
  case HK_PT_AGE_TABLE: {
    json_t *o = json_object();
    for (int c = 1; c < HK_TALENT_COUNT && c < HK_POINTS_TABLE_MAX; c++)
      if (v->ages[c] >= 0)
        json_object_set_new(o, hk_talent_category_name((hk_talent_category)c),
                            json_integer(v->ages[c]));
    return o;
  }
  case HK_PT_ITEMS: {
    json_t *a = json_array();
    for (uint32_t i = 0; i < v->n_items; i++) {
      const hk_points_item *it = &v->items[i];
      json_t *o = json_object();
      json_object_set_new(o, "id", json_string(it->id));
      json_object_set_new(o, "basis", json_string(basis_names[it->basis]));
      if (it->kind == HK_PK_LINEAR) {
        json_object_set_new(o, "per", json_integer(it->per));
        json_object_set_new(o, "points", centi_json(it->points_c));
        if (it->cap_c >= 0)
          json_object_set_new(o, "cap", centi_json(it->cap_c));
      } else if (it->kind == HK_PK_TABLE) {
        json_t *t = json_object();
        for (int e = 1; e < HK_POINTS_TABLE_MAX; e++)
          if (it->table_c[e] >= 0) {
            const char *name = it->basis == HK_PB_EDUCATION
                                   ? hk_education_name((hk_education)e)
                                   : hk_talent_category_name((hk_talent_category)e);
            if (name)
              json_object_set_new(t, name, centi_json(it->table_c[e]));
          }
        json_object_set_new(o, "table", t);
      } else {
        json_t *b = json_array();
        for (uint32_t k = 0; k < it->n_bands; k++) {
          json_t *band = json_object();
          json_object_set_new(band, "max", json_integer(it->band_max[k]));
          json_object_set_new(band, "points", centi_json(it->band_points_c[k]));
          json_array_append_new(b, band);
        }
        json_object_set_new(o, "bands", b);
      }
      json_array_append_new(a, o);
    }
    return a;
  }
  }
  return json_null();
}

/* ---- files ---- */

void policy__file_clear(policy__file *f)
{
  for (int p = 0; p < HK_P_COUNT; p++) {
    for (uint32_t i = 0; i < f->n_entries[p]; i++) {
      hk_pvalue_clear(&f->entries[p][i].value);
      free(f->entries[p][i].source);
      free(f->entries[p][i].note);
    }
    free(f->entries[p]);
  }
  free(f->path);
  free(f->name);
  memset(f, 0, sizeof *f);
}

static int entry_cmp(const void *a, const void *b)
{
  const policy__entry *x = a, *y = b;
  return (x->from > y->from) - (x->from < y->from);
}

static hk_status read_entry(const json_t *obj, hk_param_id id, policy__entry *e, hk_error *err)
{
  static const char *const keys[] = {"from", "value", "source", "illustrative", "note", NULL};
  const char *source, *note;
  hk_status rc;
  if (!json_is_object(obj))
    return hk_error_set(err, HK_EINVAL, "", "not an object");
  if ((rc = hk_json_known_keys(obj, keys, err)) ||
      (rc = hk_json_date(obj, "from", HK_JSON_REQUIRED, &e->from, err)) ||
      (rc = hk_json_string(obj, "source", HK_JSON_REQUIRED, 2000, &source, err)) ||
      (rc = hk_json_bool(obj, "illustrative", HK_JSON_OPTIONAL, false, &e->illustrative, err)) ||
      (rc = hk_json_string(obj, "note", HK_JSON_OPTIONAL, 4000, &note, err)))
    return rc;
  if (source[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "source", "empty: every value cites its document");
  if (e->illustrative && (note == NULL || note[0] == '\0'))
    return hk_error_set(err, HK_EINVAL, "note", "an illustrative value must say why in a note");
  json_t *value = json_object_get(obj, "value");
  if (value == NULL)
    return hk_error_set(err, HK_EINVAL, "value", "missing");
  if ((rc = hk_pvalue_from_json(id, value, &e->value, err))) {
    hk_error_prefix(err, "value");
    return rc;
  }
  e->source = strdup(source);
  e->note = note ? strdup(note) : NULL;
  if (e->source == NULL || (note && e->note == NULL))
    return hk_error_set(err, HK_ENOMEM, "", "out of memory");
  return HK_OK;
}

hk_status policy__file_read(const json_t *doc, const char *path, policy__file *f, hk_error *err)
{
  static const char *const keys[] = {"schema", "division", "name", "note", "parameters", NULL};
  memset(f, 0, sizeof *f);
  hk_status rc;
  int64_t schema;
  const char *name;
  json_t *ps;
  if (!json_is_object(doc))
    return hk_error_set(err, HK_EINVAL, "", "not a JSON object");
  if ((rc = hk_json_known_keys(doc, keys, err)) ||
      (rc = hk_json_int(doc, "schema", HK_JSON_REQUIRED, 1, 1, 1, &schema, err)) ||
      (rc = hk_json_division(doc, "division", HK_JSON_REQUIRED, true, &f->division, err)) ||
      (rc = hk_json_string(doc, "name", HK_JSON_OPTIONAL, 200, &name, err)) ||
      (rc = hk_json_object(doc, "parameters", HK_JSON_REQUIRED, &ps, err)))
    return rc;
  if (hk_division_province_of(f->division) != 330000)
    return hk_error_set(err, HK_EINVAL, "division", "%06d is not in Zhejiang (33xxxx)",
                        (int)f->division);
  f->path = strdup(path);
  f->name = strdup(name ? name : "");
  if (f->path == NULL || f->name == NULL)
    return hk_error_set(err, HK_ENOMEM, "", "out of memory");
  const char *key;
  json_t *list;
  json_object_foreach(ps, key, list)
  {
    hk_param_id id = hk_param_from_name(key);
    if (id == HK_P_COUNT) {
      hk_error_set(err, HK_EINVAL, key, "unknown parameter");
      hk_error_prefix(err, "parameters");
      return HK_EINVAL;
    }
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 1000) {
      hk_error_set(err, HK_EINVAL, key, "not a non-empty list of dated values");
      hk_error_prefix(err, "parameters");
      return HK_EINVAL;
    }
    size_t n = json_array_size(list);
    f->entries[id] = calloc(n, sizeof *f->entries[id]);
    if (f->entries[id] == NULL)
      return hk_error_set(err, HK_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < n; i++) {
      rc = read_entry(json_array_get(list, i), id, &f->entries[id][i], err);
      f->n_entries[id] = (uint32_t)i + 1;
      if (rc != HK_OK) {
        char where[24];
        snprintf(where, sizeof where, "[%zu]", i);
        hk_error_prefix(err, where);
        hk_error_prefix(err, key);
        hk_error_prefix(err, "parameters");
        return rc;
      }
    }
    qsort(f->entries[id], n, sizeof *f->entries[id], entry_cmp);
    for (size_t i = 1; i < n; i++)
      if (f->entries[id][i].from == f->entries[id][i - 1].from) {
        char d[11];
        hk_error_set(err, HK_EINVAL, key, "two values from %s",
                     hk_date_format(f->entries[id][i].from, d));
        hk_error_prefix(err, "parameters");
        return HK_EINVAL;
      }
  }
  return HK_OK;
}

static int name_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

hk_status policy__list_dir(const char *dir, char ***names, size_t *n, hk_error *err)
{
  *names = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (d == NULL)
    return hk_error_set(err, HK_EIO, dir, "cannot open directory: %s", strerror(errno));
  size_t cap = 0;
  struct dirent *de;
  hk_status rc = HK_OK;
  while ((de = readdir(d)) != NULL) {
    size_t len = strlen(de->d_name);
    if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0 || de->d_name[0] == '.')
      continue;
    if (*n == cap) {
      cap = cap ? cap * 2 : 16;
      char **grown = realloc(*names, cap * sizeof *grown);
      if (grown == NULL) {
        rc = hk_error_set(err, HK_ENOMEM, dir, "out of memory");
        break;
      }
      *names = grown;
    }
    if (((*names)[*n] = strdup(de->d_name)) == NULL) {
      rc = hk_error_set(err, HK_ENOMEM, dir, "out of memory");
      break;
    }
    (*n)++;
  }
  closedir(d);
  if (rc != HK_OK) {
    /* A failure hands back nothing. */
    for (size_t i = 0; i < *n; i++)
      free((*names)[i]);
    free(*names);
    *names = NULL;
    *n = 0;
  }
  if (rc == HK_OK && *n > 1)
    qsort(*names, *n, sizeof **names, name_cmp);
  return rc;
}

static int file_cmp(const void *a, const void *b)
{
  const policy__file *x = a, *y = b;
  return (x->division > y->division) - (x->division < y->division);
}

hk_status hk_policies_load(const char *dir, hk_policies **out, hk_error *err)
{
  char **names;
  size_t n;
  *out = NULL;
  hk_status rc = policy__list_dir(dir, &names, &n, err);
  if (rc != HK_OK)
    return rc;
  if (n == 0) {
    free(names);
    return hk_error_set(err, HK_EPOLICY, dir, "no policy files (*.json) here");
  }
  hk_policies *pol = calloc(1, sizeof *pol);
  if (pol == NULL || (n && (pol->files = calloc(n, sizeof *pol->files)) == NULL)) {
    rc = hk_error_set(err, HK_ENOMEM, dir, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < n && rc == HK_OK; i++) {
    char path[4096];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
      rc = hk_error_set(err, HK_EPOLICY, names[i], "line %d: %s", jerr.line, jerr.text);
      break;
    }
    rc = policy__file_read(doc, names[i], &pol->files[pol->n_files], err);
    pol->n_files++;
    json_decref(doc);
    if (rc != HK_OK && err != NULL) {
      /* "330400.json: parameters.x" reads better than "330400.json.parameters.x". */
      char field[2 * sizeof err->field];
      snprintf(field, sizeof field, "%s: %s", names[i], err->field);
      field[sizeof err->field - 1] = '\0';
      memcpy(err->field, field, sizeof err->field);
      err->code = HK_EPOLICY;
    }
    if (rc != HK_OK)
      rc = HK_EPOLICY;
  }
  if (rc == HK_OK && pol->n_files > 0) {
    qsort(pol->files, pol->n_files, sizeof *pol->files, file_cmp);
    for (uint32_t i = 1; i < pol->n_files; i++)
      if (pol->files[i].division == pol->files[i - 1].division)
        rc = hk_error_set(err, HK_EPOLICY, pol->files[i].path, "a second file for division %06d",
                          (int)pol->files[i].division);
  }
out:
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  if (rc != HK_OK)
    hk_policies_free(pol);
  else
    *out = pol;
  return rc;
}

void hk_policies_free(hk_policies *pol)
{
  if (pol == NULL)
    return;
  for (uint32_t i = 0; i < pol->n_files; i++)
    policy__file_clear(&pol->files[i]);
  free(pol->files);
  free(pol);
}

const char *hk_policies_default_dir(void)
{
  const char *env = getenv("HUKOU_POLICIES");
  return env && env[0] ? env : HK_DEFAULT_POLICY_DIR;
}

const policy__file *policy__file_find(const hk_policies *pol, int32_t division)
{
  if (pol == NULL)
    return NULL;
  uint32_t lo = 0, hi = pol->n_files;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (pol->files[mid].division == division)
      return &pol->files[mid];
    if (pol->files[mid].division < division)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* ---- resolution ---- */

/* How specific a division is: county 3, city 2, province 1. */
static int level(int32_t d)
{
  return d % 10000 == 0 ? 1 : d % 100 == 0 ? 2 : 3;
}

void hk_params_resolve(const hk_policies *pol, int32_t target, hk_date as_of,
                       const hk_override *overrides, uint32_t n_overrides, hk_params *out,
                       hk_param_source *sources)
{
  int best[HK_P_COUNT];
  for (int p = 0; p < HK_P_COUNT; p++) {
    out->v[p] = NULL;
    best[p] = 0;
    if (sources)
      memset(&sources[p], 0, sizeof sources[p]);
  }
  for (uint32_t i = 0; i < n_overrides; i++) {
    const hk_override *o = &overrides[i];
    if (!hk_division_within(target, o->division) || (unsigned)o->id >= HK_P_COUNT)
      continue;
    int l = level(o->division);
    if (l >= best[o->id]) {
      best[o->id] = l;
      out->v[o->id] = &o->value;
      if (sources) {
        memset(&sources[o->id], 0, sizeof sources[o->id]);
        sources[o->id].division = o->division;
        sources[o->id].override = true;
      }
    }
  }
  int32_t chain[3] = {target, hk_division_city_of(target), hk_division_province_of(target)};
  for (int p = 0; p < HK_P_COUNT; p++) {
    if (out->v[p] != NULL)
      continue;
    for (int k = 0; k < 3 && out->v[p] == NULL; k++) {
      if (chain[k] == 0 || (k > 0 && chain[k] == chain[k - 1]))
        continue;
      const policy__file *f = policy__file_find(pol, chain[k]);
      if (f == NULL)
        continue;
      const policy__entry *e = NULL;
      for (uint32_t i = 0; i < f->n_entries[p] && f->entries[p][i].from <= as_of; i++)
        e = &f->entries[p][i];
      if (e == NULL)
        continue;
      out->v[p] = &e->value;
      if (sources) {
        sources[p].division = f->division;
        sources[p].from = e->from;
        sources[p].file = f->path;
        sources[p].source = e->source;
        sources[p].illustrative = e->illustrative;
        sources[p].note = e->note;
      }
    }
  }
}

hk_date policy__first_in_force(const hk_policies *pol, int32_t target, hk_param_id p)
{
  int32_t chain[3] = {target, hk_division_city_of(target), hk_division_province_of(target)};
  hk_date first = HK_DATE_NONE;
  for (int k = 0; k < 3; k++) {
    const policy__file *f = chain[k] ? policy__file_find(pol, chain[k]) : NULL;
    if (f == NULL || f->n_entries[p] == 0)
      continue;
    hk_date from = f->entries[p][0].from; /* entries are in order of from */
    if (first == HK_DATE_NONE || from < first)
      first = from;
  }
  return first;
}

void hk_policy_show(const hk_policies *pol, int32_t division, hk_date as_of,
                    void (*fn)(hk_param_id id, const hk_pvalue *v, const hk_param_source *src,
                               void *cls),
                    void *cls)
{
  hk_params p;
  hk_param_source src[HK_P_COUNT];
  hk_params_resolve(pol, division, as_of, NULL, 0, &p, src);
  for (int i = 0; i < HK_P_COUNT; i++)
    if (p.v[i])
      fn((hk_param_id)i, p.v[i], &src[i], cls);
}

bool policy__in_codes(const hk_pvalue *v, int32_t code)
{
  if (v == NULL || !v->set)
    return false;
  for (uint32_t i = 0; i < v->n_codes; i++)
    if (v->codes[i] == code)
      return true;
  return false;
}

bool policy__is_hz_urban(const hk_params *p, int32_t division)
{
  return policy__in_codes(p->v[HK_P_HANGZHOU_URBAN], division);
}

bool policy__is_yrd_city(const hk_params *p, int32_t city)
{
  return policy__in_codes(p->v[HK_P_YRD_CITIES], city);
}
