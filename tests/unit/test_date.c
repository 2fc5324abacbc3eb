/* Dates, months and periods: parsing, calendar arithmetic with month-end clamping, whole
 * months and years, periods. */
#include "test_util.h"

#include <string.h>

#include "core/date.h"

static void parse_accepts_only_real_dates(void **state)
{
  (void)state;
  hk_date d;
  assert_true(hk_date_parse("2024-02-29", &d));
  assert_false(hk_date_parse("2023-02-29", &d));
  assert_false(hk_date_parse("2024-13-01", &d));
  assert_false(hk_date_parse("2024-00-10", &d));
  assert_false(hk_date_parse("2024-04-31", &d));
  assert_false(hk_date_parse("2024-4-01", &d));
  assert_false(hk_date_parse("2024-04-01T00:00", &d));
  assert_false(hk_date_parse("20240401", &d));
  assert_false(hk_date_parse("", &d));
  assert_false(hk_date_parse(NULL, &d));
  assert_false(hk_date_parse("1799-12-31", &d));
  assert_true(hk_date_parse("1800-01-01", &d));
}

static void format_round_trips(void **state)
{
  (void)state;
  const char *samples[] = {"1800-01-01", "1970-01-01", "1969-12-31",
                           "2000-02-29", "2024-06-01", "9999-12-31"};
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    char out[11];
    assert_string_equal(hk_date_format(test_date(samples[i]), out), samples[i]);
  }
  assert_int_equal(test_date("1970-01-01"), 0);
  assert_int_equal(test_date("1970-01-02") - test_date("1969-12-31"), 2);
}

/* Every day from 1800 (the first accepted year, before 1970: negative day numbers) to 2100
 * splits into a valid date that maps back to the same day number, one day after the previous. */
static void day_numbers_round_trip(void **state)
{
  (void)state;
  hk_date first = hk_date_from_ymd(HK_YEAR_MIN, 1, 1), last = hk_date_from_ymd(2100, 12, 31);
  int py = HK_YEAR_MIN - 1, pm = 12, pd = 31;
  for (hk_date d = first; d <= last; d++) {
    int y, m, dd;
    hk_date_to_ymd(d, &y, &m, &dd);
    assert_true(hk_ymd_valid(y, m, dd));
    assert_int_equal(hk_date_from_ymd(y, m, dd), d);
    /* The next day after (py, pm, pd). */
    bool same_month = y == py && m == pm && dd == pd + 1;
    bool next_month = dd == 1 && ((y == py && m == pm + 1) || (y == py + 1 && m == 1 && pm == 12));
    assert_true(same_month || next_month);
    py = y;
    pm = m;
    pd = dd;
  }
  assert_int_equal(first, -62091);
}

static void adding_months_clamps_to_month_end(void **state)
{
  (void)state;
  char out[11];
  assert_string_equal(hk_date_format(hk_date_add_months(test_date("2021-01-31"), 1), out),
                      "2021-02-28");
  assert_string_equal(hk_date_format(hk_date_add_years(test_date("2020-02-29"), 1), out),
                      "2021-02-28");
  assert_string_equal(hk_date_format(hk_date_add_years(test_date("2020-02-29"), 4), out),
                      "2024-02-29");
  assert_string_equal(hk_date_format(hk_date_add_months(test_date("2024-06-01"), 6), out),
                      "2024-12-01");
  assert_string_equal(hk_date_format(hk_date_add_months(test_date("2024-06-01"), -7), out),
                      "2023-11-01");
}

static void whole_months_and_years(void **state)
{
  (void)state;
  assert_int_equal(hk_date_whole_months(test_date("2021-03-01"), test_date("2024-06-01")), 39);
  /* The anniversary day counts: since + N years <= as_of. */
  assert_int_equal(hk_date_whole_years(test_date("2022-06-01"), test_date("2024-06-01")), 2);
  assert_int_equal(hk_date_whole_years(test_date("2022-06-02"), test_date("2024-06-01")), 1);
  assert_int_equal(hk_date_whole_months(test_date("2021-01-31"), test_date("2021-02-28")), 1);
  assert_int_equal(hk_date_whole_months(test_date("2021-01-31"), test_date("2021-02-27")), 0);
  assert_int_equal(hk_date_whole_months(test_date("2024-06-01"), test_date("2021-03-01")), 0);
  /* Age of someone born on 29 February. */
  assert_int_equal(hk_date_whole_years(test_date("2004-02-29"), test_date("2022-02-28")), 18);
}

/* The hk_ymd_ functions must answer exactly as the hk_date_ ones they stand in for. */
static void split_dates_agree_with_day_numbers(void **state)
{
  (void)state;
  hk_ymd d = hk_date_ymd(test_date("2024-02-29"));
  assert_int_equal(d.year, 2024);
  assert_int_equal(d.month, 2);
  assert_int_equal(d.day, 29);
  assert_int_equal(hk_ymd_month(d), hk_month_of(test_date("2024-02-29")));
  assert_int_equal(hk_ymd_add_months(hk_date_ymd(test_date("2021-01-31")), 1),
                   test_date("2021-02-28"));
  assert_int_equal(hk_ymd_add_months(hk_date_ymd(test_date("2020-02-29")), -12),
                   test_date("2019-02-28"));
  assert_int_equal(hk_ymd_whole_months(hk_date_ymd(test_date("2021-03-01")),
                                       hk_date_ymd(test_date("2024-06-01"))),
                   39);
  /* Month-end clamping: 31 January plus one month is 28 February. */
  assert_int_equal(hk_ymd_whole_months(hk_date_ymd(test_date("2021-01-31")),
                                       hk_date_ymd(test_date("2021-02-28"))),
                   1);
  assert_int_equal(hk_ymd_whole_months(hk_date_ymd(test_date("2021-01-31")),
                                       hk_date_ymd(test_date("2021-02-27"))),
                   0);
  assert_int_equal(hk_ymd_whole_months(hk_date_ymd(test_date("2024-06-01")),
                                       hk_date_ymd(test_date("2021-03-01"))),
                   0);
  /* Every pair of days over four years, leap day and month ends included, against the
   * definition: the largest n with from + n months <= to. */
  hk_date start = test_date("2019-12-01");
  for (hk_date from = start; from < start + 4 * 366; from += 3) {
    hk_ymd f = hk_date_ymd(from);
    for (hk_date to = from - 40; to < from + 800; to += 7) {
      int n = 0;
      while (hk_date_add_months(from, n + 1) <= to)
        n++;
      assert_int_equal(hk_ymd_whole_months(f, hk_date_ymd(to)), n);
      assert_int_equal(hk_date_whole_months(from, to), n);
    }
    for (int m = -25; m <= 25; m++)
      assert_int_equal(hk_ymd_add_months(f, m), hk_date_add_months(from, m));
  }
}

static void months_parse_and_format(void **state)
{
  (void)state;
  hk_month m;
  char out[8];
  assert_true(hk_month_parse("2021-04", &m));
  assert_string_equal(hk_month_format(m, out), "2021-04");
  assert_int_equal(hk_month_of(test_date("2021-04-30")), m);
  assert_int_equal(hk_month_first_day(m), test_date("2021-04-01"));
  assert_false(hk_month_parse("2021-4", &m));
  assert_false(hk_month_parse("2021-13", &m));
  assert_false(hk_month_parse("2021-04-01", &m));
}

static void periods_are_half_open(void **state)
{
  (void)state;
  hk_period p = {test_date("2021-03-01"), test_date("2022-03-01")};
  assert_true(hk_period_contains(p, test_date("2021-03-01")));
  assert_true(hk_period_contains(p, test_date("2022-02-28")));
  assert_false(hk_period_contains(p, test_date("2022-03-01")));
  assert_false(hk_period_contains(p, test_date("2021-02-28")));
  hk_period open = {test_date("2021-03-01"), HK_DATE_OPEN};
  assert_true(hk_period_contains(open, test_date("9999-12-31")));
  assert_true(hk_period_valid(p));
  assert_true(hk_period_valid(open));
  hk_period backwards = {test_date("2022-03-01"), test_date("2021-03-01")};
  assert_false(hk_period_valid(backwards));
  hk_period no_start = {HK_DATE_NONE, HK_DATE_OPEN};
  assert_false(hk_period_valid(no_start));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parse_accepts_only_real_dates),
      cmocka_unit_test(format_round_trips),
      cmocka_unit_test(adding_months_clamps_to_month_end),
      cmocka_unit_test(whole_months_and_years),
      cmocka_unit_test(day_numbers_round_trip),
      cmocka_unit_test(split_dates_agree_with_day_numbers),
      cmocka_unit_test(months_parse_and_format),
      cmocka_unit_test(periods_are_half_open),
  };
  return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
