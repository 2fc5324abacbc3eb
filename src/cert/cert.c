/* Names of certificate types, statuses and verdicts; the labels of field keys; the claims'
 * small helpers (fields, holder binding). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cert/cert.h"
#include "core/utf8.h"

static const struct {
  const char *name, *zh, *en;
} TYPES[HK_CERT_TYPE_COUNT] = {
    [HK_CERT_RESIDENCE_PERMIT] = {"residence_permit", "电子居住证", "Electronic residence permit"},
    [HK_CERT_HUKOU_PROOF] = {"hukou_proof", "户籍证明", "Proof of household registration"},
    [HK_CERT_RESIDENCE_RECEIPT] = {"residence_receipt", "居住登记凭证",
                                   "Residence registration receipt"},
    [HK_CERT_SETTLEMENT_APPROVAL] = {"settlement_approval", "准予迁入证明", "Settlement approval"},
};

const char *hk_cert_type_name(hk_cert_type t)
{
  return (unsigned)t < HK_CERT_TYPE_COUNT ? TYPES[t].name : "unknown";
}

const char *hk_cert_type_zh(hk_cert_type t)
{
  return (unsigned)t < HK_CERT_TYPE_COUNT ? TYPES[t].zh : "未知证照";
}

const char *hk_cert_type_en(hk_cert_type t)
{
  return (unsigned)t < HK_CERT_TYPE_COUNT ? TYPES[t].en : "Unknown certificate";
}

int hk_cert_type_parse(const char *name)
{
  for (int t = 0; name != NULL && t < HK_CERT_TYPE_COUNT; t++)
    if (strcmp(name, TYPES[t].name) == 0)
      return t;
  return -1;
}

const char *hk_cert_status_name(hk_cert_status s)
{
  switch (s) {
  case HK_CERT_STATUS_VALID:
    return "valid";
  case HK_CERT_STATUS_REVOKED:
    return "revoked";
  case HK_CERT_STATUS_SUSPENDED:
    return "suspended";
  }
  return "unknown";
}

const char *hk_cert_verdict_name(hk_cert_verdict v)
{
  static const char *const names[] = {
      [HK_CERT_OK] = "valid",
      [HK_CERT_REVOKED] = "revoked",
      [HK_CERT_SUSPENDED] = "suspended",
      [HK_CERT_EXPIRED] = "expired",
      [HK_CERT_NOT_YET_VALID] = "not_yet_valid",
      [HK_CERT_UNKNOWN_KEY] = "unknown_key",
      [HK_CERT_BAD_SIGNATURE] = "bad_signature",
      [HK_CERT_MALFORMED] = "malformed",
  };
  return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "malformed";
}

/* The field keys the service writes (service/certificate.c), with the labels of the paper
 * forms they come from. A key not here is shown as itself. */
static const struct {
  const char *key, *zh, *en;
} FIELDS[] = {
    {"permit", "居住证编号", "Residence permit number"},
    {"sex", "性别", "Sex"},
    {"birth", "出生日期", "Date of birth"},
    {"addr", "居住地址", "Residence address"},
    {"endorsed", "签注年度", "Endorsed for year"},
    {"household", "户号", "Household number"},
    {"relation", "与户主关系", "Relation to head of household"},
    {"hukou_addr", "户籍地址", "Hukou address"},
    {"since", "登记日期", "Registered since"},
    {"as_of", "证明日期", "Certified as of"},
    {"county", "登记地", "County of registration"},
    {"declared", "申报日期", "Declared on"},
    {"app", "申请编号", "Application number"},
    {"pathway", "落户途径", "Settlement pathway"},
    {"from", "迁出地", "Moving from"},
    {"to", "迁入地", "Moving to"},
    {"approved", "批准日期", "Approved on"},
};

static int field_index(const char *key)
{
  for (size_t i = 0; key != NULL && i < sizeof FIELDS / sizeof FIELDS[0]; i++)
    if (strcmp(key, FIELDS[i].key) == 0)
      return (int)i;
  return -1;
}

const char *hk_cert_field_zh(const char *key)
{
  int i = field_index(key);
  return i < 0 ? NULL : FIELDS[i].zh;
}

const char *hk_cert_field_en(const char *key)
{
  int i = field_index(key);
  return i < 0 ? NULL : FIELDS[i].en;
}

/* SHA-256(salt || number), first 16 bytes; a lowercase x is the same check character. */
static void holder_digest(const uint8_t salt[8], const char *id_number, uint8_t out[16])
{
  char number[19] = "";
  size_t n = 0;
  for (; id_number != NULL && id_number[n] && n < sizeof number - 1; n++)
    number[n] = id_number[n] == 'x' ? 'X' : id_number[n];
  crypto_hash_sha256_state st;
  uint8_t full[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, salt, 8);
  crypto_hash_sha256_update(&st, (const uint8_t *)number, n);
  crypto_hash_sha256_final(&st, full);
  memcpy(out, full, 16);
}

void hk_cert_claims_bind_holder(hk_cert_claims *c, const char *id_number)
{
  /* Idempotent; libsodium must be initialised before its random generator is used. */
  if (sodium_init() < 0)
    abort();
  randombytes_buf(c->id_salt, sizeof c->id_salt);
  holder_digest(c->id_salt, id_number, c->id_digest);
}

bool hk_cert_claims_holder_matches(const hk_cert_claims *c, const char *id_number)
{
  if (id_number == NULL || strlen(id_number) != 18)
    return false;
  uint8_t digest[16];
  holder_digest(c->id_salt, id_number, digest);
  return sodium_memcmp(digest, c->id_digest, sizeof digest) == 0;
}

/* A field key is short ASCII (a-z, 0-9, _): it is a CBOR map key and a JSON member. */
static bool key_ok(const char *key)
{
  size_t n = key ? strlen(key) : 0;
  if (n == 0 || n >= sizeof((hk_cert_field *)0)->key)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= '0' && key[i] <= '9') || key[i] == '_'))
      return false;
  return true;
}

hk_status hk_cert_claims_add(hk_cert_claims *c, const char *key, const char *value, hk_error *err)
{
  char field[48];
  snprintf(field, sizeof field, "fields.%.16s", key ? key : "");
  if (!key_ok(key))
    return hk_error_set(err, HK_EINVAL, field, "not a field key (a-z, 0-9, _; 1 to 15)");
  if (value == NULL || strlen(value) >= sizeof c->fields[0].value)
    return hk_error_set(err, HK_EINVAL, field, "missing, or longer than %zu bytes",
                        sizeof c->fields[0].value - 1);
  if (!hk_utf8_valid(value, strlen(value)))
    return hk_error_set(err, HK_EINVAL, field, "not UTF-8");
  if (hk_cert_claims_get(c, key) != NULL)
    return hk_error_set(err, HK_EINVAL, field, "given twice");
  if (c->nfields >= HK_CERT_FIELDS_MAX)
    return hk_error_set(err, HK_EINVAL, field, "more than %d fields", HK_CERT_FIELDS_MAX);
  hk_cert_field *f = &c->fields[c->nfields++];
  snprintf(f->key, sizeof f->key, "%s", key);
  snprintf(f->value, sizeof f->value, "%s", value);
  return HK_OK;
}

const char *hk_cert_claims_get(const hk_cert_claims *c, const char *key)
{
  for (size_t i = 0; key != NULL && i < c->nfields && i < HK_CERT_FIELDS_MAX; i++)
    if (strcmp(c->fields[i].key, key) == 0)
      return c->fields[i].value;
  return NULL;
}
