/* ratelimit.c — a token bucket per client address for the open endpoints: `rate` tokens a
 * second up to `burst`. The table is fixed in size (4-way sets; a new address replaces the
 * entry of its set seen longest ago), so a flood of addresses costs no memory; an evicted
 * address comes back with a full bucket, which only ever errs towards serving. */
#include "http/http_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETS 1024
#define WAYS 4
#define ADDR_MAX 48

typedef struct entry {
  char addr[ADDR_MAX];
  double tokens;
  double last;
} entry;

struct hk_http_ratelimit {
  double rate, burst;
  pthread_mutex_t mu;
  entry e[SETS][WAYS];
};

hk_http_ratelimit *hk_http_ratelimit_new(double rate, double burst)
{
  if (!(rate > 0))
    return NULL;
  hk_http_ratelimit *rl = calloc(1, sizeof *rl);
  if (rl == NULL)
    return NULL;
  rl->rate = rate;
  rl->burst = burst >= 1 ? burst : 1;
  pthread_mutex_init(&rl->mu, NULL);
  return rl;
}

void hk_http_ratelimit_free(hk_http_ratelimit *rl)
{
  if (rl == NULL)
    return;
  pthread_mutex_destroy(&rl->mu);
  free(rl);
}

static uint32_t hash(const char *s)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

bool hk_http_ratelimit_take(hk_http_ratelimit *rl, const char *client, double now,
                            unsigned *retry_after)
{
  if (rl == NULL)
    return true;
  char key[ADDR_MAX];
  snprintf(key, sizeof key, "%s", client);
  entry *set = rl->e[hash(key) % SETS];
  pthread_mutex_lock(&rl->mu);
  entry *hit = NULL, *oldest = &set[0];
  for (int i = 0; i < WAYS; i++) {
    if (set[i].addr[0] && strcmp(set[i].addr, key) == 0) {
      hit = &set[i];
      break;
    }
    /* An empty way first, else the one seen longest ago. */
    if (oldest->addr[0] && (!set[i].addr[0] || set[i].last < oldest->last))
      oldest = &set[i];
  }
  if (hit == NULL) {
    hit = oldest;
    memcpy(hit->addr, key, sizeof key);
    hit->tokens = rl->burst;
    hit->last = now;
  }
  hit->tokens = fmin(rl->burst, hit->tokens + (now - hit->last) * rl->rate);
  hit->last = now;
  bool ok = hit->tokens >= 1;
  if (ok)
    hit->tokens -= 1;
  else if (retry_after)
    *retry_after = (unsigned)ceil((1 - hit->tokens) / rl->rate);
  pthread_mutex_unlock(&rl->mu);
  if (!ok && retry_after && *retry_after == 0)
    *retry_after = 1;
  return ok;
}
