/* stats.c — what every backend shares for population statistics (stats.h): the public call,
 * and the tally that turns (hukou division, living division) pairs into the figures of each
 * county, so that SQLite (one walk over the registrations, store_sqlite_stats.c) and PostgreSQL
 * (one aggregate query, store_pg_stats.c) count by the same definitions. */
#include "store/stats_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "store/store_int.h"

#define CODES 1000000 /* six-digit division codes index the counting arrays */

/* Is a person with hukou in `hukou` and living in `live` floating (流动)? Not when both are
 * districts of the same city: that is a move within the city's urban area. */
static bool is_floating(int32_t hukou, int32_t live)
{
  if (hukou == live)
    return false;
  if (hk_division_city_of(hukou) != hk_division_city_of(live))
    return true;
  const hk_division *a = hk_division_find(hukou), *b = hk_division_find(live);
  return !(a && b && a->type == HK_DIV_DISTRICT && b->type == HK_DIV_DISTRICT);
}

hk_status store__tally_init(store_tally *t, hk_error *err)
{
  t->fig = calloc(CODES, sizeof *t->fig);
  if (t->fig == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory counting");
  return HK_OK;
}

void store__tally_add(store_tally *t, int32_t hukou, int32_t live, int64_t n)
{
  if (hukou > 0 && hukou < CODES)
    t->fig[hukou][0] += n;
  int32_t where = live ? live : hukou;
  if (where <= 0 || where >= CODES)
    return;
  t->fig[where][1] += n;
  if (hukou && is_floating(hukou, where)) {
    t->fig[where][2] += n;
    if (hk_division_province_of(hukou) != hk_division_province_of(where))
      t->fig[where][3] += n;
  }
}

hk_status store__tally_finish(store_tally *t, hk_stats_summary *out, hk_error *err)
{
  size_t n = 0;
  for (int32_t c = 0; c < CODES; c++)
    n += t->fig[c][0] || t->fig[c][1];
  out->areas = calloc(n ? n : 1, sizeof *out->areas);
  if (out->areas == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory counting");
  out->n_areas = 0;
  for (int32_t c = 0; c < CODES; c++)
    if (t->fig[c][0] || t->fig[c][1])
      out->areas[out->n_areas++] = (hk_stats_area){.division = c,
                                                   .registered = t->fig[c][0],
                                                   .resident = t->fig[c][1],
                                                   .floating = t->fig[c][2],
                                                   .floating_interprovince = t->fig[c][3]};
  return HK_OK;
}

void store__tally_free(store_tally *t)
{
  free(t->fig);
  t->fig = NULL;
}

hk_status hk_stats_summary_get(hk_store *st, bool refresh, hk_stats_summary *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  if (st->ops->stats_summary == NULL)
    return hk_error_set(err, HK_EINVAL, NULL, "the %s store has no statistics", st->ops->name);
  hk_status rc = st->ops->stats_summary(st, refresh, out, err);
  if (rc != HK_OK)
    hk_stats_summary_free(out);
  return rc;
}

void hk_stats_summary_free(hk_stats_summary *s)
{
  free(s->areas);
  memset(s, 0, sizeof *s);
}
