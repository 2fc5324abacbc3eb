/* hukou policy check [DIR] | show DIVISION [--as-of DATE] : the published parameters
 * (policies/), checked against the provincial notice, and what is in force where. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/division.h"
#include "core/error.h"
#include "policy/policy.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage: hukou policy check [DIR]\n"
      "              hukou policy show DIVISION [--as-of DATE] [--policies DIR] [--json]\n"
      "  check  "
      "校验每个政策文件（格式、日期、区划）及省级通知的约束，逐条列出违规：文件、参数、条款；\n"
      "         有违规时退出码 1。\n"
      "         Validates every policy file (schema, dates, divisions) and the provincial "
      "notice's\n"
      "         constraints; prints each violation with file, parameter and clause; exit 1 on "
      "any.\n"
      "  show   列出某区划在某日生效的参数及其来源。\n"
      "         Prints the parameters in force at DIVISION on DATE (default today) and where each\n"
      "         comes from.\n",
      out);
}

static void report(const hk_violation *v, void *cls)
{
  (void)cls;
  printf("%s: %s %s: %s / %s\n", v->file, v->param[0] ? v->param : "-",
         v->clause[0] ? v->clause : "", v->message, v->message_en);
}

static int check(int argc, char **argv)
{
  const char *dir = argc > 2 ? argv[2] : hk_policies_default_dir();
  if (argc > 3) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_error err = {0};
  int n = hk_policy_check(dir, report, NULL, &err);
  if (n < 0)
    return hk_cli_fail("policy", &err);
  if (n > 0) {
    printf("%d 处违规 / %d violation(s)\n", n, n);
    return HK_EXIT_FAIL;
  }
  printf("全部符合 / all policy files in %s comply\n", dir);
  return HK_EXIT_OK;
}

typedef struct show_ctx {
  bool json;
  json_t *out;
} show_ctx;

static void show_one(hk_param_id id, const hk_pvalue *v, const hk_param_source *src, void *cls)
{
  show_ctx *sc = cls;
  json_t *value = hk_pvalue_to_json(v);
  char from[11] = "";
  if (!src->override && src->from != HK_DATE_NONE)
    hk_date_format(src->from, from);
  if (sc->json) {
    json_t *o = json_object();
    json_object_set_new(o, "value", value);
    char d[12];
    snprintf(d, sizeof d, "%06d", (int)src->division);
    json_object_set_new(o, "division", json_string(d));
    json_object_set_new(o, "file", src->file ? json_string(src->file) : json_null());
    json_object_set_new(o, "from", from[0] ? json_string(from) : json_null());
    json_object_set_new(o, "source", src->source ? json_string(src->source) : json_null());
    json_object_set_new(o, "illustrative", json_boolean(src->illustrative));
    if (src->note)
      json_object_set_new(o, "note", json_string(src->note));
    json_object_set_new(sc->out, hk_param_name(id), o);
    return;
  }
  char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
  const hk_division *d = hk_division_find(src->division);
  printf("%s = %s\n", hk_param_name(id), text ? text : "?");
  printf("    来自 / from: %s（%06d）%s，自 %s 起 (since)%s\n", d ? d->name : "?",
         (int)src->division, src->file ? src->file : "", from,
         src->illustrative ? "  【示意值 illustrative】" : "");
  printf("    依据 / source: %s\n", src->source ? src->source : "");
  if (src->note)
    printf("    说明 / note: %s\n", src->note);
  free(text);
  json_decref(value);
}

static int show(int argc, char **argv)
{
  const char *code = NULL, *dir = NULL;
  hk_date as_of = hk_date_today();
  show_ctx sc = {false, NULL};
  hk_error err = {0};
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
      if (!hk_date_parse(argv[++i], &as_of)) {
        hk_error_set(&err, HK_EINVAL, "--as-of", "not a date (YYYY-MM-DD)");
        return hk_cli_fail("policy", &err);
      }
    } else if (strcmp(argv[i], "--policies") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (strcmp(argv[i], "--json") == 0) {
      sc.json = true;
    } else if (code == NULL && argv[i][0] != '-') {
      code = argv[i];
    } else {
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  int32_t division;
  if (code == NULL) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  if (!hk_division_parse(code, &division) || hk_division_find(division) == NULL ||
      hk_division_province_of(division) != 330000) {
    hk_error_set(&err, HK_EINVAL, "DIVISION", "not a known division code of Zhejiang (33xxxx)");
    return hk_cli_fail("policy", &err);
  }
  hk_policies *pol;
  if (hk_policies_load(dir ? dir : hk_policies_default_dir(), &pol, &err) != HK_OK) {
    err.code = HK_EPOLICY;
    return hk_cli_fail("policy", &err);
  }
  const hk_division *d = hk_division_find(division);
  char day[11];
  if (sc.json)
    sc.out = json_object();
  else
    printf("%s（%06d）于 %s 生效的参数 / parameters in force on that date:\n\n", d->name,
           (int)division, hk_date_format(as_of, day));
  hk_policy_show(pol, division, as_of, show_one, &sc);
  if (sc.json) {
    char *t = json_dumps(sc.out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(t ? t : "{}");
    free(t);
    json_decref(sc.out);
  }
  hk_policies_free(pol);
  return HK_EXIT_OK;
}

int hk_cmd_policy(int argc, char **argv)
{
  if (hk_cli_wants_help(argc, argv)) {
    usage(stdout);
    return HK_EXIT_OK;
  }
  if (argc >= 2 && strcmp(argv[1], "check") == 0)
    return check(argc, argv);
  if (argc >= 3 && strcmp(argv[1], "show") == 0)
    return show(argc, argv);
  usage(stderr);
  return HK_EXIT_USAGE;
}
