/* Both verifiers agree: each certificate here is written to a file with the JWK Set and a
 * status list, checked by hk_cert_verify and by tests/cert/verify_independent.py (python3-cbor2,
 * python3-nacl, zlib; nothing of src/cert), and both must give the same verdict: good, a
 * changed byte, a wrong key, expired, not yet valid, revoked, suspended, signed before a key
 * rotation, not a certificate at all. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <jansson.h>

#include "cert/cert.h"
#include "cert/cert_int.h"

static const int64_t NOW = 1767225600;

static hk_cert_keyring *ring, *other;
static char *jwks, *other_jwks;
static char script[1024];

static hk_cert_keyring *open_new(const char *name, char **jwks_out)
{
  char dir[600];
  snprintf(dir, sizeof dir, "%s/%s", test_tmpdir(), name);
  hk_cert_keyring *kr = NULL;
  if (hk_cert_keys_init(dir, NULL, NULL) != HK_OK ||
      hk_cert_keyring_open(dir, true, &kr, NULL) != HK_OK)
    return NULL;
  *jwks_out = hk_cert_keyring_jwks(kr);
  return kr;
}

static int setup(void **state)
{
  (void)state;
  const char *data = getenv("HK_TEST_DATA");
  snprintf(script, sizeof script, "%s/../cert/verify_independent.py", data ? data : "tests/data");
  ring = open_new("keys", &jwks);
  other = open_new("other", &other_jwks);
  return ring && other ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  hk_cert_keyring_free(ring);
  hk_cert_keyring_free(other);
  free(jwks);
  free(other_jwks);
  test_tmpdir_remove();
  return 0;
}

static void claims(hk_cert_claims *c, uint32_t index)
{
  memset(c, 0, sizeof *c);
  snprintf(c->id, sizeof c->id, "0333040220260000%03u7", index);
  c->type = HK_CERT_RESIDENCE_RECEIPT;
  snprintf(c->issuer, sizeof c->issuer, "330402");
  c->issued_at = c->valid_from = NOW;
  c->valid_until = NOW + 180 * 86400;
  snprintf(c->name, sizeof c->name, "司马相如");
  snprintf(c->id_masked, sizeof c->id_masked, "330402********0019");
  hk_cert_claims_bind_holder(c, "330402199001010019");
  c->status_index = index;
  assert_int_equal(hk_cert_claims_add(c, "addr", "浙江省嘉兴市南湖区中山路128号", NULL), HK_OK);
  assert_int_equal(hk_cert_claims_add(c, "declared", "2026-01-01", NULL), HK_OK);
}

static char *sign(const hk_cert_claims *c)
{
  char *qr = NULL;
  assert_int_equal(hk_cert_sign(ring, c, &qr, NULL), HK_OK);
  return qr;
}

static void write_file(const char *path, const void *data, size_t len)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);
}

/* Our verdict and the independent one, both `want`. */
static void agree(const char *qr, const char *keys_json, const uint8_t *list, size_t list_len,
                  int64_t now, const char *want)
{
  char qr_path[600], keys_path[600], list_path[600], cmd[4096];
  snprintf(qr_path, sizeof qr_path, "%s/cert.txt", test_tmpdir());
  snprintf(keys_path, sizeof keys_path, "%s/jwks.json", test_tmpdir());
  snprintf(list_path, sizeof list_path, "%s/status.cwt", test_tmpdir());
  write_file(qr_path, qr, strlen(qr));
  write_file(keys_path, keys_json, strlen(keys_json));
  if (list)
    write_file(list_path, list, list_len);

  hk_cert_keyring *kr = NULL;
  hk_cert_status_list *sl = NULL;
  assert_int_equal(hk_cert_keyring_from_jwks(keys_json, strlen(keys_json), &kr, NULL), HK_OK);
  if (list)
    assert_int_equal(hk_cert_status_list_open(kr, list, list_len, now, &sl, NULL), HK_OK);
  hk_cert_verification v;
  assert_int_equal(hk_cert_verify(kr, qr, sl, now, &v, NULL), HK_OK);
  hk_cert_status_list_free(sl);
  hk_cert_keyring_free(kr);

  snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' --keys '%s' %s%s%s --now %lld '%s'", script,
           keys_path, list ? "--status '" : "", list ? list_path : "", list ? "'" : "",
           (long long)now, qr_path);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  char line[4096] = "";
  char *got = fgets(line, sizeof line, p);
  int status = pclose(p);
  if (got == NULL)
    fail_msg("no answer from %s", cmd);
  json_t *answer = json_loads(line, 0, NULL);
  if (answer == NULL)
    fail_msg("not JSON from the independent verifier: %s", line);
  const char *theirs = json_string_value(json_object_get(answer, "verdict"));
  const char *ours = hk_cert_verdict_name(v.verdict);
  if (theirs == NULL || strcmp(ours, want) != 0 || strcmp(theirs, want) != 0)
    fail_msg("expected %s: ours %s, independent %s (%s)", want, ours, theirs ? theirs : "-", line);
  /* Exit 0 exactly for a valid certificate. */
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status) == 0, strcmp(want, "valid") == 0);
  /* Both read the same identifier and status entry when the payload was readable. */
  const char *their_id = json_string_value(json_object_get(answer, "id"));
  if (strcmp(want, "malformed") != 0) {
    assert_non_null(their_id);
    assert_string_equal(their_id, v.claims.id);
    assert_int_equal(json_integer_value(json_object_get(answer, "idx")), v.claims.status_index);
  }
  if (json_object_get(answer, "status_checked"))
    assert_int_equal(json_is_true(json_object_get(answer, "status_checked")), v.status_checked);
  json_decref(answer);
}

static void test_good_and_dates(void **state)
{
  (void)state;
  hk_cert_claims c;
  claims(&c, 1);
  char *qr = sign(&c);
  agree(qr, jwks, NULL, 0, NOW, "valid");
  agree(qr, jwks, NULL, 0, c.valid_until - 1, "valid");
  agree(qr, jwks, NULL, 0, c.valid_until, "expired");
  agree(qr, jwks, NULL, 0, NOW - 1, "not_yet_valid");
  free(qr);
}

static void test_changed_and_wrong_key(void **state)
{
  (void)state;
  hk_cert_claims c;
  claims(&c, 2);
  char *qr = sign(&c);
  agree(qr, other_jwks, NULL, 0, NOW, "unknown_key");
  /* A changed byte in the signed payload (the issuer), re-packed. */
  uint8_t *z = NULL, *cose = NULL;
  size_t z_len = 0, len = 0;
  const char *b45 = qr + strlen(HK_CERT_PREFIX);
  assert_int_equal(hk_base45_decode(b45, strlen(b45), &z, &z_len, NULL), HK_OK);
  assert_int_equal(hk_cert_inflate(z, z_len, 4096, "zlib", &cose, &len, NULL), HK_OK);
  free(z);
  uint8_t *p = NULL;
  for (size_t i = 0; i + 6 <= len && p == NULL; i++)
    if (memcmp(cose + i, "330402", 6) == 0)
      p = cose + i;
  assert_non_null(p);
  p[5] = '9';
  assert_int_equal(hk_cert_deflate(cose, len, &z, &z_len, NULL), HK_OK);
  char *enc = hk_base45_encode(z, z_len);
  char *forged = malloc(strlen(enc) + 8);
  sprintf(forged, "%s%s", HK_CERT_PREFIX, enc);
  agree(forged, jwks, NULL, 0, NOW, "bad_signature");
  free(forged);
  free(enc);
  free(z);
  free(cose);
  /* Another key signing under our kid. */
  uint8_t kid[8], *cwt = NULL;
  size_t cwt_len = 0;
  assert_true(hk_cert_kid_bytes(hk_cert_keyring_signing(ring)->kid, kid));
  assert_int_equal(hk_cwt_encode(&c, &cwt, &cwt_len, NULL), HK_OK);
  assert_int_equal(
      hk_cose_sign1_make(hk_cert_keyring_secret(other), kid, NULL, cwt, cwt_len, &cose, &len, NULL),
      HK_OK);
  assert_int_equal(hk_cert_deflate(cose, len, &z, &z_len, NULL), HK_OK);
  enc = hk_base45_encode(z, z_len);
  forged = malloc(strlen(enc) + 8);
  sprintf(forged, "%s%s", HK_CERT_PREFIX, enc);
  agree(forged, jwks, NULL, 0, NOW, "bad_signature");
  free(forged);
  free(enc);
  free(z);
  free(cose);
  free(cwt);
  agree("HKC1:NOT A CERTIFICATE", jwks, NULL, 0, NOW, "malformed");
  agree("HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N", jwks, NULL, 0, NOW, "malformed");
  free(qr);
}

static void test_status(void **state)
{
  (void)state;
  uint8_t statuses[16] = {0};
  statuses[3] = HK_CERT_STATUS_REVOKED;
  statuses[4] = HK_CERT_STATUS_SUSPENDED;
  uint8_t *token = NULL;
  size_t len = 0;
  assert_int_equal(hk_cert_status_list_sign(ring, statuses, sizeof statuses, HK_CERT_STATUS_PATH,
                                            NOW, 3600, &token, &len, NULL),
                   HK_OK);
  const struct {
    uint32_t index;
    const char *verdict;
  } cases[] = {{3, "revoked"}, {4, "suspended"}, {5, "valid"}, {200, "valid"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    hk_cert_claims c;
    claims(&c, cases[i].index);
    char *qr = sign(&c);
    agree(qr, jwks, token, len, NOW, cases[i].verdict);
    agree(qr, jwks, NULL, 0, NOW, "valid"); /* offline */
    free(qr);
  }
  /* A list for another URI than the certificates name: it says nothing of them, to either. */
  uint8_t *elsewhere = NULL;
  size_t elsewhere_len = 0;
  assert_int_equal(hk_cert_status_list_sign(ring, statuses, sizeof statuses,
                                            "https://elsewhere.example/status", NOW, 3600,
                                            &elsewhere, &elsewhere_len, NULL),
                   HK_OK);
  hk_cert_claims revoked;
  claims(&revoked, 3);
  char *qr = sign(&revoked);
  agree(qr, jwks, elsewhere, elsewhere_len, NOW, "valid");
  free(qr);
  free(elsewhere);
  /* A changed byte of the list: both refuse the list itself. */
  token[len - 10] ^= 0x01;
  char path[600], cmd[2048];
  snprintf(path, sizeof path, "%s/bad-status.cwt", test_tmpdir());
  write_file(path, token, len);
  hk_cert_status_list *sl = NULL;
  assert_int_equal(hk_cert_status_list_open(ring, token, len, NOW, &sl, NULL), HK_ETAMPERED);
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 '%s' --keys '%s/jwks.json' --status '%s' --now %lld "
           "'%s/cert.txt' >/dev/null",
           script, test_tmpdir(), path, (long long)NOW, test_tmpdir());
  int status = system(cmd);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 2);
  free(token);
}

static void test_rotation(void **state)
{
  (void)state;
  char dir[600];
  snprintf(dir, sizeof dir, "%s/rotating", test_tmpdir());
  hk_cert_keyring *kr = NULL;
  assert_int_equal(hk_cert_keys_init(dir, NULL, NULL), HK_OK);
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, NULL), HK_OK);
  hk_cert_claims c;
  claims(&c, 7);
  char *before = NULL;
  assert_int_equal(hk_cert_sign(kr, &c, &before, NULL), HK_OK);
  hk_cert_keyring_free(kr);
  assert_int_equal(hk_cert_keys_rotate(dir, NULL, NULL), HK_OK);
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, NULL), HK_OK);
  char *after = NULL;
  assert_int_equal(hk_cert_sign(kr, &c, &after, NULL), HK_OK);
  char *rotated = hk_cert_keyring_jwks(kr);
  agree(before, rotated, NULL, 0, NOW, "valid");
  agree(after, rotated, NULL, 0, NOW, "valid");
  free(rotated);
  free(before);
  free(after);
  hk_cert_keyring_free(kr);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_and_dates),
      cmocka_unit_test(test_changed_and_wrong_key),
      cmocka_unit_test(test_status),
      cmocka_unit_test(test_rotation),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
