#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
  int http;
  const char *code;
  const char *zh;
  const char *en;
} status_table[] = {
#define HK_ERR(name, http, code, zh, en) {http, code, zh, en},
#include "core/errors.def"
#undef HK_ERR
};

hk_status hk_error_set(hk_error *err, hk_status code, const char *field, const char *fmt, ...)
{
  if (err == NULL)
    return code;
  err->code = code;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->detail, sizeof err->detail, fmt, ap);
  va_end(ap);
  err->detail_zh[0] = '\0';
  return code;
}

hk_status hk_error_set_zh(hk_error *err, const char *fmt, ...)
{
  if (err == NULL)
    return HK_EINTERNAL;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->detail_zh, sizeof err->detail_zh, fmt, ap);
  va_end(ap);
  return err->code;
}

hk_status hk_error_set_both(hk_error *err, hk_status code, const char *field, const char *zh,
                            const char *en, ...)
{
  if (err == NULL)
    return code;
  err->code = code;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  va_list ap, aq;
  va_start(ap, en);
  va_copy(aq, ap);
  vsnprintf(err->detail, sizeof err->detail, en, ap);
  vsnprintf(err->detail_zh, sizeof err->detail_zh, zh, aq);
  va_end(aq);
  va_end(ap);
  return code;
}

void hk_error_prefix(hk_error *err, const char *prefix)
{
  if (err == NULL || prefix == NULL || prefix[0] == '\0')
    return;
  char joined[2 * sizeof err->field];
  const char *sep = (err->field[0] == '\0' || err->field[0] == '[') ? "" : ".";
  snprintf(joined, sizeof joined, "%s%s%s", prefix, sep, err->field);
  /* A path longer than the field keeps its start: the outer names locate the error. */
  joined[sizeof err->field - 1] = '\0';
  memcpy(err->field, joined, sizeof err->field);
}

static int known(hk_status s)
{
  return (int)s >= 0 && s < HK_STATUS_COUNT;
}

int hk_status_http(hk_status s)
{
  return known(s) ? status_table[s].http : 500;
}

const char *hk_status_code(hk_status s)
{
  return known(s) ? status_table[s].code : "internal";
}

const char *hk_status_message(hk_status s)
{
  return known(s) ? status_table[s].zh : "内部错误";
}

const char *hk_status_message_en(hk_status s)
{
  return known(s) ? status_table[s].en : "Internal error";
}

const char *hk_error_text(const hk_error *err, char *buf, size_t size)
{
  const char *detail = err->detail[0] ? err->detail : hk_status_message_en(err->code);
  if (err->field[0])
    snprintf(buf, size, "%s: %s", err->field, detail);
  else
    snprintf(buf, size, "%s", detail);
  return buf;
}

const char *hk_error_text_zh(const hk_error *err, char *buf, size_t size)
{
  if (err->detail_zh[0] == '\0')
    return hk_error_text(err, buf, size);
  if (err->field[0])
    snprintf(buf, size, "%s: %s", err->field, err->detail_zh);
  else
    snprintf(buf, size, "%s", err->detail_zh);
  return buf;
}
