/* h_facts.c — facts with provenance over HTTP (issue 10, service/facts.h):
 *   POST /api/v1/persons/{id}/facts                  {kind, fact}: a resident declares about
 *                                                    themself; an officer or supervisor of the
 *                                                    person's county records it verified
 *   GET  /api/v1/persons/{id}/facts                  every entry and imported fact (logged read)
 *   POST /api/v1/persons/{id}/facts/{entry}/verify   an officer verifies a declared entry
 *   POST /api/v1/persons/{id}/facts/{entry}/correct  {fact, reason}: a new entry supersedes the
 *                                                    entry ("12") or imported row ("housing.0")
 *   POST /api/v1/facts                               a department key sends one fact
 *                                                    {id_number, kind, fact, delivery?} or many
 *                                                    {facts: [{delivery, id_number, kind, fact,
 *                                                    corrects?, reason?}]}, all or nothing,
 *                                                    only the kinds its key names ("fact:KIND")
 * The day is the server's today. */
#include "http/http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/label.h"
#include "core/json.h"
#include "service/facts.h"

static void reply_result(hk_http_resp *resp, int status, const hk_fact_result *r)
{
  json_t *o = json_object();
  json_object_set_new(o, "entry", json_integer(r->entry));
  json_object_set_new(o, "source", json_string(hk_fact_source_name(r->source)));
  json_object_set_new(o, "supersedes",
                      r->supersedes             ? json_integer(r->supersedes)
                      : r->supersedes_import[0] ? json_string(r->supersedes_import)
                                                : json_null());
  json_object_set_new(o, "already", json_boolean(r->already));
  hk_http_reply_json(resp, status, o);
  resp->no_store = true;
}

/* {kind, fact} of a declaration; NULL kind with the error replied. */
static hk_fact_kind read_kind(const json_t *doc, const char *const *keys, json_t **fact,
                              hk_http_resp *resp)
{
  hk_error err = {0};
  const char *name = NULL;
  hk_status rc = hk_json_known_keys(doc, keys, &err);
  if (rc == HK_OK)
    rc = hk_json_string(doc, "kind", HK_JSON_REQUIRED, 32, &name, &err);
  if (rc == HK_OK)
    rc = hk_json_object(doc, "fact", HK_JSON_REQUIRED, fact, &err);
  hk_fact_kind kind = rc == HK_OK ? hk_fact_kind_from(name) : HK_FACT_NONE;
  if (rc == HK_OK && kind == HK_FACT_NONE)
    rc = hk_error_set_both(
        &err, HK_EINVAL, "kind",
        "须为以下之一：housing（住房）、employment（就业）、schooling（就学）、social_"
        "insurance（社会保险）、talent（人才认定）、education（学历）、marital_"
        "status（婚姻状况）、kinship（亲属关系）",
        "one of housing, employment, schooling, social_insurance, talent, "
        "education, marital_status, kinship");
  if (rc != HK_OK)
    hk_http_reply_error(resp, &err);
  return kind;
}

void hk_h_facts_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  static const char *const keys[] = {"kind", "fact", NULL};
  resp->no_store = true;
  hk_idnum id;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &id) ||
      !hk_http_may_touch_person(req, id.number, resp))
    return;
  json_t *doc = hk_http_body_object(req, resp), *fact = NULL;
  if (doc == NULL)
    return;
  hk_fact_kind kind = read_kind(doc, keys, &fact, resp);
  if (kind == HK_FACT_NONE) {
    json_decref(doc);
    return;
  }
  hk_error err = {0};
  hk_fact_result res = {0};
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  hk_status rc = st ? hk_facts_add(st, &req->actor, id.number, kind, fact, NULL, NULL,
                                   hk_http_today(req->srv), &res, &err)
                    : err.code;
  hk_http_writer_release(req->srv);
  json_decref(doc);
  if (rc != HK_OK)
    hk_http_reply_hidden(req, resp, &err);
  else
    reply_result(resp, 201, &res);
}

void hk_h_facts_list(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  hk_idnum id;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &id) ||
      !hk_http_may_touch_person(req, id.number, resp))
    return;
  hk_error err = {0};
  json_t *out = NULL;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc = st ? hk_facts_list(st, &req->actor, id.number, &out, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  hk_http_access_record(req, id.number, "GET /api/v1/persons/{id}/facts");
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

void hk_h_facts_verify(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  hk_idnum id;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &id) ||
      !hk_http_may_touch_person(req, id.number, resp))
    return;
  char *end;
  long long entry = strtoll(req->param[1], &end, 10);
  if (*end || entry <= 0 || req->param[1][0] == '\0') {
    hk_http_reply_fail_both(resp, HK_EINVAL, "entry", "不是记录编号", "not an entry number");
    return;
  }
  hk_error err = {0};
  hk_fact_result res = {0};
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  hk_status rc =
      st ? hk_facts_verify(st, &req->actor, id.number, entry, hk_http_today(req->srv), &res, &err)
         : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK)
    hk_http_reply_hidden(req, resp, &err);
  else
    reply_result(resp, 201, &res);
}

void hk_h_facts_correct(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  static const char *const keys[] = {"fact", "reason", NULL};
  resp->no_store = true;
  hk_idnum id;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &id) ||
      !hk_http_may_touch_person(req, id.number, resp))
    return;
  json_t *doc = hk_http_body_object(req, resp), *fact = NULL;
  if (doc == NULL)
    return;
  hk_error err = {0};
  const char *reason = NULL;
  hk_status rc = hk_json_known_keys(doc, keys, &err);
  if (rc == HK_OK)
    rc = hk_json_object(doc, "fact", HK_JSON_REQUIRED, &fact, &err);
  if (rc == HK_OK)
    rc = hk_json_string(doc, "reason", HK_JSON_REQUIRED, 500, &reason, &err);
  hk_fact_result res = {0};
  if (rc == HK_OK) {
    hk_store *st = hk_http_writer_acquire(req->srv, &err);
    rc = st ? hk_facts_correct(st, &req->actor, id.number, req->param[1], fact, reason,
                               hk_http_today(req->srv), &res, &err)
            : err.code;
    hk_http_writer_release(req->srv);
  }
  json_decref(doc);
  if (rc != HK_OK)
    hk_http_reply_hidden(req, resp, &err);
  else
    reply_result(resp, 201, &res);
}

/* The key's department, from its account "department:NAME". */
static const char *key_department(const hk_http_req *req)
{
  const char *a = req->actor.account;
  return strncmp(a, "department:", 11) == 0 ? a + 11 : a;
}

static bool key_may_send(const hk_http_req *req, const char *kind)
{
  char q[48];
  snprintf(q, sizeof q, "fact:%s", kind ? kind : "");
  return req->is_key && hk_apikey_allows(req->questions, q);
}

/* Many facts: the bulk path of `hukou facts import`, fed the array as JSON lines, so the
 * checks, the all-or-nothing transaction and re-delivery are the same. */
static void send_many(hk_http_req *req, hk_http_resp *resp, const json_t *facts)
{
  hk_error err = {0};
  size_t n = json_array_size(facts);
  if (n == 0 || n > 10000) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "facts", "须为 1 至 10,000 条事实",
                            "1 to 10,000 facts");
    return;
  }
  char *text = NULL;
  size_t len = 0;
  FILE *lines = open_memstream(&text, &len);
  for (size_t i = 0; lines && i < n; i++) {
    const json_t *f = json_array_get(facts, i);
    const char *kind = json_string_value(json_object_get(f, "kind"));
    if (json_is_object(f) && kind && !key_may_send(req, kind)) {
      fclose(lines);
      free(text);
      hk_error e = {0};
      hk_error_set(&e, HK_EFORBIDDEN, "kind", "facts[%zu]: this key may not send %s", i, kind);
      hk_error_set_zh(&e, "facts[%zu]：此密钥无权报送%s", i, hk_label_zh(HK_LBL_FACT_KIND, kind));
      hk_http_reply_error(resp, &e);
      return;
    }
    char *one = json_dumps(f, JSON_COMPACT | JSON_ENCODE_ANY);
    fprintf(lines, "%s\n", one ? one : "null");
    free(one);
  }
  if (lines == NULL || fclose(lines) != 0) {
    free(text);
    hk_http_reply_fail_both(resp, HK_ENOMEM, NULL, "内存不足", "out of memory");
    return;
  }
  FILE *in = fmemopen(text, len, "r");
  hk_facts_import_result res = {0};
  hk_store *st = in ? hk_http_writer_acquire(req->srv, &err) : NULL;
  hk_status rc = st   ? hk_facts_import(st, &req->actor, key_department(req), in,
                                        hk_http_today(req->srv), &res, &err)
                 : in ? err.code
                      : hk_error_set(&err, HK_ENOMEM, NULL, "out of memory");
  if (in)
    hk_http_writer_release(req->srv);
  if (in)
    fclose(in);
  free(text);
  if (rc != HK_OK) {
    /* "line 3: fact.to" → "facts[2].fact.to": the array's place, not a line. */
    if (strncmp(err.field, "line ", 5) == 0) {
      char *end;
      long line = strtol(err.field + 5, &end, 10);
      if (end[0] == ':' && end[1] == ' ' && line > 0) {
        char rest[128];
        snprintf(rest, sizeof rest, "%s", end + 2);
        snprintf(err.field, sizeof err.field, "facts[%ld].%s", line - 1, rest);
      }
    }
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *o = json_object();
  json_object_set_new(o, "received", json_integer(res.lines));
  json_object_set_new(o, "added", json_integer(res.added));
  json_object_set_new(o, "already", json_integer(res.already));
  hk_http_reply_json(resp, 201, o);
  resp->no_store = true;
}

void hk_h_facts_department(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  static const char *const one_keys[] = {"id_number", "kind", "fact", "delivery", NULL};
  resp->no_store = true;
  if (!hk_http_require_role(req, resp, HK_ROLE_BIT(HK_ROLE_DEPARTMENT)) ||
      !hk_http_query_only(req, none, resp))
    return;
  json_t *doc = hk_http_body_object(req, resp);
  if (doc == NULL)
    return;
  json_t *many = json_object_get(doc, "facts");
  if (many) {
    if (json_object_size(doc) != 1 || !json_is_array(many))
      hk_http_reply_fail_both(resp, HK_EINVAL, "facts", "须为数组，且为请求体的全部内容",
                              "an array, alone in the body");
    else
      send_many(req, resp, many);
    json_decref(doc);
    return;
  }
  hk_error err = {0};
  json_t *fact = NULL;
  const char *number = NULL, *delivery = NULL;
  hk_fact_kind kind = read_kind(doc, one_keys, &fact, resp);
  if (kind == HK_FACT_NONE) {
    json_decref(doc);
    return;
  }
  hk_status rc = hk_json_string(doc, "id_number", HK_JSON_REQUIRED, 64, &number, &err);
  if (rc == HK_OK)
    rc = hk_json_string(doc, "delivery", HK_JSON_OPTIONAL, 64, &delivery, &err);
  hk_idnum id;
  if (rc == HK_OK && !hk_idnum_check(number, hk_http_today(req->srv), &id)) {
    rc = hk_error_set(&err, HK_EINVAL, "id_number", "not a valid ID number (%s)",
                      hk_idnum_fault_name(id.fault));
    hk_error_set_zh(&err, "不是有效的身份证号码（%s）",
                    hk_label_zh(HK_LBL_IDNUM_FAULT, hk_idnum_fault_name(id.fault)));
  }
  if (rc == HK_OK && !key_may_send(req, hk_fact_kind_name(kind))) {
    rc = hk_error_set(&err, HK_EFORBIDDEN, "kind", "this key may not send %s",
                      hk_fact_kind_name(kind));
    hk_error_set_zh(&err, "此密钥无权报送%s",
                    hk_label_zh(HK_LBL_FACT_KIND, hk_fact_kind_name(kind)));
  }
  hk_fact_result res = {0};
  if (rc == HK_OK) {
    hk_store *st = hk_http_writer_acquire(req->srv, &err);
    rc = st ? hk_facts_add(st, &req->actor, id.number, kind, fact, key_department(req), delivery,
                           hk_http_today(req->srv), &res, &err)
            : err.code;
    hk_http_writer_release(req->srv);
  }
  json_decref(doc);
  if (rc != HK_OK)
    hk_http_reply_error(resp, &err);
  else
    reply_result(resp, res.already ? 200 : 201, &res);
}
