/* hukou person show --db PATH ID : one person with hukou, histories and relatives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "service/facts.h"
#include "core/division.h"
#include "core/idnum.h"
#include "core/json.h"
#include "core/person_json.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou person show --db PATH ID_NUMBER\n"
        "       hukou person search --db PATH [--as ACTOR] [--id|--name|--address ...]\n"
        "       (hukou person search --help)\n"
        "  显示一个人的户籍、居住、住房、就业、就学、社保、居住证、人才记录与亲属。\n"
        "  Shows one person with hukou, histories and relatives, as JSON.\n",
        out);
}

int hk_cmd_person(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "search") == 0)
    return hk_cli_search(argc - 1, argv + 1, false);
  if (argc < 2 || strcmp(argv[1], "show") != 0) {
    usage(hk_cli_wants_help(argc, argv) ? stdout : stderr);
    return hk_cli_wants_help(argc, argv) ? HK_EXIT_OK : HK_EXIT_USAGE;
  }
  argc--;
  argv++;
  const char *db;
  int first, status = hk_cli_db_args(argc, argv, 1, usage, &db, &first);
  if (status >= 0)
    return status;
  hk_error err = {0};
  hk_idnum id;
  if (!hk_idnum_check(argv[first], hk_date_today(), &id)) {
    hk_error_set(&err, HK_EINVAL, "ID_NUMBER", "invalid ID number (%s)",
                 hk_idnum_fault_name(id.fault));
    return hk_cli_fail("person show", &err);
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("person show", db, HK_STORE_READONLY, &exit);
  if (st == NULL)
    return exit;
  hk_person p;
  hk_person_init(&p);
  hk_status rc = hk_store_person_get(st, id.number, &p, &err);
  /* The ledger in force beside the registry's rows (issue 10). */
  json_t *ledger = NULL;
  if (rc == HK_OK)
    rc = hk_facts_in_force(st, id.number, &ledger, &err);
  hk_store_close(st);
  if (rc != HK_OK) {
    hk_person_clear(&p);
    return hk_cli_fail("person show", &err);
  }
  json_t *o = hk_person_to_json(&p, HK_PJ_RECORD);
  /* Derived facts a reader wants next to the record. */
  hk_json_set_date(o, "birth_date", p.birth_date);
  json_object_set_new(o, "sex", json_stringn(&p.sex, 1));
  if (p.has_hukou) {
    const hk_division *d = hk_division_find(p.hukou.division);
    json_object_set_new(json_object_get(o, "hukou"), "division_name",
                        d ? json_string(d->name) : json_null());
  }
  json_object_set_new(o, "ledger", ledger);
  char *text = json_dumps(o, JSON_INDENT(2));
  puts(text ? text : "{}");
  free(text);
  json_decref(o);
  hk_person_clear(&p);
  return HK_EXIT_OK;
}
