/* hukou audit verify --db PATH : walk the event chain and the access log's chain and name the
 * first broken entry.
 * hukou audit access --person ID --db PATH : who read this person's data through the API.
 * hukou audit events (cmd_audit_events.c): what happened to a person, what an account did. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/idnum.h"
#include "store/store.h"
#include "store/store_auth.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage: hukou audit verify --db PATH [--checkpoint FILE]\n"
      "              hukou audit checkpoint --db PATH --to FILE\n"
      "              hukou audit access --person ID --db PATH\n"
      "              hukou audit access --person ID --writes --db PATH\n"
      "              hukou audit access --searches --db PATH\n"
      "              hukou audit events --db PATH (--person ID | --actor NAME) [...]\n"
      "  verify: 逐条校验事件哈希链和访问日志哈希链，指出第一条被篡改的记录。\n"
      "  退出码 0 完好，1 被篡改。\n"
      "  Verifies the hash chains of the events and of the access log and names the first\n"
      "  broken entry. Exit 0 intact, 1 broken.\n"
      "  --checkpoint FILE: 再对照 hukou audit checkpoint 写下的检查点，发现末尾被删除或整体回滚\n"
      "  / also checks the checkpoints hukou audit checkpoint wrote: the last entries removed,\n"
      "  or the log rolled back, are reported (exit 1).\n"
      "  access: 列出通过接口查看过此人数据的记录（谁、角色、接口、时间、用途）。\n"
      "  Lists who read this person's data through the API: who, role, endpoint, when,\n"
      "  purpose (department keys), one JSON line each, oldest first.\n"
      "  --writes: 连同写入此人记录的事件，按时间合并（\"kind\": \"read\" 或 \"write\"）/\n"
      "  the events that wrote to the person's record too, merged in time order.\n"
      "  --searches: 列出检索记录（谁、检索了什么，身份证号打码）/ the searches officers made\n"
      "  (who, what was searched, ID numbers masked).\n"
      "  events: 此人相关或某账户写下的事件，可读，一条一行（见 hukou audit events --help）/\n"
      "  the events concerning a person or written by an account, readable, one a line.\n",
      out);
}

static int verify(int argc, char **argv)
{
  enum { O_DB = 1, O_CHECKPOINT };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"checkpoint", required_argument, NULL, O_CHECKPOINT},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *checkpoint = NULL;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == O_DB)
      db = optarg;
    else if (c == O_CHECKPOINT)
      checkpoint = optarg;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (argc != optind) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("audit verify", db, HK_STORE_READONLY, &exit);
  if (st == NULL)
    return exit;
  hk_error err = {0};
  int64_t checked = 0, broken = 0, access_checked = 0, access_broken = 0, checkpoints = 0;
  hk_status rc = hk_store_audit_verify(st, &checked, &broken, &err);
  if (rc == HK_ETAMPERED) {
    hk_store_close(st);
    printf("{\"valid\": false, \"events_checked\": %lld, \"first_broken\": %lld, \"reason\": "
           "\"%s\"}\n",
           (long long)checked, (long long)broken, err.detail);
    fprintf(stderr,
            "hukou audit verify: 审计链在第 %lld 条事件处断裂 (the chain breaks at event "
            "%lld)\n",
            (long long)broken, (long long)broken);
    return HK_EXIT_FAIL;
  }
  if (rc == HK_OK)
    rc = hk_store_access_verify(st, &access_checked, &access_broken, &err);
  if (rc == HK_ETAMPERED) {
    hk_store_close(st);
    printf("{\"valid\": false, \"events_checked\": %lld, \"access_checked\": %lld,"
           " \"access_first_broken\": %lld, \"reason\": \"%s\"}\n",
           (long long)checked, (long long)access_checked, (long long)access_broken, err.detail);
    fprintf(stderr,
            "hukou audit verify: 访问日志链在第 %lld 条处断裂 (the access log's chain breaks at "
            "entry %lld)\n",
            (long long)access_broken, (long long)access_broken);
    return HK_EXIT_FAIL;
  }
  /* The chains hold together; a checkpoint kept elsewhere tells whether their ends were cut
   * off or the whole log put back to an older state (issue 16). */
  if (rc == HK_OK && checkpoint)
    rc = (hk_status)hk_cli_checkpoint_check(st, checkpoint, &checkpoints, &err);
  hk_store_close(st);
  if (rc == HK_ETAMPERED && strcmp(err.field, "checkpoint") == 0) {
    json_t *o = json_pack("{s:b, s:I, s:I, s:s, s:s}", "valid", 0, "events_checked",
                          (json_int_t)checked, "access_checked", (json_int_t)access_checked,
                          "checkpoint", checkpoint, "reason", err.detail);
    char *text = json_dumps(o, JSON_COMPACT);
    printf("%s\n", text ? text : "{\"valid\": false}");
    free(text);
    json_decref(o);
    fprintf(stderr, "hukou audit verify: %s (%s)\n", err.detail_zh, err.detail);
    return HK_EXIT_FAIL;
  }
  if (rc != HK_OK)
    return hk_cli_fail("audit verify", &err);
  if (checkpoint)
    printf("{\"valid\": true, \"events_checked\": %lld, \"access_checked\": %lld,"
           " \"checkpoints_checked\": %lld}\n",
           (long long)checked, (long long)access_checked, (long long)checkpoints);
  else
    printf("{\"valid\": true, \"events_checked\": %lld, \"access_checked\": %lld}\n",
           (long long)checked, (long long)access_checked);
  return HK_EXIT_OK;
}

static json_t *access_json(const hk_access *a)
{
  json_t *o =
      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "seq", (json_int_t)a->seq, "at", a->at, "actor",
                a->actor, "role", a->role, "endpoint", a->endpoint, "person", a->subject);
  if (o && a->purpose && a->purpose[0])
    json_object_set_new(o, "purpose", json_string(a->purpose));
  return o;
}

static hk_status print_access(const hk_access *a, void *cls, hk_error *err)
{
  /* --searches: only the entries of searches (person row 0, subject "search: ..."). */
  if (cls && (a->person_id != 0 || strncmp(a->subject, "search:", 7) != 0))
    return HK_OK;
  json_t *o = access_json(a);
  char *text = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
  json_decref(o);
  if (text == NULL)
    return hk_error_set(err, HK_ENOMEM, "access", "out of memory");
  printf("%s\n", text);
  free(text);
  return HK_OK;
}

/* --writes: the reads and the events naming the person, one list in time order (issue 16). */
typedef struct both {
  json_t *rows;
  const char *masked;
} both;

static hk_status collect_read(const hk_access *a, void *cls, hk_error *err)
{
  json_t *o = access_json(a);
  if (o == NULL || json_object_set_new(o, "kind", json_string("read")) != 0 ||
      json_array_append_new(((both *)cls)->rows, o) != 0)
    return hk_error_set(err, HK_ENOMEM, "access", "out of memory");
  return HK_OK;
}

static hk_status collect_write(const hk_event *ev, void *cls, hk_error *err)
{
  const both *b = cls;
  if (!hk_cli_event_names(ev, b->masked))
    return HK_OK;
  json_t *payload = json_loads(ev->payload, JSON_DECODE_ANY, NULL);
  json_t *o =
      json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "kind", "write", "event",
                (json_int_t)ev->seq, "at", ev->at, "actor", ev->actor, "action", ev->action,
                "subject", ev->subject, "payload", payload ? payload : json_string(ev->payload));
  if (o == NULL || json_array_append_new(b->rows, o) != 0)
    return hk_error_set(err, HK_ENOMEM, "events", "out of memory");
  return HK_OK;
}

typedef struct sorted_row {
  json_t *o;
} sorted_row;

static int by_time(const void *x, const void *y)
{
  const json_t *a = ((const sorted_row *)x)->o, *b = ((const sorted_row *)y)->o;
  int c = strcmp(json_string_value(json_object_get(a, "at")),
                 json_string_value(json_object_get(b, "at")));
  return c ? c
           : strcmp(json_string_value(json_object_get(a, "kind")),
                    json_string_value(json_object_get(b, "kind")));
}

static hk_status print_both(hk_store *st, int64_t row, const char *masked, hk_error *err)
{
  both b = {.rows = json_array(), .masked = masked};
  hk_status rc = b.rows ? hk_store_access_each(st, row, collect_read, &b, err)
                        : hk_error_set(err, HK_ENOMEM, "access", "out of memory");
  if (rc == HK_OK)
    rc = hk_store_event_each(st, 1, collect_write, &b, err);
  size_t n = rc == HK_OK ? json_array_size(b.rows) : 0;
  sorted_row *sorted = n ? calloc(n, sizeof *sorted) : NULL;
  if (n && sorted == NULL)
    rc = hk_error_set(err, HK_ENOMEM, "access", "out of memory");
  for (size_t i = 0; sorted && i < n; i++)
    sorted[i].o = json_array_get(b.rows, i);
  if (sorted)
    qsort(sorted, n, sizeof *sorted, by_time);
  for (size_t i = 0; sorted && i < n; i++) {
    char *text = json_dumps(sorted[i].o, JSON_COMPACT);
    if (text) {
      hk_cli_mask_id_numbers(text);
      printf("%s\n", text);
    }
    free(text);
  }
  free(sorted);
  json_decref(b.rows);
  return rc;
}

static int audit_access(int argc, char **argv)
{
  enum { O_DB = 1, O_PERSON, O_SEARCHES, O_WRITES };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"person", required_argument, NULL, O_PERSON},
                                       {"searches", no_argument, NULL, O_SEARCHES},
                                       {"writes", no_argument, NULL, O_WRITES},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *person = NULL;
  bool searches = false, writes = false;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == O_DB)
      db = optarg;
    else if (c == O_PERSON)
      person = optarg;
    else if (c == O_SEARCHES)
      searches = true;
    else if (c == O_WRITES)
      writes = true;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (argc != optind || (person == NULL) == !searches || (writes && person == NULL)) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_error err = {0};
  if (searches) {
    int status = HK_EXIT_OK;
    hk_store *all = hk_cli_open_store("audit access", db, HK_STORE_READONLY, &status);
    if (all == NULL)
      return status;
    static int only_searches;
    hk_status rc = hk_store_access_each(all, 0, print_access, &only_searches, &err);
    hk_store_close(all);
    return rc == HK_OK ? HK_EXIT_OK : hk_cli_fail("audit access", &err);
  }
  hk_idnum id;
  if (!hk_idnum_check(person, hk_date_today(), &id)) {
    hk_error_set(&err, HK_EINVAL, "--person", "not a valid ID number (%s)",
                 hk_idnum_fault_name(id.fault));
    return hk_cli_fail("audit access", &err);
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("audit access", db, HK_STORE_READONLY, &exit);
  if (st == NULL)
    return exit;
  int64_t row = 0;
  hk_status rc = hk_store_person_row(st, id.number, &row, &err);
  char masked[HK_IDNUM_LEN + 1];
  if (rc == HK_OK)
    rc = writes ? print_both(st, row, hk_idnum_mask(id.number, masked), &err)
                : hk_store_access_each(st, row, print_access, NULL, &err);
  hk_store_close(st);
  return rc == HK_OK ? HK_EXIT_OK : hk_cli_fail("audit access", &err);
}

int hk_cmd_audit(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "verify") == 0)
    return verify(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "access") == 0)
    return audit_access(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "checkpoint") == 0)
    return hk_cli_audit_checkpoint(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "events") == 0)
    return hk_cli_audit_events(argc - 1, argv + 1);
  usage(hk_cli_wants_help(argc, argv) ? stdout : stderr);
  return hk_cli_wants_help(argc, argv) ? HK_EXIT_OK : HK_EXIT_USAGE;
}
