/* bench_facts_waiting — the officer's worklist of declarations (issue 10/11; hk_facts_waiting),
 * on a generated registry (`hukou gen`), beside a peer in the same run:
 *   1. setup (not timed as the worklist): D persons spread over the registry each declare a
 *      lease (a declared entry, as a resident's POST would write it), and a share V of them are
 *      verified (a verified entry supersedes the declared one), so the ledger holds D + D*V
 *      entries of which D*(1-V) wait;
 *   2. the worklist's first page (50) as an officer of a county, a supervisor of a city and of
 *      the province, a page deep in the province's list, and one kind only: ms per page;
 *   3. the peer: the residence list's first page (hk_residence_list, GET /api/v1/residence) of
 *      the same areas, the other officers' list paged from an index of its own;
 *   4. the worklist again without the partial index fact_declared (migration 10 dropped), to
 *      show what it buys.
 * Usage: bench_facts_waiting DB [D] [V%] [REPS]   (defaults 20000 80 20; DB: a copy of a SQLite
 * registry made by `hukou gen`, which this run writes to) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "service/facts.h"
#include "service/search.h"
#include "store/store.h"
#include "store/store_fact.h"

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

static void die(const char *what, const hk_error *err)
{
  fprintf(stderr, "bench_facts_waiting: %s: %s %s\n", what, err->field, err->detail);
  exit(1);
}

/* D declared leases over the registry's persons (every (N/D)th row), V% of them verified. */
static void declare(hk_store *st, int64_t persons, int64_t d, int v)
{
  static const char lease[] =
      "{\"division\":\"330411\",\"urban\":true,\"kind\":\"rented\",\"from\":\"2021-03-01\"}";
  hk_error err = {0};
  if (hk_store_begin(st, &err) != HK_OK)
    die("begin", &err);
  int64_t step = persons / d > 0 ? persons / d : 1;
  for (int64_t i = 0; i < d; i++) {
    hk_fact_row row = {.person_id = 1 + (i * step) % persons,
                       .kind = HK_FACT_HOUSING,
                       .source = HK_FACT_DECLARED,
                       .actor = "resident:bench",
                       .at = "2024-06-01T08:00:00.000Z",
                       .recorded_on = 19875,
                       .supersedes_row = -1,
                       .doc = lease};
    if (hk_store_fact_insert(st, &row, &err) != HK_OK)
      die("declare", &err);
    if (i % 100 < v) {
      hk_fact_row ok = row;
      ok.source = HK_FACT_VERIFIED;
      ok.actor = "officer:bench";
      ok.reason = "核实 / verified";
      ok.supersedes = row.id;
      if (hk_store_fact_insert(st, &ok, &err) != HK_OK ||
          hk_store_fact_supersede(st, row.id, ok.id, &err) != HK_OK)
        die("verify", &err);
    }
  }
  if (hk_store_commit(st, &err) != HK_OK)
    die("commit", &err);
}

typedef struct timing {
  double wall_ms, cpu_ms;
  size_t rows;
} timing;

typedef struct ask {
  const char *label;
  hk_actor who;
  hk_fact_kind kind;
  int64_t after; /* -1: the middle of the province's list (found at run time) */
} ask;

static timing worklist(hk_store *st, const ask *a, int64_t after, int reps)
{
  timing t = {0};
  double w0 = now(), c0 = cpu();
  for (int r = 0; r < reps; r++) {
    json_t *out = NULL;
    hk_error err = {0};
    if (hk_facts_waiting(st, &a->who, 0, a->kind, after, 50, NULL, NULL, &out, &err) != HK_OK)
      die(a->label, &err);
    t.rows = json_array_size(json_object_get(out, "entries"));
    json_decref(out);
  }
  t.wall_ms = (now() - w0) * 1000 / reps;
  t.cpu_ms = (cpu() - c0) * 1000 / reps;
  return t;
}

static timing residence(hk_store *st, const ask *a, int reps)
{
  timing t = {0};
  double w0 = now(), c0 = cpu();
  for (int r = 0; r < reps; r++) {
    json_t *out = NULL;
    hk_error err = {0};
    if (hk_residence_list(st, &a->who, 0, 1, NULL, 50, NULL, NULL, &out, &err) != HK_OK)
      die(a->label, &err);
    t.rows = json_array_size(json_object_get(out, "registrations"));
    json_decref(out);
  }
  t.wall_ms = (now() - w0) * 1000 / reps;
  t.cpu_ms = (cpu() - c0) * 1000 / reps;
  return t;
}

/* The entry in the middle of the province's waiting list. */
static int64_t middle(hk_store *st, const hk_actor *who, int64_t waiting)
{
  int64_t after = 0;
  for (int64_t seen = 0; seen + 100 < waiting / 2;) {
    json_t *out = NULL;
    hk_error err = {0};
    if (hk_facts_waiting(st, who, 0, HK_FACT_NONE, after, 100, NULL, NULL, &out, &err) != HK_OK)
      die("middle", &err);
    json_t *next = json_object_get(out, "next");
    bool more = json_is_integer(next);
    seen += (int64_t)json_array_size(json_object_get(out, "entries"));
    after = more ? json_integer_value(next) : after;
    json_decref(out);
    if (!more)
      break;
  }
  return after;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: bench_facts_waiting DB [D] [V%%] [REPS]\n");
    return 2;
  }
  const char *db = argv[1];
  int64_t d = argc > 2 ? atoll(argv[2]) : 20000;
  int v = argc > 3 ? atoi(argv[3]) : 80;
  int reps = argc > 4 ? atoi(argv[4]) : 20;
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(db, HK_STORE_EXISTING, &st, &err) != HK_OK)
    die("open", &err);
  hk_store_counts n;
  if (hk_store_counts_get(st, &n, &err) != HK_OK)
    die("counts", &err);
  double w0 = now();
  declare(st, n.persons, d, v);
  printf("registry: %lld persons; %lld declared leases, %d%% verified: %lld entries, %lld waiting"
         " (setup %.1f s)\n",
         (long long)n.persons, (long long)d, v, (long long)(d + d * v / 100),
         (long long)(d - d * v / 100), now() - w0);
  ask asks[] = {
      {"county 330106 (officer)",
       {.role = HK_ROLE_OFFICER, .account = "officer:b", .jurisdiction = 330106},
       HK_FACT_NONE,
       0},
      {"city 330400 (supervisor)",
       {.role = HK_ROLE_SUPERVISOR, .account = "supervisor:b", .jurisdiction = 330400},
       HK_FACT_NONE,
       0},
      {"province 330000 (supervisor)",
       {.role = HK_ROLE_SUPERVISOR, .account = "supervisor:p", .jurisdiction = 330000},
       HK_FACT_NONE,
       0},
      {"province, a page in the middle",
       {.role = HK_ROLE_SUPERVISOR, .account = "supervisor:p", .jurisdiction = 330000},
       HK_FACT_NONE,
       -1},
      {"county 330106, kind=education (none)",
       {.role = HK_ROLE_OFFICER, .account = "officer:b", .jurisdiction = 330106},
       HK_FACT_EDUCATION,
       0},
  };
  size_t na = sizeof asks / sizeof asks[0];
  int64_t mid = middle(st, &asks[2].who, d - d * v / 100);
  printf("\n%-40s %8s %10s %10s | %-26s\n", "worklist page (50)", "rows", "wall ms", "cpu ms",
         "peer: residence list (50)");
  for (size_t i = 0; i < na; i++) {
    timing t = worklist(st, &asks[i], asks[i].after < 0 ? mid : 0, reps);
    printf("%-40s %8zu %10.2f %10.2f |", asks[i].label, t.rows, t.wall_ms, t.cpu_ms);
    if (asks[i].after == 0 && asks[i].kind == HK_FACT_NONE) {
      timing p = residence(st, &asks[i], reps);
      printf(" %4zu rows %8.2f ms wall %8.2f ms cpu", p.rows, p.wall_ms, p.cpu_ms);
    }
    printf("\n");
  }
  /* Without the partial index: what migration 10 buys (dropped by SQL beside the store, and
     made again at the end). */
  hk_store_close(st);
  sqlite3 *raw = NULL;
  if (sqlite3_open(db, &raw) != SQLITE_OK ||
      sqlite3_exec(raw, "DROP INDEX fact_declared", NULL, NULL, NULL) != SQLITE_OK) {
    fprintf(stderr, "bench_facts_waiting: drop index: %s\n", sqlite3_errmsg(raw));
    return 1;
  }
  if (hk_store_open(db, HK_STORE_EXISTING, &st, &err) != HK_OK)
    die("open", &err);
  printf("\nwithout the partial index fact_declared:\n");
  for (size_t i = 0; i < na; i++) {
    timing t = worklist(st, &asks[i], asks[i].after < 0 ? mid : 0, reps);
    printf("%-40s %8zu %10.2f %10.2f\n", asks[i].label, t.rows, t.wall_ms, t.cpu_ms);
  }
  if (sqlite3_exec(raw,
                   "CREATE INDEX fact_declared ON fact (id) WHERE source = 1 AND"
                   " superseded_by IS NULL",
                   NULL, NULL, NULL) != SQLITE_OK)
    fprintf(stderr, "bench_facts_waiting: index: %s\n", sqlite3_errmsg(raw));
  sqlite3_close(raw);
  hk_store_close(st);
  return 0;
}
