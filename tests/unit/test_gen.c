/* The synthetic province: the same seed gives the same bytes; every line imports; ID numbers are
 * valid and unique; every relative link resolves; no history starts before its person was born
 * or after the day the population is taken; residence permits only where the residence allows
 * them (half a year in the city and a basis); the calibration within 1% at --scale 0.001; the
 * statistics of the loaded registry agree with what was generated. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/idnum.h"
#include "core/person_json.h"
#include "core/u64map.h"
#include "gen/gen.h"
#include "service/registry_io.h"
#include "store/stats.h"
#include "store/store.h"

typedef struct text {
  char *data;
  size_t len;
} text;

static text generate(int64_t persons, double scale, uint64_t seed, hk_gen_totals *totals)
{
  text t = {0};
  FILE *f = open_memstream(&t.data, &t.len);
  assert_non_null(f);
  hk_gen_options opt = {.persons = persons, .scale = scale, .seed = seed, .as_of = HK_DATE_NONE};
  hk_error err = {0};
  hk_status rc = hk_gen_write(&opt, f, totals, &err);
  fclose(f);
  if (rc != HK_OK)
    fail_msg("gen: %s", err.detail);
  return t;
}

static void same_seed_same_bytes(void **state)
{
  (void)state;
  text a = generate(3000, 0, 5, NULL), b = generate(3000, 0, 5, NULL),
       c = generate(3000, 0, 6, NULL);
  assert_true(a.len > 0);
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.data, b.data, a.len);
  assert_true(a.len != c.len || memcmp(a.data, c.data, a.len) != 0);
  free(a.data);
  free(b.data);
  free(c.data);
}

static void bad_options_refused(void **state)
{
  (void)state;
  hk_gen_options opt = {.seed = 1, .as_of = HK_DATE_NONE};
  hk_error err = {0};
  assert_int_equal(hk_gen_write(&opt, stdout, NULL, &err), HK_EINVAL);
}

static int32_t city(int32_t code)
{
  return hk_division_city_of(code);
}

/* Does a basis for a permit (work or legal stable housing in the city) hold on day d? */
static bool basis_on(const hk_person *p, int32_t c, hk_date d)
{
  for (uint32_t i = 0; i < p->employment.n; i++) {
    const hk_employment *e = &p->employment.items[i];
    if (city(e->division) == c && hk_period_contains(e->period, d))
      return true;
  }
  for (uint32_t i = 0; i < p->housing.n; i++) {
    const hk_housing *h = &p->housing.items[i];
    if (city(h->division) == c && hk_housing_is_legal_stable(h) && hk_period_contains(h->period, d))
      return true;
  }
  return false;
}

/* Half a year of residence in the permit's city before it starts, and still living there. */
static bool residence_allows(const hk_person *p, const hk_permit *pm)
{
  hk_date half = hk_date_add_months(pm->period.from, -6);
  for (uint32_t i = 0; i < p->residence.n; i++) {
    const hk_residence *r = &p->residence.items[i];
    if (city(r->division) == city(pm->division) && r->period.from <= half &&
        hk_period_contains(r->period, pm->period.from))
      return true;
  }
  return false;
}

static void check_period(hk_period per, hk_date birth, hk_date as_of, const char *what)
{
  if (per.from < birth || per.from > as_of || (per.to != HK_DATE_OPEN && per.to < per.from))
    fail_msg("%s period outside the person's life", what);
}

static void invariants_hold(void **state)
{
  (void)state;
  hk_gen_totals totals;
  text t = generate(20000, 0, 11, &totals);
  hk_date as_of = test_date("2023-12-31");
  hk_u64map ids, targets;
  hk_u64map_init(&ids);
  hk_u64map_init(&targets);
  hk_person p;
  hk_person_init(&p);
  int64_t lines = 0, permits = 0, links = 0;
  for (char *line = t.data; line < t.data + t.len;) {
    char *end = memchr(line, '\n', (size_t)(t.data + t.len - line));
    assert_non_null(end);
    hk_error err = {0};
    if (hk_person_parse(line, (size_t)(end - line), HK_PJ_RECORD, as_of, &p, &err) != HK_OK)
      fail_msg("line %lld: %s: %s", (long long)lines + 1, err.field, err.detail);
    lines++;
    /* Valid and unique ID numbers whose birth date and sex the parser derived. */
    assert_true(hk_idnum_valid18(p.id_number));
    uint64_t packed = hk_idnum_pack(p.id_number);
    int64_t seen;
    if (hk_u64map_get(&ids, packed, &seen))
      fail_msg("line %lld: duplicate ID number (first on line %lld)", (long long)lines,
               (long long)seen);
    assert_true(hk_u64map_put(&ids, packed, lines));
    assert_true(p.birth_date <= as_of);
    assert_true(p.has_hukou);
    assert_true(p.hukou.household_no[0] != '\0');
    for (uint32_t i = 0; i < p.relatives.n; i++) {
      assert_true(hk_u64map_put(&targets, hk_idnum_pack(p.relatives.items[i].id_number), lines));
      links++;
    }
    /* Histories inside the person's life. */
    hk_date b = p.birth_date;
    int open = 0;
    for (uint32_t i = 0; i < p.residence.n; i++) {
      const hk_residence *r = &p.residence.items[i];
      check_period(r->period, b, as_of, "residence");
      /* Declared (一) on arrival or after, flagged late past 3 days; an earlier one ended by the
       * move to the next. */
      assert_true(r->declared_on >= r->period.from && r->declared_on <= as_of);
      assert_int_equal(r->late, r->declared_on - r->period.from > 3);
      assert_int_equal(r->ended, r->period.to == HK_DATE_OPEN ? HK_RES_END_NONE : HK_RES_END_MOVED);
      open += p.residence.items[i].period.to == HK_DATE_OPEN;
      if (i > 0)
        assert_true(p.residence.items[i - 1].period.to <= p.residence.items[i].period.from);
    }
    assert_true(open <= 1);
    for (uint32_t i = 0; i < p.housing.n; i++)
      check_period(p.housing.items[i].period, b, as_of, "housing");
    for (uint32_t i = 0; i < p.employment.n; i++) {
      check_period(p.employment.items[i].period, b, as_of, "employment");
      assert_true(p.employment.items[i].period.from >= hk_date_add_years(b, 16));
    }
    for (uint32_t i = 0; i < p.schooling.n; i++)
      check_period(p.schooling.items[i].period, b, as_of, "schooling");
    for (uint32_t i = 0; i < p.social_insurance.n; i++) {
      const hk_insurance *in = &p.social_insurance.items[i];
      assert_true(in->months.from >= hk_month_of(hk_date_add_years(b, 16)));
      assert_true(in->months.from <= hk_month_of(as_of));
      if (i > 0 && p.social_insurance.items[i - 1].months.to != HK_MONTH_OPEN)
        assert_true(p.social_insurance.items[i - 1].months.to < in->months.from);
    }
    for (uint32_t i = 0; i < p.talent.n; i++)
      assert_true(p.talent.items[i].recognised >= b && p.talent.items[i].recognised <= as_of);
    /* Permits only where the residence allows them: not in one's own hukou county, after half a
     * year in the city, with a basis on the day each period starts. */
    for (uint32_t i = 0; i < p.residence_permits.n; i++) {
      const hk_permit *pm = &p.residence_permits.items[i];
      assert_true(pm->period.from >= hk_date_add_years(b, 16) && pm->period.from <= as_of);
      assert_true(pm->division != p.hukou.division);
      if (!residence_allows(&p, pm))
        fail_msg("line %lld: permit %u without half a year of residence", (long long)lines, i);
      if (!basis_on(&p, city(pm->division), pm->period.from))
        fail_msg("line %lld: permit %u without a basis", (long long)lines, i);
      permits++;
    }
    line = end + 1;
  }
  assert_int_equal(lines, 20000);
  assert_int_equal(links, totals.links);
  assert_true(permits > 1000);
  /* Every relative link resolves to a person of the file. */
  for (size_t i = 0; i < targets.cap; i++) {
    int64_t unused;
    if (targets.keys[i] && !hk_u64map_get(&ids, targets.keys[i], &unused))
      fail_msg("a relative link goes nowhere (from line %lld)", (long long)targets.values[i]);
  }
  hk_person_clear(&p);
  hk_u64map_clear(&ids);
  hk_u64map_clear(&targets);
  free(t.data);
}

static void within(const char *figure, double target, double got, double pct)
{
  double diff = 100.0 * (got - target) / target;
  if (diff > pct || diff < -pct)
    fail_msg("%s: generated %.0f, target %.0f (%.2f%%)", figure, got, target, diff);
}

/* Every figure of the calibration within 1% at --scale 0.001 (66,270 persons), and the loaded
 * registry's statistics equal to what was generated. */
static void calibrated_and_counted(void **state)
{
  (void)state;
  hk_gen_totals t;
  text txt = generate(0, 0.001, 1, &t);
  double n = (double)t.persons, k = n / HK_GEN_PROVINCE_2023;
  assert_int_equal(t.persons, 66270);
  for (int c = 0; c < HK_GEN_CITIES; c++)
    within(hk_gen_cities[c].name, (double)hk_gen_cities[c].end_2023 * k, (double)t.resident[c], 1);
  within("floating", HK_GEN_FLOATING * k, (double)t.floating, 1);
  within("floating inter-province", HK_GEN_FLOATING_INTER * k, (double)t.floating_interprovince, 1);
  within("male", HK_GEN_MALE_SHARE * n, (double)t.male, 1);
  within("age 0-15", HK_GEN_AGE_0_15 * n, (double)t.age_0_15, 1);
  within("age 16-59", HK_GEN_AGE_16_59 * n, (double)t.age_16_59, 1);
  within("age 60+", HK_GEN_AGE_60P * n, (double)t.age_60p, 1);
  within("age 65+", HK_GEN_AGE_65P * n, (double)t.age_65p, 1);
  within("urban", HK_GEN_URBAN * n, (double)t.urban, 1);
  within("college", HK_GEN_EDU_COLLEGE * n, (double)t.edu_college, 1);
  within("senior", HK_GEN_EDU_SENIOR * n, (double)t.edu_senior, 1);
  /* The five leading origins are the five largest. */
  int64_t fifth = t.origin_province[51];
  assert_true(t.origin_province[34] > fifth && t.origin_province[41] > fifth);
  assert_true(t.origin_province[52] > fifth && t.origin_province[36] > fifth);
  for (int p = 0; p < 100; p++)
    if (p != 34 && p != 41 && p != 52 && p != 36 && p != 51)
      assert_true(t.origin_province[p] < fifth);

  /* Load it and count it back. */
  hk_store *st = NULL;
  hk_error err = {0};
  assert_int_equal(hk_store_open(":memory:", HK_STORE_CREATE, &st, &err), HK_OK);
  FILE *in = fmemopen(txt.data, txt.len, "r");
  assert_non_null(in);
  hk_import_options opt = {.actor = "test", .source_name = "gen", .today = test_date("2024-01-01")};
  hk_import_result res;
  if (hk_import_jsonl(st, in, &opt, &res, &err) != HK_OK)
    fail_msg("import line %lld: %s: %s", (long long)res.bad_line, err.field, err.detail);
  fclose(in);
  assert_int_equal(res.imported, t.persons);
  assert_int_equal(res.links, t.links);
  hk_stats_summary s;
  assert_int_equal(hk_stats_summary_get(st, false, &s, &err), HK_OK);
  assert_false(s.from_cache);
  assert_int_equal(s.persons, t.persons);
  assert_int_equal(s.households, t.households);
  assert_int_equal(s.collective_households, t.collective_households);
  int64_t resident[HK_GEN_CITIES] = {0}, floating = 0, inter = 0, registered[HK_GEN_CITIES] = {0};
  for (size_t i = 0; i < s.n_areas; i++) {
    const hk_stats_area *a = &s.areas[i];
    int ci = (int)(hk_division_city_of(a->division) / 100 % 100) - 1;
    if (hk_division_province_of(a->division) != 330000 || ci < 0 || ci >= HK_GEN_CITIES)
      continue;
    resident[ci] += a->resident;
    registered[ci] += a->registered;
    floating += a->floating;
    inter += a->floating_interprovince;
  }
  for (int c = 0; c < HK_GEN_CITIES; c++) {
    assert_int_equal(resident[c], t.resident[c]);
    assert_int_equal(registered[c], t.registered[c]);
  }
  assert_int_equal(floating, t.floating);
  assert_int_equal(inter, t.floating_interprovince);
  hk_stats_summary_free(&s);
  /* Read back while nothing changed; counted again after a change (an event). */
  assert_int_equal(hk_stats_summary_get(st, false, &s, &err), HK_OK);
  assert_true(s.from_cache);
  assert_int_equal(s.persons, t.persons);
  hk_stats_summary_free(&s);
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_event_append(st, "test", "test", "-", "{}", &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  assert_int_equal(hk_stats_summary_get(st, false, &s, &err), HK_OK);
  assert_false(s.from_cache);
  hk_stats_summary_free(&s);
  hk_store_close(st);
  free(txt.data);
}

/* Both backends count the same population the same: SQLite walks the registrations, PostgreSQL
 * aggregates in the server, and the shared tally applies the definitions (stats.c). */
static void backends_count_alike(void **state)
{
  (void)state;
  if (!test_backend_select("pg")) {
    if (getenv("HK_REQUIRE_PG"))
      fail_msg("HK_REQUIRE_PG is set but HK_TEST_PG names no server");
    skip();
  }
  hk_gen_totals t;
  text txt = generate(3000, 0, 11, &t);
  hk_stats_summary got[2];
  for (int b = 0; b < 2; b++) {
    assert_true(test_backend_select(b == 0 ? "sqlite" : "pg"));
    hk_store *st = NULL;
    hk_error err = {0};
    assert_int_equal(hk_store_open(test_fresh_db(), HK_STORE_CREATE, &st, &err), HK_OK);
    FILE *in = fmemopen(txt.data, txt.len, "r");
    assert_non_null(in);
    hk_import_options opt = {
        .actor = "test", .source_name = "gen", .today = test_date("2024-01-01")};
    hk_import_result res;
    if (hk_import_jsonl(st, in, &opt, &res, &err) != HK_OK)
      fail_msg("import line %lld: %s: %s", (long long)res.bad_line, err.field, err.detail);
    fclose(in);
    if (hk_stats_summary_get(st, false, &got[b], &err) != HK_OK)
      fail_msg("%s: stats: %s", test_backend(), err.detail);
    hk_store_close(st);
  }
  assert_int_equal(got[1].persons, t.persons);
  assert_int_equal(got[0].persons, got[1].persons);
  assert_int_equal(got[0].households, got[1].households);
  assert_int_equal(got[0].family_households, got[1].family_households);
  assert_int_equal(got[0].collective_households, got[1].collective_households);
  assert_true(got[1].as_of_event > 0);
  assert_int_equal(got[0].n_areas, got[1].n_areas);
  for (size_t i = 0; i < got[0].n_areas; i++)
    assert_memory_equal(&got[0].areas[i], &got[1].areas[i], sizeof got[0].areas[i]);
  hk_stats_summary_free(&got[0]);
  hk_stats_summary_free(&got[1]);
  free(txt.data);
  test_tmpdir_remove();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_seed_same_bytes), cmocka_unit_test(bad_options_refused),
      cmocka_unit_test(invariants_hold),      cmocka_unit_test(calibrated_and_counted),
      cmocka_unit_test(backends_count_alike),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
