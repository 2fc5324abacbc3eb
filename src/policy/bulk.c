/* bulk.c — many situations with explanations off, for simulations over a whole population
 * (十一) and the benchmark: no text, no JSON, parameters resolved once per (target, as_of). */
#include "policy/policy.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

#define CACHE_SLOTS 1024
#define CACHE_PROBE 8

typedef struct slot {
  int32_t target;
  hk_date as_of;
  hk_params params;
} slot;

typedef struct job {
  const hk_policies *pol;
  const hk_situation *s;
  size_t n;
  hk_bulk_result *out;
  size_t ok;
} job;

/* Parameters resolved once per (target, as_of): a population shares a few hundred targets
 * and a few dates. Open addressing over a short probe, so that two keys meeting in one slot do
 * not evict each other on every other situation, as they did when the table was direct-mapped
 * (about one situation in four resolved its parameters again). When every probed slot holds
 * another key, the first is replaced. */
static const hk_params *cached_params(const hk_policies *pol, slot *cache, int32_t target,
                                      hk_date as_of)
{
  uint64_t key = (uint64_t)(uint32_t)target << 32 | (uint32_t)as_of;
  uint32_t h = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32); /* Fibonacci hashing */
  slot *sl = NULL;
  for (uint32_t i = 0; i < CACHE_PROBE; i++) {
    slot *at = &cache[(h + i) % CACHE_SLOTS];
    if (at->target == target && at->as_of == as_of)
      return &at->params;
    if (at->target == -1) {
      sl = at;
      break;
    }
  }
  if (sl == NULL)
    sl = &cache[h % CACHE_SLOTS];
  hk_params_resolve(pol, target, as_of, NULL, 0, &sl->params, NULL);
  sl->target = target;
  sl->as_of = as_of;
  return &sl->params;
}

static void one(const hk_policies *pol, slot *cache, const hk_situation *s, hk_answer *a,
                hk_bulk_result *r)
{
  hk_params local;
  const hk_params *p;
  if (s->n_overrides == 0) {
    p = cached_params(pol, cache, s->target, s->as_of);
  } else {
    hk_params_resolve(pol, s->target, s->as_of, s->overrides, s->n_overrides, &local, NULL);
    p = &local;
  }
  r->status = policy__check_in_force(pol, p, s, NULL);
  if (r->status == HK_OK)
    r->status = policy__eval_params(p, s, a, false, NULL);
  if (r->status != HK_OK)
    return;
  r->permit_eligible = a->permit.eligible;
  r->permit_from = a->permit.eligible_from;
  r->settle_eligible = a->settle_eligible;
  r->eligible_mask = 0;
  r->applicable_mask = 0;
  for (int i = 0; i < HK_PW_COUNT; i++) {
    if (a->pathways[i].applicable)
      r->applicable_mask |= (uint8_t)(1u << i);
    if (a->pathways[i].applicable && a->pathways[i].eligible)
      r->eligible_mask |= (uint8_t)(1u << i);
    r->eligible_from[i] = a->pathways[i].eligible_from;
  }
}

static void *run(void *arg)
{
  job *j = arg;
  slot *cache = calloc(CACHE_SLOTS, sizeof *cache);
  hk_answer *a = malloc(sizeof *a);
  if (cache == NULL || a == NULL) {
    for (size_t i = 0; i < j->n; i++)
      j->out[i].status = HK_ENOMEM;
    free(cache);
    free(a);
    return NULL;
  }
  for (size_t i = 0; i < CACHE_SLOTS; i++)
    cache[i].target = -1;
  for (size_t i = 0; i < j->n; i++) {
    one(j->pol, cache, &j->s[i], a, &j->out[i]);
    j->ok += j->out[i].status == HK_OK;
  }
  free(cache);
  free(a);
  return NULL;
}

size_t hk_policy_eval_bulk(const hk_policies *pol, const hk_situation *s, size_t n,
                           hk_bulk_result *out, int threads)
{
  if (threads < 1)
    threads = 1;
  if (threads > 64)
    threads = 64;
  if ((size_t)threads > n)
    threads = n ? (int)n : 1;
  job jobs[64];
  pthread_t tid[64];
  size_t per = n / (size_t)threads, at = 0;
  for (int t = 0; t < threads; t++) {
    size_t count = t == threads - 1 ? n - at : per;
    jobs[t] = (job){pol, s + at, count, out + at, 0};
    at += count;
  }
  /* The calling thread takes the first share; a thread that cannot start is run here too. */
  bool started[64] = {false};
  for (int t = 1; t < threads; t++)
    started[t] = pthread_create(&tid[t], NULL, run, &jobs[t]) == 0;
  run(&jobs[0]);
  size_t ok = jobs[0].ok;
  for (int t = 1; t < threads; t++) {
    if (started[t])
      pthread_join(tid[t], NULL);
    else
      run(&jobs[t]);
    ok += jobs[t].ok;
  }
  return ok;
}
