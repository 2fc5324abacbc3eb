/* hukou backup --db PATH --to FILE : the whole registry, online, consistent (issue 16). */
#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/error.h"
#include "store/store_backup.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou backup --db PATH --to FILE\n"
        "  备份整个登记库（人员、户、申请、居住证及编号、账号、密钥、证照、事件与查阅记录），\n"
        "  在线进行、写入不停，备份为某一时刻的一致副本，并当场核验两条审计链。\n"
        "  Backs up the whole registry (persons, households, applications, permits and their\n"
        "  numbers, accounts, department keys, certificates, events and the access log) while\n"
        "  it is in use, as of one moment, and verifies both audit chains in the copy.\n"
        "  SQLite: one self-contained file (SQLite's online backup API). PostgreSQL\n"
        "  (--db postgresql://...): pg_dump's custom format, restored with hukou restore.\n"
        "  The certificate signing keys and audit checkpoints are files of their own: back them\n"
        "  up separately (docs/store.md). Unlike hukou export, which writes persons only.\n",
        out);
}

int hk_cmd_backup(int argc, char **argv)
{
  static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                       {"to", required_argument, NULL, 't'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *to = NULL;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'd')
      db = optarg;
    else if (c == 't')
      to = optarg;
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
  hk_status rc = hk_store_backup(db, to, &info, &err);
  if (rc != HK_OK)
    return hk_cli_fail("backup", &err);
  /* A PostgreSQL dump is checked when restored: its summary has no chain counts. */
  json_t *o = json_pack("{s:s, s:I, s:f}", "to", to, "bytes", (json_int_t)info.bytes, "seconds",
                        info.seconds);
  if (o != NULL && info.schema_version > 0) {
    json_object_set_new(o, "schema_version", json_integer(info.schema_version));
    json_object_set_new(o, "events", json_integer(info.events));
    json_object_set_new(o, "event_head", json_integer(info.event_head));
    json_object_set_new(o, "access_entries", json_integer(info.access));
  }
  if (o == NULL || json_dumpf(o, stdout, JSON_REAL_PRECISION(4)) != 0) {
    json_decref(o);
    hk_error_set(&err, HK_ENOMEM, NULL, "out of memory");
    return hk_cli_fail("backup", &err);
  }
  json_decref(o);
  putchar('\n');
  return HK_EXIT_OK;
}
