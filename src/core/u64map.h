#ifndef HK_CORE_U64MAP_H
#define HK_CORE_U64MAP_H

/* A map from nonzero 64-bit keys to 64-bit values, open addressing with linear probing. Bulk
 * loads keep one entry per person (tens of millions), where a pointer-per-entry hash table
 * would need several times the memory: this one is 16 bytes a slot at most half full. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hk_u64map {
  uint64_t *keys; /* 0 marks an empty slot */
  int64_t *values;
  size_t cap; /* a power of two */
  size_t count;
} hk_u64map;

void hk_u64map_init(hk_u64map *m);
void hk_u64map_clear(hk_u64map *m);

/* Insert or replace. false only when memory runs out (the map is unchanged then). key != 0. */
bool hk_u64map_put(hk_u64map *m, uint64_t key, int64_t value);
/* The value of key into *value; false when absent. */
bool hk_u64map_get(const hk_u64map *m, uint64_t key, int64_t *value);
/* Remove key if present. */
void hk_u64map_remove(hk_u64map *m, uint64_t key);

#endif
