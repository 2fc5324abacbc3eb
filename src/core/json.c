#include "core/json.h"

#include <stdio.h>
#include <string.h>

#include "core/division.h"

hk_status hk_json_known_keys(const json_t *obj, const char *const *allowed, hk_error *err)
{
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)obj, key, value)
  {
    (void)value;
    bool found = false;
    for (const char *const *a = allowed; *a; a++)
      if (strcmp(*a, key) == 0) {
        found = true;
        break;
      }
    if (!found)
      return hk_error_set_both(err, HK_EINVAL, key, "不认识的字段", "unknown field");
  }
  return HK_OK;
}

/* The value of key, or NULL when missing or JSON null. */
static json_t *get(const json_t *obj, const char *key)
{
  json_t *v = json_object_get(obj, key);
  return json_is_null(v) ? NULL : v;
}

static hk_status missing(const char *key, hk_json_need need, hk_error *err)
{
  return need == HK_JSON_OPTIONAL ? HK_OK
                                  : hk_error_set_both(err, HK_EINVAL, key, "缺少此项", "missing");
}

hk_status hk_json_date(const json_t *obj, const char *key, hk_json_need need, hk_date *out,
                       hk_error *err)
{
  json_t *v = get(obj, key);
  *out = HK_DATE_NONE;
  if (v == NULL)
    return missing(key, need, err);
  if (!json_is_string(v) || !hk_date_parse(json_string_value(v), out))
    return hk_error_set_both(err, HK_EINVAL, key, "不是日期（YYYY-MM-DD）",
                             "not a date (YYYY-MM-DD)");
  return HK_OK;
}

hk_status hk_json_month(const json_t *obj, const char *key, hk_json_need need, hk_month *out,
                        hk_error *err)
{
  json_t *v = get(obj, key);
  *out = HK_MONTH_NONE;
  if (v == NULL)
    return missing(key, need, err);
  if (!json_is_string(v) || !hk_month_parse(json_string_value(v), out))
    return hk_error_set_both(err, HK_EINVAL, key, "不是月份（YYYY-MM）", "not a month (YYYY-MM)");
  return HK_OK;
}

hk_status hk_json_division(const json_t *obj, const char *key, hk_json_need need,
                           bool must_be_known, int32_t *out, hk_error *err)
{
  json_t *v = get(obj, key);
  *out = 0;
  if (v == NULL)
    return missing(key, need, err);
  if (!json_is_string(v) || !hk_division_parse(json_string_value(v), out))
    return hk_error_set_both(err, HK_EINVAL, key, "不是六位行政区划代码",
                             "not a 6-digit division code");
  if (must_be_known && hk_division_find(*out) == NULL)
    return hk_error_set_both(err, HK_EINVAL, key, "未知的行政区划 %06d", "unknown division %06d",
                             (int)*out);
  return HK_OK;
}

hk_status hk_json_bool(const json_t *obj, const char *key, hk_json_need need, bool fallback,
                       bool *out, hk_error *err)
{
  json_t *v = get(obj, key);
  *out = fallback;
  if (v == NULL)
    return missing(key, need, err);
  if (!json_is_boolean(v))
    return hk_error_set_both(err, HK_EINVAL, key, "须为 true 或 false", "not true or false");
  *out = json_is_true(v);
  return HK_OK;
}

hk_status hk_json_int(const json_t *obj, const char *key, hk_json_need need, int64_t min,
                      int64_t max, int64_t fallback, int64_t *out, hk_error *err)
{
  json_t *v = get(obj, key);
  *out = fallback;
  if (v == NULL)
    return missing(key, need, err);
  if (!json_is_integer(v))
    return hk_error_set_both(err, HK_EINVAL, key, "不是整数", "not an integer");
  json_int_t i = json_integer_value(v);
  if (i < min || i > max)
    return hk_error_set_both(err, HK_EINVAL, key, "超出范围 [%lld, %lld]",
                             "out of range [%lld, %lld]", (long long)min, (long long)max);
  *out = i;
  return HK_OK;
}

hk_status hk_json_string(const json_t *obj, const char *key, hk_json_need need, size_t max_len,
                         const char **out, hk_error *err)
{
  json_t *v = get(obj, key);
  *out = NULL;
  if (v == NULL)
    return missing(key, need, err);
  if (!json_is_string(v))
    return hk_error_set_both(err, HK_EINVAL, key, "不是字符串", "not a string");
  if (json_string_length(v) > max_len)
    return hk_error_set_both(err, HK_ETOOBIG, key, "超过 %zu 字节", "longer than %zu bytes",
                             max_len);
  if (strlen(json_string_value(v)) != json_string_length(v))
    return hk_error_set_both(err, HK_EINVAL, key, "含有 NUL 字符", "contains a NUL character");
  *out = json_string_value(v);
  return HK_OK;
}

hk_status hk_json_array(const json_t *obj, const char *key, hk_json_need need, json_t **out,
                        hk_error *err)
{
  json_t *v = get(obj, key);
  *out = NULL;
  if (v == NULL)
    return missing(key, need, err);
  if (!json_is_array(v))
    return hk_error_set_both(err, HK_EINVAL, key, "不是列表", "not a list");
  *out = v;
  return HK_OK;
}

hk_status hk_json_object(const json_t *obj, const char *key, hk_json_need need, json_t **out,
                         hk_error *err)
{
  json_t *v = get(obj, key);
  *out = NULL;
  if (v == NULL)
    return missing(key, need, err);
  if (!json_is_object(v))
    return hk_error_set_both(err, HK_EINVAL, key, "不是对象", "not an object");
  *out = v;
  return HK_OK;
}

int hk_json_set_date(json_t *obj, const char *key, hk_date d)
{
  char buf[11];
  if (d == HK_DATE_NONE || d == HK_DATE_OPEN)
    return json_object_set_new(obj, key, json_null());
  return json_object_set_new(obj, key, json_string(hk_date_format(d, buf)));
}

int hk_json_set_month(json_t *obj, const char *key, hk_month m)
{
  char buf[8];
  if (m == HK_MONTH_NONE || m == HK_MONTH_OPEN)
    return json_object_set_new(obj, key, json_null());
  return json_object_set_new(obj, key, json_string(hk_month_format(m, buf)));
}

int hk_json_set_division(json_t *obj, const char *key, int32_t code)
{
  char buf[12];
  if (code == 0)
    return json_object_set_new(obj, key, json_null());
  snprintf(buf, sizeof buf, "%06d", (int)code);
  return json_object_set_new(obj, key, json_string(buf));
}

/* {"code", "name"} of the division of this type with this code, or null when there is none. */
static json_t *division_ref(int32_t code, hk_division_type type)
{
  const hk_division *d = code != 0 ? hk_division_find(code) : NULL;
  if (d == NULL || d->type != type)
    return json_null();
  json_t *o = json_object();
  hk_json_set_division(o, "code", d->code);
  json_object_set_new(o, "name", json_string(d->name));
  return o;
}

json_t *hk_json_division_object(const hk_division *d)
{
  json_t *o = json_object();
  hk_json_set_division(o, "code", d->code);
  json_object_set_new(o, "name", json_string(d->name));
  json_object_set_new(o, "type", json_string(hk_division_type_name(d->type)));
  json_object_set_new(o, "current", json_boolean(d->current));
  hk_json_set_division(o, "parent", d->parent);
  json_object_set_new(o, "city", division_ref(hk_division_city_of(d->code), HK_DIV_CITY));
  json_object_set_new(o, "province",
                      division_ref(hk_division_province_of(d->code), HK_DIV_PROVINCE));
  return o;
}
