#include "service/household.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/label.h"
#include "core/json.h"
#include "service/certificate.h"
#include "service/permit.h"

#define RETRIES 5
/* A talent or community collective household may hold tens of thousands; a bound keeps a
 * runaway read from taking the memory. */
#define MEMBERS_MAX 500000

const char *hk_hh_owner_name(hk_hh_owner o)
{
  return hk_household_owner_name(o);
}

hk_hh_owner hk_hh_owner_from(const char *s)
{
  return hk_household_owner_from(s);
}

/* ---- small helpers ---- */

bool hk_uscc_valid(const char *code)
{
  /* GB 32100-2015: 18 characters of "0-9A-Z" less I, O, S, V, Z; the last a check character,
   * 31 - (sum of value x weight over the first 17) mod 31, where 31 maps to 0. */
  static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  if (code == NULL || strlen(code) != 18)
    return false;
  int sum = 0, value[18];
  for (int i = 0; i < 18; i++) {
    const char *at = code[i] ? strchr(alphabet, code[i]) : NULL;
    if (at == NULL)
      return false;
    value[i] = (int)(at - alphabet);
    if (i < 17)
      sum += value[i] * weights[i];
  }
  return value[17] == (31 - sum % 31) % 31;
}

typedef struct member_list {
  hk_member_row *items;
  size_t n, cap;
} member_list;

static hk_status collect(const hk_member_row *m, void *cls, hk_error *err)
{
  member_list *l = cls;
  if (l->n == l->cap) {
    if (l->cap >= MEMBERS_MAX)
      return hk_error_set_both(err, HK_ETOOBIG, "household", "成员超过 %d 人",
                               "more than %d members", MEMBERS_MAX);
    size_t cap = l->cap ? l->cap * 2 : 8;
    if (cap > MEMBERS_MAX)
      cap = MEMBERS_MAX;
    hk_member_row *bigger = realloc(l->items, cap * sizeof *bigger);
    if (bigger == NULL)
      return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
    l->items = bigger;
    l->cap = cap;
  }
  l->items[l->n++] = *m;
  return HK_OK;
}

static hk_status members_of(hk_store *st, int64_t household, member_list *l, hk_error *err)
{
  l->n = 0;
  return hk_store_household_members(st, household, collect, l, err);
}

/* The eldest member other than `except` (ties: the earlier registered row); NULL when none. */
static const hk_member_row *eldest(const member_list *l, int64_t except)
{
  const hk_member_row *best = NULL;
  for (size_t i = 0; i < l->n; i++)
    if (l->items[i].person_id != except &&
        (best == NULL || l->items[i].birth_date < best->birth_date))
      best = &l->items[i];
  return best;
}

static const hk_member_row *member_find(const member_list *l, int64_t person)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->items[i].person_id == person)
      return &l->items[i];
  return NULL;
}

static char *masked(const char *id, char out[HK_IDNUM_LEN + 1])
{
  return hk_idnum_mask(id, out);
}

/* A current county-level division of Zhejiang. */
static hk_status check_division(int32_t division, hk_error *err)
{
  const hk_division *d = hk_division_find(division);
  if (d == NULL || !d->current)
    return hk_error_set_both(err, HK_EINVAL, "division", "不是现行的行政区划",
                             "not a current division");
  if (hk_division_province_of(division) != 330000)
    return hk_error_set_both(err, HK_EINVAL, "division", "%06d 不在浙江省",
                             "%06d is not in Zhejiang", (int)division);
  if (d->type == HK_DIV_PROVINCE || d->type == HK_DIV_CITY)
    return hk_error_set_both(err, HK_EINVAL, "division", "请填写县（市、区），不能只填地级市",
                             "name the county or district, not a city");
  return HK_OK;
}

/* Households are an officer's work: officers and supervisors inside their jurisdiction, the
 * system anywhere (九). */
static hk_status may_act(const hk_actor *who, int32_t division, const char *what, hk_error *err)
{
  if (who->role != HK_ROLE_OFFICER && who->role != HK_ROLE_SUPERVISOR &&
      who->role != HK_ROLE_SYSTEM) {
    /* The Chinese words of what the caller names (issue 10: a sentence in both languages). */
    static const char *const acts[][2] = {
        {"create households", "立户"},       {"see households", "查看户"},
        {"change households", "变更户"},     {"split households", "分户"},
        {"register births", "办理出生登记"}, {"register deaths", "办理死亡登记"}};
    const char *act_zh = what;
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
      if (strcmp(acts[i][0], what) == 0)
        act_zh = acts[i][1];
    hk_error_set(err, HK_EFORBIDDEN, "role", "%s accounts cannot %s", hk_role_name(who->role),
                 what);
    return hk_error_set_zh(err, "%s账户不能%s", hk_label_zh(HK_LBL_ROLE, hk_role_name(who->role)),
                           act_zh);
  }
  if (!hk_actor_may_decide(who, division))
    return hk_error_set_both(err, HK_EFORBIDDEN, "jurisdiction", "%06d 不在您的辖区 %06d 内",
                             "%06d is outside %06d", (int)division, (int)who->jurisdiction);
  return HK_OK;
}

static hk_status append_event(hk_store *st, const hk_actor *who, const char *action,
                              const char *subject, json_t *payload, hk_error *err)
{
  char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(payload);
  if (text == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  hk_status rc = hk_store_event_append(st, who->account, action, subject, text, err);
  free(text);
  return rc;
}

/* The person's row, locked. */
static hk_status person_locked(hk_store *st, const char *id_number, int64_t *row, hk_error *err)
{
  hk_status rc = hk_store_person_row(st, id_number, row, err);
  if (rc == HK_OK)
    rc = hk_store_person_lock(st, *row, err);
  return rc;
}

/* ---- the building blocks (inside a transaction) ---- */

json_t *hk_household_json(hk_store *st, const hk_household_row *h, hk_error *err)
{
  member_list l = {0};
  if (members_of(st, h->id, &l, err) != HK_OK) {
    free(l.items);
    return NULL;
  }
  json_t *o = json_object();
  json_object_set_new(o, "number", json_string(h->number));
  json_object_set_new(o, "kind",
                      json_string(hk_household_kind_name((hk_household_kind)h->kind)
                                      ? hk_household_kind_name((hk_household_kind)h->kind)
                                      : "unknown"));
  hk_json_set_division(o, "division", h->division);
  if (h->urban != HK_TRI_UNSET)
    json_object_set_new(o, "urban", json_boolean(h->urban == HK_TRI_TRUE));
  if (h->address[0])
    json_object_set_new(o, "address", json_string(h->address));
  if (h->owner) {
    json_object_set_new(o, "owner", json_string(hk_hh_owner_name((hk_hh_owner)h->owner)));
    if (h->owner_code[0])
      json_object_set_new(o, "owner_code", json_string(h->owner_code));
    if (h->owner_name[0])
      json_object_set_new(o, "owner_name", json_string(h->owner_name));
  }
  if (h->created_on != HK_DATE_NONE)
    hk_json_set_date(o, "created_on", h->created_on);
  if (h->dissolved_on != HK_DATE_NONE)
    hk_json_set_date(o, "dissolved_on", h->dissolved_on);
  json_t *a = json_array();
  for (size_t i = 0; i < l.n; i++) {
    const hk_member_row *m = &l.items[i];
    json_t *e = json_object();
    json_object_set_new(e, "id_number", json_string(m->id_number));
    if (m->name[0])
      json_object_set_new(e, "name", json_string(m->name));
    hk_json_set_date(e, "birth_date", m->birth_date);
    json_object_set_new(e, "head", json_boolean(m->person_id == h->head_person));
    if (m->since != HK_DATE_NONE)
      hk_json_set_date(e, "since", m->since);
    json_array_append_new(a, e);
    if (m->person_id == h->head_person)
      json_object_set_new(o, "head", json_string(m->id_number));
  }
  json_object_set_new(o, "members", a);
  free(l.items);
  return o;
}

/* A number no household has: "<county>-<sequence>", the sequence past those already there. */
static hk_status next_number(hk_store *st, int32_t division, char *out, size_t size, hk_error *err)
{
  char prefix[16];
  snprintf(prefix, sizeof prefix, "%06d-", (int)division);
  int64_t n = 0;
  hk_status rc = hk_store_household_count_prefix(st, prefix, &n, err);
  for (int64_t k = n + 1; rc == HK_OK && k < n + 10000; k++) {
    int len = snprintf(out, size, "%s%06lld", prefix, (long long)k);
    if (len < 0 || (size_t)len >= size)
      return hk_error_set_both(err, HK_ESTORE, "household", "户号过长",
                               "household number too long");
    hk_household_row probe;
    rc = hk_store_household_get(st, 0, out, false, &probe, err);
    if (rc == HK_ENOTFOUND)
      return HK_OK;
  }
  return rc == HK_OK ? hk_error_set_both(err, HK_ESTORE, "household", "没有可用的户号",
                                         "no free household number")
                     : rc;
}

hk_status hk_household_insert_locked(hk_store *st, const hk_actor *who,
                                     const hk_household_spec *spec, int64_t head_person,
                                     hk_date today, hk_household_row *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  hk_status rc = next_number(st, spec->division, out->number, sizeof out->number, err);
  if (rc != HK_OK)
    return rc;
  out->kind = spec->kind;
  out->division = spec->division;
  out->head_person = spec->kind == HK_HOUSEHOLD_FAMILY ? head_person : 0;
  out->owner = spec->kind == HK_HOUSEHOLD_COLLECTIVE ? (int)spec->owner : 0;
  snprintf(out->owner_code, sizeof out->owner_code, "%s", spec->owner_code);
  snprintf(out->owner_name, sizeof out->owner_name, "%s", spec->owner_name);
  snprintf(out->address, sizeof out->address, "%s", spec->address);
  out->urban = spec->urban;
  out->created_on = today;
  out->dissolved_on = HK_DATE_NONE;
  rc = hk_store_household_insert(st, out, err);
  if (rc == HK_EDUPLICATE) /* another transaction took the number first: run again */
    return hk_error_set_both(err, HK_ERETRY, "household", "户号被同时占用，请重试",
                             "household number taken concurrently");
  if (rc != HK_OK)
    return rc;
  json_t *p = json_object();
  json_object_set_new(p, "kind", json_string(hk_household_kind_name(spec->kind)));
  hk_json_set_division(p, "division", spec->division);
  if (out->owner)
    json_object_set_new(p, "owner", json_string(hk_hh_owner_name(spec->owner)));
  if (spec->owner_code[0])
    json_object_set_new(p, "owner_code", json_string(spec->owner_code));
  if (spec->owner_name[0])
    json_object_set_new(p, "owner_name", json_string(spec->owner_name));
  if (spec->address[0])
    json_object_set_new(p, "address", json_string(spec->address));
  hk_json_set_date(p, "created_on", today);
  return append_event(st, who, "household.create", out->number, p, err);
}

hk_status hk_household_collective_locked(hk_store *st, const hk_actor *who, hk_hh_owner owner,
                                         int32_t division, const char *code, const char *name,
                                         hk_date today, hk_household_row *out, bool *created,
                                         hk_error *err)
{
  *created = false;
  hk_status rc = hk_store_household_find_owner(st, owner, division, code, true, out, err);
  if (rc != HK_ENOTFOUND)
    return rc;
  hk_household_spec spec = {
      .kind = HK_HOUSEHOLD_COLLECTIVE, .division = division, .urban = HK_TRI_TRUE, .owner = owner};
  snprintf(spec.owner_code, sizeof spec.owner_code, "%s", code ? code : "");
  if (name && name[0]) {
    snprintf(spec.owner_name, sizeof spec.owner_name, "%s", name);
  } else if (owner == HK_HH_OWNER_UNIT) {
    return hk_error_set_both(err, HK_EINVAL, "unit_name",
                             "该单位在 %06d 尚无集体户：请填写单位名称以设立",
                             "the unit has no collective household in %06d yet: name the unit to "
                             "create one",
                             (int)division);
  } else {
    const hk_division *d = hk_division_find(division);
    snprintf(spec.owner_name, sizeof spec.owner_name, "%s%s", d ? d->name : "",
             owner == HK_HH_OWNER_TALENT_SERVICE ? "公共就业和人才服务机构集体户"
                                                 : "社区公共集体户");
  }
  rc = hk_household_insert_locked(st, who, &spec, 0, today, out, err);
  *created = rc == HK_OK;
  return rc;
}

hk_status hk_household_leave_locked(hk_store *st, int64_t person_id, hk_date on, int ended,
                                    bool auto_head, hk_leave_result *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  hk_hukou_row cur = {0};
  hk_status rc = hk_store_hukou_current(st, person_id, &cur, err);
  if (rc == HK_ENOTFOUND)
    return HK_OK;
  if (rc != HK_OK)
    return rc;
  out->had_hukou = true;
  hk_household_row h = {0};
  if ((rc = hk_store_household_get(st, cur.household_id, NULL, true, &h, err)))
    return rc;
  out->from = h;
  if (cur.valid_from != HK_DATE_NONE && on < cur.valid_from)
    return hk_error_set_both(err, HK_EINVAL, "on", "早于现行户口登记的开始日期",
                             "before the hukou registration in force began");
  /* The others matter when the person heads the household (who heads it next) or it is a
   * family's (is it left empty?); a collective household, which may be large, is not read. */
  member_list l = {0};
  bool read = h.head_person == person_id || h.kind == HK_HOUSEHOLD_FAMILY;
  rc = read ? members_of(st, h.id, &l, err) : HK_OK;
  const hk_member_row *next = rc == HK_OK && read ? eldest(&l, person_id) : NULL;
  if (rc == HK_OK && h.head_person == person_id && next && !auto_head)
    rc = hk_error_set_both(
        err, HK_ECONFLICT, "head", "此人是户 %s 的户主，户内还有其他成员：请先变更户主",
        "the person heads household %s, which has other members: change the head "
        "first",
        h.number);
  if (rc == HK_OK)
    rc = hk_store_hukou_close(st, person_id, on, ended, err);
  if (rc == HK_OK && h.head_person == person_id) {
    h.head_person = next ? next->person_id : 0;
    out->new_head = h.head_person;
    if (next)
      snprintf(out->new_head_id, sizeof out->new_head_id, "%s", next->id_number);
  }
  if (rc == HK_OK && read && next == NULL && h.kind == HK_HOUSEHOLD_FAMILY) {
    h.dissolved_on = on;
    out->dissolved = true;
  }
  if (rc == HK_OK)
    rc = hk_store_household_update(st, &h, err);
  free(l.items);
  return rc;
}

/* The urban flag a newcomer's row takes: the household's, else an existing member's. */
static hk_tri household_urban(hk_store *st, const hk_household_row *h, hk_error *err)
{
  if (h->urban != HK_TRI_UNSET)
    return h->urban;
  member_list l = {0};
  hk_tri t = HK_TRI_UNSET;
  if (members_of(st, h->id, &l, err) == HK_OK && l.n)
    t = l.items[0].urban;
  free(l.items);
  return t;
}

/* Leave payload fields shared by the events. */
static void leave_fields(json_t *p, const hk_leave_result *lv)
{
  char m[HK_IDNUM_LEN + 1];
  if (!lv->had_hukou)
    return;
  json_object_set_new(p, "from_household", json_string(lv->from.number));
  hk_json_set_division(p, "from_division", lv->from.division);
  if (lv->new_head)
    json_object_set_new(p, "new_head_of_old", json_string(masked(lv->new_head_id, m)));
  if (lv->dissolved)
    json_object_set_new(p, "old_dissolved", json_true());
}

/* ---- the services ---- */

/* Run one attempt function until it does not ask to be run again. */
typedef hk_status (*attempt_fn)(hk_store *st, void *args, json_t **out, hk_error *err);

static hk_status retry(hk_store *st, attempt_fn fn, void *args, json_t **out, hk_error *err)
{
  *out = NULL;
  hk_status rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++) {
    hk_status b = hk_store_begin(st, err);
    rc = b == HK_OK ? fn(st, args, out, err) : b;
    if (rc == HK_OK)
      rc = hk_store_commit(st, err);
    if (rc != HK_OK) {
      hk_store_rollback(st);
      json_decref(*out);
      *out = NULL;
    }
  }
  return rc;
}

/* The result object: {"action", "household": ..., extra...}. */
static hk_status result(hk_store *st, const char *action, const hk_household_row *h, json_t **out,
                        hk_error *err)
{
  json_t *shown = hk_household_json(st, h, err);
  if (shown == NULL)
    return err->code ? err->code
                     : hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  *out = json_object();
  json_object_set_new(*out, "action", json_string(action));
  json_object_set_new(*out, "household", shown);
  return HK_OK;
}

/* The household by number, locked, existing (not dissolved), inside the actor's reach. */
static hk_status household_for(hk_store *st, const hk_actor *who, const char *number,
                               const char *what, hk_household_row *h, hk_error *err)
{
  if (number == NULL || number[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "household", "缺少此项", "missing");
  hk_status rc = hk_store_household_get(st, 0, number, true, h, err);
  if (rc == HK_OK)
    rc = may_act(who, h->division, what, err);
  if (rc == HK_OK && h->dissolved_on != HK_DATE_NONE)
    rc = hk_error_set_both(err, HK_ECONFLICT, "household", "户 %s 已注销",
                           "household %s was dissolved", number);
  return rc;
}

/* Move a person (row locked, alive) into household h: leave the old one, open the new row. */
static hk_status join(hk_store *st, const hk_actor *who, int64_t row, const hk_household_row *h,
                      hk_date today, bool auto_head, hk_leave_result *lv, hk_error *err)
{
  hk_hukou_row cur = {0};
  hk_status rc = hk_store_hukou_current(st, row, &cur, err);
  if (rc == HK_OK && cur.household_id == h->id)
    return hk_error_set_both(err, HK_ECONFLICT, "id_number", "已是户 %s 的成员",
                             "already a member of household %s", h->number);
  if (rc == HK_OK && cur.division != h->division && !hk_actor_may_decide(who, cur.division))
    return hk_error_set_both(err, HK_EFORBIDDEN, "jurisdiction",
                             "此人户口在 %06d，不在您的辖区 %06d 内：跨辖区迁移须通过落户申请办理",
                             "the person's hukou is in %06d, outside %06d: a move between "
                             "jurisdictions goes through a settlement application",
                             (int)cur.division, (int)who->jurisdiction);
  if (rc != HK_OK && rc != HK_ENOTFOUND)
    return rc;
  hk_tri urban = household_urban(st, h, err);
  rc = hk_household_leave_locked(st, row, today, HK_HUKOU_END_MOVED, auto_head, lv, err);
  if (rc == HK_OK)
    rc = hk_store_hukou_open(st, row, h->id, h->division, urban, today, err);
  return rc;
}

/* ---- create ---- */

typedef struct create_args {
  const hk_actor *who;
  const hk_household_spec *spec;
  hk_date today;
} create_args;

static hk_status create_attempt(hk_store *st, void *a, json_t **out, hk_error *err)
{
  const create_args *c = a;
  const hk_household_spec *spec = c->spec;
  hk_household_row h = {0};
  hk_status rc;
  if (spec->kind == HK_HOUSEHOLD_COLLECTIVE) {
    bool created;
    rc = hk_household_collective_locked(st, c->who, spec->owner, spec->division, spec->owner_code,
                                        spec->owner_name, c->today, &h, &created, err);
    if (rc == HK_OK && !created)
      return hk_error_set_both(err, HK_ECONFLICT, "owner_code", "%s%.0s在 %06d 已有集体户：%s",
                               "%.0s%s already has a collective household in %06d: %s",
                               spec->owner_name[0] ? spec->owner_name : "该单位",
                               spec->owner_name[0] ? spec->owner_name : "the owner",
                               (int)spec->division, h.number);
    if (rc == HK_OK && spec->address[0]) {
      snprintf(h.address, sizeof h.address, "%s", spec->address);
      rc = hk_store_household_update(st, &h, err);
    }
    return rc == HK_OK ? result(st, "create", &h, out, err) : rc;
  }
  int64_t row = 0;
  hk_person p;
  hk_person_init(&p);
  rc = person_locked(st, spec->head, &row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, spec->head, &p, err);
  if (rc == HK_OK && p.died_on)
    rc = hk_error_set_both(err, HK_ECONFLICT, "head", "此人已登记死亡",
                           "the person is registered dead");
  hk_hukou_row cur = {0};
  hk_status has = rc == HK_OK ? hk_store_hukou_current(st, row, &cur, err) : rc;
  if (rc == HK_OK && has == HK_OK && !hk_actor_may_decide(c->who, cur.division))
    rc = hk_error_set_both(err, HK_EFORBIDDEN, "jurisdiction", "户主户口在 %06d，不在您的辖区内",
                           "the head's hukou is in %06d, outside the jurisdiction",
                           (int)cur.division);
  hk_leave_result lv = {0};
  if (rc == HK_OK)
    rc = hk_household_leave_locked(st, row, c->today, HK_HUKOU_END_MOVED, false, &lv, err);
  /* A hukou proof states the household it leaves: withdrawn (issue 12). */
  if (rc == HK_OK && lv.had_hukou)
    rc = hk_certificate_set_status_locked(st, c->who, spec->head, 1u << HK_CERT_HUKOU_PROOF,
                                          HK_CERT_STATUS_REVOKED, "moved", err);
  if (rc == HK_OK)
    rc = hk_household_insert_locked(st, c->who, spec, row, c->today, &h, err);
  if (rc == HK_OK)
    rc = hk_store_hukou_open(st, row, h.id, h.division, spec->urban, c->today, err);
  if (rc == HK_OK) {
    json_t *pl = json_object();
    char m[HK_IDNUM_LEN + 1];
    json_object_set_new(pl, "person", json_string(masked(spec->head, m)));
    json_object_set_new(pl, "head", json_true());
    leave_fields(pl, &lv);
    rc = append_event(st, c->who, "household.add", h.number, pl, err);
  }
  if (rc == HK_OK)
    rc = result(st, "create", &h, out, err);
  hk_person_clear(&p);
  return rc;
}

hk_status hk_household_create(hk_store *st, const hk_actor *who, const hk_household_spec *spec,
                              hk_date today, json_t **out, hk_error *err)
{
  *out = NULL;
  hk_status rc = check_division(spec->division, err);
  if (rc != HK_OK)
    return rc;
  if ((rc = may_act(who, spec->division, "create households", err)))
    return rc;
  if (spec->kind == HK_HOUSEHOLD_FAMILY) {
    if (spec->owner != HK_HH_OWNER_NONE)
      return hk_error_set_both(err, HK_EINVAL, "owner", "家庭户没有所属单位",
                               "a family household has no owner");
    if (spec->head[0] == '\0')
      return hk_error_set_both(err, HK_EINVAL, "head", "家庭户须有户主",
                               "a family household needs its head");
  } else if (spec->kind == HK_HOUSEHOLD_COLLECTIVE) {
    if (spec->owner <= HK_HH_OWNER_NONE || spec->owner >= HK_HH_OWNER_COUNT)
      return hk_error_set_both(
          err, HK_EINVAL, "owner",
          "须为 unit（单位）、community（社区）或 talent_service（人才服务机构）",
          "unit, community or talent_service");
    if (spec->owner == HK_HH_OWNER_UNIT && !hk_uscc_valid(spec->owner_code))
      return hk_error_set_both(err, HK_EINVAL, "owner_code",
                               "单位以统一社会信用代码标识（18 位，GB 32100-2015）",
                               "a unit is identified by its unified social credit code (18 "
                               "characters, GB 32100-2015)");
    if (spec->owner != HK_HH_OWNER_TALENT_SERVICE && spec->owner_name[0] == '\0')
      return hk_error_set_both(err, HK_EINVAL, "owner_name", "缺少此项", "missing");
    if (spec->head[0])
      return hk_error_set_both(err, HK_EINVAL, "head", "集体户没有户主",
                               "a collective household has no head");
  } else {
    return hk_error_set_both(err, HK_EINVAL, "kind", "须为 family（家庭户）或 collective（集体户）",
                             "family or collective");
  }
  create_args a = {who, spec, today};
  return retry(st, create_attempt, &a, out, err);
}

/* ---- show ---- */

hk_status hk_household_show(hk_store *st, const hk_actor *who, const char *number, json_t **out,
                            hk_error *err)
{
  *out = NULL;
  hk_household_row h = {0};
  if (number == NULL || number[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "household", "缺少此项", "missing");
  hk_status rc = hk_store_household_get(st, 0, number, false, &h, err);
  if (rc == HK_OK)
    rc = may_act(who, h.division, "see households", err);
  if (rc == HK_OK && (*out = hk_household_json(st, &h, err)) == NULL)
    rc = err->code ? err->code : HK_ENOMEM;
  return rc;
}

/* ---- add, remove, head ---- */

typedef struct member_args {
  const hk_actor *who;
  const char *number;
  const char *id_number;
  const char *address;
  hk_date today;
} member_args;

static hk_status add_attempt(hk_store *st, void *a, json_t **out, hk_error *err)
{
  const member_args *m = a;
  hk_household_row h = {0};
  int64_t row = 0;
  hk_person p;
  hk_person_init(&p);
  hk_leave_result lv = {0};
  hk_status rc = household_for(st, m->who, m->number, "change households", &h, err);
  if (rc == HK_OK)
    rc = person_locked(st, m->id_number, &row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, m->id_number, &p, err);
  if (rc == HK_OK && p.died_on)
    rc = hk_error_set_both(err, HK_ECONFLICT, "id_number", "此人已登记死亡",
                           "the person is registered dead");
  if (rc == HK_OK)
    rc = join(st, m->who, row, &h, m->today, false, &lv, err);
  /* A hukou proof states the household it leaves: withdrawn (issue 12). */
  if (rc == HK_OK && lv.had_hukou)
    rc = hk_certificate_set_status_locked(st, m->who, m->id_number, 1u << HK_CERT_HUKOU_PROOF,
                                          HK_CERT_STATUS_REVOKED, "moved", err);
  if (rc == HK_OK) {
    json_t *pl = json_object();
    char mk[HK_IDNUM_LEN + 1];
    json_object_set_new(pl, "person", json_string(masked(m->id_number, mk)));
    leave_fields(pl, &lv);
    rc = append_event(st, m->who, "household.add", h.number, pl, err);
  }
  if (rc == HK_OK)
    rc = result(st, "add", &h, out, err);
  if (rc == HK_OK && lv.had_hukou)
    json_object_set_new(*out, "from", json_string(lv.from.number));
  hk_person_clear(&p);
  return rc;
}

hk_status hk_household_add(hk_store *st, const hk_actor *who, const char *number,
                           const char *id_number, hk_date today, json_t **out, hk_error *err)
{
  member_args a = {who, number, id_number, NULL, today};
  if (id_number == NULL || id_number[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "id_number", "缺少此项", "missing");
  return retry(st, add_attempt, &a, out, err);
}

/* The member, locked, must be a current member of h. */
static hk_status member_of(hk_store *st, const hk_household_row *h, const char *id_number,
                           int64_t *row, hk_error *err)
{
  hk_status rc = person_locked(st, id_number, row, err);
  hk_hukou_row cur = {0};
  if (rc == HK_OK)
    rc = hk_store_hukou_current(st, *row, &cur, err);
  if (rc == HK_ENOTFOUND || (rc == HK_OK && cur.household_id != h->id))
    return hk_error_set_both(err, HK_ECONFLICT, "id_number", "不是户 %s 的成员",
                             "not a member of household %s", h->number);
  return rc;
}

static hk_status remove_attempt(hk_store *st, void *a, json_t **out, hk_error *err)
{
  const member_args *m = a;
  hk_household_row h = {0}, fresh = {0};
  int64_t row = 0;
  hk_leave_result lv = {0};
  hk_status rc = household_for(st, m->who, m->number, "change households", &h, err);
  if (rc == HK_OK)
    rc = member_of(st, &h, m->id_number, &row, err);
  if (rc == HK_OK && h.kind == HK_HOUSEHOLD_FAMILY) {
    /* The only member of a family household would leave it for one just like it. */
    member_list l = {0};
    rc = members_of(st, h.id, &l, err);
    if (rc == HK_OK && l.n == 1)
      rc = hk_error_set_both(err, HK_ECONFLICT, "id_number", "是户 %s 的唯一成员：无从移出",
                             "the only member of household %s: nothing to remove them from",
                             h.number);
    free(l.items);
  }
  hk_tri urban = rc == HK_OK ? household_urban(st, &h, err) : HK_TRI_UNSET;
  if (rc == HK_OK)
    rc = hk_household_leave_locked(st, row, m->today, HK_HUKOU_END_MOVED, false, &lv, err);
  if (rc == HK_OK && lv.had_hukou)
    rc = hk_certificate_set_status_locked(st, m->who, m->id_number, 1u << HK_CERT_HUKOU_PROOF,
                                          HK_CERT_STATUS_REVOKED, "moved", err);
  hk_household_spec spec = {.kind = HK_HOUSEHOLD_FAMILY, .division = h.division, .urban = urban};
  snprintf(spec.address, sizeof spec.address, "%s",
           m->address && m->address[0] ? m->address : h.address);
  if (rc == HK_OK)
    rc = hk_household_insert_locked(st, m->who, &spec, row, m->today, &fresh, err);
  if (rc == HK_OK)
    rc = hk_store_hukou_open(st, row, fresh.id, fresh.division, urban, m->today, err);
  if (rc == HK_OK) {
    json_t *pl = json_object();
    char mk[HK_IDNUM_LEN + 1];
    json_object_set_new(pl, "person", json_string(masked(m->id_number, mk)));
    json_object_set_new(pl, "to_household", json_string(fresh.number));
    if (lv.dissolved)
      json_object_set_new(pl, "dissolved", json_true());
    rc = append_event(st, m->who, "household.remove", h.number, pl, err);
  }
  if (rc == HK_OK)
    rc = hk_store_household_get(st, h.id, NULL, false, &h, err);
  if (rc == HK_OK)
    rc = result(st, "remove", &h, out, err);
  json_t *n = rc == HK_OK ? hk_household_json(st, &fresh, err) : NULL;
  if (rc == HK_OK && n == NULL)
    rc = err->code ? err->code : HK_ENOMEM;
  if (rc == HK_OK)
    json_object_set_new(*out, "new_household", n);
  return rc;
}

hk_status hk_household_remove(hk_store *st, const hk_actor *who, const char *number,
                              const char *id_number, const char *address, hk_date today,
                              json_t **out, hk_error *err)
{
  if (id_number == NULL || id_number[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "id_number", "缺少此项", "missing");
  if (address && strlen(address) > HK_ADDRESS_MAX)
    return hk_error_set_both(err, HK_ETOOBIG, "address", "最多 %d 字节", "at most %d bytes",
                             HK_ADDRESS_MAX);
  member_args a = {who, number, id_number, address, today};
  return retry(st, remove_attempt, &a, out, err);
}

static hk_status head_attempt(hk_store *st, void *a, json_t **out, hk_error *err)
{
  const member_args *m = a;
  hk_household_row h = {0};
  int64_t row = 0;
  hk_status rc = household_for(st, m->who, m->number, "change households", &h, err);
  if (rc == HK_OK && h.kind != HK_HOUSEHOLD_FAMILY)
    rc = hk_error_set_both(err, HK_ECONFLICT, "household", "户 %s 是集体户，没有户主",
                           "household %s is a collective household, which has no head", h.number);
  if (rc == HK_OK)
    rc = member_of(st, &h, m->id_number, &row, err);
  if (rc == HK_OK && h.head_person == row)
    rc = hk_error_set_both(err, HK_ECONFLICT, "id_number", "已是户 %s 的户主",
                           "already the head of household %s", h.number);
  int64_t before = h.head_person;
  char before_id[HK_IDNUM_LEN + 1] = "";
  if (rc == HK_OK && before) {
    member_list l = {0};
    rc = members_of(st, h.id, &l, err);
    const hk_member_row *b = rc == HK_OK ? member_find(&l, before) : NULL;
    if (b)
      snprintf(before_id, sizeof before_id, "%s", b->id_number);
    free(l.items);
  }
  if (rc == HK_OK) {
    h.head_person = row;
    rc = hk_store_household_update(st, &h, err);
  }
  if (rc == HK_OK) {
    json_t *pl = json_object();
    char mk[HK_IDNUM_LEN + 1];
    json_object_set_new(pl, "head", json_string(masked(m->id_number, mk)));
    if (before_id[0])
      json_object_set_new(pl, "previous_head", json_string(masked(before_id, mk)));
    hk_json_set_date(pl, "on", m->today);
    rc = append_event(st, m->who, "household.head", h.number, pl, err);
  }
  if (rc == HK_OK)
    rc = result(st, "head", &h, out, err);
  return rc;
}

hk_status hk_household_set_head(hk_store *st, const hk_actor *who, const char *number,
                                const char *id_number, hk_date today, json_t **out, hk_error *err)
{
  if (id_number == NULL || id_number[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "id_number", "缺少此项", "missing");
  member_args a = {who, number, id_number, NULL, today};
  return retry(st, head_attempt, &a, out, err);
}

/* ---- split ---- */

typedef struct split_args {
  const hk_actor *who;
  const char *number;
  const char *const *members;
  size_t n;
  const char *head;
  const char *address;
  hk_date today;
} split_args;

static hk_status split_attempt(hk_store *st, void *a, json_t **out, hk_error *err)
{
  const split_args *s = a;
  hk_household_row h = {0}, fresh = {0};
  int64_t rows[HK_SPLIT_MAX] = {0}, head_row = 0;
  hk_status rc = household_for(st, s->who, s->number, "split households", &h, err);
  if (rc == HK_OK && h.kind != HK_HOUSEHOLD_FAMILY)
    rc = hk_error_set_both(err, HK_ECONFLICT, "household",
                           "户 %s 是集体户：成员须逐一移出（remove）",
                           "household %s is a collective household: members leave it one by one "
                           "(remove)",
                           h.number);
  for (size_t i = 0; rc == HK_OK && i < s->n; i++) {
    rc = member_of(st, &h, s->members[i], &rows[i], err);
    if (rc != HK_OK)
      hk_error_set_both(err, rc, "members", "%s：不是户 %s 的成员",
                        "%s: not a member of household %s", s->members[i], h.number);
    if (strcmp(s->members[i], s->head) == 0)
      head_row = rows[i];
  }
  member_list l = {0};
  if (rc == HK_OK)
    rc = members_of(st, h.id, &l, err);
  if (rc == HK_OK && head_row == 0)
    rc = hk_error_set_both(err, HK_EINVAL, "head", "新户主须是迁出的成员之一",
                           "the new head must be one of the members leaving");
  if (rc == HK_OK && s->n >= l.n)
    rc = hk_error_set_both(err, HK_ECONFLICT, "members", "户 %s 的全部成员都将迁出：无须分户",
                           "every member would leave household %s: nothing to split", h.number);
  bool head_leaves = false;
  for (size_t i = 0; rc == HK_OK && i < s->n; i++)
    head_leaves |= rows[i] == h.head_person;
  if (rc == HK_OK && head_leaves)
    rc = hk_error_set_both(
        err, HK_ECONFLICT, "members", "户 %s 的户主将迁出而其他人留下：请先变更户主",
        "the head of household %s would leave while others stay: change the head "
        "first",
        h.number);
  free(l.items);
  hk_tri urban = rc == HK_OK ? household_urban(st, &h, err) : HK_TRI_UNSET;
  hk_household_spec spec = {.kind = HK_HOUSEHOLD_FAMILY, .division = h.division, .urban = urban};
  snprintf(spec.address, sizeof spec.address, "%s",
           s->address && s->address[0] ? s->address : h.address);
  if (rc == HK_OK)
    rc = hk_household_insert_locked(st, s->who, &spec, head_row, s->today, &fresh, err);
  json_t *moved = json_array();
  for (size_t i = 0; rc == HK_OK && i < s->n; i++) {
    hk_leave_result lv = {0};
    char mk[HK_IDNUM_LEN + 1];
    rc = hk_household_leave_locked(st, rows[i], s->today, HK_HUKOU_END_MOVED, false, &lv, err);
    if (rc == HK_OK && lv.had_hukou)
      rc = hk_certificate_set_status_locked(st, s->who, s->members[i], 1u << HK_CERT_HUKOU_PROOF,
                                            HK_CERT_STATUS_REVOKED, "moved", err);
    if (rc == HK_OK)
      rc = hk_store_hukou_open(st, rows[i], fresh.id, fresh.division, urban, s->today, err);
    json_array_append_new(moved, json_string(masked(s->members[i], mk)));
  }
  if (rc == HK_OK) {
    json_t *pl = json_object();
    char mk[HK_IDNUM_LEN + 1];
    json_object_set_new(pl, "to_household", json_string(fresh.number));
    json_object_set_new(pl, "members", moved);
    moved = NULL;
    json_object_set_new(pl, "head", json_string(masked(s->head, mk)));
    rc = append_event(st, s->who, "household.split", h.number, pl, err);
  }
  json_decref(moved);
  if (rc == HK_OK)
    rc = result(st, "split", &h, out, err);
  json_t *n = rc == HK_OK ? hk_household_json(st, &fresh, err) : NULL;
  if (rc == HK_OK && n == NULL)
    rc = err->code ? err->code : HK_ENOMEM;
  if (rc == HK_OK)
    json_object_set_new(*out, "new_household", n);
  return rc;
}

hk_status hk_household_split(hk_store *st, const hk_actor *who, const char *number,
                             const char *const *members, size_t n_members, const char *head,
                             const char *address, hk_date today, json_t **out, hk_error *err)
{
  *out = NULL;
  if (n_members == 0)
    return hk_error_set_both(err, HK_EINVAL, "members", "请写明迁出的成员",
                             "name the members who leave");
  if (n_members > HK_SPLIT_MAX)
    return hk_error_set_both(err, HK_ETOOBIG, "members", "最多 %d 人", "at most %d", HK_SPLIT_MAX);
  if (head == NULL || head[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "head", "缺少此项", "missing");
  if (address && strlen(address) > HK_ADDRESS_MAX)
    return hk_error_set_both(err, HK_ETOOBIG, "address", "最多 %d 字节", "at most %d bytes",
                             HK_ADDRESS_MAX);
  for (size_t i = 0; i < n_members; i++)
    for (size_t k = 0; k < i; k++)
      if (strcmp(members[i], members[k]) == 0)
        return hk_error_set_both(err, HK_EINVAL, "members", "%s 重复出现", "%s is named twice",
                                 members[i]);
  split_args a = {who, number, members, n_members, head, address, today};
  return retry(st, split_attempt, &a, out, err);
}

/* ---- births ---- */

typedef struct birth_args {
  const hk_actor *who;
  const hk_birth_request *req;
  hk_date today;
} birth_args;

/* Link a and b both ways: b is a's `rel`, a is b's `back`. */
static hk_status link_both(hk_store *st, int64_t a, uint32_t a_seq, hk_relation rel, int64_t b,
                           uint32_t b_seq, hk_relation back, hk_error *err)
{
  hk_status rc = hk_store_kinship_add(st, a, a_seq, rel, b, err);
  if (rc == HK_OK)
    rc = hk_store_kinship_add(st, b, b_seq, back, a, err);
  return rc;
}

/* GB 11643-1999: address code (the county where the hukou is first registered), birth date,
 * order code (顺序码, odd for males, even for females) and check character. The order code is
 * the lowest of the right parity that no registered person of that county and day holds. */
static hk_status allocate_idnum(hk_store *st, int32_t county, hk_date born, char sex,
                                char out[HK_IDNUM_LEN + 1], hk_error *err)
{
  int y, m, d;
  hk_date_to_ymd(born, &y, &m, &d);
  for (int order = sex == 'M' ? 1 : 2; order <= 999; order += 2) {
    char first17[18];
    snprintf(first17, sizeof first17, "%06d%04d%02d%02d%03d", (int)county, y, m, d, order);
    snprintf(out, HK_IDNUM_LEN + 1, "%s%c", first17, hk_idnum_check_char(first17));
    int64_t row;
    hk_status rc = hk_store_person_row(st, out, &row, err);
    if (rc == HK_ENOTFOUND)
      return HK_OK;
    if (rc != HK_OK)
      return rc;
  }
  hk_error_set(err, HK_ECONFLICT, "id_number",
               "%06d has no free order code left for %s births of that day", (int)county,
               sex == 'M' ? "male" : "female");
  return hk_error_set_zh(err, "%06d 当天出生的%s已没有可分配的顺序码", (int)county,
                         sex == 'M' ? "男性" : "女性");
}

static hk_status birth_attempt(hk_store *st, void *a, json_t **out, hk_error *err)
{
  const birth_args *b = a;
  const hk_birth_request *req = b->req;
  const char *parents[2] = {req->mother, req->father};
  const char sexes[2] = {'F', 'M'};
  int64_t prow[2] = {0, 0};
  hk_hukou_row phk[2];
  bool has_hk[2] = {false, false};
  uint32_t links[2] = {0, 0};
  hk_status rc = HK_OK;
  hk_person p;
  hk_person_init(&p);
  for (int i = 0; i < 2 && rc == HK_OK; i++) {
    if (parents[i][0] == '\0')
      continue;
    const char *field = i == 0 ? "mother" : "father";
    rc = person_locked(st, parents[i], &prow[i], err);
    if (rc == HK_ENOTFOUND)
      rc = hk_error_set_both(err, HK_EINVAL, field, "没有登记这个身份证号码的人",
                             "no registered person with this ID number");
    if (rc == HK_OK)
      rc = hk_store_person_get(st, parents[i], &p, err);
    if (rc == HK_OK && p.sex != sexes[i])
      rc = hk_error_set_both(err, HK_EINVAL, field, "该身份证号码不是%s%.0s的",
                             "the ID number is not a %.0s%s's", i == 0 ? "女性" : "男性",
                             i == 0 ? "woman" : "man");
    if (rc == HK_OK && p.birth_date >= req->born)
      rc = hk_error_set_both(err, HK_EINVAL, field, "出生晚于孩子", "born after the child");
    if (rc == HK_OK && p.died_on && p.died_on < req->born - 300)
      rc = hk_error_set_both(err, HK_EINVAL, field, "在孩子出生很久以前已登记死亡",
                             "registered dead long before the birth");
    links[i] = p.relatives.n;
    hk_status h = rc == HK_OK ? hk_store_hukou_current(st, prow[i], &phk[i], err) : rc;
    has_hk[i] = h == HK_OK;
    if (rc == HK_OK && h != HK_OK && h != HK_ENOTFOUND)
      rc = h;
  }
  /* The household: the one named, if it is a parent's; else the mother's, else the father's. */
  hk_household_row h = {0};
  int64_t hid = 0;
  if (rc == HK_OK && req->household_no[0]) {
    rc = hk_store_household_get(st, 0, req->household_no, true, &h, err);
    if (rc == HK_ENOTFOUND)
      rc = hk_error_set_both(err, HK_EINVAL, "household", "没有这个户", "no such household");
    for (int i = 0; rc == HK_OK && i < 2; i++)
      if (has_hk[i] && phk[i].household_id == h.id)
        hid = h.id;
    if (rc == HK_OK && hid == 0)
      rc = hk_error_set_both(
          err, HK_ECONFLICT, "household", "户 %s 不是父母任何一方的户：新生儿随父母一方入户",
          "household %s is neither parent's: a newborn joins a parent's household",
          req->household_no);
  } else if (rc == HK_OK) {
    hid = has_hk[0] ? phk[0].household_id : has_hk[1] ? phk[1].household_id : 0;
    if (hid == 0)
      rc = hk_error_set_both(err, HK_ECONFLICT, "household", "父母双方都没有现行户口登记可以入户",
                             "neither parent has a hukou registration in force to join");
    if (rc == HK_OK)
      rc = hk_store_household_get(st, hid, NULL, true, &h, err);
  }
  if (rc == HK_OK)
    rc = may_act(b->who, h.division, "register births", err);
  int64_t row = 0;
  hk_tri urban = rc == HK_OK ? household_urban(st, &h, err) : HK_TRI_UNSET;
  char number[HK_IDNUM_LEN + 1] = "";
  bool allocated = req->id_number[0] == '\0';
  if (rc == HK_OK && allocated)
    rc = allocate_idnum(st, h.division, req->born, req->sex, number, err);
  else if (rc == HK_OK)
    snprintf(number, sizeof number, "%s", req->id_number);
  if (rc == HK_OK) {
    hk_person_reset(&p);
    hk_idnum idn;
    hk_idnum_check(number, b->today, &idn);
    memcpy(p.id_number, idn.number, sizeof p.id_number);
    snprintf(p.name, sizeof p.name, "%s", req->name);
    p.birth_date = idn.birth_date;
    p.sex = idn.sex;
    p.marital_status = HK_MARITAL_UNMARRIED;
    rc = hk_store_person_add(st, &p, &row, err);
    /* Two births of one county and day drawing the same order code at once: run again. */
    if (rc == HK_EDUPLICATE && allocated)
      rc = hk_error_set_both(err, HK_ERETRY, "id_number", "顺序码重复分配，请重试",
                             "order code drawn twice");
    else if (rc == HK_EDUPLICATE)
      rc = hk_error_set_both(err, HK_ECONFLICT, "id_number", "这个身份证号码已登记",
                             "this ID number is already registered");
  }
  if (rc == HK_OK) {
    hk_vital_row v = {.person_id = row,
                      .kind = HK_VITAL_BIRTH,
                      .place_division = req->birthplace_division,
                      .division = h.division,
                      .hukou_division = h.division,
                      .registered_on = b->today};
    snprintf(v.certificate, sizeof v.certificate, "%s", req->certificate);
    snprintf(v.place, sizeof v.place, "%s", req->birthplace);
    rc = hk_store_vital_insert(st, &v, err);
    if (rc == HK_EDUPLICATE)
      rc = hk_error_set_both(err, HK_ECONFLICT, "birth_certificate", "出生医学证明编号已登记",
                             "this birth certificate is already registered");
  }
  if (rc == HK_OK)
    rc = hk_store_hukou_open(st, row, h.id, h.division, urban, req->born, err);
  uint32_t seq = 0;
  for (int i = 0; i < 2 && rc == HK_OK; i++)
    if (prow[i])
      rc = link_both(st, row, seq++, HK_REL_PARENT, prow[i], links[i], HK_REL_CHILD, err);
  if (rc == HK_OK) {
    json_t *pl = json_object();
    char mk[HK_IDNUM_LEN + 1];
    hk_json_set_date(pl, "born", req->born);
    json_object_set_new(pl, "sex", json_string(p.sex == 'F' ? "F" : "M"));
    json_object_set_new(pl, "household", json_string(h.number));
    hk_json_set_division(pl, "division", h.division);
    json_object_set_new(pl, "birth_certificate", json_string(req->certificate));
    hk_json_set_division(pl, "birthplace_division", req->birthplace_division);
    json_object_set_new(pl, "id_allocated", json_boolean(allocated));
    if (req->mother[0])
      json_object_set_new(pl, "mother", json_string(masked(req->mother, mk)));
    if (req->father[0])
      json_object_set_new(pl, "father", json_string(masked(req->father, mk)));
    rc = append_event(st, b->who, "person.birth", masked(p.id_number, mk), pl, err);
  }
  if (rc == HK_OK) {
    rc = result(st, "birth", &h, out, err);
    if (rc == HK_OK) {
      json_object_set_new(*out, "id_number", json_string(p.id_number));
      json_object_set_new(*out, "id_allocated", json_boolean(allocated));
      json_object_set_new(*out, "birth_certificate", json_string(req->certificate));
      hk_json_set_division(*out, "birthplace_division", req->birthplace_division);
      if (req->birthplace[0])
        json_object_set_new(*out, "birthplace", json_string(req->birthplace));
    }
  }
  hk_person_clear(&p);
  return rc;
}

/* 出生医学证明编号: printed on the certificate as a letter and nine digits; we accept 6 to 31
 * letters and digits so that an older or provincial series is not refused. */
static bool certificate_ok(const char *c)
{
  size_t n = strlen(c);
  if (n < 6 || n > HK_CERTIFICATE_MAX)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((c[i] >= '0' && c[i] <= '9') || (c[i] >= 'A' && c[i] <= 'Z')))
      return false;
  return true;
}

hk_status hk_birth_register(hk_store *st, const hk_actor *who, const hk_birth_request *req,
                            hk_date today, json_t **out, hk_error *err)
{
  *out = NULL;
  if (req->born == HK_DATE_NONE || req->born > today)
    return hk_error_set_both(err, HK_EINVAL, "born", "缺少日期或日期晚于今天",
                             "missing or in the future");
  if (req->sex && req->sex != 'M' && req->sex != 'F')
    return hk_error_set_both(err, HK_EINVAL, "sex", "须为 M（男）或 F（女）", "M or F");
  if (req->id_number[0]) {
    hk_idnum idn;
    if (!hk_idnum_check(req->id_number, today, &idn)) {
      hk_error_set(err, HK_EINVAL, "id_number", "invalid ID number (%s)",
                   hk_idnum_fault_name(idn.fault));
      return hk_error_set_zh(err, "身份证号码无效（%s）",
                             hk_label_zh(HK_LBL_IDNUM_FAULT, hk_idnum_fault_name(idn.fault)));
    }
    if (idn.birth_date != req->born)
      return hk_error_set_both(err, HK_EINVAL, "id_number", "身份证号码中的出生日期与出生日期不符",
                               "the birth date in the ID number is not the day of birth");
    if (req->sex && idn.sex != req->sex) {
      hk_error_set(err, HK_EINVAL, "id_number",
                   "the ID number's order code is a %s's (odd: male, even: female)",
                   idn.sex == 'M' ? "boy" : "girl");
      return hk_error_set_zh(err, "身份证号码的顺序码是%s的（奇数为男，偶数为女）",
                             idn.sex == 'M' ? "男孩" : "女孩");
    }
  } else if (req->sex == 0) {
    return hk_error_set_both(err, HK_EINVAL, "sex", "需要性别（M 男 / F 女）以分配身份证号码",
                             "needed to allocate the ID number (M or F)");
  }
  if (req->certificate[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "birth_certificate", "缺少出生医学证明编号",
                             "missing: the birth medical certificate's number");
  if (!certificate_ok(req->certificate))
    return hk_error_set_both(err, HK_EINVAL, "birth_certificate",
                             "出生医学证明编号格式不符：须为 6 至 31 位大写字母和数字",
                             "6-31 capital letters and digits");
  const hk_division *bp = hk_division_find(req->birthplace_division);
  if (bp == NULL || bp->type == HK_DIV_PROVINCE || bp->type == HK_DIV_CITY)
    return hk_error_set_both(err, HK_EINVAL, "birthplace_division",
                             "缺少出生地或出生地不是县级行政区划代码",
                             "missing or not a county-level division code");
  if (req->mother[0] == '\0' && req->father[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "mother", "请至少填写一位已登记的父母",
                             "name at least one registered parent");
  if (req->mother[0] && strcmp(req->mother, req->father) == 0)
    return hk_error_set_both(err, HK_EINVAL, "father", "与母亲是同一人",
                             "the same person as the mother");
  birth_args a = {who, req, today};
  return retry(st, birth_attempt, &a, out, err);
}

/* ---- deaths ---- */

typedef struct death_args {
  const hk_actor *who;
  const char *id_number;
  hk_date died_on;
  hk_date today;
} death_args;

/* The counties whose officers may register the death: the hukou's, and the active residence
 * registration's (a migrant who dies where they live, 一). 0 when there is none. */
static int32_t residence_county(const hk_person *p)
{
  for (uint32_t i = 0; i < p->residence.n; i++)
    if (p->residence.items[i].period.to == HK_DATE_OPEN)
      return p->residence.items[i].division;
  return 0;
}

/* The county the actor registers the death for: the hukou county when within their reach,
 * else the residence county; refused (403) when neither is. */
static hk_status death_office(const hk_actor *who, const hk_person *p, int32_t *county,
                              hk_error *err)
{
  int32_t hukou = p->has_hukou ? p->hukou.division : 0, res = residence_county(p);
  *county = 0;
  if (hukou == 0 && res == 0)
    return who->role == HK_ROLE_SYSTEM
               ? HK_OK
               : hk_error_set_both(
                     err, HK_EFORBIDDEN, "jurisdiction",
                     "此人没有户口或居住登记：只有系统可以办理其死亡登记",
                     "no hukou or residence registration: only the system may register "
                     "this death");
  hk_status rc = may_act(who, hukou ? hukou : res, "register deaths", err);
  if (rc == HK_OK) {
    *county = hukou ? hukou : res;
    return HK_OK;
  }
  if (res == 0 || hukou == 0 || strcmp(err->field, "role") == 0)
    return rc;
  if (may_act(who, res, "register deaths", err) == HK_OK) {
    *county = res;
    return HK_OK;
  }
  return rc == HK_EFORBIDDEN
             ? hk_error_set_both(err, HK_EFORBIDDEN, "jurisdiction",
                                 "户口所在县 %06d 和居住登记所在县 %06d 都不在您的辖区 %06d 内",
                                 "neither the hukou county %06d nor the residence county %06d is "
                                 "within %06d",
                                 (int)hukou, (int)res, (int)who->jurisdiction)
             : rc;
}

bool hk_death_readable(hk_store *st, const hk_actor *who, const char *id_number)
{
  if (who->role != HK_ROLE_OFFICER && who->role != HK_ROLE_SUPERVISOR)
    return false;
  hk_error err = {0};
  int64_t row;
  hk_vital_row v;
  if (hk_store_person_row(st, id_number, &row, &err) != HK_OK ||
      hk_store_vital_get(st, row, HK_VITAL_DEATH, &v, &err) != HK_OK)
    return false;
  return (v.division && hk_actor_may_decide(who, v.division)) ||
         (v.hukou_division && hk_actor_may_decide(who, v.hukou_division));
}

static hk_status death_attempt(hk_store *st, void *a, json_t **out, hk_error *err)
{
  const death_args *d = a;
  int64_t row = 0;
  hk_person p;
  hk_person_init(&p);
  hk_status rc = person_locked(st, d->id_number, &row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, d->id_number, &p, err);
  if (rc == HK_OK && p.died_on) {
    char on[16];
    hk_date_format(p.died_on, on);
    rc = hk_error_set_both(err, HK_ECONFLICT, "id_number", "已登记死亡（死亡日期 %s）",
                           "already registered dead (died %s)", on);
  }
  int32_t county = 0, hukou_county = rc == HK_OK && p.has_hukou ? p.hukou.division : 0;
  if (rc == HK_OK)
    rc = death_office(d->who, &p, &county, err);
  if (rc == HK_OK && d->died_on < p.birth_date)
    rc = hk_error_set_both(err, HK_EINVAL, "died_on", "早于此人出生日期",
                           "before the person was born");
  hk_leave_result lv = {0};
  if (rc == HK_OK)
    rc = hk_household_leave_locked(st, row, d->died_on, HK_HUKOU_END_DIED, true, &lv, err);
  if (rc == HK_EINVAL)
    snprintf(err->field, sizeof err->field, "died_on");
  /* The open residence registration is cancelled and the permit ends that day (一)(三). */
  int residence_closed = 0, permit_closed = 0;
  for (uint32_t i = 0; rc == HK_OK && i < p.residence.n; i++) {
    hk_residence *r = &p.residence.items[i];
    if (r->period.to == HK_DATE_OPEN || r->period.to > d->died_on) {
      r->period.to = d->died_on > r->period.from ? d->died_on : r->period.from;
      r->ended = HK_RES_END_CANCELLED;
      residence_closed++;
    }
  }
  bool permit_ended = false;
  if (rc == HK_OK)
    rc = hk_permit_end_locked(st, d->who, row, &p, d->died_on, HK_PERMIT_END_DIED, &permit_closed,
                              &permit_ended, err);
  if (rc == HK_OK && (residence_closed || permit_closed))
    rc = hk_store_person_update(st, row, &p, err);
  /* Every certificate of the person withdrawn (issue 12). */
  if (rc == HK_OK)
    rc = hk_certificate_set_status_locked(st, d->who, d->id_number, ~0u, HK_CERT_STATUS_REVOKED,
                                          "died", err);
  if (rc == HK_OK)
    rc = hk_store_person_set_died(st, row, d->died_on, err);
  if (rc == HK_OK) {
    hk_vital_row v = {.person_id = row,
                      .kind = HK_VITAL_DEATH,
                      .division = county,
                      .hukou_division = hukou_county,
                      .registered_on = d->today};
    rc = hk_store_vital_insert(st, &v, err);
  }
  if (rc == HK_OK) {
    json_t *pl = json_object();
    char mk[HK_IDNUM_LEN + 1];
    hk_json_set_date(pl, "died_on", d->died_on);
    hk_json_set_division(pl, "registered_in", county);
    leave_fields(pl, &lv);
    json_object_set_new(pl, "residence_cancelled", json_integer(residence_closed));
    json_object_set_new(pl, "permit_periods_ended", json_integer(permit_closed));
    rc = append_event(st, d->who, "person.death", masked(p.id_number, mk), pl, err);
  }
  if (rc == HK_OK) {
    *out = json_object();
    json_object_set_new(*out, "action", json_string("death"));
    hk_json_set_date(*out, "died_on", d->died_on);
    json_object_set_new(*out, "residence_cancelled", json_integer(residence_closed));
    json_object_set_new(*out, "permit_periods_ended", json_integer(permit_closed));
    if (lv.had_hukou) {
      hk_household_row after;
      rc = hk_store_household_get(st, lv.from.id, NULL, false, &after, err);
      json_t *shown = rc == HK_OK ? hk_household_json(st, &after, err) : NULL;
      if (rc == HK_OK && shown == NULL)
        rc = err->code ? err->code : HK_ENOMEM;
      if (rc == HK_OK)
        json_object_set_new(*out, "household", shown);
      if (lv.new_head)
        json_object_set_new(*out, "new_head", json_string(lv.new_head_id));
    }
  }
  hk_person_clear(&p);
  return rc;
}

hk_status hk_death_register(hk_store *st, const hk_actor *who, const char *id_number,
                            hk_date died_on, hk_date today, json_t **out, hk_error *err)
{
  *out = NULL;
  if (id_number == NULL || id_number[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "id_number", "缺少此项", "missing");
  if (died_on == HK_DATE_NONE || died_on > today)
    return hk_error_set_both(err, HK_EINVAL, "died_on", "缺少日期或日期晚于今天",
                             "missing or in the future");
  death_args a = {who, id_number, died_on, today};
  return retry(st, death_attempt, &a, out, err);
}
