/* hukou application attach|material : materials attached to an application (issue 10), the
 * command line's face of service/material.h (cmd_application.c hands these two over). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/idnum.h"
#include "service/material.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs("用法 / usage:\n"
        "  hukou application attach   --db PATH [--as ACTOR] [--step STEP] [--name NAME]\n"
        "                             [--max-mib N] [--per-application N] ID FILE|-\n"
        "  hukou application material --db PATH [--as ACTOR] ID [MID --out FILE|-]\n"
        "  attach: 为申请上传材料（租赁合同、劳动合同、学历证书、出生医学证明…）/ attach a file\n"
        "          to application ID. 按内容识别类型，只收 PDF、JPEG、PNG / the type is read\n"
        "          from the content: PDF, JPEG or PNG; at most --max-mib MiB (default 10) and\n"
        "          --per-application files (default 20). The same content attached again gives\n"
        "          back the material already there. --name: the file name to keep (default\n"
        "          FILE's own); --step: submit or an action (default supply_material while\n"
        "          material is requested, else submit).\n"
        "  material: 列出申请的材料，或把材料 MID 写入 --out / list the application's\n"
        "          materials, or write material MID to --out (- for stdout).\n"
        "  ACTOR:  officer:DIVISION, supervisor:DIVISION, resident:ID_NUMBER, system (默认)\n"
        "  退出码 / exit: 0 完成 done, 1 拒绝或失败 refused or failed, 2 输入有误 bad input\n",
        out);
}

/* The command errors are reported under: "application", or "facts" (hk_cmd_facts_material). */
static const char *command = "application";

static int fail(hk_status code, const char *field, const char *detail)
{
  hk_error err;
  hk_error_set(&err, code, field, "%s", detail);
  return hk_cli_fail(command, &err);
}

static int64_t positive(const char *s)
{
  char *end;
  long long v = strtoll(s, &end, 10);
  return *end || s[0] < '1' || s[0] > '9' || v <= 0 ? 0 : (int64_t)v;
}

/* The whole of FILE (or stdin for "-"), refused past max bytes without reading it all. */
static int read_all(const char *path, size_t max, char **data, size_t *size)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (f == NULL)
    return fail(HK_EIO, "FILE", "cannot open the file");
  size_t cap = (size_t)1 << 16, n = 0;
  char *buf = malloc(cap);
  int rc = buf ? HK_EXIT_OK : fail(HK_ENOMEM, "FILE", "out of memory");
  while (rc == HK_EXIT_OK) {
    if (n == cap) {
      char *g = realloc(buf, cap * 2);
      if (g == NULL) {
        rc = fail(HK_ENOMEM, "FILE", "out of memory");
        break;
      }
      buf = g;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n > max)
      rc = fail(HK_ETOOBIG, "FILE", "larger than the limit (--max-mib)");
    else if (got == 0 && ferror(f))
      rc = fail(HK_EIO, "FILE", "read failed");
    else if (got == 0)
      break;
  }
  if (f != stdin)
    fclose(f);
  if (rc != HK_EXIT_OK) {
    free(buf);
    return rc;
  }
  *data = buf;
  *size = n;
  return HK_EXIT_OK;
}

static int print_json(json_t *o)
{
  char *text = json_dumps(o, JSON_INDENT(2));
  puts(text ? text : "null");
  free(text);
  json_decref(o);
  return HK_EXIT_OK;
}

int hk_cmd_application_material(int argc, char **argv)
{
  enum { O_DB = 1, O_AS, O_STEP, O_NAME, O_MAX, O_PER, O_OUT };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"as", required_argument, NULL, O_AS},
                                       {"step", required_argument, NULL, O_STEP},
                                       {"name", required_argument, NULL, O_NAME},
                                       {"max-mib", required_argument, NULL, O_MAX},
                                       {"per-application", required_argument, NULL, O_PER},
                                       {"out", required_argument, NULL, O_OUT},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  /* argv[0] is "attach" or "material". */
  command = "application";
  bool attach = strcmp(argv[0], "attach") == 0;
  const char *db = NULL, *as = NULL, *step = NULL, *name = NULL, *out_path = NULL;
  hk_material_config cfg = {0};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_DB:
      db = optarg;
      break;
    case O_AS:
      as = optarg;
      break;
    case O_STEP:
      step = optarg;
      break;
    case O_NAME:
      name = optarg;
      break;
    case O_OUT:
      out_path = optarg;
      break;
    case O_MAX:
    case O_PER: {
      int64_t v = positive(optarg);
      if (v <= 0 || v > (c == O_MAX ? 100 : 1000))
        return fail(HK_EINVAL, c == O_MAX ? "--max-mib" : "--per-application",
                    c == O_MAX ? "a number of MiB from 1 to 100" : "a number from 1 to 1000");
      if (c == O_MAX)
        cfg.max_bytes = (size_t)v << 20;
      else
        cfg.per_application = (int)v;
      break;
    }
    case 'h':
      usage(stdout);
      return HK_EXIT_OK;
    default:
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  int left = argc - optind;
  if ((attach && left != 2) || (!attach && left != 1 && left != 2) ||
      (!attach && (left == 2) != (out_path != NULL)) || (attach && (out_path != NULL)) ||
      (!attach && (step || name))) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_actor who;
  if (hk_cli_actor_parse(as, &who) != 0)
    return fail(HK_EINVAL, "--as",
                "officer:DIVISION, supervisor:DIVISION, resident:ID_NUMBER or "
                "system");
  int64_t id = positive(argv[optind]);
  if (id == 0)
    return fail(HK_EINVAL, "ID", "not an application number");
  int64_t mid = 0;
  if (!attach && left == 2 && (mid = positive(argv[optind + 1])) == 0)
    return fail(HK_EINVAL, "MID", "not a material number");
  char *data = NULL;
  size_t size = 0;
  if (attach) {
    int rc = read_all(argv[optind + 1], hk_material_max_bytes(&cfg), &data, &size);
    if (rc != HK_EXIT_OK)
      return rc;
  }
  int exit = HK_EXIT_OK;
  hk_store *st =
      hk_cli_open_store("application", db, attach ? HK_STORE_EXISTING : HK_STORE_READONLY, &exit);
  if (st == NULL) {
    free(data);
    return exit;
  }
  hk_error err = {0};
  json_t *out = NULL;
  hk_status rc;
  uint8_t *content = NULL;
  hk_material_row row;
  memset(&row, 0, sizeof row);
  if (attach) {
    const char *file = argv[optind + 1];
    const char *base = strrchr(file, '/');
    const char *keep = name ? name : strcmp(file, "-") == 0 ? NULL : base ? base + 1 : file;
    hk_material_upload up = {.data = data,
                             .size = size,
                             .name = keep,
                             .name_len = keep ? strlen(keep) : 0,
                             .name_field = name ? "--name" : "FILE",
                             .data_field = "FILE",
                             .step = step};
    bool created = false;
    rc = hk_material_attach(st, &cfg, &who, id, &up, &out, &created, NULL, &err);
  } else if (mid == 0) {
    rc = hk_material_list(st, &who, id, &out, NULL, &err);
  } else {
    rc = hk_material_read(st, &who, id, mid, &row, &content, &size, NULL, &err);
  }
  hk_store_close(st);
  free(data);
  if (rc != HK_OK) {
    free(content);
    json_decref(out);
    return hk_cli_fail("application", &err);
  }
  if (content == NULL)
    return print_json(out);
  bool to_stdout = strcmp(out_path, "-") == 0;
  FILE *f = to_stdout ? stdout : fopen(out_path, "wb");
  bool ok = f && fwrite(content, 1, size, f) == size;
  if (f && !to_stdout)
    ok = fclose(f) == 0 && ok;
  free(content);
  if (!ok)
    return fail(HK_EIO, "--out", "cannot write the file");
  if (!to_stdout)
    return print_json(hk_material_json(&row));
  return HK_EXIT_OK;
}

/* hukou facts attach|material: files behind a fact entry (issue 10, material_fact.c). */
static void facts_usage(FILE *out)
{
  fputs(
      "用法 / usage:\n"
      "  hukou facts attach   --db PATH [--as ACTOR] [--name NAME] [--max-mib N]\n"
      "                       ID_NUMBER ENTRY FILE|-\n"
      "  hukou facts material --db PATH [--as ACTOR] ID_NUMBER ENTRY [MID --out FILE|-]\n"
      "  attach: 为申报记录上传证明材料（租赁合同、劳动合同、学历证书…）/ attach the document\n"
      "          behind fact entry ENTRY (as `facts list` shows): PDF, JPEG or PNG by content, at\n"
      "          most --max-mib MiB (default 10), 20 files an entry. 居民只为自己的申报上传 /\n"
      "          residents attach to their own declarations only.\n"
      "  material: 列出记录的材料，或把材料 MID 写入 --out / list the entry's materials, or\n"
      "          write material MID to --out (- for stdout). ENTRY 0 lists every entry's.\n"
      "  ACTOR:  officer:DIVISION, supervisor:DIVISION, resident:ID_NUMBER, system (默认)\n"
      "  退出码 / exit: 0 完成 done, 1 拒绝或失败 refused or failed, 2 输入有误 bad input\n",
      out);
}

int hk_cmd_facts_material(int argc, char **argv)
{
  enum { O_DB = 1, O_AS, O_NAME, O_MAX, O_OUT };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"as", required_argument, NULL, O_AS},
                                       {"name", required_argument, NULL, O_NAME},
                                       {"max-mib", required_argument, NULL, O_MAX},
                                       {"out", required_argument, NULL, O_OUT},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  command = "facts";
  bool attach = strcmp(argv[0], "attach") == 0;
  const char *db = NULL, *as = NULL, *name = NULL, *out_path = NULL;
  hk_material_config cfg = {0};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_DB:
      db = optarg;
      break;
    case O_AS:
      as = optarg;
      break;
    case O_NAME:
      name = optarg;
      break;
    case O_OUT:
      out_path = optarg;
      break;
    case O_MAX: {
      int64_t v = positive(optarg);
      if (v <= 0 || v > 100)
        return fail(HK_EINVAL, "--max-mib", "a number of MiB from 1 to 100");
      cfg.max_bytes = (size_t)v << 20;
      break;
    }
    case 'h':
      facts_usage(stdout);
      return HK_EXIT_OK;
    default:
      facts_usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  int left = argc - optind;
  if ((attach && (left != 3 || out_path)) ||
      (!attach && ((left != 2 && left != 3) || (left == 3) != (out_path != NULL) || name))) {
    facts_usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_actor who;
  if (hk_cli_actor_parse(as, &who) != 0)
    return fail(HK_EINVAL, "--as",
                "officer:DIVISION, supervisor:DIVISION, resident:ID_NUMBER or "
                "system");
  hk_idnum id;
  if (!hk_idnum_check(argv[optind], hk_date_today(), &id))
    return fail(HK_EINVAL, "ID_NUMBER", "not a valid ID number");
  const char *e = argv[optind + 1];
  int64_t entry = strcmp(e, "0") == 0 && !attach ? 0 : positive(e);
  if (entry == 0 && (attach || strcmp(e, "0") != 0))
    return fail(HK_EINVAL, "ENTRY", "not an entry number");
  int64_t mid = 0;
  if (!attach && left == 3 && (mid = positive(argv[optind + 2])) == 0)
    return fail(HK_EINVAL, "MID", "not a material number");
  char *data = NULL;
  size_t size = 0;
  if (attach) {
    int rc = read_all(argv[optind + 2], hk_material_max_bytes(&cfg), &data, &size);
    if (rc != HK_EXIT_OK)
      return rc;
  }
  int exit = HK_EXIT_OK;
  hk_store *st =
      hk_cli_open_store("facts", db, attach ? HK_STORE_EXISTING : HK_STORE_READONLY, &exit);
  if (st == NULL) {
    free(data);
    return exit;
  }
  hk_error err = {0};
  json_t *out = NULL;
  hk_status rc;
  uint8_t *content = NULL;
  hk_material_row row;
  memset(&row, 0, sizeof row);
  if (attach) {
    const char *file = argv[optind + 2];
    const char *base = strrchr(file, '/');
    const char *keep = name ? name : strcmp(file, "-") == 0 ? NULL : base ? base + 1 : file;
    hk_material_upload up = {.data = data,
                             .size = size,
                             .name = keep,
                             .name_len = keep ? strlen(keep) : 0,
                             .name_field = name ? "--name" : "FILE",
                             .data_field = "FILE"};
    bool created = false;
    rc = hk_material_fact_attach(st, &cfg, &who, id.number, entry, &up, &out, &created, &err);
  } else if (mid == 0) {
    rc = hk_material_fact_list(st, &who, id.number, entry, &out, &err);
  } else {
    rc = hk_material_fact_read(st, &who, id.number, entry, mid, &row, &content, &size, &err);
  }
  hk_store_close(st);
  free(data);
  if (rc != HK_OK) {
    free(content);
    json_decref(out);
    return hk_cli_fail("facts", &err);
  }
  if (content == NULL)
    return print_json(out);
  bool to_stdout = strcmp(out_path, "-") == 0;
  FILE *f = to_stdout ? stdout : fopen(out_path, "wb");
  bool ok = f && fwrite(content, 1, size, f) == size;
  if (f && !to_stdout)
    ok = fclose(f) == 0 && ok;
  free(content);
  if (!ok)
    return fail(HK_EIO, "--out", "cannot write the file");
  if (!to_stdout)
    return print_json(hk_material_json(&row));
  return HK_EXIT_OK;
}
