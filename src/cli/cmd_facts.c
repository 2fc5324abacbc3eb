/* hukou facts add|list|verify|correct|import : facts with provenance (issue 10). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/idnum.h"
#include "core/json.h"
#include "service/facts.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage:\n"
      "  hukou facts add     --db PATH [--as ACTOR] [--today DATE] ID_NUMBER KIND JSON\n"
      "  hukou facts list    --db PATH [--as ACTOR] ID_NUMBER\n"
      "  hukou facts verify  --db PATH [--as ACTOR] [--today DATE] ID_NUMBER ENTRY\n"
      "  hukou facts correct --db PATH [--as ACTOR] [--today DATE] --reason TEXT ID_NUMBER ENTRY "
      "JSON\n"
      "  hukou facts import  --db PATH --source DEPT [--today DATE] FILE|-\n"
      "  hukou facts attach|material ...  证明材料 / files behind an entry (see attach --help)\n"
      "  有来源的事实 / facts with provenance: 居民申报 declared by the resident (--as "
      "resident:ID),\n"
      "  民警核实 verified by an officer (--as officer:DIVISION, or system, the default), "
      "部门推送\n"
      "  sent by the department that owns the kind (import). 更正是一条新记录，取代旧记录并说明\n"
      "  理由，旧记录保留 / a correction is a new entry superseding the old one, which is kept.\n"
      "  资格判定只采用已核实和部门的事实 / eligibility decides on verified and department facts.\n"
      "  KIND: housing, employment, schooling, social_insurance, talent (JSON: one entry as in an\n"
      "        import line), education {\"education\"}, marital_status {\"marital_status\",\n"
      "        \"spouse\"?}, kinship {\"relation\", \"id_number\"}\n"
      "  ENTRY: 记录号 an entry number (12), or an imported fact (housing.0, as `list` shows)\n"
      "  DEPT: housing, social_insurance, education, talent, civil_affairs; FILE: JSON lines\n"
      "        {\"delivery\", \"id_number\", \"kind\", \"fact\"} (+ \"corrects\": DELIVERY, "
      "\"reason\"),\n"
      "        全部写入或全不写入，重复推送不重复记录 / all or nothing, re-delivery is idempotent\n"
      "  退出码 / exit: 0 完成 done, 1 拒绝或存储失败 refused or store failure, 2 输入有误 bad "
      "input\n",
      out);
}

static int print_json(json_t *o)
{
  char *text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(4));
  puts(text ? text : "null");
  free(text);
  json_decref(o);
  return HK_EXIT_OK;
}

static json_t *result_json(const hk_fact_result *r)
{
  json_t *o = json_object();
  json_object_set_new(o, "entry", json_integer(r->entry));
  json_object_set_new(o, "source", json_string(hk_fact_source_name(r->source)));
  json_object_set_new(o, "supersedes",
                      r->supersedes             ? json_integer(r->supersedes)
                      : r->supersedes_import[0] ? json_string(r->supersedes_import)
                                                : json_null());
  if (r->already)
    json_object_set_new(o, "already", json_true());
  return o;
}

static json_t *read_fact(const char *text, hk_error *err)
{
  json_error_t jerr;
  json_t *f = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
  if (f == NULL || !json_is_object(f)) {
    hk_error_set(err, HK_EINVAL, "JSON", f ? "not a JSON object" : "not JSON (%s)", jerr.text);
    json_decref(f);
    return NULL;
  }
  return f;
}

int hk_cmd_facts(int argc, char **argv)
{
  enum { O_DB = 1, O_AS, O_TODAY, O_REASON, O_SOURCE };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"as", required_argument, NULL, O_AS},
                                       {"today", required_argument, NULL, O_TODAY},
                                       {"reason", required_argument, NULL, O_REASON},
                                       {"source", required_argument, NULL, O_SOURCE},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  if (argc >= 2 && (strcmp(argv[1], "attach") == 0 || strcmp(argv[1], "material") == 0))
    return hk_cmd_facts_material(argc - 1, argv + 1);
  if (argc < 2 || hk_cli_wants_help(argc, argv)) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? HK_EXIT_USAGE : HK_EXIT_OK;
  }
  static const char *const subs[] = {"add", "list", "verify", "correct", "import"};
  static const int positionals[] = {3, 1, 2, 3, 1};
  int op = -1;
  for (int i = 0; i < 5; i++)
    if (strcmp(argv[1], subs[i]) == 0)
      op = i;
  if (op < 0) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  argc--;
  argv++;
  optind = 1;
  const char *db = NULL, *as = NULL, *reason = NULL, *source = NULL;
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
    case O_REASON:
      reason = optarg;
      break;
    case O_SOURCE:
      source = optarg;
      break;
    case O_TODAY:
      if (!hk_date_parse(optarg, &today)) {
        hk_error_set(&err, HK_EINVAL, "--today", "not a date (YYYY-MM-DD)");
        return hk_cli_fail("facts", &err);
      }
      break;
    default:
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  if (argc - optind != positionals[op]) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  char **pos = argv + optind;
  hk_actor who;
  if (hk_cli_actor_parse(as, &who) != 0) {
    hk_error_set(&err, HK_EINVAL, "--as",
                 "officer:DIVISION, supervisor:DIVISION, resident:ID_NUMBER or system");
    return hk_cli_fail("facts", &err);
  }
  hk_idnum idn;
  if (op != 4 && !hk_idnum_check(pos[0], today, &idn)) {
    hk_error_set(&err, HK_EINVAL, "ID_NUMBER", "invalid ID number (%s)",
                 hk_idnum_fault_name(idn.fault));
    return hk_cli_fail("facts", &err);
  }
  if (op == 4 && source == NULL) {
    hk_error_set(&err, HK_EINVAL, "--source", "name the department that sends the file");
    return hk_cli_fail("facts", &err);
  }
  json_t *fact = NULL;
  hk_fact_kind kind = HK_FACT_NONE;
  int64_t entry = 0;
  if (op == 0) {
    kind = hk_fact_kind_from(pos[1]);
    if (kind == HK_FACT_NONE) {
      hk_error_set(&err, HK_EINVAL, "KIND",
                   "one of housing, employment, schooling, social_insurance, talent, education, "
                   "marital_status, kinship");
      return hk_cli_fail("facts", &err);
    }
  }
  if (op == 2) {
    char *end;
    entry = strtoll(pos[1], &end, 10);
    if (*end || entry <= 0) {
      hk_error_set(&err, HK_EINVAL, "ENTRY", "not an entry number");
      return hk_cli_fail("facts", &err);
    }
  }
  if ((op == 0 || op == 3) && (fact = read_fact(pos[2], &err)) == NULL)
    return hk_cli_fail("facts", &err);
  FILE *in = NULL;
  if (op == 4) {
    in = strcmp(pos[0], "-") == 0 ? stdin : fopen(pos[0], "r");
    if (in == NULL) {
      hk_error_set(&err, HK_EINVAL, "FILE", "cannot open %s", pos[0]);
      return hk_cli_fail("facts", &err);
    }
  }
  int exit = HK_EXIT_OK;
  hk_store *st =
      hk_cli_open_store("facts", db, op == 1 ? HK_STORE_READONLY : HK_STORE_EXISTING, &exit);
  if (st == NULL) {
    json_decref(fact);
    if (in && in != stdin)
      fclose(in);
    return exit;
  }
  json_t *out = NULL;
  hk_fact_result res;
  hk_status rc = HK_OK;
  if (op == 0) {
    rc = hk_facts_add(st, &who, idn.number, kind, fact, NULL, NULL, today, &res, &err);
  } else if (op == 1) {
    rc = hk_facts_list(st, &who, idn.number, &out, &err);
  } else if (op == 2) {
    rc = hk_facts_verify(st, &who, idn.number, entry, today, &res, &err);
  } else if (op == 3) {
    rc = hk_facts_correct(st, &who, idn.number, pos[1], fact, reason, today, &res, &err);
  } else {
    hk_facts_import_result ir;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = hk_facts_import(st, &who, source, in, today, &ir, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc == HK_OK) {
      out = json_object();
      json_object_set_new(out, "source", json_string(source));
      json_object_set_new(out, "lines", json_integer(ir.lines));
      json_object_set_new(out, "added", json_integer(ir.added));
      json_object_set_new(out, "already", json_integer(ir.already));
      json_object_set_new(out, "seconds", json_real(secs));
    }
  }
  if (rc == HK_OK && out == NULL)
    out = result_json(&res);
  hk_store_close(st);
  json_decref(fact);
  if (in && in != stdin)
    fclose(in);
  if (rc != HK_OK) {
    if (op == 4)
      fputs("hukou facts: 未写入任何数据 (nothing was written)\n", stderr);
    return hk_cli_fail("facts", &err);
  }
  return print_json(out);
}
