/* h_search.c — search and lists for officers and supervisors (issue 10; search.h):
 *   POST /api/v1/persons/search     {id_number?, name?, address?, area?, limit?, after?}
 *   POST /api/v1/households/search  {number?, address?, head?, area?, limit?, after?}
 *   GET  /api/v1/residence?area=&active=&limit=&after=   residence registrations (一)
 * Inside the caller's jurisdiction only; everyone else 403. A full ID number travels only in a
 * POST body, never in a URL (it would land in proxies' and browsers' histories). Each search is
 * an access-log entry of the searcher with what was searched (ID numbers masked), and every
 * person an answer shows is logged as read (九). */
#include "http/http_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/division.h"
#include "service/search.h"

static const unsigned officers = HK_ROLE_BIT(HK_ROLE_OFFICER) | HK_ROLE_BIT(HK_ROLE_SUPERVISOR);

typedef struct seen_ctx {
  hk_http_req *req;
  const char *endpoint;
} seen_ctx;

static void seen(const char *id_number, void *cls)
{
  seen_ctx *c = cls;
  hk_http_access_record(c->req, id_number, c->endpoint);
}

static void search(hk_http_req *req, hk_http_resp *resp, bool households)
{
  static const char *const none[] = {NULL};
  const char *endpoint =
      households ? "POST /api/v1/households/search" : "POST /api/v1/persons/search";
  resp->no_store = true;
  if (!hk_http_query_only(req, none, resp) || !hk_http_require_role(req, resp, officers))
    return;
  json_t *doc = hk_http_body_object(req, resp);
  if (doc == NULL)
    return;
  hk_error err = {0};
  hk_search_request r;
  hk_status rc = hk_search_request_read(doc, households, hk_http_today(req->srv), &r, &err);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *out = NULL;
  seen_ctx ctx = {req, endpoint};
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  if (st == NULL)
    rc = err.code;
  else if (households)
    rc = hk_search_households(st, &req->actor, &r, seen, &ctx, &out, &err);
  else
    rc = hk_search_persons(st, &req->actor, &r, seen, &ctx, &out, &err);
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    json_decref(out);
    hk_http_reply_error(resp, &err);
    return;
  }
  char what[160];
  hk_search_describe(&r, what, sizeof what);
  hk_http_access_search(req, what, endpoint);
  sodium_memzero(&r, sizeof r);
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

void hk_h_persons_search(hk_http_req *req, hk_http_resp *resp)
{
  search(req, resp, false);
}

void hk_h_households_search(hk_http_req *req, hk_http_resp *resp)
{
  search(req, resp, true);
}

void hk_h_residence_list(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const allowed[] = {"area", "active", "limit", "after", NULL};
  resp->no_store = true;
  if (!hk_http_query_only(req, allowed, resp) || !hk_http_require_role(req, resp, officers))
    return;
  const char *area_s = hk_http_query(req, "area"), *active_s = hk_http_query(req, "active");
  const char *limit_s = hk_http_query(req, "limit"), *after = hk_http_query(req, "after");
  int32_t area = 0;
  int active = -1;
  uint32_t limit = HK_RESIDENCE_LIST_DEFAULT;
  if (area_s && (!hk_division_parse(area_s, &area) || hk_division_find(area) == NULL)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "area", "不是行政区划代码", "not a division code");
    return;
  }
  if (active_s) {
    if (strcmp(active_s, "true") != 0 && strcmp(active_s, "false") != 0) {
      hk_http_reply_fail_both(resp, HK_EINVAL, "active", "须为 true 或 false", "true or false");
      return;
    }
    active = active_s[0] == 't';
  }
  if (limit_s) {
    char *end;
    errno = 0;
    long v = strtol(limit_s, &end, 10);
    if (limit_s[0] < '0' || limit_s[0] > '9' || *end || errno || v < 1 ||
        v > HK_RESIDENCE_LIST_MAX) {
      hk_http_reply_fail_both(resp, HK_EINVAL, "limit", "须为 1 至 %d 之间的数字",
                              "a number from 1 to %d", HK_RESIDENCE_LIST_MAX);
      return;
    }
    limit = (uint32_t)v;
  }
  hk_error err = {0};
  json_t *out = NULL;
  seen_ctx ctx = {req, "GET /api/v1/residence"};
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc =
      st ? hk_residence_list(st, &req->actor, area, active, after, limit, seen, &ctx, &out, &err)
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
