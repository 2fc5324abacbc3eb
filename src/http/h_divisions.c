/* h_divisions.c — GET /api/v1/divisions/{code}: one GB/T 2260 division, current or historical,
 * in the shape `hukou division show` prints. */
#include "http/http_int.h"

#include "core/division.h"
#include "core/json.h"

void hk_h_divisions_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  hk_error err = {0};
  int32_t code;
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  if (!hk_division_parse(req->param[0], &code)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "code", "不是六位行政区划代码",
                            "not a six-digit division code");
    return;
  }
  const hk_division *d = hk_division_find(code);
  if (d == NULL) {
    hk_http_reply_fail_both(resp, HK_ENOTFOUND, "code", "%06d 不是已知的行政区划代码",
                            "%06d is not a known division code", (int)code);
    return;
  }
  json_t *o = hk_json_division_object(d);
  hk_http_reply_json(resp, 200, o);
}
