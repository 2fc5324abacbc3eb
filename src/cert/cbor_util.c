/* Small helpers over libcbor 0.8: shortest integers, map look-ups, and a parse that refuses
 * what libcbor would trust (a declared count it allocates before reading the items). */
#include <stdlib.h>
#include <string.h>

#include "cert/cert_int.h"

cbor_item_t *hk_cbor_int(int64_t v)
{
  /* A negative integer -1-m is stored as m (RFC 8949 §3.1, major type 1). */
  uint64_t m = v >= 0 ? (uint64_t)v : (uint64_t)(-(v + 1));
  if (m <= UINT8_MAX)
    return v >= 0 ? cbor_build_uint8((uint8_t)m) : cbor_build_negint8((uint8_t)m);
  if (m <= UINT16_MAX)
    return v >= 0 ? cbor_build_uint16((uint16_t)m) : cbor_build_negint16((uint16_t)m);
  if (m <= UINT32_MAX)
    return v >= 0 ? cbor_build_uint32((uint32_t)m) : cbor_build_negint32((uint32_t)m);
  return v >= 0 ? cbor_build_uint64(m) : cbor_build_negint64(m);
}

bool hk_cbor_get_int(const cbor_item_t *item, int64_t *out)
{
  if (item == NULL || !(cbor_isa_uint(item) || cbor_isa_negint(item)))
    return false;
  uint64_t m = cbor_get_int(item);
  if (m > (uint64_t)INT64_MAX)
    return false;
  *out = cbor_isa_uint(item) ? (int64_t)m : -1 - (int64_t)m;
  return true;
}

bool hk_cbor_map_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value)
{
  bool ok = key != NULL && value != NULL &&
            cbor_map_add(map, (struct cbor_pair){.key = key, .value = value});
  /* cbor_map_add took its own references. */
  if (key != NULL)
    cbor_decref(&key);
  if (value != NULL)
    cbor_decref(&value);
  return ok;
}

/* A key found twice is treated as absent: COSE and CWT labels are unique (RFC 9052 §3). */
cbor_item_t *hk_cbor_map_int(const cbor_item_t *map, int64_t key)
{
  if (map == NULL || !cbor_isa_map(map))
    return NULL;
  struct cbor_pair *pairs = cbor_map_handle(map);
  cbor_item_t *found = NULL;
  for (size_t i = 0; i < cbor_map_size(map); i++) {
    int64_t k;
    if (hk_cbor_get_int(pairs[i].key, &k) && k == key) {
      if (found != NULL)
        return NULL;
      found = pairs[i].value;
    }
  }
  return found;
}

cbor_item_t *hk_cbor_map_text(const cbor_item_t *map, const char *key)
{
  if (map == NULL || !cbor_isa_map(map))
    return NULL;
  struct cbor_pair *pairs = cbor_map_handle(map);
  size_t len = strlen(key);
  cbor_item_t *found = NULL;
  for (size_t i = 0; i < cbor_map_size(map); i++) {
    const cbor_item_t *k = pairs[i].key;
    if (cbor_isa_string(k) && cbor_string_is_definite(k) && cbor_string_length(k) == len &&
        memcmp(cbor_string_handle(k), key, len) == 0) {
      if (found != NULL)
        return NULL;
      found = pairs[i].value;
    }
  }
  return found;
}

enum { MAX_DEPTH = 8 };

/* Walk one item at in[*pos], checking the header of each nested item against the bytes left.
 * Returns false on anything malformed, indefinite or too deep. */
static bool walk(const uint8_t *in, size_t n, size_t *pos, int depth)
{
  if (depth > MAX_DEPTH || *pos >= n)
    return false;
  uint8_t first = in[(*pos)++];
  unsigned major = first >> 5, info = first & 31;
  uint64_t arg = info;
  if (info >= 24 && info <= 27) {
    size_t len = (size_t)1 << (info - 24);
    if (n - *pos < len)
      return false;
    arg = 0;
    for (size_t i = 0; i < len; i++)
      arg = arg << 8 | in[(*pos)++];
  } else if (info > 27) {
    return false; /* reserved, or an indefinite length: we never write one */
  }
  size_t left = n - *pos;
  switch (major) {
  case 0:
  case 1:
  case 7:
    return true;
  case 2:
  case 3:
    if (arg > left)
      return false;
    *pos += (size_t)arg;
    return true;
  case 4:
  case 5:
    /* Every item takes at least one byte. */
    if (arg > left || (major == 5 && arg > left / 2))
      return false;
    for (uint64_t i = 0; i < (major == 5 ? arg * 2 : arg); i++)
      if (!walk(in, n, pos, depth + 1))
        return false;
    return true;
  default: /* 6: a tag and its item */
    return walk(in, n, pos, depth + 1);
  }
}

hk_status hk_cbor_parse(const uint8_t *in, size_t n, const char *field, cbor_item_t **out,
                        hk_error *err)
{
  *out = NULL;
  size_t pos = 0;
  if (!walk(in, n, &pos, 0) || pos != n)
    return hk_error_set(err, HK_EINVAL, field, "not one well-formed CBOR item");
  struct cbor_load_result res;
  cbor_item_t *item = cbor_load(in, n, &res);
  if (item == NULL || res.error.code != CBOR_ERR_NONE || res.read != n) {
    if (item != NULL)
      cbor_decref(&item);
    return hk_error_set(err, res.error.code == CBOR_ERR_MEMERROR ? HK_ENOMEM : HK_EINVAL, field,
                        "not one well-formed CBOR item");
  }
  *out = item;
  return HK_OK;
}

hk_status hk_cbor_serialize(const cbor_item_t *item, uint8_t **out, size_t *out_len, hk_error *err)
{
  size_t cap = 0;
  unsigned char *buf = NULL;
  size_t len = cbor_serialize_alloc(item, &buf, &cap);
  if (len == 0) {
    free(buf);
    return hk_error_set(err, HK_ENOMEM, NULL, "CBOR serialisation failed");
  }
  *out = buf;
  *out_len = len;
  return HK_OK;
}
