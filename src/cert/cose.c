/* COSE_Sign1 (RFC 9052 §4.2, tag 18) signed with EdDSA over Ed25519 (RFC 9053 §2.2, alg -8):
 * the signature covers the Sig_structure ["Signature1", protected, h'', payload], so a
 * verifier with any COSE library (or a few lines of CBOR, tests/cert/verify_independent.py)
 * checks what we sign. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cert/cert_int.h"

enum {
  COSE_TAG_SIGN1 = 18,
  HDR_ALG = 1,
  HDR_CRIT = 2,
  HDR_KID = 4,
  HDR_TYP = 16, /* RFC 9596 */
  ALG_EDDSA = -8,
};

static hk_status oom(hk_error *err)
{
  return hk_error_set(err, HK_ENOMEM, "cose", "out of memory");
}

/* The Sig_structure (§4.4) with an empty external_aad. */
static hk_status to_be_signed(const uint8_t *protected_bytes, size_t protected_len,
                              const uint8_t *payload, size_t payload_len, uint8_t **out,
                              size_t *out_len, hk_error *err)
{
  cbor_item_t *arr = cbor_new_definite_array(4);
  if (arr == NULL)
    return oom(err);
  bool ok =
      cbor_array_push(arr, cbor_move(cbor_build_string("Signature1"))) &&
      cbor_array_push(arr, cbor_move(cbor_build_bytestring(protected_bytes, protected_len))) &&
      cbor_array_push(arr, cbor_move(cbor_build_bytestring((const uint8_t *)"", 0))) &&
      cbor_array_push(arr, cbor_move(cbor_build_bytestring(payload, payload_len)));
  hk_status st = ok ? hk_cbor_serialize(arr, out, out_len, err) : oom(err);
  cbor_decref(&arr);
  return st;
}

hk_status hk_cose_sign1_make(const uint8_t sk[64], const uint8_t kid[HK_COSE_KID_LEN],
                             const char *typ, const uint8_t *payload, size_t payload_len,
                             uint8_t **out, size_t *out_len, hk_error *err)
{
  *out = NULL;
  *out_len = 0;
  cbor_item_t *hdr = cbor_new_definite_map(typ ? 3 : 2);
  if (hdr == NULL)
    return oom(err);
  bool ok =
      hk_cbor_map_put(hdr, hk_cbor_int(HDR_ALG), hk_cbor_int(ALG_EDDSA)) &&
      hk_cbor_map_put(hdr, hk_cbor_int(HDR_KID), cbor_build_bytestring(kid, HK_COSE_KID_LEN)) &&
      (typ == NULL || hk_cbor_map_put(hdr, hk_cbor_int(HDR_TYP), cbor_build_string(typ)));
  uint8_t *prot = NULL, *tbs = NULL;
  size_t prot_len = 0, tbs_len = 0;
  hk_status st = ok ? hk_cbor_serialize(hdr, &prot, &prot_len, err) : oom(err);
  cbor_decref(&hdr);
  if (st == HK_OK)
    st = to_be_signed(prot, prot_len, payload, payload_len, &tbs, &tbs_len, err);
  uint8_t sig[crypto_sign_BYTES];
  if (st == HK_OK)
    crypto_sign_detached(sig, NULL, tbs, tbs_len, sk);
  free(tbs);
  cbor_item_t *arr = st == HK_OK ? cbor_new_definite_array(4) : NULL;
  if (st == HK_OK && arr == NULL)
    st = oom(err);
  if (st == HK_OK) {
    ok = cbor_array_push(arr, cbor_move(cbor_build_bytestring(prot, prot_len))) &&
         cbor_array_push(arr, cbor_move(cbor_new_definite_map(0))) &&
         cbor_array_push(arr, cbor_move(cbor_build_bytestring(payload, payload_len))) &&
         cbor_array_push(arr, cbor_move(cbor_build_bytestring(sig, sizeof sig)));
    cbor_item_t *tagged = ok ? cbor_build_tag(COSE_TAG_SIGN1, arr) : NULL;
    st = tagged ? hk_cbor_serialize(tagged, out, out_len, err) : oom(err);
    if (tagged != NULL)
      cbor_decref(&tagged);
  }
  if (arr != NULL)
    cbor_decref(&arr);
  free(prot);
  return st;
}

static bool is_bytes(const cbor_item_t *item)
{
  return item != NULL && cbor_isa_bytestring(item) && cbor_bytestring_is_definite(item);
}

static hk_status bad(hk_error *err, const char *layer, const char *part, const char *what)
{
  char field[64];
  snprintf(field, sizeof field, "%s%s%s", layer, part[0] ? "." : "", part);
  return hk_error_set(err, HK_EINVAL, field, "%s", what);
}

/* The protected header: alg EdDSA, an 8-byte kid, an optional typ, no crit we would have to
 * understand (§3.1). */
static hk_status read_protected(const cbor_item_t *bytes, const char *layer, hk_cose_sign1 *msg,
                                hk_error *err)
{
  if (!is_bytes(bytes) || cbor_bytestring_length(bytes) == 0)
    return bad(err, layer, "protected", "not a byte string holding the protected header");
  cbor_item_t *hdr = NULL;
  hk_status st = hk_cbor_parse(cbor_bytestring_handle(bytes), cbor_bytestring_length(bytes),
                               "protected", &hdr, err);
  if (st != HK_OK) {
    hk_error_prefix(err, layer);
    return st;
  }
  int64_t alg = 0;
  const cbor_item_t *kid = hk_cbor_map_int(hdr, HDR_KID);
  const cbor_item_t *typ = hk_cbor_map_int(hdr, HDR_TYP);
  if (!cbor_isa_map(hdr))
    st = bad(err, layer, "protected", "the protected header is not a map");
  else if (!hk_cbor_get_int(hk_cbor_map_int(hdr, HDR_ALG), &alg) || alg != ALG_EDDSA)
    st = bad(err, layer, "alg", "unsupported algorithm (only EdDSA, -8)");
  else if (hk_cbor_map_int(hdr, HDR_CRIT) != NULL)
    st = bad(err, layer, "crit", "critical header parameters are not supported");
  else if (!is_bytes(kid) || cbor_bytestring_length(kid) != HK_COSE_KID_LEN)
    st = bad(err, layer, "kid", "not an 8-byte key id");
  else if (typ != NULL && (!cbor_isa_string(typ) || !cbor_string_is_definite(typ) ||
                           cbor_string_length(typ) >= sizeof msg->typ))
    st = bad(err, layer, "typ", "not a short text");
  if (st == HK_OK) {
    memcpy(msg->kid, cbor_bytestring_handle(kid), HK_COSE_KID_LEN);
    if (typ != NULL && cbor_string_length(typ) > 0) {
      memcpy(msg->typ, cbor_string_handle(typ), cbor_string_length(typ));
    }
    if (typ != NULL)
      msg->typ[cbor_string_length(typ)] = '\0';
  }
  cbor_decref(&hdr);
  return st;
}

hk_status hk_cose_sign1_parse(const uint8_t *in, size_t n, const char *layer, hk_cose_sign1 *msg,
                              hk_error *err)
{
  memset(msg, 0, sizeof *msg);
  /* libcbor 0.8.0 refuses the one-byte tag 18 (0xD2): check it here and load the array. */
  if (n < 1 || in[0] != (0xC0 | COSE_TAG_SIGN1))
    return bad(err, layer, "", "not a tagged COSE_Sign1 (tag 18)");
  cbor_item_t *arr = NULL;
  hk_status st = hk_cbor_parse(in + 1, n - 1, layer, &arr, err);
  if (st != HK_OK)
    return st;
  if (!cbor_isa_array(arr) || cbor_array_size(arr) != 4) {
    cbor_decref(&arr);
    return bad(err, layer, "", "not an array of four (COSE_Sign1)");
  }
  cbor_item_t **items = cbor_array_handle(arr);
  st = read_protected(items[0], layer, msg, err);
  if (st == HK_OK && !cbor_isa_map(items[1]))
    st = bad(err, layer, "unprotected", "not a map");
  else if (st == HK_OK && !is_bytes(items[2]))
    st = bad(err, layer, "payload", "not a byte string (detached payloads are not supported)");
  else if (st == HK_OK &&
           (!is_bytes(items[3]) || cbor_bytestring_length(items[3]) != sizeof msg->signature))
    st = bad(err, layer, "signature", "not a 64-byte Ed25519 signature");
  if (st == HK_OK) {
    size_t len = cbor_bytestring_length(items[2]);
    msg->payload = malloc(len ? len : 1);
    if (msg->payload == NULL) {
      st = oom(err);
    } else {
      if (len > 0)
        memcpy(msg->payload, cbor_bytestring_handle(items[2]), len);
      msg->payload_len = len;
      memcpy(msg->signature, cbor_bytestring_handle(items[3]), sizeof msg->signature);
      st = to_be_signed(cbor_bytestring_handle(items[0]), cbor_bytestring_length(items[0]),
                        msg->payload, len, &msg->to_be_signed, &msg->to_be_signed_len, err);
    }
  }
  cbor_decref(&arr);
  if (st != HK_OK)
    hk_cose_sign1_free(msg);
  return st;
}

bool hk_cose_sign1_verify(const hk_cose_sign1 *msg, const uint8_t public_key[32])
{
  return msg->to_be_signed != NULL &&
         crypto_sign_verify_detached(msg->signature, msg->to_be_signed, msg->to_be_signed_len,
                                     public_key) == 0;
}

void hk_cose_sign1_free(hk_cose_sign1 *msg)
{
  free(msg->payload);
  free(msg->to_be_signed);
  msg->payload = NULL;
  msg->to_be_signed = NULL;
}
