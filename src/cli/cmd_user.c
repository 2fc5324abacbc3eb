/* hukou user add|list|disable|enable|set|password : accounts of the HTTP API (service/account.h),
 * clause (九). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "core/division.h"
#include "core/error.h"
#include "service/account.h"
#include "store/store.h"
#include "store/store_auth.h"

static void usage(FILE *out)
{
  fputs("用法 / usage:\n"
        "  hukou user add NAME --role ROLE --db PATH [--jurisdiction DIVISION]\n"
        "                 [--id-number ID] [--password-stdin]\n"
        "  hukou user list --db PATH\n"
        "  hukou user disable NAME --db PATH\n"
        "  hukou user enable NAME --db PATH\n"
        "  hukou user set NAME --db PATH [--role ROLE] [--jurisdiction DIVISION]\n"
        "  hukou user password NAME --db PATH [--password-stdin]\n"
        "  hukou user purge-sessions --db PATH\n"
        "  hukou user activation-code ID_NUMBER --as officer:DIVISION --db PATH\n"
        "  hukou user activate --id-number ID --code CODE --name NAME --password-stdin --db PATH\n"
        "  新建、列出、停用、重新启用接口账号，更改角色和辖区，重置密码（结束该账号的全部会话）。\n"
        "  角色 / roles: resident, officer, supervisor, analyst,\n"
        "  department, admin。民警和督导需 --jurisdiction（行政区划代码前缀），居民需\n"
        "  --id-number（本人身份证号）。不加 --password-stdin 时生成密码并只显示这一次。\n"
        "  Adds, lists, disables and re-enables accounts of the HTTP API, changes their role and\n"
        "  jurisdiction, resets a password (ending the account's sessions). Officers and "
        "supervisors need\n"
        "  --jurisdiction (a division code: county, city or province), residents --id-number\n"
        "  (their own). Without --password-stdin a password is generated and printed once.\n"
        "  A jurisdiction is a current division inside the province served (330000).\n"
        "  purge-sessions: 删除已过期的会话（登录时也会删除）/ deletes expired sessions (sign-ins\n"
        "  do too), printing {\"purged\": N}.\n",
        out);
}

static hk_role role_from(const char *s)
{
  for (int r = 0; r < HK_ROLE_COUNT; r++)
    if (strcmp(s, hk_role_name((hk_role)r)) == 0)
      return (hk_role)r;
  return HK_ROLE_COUNT;
}

/* The password from stdin: one line, its newline dropped. */
bool hk_cli_read_password(char *out, size_t size)
{
  if (fgets(out, (int)size, stdin) == NULL)
    return false;
  out[strcspn(out, "\r\n")] = '\0';
  return true;
}

static int user_add(int argc, char **argv)
{
  enum { O_DB = 1, O_ROLE, O_JUR, O_ID, O_STDIN };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"role", required_argument, NULL, O_ROLE},
                                       {"jurisdiction", required_argument, NULL, O_JUR},
                                       {"id-number", required_argument, NULL, O_ID},
                                       {"password-stdin", no_argument, NULL, O_STDIN},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *role = NULL;
  hk_account_new in = {0};
  bool from_stdin = false;
  hk_error err = {0};
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_DB:
      db = optarg;
      break;
    case O_ROLE:
      role = optarg;
      break;
    case O_JUR:
      if (!hk_division_parse(optarg, &in.jurisdiction)) {
        hk_error_set(&err, HK_EINVAL, "--jurisdiction", "not a six-digit division code");
        return hk_cli_fail("user add", &err);
      }
      break;
    case O_ID:
      in.id_number = optarg;
      break;
    case O_STDIN:
      from_stdin = true;
      break;
    default:
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (argc - optind != 1 || role == NULL) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  in.name = argv[optind];
  if ((in.role = role_from(role)) == HK_ROLE_COUNT || in.role == HK_ROLE_SYSTEM) {
    hk_error_set(&err, HK_EINVAL, "--role",
                 "one of resident, officer, supervisor, analyst, department, admin");
    return hk_cli_fail("user add", &err);
  }
  char password[HK_PASSWORD_MAX + 2];
  if (from_stdin) {
    if (!hk_cli_read_password(password, sizeof password)) {
      hk_error_set(&err, HK_EINVAL, "password", "nothing on standard input");
      return hk_cli_fail("user add", &err);
    }
  } else {
    hk_account_password_generate(password);
  }
  in.password = password;
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("user add", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  hk_actor who = {.role = HK_ROLE_SYSTEM};
  snprintf(who.account, sizeof who.account, "%s", hk_cli_actor());
  hk_status rc = hk_account_add(st, &who, &in, &err);
  hk_store_close(st);
  if (rc != HK_OK) {
    sodium_memzero(password, sizeof password);
    return hk_cli_fail("user add", &err);
  }
  json_t *o = json_pack("{s:s, s:s}", "name", in.name, "role", hk_role_name(in.role));
  if (!from_stdin)
    json_object_set_new(o, "password", json_string(password));
  sodium_memzero(password, sizeof password);
  char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
  printf("%s\n", text);
  free(text);
  json_decref(o);
  if (!from_stdin)
    fprintf(stderr, "hukou user add: 密码只显示这一次 / the password is shown only this once\n");
  return HK_EXIT_OK;
}

/* The new password, from stdin or generated (then printed once), into password. */
static bool new_password(bool from_stdin, char *password, size_t size, const char *command,
                         int *exit)
{
  if (!from_stdin) {
    hk_account_password_generate(password);
    return true;
  }
  if (hk_cli_read_password(password, size))
    return true;
  hk_error err = {0};
  hk_error_set(&err, HK_EINVAL, "password", "nothing on standard input");
  *exit = hk_cli_fail(command, &err);
  return false;
}

static void cli_actor(hk_actor *who)
{
  memset(who, 0, sizeof *who);
  who->role = HK_ROLE_SYSTEM;
  snprintf(who->account, sizeof who->account, "%s", hk_cli_actor());
}

static void print_json(json_t *o)
{
  char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
  printf("%s\n", text);
  free(text);
  json_decref(o);
}

/* hukou user set NAME [--role R] [--jurisdiction CODE] */
static int user_set(int argc, char **argv)
{
  enum { O_DB = 1, O_ROLE, O_JUR };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"role", required_argument, NULL, O_ROLE},
                                       {"jurisdiction", required_argument, NULL, O_JUR},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL;
  hk_account_change in = {0};
  hk_error err = {0};
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_DB:
      db = optarg;
      break;
    case O_ROLE:
      in.set_role = true;
      if ((in.role = role_from(optarg)) == HK_ROLE_COUNT || in.role == HK_ROLE_SYSTEM) {
        hk_error_set(&err, HK_EINVAL, "--role",
                     "one of resident, officer, supervisor, analyst, department, admin");
        return hk_cli_fail("user set", &err);
      }
      break;
    case O_JUR:
      in.set_jurisdiction = true;
      if (!hk_division_parse(optarg, &in.jurisdiction)) {
        hk_error_set(&err, HK_EINVAL, "--jurisdiction", "not a six-digit division code");
        return hk_cli_fail("user set", &err);
      }
      break;
    default:
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (argc - optind != 1 || (!in.set_role && !in.set_jurisdiction)) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("user set", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  hk_actor who;
  cli_actor(&who);
  hk_account_row row;
  hk_status rc = hk_account_change_role(st, &who, argv[optind], &in, &row, &err);
  hk_store_close(st);
  if (rc != HK_OK)
    return hk_cli_fail("user set", &err);
  json_t *o = json_pack("{s:s, s:s}", "name", row.name, "role", hk_role_name((hk_role)row.role));
  if (row.jurisdiction)
    json_object_set_new(o, "jurisdiction", json_sprintf("%06d", (int)row.jurisdiction));
  print_json(o);
  return HK_EXIT_OK;
}

/* hukou user password NAME [--password-stdin]: an admin's reset, every session ended. */
static int user_password(int argc, char **argv)
{
  enum { O_DB = 1, O_STDIN };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"password-stdin", no_argument, NULL, O_STDIN},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL;
  bool from_stdin = false;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_DB:
      db = optarg;
      break;
    case O_STDIN:
      from_stdin = true;
      break;
    default:
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (argc - optind != 1) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  int exit = HK_EXIT_OK;
  char password[HK_PASSWORD_MAX + 2];
  if (!new_password(from_stdin, password, sizeof password, "user password", &exit))
    return exit;
  hk_store *st = hk_cli_open_store("user password", db, HK_STORE_EXISTING, &exit);
  if (st == NULL) {
    sodium_memzero(password, sizeof password);
    return exit;
  }
  hk_actor who;
  cli_actor(&who);
  hk_error err = {0};
  const char *name = argv[optind];
  hk_status rc = hk_account_reset_password(st, &who, name, password, &err);
  hk_store_close(st);
  if (rc != HK_OK) {
    sodium_memzero(password, sizeof password);
    return hk_cli_fail("user password", &err);
  }
  json_t *o = json_pack("{s:s, s:b}", "name", name, "sessions_ended", 1);
  if (!from_stdin)
    json_object_set_new(o, "password", json_string(password));
  sodium_memzero(password, sizeof password);
  print_json(o);
  if (!from_stdin)
    fprintf(stderr,
            "hukou user password: 密码只显示这一次 / the password is shown only this once\n");
  return HK_EXIT_OK;
}

static hk_status print_account(const hk_account_row *row, void *cls, hk_error *err)
{
  (void)cls;
  (void)err;
  char masked[HK_IDNUM_LEN + 1] = "";
  if (row->id_number[0])
    hk_idnum_mask(row->id_number, masked);
  json_t *o =
      json_pack("{s:s, s:s, s:b, s:s}", "name", row->name, "role", hk_role_name((hk_role)row->role),
                "disabled", row->disabled, "created", row->created);
  if (row->jurisdiction)
    json_object_set_new(o, "jurisdiction", json_sprintf("%06d", (int)row->jurisdiction));
  if (masked[0])
    json_object_set_new(o, "id_number", json_string(masked));
  char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
  printf("%s\n", text);
  free(text);
  json_decref(o);
  return HK_OK;
}

/* Expired sessions are purged at every sign-in; this is for a registry nobody signs in to for a
 * while (issue 16). */
static int user_purge_sessions(int argc, char **argv)
{
  const char *db;
  int first, status = hk_cli_db_args(argc, argv, 0, usage, &db, &first);
  if (status >= 0)
    return status;
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("user purge-sessions", db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  hk_error err = {0};
  int64_t purged = 0;
  hk_status rc = hk_store_session_purge(st, (int64_t)time(NULL), &purged, &err);
  hk_store_close(st);
  if (rc != HK_OK)
    return hk_cli_fail("user purge-sessions", &err);
  printf("{\"purged\":%lld}\n", (long long)purged);
  return HK_EXIT_OK;
}

int hk_cmd_user(int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : "";
  if (strcmp(sub, "add") == 0)
    return user_add(argc - 1, argv + 1);
  if (strcmp(sub, "set") == 0)
    return user_set(argc - 1, argv + 1);
  if (strcmp(sub, "password") == 0)
    return user_password(argc - 1, argv + 1);
  if (strcmp(sub, "purge-sessions") == 0)
    return user_purge_sessions(argc - 1, argv + 1);
  if (strcmp(sub, "activation-code") == 0 || strcmp(sub, "activate") == 0)
    return hk_cli_user_activation(argc - 1, argv + 1);
  bool list = strcmp(sub, "list") == 0;
  bool enable = strcmp(sub, "enable") == 0;
  if (!list && !enable && strcmp(sub, "disable") != 0) {
    usage(hk_cli_wants_help(argc, argv) ? stdout : stderr);
    return hk_cli_wants_help(argc, argv) ? HK_EXIT_OK : HK_EXIT_USAGE;
  }
  const char *db;
  int first, status = hk_cli_db_args(argc - 1, argv + 1, list ? 0 : 1, usage, &db, &first);
  if (status >= 0)
    return status;
  int exit = HK_EXIT_OK;
  const char *command = list ? "user list" : enable ? "user enable" : "user disable";
  hk_store *st =
      hk_cli_open_store(command, db, list ? HK_STORE_READONLY : HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  hk_error err = {0};
  hk_status rc;
  if (list) {
    rc = hk_store_account_each(st, print_account, NULL, &err);
  } else {
    hk_actor who = {.role = HK_ROLE_SYSTEM};
    snprintf(who.account, sizeof who.account, "%s", hk_cli_actor());
    const char *name = argv[1 + first];
    rc =
        enable ? hk_account_enable(st, &who, name, &err) : hk_account_disable(st, &who, name, &err);
    if (rc == HK_OK)
      printf("{\"name\":\"%s\",\"disabled\":%s}\n", name, enable ? "false" : "true");
  }
  hk_store_close(st);
  return rc == HK_OK ? HK_EXIT_OK : hk_cli_fail(command, &err);
}
