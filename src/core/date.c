#include "core/date.h"

#include <string.h>
#include <time.h>

static bool is_leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool hk_ymd_valid(int y, int m, int d)
{
  return y >= HK_YEAR_MIN && y <= HK_YEAR_MAX && m >= 1 && m <= 12 && d >= 1 &&
         d <= days_in_month(y, m);
}

/* Days from civil: Howard Hinnant's public-domain algorithm, shifted so March is month 0. */
hk_date hk_date_from_ymd(int y, int m, int d)
{
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (hk_date)(era * 146097 + doe - 719468);
}

void hk_date_to_ymd(hk_date z, int *year, int *month, int *day)
{
  int32_t zz = z + 719468;
  const int32_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
  /* Within an era every quantity is non-negative: unsigned, as in Hinnant's original, lets
   * the divisions by constants compile to plain multiplications (this runs for every date the
   * engine measures). */
  const uint32_t doe = (uint32_t)(zz - era * 146097);                         /* [0, 146096] */
  const uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
  const uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
  const uint32_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
  const uint32_t d = doy - (153 * mp + 2) / 5 + 1;                            /* [1, 31] */
  const uint32_t m = mp < 10 ? mp + 3 : mp - 9;                               /* [1, 12] */
  *year = (int)yoe + (int)era * 400 + (m <= 2);
  *month = (int)m;
  *day = (int)d;
}

static bool digits(const char *s, int n, int *value)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

/* Write value as exactly n decimal digits (the lowest n, zero-padded). */
static void put_digits(char *out, int value, int n)
{
  if (value < 0)
    value = -value;
  for (int i = n - 1; i >= 0; i--) {
    out[i] = (char)('0' + value % 10);
    value /= 10;
  }
}

bool hk_date_parse(const char *s, hk_date *out)
{
  int y, m, d;
  if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
      !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d) || !hk_ymd_valid(y, m, d))
    return false;
  *out = hk_date_from_ymd(y, m, d);
  return true;
}

char *hk_date_format(hk_date d, char out[11])
{
  int y, m, dd;
  hk_date_to_ymd(d, &y, &m, &dd);
  put_digits(out, y, 4);
  out[4] = '-';
  put_digits(out + 5, m, 2);
  out[7] = '-';
  put_digits(out + 8, dd, 2);
  out[10] = '\0';
  return out;
}

hk_date hk_date_today(void)
{
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  return hk_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

hk_ymd hk_date_ymd(hk_date d)
{
  hk_ymd r;
  hk_date_to_ymd(d, &r.year, &r.month, &r.day);
  return r;
}

hk_date hk_ymd_add_months(hk_ymd from, int months)
{
  int index = from.year * 12 + (from.month - 1) + months;
  int y = index / 12;
  int m = index % 12 + 1;
  int last = days_in_month(y, m);
  return hk_date_from_ymd(y, m, from.day > last ? last : from.day);
}

hk_date hk_date_add_months(hk_date date, int months)
{
  return hk_ymd_add_months(hk_date_ymd(date), months);
}

hk_date hk_date_add_years(hk_date d, int years)
{
  return hk_date_add_months(d, years * 12);
}

static bool ymd_before(hk_ymd a, hk_ymd b)
{
  if (a.year != b.year)
    return a.year < b.year;
  if (a.month != b.month)
    return a.month < b.month;
  return a.day < b.day;
}

int hk_ymd_whole_months(hk_ymd from, hk_ymd to)
{
  if (ymd_before(to, from))
    return 0;
  int n = (to.year * 12 + to.month) - (from.year * 12 + from.month);
  /* from + n months lands in to's month, on from's day or that month's last day if shorter
   * (month-end clamping); when that is past to's day, one month fewer has elapsed. This is
   * the comparison hk_date_add_months(from, n) > to, without building the date. */
  if (n > 0) {
    int last = days_in_month(to.year, to.month);
    int lands = from.day > last ? last : from.day;
    if (lands > to.day)
      n--;
  }
  return n;
}

int hk_date_whole_months(hk_date from, hk_date to)
{
  if (to < from)
    return 0;
  return hk_ymd_whole_months(hk_date_ymd(from), hk_date_ymd(to));
}

int hk_date_whole_years(hk_date from, hk_date to)
{
  return hk_date_whole_months(from, to) / 12;
}

bool hk_month_parse(const char *s, hk_month *out)
{
  int y, m;
  if (s == NULL || strlen(s) != 7 || s[4] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
      !hk_ymd_valid(y, m, 1))
    return false;
  *out = y * 12 + (m - 1);
  return true;
}

char *hk_month_format(hk_month m, char out[8])
{
  put_digits(out, m / 12, 4);
  out[4] = '-';
  put_digits(out + 5, m % 12 + 1, 2);
  out[7] = '\0';
  return out;
}

hk_month hk_ymd_month(hk_ymd d)
{
  return d.year * 12 + (d.month - 1);
}

hk_month hk_month_of(hk_date d)
{
  return hk_ymd_month(hk_date_ymd(d));
}

hk_date hk_month_first_day(hk_month m)
{
  return hk_date_from_ymd(m / 12, m % 12 + 1, 1);
}

bool hk_period_contains(hk_period p, hk_date d)
{
  return p.from <= d && (p.to == HK_DATE_OPEN || d < p.to);
}

bool hk_period_valid(hk_period p)
{
  return p.from != HK_DATE_NONE && p.to != HK_DATE_NONE && (p.to == HK_DATE_OPEN || p.to >= p.from);
}
