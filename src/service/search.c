/* Search of persons and households, and the residence list, for officers (search.h). The
 * store finds rows by its indexes (store_list.h); this file checks the request, bounds it by
 * the caller's jurisdiction (九) and writes the answer with masked numbers. */
#include "service/search.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/label.h"
#include "core/json.h"
#include "core/person.h"
#include "core/utf8.h"
#include "store/store_list.h"

static void area_range(int32_t area, int32_t *lo, int32_t *hi)
{
  *lo = area;
  *hi = area % 10000 == 0 ? area + 9999 : area % 100 == 0 ? area + 99 : area;
}

hk_status hk_search_area(const hk_actor *who, int32_t area, int32_t *lo, int32_t *hi, hk_error *err)
{
  *lo = *hi = 0;
  switch (who->role) {
  case HK_ROLE_OFFICER:
  case HK_ROLE_SUPERVISOR:
    if (area == 0)
      area = who->jurisdiction;
    if (who->jurisdiction == 0 || !hk_division_within(area, who->jurisdiction))
      return hk_error_set_both(err, HK_EFORBIDDEN, "area", "%06d 不在您的辖区 %06d 内",
                               "%06d is outside jurisdiction %06d", (int)area,
                               (int)who->jurisdiction);
    break;
  case HK_ROLE_SYSTEM:
    if (area == 0)
      return HK_OK;
    break;
  default: {
    hk_error_set(err, HK_EFORBIDDEN, "role", "%s accounts cannot search or list the registry",
                 hk_role_name(who->role));
    return hk_error_set_zh(err, "%s账户不能查询或列出户籍记录",
                           hk_label_zh(HK_LBL_ROLE, hk_role_name(who->role)));
  }
  }
  area_range(area, lo, hi);
  return HK_OK;
}

/* Characters (code points) of a valid UTF-8 string. */
static size_t chars(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* A text term: trimmed of nothing (names and addresses are matched as typed), valid UTF-8,
 * with no control character, at least min characters. Copied into out. */
static hk_status text_term(const json_t *doc, const char *key, size_t min, char *out, size_t size,
                           hk_error *err)
{
  const char *v = NULL;
  hk_status rc = hk_json_string(doc, key, HK_JSON_OPTIONAL, size - 1, &v, err);
  if (rc != HK_OK || v == NULL)
    return rc;
  size_t n = strlen(v);
  if (!hk_utf8_valid(v, n))
    return hk_error_set_both(err, HK_EINVAL, key, "不是 UTF-8 文字", "not UTF-8");
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
      return hk_error_set_both(err, HK_EINVAL, key, "含有控制字符", "control character");
  if (chars(v) < min)
    return hk_error_set_both(err, HK_EINVAL, key, "至少 %zu 个字符", "at least %zu characters",
                             min);
  memcpy(out, v, n + 1);
  return HK_OK;
}

hk_status hk_search_request_read(const json_t *doc, bool households, hk_date today,
                                 hk_search_request *r, hk_error *err)
{
  static const char *const person_keys[] = {"id_number", "name",  "address", "area",
                                            "limit",     "after", NULL};
  static const char *const household_keys[] = {"number", "address", "head", "area",
                                               "limit",  "after",   NULL};
  memset(r, 0, sizeof *r);
  if (!json_is_object(doc))
    return hk_error_set_both(err, HK_EINVAL, "body", "不是 JSON 对象", "not a JSON object");
  hk_status rc = hk_json_known_keys(doc, households ? household_keys : person_keys, err);
  if (rc == HK_OK && !households) {
    const char *id = NULL;
    rc = hk_json_string(doc, "id_number", HK_JSON_OPTIONAL, HK_IDNUM_INPUT_MAX, &id, err);
    hk_idnum idn;
    if (rc == HK_OK && id && !hk_idnum_check(id, today, &idn)) {
      rc = hk_error_set(err, HK_EINVAL, "id_number", "invalid ID number (%s)",
                        hk_idnum_fault_name(idn.fault));
      hk_error_set_zh(err, "身份证号码无效（%s）",
                      hk_label_zh(HK_LBL_IDNUM_FAULT, hk_idnum_fault_name(idn.fault)));
    }
    if (rc == HK_OK && id)
      memcpy(r->id_number, idn.number, sizeof r->id_number);
  }
  /* A name fragment of two characters at least: one character (a surname) would list a tenth
   * of a county. An address of three: the trigram indexes need three. */
  if (rc == HK_OK)
    rc = text_term(doc, households ? "head" : "name", 2, r->name, sizeof r->name, err);
  if (rc == HK_OK)
    rc = text_term(doc, "address", 3, r->address, sizeof r->address, err);
  if (rc == HK_OK && households)
    rc = text_term(doc, "number", 1, r->number, sizeof r->number, err);
  if (rc == HK_OK)
    rc = hk_json_division(doc, "area", HK_JSON_OPTIONAL, true, &r->area, err);
  int64_t v = 0;
  if (rc == HK_OK)
    rc = hk_json_int(doc, "limit", HK_JSON_OPTIONAL, 1, HK_SEARCH_LIMIT_MAX,
                     HK_SEARCH_LIMIT_DEFAULT, &v, err);
  r->limit = (uint32_t)v;
  const char *after = NULL;
  if (rc == HK_OK)
    rc = hk_json_string(doc, "after", HK_JSON_OPTIONAL, 20, &after, err);
  if (rc == HK_OK && after) {
    char *end;
    errno = 0;
    long long a = strtoll(after, &end, 10);
    if (after[0] < '1' || after[0] > '9' || *end || errno || a <= 0)
      rc = hk_error_set_both(err, HK_EINVAL, "after", "须为上一页答复中的 next",
                             "the next of a previous page");
    r->after = a;
  }
  if (rc == HK_OK && !r->id_number[0] && !r->name[0] && !r->address[0] && !r->number[0])
    rc = hk_error_set_both(
        err, HK_EINVAL, "body", "%s%.0s", "%.0s%s",
        households ? "户号（number）、地址（address）、户主（head）至少填写一项"
                   : "身份证号码（id_number）、姓名（name）、地址（address）至少填写一项",
        households ? "number, address or head: at least one"
                   : "id_number, name or address: at least one");
  return rc;
}

void hk_search_describe(const hk_search_request *r, char *out, size_t size)
{
  size_t n = 0;
  out[0] = '\0';
  char masked[HK_IDNUM_LEN + 1];
#define PART(label, value)                                                                         \
  if ((value)[0] && n < size)                                                                      \
    n += (size_t)snprintf(out + n, size - n, "%s%s=%s", n ? " " : "", label, value);
  PART("id_number", r->id_number[0] ? hk_idnum_mask(r->id_number, masked) : "")
  PART("name", r->name)
  PART("number", r->number)
  PART("address", r->address)
#undef PART
  if (r->area && n < size)
    snprintf(out + n, size - n, "%sarea=%06d", n ? " " : "", (int)r->area);
}

static void set_named(json_t *o, const char *key, int32_t code)
{
  hk_json_set_division(o, key, code);
  char k[48];
  snprintf(k, sizeof k, "%s_name", key);
  const hk_division *d = code ? hk_division_find(code) : NULL;
  json_object_set_new(o, k, d ? json_string(d->name) : json_null());
}

static json_t *str_or_null(const char *s)
{
  return s ? json_string(s) : json_null();
}

static void set_next(json_t *out, uint32_t n, uint32_t limit, int64_t last)
{
  if (n == limit && n > 0) {
    char next[24];
    snprintf(next, sizeof next, "%lld", (long long)last);
    json_object_set_new(out, "next", json_string(next));
  } else {
    json_object_set_new(out, "next", json_null());
  }
}

typedef struct hits {
  json_t *items;
  int64_t last;
  uint32_t n;
  hk_search_seen seen;
  void *cls;
} hits;

static hk_status add_person(const hk_person_hit *h, void *cls, hk_error *err)
{
  (void)err;
  hits *hs = cls;
  char masked[HK_IDNUM_LEN + 1];
  json_t *o = json_object();
  json_object_set_new(o, "id_masked", json_string(hk_idnum_mask(h->id_number, masked)));
  json_object_set_new(o, "name", json_string(h->name));
  json_object_set_new(o, "sex", json_string(h->sex == 'M' ? "M" : "F"));
  int year, month, day;
  hk_date_to_ymd(h->birth_date, &year, &month, &day);
  json_object_set_new(o, "birth_year", json_integer(year));
  json_object_set_new(o, "died", json_boolean(h->died));
  if (h->hukou_division) {
    json_t *k = json_object();
    set_named(k, "division", h->hukou_division);
    json_object_set_new(k, "household_no", str_or_null(h->household_no));
    json_object_set_new(o, "hukou", k);
  } else {
    json_object_set_new(o, "hukou", json_null());
  }
  if (h->residence_division) {
    json_t *r = json_object();
    set_named(r, "division", h->residence_division);
    json_object_set_new(r, "address", str_or_null(h->residence_address));
    json_object_set_new(o, "residence", r);
  } else {
    json_object_set_new(o, "residence", json_null());
  }
  json_array_append_new(hs->items, o);
  hs->last = h->row;
  hs->n++;
  if (hs->seen && h->id_number)
    hs->seen(h->id_number, hs->cls);
  return HK_OK;
}

hk_status hk_search_persons(hk_store *st, const hk_actor *who, const hk_search_request *r,
                            hk_search_seen seen, void *cls, json_t **out, hk_error *err)
{
  *out = NULL;
  hk_person_query q = {.id_number = r->id_number[0] ? r->id_number : NULL,
                       .name = r->name[0] ? r->name : NULL,
                       .address = r->address[0] ? r->address : NULL,
                       .after = r->after,
                       .limit = r->limit ? r->limit : HK_SEARCH_LIMIT_DEFAULT};
  hk_status rc = hk_search_area(who, r->area, &q.lo, &q.hi, err);
  if (rc == HK_OK && !q.id_number && !q.name && !q.address)
    rc = hk_error_set_both(err, HK_EINVAL, "body",
                           "身份证号码（id_number）、姓名（name）、地址（address）至少填写一项",
                           "id_number, name or address: at least one");
  if (rc != HK_OK)
    return rc;
  hits hs = {.items = json_array(), .seen = seen, .cls = cls};
  rc = hk_store_person_search(st, &q, add_person, &hs, err);
  if (rc != HK_OK) {
    json_decref(hs.items);
    return rc;
  }
  json_t *o = json_object();
  json_object_set_new(o, "persons", hs.items);
  set_next(o, hs.n, q.limit, hs.last);
  *out = o;
  return HK_OK;
}

static hk_status add_household(const hk_household_hit *h, void *cls, hk_error *err)
{
  (void)err;
  hits *hs = cls;
  json_t *o = json_object();
  json_object_set_new(o, "number", json_string(h->number));
  json_object_set_new(o, "kind",
                      json_string(h->kind == HK_HOUSEHOLD_COLLECTIVE ? "collective" : "family"));
  set_named(o, "division", h->division);
  json_object_set_new(o, "address", str_or_null(h->address));
  if (h->head_id_number) {
    char masked[HK_IDNUM_LEN + 1];
    json_t *head = json_object();
    json_object_set_new(head, "name", json_string(h->head_name ? h->head_name : ""));
    json_object_set_new(head, "id_masked", json_string(hk_idnum_mask(h->head_id_number, masked)));
    json_object_set_new(o, "head", head);
    if (hs->seen)
      hs->seen(h->head_id_number, hs->cls);
  } else {
    json_object_set_new(o, "head", json_null());
  }
  json_object_set_new(o, "members", json_integer(h->members));
  json_object_set_new(o, "dissolved", json_boolean(h->dissolved));
  json_array_append_new(hs->items, o);
  hs->last = h->row;
  hs->n++;
  return HK_OK;
}

hk_status hk_search_households(hk_store *st, const hk_actor *who, const hk_search_request *r,
                               hk_search_seen seen, void *cls, json_t **out, hk_error *err)
{
  *out = NULL;
  hk_household_query q = {.number = r->number[0] ? r->number : NULL,
                          .address = r->address[0] ? r->address : NULL,
                          .head = r->name[0] ? r->name : NULL,
                          .after = r->after,
                          .limit = r->limit ? r->limit : HK_SEARCH_LIMIT_DEFAULT};
  hk_status rc = hk_search_area(who, r->area, &q.lo, &q.hi, err);
  if (rc == HK_OK && !q.number && !q.address && !q.head)
    rc = hk_error_set_both(err, HK_EINVAL, "body",
                           "户号（number）、地址（address）、户主（head）至少填写一项",
                           "number, address or head: at least one");
  if (rc != HK_OK)
    return rc;
  hits hs = {.items = json_array(), .seen = seen, .cls = cls};
  rc = hk_store_household_search(st, &q, add_household, &hs, err);
  if (rc != HK_OK) {
    json_decref(hs.items);
    return rc;
  }
  json_t *o = json_object();
  json_object_set_new(o, "households", hs.items);
  set_next(o, hs.n, q.limit, hs.last);
  *out = o;
  return HK_OK;
}

typedef struct regs {
  json_t *items;
  hk_residence_key last;
  uint32_t n;
  hk_search_seen seen;
  void *cls;
} regs;

static hk_status add_registration(const hk_residence_item *it, void *cls, hk_error *err)
{
  (void)err;
  regs *rs = cls;
  char masked[HK_IDNUM_LEN + 1];
  json_t *o = json_object();
  json_object_set_new(o, "name", json_string(it->name));
  json_object_set_new(o, "id_masked",
                      json_string(it->id_number ? hk_idnum_mask(it->id_number, masked) : ""));
  set_named(o, "division", it->key.division);
  json_object_set_new(o, "address", str_or_null(it->address));
  hk_json_set_date(o, "from", it->from);
  hk_json_set_date(o, "to", it->to);
  hk_json_set_date(o, "declared_on", it->declared_on);
  json_object_set_new(o, "late", json_boolean(it->late));
  json_object_set_new(o, "active", json_boolean(it->to == HK_DATE_OPEN));
  json_array_append_new(rs->items, o);
  rs->last = it->key;
  rs->n++;
  if (rs->seen && it->id_number)
    rs->seen(it->id_number, rs->cls);
  return HK_OK;
}

/* A decimal number of at most 19 digits in [0, max], ending at *end. */
static bool decimal(const char *s, char **end, int64_t max, int64_t *out)
{
  if (*s < '0' || *s > '9')
    return false;
  errno = 0;
  long long v = strtoll(s, end, 10);
  if (errno || v < 0 || v > max)
    return false;
  *out = v;
  return true;
}

/* "division.person.seq", as next gives it. */
static bool parse_residence_key(const char *s, hk_residence_key *k)
{
  int64_t d, p, q;
  char *end;
  if (!decimal(s, &end, 999999, &d) || *end != '.' || !decimal(end + 1, &end, INT64_MAX, &p) ||
      *end != '.' || !decimal(end + 1, &end, INT32_MAX, &q) || *end != '\0')
    return false;
  k->division = (int32_t)d;
  k->person_id = p;
  k->seq = (int32_t)q;
  return true;
}

hk_status hk_residence_list(hk_store *st, const hk_actor *who, int32_t area, int active,
                            const char *after, uint32_t limit, hk_search_seen seen, void *cls,
                            json_t **out, hk_error *err)
{
  *out = NULL;
  hk_residence_query q = {.active = active, .limit = limit ? limit : HK_RESIDENCE_LIST_DEFAULT};
  hk_status rc = hk_search_area(who, area, &q.lo, &q.hi, err);
  if (rc != HK_OK)
    return rc;
  if (q.lo == 0 && q.hi == 0) {
    q.lo = 1; /* the system, everywhere */
    q.hi = 999999;
  }
  if (after) {
    if (!parse_residence_key(after, &q.after))
      return hk_error_set_both(err, HK_EINVAL, "after", "须为上一页答复中的 next",
                               "the next of a previous page");
    q.has_after = true;
  }
  regs rs = {.items = json_array(), .seen = seen, .cls = cls};
  rc = hk_store_residence_page(st, &q, add_registration, &rs, err);
  if (rc != HK_OK) {
    json_decref(rs.items);
    return rc;
  }
  json_t *o = json_object();
  json_object_set_new(o, "registrations", rs.items);
  if (rs.n == q.limit && rs.n > 0) {
    char next[64];
    snprintf(next, sizeof next, "%d.%lld.%d", (int)rs.last.division, (long long)rs.last.person_id,
             (int)rs.last.seq);
    json_object_set_new(o, "next", json_string(next));
  } else {
    json_object_set_new(o, "next", json_null());
  }
  *out = o;
  return HK_OK;
}
