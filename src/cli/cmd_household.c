/* hukou household create|show|add|remove|head|split, hukou birth, hukou death: households and
 * the registrations that change them (service/household.h). One option style with
 * cmd_application.c: --db, --as ACTOR, --today DATE; JSON out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/division.h"
#include "core/idnum.h"
#include "service/household.h"
#include "store/store.h"

static void household_usage(FILE *out)
{
  fputs("用法 / usage:\n"
        "  hukou household create --db PATH [--as ACTOR] --kind family|collective\n"
        "                         --division COUNTY [--urban|--rural] [--address TEXT]\n"
        "                         [--head ID_NUMBER]                      (family: required)\n"
        "                         [--owner unit|community|talent_service] (collective: required)\n"
        "                         [--owner-code CODE] [--owner-name NAME] [--today DATE]\n"
        "  hukou household show   --db PATH [--as ACTOR] NUMBER\n"
        "  hukou household add    --db PATH [--as ACTOR] [--today DATE] NUMBER ID_NUMBER\n"
        "  hukou household remove --db PATH [--as ACTOR] [--address TEXT] [--today DATE]\n"
        "                         NUMBER ID_NUMBER\n"
        "  hukou household head   --db PATH [--as ACTOR] [--today DATE] NUMBER ID_NUMBER\n"
        "  hukou household split  --db PATH [--as ACTOR] --head ID_NUMBER [--address TEXT]\n"
        "                         [--today DATE] NUMBER ID_NUMBER...\n"
        "  hukou household search --db PATH [--as ACTOR] [--number|--address|--head ...]\n"
        "                         (hukou household search --help)\n"
        "  户：立户（家庭户、集体户）、查看、迁入、迁出另立户、变更户主、分户。\n"
        "  Households: create (family, or a unit's / community's / the talent service agency's\n"
        "  collective household), show, add a member (moved from their household), remove a\n"
        "  member (to a new household of their own), change the head, split off members.\n"
        "  --owner-code  单位：统一社会信用代码；社区：社区名称 / a unit's unified social credit\n"
        "                code; a community's name\n"
        "  ACTOR: officer:DIVISION, supervisor:DIVISION, system (默认 / the default)\n"
        "  退出码 / exit: 0 完成 done, 1 当前状态或权限不允许 refused by the state, the actor or\n"
        "  the store, 2 输入有误 bad input (the field is named)\n",
        out);
}

static void birth_usage(FILE *out)
{
  fputs("用法 / usage: hukou birth --db PATH [--as ACTOR] --id-number ID --born DATE\n"
        "                   [--name NAME] [--mother ID] [--father ID] [--household NUMBER]\n"
        "                   [--today DATE]\n"
        "  出生登记：身份号码由民警给出，须与出生日期一致；随父或母落户，登记亲属关系。\n"
        "  Birth registration: the ID number (given by the officer) must carry the birth date;\n"
        "  at least one registered parent; the child joins a parent's household (default the\n"
        "  mother's, else the father's) and is linked to each parent.\n"
        "  退出码 / exit: 0 完成 done, 1 refused, 2 bad input\n",
        out);
}

static void death_usage(FILE *out)
{
  fputs("用法 / usage: hukou death --db PATH [--as ACTOR] --died DATE [--today DATE] ID_NUMBER\n"
        "  死亡注销：户口注销，居住登记与居住证同日终止，户主由其余成员中年长者接任。\n"
        "  Death registration: the hukou is closed, the open residence registration and the\n"
        "  residence permit end that day, the household's headship passes to the eldest other\n"
        "  member (an empty family household is dissolved).\n"
        "  退出码 / exit: 0 完成 done, 1 refused, 2 bad input\n",
        out);
}

static int print_json(json_t *o)
{
  char *text = json_dumps(o, JSON_INDENT(2));
  puts(text ? text : "null");
  free(text);
  json_decref(o);
  return HK_EXIT_OK;
}

/* A normalised ID number from text; false (with err naming the field) when invalid. */
static bool id_arg(const char *text, const char *field, char out[HK_IDNUM_LEN + 1], hk_error *err)
{
  hk_idnum idn;
  if (!hk_idnum_check(text, hk_date_today(), &idn)) {
    hk_error_set(err, HK_EINVAL, field, "invalid ID number (%s)", hk_idnum_fault_name(idn.fault));
    return false;
  }
  memcpy(out, idn.number, HK_IDNUM_LEN + 1);
  return true;
}

static bool text_arg(const char *text, const char *field, char *out, size_t size, hk_error *err)
{
  if (strlen(text) >= size) {
    hk_error_set(err, HK_ETOOBIG, field, "at most %zu bytes", size - 1);
    return false;
  }
  snprintf(out, size, "%s", text);
  return true;
}

enum {
  O_DB = 1,
  O_AS,
  O_TODAY,
  O_KIND,
  O_DIVISION,
  O_URBAN,
  O_RURAL,
  O_ADDRESS,
  O_HEAD,
  O_OWNER,
  O_OWNER_CODE,
  O_OWNER_NAME,
  O_ID,
  O_BORN,
  O_NAME,
  O_MOTHER,
  O_FATHER,
  O_HOUSEHOLD,
  O_DIED
};

static const struct option all_opts[] = {{"db", required_argument, NULL, O_DB},
                                         {"as", required_argument, NULL, O_AS},
                                         {"today", required_argument, NULL, O_TODAY},
                                         {"kind", required_argument, NULL, O_KIND},
                                         {"division", required_argument, NULL, O_DIVISION},
                                         {"urban", no_argument, NULL, O_URBAN},
                                         {"rural", no_argument, NULL, O_RURAL},
                                         {"address", required_argument, NULL, O_ADDRESS},
                                         {"head", required_argument, NULL, O_HEAD},
                                         {"owner", required_argument, NULL, O_OWNER},
                                         {"owner-code", required_argument, NULL, O_OWNER_CODE},
                                         {"owner-name", required_argument, NULL, O_OWNER_NAME},
                                         {"id-number", required_argument, NULL, O_ID},
                                         {"born", required_argument, NULL, O_BORN},
                                         {"name", required_argument, NULL, O_NAME},
                                         {"mother", required_argument, NULL, O_MOTHER},
                                         {"father", required_argument, NULL, O_FATHER},
                                         {"household", required_argument, NULL, O_HOUSEHOLD},
                                         {"died", required_argument, NULL, O_DIED},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};

/* Everything the three commands read from their options. */
typedef struct cli_args {
  const char *db, *as;
  hk_date today;
  hk_household_spec spec;
  char head[HK_IDNUM_LEN + 1];
  hk_birth_request birth;
  hk_date died;
  const char *address;
  bool seen[O_DIED + 1];
} cli_args;

/* Parse the options; `allowed` lists those the command takes. Returns -1 on success, else
 * the exit status (after printing the error or the usage). */
static int parse(const char *cmd, int argc, char **argv, const int *allowed, void (*usage)(FILE *),
                 cli_args *a, hk_error *err)
{
  memset(a, 0, sizeof *a);
  a->today = hk_date_today();
  a->died = HK_DATE_NONE;
  a->birth.born = HK_DATE_NONE;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", all_opts, NULL)) != -1) {
    bool ok = false;
    for (const int *k = allowed; *k; k++)
      ok |= *k == c;
    if (!ok) {
      usage(stderr);
      return HK_EXIT_USAGE;
    }
    a->seen[c] = true;
    bool good = true;
    switch (c) {
    case O_DB:
      a->db = optarg;
      break;
    case O_AS:
      a->as = optarg;
      break;
    case O_TODAY:
    case O_BORN:
    case O_DIED: {
      hk_date *d = c == O_TODAY ? &a->today : c == O_BORN ? &a->birth.born : &a->died;
      if (!hk_date_parse(optarg, d))
        good = !hk_error_set(err, HK_EINVAL,
                             c == O_TODAY  ? "--today"
                             : c == O_BORN ? "--born"
                                           : "--died",
                             "not a date (YYYY-MM-DD)");
      break;
    }
    case O_KIND:
      a->spec.kind = hk_household_kind_from(optarg);
      if (a->spec.kind == HK_HOUSEHOLD_UNSET)
        good = !hk_error_set(err, HK_EINVAL, "--kind", "family or collective");
      break;
    case O_DIVISION:
      if (!hk_division_parse(optarg, &a->spec.division))
        good = !hk_error_set(err, HK_EINVAL, "--division", "not a division code");
      break;
    case O_URBAN:
    case O_RURAL:
      a->spec.urban = c == O_URBAN ? HK_TRI_TRUE : HK_TRI_FALSE;
      break;
    case O_ADDRESS:
      a->address = optarg;
      good = text_arg(optarg, "--address", a->spec.address, sizeof a->spec.address, err);
      break;
    case O_HEAD:
      good = id_arg(optarg, "--head", a->head, err);
      break;
    case O_OWNER:
      a->spec.owner = hk_hh_owner_from(optarg);
      if (a->spec.owner == HK_HH_OWNER_NONE)
        good = !hk_error_set(err, HK_EINVAL, "--owner", "unit, community or talent_service");
      break;
    case O_OWNER_CODE:
      good = text_arg(optarg, "--owner-code", a->spec.owner_code, sizeof a->spec.owner_code, err);
      break;
    case O_OWNER_NAME:
      good = text_arg(optarg, "--owner-name", a->spec.owner_name, sizeof a->spec.owner_name, err);
      break;
    case O_ID:
      good = text_arg(optarg, "--id-number", a->birth.id_number, sizeof a->birth.id_number, err);
      break;
    case O_NAME:
      good = text_arg(optarg, "--name", a->birth.name, sizeof a->birth.name, err);
      break;
    case O_MOTHER:
      good = id_arg(optarg, "--mother", a->birth.mother, err);
      break;
    case O_FATHER:
      good = id_arg(optarg, "--father", a->birth.father, err);
      break;
    case O_HOUSEHOLD:
      good =
          text_arg(optarg, "--household", a->birth.household_no, sizeof a->birth.household_no, err);
      break;
    default:
      usage(stderr);
      return HK_EXIT_USAGE;
    }
    if (!good)
      return hk_cli_fail(cmd, err);
  }
  return -1;
}

/* The actor, the store, the call: what every subcommand ends with. */
static int finish(const char *cmd, hk_status rc, json_t *out, const hk_error *err)
{
  if (rc != HK_OK) {
    json_decref(out);
    return hk_cli_fail(cmd, err);
  }
  return print_json(out);
}

static int actor_of(const char *cmd, const cli_args *a, hk_actor *who, hk_error *err)
{
  if (hk_cli_actor_parse(a->as, who) != 0) {
    hk_error_set(err, HK_EINVAL, "--as", "officer:DIVISION, supervisor:DIVISION or system");
    return hk_cli_fail(cmd, err);
  }
  return -1;
}

int hk_cmd_household(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "search") == 0)
    return hk_cli_search(argc - 1, argv + 1, true);
  if (argc < 2 || hk_cli_wants_help(argc, argv)) {
    household_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? HK_EXIT_USAGE : HK_EXIT_OK;
  }
  static const char *const subs[] = {"create", "show", "add", "remove", "head", "split", NULL};
  int sub = -1;
  for (int i = 0; subs[i]; i++)
    if (strcmp(argv[1], subs[i]) == 0)
      sub = i;
  if (sub < 0) {
    household_usage(stderr);
    return HK_EXIT_USAGE;
  }
  static const int create_opts[] = {O_DB,         O_AS,         O_TODAY,   O_KIND, O_DIVISION,
                                    O_URBAN,      O_RURAL,      O_ADDRESS, O_HEAD, O_OWNER,
                                    O_OWNER_CODE, O_OWNER_NAME, 0};
  static const int show_opts[] = {O_DB, O_AS, 0};
  static const int member_opts[] = {O_DB, O_AS, O_TODAY, 0};
  static const int remove_opts[] = {O_DB, O_AS, O_TODAY, O_ADDRESS, 0};
  static const int split_opts[] = {O_DB, O_AS, O_TODAY, O_ADDRESS, O_HEAD, 0};
  const int *allowed[] = {create_opts, show_opts,   member_opts,
                          remove_opts, member_opts, split_opts};
  /* Positionals: create none, show NUMBER, add/remove/head NUMBER ID, split NUMBER ID... */
  const int min_pos[] = {0, 1, 2, 2, 2, 2}, max_pos[] = {0, 1, 2, 2, 2, 1 + HK_SPLIT_MAX};
  cli_args a;
  hk_error err = {0};
  int exit = parse("household", argc - 1, argv + 1, allowed[sub], household_usage, &a, &err);
  if (exit >= 0)
    return exit;
  int first = optind + 1, n = argc - first;
  if (n < min_pos[sub] || n > max_pos[sub]) {
    household_usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_actor who;
  if ((exit = actor_of("household", &a, &who, &err)) >= 0)
    return exit;
  char ids[HK_SPLIT_MAX][HK_IDNUM_LEN + 1];
  const char *members[HK_SPLIT_MAX];
  for (int i = 1; i < n; i++) {
    if (!id_arg(argv[first + i], "ID_NUMBER", ids[i - 1], &err))
      return hk_cli_fail("household", &err);
    members[i - 1] = ids[i - 1];
  }
  if (sub == 0) {
    snprintf(a.spec.head, sizeof a.spec.head, "%s", a.head);
    if (!a.seen[O_KIND] || !a.seen[O_DIVISION]) {
      hk_error_set(&err, HK_EINVAL, a.seen[O_KIND] ? "--division" : "--kind", "missing");
      return hk_cli_fail("household", &err);
    }
  }
  if (sub == 5 && !a.seen[O_HEAD]) {
    hk_error_set(&err, HK_EINVAL, "--head", "missing: who heads the new household");
    return hk_cli_fail("household", &err);
  }
  hk_store *st =
      hk_cli_open_store("household", a.db, sub == 1 ? HK_STORE_READONLY : HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  const char *number = n ? argv[first] : NULL;
  json_t *out = NULL;
  hk_status rc;
  switch (sub) {
  case 0:
    rc = hk_household_create(st, &who, &a.spec, a.today, &out, &err);
    break;
  case 1:
    rc = hk_household_show(st, &who, number, &out, &err);
    break;
  case 2:
    rc = hk_household_add(st, &who, number, ids[0], a.today, &out, &err);
    break;
  case 3:
    rc = hk_household_remove(st, &who, number, ids[0], a.address, a.today, &out, &err);
    break;
  case 4:
    rc = hk_household_set_head(st, &who, number, ids[0], a.today, &out, &err);
    break;
  default:
    rc = hk_household_split(st, &who, number, members, (size_t)(n - 1), a.head, a.address, a.today,
                            &out, &err);
    break;
  }
  hk_store_close(st);
  return finish("household", rc, out, &err);
}

int hk_cmd_birth(int argc, char **argv)
{
  if (hk_cli_wants_help(argc, argv)) {
    birth_usage(stdout);
    return HK_EXIT_OK;
  }
  static const int opts[] = {O_DB,   O_AS,     O_TODAY,  O_ID,        O_BORN,
                             O_NAME, O_MOTHER, O_FATHER, O_HOUSEHOLD, 0};
  cli_args a;
  hk_error err = {0};
  int exit = parse("birth", argc, argv, opts, birth_usage, &a, &err);
  if (exit >= 0)
    return exit;
  if (optind != argc || !a.seen[O_ID] || !a.seen[O_BORN]) {
    birth_usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_actor who;
  if ((exit = actor_of("birth", &a, &who, &err)) >= 0)
    return exit;
  hk_store *st = hk_cli_open_store("birth", a.db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  json_t *out = NULL;
  hk_status rc = hk_birth_register(st, &who, &a.birth, a.today, &out, &err);
  hk_store_close(st);
  return finish("birth", rc, out, &err);
}

int hk_cmd_death(int argc, char **argv)
{
  if (hk_cli_wants_help(argc, argv)) {
    death_usage(stdout);
    return HK_EXIT_OK;
  }
  static const int opts[] = {O_DB, O_AS, O_TODAY, O_DIED, 0};
  cli_args a;
  hk_error err = {0};
  int exit = parse("death", argc, argv, opts, death_usage, &a, &err);
  if (exit >= 0)
    return exit;
  if (optind != argc - 1 || !a.seen[O_DIED]) {
    death_usage(stderr);
    return HK_EXIT_USAGE;
  }
  char id[HK_IDNUM_LEN + 1];
  if (!id_arg(argv[optind], "ID_NUMBER", id, &err))
    return hk_cli_fail("death", &err);
  hk_actor who;
  if ((exit = actor_of("death", &a, &who, &err)) >= 0)
    return exit;
  hk_store *st = hk_cli_open_store("death", a.db, HK_STORE_EXISTING, &exit);
  if (st == NULL)
    return exit;
  json_t *out = NULL;
  hk_status rc = hk_death_register(st, &who, id, a.died, a.today, &out, &err);
  hk_store_close(st);
  return finish("death", rc, out, &err);
}
