#ifndef HK_CORE_JSON_H
#define HK_CORE_JSON_H

/* Readers for JSON input shared by every parser of the project (persons, situations, policy
 * files, API bodies). Each names the offending field in err and never guesses: a wrong type is
 * an error, not a conversion. */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/date.h"
#include "core/error.h"

typedef enum hk_json_need { HK_JSON_REQUIRED, HK_JSON_OPTIONAL } hk_json_need;

/* Every key of obj must be in the NULL-terminated list `allowed`: "x: unknown field". */
hk_status hk_json_known_keys(const json_t *obj, const char *const *allowed, hk_error *err);

/* "YYYY-MM-DD"; missing or null gives HK_DATE_NONE when optional. */
hk_status hk_json_date(const json_t *obj, const char *key, hk_json_need need, hk_date *out,
                       hk_error *err);
/* "YYYY-MM"; missing or null gives HK_MONTH_NONE when optional. */
hk_status hk_json_month(const json_t *obj, const char *key, hk_json_need need, hk_month *out,
                        hk_error *err);
/* A 6-digit division code as a string. With must_be_known, it must be in the division tables
 * (current or historical). Missing gives 0 when optional. */
hk_status hk_json_division(const json_t *obj, const char *key, hk_json_need need,
                           bool must_be_known, int32_t *out, hk_error *err);
/* true/false; missing or null gives fallback when optional. */
hk_status hk_json_bool(const json_t *obj, const char *key, hk_json_need need, bool fallback,
                       bool *out, hk_error *err);
/* An integer in [min, max]; missing gives fallback when optional. */
hk_status hk_json_int(const json_t *obj, const char *key, hk_json_need need, int64_t min,
                      int64_t max, int64_t fallback, int64_t *out, hk_error *err);
/* A string of at most max_len bytes; missing or null gives NULL when optional. The result is
 * borrowed from obj. */
hk_status hk_json_string(const json_t *obj, const char *key, hk_json_need need, size_t max_len,
                         const char **out, hk_error *err);
/* An array (missing or null gives NULL when optional). */
hk_status hk_json_array(const json_t *obj, const char *key, hk_json_need need, json_t **out,
                        hk_error *err);
/* An object (missing or null gives NULL when optional). */
hk_status hk_json_object(const json_t *obj, const char *key, hk_json_need need, json_t **out,
                         hk_error *err);

/* Add "key": "YYYY-MM-DD" (or null for HK_DATE_NONE / HK_DATE_OPEN) to obj. */
int hk_json_set_date(json_t *obj, const char *key, hk_date d);
int hk_json_set_month(json_t *obj, const char *key, hk_month m);
/* Add "key": "330102" (a 6-digit code), or null for 0. */
int hk_json_set_division(json_t *obj, const char *key, int32_t code);

/* A division as `hukou division show` prints it and GET /api/v1/divisions/{code} answers:
 * {"code", "name", "type", "current", "parent", "city", "province"}, city and province each
 * {"code", "name"} or null (a province has no city; a county directly under its province has
 * none either). */
struct hk_division;
json_t *hk_json_division_object(const struct hk_division *d);

#endif
