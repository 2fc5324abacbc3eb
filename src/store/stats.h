#ifndef HK_STORE_STATS_H
#define HK_STORE_STATS_H

/* Population statistics from the registry (clause (十二)): registered, resident and floating
 * population per county. Counting them means reading every current hukou registration and every
 * ongoing residence registration, which takes tens of seconds on a whole province, so the store
 * keeps the result with the sequence number of the last event it reflects: while no event has
 * been appended since (every change appends one), the kept figures are read back in
 * milliseconds; otherwise they are counted again (and kept, when the store is writable). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

typedef struct hk_stats_area {
  int32_t division;   /* a county-level code */
  int64_t registered; /* 户籍人口: current hukou registration here */
  /* 常住人口: living here: an ongoing residence registration here, or the hukou here and no
   * ongoing residence registration anywhere */
  int64_t resident;
  /* 流动人口: residents whose hukou is in another county, except another district of the same
   * city (a move between one city's districts is 人户分离, not 流动) */
  int64_t floating;
  int64_t floating_interprovince; /* of whom with hukou in another province */
} hk_stats_area;

typedef struct hk_stats_summary {
  int64_t persons; /* living: a registered death (死亡注销) takes a person out */
  int64_t households, family_households, collective_households; /* not dissolved */
  int64_t as_of_event;  /* the last event the figures reflect */
  bool from_cache;      /* read back rather than counted */
  hk_stats_area *areas; /* by code, every county with a nonzero figure, any province */
  size_t n_areas;
} hk_stats_summary;

/* The summary, counted afresh when `refresh` is true or the kept one is stale. The caller frees
 * it with hk_stats_summary_free. */
hk_status hk_stats_summary_get(hk_store *st, bool refresh, hk_stats_summary *out, hk_error *err);
void hk_stats_summary_free(hk_stats_summary *s);

#endif
