#include "core/idnum.h"

#include <string.h>

#include "core/division.h"

char hk_iso7064_mod11_2(const char *digits, size_t n)
{
  /* ISO 7064:1983 MOD 11-2: the digit at position i (from the left, 0-based) weighs
   * 2^(n-i) mod 11; the check character makes the weighted sum 1 modulo 11. */
  int sum = 0, weight = 2;
  for (size_t i = n; i-- > 0;) {
    sum = (sum + ((digits[i] - '0') % 11 + 11) % 11 * weight) % 11; /* digits only; never <0 */
    weight = weight * 2 % 11;
  }
  return "10X98765432"[sum];
}

char hk_idnum_check_char(const char *first17)
{
  return hk_iso7064_mod11_2(first17, 17);
}

static bool all_digits(const char *s, int n)
{
  for (int i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

static int two(const char *s)
{
  return (s[0] - '0') * 10 + (s[1] - '0');
}

/* The first two digits name a province of the division tables, or 83: residence permits of
 * Taiwan residents carry 18-digit numbers with the address code 830000, which GB/T 2260 does not
 * list (Hong Kong's 810000 and Macao's 820000 are in the tables). */
static bool province_ok(int two_digits)
{
  return two_digits == 83 || hk_division_province_known(two_digits);
}

bool hk_idnum_check(const char *input, hk_date today, hk_idnum *out)
{
  memset(out, 0, sizeof *out);
  out->birth_date = HK_DATE_NONE;
  if (input == NULL)
    input = "";
  while (*input == ' ' || *input == '\t' || *input == '\r' || *input == '\n')
    input++;
  size_t len = strnlen(input, HK_IDNUM_INPUT_MAX + 1);
  while (len > 0 && (input[len - 1] == ' ' || input[len - 1] == '\t' || input[len - 1] == '\r' ||
                     input[len - 1] == '\n'))
    len--;

  char num[HK_IDNUM_LEN + 1] = {0};
  if (len == 18) {
    memcpy(num, input, 18);
    if (num[17] == 'x')
      num[17] = 'X';
    if (!all_digits(num, 17) || !(num[17] == 'X' || (num[17] >= '0' && num[17] <= '9'))) {
      out->fault = HK_IDNUM_FORMAT;
      return false;
    }
  } else if (len == 15) {
    if (!all_digits(input, 15)) {
      out->fault = HK_IDNUM_FORMAT;
      return false;
    }
    /* 15 digits: address(6) YYMMDD(6) sequence(3). Numbers of this generation were issued to
     * people born in the twentieth century. */
    memcpy(num, input, 6);
    num[6] = '1';
    num[7] = '9';
    memcpy(num + 8, input + 6, 9);
    out->upgraded = true;
  } else {
    out->fault = HK_IDNUM_LENGTH;
    return false;
  }

  out->division = (int32_t)((num[0] - '0') * 100000 + (num[1] - '0') * 10000 + two(num + 2) * 100 +
                            two(num + 4));
  out->sex = ((num[16] - '0') % 2) ? 'M' : 'F';
  if (!province_ok(two(num))) {
    out->fault = HK_IDNUM_PROVINCE;
    return false;
  }
  int y = two(num + 6) * 100 + two(num + 8), m = two(num + 10), d = two(num + 12);
  if (!hk_ymd_valid(y, m, d) || hk_date_from_ymd(y, m, d) > today) {
    out->fault = HK_IDNUM_BIRTH_DATE;
    return false;
  }
  out->birth_date = hk_date_from_ymd(y, m, d);
  if (out->upgraded)
    num[17] = hk_idnum_check_char(num);
  else if (hk_idnum_check_char(num) != num[17]) {
    out->fault = HK_IDNUM_CHECKSUM;
    return false;
  }
  memcpy(out->number, num, sizeof num);
  out->fault = HK_IDNUM_OK;
  return true;
}

bool hk_idnum_valid18(const char *n)
{
  if (n == NULL || strnlen(n, 19) != 18 || !all_digits(n, 17))
    return false;
  if (!province_ok(two(n)))
    return false;
  int y = two(n + 6) * 100 + two(n + 8);
  if (!hk_ymd_valid(y, two(n + 10), two(n + 12)))
    return false;
  return hk_idnum_check_char(n) == n[17];
}

const char *hk_idnum_fault_name(hk_idnum_fault fault)
{
  switch (fault) {
  case HK_IDNUM_OK:
    return NULL;
  case HK_IDNUM_LENGTH:
    return "length";
  case HK_IDNUM_FORMAT:
    return "format";
  case HK_IDNUM_PROVINCE:
    return "province";
  case HK_IDNUM_BIRTH_DATE:
    return "birth_date";
  case HK_IDNUM_CHECKSUM:
    return "checksum";
  }
  return "format";
}

char *hk_idnum_mask(const char *number, char out[HK_IDNUM_LEN + 1])
{
  size_t len = number ? strnlen(number, HK_IDNUM_LEN + 1) : 0;
  if (len != HK_IDNUM_LEN) {
    /* Not a well-formed number: reveal nothing of it. */
    memcpy(out, "******************", HK_IDNUM_LEN + 1);
    return out;
  }
  memcpy(out, number, 6);
  memset(out + 6, '*', 8);
  memcpy(out + 14, number + 14, 4);
  out[18] = '\0';
  return out;
}

uint64_t hk_idnum_pack(const char *n)
{
  if (n == NULL || strnlen(n, 19) != 18 || !all_digits(n, 17))
    return 0;
  uint64_t v = 0;
  for (int i = 0; i < 17; i++)
    v = v * 10 + (uint64_t)(n[i] - '0');
  uint64_t check;
  if (n[17] == 'X')
    check = 10;
  else if (n[17] >= '0' && n[17] <= '9')
    check = (uint64_t)(n[17] - '0');
  else
    return 0;
  return v * 11 + check + 1;
}
