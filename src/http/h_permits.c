/* h_permits.c — residence permits (三) over HTTP:
 *   GET  /api/v1/persons/{id}/permit            number, county, state, validity, window, periods
 *   POST /api/v1/persons/{id}/permit/endorse    签注 (Art.19): on time, or late (reinstated)
 *   POST /api/v1/persons/{id}/permit/recognise  互认 after the residence moved to another city
 * No request body: the day is the server's today. The holder acts for themself; an officer or
 * supervisor where the permit is held (endorse, show) or where it goes (recognise). A permit is
 * issued by completing a permit application (h_applications.c). */
#include "http/http_int.h"

#include <string.h>

#include "core/json.h"
#include "service/permit.h"

void hk_h_permit_get(hk_http_req *req, hk_http_resp *resp)
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
  hk_status rc =
      st ? hk_permit_show(st, &req->actor, id.number, hk_http_today(req->srv), &out, &err)
         : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  hk_http_access_record(req, id.number, "GET /api/v1/persons/{id}/permit");
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

static void act(hk_http_req *req, hk_http_resp *resp, bool endorse)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  hk_idnum id;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &id) ||
      !hk_http_may_touch_person(req, id.number, resp))
    return;
  hk_error err = {0};
  hk_date today = hk_http_today(req->srv);
  hk_permit_result res;
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  if (st == NULL) {
    hk_http_writer_release(req->srv);
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_status rc =
      endorse ? hk_permit_endorse(st, req->srv->pol, &req->actor, id.number, today, &res, &err)
              : hk_permit_recognise(st, &req->actor, id.number, today, &res, &err);
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *o = json_object();
  json_object_set_new(o, "number", json_string(res.number));
  json_object_set_new(o, "outcome",
                      json_string(!endorse                     ? "recognised"
                                  : res.outcome == HK_ENDORSED ? "endorsed"
                                                               : "reinstated"));
  hk_json_set_division(o, "previous_division", endorse ? 0 : res.previous_division);
  hk_json_set_date(o, "from", res.period.from);
  hk_json_set_date(o, "valid_until", res.period.to - 1);
  if (endorse && res.outcome == HK_REINSTATED)
    json_object_set_new(o, "notice",
                        json_string("逾期签注：居住年限自今日起重新计算 / late: the permit was "
                                    "suspended; its years count again from today (Art.19)"));
  hk_http_reply_json(resp, 200, o);
  resp->no_store = true;
}

void hk_h_permit_endorse(hk_http_req *req, hk_http_resp *resp)
{
  act(req, resp, true);
}

void hk_h_permit_recognise(hk_http_req *req, hk_http_resp *resp)
{
  act(req, resp, false);
}
