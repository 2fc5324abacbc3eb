/* answer.c — the contract's JSON answer from an hk_answer. Only the explained path formats
 * anything; bulk passes never call this. */
#include "policy/policy.h"

#include <stdio.h>
#include <string.h>

#include "core/division.h"
#include "core/json.h"
#include "core/label.h"
#include "policy/policy_int.h"

static const char *const pathway_names[HK_PW_COUNT] = {"residence", "hangzhou_points",
                                                       "permit_conversion", "talent", "family"};
static const char *const pathway_clauses[HK_PW_COUNT] = {"(二)", "(二)", "(四)", "(五)", "(六)"};
static const char *const cond_names[HK_C_COUNT] = {
    [HK_C_LIVING_IN_TARGET] = "living_in_target",
    [HK_C_LIVING_IN_TARGET_URBAN] = "living_in_target_urban",
    [HK_C_RESIDENCE_MONTHS] = "residence_half_year",
    [HK_C_PERMIT_BASIS] = "permit_basis",
    [HK_C_LEGAL_STABLE_HOUSING] = "legal_stable_housing",
    [HK_C_RESIDENCE_YEARS] = "residence_years",
    [HK_C_INSURANCE_MONTHS] = "insurance_months",
    [HK_C_HZ_PERMIT] = "hangzhou_permit",
    [HK_C_ADULT] = "adult",
    [HK_C_POINTS] = "points",
    [HK_C_PERMIT_VALID] = "permit_valid",
    [HK_C_PERMIT_YEARS] = "permit_years",
    [HK_C_TALENT_CATEGORY] = "talent_category",
    [HK_C_LIVING_OR_WORKING] = "living_or_working_in_city",
    [HK_C_NOT_REGISTERED] = "not_registered_in_target",
    [HK_C_CHILD_ADULT] = "child_adult",
    [HK_C_CHILD_HUKOU] = "child_hukou_in_target",
    [HK_C_CHILD_HOUSING] = "child_legal_stable_housing",
    [HK_C_PARENT_AGE] = "parent_age",
    [HK_C_PARENT_HUKOU] = "parent_hukou_in_target",
    [HK_C_PARENT_HOUSING] = "parent_legal_stable_housing",
    [HK_C_MINOR_OR_UNMARRIED] = "minor_or_unmarried",
    [HK_C_HEAD_RELATIVE] = "household_head_relative",
    [HK_C_SAME_AREA] = "same_county_or_urban_districts",
    [HK_C_TALENT_AGE] = "talent_age",
};
static const char *const rule_names[HK_FR_COUNT] = {"parent_joins_child", "child_joins_parent",
                                                    "head_household"};
static const char *const address_names[] = {NULL, "own_housing", "host_household",
                                            "employer_collective", "talent_service_collective"};
static const char *const basis_names[HK_PB_COUNT] = {
    "insurance_months", "residence_months", "rental_months", "age", "education", "skill",
    "volunteer_hours",  "blood_ml",         "donation_yuan"};

const char *policy__basis_name(hk_points_basis b)
{
  return (unsigned)b < HK_PB_COUNT ? basis_names[b] : NULL;
}

/* Which label table names a condition's text value (NULL: the value is no code). */
static int value_label_kind(hk_cond_id id)
{
  switch (id) {
  case HK_C_PERMIT_BASIS:
    return HK_LBL_PERMIT_BASIS;
  case HK_C_TALENT_CATEGORY:
    return HK_LBL_TALENT;
  case HK_C_MINOR_OR_UNMARRIED:
    return HK_LBL_MARITAL;
  case HK_C_HEAD_RELATIVE:
    return HK_LBL_RELATION;
  default:
    return -1;
  }
}

static const char *action_name(hk_action a)
{
  switch (a) {
  case HK_ACT_APPLY_PERMIT:
    return "apply_residence_permit";
  case HK_ACT_PERMIT_BASIS:
    return "get_permit_basis";
  case HK_ACT_NONE:
    break;
  }
  return NULL;
}

const char *hk_pathway_name(hk_pathway p)
{
  return (unsigned)p < HK_PW_COUNT ? pathway_names[p] : NULL;
}

const char *hk_cond_name(hk_cond_id id)
{
  return (unsigned)id < HK_C_COUNT ? cond_names[id] : NULL;
}

const char *hk_family_rule_name(hk_family_rule r)
{
  return r >= 0 && r < HK_FR_COUNT ? rule_names[r] : NULL;
}

const char *hk_address_kind_name(hk_address_kind k)
{
  return k > HK_ADDR_NONE && k <= HK_ADDR_TALENT_SERVICE ? address_names[k] : NULL;
}

static json_t *centi_json(int64_t c)
{
  return c % 100 == 0 ? json_integer(c / 100) : json_real((double)c / 100.0);
}

static json_t *date_json(hk_date d)
{
  char buf[11];
  if (d == HK_DATE_NONE || d == HK_HOLDS_ALWAYS || d == HK_DATE_OPEN)
    return json_null();
  return json_string(hk_date_format(d, buf));
}

static json_t *division_json(int32_t d)
{
  char buf[12];
  if (d == 0)
    return json_null();
  snprintf(buf, sizeof buf, "%06d", (int)d);
  return json_string(buf);
}

static json_t *value_json(const hk_value *v)
{
  switch (v->kind) {
  case HK_V_NULL:
    return json_null();
  case HK_V_INT:
    if (v->text && strcmp(v->text, "categories") == 0) {
      json_t *arr = json_array();
      for (int c = 1; c < HK_TALENT_COUNT; c++)
        if ((uint64_t)v->i & (1u << c))
          json_array_append_new(arr, json_string(hk_talent_category_name((hk_talent_category)c)));
      return arr;
    }
    return json_integer(v->i);
  case HK_V_BOOL:
    return json_boolean(v->i != 0);
  case HK_V_DATE:
    return date_json((hk_date)v->i);
  case HK_V_DIVISION:
    return division_json((int32_t)v->i);
  case HK_V_TEXT:
    return json_string(v->text);
  case HK_V_POINTS:
    return centi_json(v->i);
  }
  return json_null();
}

static const char *unit_name(hk_unit u)
{
  switch (u) {
  case HK_U_MONTHS:
    return "months";
  case HK_U_YEARS:
    return "years";
  case HK_U_POINTS:
    return "points";
  case HK_U_NONE:
    break;
  }
  return NULL;
}

static json_t *conditions_json(const hk_answer *a, const hk_result *r)
{
  json_t *arr = json_array();
  for (uint32_t i = 0; i < r->n_cond; i++) {
    const hk_condition *c = &r->cond[i];
    char zh[512], en[512];
    policy__cond_text(a, c, zh, sizeof zh, en, sizeof en);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(cond_names[c->id]));
    hk_label_json_set(o, "", HK_LBL_CONDITION, cond_names[c->id]);
    if (c->rule != HK_FR_NONE)
      json_object_set_new(o, "rule", json_string(rule_names[c->rule]));
    json_object_set_new(o, "met", json_boolean(c->met));
    json_object_set_new(o, "text", json_string(zh));
    json_object_set_new(o, "text_en", json_string(en));
    json_object_set_new(o, "value", value_json(&c->value));
    if (c->value.kind == HK_V_TEXT && value_label_kind(c->id) >= 0)
      hk_label_json_set(o, "value_", (hk_label_kind)value_label_kind(c->id), c->value.text);
    json_object_set_new(o, "required", value_json(&c->required));
    if (unit_name(c->unit))
      json_object_set_new(o, "unit", json_string(unit_name(c->unit)));
    json_object_set_new(o, "holds_from", date_json(c->holds_from));
    /* Added fields: the day an age limit is reached, and what to do when waiting will not. */
    if (c->holds_until != HK_DATE_NONE)
      json_object_set_new(o, "holds_until", date_json(c->holds_until));
    if (action_name(c->action) && !c->met) {
      json_object_set_new(o, "action", json_string(action_name(c->action)));
      json_object_set_new(o, "action_from", date_json(c->action_from));
    }
    if (c->relative >= 0)
      json_object_set_new(o, "relative", json_integer(c->relative));
    json_array_append_new(arr, o);
  }
  return arr;
}

static json_t *result_json(const hk_answer *a, const hk_result *r, const char *pathway,
                           const char *clause)
{
  json_t *o = json_object();
  if (pathway)
    json_object_set_new(o, "pathway", json_string(pathway));
  hk_label_json_set(o, "", HK_LBL_PATHWAY, pathway ? pathway : "residence_permit");
  json_object_set_new(o, "clause", json_string(clause));
  json_object_set_new(o, "applicable", json_boolean(r->applicable));
  json_object_set_new(o, "eligible", json_boolean(r->eligible));
  json_object_set_new(o, "eligible_from",
                      r->applicable ? date_json(r->eligible_from) : json_null());
  if (!r->applicable && r->reason) {
    json_object_set_new(o, "reason", json_string(r->reason));
    json_object_set_new(o, "reason_text", json_string(policy__reason_zh(r->reason)));
    json_object_set_new(o, "reason_text_en", json_string(policy__reason_en(r->reason)));
  }
  json_object_set_new(o, "conditions", conditions_json(a, r));
  if (r->applicable && !r->eligible) {
    /* What a refusal says: the unmet conditions in sentences and what follows from them. */
    char zh[2048], en[2048];
    hk_result_unmet_text(a, r, zh, sizeof zh, en, sizeof en);
    json_object_set_new(o, "summary", json_string(zh));
    json_object_set_new(o, "summary_en", json_string(en));
  }
  if (r->after_action_from != HK_DATE_NONE) {
    json_t *n = json_object();
    json_object_set_new(n, "action", json_string("apply_residence_permit"));
    json_object_set_new(n, "eligible_from", date_json(r->after_action_from));
    json_object_set_new(o, "after_action", n);
  }
  return o;
}

json_t *hk_answer_to_json(const hk_answer *a)
{
  json_t *o = json_object();
  if (o == NULL)
    return NULL;
  json_object_set_new(o, "as_of", date_json(a->as_of));
  const hk_division *t = hk_division_find(a->target), *c = hk_division_find(a->city);
  json_t *target = json_object();
  json_object_set_new(target, "division", division_json(a->target));
  json_object_set_new(target, "name", t ? json_string(t->name) : json_null());
  json_object_set_new(target, "city", division_json(a->city));
  json_object_set_new(target, "city_name", c ? json_string(c->name) : json_null());
  json_object_set_new(target, "hangzhou_urban", json_boolean(a->hangzhou_urban));
  json_object_set_new(o, "target", target);

  json_t *person = json_object();
  json_object_set_new(person, "id_masked", json_string(a->id_masked));
  json_object_set_new(person, "age", json_integer(a->age));
  char sex[2] = {a->sex, 0};
  json_object_set_new(person, "sex", a->sex ? json_string(sex) : json_null());
  json_object_set_new(o, "person", person);

  json_t *facts = json_object();
  json_object_set_new(facts, "residence_since", date_json(a->residence_since));
  json_object_set_new(facts, "residence_months", json_integer(a->residence_months));
  json_object_set_new(facts, "insurance_months", json_integer(a->insurance_months));
  json_object_set_new(facts, "permit_since", date_json(a->permit_since));
  json_object_set_new(facts, "permit_months", json_integer(a->permit_months));
  json_object_set_new(facts, "rental_months", json_integer(a->rental_months));
  json_object_set_new(o, "facts", facts);

  json_object_set_new(o, "residence_permit", result_json(a, &a->permit, NULL, "(三)"));

  json_t *settlement = json_object(), *pathways = json_array();
  json_object_set_new(settlement, "eligible", json_boolean(a->settle_eligible));
  for (int i = 0; i < HK_PW_COUNT; i++) {
    const hk_result *r = &a->pathways[i];
    json_t *p = result_json(a, r, pathway_names[i], pathway_clauses[i]);
    if (i == HK_PW_HANGZHOU_POINTS && a->has_points) {
      json_t *pts = json_object(), *items = json_array();
      json_object_set_new(pts, "total", centi_json(a->points_total_c));
      json_object_set_new(pts, "threshold", centi_json(a->points_threshold_c));
      for (uint32_t k = 0; k < a->n_points; k++) {
        json_t *it = json_object();
        json_object_set_new(it, "id", json_string(a->points[k].id));
        json_object_set_new(it, "basis", json_string(basis_names[a->points[k].basis]));
        hk_label_json_set(it, "", HK_LBL_POINTS_BASIS, basis_names[a->points[k].basis]);
        const char *name = NULL;
        if (a->points[k].basis == HK_PB_EDUCATION)
          name = hk_education_name((hk_education)a->points[k].value);
        else if (a->points[k].basis == HK_PB_SKILL)
          name = hk_talent_category_name((hk_talent_category)a->points[k].value);
        if (a->points[k].basis == HK_PB_EDUCATION || a->points[k].basis == HK_PB_SKILL) {
          json_object_set_new(it, "value", name ? json_string(name) : json_null());
          hk_label_json_set(
              it, "value_",
              a->points[k].basis == HK_PB_EDUCATION ? HK_LBL_EDUCATION : HK_LBL_TALENT, name);
        } else
          json_object_set_new(it, "value", json_integer(a->points[k].value));
        json_object_set_new(it, "points", centi_json(a->points[k].points_c));
        json_array_append_new(items, it);
      }
      json_object_set_new(pts, "items", items);
      json_object_set_new(p, "points", pts);
    }
    if (i == HK_PW_TALENT && r->applicable && a->address != HK_ADDR_NONE) {
      json_t *addr = json_object();
      json_object_set_new(addr, "rank", json_integer(a->address));
      json_object_set_new(addr, "kind", json_string(address_names[a->address]));
      hk_label_json_set(addr, "", HK_LBL_ADDRESS, address_names[a->address]);
      json_object_set_new(addr, "division", division_json(a->address_division));
      json_object_set_new(p, "address", addr);
    }
    if (i == HK_PW_FAMILY && r->applicable) {
      json_object_set_new(p, "rule",
                          a->family_rule == HK_FR_NONE ? json_null()
                                                       : json_string(rule_names[a->family_rule]));
      if (a->family_rule != HK_FR_NONE)
        hk_label_json_set(p, "rule_", HK_LBL_FAMILY_RULE, rule_names[a->family_rule]);
      json_t *rules = json_array();
      for (int k = 0; k < HK_FR_COUNT; k++) {
        json_t *ro = json_object();
        json_object_set_new(ro, "rule", json_string(rule_names[k]));
        hk_label_json_set(ro, "", HK_LBL_FAMILY_RULE, rule_names[k]);
        json_object_set_new(ro, "eligible", json_boolean(a->family_rule_eligible[k]));
        json_object_set_new(ro, "eligible_from", date_json(a->family_rule_from[k]));
        json_array_append_new(rules, ro);
      }
      json_object_set_new(p, "rules", rules);
    }
    json_array_append_new(pathways, p);
  }
  json_object_set_new(settlement, "pathways", pathways);
  json_object_set_new(o, "settlement", settlement);
  return o;
}
