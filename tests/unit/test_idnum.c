/* ID numbers (GB 11643-1999): the standard's examples, every check in order, 15-digit upgrade,
 * normalisation and masking. */
#include "test_util.h"

#include <string.h>

#include "core/idnum.h"

static hk_date today(void)
{
  return test_date("2024-06-01");
}

static void standard_examples_are_valid(void **state)
{
  (void)state;
  hk_idnum id;
  /* The two examples printed in GB 11643-1999, and one from policy-facts §8.1. */
  assert_true(hk_idnum_check("11010519491231002X", today(), &id));
  assert_int_equal(id.sex, 'F');
  assert_int_equal(id.division, 110105);
  assert_int_equal(id.birth_date, test_date("1949-12-31"));
  assert_true(hk_idnum_check("440524188001010014", today(), &id));
  assert_int_equal(id.sex, 'M');
  assert_int_equal(id.birth_date, test_date("1880-01-01"));
  assert_true(hk_idnum_check("34052419800101001X", today(), &id));
}

static void wrong_check_character_is_checksum_fault(void **state)
{
  (void)state;
  hk_idnum id;
  assert_false(hk_idnum_check("340524198001010013", today(), &id));
  assert_int_equal(id.fault, HK_IDNUM_CHECKSUM);
  assert_string_equal(hk_idnum_fault_name(id.fault), "checksum");
  /* The number itself is not echoed as normalised when invalid. */
  assert_string_equal(id.number, "");
}

static void lowercase_x_and_spaces_are_normalised(void **state)
{
  (void)state;
  hk_idnum id;
  assert_true(hk_idnum_check("  11010519491231002x\n", today(), &id));
  assert_string_equal(id.number, "11010519491231002X");
  assert_false(id.upgraded);
}

static void fifteen_digits_are_upgraded(void **state)
{
  (void)state;
  hk_idnum id;
  assert_true(hk_idnum_check("130503670401001", today(), &id));
  assert_true(id.upgraded);
  assert_string_equal(id.number, "130503196704010016");
  assert_int_equal(id.birth_date, test_date("1967-04-01"));
  assert_int_equal(id.sex, 'M');
  /* A 15-digit number with an impossible date is a birth_date fault, not an upgrade. */
  assert_false(hk_idnum_check("130503670231001", today(), &id));
  assert_int_equal(id.fault, HK_IDNUM_BIRTH_DATE);
}

static void checks_fail_in_order(void **state)
{
  (void)state;
  hk_idnum id;
  struct {
    const char *input;
    hk_idnum_fault fault;
  } cases[] = {
      {"", HK_IDNUM_LENGTH},
      {"1101051949123100", HK_IDNUM_LENGTH},
      {"11010519491231002X1", HK_IDNUM_LENGTH},
      {"1101051949123100XX", HK_IDNUM_FORMAT},
      {"11010519491231002Y", HK_IDNUM_FORMAT},
      {"11010519A91231002X", HK_IDNUM_FORMAT},
      {"11O105491231002", HK_IDNUM_FORMAT},
      {"990105194912310021", HK_IDNUM_PROVINCE},
      {"000105194912310021", HK_IDNUM_PROVINCE},
      {"110105194902300021", HK_IDNUM_BIRTH_DATE}, /* 30 February */
      {"110105194913010021", HK_IDNUM_BIRTH_DATE}, /* month 13 */
      {"110105202501010021", HK_IDNUM_BIRTH_DATE}, /* after "today" */
      {"110105179912310021", HK_IDNUM_BIRTH_DATE}, /* before 1800 */
      {"110105194912310021", HK_IDNUM_CHECKSUM},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_false(hk_idnum_check(cases[i].input, today(), &id));
    if (id.fault != cases[i].fault)
      fail_msg("%s: fault %s, expected %s", cases[i].input, hk_idnum_fault_name(id.fault),
               hk_idnum_fault_name(cases[i].fault));
  }
}

static void leap_day_birth_is_valid_only_in_leap_years(void **state)
{
  (void)state;
  hk_idnum id;
  char n[19];
  assert_true(hk_idnum_check(test_idnum(n, "330106", "20000229", 12), today(), &id));
  assert_false(hk_idnum_check(test_idnum(n, "330106", "19000229", 12), today(), &id));
  assert_int_equal(id.fault, HK_IDNUM_BIRTH_DATE);
}

static void unknown_county_is_not_an_error(void **state)
{
  (void)state;
  hk_idnum id;
  char n[19];
  /* 330199 is in no table, but many real people carry abolished codes: only the province is
   * checked. */
  assert_true(hk_idnum_check(test_idnum(n, "330199", "19900101", 11), today(), &id));
  assert_int_equal(id.division, 330199);
}

static void hong_kong_macao_taiwan_permit_numbers_are_valid(void **state)
{
  (void)state;
  hk_idnum id;
  char n[19];
  /* 港澳台居民居住证: address codes 810000, 820000, 830000. */
  assert_true(hk_idnum_check(test_idnum(n, "810000", "19900101", 11), today(), &id));
  assert_true(hk_idnum_check(test_idnum(n, "820000", "19900101", 12), today(), &id));
  assert_true(hk_idnum_check(test_idnum(n, "830000", "19900101", 13), today(), &id));
  assert_false(hk_idnum_check(test_idnum(n, "840000", "19900101", 13), today(), &id));
  assert_int_equal(id.fault, HK_IDNUM_PROVINCE);
}

static void very_long_input_is_a_length_fault(void **state)
{
  (void)state;
  char big[4096];
  memset(big, '1', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  hk_idnum id;
  assert_false(hk_idnum_check(big, today(), &id));
  assert_int_equal(id.fault, HK_IDNUM_LENGTH);
  assert_false(hk_idnum_check(NULL, today(), &id));
}

static void mask_keeps_six_and_four(void **state)
{
  (void)state;
  char out[19];
  assert_string_equal(hk_idnum_mask("330106199001010018", out), "330106********0018");
  assert_string_equal(hk_idnum_mask("short", out), "******************");
  assert_string_equal(hk_idnum_mask(NULL, out), "******************");
}

static void valid18_and_pack(void **state)
{
  (void)state;
  assert_true(hk_idnum_valid18("11010519491231002X"));
  assert_false(hk_idnum_valid18("11010519491231002x")); /* not normalised */
  assert_false(hk_idnum_valid18("110105194912310021"));
  uint64_t a = hk_idnum_pack("11010519491231002X"), b = hk_idnum_pack("110105194912310029");
  assert_true(a != 0 && b != 0 && a != b);
  assert_int_equal(hk_idnum_pack("bad"), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(standard_examples_are_valid),
      cmocka_unit_test(wrong_check_character_is_checksum_fault),
      cmocka_unit_test(lowercase_x_and_spaces_are_normalised),
      cmocka_unit_test(fifteen_digits_are_upgraded),
      cmocka_unit_test(checks_fail_in_order),
      cmocka_unit_test(leap_day_birth_is_valid_only_in_leap_years),
      cmocka_unit_test(unknown_county_is_not_an_error),
      cmocka_unit_test(hong_kong_macao_taiwan_permit_numbers_are_valid),
      cmocka_unit_test(very_long_input_is_a_length_fault),
      cmocka_unit_test(mask_keeps_six_and_four),
      cmocka_unit_test(valid18_and_pack),
  };
  return cmocka_run_group_tests_name("idnum", tests, NULL, NULL);
}
