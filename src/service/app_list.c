/* The officer's queue of applications (issue 10): filters from their text, a page overdue
 * first with the applicant's name, and counts by state (app_service.h). The store answers from
 * the queue's indexes (store_list.h); this file decides who sees which rows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/json.h"
#include "core/utf8.h"
#include "service/app_service.h"
#include "service/search.h"
#include "store/store_list.h"

/* The office owes the next step in these states; waiting for material is the applicant's
 * turn, so it is never overdue. */
static const uint32_t owed_mask =
    1u << HK_APP_SUBMITTED | 1u << HK_APP_ACCEPTED | 1u << HK_APP_APPROVED;

void hk_app_query_init(hk_app_query *q, hk_date today)
{
  memset(q, 0, sizeof *q);
  q->kind = -1;
  q->overdue = -1;
  q->today = today;
}

static hk_status division_arg(const char *key, const char *value, int32_t *out, hk_error *err)
{
  if (!hk_division_parse(value, out) || hk_division_find(*out) == NULL)
    return hk_error_set_both(err, HK_EINVAL, key, "不是行政区划代码", "not a division code");
  return HK_OK;
}

static bool parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
  char *end;
  errno = 0;
  if (!((s[0] >= '0' && s[0] <= '9') || (s[0] == '-' && s[1] >= '0' && s[1] <= '9')))
    return false;
  long long v = strtoll(s, &end, 10);
  if (*end || errno || v < min || v > max)
    return false;
  *out = v;
  return true;
}

/* "rank.due.id", as next gives it. */
static bool parse_key(const char *s, int *rank, int32_t *due, int64_t *id)
{
  char buf[64];
  if (strlen(s) >= sizeof buf)
    return false;
  snprintf(buf, sizeof buf, "%s", s);
  char *d1 = strchr(buf, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  if (d1 == NULL || d2 == NULL)
    return false;
  *d1 = *d2 = '\0';
  int64_t r, d, i;
  if (!parse_i64(buf, 0, 1, &r) || !parse_i64(d1 + 1, INT32_MIN + 1, INT32_MAX, &d) ||
      !parse_i64(d2 + 1, 1, INT64_MAX, &i))
    return false;
  *rank = (int)r;
  *due = (int32_t)d;
  *id = i;
  return true;
}

static hk_status state_arg(const char *value, uint32_t *mask, hk_error *err)
{
  *mask = 0;
  char buf[200];
  if (strlen(value) >= sizeof buf)
    return hk_error_set_both(err, HK_EINVAL, "state", "过长", "too long");
  snprintf(buf, sizeof buf, "%s", value);
  char *save = NULL;
  for (char *s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
    if (strcmp(s, "open") == 0) {
      for (int i = 0; i < HK_APP_STATE_COUNT; i++)
        if (hk_app_state_open((hk_app_state)i))
          *mask |= 1u << i;
      continue;
    }
    hk_app_state st = hk_app_state_from(s);
    if (st == HK_APP_STATE_COUNT)
      return hk_error_set_both(
          err, HK_EINVAL, "state",
          "须为以下一项或多项（以逗号分隔）：open（未办结）、submitted（已提交）、accepted（已受理"
          "）、"
          "material_"
          "requested（待补充材料）、approved（已批准）、rejected（已驳回）、completed（已办结）",
          "one or more (comma-separated) of open, submitted, accepted, "
          "material_requested, approved, rejected, completed");
    *mask |= 1u << st;
  }
  if (*mask == 0)
    return hk_error_set_both(err, HK_EINVAL, "state", "为空", "empty");
  return HK_OK;
}

hk_status hk_app_query_set(hk_app_query *q, const char *key, const char *value, hk_error *err)
{
  if (value == NULL)
    return HK_OK;
  if (strcmp(key, "state") == 0)
    return state_arg(value, &q->state_mask, err);
  if (strcmp(key, "kind") == 0) {
    for (int k = 0; k < HK_APP_KIND_COUNT; k++)
      if (strcmp(value, hk_app_kind_name((hk_app_kind)k)) == 0) {
        q->kind = k;
        return HK_OK;
      }
    return hk_error_set_both(err, HK_EINVAL, "kind", "须为 permit（居住证）或 settlement（落户）",
                             "permit or settlement");
  }
  if (strcmp(key, "area") == 0)
    return division_arg("area", value, &q->area, err);
  if (strcmp(key, "filed_in") == 0)
    return division_arg("filed_in", value, &q->filed_in, err);
  if (strcmp(key, "scope") == 0) {
    if (strcmp(value, "decided") != 0 && strcmp(value, "filed") != 0)
      return hk_error_set_both(err, HK_EINVAL, "scope",
                               "须为 decided（本辖区决定）或 filed（本窗口代办）",
                               "decided or filed");
    q->scope_filed = value[0] == 'f';
    return HK_OK;
  }
  if (strcmp(key, "overdue") == 0) {
    if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
      return hk_error_set_both(err, HK_EINVAL, "overdue", "须为 true 或 false", "true or false");
    q->overdue = value[0] == 't';
    return HK_OK;
  }
  if (strcmp(key, "q") == 0) {
    size_t n = strlen(value);
    if (n == 0 || n >= sizeof q->name || !hk_utf8_valid(value, n))
      return hk_error_set_both(err, HK_EINVAL, "q", "须为 1 至 %zu 字节的 UTF-8 姓名前缀",
                               "a name prefix of 1 to %zu bytes of UTF-8", sizeof q->name - 1);
    memcpy(q->name, value, n + 1);
    return HK_OK;
  }
  if (strcmp(key, "limit") == 0) {
    int64_t v;
    if (!parse_i64(value, 1, HK_APP_LIST_MAX, &v))
      return hk_error_set_both(err, HK_EINVAL, "limit", "须为 1 至 %d 之间的数字",
                               "a number from 1 to %d", HK_APP_LIST_MAX);
    q->limit = (uint32_t)v;
    return HK_OK;
  }
  if (strcmp(key, "after") == 0) {
    if (!parse_key(value, &q->after_rank, &q->after_due, &q->after_id))
      return hk_error_set_both(err, HK_EINVAL, "after", "须为上一页答复中的 next",
                               "the next of a previous page");
    q->has_after = true;
    return HK_OK;
  }
  return hk_error_set_both(err, HK_EINVAL, key, "不认识的筛选条件", "unknown filter");
}

/* The targets a division prefix covers. */
static void area_range(int32_t area, int32_t *lo, int32_t *hi)
{
  *lo = area;
  *hi = area % 10000 == 0 ? area + 9999 : area % 100 == 0 ? area + 99 : area;
}

static void set_named(json_t *o, const char *key, int32_t code)
{
  hk_json_set_division(o, key, code);
  char k[48];
  snprintf(k, sizeof k, "%s_name", key);
  const hk_division *d = code ? hk_division_find(code) : NULL;
  json_object_set_new(o, k, d ? json_string(d->name) : json_null());
}

typedef struct list_state {
  const hk_actor *who;
  json_t *items;
  hk_app_key last;
  uint32_t n;
} list_state;

static hk_status add_item(const hk_app_item *it, void *cls, hk_error *err)
{
  (void)err;
  list_state *ls = cls;
  char masked[HK_IDNUM_LEN + 1];
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(it->id));
  json_object_set_new(o, "kind", json_string(hk_app_kind_name((hk_app_kind)it->kind)));
  if (it->pathway)
    json_object_set_new(o, "pathway", json_string(it->pathway));
  set_named(o, "target", it->target);
  json_object_set_new(o, "state", json_string(hk_app_state_name((hk_app_state)it->state)));
  hk_json_set_date(o, "submitted_on", it->submitted_on);
  hk_json_set_date(o, "due_on", it->due_on);
  json_object_set_new(o, "overdue", json_boolean(it->overdue));
  set_named(o, "filed_in", it->filed_in);
  json_object_set_new(o, "channel", it->channel ? json_string(it->channel) : json_null());
  json_object_set_new(o, "applicant",
                      json_string(it->id_number ? hk_idnum_mask(it->id_number, masked) : ""));
  json_object_set_new(o, "name", json_string(it->name));
  json_object_set_new(o, "decides", json_boolean(hk_actor_may_decide(ls->who, it->target)));
  json_array_append_new(ls->items, o);
  ls->last = it->key;
  ls->n++;
  return HK_OK;
}

hk_status hk_app_list(hk_store *st, const hk_actor *who, const hk_app_query *q, json_t **list,
                      hk_error *err)
{
  *list = NULL;
  hk_app_page_query f = {.state_mask = q->state_mask,
                         .owed_mask = owed_mask,
                         .kind = q->kind,
                         .overdue = q->overdue,
                         .today = q->today,
                         .name = q->name[0] ? q->name : NULL,
                         .has_after = q->has_after,
                         .after = {q->after_rank, q->after_due, q->after_id},
                         .limit = q->limit ? q->limit : HK_APP_LIST_DEFAULT};
  if (f.limit > HK_APP_LIST_MAX)
    return hk_error_set_both(err, HK_EINVAL, "limit", "须为 1 至 %d 之间的数字",
                             "a number from 1 to %d", HK_APP_LIST_MAX);
  bool empty = false;
  if (who->role == HK_ROLE_RESIDENT) {
    hk_status rc = hk_store_person_row(st, who->id_number, &f.person_id, err);
    if (rc == HK_ENOTFOUND)
      empty = true;
    else if (rc != HK_OK)
      return rc;
  } else {
    int32_t lo, hi;
    hk_status rc = hk_search_area(who, q->area, &lo, &hi, err);
    if (rc != HK_OK)
      return rc;
    if (q->scope_filed && q->filed_in)
      return hk_error_set_both(err, HK_EINVAL, "filed_in",
                               "scope=filed 时地区即代办窗口所在的县：请使用 area",
                               "with scope=filed the area is the filing county: use area");
    if (q->scope_filed) {
      f.filed_lo = lo;
      f.filed_hi = hi;
      if (lo == 0) /* the system, everywhere: every application filed at a service point */
        f.filed_hi = 999999;
    } else {
      f.target_lo = lo;
      f.target_hi = hi;
      if (q->filed_in)
        area_range(q->filed_in, &f.filed_lo, &f.filed_hi);
    }
  }
  list_state ls = {.who = who, .items = json_array()};
  hk_status rc = empty ? HK_OK : hk_store_app_page(st, &f, add_item, &ls, err);
  if (rc != HK_OK) {
    json_decref(ls.items);
    return rc;
  }
  json_t *out = json_object();
  json_object_set_new(out, "applications", ls.items);
  if (ls.n == f.limit) {
    char next[64];
    snprintf(next, sizeof next, "%d.%d.%lld", ls.last.rank, (int)ls.last.due,
             (long long)ls.last.id);
    json_object_set_new(out, "next", json_string(next));
  } else {
    json_object_set_new(out, "next", json_null());
  }
  *list = out;
  return HK_OK;
}

hk_status hk_app_counts(hk_store *st, const hk_actor *who, int32_t area, bool scope_filed,
                        hk_date today, json_t **out, hk_error *err)
{
  *out = NULL;
  int32_t lo, hi;
  hk_status rc = hk_search_area(who, area, &lo, &hi, err);
  hk_app_tally c;
  if (rc == HK_OK)
    rc = hk_store_app_counts(st, scope_filed, lo, hi, today, owed_mask, &c, err);
  if (rc != HK_OK)
    return rc;
  json_t *o = json_object();
  set_named(o, "area", area ? area : who->jurisdiction);
  json_object_set_new(o, "scope", json_string(scope_filed ? "filed" : "decided"));
  hk_json_set_date(o, "today", today);
  json_t *by = json_object();
  int64_t open = 0;
  for (int s = 0; s < HK_APP_STATE_COUNT; s++) {
    json_object_set_new(by, hk_app_state_name((hk_app_state)s), json_integer(c.by_state[s]));
    if (hk_app_state_open((hk_app_state)s))
      open += c.by_state[s];
  }
  json_object_set_new(o, "by_state", by);
  json_object_set_new(o, "open", json_integer(open));
  json_object_set_new(o, "overdue", json_integer(c.overdue));
  json_object_set_new(o, "total", json_integer(c.total));
  *out = o;
  return HK_OK;
}
