/* hukou stats summary --db PATH [--json] [--refresh]: persons, households, and the registered,
 * resident and floating population of each city of Zhejiang (clause (十二)). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/division.h"
#include "store/stats.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage: hukou stats summary --db PATH [--json] [--refresh]\n"
      "  人员数、户数，以及浙江各市的户籍人口、常住人口与流动人口（其中省外流入）。\n"
      "  结果随最后一条事件保存；此后无新事件时直接读取，否则重新统计。--refresh 强制重新统计。\n"
      "  Persons, households, and each Zhejiang city's registered (户籍), resident (常住) and\n"
      "  floating (流动, of whom from other provinces) population. The figures are kept with the\n"
      "  last event they reflect and read back while no event has been appended since; otherwise\n"
      "  they are counted again. --refresh counts them again regardless.\n",
      out);
}

typedef struct city_row {
  int32_t code;
  int64_t registered, resident, floating, inter;
} city_row;

static double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int summary(int argc, char **argv)
{
  static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"refresh", no_argument, NULL, 'r'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL;
  bool json = false, refresh = false;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'd')
      db = optarg;
    else if (c == 'j')
      json = true;
    else if (c == 'r')
      refresh = true;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (optind != argc) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  int exit = HK_EXIT_OK;
  /* Read-write, so that a fresh count can be kept for the next reader. */
  hk_store *st = hk_cli_open_store("stats", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  double started = now_seconds();
  hk_stats_summary s;
  hk_error err = {0};
  hk_status rc = hk_stats_summary_get(st, refresh, &s, &err);
  double seconds = now_seconds() - started;
  hk_store_close(st);
  if (rc != HK_OK)
    return hk_cli_fail("stats", &err);

  city_row rows[32];
  int n = 0;
  city_row total = {330000, 0, 0, 0, 0};
  int64_t outside_resident = 0; /* living outside Zhejiang (hukou here, residence elsewhere) */
  for (size_t i = 0; i < s.n_areas; i++) {
    const hk_stats_area *a = &s.areas[i];
    if (hk_division_province_of(a->division) != 330000) {
      outside_resident += a->resident;
      continue;
    }
    int32_t city = hk_division_city_of(a->division);
    int k = 0;
    while (k < n && rows[k].code != city)
      k++;
    if (k == n) {
      if (n == 32)
        continue;
      rows[n++] = (city_row){city, 0, 0, 0, 0};
    }
    rows[k].registered += a->registered;
    rows[k].resident += a->resident;
    rows[k].floating += a->floating;
    rows[k].inter += a->floating_interprovince;
    total.registered += a->registered;
    total.resident += a->resident;
    total.floating += a->floating;
    total.inter += a->floating_interprovince;
  }
  if (json) {
    printf("{\"persons\": %lld, \"households\": %lld, \"family_households\": %lld, "
           "\"collective_households\": %lld, \"as_of_event\": %lld, \"from_cache\": %s, "
           "\"seconds\": %.3f,\n \"province\": {\"registered\": %lld, \"resident\": %lld, "
           "\"floating\": %lld, \"floating_interprovince\": %lld},\n \"cities\": [",
           (long long)s.persons, (long long)s.households, (long long)s.family_households,
           (long long)s.collective_households, (long long)s.as_of_event,
           s.from_cache ? "true" : "false", seconds, (long long)total.registered,
           (long long)total.resident, (long long)total.floating, (long long)total.inter);
    for (int k = 0; k < n; k++) {
      const hk_division *d = hk_division_find(rows[k].code);
      printf("%s\n  {\"city\": \"%06d\", \"name\": \"%s\", \"registered\": %lld, \"resident\": "
             "%lld, \"floating\": %lld, \"floating_interprovince\": %lld}",
             k ? "," : "", (int)rows[k].code, d ? d->name : "", (long long)rows[k].registered,
             (long long)rows[k].resident, (long long)rows[k].floating, (long long)rows[k].inter);
    }
    printf("],\n \"resident_outside_province\": %lld}\n", (long long)outside_resident);
  } else {
    printf("人员 persons %lld, 户 households %lld (家庭户 family %lld, 集体户 collective %lld)\n",
           (long long)s.persons, (long long)s.households, (long long)s.family_households,
           (long long)s.collective_households);
    printf("%-8s %-10s %12s %12s %12s %12s\n", "代码 code", "市 city", "户籍 registered",
           "常住 resident", "流动 floating", "省外 other prov.");
    for (int k = 0; k < n; k++) {
      const hk_division *d = hk_division_find(rows[k].code);
      printf("%06d   %-10s %12lld %12lld %12lld %12lld\n", (int)rows[k].code, d ? d->name : "",
             (long long)rows[k].registered, (long long)rows[k].resident,
             (long long)rows[k].floating, (long long)rows[k].inter);
    }
    printf("330000   %-10s %12lld %12lld %12lld %12lld\n", "浙江省", (long long)total.registered,
           (long long)total.resident, (long long)total.floating, (long long)total.inter);
    printf("截至事件 as of event %lld; %s, %.3f s\n", (long long)s.as_of_event,
           s.from_cache ? "已保存结果 (kept figures)" : "重新统计 (counted)", seconds);
  }
  hk_stats_summary_free(&s);
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
