/* hukou gen: the synthetic province, as JSON lines (--out) or straight into a registry (--db)
 * through the import path: a generator thread writes into a pipe that hk_import_jsonl reads, so
 * the load is the same single transaction a `hukou import` is, and nothing is stored twice. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "gen/gen.h"
#include "service/registry_io.h"
#include "store/stats.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage: hukou gen (--persons N | --scale F) [--seed S] [--as-of DATE]\n"
      "                 (--out FILE.jsonl | --db PATH) [--report FILE] [--quiet]\n"
      "  生成按公开人口数据校准的浙江省合成人口（--scale 1 约 6627 "
      "万人）。相同种子输出逐字节相同。\n"
      "  --out 写出导入格式的 JSON 行（- 为标准输出）；--db 经导入路径直接载入数据库（一个事务，\n"
      "  中途终止则不写入任何数据），随后计算人口统计。--report 写出校准报告（JSON）。\n"
      "  A synthetic Zhejiang calibrated to the public figures (--scale 1: about 66.27 million\n"
      "  persons). The same seed gives the same bytes. --out writes the import format's JSON\n"
      "  lines (- for stdout); --db loads them through the import path in one transaction\n"
      "  (killed half-way, nothing is written) and then computes the population statistics.\n"
      "  --report writes the calibration report (JSON). Progress goes to stderr.\n",
      out);
}

static double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct progress {
  double started, last;
  bool tty, quiet;
  bool loading; /* into a database: the import's last steps follow the generation */
} progress;

static void fmt_duration(double s, char out[32])
{
  long t = (long)(s + 0.5);
  if (t >= 3600)
    snprintf(out, 32, "%ldh%02ldm%02lds", t / 3600, t / 60 % 60, t % 60);
  else if (t >= 60)
    snprintf(out, 32, "%ldm%02lds", t / 60, t % 60);
  else
    snprintf(out, 32, "%lds", t);
}

/* A bar with the rate and the time left, redrawn in place on a terminal and written as a line
 * every ten seconds otherwise (a log file). */
static void on_progress(int64_t done, int64_t total, void *cls)
{
  progress *pr = cls;
  if (pr->quiet)
    return;
  double now = now_seconds(), elapsed = now - pr->started;
  bool end = done >= total;
  if (!end && now - pr->last < (pr->tty ? 0.25 : 10.0))
    return;
  pr->last = now;
  double rate = elapsed > 0 ? (double)done / elapsed : 0;
  double frac = total ? (double)done / (double)total : 1;
  char bar[31];
  int fill = (int)(frac * 30);
  for (int i = 0; i < 30; i++)
    bar[i] = i < fill ? '#' : '.';
  bar[30] = '\0';
  char left[32], spent[32];
  fmt_duration(rate > 0 ? (double)(total - done) / rate : 0, left);
  fmt_duration(elapsed, spent);
  fprintf(stderr,
          "%s[%s] %5.1f%% %lld/%lld 人 (persons) %.0f 人/秒 (persons/s) 已用 %s 剩余 %s (elapsed, "
          "left)%s",
          pr->tty ? "\r" : "", bar, 100 * frac, (long long)done, (long long)total, rate, spent,
          left, pr->tty ? "  " : "\n");
  if (end && pr->tty)
    fputc('\n', stderr);
  if (end && pr->loading)
    fprintf(stderr, "生成完毕；正在解析亲属关系、重建索引并提交 / generated; resolving links, "
                    "rebuilding indexes, committing...\n");
}

typedef struct gen_job {
  hk_gen_options opt;
  FILE *out;
  hk_gen_totals totals;
  hk_status rc;
  hk_error err;
} gen_job;

static void *gen_main(void *arg)
{
  gen_job *job = arg;
  job->rc = hk_gen_write(&job->opt, job->out, &job->totals, &job->err);
  /* Closing the pipe is the end of input for the import. */
  if (fclose(job->out) != 0 && job->rc == HK_OK)
    job->rc = hk_error_set(&job->err, HK_EIO, "output", "write failed");
  return NULL;
}

static long long file_bytes(const char *path)
{
  struct stat sb;
  return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

static int write_report(const char *path, const hk_gen_totals *t)
{
  if (path == NULL)
    return HK_EXIT_OK;
  FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "hukou gen: 无法写入 (cannot write) %s: %s\n", path, strerror(errno));
    return HK_EXIT_FAIL;
  }
  hk_gen_report(t, f);
  if (f != stdout && fclose(f) != 0)
    return HK_EXIT_FAIL;
  return HK_EXIT_OK;
}

static int gen_to_db(gen_job *job, const char *db, const char *report, progress *pr)
{
  hk_error err = {0};
  struct stat sb;
  bool exists = stat(db, &sb) == 0;
  hk_store *st = NULL;
  if (hk_store_open(db, exists ? HK_STORE_EXISTING : HK_STORE_CREATE, &st, &err) != HK_OK)
    return hk_cli_fail("gen", &err);
  hk_store_counts counts;
  if (hk_store_counts_get(st, &counts, &err) != HK_OK) {
    hk_store_close(st);
    return hk_cli_fail("gen", &err);
  }
  if (counts.persons > 0) {
    hk_store_close(st);
    hk_error_set(&err, HK_ECONFLICT, "db",
                 "%s already holds %lld persons; generate into an "
                 "empty registry",
                 db, (long long)counts.persons);
    return hk_cli_fail("gen", &err);
  }
  int fds[2];
  if (pipe(fds) != 0) {
    hk_store_close(st);
    hk_error_set(&err, HK_EIO, NULL, "pipe: %s", strerror(errno));
    return hk_cli_fail("gen", &err);
  }
#ifdef F_SETPIPE_SZ
  /* A 1 MiB pipe instead of 64 KiB: the generator and the import's reader hand over whole
   * buffers instead of waking each other every 64 KiB. Best effort. */
  (void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
#endif
  /* A closed pipe must be an error the writer sees, not a signal that kills the process. */
  signal(SIGPIPE, SIG_IGN);
  job->out = fdopen(fds[1], "w");
  FILE *in = fdopen(fds[0], "r");
  if (job->out == NULL || in == NULL) {
    hk_store_close(st);
    hk_error_set(&err, HK_EIO, NULL, "fdopen: %s", strerror(errno));
    return hk_cli_fail("gen", &err);
  }
  setvbuf(in, NULL, _IOFBF, 1 << 20);
  char source[128];
  snprintf(source, sizeof source, "hukou gen --seed %llu --persons %lld",
           (unsigned long long)job->opt.seed, (long long)hk_gen_target_persons(&job->opt));
  hk_date today = hk_date_today();
  hk_import_options iopt = {.actor = hk_cli_actor(),
                            .source_name = source,
                            .today = job->opt.as_of > today ? job->opt.as_of : today};
  pthread_t thread;
  if (pthread_create(&thread, NULL, gen_main, job) != 0) {
    hk_store_close(st);
    hk_error_set(&err, HK_EINTERNAL, NULL, "cannot start the generator thread");
    return hk_cli_fail("gen", &err);
  }
  hk_import_result res;
  hk_status rc = hk_import_jsonl(st, in, &iopt, &res, &err);
  double loaded = now_seconds();
  fclose(in); /* a writer still running gets EPIPE and stops */
  pthread_join(thread, NULL);
  if (rc != HK_OK) {
    hk_store_close(st);
    fprintf(stderr, "hukou gen: 未写入任何数据 (nothing was written)\n");
    if (res.bad_line > 0)
      fprintf(stderr, "hukou gen: line %lld\n", (long long)res.bad_line);
    return hk_cli_fail("gen", &err);
  }
  if (job->rc != HK_OK) {
    hk_store_close(st);
    return hk_cli_fail("gen", &job->err);
  }
  if (!pr->quiet)
    fprintf(stderr,
            "已载入 / loaded %lld 人 (persons), %lld 条亲属关系 (links) in %.1f s; "
            "统计中 / computing statistics...\n",
            (long long)res.imported, (long long)res.links, loaded - pr->started);
  hk_stats_summary sum;
  rc = hk_stats_summary_get(st, true, &sum, &err);
  double done = now_seconds();
  hk_store_close(st);
  if (rc != HK_OK)
    return hk_cli_fail("gen", &err);
  long long bytes = file_bytes(db);
  char wal[4096];
  snprintf(wal, sizeof wal, "%s-wal", db);
  bytes += file_bytes(wal);
  printf("{\"persons\": %lld, \"households\": %lld, \"links\": %lld, \"load_seconds\": %.1f, "
         "\"stats_seconds\": %.1f, \"seconds\": %.1f, \"persons_per_second\": %.0f, "
         "\"db_bytes\": %lld}\n",
         (long long)res.imported, (long long)sum.households, (long long)res.links,
         loaded - pr->started, done - loaded, done - pr->started,
         (double)res.imported / (loaded - pr->started), bytes);
  hk_stats_summary_free(&sum);
  return write_report(report, &job->totals);
}

int hk_cmd_gen(int argc, char **argv)
{
  static const struct option opts[] = {
      {"persons", required_argument, NULL, 'n'}, {"scale", required_argument, NULL, 's'},
      {"seed", required_argument, NULL, 'S'},    {"as-of", required_argument, NULL, 'a'},
      {"out", required_argument, NULL, 'o'},     {"db", required_argument, NULL, 'd'},
      {"report", required_argument, NULL, 'r'},  {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
  gen_job job = {.opt = {.seed = 1, .as_of = HK_DATE_NONE}};
  const char *out = NULL, *db = NULL, *report = NULL;
  progress pr = {.tty = isatty(STDERR_FILENO) != 0};
  bool sized = false;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    char *end = NULL;
    switch (c) {
    case 'n':
      job.opt.persons = strtoll(optarg, &end, 10);
      if (*end || job.opt.persons <= 0) {
        fprintf(stderr, "hukou gen: --persons 须为正整数 (must be a positive integer)\n");
        return HK_EXIT_USAGE;
      }
      sized = true;
      break;
    case 's':
      job.opt.scale = strtod(optarg, &end);
      if (*end || !(job.opt.scale > 0) || job.opt.scale > 3) {
        fprintf(stderr, "hukou gen: --scale 须在 (0, 3] 之间 (must be in (0, 3])\n");
        return HK_EXIT_USAGE;
      }
      sized = true;
      break;
    case 'S':
      job.opt.seed = strtoull(optarg, &end, 10);
      if (*end) {
        fprintf(stderr, "hukou gen: --seed 须为整数 (must be an integer)\n");
        return HK_EXIT_USAGE;
      }
      break;
    case 'a':
      if (!hk_date_parse(optarg, &job.opt.as_of)) {
        fprintf(stderr, "hukou gen: --as-of 须为 YYYY-MM-DD (must be YYYY-MM-DD)\n");
        return HK_EXIT_USAGE;
      }
      break;
    case 'o':
      out = optarg;
      break;
    case 'd':
      db = optarg;
      break;
    case 'r':
      report = optarg;
      break;
    case 'q':
      pr.quiet = true;
      break;
    default:
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (optind != argc || !sized || (out == NULL) == (db == NULL)) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  if (hk_gen_target_persons(&job.opt) <= 0) {
    fprintf(stderr, "hukou gen: 人数为零 (no persons at this scale)\n");
    return HK_EXIT_USAGE;
  }
  job.opt.on_progress = on_progress;
  job.opt.cls = &pr;
  pr.started = now_seconds();
  if (db) {
    pr.loading = true;
    return gen_to_db(&job, db, report, &pr);
  }

  FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
  if (f == NULL) {
    fprintf(stderr, "hukou gen: 无法写入 (cannot write) %s: %s\n", out, strerror(errno));
    return HK_EXIT_FAIL;
  }
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  job.rc = hk_gen_write(&job.opt, f, &job.totals, &job.err);
  bool write_failed = f == stdout ? fflush(stdout) != 0 : fclose(f) != 0;
  if (write_failed) {
    if (job.rc == HK_OK)
      job.rc = hk_error_set(&job.err, HK_EIO, "output", "write failed");
  }
  if (job.rc != HK_OK)
    return hk_cli_fail("gen", &job.err);
  return write_report(report, &job.totals);
}
