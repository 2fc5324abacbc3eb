/* The certificate format (cert/cert.h): base45 vectors of RFC 9285, sign and verify, every
 * verdict, the status list, holder matching, and malformed input of every layer. Keys and
 * rotation are in test_cert_keys.c; the independent verifier's agreement in
 * test_cert_cross.c. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cert/cert.h"
#include "cert/cert_int.h"
#include "core/idnum.h"

static const int64_t NOW = 1767225600; /* 2026-01-01 */
static const char *ID_NUMBER = "33040219900101001X";

static hk_cert_keyring *ring;  /* with the private key */
static hk_cert_keyring *other; /* another key set altogether */

static int setup(void **state)
{
  (void)state;
  char dir[512];
  hk_error err = {0};
  snprintf(dir, sizeof dir, "%s/keys", test_tmpdir());
  if (hk_cert_keys_init(dir, NULL, &err) != HK_OK ||
      hk_cert_keyring_open(dir, true, &ring, &err) != HK_OK)
    return -1;
  snprintf(dir, sizeof dir, "%s/other", test_tmpdir());
  if (hk_cert_keys_init(dir, NULL, &err) != HK_OK ||
      hk_cert_keyring_open(dir, true, &other, &err) != HK_OK)
    return -1;
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  hk_cert_keyring_free(ring);
  hk_cert_keyring_free(other);
  test_tmpdir_remove();
  return 0;
}

/* A realistic residence permit: a three-character name, a 25-character address, 4 fields. */
static void permit_claims(hk_cert_claims *c)
{
  memset(c, 0, sizeof *c);
  snprintf(c->id, sizeof c->id, "0133040220260000123X");
  c->type = HK_CERT_RESIDENCE_PERMIT;
  snprintf(c->issuer, sizeof c->issuer, "330402");
  c->issued_at = NOW;
  c->valid_from = NOW;
  c->valid_until = NOW + 365 * 86400;
  snprintf(c->name, sizeof c->name, "欧阳娜");
  hk_idnum_mask(ID_NUMBER, c->id_masked);
  hk_cert_claims_bind_holder(c, ID_NUMBER);
  c->status_index = 5;
  hk_error err = {0};
  assert_int_equal(hk_cert_claims_add(c, "permit", "330402202600123", &err), HK_OK);
  assert_int_equal(hk_cert_claims_add(c, "sex", "女", &err), HK_OK);
  assert_int_equal(hk_cert_claims_add(c, "endorsed", "2027-06-01", &err), HK_OK);
  assert_int_equal(
      hk_cert_claims_add(c, "addr", "浙江省嘉兴市南湖区建设街道中山路一百二十八号三单元", &err),
      HK_OK);
}

static char *sign(const hk_cert_claims *c)
{
  char *qr = NULL;
  hk_error err = {0};
  hk_status st = hk_cert_sign(ring, c, &qr, &err);
  if (st != HK_OK)
    fail_msg("sign: %s: %s", err.field, err.detail);
  return qr;
}

static hk_cert_verdict verify(const char *qr, const hk_cert_status_list *sl, int64_t now,
                              hk_cert_verification *v, hk_error *err)
{
  assert_int_equal(hk_cert_verify(ring, qr, sl, now, v, err), HK_OK);
  return v->verdict;
}

/* ---- base45 (RFC 9285 §4.3 and §4.4) ---- */

static void test_base45_vectors(void **state)
{
  (void)state;
  static const struct {
    const char *plain, *encoded;
  } vectors[] = {{"AB", "BB8"}, {"Hello!!", "%69 VD92EX0"}, {"ietf!", "QED8WEX0"}, {"", ""}};
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    char *enc = hk_base45_encode((const uint8_t *)vectors[i].plain, strlen(vectors[i].plain));
    assert_string_equal(enc, vectors[i].encoded);
    free(enc);
    uint8_t *dec = NULL;
    size_t len = 0;
    assert_int_equal(
        hk_base45_decode(vectors[i].encoded, strlen(vectors[i].encoded), &dec, &len, NULL), HK_OK);
    assert_int_equal(len, strlen(vectors[i].plain));
    assert_memory_equal(dec, vectors[i].plain, len);
    free(dec);
  }
  /* Every byte value survives. */
  uint8_t all[256];
  for (int i = 0; i < 256; i++)
    all[i] = (uint8_t)(255 - i);
  char *enc = hk_base45_encode(all, sizeof all);
  uint8_t *dec = NULL;
  size_t len = 0;
  assert_int_equal(hk_base45_decode(enc, strlen(enc), &dec, &len, NULL), HK_OK);
  assert_int_equal(len, sizeof all);
  assert_memory_equal(dec, all, sizeof all);
  free(dec);
  free(enc);
}

static void test_base45_errors(void **state)
{
  (void)state;
  /* "GGW" is 65536 + ... above 65535 (§4.2), "A" a lone character, lowercase is outside
   * the alphabet, ":Z" a final pair above 255. */
  const char *bad[] = {"GGW", "A", "BB8A", "bb8", "BB\"", ":Z", "BB8\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uint8_t *dec = (uint8_t *)1;
    size_t len = 7;
    hk_error err = {0};
    assert_int_equal(hk_base45_decode(bad[i], strlen(bad[i]), &dec, &len, &err), HK_EINVAL);
    assert_string_equal(err.field, "base45");
    assert_null(dec);
    assert_int_equal(len, 0);
  }
}

/* ---- names and claims helpers ---- */

static void test_names(void **state)
{
  (void)state;
  for (int t = 0; t < HK_CERT_TYPE_COUNT; t++) {
    assert_int_equal(hk_cert_type_parse(hk_cert_type_name((hk_cert_type)t)), t);
    assert_non_null(hk_cert_type_zh((hk_cert_type)t));
  }
  assert_string_equal(hk_cert_type_zh(HK_CERT_HUKOU_PROOF), "户籍证明");
  assert_int_equal(hk_cert_type_parse("passport"), -1);
  assert_int_equal(hk_cert_type_parse(NULL), -1);
  assert_string_equal(hk_cert_status_name(HK_CERT_STATUS_SUSPENDED), "suspended");
  assert_string_equal(hk_cert_verdict_name(HK_CERT_BAD_SIGNATURE), "bad_signature");
  assert_string_equal(hk_cert_field_zh("addr"), "居住地址");
  assert_string_equal(hk_cert_field_en("addr"), "Residence address");
  assert_null(hk_cert_field_zh("shoe_size"));
}

static void test_claims_add(void **state)
{
  (void)state;
  hk_cert_claims c = {0};
  hk_error err = {0};
  char long_value[300];
  memset(long_value, 'a', sizeof long_value - 1);
  long_value[sizeof long_value - 1] = '\0';
  assert_int_equal(hk_cert_claims_add(&c, "addr", long_value, &err), HK_EINVAL);
  assert_string_equal(err.field, "fields.addr");
  assert_int_equal(hk_cert_claims_add(&c, "Addr", "x", &err), HK_EINVAL);
  assert_int_equal(hk_cert_claims_add(&c, "", "x", &err), HK_EINVAL);
  assert_int_equal(hk_cert_claims_add(&c, "a_key_far_too_long", "x", &err), HK_EINVAL);
  assert_int_equal(hk_cert_claims_add(&c, "addr", "\xff\xfe", &err), HK_EINVAL);
  assert_int_equal(hk_cert_claims_add(&c, "addr", "中山路", &err), HK_OK);
  assert_int_equal(hk_cert_claims_add(&c, "addr", "again", &err), HK_EINVAL);
  assert_string_equal(hk_cert_claims_get(&c, "addr"), "中山路");
  assert_null(hk_cert_claims_get(&c, "sex"));
  for (int i = 1; i < HK_CERT_FIELDS_MAX; i++) {
    char key[8];
    snprintf(key, sizeof key, "k%d", i);
    assert_int_equal(hk_cert_claims_add(&c, key, "v", &err), HK_OK);
  }
  assert_int_equal(hk_cert_claims_add(&c, "full", "v", &err), HK_EINVAL);
  assert_int_equal(c.nfields, HK_CERT_FIELDS_MAX);
}

static void test_holder(void **state)
{
  (void)state;
  hk_cert_claims c;
  permit_claims(&c);
  /* Offline a verifier can only compare the masked number: the first six and last four. */
  assert_true(hk_cert_claims_holder_matches(&c, ID_NUMBER));
  assert_true(hk_cert_claims_holder_matches(&c, "33040219900101001x"));
  assert_false(hk_cert_claims_holder_matches(&c, "330402199001010029"));
  assert_false(hk_cert_claims_holder_matches(&c, "3304021990010100"));
  assert_false(hk_cert_claims_holder_matches(&c, NULL));
  /* The certificate carries nothing more of the number than the masked form: no digest to try
   * birth dates against, so the whole number cannot be recovered from the QR text. */
  char *qr = sign(&c);
  hk_cert_claims d;
  assert_int_equal(hk_cert_decode(qr, &d, NULL, NULL), HK_OK);
  assert_string_equal(d.id_masked, "330402********001X");
  assert_true(hk_cert_claims_holder_matches(&d, ID_NUMBER));
  assert_null(strstr(qr, "19900101"));
  for (size_t i = 0; i < d.nfields; i++)
    assert_null(strstr(d.fields[i].value, "1990"));
  free(qr);
}

/* ---- sign and verify ---- */

static void test_round_trip(void **state)
{
  (void)state;
  hk_cert_claims c;
  permit_claims(&c);
  char *qr = sign(&c);
  assert_memory_equal(qr, HK_CERT_PREFIX, strlen(HK_CERT_PREFIX));
  hk_cert_verification v;
  hk_error err = {0};
  assert_int_equal(verify(qr, NULL, NOW, &v, &err), HK_CERT_OK);
  assert_false(v.status_checked);
  assert_string_equal(v.kid, hk_cert_keyring_signing(ring)->kid);
  assert_string_equal(v.claims.id, c.id);
  assert_int_equal(v.claims.type, c.type);
  assert_string_equal(v.claims.issuer, "330402");
  assert_int_equal(v.claims.issued_at, c.issued_at);
  assert_int_equal(v.claims.valid_from, c.valid_from);
  assert_int_equal(v.claims.valid_until, c.valid_until);
  assert_string_equal(v.claims.name, "欧阳娜");
  assert_string_equal(v.claims.id_masked, c.id_masked);
  assert_int_equal(v.claims.status_index, 5);
  assert_int_equal(v.claims.nfields, 4);
  for (size_t i = 0; i < c.nfields; i++) {
    assert_string_equal(v.claims.fields[i].key, c.fields[i].key);
    assert_string_equal(v.claims.fields[i].value, c.fields[i].value);
  }
  /* Ed25519 is deterministic: the same claims give the same text. */
  char *again = sign(&c);
  assert_string_equal(again, qr);
  free(again);
  /* decode reads the same without a key. */
  hk_cert_claims d;
  char kid[HK_CERT_KID_HEX + 1];
  assert_int_equal(hk_cert_decode(qr, &d, kid, &err), HK_OK);
  assert_string_equal(kid, v.kid);
  assert_string_equal(d.fields[3].value, c.fields[3].value);
  /* No expiry: exp is left out and the certificate never expires. */
  c.valid_until = 0;
  char *forever = sign(&c);
  assert_int_equal(verify(forever, NULL, NOW + 100L * 365 * 86400, &v, &err), HK_CERT_OK);
  assert_int_equal(v.claims.valid_until, 0);
  free(forever);
  free(qr);
}

static void test_sign_refuses(void **state)
{
  (void)state;
  hk_cert_claims c;
  permit_claims(&c);
  char *qr = (char *)1;
  hk_error err = {0};
  /* A key set without its private key cannot sign. */
  char *jwks = hk_cert_keyring_jwks(ring);
  hk_cert_keyring *pub = NULL;
  assert_int_equal(hk_cert_keyring_from_jwks(jwks, strlen(jwks), &pub, &err), HK_OK);
  assert_int_equal(hk_cert_sign(pub, &c, &qr, &err), HK_EUNAVAILABLE);
  assert_null(qr);
  hk_cert_keyring_free(pub);
  free(jwks);
  /* Claims a verifier would refuse are refused before signing. */
  c.id[0] = '\0';
  assert_int_equal(hk_cert_sign(ring, &c, &qr, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims.cti");
  permit_claims(&c);
  c.name[0] = '\0';
  assert_int_equal(hk_cert_sign(ring, &c, &qr, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims.n");
  permit_claims(&c);
  snprintf(c.fields[1].key, sizeof c.fields[1].key, "BAD KEY");
  assert_int_equal(hk_cert_sign(ring, &c, &qr, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims.fields.BAD KEY");
  permit_claims(&c);
  c.type = HK_CERT_TYPE_COUNT;
  assert_int_equal(hk_cert_sign(ring, &c, &qr, &err), HK_EINVAL);
}

/* The COSE bytes under the QR text, and a QR text around COSE bytes. */
static uint8_t *cose_of(const char *qr, size_t *len)
{
  uint8_t *z = NULL, *cose = NULL;
  size_t z_len = 0;
  const char *b45 = qr + strlen(HK_CERT_PREFIX);
  assert_int_equal(hk_base45_decode(b45, strlen(b45), &z, &z_len, NULL), HK_OK);
  assert_int_equal(hk_cert_inflate(z, z_len, 4096, "zlib", &cose, len, NULL), HK_OK);
  free(z);
  return cose;
}

static char *qr_of(const uint8_t *bytes, size_t len)
{
  uint8_t *z = NULL;
  size_t z_len = 0;
  assert_int_equal(hk_cert_deflate(bytes, len, &z, &z_len, NULL), HK_OK);
  char *b45 = hk_base45_encode(z, z_len);
  char *qr = malloc(strlen(b45) + 8);
  sprintf(qr, "%s%s", HK_CERT_PREFIX, b45);
  free(b45);
  free(z);
  return qr;
}

static uint8_t *find(uint8_t *hay, size_t n, const char *needle)
{
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0)
      return hay + i;
  fail_msg("%s not found", needle);
  return NULL;
}

static void test_changed_byte(void **state)
{
  (void)state;
  hk_cert_claims c;
  permit_claims(&c);
  char *qr = sign(&c);
  size_t len = 0;
  uint8_t *cose = cose_of(qr, &len);
  hk_cert_verification v;
  hk_error err = {0};
  /* The issuer 330402 becomes 330403 inside the signed payload. */
  uint8_t *p = find(cose, len, "330402");
  p[5] = '3';
  char *forged = qr_of(cose, len);
  assert_int_equal(verify(forged, NULL, NOW, &v, &err), HK_CERT_BAD_SIGNATURE);
  assert_string_equal(err.field, "signature");
  /* The forged claims are still shown, for the verifier to see what was claimed. */
  assert_string_equal(v.claims.issuer, "330403");
  free(forged);
  p[5] = '2';
  /* A changed byte of the signature itself. */
  cose[len - 1] ^= 0x01;
  forged = qr_of(cose, len);
  assert_int_equal(verify(forged, NULL, NOW, &v, &err), HK_CERT_BAD_SIGNATURE);
  free(forged);
  cose[len - 1] ^= 0x01;
  /* Unchanged, it still verifies (the test above is not a broken re-encoding). */
  forged = qr_of(cose, len);
  assert_int_equal(verify(forged, NULL, NOW, &v, &err), HK_CERT_OK);
  free(forged);
  free(cose);
  free(qr);
}

static void test_wrong_key(void **state)
{
  (void)state;
  hk_cert_claims c;
  permit_claims(&c);
  char *qr = sign(&c);
  hk_cert_verification v;
  hk_error err = {0};
  /* Another key set does not know the kid. */
  assert_int_equal(hk_cert_verify(other, qr, NULL, NOW, &v, &err), HK_OK);
  assert_int_equal(v.verdict, HK_CERT_UNKNOWN_KEY);
  assert_string_equal(err.field, "kid");
  free(qr);
  /* Signed by another key under our kid: a bad signature. */
  uint8_t *cwt = NULL, *cose = NULL, kid[8];
  size_t cwt_len = 0, cose_len = 0;
  assert_true(hk_cert_kid_bytes(hk_cert_keyring_signing(ring)->kid, kid));
  assert_int_equal(hk_cwt_encode(&c, &cwt, &cwt_len, NULL), HK_OK);
  assert_int_equal(hk_cose_sign1_make(hk_cert_keyring_secret(other), kid, NULL, cwt, cwt_len, &cose,
                                      &cose_len, NULL),
                   HK_OK);
  char *forged = qr_of(cose, cose_len);
  assert_int_equal(verify(forged, NULL, NOW, &v, &err), HK_CERT_BAD_SIGNATURE);
  free(forged);
  free(cose);
  free(cwt);
}

static void test_validity(void **state)
{
  (void)state;
  hk_cert_claims c;
  permit_claims(&c);
  c.valid_from = NOW + 86400;
  c.valid_until = NOW + 2 * 86400;
  char *qr = sign(&c);
  hk_cert_verification v;
  assert_int_equal(verify(qr, NULL, NOW, &v, NULL), HK_CERT_NOT_YET_VALID);
  assert_int_equal(verify(qr, NULL, NOW + 86400 - 1, &v, NULL), HK_CERT_NOT_YET_VALID);
  assert_int_equal(verify(qr, NULL, NOW + 86400, &v, NULL), HK_CERT_OK);
  assert_int_equal(verify(qr, NULL, NOW + 2 * 86400 - 1, &v, NULL), HK_CERT_OK);
  assert_int_equal(verify(qr, NULL, NOW + 2 * 86400, &v, NULL), HK_CERT_EXPIRED);
  assert_string_equal(v.claims.id, c.id); /* an expired certificate still says what it is */
  free(qr);
}

/* ---- the status list ---- */

static hk_cert_status_list *list_of_uri(const uint8_t *statuses, size_t n, int64_t now,
                                        const char *uri)
{
  uint8_t *token = NULL;
  size_t len = 0;
  hk_error err = {0};
  assert_int_equal(hk_cert_status_list_sign(ring, statuses, n, uri, now, 3600, &token, &len, &err),
                   HK_OK);
  hk_cert_status_list *sl = NULL;
  assert_int_equal(hk_cert_status_list_open(ring, token, len, now, &sl, &err), HK_OK);
  free(token);
  return sl;
}

static hk_cert_status_list *list_of(const uint8_t *statuses, size_t n, int64_t now)
{
  return list_of_uri(statuses, n, now, HK_CERT_STATUS_PATH);
}

static void test_status_list(void **state)
{
  (void)state;
  uint8_t statuses[10] = {0};
  statuses[5] = HK_CERT_STATUS_REVOKED;
  statuses[6] = HK_CERT_STATUS_SUSPENDED;
  hk_cert_status_list *sl = list_of(statuses, sizeof statuses, NOW);
  for (uint32_t i = 0; i < sizeof statuses; i++)
    assert_int_equal(hk_cert_status_list_get(sl, i), statuses[i]);
  /* 10 entries of 2 bits fill 3 bytes: 11 and 12 are padding, 13 is beyond. */
  assert_int_equal(hk_cert_status_list_get(sl, 11), 0);
  assert_int_equal(hk_cert_status_list_get(sl, 12), -1);
  hk_cert_claims c;
  permit_claims(&c);
  hk_cert_verification v;
  const struct {
    uint32_t index;
    hk_cert_verdict verdict;
    bool checked;
  } cases[] = {{5, HK_CERT_REVOKED, true},
               {6, HK_CERT_SUSPENDED, true},
               {4, HK_CERT_OK, true},
               {900, HK_CERT_OK, false}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    c.status_index = cases[i].index;
    char *qr = sign(&c);
    assert_int_equal(verify(qr, sl, NOW, &v, NULL), cases[i].verdict);
    assert_int_equal(v.status_checked, cases[i].checked);
    /* Offline (no list), the same certificate is valid, status unchecked. */
    assert_int_equal(verify(qr, NULL, NOW, &v, NULL), HK_CERT_OK);
    assert_false(v.status_checked);
    free(qr);
  }
  hk_cert_status_list_free(sl);
  /* Another list (its sub is not the URI the certificate names) says nothing of it. */
  sl = list_of_uri(statuses, sizeof statuses, NOW, "https://elsewhere.example/status");
  c.status_index = 5;
  char *qr = sign(&c);
  assert_int_equal(verify(qr, sl, NOW, &v, NULL), HK_CERT_OK);
  assert_false(v.status_checked);
  free(qr);
  hk_cert_status_list_free(sl);
  /* An empty list and a large one. */
  sl = list_of(NULL, 0, NOW);
  assert_int_equal(hk_cert_status_list_get(sl, 0), -1);
  hk_cert_status_list_free(sl);
  size_t big = 1000000;
  uint8_t *many = calloc(big, 1);
  many[big - 1] = HK_CERT_STATUS_SUSPENDED;
  sl = list_of(many, big, NOW);
  assert_int_equal(hk_cert_status_list_get(sl, (uint32_t)big - 1), HK_CERT_STATUS_SUSPENDED);
  assert_int_equal(hk_cert_status_list_get(sl, (uint32_t)big - 2), HK_CERT_STATUS_VALID);
  hk_cert_status_list_free(sl);
  free(many);
}

/* The draft's bit order, read from the token with libcbor: entry i at bits 2i..2i+1 of the
 * byte string, least significant first. */
static void test_status_list_layout(void **state)
{
  (void)state;
  const uint8_t statuses[5] = {1, 2, 0, 1, 2};
  uint8_t *token = NULL;
  size_t len = 0;
  assert_int_equal(hk_cert_status_list_sign(ring, statuses, 5, "/s", NOW, 0, &token, &len, NULL),
                   HK_OK);
  hk_cose_sign1 msg;
  assert_int_equal(hk_cose_sign1_parse(token, len, "status_list", &msg, NULL), HK_OK);
  assert_string_equal(msg.typ, "application/statuslist+cwt");
  cbor_item_t *map = NULL;
  assert_int_equal(hk_cbor_parse(msg.payload, msg.payload_len, "t", &map, NULL), HK_OK);
  assert_null(hk_cbor_map_int(map, 4)); /* ttl 0: no exp */
  const cbor_item_t *lst = hk_cbor_map_text(hk_cbor_map_int(map, 65533), "lst");
  assert_non_null(lst);
  uint8_t *bytes = NULL;
  size_t n = 0;
  assert_int_equal(hk_cert_inflate(cbor_bytestring_handle(lst), cbor_bytestring_length(lst), 64,
                                   "lst", &bytes, &n, NULL),
                   HK_OK);
  assert_int_equal(n, 2);
  assert_int_equal(bytes[0], 1 | 2 << 2 | 0 << 4 | 1 << 6);
  assert_int_equal(bytes[1], 2);
  free(bytes);
  cbor_decref(&map);
  hk_cose_sign1_free(&msg);
  free(token);
  uint8_t bad_status = 4;
  hk_error err = {0};
  assert_int_equal(hk_cert_status_list_sign(ring, &bad_status, 1, "/s", NOW, 0, &token, &len, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "statuses");
}

static void test_status_list_refused(void **state)
{
  (void)state;
  uint8_t statuses[40] = {0};
  statuses[3] = HK_CERT_STATUS_REVOKED;
  uint8_t *token = NULL;
  size_t len = 0;
  hk_error err = {0};
  assert_int_equal(hk_cert_status_list_sign(ring, statuses, sizeof statuses, "/api/v1/s", NOW, 600,
                                            &token, &len, &err),
                   HK_OK);
  hk_cert_status_list *sl = (hk_cert_status_list *)1;
  /* Every single changed byte is refused, whatever layer it lands in. */
  for (size_t i = 0; i < len; i++) {
    token[i] ^= 0x04;
    hk_status st = hk_cert_status_list_open(ring, token, len, NOW, &sl, &err);
    token[i] ^= 0x04;
    if (st == HK_OK)
      fail_msg("a status list with byte %zu changed was accepted", i);
    assert_null(sl);
  }
  /* The URI changed: a signature failure, named. */
  uint8_t *uri = find(token, len, "/api/v1/s");
  uri[1] = 'b';
  assert_int_equal(hk_cert_status_list_open(ring, token, len, NOW, &sl, &err), HK_ETAMPERED);
  assert_string_equal(err.field, "status_list.signature");
  uri[1] = 'a';
  /* Expired, another key set, truncated, and a certificate where a list is expected. */
  assert_int_equal(hk_cert_status_list_open(ring, token, len, NOW + 600, &sl, &err), HK_EINVAL);
  assert_string_equal(err.field, "status_list.exp");
  assert_int_equal(hk_cert_status_list_open(other, token, len, NOW, &sl, &err), HK_EINVAL);
  assert_string_equal(err.field, "status_list.kid");
  assert_int_equal(hk_cert_status_list_open(ring, token, len - 1, NOW, &sl, &err), HK_EINVAL);
  assert_int_equal(hk_cert_status_list_open(ring, token, 0, NOW, &sl, &err), HK_EINVAL);
  hk_cert_claims c;
  permit_claims(&c);
  char *qr = sign(&c);
  size_t cose_len = 0;
  uint8_t *cose = cose_of(qr, &cose_len);
  assert_int_equal(hk_cert_status_list_open(ring, cose, cose_len, NOW, &sl, &err), HK_EINVAL);
  assert_string_equal(err.field, "status_list.typ");
  free(cose);
  free(qr);
  assert_int_equal(hk_cert_status_list_open(ring, token, len, NOW + 599, &sl, &err), HK_OK);
  assert_int_equal(hk_cert_status_list_get(sl, 3), HK_CERT_STATUS_REVOKED);
  hk_cert_status_list_free(sl);
  free(token);
}

/* ---- malformed input, layer by layer ---- */

static void expect_malformed(const char *qr, const char *field)
{
  hk_cert_verification v;
  hk_error err = {0};
  assert_int_equal(verify(qr, NULL, NOW, &v, &err), HK_CERT_MALFORMED);
  if (strncmp(err.field, field, strlen(field)) != 0)
    fail_msg("%.40s…: field %s (%s), expected %s", qr ? qr : "(null)", err.field, err.detail,
             field);
  hk_cert_claims c;
  hk_error derr = {0};
  assert_int_equal(hk_cert_decode(qr, &c, NULL, &derr), HK_EINVAL);
  assert_string_equal(derr.field, err.field);
}

/* A QR text around CBOR bytes, optionally signed as a COSE_Sign1 payload by our key. */
static char *qr_of_payload(const uint8_t *payload, size_t len)
{
  uint8_t kid[8], *cose = NULL;
  size_t cose_len = 0;
  assert_true(hk_cert_kid_bytes(hk_cert_keyring_signing(ring)->kid, kid));
  assert_int_equal(hk_cose_sign1_make(hk_cert_keyring_secret(ring), kid, NULL, payload, len, &cose,
                                      &cose_len, NULL),
                   HK_OK);
  char *qr = qr_of(cose, cose_len);
  free(cose);
  return qr;
}

static char *qr_of_item(cbor_item_t *item, bool as_payload)
{
  uint8_t *bytes = NULL;
  size_t len = 0;
  assert_int_equal(hk_cbor_serialize(item, &bytes, &len, NULL), HK_OK);
  cbor_decref(&item);
  char *qr = as_payload ? qr_of_payload(bytes, len) : qr_of(bytes, len);
  free(bytes);
  return qr;
}

static void test_malformed_outer(void **state)
{
  (void)state;
  expect_malformed(NULL, "prefix");
  expect_malformed("", "prefix");
  expect_malformed("HKC2:BB8", "prefix");
  expect_malformed("hkc1:BB8", "prefix");
  expect_malformed("HKC1:bb8", "base45");
  expect_malformed("HKC1:A", "base45");
  expect_malformed("HKC1:GGW", "base45");
  /* Base45 of bytes that are not zlib. */
  char *qr = malloc(64);
  char *b45 = hk_base45_encode((const uint8_t *)"not zlib", 8);
  sprintf(qr, "HKC1:%s", b45);
  expect_malformed(qr, "zlib");
  free(b45);
  free(qr);
  /* A zlib bomb: 1 MiB of zeros in a few hundred bytes. */
  uint8_t *zeros = calloc(1 << 20, 1);
  qr = qr_of(zeros, 1 << 20);
  assert_true(strlen(qr) < 4000);
  expect_malformed(qr, "zlib");
  free(qr);
  free(zeros);
  /* zlib with bytes after its end. */
  uint8_t *z = NULL;
  size_t z_len = 0;
  assert_int_equal(hk_cert_deflate((const uint8_t *)"x", 1, &z, &z_len, NULL), HK_OK);
  uint8_t trailing[64];
  memcpy(trailing, z, z_len);
  trailing[z_len] = 0;
  b45 = hk_base45_encode(trailing, z_len + 1);
  qr = malloc(strlen(b45) + 8);
  sprintf(qr, "HKC1:%s", b45);
  expect_malformed(qr, "zlib");
  free(qr);
  free(b45);
  free(z);
  /* Too long for a QR code. */
  qr = malloc(9000);
  memcpy(qr, "HKC1:", 5);
  memset(qr + 5, '0', 8994);
  qr[8999] = '\0';
  expect_malformed(qr, "base45");
  free(qr);
}

static void test_malformed_cose(void **state)
{
  (void)state;
  /* Not CBOR, untagged, a declared count of four billion items, nesting 100 deep. */
  char *qr = qr_of((const uint8_t *)"\xd2\xff", 2);
  expect_malformed(qr, "cose");
  free(qr);
  cbor_item_t *arr = cbor_new_definite_array(0);
  qr = qr_of_item(arr, false);
  expect_malformed(qr, "cose");
  free(qr);
  qr = qr_of((const uint8_t *)"\xd2\x9b\xff\xff\xff\xff\xff\xff\xff\xff\x40", 11);
  expect_malformed(qr, "cose");
  free(qr);
  qr = qr_of((const uint8_t *)"\xd2\xbb\x00\x00\x00\x01\x00\x00\x00\x00\x40", 11);
  expect_malformed(qr, "cose");
  free(qr);
  uint8_t deep[101];
  deep[0] = 0xd2;
  memset(deep + 1, 0x81, 99);
  deep[100] = 0x00;
  qr = qr_of(deep, sizeof deep);
  expect_malformed(qr, "cose");
  free(qr);
  /* Hand-built COSE_Sign1 variants: alg ES256, a short kid, no signature. */
  struct {
    int64_t alg;
    size_t kid_len, sig_len;
    const char *field;
  } variants[] = {{-7, 8, 64, "cose.alg"}, {-8, 4, 64, "cose.kid"}, {-8, 8, 63, "cose.signature"}};
  for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
    cbor_item_t *hdr = cbor_new_definite_map(2);
    uint8_t zero[64] = {0};
    hk_cbor_map_put(hdr, hk_cbor_int(1), hk_cbor_int(variants[i].alg));
    hk_cbor_map_put(hdr, hk_cbor_int(4), cbor_build_bytestring(zero, variants[i].kid_len));
    uint8_t *prot = NULL;
    size_t prot_len = 0;
    hk_cbor_serialize(hdr, &prot, &prot_len, NULL);
    cbor_decref(&hdr);
    arr = cbor_new_definite_array(4);
    cbor_array_push(arr, cbor_move(cbor_build_bytestring(prot, prot_len)));
    cbor_array_push(arr, cbor_move(cbor_new_definite_map(0)));
    cbor_array_push(arr, cbor_move(cbor_build_bytestring(zero, 4)));
    cbor_array_push(arr, cbor_move(cbor_build_bytestring(zero, variants[i].sig_len)));
    uint8_t *bytes = NULL;
    size_t len = 0;
    hk_cbor_serialize(arr, &bytes, &len, NULL);
    cbor_decref(&arr);
    uint8_t *tagged = malloc(len + 1);
    tagged[0] = 0xd2;
    memcpy(tagged + 1, bytes, len);
    qr = qr_of(tagged, len + 1);
    expect_malformed(qr, variants[i].field);
    free(qr);
    free(tagged);
    free(bytes);
    free(prot);
  }
}

/* Claims maps signed by our key, each wrong in one claim. */
static cbor_item_t *claims_item(const hk_cert_claims *c)
{
  uint8_t *cwt = NULL;
  size_t len = 0;
  assert_int_equal(hk_cwt_encode(c, &cwt, &len, NULL), HK_OK);
  cbor_item_t *map = NULL;
  assert_int_equal(hk_cbor_parse(cwt, len, "t", &map, NULL), HK_OK);
  free(cwt);
  return map;
}

/* Replace the value under an integer label (or, with label 0, a text key of the body). */
static void replace(cbor_item_t *map, int64_t label, const char *body_key, cbor_item_t *value)
{
  if (label == 0)
    map = hk_cbor_map_int(map, -65537);
  struct cbor_pair *pairs = cbor_map_handle(map);
  for (size_t i = 0; i < cbor_map_size(map); i++) {
    int64_t k = 0;
    bool hit = body_key
                   ? cbor_isa_string(pairs[i].key) &&
                         cbor_string_length(pairs[i].key) == strlen(body_key) &&
                         memcmp(cbor_string_handle(pairs[i].key), body_key, strlen(body_key)) == 0
                   : hk_cbor_get_int(pairs[i].key, &k) && k == label;
    if (hit) {
      cbor_decref(&pairs[i].value);
      pairs[i].value = value;
      return;
    }
  }
  fail_msg("no claim %lld %s", (long long)label, body_key ? body_key : "");
}

static void test_malformed_claims(void **state)
{
  (void)state;
  hk_cert_claims c;
  permit_claims(&c);
  char name[200];
  memset(name, 'x', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  struct {
    int64_t label;
    const char *body_key;
    cbor_item_t *value;
    const char *field;
  } cases[] = {
      {1, NULL, hk_cbor_int(330402), "claims.iss"},
      {6, NULL, cbor_build_string("2026-01-01"), "claims.iat"},
      {5, NULL, hk_cbor_int(-5), "claims.nbf"},
      {4, NULL, cbor_build_string("never"), "claims.exp"},
      {4, NULL, hk_cbor_int(0), "claims.exp"},
      {7, NULL, cbor_build_string("0133040220260000123X"), "claims.cti"},
      {7, NULL, cbor_build_bytestring((const uint8_t *)"a b", 3), "claims.cti"},
      {65535, NULL, hk_cbor_int(5), "claims.status.idx"},
      {-65537, NULL, cbor_build_string("body"), "claims.hukou"},
      {0, "t", cbor_build_string("passport"), "claims.t"},
      {0, "n", cbor_build_string(name), "claims.n"},
      {0, "n", cbor_build_stringn("a\0b", 3), "claims.n"},
      {0, "n", cbor_build_stringn("\xc0\x80", 2), "claims"} /* libcbor refuses it */,
      {0, "m", cbor_build_bytestring((const uint8_t *)"x", 1), "claims.m"},
      {0, "f", cbor_new_definite_array(0), "claims.f"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cbor_item_t *map = claims_item(&c);
    replace(map, cases[i].label, cases[i].body_key, cases[i].value);
    char *qr = qr_of_item(map, true);
    expect_malformed(qr, cases[i].field);
    free(qr);
  }
  /* A field whose key is not a field key, and the claims not a map at all. */
  cbor_item_t *map = claims_item(&c);
  cbor_item_t *fields = cbor_new_definite_map(1);
  hk_cbor_map_put(fields, cbor_build_string("NOT A KEY"), cbor_build_string("v"));
  replace(map, 0, "f", fields);
  char *qr = qr_of_item(map, true);
  expect_malformed(qr, "claims.fields");
  free(qr);
  qr = qr_of_item(cbor_build_string("claims"), true);
  expect_malformed(qr, "claims");
  free(qr);
  /* Missing claims: an empty map. */
  qr = qr_of_item(cbor_new_definite_map(0), true);
  expect_malformed(qr, "claims.iss");
  free(qr);
}

/* The realistic permit (a three-character name, a 25-character address, 4 fields) fits a
 * version 16 QR code: about 600 base45 characters (docs/certificates.md, bench_cert_sign). */
static void test_size(void **state)
{
  (void)state;
  hk_cert_claims c;
  permit_claims(&c);
  char *qr = sign(&c);
  print_message("realistic residence permit: %zu characters\n", strlen(qr));
  assert_true(strlen(qr) < 620);
  free(qr);
}

/* Every byte of a certificate changed in turn: never valid, never a crash. */
static void test_every_byte(void **state)
{
  (void)state;
  hk_cert_claims c;
  permit_claims(&c);
  char *qr = sign(&c);
  size_t len = 0;
  uint8_t *cose = cose_of(qr, &len);
  hk_cert_verification v;
  for (size_t i = 0; i < len; i++) {
    for (int bit = 0; bit < 8; bit += 3) {
      cose[i] ^= (uint8_t)(1u << bit);
      char *forged = qr_of(cose, len);
      cose[i] ^= (uint8_t)(1u << bit);
      hk_error err = {0};
      if (verify(forged, NULL, NOW, &v, &err) == HK_CERT_OK)
        fail_msg("byte %zu bit %d changed and still valid", i, bit);
      free(forged);
    }
  }
  /* And the base45 text itself, character by character. */
  for (size_t i = strlen(HK_CERT_PREFIX); qr[i]; i++) {
    char saved = qr[i];
    qr[i] = saved == 'A' ? 'B' : 'A';
    hk_error err = {0};
    assert_int_not_equal(verify(qr, NULL, NOW, &v, &err), HK_CERT_OK);
    qr[i] = saved;
  }
  free(cose);
  free(qr);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_base45_vectors),
      cmocka_unit_test(test_base45_errors),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_claims_add),
      cmocka_unit_test(test_holder),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_sign_refuses),
      cmocka_unit_test(test_changed_byte),
      cmocka_unit_test(test_wrong_key),
      cmocka_unit_test(test_validity),
      cmocka_unit_test(test_status_list),
      cmocka_unit_test(test_status_list_layout),
      cmocka_unit_test(test_status_list_refused),
      cmocka_unit_test(test_malformed_outer),
      cmocka_unit_test(test_malformed_cose),
      cmocka_unit_test(test_malformed_claims),
      cmocka_unit_test(test_size),
      cmocka_unit_test(test_every_byte),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
