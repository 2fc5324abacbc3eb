/* h_certificates.c — electronic certificates (电子证照, issue 12; clauses (三) and (九)) over
 * HTTP (service/certificate.h, docs/certificates.md):
 *   GET  /.well-known/hukou-keys.json            the public JWK Set (anyone; cacheable)
 *   GET  /api/v1/certificates/status             the signed status list (anyone; max-age=300)
 *   POST /api/v1/certificates/verify             {"qr", "id_number"?}: anyone, rate-limited per
 *                                                address; only the verdict and printed facts
 *   GET  /api/v1/persons/{id}/certificates       a person's certificates: the holder, officers
 *   POST /api/v1/persons/{id}/certificates       {"type"}: issue a hukou_proof or a
 *                                                residence_receipt on request
 *   GET  /api/v1/certificates/{cid}              one certificate with its QR text and fields
 *   GET  /api/v1/certificates/{cid}/pdf          the A4 page (a download)
 *   GET  /api/v1/certificates/{cid}/qr.svg       its QR code for a screen
 *   POST /api/v1/certificates/{cid}/status       {"status", "reason"}: officers revoke, suspend,
 *                                                reinstate
 * Without --keys the routes that sign or verify answer 503 naming "keys"; the list and the
 * status changes need no key. An officer gets one 404 for "unknown" and "not yours" alike. A
 * certificate is signed when first read, and its token kept: those reads go through the
 * writer's connection. Reads of a person's certificates are in the access log (九). */
#include "http/http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/pdf.h"
#include "core/json.h"
#include "service/certificate.h"
#include "store/store_cert.h"

/* The status list is signed for a day: a verifier offline for less than that still has a
 * list it may trust; online ones refresh it every 5 minutes (Cache-Control). The server
 * re-signs it after any write and at least every STATUS_REMAKE seconds. */
#define STATUS_TTL ((int64_t)24 * 3600)
#define STATUS_REMAKE 60.0
#define QR_TEXT_MAX 8192 /* a QR code holds at most 4296 alphanumeric characters */

static const unsigned officers = HK_ROLE_BIT(HK_ROLE_OFFICER) | HK_ROLE_BIT(HK_ROLE_SUPERVISOR);

static bool need_keys(hk_http_req *req, hk_http_resp *resp)
{
  if (req->srv->keyring != NULL)
    return true;
  hk_http_reply_fail_both(resp, HK_EUNAVAILABLE, "keys",
                          "服务器未配置证照密钥（hukou serve --keys DIR）",
                          "the server has no certificate keys (hukou serve --keys DIR)");
  return false;
}

/* Residents (their own), officers and supervisors (their jurisdiction) hold or issue
 * certificates; the service applies the rest of the rule. */
static bool may_use(hk_http_req *req, hk_http_resp *resp)
{
  return hk_http_require_role(req, resp,
                              HK_ROLE_BIT(HK_ROLE_RESIDENT) | HK_ROLE_BIT(HK_ROLE_OFFICER) |
                                  HK_ROLE_BIT(HK_ROLE_SUPERVISOR));
}

/* The {cid} of the path: what the service's identifiers are made of, and not too long. */
static bool cid_param(hk_http_req *req, hk_http_resp *resp, const char **out)
{
  const char *s = req->param[0];
  size_t n = strlen(s);
  bool ok = n > 0 && n <= HK_CERT_ID_MAX;
  for (size_t i = 0; ok && i < n; i++)
    ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
         (s[i] >= 'a' && s[i] <= 'z') || strchr("-_.:", s[i]) != NULL;
  if (!ok) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "cid", "不是证照编号（至多 %d 个字母、数字或 -_.:）",
                            "not a certificate identifier (at most %d letters, digits or -_.:)",
                            HK_CERT_ID_MAX);
    return false;
  }
  *out = s;
  return true;
}

/* ---- open routes ---- */

void hk_h_cert_jwks(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  if (!hk_http_query_only(req, none, resp) || !need_keys(req, resp))
    return;
  char *jwks = hk_cert_keyring_jwks(req->srv->keyring);
  if (jwks == NULL) {
    hk_http_reply_fail(resp, HK_ENOMEM, NULL, "out of memory");
    return;
  }
  resp->status = 200;
  resp->body = jwks;
  resp->len = strlen(jwks);
  resp->content_type = "application/jwk-set+json";
  /* Keys change only at a rotation, and the retired ones stay in the set. */
  resp->cache_control = "public, max-age=3600";
}

/* The cached list when it is still good (no write since, young enough); a copy. */
static bool status_cached(hk_http_server *srv, uint8_t **token, size_t *len)
{
  bool hit = false;
  pthread_mutex_lock(&srv->status_mu);
  if (srv->status_token != NULL && srv->status_epoch == atomic_load(&srv->write_epoch) &&
      hk_http_now() - srv->status_made < STATUS_REMAKE) {
    *token = malloc(srv->status_len);
    if (*token != NULL) {
      memcpy(*token, srv->status_token, srv->status_len);
      *len = srv->status_len;
      hit = true;
    }
  }
  pthread_mutex_unlock(&srv->status_mu);
  return hit;
}

static void status_keep(hk_http_server *srv, const uint8_t *token, size_t len, unsigned epoch,
                        double made)
{
  uint8_t *copy = len > 0 ? malloc(len) : NULL;
  if (copy == NULL)
    return;
  memcpy(copy, token, len);
  pthread_mutex_lock(&srv->status_mu);
  free(srv->status_token);
  srv->status_token = copy;
  srv->status_len = len;
  srv->status_epoch = epoch;
  srv->status_made = made;
  pthread_mutex_unlock(&srv->status_mu);
}

void hk_h_cert_status_list(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  if (!hk_http_query_only(req, none, resp) || !need_keys(req, resp))
    return;
  hk_http_server *srv = req->srv;
  uint8_t *token = NULL;
  size_t len = 0;
  if (!status_cached(srv, &token, &len)) {
    /* The epoch before reading: a write during the read makes the next request read again. */
    unsigned epoch = atomic_load(&srv->write_epoch);
    double made = hk_http_now();
    hk_error err = {0};
    hk_http_worker *w = hk_http_worker_acquire(srv);
    hk_store *st = hk_http_worker_store(srv, w, &err);
    hk_status rc = st ? hk_certificate_status_list(st, srv->keyring, hk_http_unix_now(srv),
                                                   STATUS_TTL, &token, &len, &err)
                      : err.code;
    hk_http_worker_release(w);
    if (rc != HK_OK) {
      hk_http_reply_error(resp, &err);
      return;
    }
    status_keep(srv, token, len, epoch, made);
  }
  resp->status = 200;
  resp->body = (char *)token;
  resp->len = len;
  resp->content_type = "application/statuslist+cwt";
  resp->cache_control = "public, max-age=300";
}

void hk_h_cert_verify(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  static const char *const allowed[] = {"qr", "id_number", NULL};
  resp->no_store = true;
  if (!hk_http_query_only(req, none, resp) || !need_keys(req, resp))
    return;
  json_t *doc = hk_http_body_known(req, resp, allowed);
  if (doc == NULL)
    return;
  hk_error err = {0};
  const char *qr = NULL, *id_text = NULL;
  hk_idnum id;
  memset(&id, 0, sizeof id);
  hk_status rc = hk_json_string(doc, "qr", HK_JSON_REQUIRED, QR_TEXT_MAX, &qr, &err);
  if (rc == HK_OK && qr[0] == '\0')
    rc = hk_error_set_both(&err, HK_EINVAL, "qr", "为空：请提供二维码中的文字",
                           "empty: send the text of the QR code");
  if (rc == HK_OK)
    rc = hk_json_string(doc, "id_number", HK_JSON_OPTIONAL, HK_IDNUM_INPUT_MAX, &id_text, &err);
  /* The holder's number, when given, must be one: a typo would otherwise read as "not the
   * holder". It is never echoed. */
  if (rc == HK_OK && id_text != NULL && !hk_idnum_check(id_text, hk_http_today(req->srv), &id))
    rc = hk_error_set_both(&err, HK_EINVAL, "id_number", "不是有效的身份证号码（%s）",
                           "not a valid ID number (%s)", hk_idnum_fault_name(id.fault));
  if (rc != HK_OK) {
    json_decref(doc);
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *out = NULL;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  rc = st ? hk_certificate_verify(st, req->srv->keyring, qr, id_text ? id.number : NULL,
                                  hk_http_unix_now(req->srv), &out, &err)
          : err.code;
  hk_http_worker_release(w);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

/* ---- a person's certificates ---- */

/* An officer's "nothing here for you": the same answer for a person registered elsewhere and
 * for one registered nowhere, so the list tells no one who exists outside their jurisdiction. */
static void reply_not_theirs(hk_http_resp *resp)
{
  hk_http_reply_fail_both(resp, HK_ENOTFOUND, "id", "辖区内没有此人的记录",
                          "no such person in your jurisdiction");
}

void hk_h_person_certs_list(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  hk_idnum id;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &id) ||
      !hk_http_may_touch_person(req, id.number, resp))
    return;
  bool staff = req->actor.role == HK_ROLE_OFFICER || req->actor.role == HK_ROLE_SUPERVISOR;
  hk_error err = {0};
  json_t *out = NULL;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc = st ? hk_certificate_list(st, &req->actor, id.number, &out, &err) : err.code;
  /* The service lists what the officer's counties issued; with none, the person must at least
   * be theirs to read (hukou or active residence registration here), or it is not found. */
  bool hidden = staff && (rc == HK_ENOTFOUND || rc == HK_EFORBIDDEN);
  if (staff && rc == HK_OK && json_array_size(out) == 0) {
    hk_error perr = {0};
    hidden = hk_store_person_get(st, id.number, &w->person, &perr) != HK_OK ||
             !hk_http_may_read_person(req, &w->person);
  }
  hk_http_worker_release(w);
  if (hidden) {
    json_decref(out);
    reply_not_theirs(resp);
    return;
  }
  if (rc != HK_OK) {
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  hk_http_access_record(req, id.number, "GET /api/v1/persons/{id}/certificates");
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

void hk_h_person_certs_issue(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  static const char *const allowed[] = {"type", NULL};
  resp->no_store = true;
  hk_idnum id;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &id) ||
      !hk_http_may_touch_person(req, id.number, resp))
    return;
  json_t *doc = hk_http_body_known(req, resp, allowed);
  if (doc == NULL)
    return;
  hk_error err = {0};
  const char *name = NULL;
  hk_status rc = hk_json_string(doc, "type", HK_JSON_REQUIRED, 64, &name, &err);
  int type = rc == HK_OK ? hk_cert_type_parse(name) : -1;
  json_decref(doc);
  /* The others come with the events that give rise to them (service/certificate.h). */
  if (rc == HK_OK && type != HK_CERT_HUKOU_PROOF && type != HK_CERT_RESIDENCE_RECEIPT)
    rc = hk_error_set_both(&err, HK_EINVAL, "type",
                           "只能申请 hukou_proof（户籍证明）或 residence_receipt（居住登记凭证）",
                           "one of hukou_proof, residence_receipt (the others come with their "
                           "events)");
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  if (!need_keys(req, resp))
    return;
  json_t *out = NULL;
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  rc = st ? hk_certificate_issue(st, req->srv->keyring, &req->actor, (hk_cert_type)type, id.number,
                                 hk_http_today(req->srv), &out, &err)
          : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK && (rc == HK_ENOTFOUND || rc == HK_EFORBIDDEN) &&
      (req->actor.role == HK_ROLE_OFFICER || req->actor.role == HK_ROLE_SUPERVISOR)) {
    reply_not_theirs(resp);
    return;
  }
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_access_record(req, id.number, "POST /api/v1/persons/{id}/certificates");
  hk_http_reply_json(resp, 201, out);
  resp->no_store = true;
}

/* ---- one certificate ---- */

/* The certificate as its holder or an officer reads it: through the writer (it may be signed
 * now and its token kept), with the holder's number for the access log. */
static hk_status read_one(hk_http_req *req, const char *cid, json_t **out, hk_cert_claims *claims,
                          char **qr_text, hk_error *err)
{
  hk_store *st = hk_http_writer_acquire(req->srv, err);
  hk_status rc =
      st ? hk_certificate_get(st, req->srv->keyring, &req->actor, cid, out, claims, qr_text, err)
         : err->code;
  hk_cert_row row;
  memset(&row, 0, sizeof row);
  hk_error lerr = {0};
  bool holder = rc == HK_OK && hk_store_cert_get(st, cid, &row, &lerr) == HK_OK;
  hk_http_writer_release(req->srv);
  if (holder)
    hk_http_access_record(req, row.person, "GET /api/v1/certificates/{cid}");
  hk_cert_row_clear(&row);
  return rc;
}

void hk_h_cert_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  const char *cid;
  if (!hk_http_query_only(req, none, resp) || !may_use(req, resp) || !cid_param(req, resp, &cid))
    return;
  hk_error err = {0};
  json_t *out = NULL;
  if (read_one(req, cid, &out, NULL, NULL, &err) != HK_OK) {
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

void hk_h_cert_pdf(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  const char *cid;
  if (!hk_http_query_only(req, none, resp) || !may_use(req, resp) || !cid_param(req, resp, &cid))
    return;
  hk_error err = {0};
  json_t *out = NULL;
  char *qr = NULL;
  hk_cert_claims *claims = calloc(1, sizeof *claims); /* 4 KB and more: not on the stack */
  if (claims == NULL) {
    hk_http_reply_fail(resp, HK_ENOMEM, NULL, "out of memory");
    return;
  }
  if (read_one(req, cid, &out, claims, &qr, &err) != HK_OK) {
    free(claims);
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  json_decref(out);
  unsigned char *pdf = NULL;
  size_t len = 0;
  /* In a child process (pdf_child.c): cairo's per-page leak stays out of the server. */
  hk_status rc = hk_http_pdf_in_child(req->srv->self_exe, qr, &pdf, &len, &err);
  free(qr);
  free(claims);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  resp->status = 200;
  resp->body = (char *)pdf;
  resp->len = len;
  resp->content_type = "application/pdf";
  resp->no_store = true;
  /* cid_param let through only characters a quoted file name may hold as they are. */
  snprintf(resp->disposition, sizeof resp->disposition, "attachment; filename=\"%s.pdf\"", cid);
}

void hk_h_cert_qr_svg(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  const char *cid;
  if (!hk_http_query_only(req, none, resp) || !may_use(req, resp) || !cid_param(req, resp, &cid))
    return;
  hk_error err = {0};
  json_t *out = NULL;
  char *qr = NULL;
  if (read_one(req, cid, &out, NULL, &qr, &err) != HK_OK) {
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  json_decref(out);
  char *svg = NULL;
  hk_status rc = hk_cert_qr_svg(qr, &svg, &err);
  free(qr);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  resp->status = 200;
  resp->body = svg;
  resp->len = strlen(svg);
  resp->content_type = "image/svg+xml";
  resp->no_store = true;
}

void hk_h_cert_set_status(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  static const char *const allowed[] = {"status", "reason", NULL};
  resp->no_store = true;
  const char *cid;
  if (!hk_http_query_only(req, none, resp) || !hk_http_require_role(req, resp, officers) ||
      !cid_param(req, resp, &cid))
    return;
  json_t *doc = hk_http_body_known(req, resp, allowed);
  if (doc == NULL)
    return;
  hk_error err = {0};
  const char *name = NULL, *reason = NULL;
  hk_cert_status status = HK_CERT_STATUS_VALID;
  hk_status rc = hk_json_string(doc, "status", HK_JSON_REQUIRED, 16, &name, &err);
  if (rc == HK_OK) {
    if (strcmp(name, "revoked") == 0)
      status = HK_CERT_STATUS_REVOKED;
    else if (strcmp(name, "suspended") == 0)
      status = HK_CERT_STATUS_SUSPENDED;
    else if (strcmp(name, "valid") != 0)
      rc = hk_error_set_both(&err, HK_EINVAL, "status", "只能是 revoked、suspended 或 valid",
                             "one of revoked, suspended, valid");
  }
  /* The reason is kept with the status (63 bytes) and shown to the holder. */
  if (rc == HK_OK)
    rc = hk_json_string(doc, "reason", HK_JSON_REQUIRED, 63, &reason, &err);
  if (rc == HK_OK && reason[strspn(reason, " \t\r\n")] == '\0')
    rc = hk_error_set_both(&err, HK_EINVAL, "reason", "必须填写原因", "required: say why");
  if (rc != HK_OK) {
    json_decref(doc);
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  rc = st ? hk_certificate_set_status(st, &req->actor, cid, status, reason, &err) : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    json_decref(doc);
    /* The service answers 404 for what the officer may not see; a 403 is for one they may see
     * (the holder lives here) but whose issuing county is another's. */
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *o = json_object();
  json_object_set_new(o, "id", json_string(cid));
  json_object_set_new(o, "status", json_string(hk_cert_status_name(status)));
  json_object_set_new(o, "status_reason", json_string(reason));
  json_decref(doc);
  hk_http_reply_json(resp, 200, o);
  resp->no_store = true;
}
