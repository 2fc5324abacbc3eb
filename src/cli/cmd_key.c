/* hukou key add|list|revoke : department API keys (service/account.h), clause (九): another
 * department asks named yes/no questions and learns nothing else. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "core/error.h"
#include "service/account.h"
#include "store/store.h"
#include "store/store_auth.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage:\n"
      "  hukou key add --department NAME [--title 中文名称] [--questions Q1,Q2] [--facts "
      "KIND,...]\n"
      "                --db PATH\n"
      "  hukou key list --db PATH\n"
      "  hukou key revoke ID --db PATH\n"
      "  为其他部门签发只能询问指定是/否问题的接口密钥（只显示这一次）、列出、吊销。\n"
      "  问题 / questions: permit-valid, hukou-registered。\n"
      "  --department: 部门标识（字母、数字，如 housing）/ the department's identifier (letters,\n"
      "  digits: it names the key's actor and the facts it may send); --title: 部门的中文名称，\n"
      "  如“嘉兴市住房和城乡建设局”/ the department's name as people read it, in Chinese.\n"
      "  --facts: 该部门可推送的事实 / the kinds of fact the key may send (its department's own:\n"
      "  housing → housing; social_insurance → social_insurance; education → schooling,\n"
      "  education; talent → talent; civil_affairs → marital_status).\n"
      "  Issues a department key limited to the named yes/no questions (printed once), lists\n"
      "  keys (never the keys themselves), revokes one.\n",
      out);
}

static int key_add(int argc, char **argv)
{
  enum { O_DB = 1, O_DEPT, O_QUESTIONS, O_FACTS, O_TITLE };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"department", required_argument, NULL, O_DEPT},
                                       {"questions", required_argument, NULL, O_QUESTIONS},
                                       {"facts", required_argument, NULL, O_FACTS},
                                       {"title", required_argument, NULL, O_TITLE},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *dept = NULL, *questions = NULL, *facts = NULL, *title = NULL;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == O_DB)
      db = optarg;
    else if (c == O_DEPT)
      dept = optarg;
    else if (c == O_QUESTIONS)
      questions = optarg;
    else if (c == O_FACTS)
      facts = optarg;
    else if (c == O_TITLE)
      title = optarg;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (argc != optind || dept == NULL || (questions == NULL && facts == NULL)) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  /* --facts housing,education → "fact:housing,fact:education" among the key's scope. */
  char scope[HK_QUESTIONS_MAX + 2] = "";
  size_t used = questions ? (size_t)snprintf(scope, sizeof scope, "%s", questions) : 0;
  for (const char *s = facts; s && *s && used < sizeof scope;) {
    size_t n = strcspn(s, ",");
    used += (size_t)snprintf(scope + used, sizeof scope - used, "%sfact:%.*s", used ? "," : "",
                             (int)n, s);
    s += n + (s[n] == ',');
  }
  if (used > HK_QUESTIONS_MAX) {
    hk_error err = {0};
    hk_error_set(&err, HK_EINVAL, "--facts", "too many questions and kinds for one key");
    return hk_cli_fail("key add", &err);
  }
  questions = scope;
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("key add", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  hk_actor who = {.role = HK_ROLE_SYSTEM};
  snprintf(who.account, sizeof who.account, "%s", hk_cli_actor());
  hk_error err = {0};
  char key[HK_TOKEN_MAX];
  int64_t id = 0;
  hk_status rc = hk_apikey_add(st, &who, dept, title, questions, key, &id, &err);
  hk_store_close(st);
  if (rc != HK_OK)
    return hk_cli_fail("key add", &err);
  json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "department", dept,
                        "title", title ? title : "", "questions", questions, "key", key);
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  printf("%s\n", text ? text : "{}");
  if (text)
    sodium_memzero(text, strlen(text));
  free(text);
  json_decref(o);
  sodium_memzero(key, sizeof key);
  fprintf(stderr, "hukou key add: 密钥只显示这一次 / the key is shown only this once\n");
  return HK_EXIT_OK;
}

static hk_status print_key(const hk_apikey_row *row, void *cls, hk_error *err)
{
  (void)cls;
  (void)err;
  json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)row->id, "department",
                        row->department, "title", row->title, "questions", row->questions,
                        "revoked", row->disabled, "created", row->created);
  /* Chinese printed as Chinese: the title is the department's name as people read it. */
  char *text = json_dumps(o, JSON_COMPACT);
  printf("%s\n", text);
  free(text);
  json_decref(o);
  return HK_OK;
}

int hk_cmd_key(int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : "";
  if (strcmp(sub, "add") == 0)
    return key_add(argc - 1, argv + 1);
  bool list = strcmp(sub, "list") == 0;
  if (!list && strcmp(sub, "revoke") != 0) {
    usage(hk_cli_wants_help(argc, argv) ? stdout : stderr);
    return hk_cli_wants_help(argc, argv) ? HK_EXIT_OK : HK_EXIT_USAGE;
  }
  const char *db;
  int first, status = hk_cli_db_args(argc - 1, argv + 1, list ? 0 : 1, usage, &db, &first);
  if (status >= 0)
    return status;
  hk_error err = {0};
  int64_t id = 0;
  if (!list) {
    char *end;
    id = strtoll(argv[1 + first], &end, 10);
    if (*end || id <= 0) {
      hk_error_set(&err, HK_EINVAL, "ID", "not a key number (see hukou key list)");
      return hk_cli_fail("key revoke", &err);
    }
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store(list ? "key list" : "key revoke", db,
                                   list ? HK_STORE_READONLY : HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  hk_status rc;
  if (list) {
    rc = hk_store_apikey_each(st, print_key, NULL, &err);
  } else {
    hk_actor who = {.role = HK_ROLE_SYSTEM};
    snprintf(who.account, sizeof who.account, "%s", hk_cli_actor());
    rc = hk_apikey_revoke(st, &who, id, &err);
    if (rc == HK_OK)
      printf("{\"id\":%lld,\"revoked\":true}\n", (long long)id);
  }
  hk_store_close(st);
  return rc == HK_OK ? HK_EXIT_OK : hk_cli_fail(list ? "key list" : "key revoke", &err);
}
