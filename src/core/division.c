#include "core/division.h"

#include "core/division_int.h"

/* The largest six-digit code; anything outside 0..999999 is not a code at all. */
#define HK_DIVISION_MAX 999999

const hk_division *hk_division_find(int32_t code)
{
  if (code < 0 || code > HK_DIVISION_MAX)
    return NULL;
  size_t lo = 0, hi = hk_division_table_len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int32_t at = hk_division_table[mid].code;
    if (at == code)
      return &hk_division_table[mid];
    if (at < code)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

bool hk_division_parse(const char *s, int32_t *code)
{
  if (s == NULL)
    return false;
  int32_t v = 0;
  int n = 0;
  /* Compare against '0'..'9' by hand: isdigit() depends on the locale and would accept
   * other digits in some of them. */
  for (; s[n] != '\0'; n++) {
    if (n == 6 || s[n] < '0' || s[n] > '9')
      return false;
    v = v * 10 + (s[n] - '0');
  }
  if (n != 6)
    return false;
  if (code != NULL)
    *code = v;
  return true;
}

int32_t hk_division_city_of(int32_t code)
{
  /* Digits 3-4 of "00" name no city: a province (330000) or a county directly under its
   * province (Hainan's historical 460001..460036). Answering 460000 would make the province look
   * like a prefecture. */
  int32_t city = code / 100 * 100;
  return city % 10000 == 0 ? 0 : city;
}

int32_t hk_division_province_of(int32_t code)
{
  return code / 10000 * 10000;
}

bool hk_division_province_known(int two_digits)
{
  if (two_digits < 10 || two_digits > 99)
    return false;
  const hk_division *d = hk_division_find((int32_t)two_digits * 10000);
  return d != NULL && d->type == HK_DIV_PROVINCE;
}

const char *hk_division_type_name(hk_division_type type)
{
  switch (type) {
  case HK_DIV_PROVINCE:
    return "province";
  case HK_DIV_CITY:
    return "city";
  case HK_DIV_DISTRICT:
    return "district";
  case HK_DIV_COUNTY:
    return "county";
  case HK_DIV_COUNTY_CITY:
    return "county_city";
  }
  return "unknown";
}

bool hk_division_within(int32_t code, int32_t area)
{
  /* Only a real province or city code is a prefix; 0 or a negative area would otherwise
   * "contain" everything below 10000. */
  if (code < 0 || code > HK_DIVISION_MAX || area <= 0 || area > HK_DIVISION_MAX)
    return false;
  if (area % 10000 == 0)
    return code / 10000 == area / 10000;
  if (area % 100 == 0)
    return code / 100 == area / 100;
  return code == area;
}

size_t hk_division_count(void)
{
  return hk_division_table_len;
}
