/* Electronic certificates of the registry (service/certificate.h): recorded in the events that
 * give rise to them, signed when first asked for, withdrawn when the registry says so. */
#include "service/certificate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/division.h"
#include "core/idnum.h"
#include "core/json.h"
#include "core/label.h"
#include "service/certificate_int.h"
#include "store/store_cert.h"

#define RETRIES 5

static hk_status oom(hk_error *err)
{
  return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
}

static hk_status append_event(hk_store *st, const hk_actor *who, const char *action,
                              const char *cert_id, json_t *o, hk_error *err)
{
  char *payload = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  if (payload == NULL)
    return oom(err);
  /* The subject is the certificate's identifier: it holds no part of the holder's number. */
  hk_status rc = hk_store_event_append(st, who->account, action, cert_id, payload, err);
  free(payload);
  return rc;
}

hk_status hk_certificate_record_locked(hk_store *st, const hk_actor *who, hk_cert_type type,
                                       const hk_person *p, int32_t issuer, const char *source,
                                       hk_date today, char id_out[HK_CERT_ID_MAX + 1],
                                       hk_error *err)
{
  if ((int)type < 0 || type >= HK_CERT_TYPE_COUNT)
    return hk_error_set_both(err, HK_EINVAL, "type", "未知的证照类型", "unknown certificate type");
  hk_cert_claims *c = malloc(sizeof *c);
  if (c == NULL)
    return oom(err);
  int64_t index = 0;
  hk_status rc = hk_store_cert_next_index(st, &index, err);
  if (rc == HK_OK)
    rc = cert__claims_build(st, type, p, issuer, source, today, index, c, err);
  char *claims = rc == HK_OK ? cert__claims_dump(c) : NULL;
  if (rc == HK_OK && claims == NULL)
    rc = oom(err);
  hk_cert_row row = {.id = index,
                     .type = (int)type,
                     .issuer = issuer,
                     .claims = claims,
                     .status = HK_CERT_STATUS_VALID};
  if (rc == HK_OK) {
    snprintf(row.cert_id, sizeof row.cert_id, "%s", c->id);
    snprintf(row.person, sizeof row.person, "%s", p->id_number);
    snprintf(row.source, sizeof row.source, "%s", source ? source : "");
    row.issued_at = c->issued_at;
    row.valid_from = c->valid_from;
    row.valid_until = c->valid_until;
    rc = hk_store_cert_insert(st, &row, err);
    /* Two transactions drew the same index (PostgreSQL): the loser runs again. */
    if (rc == HK_EDUPLICATE)
      rc = hk_error_set_both(err, HK_ERETRY, "certificate", "证照序号 %lld 重复分配，请重试",
                             "certificate index %lld drawn twice", (long long)index);
  }
  if (rc == HK_OK) {
    char masked[HK_IDNUM_LEN + 1];
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(hk_cert_type_name(type)));
    hk_json_set_division(o, "issuer", issuer);
    json_object_set_new(o, "holder", json_string(hk_idnum_mask(p->id_number, masked)));
    json_object_set_new(o, "source", json_string(row.source));
    json_object_set_new(o, "index", json_integer(index));
    json_object_set_new(o, "valid_until", cert__time_json(c->valid_until, 1));
    rc = append_event(st, who, "certificate.issue", c->id, o, err);
  }
  if (rc == HK_OK && id_out)
    snprintf(id_out, HK_CERT_ID_MAX + 1, "%s", c->id);
  free(claims);
  free(c);
  return rc;
}

/* ---- status ---- */

typedef struct cert_ref {
  int64_t id;
  char cert_id[HK_CERT_ID_MAX + 1];
  int type, status;
  int32_t issuer;
} cert_ref;

typedef struct ref_list {
  cert_ref *items;
  size_t n, cap;
} ref_list;

static hk_status collect_ref(const hk_cert_row *row, void *cls, hk_error *err)
{
  ref_list *l = cls;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    cert_ref *grown = realloc(l->items, cap * sizeof *grown);
    if (grown == NULL)
      return oom(err);
    l->items = grown;
    l->cap = cap;
  }
  cert_ref *r = &l->items[l->n++];
  r->id = row->id;
  snprintf(r->cert_id, sizeof r->cert_id, "%s", row->cert_id);
  r->type = row->type;
  r->status = row->status;
  r->issuer = row->issuer;
  return HK_OK;
}

/* Whether a certificate in status `from` may go to `to`: revoked is for good; a suspension is
 * lifted (VALID) or made final; only a valid one is suspended. */
static bool transition_ok(int from, hk_cert_status to)
{
  switch (to) {
  case HK_CERT_STATUS_REVOKED:
    return from != HK_CERT_STATUS_REVOKED;
  case HK_CERT_STATUS_SUSPENDED:
    return from == HK_CERT_STATUS_VALID;
  case HK_CERT_STATUS_VALID:
    return from == HK_CERT_STATUS_SUSPENDED;
  }
  return false;
}

static hk_status change_status(hk_store *st, const hk_actor *who, const cert_ref *r,
                               const char *holder, hk_cert_status status, const char *reason,
                               hk_error *err)
{
  hk_status rc = hk_store_cert_set_status(st, r->id, (int)status, reason, (int64_t)time(NULL), err);
  if (rc != HK_OK)
    return rc;
  char masked[HK_IDNUM_LEN + 1];
  json_t *o = json_object();
  json_object_set_new(o, "type", json_string(hk_cert_type_name((hk_cert_type)r->type)));
  json_object_set_new(o, "holder", json_string(hk_idnum_mask(holder, masked)));
  json_object_set_new(o, "from", json_string(hk_cert_status_name((hk_cert_status)r->status)));
  json_object_set_new(o, "to", json_string(hk_cert_status_name(status)));
  json_object_set_new(o, "reason", json_string(reason ? reason : ""));
  json_object_set_new(o, "index", json_integer(r->id));
  return append_event(st, who, "certificate.status", r->cert_id, o, err);
}

hk_status hk_certificate_set_status_locked(hk_store *st, const hk_actor *who, const char *id_number,
                                           unsigned type_mask, hk_cert_status status,
                                           const char *reason, hk_error *err)
{
  /* Read first, then write: no update runs under an open read of the same table. */
  ref_list l = {0};
  hk_status rc = hk_store_cert_each_person(st, id_number, collect_ref, &l, err);
  for (size_t i = 0; rc == HK_OK && i < l.n; i++)
    if ((type_mask & (1u << l.items[i].type)) && transition_ok(l.items[i].status, status))
      rc = change_status(st, who, &l.items[i], id_number, status, reason, err);
  free(l.items);
  return rc;
}

hk_status hk_certificate_reissue_locked(hk_store *st, const hk_actor *who, hk_cert_type type,
                                        const hk_person *p, int32_t issuer, const char *source,
                                        hk_date today, char id_out[HK_CERT_ID_MAX + 1],
                                        hk_error *err)
{
  hk_status rc = hk_certificate_set_status_locked(st, who, p->id_number, 1u << type,
                                                  HK_CERT_STATUS_REVOKED, "superseded", err);
  return rc == HK_OK
             ? hk_certificate_record_locked(st, who, type, p, issuer, source, today, id_out, err)
             : rc;
}

/* ---- access ---- */

static bool is_holder(const hk_actor *who, const char *person)
{
  return who->role == HK_ROLE_RESIDENT && who->id_number[0] && strcmp(who->id_number, person) == 0;
}

static bool may_see(const hk_actor *who, const char *person, int32_t issuer)
{
  return is_holder(who, person) || hk_actor_may_decide(who, issuer);
}

static hk_status not_found(hk_error *err, const char *cert_id)
{
  return hk_error_set_both(err, HK_ENOTFOUND, "certificate", "没有证照 %s", "no certificate %s",
                           cert_id);
}

/* ---- reading ---- */

static json_t *summary_json(const hk_cert_row *row)
{
  hk_cert_type t = (hk_cert_type)row->type;
  json_t *o = json_object();
  json_object_set_new(o, "id", json_string(row->cert_id));
  json_object_set_new(o, "type", json_string(hk_cert_type_name(t)));
  json_object_set_new(o, "type_zh", json_string(hk_cert_type_zh(t)));
  json_object_set_new(o, "type_en", json_string(hk_cert_type_en(t)));
  hk_json_set_division(o, "issuer", row->issuer);
  json_object_set_new(o, "issued_at", cert__time_json(row->issued_at, 0));
  json_object_set_new(o, "valid_from", cert__time_json(row->valid_from, 0));
  json_object_set_new(o, "valid_until", cert__time_json(row->valid_until, 1));
  json_object_set_new(o, "status", json_string(hk_cert_status_name((hk_cert_status)row->status)));
  json_object_set_new(o, "status_reason", json_string(row->status_reason));
  return o;
}

typedef struct list_ctx {
  const hk_actor *who;
  json_t *items;
} list_ctx;

static hk_status list_one(const hk_cert_row *row, void *cls, hk_error *err)
{
  list_ctx *l = cls;
  if (!may_see(l->who, row->person, row->issuer))
    return HK_OK;
  json_t *o = summary_json(row);
  return o && json_array_append_new(l->items, o) == 0 ? HK_OK : oom(err);
}

static hk_status check_number(const char *id_number, hk_error *err)
{
  if (id_number == NULL || !hk_idnum_valid18(id_number))
    return hk_error_set_both(err, HK_EINVAL, "id_number", "不是 18 位身份证号码",
                             "not an 18-character ID number");
  return HK_OK;
}

hk_status hk_certificate_list(hk_store *st, const hk_actor *who, const char *id_number,
                              json_t **out, hk_error *err)
{
  *out = NULL;
  hk_status rc = check_number(id_number, err);
  if (rc != HK_OK)
    return rc;
  /* An officer sees the certificates their jurisdiction issued: for anyone else (or a person
   * unknown) the list is empty, the same answer. */
  list_ctx l = {.who = who, .items = json_array()};
  rc = hk_store_cert_each_person(st, id_number, list_one, &l, err);
  if (rc != HK_OK) {
    json_decref(l.items);
    return rc;
  }
  *out = l.items;
  return HK_OK;
}

/* Sign a row never signed and keep its token, in a transaction of its own; the row then holds
 * the token (its own, or a concurrent signer's identical one). */
static hk_status sign_row(hk_store *st, const hk_cert_keyring *kr, hk_cert_row *row,
                          const hk_cert_claims *c, hk_error *err)
{
  if (kr == NULL || hk_cert_keyring_signing(kr) == NULL)
    return hk_error_set_both(err, HK_EUNAVAILABLE, "keys", "没有签名密钥：证照尚未签发",
                             "no signing key: the certificate was never signed");
  char *qr = NULL;
  hk_status rc = hk_cert_sign(kr, c, &qr, err);
  if (rc != HK_OK)
    return rc;
  const hk_cert_key *key = hk_cert_keyring_signing(kr);
  for (int i = 0; i < RETRIES; i++) {
    rc = hk_store_begin(st, err);
    if (rc == HK_OK)
      rc = hk_store_cert_set_token(st, row->id, qr, key->kid, err);
    if (rc == HK_OK)
      rc = hk_store_commit(st, err);
    if (rc != HK_OK)
      hk_store_rollback(st);
    if (rc != HK_ERETRY)
      break;
  }
  if (rc == HK_OK) {
    char cert_id[HK_CERT_ID_MAX + 1];
    snprintf(cert_id, sizeof cert_id, "%s", row->cert_id);
    hk_cert_row_clear(row);
    rc = hk_store_cert_get(st, cert_id, row, err);
  }
  free(qr);
  return rc;
}

static json_t *fields_json(const hk_cert_claims *c)
{
  json_t *a = json_array();
  for (size_t i = 0; i < c->nfields; i++) {
    const char *k = c->fields[i].key, *zh = hk_cert_field_zh(k), *en = hk_cert_field_en(k);
    json_array_append_new(a, json_pack("{ss ss ss ss}", "key", k, "label_zh", zh ? zh : k,
                                       "label_en", en ? en : k, "value", c->fields[i].value));
  }
  return a;
}

/* One certificate; signed when sign is set (HK_EUNAVAILABLE without a key), else as it is. */
static hk_status get_impl(hk_store *st, const hk_cert_keyring *kr, const hk_actor *who,
                          const char *cert_id, bool sign, json_t **out, hk_cert_claims *claims,
                          char **qr_text, hk_error *err)
{
  *out = NULL;
  if (qr_text)
    *qr_text = NULL;
  if (cert_id == NULL || cert_id[0] == '\0' || strlen(cert_id) > HK_CERT_ID_MAX)
    return hk_error_set_both(err, HK_EINVAL, "certificate", "证照编号无效",
                             "not a certificate identifier");
  hk_cert_row row = {0};
  hk_status rc = hk_store_cert_get(st, cert_id, &row, err);
  if (rc == HK_ENOTFOUND || (rc == HK_OK && !may_see(who, row.person, row.issuer))) {
    hk_cert_row_clear(&row);
    return not_found(err, cert_id);
  }
  hk_cert_claims *c = malloc(sizeof *c);
  if (c == NULL) {
    hk_cert_row_clear(&row);
    return oom(err);
  }
  if (rc == HK_OK)
    rc = cert__claims_load(row.claims, c, err);
  if (rc == HK_OK && row.token == NULL && sign)
    rc = sign_row(st, kr, &row, c, err);
  if (rc == HK_OK) {
    json_t *o = summary_json(&row);
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "id_masked", json_string(c->id_masked));
    json_object_set_new(o, "index", json_integer(row.id));
    json_object_set_new(o, "source", json_string(row.source));
    json_object_set_new(o, "fields", fields_json(c));
    json_object_set_new(o, "qr", row.token ? json_string(row.token) : json_null());
    json_object_set_new(o, "kid", row.kid[0] ? json_string(row.kid) : json_null());
    *out = o;
    if (claims)
      *claims = *c;
    if (qr_text && row.token) {
      *qr_text = strdup(row.token);
      if (*qr_text == NULL) {
        json_decref(*out);
        *out = NULL;
        rc = oom(err);
      }
    }
  }
  free(c);
  hk_cert_row_clear(&row);
  return rc;
}

hk_status hk_certificate_get(hk_store *st, const hk_cert_keyring *kr, const hk_actor *who,
                             const char *cert_id, json_t **out, hk_cert_claims *claims,
                             char **qr_text, hk_error *err)
{
  return get_impl(st, kr, who, cert_id, true, out, claims, qr_text, err);
}

/* ---- issue on request ---- */

static const hk_residence *active_residence(const hk_person *p)
{
  const hk_residence *found = NULL;
  for (uint32_t i = 0; i < p->residence.n; i++)
    if (p->residence.items[i].period.to == HK_DATE_OPEN &&
        (found == NULL || p->residence.items[i].period.from >= found->period.from))
      found = &p->residence.items[i];
  return found;
}

static hk_status issue_attempt(hk_store *st, const hk_actor *who, hk_cert_type type,
                               const char *id_number, hk_date today, hk_person *p,
                               char cert_id[HK_CERT_ID_MAX + 1], hk_error *err)
{
  int64_t row = 0;
  hk_status rc = hk_store_begin(st, err);
  if (rc == HK_OK)
    rc = hk_store_person_row(st, id_number, &row, err);
  if (rc == HK_OK)
    rc = hk_store_person_lock(st, row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, id_number, p, err);
  /* The county that issues: the hukou's for a proof, the registration's for a receipt; an
   * officer of the person's other county (residence or hukou) issues it in theirs. */
  const hk_residence *r = rc == HK_OK ? active_residence(p) : NULL;
  int32_t hukou = rc == HK_OK && p->has_hukou ? p->hukou.division : 0;
  int32_t lives = r ? r->division : 0;
  int32_t natural = type == HK_CERT_HUKOU_PROOF ? hukou : lives;
  int32_t other = type == HK_CERT_HUKOU_PROOF ? lives : hukou;
  int32_t county = 0;
  if (rc == HK_OK && (is_holder(who, id_number) || (natural && hk_actor_may_decide(who, natural))))
    county = natural;
  else if (rc == HK_OK && other && hk_actor_may_decide(who, other))
    county = other;
  bool allowed = is_holder(who, id_number) || county != 0;
  if (rc == HK_ENOTFOUND || (rc == HK_OK && !allowed))
    rc = hk_error_set_both(err, HK_ENOTFOUND, "id_number", "没有此人，或不在您的权限范围内",
                           "no such person within this actor's reach");
  if (rc == HK_OK && p->died_on)
    rc = hk_error_set_both(err, HK_ECONFLICT, "id_number", "此人已登记死亡",
                           "the person is registered dead");
  /* A proof states a hukou this registry (the province) keeps. */
  if (rc == HK_OK && type == HK_CERT_HUKOU_PROOF &&
      (hukou == 0 || hk_division_province_of(hukou) != 330000))
    rc = hk_error_set_both(err, HK_ECONFLICT, "hukou", "户口不在本省登记：无从证明",
                           "the hukou is not registered here: nothing to prove");
  if (rc == HK_OK && type == HK_CERT_RESIDENCE_RECEIPT && r == NULL)
    rc = hk_error_set_both(err, HK_ECONFLICT, "residence", "没有有效的居住登记",
                           "no active residence registration");
  if (rc == HK_OK)
    rc = hk_certificate_record_locked(st, who, type, p, county, "request", today, cert_id, err);
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK)
    hk_store_rollback(st);
  return rc;
}

hk_status hk_certificate_issue(hk_store *st, const hk_cert_keyring *kr, const hk_actor *who,
                               hk_cert_type type, const char *id_number, hk_date today,
                               json_t **out, hk_error *err)
{
  *out = NULL;
  if (type != HK_CERT_HUKOU_PROOF && type != HK_CERT_RESIDENCE_RECEIPT)
    return hk_error_set_both(
        err, HK_EINVAL, "type",
        "只能申请 hukou_proof（户籍证明）或 residence_receipt（居住登记凭证）："
        "其他证照随其事项签发",
        "only hukou_proof or residence_receipt are issued on request: the "
        "others come with their events");
  hk_status rc = check_number(id_number, err);
  if (rc != HK_OK)
    return rc;
  hk_person p;
  hk_person_init(&p);
  char cert_id[HK_CERT_ID_MAX + 1] = "";
  rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
    rc = issue_attempt(st, who, type, id_number, today, &p, cert_id, err);
  hk_person_clear(&p);
  /* Signed now when a key is at hand; recorded either way, signed on first request then. */
  bool can_sign = kr && hk_cert_keyring_signing(kr);
  if (rc == HK_OK)
    rc = get_impl(st, kr, who, cert_id, can_sign, out, NULL, NULL, err);
  return rc;
}

/* ---- withdrawing ---- */

static hk_status set_status_attempt(hk_store *st, const hk_actor *who, const char *cert_id,
                                    hk_cert_status status, const char *reason, hk_error *err)
{
  hk_cert_row row = {0};
  hk_status rc = hk_store_begin(st, err);
  if (rc == HK_OK)
    rc = hk_store_cert_get(st, cert_id, &row, err);
  if (rc == HK_ENOTFOUND || (rc == HK_OK && !may_see(who, row.person, row.issuer)))
    rc = not_found(err, cert_id);
  else if (rc == HK_OK && !hk_actor_may_decide(who, row.issuer))
    rc = hk_error_set_both(
        err, HK_EFORBIDDEN, "certificate", "只有签发地 %06d 的民警可以变更证照状态",
        "only an officer of the issuing county %06d may change its status", (int)row.issuer);
  else if (rc == HK_OK && !transition_ok(row.status, status))
    rc = hk_error_set_both(err, HK_ECONFLICT, "status", "证照当前为 %s，不能改为 %s",
                           "the certificate is %s: it cannot become %s",
                           hk_cert_status_name((hk_cert_status)row.status),
                           hk_cert_status_name(status));
  if (rc == HK_OK) {
    cert_ref r = {.id = row.id, .type = row.type, .status = row.status, .issuer = row.issuer};
    snprintf(r.cert_id, sizeof r.cert_id, "%s", row.cert_id);
    rc = change_status(st, who, &r, row.person, status, reason, err);
  }
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK)
    hk_store_rollback(st);
  hk_cert_row_clear(&row);
  return rc;
}

hk_status hk_certificate_set_status(hk_store *st, const hk_actor *who, const char *cert_id,
                                    hk_cert_status status, const char *reason, hk_error *err)
{
  if (cert_id == NULL || cert_id[0] == '\0' || strlen(cert_id) > HK_CERT_ID_MAX)
    return hk_error_set_both(err, HK_EINVAL, "certificate", "证照编号无效",
                             "not a certificate identifier");
  if (reason == NULL || reason[0] == '\0' || strlen(reason) > 63)
    return hk_error_set_both(err, HK_EINVAL, "reason", "须写明理由（不超过 63 字节）",
                             "a reason is required (at most 63 bytes)");
  if ((int)status < HK_CERT_STATUS_VALID || status > HK_CERT_STATUS_SUSPENDED)
    return hk_error_set_both(err, HK_EINVAL, "status", "未知的状态", "unknown status");
  hk_status rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
    rc = set_status_attempt(st, who, cert_id, status, reason, err);
  return rc;
}

hk_status hk_certificate_status_list(hk_store *st, const hk_cert_keyring *kr, int64_t now,
                                     int64_t ttl_seconds, uint8_t **token, size_t *len,
                                     hk_error *err)
{
  *token = NULL;
  *len = 0;
  uint8_t *statuses = NULL;
  size_t n = 0;
  hk_status rc = hk_store_cert_statuses(st, &statuses, &n, err);
  if (rc == HK_OK)
    rc = hk_cert_status_list_sign(kr, statuses, n, HK_CERT_STATUS_PATH, now, ttl_seconds, token,
                                  len, err);
  free(statuses);
  return rc;
}

/* ---- verifying for anyone ---- */

hk_status hk_certificate_verify(hk_store *st, const hk_cert_keyring *kr, const char *qr_text,
                                const char *id_number, int64_t now, json_t **out, hk_error *err)
{
  *out = NULL;
  if (qr_text == NULL)
    return hk_error_set_both(err, HK_EINVAL, "qr", "缺少此项", "missing");
  hk_cert_verification *v = calloc(1, sizeof *v);
  if (v == NULL)
    return oom(err);
  hk_error verr = {0};
  hk_status rc = hk_cert_verify(kr, qr_text, NULL, now, v, &verr);
  if (rc != HK_OK) {
    free(v);
    return rc;
  }
  /* The registry's current status stands in for the list: it is what the list would say. */
  if (v->verdict == HK_CERT_OK && st) {
    hk_cert_row row = {0};
    rc = hk_store_cert_get(st, v->claims.id, &row, err);
    if (rc == HK_OK && (uint32_t)row.id == v->claims.status_index) {
      v->status_checked = true;
      if (row.status == HK_CERT_STATUS_REVOKED)
        v->verdict = HK_CERT_REVOKED;
      else if (row.status == HK_CERT_STATUS_SUSPENDED)
        v->verdict = HK_CERT_SUSPENDED;
    } else if (rc == HK_OK || rc == HK_ENOTFOUND) {
      /* Signed by our key but not in this registry (another copy's): its status is unknown. */
      rc = HK_OK;
    }
    hk_cert_row_clear(&row);
  }
  json_t *o = json_object();
  json_object_set_new(o, "verdict", json_string(hk_cert_verdict_name(v->verdict)));
  json_object_set_new(o, "status_checked", json_boolean(v->status_checked));
  if (v->verdict == HK_CERT_OK) {
    const hk_cert_claims *c = &v->claims;
    json_object_set_new(o, "id", json_string(c->id));
    json_object_set_new(o, "type", json_string(hk_cert_type_name(c->type)));
    json_object_set_new(o, "type_zh", json_string(hk_cert_type_zh(c->type)));
    json_object_set_new(o, "type_en", json_string(hk_cert_type_en(c->type)));
    json_object_set_new(o, "issuer", json_string(c->issuer));
    json_object_set_new(o, "issued_at", cert__time_json(c->issued_at, 0));
    json_object_set_new(o, "valid_from", cert__time_json(c->valid_from, 0));
    json_object_set_new(o, "valid_until", cert__time_json(c->valid_until, 1));
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "id_masked", json_string(c->id_masked));
    if (id_number && id_number[0])
      json_object_set_new(o, "holder_matches",
                          json_boolean(hk_cert_claims_holder_matches(c, id_number)));
  } else {
    json_object_set_new(
        o, "reason", json_string(verr.detail[0] ? verr.detail : hk_cert_verdict_name(v->verdict)));
  }
  free(v);
  if (rc != HK_OK) {
    json_decref(o);
    return rc;
  }
  *out = o;
  return HK_OK;
}
