/* hukou division show CODE... : look up administrative divisions (GB/T 2260). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/division.h"
#include "core/error.h"
#include "core/json.h"

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou division show CODE...\n"
        "  查询行政区划代码（GB/T 2260，含已撤销的历史代码），每个代码输出一行 JSON：\n"
        "  code、name、type、current（是否现行）、parent、city、province。\n"
        "  Looks up 6-digit division codes (GB/T 2260, historical codes included) and prints\n"
        "  one JSON object per code: code, name, type, current, parent, city, province.\n"
        "  退出码 / exit: 0 全部找到 all found, 1 有未知代码 some unknown,\n"
        "                 2 代码格式错误或用法错误 malformed code or usage\n",
        out);
}

static void print_division(const hk_division *d)
{
  json_t *o = hk_json_division_object(d);
  char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  puts(text ? text : "{}");
  free(text);
  json_decref(o);
}

/* Show one code; returns its exit status. */
static int show_one(const char *arg)
{
  hk_error err;
  int32_t code;
  if (!hk_division_parse(arg, &code)) {
    /* Quote the argument only when it is short printable ASCII: it is user input that may be
     * anything, and the message must stay readable. */
    size_t len = strlen(arg);
    int printable = len <= 32;
    for (size_t i = 0; printable && i < len; i++)
      printable = arg[i] >= 0x20 && arg[i] < 0x7f;
    hk_error_set(&err, HK_EINVAL, "code", "\"%s\" is not a six-digit division code",
                 printable ? arg : "(unprintable)");
    return hk_cli_fail("division", &err);
  }
  const hk_division *d = hk_division_find(code);
  if (d == NULL) {
    hk_error_set(&err, HK_ENOTFOUND, "code", "%06d is not a known division code", (int)code);
    return hk_cli_fail("division", &err);
  }
  print_division(d);
  return HK_EXIT_OK;
}

int hk_cmd_division(int argc, char **argv)
{
  if (hk_cli_wants_help(argc, argv)) {
    usage(stdout);
    return HK_EXIT_OK;
  }
  if (argc < 3 || strcmp(argv[1], "show") != 0) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  /* Every code is answered, so one bad code does not hide the others; the exit status is the
   * worst seen (bad input 2 over not found 1). */
  int status = HK_EXIT_OK;
  for (int i = 2; i < argc; i++) {
    int s = show_one(argv[i]);
    if (s > status)
      status = s;
  }
  return status;
}
