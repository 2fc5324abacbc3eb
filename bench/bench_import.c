/* Import throughput: generate N persons with histories as JSON lines (a simple generator; the
 * calibrated one is `hukou gen`), load them with hk_import_jsonl into a fresh SQLite database,
 * and print persons per second; then export them back and print that rate too.
 *
 *   build-rel/bench_import [N] [DIR]      (default 1000000 persons, DIR /tmp)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/idnum.h"
#include "service/registry_io.h"
#include "store/store.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A deterministic pseudo-random sequence (xorshift64*), so every run loads the same data. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return (uint32_t)((rng * 2685821657736338717ull) >> 33) % n;
}

static const char *const counties[] = {"330102", "330106", "330110", "330205", "330212",
                                       "330302", "330402", "330502", "330602", "330702",
                                       "330782", "330802", "330902", "331002", "331102"};
static const char *const origins[] = {"341222", "412726", "522401", "362426", "511621",
                                      "330104", "330381", "330624", "421023", "430524"};
static const char *const names[] = {"王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄涛"};

static void id_for(char out[19], uint32_t i)
{
  /* Unique by construction (up to 100 million): persons 2k and 2k+1 are a couple born the same
   * day in the same county, told apart by the sequence, whose parity gives the sex. */
  uint32_t k = i / 2;
  const char *origin = origins[k % 10];
  int year = 1950 + (int)(k / 10 % 60), month = 1 + (int)(k / 600 % 12),
      day = 1 + (int)(k / 7200 % 28);
  int seq = (int)(k / 201600 % 500) * 2 + (int)(i & 1);
  snprintf(out, 19, "%s%04d%02d%02d%03d", origin, year, month, day, seq);
  out[17] = hk_idnum_check_char(out);
  out[18] = '\0';
}

static void generate(const char *path, uint32_t n)
{
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    perror(path);
    exit(1);
  }
  char id[19], spouse[19];
  for (uint32_t i = 0; i < n; i++) {
    id_for(id, i);
    const char *county = counties[rnd(15)];
    int from_year = 2005 + (int)rnd(18), from_month = 1 + (int)rnd(12);
    fprintf(f,
            "{\"id_number\":\"%s\",\"name\":\"%s\",\"marital_status\":\"%s\","
            "\"education\":\"bachelor\",\"hukou\":{\"division\":\"%.6s\",\"household\":\"family\","
            "\"head\":%s,\"household_no\":\"H%u\"},"
            "\"residence\":[{\"division\":\"%s\",\"urban\":true,\"from\":\"%04d-%02d-01\",\"to\":"
            "null}],"
            "\"housing\":[{\"division\":\"%s\",\"urban\":true,\"kind\":\"rented\",\"from\":\"%04d-%"
            "02d-01\",\"to\":null}],"
            "\"employment\":[{\"division\":\"%s\",\"from\":\"%04d-%02d-01\",\"to\":null}],"
            "\"social_insurance\":[{\"city\":\"%.4s00\",\"from\":\"%04d-%02d\",\"to\":null}],"
            "\"residence_permits\":[{\"division\":\"%s\",\"from\":\"%04d-%02d-01\",\"to\":null}]",
            id, names[rnd(8)], i % 2 ? "married" : "unmarried", id, i % 2 == 0 ? "true" : "false",
            i / 2, county, from_year, from_month, county, from_year, from_month, county, from_year,
            from_month, county, from_year, from_month, county, from_year + 1, from_month);
    /* Pairs (2k, 2k+1) are spouses; every other pair links forward and back. */
    if (i % 4 < 2) {
      id_for(spouse, i ^ 1u);
      fprintf(f, ",\"relatives\":[{\"relation\":\"spouse\",\"id_number\":\"%s\"}]", spouse);
    }
    fputs("}\n", f);
  }
  fclose(f);
}

static long long file_size(const char *path)
{
  struct stat sb;
  return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

int main(int argc, char **argv)
{
  uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000u;
  const char *dir = argc > 2 ? argv[2] : "/tmp";
  char input[512], db[512], wal[600], out[512];
  snprintf(input, sizeof input, "%s/bench_import_%u.jsonl", dir, n);
  snprintf(db, sizeof db, "%s/bench_import_%u.db", dir, n);
  snprintf(wal, sizeof wal, "%s-wal", db);
  snprintf(out, sizeof out, "%s/bench_export_%u.jsonl", dir, n);
  remove(db);
  remove(wal);

  double t0 = now();
  generate(input, n);
  double t1 = now();
  printf("generate: %u persons, %.1f MB, %.2f s\n", n, (double)file_size(input) / 1e6, t1 - t0);

  hk_store *st;
  hk_error err = {0};
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK) {
    fprintf(stderr, "open: %s\n", err.detail);
    return 1;
  }
  FILE *in = fopen(input, "r");
  hk_import_options opt = {.actor = "bench", .source_name = input, .today = hk_date_today()};
  hk_import_result res;
  t0 = now();
  hk_status rc = hk_import_jsonl(st, in, &opt, &res, &err);
  t1 = now();
  fclose(in);
  if (rc != HK_OK) {
    fprintf(stderr, "import failed at line %lld: %s: %s\n", (long long)res.bad_line, err.field,
            err.detail);
    return 1;
  }
  printf("import: %lld persons, %lld links in %.2f s = %.0f persons/s; db %.1f MB\n",
         (long long)res.imported, (long long)res.links, t1 - t0, (double)res.imported / (t1 - t0),
         (double)file_size(db) / 1e6);

  /* Closing checkpoints whatever the WAL still holds: part of the cost of a load. */
  t0 = now();
  hk_store_close(st);
  printf("close: %.2f s\n", now() - t0);
  if (hk_store_open(db, HK_STORE_READONLY, &st, &err) != HK_OK) {
    fprintf(stderr, "reopen: %s\n", err.detail);
    return 1;
  }
  FILE *o = fopen(out, "w");
  int64_t count = 0;
  t0 = now();
  rc = hk_export_jsonl(st, o, &count, &err);
  t1 = now();
  fclose(o);
  hk_store_close(st);
  if (rc != HK_OK) {
    fprintf(stderr, "export failed: %s\n", err.detail);
    return 1;
  }
  printf("export: %lld persons in %.2f s = %.0f persons/s\n", (long long)count, t1 - t0,
         (double)count / (t1 - t0));
  return 0;
}
