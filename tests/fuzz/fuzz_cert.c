/* libFuzzer harness for the certificate decoders (cert/cert.h): the first byte chooses what the
 * rest is: a QR text; CBOR claims signed as a certificate (so the claims parser runs behind a
 * good signature); a COSE_Sign1 put into a QR text; status-list claims signed as a list; a raw
 * status-list token; a JWK Set. Nothing may crash, leak or trip a sanitizer. Build: cmake
 * -DHK_FUZZ=ON with clang (see tests/CMakeLists.txt). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cert/cert.h"
#include "cert/cert_int.h"

static hk_cert_keyring *ring;
static uint8_t kid[HK_COSE_KID_LEN];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A keyring with a fixed private key, so that fuzzed payloads can be signed. */
static void make_ring(void)
{
  uint8_t seed[32] = {1, 2, 3}, sk[64];
  hk_cert_key key = {0};
  ring = hk_cert_keyring_new();
  crypto_sign_seed_keypair(key.public_key, sk, seed);
  hk_cert_kid_of(key.public_key, key.kid);
  hk_cert_kid_bytes(key.kid, kid);
  if (ring == NULL || hk_cert_keyring_add(ring, &key, NULL) != HK_OK ||
      hk_cert_keyring_set_secret(ring, seed, NULL) != HK_OK)
    abort();
}

static void verify_text(const char *text)
{
  hk_cert_verification v;
  hk_cert_claims c;
  hk_cert_verify(ring, text, NULL, 1767225600, &v, NULL);
  if (hk_cert_decode(text, &c, NULL, NULL) == HK_OK)
    hk_cert_claims_holder_matches(&c, "330402199001010019");
}

/* "HKC1:" + base45(zlib(bytes)). */
static void verify_cose(const uint8_t *cose, size_t len)
{
  uint8_t *z = NULL;
  size_t z_len = 0;
  if (hk_cert_deflate(cose, len, &z, &z_len, NULL) != HK_OK)
    return;
  char *b45 = hk_base45_encode(z, z_len);
  free(z);
  if (b45 == NULL)
    return;
  char *text = malloc(strlen(b45) + 8);
  if (text != NULL) {
    sprintf(text, "%s%s", HK_CERT_PREFIX, b45);
    verify_text(text);
  }
  free(text);
  free(b45);
}

static void open_list(const uint8_t *token, size_t len)
{
  hk_cert_status_list *sl = NULL;
  if (hk_cert_status_list_open(ring, token, len, 1767225600, &sl, NULL) == HK_OK) {
    for (uint32_t i = 0; i < 64; i++)
      hk_cert_status_list_get(sl, i * 997);
    hk_cert_status_list_free(sl);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (ring == NULL)
    make_ring();
  if (size < 1)
    return 0;
  const uint8_t *in = data + 1;
  size_t n = size - 1;
  uint8_t *signed_bytes = NULL;
  size_t signed_len = 0;
  switch (data[0] % 6) {
  case 0: {
    char *text = malloc(n + 1);
    if (text != NULL) {
      memcpy(text, in, n);
      text[n] = '\0';
      verify_text(text);
    }
    free(text);
    break;
  }
  case 1:
    if (hk_cose_sign1_make(hk_cert_keyring_secret(ring), kid, NULL, in, n, &signed_bytes,
                           &signed_len, NULL) == HK_OK)
      verify_cose(signed_bytes, signed_len);
    break;
  case 2:
    verify_cose(in, n);
    break;
  case 3:
    if (hk_cose_sign1_make(hk_cert_keyring_secret(ring), kid, "application/statuslist+cwt", in, n,
                           &signed_bytes, &signed_len, NULL) == HK_OK)
      open_list(signed_bytes, signed_len);
    break;
  case 4:
    open_list(in, n);
    break;
  default: {
    hk_cert_keyring *kr = NULL;
    if (hk_cert_keyring_from_jwks((const char *)in, n, &kr, NULL) == HK_OK) {
      free(hk_cert_keyring_jwks(kr));
      hk_cert_keyring_free(kr);
    }
    break;
  }
  }
  free(signed_bytes);
  return 0;
}
