/* Certificates signed and verified per second on one core, and the size of each certificate
 * type in its container next to a JWS (RFC 7515, EdDSA) of the same claims (issue 12: "decide,
 * measure the QR size of each certificate, and write the choice down"; docs/certificates.md).
 *   bench_cert_sign [N]   (N signatures and verifications, default 20000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <qrencode.h>
#include <sodium.h>

#include "cert/cert.h"
#include "cert/cert_int.h"

static const int64_t NOW = 1767225600;

/* CPU time of this process: "per second on one core" whatever else the machine runs. */
static double seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add(hk_cert_claims *c, const char *key, const char *value)
{
  if (hk_cert_claims_add(c, key, value, NULL) != HK_OK) {
    fprintf(stderr, "bad field %s\n", key);
    exit(1);
  }
}

/* Realistic claims of each type: a three-character name, addresses of about 25 characters,
 * the fields the paper form carries (service/certificate.c fills the real ones). */
static void claims_of(hk_cert_type type, hk_cert_claims *c)
{
  memset(c, 0, sizeof *c);
  snprintf(c->id, sizeof c->id, "%02d33040220260001234X", (int)type + 1);
  c->type = type;
  snprintf(c->issuer, sizeof c->issuer, "330402");
  c->issued_at = c->valid_from = NOW;
  c->valid_until = NOW + 365 * 86400;
  snprintf(c->name, sizeof c->name, "欧阳娜");
  snprintf(c->id_masked, sizeof c->id_masked, "330402********001X");
  hk_cert_claims_bind_holder(c, "33040219900101001X");
  c->status_index = 1234567;
  const char *addr = "浙江省嘉兴市南湖区建设街道中山路一百二十八号三单元";
  switch (type) {
  case HK_CERT_RESIDENCE_PERMIT:
    add(c, "permit", "330402202600123");
    add(c, "sex", "女");
    add(c, "birth", "1990-01-01");
    add(c, "addr", addr);
    break;
  case HK_CERT_HUKOU_PROOF:
    add(c, "sex", "女");
    add(c, "birth", "1990-01-01");
    add(c, "household", "330402000123");
    add(c, "relation", "户主");
    add(c, "hukou_addr", addr);
    add(c, "since", "2015-06-01");
    add(c, "as_of", "2026-01-01");
    break;
  case HK_CERT_RESIDENCE_RECEIPT:
    add(c, "addr", addr);
    add(c, "county", "嘉兴市南湖区");
    add(c, "declared", "2026-01-01");
    add(c, "since", "2025-12-20");
    break;
  default:
    add(c, "app", "A2026000123");
    add(c, "pathway", "积分落户");
    add(c, "from", "安徽省阜阳市颍州区");
    add(c, "to", addr);
    add(c, "approved", "2026-01-01");
    break;
  }
}

static int qr_version(const char *text)
{
  QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  int v = q ? q->version : -1;
  QRcode_free(q);
  return v;
}

static char *b64url(const void *data, size_t len)
{
  size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *out = malloc(cap);
  sodium_bin2base64(out, cap, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

/* The same claims as a compact JWS with JSON member names as short as ours. */
static char *jws_of(const hk_cert_claims *c, const hk_cert_keyring *kr)
{
  json_t *f = json_object();
  for (size_t i = 0; i < c->nfields; i++)
    json_object_set_new(f, c->fields[i].key, json_string(c->fields[i].value));
  char *salt = b64url(c->id_salt, sizeof c->id_salt);
  char *digest = b64url(c->id_digest, sizeof c->id_digest);
  json_t *claims = json_pack(
      "{s:s, s:I, s:I, s:I, s:s, s:{s:{s:i, s:s}}, s:{s:s, s:s, s:s, s:s, s:s, s:o}}", "iss",
      c->issuer, "exp", (json_int_t)c->valid_until, "nbf", (json_int_t)c->valid_from, "iat",
      (json_int_t)c->issued_at, "jti", c->id, "status", "status_list", "idx", (int)c->status_index,
      "uri", HK_CERT_STATUS_PATH, "hukou", "t", hk_cert_type_name(c->type), "n", c->name, "m",
      c->id_masked, "s", salt, "d", digest, "f", f);
  free(salt);
  free(digest);
  char header[96];
  snprintf(header, sizeof header, "{\"alg\":\"EdDSA\",\"kid\":\"%s\"}",
           hk_cert_keyring_signing(kr)->kid);
  char *payload_json = json_dumps(claims, JSON_COMPACT);
  json_decref(claims);
  char *h = b64url(header, strlen(header)), *p = b64url(payload_json, strlen(payload_json));
  free(payload_json);
  size_t input_len = strlen(h) + 1 + strlen(p);
  char *jws = malloc(input_len + 100);
  sprintf(jws, "%s.%s", h, p);
  uint8_t sig[64];
  crypto_sign_detached(sig, NULL, (const uint8_t *)jws, input_len, hk_cert_keyring_secret(kr));
  char *s = b64url(sig, sizeof sig);
  sprintf(jws + input_len, ".%s", s);
  free(s);
  free(h);
  free(p);
  return jws;
}

static void sizes(const hk_cert_keyring *kr)
{
  printf("%-20s %5s %5s %5s %7s %6s %6s %7s\n", "type", "cwt", "cose", "zlib", "base45", "QR(M)",
         "JWS", "QR(M)");
  for (int t = 0; t < HK_CERT_TYPE_COUNT; t++) {
    hk_cert_claims c;
    claims_of((hk_cert_type)t, &c);
    uint8_t *cwt = NULL, *cose = NULL, *z = NULL;
    size_t cwt_len = 0, cose_len = 0, z_len = 0;
    uint8_t kid[8];
    hk_cert_kid_bytes(hk_cert_keyring_signing(kr)->kid, kid);
    hk_cwt_encode(&c, &cwt, &cwt_len, NULL);
    hk_cose_sign1_make(hk_cert_keyring_secret(kr), kid, NULL, cwt, cwt_len, &cose, &cose_len, NULL);
    hk_cert_deflate(cose, cose_len, &z, &z_len, NULL);
    char *qr = NULL;
    hk_cert_sign(kr, &c, &qr, NULL);
    char *jws = jws_of(&c, kr);
    printf("%-20s %5zu %5zu %5zu %7zu %6d %6zu %7d\n", hk_cert_type_name((hk_cert_type)t), cwt_len,
           cose_len, z_len, strlen(qr), qr_version(qr), strlen(jws), qr_version(jws));
    free(jws);
    free(qr);
    free(z);
    free(cose);
    free(cwt);
  }
}

int main(int argc, char **argv)
{
  int n = argc > 1 ? atoi(argv[1]) : 20000;
  if (n <= 0)
    n = 20000;
  char dir[] = "/tmp/bench-cert-XXXXXX";
  if (mkdtemp(dir) == NULL)
    return 1;
  char keys[64];
  snprintf(keys, sizeof keys, "%s/keys", dir);
  hk_cert_keyring *kr = NULL;
  hk_error err = {0};
  if (hk_cert_keys_init(keys, NULL, &err) != HK_OK ||
      hk_cert_keyring_open(keys, true, &kr, &err) != HK_OK) {
    fprintf(stderr, "keys: %s: %s\n", err.field, err.detail);
    return 1;
  }
  sizes(kr);

  hk_cert_claims c;
  claims_of(HK_CERT_RESIDENCE_PERMIT, &c);
  char **texts = calloc((size_t)n, sizeof *texts);
  double t0 = seconds();
  for (int i = 0; i < n; i++) {
    c.status_index = (uint32_t)i;
    hk_cert_sign(kr, &c, &texts[i], NULL);
  }
  double t1 = seconds();
  int valid = 0;
  for (int i = 0; i < n; i++) {
    hk_cert_verification v;
    hk_cert_verify(kr, texts[i], NULL, NOW, &v, NULL);
    valid += v.verdict == HK_CERT_OK;
  }
  double t2 = seconds();
  printf("sign   %d in %.2f s of CPU: %.0f/s\n", n, t1 - t0, n / (t1 - t0));
  printf("verify %d in %.2f s of CPU: %.0f/s (%d valid)\n", n, t2 - t1, n / (t2 - t1), valid);

  /* A status list of a million certificates, 1% revoked. */
  size_t entries = 1000000;
  uint8_t *statuses = calloc(entries, 1);
  for (size_t i = 0; i < entries; i += 100)
    statuses[i] = HK_CERT_STATUS_REVOKED;
  uint8_t *token = NULL;
  size_t len = 0;
  double t3 = seconds();
  hk_cert_status_list_sign(kr, statuses, entries, HK_CERT_STATUS_PATH, NOW, 3600, &token, &len,
                           NULL);
  double t4 = seconds();
  hk_cert_status_list *sl = NULL;
  hk_cert_status_list_open(kr, token, len, NOW, &sl, NULL);
  double t5 = seconds();
  printf("status list of %zu entries (1%% revoked): %zu bytes, signed in %.3f s, opened in "
         "%.3f s\n",
         entries, len, t4 - t3, t5 - t4);
  hk_cert_status_list_free(sl);
  free(token);
  free(statuses);
  for (int i = 0; i < n; i++)
    free(texts[i]);
  free(texts);
  hk_cert_keyring_free(kr);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) == 0 && valid == n ? 0 : 1;
}
