#include "service/app_service.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/json.h"
#include "core/label.h"
#include "service/app_eval.h"
#include "service/certificate.h"
#include "service/material.h"
#include "service/move.h"
#include "service/permit.h"
#include "store/store_app.h"

#define RETRIES 5

bool hk_app_channel_valid(const char *channel)
{
  return channel && (strcmp(channel, "online") == 0 || strcmp(channel, "service_point") == 0);
}

static int settlement_days(const hk_app_config *cfg)
{
  return cfg->settlement_days > 0 ? cfg->settlement_days : HK_APP_SETTLEMENT_DAYS_DEFAULT;
}

static int pathway_from(const char *name)
{
  for (int i = 0; name && i < HK_PW_COUNT; i++)
    if (strcmp(hk_pathway_name((hk_pathway)i), name) == 0)
      return i;
  return -1;
}

/* A reason is free text an officer typed: an ID number in it is masked before it reaches the
 * event chain, which never holds one in full. */
static void mask_ids(const char *in, char *out, size_t size)
{
  snprintf(out, size, "%s", in ? in : "");
  size_t n = strlen(out);
  for (size_t i = 0; i + HK_IDNUM_LEN <= n; i++) {
    bool digits = true;
    for (size_t k = 0; k < HK_IDNUM_LEN && digits; k++)
      digits = isdigit((unsigned char)out[i + k]) ||
               (k == HK_IDNUM_LEN - 1 && (out[i + k] == 'X' || out[i + k] == 'x'));
    char number[HK_IDNUM_LEN + 1], masked[HK_IDNUM_LEN + 1];
    if (!digits)
      continue;
    memcpy(number, out + i, HK_IDNUM_LEN);
    number[HK_IDNUM_LEN] = '\0';
    if (number[HK_IDNUM_LEN - 1] == 'x')
      number[HK_IDNUM_LEN - 1] = 'X';
    if (!hk_idnum_valid18(number))
      continue;
    memcpy(out + i, hk_idnum_mask(number, masked), HK_IDNUM_LEN);
    i += HK_IDNUM_LEN - 1;
  }
}

/* The engine's verdict for this application: the permit, or the pathway applied for. */
static const hk_result *verdict(const hk_answer *a, hk_app_kind kind, int pathway)
{
  if (kind == HK_APP_PERMIT)
    return &a->permit;
  return pathway >= 0 && pathway < HK_PW_COUNT ? &a->pathways[pathway] : NULL;
}

static void add_step(json_t *doc, const char *step, const hk_actor *who, hk_date today,
                     hk_app_state state, const char *reason)
{
  json_t *steps = json_object_get(doc, "steps");
  if (!json_is_array(steps)) {
    steps = json_array();
    json_object_set_new(doc, "steps", steps);
  }
  json_t *s = json_object();
  json_object_set_new(s, "step", json_string(step));
  hk_json_set_date(s, "on", today);
  json_object_set_new(s, "by", json_string(who->account));
  json_object_set_new(s, "role", json_string(hk_role_name(who->role)));
  json_object_set_new(s, "state", json_string(hk_app_state_name(state)));
  if (reason && reason[0])
    json_object_set_new(s, "reason", json_string(reason));
  json_array_append_new(steps, s);
}

static hk_status event(hk_store *st, const hk_actor *who, const char *step, int64_t id,
                       const json_t *doc, hk_app_state from, hk_app_state to, const char *reason,
                       json_t *extra, hk_error *err)
{
  char action[48], subject[40], masked_reason[HK_APP_REASON_MAX + 1];
  snprintf(action, sizeof action, "application.%s", step);
  snprintf(subject, sizeof subject, "application/%lld", (long long)id);
  json_t *o = extra ? extra : json_object();
  json_object_set(o, "kind", json_object_get(doc, "kind"));
  if (json_object_get(doc, "pathway"))
    json_object_set(o, "pathway", json_object_get(doc, "pathway"));
  json_object_set(o, "target", json_object_get(doc, "target"));
  json_object_set(o, "applicant", json_object_get(doc, "id_masked"));
  if (strcmp(step, "submit") != 0)
    json_object_set_new(o, "from", json_string(hk_app_state_name(from)));
  json_object_set_new(o, "to", json_string(hk_app_state_name(to)));
  if (reason && reason[0]) {
    mask_ids(reason, masked_reason, sizeof masked_reason);
    json_object_set_new(o, "reason", json_string(masked_reason));
  }
  char *payload = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  if (payload == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  hk_status rc = hk_store_event_append(st, who->account, action, subject, payload, err);
  free(payload);
  return rc;
}

/* The stored document with the row's columns laid over it (they are authoritative). */
static json_t *doc_of(const hk_app_row *row, hk_error *err)
{
  json_error_t jerr;
  json_t *doc = json_loads(row->doc ? row->doc : "", 0, &jerr);
  if (!json_is_object(doc)) {
    json_decref(doc);
    hk_error_set(err, HK_ESTORE, "application", "application %lld: its document is not JSON",
                 (long long)row->id);
    return NULL;
  }
  json_object_set_new(doc, "id", json_integer(row->id));
  json_object_set_new(doc, "state", json_string(hk_app_state_name((hk_app_state)row->state)));
  hk_json_set_date(doc, "due_on", row->due_on);
  return doc;
}

static char *dump(json_t *doc)
{
  /* The row's columns are not repeated in the stored document. */
  json_t *copy = json_copy(doc);
  json_object_del(copy, "id");
  json_object_del(copy, "state");
  json_object_del(copy, "due_on");
  char *text = json_dumps(copy, JSON_COMPACT);
  json_decref(copy);
  return text;
}

/* ---- submit ---- */

static hk_status check_submitter(const hk_actor *who, const hk_app_request *req, hk_error *err)
{
  switch (who->role) {
  case HK_ROLE_RESIDENT:
    if (strcmp(who->id_number, req->id_number) != 0)
      return hk_error_set_both(err, HK_EFORBIDDEN, "id_number", "居民只能为本人申请",
                               "residents apply for themselves only");
    return HK_OK;
  case HK_ROLE_OFFICER:
  case HK_ROLE_SUPERVISOR:
  case HK_ROLE_SYSTEM:
    return HK_OK; /* any service point files for anyone; the target's county decides (八) */
  default: {
    hk_error_set(err, HK_EFORBIDDEN, "role", "%s accounts cannot file applications",
                 hk_role_name(who->role));
    return hk_error_set_zh(err, "%s账户不能提交申请",
                           hk_label_zh(HK_LBL_ROLE, hk_role_name(who->role)));
  }
  }
}

typedef struct open_check {
  int kind;
  int64_t found;
  int state;
} open_check;

static hk_status find_open(const hk_app_row *row, void *cls, hk_error *err)
{
  (void)err;
  open_check *c = cls;
  if (row->kind == c->kind && hk_app_state_open((hk_app_state)row->state) && c->found == 0) {
    c->found = row->id;
    c->state = row->state;
  }
  return HK_OK;
}

static hk_status permit_allowed(hk_store *st, int64_t row, const hk_person *p, int32_t target,
                                hk_date today, hk_error *err)
{
  hk_permit_status ps;
  hk_permit_row permit;
  hk_status rc = hk_store_permit_latest(st, row, &permit, err);
  if (rc == HK_ENOTFOUND)
    return HK_OK;
  if (rc != HK_OK)
    return rc;
  /* A permit ended for good (its holder settled, issue 10) leaves the way open to a new one. */
  hk_permit_status_row(p, &permit, today, &ps);
  if (ps.state == HK_PERMIT_ACTIVE)
    return hk_error_set_both(err, HK_ECONFLICT, "permit",
                             "已持有有效居住证 %s：请办理签注，或到新的城市办理转换",
                             "already holds active permit %s: endorse it, or recognise "
                             "it in a new city",
                             permit.number);
  if (ps.state == HK_PERMIT_SUSPENDED &&
      hk_division_city_of(ps.division) == hk_division_city_of(target))
    return hk_error_set_both(
        err, HK_ECONFLICT, "permit", "居住证 %s 在本市已中止：逾期补办签注即可恢复",
        "permit %s is suspended in this city: a late endorsement reinstates it", permit.number);
  return HK_OK;
}

static hk_status submit_attempt(hk_store *st, const hk_app_config *cfg, const hk_actor *who,
                                const hk_app_request *req, hk_date today, json_t **doc_out,
                                hk_error *err)
{
  int64_t row = 0;
  hk_app_eval ev;
  hk_app_eval_init(&ev);
  json_t *doc = NULL;
  hk_person p;
  hk_person_init(&p);
  const char *consenting[HK_APP_CONSENTING_MAX];
  for (int i = 0; i < req->n_consenting && i < HK_APP_CONSENTING_MAX; i++)
    consenting[i] = req->consenting[i];

  hk_status rc = hk_store_begin(st, err);
  if (rc == HK_OK)
    rc = hk_store_person_row(st, req->id_number, &row, err);
  /* The person's lock makes "one open application per kind" hold under concurrent filings. */
  if (rc == HK_OK)
    rc = hk_store_person_lock(st, row, err);
  open_check open = {.kind = req->kind};
  hk_app_filter f = {.person_id = row};
  if (rc == HK_OK)
    rc = hk_store_app_each(st, &f, find_open, &open, err);
  if (rc == HK_OK && open.found) {
    rc = hk_error_set(err, HK_ECONFLICT, "application",
                      "application %lld of this kind is still open (%s)", (long long)open.found,
                      hk_label_en(HK_LBL_APP_STATE, hk_app_state_name((hk_app_state)open.state)));
    hk_error_set_zh(err, "同类申请 %lld 尚未办结（%s）", (long long)open.found,
                    hk_label_zh(HK_LBL_APP_STATE, hk_app_state_name((hk_app_state)open.state)));
  }
  if (rc == HK_OK && req->kind == HK_APP_PERMIT &&
      (rc = hk_store_person_get(st, req->id_number, &p, err)) == HK_OK)
    rc = permit_allowed(st, row, &p, req->target, today, err);
  if (rc == HK_OK)
    rc = hk_app_eval_run(&ev, st, cfg->pol, req->id_number, req->target, today, consenting,
                         (size_t)req->n_consenting, err);
  int pathway = req->pathway;
  if (rc == HK_OK && req->kind == HK_APP_SETTLEMENT && pathway < 0) {
    /* "best": the first eligible pathway in the contract's order. */
    for (int i = 0; i < HK_PW_COUNT && pathway < 0; i++)
      if (ev.a->pathways[i].eligible)
        pathway = i;
    if (pathway < 0) {
      *doc_out = hk_answer_to_json(ev.a);
      char d[11];
      const hk_division *t = hk_division_find(req->target);
      rc = hk_error_set(err, HK_ECONFLICT, "eligibility",
                        "No settlement pathway is open to you in %s (%06d) on %s: the answer "
                        "lists what each pathway needs",
                        t ? t->name : "?", (int)req->target, hk_date_format(today, d));
      hk_error_set_zh(err, "截至 %s，您不符合在%s落户的任何途径：答复中列出了每种途径需要的条件", d,
                      t ? t->name : "?");
    }
  }
  const hk_result *r = rc == HK_OK ? verdict(ev.a, req->kind, pathway) : NULL;
  if (rc == HK_OK && !r->eligible) {
    char zh[768], en[512];
    const char *what =
        req->kind == HK_APP_PERMIT ? "residence_permit" : hk_pathway_name((hk_pathway)pathway);
    hk_app_eval_unmet(&ev, r, zh, sizeof zh, en, sizeof en);
    *doc_out = hk_answer_to_json(ev.a);
    rc = hk_error_set(err, HK_ECONFLICT, "eligibility", "Not eligible (%s): %s",
                      hk_label_en(HK_LBL_PATHWAY, what), en);
    hk_error_set_zh(err, "不符合%s条件：%s", hk_label_zh(HK_LBL_PATHWAY, what), zh);
  }
  hk_app_row app = {.person_id = row,
                    .kind = req->kind,
                    .target = req->target,
                    .state = HK_APP_SUBMITTED,
                    .submitted_on = today};
  if (rc == HK_OK) {
    int days = hk_app_deadline_days(req->kind, settlement_days(cfg));
    /* The clock runs from filing until acceptance restarts it: an application left unaccepted
     * becomes overdue too. */
    app.due_on = hk_app_due(today, days);
    char masked[HK_IDNUM_LEN + 1];
    doc = json_object();
    json_object_set_new(doc, "kind", json_string(hk_app_kind_name(req->kind)));
    if (req->kind == HK_APP_SETTLEMENT) {
      json_object_set_new(doc, "pathway", json_string(hk_pathway_name((hk_pathway)pathway)));
      json_object_set_new(
          doc, "requested_pathway",
          json_string(req->pathway < 0 ? "best" : hk_pathway_name((hk_pathway)pathway)));
    }
    json_object_set_new(doc, "id_number", json_string(req->id_number));
    json_object_set_new(doc, "id_masked", json_string(hk_idnum_mask(req->id_number, masked)));
    hk_json_set_division(doc, "target", req->target);
    hk_json_set_division(doc, "decided_in", req->target);
    json_object_set_new(doc, "channel", json_string(req->channel));
    hk_json_set_division(doc, "filed_in", req->filed_in);
    if (req->n_consenting) {
      json_t *c = json_array();
      for (int i = 0; i < req->n_consenting; i++)
        json_array_append_new(c, json_string(req->consenting[i]));
      json_object_set_new(doc, "consenting", c);
    }
    hk_json_set_date(doc, "submitted_on", today);
    json_object_set_new(doc, "deadline_days", json_integer(days));
    add_step(doc, "submit", who, today, HK_APP_SUBMITTED, NULL);
    json_t *answer = hk_answer_to_json(ev.a);
    json_object_set_new(doc, "answer_at_submission", answer ? answer : json_null());
    char *text = dump(doc);
    app.doc = text;
    rc = text ? hk_store_app_insert(st, &app, err)
              : hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "oom");
    free(text);
    app.doc = NULL;
  }
  if (rc == HK_OK) {
    json_t *extra = json_object();
    json_object_set(extra, "channel", json_object_get(doc, "channel"));
    json_object_set(extra, "filed_in", json_object_get(doc, "filed_in"));
    rc =
        event(st, who, "submit", app.id, doc, HK_APP_SUBMITTED, HK_APP_SUBMITTED, NULL, extra, err);
  }
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK) {
    hk_store_rollback(st);
    json_decref(doc);
  } else {
    json_object_set_new(doc, "id", json_integer(app.id));
    json_object_set_new(doc, "state", json_string(hk_app_state_name(HK_APP_SUBMITTED)));
    hk_json_set_date(doc, "due_on", app.due_on);
    *doc_out = doc;
  }
  hk_person_clear(&p);
  hk_app_eval_clear(&ev);
  return rc;
}

hk_status hk_app_submit(hk_store *st, const hk_app_config *cfg, const hk_actor *who,
                        const hk_app_request *req, hk_date today, json_t **doc, hk_error *err)
{
  *doc = NULL;
  hk_status rc = check_submitter(who, req, err);
  if (rc != HK_OK)
    return rc;
  if ((int)req->kind < 0 || req->kind >= HK_APP_KIND_COUNT)
    return hk_error_set_both(err, HK_EINVAL, "kind", "须为 permit（居住证）或 settlement（落户）",
                             "permit or settlement");
  if (req->kind == HK_APP_SETTLEMENT && req->pathway >= HK_PW_COUNT)
    return hk_error_set_both(err, HK_EINVAL, "pathway", "未知的落户途径", "unknown pathway");
  if (!hk_app_channel_valid(req->channel))
    return hk_error_set_both(err, HK_EINVAL, "channel",
                             "须为 online（网上）或 service_point（办事窗口）",
                             "online or service_point");
  if (req->n_consenting < 0 || req->n_consenting > HK_APP_CONSENTING_MAX)
    return hk_error_set_both(err, HK_ETOOBIG, "consenting", "最多 %d 项", "at most %d",
                             HK_APP_CONSENTING_MAX);
  rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++) {
    json_decref(*doc);
    *doc = NULL;
    rc = submit_attempt(st, cfg, who, req, today, doc, err);
  }
  return rc;
}

/* ---- steps ---- */

static hk_status act_attempt(hk_store *st, const hk_app_config *cfg, const hk_actor *who,
                             int64_t id, hk_app_action action, const char *reason,
                             const hk_move_hint *hint, const int64_t *materials, size_t n_materials,
                             hk_date today, json_t **doc_out, hk_error *err)
{
  json_t *supplied = NULL;
  hk_app_row row = {0};
  json_t *doc = NULL;
  hk_app_eval ev;
  hk_app_eval_init(&ev);
  hk_person p;
  hk_person_init(&p);
  json_t *extra = json_object();
  hk_status rc = hk_store_begin(st, err);
  if (rc == HK_OK)
    rc = hk_store_app_get(st, id, true, &row, err);
  if (rc == HK_OK && (doc = doc_of(&row, err)) == NULL)
    rc = err->code;
  hk_app_facts facts = {
      .kind = (hk_app_kind)row.kind, .state = (hk_app_state)row.state, .decided_in = row.target};
  const char *applicant = doc ? json_string_value(json_object_get(doc, "id_number")) : NULL;
  snprintf(facts.applicant, sizeof facts.applicant, "%s", applicant ? applicant : "");
  int pathway = doc ? pathway_from(json_string_value(json_object_get(doc, "pathway"))) : -1;
  bool decision = action == HK_APP_APPROVE || action == HK_APP_REJECT;
  hk_app_state next = facts.state;
  /* The state and the actor first, so a refusal names them before anything else. */
  if (rc == HK_OK) {
    hk_app_facts probe = facts;
    probe.eligible_now = true;
    rc = hk_app_step(&probe, action, who, reason, &next, err);
  }
  if (rc == HK_OK && decision) {
    const char *consenting[HK_APP_CONSENTING_MAX];
    size_t n = 0;
    json_t *c = json_object_get(doc, "consenting"), *v;
    size_t i;
    json_array_foreach(c, i, v) if (n < HK_APP_CONSENTING_MAX && json_is_string(v))
        consenting[n++] = json_string_value(v);
    rc = hk_app_eval_run(&ev, st, cfg->pol, facts.applicant, row.target, today, consenting, n, err);
    const hk_result *r = rc == HK_OK ? verdict(ev.a, facts.kind, pathway) : NULL;
    facts.eligible_now = r && r->eligible;
    if (rc == HK_OK)
      rc = hk_app_step(&facts, action, who, reason, &next, err);
    if (rc == HK_ECONFLICT && r) {
      char zh[640], en[400];
      hk_app_eval_unmet(&ev, r, zh, sizeof zh, en, sizeof en);
      rc = hk_error_set(err, HK_ECONFLICT, "eligibility",
                        "Cannot approve: the applicant is not eligible on the day of the decision "
                        "(%s). Reject with the engine's reasons or request material",
                        en);
      hk_error_set_zh(
          err, "不能批准：申请人在决定当日不符合条件（%s）。请依据评估结果驳回或要求补充材料", zh);
    }
    if (rc == HK_OK) {
      json_t *answer = hk_answer_to_json(ev.a), *d = json_object();
      json_object_set_new(doc, "answer_at_decision", answer ? answer : json_null());
      json_object_set_new(d, "outcome", json_string(hk_app_state_name(next)));
      hk_json_set_date(d, "on", today);
      json_object_set_new(d, "by", json_string(who->account));
      json_object_set_new(d, "eligible", json_boolean(facts.eligible_now));
      if (reason && reason[0])
        json_object_set_new(d, "reason", json_string(reason));
      json_object_set_new(doc, "decision", d);
      json_object_set_new(extra, "eligible", json_boolean(facts.eligible_now));
    }
  }
  if (rc == HK_OK && action == HK_APP_ACCEPT) {
    int days = (int)json_integer_value(json_object_get(doc, "deadline_days"));
    if (days <= 0)
      days = hk_app_deadline_days(facts.kind, settlement_days(cfg));
    /* Art.18: the 15 days (or the settlement days) run from acceptance. */
    row.due_on = hk_app_due(today, days);
    hk_json_set_date(doc, "accepted_on", today);
  }
  if (rc == HK_OK && action == HK_APP_REQUEST_MATERIAL)
    hk_json_set_date(doc, "material_requested_on", today);
  if (rc == HK_OK && action == HK_APP_SUPPLY_MATERIAL) {
    /* The days the applicant took to bring material do not count against the office. */
    hk_date asked = HK_DATE_NONE;
    json_t *v = json_object_get(doc, "material_requested_on");
    if (json_is_string(v) && hk_date_parse(json_string_value(v), &asked) &&
        row.due_on != HK_DATE_NONE && today > asked)
      row.due_on += today - asked;
  }
  if (rc == HK_OK && action == HK_APP_SUPPLY_MATERIAL && n_materials > 0) {
    /* The materials this step brings: the step about to be appended takes them. */
    int step_index = (int)json_array_size(json_object_get(doc, "steps"));
    rc = hk_material_take(st, id, materials, n_materials, step_index, &supplied, err);
    if (rc == HK_OK) {
      json_t *ids = json_array();
      for (size_t i = 0; i < n_materials; i++)
        json_array_append_new(ids, json_integer(materials[i]));
      json_object_set_new(extra, "materials", ids);
    }
  }
  if (rc == HK_OK && action == HK_APP_COMPLETE) {
    if (facts.kind == HK_APP_SETTLEMENT) {
      /* The hukou move (move.h): leave the old household, join the destination the engine
       * chose at the decision, both counties' events, all in this transaction. */
      rc = hk_move_settle_locked(st, who, id, doc, row.target, facts.applicant, hint, today, err);
      if (rc == HK_OK)
        json_object_set(extra, "moved_to", json_object_get(doc, "moved_to"));
    } else {
      int64_t prow;
      hk_permit_result issued;
      rc = hk_store_person_row(st, facts.applicant, &prow, err);
      if (rc == HK_OK)
        rc = hk_store_person_lock(st, prow, err);
      if (rc == HK_OK)
        rc = hk_store_person_get(st, facts.applicant, &p, err);
      if (rc == HK_OK)
        rc = hk_permit_issue_locked(st, who, prow, &p, row.target, id, today, &issued, err);
      if (rc == HK_OK) {
        json_object_set_new(doc, "permit_number", json_string(issued.number));
        json_object_set_new(extra, "permit", json_string(issued.number));
      }
    }
  }
  if (rc == HK_OK) {
    if (!hk_app_state_open(next))
      row.due_on = HK_DATE_NONE;
    hk_app_state from = (hk_app_state)row.state;
    row.state = next;
    add_step(doc, hk_app_action_name(action), who, today, next, reason);
    if (supplied) {
      json_t *steps = json_object_get(doc, "steps");
      json_object_set_new(json_array_get(steps, json_array_size(steps) - 1), "materials", supplied);
      supplied = NULL;
    }
    free(row.doc);
    row.doc = dump(doc);
    rc = row.doc ? hk_store_app_update(st, &row, err)
                 : hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "oom");
    if (rc == HK_OK) {
      rc = event(st, who, hk_app_action_name(action), id, doc, from, next, reason, extra, err);
      extra = NULL;
    }
  }
  /* 准予迁入证明: the approval of a settlement as a certificate (issue 12). */
  if (rc == HK_OK && action == HK_APP_APPROVE && facts.kind == HK_APP_SETTLEMENT) {
    int64_t prow;
    char source[24];
    snprintf(source, sizeof source, "%lld", (long long)id);
    rc = hk_store_person_row(st, facts.applicant, &prow, err);
    if (rc == HK_OK)
      rc = hk_store_person_lock(st, prow, err);
    if (rc == HK_OK)
      rc = hk_store_person_get(st, facts.applicant, &p, err);
    if (rc == HK_OK)
      rc = hk_certificate_record_locked(st, who, HK_CERT_SETTLEMENT_APPROVAL, &p, row.target,
                                        source, today, NULL, err);
  }
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK) {
    hk_store_rollback(st);
    json_decref(doc);
  } else {
    json_object_set_new(doc, "state", json_string(hk_app_state_name(next)));
    hk_json_set_date(doc, "due_on", row.due_on);
    *doc_out = doc;
  }
  json_decref(extra);
  json_decref(supplied);
  free(row.doc);
  hk_person_clear(&p);
  hk_app_eval_clear(&ev);
  return rc;
}

hk_status hk_app_act(hk_store *st, const hk_app_config *cfg, const hk_actor *who, int64_t id,
                     hk_app_action action, const char *reason, hk_date today, json_t **doc,
                     hk_error *err)
{
  *doc = NULL;
  if (reason && strlen(reason) > HK_APP_REASON_MAX)
    return hk_error_set_both(err, HK_ETOOBIG, "reason", "最多 %d 字节", "at most %d bytes",
                             HK_APP_REASON_MAX);
  hk_status rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
    rc = act_attempt(st, cfg, who, id, action, reason, NULL, NULL, 0, today, doc, err);
  return rc;
}

hk_status hk_app_supply(hk_store *st, const hk_app_config *cfg, const hk_actor *who, int64_t id,
                        const char *reason, const int64_t *materials, size_t n, hk_date today,
                        json_t **doc, hk_error *err)
{
  *doc = NULL;
  if (reason && strlen(reason) > HK_APP_REASON_MAX)
    return hk_error_set_both(err, HK_ETOOBIG, "reason", "最多 %d 字节", "at most %d bytes",
                             HK_APP_REASON_MAX);
  if (n > HK_APP_MATERIALS_MAX)
    return hk_error_set_both(err, HK_ETOOBIG, "materials", "最多 %d 项", "at most %d",
                             HK_APP_MATERIALS_MAX);
  hk_status rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
    rc = act_attempt(st, cfg, who, id, HK_APP_SUPPLY_MATERIAL, reason, NULL, materials, n, today,
                     doc, err);
  return rc;
}

hk_status hk_app_complete(hk_store *st, const hk_app_config *cfg, const hk_actor *who, int64_t id,
                          const hk_move_hint *hint, hk_date today, json_t **doc, hk_error *err)
{
  *doc = NULL;
  hk_status rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
    rc = act_attempt(st, cfg, who, id, HK_APP_COMPLETE, NULL, hint, NULL, 0, today, doc, err);
  return rc;
}

/* ---- reading ---- */

static bool may_see(const hk_actor *who, const json_t *doc, int32_t target)
{
  if (who->role == HK_ROLE_RESIDENT) {
    const char *id = json_string_value(json_object_get(doc, "id_number"));
    return id && who->id_number[0] && strcmp(id, who->id_number) == 0;
  }
  int32_t filed_in = 0;
  const char *f = json_string_value(json_object_get(doc, "filed_in"));
  if (f)
    hk_division_parse(f, &filed_in);
  return hk_actor_may_decide(who, target) || (filed_in && hk_actor_may_decide(who, filed_in));
}

hk_status hk_app_show(hk_store *st, const hk_actor *who, int64_t id, json_t **out, hk_error *err)
{
  *out = NULL;
  hk_app_row row = {0};
  hk_status rc = hk_store_app_get(st, id, false, &row, err);
  json_t *doc = rc == HK_OK ? doc_of(&row, err) : NULL;
  free(row.doc);
  if (rc == HK_OK && doc == NULL)
    return err->code;
  if (rc != HK_OK)
    return rc;
  if (!may_see(who, doc, row.target)) {
    json_decref(doc);
    /* The same answer as a missing one: an officer elsewhere learns nothing. */
    return hk_error_set_both(err, HK_ENOTFOUND, "application", "没有申请 %lld",
                             "no application %lld", (long long)id);
  }
  *out = doc;
  return HK_OK;
}

hk_status hk_app_request_read(const json_t *doc, bool with_channel, hk_date today,
                              hk_app_request *req, hk_error *err)
{
  static const char *const keys[] = {"id_number", "kind",       "target",  "pathway",
                                     "filed_in",  "consenting", "channel", NULL};
  memset(req, 0, sizeof *req);
  req->pathway = -1;
  if (!json_is_object(doc))
    return hk_error_set_both(err, HK_EINVAL, "", "不是 JSON 对象", "not a JSON object");
  /* Over HTTP the channel follows from who submits: there "channel" is an unknown field. */
  static const char *const keys_no_channel[] = {"id_number", "kind",       "target", "pathway",
                                                "filed_in",  "consenting", NULL};
  hk_status rc = hk_json_known_keys(doc, with_channel ? keys : keys_no_channel, err);
  const char *id = NULL, *kind = NULL, *pathway = NULL, *channel = NULL;
  hk_idnum idn;
  if (rc == HK_OK)
    rc = hk_json_string(doc, "id_number", HK_JSON_REQUIRED, HK_IDNUM_INPUT_MAX, &id, err);
  if (rc == HK_OK && !hk_idnum_check(id, today, &idn)) {
    rc = hk_error_set(err, HK_EINVAL, "id_number", "invalid ID number (%s)",
                      hk_idnum_fault_name(idn.fault));
    hk_error_set_zh(err, "身份证号码无效（%s）",
                    hk_label_zh(HK_LBL_IDNUM_FAULT, hk_idnum_fault_name(idn.fault)));
  }
  if (rc == HK_OK)
    memcpy(req->id_number, idn.number, sizeof req->id_number);
  if (rc == HK_OK)
    rc = hk_json_string(doc, "kind", HK_JSON_REQUIRED, 16, &kind, err);
  if (rc == HK_OK) {
    if (strcmp(kind, "permit") == 0)
      req->kind = HK_APP_PERMIT;
    else if (strcmp(kind, "settlement") == 0)
      req->kind = HK_APP_SETTLEMENT;
    else
      rc = hk_error_set_both(err, HK_EINVAL, "kind", "须为 permit（居住证）或 settlement（落户）",
                             "permit or settlement");
  }
  if (rc == HK_OK)
    rc = hk_json_division(doc, "target", HK_JSON_REQUIRED, true, &req->target, err);
  if (rc == HK_OK)
    rc = hk_json_string(doc, "pathway", HK_JSON_OPTIONAL, 32, &pathway, err);
  if (rc == HK_OK && req->kind == HK_APP_SETTLEMENT) {
    if (pathway == NULL) {
      rc = hk_error_set_both(err, HK_EINVAL, "pathway",
                             "缺少落户途径：请填写一种途径或“best”（最合适的途径）",
                             "missing: a pathway or \"best\"");
    } else if (strcmp(pathway, "best") != 0) {
      for (int i = 0; i < HK_PW_COUNT; i++)
        if (strcmp(hk_pathway_name((hk_pathway)i), pathway) == 0)
          req->pathway = i;
      if (req->pathway < 0)
        rc = hk_error_set_both(err, HK_EINVAL, "pathway", "未知的落户途径 %s", "unknown pathway %s",
                               pathway);
    }
  } else if (rc == HK_OK && pathway != NULL) {
    rc = hk_error_set_both(err, HK_EINVAL, "pathway", "只有落户申请才填写", "only for settlement");
  }
  if (rc == HK_OK && with_channel)
    rc = hk_json_string(doc, "channel", HK_JSON_OPTIONAL, 15, &channel, err);
  if (rc == HK_OK && channel != NULL) {
    if (!hk_app_channel_valid(channel))
      rc = hk_error_set_both(err, HK_EINVAL, "channel",
                             "须为 online（网上）或 service_point（办事窗口）",
                             "online or service_point");
    else
      snprintf(req->channel, sizeof req->channel, "%s", channel);
  }
  if (rc == HK_OK)
    rc = hk_json_division(doc, "filed_in", HK_JSON_OPTIONAL, true, &req->filed_in, err);
  json_t *consenting = NULL;
  if (rc == HK_OK)
    rc = hk_json_array(doc, "consenting", HK_JSON_OPTIONAL, &consenting, err);
  size_t i;
  json_t *v;
  json_array_foreach(consenting, i, v)
  {
    if (rc != HK_OK)
      break;
    if (i >= HK_APP_CONSENTING_MAX)
      rc = hk_error_set_both(err, HK_ETOOBIG, "consenting", "最多 %d 项", "at most %d",
                             HK_APP_CONSENTING_MAX);
    else if (!json_is_string(v) || !hk_idnum_check(json_string_value(v), today, &idn))
      rc = hk_error_set_both(err, HK_EINVAL, "consenting", "[%zu]：不是身份证号码",
                             "[%zu]: not an ID number", i);
    else
      memcpy(req->consenting[req->n_consenting++], idn.number, HK_IDNUM_LEN + 1);
  }
  return rc;
}
