/* Certificate signing keys (cert/cert.h): the keys directory and its modes, refusals, rotation
 * (what was signed before still verifies), and the JWK Set verifiers carry. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cert/cert.h"

static const int64_t NOW = 1767225600;

static const char *dir_named(const char *name)
{
  static char dir[512];
  snprintf(dir, sizeof dir, "%s/%s", test_tmpdir(), name);
  return dir;
}

static int teardown(void **state)
{
  (void)state;
  test_tmpdir_remove();
  return 0;
}

static void claims(hk_cert_claims *c, const char *id)
{
  memset(c, 0, sizeof *c);
  snprintf(c->id, sizeof c->id, "%s", id);
  c->type = HK_CERT_HUKOU_PROOF;
  snprintf(c->issuer, sizeof c->issuer, "330402");
  c->issued_at = c->valid_from = NOW;
  c->valid_until = NOW + 90 * 86400;
  snprintf(c->name, sizeof c->name, "张伟");
  snprintf(c->id_masked, sizeof c->id_masked, "330402********0019");
  hk_cert_claims_bind_holder(c, "330402199001010019");
}

static mode_t mode_of(const char *path)
{
  struct stat sb;
  if (stat(path, &sb) != 0)
    fail_msg("no %s", path);
  return sb.st_mode & 07777;
}

static void test_init_modes(void **state)
{
  (void)state;
  const char *dir = dir_named("init");
  hk_cert_key first;
  hk_error err = {0};
  assert_int_equal(hk_cert_keys_init(dir, &first, &err), HK_OK);
  assert_int_equal(strlen(first.kid), HK_CERT_KID_HEX);
  assert_int_equal(first.retired, 0);
  assert_int_equal(mode_of(dir), 0700);
  char path[600];
  snprintf(path, sizeof path, "%s/%s.key", dir, first.kid);
  assert_int_equal(mode_of(path), 0600);
  snprintf(path, sizeof path, "%s/keyset.json", dir);
  mode_of(path);
  /* The key set holds no private key: the seed's hex is only in KID.key. */
  FILE *f = fopen(path, "r");
  char text[4096] = "";
  assert_true(fread(text, 1, sizeof text - 1, f) > 0);
  fclose(f);
  assert_non_null(strstr(text, first.kid));
  snprintf(path, sizeof path, "%s/%s.key", dir, first.kid);
  f = fopen(path, "r");
  char seed[80] = "";
  assert_non_null(fgets(seed, sizeof seed, f));
  fclose(f);
  assert_int_equal(strlen(seed), 65);
  seed[64] = '\0';
  assert_null(strstr(text, seed));
  /* A second init refuses to replace the set. */
  assert_int_equal(hk_cert_keys_init(dir, NULL, &err), HK_EDUPLICATE);
  assert_string_equal(err.field, "--dir");
  /* A directory open to others is refused for keys. */
  const char *open_dir = dir_named("open");
  assert_int_equal(mkdir(open_dir, 0755), 0);
  chmod(open_dir, 0755);
  assert_int_equal(hk_cert_keys_init(open_dir, NULL, &err), HK_EINVAL);
  assert_int_equal(hk_cert_keys_init(NULL, NULL, &err), HK_EINVAL);
  assert_int_equal(hk_cert_keys_init(path, NULL, &err), HK_EINVAL); /* a file, not a dir */
}

static void test_open_refusals(void **state)
{
  (void)state;
  const char *dir = dir_named("refuse");
  hk_cert_key first;
  hk_error err = {0};
  hk_cert_keyring *kr = NULL;
  assert_int_equal(hk_cert_keyring_open(dir, false, &kr, &err), HK_ENOTFOUND);
  assert_int_equal(hk_cert_keys_init(dir, &first, &err), HK_OK);
  char key_path[600];
  snprintf(key_path, sizeof key_path, "%s/%s.key", dir, first.kid);
  /* A private key others can read is refused (the public side still opens). */
  chmod(key_path, 0644);
  char want[40];
  snprintf(want, sizeof want, "%s.key", first.kid);
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, &err), HK_EINVAL);
  assert_null(kr);
  assert_string_equal(err.field, want);
  assert_int_equal(hk_cert_keyring_open(dir, false, &kr, &err), HK_OK);
  assert_false(hk_cert_keyring_signing(kr)->has_private);
  hk_cert_keyring_free(kr);
  chmod(key_path, 0600);
  /* Another seed in the file: not the key of the set. */
  FILE *f = fopen(key_path, "w");
  fputs("00000000000000000000000000000000000000000000000000000000000000ff\n", f);
  fclose(f);
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, &err), HK_ETAMPERED);
  assert_string_equal(err.field, want);
  f = fopen(key_path, "w");
  fputs("not hex\n", f);
  fclose(f);
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, &err), HK_EINVAL);
  remove(key_path);
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, &err), HK_EUNAVAILABLE);
  /* A damaged key set. */
  char set_path[600];
  snprintf(set_path, sizeof set_path, "%s/keyset.json", dir);
  f = fopen(set_path, "w");
  fputs("{\"keys\": [{\"kid\": \"0011223344556677\", \"x\": \"AAAA\", \"created\": 1}]}", f);
  fclose(f);
  assert_int_equal(hk_cert_keyring_open(dir, false, &kr, &err), HK_EINVAL);
  assert_string_equal(err.field, "keyset.json.keys");
  f = fopen(set_path, "w");
  fputs("{\"keys\": [", f);
  fclose(f);
  assert_int_equal(hk_cert_keyring_open(dir, false, &kr, &err), HK_EINVAL);
  assert_string_equal(err.field, "keyset.json");
}

static void test_rotation(void **state)
{
  (void)state;
  const char *dir = dir_named("rotate");
  hk_cert_key first, second;
  hk_error err = {0};
  assert_int_equal(hk_cert_keys_init(dir, &first, &err), HK_OK);
  hk_cert_keyring *kr = NULL;
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, &err), HK_OK);
  hk_cert_claims c;
  claims(&c, "0233040220260000001X");
  char *before = NULL;
  assert_int_equal(hk_cert_sign(kr, &c, &before, &err), HK_OK);
  hk_cert_keyring_free(kr);

  assert_int_equal(hk_cert_keys_rotate(dir, &second, &err), HK_OK);
  assert_string_not_equal(second.kid, first.kid);
  char path[600];
  snprintf(path, sizeof path, "%s/%s.key", dir, second.kid);
  assert_int_equal(mode_of(path), 0600);
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, &err), HK_OK);
  assert_int_equal(hk_cert_keyring_count(kr), 2);
  assert_string_equal(hk_cert_keyring_signing(kr)->kid, second.kid);
  assert_true(hk_cert_keyring_signing(kr)->has_private);
  const hk_cert_key *old = hk_cert_keyring_at(kr, 0);
  assert_string_equal(old->kid, first.kid);
  assert_true(old->retired >= old->created && old->retired > 0);
  assert_false(old->has_private);
  /* Signed before the rotation: still valid with the reopened ring. */
  hk_cert_verification v;
  assert_int_equal(hk_cert_verify(kr, before, NULL, NOW, &v, &err), HK_OK);
  assert_int_equal(v.verdict, HK_CERT_OK);
  assert_string_equal(v.kid, first.kid);
  /* New certificates carry the new kid. */
  char *after = NULL;
  assert_int_equal(hk_cert_sign(kr, &c, &after, &err), HK_OK);
  assert_int_equal(hk_cert_verify(kr, after, NULL, NOW, &v, &err), HK_OK);
  assert_int_equal(v.verdict, HK_CERT_OK);
  assert_string_equal(v.kid, second.kid);
  hk_cert_keyring_free(kr);
  /* A third key: both earlier certificates still verify. */
  assert_int_equal(hk_cert_keys_rotate(dir, NULL, &err), HK_OK);
  assert_int_equal(hk_cert_keyring_open(dir, false, &kr, &err), HK_OK);
  assert_int_equal(hk_cert_keyring_count(kr), 3);
  int active = 0;
  for (size_t i = 0; i < 3; i++)
    active += hk_cert_keyring_at(kr, i)->retired == 0;
  assert_int_equal(active, 1);
  assert_int_equal(hk_cert_verify(kr, before, NULL, NOW, &v, &err), HK_OK);
  assert_int_equal(v.verdict, HK_CERT_OK);
  assert_int_equal(hk_cert_verify(kr, after, NULL, NOW, &v, &err), HK_OK);
  assert_int_equal(v.verdict, HK_CERT_OK);
  hk_cert_keyring_free(kr);
  free(before);
  free(after);
  assert_int_equal(hk_cert_keys_rotate(dir_named("nothing-here"), NULL, &err), HK_ENOTFOUND);
}

static void test_jwks(void **state)
{
  (void)state;
  const char *dir = dir_named("jwks");
  hk_error err = {0};
  assert_int_equal(hk_cert_keys_init(dir, NULL, &err), HK_OK);
  hk_cert_claims c;
  claims(&c, "0233040220260000002X");
  hk_cert_keyring *kr = NULL;
  char *before = NULL;
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, &err), HK_OK);
  assert_int_equal(hk_cert_sign(kr, &c, &before, &err), HK_OK);
  hk_cert_keyring_free(kr);
  assert_int_equal(hk_cert_keys_rotate(dir, NULL, &err), HK_OK);
  assert_int_equal(hk_cert_keyring_open(dir, true, &kr, &err), HK_OK);
  char *text = hk_cert_keyring_jwks(kr);
  assert_non_null(text);
  /* The members RFC 8037 names, "exp" on the retired key only, and no private part. */
  json_t *root = json_loads(text, 0, NULL);
  json_t *keys = json_object_get(root, "keys");
  assert_int_equal(json_array_size(keys), 2);
  for (size_t i = 0; i < 2; i++) {
    json_t *k = json_array_get(keys, i);
    assert_string_equal(json_string_value(json_object_get(k, "kty")), "OKP");
    assert_string_equal(json_string_value(json_object_get(k, "crv")), "Ed25519");
    assert_string_equal(json_string_value(json_object_get(k, "alg")), "EdDSA");
    assert_string_equal(json_string_value(json_object_get(k, "use")), "sig");
    assert_int_equal(strlen(json_string_value(json_object_get(k, "x"))), 43);
    assert_null(json_object_get(k, "d"));
    assert_int_equal(json_object_get(k, "exp") != NULL, i == 0);
  }
  json_decref(root);
  /* Round trip: the same keys, public only, and they verify. */
  hk_cert_keyring *pub = NULL;
  assert_int_equal(hk_cert_keyring_from_jwks(text, strlen(text), &pub, &err), HK_OK);
  assert_int_equal(hk_cert_keyring_count(pub), 2);
  for (size_t i = 0; i < 2; i++) {
    const hk_cert_key *a = hk_cert_keyring_at(kr, i), *b = hk_cert_keyring_at(pub, i);
    assert_string_equal(a->kid, b->kid);
    assert_memory_equal(a->public_key, b->public_key, 32);
    assert_int_equal(a->created, b->created);
    assert_int_equal(a->retired, b->retired);
    assert_false(b->has_private);
  }
  assert_string_equal(hk_cert_keyring_signing(pub)->kid, hk_cert_keyring_signing(kr)->kid);
  char *again = hk_cert_keyring_jwks(pub);
  assert_string_equal(again, text);
  free(again);
  hk_cert_verification v;
  assert_int_equal(hk_cert_verify(pub, before, NULL, NOW, &v, &err), HK_OK);
  assert_int_equal(v.verdict, HK_CERT_OK);
  hk_cert_keyring_free(pub);
  hk_cert_keyring_free(kr);
  free(text);
  free(before);
}

static void test_jwks_refused(void **state)
{
  (void)state;
  static const struct {
    const char *json, *field;
  } cases[] = {
      {"", "jwks"},
      {"[1,2]", "keys"},
      {"{\"keys\": []}", "keys"},
      {"{\"keys\": [1]}", "keys[0].kty"},
      {"{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\"}]}", "keys[0].crv"},
      {"{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"alg\": \"ES256\"}]}", "keys[0].alg"},
      {"{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"abc\"}]}", "keys[0].x"},
      {"{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"d\": \"secret\", "
       "\"x\": \"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}",
       "keys[0].d"},
      {"{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", "
       "\"x\": \"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}",
       "keys[0].kid"},
      {"{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"kid\": \"0011223344556677\", "
       "\"x\": \"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}",
       "keys[0].kid"},
      {"{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"kid\": \"0011223344556677\", "
       "\"x\": \"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\", \"iat\": \"today\"}]}",
       "keys[0].iat"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    hk_cert_keyring *kr = (hk_cert_keyring *)1;
    hk_error err = {0};
    assert_int_equal(hk_cert_keyring_from_jwks(cases[i].json, strlen(cases[i].json), &kr, &err),
                     HK_EINVAL);
    assert_null(kr);
    if (strcmp(err.field, cases[i].field) != 0)
      fail_msg("case %zu: field %s (%s), expected %s", i, err.field, err.detail, cases[i].field);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_init_modes),   cmocka_unit_test(test_open_refusals),
      cmocka_unit_test(test_rotation),     cmocka_unit_test(test_jwks),
      cmocka_unit_test(test_jwks_refused),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
