#ifndef HK_SERVICE_STATS_REPORT_H
#define HK_SERVICE_STATS_REPORT_H

/* Population figures of one area of Zhejiang (clause (十二)), as `hukou stats summary --json`
 * prints them and GET /api/v1/statistics answers: the area's registered (户籍), resident (常住)
 * and floating (流动) population, and the same for each of its parts (the cities of the province,
 * the counties of a city). Aggregates only: nothing about any one person. */

#include <stdint.h>

#include <jansson.h>

#include "core/error.h"
#include "store/stats.h"

/* area: 330000 (or 0) the province, a city (330100), or a county of Zhejiang; anything else is
 * HK_EINVAL naming "area". *out (caller owns):
 *   {"area": {"code", "name", "type"}, "as_of_event", "from_cache",
 *    "registry": {"persons", "households", "family_households", "collective_households"},
 *    "totals": {"registered", "resident", "floating", "floating_interprovince"},
 *    "parts": [{"code", "name", ...the four figures}],
 *    "resident_outside_province": n   (the province only: hukou here, living elsewhere)} */
hk_status hk_stats_report(const hk_stats_summary *s, int32_t area, json_t **out, hk_error *err);

/* Is area one that hk_stats_report takes? HK_EINVAL naming "area" otherwise. */
hk_status hk_stats_area_check(int32_t area, hk_error *err);

#endif
