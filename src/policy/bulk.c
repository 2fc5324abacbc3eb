/* bulk.c — many situations with explanations off, for simulations over a whole population
 * (十一) and the benchmark: no text, no JSON, parameters resolved once per (target, as_of). */
#include "policy/policy.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

#define CACHE_SLOTS 1024

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

static void one(const hk_policies *pol, slot *cache, const hk_situation *s, hk_answer *a,
                hk_bulk_result *r)
{
  hk_params local;
  const hk_params *p;
  if (s->n_overrides == 0) {
    /* Direct-mapped cache: a population shares a few hundred targets and one date. */
    uint32_t h = ((uint32_t)s->target * 2654435761u) ^ ((uint32_t)s->as_of * 40503u);
    slot *sl = &cache[(h >> 7) % CACHE_SLOTS];
    if (sl->target != s->target || sl->as_of != s->as_of) {
      hk_params_resolve(pol, s->target, s->as_of, NULL, 0, &sl->params, NULL);
      sl->target = s->target;
      sl->as_of = s->as_of;
    }
    p = &sl->params;
  } else {
    hk_params_resolve(pol, s->target, s->as_of, s->overrides, s->n_overrides, &local, NULL);
    p = &local;
  }
  r->status = policy__eval_params(p, s, a, NULL);
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
