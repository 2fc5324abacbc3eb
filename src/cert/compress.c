/* zlib (RFC 1950) around the COSE bytes of a certificate and the bits of a status list, with
 * a cap on the inflated size: the input comes from anyone's QR code or from the network. */
#include <stdlib.h>

#include <zlib.h>

#include "cert/cert_int.h"

hk_status hk_cert_deflate(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len,
                          hk_error *err)
{
  uLongf size = compressBound((uLong)n);
  uint8_t *buf = malloc(size);
  if (buf == NULL)
    return hk_error_set(err, HK_ENOMEM, "zlib", "out of memory");
  if (compress2(buf, &size, in, (uLong)n, Z_BEST_COMPRESSION) != Z_OK) {
    free(buf);
    return hk_error_set(err, HK_EINTERNAL, "zlib", "compression failed");
  }
  *out = buf;
  *out_len = size;
  return HK_OK;
}

hk_status hk_cert_inflate(const uint8_t *in, size_t n, size_t cap, const char *field, uint8_t **out,
                          size_t *out_len, hk_error *err)
{
  *out = NULL;
  *out_len = 0;
  /* One byte beyond the cap tells "too big" from "exactly the cap". */
  uint8_t *buf = malloc(cap + 1);
  if (buf == NULL)
    return hk_error_set(err, HK_ENOMEM, field, "out of memory");
  z_stream zs = {0};
  if (inflateInit(&zs) != Z_OK) {
    free(buf);
    return hk_error_set(err, HK_ENOMEM, field, "out of memory");
  }
  zs.next_in = (Bytef *)(uintptr_t)in;
  zs.avail_in = (uInt)n;
  zs.next_out = buf;
  zs.avail_out = (uInt)(cap + 1);
  int rc = n > UINT32_MAX ? Z_DATA_ERROR : inflate(&zs, Z_FINISH);
  size_t produced = cap + 1 - zs.avail_out;
  size_t left = zs.avail_in;
  inflateEnd(&zs);
  hk_status st = HK_OK;
  if (produced > cap)
    st = hk_error_set(err, HK_EINVAL, field, "inflates beyond %zu bytes", cap);
  else if (rc != Z_STREAM_END)
    st = hk_error_set(err, HK_EINVAL, field, "not a complete zlib stream");
  else if (left != 0)
    st = hk_error_set(err, HK_EINVAL, field, "%zu bytes after the zlib stream", left);
  if (st != HK_OK) {
    free(buf);
    return st;
  }
  *out = buf;
  *out_len = produced;
  return HK_OK;
}
