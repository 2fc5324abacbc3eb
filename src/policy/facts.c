/* facts.c — the year arithmetic of clause (七) and (一): residence runs across the target's
 * city (or the Yangtze River Delta), insurance months in the target's city plus YRD cities whose
 * pension was transferred in, permit runs, age. Everything here is allocation-free so that a
 * bulk pass costs only arithmetic. */
#include "policy/policy.h"

#include <stddef.h>
#include <string.h>

#include "core/division.h"
#include "policy/policy_int.h"

hk_date policy__run_since(const void *items, uint32_t n, size_t size, size_t period_offset,
                          policy__keep_fn keep, const void *cls, hk_date on, hk_date limit)
{
  (void)limit;
  const char *base = items;
  hk_date since = HK_DATE_NONE;
  /* First the periods covering `on`, then repeatedly those that overlap or touch the stretch
   * found so far from before: a period ending on the day the stretch starts joins it (to is
   * exclusive), a one-day gap does not. Lists are short (a person's history), so the
   * quadratic walk is cheaper than sorting. */
  for (uint32_t i = 0; i < n; i++) {
    const void *it = base + (size_t)i * size;
    const hk_period *p = (const hk_period *)((const char *)it + period_offset);
    if (hk_period_contains(*p, on) && keep(it, cls) && (since == HK_DATE_NONE || p->from < since))
      since = p->from;
  }
  if (since == HK_DATE_NONE)
    return since;
  bool changed = true;
  while (changed) {
    changed = false;
    for (uint32_t i = 0; i < n; i++) {
      const void *it = base + (size_t)i * size;
      const hk_period *p = (const hk_period *)((const char *)it + period_offset);
      if (p->from < since && p->to >= since && keep(it, cls)) {
        since = p->from;
        changed = true;
      }
    }
  }
  return since;
}

typedef struct scope {
  const hk_params *p;
  int32_t city;
  bool yrd;
} scope;

static bool keep_residence(const void *item, const void *cls)
{
  const hk_residence *r = item;
  const scope *sc = cls;
  int32_t city = hk_division_city_of(r->division);
  return city == sc->city || (sc->yrd && policy__is_yrd_city(sc->p, city));
}

static bool keep_permit(const void *item, const void *cls)
{
  const hk_permit *r = item;
  const scope *sc = cls;
  return hk_division_city_of(r->division) == sc->city;
}

static bool keep_rented(const void *item, const void *cls)
{
  const hk_housing *h = item;
  const scope *sc = cls;
  return h->kind == HK_HOUSING_RENTED && h->legal && hk_division_city_of(h->division) == sc->city;
}

/* Does an insurance span count for the target's city (七)? */
static bool counts(const hk_insurance *in, const hk_params *p, int32_t city)
{
  return in->city == city || (in->pension_transferred && policy__is_yrd_city(p, in->city));
}

int policy__insurance_count(const hk_situation *s, const hk_params *p, hk_month upto, int nth,
                            hk_month *nth_month)
{
  int32_t city = hk_division_city_of(s->target);
  hk_month from[HK_LIST_MAX], to[HK_LIST_MAX];
  uint32_t n = 0;
  const hk_person *pe = &s->person;
  if (nth_month)
    *nth_month = HK_MONTH_NONE;
  for (uint32_t i = 0; i < pe->social_insurance.n && n < HK_LIST_MAX; i++) {
    const hk_insurance *in = &pe->social_insurance.items[i];
    if (!counts(in, p, city) || in->months.from > upto)
      continue;
    hk_month t = in->months.to == HK_MONTH_OPEN || in->months.to > upto ? upto : in->months.to;
    /* Insertion by start month keeps the merge below linear. */
    uint32_t k = n++;
    while (k > 0 && from[k - 1] > in->months.from) {
      from[k] = from[k - 1];
      to[k] = to[k - 1];
      k--;
    }
    from[k] = in->months.from;
    to[k] = t;
  }
  int total = 0;
  hk_month end = HK_MONTH_NONE; /* last month counted so far */
  /* from[0..n) and to[0..n) were all written above. */
  for (uint32_t i = 0; i < n; i++) {
    // cppcheck-suppress uninitvar
    hk_month a = from[i] > end ? from[i] : end + 1;
    if (end == HK_MONTH_NONE)
      a = from[i];
    // cppcheck-suppress uninitvar
    if (a > to[i])
      continue;
    int add = (int)(to[i] - a + 1);
    if (nth_month && *nth_month == HK_MONTH_NONE && nth > 0 && total + add >= nth)
      *nth_month = a + (nth - total - 1);
    total += add;
    end = to[i];
  }
  return total;
}

bool policy__insurance_ongoing(const hk_situation *s, const hk_params *p)
{
  int32_t city = hk_division_city_of(s->target);
  hk_month now = hk_month_of(s->as_of);
  for (uint32_t i = 0; i < s->person.social_insurance.n; i++) {
    const hk_insurance *in = &s->person.social_insurance.items[i];
    if (counts(in, p, city) && in->months.from <= now &&
        (in->months.to == HK_MONTH_OPEN || in->months.to >= now))
      return true;
  }
  return false;
}

/* Whole months of legal rented housing in the target's city up to `on`, over the union of the
 * rental periods (a month counted once however many leases cover it). */
static int rental_months(const hk_situation *s, const scope *sc, hk_date on)
{
  const hk_person *pe = &s->person;
  hk_date from[HK_LIST_MAX], to[HK_LIST_MAX];
  uint32_t n = 0;
  for (uint32_t i = 0; i < pe->housing.n && n < HK_LIST_MAX; i++) {
    const hk_housing *h = &pe->housing.items[i];
    if (!keep_rented(h, sc) || h->period.from >= on)
      continue;
    hk_date t = h->period.to == HK_DATE_OPEN || h->period.to > on ? on : h->period.to;
    uint32_t k = n++;
    while (k > 0 && from[k - 1] > h->period.from) {
      from[k] = from[k - 1];
      to[k] = to[k - 1];
      k--;
    }
    from[k] = h->period.from;
    to[k] = t;
  }
  int total = 0;
  for (uint32_t i = 0; i < n;) {
    hk_date a = from[i], b = to[i];
    uint32_t j = i + 1;
    while (j < n && from[j] <= b) {
      if (to[j] > b)
        b = to[j];
      j++;
    }
    total += hk_date_whole_months(a, b);
    i = j;
  }
  return total;
}

static scope scope_of(const hk_situation *s, const hk_params *p)
{
  const hk_pvalue *yrd = p->v[HK_P_RESIDENCE_YRD];
  return (scope){p, hk_division_city_of(s->target), yrd && yrd->set && yrd->b};
}

void policy__facts_for_points(const hk_situation *s, const hk_params *p, hk_date on,
                              policy__facts *out)
{
  const hk_person *pe = &s->person;
  scope sc = scope_of(s, p);
  /* `on` is split into year, month and day once for all the counts below (the points
   * projection calls this for many days per person). */
  hk_ymd at = hk_date_ymd(on);
  out->residence_since =
      policy__run_since(pe->residence.items, pe->residence.n, sizeof *pe->residence.items,
                        offsetof(hk_residence, period), keep_residence, &sc, on, on);
  out->residence_months = out->residence_since == HK_DATE_NONE
                              ? 0
                              : hk_ymd_whole_months(hk_date_ymd(out->residence_since), at);
  out->insurance_months = policy__insurance_count(s, p, hk_ymd_month(at), 0, NULL);
  out->rental_months = rental_months(s, &sc, on);
  out->age = pe->birth_date == HK_DATE_NONE
                 ? 0
                 : hk_ymd_whole_months(hk_date_ymd(pe->birth_date), at) / 12;
  out->permit_since = HK_DATE_NONE;
  out->permit_months = 0;
}

void policy__facts_compute(const hk_situation *s, const hk_params *p, hk_date on,
                           policy__facts *out)
{
  const hk_person *pe = &s->person;
  scope sc = scope_of(s, p);
  policy__facts_for_points(s, p, on, out);
  out->permit_since = policy__run_since(pe->residence_permits.items, pe->residence_permits.n,
                                        sizeof *pe->residence_permits.items,
                                        offsetof(hk_permit, period), keep_permit, &sc, on, on);
  out->permit_months =
      out->permit_since == HK_DATE_NONE ? 0 : hk_date_whole_months(out->permit_since, on);
}
