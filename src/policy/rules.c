/* rules.c — the rules of the 2023 notice, one function per rule, over a situation and the
 * parameters in force (spec/eligibility.md). Each condition records its value, the value
 * required and the day from which it holds (holds_from); a pathway's eligible_from is the latest
 * of those, or none when some condition will not come true by waiting. */
#include "policy/policy.h"

#include <stddef.h>
#include <string.h>

#include "core/division.h"
#include "policy/policy_int.h"

/* Evaluation context shared by the rules. */
typedef struct ctx {
  const hk_situation *s;
  const hk_params *p;
  const hk_person *pe;
  hk_date as_of;
  hk_month as_of_month;
  int32_t target, city;
  bool registered; /* hukou already in target */
  bool explain;    /* fill what only the explanation shows (points lines, address, ID) */
  policy__facts f;
} ctx;

static bool holds_now(hk_date h, hk_date as_of)
{
  return h != HK_HOLDS_NEVER && (h == HK_HOLDS_ALWAYS || h <= as_of);
}

static hk_value vint(int64_t i)
{
  return (hk_value){HK_V_INT, i, NULL};
}
static hk_value vbool(bool b)
{
  return (hk_value){HK_V_BOOL, b, NULL};
}
static hk_value vdiv(int32_t d)
{
  return d == 0 ? (hk_value){HK_V_NULL, 0, NULL} : (hk_value){HK_V_DIVISION, d, NULL};
}
static hk_value vtext(const char *t)
{
  return t ? (hk_value){HK_V_TEXT, 0, t} : (hk_value){HK_V_NULL, 0, NULL};
}
static const hk_value vnull = {HK_V_NULL, 0, NULL};

static hk_condition *add(const ctx *c, hk_result *r, hk_cond_id id, hk_date holds, hk_unit unit,
                         hk_value value, hk_value required)
{
  if (r->n_cond >= HK_CONDITIONS_MAX)
    return &r->cond[HK_CONDITIONS_MAX - 1]; /* cannot happen: at most 11 per pathway */
  hk_condition *k = &r->cond[r->n_cond++];
  k->id = id;
  k->holds_from = holds;
  k->met = holds_now(holds, c->as_of);
  k->rule = HK_FR_NONE;
  k->unit = unit;
  k->value = value;
  k->required = required;
  k->relative = -1;
  k->holds_until = HK_DATE_NONE;
  k->action = HK_ACT_NONE;
  k->action_from = HK_HOLDS_NEVER;
  return k;
}

/* eligible and eligible_from from conditions [first, r->n_cond). */
static void conclude(const ctx *c, hk_result *r, uint32_t first, bool *eligible, hk_date *from)
{
  bool all = true;
  hk_date latest = HK_HOLDS_ALWAYS;
  for (uint32_t i = first; i < r->n_cond; i++) {
    const hk_condition *k = &r->cond[i];
    all = all && k->met;
    if (k->holds_from == HK_HOLDS_NEVER)
      latest = HK_HOLDS_NEVER;
    else if (latest != HK_HOLDS_NEVER && k->holds_from != HK_HOLDS_ALWAYS && k->holds_from > latest)
      latest = k->holds_from;
  }
  *eligible = all;
  /* Nothing dates the conditions (rare: e.g. a talent without a recognition date and no
   * other condition): they hold on as_of, which is the most the answer can say. */
  *from = latest == HK_HOLDS_ALWAYS ? c->as_of : latest;
}

static void inapplicable(hk_result *r, const char *reason)
{
  r->applicable = false;
  r->eligible = false;
  r->reason = reason;
  r->eligible_from = HK_DATE_NONE;
  r->after_action_from = HK_DATE_NONE;
}

/* ---- period filters ---- */

typedef struct where {
  int32_t division; /* exact county, or 0 */
  int32_t city;     /* city, or 0 */
  bool urban;       /* must be marked urban */
  const hk_params *p;
} where;

static bool place_ok(const where *w, int32_t division, hk_tri urban)
{
  if (w->division && division != w->division)
    return false;
  if (w->city && hk_division_city_of(division) != w->city)
    return false;
  /* An address whose urban flag is absent is not shown to be urban: a careful officer asks for
   * the evidence rather than assume it (docs/eligibility.md). */
  return !w->urban || urban == HK_TRI_TRUE;
}

static bool keep_res(const void *it, const void *cls)
{
  const hk_residence *r = it;
  return place_ok(cls, r->division, r->urban);
}

static bool keep_legal_housing(const void *it, const void *cls)
{
  const hk_housing *h = it;
  return hk_housing_is_legal_stable(h) && place_ok(cls, h->division, h->urban);
}

static bool keep_emp(const void *it, const void *cls)
{
  const hk_employment *e = it;
  return place_ok(cls, e->division, HK_TRI_UNSET);
}

static bool keep_school(const void *it, const void *cls)
{
  const hk_schooling *e = it;
  return place_ok(cls, e->division, HK_TRI_UNSET);
}

static bool keep_hz_permit(const void *it, const void *cls)
{
  const hk_permit *e = it;
  const where *w = cls;
  return policy__is_hz_urban(w->p, e->division);
}

static bool keep_collective(const void *it, const void *cls)
{
  const hk_employment *e = it;
  return e->collective_household && place_ok(cls, e->division, HK_TRI_UNSET);
}

#define RUN(list, type, keep, w, on)                                                               \
  policy__run_since((list).items, (list).n, sizeof(type), offsetof(type, period), keep, w, on, on)

static hk_date living_in(const ctx *c, const hk_person *pe, bool urban)
{
  where w = {c->target, 0, urban, c->p};
  return RUN(pe->residence, hk_residence, keep_res, &w, c->as_of);
}

static hk_date housing_in_city(const ctx *c, const hk_person *pe, int32_t division, bool urban)
{
  where w = {division, division ? 0 : c->city, urban, c->p};
  return RUN(pe->housing, hk_housing, keep_legal_housing, &w, c->as_of);
}

static hk_date earliest(hk_date a, hk_date b)
{
  if (a == HK_DATE_NONE)
    return b;
  if (b == HK_DATE_NONE)
    return a;
  return a < b ? a : b;
}

static int64_t pint(const ctx *c, hk_param_id id)
{
  const hk_pvalue *v = c->p->v[id];
  return v && v->set ? v->i : 0;
}

static bool pbool(const ctx *c, hk_param_id id)
{
  const hk_pvalue *v = c->p->v[id];
  return v && v->set && v->b;
}

/* "N years" / "N months" counted from since: holds from since + N. */
static hk_date after_months(hk_date since, int64_t months)
{
  return since == HK_DATE_NONE ? HK_HOLDS_NEVER : hk_date_add_months(since, (int)months);
}

/* Insurance months >= need (七): from the first day of the month in which the last needed
 * month is (or, with payments ongoing, will be) paid. */
static hk_date insurance_holds(const ctx *c, int64_t need)
{
  if (need <= 0)
    return HK_HOLDS_ALWAYS;
  hk_month nth;
  int have = policy__insurance_count(c->s, c->p, c->as_of_month, (int)need, &nth);
  if (have >= need)
    return hk_month_first_day(nth);
  if (!policy__insurance_ongoing(c->s, c->p))
    return HK_HOLDS_NEVER;
  return hk_month_first_day(c->as_of_month + (hk_month)(need - have));
}

/* ---- (三) residence permit ---- */

static void rule_permit(const ctx *c, hk_result *r)
{
  r->applicable = true;
  if (c->registered) {
    inapplicable(r, "already_registered");
    return;
  }
  hk_date living = living_in(c, c->pe, false);
  add(c, r, HK_C_LIVING_IN_TARGET, living, HK_U_NONE, vbool(living != HK_DATE_NONE), vbool(true));

  int64_t min = pint(c, HK_P_PERMIT_MIN_MONTHS);
  /* Talents recognised by the county are exempt from the half-year (居住证 Art.16). */
  bool waived = pbool(c, HK_P_PERMIT_TALENT_WAIVES) && c->pe->talent.n > 0;
  if (waived)
    add(c, r, HK_C_RESIDENCE_MONTHS, HK_HOLDS_ALWAYS, HK_U_MONTHS, vint(c->f.residence_months),
        vtext("waived_for_talent"));
  else
    add(c, r, HK_C_RESIDENCE_MONTHS, after_months(c->f.residence_since, min), HK_U_MONTHS,
        vint(c->f.residence_months), vint(min));

  /* A basis ongoing in the target's city: employment, legal stable housing or schooling. */
  where w = {0, c->city, false, c->p};
  hk_date emp = RUN(c->pe->employment, hk_employment, keep_emp, &w, c->as_of);
  hk_date house = RUN(c->pe->housing, hk_housing, keep_legal_housing, &w, c->as_of);
  hk_date school = RUN(c->pe->schooling, hk_schooling, keep_school, &w, c->as_of);
  hk_date basis = earliest(earliest(emp, house), school);
  const char *name = basis == HK_DATE_NONE ? NULL
                     : basis == house      ? "housing"
                     : basis == emp        ? "employment"
                                           : "schooling";
  add(c, r, HK_C_PERMIT_BASIS, basis, HK_U_NONE, vtext(name),
      vtext("employment|housing|schooling"));
  conclude(c, r, 0, &r->eligible, &r->eligible_from);
}

/* ---- (二) settlement by residence outside Hangzhou's urban area ---- */

static void rule_residence(const ctx *c, hk_result *r, bool hz)
{
  r->applicable = true;
  if (hz) {
    inapplicable(r, "hangzhou_urban_area");
    return;
  }
  if (c->registered) {
    inapplicable(r, "already_registered");
    return;
  }
  hk_date living = living_in(c, c->pe, true);
  add(c, r, HK_C_LIVING_IN_TARGET_URBAN, living, HK_U_NONE, vbool(living != HK_DATE_NONE),
      vbool(true));
  /* Rented counts (合法稳定住所,含租赁). */
  hk_date house = housing_in_city(c, c->pe, c->target, true);
  add(c, r, HK_C_LEGAL_STABLE_HOUSING, house, HK_U_NONE, vbool(house != HK_DATE_NONE), vbool(true));
  int64_t years = pint(c, HK_P_RESIDENCE_MIN_YEARS);
  add(c, r, HK_C_RESIDENCE_YEARS, after_months(c->f.residence_since, years * 12), HK_U_MONTHS,
      vint(c->f.residence_months), vint(years * 12));
  int64_t ins = pint(c, HK_P_RESIDENCE_MIN_INS) * 12;
  add(c, r, HK_C_INSURANCE_MONTHS, insurance_holds(c, ins), HK_U_MONTHS,
      vint(c->f.insurance_months), vint(ins));
  conclude(c, r, 0, &r->eligible, &r->eligible_from);
}

/* ---- (二) Hangzhou's points ---- */

/* The days the points projection counts months from: the residence run, the open rental
 * stretch, the birth date (HK_DATE_NONE when absent). The projection measures them against
 * many days, so each is split into year, month and day once, here. */
enum { ANCHOR_RESIDENCE, ANCHOR_RENTAL, ANCHOR_BIRTH, ANCHOR_COUNT };
typedef struct anchors {
  hk_date date[ANCHOR_COUNT];
  hk_ymd ymd[ANCHOR_COUNT];
} anchors;

static void anchors_init(anchors *an, hk_date residence_since, hk_date rent_since, hk_date birth)
{
  an->date[ANCHOR_RESIDENCE] = residence_since;
  an->date[ANCHOR_RENTAL] = rent_since;
  an->date[ANCHOR_BIRTH] = birth;
  for (int i = 0; i < ANCHOR_COUNT; i++)
    if (an->date[i] != HK_DATE_NONE)
      an->ymd[i] = hk_date_ymd(an->date[i]);
}

/* Facts at a later day `d`, assuming what is ongoing on as_of goes on. */
static void project(const ctx *c, const anchors *an, bool ins_ongoing, int rent_closed, hk_date d,
                    policy__facts *f)
{
  hk_ymd at = hk_date_ymd(d);
  *f = c->f;
  if (an->date[ANCHOR_RESIDENCE] != HK_DATE_NONE)
    f->residence_months = hk_ymd_whole_months(an->ymd[ANCHOR_RESIDENCE], at);
  if (ins_ongoing)
    f->insurance_months += (int)(hk_ymd_month(at) - c->as_of_month);
  if (an->date[ANCHOR_RENTAL] != HK_DATE_NONE)
    f->rental_months = rent_closed + hk_ymd_whole_months(an->ymd[ANCHOR_RENTAL], at);
  if (an->date[ANCHOR_BIRTH] != HK_DATE_NONE)
    f->age = hk_ymd_whole_months(an->ymd[ANCHOR_BIRTH], at) / 12;
}

/* The next day after d on which a counted quantity can change: a month anniversary of the
 * residence run or the rental, the first of a month, a birthday. */
static hk_date next_change(const anchors *an, hk_date d)
{
  hk_ymd at = hk_date_ymd(d);
  hk_date best = hk_month_first_day(hk_ymd_month(at) + 1);
  for (int i = 0; i < ANCHOR_COUNT; i++) {
    if (an->date[i] == HK_DATE_NONE)
      continue;
    int m = hk_ymd_whole_months(an->ymd[i], at) + 1;
    hk_date n = hk_ymd_add_months(an->ymd[i], m);
    if (n <= d)
      n = hk_ymd_add_months(an->ymd[i], m + 1);
    if (n < best)
      best = n;
  }
  return best;
}

/* The previous day before d (> floor) at which a counted quantity changed. */
static hk_date prev_change(const anchors *an, hk_date d)
{
  hk_ymd at = hk_date_ymd(d);
  hk_date first = hk_month_first_day(hk_ymd_month(at));
  hk_date best = first < d ? first : hk_month_first_day(hk_ymd_month(at) - 1);
  for (int i = 0; i < ANCHOR_COUNT; i++) {
    if (an->date[i] == HK_DATE_NONE || an->date[i] >= d)
      continue;
    int m = hk_ymd_whole_months(an->ymd[i], at);
    hk_date n = hk_ymd_add_months(an->ymd[i], m);
    if (n >= d)
      n = m > 0 ? hk_ymd_add_months(an->ymd[i], m - 1) : an->date[i];
    if (n > best)
      best = n;
  }
  return best;
}

/* When the points condition holds: going back while the points stay at or above the threshold
 * (down to `floor`, the latest day another condition starts holding, before which the answer
 * cannot change), or forward to the first day they reach it. Bounded, so no input loops. */
static hk_date points_holds(const ctx *c, const hk_pvalue *items, int64_t threshold_c,
                            int64_t now_c, hk_date floor)
{
  /* Rental state at as_of for projections: the open rented stretch and the months before. */
  hk_date rent_since = HK_DATE_NONE;
  for (uint32_t i = 0; i < c->pe->housing.n; i++) {
    const hk_housing *h = &c->pe->housing.items[i];
    if (h->kind == HK_HOUSING_RENTED && h->legal && hk_division_city_of(h->division) == c->city &&
        hk_period_contains(h->period, c->as_of))
      rent_since = earliest(rent_since, h->period.from);
  }
  int rent_closed = c->f.rental_months;
  if (rent_since != HK_DATE_NONE)
    rent_closed -= hk_date_whole_months(rent_since, c->as_of);
  if (rent_closed < 0)
    rent_closed = 0;
  anchors an;
  anchors_init(&an, c->f.residence_since, rent_since, c->pe->birth_date);
  if (now_c >= threshold_c) {
    hk_date d = c->as_of;
    /* Coarse first: whole years back while the points still suffice, then day by day of
     * change within the last year. Points only fall going back (age bands aside), so the
     * coarse pass cannot skip a crossing except through an age band shorter than a year. */
    for (int year = 0; year < 60; year++) {
      hk_date y = hk_date_add_months(d, -12);
      if (y <= floor)
        break;
      policy__facts f;
      policy__facts_for_points(c->s, c->p, y, &f);
      if (policy__points(items, c->s, &f, NULL, NULL) < threshold_c)
        break;
      d = y;
    }
    for (int step = 0; step < 1200 && d > floor; step++) {
      hk_date prev = prev_change(&an, d);
      policy__facts f;
      policy__facts_for_points(c->s, c->p, prev - 1, &f);
      if (policy__points(items, c->s, &f, NULL, NULL) < threshold_c)
        return prev;
      d = prev;
    }
    return d;
  }
  bool ins = policy__insurance_ongoing(c->s, c->p);
  hk_date d = c->as_of;
  /* Coarse first, a year at a time for up to 60 years: most people who fall short either get
   * there within a few years or never, and a day-by-day walk over 60 years is what made bulk
   * passes slow. Then day by day of change within the year found. */
  int year = 0;
  for (; year < 60; year++) {
    hk_date y = hk_date_add_months(c->as_of, 12 * (year + 1));
    policy__facts f;
    project(c, &an, ins, rent_closed, y, &f);
    if (policy__points(items, c->s, &f, NULL, NULL) >= threshold_c)
      break;
  }
  if (year == 60)
    return HK_HOLDS_NEVER;
  if (year > 0)
    d = hk_date_add_months(c->as_of, 12 * year) - 1;
  for (int step = 0; step < 1200; step++) {
    d = next_change(&an, d);
    policy__facts f;
    project(c, &an, ins, rent_closed, d, &f);
    if (policy__points(items, c->s, &f, NULL, NULL) >= threshold_c)
      return d;
  }
  return HK_HOLDS_NEVER;
}

static void rule_points(const ctx *c, hk_result *r, bool hz, hk_answer *a)
{
  r->applicable = true;
  if (!hz) {
    inapplicable(r, "outside_hangzhou_urban_area");
    return;
  }
  if (c->registered) {
    inapplicable(r, "already_registered");
    return;
  }
  hk_date living = living_in(c, c->pe, false);
  add(c, r, HK_C_LIVING_IN_TARGET, living, HK_U_NONE, vbool(living != HK_DATE_NONE), vbool(true));
  where w = {0, 0, false, c->p};
  hk_date permit = RUN(c->pe->residence_permits, hk_permit, keep_hz_permit, &w, c->as_of);
  hk_condition *pk =
      add(c, r, HK_C_HZ_PERMIT, permit, HK_U_NONE, vbool(permit != HK_DATE_NONE), vbool(true));
  if (permit == HK_DATE_NONE) {
    /* Waiting alone brings no permit, but applying for one does (三): say when that is
     * possible (rule_permit has answered for this target already). */
    const hk_result *pr = &a->permit;
    if (pr->applicable && pr->eligible_from != HK_DATE_NONE) {
      pk->action = HK_ACT_APPLY_PERMIT;
      pk->action_from = pr->eligible ? c->as_of : pr->eligible_from;
    } else {
      pk->action = HK_ACT_PERMIT_BASIS;
    }
  }
  hk_date adult =
      c->pe->birth_date == HK_DATE_NONE ? HK_HOLDS_NEVER : hk_date_add_years(c->pe->birth_date, 18);
  add(c, r, HK_C_ADULT, adult, HK_U_YEARS, vint(c->f.age), vint(18));

  const hk_pvalue *items = c->p->v[HK_P_POINTS_ITEMS];
  int64_t threshold_c = pint(c, HK_P_POINTS_THRESHOLD) * 100;
  int64_t total = policy__points(items, c->s, &c->f, c->explain ? a->points : NULL,
                                 c->explain ? &a->n_points : NULL);
  a->has_points = true;
  a->points_total_c = total;
  a->points_threshold_c = threshold_c;
  hk_date floor = HK_HOLDS_ALWAYS;
  for (uint32_t i = 0; i < r->n_cond; i++)
    if (r->cond[i].holds_from != HK_HOLDS_ALWAYS && r->cond[i].holds_from > floor)
      floor = r->cond[i].holds_from;
  hk_date holds = HK_HOLDS_NEVER;
  /* When another condition will never hold by waiting, the points date changes no verdict or
   * eligible_from: a bulk pass skips the scan. An explained answer still says when the points
   * will suffice (with a permit applied for, that is when the person can settle). */
  bool hopeless = false;
  for (uint32_t i = 0; i < r->n_cond; i++)
    hopeless = hopeless || r->cond[i].holds_from == HK_HOLDS_NEVER;
  if (!hopeless || total >= threshold_c || c->explain)
    holds = points_holds(c, items, threshold_c, total, floor);
  if (hopeless && total >= threshold_c && holds == HK_HOLDS_NEVER)
    holds = c->as_of;
  add(c, r, HK_C_POINTS, holds, HK_U_POINTS, (hk_value){HK_V_POINTS, total, NULL},
      (hk_value){HK_V_POINTS, threshold_c, NULL});
  conclude(c, r, 0, &r->eligible, &r->eligible_from);
  /* Only the permit is missing and it can be applied for: the day the pathway holds once it
   * is, the later of the day the permit can be applied for and the other conditions' days. */
  r->after_action_from = HK_DATE_NONE;
  if (!r->eligible && r->eligible_from == HK_DATE_NONE && pk->action == HK_ACT_APPLY_PERMIT) {
    hk_date after = pk->action_from;
    for (uint32_t i = 0; i < r->n_cond && after != HK_DATE_NONE; i++) {
      const hk_condition *k = &r->cond[i];
      if (k == pk || k->holds_from == HK_HOLDS_ALWAYS)
        continue;
      after = k->holds_from == HK_HOLDS_NEVER ? HK_DATE_NONE
              : k->holds_from > after         ? k->holds_from
                                              : after;
    }
    r->after_action_from = after != HK_DATE_NONE && after < c->as_of ? c->as_of : after;
  }
}

/* ---- (四) residence permit to hukou ---- */

static void rule_conversion(const ctx *c, hk_result *r, bool hz)
{
  r->applicable = true;
  if (hz) {
    inapplicable(r, "hangzhou_urban_area");
    return;
  }
  if (c->registered) {
    inapplicable(r, "already_registered");
    return;
  }
  hk_date living = living_in(c, c->pe, true);
  add(c, r, HK_C_LIVING_IN_TARGET_URBAN, living, HK_U_NONE, vbool(living != HK_DATE_NONE),
      vbool(true));
  add(c, r, HK_C_PERMIT_VALID, c->f.permit_since, HK_U_NONE,
      vbool(c->f.permit_since != HK_DATE_NONE), vbool(true));
  int64_t years = pint(c, HK_P_CONVERSION_MIN_YEARS);
  add(c, r, HK_C_PERMIT_YEARS, after_months(c->f.permit_since, years * 12), HK_U_MONTHS,
      vint(c->f.permit_months), vint(years * 12));
  conclude(c, r, 0, &r->eligible, &r->eligible_from);
}

/* ---- (五) talent, with the settlement-address order ---- */

static void talent_address(const ctx *c, hk_answer *a)
{
  /* (1) legal stable urban housing in the city, the person's own or a direct relative's. */
  where w = {0, c->city, true, c->p};
  for (uint32_t i = 0; i < c->pe->housing.n; i++) {
    const hk_housing *h = &c->pe->housing.items[i];
    if (hk_period_contains(h->period, c->as_of) && keep_legal_housing(h, &w)) {
      a->address = HK_ADDR_OWN_HOUSING;
      a->address_division = h->division;
      return;
    }
  }
  for (uint32_t k = 0; k < c->s->n_relatives; k++) {
    const hk_person *rel = &c->s->relatives[k];
    if (!hk_relation_is_direct(rel->relation))
      continue;
    for (uint32_t i = 0; i < rel->housing.n; i++) {
      const hk_housing *h = &rel->housing.items[i];
      if (hk_period_contains(h->period, c->as_of) && keep_legal_housing(h, &w)) {
        a->address = HK_ADDR_OWN_HOUSING;
        a->address_division = h->division;
        return;
      }
    }
  }
  /* (2) a relative's or friend's urban family household that agrees to take them in. */
  for (uint32_t k = 0; k < c->s->n_relatives; k++) {
    const hk_person *rel = &c->s->relatives[k];
    if (rel->has_hukou && rel->hukou.household == HK_HOUSEHOLD_FAMILY &&
        rel->hukou.urban == HK_TRI_TRUE && hk_division_city_of(rel->hukou.division) == c->city &&
        rel->consents == HK_TRI_TRUE) {
      a->address = HK_ADDR_HOST_HOUSEHOLD;
      a->address_division = rel->hukou.division;
      return;
    }
  }
  /* (3) the employer's collective household. */
  where we = {0, c->city, false, c->p};
  for (uint32_t i = 0; i < c->pe->employment.n; i++) {
    const hk_employment *e = &c->pe->employment.items[i];
    if (hk_period_contains(e->period, c->as_of) && keep_collective(e, &we)) {
      a->address = HK_ADDR_EMPLOYER_COLLECTIVE;
      a->address_division = e->division;
      return;
    }
  }
  /* (4) the public employment and talent service agency's collective household: always. */
  a->address = HK_ADDR_TALENT_SERVICE;
  a->address_division = c->target;
}

/* The age limit of a talent category (talent.age_limits): -1 when none is set. */
static int talent_age_limit(const ctx *c, hk_talent_category cat)
{
  const hk_pvalue *v = c->p->v[HK_P_TALENT_AGE_LIMITS];
  if (v == NULL || !v->set || v->type != HK_PT_AGE_TABLE || (unsigned)cat >= HK_POINTS_TABLE_MAX)
    return -1;
  return v->ages[cat];
}

/* "Under N" (N 周岁以下，不含 N): holds until the N-th birthday. */
static hk_date under_age_until(const ctx *c, int limit)
{
  return c->pe->birth_date == HK_DATE_NONE ? HK_DATE_NONE
                                           : hk_date_add_years(c->pe->birth_date, limit);
}

static void rule_talent(const ctx *c, hk_result *r, hk_answer *a)
{
  r->applicable = true;
  if (c->registered) {
    inapplicable(r, "already_registered");
    return;
  }
  const hk_pvalue *cats = c->p->v[HK_P_TALENT_CATEGORIES];
  uint32_t mask = cats && cats->set ? cats->categories : 0;
  /* The record kept: one within the age limit of its category before one past it, then the
   * earliest recognised. (五): the conditions are the city's, published as data. */
  hk_date best = HK_HOLDS_NEVER;
  bool best_young = false;
  const char *found = NULL;
  int best_limit = -1;
  for (uint32_t i = 0; i < c->pe->talent.n; i++) {
    const hk_talent *t = &c->pe->talent.items[i];
    if (!(mask & (1u << t->category)))
      continue;
    /* A recognition dated after as_of is a fact of the future: ignored. */
    if (t->recognised != HK_DATE_NONE && t->recognised > c->as_of)
      continue;
    hk_date h = t->recognised == HK_DATE_NONE ? HK_HOLDS_ALWAYS : t->recognised;
    int limit = talent_age_limit(c, t->category);
    hk_date until = limit < 0 ? HK_DATE_NONE : under_age_until(c, limit);
    bool young = limit < 0 || (until != HK_DATE_NONE && c->as_of < until);
    bool take = found == NULL || (young && !best_young) ||
                (young == best_young && (best == HK_HOLDS_NEVER || h < best));
    if (take) {
      best = h;
      best_young = young;
      best_limit = limit;
      found = hk_talent_category_name(t->category);
    }
  }
  add(c, r, HK_C_TALENT_CATEGORY, best, HK_U_NONE, vtext(found),
      (hk_value){HK_V_INT, mask, "categories"});
  /* The category's age limit, where the city publishes one (e.g. Hangzhou: 大专 under 35). */
  if (found && best_limit >= 0) {
    hk_date until = under_age_until(c, best_limit);
    hk_condition *k = add(c, r, HK_C_TALENT_AGE, best_young ? HK_HOLDS_ALWAYS : HK_HOLDS_NEVER,
                          HK_U_YEARS, vint(c->f.age), vint(best_limit));
    k->holds_until = until;
  }
  where w = {0, c->city, false, c->p};
  hk_date res = RUN(c->pe->residence, hk_residence, keep_res, &w, c->as_of);
  hk_date emp = RUN(c->pe->employment, hk_employment, keep_emp, &w, c->as_of);
  hk_date lw = earliest(res, emp);
  add(c, r, HK_C_LIVING_OR_WORKING, lw, HK_U_NONE, vbool(lw != HK_DATE_NONE), vbool(true));
  conclude(c, r, 0, &r->eligible, &r->eligible_from);
  /* Where the person would settle does not decide eligibility: only answers that are shown
   * need it. */
  if (c->explain)
    talent_address(c, a);
}

/* ---- (六) family joining ---- */

static hk_date rel_housing(const ctx *c, const hk_person *rel)
{
  where w = {0, c->city, true, c->p};
  return RUN(rel->housing, hk_housing, keep_legal_housing, &w, c->as_of);
}

/* The relative's hukou in the target, from the day it was registered there (hukou.since) when
 * the situation says: nobody joins a hukou before it exists (issue 10). */
static hk_date in_target(const ctx *c, const hk_person *rel)
{
  if (!rel->has_hukou || rel->hukou.division != c->target)
    return HK_HOLDS_NEVER;
  return rel->hukou.since ? rel->hukou.since : HK_HOLDS_ALWAYS;
}

/* The parents' age limit (六) for this applicant, by sex where the city sets one per sex
 * (Hangzhou: 男 60, 女 55); -1 when none is set. Unknown sex takes the higher age: an officer
 * would ask for the evidence before applying the lower one. */
static int64_t parent_min_age(const ctx *c)
{
  const hk_pvalue *v = c->p->v[HK_P_FAMILY_PARENT_MIN_AGE];
  if (v == NULL || !v->set)
    return -1;
  if (v->type != HK_PT_AGE_BY_SEX || c->pe->sex == 'M')
    return v->i;
  if (c->pe->sex == 'F')
    return v->i_female;
  return v->i > v->i_female ? v->i : v->i_female;
}

/* Evaluate one candidate relative for a rule into r (conditions appended from `first`). */
static void family_candidate(const ctx *c, hk_result *r, hk_family_rule rule, int32_t k)
{
  const hk_person *rel = k >= 0 ? &c->s->relatives[k] : NULL;
  uint32_t first = r->n_cond;
  if (rule != HK_FR_HEAD_HOUSEHOLD)
    add(c, r, HK_C_NOT_REGISTERED, c->registered ? HK_HOLDS_NEVER : HK_HOLDS_ALWAYS, HK_U_NONE,
        vdiv(c->pe->has_hukou ? c->pe->hukou.division : 0), vtext("not_target"));
  switch (rule) {
  case HK_FR_PARENT_JOINS_CHILD: {
    hk_date adult = rel && rel->birth_date != HK_DATE_NONE ? hk_date_add_years(rel->birth_date, 18)
                                                           : HK_HOLDS_NEVER;
    add(c, r, HK_C_CHILD_ADULT, adult, HK_U_YEARS,
        rel ? vint(hk_date_whole_years(rel->birth_date, c->as_of)) : vnull, vint(18));
    add(c, r, HK_C_CHILD_HUKOU, rel ? in_target(c, rel) : HK_HOLDS_NEVER, HK_U_NONE,
        rel && rel->has_hukou ? vdiv(rel->hukou.division) : vnull, vdiv(c->target));
    hk_date h = rel ? rel_housing(c, rel) : HK_HOLDS_NEVER;
    add(c, r, HK_C_CHILD_HOUSING, h, HK_U_NONE, vbool(h != HK_DATE_NONE), vbool(true));
    /* (六): no age limit for parents outside Hangzhou's urban area; Hangzhou may set one. */
    int64_t min = parent_min_age(c);
    if (min >= 0)
      add(c, r, HK_C_PARENT_AGE,
          c->pe->birth_date == HK_DATE_NONE ? HK_HOLDS_NEVER
                                            : hk_date_add_years(c->pe->birth_date, (int)min),
          HK_U_YEARS, vint(c->f.age), vint(min));
    else
      add(c, r, HK_C_PARENT_AGE, HK_HOLDS_ALWAYS, HK_U_YEARS, vint(c->f.age), vnull);
    break;
  }
  case HK_FR_CHILD_JOINS_PARENT: {
    add(c, r, HK_C_PARENT_HUKOU, rel ? in_target(c, rel) : HK_HOLDS_NEVER, HK_U_NONE,
        rel && rel->has_hukou ? vdiv(rel->hukou.division) : vnull, vdiv(c->target));
    hk_date h = rel ? rel_housing(c, rel) : HK_HOLDS_NEVER;
    add(c, r, HK_C_PARENT_HOUSING, h, HK_U_NONE, vbool(h != HK_DATE_NONE), vbool(true));
    /* Under 18, or (六) unmarried children of any age where family.unmarried_children. */
    hk_date ok = HK_HOLDS_NEVER;
    const char *state = NULL;
    if (c->f.age < 18 && c->pe->birth_date != HK_DATE_NONE) {
      ok = HK_HOLDS_ALWAYS;
      state = "minor";
    } else if (c->pe->marital_status == HK_MARITAL_UNMARRIED && pbool(c, HK_P_FAMILY_UNMARRIED)) {
      ok = HK_HOLDS_ALWAYS;
      state = "unmarried";
    } else {
      state = hk_marital_name(c->pe->marital_status);
    }
    add(c, r, HK_C_MINOR_OR_UNMARRIED, ok, HK_U_NONE, vtext(state),
        vtext(pbool(c, HK_P_FAMILY_UNMARRIED) ? "minor|unmarried" : "minor"));
    break;
  }
  case HK_FR_HEAD_HOUSEHOLD: {
    bool head = rel && rel->has_hukou && rel->hukou.head &&
                rel->hukou.household == HK_HOUSEHOLD_FAMILY && rel->hukou.urban == HK_TRI_TRUE &&
                rel->hukou.division == c->target;
    /* Heading the household since at least the day the relative's hukou is there. */
    add(c, r, HK_C_HEAD_RELATIVE,
        !head              ? HK_HOLDS_NEVER
        : rel->hukou.since ? rel->hukou.since
                           : HK_HOLDS_ALWAYS,
        HK_U_NONE, vtext(rel ? hk_relation_name(rel->relation) : NULL), vbool(true));
    /* Same county (city), or both urban districts (区) of the same city. */
    int32_t home = c->pe->has_hukou ? c->pe->hukou.division : 0;
    bool same = home == c->target;
    if (!same && home && hk_division_city_of(home) == c->city) {
      const hk_division *a = hk_division_find(home), *b = hk_division_find(c->target);
      same = a && b && a->type == HK_DIV_DISTRICT && b->type == HK_DIV_DISTRICT;
    }
    add(c, r, HK_C_SAME_AREA, same ? HK_HOLDS_ALWAYS : HK_HOLDS_NEVER, HK_U_NONE, vdiv(home),
        vdiv(c->target));
    break;
  }
  default:
    break;
  }
  for (uint32_t i = first; i < r->n_cond; i++) {
    r->cond[i].rule = (int8_t)rule;
    r->cond[i].relative = k;
  }
}

static bool rule_relation(hk_family_rule rule, hk_relation rel)
{
  switch (rule) {
  case HK_FR_PARENT_JOINS_CHILD:
    return rel == HK_REL_CHILD;
  case HK_FR_CHILD_JOINS_PARENT:
    return rel == HK_REL_PARENT;
  case HK_FR_HEAD_HOUSEHOLD:
    return hk_relation_is_direct(rel) || rel == HK_REL_SPOUSE || rel == HK_REL_CHILD_IN_LAW;
  default:
    return false;
  }
}

/* Rank two outcomes of one rule: eligible first, then the earlier date, then "some date". */
static bool better(bool e1, hk_date f1, bool e2, hk_date f2)
{
  if (e1 != e2)
    return e1;
  if (f1 == HK_DATE_NONE)
    return false;
  return f2 == HK_DATE_NONE || f1 < f2;
}

static void rule_family(const ctx *c, hk_result *r, hk_answer *a)
{
  r->applicable = true;
  a->family_rule = HK_FR_NONE;
  hk_date best_from = HK_DATE_NONE;
  for (int rule = 0; rule < HK_FR_COUNT; rule++) {
    /* Try each candidate relative in a scratch result and keep the best one's conditions.
     * Two scratch results take turns, so keeping a candidate copies nothing; only the kept
     * conditions are copied, once, into r (a whole result is ~1.7 KB). */
    hk_result scratch[2];
    int keep = -1, next = 0;
    bool keep_elig = false;
    hk_date keep_from = HK_DATE_NONE;
    for (uint32_t k = 0; k < c->s->n_relatives; k++) {
      if (!rule_relation((hk_family_rule)rule, c->s->relatives[k].relation))
        continue;
      hk_result *t = &scratch[next];
      t->n_cond = 0;
      family_candidate(c, t, (hk_family_rule)rule, (int32_t)k);
      bool e;
      hk_date f;
      conclude(c, t, 0, &e, &f);
      if (keep < 0 || better(e, f, keep_elig, keep_from)) {
        keep = next;
        next = 1 - next;
        keep_elig = e;
        keep_from = f;
      }
    }
    if (keep < 0) {
      keep = 0;
      scratch[0].n_cond = 0;
      family_candidate(c, &scratch[0], (hk_family_rule)rule, -1);
      conclude(c, &scratch[0], 0, &keep_elig, &keep_from);
    }
    const hk_result *kept = &scratch[keep];
    for (uint32_t i = 0; i < kept->n_cond && r->n_cond < HK_CONDITIONS_MAX; i++)
      r->cond[r->n_cond++] = kept->cond[i];
    a->family_rule_eligible[rule] = keep_elig;
    a->family_rule_from[rule] = keep_from;
    if (keep_elig && a->family_rule == HK_FR_NONE)
      a->family_rule = (hk_family_rule)rule;
    if (keep_from != HK_DATE_NONE && (best_from == HK_DATE_NONE || keep_from < best_from))
      best_from = keep_from;
  }
  r->eligible = a->family_rule != HK_FR_NONE;
  r->eligible_from = r->eligible ? a->family_rule_from[a->family_rule] : best_from;
}

/* ---- the whole answer ---- */

static const hk_param_id required_params[] = {HK_P_HANGZHOU_URBAN,      HK_P_YRD_CITIES,
                                              HK_P_PERMIT_MIN_MONTHS,   HK_P_PERMIT_TALENT_WAIVES,
                                              HK_P_RESIDENCE_MIN_YEARS, HK_P_RESIDENCE_MIN_INS,
                                              HK_P_RESIDENCE_YRD,       HK_P_CONVERSION_MIN_YEARS,
                                              HK_P_TALENT_CATEGORIES,   HK_P_FAMILY_UNMARRIED};

hk_status policy__check_in_force(const hk_policies *pol, const hk_params *p, const hk_situation *s,
                                 hk_error *err)
{
  if (s->as_of == HK_DATE_NONE || hk_division_province_of(s->target) != 330000)
    return HK_OK;
  for (size_t i = 0; i < sizeof required_params / sizeof required_params[0]; i++) {
    if (p->v[required_params[i]] != NULL)
      continue;
    hk_date first = policy__first_in_force(pol, s->target, required_params[i]);
    if (first == HK_DATE_NONE || first <= s->as_of)
      continue;
    char day[11];
    hk_date_format(first, day);
    return hk_error_set_both(
        err, HK_EINVAL, "as_of",
        "所问日期早于规则施行：此地的落户和居住证规则自 %s 起施行，请问这一天或之后的日期",
        "before the rules: this place's published rules apply from %s; ask "
        "about that day or later",
        day);
  }
  return HK_OK;
}

hk_status hk_policy_eval(const hk_policies *pol, const hk_situation *s, hk_answer *a, hk_error *err)
{
  hk_params p;
  hk_params_resolve(pol, s->target, s->as_of, s->overrides, s->n_overrides, &p, NULL);
  hk_status rc = policy__check_in_force(pol, &p, s, err);
  return rc != HK_OK ? rc : policy__eval_params(&p, s, a, true, err);
}

hk_status policy__eval_params(const hk_params *p, const hk_situation *s, hk_answer *a, bool explain,
                              hk_error *err)
{
  if (hk_division_province_of(s->target) != 330000 || s->target % 100 == 0)
    return hk_error_set(err, HK_EINVAL, "target", "%06d is not a county-level division of Zhejiang",
                        (int)s->target);
  if (s->as_of == HK_DATE_NONE)
    return hk_error_set(err, HK_EINVAL, "as_of", "missing");
  for (size_t i = 0; i < sizeof required_params / sizeof required_params[0]; i++)
    if (p->v[required_params[i]] == NULL)
      return hk_error_set(err, HK_EPOLICY, hk_param_name(required_params[i]),
                          "published for no division containing %06d", (int)s->target);
  ctx c = {.s = s,
           .p = p,
           .pe = &s->person,
           .as_of = s->as_of,
           .as_of_month = hk_month_of(s->as_of),
           .target = s->target,
           .city = hk_division_city_of(s->target),
           .explain = explain};
  c.registered = s->person.has_hukou && s->person.hukou.division == s->target;
  bool hz = policy__is_hz_urban(p, s->target);
  if (hz && (p->v[HK_P_POINTS_ITEMS] == NULL || p->v[HK_P_POINTS_THRESHOLD] == NULL))
    return hk_error_set(err, HK_EPOLICY, "points.items",
                        "Hangzhou's points scheme is published for no division containing %06d",
                        (int)s->target);
  policy__facts_compute(s, p, s->as_of, &c.f);

  a->as_of = s->as_of;
  a->target = s->target;
  a->city = c.city;
  a->hangzhou_urban = hz;
  if (explain)
    hk_idnum_mask(s->person.id_number, a->id_masked);
  a->age = c.f.age;
  a->sex = s->person.sex;
  a->residence_since = c.f.residence_since;
  a->residence_months = c.f.residence_months;
  a->insurance_months = c.f.insurance_months;
  a->permit_since = c.f.permit_since;
  a->permit_months = c.f.permit_months;
  a->rental_months = c.f.rental_months;
  a->has_points = false;
  a->n_points = 0;
  a->address = HK_ADDR_NONE;
  a->address_division = 0;
  a->family_rule = HK_FR_NONE;
  a->permit.n_cond = 0;
  a->permit.reason = NULL;
  a->permit.after_action_from = HK_DATE_NONE;
  rule_permit(&c, &a->permit);
  for (int i = 0; i < HK_PW_COUNT; i++) {
    a->pathways[i].n_cond = 0;
    a->pathways[i].reason = NULL;
    a->pathways[i].eligible_from = HK_DATE_NONE;
    a->pathways[i].after_action_from = HK_DATE_NONE;
  }
  rule_residence(&c, &a->pathways[HK_PW_RESIDENCE], hz);
  rule_points(&c, &a->pathways[HK_PW_HANGZHOU_POINTS], hz, a);
  rule_conversion(&c, &a->pathways[HK_PW_PERMIT_CONVERSION], hz);
  rule_talent(&c, &a->pathways[HK_PW_TALENT], a);
  rule_family(&c, &a->pathways[HK_PW_FAMILY], a);
  a->settle_eligible = false;
  for (int i = 0; i < HK_PW_COUNT; i++)
    a->settle_eligible =
        a->settle_eligible || (a->pathways[i].applicable && a->pathways[i].eligible);
  return HK_OK;
}
