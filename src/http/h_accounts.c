/* h_accounts.c — signing in and out, and accounts for admins (九):
 *   POST   /api/v1/sessions                {name, password} -> {token, expires_at, role, ...};
 *                                          with "cookie": true the token goes in an HttpOnly
 *                                          cookie and the body has the CSRF token instead
 *   GET    /api/v1/sessions/current        who the caller is (the portal asks on load)
 *   DELETE /api/v1/sessions/current        ends the caller's session (and clears the cookie)
 *   GET    /api/v1/users                   admin: every account
 *   POST   /api/v1/users                   admin: a new account
 *   POST   /api/v1/users/{name}/disable    admin: disable one
 *   POST   /api/v1/users/{name}/enable     admin: re-enable one
 *   PATCH  /api/v1/users/{name}            admin: change its role and/or jurisdiction
 *   POST   /api/v1/users/{name}/password   admin: set a new password; its sessions end
 *   POST   /api/v1/sessions/current/password  anyone signed in: change their own password
 *                                          (current and new); their other sessions end
 * Sign-ins are rate-limited per address (server.c), throttled per address (signin_guard.c) and
 * per account (service/signin.h, issue 16), and their argon2id check runs on the worker's
 * read-only connection; only counting a failure and the session insert take the server's
 * read-write connection. */
#include "http/http_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/division.h"
#include "core/json.h"

json_t *hk_http_body_known(hk_http_req *req, hk_http_resp *resp, const char *const *allowed)
{
  json_t *doc = hk_http_body_object(req, resp);
  hk_error err = {0};
  if (doc == NULL || hk_json_known_keys(doc, allowed, &err) == HK_OK)
    return doc;
  bool printable = strlen(err.field) <= 32;
  for (const char *s = err.field; printable && *s; s++)
    printable = *s > 0x20 && *s < 0x7f;
  hk_http_reply_fail_both(resp, HK_EINVAL, printable ? err.field : "body", "不认识的字段",
                          "unknown field");
  json_decref(doc);
  return NULL;
}

/* A string member, or NULL (with the reply made when it is present but not a string, or
 * missing and required). *bad says a reply was made. */
const char *hk_http_body_string(json_t *doc, const char *name, bool required, hk_http_resp *resp,
                                bool *bad)
{
  json_t *v = json_object_get(doc, name);
  if (v == NULL || json_is_null(v)) {
    if (required && !*bad) {
      hk_http_reply_fail_both(resp, HK_EINVAL, name, "缺少此项", "missing");
      *bad = true;
    }
    return NULL;
  }
  if (!json_is_string(v)) {
    if (!*bad)
      hk_http_reply_fail_both(resp, HK_EINVAL, name, "必须是字符串", "must be a string");
    *bad = true;
    return NULL;
  }
  return json_string_value(v);
}

static void iso_time(int64_t unix_seconds, char out[32])
{
  time_t t = (time_t)unix_seconds;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *jurisdiction_json(int32_t j)
{
  return j ? json_sprintf("%06d", (int)j) : json_null();
}

void hk_http_csrf_token(const char *session_token, char out[HK_CSRF_LEN + 1])
{
  /* A fixed context key: the secret is the session token itself (32 random bytes that only the
   * browser holding the cookie and this request know), so no key has to be kept, shared between
   * servers or survive a restart. BLAKE2b keyed this way is not the SHA-256 the store keeps. */
  static const unsigned char context[32] = "hukou csrf token v1 (issue 11)";
  unsigned char h[32];
  crypto_generichash(h, sizeof h, (const unsigned char *)session_token, strlen(session_token),
                     context, sizeof context);
  sodium_bin2base64(out, HK_CSRF_LEN + 1, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(h, sizeof h);
}

/* A password check throttled as sign-ins are (issue 16, service/signin.h), for a sign-in and for
 * a change of one's own password (a stolen session must not become a way to guess it): the
 * address's own delay first, then the account's gate; a refused attempt checks no password
 * (HK_ERATE with *retry, or HK_EFORBIDDEN for a lock); a wrong one (HK_EUNAUTH) is counted
 * against the address and the account. *row is the account (id 0 when the name is none). */
static hk_status throttled_check(hk_http_req *req, const char *name, const char *password,
                                 int64_t now, hk_account_row *row, unsigned *retry, hk_error *err)
{
  memset(row, 0, sizeof *row);
  *retry = hk_http_signin_guard_wait(req->srv->signin_guard, req->client, hk_http_now());
  if (*retry > 0)
    return hk_error_set_both(err, HK_ERATE, NULL, "此地址登录失败过多，请 %u 秒后再试",
                             "too many failed sign-ins from this address; retry in %u s", *retry);
  const hk_signin_policy *policy = &req->srv->cfg.signin;
  bool throttled = policy->delay_after > 0;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, err);
  hk_status rc = st ? HK_OK : err->code;
  if (rc == HK_OK && throttled)
    rc = hk_signin_gate(st, policy, name, req->client, now, retry, err);
  if (rc == HK_OK)
    rc = hk_account_check_password(st, name, password, row, err);
  hk_http_worker_release(w);
  if (rc == HK_EUNAUTH) {
    hk_http_signin_guard_failed(req->srv->signin_guard, req->client, hk_http_now());
    if (row->id > 0 && throttled) {
      hk_error counted = {0};
      hk_store *wr = hk_http_writer_acquire(req->srv, &counted);
      hk_status crc =
          wr ? hk_signin_failed(wr, policy, row, req->client, now, &counted) : counted.code;
      hk_http_writer_release(req->srv);
      if (crc != HK_OK) {
        *err = counted;
        return crc;
      }
    }
  }
  return rc;
}

void hk_h_sessions_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const fields[] = {"name", "password", "cookie", NULL};
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
  const char *name = hk_http_body_string(doc, "name", true, resp, &bad);
  const char *password = hk_http_body_string(doc, "password", true, resp, &bad);
  json_t *cv = json_object_get(doc, "cookie");
  if (!bad && cv != NULL && !json_is_boolean(cv) && !json_is_null(cv)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "cookie", "必须是 true 或 false",
                            "must be true or false");
    bad = true;
  }
  bool cookie = json_is_true(cv);
  /* Login CSRF: another site's page must not sign the browser in to an account of its choosing.
   * A browser names the page's origin on a POST; it must be this server's. */
  const char *origin = hk_http_header(req, "Origin");
  if (!bad && cookie && origin != NULL &&
      !hk_http_origin_matches(origin, hk_http_header(req, "Host"))) {
    hk_http_reply_fail_both(resp, HK_EFORBIDDEN, "Origin", "浏览器会话不接受来自其他网站的登录",
                            "a sign-in from another site is refused for a browser session");
    bad = true;
  }
  if (bad) {
    json_decref(doc);
    return;
  }
  unsigned retry = 0;
  int64_t now = (int64_t)time(NULL);
  hk_account_row row;
  hk_status rc = throttled_check(req, name, password, now, &row, &retry, &err);
  json_decref(doc);
  char token[HK_TOKEN_MAX];
  int64_t expires = 0;
  if (rc == HK_OK) {
    hk_store *wr = hk_http_writer_acquire(req->srv, &err);
    rc = wr ? hk_signin_session(wr, &row, req->client, now, token, &expires, &err) : err.code;
    hk_http_writer_release(req->srv);
  }
  sodium_memzero(row.pwhash, sizeof row.pwhash);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    if (rc == HK_ERATE)
      resp->retry_after = retry;
    return;
  }
  char when[32];
  iso_time(expires, when);
  hk_actor a;
  hk_account_actor(&row, &a);
  json_t *o;
  if (cookie) {
    /* The token never reaches a script: it is the HttpOnly cookie's, and the body carries the
     * CSRF token the portal's changes must send back. */
    char csrf[HK_CSRF_LEN + 1];
    hk_http_csrf_token(token, csrf);
    o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "token_type", "cookie", "expires_at", when,
                  "role", hk_role_name(a.role), "name", row.name, "jurisdiction",
                  jurisdiction_json(a.jurisdiction), "csrf_token", csrf);
    hk_http_session_cookie(req, resp, token, expires - now);
    sodium_memzero(csrf, sizeof csrf);
  } else {
    o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "token", token, "token_type", "Bearer", "expires_at",
                  when, "role", hk_role_name(a.role), "jurisdiction",
                  jurisdiction_json(a.jurisdiction));
  }
  sodium_memzero(token, sizeof token);
  hk_http_reply_json(resp, 201, o);
  resp->no_store = true;
}

void hk_h_sessions_delete(hk_http_req *req, hk_http_resp *resp)
{
  hk_error err = {0};
  if (req->is_key) {
    hk_http_reply_fail_both(
        resp, HK_EFORBIDDEN, "Authorization", "部门密钥不是会话：请用 hukou key revoke 吊销",
        "a department key is not a session: it is revoked with hukou key revoke");
    return;
  }
  hk_store *wr = hk_http_writer_acquire(req->srv, &err);
  hk_status rc = wr ? hk_account_logout(wr, req->token, &err) : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_tokens_forget(req->srv);
  resp->status = 204;
  if (req->by_cookie)
    hk_http_session_cookie(req, resp, "", 0); /* the browser forgets it (Max-Age=0) */
}

void hk_h_sessions_current(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (req->is_key) {
    hk_http_reply_fail_both(resp, HK_EFORBIDDEN, "Authorization",
                            "部门密钥不是会话：只能用于查询事项",
                            "a department key is not a session: it asks its questions only");
    return;
  }
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  const hk_actor *a = &req->actor;
  const char *colon = strchr(a->account, ':'); /* "officer:wang" */
  const hk_division *d = a->jurisdiction ? hk_division_find(a->jurisdiction) : NULL;
  char when[32];
  iso_time(req->expires, when);
  json_t *o = json_pack("{s:s, s:s, s:o, s:s}", "name", colon ? colon + 1 : a->account, "role",
                        hk_role_name(a->role), "jurisdiction", jurisdiction_json(a->jurisdiction),
                        "jurisdiction_name", d ? d->name : "");
  if (a->role == HK_ROLE_RESIDENT && a->id_number[0]) {
    char masked[HK_IDNUM_LEN + 1];
    json_object_set_new(o, "id_number_masked", json_string(hk_idnum_mask(a->id_number, masked)));
  }
  json_object_set_new(o, "expires_at", json_string(when));
  if (req->by_cookie) {
    char csrf[HK_CSRF_LEN + 1];
    hk_http_csrf_token(req->token, csrf);
    json_object_set_new(o, "csrf_token", json_string(csrf));
    sodium_memzero(csrf, sizeof csrf);
  }
  hk_http_reply_json(resp, 200, o);
  resp->no_store = true;
}

#define ADMIN HK_ROLE_BIT(HK_ROLE_ADMIN)

static json_t *user_json(const hk_account_row *row)
{
  json_t *o = json_pack("{s:s, s:s, s:o, s:b, s:s}", "name", row->name, "role",
                        hk_role_name((hk_role)row->role), "jurisdiction",
                        jurisdiction_json(row->jurisdiction), "disabled", row->disabled, "created",
                        row->created);
  if (row->id_number[0]) {
    char masked[HK_IDNUM_LEN + 1];
    json_object_set_new(o, "id_number", json_string(hk_idnum_mask(row->id_number, masked)));
  }
  return o;
}

static hk_status add_user(const hk_account_row *row, void *cls, hk_error *err)
{
  (void)err;
  json_array_append_new(cls, user_json(row));
  return HK_OK;
}

void hk_h_users_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (!hk_http_require_role(req, resp, ADMIN))
    return;
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *list = json_array();
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc = st ? hk_store_account_each(st, add_user, list, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    json_decref(list);
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_reply_json(resp, 200, json_pack("{s:o}", "users", list));
  resp->no_store = true;
}

#define ROLE_HELP_ZH                                                                                                        \
  "须为以下之一：resident（居民）、officer（户籍民警）、supervisor（审核主管）、analyst（统计" \
  "分析员）、department（部门）、admin（系统管理员）"
#define ROLE_HELP_EN "one of resident, officer, supervisor, analyst, department, admin"

static hk_role role_from(const char *s)
{
  for (int r = 0; r < HK_ROLE_COUNT; r++)
    if (strcmp(s, hk_role_name((hk_role)r)) == 0)
      return (hk_role)r;
  return HK_ROLE_COUNT;
}

void hk_h_users_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const fields[] = {"name",      "role",     "jurisdiction",
                                       "id_number", "password", NULL};
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (!hk_http_require_role(req, resp, ADMIN))
    return;
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *doc = hk_http_body_known(req, resp, fields);
  if (doc == NULL)
    return;
  bool bad = false;
  hk_account_new in = {0};
  in.name = hk_http_body_string(doc, "name", true, resp, &bad);
  const char *role = hk_http_body_string(doc, "role", true, resp, &bad);
  const char *jur = hk_http_body_string(doc, "jurisdiction", false, resp, &bad);
  in.id_number = hk_http_body_string(doc, "id_number", false, resp, &bad);
  in.password = hk_http_body_string(doc, "password", true, resp, &bad);
  if (!bad && ((in.role = role_from(role)) == HK_ROLE_COUNT || in.role == HK_ROLE_SYSTEM)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "role", ROLE_HELP_ZH, ROLE_HELP_EN);
    bad = true;
  }
  if (!bad && jur && !hk_division_parse(jur, &in.jurisdiction)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "jurisdiction", "不是六位行政区划代码",
                            "not a six-digit division code");
    bad = true;
  }
  if (bad) {
    json_decref(doc);
    return;
  }
  hk_store *wr = hk_http_writer_acquire(req->srv, &err);
  hk_status rc = wr ? hk_account_add(wr, &req->actor, &in, &err) : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    json_decref(doc);
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *o = json_pack("{s:s, s:s, s:o, s:b}", "name", in.name, "role", hk_role_name(in.role),
                        "jurisdiction", jurisdiction_json(in.jurisdiction), "disabled", 0);
  json_decref(doc);
  hk_http_reply_json(resp, 201, o);
}

/* Disable or re-enable the account named in the path. */
static void set_disabled(hk_http_req *req, hk_http_resp *resp, bool disabled)
{
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (!hk_http_require_role(req, resp, ADMIN))
    return;
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  const char *name = req->param[0];
  hk_store *wr = hk_http_writer_acquire(req->srv, &err);
  hk_status rc = !wr        ? err.code
                 : disabled ? hk_account_disable(wr, &req->actor, name, &err)
                            : hk_account_enable(wr, &req->actor, name, &err);
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  /* Its sessions are gone from the store; no worker may keep trusting a cached check. */
  hk_http_tokens_forget(req->srv);
  hk_http_reply_json(resp, 200, json_pack("{s:s, s:b}", "name", name, "disabled", disabled));
}

void hk_h_users_disable(hk_http_req *req, hk_http_resp *resp)
{
  set_disabled(req, resp, true);
}

void hk_h_users_enable(hk_http_req *req, hk_http_resp *resp)
{
  set_disabled(req, resp, false);
}

void hk_h_users_patch(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const fields[] = {"role", "jurisdiction", NULL};
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (!hk_http_require_role(req, resp, ADMIN))
    return;
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *doc = hk_http_body_known(req, resp, fields);
  if (doc == NULL)
    return;
  bool bad = false;
  const char *role = hk_http_body_string(doc, "role", false, resp, &bad);
  const char *jur = hk_http_body_string(doc, "jurisdiction", false, resp, &bad);
  hk_account_change in = {.set_role = role != NULL, .set_jurisdiction = jur != NULL};
  if (!bad && role && ((in.role = role_from(role)) == HK_ROLE_COUNT || in.role == HK_ROLE_SYSTEM)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "role", ROLE_HELP_ZH, ROLE_HELP_EN);
    bad = true;
  }
  if (!bad && jur && !hk_division_parse(jur, &in.jurisdiction)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "jurisdiction", "不是六位行政区划代码",
                            "not a six-digit division code");
    bad = true;
  }
  json_decref(doc);
  if (bad)
    return;
  hk_account_row row;
  hk_store *wr = hk_http_writer_acquire(req->srv, &err);
  hk_status rc =
      wr ? hk_account_change_role(wr, &req->actor, req->param[0], &in, &row, &err) : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  /* A cached check would keep the old role and area for a while. */
  hk_http_tokens_forget(req->srv);
  hk_http_reply_json(resp, 200, user_json(&row));
  resp->no_store = true;
}

void hk_h_users_password(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const fields[] = {"password", NULL};
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (!hk_http_require_role(req, resp, ADMIN))
    return;
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *doc = hk_http_body_known(req, resp, fields);
  if (doc == NULL)
    return;
  bool bad = false;
  const char *password = hk_http_body_string(doc, "password", true, resp, &bad);
  if (bad) {
    json_decref(doc);
    return;
  }
  const char *name = req->param[0];
  hk_store *wr = hk_http_writer_acquire(req->srv, &err);
  hk_status rc = wr ? hk_account_reset_password(wr, &req->actor, name, password, &err) : err.code;
  hk_http_writer_release(req->srv);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_tokens_forget(req->srv);
  hk_http_reply_json(resp, 200, json_pack("{s:s, s:b}", "name", name, "sessions_ended", 1));
}

void hk_h_sessions_password(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const fields[] = {"current_password", "password", NULL};
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (req->is_key) {
    hk_http_reply_fail_both(resp, HK_EFORBIDDEN, "Authorization", "部门密钥不是会话：没有密码可改",
                            "a department key is not a session: it has no password");
    return;
  }
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *doc = hk_http_body_known(req, resp, fields);
  if (doc == NULL)
    return;
  bool bad = false;
  const char *current = hk_http_body_string(doc, "current_password", true, resp, &bad);
  const char *password = hk_http_body_string(doc, "password", true, resp, &bad);
  if (bad) {
    json_decref(doc);
    return;
  }
  const char *colon = strchr(req->actor.account, ':'); /* "officer:wang" */
  const char *name = colon ? colon + 1 : req->actor.account;
  /* The current password is checked as a sign-in's is, throttled and counted (a stolen session
   * gives no faster way to guess it); only the write takes the read-write connection. */
  hk_account_row row;
  unsigned retry = 0;
  hk_status rc;
  if (current == NULL || current[0] == '\0')
    rc = hk_error_set_both(&err, HK_EINVAL, "current_password", "缺少此项", "missing");
  else
    rc = throttled_check(req, name, current, (int64_t)time(NULL), &row, &retry, &err);
  sodium_memzero(row.pwhash, sizeof row.pwhash);
  if (rc == HK_ERATE || rc == HK_EFORBIDDEN) /* a delay or a lock: about the password asked */
    snprintf(err.field, sizeof err.field, "current_password");
  if (rc == HK_EUNAUTH)
    rc = hk_error_set_both(&err, HK_EINVAL, "current_password", "当前密码不正确",
                           "the current password is wrong");
  else if (rc == HK_OK && password != NULL && current != NULL && strcmp(password, current) == 0)
    rc = hk_error_set_both(&err, HK_EINVAL, "password", "新密码须与当前密码不同",
                           "the new password must differ from the current one");
  if (rc == HK_OK) {
    hk_store *wr = hk_http_writer_acquire(req->srv, &err);
    rc = wr ? hk_account_password_change(wr, &req->actor, name, password, req->token, &err)
            : err.code;
    hk_http_writer_release(req->srv);
  }
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    if (rc == HK_ERATE)
      resp->retry_after = retry;
    return;
  }
  hk_http_tokens_forget(req->srv);
  hk_http_reply_json(resp, 200, json_pack("{s:s, s:b}", "name", name, "other_sessions_ended", 1));
}
