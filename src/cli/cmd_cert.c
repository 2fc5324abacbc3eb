/* hukou cert issue|list|show|pdf|revoke|status|verify: electronic certificates (三)(九), issue
 * 12. verify needs no database (cmd_cert_verify.c); the others act on the registry through
 * service/certificate.h. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cert/pdf.h"
#include "cli/cli.h"
#include "core/division.h"
#include "core/idnum.h"
#include "service/certificate.h"
#include "store/store.h"

static void usage(FILE *out)
{
  fputs("用法 / usage:\n"
        "  hukou cert issue --type T --person ID --db PATH --keys DIR [--as ACTOR] [--today D]\n"
        "  hukou cert issue --all --area CODE --db PATH --keys DIR [--as ACTOR] [--today D]\n"
        "  hukou cert list --person ID --db PATH [--as ACTOR]\n"
        "  hukou cert show CERT_ID --db PATH [--keys DIR] [--as ACTOR] [--json]\n"
        "  hukou cert pdf CERT_ID --out FILE --db PATH [--keys DIR] [--as ACTOR]\n"
        "  hukou cert revoke CERT_ID --reason R [--suspend|--reinstate] --db PATH [--as ACTOR]\n"
        "  hukou cert status --out FILE --db PATH --keys DIR [--ttl SECONDS]\n"
        "  hukou cert verify (QRTEXT|--file F|-) --keys DIR|JWKS_FILE [--status TOKEN_FILE]\n"
        "                    [--now DATE] [--holder ID]\n"
        "  电子证照（三）（九）/ electronic certificates (三)(九):\n"
        "    issue   按申请签发：hukou_proof（户籍证明）或 residence_receipt（居住登记凭证）；\n"
        "            其他证照随其事项签发 / on request: hukou_proof or residence_receipt; the\n"
        "            others come with their events (permit, settlement approval); --all --area:\n"
        "            该地区每张有效居住证的电子居住证（含进度条）/ an electronic permit for every\n"
        "            active permit of the area that has none (with a progress bar)\n"
        "    list    某人的证照，最新在前 / a person's certificates, newest first\n"
        "    show    证照内容与二维码文本（首次查看时签名）/ the fields and the QR text (signed\n"
        "            when first shown)\n"
        "    pdf     A4 证照页（含二维码）/ the A4 page with its QR code\n"
        "    revoke  撤销（默认）、中止（--suspend）或恢复（--reinstate），须写明理由 / revoke\n"
        "            (default), suspend or reinstate, with a reason\n"
        "    status  签名的状态列表 / the signed status list (application/statuslist+cwt)\n"
        "    verify  离线核验：签名、有效期；给出 --status 时核验状态 / offline: signature and\n"
        "            validity; the status too when --status gives a list\n"
        "  ACTOR: resident:ID_NUMBER, officer:DIVISION, supervisor:DIVISION, system (默认)\n"
        "  退出码 / exit: 0 完成（verify：有效）done (verify: valid), 1 拒绝或无效 refused or not\n"
        "  valid, 2 输入有误 bad input\n",
        out);
}

typedef struct cert_opts {
  const char *db, *keys, *as, *type, *person, *out, *reason, *file, *status, *now, *holder, *area;
  bool json, suspend, reinstate, all;
  int64_t ttl;
  hk_date today;
  const char *arg; /* the positional: CERT_ID or QRTEXT */
} cert_opts;

static int parse(int argc, char **argv, cert_opts *o)
{
  enum {
    O_DB = 1,
    O_KEYS,
    O_AS,
    O_TODAY,
    O_TYPE,
    O_PERSON,
    O_JSON,
    O_OUT,
    O_REASON,
    O_SUSPEND,
    O_REINSTATE,
    O_FILE,
    O_STATUS,
    O_NOW,
    O_HOLDER,
    O_TTL,
    O_ALL,
    O_AREA
  };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"keys", required_argument, NULL, O_KEYS},
                                       {"as", required_argument, NULL, O_AS},
                                       {"today", required_argument, NULL, O_TODAY},
                                       {"type", required_argument, NULL, O_TYPE},
                                       {"person", required_argument, NULL, O_PERSON},
                                       {"json", no_argument, NULL, O_JSON},
                                       {"out", required_argument, NULL, O_OUT},
                                       {"reason", required_argument, NULL, O_REASON},
                                       {"suspend", no_argument, NULL, O_SUSPEND},
                                       {"reinstate", no_argument, NULL, O_REINSTATE},
                                       {"file", required_argument, NULL, O_FILE},
                                       {"status", required_argument, NULL, O_STATUS},
                                       {"now", required_argument, NULL, O_NOW},
                                       {"holder", required_argument, NULL, O_HOLDER},
                                       {"ttl", required_argument, NULL, O_TTL},
                                       {"all", no_argument, NULL, O_ALL},
                                       {"area", required_argument, NULL, O_AREA},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  memset(o, 0, sizeof *o);
  o->today = hk_date_today();
  o->ttl = 86400;
  hk_error err = {0};
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_DB:
      o->db = optarg;
      break;
    case O_KEYS:
      o->keys = optarg;
      break;
    case O_AS:
      o->as = optarg;
      break;
    case O_TODAY:
      if (!hk_date_parse(optarg, &o->today)) {
        hk_error_set(&err, HK_EINVAL, "--today", "not a date (YYYY-MM-DD)");
        return hk_cli_fail("cert", &err);
      }
      break;
    case O_TYPE:
      o->type = optarg;
      break;
    case O_PERSON:
      o->person = optarg;
      break;
    case O_JSON:
      o->json = true;
      break;
    case O_OUT:
      o->out = optarg;
      break;
    case O_REASON:
      o->reason = optarg;
      break;
    case O_SUSPEND:
      o->suspend = true;
      break;
    case O_REINSTATE:
      o->reinstate = true;
      break;
    case O_FILE:
      o->file = optarg;
      break;
    case O_STATUS:
      o->status = optarg;
      break;
    case O_NOW:
      o->now = optarg;
      break;
    case O_HOLDER:
      o->holder = optarg;
      break;
    case O_TTL: {
      char *end = NULL;
      o->ttl = strtoll(optarg, &end, 10);
      if (end == optarg || *end != '\0' || o->ttl <= 0 || o->ttl > (int64_t)366 * 86400) {
        hk_error_set(&err, HK_EINVAL, "--ttl", "seconds, 1 to 31622400");
        return hk_cli_fail("cert", &err);
      }
      break;
    }
    case O_ALL:
      o->all = true;
      break;
    case O_AREA:
      o->area = optarg;
      break;
    case 'h':
      usage(stdout);
      return HK_EXIT_OK;
    default:
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  if (optind < argc)
    o->arg = argv[optind++];
  if (optind < argc) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  return -1;
}

static int missing(const char *option)
{
  hk_error err = {0};
  hk_error_set_both(&err, HK_EINVAL, option, "缺少此项", "missing");
  return hk_cli_fail("cert", &err);
}

static int print_json(json_t *o)
{
  char *text = json_dumps(o, JSON_INDENT(2));
  puts(text ? text : "null");
  free(text);
  json_decref(o);
  return HK_EXIT_OK;
}

static const char *str(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "—";
}

/* The fields labelled, Chinese then English, and the QR text. */
static void print_text(const json_t *o)
{
  const hk_division *d = NULL;
  int32_t issuer = 0;
  if (hk_division_parse(str(o, "issuer"), &issuer))
    d = hk_division_find(issuer);
  printf("%s / %s\n", str(o, "type_zh"), str(o, "type_en"));
  printf("  证照编号 / Identifier: %s\n", str(o, "id"));
  printf("  签发机关 / Issuer: %s %s\n", str(o, "issuer"), d ? d->name : "");
  printf("  签发时间 / Issued at: %s\n", str(o, "issued_at"));
  printf("  生效时间 / Valid from: %s\n", str(o, "valid_from"));
  printf("  有效期至 / Valid until: %s\n", json_is_null(json_object_get(o, "valid_until"))
                                               ? "长期 / no expiry"
                                               : str(o, "valid_until"));
  const char *reason = json_string_value(json_object_get(o, "status_reason"));
  bool has_reason = reason != NULL && reason[0] != '\0';
  printf("  状态 / Status: %s%s%s\n", str(o, "status"), has_reason ? " — " : "",
         has_reason ? reason : "");
  printf("  姓名 / Name: %s\n", str(o, "name"));
  printf("  公民身份号码 / ID number: %s\n", str(o, "id_masked"));
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(o, "fields"), i, f)
  {
    printf("  %s / %s: %s\n", str(f, "label_zh"), str(f, "label_en"), str(f, "value"));
  }
  printf("  二维码 / QR: %s\n", str(o, "qr"));
}

static int open_keys(const char *dir, bool need_private, hk_cert_keyring **kr)
{
  hk_error err = {0};
  *kr = NULL;
  if (dir == NULL)
    return -1;
  if (hk_cert_keyring_open(dir, need_private, kr, &err) != HK_OK) {
    if (err.field[0] == '\0')
      snprintf(err.field, sizeof err.field, "--keys");
    return hk_cli_fail("cert", &err);
  }
  return -1;
}

static int check_person(const char *text, hk_date today, char out[HK_IDNUM_LEN + 1])
{
  hk_idnum idn;
  hk_error err = {0};
  if (text == NULL)
    return missing("--person");
  if (!hk_idnum_check(text, today, &idn)) {
    hk_error_set(&err, HK_EINVAL, "--person", "invalid ID number (%s)",
                 hk_idnum_fault_name(idn.fault));
    return hk_cli_fail("cert", &err);
  }
  memcpy(out, idn.number, HK_IDNUM_LEN + 1);
  return -1;
}

/* Write a file created 0600 (a status list is public, but the CLI creates nothing wider). */
static hk_status write_file(const char *path, const uint8_t *data, size_t len, hk_error *err)
{
  FILE *f = fopen(path, "wb");
  if (f == NULL)
    return hk_error_set(err, HK_EIO, "--out", "cannot create %s", path);
  size_t n = fwrite(data, 1, len, f);
  if (fclose(f) != 0 || n != len)
    return hk_error_set(err, HK_EIO, "--out", "cannot write %s", path);
  return HK_OK;
}

static void progress(size_t done, size_t total, void *cls)
{
  (void)cls;
  int width = 40, filled = total ? (int)(done * (size_t)width / total) : width;
  fprintf(stderr, "\r[%.*s%*s] %3d%% %zu/%zu", filled, "########################################",
          width - filled, "", total ? (int)(done * 100 / total) : 100, done, total);
  if (done == total)
    fputc('\n', stderr);
  fflush(stderr);
}

/* hukou cert issue --all --area CODE: every active permit of the area. */
static int issue_all(const cert_opts *o)
{
  hk_error err = {0};
  int32_t area = 0;
  if (o->area == NULL)
    return missing("--area");
  if (!hk_division_parse(o->area, &area) || hk_division_find(area) == NULL) {
    hk_error_set_both(&err, HK_EINVAL, "--area", "不是行政区划代码", "not a division code");
    return hk_cli_fail("cert", &err);
  }
  if (o->type && hk_cert_type_parse(o->type) != HK_CERT_RESIDENCE_PERMIT) {
    hk_error_set_both(&err, HK_EINVAL, "--type", "--all 只签发 residence_permit",
                      "--all issues residence_permit only");
    return hk_cli_fail("cert", &err);
  }
  if (o->keys == NULL)
    return missing("--keys");
  hk_actor who;
  if (hk_cli_actor_parse(o->as, &who) != 0) {
    hk_error_set(&err, HK_EINVAL, "--as",
                 "officer:DIVISION, supervisor:DIVISION, resident:ID_NUMBER or system");
    return hk_cli_fail("cert", &err);
  }
  hk_cert_keyring *kr = NULL;
  int exit = open_keys(o->keys, true, &kr);
  if (exit >= 0)
    return exit;
  hk_store *st = hk_cli_open_store("cert", o->db, HK_STORE_EXISTING, &exit);
  if (st == NULL) {
    hk_cert_keyring_free(kr);
    return exit;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  size_t issued = 0;
  hk_status rc =
      hk_certificate_issue_permits(st, kr, &who, area, o->today, progress, NULL, &issued, &err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  hk_store_close(st);
  hk_cert_keyring_free(kr);
  if (rc != HK_OK)
    return hk_cli_fail("cert", &err);
  double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  json_t *out = json_pack("{ss si sf sf}", "area", o->area, "issued", (json_int_t)issued, "seconds",
                          seconds, "per_second", seconds > 0 ? issued / seconds : 0.0);
  return print_json(out);
}

int hk_cmd_cert(int argc, char **argv)
{
  if (argc < 2 || hk_cli_wants_help(argc, argv)) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? HK_EXIT_USAGE : HK_EXIT_OK;
  }
  const char *sub = argv[1];
  if (strcmp(sub, "verify") == 0)
    return hk_cli_cert_verify(argc - 1, argv + 1);
  if (strcmp(sub, "render-pdf") == 0)
    return hk_cli_cert_render(argc - 1, argv + 1);
  enum { ISSUE, LIST, SHOW, PDF, REVOKE, STATUS } op;
  if (strcmp(sub, "issue") == 0)
    op = ISSUE;
  else if (strcmp(sub, "list") == 0)
    op = LIST;
  else if (strcmp(sub, "show") == 0)
    op = SHOW;
  else if (strcmp(sub, "pdf") == 0)
    op = PDF;
  else if (strcmp(sub, "revoke") == 0)
    op = REVOKE;
  else if (strcmp(sub, "status") == 0)
    op = STATUS;
  else {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  cert_opts o;
  int exit = parse(argc - 1, argv + 1, &o);
  if (exit >= 0)
    return exit;
  hk_error err = {0};
  if (o.all && op != ISSUE) {
    hk_error_set_both(&err, HK_EINVAL, "--all", "只用于 issue", "for issue only");
    return hk_cli_fail("cert", &err);
  }
  if (op == ISSUE && o.all)
    return o.person ? (usage(stderr), HK_EXIT_USAGE) : issue_all(&o);
  bool needs_id = op == SHOW || op == PDF || op == REVOKE;
  if (needs_id && o.arg == NULL)
    return missing("CERT_ID");
  if (!needs_id && o.arg != NULL) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  if ((op == PDF || op == STATUS) && o.out == NULL)
    return missing("--out");
  if (op == STATUS && o.keys == NULL)
    return missing("--keys");
  if (op == REVOKE && (o.reason == NULL || o.reason[0] == '\0'))
    return missing("--reason");
  if (o.suspend && o.reinstate) {
    hk_error_set_both(&err, HK_EINVAL, "--suspend", "不能与 --reinstate 同用",
                      "not with --reinstate");
    return hk_cli_fail("cert", &err);
  }
  int type = -1;
  char person[HK_IDNUM_LEN + 1] = "";
  if (op == ISSUE) {
    if (o.type == NULL)
      return missing("--type");
    if ((type = hk_cert_type_parse(o.type)) < 0) {
      hk_error_set_both(&err, HK_EINVAL, "--type",
                        "须为 hukou_proof 或 residence_receipt（其他证照随其事项签发）",
                        "hukou_proof or residence_receipt (the others come with their events)");
      return hk_cli_fail("cert", &err);
    }
  }
  if ((op == ISSUE || op == LIST) && (exit = check_person(o.person, o.today, person)) >= 0)
    return exit;
  hk_actor who;
  if (hk_cli_actor_parse(o.as, &who) != 0) {
    hk_error_set(&err, HK_EINVAL, "--as",
                 "officer:DIVISION, supervisor:DIVISION, resident:ID_NUMBER or system");
    return hk_cli_fail("cert", &err);
  }
  hk_cert_keyring *kr = NULL;
  if (o.keys && (exit = open_keys(o.keys, op != LIST, &kr)) >= 0)
    return exit;
  hk_store *st = hk_cli_open_store(
      "cert", o.db, op == LIST || op == STATUS ? HK_STORE_READONLY : HK_STORE_EXISTING, &exit);
  if (st == NULL) {
    hk_cert_keyring_free(kr);
    return exit;
  }
  json_t *out = NULL;
  hk_status rc = HK_OK;
  switch (op) {
  case ISSUE:
    rc = hk_certificate_issue(st, kr, &who, (hk_cert_type)type, person, o.today, &out, &err);
    break;
  case LIST:
    rc = hk_certificate_list(st, &who, person, &out, &err);
    break;
  case SHOW:
    rc = hk_certificate_get(st, kr, &who, o.arg, &out, NULL, NULL, &err);
    break;
  case PDF: {
    hk_cert_claims claims;
    char *qr = NULL;
    rc = hk_certificate_get(st, kr, &who, o.arg, &out, &claims, &qr, &err);
    if (rc == HK_OK)
      rc = hk_cert_pdf_write(&claims, qr, o.out, &err);
    free(qr);
    if (rc == HK_OK) {
      json_t *done = json_pack("{ss ss}", "id", o.arg, "pdf", o.out);
      json_decref(out);
      out = done;
    }
    break;
  }
  case REVOKE:
    rc = hk_certificate_set_status(st, &who, o.arg,
                                   o.suspend     ? HK_CERT_STATUS_SUSPENDED
                                   : o.reinstate ? HK_CERT_STATUS_VALID
                                                 : HK_CERT_STATUS_REVOKED,
                                   o.reason, &err);
    if (rc == HK_OK)
      out = json_pack("{ss ss ss}", "id", o.arg, "status",
                      o.suspend     ? "suspended"
                      : o.reinstate ? "valid"
                                    : "revoked",
                      "reason", o.reason);
    break;
  case STATUS: {
    uint8_t *token = NULL;
    size_t len = 0;
    rc = hk_certificate_status_list(st, kr, (int64_t)time(NULL), o.ttl, &token, &len, &err);
    if (rc == HK_OK)
      rc = write_file(o.out, token, len, &err);
    free(token);
    if (rc == HK_OK)
      out = json_pack("{ss sI sI}", "status_list", o.out, "bytes", (json_int_t)len, "ttl",
                      (json_int_t)o.ttl);
    break;
  }
  }
  hk_store_close(st);
  hk_cert_keyring_free(kr);
  if (rc != HK_OK) {
    json_decref(out);
    return hk_cli_fail("cert", &err);
  }
  if (op == SHOW && !o.json) {
    print_text(out);
    json_decref(out);
    return HK_EXIT_OK;
  }
  return print_json(out);
}
