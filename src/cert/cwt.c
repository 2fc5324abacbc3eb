/* The claims of a certificate as a CWT claims set (RFC 8392) with libcbor:
 *   1 iss (text: the county code)   4 exp (omitted when 0)   5 nbf   6 iat   7 cti (bytes)
 *   65535 status {"status_list": {"idx": N, "uri": path}}  (draft-ietf-oauth-status-list)
 *   -65537 (private) {"t": type, "n": name, "m": masked ID, "s": salt, "d": digest,
 *                     "f": {key: value}}
 * Integer labels and one-letter keys keep it small enough for an alphanumeric QR code
 * (docs/certificates.md gives the sizes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert_int.h"
#include "core/utf8.h"

enum {
  CWT_ISS = 1,
  CWT_EXP = 4,
  CWT_NBF = 5,
  CWT_IAT = 6,
  CWT_CTI = 7,
  CWT_STATUS = 65535,
  CWT_HUKOU = -65537,
};

static cbor_item_t *text(const char *s)
{
  return cbor_build_string(s);
}

static cbor_item_t *body_map(const hk_cert_claims *c)
{
  cbor_item_t *fields = cbor_new_definite_map(c->nfields);
  cbor_item_t *body = cbor_new_definite_map(6);
  bool ok = fields != NULL && body != NULL;
  for (size_t i = 0; ok && i < c->nfields; i++)
    ok = hk_cbor_map_put(fields, text(c->fields[i].key), text(c->fields[i].value));
  ok = ok && hk_cbor_map_put(body, text("t"), text(hk_cert_type_name(c->type))) &&
       hk_cbor_map_put(body, text("n"), text(c->name)) &&
       hk_cbor_map_put(body, text("m"), text(c->id_masked)) &&
       hk_cbor_map_put(body, text("s"), cbor_build_bytestring(c->id_salt, sizeof c->id_salt)) &&
       hk_cbor_map_put(body, text("d"), cbor_build_bytestring(c->id_digest, sizeof c->id_digest)) &&
       hk_cbor_map_put(body, text("f"), cbor_incref(fields));
  if (fields != NULL)
    cbor_decref(&fields);
  if (!ok && body != NULL)
    cbor_decref(&body);
  return ok ? body : NULL;
}

static cbor_item_t *status_map(uint32_t index)
{
  cbor_item_t *ref = cbor_new_definite_map(2);
  if (ref == NULL)
    return NULL;
  if (!hk_cbor_map_put(ref, text("idx"), hk_cbor_int(index)) ||
      !hk_cbor_map_put(ref, text("uri"), text(HK_CERT_STATUS_PATH))) {
    cbor_decref(&ref);
    return NULL;
  }
  cbor_item_t *status = cbor_new_definite_map(1);
  if (status != NULL && !hk_cbor_map_put(status, text("status_list"), ref))
    cbor_decref(&status);
  else if (status == NULL)
    cbor_decref(&ref);
  return status;
}

hk_status hk_cwt_encode(const hk_cert_claims *c, uint8_t **out, size_t *out_len, hk_error *err)
{
  if ((unsigned)c->type >= HK_CERT_TYPE_COUNT || c->nfields > HK_CERT_FIELDS_MAX)
    return hk_error_set(err, HK_EINVAL, "claims", "no such type, or too many fields");
  cbor_item_t *map = cbor_new_definite_map(c->valid_until ? 7 : 6);
  if (map == NULL)
    return hk_error_set(err, HK_ENOMEM, "claims", "out of memory");
  bool ok = hk_cbor_map_put(map, hk_cbor_int(CWT_ISS), text(c->issuer)) &&
            (c->valid_until == 0 ||
             hk_cbor_map_put(map, hk_cbor_int(CWT_EXP), hk_cbor_int(c->valid_until))) &&
            hk_cbor_map_put(map, hk_cbor_int(CWT_NBF), hk_cbor_int(c->valid_from)) &&
            hk_cbor_map_put(map, hk_cbor_int(CWT_IAT), hk_cbor_int(c->issued_at)) &&
            /* RFC 8392 §3.1.7: cti is a byte string; ours holds the identifier's characters. */
            hk_cbor_map_put(map, hk_cbor_int(CWT_CTI),
                            cbor_build_bytestring((const uint8_t *)c->id, strlen(c->id))) &&
            hk_cbor_map_put(map, hk_cbor_int(CWT_STATUS), status_map(c->status_index)) &&
            hk_cbor_map_put(map, hk_cbor_int(CWT_HUKOU), body_map(c));
  hk_status st = ok ? hk_cbor_serialize(map, out, out_len, err)
                    : hk_error_set(err, HK_ENOMEM, "claims", "out of memory");
  cbor_decref(&map);
  return st;
}

/* ---- decoding: every claim checked for presence, type and length ---- */

static hk_status bad(hk_error *err, const char *key, const char *what)
{
  char field[48];
  snprintf(field, sizeof field, "claims%s%s", key[0] ? "." : "", key);
  return hk_error_set(err, HK_EINVAL, field, "%s", what);
}

/* A definite text item of fewer than cap bytes, UTF-8 without NUL, copied into dst. */
static bool copy_text(const cbor_item_t *item, char *dst, size_t cap)
{
  if (item == NULL || !cbor_isa_string(item) || !cbor_string_is_definite(item))
    return false;
  size_t n = cbor_string_length(item);
  const char *s = (const char *)cbor_string_handle(item);
  if (n >= cap || (n > 0 && (memchr(s, '\0', n) != NULL || !hk_utf8_valid(s, n))))
    return false;
  if (n > 0)
    memcpy(dst, s, n);
  dst[n] = '\0';
  return true;
}

static bool copy_bytes(const cbor_item_t *item, uint8_t *dst, size_t len)
{
  if (item == NULL || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item) ||
      cbor_bytestring_length(item) != len)
    return false;
  memcpy(dst, cbor_bytestring_handle(item), len);
  return true;
}

static hk_status read_time(const cbor_item_t *map, int64_t label, const char *key, bool required,
                           int64_t *out, hk_error *err)
{
  const cbor_item_t *item = hk_cbor_map_int(map, label);
  *out = 0;
  if (item == NULL && !required)
    return HK_OK;
  if (!hk_cbor_get_int(item, out) || *out < 0)
    return bad(err, key, "missing, or not a time in seconds");
  return HK_OK;
}

static hk_status read_cti(const cbor_item_t *item, char id[HK_CERT_ID_MAX + 1], hk_error *err)
{
  size_t n = item && cbor_isa_bytestring(item) && cbor_bytestring_is_definite(item)
                 ? cbor_bytestring_length(item)
                 : 0;
  if (n == 0 || n > HK_CERT_ID_MAX)
    return bad(err, "cti", "missing, or not an identifier of 1 to 63 bytes");
  const uint8_t *p = cbor_bytestring_handle(item);
  for (size_t i = 0; i < n; i++)
    if (p[i] < 0x21 || p[i] > 0x7e)
      return bad(err, "cti", "not printable ASCII");
  memcpy(id, p, n);
  id[n] = '\0';
  return HK_OK;
}

static hk_status read_status(const cbor_item_t *item, uint32_t *index, char uri[HK_STATUS_URI_MAX],
                             hk_error *err)
{
  const cbor_item_t *ref = hk_cbor_map_text(item, "status_list");
  int64_t idx;
  if (!hk_cbor_get_int(hk_cbor_map_text(ref, "idx"), &idx) || idx < 0 || idx > UINT32_MAX)
    return bad(err, "status.idx", "missing, or not an index");
  if (!copy_text(hk_cbor_map_text(ref, "uri"), uri, HK_STATUS_URI_MAX) || uri[0] == '\0')
    return bad(err, "status.uri", "missing, or not a URI of at most 255 bytes");
  *index = (uint32_t)idx;
  return HK_OK;
}

static hk_status read_fields(const cbor_item_t *map, hk_cert_claims *out, hk_error *err)
{
  if (map == NULL || !cbor_isa_map(map) || cbor_map_size(map) > HK_CERT_FIELDS_MAX)
    return bad(err, "f", "missing, or not a map of at most 16 fields");
  struct cbor_pair *pairs = cbor_map_handle(map);
  for (size_t i = 0; i < cbor_map_size(map); i++) {
    char key[sizeof out->fields[0].key];
    char value[sizeof out->fields[0].value];
    if (!copy_text(pairs[i].key, key, sizeof key))
      return bad(err, "f", "a key is not a short text");
    if (!copy_text(pairs[i].value, value, sizeof value))
      return bad(err, "f", "a value is not a text of at most 255 bytes");
    hk_status st = hk_cert_claims_add(out, key, value, err);
    if (st != HK_OK) {
      hk_error_prefix(err, "claims");
      return st;
    }
  }
  return HK_OK;
}

static hk_status read_body(const cbor_item_t *body, hk_cert_claims *out, hk_error *err)
{
  char type[32];
  if (body == NULL || !cbor_isa_map(body))
    return bad(err, "hukou", "missing the certificate body (claim -65537)");
  if (!copy_text(hk_cbor_map_text(body, "t"), type, sizeof type) || hk_cert_type_parse(type) < 0)
    return bad(err, "t", "missing, or not a certificate type");
  out->type = (hk_cert_type)hk_cert_type_parse(type);
  if (!copy_text(hk_cbor_map_text(body, "n"), out->name, sizeof out->name))
    return bad(err, "n", "missing, or not a name of at most 127 bytes");
  if (!copy_text(hk_cbor_map_text(body, "m"), out->id_masked, sizeof out->id_masked))
    return bad(err, "m", "missing, or not a masked ID number");
  if (!copy_bytes(hk_cbor_map_text(body, "s"), out->id_salt, sizeof out->id_salt))
    return bad(err, "s", "missing, or not 8 bytes of salt");
  if (!copy_bytes(hk_cbor_map_text(body, "d"), out->id_digest, sizeof out->id_digest))
    return bad(err, "d", "missing, or not a 16-byte digest");
  return read_fields(hk_cbor_map_text(body, "f"), out, err);
}

hk_status hk_cwt_decode(const uint8_t *in, size_t n, hk_cert_claims *out,
                        char status_uri[HK_STATUS_URI_MAX], hk_error *err)
{
  char uri[HK_STATUS_URI_MAX] = "";
  memset(out, 0, sizeof *out);
  cbor_item_t *map = NULL;
  hk_status st = hk_cbor_parse(in, n, "claims", &map, err);
  if (st != HK_OK)
    return st;
  if (!cbor_isa_map(map))
    st = bad(err, "", "not a map");
  else if (!copy_text(hk_cbor_map_int(map, CWT_ISS), out->issuer, sizeof out->issuer))
    st = bad(err, "iss", "missing, or not an issuer code of at most 15 bytes");
  if (st == HK_OK)
    st = read_time(map, CWT_IAT, "iat", true, &out->issued_at, err);
  if (st == HK_OK)
    st = read_time(map, CWT_NBF, "nbf", true, &out->valid_from, err);
  if (st == HK_OK)
    st = read_time(map, CWT_EXP, "exp", false, &out->valid_until, err);
  /* 0 means "no expiry" in hk_cert_claims; an explicit exp of 0 (1970) is not one we write. */
  if (st == HK_OK && out->valid_until == 0 && hk_cbor_map_int(map, CWT_EXP) != NULL)
    st = bad(err, "exp", "0 is not an expiry");
  if (st == HK_OK)
    st = read_cti(hk_cbor_map_int(map, CWT_CTI), out->id, err);
  if (st == HK_OK)
    st = read_status(hk_cbor_map_int(map, CWT_STATUS), &out->status_index, uri, err);
  if (st == HK_OK)
    st = read_body(hk_cbor_map_int(map, CWT_HUKOU), out, err);
  cbor_decref(&map);
  if (status_uri != NULL)
    memcpy(status_uri, uri, HK_STATUS_URI_MAX);
  return st;
}
