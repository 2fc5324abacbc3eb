/* hukou init --db PATH : create a registry database at the current schema version. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou init --db PATH\n"
        "  新建户籍数据库（SQLite 文件），应用全部迁移。\n"
        "  Creates a registry database (an SQLite file) and applies every migration.\n",
        out);
}

int hk_cmd_init(int argc, char **argv)
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
  hk_store *st = hk_cli_open_store("init", db, HK_STORE_CREATE, &exit);
  if (st == NULL)
    return exit;
  printf("{\"db\": \"%s\", \"schema_version\": %d}\n", db, hk_store_version(st));
  hk_store_close(st);
  return HK_EXIT_OK;
}
