/* h_policies.c — GET /api/v1/policies/{division}?as_of=DATE: the parameters in force at a
 * Zhejiang division on a date and where each comes from, through the same library call as
 * `hukou policy show --json` (hk_policy_show). */
#include "http/http_int.h"

#include <stdio.h>

#include "core/division.h"

static void add_param(hk_param_id id, const hk_pvalue *v, const hk_param_source *src, void *cls)
{
  json_t *params = cls;
  json_t *o = json_object();
  char from[11] = "", div[12];
  if (!src->override && src->from != HK_DATE_NONE)
    hk_date_format(src->from, from);
  snprintf(div, sizeof div, "%06d", (int)src->division);
  json_object_set_new(o, "value", hk_pvalue_to_json(v));
  json_object_set_new(o, "division", json_string(div));
  json_object_set_new(o, "file", src->file ? json_string(src->file) : json_null());
  json_object_set_new(o, "from", from[0] ? json_string(from) : json_null());
  json_object_set_new(o, "source", src->source ? json_string(src->source) : json_null());
  json_object_set_new(o, "illustrative", json_boolean(src->illustrative));
  if (src->note)
    json_object_set_new(o, "note", json_string(src->note));
  json_object_set_new(params, hk_param_name(id), o);
}

void hk_h_policies_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const allowed[] = {"as_of", NULL};
  hk_error err = {0};
  int32_t code;
  hk_date as_of = hk_date_today();
  const char *q = hk_http_query(req, "as_of");
  if (hk_http_query_known(req, allowed, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  if (!hk_division_parse(req->param[0], &code)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "division", "不是六位行政区划代码",
                            "not a six-digit division code");
    return;
  }
  const hk_division *d = hk_division_find(code);
  if (d == NULL || !d->current || hk_division_province_of(code) != 330000) {
    hk_http_reply_fail_both(resp, HK_ENOTFOUND, "division",
                            "%06d 不是浙江省（33xxxx）现行的行政区划",
                            "%06d is not a current division of Zhejiang (33xxxx)", (int)code);
    return;
  }
  if (q && !hk_date_parse(q, &as_of)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "as_of", "不是日期（YYYY-MM-DD）",
                            "not a date (YYYY-MM-DD)");
    return;
  }
  char day[11], div[12];
  snprintf(div, sizeof div, "%06d", (int)code);
  json_t *params = json_object();
  hk_policy_show(req->srv->pol, code, as_of, add_param, params);
  json_t *o = json_object();
  json_object_set_new(o, "division", json_string(div));
  json_object_set_new(o, "name", json_string(d->name));
  json_object_set_new(o, "as_of", json_string(hk_date_format(as_of, day)));
  json_object_set_new(o, "parameters", params);
  hk_http_reply_json(resp, 200, o);
}
