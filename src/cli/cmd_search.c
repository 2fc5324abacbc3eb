/* hukou person search / hukou household search : an officer's search of the registry (issue 10;
 * service/search.h), the same request and answer as POST /api/v1/persons/search and
 * /api/v1/households/search. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/date.h"
#include "service/actor.h"
#include "service/search.h"
#include "store/store.h"

static void usage(FILE *out, bool households)
{
  if (households)
    fputs("用法 / usage: hukou household search --db PATH [--as ACTOR] [--number PREFIX]\n"
          "                [--address TEXT] [--head NAME] [--area DIVISION] [--limit N]\n"
          "                [--after NEXT]\n"
          "  在辖区内按户号（前缀）、地址（至少 3 个字）或户主姓名（至少 2 个字）查找户。\n"
          "  Finds households of the jurisdiction by number prefix, address (3 characters or\n"
          "  more) or head's name (2 or more), as JSON {\"households\", \"next\"}.\n",
          out);
  else
    fputs("用法 / usage: hukou person search --db PATH [--as ACTOR] [--id ID_NUMBER]\n"
          "                [--name NAME] [--address TEXT] [--area DIVISION] [--limit N]\n"
          "                [--after NEXT]\n"
          "  在辖区内按身份证号、姓名（前缀或 2-4 字姓名中的片段，至少 2 个字）或地址（至少\n"
          "  3 个字）查找人员；号码打码显示。\n"
          "  Finds persons of the jurisdiction (hukou or active residence registration) by ID\n"
          "  number, name (a prefix, or a fragment of a 2-4 character name: 2 characters or\n"
          "  more) or address (3 or more), with masked numbers, as JSON {\"persons\", \"next\"}.\n",
          out);
  fputs("  ACTOR: officer:DIVISION, supervisor:DIVISION, system (默认 / the default)\n"
        "  退出码 / exit: 0 完成 done, 1 无权 refused, 2 输入有误 bad input (the field is named)\n",
        out);
}

int hk_cli_search(int argc, char **argv, bool households)
{
  const char *command = households ? "household search" : "person search";
  enum { O_DB = 1, O_AS, O_ID, O_NAME, O_ADDRESS, O_NUMBER, O_HEAD, O_AREA, O_LIMIT, O_AFTER };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"as", required_argument, NULL, O_AS},
                                       {"id", required_argument, NULL, O_ID},
                                       {"name", required_argument, NULL, O_NAME},
                                       {"address", required_argument, NULL, O_ADDRESS},
                                       {"number", required_argument, NULL, O_NUMBER},
                                       {"head", required_argument, NULL, O_HEAD},
                                       {"area", required_argument, NULL, O_AREA},
                                       {"limit", required_argument, NULL, O_LIMIT},
                                       {"after", required_argument, NULL, O_AFTER},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  if (hk_cli_wants_help(argc, argv)) {
    usage(stdout, households);
    return HK_EXIT_OK;
  }
  const char *db = NULL, *as = NULL;
  json_t *doc = json_object();
  hk_error err = {0};
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    /* Options become the API's request body, read by the same function. */
    static const char *const keys[] = {NULL,     NULL,   NULL,   "id_number", "name", "address",
                                       "number", "head", "area", "limit",     "after"};
    if (c == O_DB) {
      db = optarg;
    } else if (c == O_AS) {
      as = optarg;
    } else if (c == O_LIMIT) {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || optarg[0] == '\0') {
        json_decref(doc);
        hk_error_set(&err, HK_EINVAL, "limit", "not a number");
        return hk_cli_fail(command, &err);
      }
      json_object_set_new(doc, "limit", json_integer(v));
    } else if (c >= O_ID && c <= O_AFTER) {
      json_object_set_new(doc, keys[c], json_string(optarg));
    } else {
      json_decref(doc);
      usage(stderr, households);
      return HK_EXIT_USAGE;
    }
  }
  if (db == NULL || optind != argc) {
    json_decref(doc);
    usage(stderr, households);
    return HK_EXIT_USAGE;
  }
  hk_search_request r;
  hk_status rc = hk_search_request_read(doc, households, hk_date_today(), &r, &err);
  json_decref(doc);
  if (rc != HK_OK)
    return hk_cli_fail(command, &err);
  hk_actor who;
  if (hk_cli_actor_parse(as, &who) != 0) {
    hk_error_set(&err, HK_EINVAL, "--as", "officer:DIVISION, supervisor:DIVISION or system");
    return hk_cli_fail(command, &err);
  }
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store(command, db, HK_STORE_READONLY, &exit);
  if (st == NULL)
    return exit;
  json_t *out = NULL;
  rc = households ? hk_search_households(st, &who, &r, NULL, NULL, &out, &err)
                  : hk_search_persons(st, &who, &r, NULL, NULL, &out, &err);
  hk_store_close(st);
  if (rc != HK_OK)
    return hk_cli_fail(command, &err);
  char *text = json_dumps(out, JSON_INDENT(2));
  puts(text ? text : "{}");
  free(text);
  json_decref(out);
  return HK_EXIT_OK;
}
