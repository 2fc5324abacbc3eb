#include "service/residence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/division.h"
#include "core/label.h"
#include "core/json.h"
#include "core/utf8.h"
#include "service/certificate.h"

#define RETRIES 5

const char *hk_residence_op_name(hk_residence_op op)
{
  return op == HK_RES_DECLARE ? "declare" : op == HK_RES_CHANGE ? "change" : "cancel";
}

const char *hk_residence_outcome_name(hk_residence_outcome o)
{
  static const char *const names[] = {"declared", "changed", "moved", "cancelled"};
  return (int)o >= 0 && o <= HK_RES_CANCELLED ? names[o] : "unknown";
}

/* The active registration: the open period that began last; -1 when none. */
static int active_index(const hk_person *p)
{
  int found = -1;
  for (uint32_t i = 0; i < p->residence.n; i++)
    if (p->residence.items[i].period.to == HK_DATE_OPEN &&
        (found < 0 || p->residence.items[i].period.from >= p->residence.items[found].period.from))
      found = (int)i;
  return found;
}

/* (一): registration is for those living outside their hukou county, or outside their city's
 * urban districts: moving between two districts (区) of one city needs none. */
static bool registration_needed(const hk_person *p, int32_t division)
{
  return hk_residence_needed(p->has_hukou ? p->hukou.division : 0, division);
}

bool hk_residence_needed(int32_t hukou_division, int32_t division)
{
  if (hukou_division == 0)
    return true;
  if (hukou_division == division)
    return false;
  const hk_division *home = hk_division_find(hukou_division), *here = hk_division_find(division);
  return !(home && here && home->type == HK_DIV_DISTRICT && here->type == HK_DIV_DISTRICT &&
           hk_division_city_of(home->code) == hk_division_city_of(here->code));
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

static hk_status check_dates(const hk_residence_request *req, hk_date today, hk_error *err)
{
  if (req->on == HK_DATE_NONE)
    return hk_error_set_both(err, HK_EINVAL, "on", "缺少日期", "missing");
  if (req->on > today)
    return hk_error_set_both(err, HK_EINVAL, "on", "不能晚于今天", "in the future");
  if (req->declared_on == HK_DATE_NONE || req->declared_on > today)
    return hk_error_set_both(err, HK_EINVAL, "declared_on", "缺少申报日期或申报日期晚于今天",
                             "missing or in the future");
  if (req->declared_on < req->on)
    return hk_error_set_both(err, HK_EINVAL, "declared_on", "申报日期早于所申报的事项发生之日",
                             "before the day it reports");
  return HK_OK;
}

hk_status hk_residence_apply(hk_person *p, hk_residence_op op, const hk_residence_request *req,
                             hk_date today, hk_residence_result *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  hk_status rc = check_dates(req, today, err);
  if (rc != HK_OK)
    return rc;
  int active = active_index(p);
  hk_residence *cur = active >= 0 ? &p->residence.items[active] : NULL;
  if (cur && req->on < cur->period.from)
    return hk_error_set_both(err, HK_EINVAL, "on", "早于当前居住登记的开始日期",
                             "before the active registration began");

  /* A new registration cannot begin inside one that already ended. */
  for (uint32_t i = 0; cur == NULL && i < p->residence.n; i++)
    if (req->on < p->residence.items[i].period.to && op != HK_RES_CANCEL)
      return hk_error_set_both(err, HK_EINVAL, "on", "早于上一次居住登记的结束日期",
                               "before the last registration ended");

  if (op == HK_RES_CANCEL) {
    if (cur == NULL)
      return hk_error_set_both(err, HK_ECONFLICT, "residence", "没有可以注销的有效居住登记",
                               "no active residence registration to cancel");
    cur->period.to = req->on;
    cur->ended = HK_RES_END_CANCELLED;
    *out =
        (hk_residence_result){HK_RES_CANCELLED, false, 0, cur->division, (uint32_t)active, false};
    return HK_OK;
  }

  if ((rc = check_division(req->division, err)))
    return rc;
  if (req->address[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "address", "缺少居住地址", "missing");
  if (!registration_needed(p, req->division))
    return hk_error_set_both(
        err, HK_ECONFLICT, "division",
        "户口就在本县（或两地同属一个市的市辖区），无须办理居住登记；如有有效登记，请注销",
        "the hukou is in this county (or both are districts of one city): no "
        "residence registration is needed; cancel the active one instead");
  bool same_city = cur && hk_division_city_of(cur->division) == hk_division_city_of(req->division);
  if (op == HK_RES_CHANGE && !same_city)
    return hk_error_set_both(err, HK_ECONFLICT, "division",
                             cur ? "当前的居住登记在另一个市：请改为申报居住登记"
                                 : "没有可以变更的有效居住登记：请改为申报居住登记",
                             cur ? "the active registration is in another city: declare instead"
                                 : "no active residence registration to change: declare instead");
  if (cur && cur->division == req->division &&
      strcmp(hk_person_text(p, cur->address), req->address) == 0)
    return hk_error_set_both(err, HK_ECONFLICT, "address", "已在此地址办理居住登记",
                             "already registered at this address");

  hk_residence_outcome outcome = !cur ? HK_RES_DECLARED : same_city ? HK_RES_CHANGED : HK_RES_MOVED;
  int days = outcome == HK_RES_CHANGED ? HK_RESIDENCE_CHANGE_DAYS : HK_RESIDENCE_DECLARE_DAYS;
  uint32_t address = hk_person_text_add(p, req->address);
  hk_residence *next = address ? HK_LIST_PUSH(&p->residence) : NULL;
  if (next == NULL)
    return hk_error_set_both(err, p->residence.n >= HK_LIST_MAX ? HK_ETOOBIG : HK_ENOMEM,
                             "residence", "无法再增加居住登记", "cannot add another registration");
  /* The list may have moved: find the active entry again. */
  int32_t previous = 0;
  if (active >= 0) {
    hk_residence *old = &p->residence.items[active];
    old->period.to = req->on;
    old->ended = outcome == HK_RES_CHANGED ? HK_RES_END_CHANGED : HK_RES_END_MOVED;
    previous = old->division;
  }
  hk_date deadline = req->on + days;
  *next = (hk_residence){.division = req->division,
                         .urban = req->urban,
                         .period = {req->on, HK_DATE_OPEN},
                         .declared_on = req->declared_on,
                         .late = req->declared_on > deadline,
                         .address = address};
  *out = (hk_residence_result){outcome, next->late, deadline, previous, p->residence.n - 1, false};
  return HK_OK;
}

static char *event_payload(const hk_residence_request *req, const hk_residence_result *res)
{
  json_t *o = json_object();
  json_object_set_new(o, "outcome", json_string(hk_residence_outcome_name(res->outcome)));
  if (res->outcome != HK_RES_CANCELLED) {
    hk_json_set_division(o, "division", req->division);
    json_object_set_new(o, "address", json_string(req->address));
    hk_json_set_date(o, "moved_in", req->on);
    hk_json_set_date(o, "deadline", res->deadline);
    json_object_set_new(o, "late", json_boolean(res->late));
  } else {
    hk_json_set_date(o, "left_on", req->on);
  }
  hk_json_set_date(o, "declared_on", req->declared_on);
  hk_json_set_division(o, "previous_division", res->previous_division);
  char *text = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return text;
}

/* Issue 10: persons are created where they first meet the system. An arrival from outside
 * the registry declares residence (一); what the ID number gives (GB 11643: birth date, sex,
 * the division where it was issued) and the declared name make the person, with the hukou
 * place the number's origin, in a family household of their own there, like a migrant's
 * imported line. A number issued in Zhejiang belongs to someone the registry should hold: it is
 * not invented here. */
static hk_status create_arrival(hk_store *st, const hk_actor *who, const hk_residence_request *req,
                                hk_person *p, int64_t *row, hk_error *err)
{
  hk_idnum idn;
  if (!hk_idnum_check(req->id_number, req->declared_on, &idn)) {
    hk_error_set(err, HK_EINVAL, "id_number", "invalid ID number (%s)",
                 hk_idnum_fault_name(idn.fault));
    return hk_error_set_zh(err, "身份证号码无效（%s）",
                           hk_label_zh(HK_LBL_IDNUM_FAULT, hk_idnum_fault_name(idn.fault)));
  }
  if (hk_division_province_of(idn.division) == 330000)
    return hk_error_set_both(
        err, HK_ENOTFOUND, "id_number",
        "号码为浙江（%06d）签发，但户籍库中没有此人：请先办理户口登记",
        "issued in Zhejiang (%06d) but not in the registry: register the hukou "
        "first",
        (int)idn.division);
  const hk_division *origin = hk_division_find(idn.division);
  if (origin == NULL)
    return hk_error_set_both(
        err, HK_EINVAL, "id_number", "号码中的行政区划 %06d 不在任何代码表中：请先办理户口登记",
        "the number's division %06d is in no table: register the hukou first", (int)idn.division);
  if (strlen(req->name) > HK_NAME_MAX || !hk_utf8_valid(req->name, strlen(req->name)))
    return hk_error_set_both(err, HK_EINVAL, "name", "须为不超过 %d 字节的 UTF-8 文字",
                             "not UTF-8 text of at most %d bytes", HK_NAME_MAX);
  hk_person_reset(p);
  memcpy(p->id_number, idn.number, sizeof p->id_number);
  snprintf(p->name, sizeof p->name, "%s", req->name);
  p->birth_date = idn.birth_date;
  p->sex = idn.sex;
  p->has_hukou = true;
  p->hukou.division = idn.division;
  p->hukou.household = HK_HOUSEHOLD_FAMILY;
  p->hukou.head = true;
  hk_status rc = hk_store_person_add(st, p, row, err);
  if (rc != HK_OK)
    return rc;
  json_t *o = json_object();
  hk_json_set_date(o, "born", idn.birth_date);
  json_object_set_new(o, "sex", json_stringn(&idn.sex, 1));
  hk_json_set_division(o, "hukou_division", idn.division);
  json_object_set_new(o, "from", json_string("id_number"));
  char *payload = json_dumps(o, JSON_COMPACT), masked[HK_IDNUM_LEN + 1];
  json_decref(o);
  rc = payload ? hk_store_event_append(st, who->account, "person.arrive",
                                       hk_idnum_mask(idn.number, masked), payload, err)
               : hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  free(payload);
  return rc;
}

/* One attempt: the whole read-modify-write inside one transaction. */
static hk_status attempt(hk_store *st, const hk_actor *who, hk_residence_op op,
                         const hk_residence_request *req, hk_date today, hk_person *p,
                         hk_residence_result *out, hk_error *err)
{
  int64_t row = 0;
  bool created = false;
  hk_status rc = hk_store_begin(st, err);
  if (rc == HK_OK)
    rc = hk_store_person_row(st, req->id_number, &row, err);
  if (rc == HK_ENOTFOUND && op == HK_RES_DECLARE && req->name[0] != '\0') {
    rc = create_arrival(st, who, req, p, &row, err);
    created = rc == HK_OK;
  } else if (rc == HK_ENOTFOUND && op == HK_RES_DECLARE) {
    rc = hk_error_set_both(err, HK_ENOTFOUND, "id_number",
                           "没有这个身份证号码的人：登记新来人员请填写姓名（name）",
                           "no person with this ID number: give \"name\" to register an arrival");
  }
  if (rc == HK_OK)
    rc = hk_store_person_lock(st, row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, req->id_number, p, err);
  if (rc == HK_OK)
    rc = hk_residence_apply(p, op, req, today, out, err);
  if (rc == HK_OK)
    out->created = created;
  if (rc == HK_OK)
    rc = hk_store_person_update(st, row, p, err);
  if (rc == HK_OK) {
    char *payload = event_payload(req, out), action[32], masked[HK_IDNUM_LEN + 1];
    snprintf(action, sizeof action, "residence.%s", hk_residence_op_name(op));
    rc = payload ? hk_store_event_append(st, who->account, action,
                                         hk_idnum_mask(req->id_number, masked), payload, err)
                 : hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
    free(payload);
  }
  /* (一) the receipt of the registration, the previous one superseded; none once it ended
   * (issue 12). */
  if (rc == HK_OK && op == HK_RES_CANCEL)
    rc = hk_certificate_set_status_locked(st, who, p->id_number, 1u << HK_CERT_RESIDENCE_RECEIPT,
                                          HK_CERT_STATUS_REVOKED, "ended", err);
  else if (rc == HK_OK)
    rc = hk_certificate_reissue_locked(st, who, HK_CERT_RESIDENCE_RECEIPT, p, req->division,
                                       hk_residence_op_name(op), today, NULL, err);
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK)
    hk_store_rollback(st);
  return rc;
}

hk_status hk_residence_service(hk_store *st, const hk_actor *who, hk_residence_op op,
                               const hk_residence_request *req, hk_date today,
                               hk_residence_result *out, hk_error *err)
{
  /* A resident declares for themself; officers and the system for anyone. */
  if (who->role == HK_ROLE_RESIDENT && strcmp(who->id_number, req->id_number) != 0)
    return hk_error_set_both(err, HK_EFORBIDDEN, "id_number", "居民只能为本人申报",
                             "residents declare for themselves only");
  if (who->role == HK_ROLE_ANALYST || who->role == HK_ROLE_DEPARTMENT) {
    hk_error_set(err, HK_EFORBIDDEN, "role", "%s accounts cannot register residence",
                 hk_role_name(who->role));
    return hk_error_set_zh(err, "%s账户不能办理居住登记",
                           hk_label_zh(HK_LBL_ROLE, hk_role_name(who->role)));
  }
  hk_person p;
  hk_person_init(&p);
  hk_status rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
    rc = attempt(st, who, op, req, today, &p, out, err);
  hk_person_clear(&p);
  return rc;
}
