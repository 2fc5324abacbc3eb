/* hukou eval FILE|- : answer an eligibility question (spec/eligibility.md) from a situation
 * document. The answer is the contract's JSON on stdout, or readable text with --explain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/error.h"
#include "core/division.h"
#include "core/idnum.h"
#include "policy/policy.h"
#include "service/facts.h"
#include "service/situation_db.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage: hukou eval [--explain] [--parameters FILE] [--policies DIR] FILE|-\n"
      "       hukou eval --db PATH --person ID --target DIVISION [--as-of DATE]\n"
      "                  [--consent RELATIVE_ID]... [--explain] [--parameters FILE]\n"
      "  按《资格判定约定》回答一个情形（situation "
      "JSON）：能否申领居住证、能否落户、经由哪条途径、\n"
      "  还缺什么、何时符合。结果以 JSON 输出到标准输出。\n"
      "  Answers a situation (JSON, FILE or - for stdin) as spec/eligibility.md says: the answer\n"
      "  is JSON on stdout.\n"
      "  --explain          输出中文说明（附英文）/ readable Chinese text with English instead of "
      "JSON\n"
      "  --parameters FILE  假设分析：覆盖参数 {\"330400\": {\"residence.min_years\": 1}} / "
      "what-if\n"
      "                     overrides, applied after the situation's own \"parameters\"\n"
      "  --policies DIR     政策文件目录 / policy directory (default $HUKOU_POLICIES or the\n"
      "                     source tree's policies/)\n"
      "  --db PATH --person ID --target DIVISION\n"
      "                     从户籍库组装情形（本人、历史记录与登记的亲属）/ assemble the "
      "situation\n"
      "                     from the registry: the person, their histories, their linked "
      "relatives\n"
      "  --as-of DATE       判定日期，默认今天 / the date asked about (default today)\n"
      "  --consent ID       该亲属同意接收落户（可重复）/ this relative consents to host "
      "(repeatable)\n"
      "  退出码 / exit: 0 已回答 answered, 1 政策文件或系统错误 policy or system failure,\n"
      "                 2 情形有误（标准错误输出一行，指明字段）malformed situation (one line "
      "naming\n"
      "                 the field on stderr)\n",
      out);
}

/* Read all of a file (or stdin for "-") up to the situation size limit. */
static char *slurp(const char *path, size_t *len, hk_error *err)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (f == NULL) {
    hk_error_set(err, HK_EIO, "FILE", "cannot open %s", path);
    return NULL;
  }
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n > HK_SITUATION_TEXT_MAX) {
      hk_error_set(err, HK_ETOOBIG, "", "the situation is larger than %u bytes",
                   HK_SITUATION_TEXT_MAX);
      free(buf);
      buf = NULL;
      break;
    }
    if (got == 0)
      break;
    if (n == cap) {
      char *g = realloc(buf, cap * 2);
      if (g == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = g;
      cap *= 2;
    }
  }
  if (buf == NULL && err->code == HK_OK)
    hk_error_set(err, HK_ENOMEM, "", "out of memory");
  if (f != stdin)
    fclose(f);
  *len = n;
  return buf;
}

/* Fill s from the registry for --db mode. Returns nonzero (with *status set) on failure. */
static int situation_from_db(const char *db, const char *person, const char *target,
                             const char *as_of, const char *const *consenting, size_t n_consenting,
                             hk_situation *s, int *status)
{
  hk_error err = {0};
  hk_idnum id;
  int32_t code = 0;
  hk_date date = hk_date_today();
  if (person == NULL || target == NULL)
    hk_error_set(&err, HK_EINVAL, person ? "--target" : "--person",
                 "missing: --db needs --person ID and --target DIVISION");
  else if (!hk_idnum_check(person, hk_date_today(), &id))
    hk_error_set(&err, HK_EINVAL, "--person", "invalid ID number (%s)",
                 hk_idnum_fault_name(id.fault));
  else if (!hk_division_parse(target, &code))
    hk_error_set(&err, HK_EINVAL, "--target", "not a 6-digit division code");
  else if (as_of && !hk_date_parse(as_of, &date))
    hk_error_set(&err, HK_EINVAL, "--as-of", "not a date (YYYY-MM-DD)");
  for (size_t i = 0; i < n_consenting && err.code == HK_OK; i++)
    if (!hk_idnum_valid18(consenting[i]))
      hk_error_set(&err, HK_EINVAL, "--consent", "not a valid 18-character ID number");
  if (err.code != HK_OK) {
    *status = hk_cli_fail("eval", &err);
    return 1;
  }
  hk_store *st = hk_cli_open_store("eval", db, HK_STORE_READONLY, status);
  if (st == NULL)
    return 1;
  hk_status rc =
      hk_situation_from_registry(st, id.number, code, date, consenting, n_consenting, s, &err);
  hk_store_close(st);
  if (rc != HK_OK) {
    *status = hk_cli_fail("eval", &err);
    return 1;
  }
  return 0;
}

/* The pathways only the person's declared facts would open (service/facts.h); 1 on failure,
 * with the error printed and *status set. */
static int pending_from_db(const char *db, const hk_policies *pol, const hk_situation *s,
                           const hk_answer *a, const char *const *consenting, size_t n_consenting,
                           json_t **out, int *status)
{
  hk_error err = {0};
  hk_store *st = hk_cli_open_store("eval", db, HK_STORE_READONLY, status);
  if (st == NULL)
    return 1;
  hk_status rc = hk_facts_pending(st, pol, s, a, consenting, n_consenting, out, &err);
  hk_store_close(st);
  if (rc != HK_OK) {
    *status = hk_cli_fail("eval", &err);
    return 1;
  }
  return 0;
}

int hk_cmd_eval(int argc, char **argv)
{
  const char *file = NULL, *params_file = NULL, *dir = NULL;
  const char *db = NULL, *person = NULL, *target = NULL, *as_of = NULL;
  const char *consenting[HK_RELATIVES_MAX];
  size_t n_consenting = 0;
  bool explain = false;
  if (hk_cli_wants_help(argc, argv)) {
    usage(stdout);
    return HK_EXIT_OK;
  }
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--explain") == 0)
      explain = true;
    else if (strcmp(argv[i], "--parameters") == 0 && i + 1 < argc)
      params_file = argv[++i];
    else if (strcmp(argv[i], "--policies") == 0 && i + 1 < argc)
      dir = argv[++i];
    else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
      db = argv[++i];
    else if (strcmp(argv[i], "--person") == 0 && i + 1 < argc)
      person = argv[++i];
    else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc)
      target = argv[++i];
    else if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc)
      as_of = argv[++i];
    else if (strcmp(argv[i], "--consent") == 0 && i + 1 < argc && n_consenting < HK_RELATIVES_MAX)
      consenting[n_consenting++] = argv[++i];
    else if ((argv[i][0] != '-' || strcmp(argv[i], "-") == 0) && file == NULL)
      file = argv[i];
    else {
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  bool from_db = db || person || target || as_of || n_consenting;
  if (from_db ? file != NULL : file == NULL) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_error err = {0};
  int status = HK_EXIT_OK;
  hk_situation s;
  hk_situation_init(&s);
  hk_policies *pol = NULL;
  char *text = NULL;
  if (from_db) {
    if (situation_from_db(db, person, target, as_of, consenting, n_consenting, &s, &status))
      goto out;
  } else {
    size_t len;
    text = slurp(file, &len, &err);
    if (text == NULL) {
      status = hk_cli_fail("eval", &err);
      goto out;
    }
    if (hk_situation_parse(text, len, hk_date_today(), &s, &err) != HK_OK) {
      status = hk_cli_fail("eval", &err);
      goto out;
    }
  }
  if (params_file) {
    json_error_t jerr;
    json_t *doc = json_load_file(params_file, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
      hk_error_set(&err, HK_EINVAL, "--parameters", "%s: line %d: %s", params_file, jerr.line,
                   jerr.text);
      status = hk_cli_fail("eval", &err);
      goto out;
    }
    hk_status rc = hk_situation_add_overrides_json(&s, doc, &err);
    json_decref(doc);
    if (rc != HK_OK) {
      hk_error_prefix(&err, "--parameters");
      status = hk_cli_fail("eval", &err);
      goto out;
    }
  }
  if (hk_policies_load(dir ? dir : hk_policies_default_dir(), &pol, &err) != HK_OK) {
    err.code = HK_EPOLICY;
    status = hk_cli_fail("eval", &err);
    goto out;
  }
  json_t *pending = NULL;
  hk_answer *a = malloc(sizeof *a);
  if (a == NULL) {
    hk_error_set(&err, HK_ENOMEM, "", "out of memory");
    status = hk_cli_fail("eval", &err);
    goto out;
  }
  if (hk_policy_eval(pol, &s, a, &err) != HK_OK) {
    status = hk_cli_fail("eval", &err);
  } else if (from_db &&
             pending_from_db(db, pol, &s, a, consenting, n_consenting, &pending, &status)) {
    /* the error is printed */
  } else if (explain) {
    char *t = hk_answer_explain(a, &s);
    fputs(t ? t : "", stdout);
    free(t);
    for (size_t i = 0; i < json_array_size(pending); i++) {
      json_t *p = json_array_get(pending, i);
      printf("待核实 / pending verification: %s\n  %s\n",
             json_string_value(json_object_get(p, "message")),
             json_string_value(json_object_get(p, "message_en")));
    }
  } else {
    json_t *j = hk_answer_to_json(a);
    /* From the registry: what verifying the declared facts would change (issue 10). */
    if (j && pending)
      json_object_set(j, "pending_verification", pending);
    char *out = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (out == NULL) {
      hk_error_set(&err, HK_ENOMEM, "", "out of memory");
      status = hk_cli_fail("eval", &err);
    } else {
      puts(out);
    }
    free(out);
    json_decref(j);
  }
  free(a);
  json_decref(pending);
out:
  free(text);
  hk_situation_clear(&s);
  hk_policies_free(pol);
  return status;
}
