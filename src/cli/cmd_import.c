/* hukou import --db PATH [--skip-bad] FILE.jsonl|- : load persons, all or nothing. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "service/registry_io.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou import --db PATH [--skip-bad] FILE.jsonl|-\n"
        "  每行一个人员 JSON（字段同资格判断契约的 person 对象，另有 name 与 relatives）。\n"
        "  默认遇到第一条错误行即停止，不写入任何数据；--skip-bad 跳过并报告错误行。\n"
        "  One person per line (the eligibility contract's person object plus name and\n"
        "  relatives). By default the first bad line stops the import and nothing is written;\n"
        "  --skip-bad skips bad lines, reporting each, and loads the rest.\n",
        out);
}

static void report_bad(int64_t line, const hk_error *err, void *cls)
{
  (void)cls;
  char text[512];
  fprintf(stderr, "hukou import: 跳过第 %lld 行 (skipped line %lld): %s\n", (long long)line,
          (long long)line, hk_error_text(err, text, sizeof text));
}

static double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double started;

static void report_progress(int64_t lines, void *cls)
{
  (void)cls;
  double elapsed = now_seconds() - started;
  fprintf(stderr, "\r已读 %lld 行 (lines read), %.0f 行/秒 (lines/s)", (long long)lines,
          elapsed > 0 ? (double)lines / elapsed : 0.0);
}

int hk_cmd_import(int argc, char **argv)
{
  static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                       {"skip-bad", no_argument, NULL, 's'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL;
  hk_import_options opt = {.actor = hk_cli_actor(), .today = hk_date_today()};
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'd')
      db = optarg;
    else if (c == 's')
      opt.skip_bad = true;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  const char *path = argv[optind];
  hk_error err = {0};
  FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  if (in == NULL) {
    hk_error_set(&err, HK_EIO, "FILE", "cannot open %s", path);
    return hk_cli_fail("import", &err);
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("import", db, HK_STORE_EXISTING, &exit);
  if (st == NULL) {
    if (in != stdin)
      fclose(in);
    return exit;
  }
  opt.source_name = strcmp(path, "-") == 0 ? "stdin" : path;
  opt.on_bad = report_bad;
  if (isatty(STDERR_FILENO)) {
    opt.on_progress = report_progress;
    opt.progress_every = 100000;
  }
  started = now_seconds();
  hk_import_result res;
  hk_status rc = hk_import_jsonl(st, in, &opt, &res, &err);
  double elapsed = now_seconds() - started;
  if (opt.on_progress)
    fputc('\n', stderr);
  if (in != stdin)
    fclose(in);
  hk_store_close(st);
  if (rc != HK_OK) {
    if (res.bad_line > 0) {
      char field[sizeof err.field];
      snprintf(field, sizeof field, "line %lld%s%.100s", (long long)res.bad_line,
               err.field[0] ? ": " : "", err.field);
      memcpy(err.field, field, sizeof field);
    }
    fprintf(stderr, "hukou import: 未写入任何数据 (nothing was written)\n");
    int status = hk_cli_fail("import", &err);
    /* Whatever the line's fault (malformed, duplicate, conflicting household), it is bad input. */
    return res.bad_line > 0 ? HK_EXIT_USAGE : status;
  }
  printf("{\"lines\": %lld, \"imported\": %lld, \"skipped\": %lld, \"links\": %lld, "
         "\"seconds\": %.3f}\n",
         (long long)res.lines, (long long)res.imported, (long long)res.skipped,
         (long long)res.links, elapsed);
  return HK_EXIT_OK;
}
