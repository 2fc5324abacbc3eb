/* hukou migrate --db PATH : bring a registry to this program's schema version. */
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
  const char *db;
  int first, status = hk_cli_db_args(argc, argv, 0, usage, &db, &first);
  if (status >= 0)
    return status;
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("migrate", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  printf("{\"schema_version\": %d}\n", hk_store_version(st));
  hk_store_close(st);
  return HK_EXIT_OK;
}
