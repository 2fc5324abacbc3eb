#include "core/person_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/division.h"
#include "core/label.h"
#include "core/json.h"
#include "core/utf8.h"

/* Reading uses cJSON: on the import path it builds a person's tree four times faster than
 * jansson does (2.5 against 10.8 microseconds a line, docs/benchmarks.md), and a bulk import
 * parses tens of millions of lines. Writing stays on jansson like every other output. */

typedef enum need { REQUIRED, OPTIONAL } need;

/* Map the members of obj onto slots by the position of their key in keys (NULL-terminated,
 * at most 32). JSON null counts as absent. An unknown or repeated key is an error. */
static hk_status bind(const cJSON *obj, const char *const *keys, const cJSON **slots, hk_error *err)
{
  int n = 0;
  while (keys[n])
    n++;
  memset(slots, 0, (size_t)n * sizeof *slots); /* NOLINT(bugprone-sizeof-expression) */
  uint32_t seen = 0;
  for (const cJSON *c = obj->child; c; c = c->next) {
    int k = 0;
    while (k < n && strcmp(keys[k], c->string) != 0)
      k++;
    if (k == n)
      return hk_error_set_both(err, HK_EINVAL, c->string, "不认识的字段", "unknown field");
    if (seen & (1u << k))
      return hk_error_set_both(err, HK_EINVAL, c->string, "重复出现", "appears twice");
    seen |= 1u << k;
    if (!cJSON_IsNull(c))
      slots[k] = c;
  }
  return HK_OK;
}

static hk_status absent(const char *key, need nd, hk_error *err)
{
  return nd == OPTIONAL ? HK_OK : hk_error_set_both(err, HK_EINVAL, key, "缺少此项", "missing");
}

static hk_status rd_string(const cJSON *v, const char *key, need nd, size_t max, const char **out,
                           hk_error *err)
{
  *out = NULL;
  if (v == NULL)
    return absent(key, nd, err);
  if (!cJSON_IsString(v))
    return hk_error_set_both(err, HK_EINVAL, key, "不是字符串", "not a string");
  if (strlen(v->valuestring) > max)
    return hk_error_set_both(err, HK_ETOOBIG, key, "超过 %zu 字节", "longer than %zu bytes", max);
  *out = v->valuestring;
  return HK_OK;
}

static hk_status rd_date(const cJSON *v, const char *key, need nd, hk_date *out, hk_error *err)
{
  *out = HK_DATE_NONE;
  if (v == NULL)
    return absent(key, nd, err);
  if (!cJSON_IsString(v) || !hk_date_parse(v->valuestring, out))
    return hk_error_set_both(err, HK_EINVAL, key, "不是日期（YYYY-MM-DD）",
                             "not a date (YYYY-MM-DD)");
  return HK_OK;
}

static hk_status rd_month(const cJSON *v, const char *key, need nd, hk_month *out, hk_error *err)
{
  *out = HK_MONTH_NONE;
  if (v == NULL)
    return absent(key, nd, err);
  if (!cJSON_IsString(v) || !hk_month_parse(v->valuestring, out))
    return hk_error_set_both(err, HK_EINVAL, key, "不是月份（YYYY-MM）", "not a month (YYYY-MM)");
  return HK_OK;
}

/* A division code that must be in the tables (current or historical). */
static hk_status rd_division(const cJSON *v, const char *key, int32_t *out, hk_error *err)
{
  *out = 0;
  if (v == NULL)
    return absent(key, REQUIRED, err);
  if (!cJSON_IsString(v) || !hk_division_parse(v->valuestring, out))
    return hk_error_set_both(err, HK_EINVAL, key, "不是六位行政区划代码",
                             "not a 6-digit division code");
  if (hk_division_find(*out) == NULL)
    return hk_error_set_both(err, HK_EINVAL, key, "未知的行政区划 %06d", "unknown division %06d",
                             (int)*out);
  return HK_OK;
}

static hk_status rd_bool(const cJSON *v, const char *key, bool fallback, bool *out, hk_error *err)
{
  *out = fallback;
  if (v == NULL)
    return HK_OK;
  if (!cJSON_IsBool(v))
    return hk_error_set_both(err, HK_EINVAL, key, "须为 true 或 false", "not true or false");
  *out = cJSON_IsTrue(v);
  return HK_OK;
}

static hk_status rd_tri(const cJSON *v, const char *key, hk_tri *out, hk_error *err)
{
  *out = HK_TRI_UNSET;
  if (v == NULL)
    return HK_OK;
  if (!cJSON_IsBool(v))
    return hk_error_set_both(err, HK_EINVAL, key, "须为 true 或 false", "not true or false");
  *out = cJSON_IsTrue(v) ? HK_TRI_TRUE : HK_TRI_FALSE;
  return HK_OK;
}

static hk_status rd_int(const cJSON *v, const char *key, int32_t max, int32_t *out, hk_error *err)
{
  *out = 0;
  if (v == NULL)
    return HK_OK;
  if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
    return hk_error_set_both(err, HK_EINVAL, key, "不是整数", "not an integer");
  if (v->valuedouble < 0 || v->valuedouble > max)
    return hk_error_set_both(err, HK_EINVAL, key, "超出范围 [0, %d]", "out of range [0, %d]",
                             (int)max);
  *out = (int32_t)v->valuedouble;
  return HK_OK;
}

/* An enum value given by name. */
static hk_status rd_enum(const cJSON *v, const char *key, need nd, int (*from)(const char *),
                         int *out, hk_error *err)
{
  const char *s;
  *out = 0;
  hk_status rc = rd_string(v, key, nd, 64, &s, err);
  if (rc != HK_OK || s == NULL)
    return rc;
  *out = from(s);
  if (*out == 0)
    return hk_error_set_both(err, HK_EINVAL, key, "不认识的值“%s”", "unknown value \"%s\"", s);
  return HK_OK;
}

#define ENUM_READER(stem)                                                                          \
  static int stem##_from(const char *s)                                                            \
  {                                                                                                \
    return (int)hk_##stem##_from(s);                                                               \
  }
ENUM_READER(marital)
ENUM_READER(education)
ENUM_READER(household_kind)
ENUM_READER(household_owner)
ENUM_READER(housing_kind)
ENUM_READER(talent_category)
ENUM_READER(relation)

/* A period from its "from" (required) and "to" (a date, or null / missing while ongoing). */
static hk_status rd_period(const cJSON *from, const cJSON *to, hk_period *p, hk_error *err)
{
  hk_status rc = rd_date(from, "from", REQUIRED, &p->from, err);
  if (rc == HK_OK)
    rc = rd_date(to, "to", OPTIONAL, &p->to, err);
  if (rc != HK_OK)
    return rc;
  if (p->to == HK_DATE_NONE)
    p->to = HK_DATE_OPEN;
  if (!hk_period_valid(*p))
    return hk_error_set_both(err, HK_EINVAL, "to", "结束早于开始", "ends before it starts");
  return HK_OK;
}

/* Each list entry reader: obj is the entry (an object), slot a zeroed item. */
/* The person whose residence list is being read: addresses go into their text. */
static _Thread_local hk_person *reading;

static hk_status read_residence(const cJSON *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division",    "urban", "from",  "to", "address",
                                     "declared_on", "late",  "ended", NULL};
  const cJSON *f[8];
  hk_residence *r = slot;
  const char *address = NULL, *ended = NULL;
  hk_status rc = bind(obj, keys, f, err);
  if (rc == HK_OK)
    rc = rd_division(f[0], "division", &r->division, err);
  if (rc == HK_OK)
    rc = rd_tri(f[1], "urban", &r->urban, err);
  if (rc == HK_OK)
    rc = rd_period(f[2], f[3], &r->period, err);
  if (rc == HK_OK)
    rc = rd_string(f[4], "address", OPTIONAL, HK_ADDRESS_MAX, &address, err);
  if (rc == HK_OK && address) {
    if (address[0] == '\0' || !hk_utf8_valid(address, strlen(address)))
      return hk_error_set_both(err, HK_EINVAL, "address", "为空或不是 UTF-8 文字",
                               "empty or not UTF-8");
    if ((r->address = hk_person_text_add(reading, address)) == 0)
      return hk_error_set_both(err, HK_ENOMEM, "address", "内存不足", "out of memory");
  }
  if (rc == HK_OK)
    rc = rd_date(f[5], "declared_on", OPTIONAL, &r->declared_on, err);
  if (rc == HK_OK && r->declared_on == HK_DATE_NONE)
    r->declared_on = 0;
  else if (rc == HK_OK && (r->declared_on <= 0 || r->declared_on < r->period.from))
    return hk_error_set_both(err, HK_EINVAL, "declared_on", "早于居住开始的日期",
                             "before the residence began");
  if (rc == HK_OK)
    rc = rd_bool(f[6], "late", false, &r->late, err);
  if (rc == HK_OK)
    rc = rd_string(f[7], "ended", OPTIONAL, 16, &ended, err);
  if (rc == HK_OK && ended) {
    r->ended = (uint8_t)hk_residence_end_from(ended);
    if (r->ended == HK_RES_END_NONE)
      return hk_error_set_both(err, HK_EINVAL, "ended", "不认识的值“%s”", "unknown value \"%s\"",
                               ended);
    if (r->period.to == HK_DATE_OPEN)
      return hk_error_set_both(err, HK_EINVAL, "ended", "仍在进行的登记没有结束",
                               "an ongoing registration has not ended");
  }
  return rc;
}

static hk_status read_housing(const cJSON *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division", "urban", "kind", "legal", "from", "to", NULL};
  const cJSON *f[6];
  hk_housing *h = slot;
  int kind = 0;
  hk_status rc = bind(obj, keys, f, err);
  if (rc == HK_OK)
    rc = rd_division(f[0], "division", &h->division, err);
  if (rc == HK_OK)
    rc = rd_tri(f[1], "urban", &h->urban, err);
  if (rc == HK_OK)
    rc = rd_enum(f[2], "kind", REQUIRED, housing_kind_from, &kind, err);
  h->kind = (hk_housing_kind)kind;
  if (rc == HK_OK)
    rc = rd_bool(f[3], "legal", true, &h->legal, err);
  if (rc == HK_OK)
    rc = rd_period(f[4], f[5], &h->period, err);
  return rc;
}

static hk_status read_employment(const cJSON *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division", "collective_household", "from", "to", NULL};
  const cJSON *f[4];
  hk_employment *e = slot;
  hk_status rc = bind(obj, keys, f, err);
  if (rc == HK_OK)
    rc = rd_division(f[0], "division", &e->division, err);
  if (rc == HK_OK)
    rc = rd_bool(f[1], "collective_household", false, &e->collective_household, err);
  if (rc == HK_OK)
    rc = rd_period(f[2], f[3], &e->period, err);
  return rc;
}

static hk_status read_schooling(const cJSON *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division", "from", "to", NULL};
  const cJSON *f[3];
  hk_schooling *s = slot;
  hk_status rc = bind(obj, keys, f, err);
  if (rc == HK_OK)
    rc = rd_division(f[0], "division", &s->division, err);
  if (rc == HK_OK)
    rc = rd_period(f[1], f[2], &s->period, err);
  return rc;
}

static hk_status read_insurance(const cJSON *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"city", "from", "to", "pension_transferred", NULL};
  const cJSON *f[4];
  hk_insurance *s = slot;
  hk_status rc = bind(obj, keys, f, err);
  if (rc == HK_OK)
    rc = rd_division(f[0], "city", &s->city, err);
  if (rc == HK_OK && s->city % 100 != 0)
    rc = hk_error_set_both(err, HK_EINVAL, "city", "不是市级代码（以 00 结尾）",
                           "not a city code (ends in 00)");
  if (rc == HK_OK)
    rc = rd_month(f[1], "from", REQUIRED, &s->months.from, err);
  if (rc == HK_OK)
    rc = rd_month(f[2], "to", OPTIONAL, &s->months.to, err);
  if (rc != HK_OK)
    return rc;
  if (s->months.to == HK_MONTH_NONE)
    s->months.to = HK_MONTH_OPEN;
  else if (s->months.to < s->months.from)
    return hk_error_set_both(err, HK_EINVAL, "to", "结束早于开始", "ends before it starts");
  return rd_bool(f[3], "pension_transferred", false, &s->pension_transferred, err);
}

static hk_status read_permit(const cJSON *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"division", "from", "to", NULL};
  const cJSON *f[3];
  hk_permit *p = slot;
  hk_status rc = bind(obj, keys, f, err);
  if (rc == HK_OK)
    rc = rd_division(f[0], "division", &p->division, err);
  if (rc == HK_OK)
    rc = rd_period(f[1], f[2], &p->period, err);
  return rc;
}

static hk_status read_talent(const cJSON *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"category", "division", "recognised", NULL};
  const cJSON *f[3];
  hk_talent *t = slot;
  int category = 0;
  hk_status rc = bind(obj, keys, f, err);
  if (rc == HK_OK)
    rc = rd_enum(f[0], "category", REQUIRED, talent_category_from, &category, err);
  if (rc == HK_OK && category == HK_TALENT_NONE)
    rc = hk_error_set_both(err, HK_EINVAL, "category", "“none”不是人才类别",
                           "\"none\" is not a talent category");
  t->category = (hk_talent_category)category;
  if (rc == HK_OK)
    rc = rd_division(f[1], "division", &t->division, err);
  if (rc == HK_OK)
    rc = rd_date(f[2], "recognised", OPTIONAL, &t->recognised, err);
  return rc;
}

static hk_status read_link(const cJSON *obj, void *slot, hk_error *err)
{
  static const char *const keys[] = {"relation", "id_number", NULL};
  const cJSON *f[2];
  hk_relative_link *l = slot;
  int relation = 0;
  const char *id;
  hk_status rc = bind(obj, keys, f, err);
  if (rc == HK_OK)
    rc = rd_enum(f[0], "relation", REQUIRED, relation_from, &relation, err);
  l->relation = (hk_relation)relation;
  if (rc == HK_OK)
    rc = rd_string(f[1], "id_number", REQUIRED, HK_IDNUM_INPUT_MAX, &id, err);
  if (rc != HK_OK)
    return rc;
  /* Links point at other lines' normalised numbers; the store resolves them. */
  if (!hk_idnum_valid18(id))
    return hk_error_set_both(err, HK_EINVAL, "id_number", "不是有效的 18 位身份证号码",
                             "not a valid 18-character ID number");
  memcpy(l->id_number, id, HK_IDNUM_LEN + 1);
  return HK_OK;
}

/* Fail with the current status after prefixing the field with "[i]" and the list name, so the
 * error reads "residence[2].to". */
static hk_status in_list(hk_error *err, const char *list, size_t i, hk_status rc)
{
  char index[24];
  snprintf(index, sizeof index, "[%zu]", i);
  hk_error_prefix(err, index);
  hk_error_prefix(err, list);
  return rc;
}

typedef hk_status (*entry_reader)(const cJSON *obj, void *slot, hk_error *err);

static hk_status read_list(const cJSON *array, const char *key, void **items, uint32_t *n,
                           uint32_t *cap, size_t size, entry_reader read, hk_error *err)
{
  if (array == NULL)
    return HK_OK;
  if (!cJSON_IsArray(array))
    return hk_error_set_both(err, HK_EINVAL, key, "不是列表", "not a list");
  size_t i = 0;
  for (const cJSON *entry = array->child; entry; entry = entry->next, i++) {
    if (!cJSON_IsObject(entry)) {
      hk_error_set_both(err, HK_EINVAL, "", "不是对象", "not an object");
      return in_list(err, key, i, HK_EINVAL);
    }
    void *slot = hk_list_push(items, n, cap, size, HK_LIST_MAX);
    if (slot == NULL) {
      if (*n >= HK_LIST_MAX)
        return hk_error_set_both(err, HK_ETOOBIG, key, "超过 %d 条", "more than %d entries",
                                 HK_LIST_MAX);
      return hk_error_set_both(err, HK_ENOMEM, key, "内存不足", "out of memory");
    }
    hk_status rc = read(entry, slot, err);
    if (rc != HK_OK)
      return in_list(err, key, i, rc);
  }
  return HK_OK;
}

#define READ_LIST(value, key, list, reader, err)                                                   \
  read_list(value, key, (void **)&(list).items, &(list).n, &(list).cap, sizeof *(list).items,      \
            reader, err)

/* A text of the household's into the person's text; *handle 0 when absent. */
static hk_status rd_text(const cJSON *v, const char *key, size_t max, hk_person *p,
                         uint32_t *handle, hk_error *err)
{
  const char *s = NULL;
  hk_status rc = rd_string(v, key, OPTIONAL, max, &s, err);
  if (rc != HK_OK || s == NULL)
    return rc;
  if (s[0] == '\0' || !hk_utf8_valid(s, strlen(s)))
    return hk_error_set_both(err, HK_EINVAL, key, "为空或不是 UTF-8 文字", "empty or not UTF-8");
  if ((*handle = hk_person_text_add(p, s)) == 0)
    return hk_error_set_both(err, HK_ENOMEM, key, "内存不足", "out of memory");
  return HK_OK;
}

static hk_status read_hukou(const cJSON *obj, hk_person_json_mode mode, hk_person *p, hk_error *err)
{
  /* The household's own facts are registry-line keys: a situation's hukou has none. */
  static const char *const keys[] = {"division",
                                     "household",
                                     "head",
                                     "urban",
                                     "household_no",
                                     "household_address",
                                     "household_owner",
                                     "household_owner_code",
                                     "household_owner_name",
                                     "household_created_on",
                                     "since",
                                     NULL};
  const cJSON *f[11];
  hk_hukou *h = &p->hukou;
  int household = 0, owner = 0;
  const char *no;
  if (!cJSON_IsObject(obj))
    return hk_error_set_both(err, HK_EINVAL, "", "不是对象", "not an object");
  hk_status rc = bind(obj, keys, f, err);
  /* "since" (the day the hukou was registered there) is also a situation's: the family rules
   * (六) date eligibility from it. */
  for (int i = 5; rc == HK_OK && i < 10 && mode != HK_PJ_RECORD; i++)
    if (f[i])
      rc = hk_error_set_both(err, HK_EINVAL, keys[i], "不认识的字段", "unknown field");
  if (rc == HK_OK)
    rc = rd_division(f[0], "division", &h->division, err);
  if (rc == HK_OK)
    rc = rd_enum(f[1], "household", OPTIONAL, household_kind_from, &household, err);
  h->household = (hk_household_kind)household;
  if (rc == HK_OK)
    rc = rd_bool(f[2], "head", false, &h->head, err);
  if (rc == HK_OK)
    rc = rd_tri(f[3], "urban", &h->urban, err);
  if (rc == HK_OK)
    rc = rd_string(f[4], "household_no", OPTIONAL, HK_HOUSEHOLD_NO_MAX, &no, err);
  if (rc == HK_OK && no != NULL) {
    if (no[0] == '\0' || !hk_utf8_valid(no, strlen(no)))
      return hk_error_set_both(err, HK_EINVAL, "household_no", "为空或不是 UTF-8 文字",
                               "empty or not UTF-8");
    memcpy(h->household_no, no, strlen(no) + 1);
  }
  if (rc == HK_OK)
    rc = rd_text(f[5], "household_address", HK_ADDRESS_MAX, p, &h->address, err);
  if (rc == HK_OK)
    rc = rd_enum(f[6], "household_owner", OPTIONAL, household_owner_from, &owner, err);
  h->owner = (uint8_t)owner;
  if (rc == HK_OK && owner && h->household != HK_HOUSEHOLD_COLLECTIVE)
    rc = hk_error_set_both(err, HK_EINVAL, "household_owner", "只有集体户才有所属单位",
                           "only a collective household has one");
  if (rc == HK_OK)
    rc = rd_text(f[7], "household_owner_code", 63, p, &h->owner_code, err);
  if (rc == HK_OK)
    rc = rd_text(f[8], "household_owner_name", 127, p, &h->owner_name, err);
  hk_date created = HK_DATE_NONE;
  if (rc == HK_OK)
    rc = rd_date(f[9], "household_created_on", OPTIONAL, &created, err);
  h->created_on = created == HK_DATE_NONE ? 0 : created;
  hk_date since = HK_DATE_NONE;
  if (rc == HK_OK)
    rc = rd_date(f[10], "since", OPTIONAL, &since, err);
  h->since = since == HK_DATE_NONE ? 0 : since;
  return rc;
}

static hk_status read_points_facts(const cJSON *obj, hk_points_facts *f, hk_error *err)
{
  static const char *const keys[] = {"volunteer_hours", "blood_ml", "donation_yuan", "skill", NULL};
  const cJSON *v[4];
  int skill = 0;
  if (!cJSON_IsObject(obj))
    return hk_error_set_both(err, HK_EINVAL, "", "不是对象", "not an object");
  f->present = true;
  hk_status rc = bind(obj, keys, v, err);
  if (rc == HK_OK)
    rc = rd_int(v[0], "volunteer_hours", 1000000, &f->volunteer_hours, err);
  if (rc == HK_OK)
    rc = rd_int(v[1], "blood_ml", 1000000, &f->blood_ml, err);
  if (rc == HK_OK)
    rc = rd_int(v[2], "donation_yuan", 2000000000, &f->donation_yuan, err);
  if (rc == HK_OK)
    rc = rd_enum(v[3], "skill", OPTIONAL, talent_category_from, &skill, err);
  f->skill = (hk_talent_category)skill;
  return rc;
}

/* The members of a person object, in slot order; which of the last three a mode accepts is
 * checked after binding. */
enum {
  P_ID,
  P_NAME,
  P_MARITAL,
  P_EDUCATION,
  P_HUKOU,
  P_RESIDENCE,
  P_HOUSING,
  P_EMPLOYMENT,
  P_SCHOOLING,
  P_INSURANCE,
  P_PERMITS,
  P_TALENT,
  P_POINTS,
  P_RELATIVES,
  P_RELATION,
  P_CONSENTS,
  P_DIED,
  P_COUNT
};
static const char *const person_keys[P_COUNT + 1] = {"id_number",
                                                     "name",
                                                     "marital_status",
                                                     "education",
                                                     "hukou",
                                                     "residence",
                                                     "housing",
                                                     "employment",
                                                     "schooling",
                                                     "social_insurance",
                                                     "residence_permits",
                                                     "talent",
                                                     "points_facts",
                                                     "relatives",
                                                     "relation",
                                                     "consents",
                                                     "died_on",
                                                     NULL};

static hk_status read_person(const cJSON *obj, hk_person_json_mode mode, hk_date today,
                             hk_person *p, hk_error *err)
{
  const cJSON *f[P_COUNT];
  hk_status rc = bind(obj, person_keys, f, err);
  if (rc != HK_OK)
    return rc;
  /* Keys that exist but not in this mode are unknown fields there. */
  if (mode != HK_PJ_RECORD && (f[P_RELATIVES] || f[P_DIED]))
    return hk_error_set_both(err, HK_EINVAL, f[P_DIED] ? "died_on" : "relatives", "不认识的字段",
                             "unknown field");
  if (mode != HK_PJ_RELATIVE && (f[P_RELATION] || f[P_CONSENTS]))
    return hk_error_set_both(err, HK_EINVAL, f[P_RELATION] ? "relation" : "consents",
                             "不认识的字段", "unknown field");

  const char *id, *name;
  if ((rc = rd_string(f[P_ID], "id_number", REQUIRED, HK_IDNUM_INPUT_MAX, &id, err)))
    return rc;
  hk_idnum idn;
  if (!hk_idnum_check(id, today, &idn)) {
    hk_error_set(err, HK_EINVAL, "id_number", "invalid ID number (%s)",
                 hk_idnum_fault_name(idn.fault));
    return hk_error_set_zh(err, "身份证号码无效（%s）",
                           hk_label_zh(HK_LBL_IDNUM_FAULT, hk_idnum_fault_name(idn.fault)));
  }
  memcpy(p->id_number, idn.number, sizeof p->id_number);
  p->birth_date = idn.birth_date;
  p->sex = idn.sex;

  if ((rc = rd_string(f[P_NAME], "name", OPTIONAL, HK_NAME_MAX, &name, err)))
    return rc;
  if (name) {
    if (!hk_utf8_valid(name, strlen(name)))
      return hk_error_set_both(err, HK_EINVAL, "name", "不是 UTF-8 文字", "not UTF-8");
    memcpy(p->name, name, strlen(name) + 1);
  }
  int v = 0;
  if ((rc = rd_enum(f[P_MARITAL], "marital_status", OPTIONAL, marital_from, &v, err)))
    return rc;
  p->marital_status = (hk_marital)v;
  if ((rc = rd_enum(f[P_EDUCATION], "education", OPTIONAL, education_from, &v, err)))
    return rc;
  p->education = (hk_education)v;
  if (f[P_HUKOU]) {
    p->has_hukou = true;
    if ((rc = read_hukou(f[P_HUKOU], mode, p, err))) {
      hk_error_prefix(err, "hukou");
      return rc;
    }
  }
  reading = p;
  if ((rc = READ_LIST(f[P_RESIDENCE], "residence", p->residence, read_residence, err)) ||
      (rc = READ_LIST(f[P_HOUSING], "housing", p->housing, read_housing, err)) ||
      (rc = READ_LIST(f[P_EMPLOYMENT], "employment", p->employment, read_employment, err)) ||
      (rc = READ_LIST(f[P_SCHOOLING], "schooling", p->schooling, read_schooling, err)) ||
      (rc = READ_LIST(f[P_INSURANCE], "social_insurance", p->social_insurance, read_insurance,
                      err)) ||
      (rc = READ_LIST(f[P_PERMITS], "residence_permits", p->residence_permits, read_permit, err)) ||
      (rc = READ_LIST(f[P_TALENT], "talent", p->talent, read_talent, err)))
    return rc;
  if (f[P_POINTS] && (rc = read_points_facts(f[P_POINTS], &p->points_facts, err))) {
    hk_error_prefix(err, "points_facts");
    return rc;
  }
  if (mode == HK_PJ_RECORD) {
    /* 死亡注销: a registry line of a person who died (their hukou is closed, so none is given). */
    hk_date died = HK_DATE_NONE;
    if ((rc = rd_date(f[P_DIED], "died_on", OPTIONAL, &died, err)))
      return rc;
    if (died != HK_DATE_NONE && (died < p->birth_date || died > today))
      return hk_error_set_both(err, HK_EINVAL, "died_on", "早于出生日期或晚于今天",
                               "before birth or in the future");
    p->died_on = died == HK_DATE_NONE ? 0 : died;
    if ((rc = READ_LIST(f[P_RELATIVES], "relatives", p->relatives, read_link, err)))
      return rc;
    if (p->relatives.n > HK_RELATIVES_MAX)
      return hk_error_set_both(err, HK_ETOOBIG, "relatives", "亲属超过 %d 人",
                               "more than %d relatives", HK_RELATIVES_MAX);
    for (uint32_t i = 0; i < p->relatives.n; i++)
      if (strcmp(p->relatives.items[i].id_number, p->id_number) == 0) {
        hk_error_set_both(err, HK_EINVAL, "id_number", "本人不能是自己的亲属",
                          "a person cannot be their own relative");
        return in_list(err, "relatives", i, HK_EINVAL);
      }
  }
  if (mode == HK_PJ_RELATIVE) {
    if ((rc = rd_enum(f[P_RELATION], "relation", REQUIRED, relation_from, &v, err)))
      return rc;
    p->relation = (hk_relation)v;
    if ((rc = rd_tri(f[P_CONSENTS], "consents", &p->consents, err)))
      return rc;
  }
  return HK_OK;
}

hk_status hk_person_parse(const char *text, size_t len, hk_person_json_mode mode, hk_date today,
                          hk_person *out, hk_error *err)
{
  hk_person_reset(out);
  /* cJSON keeps strings NUL-terminated, so an escaped NUL would silently cut a value short:
   * refuse it instead of storing something other than what was sent. */
  for (size_t i = 0; i + 6 <= len; i++)
    if (text[i] == '\\' && memcmp(text + i, "\\u0000", 6) == 0)
      return hk_error_set_both(err, HK_EINVAL, "", "含有转义的 NUL 字符",
                               "contains an escaped NUL character");
  const char *end = NULL;
  cJSON *obj = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (obj == NULL) {
    size_t at = end && end >= text ? (size_t)(end - text) : 0;
    return hk_error_set_both(err, HK_EINVAL, "", "不是 JSON（约第 %zu 字节处）",
                             "not JSON (near byte %zu)", at + 1);
  }
  /* Anything after the value other than white space is not one JSON document. */
  while (end && (size_t)(end - text) < len &&
         (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
    end++;
  hk_status rc;
  if (end == NULL || (size_t)(end - text) != len)
    rc = hk_error_set_both(err, HK_EINVAL, "", "不是 JSON（对象后还有文字）",
                           "not JSON (text after the object)");
  else if (!cJSON_IsObject(obj))
    rc = hk_error_set_both(err, HK_EINVAL, "", "不是 JSON 对象", "not a JSON object");
  else
    rc = read_person(obj, mode, today, out, err);
  cJSON_Delete(obj);
  return rc;
}

hk_status hk_person_read(const struct cJSON *obj, hk_person_json_mode mode, hk_date today,
                         hk_person *out, hk_error *err)
{
  hk_person_reset(out);
  if (!cJSON_IsObject(obj))
    return hk_error_set_both(err, HK_EINVAL, "", "不是 JSON 对象", "not a JSON object");
  return read_person(obj, mode, today, out, err);
}

hk_status hk_person_from_json(const json_t *obj, hk_person_json_mode mode, hk_date today,
                              hk_person *out, hk_error *err)
{
  hk_person_reset(out);
  if (!json_is_object(obj))
    return hk_error_set_both(err, HK_EINVAL, "", "不是 JSON 对象", "not a JSON object");
  char *text = json_dumps(obj, JSON_COMPACT);
  if (text == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  hk_status rc = hk_person_parse(text, strlen(text), mode, today, out, err);
  free(text);
  return rc;
}

/* ---- writing ---- */

static void set_tri(json_t *o, const char *key, hk_tri t)
{
  if (t != HK_TRI_UNSET)
    json_object_set_new(o, key, json_boolean(t == HK_TRI_TRUE));
}

static void set_period(json_t *o, hk_period p)
{
  hk_json_set_date(o, "from", p.from);
  hk_json_set_date(o, "to", p.to);
}

static void set_name(json_t *o, const char *key, const char *name)
{
  if (name)
    json_object_set_new(o, key, json_string(name));
}

json_t *hk_person_to_json(const hk_person *p, hk_person_json_mode mode)
{
  json_t *o = json_object(), *a, *e;
  if (o == NULL)
    return NULL;
  json_object_set_new(o, "id_number", json_string(p->id_number));
  if (p->name[0])
    json_object_set_new(o, "name", json_string(p->name));
  set_name(o, "marital_status", hk_marital_name(p->marital_status));
  set_name(o, "education", hk_education_name(p->education));
  if (p->has_hukou) {
    e = json_object();
    hk_json_set_division(e, "division", p->hukou.division);
    set_name(e, "household", hk_household_kind_name(p->hukou.household));
    json_object_set_new(e, "head", json_boolean(p->hukou.head));
    set_tri(e, "urban", p->hukou.urban);
    if (p->hukou.household_no[0])
      json_object_set_new(e, "household_no", json_string(p->hukou.household_no));
    if (mode == HK_PJ_RECORD) {
      const hk_hukou *h = &p->hukou;
      if (h->address)
        json_object_set_new(e, "household_address", json_string(hk_person_text(p, h->address)));
      set_name(e, "household_owner", hk_household_owner_name((hk_household_owner)h->owner));
      if (h->owner_code)
        json_object_set_new(e, "household_owner_code",
                            json_string(hk_person_text(p, h->owner_code)));
      if (h->owner_name)
        json_object_set_new(e, "household_owner_name",
                            json_string(hk_person_text(p, h->owner_name)));
      if (h->created_on)
        hk_json_set_date(e, "household_created_on", h->created_on);
    }
    if (p->hukou.since)
      hk_json_set_date(e, "since", p->hukou.since);
    json_object_set_new(o, "hukou", e);
  }

  json_object_set_new(o, "residence", a = json_array());
  for (uint32_t i = 0; i < p->residence.n; i++) {
    const hk_residence *r = &p->residence.items[i];
    e = json_object();
    hk_json_set_division(e, "division", r->division);
    set_tri(e, "urban", r->urban);
    set_period(e, r->period);
    if (r->address)
      json_object_set_new(e, "address", json_string(hk_person_text(p, r->address)));
    if (r->declared_on != 0)
      hk_json_set_date(e, "declared_on", r->declared_on);
    if (r->late)
      json_object_set_new(e, "late", json_true());
    set_name(e, "ended", hk_residence_end_name((hk_residence_end)r->ended));
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "housing", a = json_array());
  for (uint32_t i = 0; i < p->housing.n; i++) {
    const hk_housing *h = &p->housing.items[i];
    e = json_object();
    hk_json_set_division(e, "division", h->division);
    set_tri(e, "urban", h->urban);
    set_name(e, "kind", hk_housing_kind_name(h->kind));
    if (!h->legal)
      json_object_set_new(e, "legal", json_false());
    set_period(e, h->period);
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "employment", a = json_array());
  for (uint32_t i = 0; i < p->employment.n; i++) {
    const hk_employment *m = &p->employment.items[i];
    e = json_object();
    hk_json_set_division(e, "division", m->division);
    set_period(e, m->period);
    json_object_set_new(e, "collective_household", json_boolean(m->collective_household));
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "schooling", a = json_array());
  for (uint32_t i = 0; i < p->schooling.n; i++) {
    e = json_object();
    hk_json_set_division(e, "division", p->schooling.items[i].division);
    set_period(e, p->schooling.items[i].period);
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "social_insurance", a = json_array());
  for (uint32_t i = 0; i < p->social_insurance.n; i++) {
    const hk_insurance *s = &p->social_insurance.items[i];
    e = json_object();
    hk_json_set_division(e, "city", s->city);
    hk_json_set_month(e, "from", s->months.from);
    hk_json_set_month(e, "to", s->months.to);
    json_object_set_new(e, "pension_transferred", json_boolean(s->pension_transferred));
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "residence_permits", a = json_array());
  for (uint32_t i = 0; i < p->residence_permits.n; i++) {
    e = json_object();
    hk_json_set_division(e, "division", p->residence_permits.items[i].division);
    set_period(e, p->residence_permits.items[i].period);
    json_array_append_new(a, e);
  }
  json_object_set_new(o, "talent", a = json_array());
  for (uint32_t i = 0; i < p->talent.n; i++) {
    const hk_talent *t = &p->talent.items[i];
    e = json_object();
    set_name(e, "category", hk_talent_category_name(t->category));
    hk_json_set_division(e, "division", t->division);
    if (t->recognised != HK_DATE_NONE)
      hk_json_set_date(e, "recognised", t->recognised);
    json_array_append_new(a, e);
  }
  if (p->points_facts.present) {
    const hk_points_facts *f = &p->points_facts;
    e = json_object();
    json_object_set_new(e, "volunteer_hours", json_integer(f->volunteer_hours));
    json_object_set_new(e, "blood_ml", json_integer(f->blood_ml));
    json_object_set_new(e, "donation_yuan", json_integer(f->donation_yuan));
    set_name(e, "skill", hk_talent_category_name(f->skill));
    json_object_set_new(o, "points_facts", e);
  }
  if (mode == HK_PJ_RECORD && p->died_on)
    hk_json_set_date(o, "died_on", p->died_on);
  if (mode == HK_PJ_RECORD) {
    json_object_set_new(o, "relatives", a = json_array());
    for (uint32_t i = 0; i < p->relatives.n; i++) {
      e = json_object();
      set_name(e, "relation", hk_relation_name(p->relatives.items[i].relation));
      json_object_set_new(e, "id_number", json_string(p->relatives.items[i].id_number));
      json_array_append_new(a, e);
    }
  }
  if (mode == HK_PJ_RELATIVE) {
    set_name(o, "relation", hk_relation_name(p->relation));
    set_tri(o, "consents", p->consents);
  }
  return o;
}
