/* h_applications.c — applications and their review (issue 4) over HTTP:
 *   POST /api/v1/applications                  submit (hk_app_submit): 201 and the application
 *   GET  /api/v1/applications?state=&kind=&area=&filed_in=&scope=&overdue=&q=&limit=&after=
 *        the queue: summaries with names, overdue first, paged by `next` (hk_app_list)
 *   GET  /api/v1/applications/counts?area=&scope=   counts by state and overdue (hk_app_counts)
 *   GET  /api/v1/applications/{id}             one application (hk_app_show)
 *   POST /api/v1/applications/{id}/actions     {action, reason}: a step (hk_app_act); complete
 *        takes what the officer adds for a settlement's hukou move (unit_code, unit_name,
 *        community, address; hk_app_complete)
 * The channel follows from who submits (八): a resident applies online, for themself only; an
 * officer or supervisor files at a service point in their jurisdiction (their county, or the
 * county named by filed_in). The services check every step's actor, state and jurisdiction. */
#include "http/http_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/label.h"
#include "core/division.h"
#include "core/json.h"
#include "service/app_service.h"

/* The submission (hk_app_request_read, without a channel field): the channel is the actor's,
 * online for a resident, a service point for an officer or supervisor, in a county of their
 * jurisdiction. */
static hk_status read_submit(const json_t *doc, const hk_actor *who, hk_date today,
                             hk_app_request *r, hk_error *err)
{
  hk_status rc = hk_app_request_read(doc, false, today, r, err);
  bool officer = who->role == HK_ROLE_OFFICER || who->role == HK_ROLE_SUPERVISOR;
  snprintf(r->channel, sizeof r->channel, "%s", officer ? "service_point" : "online");
  if (rc == HK_OK && r->filed_in && !officer)
    rc = hk_error_set_both(err, HK_EINVAL, "filed_in", "只有办事窗口（民警代办）才填写受理地",
                           "only for a service point: an officer files");
  if (rc == HK_OK && officer) {
    if (r->filed_in == 0 && who->jurisdiction % 100 != 0)
      r->filed_in = who->jurisdiction;
    if (r->filed_in == 0)
      rc = hk_error_set_both(
          err, HK_EINVAL, "filed_in", "缺少办事窗口所在的县级行政区（您的辖区范围更大）",
          "missing: the county of the service point (the jurisdiction is wider)");
    else if (r->filed_in % 100 == 0)
      rc = hk_error_set_both(err, HK_EINVAL, "filed_in", "须为县级行政区划",
                             "a county-level division");
    else if (!hk_actor_may_decide(who, r->filed_in))
      rc = hk_error_set_both(err, HK_EFORBIDDEN, "filed_in", "%06d 不在您的辖区 %06d 内",
                             "%06d is outside jurisdiction %06d", (int)r->filed_in,
                             (int)who->jurisdiction);
  }
  return rc;
}

/* An application holds its applicant's number and the engine's answers about them: whoever
 * is shown one has read that person's data (九). */
static void record_applicant(hk_http_req *req, const json_t *doc, const char *endpoint)
{
  const char *id = json_string_value(json_object_get(doc, "id_number"));
  if (id)
    hk_http_access_record(req, id, endpoint);
}

static bool actor_may_apply(hk_http_req *req, hk_http_resp *resp)
{
  hk_role role = req->actor.role;
  if (role == HK_ROLE_RESIDENT || role == HK_ROLE_OFFICER || role == HK_ROLE_SUPERVISOR)
    return true;
  hk_error err = {0};
  hk_error_set(&err, HK_EFORBIDDEN, "role", "%s accounts have no access to applications",
               hk_role_name(role));
  hk_error_set_zh(&err, "%s账户无权办理申请", hk_label_zh(HK_LBL_ROLE, hk_role_name(role)));
  hk_http_reply_error(resp, &err);
  return false;
}

void hk_h_applications_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  if (!hk_http_query_only(req, none, resp) || !actor_may_apply(req, resp))
    return;
  json_t *doc = hk_http_body_object(req, resp);
  if (doc == NULL)
    return;
  hk_error err = {0};
  hk_date today = hk_http_today(req->srv);
  hk_app_request r;
  hk_status rc = read_submit(doc, &req->actor, today, &r, &err);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  /* A resident for their own number only: refused before the store is asked. */
  if (!hk_http_may_touch_person(req, r.id_number, resp))
    return;
  hk_app_config cfg = {.pol = req->srv->pol, .settlement_days = req->srv->cfg.settlement_days};
  json_t *out = NULL;
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  if (st == NULL) {
    hk_http_writer_release(req->srv);
    hk_http_reply_error(resp, &err);
    return;
  }
  rc = hk_app_submit(st, &cfg, &req->actor, &r, today, &out, &err);
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    /* An ineligible application: the error names the unmet conditions in sentences, and the
     * engine's answer it refers to (GET /api/v1/persons/{id}/eligibility's JSON) is beside it
     * under "answer". */
    hk_http_reply_error_with(resp, &err, "answer", out);
    return;
  }
  record_applicant(req, out, "POST /api/v1/applications");
  hk_http_reply_json(resp, 201, out);
  resp->no_store = true;
}

/* The {id} of an application: a positive decimal number. */
static bool app_id(hk_http_req *req, hk_http_resp *resp, int64_t *id)
{
  const char *s = req->param[0];
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (s[0] < '1' || s[0] > '9' || *end || errno || v <= 0) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "id", "不是申请编号", "not an application number");
    return false;
  }
  *id = v;
  return true;
}

void hk_h_applications_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  int64_t id;
  if (!hk_http_query_only(req, none, resp) || !actor_may_apply(req, resp) ||
      !app_id(req, resp, &id))
    return;
  hk_error err = {0};
  json_t *out = NULL;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc = st ? hk_app_show(st, &req->actor, id, &out, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  record_applicant(req, out, "GET /api/v1/applications/{id}");
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

/* The officer's queue (issue 10): every filter is a query argument that hk_app_query_set
 * reads, the same words as `hukou application list`. */
void hk_h_applications_list(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const allowed[] = {"state",   "kind", "area",  "filed_in", "scope",
                                        "overdue", "q",    "limit", "after",    NULL};
  resp->no_store = true;
  if (!hk_http_query_only(req, allowed, resp) || !actor_may_apply(req, resp))
    return;
  hk_app_query q;
  hk_app_query_init(&q, hk_http_today(req->srv));
  hk_error err = {0};
  hk_status rc = HK_OK;
  for (size_t i = 0; rc == HK_OK && allowed[i]; i++)
    rc = hk_app_query_set(&q, allowed[i], hk_http_query(req, allowed[i]), &err);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *out = NULL;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  rc = st ? hk_app_list(st, &req->actor, &q, &out, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

/* Counts by state and overdue in the jurisdiction (or ?area= inside it; ?scope=filed for what
 * its service points filed): the workbench's header. Officers and supervisors only. */
void hk_h_applications_counts(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const allowed[] = {"area", "scope", NULL};
  resp->no_store = true;
  if (!hk_http_query_only(req, allowed, resp) ||
      !hk_http_require_role(req, resp,
                            HK_ROLE_BIT(HK_ROLE_OFFICER) | HK_ROLE_BIT(HK_ROLE_SUPERVISOR)))
    return;
  hk_app_query q;
  hk_app_query_init(&q, hk_http_today(req->srv));
  hk_error err = {0};
  hk_status rc = hk_app_query_set(&q, "area", hk_http_query(req, "area"), &err);
  if (rc == HK_OK)
    rc = hk_app_query_set(&q, "scope", hk_http_query(req, "scope"), &err);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *out = NULL;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  rc = st ? hk_app_counts(st, &req->actor, q.area, q.scope_filed, q.today, &out, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

void hk_h_applications_act(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  static const char *const keys[] = {"action",    "reason",  "unit_code", "unit_name",
                                     "community", "address", "materials", NULL};
  resp->no_store = true;
  int64_t id;
  if (!hk_http_query_only(req, none, resp) || !actor_may_apply(req, resp) ||
      !app_id(req, resp, &id))
    return;
  json_t *doc = hk_http_body_object(req, resp);
  if (doc == NULL)
    return;
  hk_error err = {0};
  const char *action = NULL, *reason = NULL;
  hk_app_action act = HK_APP_ACTION_COUNT;
  hk_status rc = hk_json_known_keys(doc, keys, &err);
  if (rc == HK_OK)
    rc = hk_json_string(doc, "action", HK_JSON_REQUIRED, 32, &action, &err);
  if (rc == HK_OK && (act = hk_app_action_from(action)) == HK_APP_ACTION_COUNT)
    rc =
        hk_error_set_both(&err, HK_EINVAL, "action",
                          "须为以下之一：accept（受理）、request_material（要求补充材料）、supply_"
                          "material（补充材料）、approve（批准）、reject（驳回）、complete（办结）",
                          "one of accept, request_material, supply_material, approve, reject, "
                          "complete");
  if (rc == HK_OK)
    rc = hk_json_string(doc, "reason", HK_JSON_OPTIONAL, HK_APP_REASON_MAX, &reason, &err);
  /* The reason outlives the document: copied. */
  char why[HK_APP_REASON_MAX + 1] = "";
  bool has_reason = rc == HK_OK && reason != NULL;
  if (has_reason)
    snprintf(why, sizeof why, "%s", reason);
  /* Completing a settlement moves the hukou (move.h): what the officer adds for the move. */
  hk_move_hint hint;
  memset(&hint, 0, sizeof hint);
  bool hinted = false;
  static const char *const hint_keys[] = {"unit_code", "unit_name", "community", "address"};
  char *slot[] = {hint.unit_code, hint.unit_name, hint.community, hint.address};
  size_t size[] = {sizeof hint.unit_code, sizeof hint.unit_name, sizeof hint.community,
                   sizeof hint.address};
  for (size_t i = 0; rc == HK_OK && i < 4; i++) {
    const char *v = NULL;
    rc = hk_json_string(doc, hint_keys[i], HK_JSON_OPTIONAL, size[i] - 1, &v, &err);
    if (rc == HK_OK && v && act != HK_APP_COMPLETE)
      rc = hk_error_set_both(&err, HK_EINVAL, hint_keys[i], "只有办结（complete）时才能填写",
                             "only with the action complete");
    if (rc == HK_OK && v) {
      snprintf(slot[i], size[i], "%s", v);
      hinted = true;
    }
  }
  /* supply_material: the ids of materials uploaded to this application (h_materials.c). */
  int64_t materials[HK_APP_MATERIALS_MAX];
  size_t n_materials = 0;
  json_t *mats = NULL;
  if (rc == HK_OK)
    rc = hk_json_array(doc, "materials", HK_JSON_OPTIONAL, &mats, &err);
  if (rc == HK_OK && mats && act != HK_APP_SUPPLY_MATERIAL)
    rc =
        hk_error_set_both(&err, HK_EINVAL, "materials", "只有补充材料（supply_material）时才能填写",
                          "only with the action supply_material");
  if (rc == HK_OK && json_array_size(mats) > HK_APP_MATERIALS_MAX)
    rc = hk_error_set_both(&err, HK_ETOOBIG, "materials", "最多 %d 份", "at most %d",
                           HK_APP_MATERIALS_MAX);
  for (size_t i = 0; rc == HK_OK && i < json_array_size(mats); i++) {
    json_t *v = json_array_get(mats, i);
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
      rc = hk_error_set_both(&err, HK_EINVAL, "materials", "[%zu]：不是材料编号",
                             "[%zu]: not a material id", i);
    else
      materials[n_materials++] = json_integer_value(v);
  }
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_app_config cfg = {.pol = req->srv->pol, .settlement_days = req->srv->cfg.settlement_days};
  json_t *out = NULL;
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  if (st == NULL) {
    hk_http_writer_release(req->srv);
    hk_http_reply_error(resp, &err);
    return;
  }
  /* An application this actor may not see does not exist for them (as GET answers): its state
   * is not told to anyone outside the applicant and the deciding or filing county. */
  json_t *seen = NULL;
  rc = hk_app_show(st, &req->actor, id, &seen, &err);
  json_decref(seen);
  if (rc != HK_OK) {
    hk_http_writer_release(req->srv);
    hk_http_reply_error(resp, &err);
    return;
  }
  if (act == HK_APP_COMPLETE)
    rc = hk_app_complete(st, &cfg, &req->actor, id, hinted ? &hint : NULL, hk_http_today(req->srv),
                         &out, &err);
  else if (n_materials)
    rc = hk_app_supply(st, &cfg, &req->actor, id, has_reason ? why : NULL, materials, n_materials,
                       hk_http_today(req->srv), &out, &err);
  else
    rc = hk_app_act(st, &cfg, &req->actor, id, act, has_reason ? why : NULL,
                    hk_http_today(req->srv), &out, &err);
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    json_decref(out);
    hk_http_reply_error(resp, &err);
    return;
  }
  record_applicant(req, out, "POST /api/v1/applications/{id}/actions");
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}
