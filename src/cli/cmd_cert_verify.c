/* hukou cert verify: a certificate checked offline, with no database: its signature against a
 * key set (a keys directory or a JWK Set file), its validity at --now, and its status when a
 * signed status list is given (otherwise it says the status was not checked). Exit 0 only for
 * a valid certificate. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "cert/cert.h"
#include "cli/cli.h"
#include "core/date.h"
#include "core/idnum.h"

#define READ_MAX (64u << 20)

static void usage(FILE *out)
{
  fputs(
      "用法 / usage: hukou cert verify (QRTEXT|--file F|-) --keys DIR|JWKS_FILE\n"
      "                                [--status TOKEN_FILE] [--now DATE] [--holder ID] [--json]\n"
      "  离线核验电子证照：签名与有效期；给出状态列表时核验状态 / check a certificate\n"
      "  offline: signature and validity; its status when a status list is given\n"
      "  --now DATE  YYYY-MM-DD（北京时间零时）或 Unix 秒 / or Unix seconds (default: now)\n"
      "  --holder ID 核对持证人身份证号码 / check the holder's ID number\n"
      "  退出码 / exit: 0 有效 valid, 1 无效 not valid, 2 输入有误 bad input\n",
      out);
}

/* The whole file (or stdin for "-"), NUL-terminated; NULL when it cannot be read. */
static char *read_all(const char *path, size_t *len)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (buf == NULL)
      break;
    if (n + 1 >= cap) {
      char *grown = cap < READ_MAX ? realloc(buf, cap * 2) : NULL;
      if (grown == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = grown;
      cap *= 2;
    }
    size_t got = fread(&buf[n], 1, cap - n - 1, f);
    n += got;
    if (got == 0) {
      buf[n] = '\0';
      *len = n;
      break;
    }
  }
  if (f != stdin)
    fclose(f);
  return buf;
}

static void trim(char *s)
{
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  size_t lead = strspn(s, " \t\r\n");
  memmove(s, s + lead, strlen(s + lead) + 1);
}

static bool parse_now(const char *s, int64_t *out)
{
  hk_date d;
  if (hk_date_parse(s, &d)) {
    *out = (int64_t)d * 86400 - (int64_t)8 * 3600; /* 00:00 Beijing time */
    return true;
  }
  char *end = NULL;
  long long v = strtoll(s, &end, 10);
  if (end == s || *end != '\0' || v < 0)
    return false;
  *out = v;
  return true;
}

static const char *verdict_zh(hk_cert_verdict v)
{
  static const char *const zh[] = {"有效",     "已撤销",   "已中止",   "已过期",
                                   "尚未生效", "未知密钥", "签名无效", "不是证照或已损坏"};
  return (int)v >= 0 && v <= HK_CERT_MALFORMED ? zh[v] : "?";
}

static int open_keyring(const char *keys, hk_cert_keyring **kr, hk_error *err)
{
  struct stat sb;
  if (stat(keys, &sb) != 0)
    return hk_error_set_both(err, HK_EINVAL, "--keys", "没有此目录或文件",
                             "no such directory or file");
  if (S_ISDIR(sb.st_mode))
    return hk_cert_keyring_open(keys, false, kr, err);
  size_t len = 0;
  char *text = read_all(keys, &len);
  if (text == NULL)
    return hk_error_set_both(err, HK_EINVAL, "--keys", "无法读取", "cannot be read");
  hk_status rc = hk_cert_keyring_from_jwks(text, len, kr, err);
  free(text);
  return rc;
}

static void print_text(const hk_cert_verification *v, const char *holder, const hk_error *verr)
{
  printf("%s / %s\n", verdict_zh(v->verdict), hk_cert_verdict_name(v->verdict));
  if (!v->status_checked)
    puts("状态未核验（离线）/ status not checked (offline)");
  if (v->verdict == HK_CERT_MALFORMED) {
    printf("  原因 / reason: %s%s%s\n", verr->field, verr->field[0] ? ": " : "", verr->detail);
    return;
  }
  const hk_cert_claims *c = &v->claims;
  if (c->id[0] == '\0')
    return;
  printf("  %s / %s\n", hk_cert_type_zh(c->type), hk_cert_type_en(c->type));
  printf("  证照编号 / Identifier: %s\n", c->id);
  printf("  签发机关 / Issuer: %s\n", c->issuer);
  printf("  姓名 / Name: %s\n", c->name);
  printf("  公民身份号码 / ID number: %s\n", c->id_masked);
  for (size_t i = 0; i < c->nfields; i++) {
    const char *zh = hk_cert_field_zh(c->fields[i].key), *en = hk_cert_field_en(c->fields[i].key);
    printf("  %s / %s: %s\n", zh ? zh : c->fields[i].key, en ? en : c->fields[i].key,
           c->fields[i].value);
  }
  printf("  密钥 / Key: %s\n", v->kid);
  if (holder)
    printf("  持证人 / Holder: %s\n",
           hk_cert_claims_holder_matches(c, holder) ? "相符 / matches" : "不相符 / does not match");
}

int hk_cli_cert_verify(int argc, char **argv)
{
  enum { O_KEYS = 1, O_FILE, O_STATUS, O_NOW, O_HOLDER, O_JSON };
  static const struct option opts[] = {{"keys", required_argument, NULL, O_KEYS},
                                       {"file", required_argument, NULL, O_FILE},
                                       {"status", required_argument, NULL, O_STATUS},
                                       {"now", required_argument, NULL, O_NOW},
                                       {"holder", required_argument, NULL, O_HOLDER},
                                       {"json", no_argument, NULL, O_JSON},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *keys = NULL, *file = NULL, *status = NULL, *holder_arg = NULL;
  bool json = false;
  int64_t now = (int64_t)time(NULL);
  hk_error err = {0};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case O_KEYS:
      keys = optarg;
      break;
    case O_FILE:
      file = optarg;
      break;
    case O_STATUS:
      status = optarg;
      break;
    case O_NOW:
      if (!parse_now(optarg, &now)) {
        hk_error_set_both(&err, HK_EINVAL, "--now", "须为 YYYY-MM-DD 或 Unix 秒",
                          "YYYY-MM-DD or Unix seconds");
        return hk_cli_fail("cert verify", &err);
      }
      break;
    case O_HOLDER:
      holder_arg = optarg;
      break;
    case O_JSON:
      json = true;
      break;
    case 'h':
      usage(stdout);
      return HK_EXIT_OK;
    default:
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  const char *arg = optind < argc ? argv[optind++] : NULL;
  if (optind < argc || (arg == NULL) == (file == NULL)) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  if (keys == NULL) {
    hk_error_set_both(&err, HK_EINVAL, "--keys", "缺少此项", "missing");
    return hk_cli_fail("cert verify", &err);
  }
  char holder[HK_IDNUM_LEN + 1] = "";
  if (holder_arg) {
    hk_idnum idn;
    if (!hk_idnum_check(holder_arg, hk_date_today(), &idn)) {
      hk_error_set(&err, HK_EINVAL, "--holder", "invalid ID number (%s)",
                   hk_idnum_fault_name(idn.fault));
      return hk_cli_fail("cert verify", &err);
    }
    memcpy(holder, idn.number, sizeof holder);
  }
  size_t len = 0;
  char *qr = file || strcmp(arg, "-") == 0 ? read_all(file ? file : "-", &len) : strdup(arg);
  if (qr == NULL) {
    hk_error_set_both(&err, HK_EINVAL, file ? "--file" : "QRTEXT", "无法读取", "cannot be read");
    return hk_cli_fail("cert verify", &err);
  }
  trim(qr);
  hk_cert_keyring *kr = NULL;
  hk_cert_status_list *sl = NULL;
  hk_status rc = open_keyring(keys, &kr, &err);
  if (rc == HK_OK && status) {
    size_t slen = 0;
    char *token = read_all(status, &slen);
    rc = token ? hk_cert_status_list_open(kr, (const uint8_t *)token, slen, now, &sl, &err)
               : hk_error_set_both(&err, HK_EINVAL, "--status", "无法读取", "cannot be read");
    if (rc != HK_OK && err.field[0] == '\0')
      snprintf(err.field, sizeof err.field, "--status");
    free(token);
  }
  hk_cert_verification *v = calloc(1, sizeof *v);
  hk_error verr = {0};
  if (rc == HK_OK && v == NULL)
    rc = hk_error_set(&err, HK_ENOMEM, NULL, "out of memory");
  if (rc == HK_OK)
    rc = hk_cert_verify(kr, qr, sl, now, v, &verr);
  free(qr);
  hk_cert_status_list_free(sl);
  hk_cert_keyring_free(kr);
  if (rc != HK_OK || v == NULL) {
    free(v);
    return hk_cli_fail("cert verify", &err);
  }
  bool holder_ok = holder[0] == '\0' || hk_cert_claims_holder_matches(&v->claims, holder);
  if (json) {
    json_t *o = json_pack("{ss sb ss}", "verdict", hk_cert_verdict_name(v->verdict),
                          "status_checked", v->status_checked, "kid", v->kid);
    if (v->claims.id[0]) {
      json_object_set_new(o, "id", json_string(v->claims.id));
      json_object_set_new(o, "type", json_string(hk_cert_type_name(v->claims.type)));
      json_object_set_new(o, "name", json_string(v->claims.name));
      json_object_set_new(o, "id_masked", json_string(v->claims.id_masked));
    }
    if (holder[0])
      json_object_set_new(o, "holder_matches", json_boolean(holder_ok));
    if (v->verdict == HK_CERT_MALFORMED)
      json_object_set_new(o, "reason", json_string(verr.detail));
    char *text = json_dumps(o, JSON_COMPACT);
    puts(text ? text : "null");
    free(text);
    json_decref(o);
  } else {
    print_text(v, holder[0] ? holder : NULL, &verr);
  }
  int exit = v->verdict == HK_CERT_OK && holder_ok ? HK_EXIT_OK : HK_EXIT_FAIL;
  free(v);
  return exit;
}
