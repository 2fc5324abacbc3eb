#ifndef HK_CORE_DATE_H
#define HK_CORE_DATE_H

/* Civil dates, months and periods. A date is a day number (days since 1970-01-01, proleptic
 * Gregorian), so comparing and subtracting dates is integer arithmetic. A period covers `from`
 * up to but not including `to`; HK_DATE_OPEN as `to` means it is still going on. */

#include <stdbool.h>
#include <stdint.h>

typedef int32_t hk_date;
typedef int32_t hk_month; /* year * 12 + (month - 1) */

#define HK_DATE_NONE INT32_MIN /* absent */
#define HK_DATE_OPEN INT32_MAX /* open end of a period */
#define HK_MONTH_NONE INT32_MIN
#define HK_MONTH_OPEN INT32_MAX

/* Accepted year range: ID numbers and histories before 1800 or after 9999 are input errors. */
#define HK_YEAR_MIN 1800
#define HK_YEAR_MAX 9999

typedef struct hk_period {
  hk_date from;
  hk_date to; /* exclusive; HK_DATE_OPEN while ongoing */
} hk_period;

/* Social-insurance months: both ends inclusive; `to` HK_MONTH_OPEN while still paid. */
typedef struct hk_month_span {
  hk_month from;
  hk_month to;
} hk_month_span;

bool hk_ymd_valid(int year, int month, int day);
hk_date hk_date_from_ymd(int year, int month, int day); /* caller checks hk_ymd_valid */
void hk_date_to_ymd(hk_date d, int *year, int *month, int *day);

/* Strictly "YYYY-MM-DD" with a real calendar date in the accepted year range. */
bool hk_date_parse(const char *s, hk_date *out);
/* Writes "YYYY-MM-DD" (11 bytes with the NUL) and returns out. */
char *hk_date_format(hk_date d, char out[11]);
/* Today in the local time zone of the machine. */
hk_date hk_date_today(void);

/* Add whole months. When the target month has no such day the result is its last day, as
 * the Civil Code counts periods in months and years (民法典 第二百零二条): 2020-02-29 plus one
 * year is 2021-02-28, 2021-01-31 plus one month is 2021-02-28. */
hk_date hk_date_add_months(hk_date d, int months);
hk_date hk_date_add_years(hk_date d, int years);

/* Whole calendar months from `from` to `to`: the largest n with from + n months <= to;
 * 0 when to < from. 2021-03-01 to 2024-06-01 is 39. */
int hk_date_whole_months(hk_date from, hk_date to);
/* Whole years: the anniversary has been reached (age, years of residence). */
int hk_date_whole_years(hk_date from, hk_date to);

/* A date split into year, month (1-12) and day. Month arithmetic works on these parts, and
 * converting a day number to them is the costly step: code that measures many periods from the
 * same day (a run's start, a birth date, as_of) converts that day once and uses the hk_ymd_
 * functions, which give exactly the answers of the hk_date_ ones above. */
typedef struct hk_ymd {
  int year;
  int month;
  int day;
} hk_ymd;

hk_ymd hk_date_ymd(hk_date d);
/* hk_date_add_months(from, months) on a date already split. */
hk_date hk_ymd_add_months(hk_ymd from, int months);
/* hk_date_whole_months(from, to) on dates already split. */
int hk_ymd_whole_months(hk_ymd from, hk_ymd to);
/* hk_month_of on a date already split. */
hk_month hk_ymd_month(hk_ymd d);

/* Strictly "YYYY-MM". */
bool hk_month_parse(const char *s, hk_month *out);
char *hk_month_format(hk_month m, char out[8]); /* "YYYY-MM" */
hk_month hk_month_of(hk_date d);
hk_date hk_month_first_day(hk_month m);

/* Does the period cover day d? */
bool hk_period_contains(hk_period p, hk_date d);
/* Is the period well formed: from present, and to open or not before from? */
bool hk_period_valid(hk_period p);

#endif
