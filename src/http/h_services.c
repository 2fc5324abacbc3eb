/* h_services.c — what the handlers of the services (h_residence.c, h_applications.c,
 * h_permits.c) share: the JSON body, the person's number in the path (or "me", a resident's
 * own; the persons routes use it too), and the first gate on whose records an actor may touch
 * at all. */
#include "http/http_int.h"

#include "core/label.h"

#include <string.h>

json_t *hk_http_body_object(hk_http_req *req, hk_http_resp *resp)
{
  if (req->body == NULL || req->body_len == 0) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "body", "缺少请求体：请发送一个 JSON 对象",
                            "missing: send a JSON object");
    return NULL;
  }
  json_error_t jerr;
  json_t *doc = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
  if (doc == NULL) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "body", "不是 JSON：%s（第 %d 行）",
                            "not JSON: %s (line %d)", jerr.text, jerr.line);
    return NULL;
  }
  if (!json_is_object(doc)) {
    json_decref(doc);
    hk_http_reply_fail_both(resp, HK_EINVAL, "body", "不是 JSON 对象", "not a JSON object");
    return NULL;
  }
  return doc;
}

bool hk_http_idnum_or_me(hk_http_req *req, const char *text, hk_date today, hk_http_resp *resp,
                         hk_idnum *out)
{
  memset(out, 0, sizeof *out);
  /* "me": the signed-in resident's own number, so that the portal never writes a full ID
   * number into a URL, where browsers keep it in their history (issue 11). */
  if (text != NULL && strcmp(text, "me") == 0) {
    const hk_actor *a = &req->actor;
    if (!req->signed_in || a->role != HK_ROLE_RESIDENT || a->id_number[0] == '\0') {
      hk_http_reply_fail_both(resp, HK_EINVAL, "id", "“me”只代表已登录居民本人的号码",
                              "\"me\" stands for a signed-in resident's own number only");
      return false;
    }
    text = a->id_number;
  }
  if (text == NULL || !hk_idnum_check(text, today, out)) {
    hk_error err = {0};
    hk_error_set(&err, HK_EINVAL, "id", "not a valid ID number (%s)",
                 hk_idnum_fault_name(out->fault));
    hk_error_set_zh(&err, "不是有效的身份证号码（%s）",
                    hk_label_zh(HK_LBL_IDNUM_FAULT, hk_idnum_fault_name(out->fault)));
    hk_http_reply_error(resp, &err);
    return false;
  }
  return true;
}

bool hk_http_param_idnum(hk_http_req *req, size_t i, hk_http_resp *resp, hk_idnum *out)
{
  return hk_http_idnum_or_me(req, i < req->n_param ? req->param[i] : NULL, hk_http_today(req->srv),
                             resp, out);
}

bool hk_http_may_touch_person(hk_http_req *req, const char *id_number, hk_http_resp *resp)
{
  const hk_actor *a = &req->actor;
  switch (a->role) {
  case HK_ROLE_RESIDENT:
    /* (九): a resident sees and acts on their own records only. */
    if (a->id_number[0] && strcmp(a->id_number, id_number) == 0)
      return true;
    hk_http_reply_fail_both(resp, HK_EFORBIDDEN, "id", "居民只能办理本人的事项",
                            "residents reach their own records only");
    return false;
  case HK_ROLE_OFFICER:
  case HK_ROLE_SUPERVISOR:
    return true; /* the services check the jurisdiction */
  default: {
    hk_error err = {0};
    hk_error_set(&err, HK_EFORBIDDEN, "role", "%s accounts have no access to a person's records",
                 hk_role_name(a->role));
    hk_error_set_zh(&err, "%s账户无权查看个人记录",
                    hk_label_zh(HK_LBL_ROLE, hk_role_name(a->role)));
    hk_http_reply_error(resp, &err);
  }
    return false;
  }
}

bool hk_http_query_only(hk_http_req *req, const char *const *allowed, hk_http_resp *resp)
{
  hk_error err = {0};
  if (hk_http_query_known(req, allowed, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return false;
  }
  return true;
}
