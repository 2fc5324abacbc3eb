/* hukou user activation-code | activate : residents' own accounts through a code an officer
 * hands over (service/activation.h, issue 16). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "core/error.h"
#include "core/idnum.h"
#include "service/account.h"
#include "service/activation.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs("用法 / usage:\n"
        "  hukou user activation-code ID_NUMBER --as officer:DIVISION --db PATH\n"
        "  hukou user activate --id-number ID --code CODE --name NAME --password-stdin --db PATH\n"
        "  activation-code: 户籍民警核验本人身份后为其发放激活码（只显示这一次，48 小时内有效，\n"
        "  用一次），此人须在其辖区内登记且尚无账号。activate: 居民用激活码自建账号（自选账号名，\n"
        "  密码从标准输入读一行）；输错 5 次激活码作废。\n"
        "  activation-code: an officer who has checked the person's identity issues them a code\n"
        "  (printed only this once, valid for 48 hours, once); the person must be registered in\n"
        "  the officer's jurisdiction and have no account yet. activate: the resident makes their\n"
        "  own account with it (a name of their choice; the password is one line on stdin); five\n"
        "  wrong codes void theirs.\n",
        out);
}

static int activation_code(int argc, char **argv)
{
  enum { O_DB = 1, O_AS };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"as", required_argument, NULL, O_AS},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *as = NULL;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == O_DB)
      db = optarg;
    else if (c == O_AS)
      as = optarg;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (argc - optind != 1) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_actor who;
  hk_error err = {0};
  if (as == NULL || hk_cli_actor_parse(as, &who) != 0) {
    hk_error_set(&err, HK_EINVAL, "--as", "expected officer:DIVISION or supervisor:DIVISION");
    return hk_cli_fail("user activation-code", &err);
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("user activation-code", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  char code[HK_ACTIVATION_CODE_LEN + 1];
  int64_t expires = 0;
  hk_status rc =
      hk_activation_issue(st, &who, argv[optind], (int64_t)time(NULL), code, &expires, &err);
  hk_store_close(st);
  if (rc != HK_OK)
    return hk_cli_fail("user activation-code", &err);
  char masked[HK_IDNUM_LEN + 1], when[32];
  hk_idnum_mask(argv[optind], masked);
  time_t t = (time_t)expires;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  json_t *o = json_pack("{s:s, s:s, s:s}", "id_number", masked, "code", code, "expires_at", when);
  char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
  printf("%s\n", text ? text : "{}");
  free(text);
  json_decref(o);
  sodium_memzero(code, sizeof code);
  fprintf(stderr, "hukou user activation-code: 激活码只显示这一次 / the code is shown only this "
                  "once\n");
  return HK_EXIT_OK;
}

static int activate(int argc, char **argv)
{
  enum { O_DB = 1, O_ID, O_CODE, O_NAME, O_STDIN };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"id-number", required_argument, NULL, O_ID},
                                       {"code", required_argument, NULL, O_CODE},
                                       {"name", required_argument, NULL, O_NAME},
                                       {"password-stdin", no_argument, NULL, O_STDIN},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *id = NULL, *code = NULL, *name = NULL;
  bool from_stdin = false;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_DB:
      db = optarg;
      break;
    case O_ID:
      id = optarg;
      break;
    case O_CODE:
      code = optarg;
      break;
    case O_NAME:
      name = optarg;
      break;
    case O_STDIN:
      from_stdin = true;
      break;
    default:
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  hk_error err = {0};
  if (optind != argc) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  if (!from_stdin) {
    hk_error_set(&err, HK_EINVAL, "--password-stdin",
                 "the resident chooses the password: give it as one line on stdin");
    return hk_cli_fail("user activate", &err);
  }
  char password[HK_PASSWORD_MAX + 2] = "";
  if (!hk_cli_read_password(password, sizeof password)) {
    hk_error_set(&err, HK_EINVAL, "password", "no password on stdin");
    return hk_cli_fail("user activate", &err);
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("user activate", db, HK_STORE_EXISTING, &exit);
  if (st == NULL) {
    sodium_memzero(password, sizeof password);
    return exit;
  }
  hk_status rc = hk_activation_redeem(st, id, code, name, password, (int64_t)time(NULL), &err);
  sodium_memzero(password, sizeof password);
  hk_store_close(st);
  if (rc != HK_OK)
    return hk_cli_fail("user activate", &err);
  json_t *o = json_pack("{s:s, s:s}", "name", name, "role", "resident");
  char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
  printf("%s\n", text ? text : "{}");
  free(text);
  json_decref(o);
  return HK_EXIT_OK;
}

int hk_cli_user_activation(int argc, char **argv)
{
  if (strcmp(argv[0], "activation-code") == 0)
    return activation_code(argc, argv);
  return activate(argc, argv);
}
