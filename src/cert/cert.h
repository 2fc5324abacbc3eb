#ifndef HK_CERT_CERT_H
#define HK_CERT_CERT_H

/* Electronic certificates (电子证照), clauses (三) and (九): documents a resident carries, signed
 * by the issuing system and checkable offline by anyone holding its public key set.
 *
 * The container (docs/certificates.md): the claims are a CWT (RFC 8392) signed as a COSE_Sign1
 * (RFC 9052) with Ed25519 (alg -8, EdDSA; libsodium), zlib-compressed and base45-encoded
 * (RFC 9285) behind the prefix "HKC1:" so that it fits an alphanumeric QR code, the way the EU
 * digital COVID certificate does. The status of each certificate is one entry of a signed
 * status list (draft-ietf-oauth-status-list, CWT form, 2 bits per entry), served over HTTP.
 *
 * This module knows nothing of the registry: the service layer fills hk_cert_claims from a
 * person and keeps the rows (service/certificate.h). It depends on core only. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define HK_CERT_PREFIX "HKC1:"
#define HK_CERT_ID_MAX 63     /* certificate identifier (CWT cti) */
#define HK_CERT_KID_HEX 16    /* key id: the first 8 bytes of SHA-256(public key), in hex */
#define HK_CERT_FIELDS_MAX 16 /* type-specific fields a certificate carries */
/* Where the status list is served (the claim 65535 "status" names it with the index). */
#define HK_CERT_STATUS_PATH "/api/v1/certificates/status"

typedef enum hk_cert_type {
  HK_CERT_RESIDENCE_PERMIT,    /* 电子居住证: issued, re-issued on endorsement (三) */
  HK_CERT_HUKOU_PROOF,         /* 户籍证明: a person's hukou, household and address on a date */
  HK_CERT_RESIDENCE_RECEIPT,   /* 居住登记凭证: a residence registration (一) */
  HK_CERT_SETTLEMENT_APPROVAL, /* 准予迁入证明: an approved settlement application */
  HK_CERT_TYPE_COUNT
} hk_cert_type;

const char *hk_cert_type_name(hk_cert_type t); /* "residence_permit", "hukou_proof", ... */
const char *hk_cert_type_zh(hk_cert_type t);   /* "电子居住证", ... */
const char *hk_cert_type_en(hk_cert_type t);   /* "Electronic residence permit", ... */
int hk_cert_type_parse(const char *name);      /* the enum value, -1 when unknown */

/* The status-list values (draft-ietf-oauth-status-list §7.1). */
typedef enum hk_cert_status {
  HK_CERT_STATUS_VALID = 0,
  HK_CERT_STATUS_REVOKED = 1, /* "INVALID": withdrawn for good */
  HK_CERT_STATUS_SUSPENDED = 2,
} hk_cert_status;
const char *hk_cert_status_name(hk_cert_status s); /* "valid", "revoked", "suspended" */

/* A type-specific field: a short key (the CBOR map key, e.g. "addr") and its UTF-8 value. */
typedef struct hk_cert_field {
  char key[16];
  char value[256];
} hk_cert_field;

/* Labels of the known field keys, for the PDF, the CLI and the verification answer; NULL for
 * a key the catalogue does not know (shown with the key itself). */
const char *hk_cert_field_zh(const char *key); /* "addr" → "居住地址" */
const char *hk_cert_field_en(const char *key); /* "addr" → "Address" */

typedef struct hk_cert_claims {
  char id[HK_CERT_ID_MAX + 1]; /* cti */
  hk_cert_type type;
  char issuer[16];       /* iss: the issuing county's division code, "330402" */
  int64_t issued_at;     /* iat, Unix seconds */
  int64_t valid_from;    /* nbf, Unix seconds */
  int64_t valid_until;   /* exp, Unix seconds; 0 when the certificate does not expire */
  char name[128];        /* the subject's name */
  char id_masked[24];    /* the subject's ID number masked, "330402**********12" */
  uint32_t status_index; /* the entry in the status list */
  size_t nfields;
  hk_cert_field fields[HK_CERT_FIELDS_MAX];
} hk_cert_claims;

/* The holder: a certificate names them by name and masked ID number only (the first six and
 * the last four characters, hk_idnum_mask). It carries nothing more about the number, not even a
 * digest: the masked number hides exactly the eight digits of the birth date, so a digest of the
 * full number, or a birth date among the fields, would give the number back to anyone who tried
 * the few thousand possible dates (docs/certificates.md "The holder"). bind_holder fills
 * id_masked from the full number; holder_matches tells whether a number typed at a counter is
 * consistent with it, which is all an offline verifier can know; the registry's own verification
 * (service/certificate.h) compares the whole number. */
void hk_cert_claims_bind_holder(hk_cert_claims *c, const char *id_number);
bool hk_cert_claims_holder_matches(const hk_cert_claims *c, const char *id_number);
/* Append a field; HK_EINVAL naming it when the value is too long or the list is full. */
hk_status hk_cert_claims_add(hk_cert_claims *c, const char *key, const char *value, hk_error *err);
const char *hk_cert_claims_get(const hk_cert_claims *c, const char *key); /* NULL if absent */

/* ---- keys ----------------------------------------------------------------------------------
 * A keys directory (mode 0700) holds keyset.json (every public key ever used, with its kid,
 * creation time and, once rotated out, its retirement time) and one private key per kid in
 * KID.key (mode 0600, readable only by the server's user). Private keys are never in the
 * database and never in a log. After a rotation the newest key signs; the retired ones stay in
 * the set so that certificates signed before still verify. */
typedef struct hk_cert_keyring hk_cert_keyring;

typedef struct hk_cert_key {
  char kid[HK_CERT_KID_HEX + 1];
  uint8_t public_key[32];
  int64_t created;  /* Unix seconds */
  int64_t retired;  /* 0 while it is the signing key */
  bool has_private; /* its private key was loaded */
} hk_cert_key;

hk_status hk_cert_keys_init(const char *dir, hk_cert_key *first, hk_error *err);
hk_status hk_cert_keys_rotate(const char *dir, hk_cert_key *added, hk_error *err);
/* need_private: load the signing key too (the server, `hukou cert issue`). */
hk_status hk_cert_keyring_open(const char *dir, bool need_private, hk_cert_keyring **out,
                               hk_error *err);
/* A verifier's key set from the JSON served at /.well-known/hukou-keys.json (a JWK Set of OKP
 * Ed25519 keys, RFC 8037); public keys only. */
hk_status hk_cert_keyring_from_jwks(const char *json, size_t len, hk_cert_keyring **out,
                                    hk_error *err);
void hk_cert_keyring_free(hk_cert_keyring *kr);
size_t hk_cert_keyring_count(const hk_cert_keyring *kr);
const hk_cert_key *hk_cert_keyring_at(const hk_cert_keyring *kr, size_t i);
const hk_cert_key *hk_cert_keyring_signing(const hk_cert_keyring *kr); /* NULL when none */
/* The JWK Set text served at /.well-known/hukou-keys.json; caller frees. */
char *hk_cert_keyring_jwks(const hk_cert_keyring *kr);

/* ---- certificates --------------------------------------------------------------------------- */

/* Sign the claims with the keyring's signing key: "HKC1:" + base45(zlib(COSE_Sign1)). Caller
 * frees *qr_text. HK_EUNAVAILABLE when the keyring holds no private key. */
hk_status hk_cert_sign(const hk_cert_keyring *kr, const hk_cert_claims *c, char **qr_text,
                       hk_error *err);

/* Read the claims of a QR text without checking its signature (`hukou cert show`). HK_EINVAL
 * with the failing layer as field ("prefix", "base45", "zlib", "cose", "claims.<key>"). */
hk_status hk_cert_decode(const char *qr_text, hk_cert_claims *out, char kid[HK_CERT_KID_HEX + 1],
                         hk_error *err);

typedef enum hk_cert_verdict {
  HK_CERT_OK,            /* signature good, within validity, status valid (or not checked) */
  HK_CERT_REVOKED,       /* the status list says revoked */
  HK_CERT_SUSPENDED,     /* the status list says suspended */
  HK_CERT_EXPIRED,       /* now >= exp */
  HK_CERT_NOT_YET_VALID, /* now < nbf */
  HK_CERT_UNKNOWN_KEY,   /* kid not in the key set */
  HK_CERT_BAD_SIGNATURE, /* the signature does not match: changed, or a wrong key */
  HK_CERT_MALFORMED,     /* not a certificate at all (err says which layer) */
} hk_cert_verdict;
const char *hk_cert_verdict_name(hk_cert_verdict v); /* "valid", "revoked", ... */

typedef struct hk_cert_status_list hk_cert_status_list;

typedef struct hk_cert_verification {
  hk_cert_verdict verdict;
  bool status_checked; /* false when verified offline (no status list given) */
  char kid[HK_CERT_KID_HEX + 1];
  hk_cert_claims claims; /* filled whenever the payload could be read */
} hk_cert_verification;

/* Check a QR text against a key set at time `now`: signature, validity, and the status when a
 * status list is given (NULL: offline, status_checked false). Always HK_OK unless out of memory;
 * the verdict says what was found (MALFORMED fills err with the layer). */
hk_status hk_cert_verify(const hk_cert_keyring *kr, const char *qr_text,
                         const hk_cert_status_list *sl, int64_t now, hk_cert_verification *out,
                         hk_error *err);

/* ---- status list ----------------------------------------------------------------------------
 * A CWT {2 sub: uri, 6 iat, 4 exp, 65533 status_list: {"bits": 2, "lst": zlib(bytes)}} signed
 * as a COSE_Sign1 (not base45: it travels over HTTP as application/statuslist+cwt). */
hk_status hk_cert_status_list_sign(const hk_cert_keyring *kr, const uint8_t *statuses, size_t n,
                                   const char *uri, int64_t now, int64_t ttl_seconds,
                                   uint8_t **token, size_t *len, hk_error *err);
/* Verify a status-list token's signature and expiry and read it. */
hk_status hk_cert_status_list_open(const hk_cert_keyring *kr, const uint8_t *token, size_t len,
                                   int64_t now, hk_cert_status_list **out, hk_error *err);
void hk_cert_status_list_free(hk_cert_status_list *sl);
/* The status at index; -1 when the index is beyond the list. */
int hk_cert_status_list_get(const hk_cert_status_list *sl, uint32_t index);

#endif
