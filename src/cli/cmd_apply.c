/* hukou apply --db PATH FILE.json|- : file an application for a residence permit or settlement. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/division.h"
#include "core/idnum.h"
#include "core/json.h"
#include "service/app_service.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage: hukou apply --db PATH [--as ACTOR] [--policies DIR] [--today DATE]\n"
      "                          [--settlement-days N] FILE.json|-\n"
      "  申请居住证或落户（三）（二）（四）（五）（六）/ apply for a residence permit or to "
      "settle.\n"
      "  输入一个 JSON 对象 / input, one JSON object:\n"
      "    {\"id_number\", \"kind\": \"permit\"|\"settlement\", \"target\": \"330402\",\n"
      "     \"pathway\": \"residence\"|\"hangzhou_points\"|\"permit_conversion\"|\"talent\"|\n"
      "                \"family\"|\"best\" (settlement; best = 系统选择第一个符合的途径 /\n"
      "                the first eligible in the contract's order),\n"
      "     \"channel\": \"online\"|\"service_point\", \"filed_in\": \"330106\" (service point),\n"
      "     \"consenting\": [ID numbers of relatives who consent to host (五)]}\n"
      "  "
      "按申请当日登记信息判定资格；不符合的不予受理并列出未满足条件（错误与评估答复输出到标准输出）"
      "。\n"
      "  Eligibility is judged from the registry on the day; an ineligible application is\n"
      "  refused with the unmet conditions; stdout then has {\"error\", \"answer\"} (the\n"
      "  engine's answer).\n"
      "  ACTOR: resident:ID_NUMBER (网上申请 / online), officer:DIVISION (窗口 / service\n"
      "  point), system (默认 / default). 输出申请 JSON / prints the application.\n"
      "  退出码 / exit: 0 已提交 submitted, 1 不符合条件或状态不允许 refused, 2 输入有误 bad\n"
      "  input (the field is named)\n",
      out);
}

/* The submission, and what the CLI decides about its channel: a resident applies online, anyone
 * else at a service point (八), unless the input names the channel; at a service point the
 * county is the officer's unless filed_in names one. */
static hk_status read_request(const json_t *doc, const hk_actor *who, hk_date today,
                              hk_app_request *req, hk_error *err)
{
  hk_status rc = hk_app_request_read(doc, true, today, req, err);
  if (rc == HK_OK && req->channel[0] == '\0')
    snprintf(req->channel, sizeof req->channel, "%s",
             who->role == HK_ROLE_RESIDENT ? "online" : "service_point");
  if (rc == HK_OK && req->filed_in == 0 && strcmp(req->channel, "service_point") == 0 &&
      who->jurisdiction % 100 != 0)
    req->filed_in = who->jurisdiction;
  if (rc == HK_OK && req->filed_in && strcmp(req->channel, "online") == 0)
    rc = hk_error_set(err, HK_EINVAL, "filed_in", "only for a service point");
  return rc;
}

int hk_cmd_apply(int argc, char **argv)
{
  enum { O_DB = 1, O_AS, O_TODAY, O_POL, O_DAYS };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"as", required_argument, NULL, O_AS},
                                       {"today", required_argument, NULL, O_TODAY},
                                       {"policies", required_argument, NULL, O_POL},
                                       {"settlement-days", required_argument, NULL, O_DAYS},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  if (argc < 2 || hk_cli_wants_help(argc, argv)) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? HK_EXIT_USAGE : HK_EXIT_OK;
  }
  const char *db = NULL, *as = NULL, *poldir = NULL;
  hk_date today = hk_date_today();
  int days = 0;
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
        return hk_cli_fail("apply", &err);
      }
      break;
    case O_DAYS: {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || v <= 0 || v > 3650) {
        hk_error_set(&err, HK_EINVAL, "--settlement-days", "a positive number of days");
        return hk_cli_fail("apply", &err);
      }
      days = (int)v;
      break;
    }
    default:
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_actor who;
  if (hk_cli_actor_parse(as, &who) != 0) {
    hk_error_set(&err, HK_EINVAL, "--as",
                 "officer:DIVISION, supervisor:DIVISION, resident:ID_NUMBER or system");
    return hk_cli_fail("apply", &err);
  }
  json_error_t jerr;
  const char *path = argv[optind];
  json_t *doc = strcmp(path, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr)
                                       : json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (doc == NULL) {
    hk_error_set(&err, HK_EINVAL, "", "not JSON: %s (line %d)", jerr.text, jerr.line);
    return hk_cli_fail("apply", &err);
  }
  hk_app_request req;
  hk_status rc = read_request(doc, &who, today, &req, &err);
  json_decref(doc);
  if (rc != HK_OK)
    return hk_cli_fail("apply", &err);
  hk_policies *pol = NULL;
  if (hk_policies_load(poldir ? poldir : hk_policies_default_dir(), &pol, &err) != HK_OK)
    return hk_cli_fail("apply", &err);
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("apply", db, HK_STORE_EXISTING, &exit);
  if (st == NULL) {
    hk_policies_free(pol);
    return exit;
  }
  hk_app_config cfg = {.pol = pol, .settlement_days = days};
  json_t *out = NULL;
  rc = hk_app_submit(st, &cfg, &who, &req, today, &out, &err);
  hk_store_close(st);
  hk_policies_free(pol);
  if (out && rc != HK_OK) {
    /* Refused: the error and, beside it under "answer", the engine's answer it refers to (the
     * same JSON as POST /api/v1/applications' 409). */
    char t[1024], tz[1024];
    json_t *refusal = json_object(), *e = json_object();
    json_object_set_new(e, "code", json_string(hk_status_code(err.code)));
    json_object_set_new(e, "message", json_string(hk_error_text_zh(&err, tz, sizeof tz)));
    json_object_set_new(e, "message_en", json_string(hk_error_text(&err, t, sizeof t)));
    json_object_set_new(e, "field", err.field[0] ? json_string(err.field) : json_null());
    json_object_set_new(refusal, "error", e);
    json_object_set_new(refusal, "answer", out);
    out = refusal;
  }
  if (out) {
    char *text = json_dumps(out, JSON_INDENT(2));
    puts(text ? text : "null");
    free(text);
    json_decref(out);
  }
  if (rc != HK_OK) {
    exit = hk_cli_fail("apply", &err);
    /* An unknown applicant or target is bad input. */
    return rc == HK_ENOTFOUND ? HK_EXIT_USAGE : exit;
  }
  return HK_EXIT_OK;
}
