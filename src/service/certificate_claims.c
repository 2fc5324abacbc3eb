/* What each certificate states, taken from the person's records on the day it is recorded
 * (service/certificate.h): only what the paper form carries. The field keys are those of the
 * certificate module's label catalogue (cert/cert.h, hk_cert_field_zh). */
#include "service/certificate_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/division.h"
#include "core/idnum.h"
#include "core/label.h"
#include "service/permit.h"
#include "store/store_app.h"
#include "store/store_household.h"

void cert__identifier(hk_cert_type type, int32_t issuer, int year, int64_t index,
                      char out[HK_CERT_ID_MAX + 1])
{
  /* Type codes: 01 residence_permit, 02 hukou_proof, 03 residence_receipt,
   * 04 settlement_approval (the enum's order, from 1). */
  char digits[HK_CERT_ID_MAX];
  int n = snprintf(digits, sizeof digits, "%02d%06d%04d%07lld", (int)type + 1, (int)issuer, year,
                   (long long)index);
  if (n < 0 || n >= (int)sizeof digits)
    n = (int)sizeof digits - 1;
  snprintf(out, HK_CERT_ID_MAX + 1, "%s%c", digits, hk_iso7064_mod11_2(digits, (size_t)n));
}

int64_t cert__day_start(hk_date d)
{
  return (int64_t)d * 86400 - (int64_t)8 * 3600;
}

json_t *cert__time_json(int64_t t, int nullable)
{
  if (t == 0 && nullable)
    return json_null();
  time_t tt = (time_t)t;
  struct tm tm;
  char buf[32];
  gmtime_r(&tt, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return json_string(buf);
}

/* "浙江省嘉兴市南湖区": the county with its city and province, as a hukou address is written. */
static void division_full(int32_t code, char *out, size_t size)
{
  const hk_division *chain[3];
  int n = 0;
  for (const hk_division *d = hk_division_find(code); d && n < 3;
       d = d->parent ? hk_division_find(d->parent) : NULL)
    chain[n++] = d;
  if (n == 0) {
    snprintf(out, size, "%06d", (int)code);
    return;
  }
  out[0] = '\0';
  for (int i = n - 1; i >= 0; i--)
    snprintf(out + strlen(out), size - strlen(out), "%s", chain[i]->name);
}

static const hk_residence *active_residence(const hk_person *p)
{
  const hk_residence *found = NULL;
  for (uint32_t i = 0; i < p->residence.n; i++)
    if (p->residence.items[i].period.to == HK_DATE_OPEN &&
        (found == NULL || p->residence.items[i].period.from >= found->period.from))
      found = &p->residence.items[i];
  return found;
}

static hk_status add(hk_cert_claims *c, const char *key, const char *value, hk_error *err)
{
  return hk_cert_claims_add(c, key, value ? value : "", err);
}

static hk_status add_date(hk_cert_claims *c, const char *key, hk_date d, hk_error *err)
{
  char buf[11];
  if (d == HK_DATE_NONE || d == HK_DATE_OPEN || d == 0)
    return HK_OK;
  return add(c, key, hk_date_format(d, buf), err);
}

static hk_status add_person(hk_cert_claims *c, const hk_person *p, hk_error *err)
{
  hk_status rc = add(c, "sex", p->sex == 'F' ? "女" : "男", err);
  return rc == HK_OK ? add_date(c, "birth", p->birth_date, err) : rc;
}

static hk_status permit_fields(const hk_person *p, const char *source, hk_date today,
                               hk_cert_claims *c, hk_error *err)
{
  hk_permit_status ps;
  hk_permit_status_of(p, today, &ps);
  if (ps.state == HK_PERMIT_NONE)
    return hk_error_set_both(err, HK_ECONFLICT, "permit", "没有居住证", "no residence permit");
  hk_status rc = add(c, "permit", source, err);
  if (rc == HK_OK)
    rc = add_person(c, p, err);
  const hk_residence *r = active_residence(p);
  if (rc == HK_OK && r && r->address)
    rc = add(c, "addr", hk_person_text(p, r->address), err);
  /* (三) the permit runs to its anniversary V: the certificate expires with it, so one never
   * endorsed stops verifying on the day the permit is suspended. */
  if (ps.valid_until != HK_DATE_OPEN && ps.valid_until != HK_DATE_NONE)
    c->valid_until = cert__day_start(ps.valid_until);
  /* Endorsed: the year of the latest period, once there is more than the first. */
  if (rc == HK_OK && p->residence_permits.n > 1) {
    int y, m, d;
    hk_date_to_ymd(p->residence_permits.items[ps.last].period.from, &y, &m, &d);
    char year[8];
    snprintf(year, sizeof year, "%04d", y);
    rc = add(c, "endorsed", year, err);
  }
  return rc;
}

typedef struct head_search {
  int64_t head_row;
  char head_id[HK_IDNUM_LEN + 1];
} head_search;

static hk_status find_head(const hk_member_row *m, void *cls, hk_error *err)
{
  (void)err;
  head_search *h = cls;
  if (m->person_id == h->head_row)
    snprintf(h->head_id, sizeof h->head_id, "%s", m->id_number);
  return HK_OK;
}

/* The relation to the head as the household register writes it: the person's kinship link to
 * the head, turned round (the head is the person's parent: the person is a child). */
static const char *relation_to_head(const hk_person *p, const hk_household_row *h,
                                    const char *head_id)
{
  if (p->hukou.head)
    return "户主";
  if (h->kind == HK_HOUSEHOLD_COLLECTIVE)
    return "集体户成员";
  for (uint32_t i = 0; head_id[0] && i < p->relatives.n; i++) {
    if (strcmp(p->relatives.items[i].id_number, head_id) != 0)
      continue;
    switch (p->relatives.items[i].relation) {
    case HK_REL_PARENT:
      return "子女";
    case HK_REL_CHILD:
      return "父母";
    case HK_REL_GRANDPARENT:
      return "孙子女";
    case HK_REL_GRANDCHILD:
      return "祖父母";
    case HK_REL_SPOUSE:
      return "配偶";
    case HK_REL_CHILD_IN_LAW:
      return "岳父母或公婆";
    case HK_REL_SIBLING:
      return "兄弟姐妹";
    default:
      return "其他";
    }
  }
  return "其他";
}

static hk_status hukou_fields(hk_store *st, const hk_person *p, hk_date today, hk_cert_claims *c,
                              hk_error *err)
{
  if (!p->has_hukou || p->hukou.division == 0)
    return hk_error_set_both(err, HK_ECONFLICT, "hukou", "没有户口登记", "no hukou registration");
  hk_household_row h = {0};
  int64_t row = 0;
  hk_hukou_row cur = {0};
  hk_status rc = hk_store_person_row(st, p->id_number, &row, err);
  if (rc == HK_OK)
    rc = hk_store_hukou_current(st, row, &cur, err);
  if (rc == HK_ENOTFOUND)
    return hk_error_set_both(err, HK_ECONFLICT, "hukou", "没有现行户口登记",
                             "no hukou registration in force");
  if (rc == HK_OK)
    rc = hk_store_household_get(st, cur.household_id, NULL, false, &h, err);
  if (rc != HK_OK)
    return rc;
  head_search hs = {.head_row = h.head_person};
  if (h.head_person && !p->hukou.head)
    rc = hk_store_household_members(st, h.id, find_head, &hs, err);
  char place[72], addr[256];
  division_full(cur.division, place, sizeof place);
  snprintf(addr, sizeof addr, "%.71s%s%.180s", place, h.address[0] ? " " : "", h.address);
  if (rc == HK_OK)
    rc = add_person(c, p, err);
  if (rc == HK_OK && h.number[0])
    rc = add(c, "household", h.number, err);
  if (rc == HK_OK)
    rc = add(c, "relation", relation_to_head(p, &h, hs.head_id), err);
  if (rc == HK_OK)
    rc = add(c, "hukou_addr", addr, err);
  if (rc == HK_OK)
    rc =
        add_date(c, "since", cur.valid_from != HK_DATE_NONE ? cur.valid_from : p->hukou.since, err);
  if (rc == HK_OK)
    rc = add_date(c, "as_of", today, err);
  c->valid_until = cert__day_start(today + HK_CERT_HUKOU_PROOF_DAYS);
  return rc;
}

static hk_status receipt_fields(const hk_person *p, hk_cert_claims *c, hk_error *err)
{
  const hk_residence *r = active_residence(p);
  if (r == NULL)
    return hk_error_set_both(err, HK_ECONFLICT, "residence", "没有有效的居住登记",
                             "no active residence registration");
  char place[256];
  division_full(r->division, place, sizeof place);
  hk_status rc = r->address ? add(c, "addr", hk_person_text(p, r->address), err) : HK_OK;
  if (rc == HK_OK)
    rc = add(c, "county", place, err);
  if (rc == HK_OK)
    rc = add_date(c, "declared", r->declared_on, err);
  if (rc == HK_OK)
    rc = add_date(c, "since", r->period.from, err);
  /* No term: it holds while the registration does and is revoked when that ends (一). */
  c->valid_until = 0;
  return rc;
}

static hk_status settlement_fields(hk_store *st, const hk_person *p, const char *source,
                                   hk_date today, hk_cert_claims *c, hk_error *err)
{
  char *end = NULL;
  long long app_id = strtoll(source ? source : "", &end, 10);
  if (end == NULL || *end != '\0' || app_id <= 0)
    return hk_error_set(err, HK_EINVAL, "source", "not an application id: %s",
                        source ? source : "");
  hk_app_row row = {0};
  hk_status rc = hk_store_app_get(st, app_id, false, &row, err);
  if (rc != HK_OK)
    return rc;
  json_error_t jerr;
  json_t *doc = json_loads(row.doc ? row.doc : "{}", 0, &jerr);
  free(row.doc);
  const char *pathway = json_string_value(json_object_get(doc, "pathway"));
  char from[256], to[320];
  if (p->has_hukou && p->hukou.division)
    division_full(p->hukou.division, from, sizeof from);
  else
    snprintf(from, sizeof from, "—");
  division_full(row.target, to, sizeof to);
  rc = add(c, "app", source, err);
  if (rc == HK_OK)
    rc = add(c, "pathway", pathway ? hk_label_zh(HK_LBL_PATHWAY, pathway) : "", err);
  if (rc == HK_OK)
    rc = add(c, "from", from, err);
  if (rc == HK_OK)
    rc = add(c, "to", to, err);
  if (rc == HK_OK)
    rc = add_date(c, "approved", today, err);
  json_decref(doc);
  c->valid_until = cert__day_start(today + HK_CERT_SETTLEMENT_DAYS);
  return rc;
}

hk_status cert__claims_build(hk_store *st, hk_cert_type type, const hk_person *p, int32_t issuer,
                             const char *source, hk_date today, int64_t index, hk_cert_claims *out,
                             hk_error *err)
{
  memset(out, 0, sizeof *out);
  int y, m, d;
  hk_date_to_ymd(today, &y, &m, &d);
  cert__identifier(type, issuer, y, index, out->id);
  out->type = type;
  snprintf(out->issuer, sizeof out->issuer, "%06d", (int)issuer);
  out->issued_at = cert__day_start(today);
  out->valid_from = out->issued_at;
  snprintf(out->name, sizeof out->name, "%s", p->name);
  char masked[HK_IDNUM_LEN + 1];
  snprintf(out->id_masked, sizeof out->id_masked, "%s", hk_idnum_mask(p->id_number, masked));
  hk_cert_claims_bind_holder(out, p->id_number);
  out->status_index = (uint32_t)index;
  switch (type) {
  case HK_CERT_RESIDENCE_PERMIT:
    return permit_fields(p, source, today, out, err);
  case HK_CERT_HUKOU_PROOF:
    return hukou_fields(st, p, today, out, err);
  case HK_CERT_RESIDENCE_RECEIPT:
    return receipt_fields(p, out, err);
  case HK_CERT_SETTLEMENT_APPROVAL:
    return settlement_fields(st, p, source, today, out, err);
  default:
    return hk_error_set_both(err, HK_EINVAL, "type", "未知的证照类型", "unknown certificate type");
  }
}

/* ---- the claims as JSON ---- */

static bool unhex(const char *s, uint8_t *out, size_t n)
{
  size_t got = 0;
  return s != NULL && strlen(s) == 2 * n &&
         sodium_hex2bin(out, n, s, 2 * n, NULL, &got, NULL) == 0 && got == n;
}

char *cert__claims_dump(const hk_cert_claims *c)
{
  char salt[2 * sizeof c->id_salt + 1], digest[2 * sizeof c->id_digest + 1];
  sodium_bin2hex(salt, sizeof salt, c->id_salt, sizeof c->id_salt);
  sodium_bin2hex(digest, sizeof digest, c->id_digest, sizeof c->id_digest);
  json_t *fields = json_array();
  for (size_t i = 0; i < c->nfields; i++)
    json_array_append_new(fields, json_pack("[ss]", c->fields[i].key, c->fields[i].value));
  json_t *o = json_pack(
      "{ss ss ss sI sI sI ss ss ss ss sI so}", "id", c->id, "type", hk_cert_type_name(c->type),
      "iss", c->issuer, "iat", (json_int_t)c->issued_at, "nbf", (json_int_t)c->valid_from, "exp",
      (json_int_t)c->valid_until, "name", c->name, "idm", c->id_masked, "salt", salt, "digest",
      digest, "idx", (json_int_t)c->status_index, "fields", fields);
  char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(o);
  return text;
}

hk_status cert__claims_load(const char *text, hk_cert_claims *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  json_error_t jerr;
  json_t *o = json_loads(text ? text : "", 0, &jerr), *fields = NULL;
  const char *id = NULL, *type = NULL, *iss = NULL, *name = NULL, *idm = NULL, *salt = NULL,
             *digest = NULL;
  json_int_t iat = 0, nbf = 0, exp = 0, idx = 0;
  hk_status rc = HK_OK;
  if (o == NULL ||
      json_unpack(o, "{ss ss ss sI sI sI ss ss ss ss sI so}", "id", &id, "type", &type, "iss", &iss,
                  "iat", &iat, "nbf", &nbf, "exp", &exp, "name", &name, "idm", &idm, "salt", &salt,
                  "digest", &digest, "idx", &idx, "fields", &fields) != 0 ||
      hk_cert_type_parse(type) < 0 || !unhex(salt, out->id_salt, sizeof out->id_salt) ||
      !unhex(digest, out->id_digest, sizeof out->id_digest) || !json_is_array(fields)) {
    json_decref(o);
    return hk_error_set(err, HK_ESTORE, "claims", "the stored claims are not readable");
  }
  snprintf(out->id, sizeof out->id, "%s", id);
  out->type = (hk_cert_type)hk_cert_type_parse(type);
  snprintf(out->issuer, sizeof out->issuer, "%s", iss);
  out->issued_at = iat;
  out->valid_from = nbf;
  out->valid_until = exp;
  snprintf(out->name, sizeof out->name, "%s", name);
  snprintf(out->id_masked, sizeof out->id_masked, "%s", idm);
  out->status_index = (uint32_t)idx;
  size_t i;
  json_t *f;
  json_array_foreach(fields, i, f)
  {
    if (rc != HK_OK)
      break;
    const char *k = json_string_value(json_array_get(f, 0));
    const char *v = json_string_value(json_array_get(f, 1));
    rc = k && v ? hk_cert_claims_add(out, k, v, err)
                : hk_error_set(err, HK_ESTORE, "claims", "a stored field is not readable");
  }
  json_decref(o);
  return rc;
}
