/* hukou restore --from FILE --db PATH : a registry made from a backup (issue 16). */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/error.h"
#include "store/store_backup.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou restore --from FILE --db PATH\n"
        "  由 hukou backup 的备份重建登记库：SQLite 须是尚不存在的路径，PostgreSQL 须是空库；\n"
        "  备份版本较旧时随即升级，并核验两条审计链。\n"
        "  Makes a registry from a backup of hukou backup: a SQLite path that does not exist\n"
        "  yet, or an empty PostgreSQL database (--db postgresql://...); an older backup is\n"
        "  migrated, and both audit chains are verified. A checkpoint file written after the\n"
        "  backup will report the rollback to it (hukou audit verify --checkpoint), as it\n"
        "  should: start a new checkpoint file after a restore (docs/store.md).\n",
        out);
}

int hk_cmd_restore(int argc, char **argv)
{
  static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                       {"from", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *from = NULL;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'd')
      db = optarg;
    else if (c == 'f')
      from = optarg;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (optind != argc) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_error err = {0};
  hk_store_backup_info info;
  hk_status rc = hk_store_restore(from, db, &info, &err);
  if (rc != HK_OK)
    return hk_cli_fail("restore", &err);
  printf("{\"seconds\": %.3f, \"schema_version\": %d, \"events\": %lld, \"event_head\": %lld, "
         "\"access_entries\": %lld}\n",
         info.seconds, info.schema_version, (long long)info.events, (long long)info.event_head,
         (long long)info.access);
  return HK_EXIT_OK;
}
