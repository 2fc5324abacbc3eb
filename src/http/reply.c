/* reply.c — building responses: JSON documents and the one error shape of the API,
 * {"error": {"code", "message", "message_en", "field"}}, whose status and texts all come from
 * the error table (core/errors.def). */
#include "http/http_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hk_http_reply_json(hk_http_resp *resp, int status, json_t *doc)
{
  char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(doc);
  if (text == NULL) {
    /* Out of memory while answering: a fixed body that needs no allocation. */
    resp->status = 500;
    resp->error = HK_ENOMEM;
    resp->static_body = "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"内存不足\","
                        "\"message_en\":\"Out of memory\",\"field\":null}}";
    resp->content_type = "application/json; charset=utf-8";
    return;
  }
  free(resp->body);
  resp->body = text;
  resp->len = strlen(text);
  resp->status = status;
  resp->content_type = "application/json; charset=utf-8";
}

void hk_http_reply_error(hk_http_resp *resp, const hk_error *err)
{
  hk_http_reply_error_with(resp, err, NULL, NULL);
}

void hk_http_reply_error_with(hk_http_resp *resp, const hk_error *err, const char *key,
                              json_t *value)
{
  hk_status code = err->code == HK_OK ? HK_EINTERNAL : err->code;
  /* "输入不正确: person.residence[0].from: not a date": the table's text, then the field and the
   * detail. Most details are English only (the Chinese message still leads with Chinese);
   * where the callee wrote a Chinese sentence (detail_zh), the Chinese message uses it. */
  char text[1024], text_zh[1024], zh[1400], en[1400];
  const char *detail = err->detail[0] ? hk_error_text(err, text, sizeof text) : NULL;
  if (detail == NULL && err->field[0])
    detail = err->field;
  const char *detail_zh =
      err->detail_zh[0] ? hk_error_text_zh(err, text_zh, sizeof text_zh) : detail;
  snprintf(zh, sizeof zh, "%s%s%s", hk_status_message(code), detail_zh ? ": " : "",
           detail_zh ? detail_zh : "");
  snprintf(en, sizeof en, "%s%s%s", hk_status_message_en(code), detail ? ": " : "",
           detail ? detail : "");
  json_t *e = json_object();
  json_object_set_new(e, "code", json_string(hk_status_code(code)));
  json_object_set_new(e, "message", json_string(zh));
  json_object_set_new(e, "message_en", json_string(en));
  json_object_set_new(e, "field", err->field[0] ? json_string(err->field) : json_null());
  json_t *doc = json_object();
  json_object_set_new(doc, "error", e);
  /* Beside the error, what it refers to (an ineligible application: the engine's answer). */
  if (key && value)
    json_object_set_new(doc, key, value);
  else
    json_decref(value);
  hk_http_reply_json(resp, hk_status_http(code), doc);
  resp->error = code;
}

void hk_http_reply_fail(hk_http_resp *resp, hk_status code, const char *field, const char *fmt, ...)
{
  hk_error err = {0};
  err.code = code;
  snprintf(err.field, sizeof err.field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err.detail, sizeof err.detail, fmt, ap);
  va_end(ap);
  hk_http_reply_error(resp, &err);
}

void hk_http_reply_fail_both(hk_http_resp *resp, hk_status code, const char *field, const char *zh,
                             const char *en, ...)
{
  hk_error err = {0};
  err.code = code;
  snprintf(err.field, sizeof err.field, "%s", field ? field : "");
  va_list ap, aq;
  va_start(ap, en);
  va_copy(aq, ap);
  vsnprintf(err.detail, sizeof err.detail, en, ap);
  vsnprintf(err.detail_zh, sizeof err.detail_zh, zh, aq);
  va_end(aq);
  va_end(ap);
  hk_http_reply_error(resp, &err);
}
