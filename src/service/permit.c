#include "service/permit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/label.h"
#include "core/json.h"
#include "service/app_eval.h"
#include "service/certificate.h"
#include "store/store_vital.h"

#define RETRIES 5

const char *hk_permit_state_name(hk_permit_state s)
{
  static const char *const names[] = {"none", "active", "suspended", "ended"};
  return (int)s >= 0 && s <= HK_PERMIT_ENDED ? names[s] : "none";
}

const char *hk_permit_end_name(int reason)
{
  return reason == HK_PERMIT_END_SETTLED ? "settled" : reason == HK_PERMIT_END_DIED ? "died" : NULL;
}

void hk_permit_status_of(const hk_person *p, hk_date today, hk_permit_status *out)
{
  memset(out, 0, sizeof *out);
  out->valid_until = HK_DATE_NONE;
  out->window_opens = HK_DATE_NONE;
  out->current = -1;
  int last = -1;
  for (uint32_t i = 0; i < p->residence_permits.n; i++) {
    const hk_period per = p->residence_permits.items[i].period;
    if (last < 0 || per.from >= p->residence_permits.items[last].period.from)
      last = (int)i;
    /* The period covering today, not the latest: after an on-time endorsement the latest
     * begins at the anniversary, in the future, and the permit is active until then. */
    if (hk_period_contains(per, today) &&
        (out->current < 0 || per.from >= p->residence_permits.items[out->current].period.from))
      out->current = (int32_t)i;
  }
  if (last < 0)
    return;
  const hk_permit *pe = &p->residence_permits.items[last];
  out->last = (uint32_t)last;
  out->division =
      out->current >= 0 ? p->residence_permits.items[out->current].division : pe->division;
  out->valid_until = pe->period.to;
  out->window_opens =
      pe->period.to == HK_DATE_OPEN ? HK_DATE_NONE : hk_date_add_months(pe->period.to, -1);
  out->state = out->current >= 0 ? HK_PERMIT_ACTIVE : HK_PERMIT_SUSPENDED;
}

void hk_permit_status_row(const hk_person *p, const hk_permit_row *row, hk_date today,
                          hk_permit_status *out)
{
  hk_permit_status_of(p, today, out);
  if (row && row->ended && row->ended_on != HK_DATE_NONE && row->ended_on <= today)
    out->state = HK_PERMIT_ENDED;
}

/* The active residence registration: the open period that began last. */
static const hk_residence *active_residence(const hk_person *p)
{
  const hk_residence *found = NULL;
  for (uint32_t i = 0; i < p->residence.n; i++)
    if (p->residence.items[i].period.to == HK_DATE_OPEN &&
        (found == NULL || p->residence.items[i].period.from >= found->period.from))
      found = &p->residence.items[i];
  return found;
}

static hk_status push_period(hk_person *p, int32_t division, hk_date from, hk_date to,
                             hk_error *err)
{
  hk_permit *next = HK_LIST_PUSH(&p->residence_permits);
  if (next == NULL)
    return hk_error_set_both(err, p->residence_permits.n >= HK_LIST_MAX ? HK_ETOOBIG : HK_ENOMEM,
                             "residence_permits", "无法再增加有效期",
                             "cannot add another validity period");
  *next = (hk_permit){.division = division, .period = {from, to}};
  return HK_OK;
}

hk_status hk_permit_endorse_apply(hk_person *p, hk_date today, hk_permit_result *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  hk_permit_status ps;
  hk_permit_status_of(p, today, &ps);
  char a[11], b[11];
  if (ps.state == HK_PERMIT_NONE)
    return hk_error_set_both(err, HK_ECONFLICT, "permit", "没有可以签注的居住证",
                             "no residence permit to endorse");
  if (ps.valid_until == HK_DATE_OPEN)
    return hk_error_set_both(err, HK_ECONFLICT, "permit",
                             "居住证的有效期没有记录届满日期：无须签注",
                             "the permit's validity has no end on record: nothing to endorse");
  /* Art.19: endorsed within the month before each anniversary. */
  if (today < ps.window_opens)
    return hk_error_set_both(
        err, HK_ECONFLICT, "window", "签注期为有效期届满前一个月内：居住证有效至 %s，%s 起可以签注",
        "too early: the permit is active until %s; "
        "endorsement opens on %s",
        hk_date_format(ps.valid_until - 1, a), hk_date_format(ps.window_opens, b));
  hk_date from = today < ps.valid_until ? ps.valid_until : today;
  out->outcome = today < ps.valid_until ? HK_ENDORSED : HK_REINSTATED;
  out->period = (hk_period){from, hk_date_add_years(from, 1)};
  out->previous_division = ps.division;
  return push_period(p, ps.division, out->period.from, out->period.to, err);
}

hk_status hk_permit_recognise_apply(hk_person *p, hk_date today, hk_permit_result *out,
                                    hk_error *err)
{
  memset(out, 0, sizeof *out);
  hk_permit_status ps;
  hk_permit_status_of(p, today, &ps);
  if (ps.state != HK_PERMIT_ACTIVE)
    return hk_error_set_both(
        err, HK_ECONFLICT, "permit",
        ps.state == HK_PERMIT_NONE ? "没有可以转换的居住证"
                                   : "居住证已中止（逾期未签注）：请先签注",
        ps.state == HK_PERMIT_NONE
            ? "no residence permit to recognise"
            : "the permit is suspended (endorsement overdue): endorse it first");
  const hk_residence *r = active_residence(p);
  if (r == NULL)
    return hk_error_set_both(err, HK_ECONFLICT, "residence",
                             "没有有效的居住登记：请先在新的城市申报居住登记",
                             "no active residence registration: declare residence in the new city "
                             "first");
  if (hk_division_city_of(r->division) == hk_division_city_of(ps.division))
    return hk_error_set_both(err, HK_ECONFLICT, "residence",
                             "当前的居住登记（%06d）就在居住证所在的市：无须转换",
                             "the active residence registration (%06d) is in the permit's city: "
                             "nothing to recognise",
                             (int)r->division);
  int32_t division = r->division;
  /* (三) mutual recognition: the permit goes on in the new city to the same anniversary; the
   * run in the new city (四) counts from today, since runs are counted per city. A year
   * already endorsed that has not begun yet moves with the permit: it was never held in the
   * old city. */
  hk_permit *cur = &p->residence_permits.items[ps.current];
  hk_date until = cur->period.to;
  cur->period.to = today;
  for (uint32_t i = 0; i < p->residence_permits.n; i++)
    if (p->residence_permits.items[i].period.from > today)
      p->residence_permits.items[i].division = division;
  out->previous_division = ps.division;
  out->period = (hk_period){today, until};
  return push_period(p, division, today, until, err);
}

/* ---- in the store ---- */

static char *payload_of(const hk_permit_result *res, const char *outcome, int64_t application)
{
  json_t *o = json_object();
  json_object_set_new(o, "number", json_string(res->number));
  json_object_set_new(o, "outcome", json_string(outcome));
  hk_json_set_date(o, "from", res->period.from);
  hk_json_set_date(o, "to", res->period.to);
  hk_json_set_division(o, "previous_division", res->previous_division);
  if (application)
    json_object_set_new(o, "application", json_integer(application));
  char *text = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return text;
}

static hk_status append_event(hk_store *st, const hk_actor *who, const char *action,
                              const hk_permit_result *res, const char *outcome, int64_t app,
                              hk_error *err)
{
  char *payload = payload_of(res, outcome, app);
  if (payload == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  /* The subject is the permit number: it holds no part of the holder's ID number. */
  hk_status rc = hk_store_event_append(st, who->account, action, res->number, payload, err);
  free(payload);
  return rc;
}

hk_status hk_permit_issue_locked(hk_store *st, const hk_actor *who, int64_t person_row,
                                 hk_person *p, int32_t division, int64_t application_id,
                                 hk_date today, hk_permit_result *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  int y, m, d;
  hk_date_to_ymd(today, &y, &m, &d);
  char prefix[24];
  snprintf(prefix, sizeof prefix, "%06d-%04d-", (int)division, y);
  int64_t count = 0;
  hk_status rc = hk_store_permit_count_prefix(st, prefix, &count, err);
  if (rc != HK_OK)
    return rc;
  if (count >= 999999)
    return hk_error_set_both(err, HK_ECONFLICT, "permit", "本年度的居住证编号已用完",
                             "the year's permit numbers are used up");
  snprintf(out->number, sizeof out->number, "%.12s%06d", prefix, (int)count + 1);
  out->period = (hk_period){today, hk_date_add_years(today, 1)};
  if ((rc = push_period(p, division, out->period.from, out->period.to, err)))
    return rc;
  if ((rc = hk_store_person_update(st, person_row, p, err)))
    return rc;
  hk_permit_row row = {.person_id = person_row,
                       .division = division,
                       .issued_on = today,
                       .application_id = application_id};
  snprintf(row.number, sizeof row.number, "%s", out->number);
  rc = hk_store_permit_insert(st, &row, err);
  /* Two issues in one county at once may draw the same sequence; the loser runs again. */
  if (rc == HK_EDUPLICATE)
    return hk_error_set_both(err, HK_ERETRY, "permit", "居住证编号 %s 重复分配，请重试",
                             "permit number %s drawn twice", out->number);
  if (rc == HK_OK)
    rc = append_event(st, who, "permit.issue", out, "issued", application_id, err);
  /* (三) the electronic permit, recorded with the permit (issue 12). */
  if (rc == HK_OK)
    rc = hk_certificate_reissue_locked(st, who, HK_CERT_RESIDENCE_PERMIT, p, division, out->number,
                                       today, NULL, err);
  return rc;
}

hk_status hk_permit_end_locked(hk_store *st, const hk_actor *who, int64_t person_row, hk_person *p,
                               hk_date on, hk_permit_end_reason reason, int *periods_cut,
                               bool *ended, hk_error *err)
{
  *ended = false;
  *periods_cut = 0;
  hk_permit_row permit = {0};
  hk_status rc = hk_store_permit_latest(st, person_row, &permit, err);
  if (rc == HK_ENOTFOUND) { /* imported periods without a number of ours: cut them all the same */
    permit.number[0] = '\0';
    rc = HK_OK;
  }
  if (rc != HK_OK)
    return rc;
  int32_t division = 0;
  for (uint32_t i = 0; i < p->residence_permits.n; i++) {
    hk_permit *r = &p->residence_permits.items[i];
    if (r->period.to > on) {
      division = r->division;
      r->period.to = on > r->period.from ? on : r->period.from;
      (*periods_cut)++;
    }
  }
  bool row_ends = permit.number[0] && !permit.ended;
  if (row_ends)
    rc = hk_store_permit_end(st, permit.number, on, reason, err);
  if (rc != HK_OK || (!row_ends && *periods_cut == 0))
    return rc;
  *ended = true;
  /* The electronic permit ends with it (issue 12). */
  rc = hk_certificate_set_status_locked(st, who, p->id_number, 1u << HK_CERT_RESIDENCE_PERMIT,
                                        HK_CERT_STATUS_REVOKED,
                                        reason == HK_PERMIT_END_DIED ? "died" : "ended", err);
  if (rc != HK_OK)
    return rc;
  json_t *o = json_object();
  char masked[HK_IDNUM_LEN + 1];
  if (permit.number[0])
    json_object_set_new(o, "number", json_string(permit.number));
  json_object_set_new(o, "holder", json_string(hk_idnum_mask(p->id_number, masked)));
  json_object_set_new(o, "outcome", json_string(hk_permit_end_name(reason)));
  hk_json_set_date(o, "ended_on", on);
  hk_json_set_division(o, "division", permit.number[0] ? permit.division : division);
  json_object_set_new(o, "periods_cut", json_integer(*periods_cut));
  char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  if (text == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  /* The subject is the permit number, or the masked holder when the permit has none of ours. */
  rc = hk_store_event_append(st, who->account, "permit.end",
                             permit.number[0] ? permit.number : masked, text, err);
  free(text);
  return rc;
}

typedef enum permit_op { OP_ENDORSE, OP_RECOGNISE } permit_op;

static hk_status attempt(hk_store *st, const hk_policies *pol, const hk_actor *who, permit_op op,
                         const char *id_number, hk_date today, hk_person *p, hk_permit_result *out,
                         hk_error *err)
{
  int64_t row;
  hk_permit_row permit = {0};
  hk_status rc = hk_store_begin(st, err);
  if (rc == HK_OK)
    rc = hk_store_person_row(st, id_number, &row, err);
  if (rc == HK_OK)
    rc = hk_store_person_lock(st, row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, id_number, p, err);
  if (rc == HK_OK)
    rc = hk_store_permit_latest(st, row, &permit, err);
  if (rc == HK_OK && permit.ended && permit.ended_on <= today) {
    char on[11];
    hk_error_set(err, HK_ECONFLICT, "permit", "the permit ended on %s (%s): nothing to %s",
                 hk_date_format(permit.ended_on, on), hk_permit_end_name(permit.ended),
                 op == OP_ENDORSE ? "endorse" : "recognise");
    rc = hk_error_set_zh(err, "居住证已于 %s 终止（%s），无法%s", on,
                         permit.ended == HK_PERMIT_END_SETTLED ? "已在该市落户" : "持证人死亡",
                         op == OP_ENDORSE ? "签注" : "转换");
  }
  const hk_residence *res = rc == HK_OK ? active_residence(p) : NULL;
  /* Who may act: the holder, or an officer of the county concerned. */
  int32_t county = op == OP_ENDORSE ? permit.division : res ? res->division : 0;
  if (rc == HK_OK && !(who->role == HK_ROLE_RESIDENT && strcmp(who->id_number, id_number) == 0) &&
      !hk_actor_may_decide(who, county))
    rc = hk_error_set_both(
        err, HK_EFORBIDDEN, "jurisdiction", "此居住证事项由 %06d 办理，不在您的权限范围内",
        "the permit matter is decided in %06d, outside this actor's reach", (int)county);
  if (rc == HK_OK && op == OP_ENDORSE) {
    /* Art.19: no endorsement when the conditions of Art.16 no longer hold. The engine is
     * asked about the county the holder lives in now, inside the permit's city. */
    if (res == NULL || hk_division_city_of(res->division) != hk_division_city_of(permit.division))
      rc = hk_error_set_both(
          err, HK_ECONFLICT, "residence",
          "持证人在 %06d 所在的市没有有效的居住登记：请在现居住地办理转换，或申报居住登记",
          "the holder has no active residence registration in %06d's city: "
          "recognise the permit where they live now, or declare residence",
          (int)permit.division);
    hk_app_eval ev;
    hk_app_eval_init(&ev);
    if (rc == HK_OK)
      rc = hk_app_eval_run(&ev, st, pol, id_number, res->division, today, NULL, 0, err);
    if (rc == HK_OK && !ev.a->permit.eligible) {
      char zh[640], en[400];
      hk_app_eval_unmet(&ev, &ev.a->permit, zh, sizeof zh, en, sizeof en);
      rc = hk_error_set(err, HK_ECONFLICT, "eligibility",
                        "No endorsement: the conditions of Art.16 no longer hold: %s", en);
      hk_error_set_zh(err, "不予签注：已不符合居住证申领条件（第十六条）：%s", zh);
    }
    hk_app_eval_clear(&ev);
    if (rc == HK_OK)
      rc = hk_permit_endorse_apply(p, today, out, err);
  } else if (rc == HK_OK) {
    rc = hk_permit_recognise_apply(p, today, out, err);
  }
  if (rc == HK_OK)
    rc = hk_store_person_update(st, row, p, err);
  if (rc == HK_OK && op == OP_RECOGNISE)
    rc = hk_store_permit_set_division(
        st, permit.number, p->residence_permits.items[p->residence_permits.n - 1].division, err);
  if (rc == HK_OK) {
    snprintf(out->number, sizeof out->number, "%s", permit.number);
    rc = append_event(st, who, op == OP_ENDORSE ? "permit.endorse" : "permit.recognise", out,
                      op == OP_RECOGNISE            ? "recognised"
                      : out->outcome == HK_ENDORSED ? "endorsed"
                                                    : "reinstated",
                      0, err);
  }
  /* (三) a new electronic permit for the new year or the new city, the previous one superseded
   * (issue 12); issued by the county that holds the permit now. */
  if (rc == HK_OK)
    rc = hk_certificate_reissue_locked(
        st, who, HK_CERT_RESIDENCE_PERMIT, p,
        p->residence_permits.items[p->residence_permits.n - 1].division, permit.number, today, NULL,
        err);
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK)
    hk_store_rollback(st);
  return rc;
}

static hk_status run(hk_store *st, const hk_policies *pol, const hk_actor *who, permit_op op,
                     const char *id_number, hk_date today, hk_permit_result *out, hk_error *err)
{
  if (who->role == HK_ROLE_ANALYST || who->role == HK_ROLE_DEPARTMENT ||
      who->role == HK_ROLE_ADMIN) {
    hk_error_set(err, HK_EFORBIDDEN, "role", "%s accounts cannot act on permits",
                 hk_role_name(who->role));
    return hk_error_set_zh(err, "%s账户不能办理居住证事项",
                           hk_label_zh(HK_LBL_ROLE, hk_role_name(who->role)));
  }
  hk_person p;
  hk_person_init(&p);
  hk_status rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
    rc = attempt(st, pol, who, op, id_number, today, &p, out, err);
  hk_person_clear(&p);
  return rc;
}

hk_status hk_permit_endorse(hk_store *st, const hk_policies *pol, const hk_actor *who,
                            const char *id_number, hk_date today, hk_permit_result *out,
                            hk_error *err)
{
  return run(st, pol, who, OP_ENDORSE, id_number, today, out, err);
}

hk_status hk_permit_recognise(hk_store *st, const hk_actor *who, const char *id_number,
                              hk_date today, hk_permit_result *out, hk_error *err)
{
  return run(st, NULL, who, OP_RECOGNISE, id_number, today, out, err);
}

hk_status hk_permit_show(hk_store *st, const hk_actor *who, const char *id_number, hk_date today,
                         json_t **out, hk_error *err)
{
  *out = NULL;
  int64_t row;
  hk_permit_row permit = {0};
  hk_person p;
  hk_person_init(&p);
  hk_status rc = hk_store_person_row(st, id_number, &row, err);
  if (rc == HK_OK)
    rc = hk_store_permit_latest(st, row, &permit, err);
  if (rc == HK_OK && !(who->role == HK_ROLE_RESIDENT && strcmp(who->id_number, id_number) == 0) &&
      !hk_actor_may_decide(who, permit.division))
    rc = hk_error_set_both(
        err, HK_EFORBIDDEN, "jurisdiction", "此居住证属于 %06d，不在您的权限范围内",
        "the permit is held in %06d, outside this actor's reach", (int)permit.division);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, id_number, &p, err);
  if (rc == HK_OK) {
    hk_permit_status ps;
    hk_permit_status_row(&p, &permit, today, &ps);
    json_t *o = json_object(), *periods = json_array();
    char masked[HK_IDNUM_LEN + 1];
    json_object_set_new(o, "number", json_string(permit.number));
    json_object_set_new(o, "holder", json_string(hk_idnum_mask(id_number, masked)));
    hk_json_set_division(o, "division", permit.division);
    hk_json_set_date(o, "issued_on", permit.issued_on);
    json_object_set_new(o, "state", json_string(hk_permit_state_name(ps.state)));
    hk_json_set_date(o, "valid_until",
                     ps.valid_until == HK_DATE_OPEN ? HK_DATE_NONE : ps.valid_until - 1);
    if (ps.state == HK_PERMIT_ENDED) {
      hk_json_set_date(o, "ended_on", permit.ended_on);
      json_object_set_new(o, "ended", json_string(hk_permit_end_name(permit.ended)));
    } else {
      hk_json_set_date(o, "endorse_from", ps.window_opens);
    }
    if (permit.application_id)
      json_object_set_new(o, "application", json_integer(permit.application_id));
    for (uint32_t i = 0; i < p.residence_permits.n; i++) {
      json_t *e = json_object();
      hk_json_set_division(e, "division", p.residence_permits.items[i].division);
      hk_json_set_date(e, "from", p.residence_permits.items[i].period.from);
      hk_json_set_date(e, "to", p.residence_permits.items[i].period.to);
      json_array_append_new(periods, e);
    }
    json_object_set_new(o, "periods", periods);
    *out = o;
  }
  hk_person_clear(&p);
  return rc;
}
