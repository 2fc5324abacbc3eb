/* hukou residence declare|change|cancel --db PATH FILE.json|- : residence registration (一). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/division.h"
#include "core/idnum.h"
#include "core/json.h"
#include "core/person_json.h"
#include "service/residence.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou residence declare|change|cancel --db PATH FILE.json|-\n"
        "  居住登记（一）：申报、变更、注销。输入一个 JSON 对象：\n"
        "  Residence registration (一): declare, change address, cancel. Input, one JSON object:\n"
        "    declare, change: {\"id_number\", \"division\", \"address\", \"urban\": true|false,\n"
        "                      \"moved_in\": \"YYYY-MM-DD\", \"declared_on\": \"YYYY-MM-DD\"}\n"
        "    declare 另可带 "
        "\"name\"：号码不在户籍库中的来人据号码登记（出生日期、性别、签发地为户籍地）\n"
        "      / declare also takes \"name\": an arrival not in the registry is created from the\n"
        "      number (birth date, sex, the issuing division as hukou place outside Zhejiang)\n"
        "    cancel:          {\"id_number\", \"left_on\": \"YYYY-MM-DD\", \"declared_on\"}\n"
        "  declared_on 默认今天 / defaults to today. 逾期申报照常受理并标记 / late declarations\n"
        "  are accepted and flagged (申报 3 日内, 变更 10 日内 / declare within 3 days, change\n"
        "  within 10). 输出结果 JSON / prints the outcome as JSON.\n"
        "  退出码 / exit: 0 完成 done, 1 当前状态不允许 refused by the current state or a store\n"
        "  failure, 2 输入有误 bad input (the field is named)\n",
        out);
}

/* Read the request of `op` from the JSON document. */
static hk_status read_request(const json_t *doc, hk_residence_op op, hk_date today,
                              hk_residence_request *req, hk_error *err)
{
  static const char *const move_keys[] = {"id_number", "division",    "address", "urban",
                                          "moved_in",  "declared_on", "name",    NULL};
  static const char *const cancel_keys[] = {"id_number", "left_on", "declared_on", NULL};
  memset(req, 0, sizeof *req);
  if (!json_is_object(doc))
    return hk_error_set(err, HK_EINVAL, "", "not a JSON object");
  hk_status rc = hk_json_known_keys(doc, op == HK_RES_CANCEL ? cancel_keys : move_keys, err);
  const char *id = NULL, *address = NULL;
  if (rc == HK_OK)
    rc = hk_json_string(doc, "id_number", HK_JSON_REQUIRED, HK_IDNUM_INPUT_MAX, &id, err);
  hk_idnum idn;
  if (rc == HK_OK && !hk_idnum_check(id, today, &idn))
    rc = hk_error_set(err, HK_EINVAL, "id_number", "invalid ID number (%s)",
                      hk_idnum_fault_name(idn.fault));
  if (rc == HK_OK)
    memcpy(req->id_number, idn.number, sizeof req->id_number);
  if (rc == HK_OK && op != HK_RES_CANCEL) {
    bool urban = false;
    rc = hk_json_division(doc, "division", HK_JSON_REQUIRED, true, &req->division, err);
    if (rc == HK_OK)
      rc = hk_json_string(doc, "address", HK_JSON_REQUIRED, HK_ADDRESS_MAX, &address, err);
    if (rc == HK_OK) {
      snprintf(req->address, sizeof req->address, "%s", address);
      rc = hk_json_bool(doc, "urban", HK_JSON_REQUIRED, false, &urban, err);
      req->urban = urban ? HK_TRI_TRUE : HK_TRI_FALSE;
    }
  }
  if (rc == HK_OK)
    rc = hk_json_date(doc, op == HK_RES_CANCEL ? "left_on" : "moved_in", HK_JSON_REQUIRED, &req->on,
                      err);
  if (rc == HK_OK)
    rc = hk_json_date(doc, "declared_on", HK_JSON_OPTIONAL, &req->declared_on, err);
  if (rc == HK_OK && req->declared_on == HK_DATE_NONE)
    req->declared_on = today;
  /* An arrival not in the registry yet is created from the number and this name (issue 10). */
  const char *name = NULL;
  if (rc == HK_OK && op != HK_RES_CANCEL)
    rc = hk_json_string(doc, "name", HK_JSON_OPTIONAL, HK_NAME_MAX, &name, err);
  if (rc == HK_OK && name && op != HK_RES_DECLARE)
    rc = hk_error_set(err, HK_EINVAL, "name", "only a declaration registers an arrival");
  if (rc == HK_OK && name)
    snprintf(req->name, sizeof req->name, "%s", name);
  return rc;
}

int hk_cmd_residence(int argc, char **argv)
{
  static const struct option opts[] = {
      {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  if (argc < 2 || hk_cli_wants_help(argc, argv)) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? HK_EXIT_USAGE : HK_EXIT_OK;
  }
  hk_residence_op op;
  if (strcmp(argv[1], "declare") == 0)
    op = HK_RES_DECLARE;
  else if (strcmp(argv[1], "change") == 0)
    op = HK_RES_CHANGE;
  else if (strcmp(argv[1], "cancel") == 0)
    op = HK_RES_CANCEL;
  else {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  argc--;
  argv++;
  const char *db = NULL;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'd')
      db = optarg;
    else {
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_error err = {0};
  json_error_t jerr;
  const char *path = argv[optind];
  json_t *doc = strcmp(path, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr)
                                       : json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (doc == NULL) {
    hk_error_set(&err, HK_EINVAL, "", "not JSON: %s (line %d)", jerr.text, jerr.line);
    return hk_cli_fail("residence", &err);
  }
  hk_date today = hk_date_today();
  hk_residence_request req;
  hk_status rc = read_request(doc, op, today, &req, &err);
  json_decref(doc);
  if (rc != HK_OK)
    return hk_cli_fail("residence", &err);
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("residence", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  hk_actor who = {.role = HK_ROLE_SYSTEM};
  snprintf(who.account, sizeof who.account, "%s", hk_cli_actor());
  hk_residence_result res;
  rc = hk_residence_service(st, &who, op, &req, today, &res, &err);
  hk_store_close(st);
  if (rc != HK_OK) {
    exit = hk_cli_fail("residence", &err);
    return rc == HK_ENOTFOUND ? HK_EXIT_USAGE : exit;
  }
  json_t *out = json_object();
  json_object_set_new(out, "outcome", json_string(hk_residence_outcome_name(res.outcome)));
  json_object_set_new(out, "late", json_boolean(res.late));
  if (res.deadline)
    hk_json_set_date(out, "deadline", res.deadline);
  hk_json_set_division(out, "previous_division", res.previous_division);
  if (res.created)
    json_object_set_new(out, "person_created", json_true());
  if (res.late)
    json_object_set_new(out, "notice",
                        json_string("逾期申报已受理并记录 / late: accepted and recorded"));
  char *text = json_dumps(out, JSON_INDENT(2));
  puts(text ? text : "{}");
  free(text);
  json_decref(out);
  return HK_EXIT_OK;
}
