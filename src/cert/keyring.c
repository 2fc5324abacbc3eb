/* The keyring in memory: every public key of the set and, for the server, the signing key's
 * secret. keys.c fills it from a keys directory, jwks.c from a JWK Set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cert/cert_int.h"

enum { KEYRING_MAX = 1024 }; /* a key a day for three years; more is not a key set */

struct hk_cert_keyring {
  hk_cert_key *keys;
  size_t n, cap;
  uint8_t secret[crypto_sign_SECRETKEYBYTES]; /* of the signing key, when has_private */
};

void hk_cert_kid_hex(const uint8_t kid[HK_COSE_KID_LEN], char hex[HK_CERT_KID_HEX + 1])
{
  sodium_bin2hex(hex, HK_CERT_KID_HEX + 1, kid, HK_COSE_KID_LEN);
}

bool hk_cert_kid_bytes(const char *hex, uint8_t kid[HK_COSE_KID_LEN])
{
  size_t len = 0;
  const char *end = NULL;
  return hex != NULL && strlen(hex) == HK_CERT_KID_HEX &&
         sodium_hex2bin(kid, HK_COSE_KID_LEN, hex, HK_CERT_KID_HEX, NULL, &len, &end) == 0 &&
         len == HK_COSE_KID_LEN && *end == '\0';
}

void hk_cert_kid_of(const uint8_t public_key[32], char hex[HK_CERT_KID_HEX + 1])
{
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, public_key, 32);
  hk_cert_kid_hex(digest, hex);
}

void hk_cert_x_encode(const uint8_t public_key[32], char out[48])
{
  sodium_bin2base64(out, 48, public_key, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool hk_cert_x_decode(const char *x, uint8_t public_key[32])
{
  size_t len = 0;
  const char *end = NULL;
  return x != NULL && strlen(x) < 64 &&
         sodium_base642bin(public_key, 32, x, strlen(x), NULL, &len, &end,
                           sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
         len == 32 && *end == '\0';
}

hk_cert_keyring *hk_cert_keyring_new(void)
{
  if (sodium_init() < 0)
    return NULL;
  return calloc(1, sizeof(hk_cert_keyring));
}

hk_status hk_cert_keyring_add(hk_cert_keyring *kr, const hk_cert_key *key, hk_error *err)
{
  char kid[HK_CERT_KID_HEX + 1];
  hk_cert_kid_of(key->public_key, kid);
  if (strcmp(kid, key->kid) != 0)
    return hk_error_set(err, HK_EINVAL, "kid", "%.16s is not the key id of its key (%s)", key->kid,
                        kid);
  if (hk_cert_keyring_find(kr, key->kid) != NULL)
    return hk_error_set(err, HK_EINVAL, "kid", "%s is in the set twice", key->kid);
  if (kr->n >= KEYRING_MAX)
    return hk_error_set(err, HK_EINVAL, "keys", "more than %d keys", KEYRING_MAX);
  if (kr->n == kr->cap) {
    size_t cap = kr->cap ? kr->cap * 2 : 4;
    hk_cert_key *grown = realloc(kr->keys, cap * sizeof *grown);
    if (grown == NULL)
      return hk_error_set(err, HK_ENOMEM, "keys", "out of memory");
    kr->keys = grown;
    kr->cap = cap;
  }
  kr->keys[kr->n] = *key;
  kr->keys[kr->n].has_private = false;
  kr->n++;
  return HK_OK;
}

/* Load the signing key's secret from its seed, checking that it is the key of the set. */
hk_status hk_cert_keyring_set_secret(hk_cert_keyring *kr, const uint8_t seed[32], hk_error *err)
{
  hk_cert_key *signing = (hk_cert_key *)hk_cert_keyring_signing(kr);
  uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  if (signing == NULL)
    return hk_error_set(err, HK_EINVAL, "keys", "no signing key in the set");
  crypto_sign_seed_keypair(pk, kr->secret, seed);
  if (sodium_memcmp(pk, signing->public_key, sizeof pk) != 0) {
    sodium_memzero(kr->secret, sizeof kr->secret);
    return hk_error_set(err, HK_ETAMPERED, signing->kid,
                        "the private key is not the one of the key set");
  }
  signing->has_private = true;
  return HK_OK;
}

void hk_cert_keyring_free(hk_cert_keyring *kr)
{
  if (kr == NULL)
    return;
  sodium_memzero(kr->secret, sizeof kr->secret);
  free(kr->keys);
  free(kr);
}

size_t hk_cert_keyring_count(const hk_cert_keyring *kr)
{
  return kr ? kr->n : 0;
}

const hk_cert_key *hk_cert_keyring_at(const hk_cert_keyring *kr, size_t i)
{
  return kr && i < kr->n ? &kr->keys[i] : NULL;
}

/* The newest key not retired: after a rotation the new key signs. */
const hk_cert_key *hk_cert_keyring_signing(const hk_cert_keyring *kr)
{
  const hk_cert_key *best = NULL;
  for (size_t i = 0; kr && i < kr->n; i++)
    if (kr->keys[i].retired == 0 && (best == NULL || kr->keys[i].created >= best->created))
      best = &kr->keys[i];
  return best;
}

const hk_cert_key *hk_cert_keyring_find(const hk_cert_keyring *kr, const char *kid_hex)
{
  for (size_t i = 0; kr && kid_hex && i < kr->n; i++)
    if (strcmp(kr->keys[i].kid, kid_hex) == 0)
      return &kr->keys[i];
  return NULL;
}

const uint8_t *hk_cert_keyring_secret(const hk_cert_keyring *kr)
{
  const hk_cert_key *signing = hk_cert_keyring_signing(kr);
  return signing && signing->has_private ? kr->secret : NULL;
}
