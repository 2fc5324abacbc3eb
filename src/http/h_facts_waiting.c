/* h_facts_waiting.c — the officer's worklist of declarations (issue 10/11; facts.h):
 *   GET /api/v1/facts?state=declared&area=&kind=&limit=&after=   declared entries in force of
 *                                                                the jurisdiction, oldest first
 *   GET /api/v1/facts/{entry}                                    one entry, with the person's
 *                                                                full ID number
 * Officers and supervisors only, inside their jurisdiction (九). The list shows masked numbers;
 * every person it shows, and the person of the entry read, is an access-log entry. The entry
 * number, never an ID number, is what travels in these URLs. */
#include "http/http_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "service/facts.h"

static const unsigned officers = HK_ROLE_BIT(HK_ROLE_OFFICER) | HK_ROLE_BIT(HK_ROLE_SUPERVISOR);

/* A decimal number in [min, max], digits only. */
static bool number_in(const char *s, long long min, long long max, long long *out)
{
  if (s[0] < '0' || s[0] > '9')
    return false;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (*end || errno || v < min || v > max)
    return false;
  *out = v;
  return true;
}

typedef struct seen_ctx {
  hk_http_req *req;
} seen_ctx;

static void seen(const char *id_number, void *cls)
{
  seen_ctx *c = cls;
  hk_http_access_record(c->req, id_number, "GET /api/v1/facts");
}

void hk_h_facts_waiting(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const allowed[] = {"state", "area", "kind", "limit", "after", NULL};
  resp->no_store = true;
  if (!hk_http_query_only(req, allowed, resp) || !hk_http_require_role(req, resp, officers))
    return;
  const char *state = hk_http_query(req, "state"), *area_s = hk_http_query(req, "area");
  const char *kind_s = hk_http_query(req, "kind"), *limit_s = hk_http_query(req, "limit");
  const char *after_s = hk_http_query(req, "after");
  int32_t area = 0;
  hk_fact_kind kind = HK_FACT_NONE;
  long long limit = HK_FACTS_WAITING_DEFAULT, after = 0;
  /* Only what waits for verification is listed; the parameter names it, so that other states
     can come later without changing what this one means. */
  if (state && strcmp(state, "declared") != 0) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "state", "须为 declared（等待核实的申报）",
                            "declared (awaiting verification)");
    return;
  }
  if (area_s && (!hk_division_parse(area_s, &area) || hk_division_find(area) == NULL)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "area", "不是行政区划代码", "not a division code");
    return;
  }
  if (kind_s && (kind = hk_fact_kind_from(kind_s)) == HK_FACT_NONE) {
    hk_http_reply_fail_both(
        resp, HK_EINVAL, "kind",
        "须为以下之一：housing（住房）、employment（就业）、schooling（就学）、social_"
        "insurance（社会保险）、talent（人才认定）、education（学历）、marital_"
        "status（婚姻状况）、kinship（亲属关系）",
        "one of housing, employment, schooling, social_insurance, talent, "
        "education, marital_status, kinship");
    return;
  }
  if (limit_s && !number_in(limit_s, 1, HK_FACTS_WAITING_MAX, &limit)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "limit", "须为 1 至 %d 之间的数字",
                            "a number from 1 to %d", HK_FACTS_WAITING_MAX);
    return;
  }
  if (after_s && !number_in(after_s, 1, INT64_MAX, &after)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "after", "须为上一页答复中的 next",
                            "the next of a previous page");
    return;
  }
  hk_error err = {0};
  json_t *out = NULL;
  seen_ctx ctx = {req};
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc = st ? hk_facts_waiting(st, &req->actor, area, kind, after, (uint32_t)limit, seen,
                                       &ctx, &out, &err)
                    : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    json_decref(out);
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

void hk_h_facts_entry(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  if (!hk_http_query_only(req, none, resp) || !hk_http_require_role(req, resp, officers))
    return;
  long long entry;
  if (!number_in(req->param[0], 1, INT64_MAX, &entry)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "entry", "不是记录编号", "not an entry number");
    return;
  }
  hk_error err = {0};
  json_t *out = NULL;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc = st ? hk_facts_entry(st, &req->actor, entry, &out, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  const char *id_number =
      json_string_value(json_object_get(json_object_get(out, "person"), "id_number"));
  hk_http_access_record(req, id_number, "GET /api/v1/facts/{entry}");
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}
