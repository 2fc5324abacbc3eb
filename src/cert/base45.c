/* Base45 (RFC 9285): two bytes become three characters of the QR code's alphanumeric set, so a
 * binary payload fills an alphanumeric-mode QR code (5.5 bits a character) instead of byte
 * mode (8 bits). No library in Debian does it; it is these few lines. */
#include <stdlib.h>
#include <string.h>

#include "cert/cert_int.h"

static const char ALPHABET[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

char *hk_base45_encode(const uint8_t *in, size_t n)
{
  char *out = malloc(n / 2 * 3 + (n % 2) * 2 + 1);
  if (out == NULL)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 2) {
    /* RFC 9285 §4: n = a*256 + b = c + d*45 + e*45*45, written c d e; a lone byte gives c d. */
    unsigned v = i + 1 < n ? (unsigned)in[i] * 256u + in[i + 1] : in[i];
    out[o++] = ALPHABET[v % 45];
    out[o++] = ALPHABET[v / 45 % 45];
    if (i + 1 < n)
      out[o++] = ALPHABET[v / 2025];
  }
  out[o] = '\0';
  return out;
}

static int digit_of(char ch)
{
  const char *p = ch ? strchr(ALPHABET, ch) : NULL;
  return p ? (int)(p - ALPHABET) : -1;
}

hk_status hk_base45_decode(const char *text, size_t n, uint8_t **out, size_t *out_len,
                           hk_error *err)
{
  *out = NULL;
  *out_len = 0;
  if (n % 3 == 1)
    return hk_error_set(err, HK_EINVAL, "base45", "length %zu is not a base45 length", n);
  uint8_t *buf = malloc(n / 3 * 2 + (n % 3 ? 1 : 0) + 1);
  if (buf == NULL)
    return hk_error_set(err, HK_ENOMEM, "base45", "out of memory");
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    size_t group = n - i >= 3 ? 3 : 2;
    unsigned v = 0, scale = 1;
    for (size_t k = 0; k < group; k++, scale *= 45) {
      int d = digit_of(text[i + k]);
      if (d < 0) {
        free(buf);
        return hk_error_set(err, HK_EINVAL, "base45", "character %zu is not in the alphabet",
                            i + k);
      }
      v += (unsigned)d * scale;
    }
    /* (RFC 9285 §4.2) a triple above 65535 or a final pair above 255 is invalid. */
    if (v > (group == 3 ? 65535u : 255u)) {
      free(buf);
      return hk_error_set(err, HK_EINVAL, "base45", "group at %zu is out of range", i);
    }
    if (group == 3)
      buf[o++] = (uint8_t)(v >> 8);
    buf[o++] = (uint8_t)(v & 0xff);
  }
  *out = buf;
  *out_len = o;
  return HK_OK;
}
