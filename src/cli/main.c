/* hukou: one binary, one subcommand per file (cmd_<name>.c), listed in commands.def. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <pwd.h>
#include <unistd.h>

#include "core/error.h"
#include "store/store.h"

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} commands[] = {
#define HK_CMD(name, fn, summary) {#name, fn, summary},
#include "cli/commands.def"
#undef HK_CMD
};

static void usage(FILE *out)
{
  fprintf(out, "用法 / usage: hukou COMMAND [ARGS...]   (hukou COMMAND --help for more)\n\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int hk_cli_fail(const char *command, const hk_error *err)
{
  char text[1024], text_zh[1024];
  if (err->detail_zh[0])
    /* A sentence in each language: Chinese first, then English. */
    fprintf(stderr, "hukou %s: %s: %s\n  %s: %s\n", command, hk_status_message(err->code),
            hk_error_text_zh(err, text_zh, sizeof text_zh), hk_status_message_en(err->code),
            hk_error_text(err, text, sizeof text));
  else
    fprintf(stderr, "hukou %s: %s (%s): %s\n", command, hk_status_message(err->code),
            hk_status_message_en(err->code), hk_error_text(err, text, sizeof text));
  return err->code == HK_EINVAL || err->code == HK_ETOOBIG || err->code == HK_EMEDIA ? HK_EXIT_USAGE
                                                                                     : HK_EXIT_FAIL;
}

int hk_cli_wants_help(int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return 1;
  return 0;
}

int hk_cli_db_args(int argc, char **argv, int positionals, void (*print_usage)(FILE *out),
                   const char **db, int *first)
{
  static const struct option opts[] = {
      {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  *db = NULL;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'd')
      *db = optarg;
    else {
      print_usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (argc - optind != positionals) {
    print_usage(stderr);
    return HK_EXIT_USAGE;
  }
  *first = optind;
  return -1;
}

const char *hk_cli_os_user(void)
{
  static char name[64];
  if (name[0] == '\0') {
    const struct passwd *pw = getpwuid(geteuid());
    snprintf(name, sizeof name, "%s", pw && pw->pw_name ? pw->pw_name : "unknown");
  }
  return name;
}

const char *hk_cli_actor(void)
{
  static char actor[96];
  if (actor[0] == '\0')
    snprintf(actor, sizeof actor, "cli:%s", hk_cli_os_user());
  return actor;
}

hk_store *hk_cli_open_store(const char *command, const char *path, int mode, int *exit)
{
  hk_store *st = NULL;
  hk_error err = {0};
  if (path == NULL) {
    hk_error_set(&err, HK_EINVAL, "--db", "missing: name the database file with --db PATH");
    *exit = hk_cli_fail(command, &err);
    return NULL;
  }
  hk_status rc = hk_store_open(path, (hk_store_mode)mode, &st, &err);
  if (rc != HK_OK) {
    *exit = hk_cli_fail(command, &err);
    return NULL;
  }
  /* Whatever --as says, the events name who ran the command on the server (issue 16). */
  hk_store_set_operator(st, hk_cli_os_user());
  return st;
}

int main(int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? HK_EXIT_USAGE : HK_EXIT_OK;
  }
  /* Every file hukou makes holds personal data or secrets (the registry and its journal, exports,
   * downloaded materials, generated populations): readable by the user who ran it, no one else. */
  umask(S_IRWXG | S_IRWXO);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "hukou: 未知命令 (unknown command): %s\n\n", argv[1]);
  usage(stderr);
  return HK_EXIT_USAGE;
}
