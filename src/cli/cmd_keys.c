/* hukou keys init|rotate|list|jwks : the signing keys of electronic certificates (cert/cert.h),
 * clause (九). Not `hukou key`, which issues department API keys. Never prints a private key. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cert/cert.h"
#include "cli/cli.h"
#include "core/error.h"

static void usage(FILE *out)
{
  fputs("用法 / usage:\n"
        "  hukou keys init --dir DIR          新建证照签名密钥 / create the first signing key\n"
        "  hukou keys rotate --dir DIR        轮换：旧密钥停用但保留 / rotate: the old key stops\n"
        "                                     signing and stays for verifying\n"
        "  hukou keys list --dir DIR [--json] 列出密钥 / list the keys\n"
        "  hukou keys jwks --dir DIR          公钥集（JWK Set），供离线核验 / the public key set\n"
        "                                     (JWK Set) for offline verifiers\n"
        "  电子证照的签名密钥（Ed25519），与部门接口密钥（hukou key）无关。目录权限 0700，\n"
        "  私钥文件 KID.key 权限 0600，只有服务器用户可读；私钥从不打印、不入库、不写日志。\n"
        "  Certificate signing keys (Ed25519), unrelated to department API keys (hukou key).\n"
        "  The directory is 0700, each private key KID.key 0600, readable only by the server's\n"
        "  user; private keys are never printed, stored in the database or logged.\n"
        "  --dir 缺省时读环境变量 HUKOU_KEYS / without --dir, HUKOU_KEYS names the directory.\n",
        out);
}

static void print_json(json_t *o)
{
  char *text = json_dumps(o, JSON_COMPACT);
  printf("%s\n", text ? text : "{}");
  free(text);
  json_decref(o);
}

/* "2026-01-01T00:00:00Z"; "-" for 0. */
static const char *utc(int64_t t, char buf[32])
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (t == 0 || gmtime_r(&tt, &tm) == NULL)
    return "-";
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/* Is KID.key there? (Not read: list never touches a private key.) A retired key's file may be
 * archived away; the signing key's must be there for the server to sign. */
static bool has_key_file(const char *dir, const hk_cert_key *k)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.key", dir, k->kid);
  return access(path, F_OK) == 0;
}

static json_t *key_json(const hk_cert_key *k, bool signing)
{
  json_t *o = json_pack("{s:s, s:I, s:b}", "kid", k->kid, "created", (json_int_t)k->created,
                        "signing", signing);
  if (k->retired)
    json_object_set_new(o, "retired", json_integer(k->retired));
  return o;
}

static int list(const char *dir, const hk_cert_keyring *kr, bool as_json)
{
  const hk_cert_key *signing = hk_cert_keyring_signing(kr);
  if (!as_json)
    printf("kid               created               retired               state\n"
           "密钥              创建                  停用                  状态\n");
  for (size_t i = 0; i < hk_cert_keyring_count(kr); i++) {
    const hk_cert_key *k = hk_cert_keyring_at(kr, i);
    bool file = has_key_file(dir, k);
    if (as_json) {
      json_t *o = key_json(k, k == signing);
      json_object_set_new(o, "private_key_file", json_boolean(file));
      print_json(o);
      continue;
    }
    char a[32], b[32];
    printf("%-16s  %-20s  %-20s  %s%s\n", k->kid, utc(k->created, a), utc(k->retired, b),
           k == signing ? "签名中 signing" : "仅核验 verify only",
           file ? "" : " (无私钥文件 no private key file)");
  }
  return HK_EXIT_OK;
}

int hk_cmd_keys(int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : "";
  static const char *const subs[] = {"init", "rotate", "list", "jwks"};
  int which = -1;
  for (int i = 0; i < 4; i++)
    if (strcmp(sub, subs[i]) == 0)
      which = i;
  if (which < 0) {
    bool help = hk_cli_wants_help(argc, argv);
    usage(help ? stdout : stderr);
    return help ? HK_EXIT_OK : HK_EXIT_USAGE;
  }
  enum { O_DIR = 1, O_JSON };
  static const struct option opts[] = {{"dir", required_argument, NULL, O_DIR},
                                       {"json", no_argument, NULL, O_JSON},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *dir = getenv("HUKOU_KEYS");
  bool as_json = false;
  optind = 1;
  int c;
  while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
    if (c == O_DIR)
      dir = optarg;
    else if (c == O_JSON && which == 2)
      as_json = true;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (optind != argc - 1 || dir == NULL || dir[0] == '\0') {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  char command[16];
  snprintf(command, sizeof command, "keys %s", sub);
  hk_error err = {0};
  hk_cert_key key;
  if (which == 0 || which == 1) {
    hk_status rc =
        which == 0 ? hk_cert_keys_init(dir, &key, &err) : hk_cert_keys_rotate(dir, &key, &err);
    if (rc != HK_OK)
      return hk_cli_fail(command, &err);
    print_json(key_json(&key, true));
    fprintf(stderr,
            "hukou %s: 新签名密钥 %s，私钥在 %s/%s.key（0600）/ new signing key %s; its "
            "private key is %s/%s.key (0600)\n",
            command, key.kid, dir, key.kid, key.kid, dir, key.kid);
    return HK_EXIT_OK;
  }
  hk_cert_keyring *kr = NULL;
  if (hk_cert_keyring_open(dir, false, &kr, &err) != HK_OK)
    return hk_cli_fail(command, &err);
  int exit = HK_EXIT_OK;
  if (which == 2) {
    exit = list(dir, kr, as_json);
  } else {
    char *jwks = hk_cert_keyring_jwks(kr);
    if (jwks == NULL) {
      hk_error_set(&err, HK_ENOMEM, "jwks", "out of memory");
      exit = hk_cli_fail(command, &err);
    } else {
      printf("%s\n", jwks);
      free(jwks);
    }
  }
  hk_cert_keyring_free(kr);
  return exit;
}
