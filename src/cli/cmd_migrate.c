/* hukou migrate --db PATH : bring a registry to this program's schema version. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou migrate --db PATH\n"
        "  将数据库升级到本程序的结构版本（只读打开的命令不会自动升级）。\n"
        "  Applies the migrations a registry is missing (commands that open it read-only, like\n"
        "  export or serve, never migrate it themselves).\n",
        out);
}

int hk_cmd_migrate(int argc, char **argv)
{
  static const struct option opts[] = {
      {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  const char *db = NULL;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'd')
      db = optarg;
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
  hk_store *st = hk_cli_open_store("migrate", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  printf("{\"schema_version\": %d}\n", hk_store_version(st));
  hk_store_close(st);
  return HK_EXIT_OK;
}
