/* h_meta.c — the server about itself: GET /healthz, GET /metrics (Prometheus text),
 * GET /api/v1/openapi.json (the document read at start). */
#include "http/http_int.h"

#include <stdlib.h>

void hk_h_meta_healthz(hk_http_req *req, hk_http_resp *resp)
{
  hk_http_server *srv = req->srv;
  /* Healthy means this worker can reach the registry, not just that a thread answered. */
  hk_error err = {0};
  hk_http_worker *w = hk_http_worker_acquire(srv);
  bool store_ok = hk_http_worker_store(srv, w, &err) != NULL;
  hk_http_worker_release(w);
  json_t *o = json_object();
  json_object_set_new(o, "status", json_string(store_ok ? "ok" : "unavailable"));
  json_object_set_new(o, "store", json_string(store_ok ? "ok" : "unavailable"));
  json_object_set_new(o, "uptime_seconds",
                      json_integer((json_int_t)(hk_http_now() - srv->started)));
  json_object_set_new(o, "in_flight", json_integer(atomic_load(&srv->in_flight)));
  hk_http_reply_json(resp, store_ok ? 200 : 503, o);
  if (!store_ok)
    resp->error = HK_ESTORE;
}

void hk_h_meta_metrics(hk_http_req *req, hk_http_resp *resp)
{
  size_t len = 0;
  char *text = hk_http_metrics_render(&req->srv->metrics, atomic_load(&req->srv->in_flight),
                                      hk_http_deadline_cut(req->srv->deadline), &len);
  if (text == NULL) {
    hk_http_reply_fail_both(resp, HK_ENOMEM, NULL, "内存不足", "out of memory");
    return;
  }
  resp->status = 200;
  resp->body = text;
  resp->len = len;
  resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

void hk_h_meta_openapi(hk_http_req *req, hk_http_resp *resp)
{
  resp->status = 200;
  resp->static_body = req->srv->openapi; /* lives as long as the server */
  resp->content_type = "application/json; charset=utf-8";
}
