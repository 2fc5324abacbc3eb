#ifndef HK_CERT_CERT_INT_H
#define HK_CERT_CERT_INT_H

/* Internals of the certificate module shared by its files: base45, zlib, CBOR helpers,
 * COSE_Sign1 and the keyring's private side. Nothing outside src/cert includes this. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cbor.h>

#include "cert/cert.h"
#include "core/error.h"

/* Inflated size caps: a certificate is a few hundred bytes, a status list of 64 million
 * entries is 16 MiB (a zlib bomb stops there, not in the allocator). */
#define HK_CERT_INFLATE_MAX 4096
#define HK_STATUS_LIST_INFLATE_MAX (16u << 20)

/* ---- base45 (RFC 9285), base45.c ---- */
/* The encoding of in[0..n) as a NUL-terminated string; NULL when out of memory. */
char *hk_base45_encode(const uint8_t *in, size_t n);
/* Decode text[0..n): HK_EINVAL (field "base45") on a character outside the alphabet, a
 * length of 1 mod 3 or a group above its maximum. *out is malloc'd. */
hk_status hk_base45_decode(const char *text, size_t n, uint8_t **out, size_t *out_len,
                           hk_error *err);

/* ---- zlib (RFC 1950), compress.c ---- */
hk_status hk_cert_deflate(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len,
                          hk_error *err);
/* Inflate a whole zlib stream of at most cap bytes; HK_EINVAL naming `field` when it is not
 * one, has trailing bytes or inflates beyond cap. */
hk_status hk_cert_inflate(const uint8_t *in, size_t n, size_t cap, const char *field, uint8_t **out,
                          size_t *out_len, hk_error *err);

/* ---- CBOR helpers, cbor_util.c ---- */
/* Integers in their shortest encoding (libcbor 0.8 cbor_build_uint64 always takes 9 bytes). */
cbor_item_t *hk_cbor_int(int64_t v);
/* An integer item's value, false when it is not an integer or beyond int64. */
bool hk_cbor_get_int(const cbor_item_t *item, int64_t *out);
/* Add key → value to a definite map, taking over the caller's references to both (either may
 * be NULL after a failed build: then false). */
bool hk_cbor_map_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value);
/* The value under an integer or a text key of a map item; NULL when absent. */
cbor_item_t *hk_cbor_map_int(const cbor_item_t *map, int64_t key);
cbor_item_t *hk_cbor_map_text(const cbor_item_t *map, const char *key);
/* Parse exactly one well-formed, definite-length item filling in[0..n) (no trailing bytes,
 * nesting at most 8 deep, no declared count beyond the bytes left), so that libcbor never
 * allocates for a count an attacker wrote. HK_EINVAL naming `field` otherwise. */
hk_status hk_cbor_parse(const uint8_t *in, size_t n, const char *field, cbor_item_t **out,
                        hk_error *err);
/* Serialise an item into a malloc'd buffer; HK_ENOMEM when it fails. */
hk_status hk_cbor_serialize(const cbor_item_t *item, uint8_t **out, size_t *out_len, hk_error *err);

/* ---- COSE_Sign1 (RFC 9052 §4.2) with EdDSA over Ed25519, cose.c ---- */
#define HK_COSE_KID_LEN 8
typedef struct hk_cose_sign1 {
  uint8_t kid[HK_COSE_KID_LEN];
  char typ[48];     /* protected header 16 (content type of the token), "" when absent */
  uint8_t *payload; /* malloc'd copies */
  size_t payload_len;
  uint8_t *to_be_signed; /* the Sig_structure the signature is over */
  size_t to_be_signed_len;
  uint8_t signature[64];
} hk_cose_sign1;

/* The tagged COSE_Sign1 bytes of payload signed with sk (libsodium's 64-byte secret key):
 * protected {1: -8, 4: kid} (and 16: typ when typ is not NULL), unprotected {}. */
hk_status hk_cose_sign1_make(const uint8_t sk[64], const uint8_t kid[HK_COSE_KID_LEN],
                             const char *typ, const uint8_t *payload, size_t payload_len,
                             uint8_t **out, size_t *out_len, hk_error *err);
/* Parse a tagged COSE_Sign1, checking its shape and that alg is EdDSA. HK_EINVAL with field
 * "<layer>.…" (layer "cose" or "status_list"). msg is freed with hk_cose_sign1_free. */
hk_status hk_cose_sign1_parse(const uint8_t *in, size_t n, const char *layer, hk_cose_sign1 *msg,
                              hk_error *err);
bool hk_cose_sign1_verify(const hk_cose_sign1 *msg, const uint8_t public_key[32]);
void hk_cose_sign1_free(hk_cose_sign1 *msg);

/* ---- CWT claims of a certificate, cwt.c ---- */
hk_status hk_cwt_encode(const hk_cert_claims *c, uint8_t **out, size_t *out_len, hk_error *err);
/* HK_EINVAL with field "claims.<key>" when a claim is missing, of the wrong type or too long.
 * status_uri (may be NULL) receives the status list's URI the certificate names. */
#define HK_STATUS_URI_MAX 256
hk_status hk_cwt_decode(const uint8_t *in, size_t n, hk_cert_claims *out,
                        char status_uri[HK_STATUS_URI_MAX], hk_error *err);

/* ---- status lists, status_list.c ---- */
/* The list's sub: the URI certificates name in their status claim (draft-ietf-oauth-status-list,
 * validating a referenced token: a list applies to a certificate only when they are the same). */
const char *hk_cert_status_list_sub(const hk_cert_status_list *sl);

/* ---- the keyring's private side, keys.c ---- */
/* A kid in hex from its 8 bytes and back (false when not 16 hex digits). */
void hk_cert_kid_hex(const uint8_t kid[HK_COSE_KID_LEN], char hex[HK_CERT_KID_HEX + 1]);
bool hk_cert_kid_bytes(const char *hex, uint8_t kid[HK_COSE_KID_LEN]);
/* The kid of a public key: the first 8 bytes of its SHA-256, in hex. */
void hk_cert_kid_of(const uint8_t public_key[32], char hex[HK_CERT_KID_HEX + 1]);
const hk_cert_key *hk_cert_keyring_find(const hk_cert_keyring *kr, const char *kid_hex);
/* The signing key's libsodium secret key, NULL when it was not loaded. */
const uint8_t *hk_cert_keyring_secret(const hk_cert_keyring *kr);
/* A 32-byte public key in unpadded base64url (RFC 8037 "x") and back. */
void hk_cert_x_encode(const uint8_t public_key[32], char out[48]);
bool hk_cert_x_decode(const char *x, uint8_t public_key[32]);
/* An empty keyring and one more public key in it (keys.c; jwks.c fills it from JSON). */
hk_cert_keyring *hk_cert_keyring_new(void);
hk_status hk_cert_keyring_add(hk_cert_keyring *kr, const hk_cert_key *key, hk_error *err);
/* Give the signing key its secret from the 32-byte seed; HK_ETAMPERED when the seed is not the
 * signing key's. */
hk_status hk_cert_keyring_set_secret(hk_cert_keyring *kr, const uint8_t seed[32], hk_error *err);

#endif
