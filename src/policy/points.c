/* points.c — Hangzhou's points-based settlement (二): the items are data (points.items), each
 * linear (floor(value / per) * points, capped), a table lookup, or age-like bands. Points are in
 * hundredths so half points stay exact. */
#include "policy/policy.h"

#include "policy/policy_int.h"

static int64_t basis_value(hk_points_basis b, const hk_situation *s, const policy__facts *f)
{
  const hk_person *p = &s->person;
  switch (b) {
  case HK_PB_INSURANCE_MONTHS:
    return f->insurance_months;
  case HK_PB_RESIDENCE_MONTHS:
    return f->residence_months;
  case HK_PB_RENTAL_MONTHS:
    return f->rental_months;
  case HK_PB_AGE:
    return f->age;
  case HK_PB_EDUCATION:
    return p->education;
  case HK_PB_SKILL:
    return p->points_facts.skill;
  case HK_PB_VOLUNTEER_HOURS:
    return p->points_facts.volunteer_hours;
  case HK_PB_BLOOD_ML:
    return p->points_facts.blood_ml;
  case HK_PB_DONATION_YUAN:
    return p->points_facts.donation_yuan;
  case HK_PB_COUNT:
    break;
  }
  return 0;
}

static int64_t item_points(const hk_points_item *it, int64_t value)
{
  switch (it->kind) {
  case HK_PK_LINEAR: {
    int64_t c = value < 0 ? 0 : value / it->per * it->points_c;
    return it->cap_c >= 0 && c > it->cap_c ? it->cap_c : c;
  }
  case HK_PK_TABLE:
    return value > 0 && value < HK_POINTS_TABLE_MAX && it->table_c[value] >= 0 ? it->table_c[value]
                                                                               : 0;
  case HK_PK_BANDS:
    /* The first band whose max is at least the value. */
    for (uint32_t i = 0; i < it->n_bands; i++)
      if (value <= it->band_max[i])
        return it->band_points_c[i];
    return 0;
  }
  return 0;
}

int64_t policy__points(const hk_pvalue *items, const hk_situation *s, const policy__facts *f,
                       hk_points_line *lines, uint32_t *n_lines)
{
  int64_t total = 0;
  if (n_lines)
    *n_lines = 0;
  if (items == NULL || !items->set)
    return 0;
  for (uint32_t i = 0; i < items->n_items && i < HK_POINTS_ITEMS_MAX; i++) {
    const hk_points_item *it = &items->items[i];
    int64_t v = basis_value(it->basis, s, f);
    int64_t c = item_points(it, v);
    total += c;
    if (lines) {
      lines[i].id = it->id;
      lines[i].basis = it->basis;
      lines[i].value = v;
      lines[i].points_c = c;
      if (n_lines)
        *n_lines = i + 1;
    }
  }
  return total;
}
