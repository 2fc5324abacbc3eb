#ifndef HK_CORE_DIVISION_INT_H
#define HK_CORE_DIVISION_INT_H

/* Internal to the division module (and its tests): the table that tools/gen_divisions.js
 * generates into the build tree (generated/divisions_data.c). Kept out of division.h so that
 * callers go through hk_division_find and never depend on the table's layout. */

#include <stddef.h>

#include "core/division.h"

/* Every known code, current and historical, sorted by code with no duplicates, so that
 * hk_division_find can binary-search it. */
extern const hk_division hk_division_table[];
extern const size_t hk_division_table_len;

#endif
