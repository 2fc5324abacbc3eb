/* The status list (draft-ietf-oauth-status-list, CWT form): every certificate's status in
 * 2 bits at its index, zlib-compressed, signed as a COSE_Sign1 with typ
 * "application/statuslist+cwt":
 *   {2 sub: uri, 6 iat, 4 exp, 65533 status_list: {"bits": 2, "lst": zlib(bytes)}}
 * A million certificates take 250 KB before compression and a few KB after, since almost all
 * are valid (zeros). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert_int.h"

#define STATUS_LIST_TYP "application/statuslist+cwt"
enum {
  CWT_SUB = 2,
  CWT_EXP = 4,
  CWT_IAT = 6,
  CWT_STATUS_LIST = 65533,
  BITS = 2, /* valid, revoked, suspended (§7.1) need two */
};

struct hk_cert_status_list {
  uint8_t *bytes;
  size_t len;
  unsigned bits;
  char sub[256];
  int64_t issued_at, expires;
};

/* Entry i of a list of `bits` bits an entry; the draft numbers bits from the least
 * significant within each byte. */
static unsigned entry(const uint8_t *bytes, uint64_t i, unsigned bits)
{
  uint64_t bit = i * bits;
  return (unsigned)(bytes[bit / 8] >> (bit % 8)) & ((1u << bits) - 1u);
}

static hk_status pack(const uint8_t *statuses, size_t n, uint8_t **out, size_t *out_len,
                      hk_error *err)
{
  size_t len = (n * BITS + 7) / 8;
  uint8_t *bytes = calloc(len ? len : 1, 1);
  if (bytes == NULL)
    return hk_error_set(err, HK_ENOMEM, "statuses", "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (statuses[i] > HK_CERT_STATUS_SUSPENDED) {
      free(bytes);
      return hk_error_set(err, HK_EINVAL, "statuses", "entry %zu is %u, not a status", i,
                          statuses[i]);
    }
    bytes[i * BITS / 8] |= (uint8_t)(statuses[i] << (i * BITS % 8));
  }
  *out = bytes;
  *out_len = len;
  return HK_OK;
}

static cbor_item_t *claims_map(const char *uri, int64_t now, int64_t ttl, const uint8_t *z,
                               size_t z_len)
{
  cbor_item_t *list = cbor_new_definite_map(2);
  cbor_item_t *map = cbor_new_definite_map(ttl > 0 ? 4 : 3);
  bool ok = list != NULL && map != NULL &&
            hk_cbor_map_put(list, cbor_build_string("bits"), hk_cbor_int(BITS)) &&
            hk_cbor_map_put(list, cbor_build_string("lst"), cbor_build_bytestring(z, z_len)) &&
            hk_cbor_map_put(map, hk_cbor_int(CWT_SUB), cbor_build_string(uri)) &&
            hk_cbor_map_put(map, hk_cbor_int(CWT_IAT), hk_cbor_int(now)) &&
            (ttl <= 0 || hk_cbor_map_put(map, hk_cbor_int(CWT_EXP), hk_cbor_int(now + ttl))) &&
            hk_cbor_map_put(map, hk_cbor_int(CWT_STATUS_LIST), cbor_incref(list));
  if (list != NULL)
    cbor_decref(&list);
  if (!ok && map != NULL)
    cbor_decref(&map);
  return ok ? map : NULL;
}

hk_status hk_cert_status_list_sign(const hk_cert_keyring *kr, const uint8_t *statuses, size_t n,
                                   const char *uri, int64_t now, int64_t ttl_seconds,
                                   uint8_t **token, size_t *len, hk_error *err)
{
  *token = NULL;
  *len = 0;
  const uint8_t *sk = hk_cert_keyring_secret(kr);
  uint8_t kid[HK_COSE_KID_LEN];
  if (sk == NULL || !hk_cert_kid_bytes(hk_cert_keyring_signing(kr)->kid, kid))
    return hk_error_set(err, HK_EUNAVAILABLE, "keys", "no private signing key loaded");
  if (uri == NULL || uri[0] == '\0' || strlen(uri) >= 256)
    return hk_error_set(err, HK_EINVAL, "uri", "missing, or longer than 255 bytes");
  if (n > (size_t)HK_STATUS_LIST_INFLATE_MAX * 8 / BITS || (n > 0 && statuses == NULL))
    return hk_error_set(err, HK_EINVAL, "statuses", "more entries than a list holds");
  if (now < 0 || ttl_seconds < 0 || ttl_seconds > INT64_MAX - now)
    return hk_error_set(err, HK_EINVAL, "ttl", "not a time");
  uint8_t *bytes = NULL, *z = NULL, *payload = NULL;
  size_t bytes_len = 0, z_len = 0, payload_len = 0;
  hk_status st = pack(statuses, n, &bytes, &bytes_len, err);
  if (st == HK_OK)
    st = hk_cert_deflate(bytes, bytes_len, &z, &z_len, err);
  cbor_item_t *map = st == HK_OK ? claims_map(uri, now, ttl_seconds, z, z_len) : NULL;
  if (st == HK_OK && map == NULL)
    st = hk_error_set(err, HK_ENOMEM, "status_list", "out of memory");
  if (st == HK_OK)
    st = hk_cbor_serialize(map, &payload, &payload_len, err);
  if (st == HK_OK)
    st = hk_cose_sign1_make(sk, kid, STATUS_LIST_TYP, payload, payload_len, token, len, err);
  if (map != NULL)
    cbor_decref(&map);
  free(payload);
  free(z);
  free(bytes);
  return st;
}

static hk_status bad(hk_error *err, const char *part, const char *what)
{
  char field[48];
  snprintf(field, sizeof field, "status_list.%s", part);
  return hk_error_set(err, HK_EINVAL, field, "%s", what);
}

static hk_status read_claims(const uint8_t *payload, size_t n, int64_t now, hk_cert_status_list *sl,
                             hk_error *err)
{
  cbor_item_t *map = NULL;
  hk_status st = hk_cbor_parse(payload, n, "status_list.claims", &map, err);
  if (st != HK_OK)
    return st;
  const cbor_item_t *sub = hk_cbor_map_int(map, CWT_SUB);
  const cbor_item_t *exp = hk_cbor_map_int(map, CWT_EXP);
  const cbor_item_t *list = hk_cbor_map_int(map, CWT_STATUS_LIST);
  const cbor_item_t *lst = hk_cbor_map_text(list, "lst");
  int64_t bits = 0;
  if (sub == NULL || !cbor_isa_string(sub) || !cbor_string_is_definite(sub) ||
      cbor_string_length(sub) == 0 || cbor_string_length(sub) >= sizeof sl->sub)
    st = bad(err, "sub", "missing, or not the list's URI");
  else if (!hk_cbor_get_int(hk_cbor_map_int(map, CWT_IAT), &sl->issued_at))
    st = bad(err, "iat", "missing, or not a time");
  else if (exp != NULL && !hk_cbor_get_int(exp, &sl->expires))
    st = bad(err, "exp", "not a time");
  else if (exp != NULL && now >= sl->expires)
    st = bad(err, "exp", "the status list has expired: fetch a fresh one");
  else if (!hk_cbor_get_int(hk_cbor_map_text(list, "bits"), &bits) ||
           (bits != 1 && bits != 2 && bits != 4 && bits != 8))
    st = bad(err, "bits", "missing, or not 1, 2, 4 or 8");
  else if (lst == NULL || !cbor_isa_bytestring(lst) || !cbor_bytestring_is_definite(lst))
    st = bad(err, "lst", "missing, or not bytes");
  if (st == HK_OK) {
    memcpy(sl->sub, cbor_string_handle(sub), cbor_string_length(sub));
    sl->sub[cbor_string_length(sub)] = '\0';
    sl->bits = (unsigned)bits;
    st = hk_cert_inflate(cbor_bytestring_handle(lst), cbor_bytestring_length(lst),
                         HK_STATUS_LIST_INFLATE_MAX, "status_list.lst", &sl->bytes, &sl->len, err);
  }
  cbor_decref(&map);
  return st;
}

hk_status hk_cert_status_list_open(const hk_cert_keyring *kr, const uint8_t *token, size_t len,
                                   int64_t now, hk_cert_status_list **out, hk_error *err)
{
  *out = NULL;
  hk_cose_sign1 msg;
  hk_status st = hk_cose_sign1_parse(token, len, "status_list", &msg, err);
  if (st != HK_OK)
    return st;
  char kid[HK_CERT_KID_HEX + 1];
  hk_cert_kid_hex(msg.kid, kid);
  const hk_cert_key *key = hk_cert_keyring_find(kr, kid);
  hk_cert_status_list *sl = NULL;
  if (strcmp(msg.typ, STATUS_LIST_TYP) != 0)
    st = bad(err, "typ", "not " STATUS_LIST_TYP);
  else if (key == NULL)
    st = bad(err, "kid", "signed by a key not in the key set");
  else if (!hk_cose_sign1_verify(&msg, key->public_key))
    st = hk_error_set(err, HK_ETAMPERED, "status_list.signature",
                      "does not match key %s: changed, or not ours", kid);
  else if ((sl = calloc(1, sizeof *sl)) == NULL)
    st = hk_error_set(err, HK_ENOMEM, "status_list", "out of memory");
  else
    st = read_claims(msg.payload, msg.payload_len, now, sl, err);
  hk_cose_sign1_free(&msg);
  if (st != HK_OK) {
    hk_cert_status_list_free(sl);
    return st;
  }
  *out = sl;
  return HK_OK;
}

void hk_cert_status_list_free(hk_cert_status_list *sl)
{
  if (sl == NULL)
    return;
  free(sl->bytes);
  free(sl);
}

const char *hk_cert_status_list_sub(const hk_cert_status_list *sl)
{
  return sl ? sl->sub : "";
}

int hk_cert_status_list_get(const hk_cert_status_list *sl, uint32_t index)
{
  if (sl == NULL || sl->bytes == NULL || (uint64_t)index * sl->bits / 8 >= sl->len)
    return -1;
  return (int)entry(sl->bytes, index, sl->bits);
}
