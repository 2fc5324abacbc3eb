/* hukou init --db PATH : create a registry database at the current schema version. */
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
  const char *db;
  int first, status = hk_cli_db_args(argc, argv, 0, usage, &db, &first);
  if (status >= 0)
    return status;
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("init", db, HK_STORE_CREATE, &exit);
  if (st == NULL)
    return exit;
  printf("{\"db\": \"%s\", \"schema_version\": %d}\n", db, hk_store_version(st));
  hk_store_close(st);
  return HK_EXIT_OK;
}
