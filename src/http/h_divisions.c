/* h_divisions.c — GET /api/v1/divisions/{code}: one GB/T 2260 division, current or historical,
 * in the shape `hukou division show` prints. */
#include "http/http_int.h"

#include <stdio.h>

#include "core/division.h"

/* Codes are six-digit strings everywhere in the project's JSON: identifiers, not numbers. */
static json_t *code_json(int32_t code)
{
  char text[16];
  snprintf(text, sizeof text, "%06d", (int)code);
  return json_string(text);
}

/* {"code", "name"} of the division of this type, or null when there is none (a province has
 * no city; a county directly under its province has none either). */
static json_t *ref_json(int32_t code, hk_division_type type)
{
  const hk_division *d = code != 0 ? hk_division_find(code) : NULL;
  if (d == NULL || d->type != type)
    return json_null();
  json_t *o = json_object();
  json_object_set_new(o, "code", code_json(d->code));
  json_object_set_new(o, "name", json_string(d->name));
  return o;
}

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
    hk_http_reply_fail(resp, HK_EINVAL, "code", "not a six-digit division code");
    return;
  }
  const hk_division *d = hk_division_find(code);
  if (d == NULL) {
    hk_http_reply_fail(resp, HK_ENOTFOUND, "code", "%06d is not a known division code", (int)code);
    return;
  }
  json_t *o = json_object();
  json_object_set_new(o, "code", code_json(d->code));
  json_object_set_new(o, "name", json_string(d->name));
  json_object_set_new(o, "type", json_string(hk_division_type_name(d->type)));
  json_object_set_new(o, "current", json_boolean(d->current));
  json_object_set_new(o, "parent", d->parent != 0 ? code_json(d->parent) : json_null());
  json_object_set_new(o, "city", ref_json(hk_division_city_of(d->code), HK_DIV_CITY));
  json_object_set_new(o, "province", ref_json(hk_division_province_of(d->code), HK_DIV_PROVINCE));
  hk_http_reply_json(resp, 200, o);
}
