/* h_eligibility.c — POST /api/v1/eligibility: the eligibility contract over HTTP. The caller
 * supplies the facts (a situation) and nothing is stored, so it is open without an account;
 * server.c rate-limits it per client address. The answer is exactly `hukou eval FILE`'s. */
#include "http/http_int.h"

#include <string.h>

void hk_http_answer_situation(hk_http_server *srv, hk_http_worker *w, hk_http_resp *resp)
{
  hk_error err = {0};
  if (hk_policy_eval(srv->pol, &w->sit, w->answer, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  json_t *doc = hk_answer_to_json(w->answer);
  if (doc == NULL) {
    hk_http_reply_fail_both(resp, HK_ENOMEM, NULL, "内存不足", "out of memory");
    return;
  }
  hk_http_reply_json(resp, 200, doc);
}

void hk_h_eligibility_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  hk_error err = {0};
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  if (req->body == NULL || req->body_len == 0) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "body", "缺少请求体：请以 JSON 发送情况",
                            "missing: send a situation as JSON");
    return;
  }
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  if (hk_situation_parse(req->body, req->body_len, hk_date_today(), &w->sit, &err) != HK_OK) {
    /* Errors about the document as a whole (not JSON, not an object) name the body. */
    if (err.field[0] == '\0')
      strcpy(err.field, "body");
    hk_http_reply_error(resp, &err);
  } else {
    hk_http_answer_situation(req->srv, w, resp);
  }
  hk_http_worker_release(w);
}
