/* bench_eval — eligibility in bulk: 1 million varied situations (targets across all 90
 * county-level divisions, histories of different lengths, insurance, permits, talents and
 * relatives), answered with explanations off, single-threaded and on 2 threads.
 * Prints one machine-readable line per run, then checks a sample of the bulk results against
 * full evaluations (exit 1 if any differ). Usage: bench_eval [N] [POLICY_DIR] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/division.h"
#include "policy/policy.h"

static uint64_t rng = 88172645463325252ull;
static uint32_t next(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

static const int32_t targets[] = {
    330102, 330105, 330106, 330108, 330109, 330110, 330111, 330112, 330113, 330114, 330122, 330127,
    330182, 330203, 330205, 330206, 330211, 330212, 330213, 330225, 330226, 330281, 330282, 330302,
    330303, 330304, 330305, 330324, 330326, 330327, 330328, 330329, 330381, 330382, 330383, 330402,
    330411, 330421, 330424, 330481, 330482, 330483, 330502, 330503, 330521, 330522, 330523, 330602,
    330603, 330604, 330624, 330681, 330683, 330702, 330703, 330723, 330726, 330727, 330781, 330782,
    330783, 330784, 330802, 330803, 330822, 330824, 330825, 330881, 330902, 330903, 330921, 330922,
    331002, 331003, 331004, 331022, 331023, 331024, 331081, 331082, 331083, 331102, 331121, 331122,
    331123, 331124, 331125, 331126, 331127, 331181};

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A valid ID number for a birth date. */
static void make_id(char out[19], hk_date birth, int seq)
{
  int y, m, d;
  hk_date_to_ymd(birth, &y, &m, &d);
  snprintf(out, 19, "341222%04d%02d%02d%03d", y, m, d, seq % 1000);
  out[17] = hk_idnum_check_char(out);
  out[18] = '\0';
}

static void fill(hk_situation *s, hk_date as_of)
{
  hk_person *p = &s->person;
  int32_t target = targets[next() % (sizeof targets / sizeof targets[0])];
  s->as_of = as_of;
  s->target = target;
  hk_date birth = as_of - (hk_date)(365 * 16 + next() % (365 * 50));
  make_id(p->id_number, birth, (int)(next() % 1000));
  p->birth_date = birth;
  p->sex = 'M';
  p->marital_status = (hk_marital)(1 + next() % 4);
  p->education = (hk_education)(1 + next() % 9);
  p->has_hukou = true;
  p->hukou.division = next() % 10 == 0 ? target : 341222;
  p->hukou.household = HK_HOUSEHOLD_FAMILY;
  /* One to three residence periods, mostly in the target, sometimes elsewhere in its city. */
  hk_date from = as_of - (hk_date)(next() % (365 * 8));
  int n = 1 + (int)(next() % 3);
  for (int i = n - 1; i >= 0; i--) {
    hk_residence *r = HK_LIST_PUSH(&p->residence);
    r->division = i == 0 ? target : target;
    r->urban = next() % 8 ? HK_TRI_TRUE : HK_TRI_FALSE;
    hk_date len = (hk_date)(30 + next() % 700);
    r->period.from = from - (i == 0 ? 0 : len);
    r->period.to = i == 0 ? HK_DATE_OPEN : from - (hk_date)(next() % 3);
    from -= i == 0 ? 0 : len;
  }
  if (next() % 5) {
    hk_housing *h = HK_LIST_PUSH(&p->housing);
    h->division = target;
    h->urban = HK_TRI_TRUE;
    h->kind = (hk_housing_kind)(1 + next() % 4);
    h->legal = true;
    h->period = (hk_period){p->residence.items[0].period.from, HK_DATE_OPEN};
  }
  if (next() % 2) {
    hk_employment *e = HK_LIST_PUSH(&p->employment);
    e->division = target;
    e->collective_household = next() % 4 == 0;
    e->period = (hk_period){as_of - (hk_date)(next() % 2000), HK_DATE_OPEN};
  }
  int32_t city = hk_division_city_of(target);
  int k = (int)(next() % 3);
  for (int i = 0; i < k; i++) {
    hk_insurance *in = HK_LIST_PUSH(&p->social_insurance);
    in->city = i == 0 ? city : 320500;
    in->pension_transferred = next() % 2;
    hk_month end = hk_month_of(as_of) - (hk_month)(i * 40);
    in->months.from = end - (hk_month)(next() % 80);
    in->months.to = i == 0 ? HK_MONTH_OPEN : end;
  }
  if (next() % 2) {
    hk_date pf = as_of - (hk_date)(next() % 2500);
    for (int i = 0; i < 3 && pf < as_of; i++) {
      hk_permit *pm = HK_LIST_PUSH(&p->residence_permits);
      pm->division = target;
      pm->period = (hk_period){pf, hk_date_add_years(pf, 1)};
      pf = pm->period.to;
    }
  }
  if (next() % 6 == 0) {
    hk_talent *t = HK_LIST_PUSH(&p->talent);
    t->category = (hk_talent_category)(2 + next() % 9);
    t->division = city;
    t->recognised = HK_DATE_NONE;
  }
  p->points_facts.volunteer_hours = (int32_t)(next() % 100);
  p->points_facts.blood_ml = (int32_t)(next() % 1000);
  if (next() % 3 == 0) {
    hk_person *r = hk_situation_add_relative(s);
    if (r) {
      r->relation = (hk_relation)(1 + next() % 8);
      hk_date rb = as_of - (hk_date)(365 * 5 + next() % (365 * 60));
      make_id(r->id_number, rb, 7);
      r->birth_date = rb;
      r->has_hukou = true;
      r->hukou.division = target;
      r->hukou.household = HK_HOUSEHOLD_FAMILY;
      r->hukou.head = next() % 2;
      r->hukou.urban = HK_TRI_TRUE;
      r->consents = HK_TRI_TRUE;
      hk_housing *h = HK_LIST_PUSH(&r->housing);
      h->division = target;
      h->urban = HK_TRI_TRUE;
      h->kind = HK_HOUSING_OWNED;
      h->legal = true;
      h->period = (hk_period){rb + 365 * 20, HK_DATE_OPEN};
    }
  }
}

/* The bulk pass leaves explanations out; its verdicts and dates must be those of a full
 * evaluation. Checks every 50th situation; returns the number that differ. */
static size_t check_against_full(const hk_policies *pol, const hk_situation *s, size_t n,
                                 const hk_bulk_result *out, size_t *checked)
{
  hk_answer *a = malloc(sizeof *a);
  size_t bad = 0;
  *checked = 0;
  for (size_t i = 0; a != NULL && i < n; i += 50) {
    hk_error err;
    const hk_bulk_result *r = &out[i];
    hk_status st = hk_policy_eval(pol, &s[i], a, &err);
    (*checked)++;
    if (st != r->status) {
      bad++;
      continue;
    }
    if (st != HK_OK)
      continue;
    bool same = r->permit_eligible == a->permit.eligible &&
                r->permit_from == a->permit.eligible_from &&
                r->settle_eligible == a->settle_eligible;
    for (int k = 0; k < HK_PW_COUNT; k++) {
      const hk_result *pw = &a->pathways[k];
      same = same && ((r->applicable_mask >> k) & 1) == pw->applicable &&
             ((r->eligible_mask >> k) & 1) == (pw->applicable && pw->eligible) &&
             r->eligible_from[k] == pw->eligible_from;
    }
    bad += !same;
  }
  free(a);
  return bad;
}

int main(int argc, char **argv)
{
  size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
  const char *dir = argc > 2 ? argv[2] : HK_DEFAULT_POLICY_DIR;
  hk_policies *pol;
  hk_error err;
  if (hk_policies_load(dir, &pol, &err) != HK_OK) {
    fprintf(stderr, "bench_eval: %s: %s\n", err.field, err.detail);
    return 1;
  }
  hk_situation *s = calloc(n, sizeof *s);
  hk_bulk_result *out = calloc(n, sizeof *out);
  if (s == NULL || out == NULL)
    return 1;
  hk_date as_of = hk_date_from_ymd(2024, 6, 1);
  double t0 = now();
  for (size_t i = 0; i < n; i++) {
    hk_situation_init(&s[i]);
    /* A few as_of dates, so the parameter cache sees more than one date. */
    fill(&s[i], as_of + (hk_date)(i % 4) * 91);
  }
  printf("bench_eval generate situations=%zu seconds=%.3f\n", n, now() - t0);
  for (int threads = 1; threads <= 2; threads++) {
    double best = 0;
    size_t ok = 0;
    for (int rep = 0; rep < 3; rep++) {
      double a = now();
      ok = hk_policy_eval_bulk(pol, s, n, out, threads);
      double rate = (double)n / (now() - a);
      if (rate > best)
        best = rate;
    }
    size_t settle = 0, permit = 0;
    for (size_t i = 0; i < n; i++) {
      settle += out[i].settle_eligible;
      permit += out[i].permit_eligible;
    }
    printf("bench_eval threads=%d situations=%zu answered=%zu permit_eligible=%zu "
           "settle_eligible=%zu situations_per_second=%.0f\n",
           threads, n, ok, permit, settle, best);
  }
  size_t checked, bad = check_against_full(pol, s, n, out, &checked);
  printf("bench_eval check full_evaluations=%zu differing=%zu\n", checked, bad);
  for (size_t i = 0; i < n; i++)
    hk_situation_clear(&s[i]);
  free(s);
  free(out);
  hk_policies_free(pol);
  return bad == 0 ? 0 : 1;
}
