/* hukou stats summary --db PATH [--area CODE] [--json] [--refresh]: persons, households, and the
 * registered, resident and floating population of an area of Zhejiang, by part (clause (十二)). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/division.h"
#include "service/stats_report.h"
#include "store/stats.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou stats summary --db PATH [--area CODE] [--json] [--refresh]\n"
        "  人员数、户数，以及某一地区（默认浙江省：各市；某市：各县区；某县区）的户籍人口、\n"
        "  常住人口与流动人口（其中省外流入）。结果随最后一条事件保存；此后无新事件时直接读取，\n"
        "  否则重新统计。--refresh 强制重新统计。\n"
        "  Persons, households, and the registered (户籍), resident (常住) and floating (流动, of\n"
        "  whom from other provinces) population of an area: the province (default) by city, a\n"
        "  city by county, or one county. The figures are kept with the last event they reflect\n"
        "  and read back while no event has been appended since; otherwise they are counted\n"
        "  again. --refresh counts them again regardless.\n",
        out);
}

static double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long figure(json_t *o, const char *key)
{
  return (long long)json_integer_value(json_object_get(o, key));
}

static void print_row(const char *code, const char *name, json_t *f)
{
  printf("%-8s %-10s %12lld %12lld %12lld %12lld\n", code, name, figure(f, "registered"),
         figure(f, "resident"), figure(f, "floating"), figure(f, "floating_interprovince"));
}

static int summary(int argc, char **argv)
{
  static const struct option opts[] = {
      {"db", required_argument, NULL, 'd'}, {"area", required_argument, NULL, 'a'},
      {"json", no_argument, NULL, 'j'},     {"refresh", no_argument, NULL, 'r'},
      {"help", no_argument, NULL, 'h'},     {NULL, 0, NULL, 0}};
  const char *db = NULL;
  bool json = false, refresh = false;
  int32_t area = 330000;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'd') {
      db = optarg;
    } else if (c == 'a') {
      if (!hk_division_parse(optarg, &area)) {
        fprintf(stderr,
                "hukou stats: --area 须为六位区划代码 (must be a six-digit division code)\n");
        return HK_EXIT_USAGE;
      }
    } else if (c == 'j') {
      json = true;
    } else if (c == 'r') {
      refresh = true;
    } else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (optind != argc) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_error err = {0};
  json_t *report = NULL;
  /* A bad area is bad input: refuse it before opening (and perhaps counting) anything. */
  if (hk_stats_area_check(area, &err) != HK_OK)
    return hk_cli_fail("stats", &err);
  int exit = HK_EXIT_OK;
  /* Read-write, so that a fresh count can be kept for the next reader. */
  hk_store *st = hk_cli_open_store("stats", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  double started = now_seconds();
  hk_stats_summary s;
  hk_status rc = hk_stats_summary_get(st, refresh, &s, &err);
  double seconds = now_seconds() - started;
  hk_store_close(st);
  if (rc == HK_OK)
    rc = hk_stats_report(&s, area, &report, &err);
  hk_stats_summary_free(&s);
  if (rc != HK_OK)
    return hk_cli_fail("stats", &err);
  if (json) {
    json_object_set_new(report, "seconds", json_real(seconds));
    char *text = json_dumps(report, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
    if (text)
      puts(text);
    free(text);
  } else {
    json_t *reg = json_object_get(report, "registry"), *a = json_object_get(report, "area");
    printf("人员 persons %lld, 户 households %lld (家庭户 family %lld, 集体户 collective %lld)\n",
           figure(reg, "persons"), figure(reg, "households"), figure(reg, "family_households"),
           figure(reg, "collective_households"));
    printf("%-8s %-10s %12s %12s %12s %12s\n", "代码 code", "地区 area", "户籍 registered",
           "常住 resident", "流动 floating", "省外 other prov.");
    size_t i;
    json_t *part;
    json_array_foreach(json_object_get(report, "parts"), i, part)
    {
      print_row(json_string_value(json_object_get(part, "code")),
                json_string_value(json_object_get(part, "name")), part);
    }
    print_row(json_string_value(json_object_get(a, "code")),
              json_string_value(json_object_get(a, "name")), json_object_get(report, "totals"));
    printf("截至事件 as of event %lld; %s, %.3f s\n", figure(report, "as_of_event"),
           json_is_true(json_object_get(report, "from_cache")) ? "已保存结果 (kept figures)"
                                                               : "重新统计 (counted)",
           seconds);
  }
  json_decref(report);
  return HK_EXIT_OK;
}

int hk_cmd_stats(int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? HK_EXIT_USAGE : HK_EXIT_OK;
  }
  if (strcmp(argv[1], "summary") == 0)
    return summary(argc - 1, argv + 1);
  fprintf(stderr, "hukou stats: 未知子命令 (unknown subcommand) %s\n", argv[1]);
  usage(stderr);
  return HK_EXIT_USAGE;
}
