/* Residents' own accounts through activation codes (service/activation.h, issue 16):
 *   POST /api/v1/persons/{id}/activation-code  an officer issues one (shown once)
 *   POST /api/v1/activations                   anyone with a code makes the account
 * The second needs no session and is rate-limited per address; its refusals of the code are one
 * answer whatever the reason, so it tells nobody who is registered or holds a code. */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "http/http_int.h"
#include "service/activation.h"

void hk_h_activation_code_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  if (!hk_http_require_role(req, resp,
                            HK_ROLE_BIT(HK_ROLE_OFFICER) | HK_ROLE_BIT(HK_ROLE_SUPERVISOR)))
    return;
  hk_idnum id;
  if (!hk_http_param_idnum(req, 0, resp, &id))
    return;
  char code[HK_ACTIVATION_CODE_LEN + 1];
  int64_t expires = 0;
  hk_store *wr = hk_http_writer_acquire(req->srv, &err);
  hk_status rc = wr ? hk_activation_issue(wr, &req->actor, id.number, (int64_t)time(NULL), code,
                                          &expires, &err)
                    : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  char masked[HK_IDNUM_LEN + 1], when[32];
  hk_idnum_mask(id.number, masked);
  time_t t = (time_t)expires;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  hk_http_reply_json(
      resp, 201,
      json_pack("{s:s, s:s, s:s}", "id_number", masked, "code", code, "expires_at", when));
  resp->no_store = true;
  sodium_memzero(code, sizeof code);
}

void hk_h_activations_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const fields[] = {"id_number", "code", "name", "password", NULL};
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *doc = hk_http_body_known(req, resp, fields);
  if (doc == NULL)
    return;
  bool bad = false;
  const char *id = hk_http_body_string(doc, "id_number", true, resp, &bad);
  const char *code = hk_http_body_string(doc, "code", true, resp, &bad);
  const char *name = hk_http_body_string(doc, "name", true, resp, &bad);
  const char *password = hk_http_body_string(doc, "password", true, resp, &bad);
  if (bad) {
    json_decref(doc);
    return;
  }
  hk_store *wr = hk_http_writer_acquire(req->srv, &err);
  hk_status rc =
      wr ? hk_activation_redeem(wr, id, code, name, password, (int64_t)time(NULL), &err) : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    json_decref(doc);
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_reply_json(resp, 201, json_pack("{s:s, s:s}", "name", name, "role", "resident"));
  json_decref(doc);
}
