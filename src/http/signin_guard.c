/* signin_guard.c — failed sign-ins counted per client address (issue 16): an address trying
 * many accounts, or names that are no account, meets the same growing delays as one account
 * does (service/signin.h), counted here in memory (the store counts per account). The table is
 * fixed in size like the rate limiter's (4-way sets, the entry seen longest ago gives way), so a
 * flood of addresses costs no memory; an address without a failure for an hour starts afresh.
 * A success does not clear an address's count: one's own account must not launder guesses at
 * others'. */
#include "http/http_int.h"

#include <stdlib.h>
#include <string.h>

#define SETS 1024
#define WAYS 4
#define ADDR_MAX 48
#define FORGET_SECONDS 3600.0

typedef struct entry {
  char addr[ADDR_MAX];
  int32_t failures;
  double last; /* monotonic seconds of the last failure */
} entry;

struct hk_http_signin_guard {
  hk_signin_policy policy; /* delay_after and max_delay apply */
  pthread_mutex_t mu;
  entry e[SETS][WAYS];
};

hk_http_signin_guard *hk_http_signin_guard_new(int delay_after, int64_t max_delay)
{
  if (delay_after <= 0)
    return NULL;
  hk_http_signin_guard *g = calloc(1, sizeof *g);
  if (g == NULL)
    return NULL;
  g->policy = hk_signin_defaults;
  g->policy.delay_after = delay_after;
  g->policy.max_delay = max_delay;
  pthread_mutex_init(&g->mu, NULL);
  return g;
}

void hk_http_signin_guard_free(hk_http_signin_guard *g)
{
  if (g == NULL)
    return;
  pthread_mutex_destroy(&g->mu);
  free(g);
}

static uint32_t hash(const char *s)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* The address's entry (made when `make`), or NULL; under g->mu. */
static entry *find(hk_http_signin_guard *g, const char *key, double now, bool make)
{
  entry *set = g->e[hash(key) % SETS], *oldest = &set[0];
  for (int i = 0; i < WAYS; i++) {
    if (set[i].addr[0] && strcmp(set[i].addr, key) == 0) {
      if (now - set[i].last > FORGET_SECONDS)
        set[i].failures = 0;
      return &set[i];
    }
    if (oldest->addr[0] && (!set[i].addr[0] || set[i].last < oldest->last))
      oldest = &set[i];
  }
  if (!make)
    return NULL;
  memset(oldest, 0, sizeof *oldest);
  memcpy(oldest->addr, key, ADDR_MAX);
  return oldest;
}

unsigned hk_http_signin_guard_wait(hk_http_signin_guard *g, const char *client, double now)
{
  if (g == NULL)
    return 0;
  char key[ADDR_MAX] = {0};
  snprintf(key, sizeof key, "%s", client);
  pthread_mutex_lock(&g->mu);
  entry *e = find(g, key, now, false);
  double wait = e ? e->last + (double)hk_signin_delay(&g->policy, e->failures) - now : 0;
  pthread_mutex_unlock(&g->mu);
  return wait > 0 ? (unsigned)wait + 1 : 0;
}

void hk_http_signin_guard_failed(hk_http_signin_guard *g, const char *client, double now)
{
  if (g == NULL)
    return;
  char key[ADDR_MAX] = {0};
  snprintf(key, sizeof key, "%s", client);
  pthread_mutex_lock(&g->mu);
  entry *e = find(g, key, now, true);
  e->failures++;
  e->last = now;
  pthread_mutex_unlock(&g->mu);
}
