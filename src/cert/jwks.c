/* The public key set as a JWK Set (RFC 7517 §5) of OKP Ed25519 keys (RFC 8037 §2), served at
 * /.well-known/hukou-keys.json and carried by offline verifiers. "iat" is when a key was made,
 * "exp" when it stopped signing (it still verifies what it signed before). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cert/cert_int.h"

char *hk_cert_keyring_jwks(const hk_cert_keyring *kr)
{
  json_t *keys = json_array();
  for (size_t i = 0; i < hk_cert_keyring_count(kr); i++) {
    const hk_cert_key *key = hk_cert_keyring_at(kr, i);
    char x[48];
    hk_cert_x_encode(key->public_key, x);
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "kty", "OKP", "crv", "Ed25519", "kid",
                  key->kid, "x", x, "alg", "EdDSA", "use", "sig", "iat", (json_int_t)key->created);
    if (o != NULL && key->retired)
      json_object_set_new(o, "exp", json_integer(key->retired));
    json_array_append_new(keys, o);
  }
  json_t *root = json_pack("{s:o}", "keys", keys);
  char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
  json_decref(root);
  return text;
}

static hk_status bad_key(hk_error *err, size_t i, const char *member, const char *what)
{
  char field[48];
  snprintf(field, sizeof field, "keys[%zu].%s", i, member);
  return hk_error_set(err, HK_EINVAL, field, "%s", what);
}

static bool member_is(json_t *o, const char *member, const char *want, bool optional)
{
  json_t *v = json_object_get(o, member);
  if (v == NULL)
    return optional;
  return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

static hk_status read_key(json_t *o, size_t i, hk_cert_keyring *kr, hk_error *err)
{
  hk_cert_key key = {0};
  const char *kid = json_string_value(json_object_get(o, "kid"));
  json_t *iat = json_object_get(o, "iat"), *exp = json_object_get(o, "exp");
  if (!json_is_object(o))
    return bad_key(err, i, "kty", "not a JWK object");
  if (!member_is(o, "kty", "OKP", false) || !member_is(o, "crv", "Ed25519", false))
    return bad_key(err, i, "crv", "not an OKP Ed25519 key");
  if (!member_is(o, "alg", "EdDSA", true) || !member_is(o, "use", "sig", true))
    return bad_key(err, i, "alg", "not a signature key for EdDSA");
  if (json_object_get(o, "d") != NULL)
    return bad_key(err, i, "d", "a private key has no place in a public key set");
  if (!hk_cert_x_decode(json_string_value(json_object_get(o, "x")), key.public_key))
    return bad_key(err, i, "x", "not a 32-byte public key in base64url");
  if (kid == NULL || strlen(kid) != HK_CERT_KID_HEX)
    return bad_key(err, i, "kid", "not a 16-digit key id");
  if ((iat != NULL && !json_is_integer(iat)) || (exp != NULL && !json_is_integer(exp)))
    return bad_key(err, i, exp && !json_is_integer(exp) ? "exp" : "iat", "not a time in seconds");
  memcpy(key.kid, kid, HK_CERT_KID_HEX + 1);
  key.created = iat ? json_integer_value(iat) : 0;
  key.retired = exp ? json_integer_value(exp) : 0;
  hk_status st = hk_cert_keyring_add(kr, &key, err);
  if (st != HK_OK) {
    char prefix[32];
    snprintf(prefix, sizeof prefix, "keys[%zu]", i);
    hk_error_prefix(err, prefix);
  }
  return st;
}

hk_status hk_cert_keyring_from_jwks(const char *json, size_t len, hk_cert_keyring **out,
                                    hk_error *err)
{
  *out = NULL;
  json_error_t jerr;
  json_t *root = json ? json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
  if (root == NULL)
    return hk_error_set(err, HK_EINVAL, "jwks", "not JSON: %s", json ? jerr.text : "empty");
  json_t *keys = json_object_get(root, "keys");
  hk_status st = json_is_array(keys) && json_array_size(keys) > 0
                     ? HK_OK
                     : hk_error_set(err, HK_EINVAL, "keys", "not a list of keys");
  hk_cert_keyring *kr = st == HK_OK ? hk_cert_keyring_new() : NULL;
  if (st == HK_OK && kr == NULL)
    st = hk_error_set(err, HK_ENOMEM, "keys", "out of memory");
  for (size_t i = 0; st == HK_OK && i < json_array_size(keys); i++)
    st = read_key(json_array_get(keys, i), i, kr, err);
  json_decref(root);
  if (st != HK_OK) {
    hk_cert_keyring_free(kr);
    return st;
  }
  *out = kr;
  return HK_OK;
}
