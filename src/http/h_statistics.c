/* h_statistics.c — GET /api/v1/statistics?area=CODE: an area's registered, resident and floating
 * population by part (clause (十二)), the same report as `hukou stats summary --json`
 * (service/stats_report.h). Aggregates only: analysts for any area, officers and supervisors
 * inside their jurisdiction; residents, departments and admins have no use for them. The store
 * keeps the figures until the next event; when they are stale the first request counts them
 * again, one request at a time (srv->stats_mu) on a connection of its own: concurrent callers
 * wait for that count rather than each starting their own, and no worker's person reads wait
 * behind it. */
#include "http/http_int.h"

#include "core/division.h"
#include "service/actor.h"
#include "service/stats_report.h"
#include "store/stats.h"

void hk_h_statistics_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const allowed[] = {"area", NULL};
  hk_error err = {0};
  const char *q = hk_http_query(req, "area");
  if (!hk_http_require_role(req, resp,
                            HK_ROLE_BIT(HK_ROLE_ANALYST) | HK_ROLE_BIT(HK_ROLE_OFFICER) |
                                HK_ROLE_BIT(HK_ROLE_SUPERVISOR)))
    return;
  if (hk_http_query_known(req, allowed, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  /* By default an analyst sees the province, an officer or supervisor their jurisdiction. */
  bool analyst = req->actor.role == HK_ROLE_ANALYST;
  int32_t area = analyst ? 330000 : req->actor.jurisdiction;
  if (q != NULL && !hk_division_parse(q, &area)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "area", "不是六位行政区划代码",
                            "not a six-digit division code");
    return;
  }
  if (hk_stats_area_check(area, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  if (!analyst && !hk_actor_may_decide(&req->actor, area)) {
    hk_http_reply_fail_both(resp, HK_EFORBIDDEN, "area", "%06d 不在您的辖区内",
                            "%06d is outside your jurisdiction", (int)area);
    return;
  }
  /* A connection of its own, so that a long count holds up no worker's reads. */
  hk_http_server *srv = req->srv;
  hk_stats_summary s = {0};
  hk_status rc = HK_OK;
  pthread_mutex_lock(&srv->stats_mu);
  if (srv->stats_st == NULL)
    rc = hk_store_open(srv->cfg.db_path, HK_STORE_READONLY, &srv->stats_st, &err);
  if (rc == HK_OK)
    rc = hk_stats_summary_get(srv->stats_st, false, &s, &err);
  pthread_mutex_unlock(&srv->stats_mu);
  json_t *report = NULL;
  if (rc == HK_OK)
    rc = hk_stats_report(&s, area, &report, &err);
  hk_stats_summary_free(&s);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_reply_json(resp, 200, report);
}
