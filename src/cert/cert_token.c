/* A certificate's QR text, "HKC1:" + base45(zlib(COSE_Sign1(CWT))), made, read and verified
 * (clause (九): checkable offline by anyone holding the public key set). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert_int.h"
#include "core/utf8.h"

/* The longest QR text we read: a version-40 alphanumeric QR code holds 4296 characters. */
enum { QR_TEXT_MAX = 4296 };

static bool text_ok(const char *s, size_t cap)
{
  size_t n = strnlen(s, cap);
  return n > 0 && n < cap && hk_utf8_valid(s, n);
}

/* What the decoder would refuse is refused here too, so we never sign a certificate that no
 * verifier can read. */
static hk_status check_claims(const hk_cert_claims *c, hk_error *err)
{
  size_t id_len = strnlen(c->id, sizeof c->id);
  if (id_len == 0 || id_len == sizeof c->id)
    return hk_error_set(err, HK_EINVAL, "claims.cti", "no certificate identifier");
  for (size_t i = 0; i < id_len; i++)
    if (c->id[i] < 0x21 || c->id[i] > 0x7e)
      return hk_error_set(err, HK_EINVAL, "claims.cti", "not printable ASCII");
  if (!text_ok(c->issuer, sizeof c->issuer))
    return hk_error_set(err, HK_EINVAL, "claims.iss", "no issuer");
  if (!text_ok(c->name, sizeof c->name))
    return hk_error_set(err, HK_EINVAL, "claims.n", "no name, or not UTF-8");
  if (!text_ok(c->id_masked, sizeof c->id_masked))
    return hk_error_set(err, HK_EINVAL, "claims.m", "no masked ID number");
  if (c->issued_at < 0 || c->valid_from < 0 || c->valid_until < 0)
    return hk_error_set(err, HK_EINVAL, "claims.iat", "a time before 1970");
  if ((unsigned)c->type >= HK_CERT_TYPE_COUNT || c->nfields > HK_CERT_FIELDS_MAX)
    return hk_error_set(err, HK_EINVAL, "claims.t", "no such type, or too many fields");
  /* Re-adding each field checks its key and value as hk_cert_claims_add did. */
  hk_cert_claims *copy = calloc(1, sizeof *copy);
  if (copy == NULL)
    return hk_error_set(err, HK_ENOMEM, "claims", "out of memory");
  hk_status st = HK_OK;
  for (size_t i = 0; st == HK_OK && i < c->nfields; i++) {
    hk_cert_field f = c->fields[i];
    f.key[sizeof f.key - 1] = f.value[sizeof f.value - 1] = '\0';
    st = hk_cert_claims_add(copy, f.key, f.value, err);
  }
  free(copy);
  if (st != HK_OK)
    hk_error_prefix(err, "claims");
  return st;
}

hk_status hk_cert_sign(const hk_cert_keyring *kr, const hk_cert_claims *c, char **qr_text,
                       hk_error *err)
{
  *qr_text = NULL;
  const uint8_t *sk = hk_cert_keyring_secret(kr);
  const hk_cert_key *signing = hk_cert_keyring_signing(kr);
  uint8_t kid[HK_COSE_KID_LEN];
  if (sk == NULL || signing == NULL || !hk_cert_kid_bytes(signing->kid, kid))
    return hk_error_set(err, HK_EUNAVAILABLE, "keys", "no private signing key loaded");
  hk_status st = check_claims(c, err);
  uint8_t *cwt = NULL, *cose = NULL, *z = NULL;
  size_t cwt_len = 0, cose_len = 0, z_len = 0;
  if (st == HK_OK)
    st = hk_cwt_encode(c, &cwt, &cwt_len, err);
  if (st == HK_OK)
    st = hk_cose_sign1_make(sk, kid, NULL, cwt, cwt_len, &cose, &cose_len, err);
  if (st == HK_OK)
    st = hk_cert_deflate(cose, cose_len, &z, &z_len, err);
  char *b45 = st == HK_OK ? hk_base45_encode(z, z_len) : NULL;
  if (st == HK_OK && b45 == NULL) {
    hk_error_set(err, HK_ENOMEM, "base45", "out of memory");
    st = HK_ENOMEM;
  }
  if (st == HK_OK && b45 != NULL) {
    size_t len = strlen(HK_CERT_PREFIX) + strlen(b45) + 1;
    *qr_text = malloc(len);
    if (*qr_text == NULL)
      st = hk_error_set(err, HK_ENOMEM, "qr", "out of memory");
    else
      snprintf(*qr_text, len, "%s%s", HK_CERT_PREFIX, b45);
  }
  free(b45);
  free(z);
  free(cose);
  free(cwt);
  return st;
}

/* Prefix, base45, zlib and the COSE_Sign1 structure: every layer but the claims. */
static hk_status open_layers(const char *qr_text, hk_cose_sign1 *msg, hk_error *err)
{
  memset(msg, 0, sizeof *msg);
  size_t plen = strlen(HK_CERT_PREFIX);
  if (qr_text == NULL || strncmp(qr_text, HK_CERT_PREFIX, plen) != 0)
    return hk_error_set(err, HK_EINVAL, "prefix", "does not begin with %s", HK_CERT_PREFIX);
  const char *b45 = qr_text + plen;
  size_t n = strnlen(b45, QR_TEXT_MAX + 1);
  if (n > QR_TEXT_MAX)
    return hk_error_set(err, HK_EINVAL, "base45", "longer than a QR code holds");
  /* A scanner may end the text with a line break. */
  while (n > 0 && (b45[n - 1] == '\n' || b45[n - 1] == '\r'))
    n--;
  uint8_t *z = NULL, *cose = NULL;
  size_t z_len = 0, cose_len = 0;
  hk_status st = hk_base45_decode(b45, n, &z, &z_len, err);
  if (st == HK_OK)
    st = hk_cert_inflate(z, z_len, HK_CERT_INFLATE_MAX, "zlib", &cose, &cose_len, err);
  if (st == HK_OK)
    st = hk_cose_sign1_parse(cose, cose_len, "cose", msg, err);
  free(z);
  free(cose);
  return st;
}

hk_status hk_cert_decode(const char *qr_text, hk_cert_claims *out, char kid[HK_CERT_KID_HEX + 1],
                         hk_error *err)
{
  memset(out, 0, sizeof *out);
  if (kid != NULL)
    kid[0] = '\0';
  hk_cose_sign1 msg;
  hk_status st = open_layers(qr_text, &msg, err);
  if (st != HK_OK)
    return st;
  if (kid != NULL)
    hk_cert_kid_hex(msg.kid, kid);
  st = hk_cwt_decode(msg.payload, msg.payload_len, out, NULL, err);
  hk_cose_sign1_free(&msg);
  return st;
}

/* The status list's word on a certificate whose signature and dates are good. A list whose sub
 * is not the certificate's status URI is not its list (draft-ietf-oauth-status-list, validating a
 * referenced token). */
static void apply_status(const hk_cert_status_list *sl, const char *uri, hk_cert_verification *out)
{
  int s = sl && strcmp(hk_cert_status_list_sub(sl), uri) == 0
              ? hk_cert_status_list_get(sl, out->claims.status_index)
              : -1;
  /* An index beyond the list: the list predates the certificate; say it was not checked. */
  out->status_checked = s >= 0;
  /* 3 is application-specific (§7.1): not valid for us, so revoked as 1 is. */
  if (s == HK_CERT_STATUS_REVOKED || s > HK_CERT_STATUS_SUSPENDED)
    out->verdict = HK_CERT_REVOKED;
  else if (s == HK_CERT_STATUS_SUSPENDED)
    out->verdict = HK_CERT_SUSPENDED;
}

hk_status hk_cert_verify(const hk_cert_keyring *kr, const char *qr_text,
                         const hk_cert_status_list *sl, int64_t now, hk_cert_verification *out,
                         hk_error *err)
{
  memset(out, 0, sizeof *out);
  out->verdict = HK_CERT_MALFORMED;
  hk_cose_sign1 msg;
  hk_status st = open_layers(qr_text, &msg, err);
  if (st == HK_ENOMEM)
    return st;
  if (st != HK_OK)
    return HK_OK;
  hk_cert_kid_hex(msg.kid, out->kid);
  /* The claims are read even when the signature fails, for the verifier to show what the
   * text claims; the verdict says not to trust them. */
  hk_error claims_err = {0};
  char uri[HK_STATUS_URI_MAX] = "";
  hk_status cst = hk_cwt_decode(msg.payload, msg.payload_len, &out->claims, uri, &claims_err);
  if (cst != HK_OK)
    memset(&out->claims, 0, sizeof out->claims);
  const hk_cert_key *key = hk_cert_keyring_find(kr, out->kid);
  if (key == NULL) {
    out->verdict = HK_CERT_UNKNOWN_KEY;
    hk_error_set(err, HK_EINVAL, "kid", "key %s is not in the key set", out->kid);
  } else if (!hk_cose_sign1_verify(&msg, key->public_key)) {
    out->verdict = HK_CERT_BAD_SIGNATURE;
    hk_error_set(err, HK_EINVAL, "signature", "does not match key %s", out->kid);
  } else if (cst != HK_OK) {
    out->verdict = HK_CERT_MALFORMED;
    if (err != NULL)
      *err = claims_err;
  } else {
    out->verdict = HK_CERT_OK;
    apply_status(sl, uri, out);
    if (out->verdict == HK_CERT_OK && out->claims.valid_until != 0 &&
        now >= out->claims.valid_until)
      out->verdict = HK_CERT_EXPIRED;
    else if (out->verdict == HK_CERT_OK && now < out->claims.valid_from)
      out->verdict = HK_CERT_NOT_YET_VALID;
  }
  hk_cose_sign1_free(&msg);
  if (cst == HK_ENOMEM)
    return cst;
  return HK_OK;
}
