/* hukou permit show|endorse|recognise : residence permits (三). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/idnum.h"
#include "core/json.h"
#include "service/permit.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage: hukou permit show|endorse|recognise --db PATH [--as ACTOR]\n"
      "                               [--policies DIR] [--today DATE] ID_NUMBER\n"
      "  居住证（三）/ residence permits (三):\n"
      "    show       有效期、状态、签注期 / number, state, validity, endorsement window\n"
      "    endorse    签注：有效期届满前一个月内办理，延长一年；逾期则居住证中止，补签注后恢复，\n"
      "               居住年限自补签注之日起重新计算（第十九条）/ within the month before the\n"
      "               anniversary: one more year; after it lapsed the permit is suspended and a\n"
      "               late endorsement reinstates it, the years counting again from that day\n"
      "    recognise  互认：居住登记已迁往另一城市时，在新城市继续有效 / after the residence\n"
      "               registration moved to another city, the permit goes on there\n"
      "  ACTOR: resident:ID_NUMBER, officer:DIVISION, supervisor:DIVISION, system (默认)\n"
      "  退出码 / exit: 0 完成 done, 1 当前状态不允许 refused by the state (named) or the store,\n"
      "  2 输入有误 bad input\n",
      out);
}

int hk_cmd_permit(int argc, char **argv)
{
  enum { O_DB = 1, O_AS, O_TODAY, O_POL };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"as", required_argument, NULL, O_AS},
                                       {"today", required_argument, NULL, O_TODAY},
                                       {"policies", required_argument, NULL, O_POL},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  if (argc < 2 || hk_cli_wants_help(argc, argv)) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? HK_EXIT_USAGE : HK_EXIT_OK;
  }
  const char *sub = argv[1];
  int op = strcmp(sub, "show") == 0        ? 0
           : strcmp(sub, "endorse") == 0   ? 1
           : strcmp(sub, "recognise") == 0 ? 2
                                           : -1;
  if (op < 0) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  argc--;
  argv++;
  const char *db = NULL, *as = NULL, *poldir = NULL;
  hk_date today = hk_date_today();
  hk_error err = {0};
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_DB:
      db = optarg;
      break;
    case O_AS:
      as = optarg;
      break;
    case O_POL:
      poldir = optarg;
      break;
    case O_TODAY:
      if (!hk_date_parse(optarg, &today)) {
        hk_error_set(&err, HK_EINVAL, "--today", "not a date (YYYY-MM-DD)");
        return hk_cli_fail("permit", &err);
      }
      break;
    default:
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_idnum idn;
  if (!hk_idnum_check(argv[optind], today, &idn)) {
    hk_error_set(&err, HK_EINVAL, "ID_NUMBER", "invalid ID number (%s)",
                 hk_idnum_fault_name(idn.fault));
    return hk_cli_fail("permit", &err);
  }
  hk_actor who;
  if (hk_cli_actor_parse(as, &who) != 0) {
    hk_error_set(&err, HK_EINVAL, "--as",
                 "officer:DIVISION, supervisor:DIVISION, resident:ID_NUMBER or system");
    return hk_cli_fail("permit", &err);
  }
  hk_policies *pol = NULL;
  if (op == 1 && hk_policies_load(poldir ? poldir : hk_policies_default_dir(), &pol, &err) != HK_OK)
    return hk_cli_fail("permit", &err);
  int exit = HK_EXIT_OK;
  hk_store *st =
      hk_cli_open_store("permit", db, op == 0 ? HK_STORE_READONLY : HK_STORE_EXISTING, &exit);
  if (st == NULL) {
    hk_policies_free(pol);
    return exit;
  }
  json_t *out = NULL;
  hk_permit_result res;
  hk_status rc = op == 0   ? hk_permit_show(st, &who, idn.number, today, &out, &err)
                 : op == 1 ? hk_permit_endorse(st, pol, &who, idn.number, today, &res, &err)
                           : hk_permit_recognise(st, &who, idn.number, today, &res, &err);
  if (rc == HK_OK && op != 0) {
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(res.number));
    json_object_set_new(o, "outcome",
                        json_string(op == 2                      ? "recognised"
                                    : res.outcome == HK_ENDORSED ? "endorsed"
                                                                 : "reinstated"));
    hk_json_set_division(o, "previous_division", res.previous_division);
    hk_json_set_date(o, "from", res.period.from);
    hk_json_set_date(o, "valid_until", res.period.to - 1);
    if (op == 1 && res.outcome == HK_REINSTATED)
      json_object_set_new(o, "notice",
                          json_string("逾期签注：居住年限自今日起重新计算 / late: the permit was "
                                      "suspended; its years count again from today (Art.19)"));
    out = o;
  }
  hk_store_close(st);
  hk_policies_free(pol);
  if (rc != HK_OK) {
    exit = hk_cli_fail("permit", &err);
    return rc == HK_ENOTFOUND && err.field[0] == '\0' ? HK_EXIT_USAGE : exit;
  }
  char *text = json_dumps(out, JSON_INDENT(2));
  puts(text ? text : "null");
  free(text);
  json_decref(out);
  return HK_EXIT_OK;
}
