/* h_keys.c — department keys for admins (九 data sharing; issue 11 and 16):
 *   GET  /api/v1/keys               every key (never its secret), with what a key may be given:
 *                                   the yes/no questions and each department's fact kinds
 *   POST /api/v1/keys               {department, questions: [...], facts: [...]} -> the key's
 *                                   secret, answered this once and never again
 *   POST /api/v1/keys/{id}/revoke   revoked for good
 * A key's scope is kept as one list ("permit-valid,fact:housing"); the API splits it into the
 * questions it may ask and the kinds of fact it may send. */
#include "http/http_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "service/facts.h"

#define ADMIN HK_ROLE_BIT(HK_ROLE_ADMIN)

/* A key's scope list split into {"questions": [...], "facts": [...]} members of o. */
static void scope_json(const char *scope, json_t *o)
{
  json_t *questions = json_array(), *facts = json_array();
  for (const char *s = scope; *s;) {
    size_t n = strcspn(s, ",");
    if (n > 5 && strncmp(s, "fact:", 5) == 0)
      json_array_append_new(facts, json_stringn(s + 5, n - 5));
    else if (n > 0)
      json_array_append_new(questions, json_stringn(s, n));
    s += n + (s[n] == ',');
  }
  json_object_set_new(o, "questions", questions);
  json_object_set_new(o, "facts", facts);
}

static hk_status add_key(const hk_apikey_row *row, void *cls, hk_error *err)
{
  (void)err;
  json_t *o = json_pack("{s:I, s:s, s:s, s:b, s:s}", "id", (json_int_t)row->id, "department",
                        row->department, "title", row->title, "revoked", row->disabled, "created",
                        row->created);
  scope_json(row->questions, o);
  json_array_append_new(cls, o);
  return HK_OK;
}

/* What a key may be given: the questions, and for each department the kinds it sends. */
static json_t *catalogue(void)
{
  json_t *questions = json_array(), *departments = json_object();
  for (const char *const *q = hk_question_names; *q; q++)
    json_array_append_new(questions, json_string(*q));
  for (const char *const *d = hk_fact_departments; *d; d++) {
    json_t *kinds = json_array();
    uint32_t mask = hk_fact_department_kinds(*d);
    for (int k = 1; k < HK_FACT_KIND_COUNT; k++)
      if (mask & (1u << k))
        json_array_append_new(kinds, json_string(hk_fact_kind_name((hk_fact_kind)k)));
    json_object_set_new(departments, *d, kinds);
  }
  return json_pack("{s:o, s:o}", "questions", questions, "departments", departments);
}

void hk_h_keys_get(hk_http_req *req, hk_http_resp *resp)
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
  hk_status rc = st ? hk_store_apikey_each(st, add_key, list, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    json_decref(list);
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_reply_json(resp, 200, json_pack("{s:o, s:o}", "keys", list, "scopes", catalogue()));
  resp->no_store = true;
}

/* Append the strings of array member `name` to scope, each behind prefix; false with the reply
 * made when the member is not an array of plain names. */
static bool append_scope(json_t *doc, const char *name, const char *prefix, char *scope,
                         size_t size, hk_http_resp *resp)
{
  json_t *v = json_object_get(doc, name);
  if (v == NULL || json_is_null(v))
    return true;
  if (!json_is_array(v)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, name, "必须是字符串数组",
                            "must be an array of strings");
    return false;
  }
  size_t i;
  json_t *item;
  json_array_foreach(v, i, item)
  {
    const char *s = json_is_string(item) ? json_string_value(item) : NULL;
    /* A comma would smuggle a second entry past the check of the first. */
    if (s == NULL || s[0] == '\0' || strchr(s, ',') != NULL || strlen(s) > 32) {
      hk_http_reply_fail_both(resp, HK_EINVAL, name, "第 %zu 项不是名称", "item %zu is not a name",
                              i + 1);
      return false;
    }
    size_t used = strlen(scope);
    int n = snprintf(scope + used, size - used, "%s%s%s", used ? "," : "", prefix, s);
    if (n < 0 || (size_t)n >= size - used) {
      hk_http_reply_fail_both(resp, HK_EINVAL, name, "一个密钥的查询事项和事实种类太多",
                              "too many questions and kinds for one key");
      return false;
    }
  }
  return true;
}

void hk_h_keys_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const fields[] = {"department", "title", "questions", "facts", NULL};
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
  json_t *dv = json_object_get(doc, "department");
  if (!json_is_string(dv)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "department", dv ? "必须是字符串" : "缺少此项",
                            dv ? "must be a string" : "missing");
    json_decref(doc);
    return;
  }
  char department[HK_DEPARTMENT_MAX + 1];
  snprintf(department, sizeof department, "%s", json_string_value(dv));
  bool bad = false;
  const char *title_in = hk_http_body_string(doc, "title", false, resp, &bad);
  if (bad) {
    json_decref(doc);
    return;
  }
  char title[HK_KEY_TITLE_MAX + 2];
  snprintf(title, sizeof title, "%s", title_in ? title_in : ""); /* one byte over: refused */
  char scope[HK_QUESTIONS_MAX + 2] = "";
  bool ok = append_scope(doc, "questions", "", scope, sizeof scope, resp) &&
            append_scope(doc, "facts", "fact:", scope, sizeof scope, resp);
  json_decref(doc);
  if (!ok)
    return;
  if (scope[0] == '\0') {
    hk_http_reply_fail_both(resp, HK_EINVAL, "questions", "请至少选择一个查询事项或事实种类",
                            "choose at least one question or kind of fact");
    return;
  }
  char key[HK_TOKEN_MAX];
  int64_t id = 0;
  hk_store *wr = hk_http_writer_acquire(req->srv, &err);
  hk_status rc =
      wr ? hk_apikey_add(wr, &req->actor, department, title, scope, key, &id, &err) : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)id, "department", department,
                        "title", title, "key", key, "revoked", 0);
  sodium_memzero(key, sizeof key);
  scope_json(scope, o);
  hk_http_reply_json(resp, 201, o);
  resp->no_store = true;
}

void hk_h_keys_revoke(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (!hk_http_require_role(req, resp, ADMIN))
    return;
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  const char *s = req->param[0];
  char *end;
  errno = 0;
  long long id = strtoll(s, &end, 10);
  if (s[0] < '1' || s[0] > '9' || *end || errno || id <= 0) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "id", "不是密钥编号", "not a key number");
    return;
  }
  hk_store *wr = hk_http_writer_acquire(req->srv, &err);
  hk_status rc = wr ? hk_apikey_revoke(wr, &req->actor, (int64_t)id, &err) : err.code;
  hk_http_writer_release(req->srv);
  if (rc == HK_ENOTFOUND) {
    hk_http_reply_fail_both(resp, HK_ENOTFOUND, "id", "没有这个密钥", "no such key");
    return;
  }
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  /* A cached check of the key would let it ask for a moment longer. */
  hk_http_tokens_forget(req->srv);
  hk_http_reply_json(resp, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
}
