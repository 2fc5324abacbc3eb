/* situation.c — the question of the eligibility contract: reading a situation document into
 * an hk_situation, with errors naming the field ("person.residence[0].from: not a date"), and
 * the same checks for a situation the store assembles in memory. */
#include "policy/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/json.h"
#include "core/person_json.h"

void hk_situation_init(hk_situation *s)
{
  memset(s, 0, sizeof *s);
  s->as_of = HK_DATE_NONE;
  hk_person_init(&s->person);
}

void hk_situation_reset(hk_situation *s)
{
  hk_person_reset(&s->person);
  for (uint32_t i = 0; i < s->n_relatives; i++)
    hk_person_reset(&s->relatives[i]);
  for (uint32_t i = 0; i < s->n_overrides; i++)
    hk_pvalue_clear(&s->overrides[i].value);
  s->n_relatives = 0;
  s->n_overrides = 0;
  s->as_of = HK_DATE_NONE;
  s->target = 0;
}

void hk_situation_clear(hk_situation *s)
{
  hk_person_clear(&s->person);
  /* Relatives past n_relatives keep list capacity from earlier use: free them all. */
  for (uint32_t i = 0; i < s->cap_relatives; i++)
    hk_person_clear(&s->relatives[i]);
  for (uint32_t i = 0; i < s->n_overrides; i++)
    hk_pvalue_clear(&s->overrides[i].value);
  free(s->relatives);
  free(s->overrides);
  hk_situation_init(s);
}

hk_person *hk_situation_add_relative(hk_situation *s)
{
  if (s->n_relatives >= HK_RELATIVES_MAX)
    return NULL;
  if (s->n_relatives == s->cap_relatives) {
    uint32_t cap = s->cap_relatives ? s->cap_relatives * 2 : 4;
    hk_person *grown = realloc(s->relatives, cap * sizeof *grown);
    if (grown == NULL)
      return NULL;
    for (uint32_t i = s->cap_relatives; i < cap; i++)
      hk_person_init(&grown[i]);
    s->relatives = grown;
    s->cap_relatives = cap;
  }
  hk_person *r = &s->relatives[s->n_relatives++];
  hk_person_reset(r);
  return r;
}

hk_status hk_situation_add_override(hk_situation *s, int32_t division, const char *name,
                                    const json_t *value, hk_error *err)
{
  char code[12];
  snprintf(code, sizeof code, "%06d", (int)division);
  hk_param_id id = hk_param_from_name(name);
  if (id == HK_P_COUNT) {
    hk_error_set(err, HK_EINVAL, name, "unknown parameter");
    hk_error_prefix(err, code);
    return HK_EINVAL;
  }
  if (s->n_overrides >= HK_OVERRIDES_MAX)
    return hk_error_set(err, HK_ETOOBIG, code, "more than %d overrides", HK_OVERRIDES_MAX);
  if (s->n_overrides == s->cap_overrides) {
    uint32_t cap = s->cap_overrides ? s->cap_overrides * 2 : 8;
    hk_override *grown = realloc(s->overrides, cap * sizeof *grown);
    if (grown == NULL)
      return hk_error_set(err, HK_ENOMEM, code, "out of memory");
    s->overrides = grown;
    s->cap_overrides = cap;
  }
  hk_override *o = &s->overrides[s->n_overrides];
  hk_status rc = hk_pvalue_from_json(id, value, &o->value, err);
  if (rc != HK_OK) {
    hk_error_prefix(err, name);
    hk_error_prefix(err, code);
    return rc;
  }
  o->division = division;
  o->id = id;
  s->n_overrides++;
  return HK_OK;
}

hk_status hk_situation_add_overrides_json(hk_situation *s, const json_t *parameters, hk_error *err)
{
  if (!json_is_object(parameters))
    return hk_error_set(err, HK_EINVAL, "", "not an object");
  const char *key;
  json_t *set;
  json_object_foreach((json_t *)parameters, key, set)
  {
    int32_t division;
    if (!hk_division_parse(key, &division) || hk_division_find(division) == NULL)
      return hk_error_set(err, HK_EINVAL, key, "not a known 6-digit division code");
    if (hk_division_province_of(division) != 330000)
      return hk_error_set(err, HK_EINVAL, key, "not in Zhejiang (33xxxx)");
    if (!json_is_object(set))
      return hk_error_set(err, HK_EINVAL, key, "not an object of parameter values");
    const char *name;
    json_t *value;
    json_object_foreach(set, name, value)
    {
      hk_status rc = hk_situation_add_override(s, division, name, value, err);
      if (rc != HK_OK)
        return rc;
    }
  }
  return HK_OK;
}

/* The target: a current county-level division of Zhejiang. */
static hk_status check_target(int32_t target, hk_error *err)
{
  const hk_division *d = hk_division_find(target);
  if (d == NULL)
    return hk_error_set(err, HK_EINVAL, "target", "unknown division %06d", (int)target);
  if (hk_division_province_of(target) != 330000)
    return hk_error_set(err, HK_EINVAL, "target", "%06d is not in Zhejiang (33xxxx)", (int)target);
  if (target % 100 == 0)
    return hk_error_set(err, HK_EINVAL, "target",
                        "%06d is not a county-level division (区/县/县级市)", (int)target);
  if (!d->current)
    return hk_error_set(err, HK_EINVAL, "target", "%06d is no longer a current division",
                        (int)target);
  return HK_OK;
}

hk_status hk_situation_from_json(const json_t *doc, hk_date today, hk_situation *out, hk_error *err)
{
  static const char *const keys[] = {"as_of", "target", "person", "relatives", "parameters", NULL};
  hk_situation_reset(out);
  hk_status rc;
  json_t *person, *relatives, *parameters;
  if (!json_is_object(doc))
    return hk_error_set(err, HK_EINVAL, "", "the situation is not a JSON object");
  if ((rc = hk_json_known_keys(doc, keys, err)) ||
      (rc = hk_json_date(doc, "as_of", HK_JSON_OPTIONAL, &out->as_of, err)) ||
      (rc = hk_json_division(doc, "target", HK_JSON_REQUIRED, false, &out->target, err)) ||
      (rc = check_target(out->target, err)) ||
      (rc = hk_json_object(doc, "person", HK_JSON_REQUIRED, &person, err)) ||
      (rc = hk_json_array(doc, "relatives", HK_JSON_OPTIONAL, &relatives, err)) ||
      (rc = hk_json_object(doc, "parameters", HK_JSON_OPTIONAL, &parameters, err)))
    return rc;
  if (out->as_of == HK_DATE_NONE)
    out->as_of = today;
  /* An ID number whose birth date lies after as_of names nobody yet; it also bounds the
   * birth date for ID numbers of a question asked about the future. */
  hk_date id_limit = out->as_of > today ? out->as_of : today;
  if ((rc = hk_person_from_json(person, HK_PJ_PERSON, id_limit, &out->person, err))) {
    hk_error_prefix(err, "person");
    return rc;
  }
  if (relatives) {
    if (json_array_size(relatives) > HK_RELATIVES_MAX)
      return hk_error_set(err, HK_ETOOBIG, "relatives", "more than %d relatives", HK_RELATIVES_MAX);
    size_t i;
    json_t *r;
    json_array_foreach(relatives, i, r)
    {
      hk_person *rel = hk_situation_add_relative(out);
      if (rel == NULL)
        return hk_error_set(err, HK_ENOMEM, "relatives", "out of memory");
      rc = hk_person_from_json(r, HK_PJ_RELATIVE, id_limit, rel, err);
      if (rc == HK_OK && strcmp(rel->id_number, out->person.id_number) == 0)
        rc =
            hk_error_set(err, HK_EINVAL, "id_number", "the applicant cannot be their own relative");
      if (rc != HK_OK) {
        char where[24];
        snprintf(where, sizeof where, "[%zu]", i);
        hk_error_prefix(err, where);
        hk_error_prefix(err, "relatives");
        return rc;
      }
    }
  }
  if (parameters && (rc = hk_situation_add_overrides_json(out, parameters, err))) {
    hk_error_prefix(err, "parameters");
    return rc;
  }
  return HK_OK;
}

hk_status hk_situation_parse(const char *text, size_t len, hk_date today, hk_situation *out,
                             hk_error *err)
{
  hk_situation_reset(out);
  if (len > HK_SITUATION_TEXT_MAX)
    return hk_error_set(err, HK_ETOOBIG, "", "the situation is larger than %u bytes",
                        HK_SITUATION_TEXT_MAX);
  json_error_t jerr;
  json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (doc == NULL)
    return hk_error_set(err, HK_EINVAL, "", "not JSON (line %d column %d: %s)", jerr.line,
                        jerr.column, jerr.text);
  hk_status rc = hk_situation_from_json(doc, today, out, err);
  json_decref(doc);
  return rc;
}

static hk_status check_period(hk_period p, const char *list, uint32_t i, hk_error *err)
{
  if (hk_period_valid(p))
    return HK_OK;
  char field[64];
  snprintf(field, sizeof field, "person.%s[%u].to", list, i);
  return hk_error_set(err, HK_EINVAL, field, "ends before it starts");
}

hk_status hk_situation_validate(const hk_situation *s, hk_error *err)
{
  hk_status rc;
  if (s->as_of == HK_DATE_NONE)
    return hk_error_set(err, HK_EINVAL, "as_of", "missing");
  if ((rc = check_target(s->target, err)))
    return rc;
  if (!hk_idnum_valid18(s->person.id_number))
    return hk_error_set(err, HK_EINVAL, "person.id_number", "invalid ID number");
  const hk_person *p = &s->person;
  for (uint32_t i = 0; i < p->residence.n; i++)
    if ((rc = check_period(p->residence.items[i].period, "residence", i, err)))
      return rc;
  for (uint32_t i = 0; i < p->housing.n; i++)
    if ((rc = check_period(p->housing.items[i].period, "housing", i, err)))
      return rc;
  for (uint32_t i = 0; i < p->employment.n; i++)
    if ((rc = check_period(p->employment.items[i].period, "employment", i, err)))
      return rc;
  for (uint32_t i = 0; i < p->schooling.n; i++)
    if ((rc = check_period(p->schooling.items[i].period, "schooling", i, err)))
      return rc;
  for (uint32_t i = 0; i < p->residence_permits.n; i++)
    if ((rc = check_period(p->residence_permits.items[i].period, "residence_permits", i, err)))
      return rc;
  for (uint32_t i = 0; i < p->social_insurance.n; i++) {
    hk_month_span m = p->social_insurance.items[i].months;
    if (m.from == HK_MONTH_NONE || (m.to != HK_MONTH_OPEN && m.to < m.from)) {
      char field[64];
      snprintf(field, sizeof field, "person.social_insurance[%u].to", i);
      return hk_error_set(err, HK_EINVAL, field, "ends before it starts");
    }
  }
  return HK_OK;
}
