/* h_residence.c — residence registration (一) over HTTP, one route per step of
 * hk_residence_service:
 *   POST /api/v1/persons/{id}/residence/declare  {division, address, urban, moved_in}
 *   POST /api/v1/persons/{id}/residence/change   {division, address, urban, moved_in}
 *   POST /api/v1/persons/{id}/residence/cancel   {left_on}
 * The day it is reported is the server's today: over the API a declaration is made the day it
 * arrives, so a late one is flagged as the rules say. A resident declares for themself; an
 * officer or supervisor for anyone whose new address (declare, change) or active registration
 * (cancel) lies in their jurisdiction (九). */
#include "http/http_int.h"

#include <stdio.h>
#include <string.h>

#include "core/division.h"
#include "core/json.h"
#include "service/residence.h"

static hk_status read_body(const json_t *doc, hk_residence_op op, hk_residence_request *r,
                           hk_error *err)
{
  static const char *const move_keys[] = {"division", "address", "urban", "moved_in", NULL};
  static const char *const declare_keys[] = {"division", "address", "urban",
                                             "moved_in", "name",    NULL};
  static const char *const cancel_keys[] = {"left_on", NULL};
  hk_status rc = hk_json_known_keys(doc,
                                    op == HK_RES_CANCEL    ? cancel_keys
                                    : op == HK_RES_DECLARE ? declare_keys
                                                           : move_keys,
                                    err);
  /* An arrival not in the registry yet is created from the number and this name (issue 10). */
  const char *name = NULL;
  if (rc == HK_OK && op == HK_RES_DECLARE)
    rc = hk_json_string(doc, "name", HK_JSON_OPTIONAL, HK_NAME_MAX, &name, err);
  if (rc == HK_OK && name)
    snprintf(r->name, sizeof r->name, "%s", name);
  if (rc == HK_OK && op != HK_RES_CANCEL) {
    const char *address = NULL;
    bool urban = false;
    rc = hk_json_division(doc, "division", HK_JSON_REQUIRED, true, &r->division, err);
    if (rc == HK_OK)
      rc = hk_json_string(doc, "address", HK_JSON_REQUIRED, HK_ADDRESS_MAX, &address, err);
    if (rc == HK_OK) {
      snprintf(r->address, sizeof r->address, "%s", address);
      rc = hk_json_bool(doc, "urban", HK_JSON_REQUIRED, false, &urban, err);
      r->urban = urban ? HK_TRI_TRUE : HK_TRI_FALSE;
    }
  }
  if (rc == HK_OK)
    rc = hk_json_date(doc, op == HK_RES_CANCEL ? "left_on" : "moved_in", HK_JSON_REQUIRED, &r->on,
                      err);
  return rc;
}

/* The county of the person's active registration (the open period that began last), or 0. */
static int32_t active_division(const hk_person *p)
{
  int found = -1;
  for (uint32_t i = 0; i < p->residence.n; i++)
    if (p->residence.items[i].period.to == HK_DATE_OPEN &&
        (found < 0 || p->residence.items[i].period.from >= p->residence.items[found].period.from))
      found = (int)i;
  return found < 0 ? 0 : p->residence.items[found].division;
}

/* An officer or supervisor acts where the registration is: the new address's county for a
 * declaration or change, the active registration's for a cancellation (read on the writer,
 * which the caller holds). */
static hk_status check_reach(hk_store *st, const hk_actor *who, hk_residence_op op,
                             const hk_residence_request *r, hk_error *err)
{
  if (who->role == HK_ROLE_RESIDENT)
    return HK_OK; /* hk_http_may_touch_person checked it is their own */
  int32_t county = r->division;
  if (op == HK_RES_CANCEL) {
    hk_person p;
    hk_person_init(&p);
    hk_status rc = hk_store_person_get(st, r->id_number, &p, err);
    county = active_division(&p);
    hk_person_clear(&p);
    if (rc != HK_OK)
      return rc;
    if (county == 0)
      return HK_OK; /* nothing to cancel: the service says so with the state */
  }
  if (!hk_actor_may_decide(who, county))
    return hk_error_set_both(err, HK_EFORBIDDEN, op == HK_RES_CANCEL ? "jurisdiction" : "division",
                             "该登记在 %06d，不在您的辖区 %06d 内",
                             "the registration is in %06d, outside jurisdiction %06d", (int)county,
                             (int)who->jurisdiction);
  return HK_OK;
}

static void residence(hk_http_req *req, hk_http_resp *resp, hk_residence_op op)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  hk_idnum id;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &id) ||
      !hk_http_may_touch_person(req, id.number, resp))
    return;
  json_t *doc = hk_http_body_object(req, resp);
  if (doc == NULL)
    return;
  hk_error err = {0};
  hk_date today = hk_http_today(req->srv);
  hk_residence_request r;
  memset(&r, 0, sizeof r);
  memcpy(r.id_number, id.number, sizeof r.id_number);
  r.declared_on = today;
  hk_status rc = read_body(doc, op, &r, &err);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_residence_result res;
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  if (st == NULL) {
    hk_http_writer_release(req->srv);
    hk_http_reply_error(resp, &err);
    return;
  }
  rc = check_reach(st, &req->actor, op, &r, &err);
  if (rc == HK_OK)
    rc = hk_residence_service(st, &req->actor, op, &r, today, &res, &err);
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *out = json_object();
  json_object_set_new(out, "outcome", json_string(hk_residence_outcome_name(res.outcome)));
  json_object_set_new(out, "late", json_boolean(res.late));
  hk_json_set_date(out, "deadline", res.deadline ? res.deadline : HK_DATE_NONE);
  hk_json_set_division(out, "previous_division", res.previous_division);
  hk_json_set_date(out, "declared_on", today);
  if (res.created)
    json_object_set_new(out, "person_created", json_true());
  if (res.late)
    json_object_set_new(out, "notice",
                        json_string("逾期申报已受理并记录 / late: accepted and recorded"));
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

void hk_h_residence_declare(hk_http_req *req, hk_http_resp *resp)
{
  residence(req, resp, HK_RES_DECLARE);
}

void hk_h_residence_change(hk_http_req *req, hk_http_resp *resp)
{
  residence(req, resp, HK_RES_CHANGE);
}

void hk_h_residence_cancel(hk_http_req *req, hk_http_resp *resp)
{
  residence(req, resp, HK_RES_CANCEL);
}
