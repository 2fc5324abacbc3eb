/* zlib (RFC 1950) around the COSE bytes of a certificate and the bits of a status list, with
 * a cap on the inflated size: the input comes from anyone's QR code or from the network. */
#include <stdlib.h>

#include <zlib.h>

#include "cert/cert_int.h"

/* The smallest window that covers the input, and little hash memory for a certificate: zlib's
 * defaults allocate about 270 KB, which glibc maps and unmaps on every call (2 ms a
 * certificate, against 25 us this way); any inflater reads a stream of a smaller window. */
static void deflate_params(size_t n, int *window_bits, int *mem_level)
{
  int bits = 9; /* zlib's smallest window for the zlib format */
  while (bits < 15 && ((size_t)1 << bits) < n)
    bits++;
  *window_bits = bits;
  *mem_level = n <= HK_CERT_INFLATE_MAX ? 4 : 8;
}

hk_status hk_cert_deflate(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len,
                          hk_error *err)
{
  *out = NULL;
  *out_len = 0;
  if (n > UINT32_MAX)
    return hk_error_set(err, HK_EINVAL, "zlib", "input too large");
  int window_bits, mem_level;
  deflate_params(n, &window_bits, &mem_level);
  z_stream zs = {0};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, mem_level,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    return hk_error_set(err, HK_ENOMEM, "zlib", "out of memory");
  uLong size = deflateBound(&zs, (uLong)n);
  uint8_t *buf = malloc(size);
  if (buf == NULL) {
    deflateEnd(&zs);
    return hk_error_set(err, HK_ENOMEM, "zlib", "out of memory");
  }
  zs.next_in = (Bytef *)(uintptr_t)in;
  zs.avail_in = (uInt)n;
  zs.next_out = buf;
  zs.avail_out = (uInt)size;
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    free(buf);
    return hk_error_set(err, HK_EINTERNAL, "zlib", "compression failed");
  }
  *out = buf;
  *out_len = produced;
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
