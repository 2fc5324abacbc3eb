/* hukou application show|list|act : applications and their review (issue 4). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/division.h"
#include "core/idnum.h"
#include "service/app_service.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage:\n"
      "  hukou application show --db PATH [--as ACTOR] ID\n"
      "  hukou application list --db PATH [--as ACTOR] [--area DIVISION] [--state STATE[,..]]\n"
      "                         [--kind KIND] [--filed-in DIVISION] [--scope decided|filed]\n"
      "                         [--name PREFIX] [--overdue] [--today DATE] [--limit N]\n"
      "                         [--after NEXT]\n"
      "  hukou application act  --db PATH --as ACTOR [--reason TEXT] [--policies DIR]\n"
      "                         [--today DATE] [--settlement-days N]\n"
      "                         [--unit CODE --unit-name NAME] [--community NAME]\n"
      "                         [--address TEXT] ID ACTION\n"
      "  申请的查看、列表与审核 / show, list and review applications.\n"
      "  ACTION: accept 受理, request_material 补充材料 (--reason), supply_material 已补充,\n"
      "          approve 批准 (重新判定资格 / the engine is asked again), reject 驳回 (--reason),\n"
      "          complete 办结 (居住证：签发 / a permit is issued; 落户：户口迁入 / the hukou\n"
      "          moves to the household the engine chose at the decision)\n"
      "  --unit CODE --unit-name NAME  落户单位集体户：单位统一社会信用代码与名称 / the\n"
      "             employer whose collective household a talent joins (created if none)\n"
      "  --community NAME  社区公共户所属社区 / the community collective household (二)(四)\n"
      "             without a home of one's own (default: the county's public one)\n"
      "  --address TEXT  新立户地址 / a new household's address (default: the residence)\n"
      "  ACTOR:  officer:DIVISION (户籍民警，辖区 / an officer and their jurisdiction),\n"
      "          supervisor:DIVISION, resident:ID_NUMBER, system (默认 / the default)\n"
      "  STATE:  submitted accepted material_requested approved rejected completed, or open\n"
      "          (未办结 / every state not finished); a comma list takes several\n"
      "  --overdue  已逾期 / open, owed by the office, past the due date on --today\n"
      "  列表 / the list: overdue first, then the earliest due; {\"applications\", \"next\"}:\n"
      "  --after NEXT continues after the previous page. --scope filed: what the service\n"
      "  points of the area filed (for other counties too; decides says who may act).\n"
      "  --name PREFIX  申请人姓名前缀 / the applicant's name begins with PREFIX\n"
      "  --settlement-days N  落户申请办理期限（天）/ days for a settlement decision from\n"
      "             acceptance (default 30); a permit is 15 days (Art.18)\n"
      "  --today DATE  办理日期 / the day of the action (default today)\n"
      "  退出码 / exit: 0 完成 done, 1 当前状态或权限不允许 refused by the state, the actor or\n"
      "  the store, 2 输入有误 bad input (the field is named)\n",
      out);
}

int hk_cli_actor_parse(const char *text, hk_actor *out)
{
  memset(out, 0, sizeof *out);
  if (text == NULL || strcmp(text, "system") == 0) {
    out->role = HK_ROLE_SYSTEM;
    snprintf(out->account, sizeof out->account, "%s", hk_cli_actor());
    return 0;
  }
  const char *colon = strchr(text, ':');
  if (colon == NULL)
    return -1;
  size_t n = (size_t)(colon - text);
  const char *arg = colon + 1;
  if ((n == 7 && strncmp(text, "officer", 7) == 0) ||
      (n == 10 && strncmp(text, "supervisor", 10) == 0)) {
    out->role = n == 7 ? HK_ROLE_OFFICER : HK_ROLE_SUPERVISOR;
    if (!hk_division_parse(arg, &out->jurisdiction) || hk_division_find(out->jurisdiction) == NULL)
      return -1;
  } else if (n == 8 && strncmp(text, "resident", 8) == 0) {
    hk_idnum idn;
    out->role = HK_ROLE_RESIDENT;
    if (!hk_idnum_check(arg, hk_date_today(), &idn))
      return -1;
    memcpy(out->id_number, idn.number, sizeof out->id_number);
    char masked[HK_IDNUM_LEN + 1];
    /* The account lands in events: never the full number. */
    snprintf(out->account, sizeof out->account, "resident:%s", hk_idnum_mask(idn.number, masked));
    return 0;
  } else {
    return -1;
  }
  snprintf(out->account, sizeof out->account, "%.*s:%06d", (int)n, text, (int)out->jurisdiction);
  return 0;
}

static int print_json(json_t *o)
{
  char *text = json_dumps(o, JSON_INDENT(2));
  puts(text ? text : "null");
  free(text);
  json_decref(o);
  return HK_EXIT_OK;
}

int hk_cmd_application(int argc, char **argv)
{
  enum {
    O_DB = 1,
    O_AS,
    O_AREA,
    O_STATE,
    O_OVERDUE,
    O_TODAY,
    O_REASON,
    O_POL,
    O_DAYS,
    O_LIMIT,
    O_UNIT,
    O_UNIT_NAME,
    O_COMMUNITY,
    O_ADDRESS,
    O_KIND,
    O_FILED_IN,
    O_SCOPE,
    O_NAME,
    O_AFTER
  };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"as", required_argument, NULL, O_AS},
                                       {"area", required_argument, NULL, O_AREA},
                                       {"state", required_argument, NULL, O_STATE},
                                       {"overdue", no_argument, NULL, O_OVERDUE},
                                       {"today", required_argument, NULL, O_TODAY},
                                       {"reason", required_argument, NULL, O_REASON},
                                       {"policies", required_argument, NULL, O_POL},
                                       {"settlement-days", required_argument, NULL, O_DAYS},
                                       {"limit", required_argument, NULL, O_LIMIT},
                                       {"unit", required_argument, NULL, O_UNIT},
                                       {"unit-name", required_argument, NULL, O_UNIT_NAME},
                                       {"community", required_argument, NULL, O_COMMUNITY},
                                       {"address", required_argument, NULL, O_ADDRESS},
                                       {"kind", required_argument, NULL, O_KIND},
                                       {"filed-in", required_argument, NULL, O_FILED_IN},
                                       {"scope", required_argument, NULL, O_SCOPE},
                                       {"name", required_argument, NULL, O_NAME},
                                       {"after", required_argument, NULL, O_AFTER},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  if (argc < 2 || hk_cli_wants_help(argc, argv)) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? HK_EXIT_USAGE : HK_EXIT_OK;
  }
  const char *sub = argv[1];
  if (strcmp(sub, "show") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "act") != 0) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  argc--;
  argv++;
  const char *db = NULL, *as = NULL, *reason = NULL, *poldir = NULL;
  hk_app_query q;
  hk_app_query_init(&q, hk_date_today());
  int days = 0;
  hk_error err = {0};
  hk_move_hint hint = {0};
  bool hinted = false;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_UNIT:
    case O_UNIT_NAME:
    case O_COMMUNITY:
    case O_ADDRESS: {
      static const char *const names[] = {"--unit", "--unit-name", "--community", "--address"};
      char *slot[] = {hint.unit_code, hint.unit_name, hint.community, hint.address};
      size_t size[] = {sizeof hint.unit_code, sizeof hint.unit_name, sizeof hint.community,
                       sizeof hint.address};
      int k = c - O_UNIT;
      if (strlen(optarg) >= size[k] || optarg[0] == '\0') {
        hk_error_set(&err, HK_EINVAL, names[k], "empty, or longer than %zu bytes", size[k] - 1);
        return hk_cli_fail("application", &err);
      }
      snprintf(slot[k], size[k], "%s", optarg);
      hinted = true;
      break;
    }
    case O_DB:
      db = optarg;
      break;
    case O_AS:
      as = optarg;
      break;
    case O_REASON:
      reason = optarg;
      break;
    case O_POL:
      poldir = optarg;
      break;
    case O_OVERDUE:
      q.overdue = 1;
      break;
    case O_AREA:
    case O_STATE:
    case O_KIND:
    case O_FILED_IN:
    case O_SCOPE:
    case O_NAME:
    case O_AFTER: {
      /* The same words as GET /api/v1/applications (hk_app_query_set). */
      static const char *const keys[] = {"area",  "state", "kind", "filed_in",
                                         "scope", "q",     "after"};
      int k = c == O_AREA       ? 0
              : c == O_STATE    ? 1
              : c == O_KIND     ? 2
              : c == O_FILED_IN ? 3
              : c == O_SCOPE    ? 4
              : c == O_NAME     ? 5
                                : 6;
      if (hk_app_query_set(&q, keys[k], optarg, &err) != HK_OK)
        return hk_cli_fail("application", &err);
      break;
    }
    case O_TODAY:
      if (!hk_date_parse(optarg, &q.today)) {
        hk_error_set(&err, HK_EINVAL, "--today", "not a date (YYYY-MM-DD)");
        return hk_cli_fail("application", &err);
      }
      break;
    case O_DAYS:
    case O_LIMIT: {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || v <= 0 || v > 100000) {
        hk_error_set(&err, HK_EINVAL, c == O_DAYS ? "--settlement-days" : "--limit",
                     "a positive number");
        return hk_cli_fail("application", &err);
      }
      if (c == O_DAYS)
        days = (int)v;
      else
        q.limit = (uint32_t)v;
      break;
    }
    default:
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  hk_actor who;
  if (hk_cli_actor_parse(as, &who) != 0) {
    hk_error_set(&err, HK_EINVAL, "--as",
                 "officer:DIVISION, supervisor:DIVISION, "
                 "resident:ID_NUMBER or system");
    return hk_cli_fail("application", &err);
  }
  int want = strcmp(sub, "list") == 0 ? 0 : strcmp(sub, "show") == 0 ? 1 : 2;
  if (argc - optind != want) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  int64_t id = 0;
  if (want >= 1) {
    char *end;
    id = strtoll(argv[optind], &end, 10);
    if (*end || id <= 0) {
      hk_error_set(&err, HK_EINVAL, "ID", "not an application number");
      return hk_cli_fail("application", &err);
    }
  }
  hk_app_action action = HK_APP_ACTION_COUNT;
  if (want == 2 && (action = hk_app_action_from(argv[optind + 1])) == HK_APP_ACTION_COUNT) {
    hk_error_set(&err, HK_EINVAL, "ACTION", "unknown action %s", argv[optind + 1]);
    return hk_cli_fail("application", &err);
  }
  if (hinted && action != HK_APP_COMPLETE) {
    hk_error_set(&err, HK_EINVAL, "--unit",
                 "--unit, --unit-name, --community and --address go "
                 "with complete only");
    return hk_cli_fail("application", &err);
  }
  hk_policies *pol = NULL;
  if (action == HK_APP_APPROVE || action == HK_APP_REJECT) {
    if (hk_policies_load(poldir ? poldir : hk_policies_default_dir(), &pol, &err) != HK_OK)
      return hk_cli_fail("application", &err);
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("application", db,
                                   want == 2 ? HK_STORE_EXISTING : HK_STORE_READONLY, &exit);
  if (st == NULL) {
    hk_policies_free(pol);
    return exit;
  }
  json_t *out = NULL;
  hk_status rc;
  if (want == 0) {
    rc = hk_app_list(st, &who, &q, &out, &err);
  } else if (want == 1) {
    rc = hk_app_show(st, &who, id, &out, &err);
  } else {
    hk_app_config cfg = {.pol = pol, .settlement_days = days};
    rc = action == HK_APP_COMPLETE
             ? hk_app_complete(st, &cfg, &who, id, hinted ? &hint : NULL, q.today, &out, &err)
             : hk_app_act(st, &cfg, &who, id, action, reason, q.today, &out, &err);
  }
  hk_store_close(st);
  hk_policies_free(pol);
  if (rc != HK_OK) {
    json_decref(out);
    return hk_cli_fail("application", &err);
  }
  return print_json(out);
}
