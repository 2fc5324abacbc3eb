/* bench_facts — facts with provenance (issue 10), measured beside `hukou import` in one run:
 *   1. import N persons (hk_import_jsonl, the path of `hukou import`): persons/s;
 *   2. a day's feed of F facts from the housing department (registered leases for persons whose
 *      imported lease was not registered) through hk_facts_import (`hukou facts import`): facts/s,
 *      each one an entry and an event; then the same file again (re-delivery, all skipped);
 *   3. the eligibility of all N persons re-answered after the feed: every person read from the
 *      registry in row order with the facts in force laid over them (hk_facts_overlay, only for
 *      persons with entries), answered in bulk (hk_policy_eval_bulk, explanations off, 2
 *      threads): persons/s, and how many are eligible to settle by residence (二), which needs
 *      the legal stable residence the feed registers;
 *   4. only the persons the feed touched, each assembled with hk_situation_from_registry (the
 *      path of `hukou eval --db` and the API) and answered: persons/s.
 * Usage: bench_facts [N] [F] [DIR] [POLICY_DIR]   (defaults 1000000 100000 /tmp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/idnum.h"
#include "core/u64map.h"
#include "policy/policy.h"
#include "service/actor.h"
#include "service/facts.h"
#include "service/registry_io.h"
#include "service/situation_db.h"
#include "store/store.h"
#include "store/store_fact.h"

/* Processor time of the whole process (all threads): on a shared machine the wall clock
 * also counts the time others had the processors. */
static double cpu(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const counties[] = {"330402", "330411", "330421", "330481", "330602",
                                       "330603", "330302", "330502", "330702", "330802"};
static const char *const origins[] = {"341222", "412726", "522401", "362426", "511621",
                                      "421023", "430524", "360121", "420102", "500101"};

static void id_for(char out[19], uint32_t i)
{
  const char *origin = origins[i % 10];
  int year = 1960 + (int)(i / 10 % 40), month = 1 + (int)(i / 400 % 12),
      day = 1 + (int)(i / 4800 % 28);
  int seq = (int)(i / 134400 % 1000);
  snprintf(out, 19, "%s%04d%02d%02d%03d", origin, year, month, day, seq);
  out[17] = hk_idnum_check_char(out);
  out[18] = '\0';
}

/* Migrants living and working in a county since 2019-2022 on an unregistered lease (legal:
 * false): no legal stable residence, so no settlement by residence (二) until the lease is
 * registered. */
static void generate_people(const char *path, uint32_t n)
{
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    perror(path);
    exit(1);
  }
  char id[19];
  for (uint32_t i = 0; i < n; i++) {
    id_for(id, i);
    const char *county = counties[i % 10];
    int year = 2019 + (int)(i % 4);
    fprintf(f,
            "{\"id_number\":\"%s\",\"hukou\":{\"division\":\"%.6s\",\"household\":\"family\","
            "\"head\":true},\"residence\":[{\"division\":\"%s\",\"urban\":true,\"from\":\"%04d-03-"
            "01\"}],\"housing\":[{\"division\":\"%s\",\"urban\":true,\"kind\":\"rented\","
            "\"legal\":false,\"from\":\"%04d-03-01\"}],\"employment\":[{\"division\":\"%s\","
            "\"from\":\"%04d-04-01\"}],\"social_insurance\":[{\"city\":\"%.4s00\",\"from\":\"%04d-"
            "04\"}]}\n",
            id, id, county, year, county, year, county, year, county, year);
  }
  fclose(f);
}

/* The housing department's day: the lease of every (n / f)-th person registered. */
static void generate_feed(const char *path, uint32_t n, uint32_t f_count)
{
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    perror(path);
    exit(1);
  }
  char id[19];
  uint32_t step = n / f_count ? n / f_count : 1;
  for (uint32_t k = 0; k < f_count; k++) {
    uint32_t i = (k * step) % n;
    id_for(id, i);
    fprintf(f,
            "{\"delivery\":\"H-2026-12-01-%u\",\"id_number\":\"%s\",\"kind\":\"housing\","
            "\"fact\":{\"division\":\"%s\",\"urban\":true,\"kind\":\"rented\",\"from\":\"%04d-03-"
            "01\"}}\n",
            k, id, counties[i % 10], 2019 + (int)(i % 4));
  }
  fclose(f);
}

static void fail(const char *what, const hk_error *err)
{
  fprintf(stderr, "bench_facts: %s: %s: %s\n", what, err->field, err->detail);
  exit(1);
}

/* ---- step 3: the whole registry re-answered ---- */

#define BATCH 8192

typedef struct walk {
  hk_store *st;
  const hk_policies *pol;
  hk_u64map with_facts; /* person rows with ledger entries */
  hk_situation *batch;
  hk_bulk_result *out;
  size_t n;
  int64_t row, answered, settle_eligible, overlaid;
  hk_date as_of;
} walk;

static void copy_list(void **items, uint32_t *n, uint32_t *cap, const void *src, uint32_t sn,
                      size_t size)
{
  if (*cap < sn) {
    void *p = realloc(*items, sn * size);
    if (p == NULL)
      abort();
    *items = p;
    *cap = sn;
  }
  if (sn)
    memcpy(*items, src, sn * size);
  *n = sn;
}
#define COPY(field)                                                                                \
  copy_list((void **)&d->field.items, &d->field.n, &d->field.cap, s->field.items, s->field.n,      \
            sizeof *s->field.items)

/* A lent person into a situation's own person (lists copied, capacity reused). */
static void copy_person(hk_person *d, const hk_person *s)
{
  hk_person keep = *d;
  *d = *s;
  d->residence = keep.residence;
  d->housing = keep.housing;
  d->employment = keep.employment;
  d->schooling = keep.schooling;
  d->social_insurance = keep.social_insurance;
  d->residence_permits = keep.residence_permits;
  d->talent = keep.talent;
  d->relatives = keep.relatives;
  d->text = keep.text;
  d->text_cap = keep.text_cap;
  COPY(residence);
  COPY(housing);
  COPY(employment);
  COPY(schooling);
  COPY(social_insurance);
  COPY(residence_permits);
  COPY(talent);
  d->relatives.n = 0;
  copy_list((void **)&d->text, &d->text_len, &d->text_cap, s->text, s->text_len, 1);
}

static void flush_batch(walk *w)
{
  size_t ok = hk_policy_eval_bulk(w->pol, w->batch, w->n, w->out, 2);
  w->answered += (int64_t)ok;
  for (size_t i = 0; i < w->n; i++)
    w->settle_eligible +=
        w->out[i].status == HK_OK && (w->out[i].eligible_mask & (1u << HK_PW_RESIDENCE));
  w->n = 0;
}

static hk_status each_person(const hk_person *p, void *cls, hk_error *err)
{
  walk *w = cls;
  w->row++; /* rows are assigned in import order: this registry has no other */
  hk_situation *s = &w->batch[w->n];
  copy_person(&s->person, p);
  s->as_of = w->as_of;
  s->target = p->residence.n ? p->residence.items[0].division : 330402;
  int64_t dummy;
  if (hk_u64map_get(&w->with_facts, (uint64_t)w->row, &dummy)) {
    hk_status rc = hk_facts_overlay(w->st, w->row, &s->person, false, NULL, 0, NULL, err);
    if (rc != HK_OK)
      return rc;
    w->overlaid++;
  }
  if (++w->n == BATCH)
    flush_batch(w);
  return HK_OK;
}

static hk_status note_person(const hk_fact_row *row, void *cls, hk_error *err)
{
  (void)err;
  hk_u64map_put(cls, (uint64_t)row->person_id, 1);
  return HK_OK;
}

int main(int argc, char **argv)
{
  uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000u;
  uint32_t feed_n = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 100000u;
  const char *dir = argc > 3 ? argv[3] : "/tmp";
  const char *poldir = argc > 4 ? argv[4] : hk_policies_default_dir();
  char people[512], feed[512], db[512], wal[560];
  snprintf(people, sizeof people, "%s/bench_facts_people_%u.jsonl", dir, n);
  snprintf(feed, sizeof feed, "%s/bench_facts_feed_%u.jsonl", dir, feed_n);
  snprintf(db, sizeof db, "%s/bench_facts_%u.db", dir, n);
  snprintf(wal, sizeof wal, "%s-wal", db);
  generate_people(people, n);
  generate_feed(feed, n, feed_n);
  unlink(db);
  unlink(wal);
  hk_error err = {0};
  hk_policies *pol = NULL;
  if (hk_policies_load(poldir, &pol, &err) != HK_OK)
    fail("policies", &err);
  hk_store *st = NULL;
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail("open", &err);
  hk_date today = hk_date_today();

  /* 1. hukou import */
  FILE *in = fopen(people, "r");
  hk_import_options opt = {.actor = "bench", .source_name = people, .today = today};
  hk_import_result ir;
  double c0 = cpu(), t0 = now();
  if (hk_import_jsonl(st, in, &opt, &ir, &err) != HK_OK)
    fail("import", &err);
  double t_import = now() - t0, c_import = cpu() - c0;
  fclose(in);
  printf("import       %8u persons  %7.2f s  %9.0f persons/s  cpu %6.2f s  %9.0f/cpu-s\n", n,
         t_import, n / t_import, c_import, n / c_import);

  /* 2. the department's feed, then the same file re-delivered */
  hk_actor who = {.role = HK_ROLE_SYSTEM, .account = "bench"};
  hk_facts_import_result fr;
  in = fopen(feed, "r");
  c0 = cpu();
  t0 = now();
  if (hk_facts_import(st, &who, "housing", in, today, &fr, &err) != HK_OK)
    fail("facts import", &err);
  double t_feed = now() - t0, c_feed = cpu() - c0;
  fclose(in);
  printf("facts import %8lld facts    %7.2f s  %9.0f facts/s    cpu %6.2f s  %9.0f/cpu-s (each an "
         "entry and an event)\n",
         (long long)fr.added, t_feed, (double)fr.added / t_feed, c_feed, (double)fr.added / c_feed);
  in = fopen(feed, "r");
  c0 = cpu();
  t0 = now();
  if (hk_facts_import(st, &who, "housing", in, today, &fr, &err) != HK_OK)
    fail("facts re-delivery", &err);
  double t_again = now() - t0, c_again = cpu() - c0;
  fclose(in);
  printf("re-delivery  %8lld already  %7.2f s  %9.0f lines/s    cpu %6.2f s  %9.0f/cpu-s (nothing "
         "written)\n",
         (long long)fr.already, t_again, (double)fr.already / t_again, c_again,
         (double)fr.already / c_again);

  /* 3. everyone re-answered */
  walk w = {.st = st, .pol = pol, .as_of = today};
  hk_u64map_init(&w.with_facts);
  w.batch = calloc(BATCH, sizeof *w.batch);
  w.out = calloc(BATCH, sizeof *w.out);
  for (size_t i = 0; i < BATCH; i++)
    hk_situation_init(&w.batch[i]);
  c0 = cpu();
  t0 = now();
  if (hk_store_fact_each(st, 0, note_person, &w.with_facts, &err) != HK_OK)
    fail("ledger", &err);
  if (hk_store_person_each(st, each_person, &w, &err) != HK_OK)
    fail("walk", &err);
  flush_batch(&w);
  double t_all = now() - t0, c_all = cpu() - c0;
  printf(
      "re-answer    %8lld persons  %7.2f s  %9.0f persons/s  cpu %6.2f s  %9.0f/cpu-s (%lld with "
      "facts laid over; %lld eligible to settle by residence (二))\n",
      (long long)w.answered, t_all, (double)w.answered / t_all, c_all, (double)w.answered / c_all,
      (long long)w.overlaid, (long long)w.settle_eligible);

  /* 4. only those the feed touched, one at a time as the API does */
  hk_situation s;
  hk_situation_init(&s);
  hk_answer *a = malloc(sizeof *a);
  uint32_t step = n / feed_n ? n / feed_n : 1;
  int64_t eligible = 0;
  c0 = cpu();
  t0 = now();
  for (uint32_t k = 0; k < feed_n; k++) {
    char id[19];
    uint32_t i = (k * step) % n;
    id_for(id, i);
    if (hk_situation_from_registry(st, id, atoi(counties[i % 10]), today, NULL, 0, &s, &err) !=
            HK_OK ||
        hk_policy_eval(pol, &s, a, &err) != HK_OK)
      fail("one", &err);
    eligible += a->pathways[HK_PW_RESIDENCE].eligible;
  }
  double t_touched = now() - t0, c_touched = cpu() - c0;
  printf("touched      %8u persons  %7.2f s  %9.0f persons/s  cpu %6.2f s  %9.0f/cpu-s (%lld "
         "eligible to settle by residence)\n",
         feed_n, t_touched, feed_n / t_touched, c_touched, feed_n / c_touched, (long long)eligible);

  free(a);
  hk_situation_clear(&s);
  for (size_t i = 0; i < BATCH; i++)
    hk_situation_clear(&w.batch[i]);
  free(w.batch);
  free(w.out);
  hk_u64map_clear(&w.with_facts);
  hk_store_close(st);
  hk_policies_free(pol);
  return 0;
}
