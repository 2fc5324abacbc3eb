/* hukou audit verify --db PATH : walk the event chain and name the first broken event. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou audit verify --db PATH\n"
        "  逐条校验事件哈希链，指出第一条被篡改的事件。退出码 0 完好，1 被篡改。\n"
        "  Verifies the hash chain of events and names the first broken one.\n"
        "  Exit 0 intact, 1 broken.\n",
        out);
}

int hk_cmd_audit(int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "verify") != 0) {
    usage(hk_cli_wants_help(argc, argv) ? stdout : stderr);
    return hk_cli_wants_help(argc, argv) ? HK_EXIT_OK : HK_EXIT_USAGE;
  }
  const char *db;
  int first, status = hk_cli_db_args(argc - 1, argv + 1, 0, usage, &db, &first);
  if (status >= 0)
    return status;
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("audit verify", db, HK_STORE_READONLY, &exit);
  if (st == NULL)
    return exit;
  hk_error err = {0};
  int64_t checked = 0, broken = 0;
  hk_status rc = hk_store_audit_verify(st, &checked, &broken, &err);
  hk_store_close(st);
  if (rc == HK_ETAMPERED) {
    printf("{\"valid\": false, \"events_checked\": %lld, \"first_broken\": %lld, \"reason\": "
           "\"%s\"}\n",
           (long long)checked, (long long)broken, err.detail);
    fprintf(stderr,
            "hukou audit verify: 审计链在第 %lld 条事件处断裂 (the chain breaks at event "
            "%lld)\n",
            (long long)broken, (long long)broken);
    return HK_EXIT_FAIL;
  }
  if (rc != HK_OK)
    return hk_cli_fail("audit verify", &err);
  printf("{\"valid\": true, \"events_checked\": %lld}\n", (long long)checked);
  return HK_EXIT_OK;
}
