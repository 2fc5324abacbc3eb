#include "core/u64map.h"

#include <stdlib.h>
#include <string.h>

void hk_u64map_init(hk_u64map *m)
{
  memset(m, 0, sizeof *m);
}

void hk_u64map_clear(hk_u64map *m)
{
  free(m->keys);
  free(m->values);
  hk_u64map_init(m);
}

static size_t slot_of(uint64_t key, size_t cap)
{
  /* Fibonacci hashing spreads keys that differ only in low digits. */
  return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

static bool grow(hk_u64map *m)
{
  size_t cap = m->cap ? m->cap * 2 : 1024;
  uint64_t *keys = calloc(cap, sizeof *keys);
  int64_t *values = malloc(cap * sizeof *values);
  if (keys == NULL || values == NULL) {
    free(keys);
    free(values);
    return false;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (m->keys[i] == 0)
      continue;
    size_t s = slot_of(m->keys[i], cap);
    while (keys[s] != 0)
      s = (s + 1) & (cap - 1);
    keys[s] = m->keys[i];
    values[s] = m->values[i];
  }
  free(m->keys);
  free(m->values);
  m->keys = keys;
  m->values = values;
  m->cap = cap;
  return true;
}

bool hk_u64map_put(hk_u64map *m, uint64_t key, int64_t value)
{
  if ((m->count + 1) * 2 > m->cap && !grow(m))
    return false;
  size_t s = slot_of(key, m->cap);
  while (m->keys[s] != 0 && m->keys[s] != key)
    s = (s + 1) & (m->cap - 1);
  if (m->keys[s] == 0)
    m->count++;
  m->keys[s] = key;
  m->values[s] = value;
  return true;
}

bool hk_u64map_get(const hk_u64map *m, uint64_t key, int64_t *value)
{
  if (m->cap == 0)
    return false;
  size_t s = slot_of(key, m->cap);
  while (m->keys[s] != 0) {
    if (m->keys[s] == key) {
      *value = m->values[s];
      return true;
    }
    s = (s + 1) & (m->cap - 1);
  }
  return false;
}

void hk_u64map_remove(hk_u64map *m, uint64_t key)
{
  if (m->cap == 0)
    return;
  size_t s = slot_of(key, m->cap);
  while (m->keys[s] != key) {
    if (m->keys[s] == 0)
      return;
    s = (s + 1) & (m->cap - 1);
  }
  /* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
  size_t hole = s;
  for (;;) {
    s = (s + 1) & (m->cap - 1);
    if (m->keys[s] == 0)
      break;
    size_t home = slot_of(m->keys[s], m->cap);
    /* Move the entry back into the hole unless its home lies cyclically in (hole, s]. */
    bool stays = hole <= s ? (home > hole && home <= s) : (home > hole || home <= s);
    if (!stays) {
      m->keys[hole] = m->keys[s];
      m->values[hole] = m->values[s];
      hole = s;
    }
  }
  m->keys[hole] = 0;
  m->count--;
}
