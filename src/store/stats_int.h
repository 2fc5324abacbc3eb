#ifndef HK_STORE_STATS_INT_H
#define HK_STORE_STATS_INT_H

/* Private to the store: the tally the backends' statistics share (stats.c). */

#include "store/stats.h"

/* Figures per six-digit division code: registered, resident, floating, inter-provincial. */
typedef struct store_tally {
  int64_t (*fig)[4];
} store_tally;

hk_status store__tally_init(store_tally *t, hk_error *err);
/* n persons with hukou in `hukou` (0: none on record) living in `live` (0: no ongoing residence
 * registration, so where their hukou is). */
void store__tally_add(store_tally *t, int32_t hukou, int32_t live, int64_t n);
/* Every county with a nonzero figure into out->areas, by code. */
hk_status store__tally_finish(store_tally *t, hk_stats_summary *out, hk_error *err);
void store__tally_free(store_tally *t);

#endif
