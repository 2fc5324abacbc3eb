/* hukou id check NUMBER... : validate resident ID numbers (GB 11643-1999). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/division.h"
#include "core/idnum.h"
#include "core/json.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou id check NUMBER... | -\n"
        "  检查公民身份号码（GB 11643-1999），每个号码输出一行 JSON；15 位号码升级为 18 位。\n"
        "  Checks resident ID numbers, one JSON object per line; 15-digit numbers are upgraded.\n"
        "  \"-\" reads numbers from standard input, one per line.\n"
        "  退出码 / exit: 0 全部有效 all valid, 1 有无效号码 some invalid, 2 用法错误 usage\n",
        out);
}

/* Print the check of one number; returns whether it was valid. */
static int check_one(const char *input, hk_date today)
{
  hk_idnum id;
  bool valid = hk_idnum_check(input, today, &id);
  json_t *o = json_object();
  json_object_set_new(o, "input", json_string(input));
  json_object_set_new(o, "valid", json_boolean(valid));
  json_object_set_new(o, "id_number", valid ? json_string(id.number) : json_null());
  json_object_set_new(o, "upgraded", json_boolean(id.upgraded));
  hk_json_set_date(o, "birth_date", id.birth_date);
  json_object_set_new(o, "sex", id.sex ? json_stringn(&id.sex, 1) : json_null());
  hk_json_set_division(o, "division", id.division);
  const hk_division *d = id.division ? hk_division_find(id.division) : NULL;
  json_object_set_new(o, "division_name", d ? json_string(d->name) : json_null());
  if (!valid)
    json_object_set_new(o, "error", json_string(hk_idnum_fault_name(id.fault)));
  /* json_string() refuses invalid UTF-8: fall back to an escaped form so nothing crashes. */
  if (json_object_get(o, "input") == NULL)
    json_object_set_new(o, "input", json_string("<not UTF-8>"));
  char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  puts(text ? text : "{}");
  free(text);
  json_decref(o);
  return valid;
}

int hk_cmd_id(int argc, char **argv)
{
  if (hk_cli_wants_help(argc, argv)) {
    usage(stdout);
    return HK_EXIT_OK;
  }
  if (argc < 3 || strcmp(argv[1], "check") != 0) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_date today = hk_date_today();
  int all_valid = 1;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "-") != 0) {
      all_valid &= check_one(argv[i], today);
      continue;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
      while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
      if (len > 0)
        all_valid &= check_one(line, today);
    }
    free(line);
  }
  return all_valid ? HK_EXIT_OK : HK_EXIT_FAIL;
}
