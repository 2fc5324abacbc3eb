/* Applications stored and reviewed, and residence permits (三), through the stored services on
 * both backends: every transition and refusal, the deadlines and the overdue list, who may act,
 * concurrent accepts of one application (exactly one wins), and a migrant's walk from arrival
 * through a permit, endorsements (one late), to a permit-conversion settlement (四). */
#include "test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/person_json.h"
#include "policy/policy.h"
#include "service/app_service.h"
#include "service/certificate.h"
#include "service/permit.h"
#include "service/residence.h"
#include "service/situation_db.h"
#include "store/store.h"
#include "store/store_household.h"
#include "service/household.h"

#define ID "341222199001010112"
#define OTHER "341222199202020229"

/* A migrant from Anhui working in Jiaxing's 南湖区 since 2023-09-01, living there since then
 * (`with_residence`) or not yet registered. No housing of their own: the residence pathway (二)
 * stays closed, so conversion (四) is the way to settle. */
static const char migrant_registered[] =
    "{\"id_number\":\"" ID "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-09-01\"}],"
    "\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-09-01\","
    "\"address\":\"南湖区 东栅街道 1 号\",\"declared_on\":\"2023-09-02\"}]}";
static const char migrant_arriving[] =
    "{\"id_number\":\"" ID "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-09-01\"}]}";
static const char other_person[] =
    "{\"id_number\":\"" OTHER "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-01-01\"}],"
    "\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-01-01\"}]}";

static hk_policies *pol;
static char db[1024];

static const hk_actor officer = {
    .role = HK_ROLE_OFFICER, .account = "officer:330402", .jurisdiction = 330402};
static const hk_actor city_officer = {
    .role = HK_ROLE_OFFICER, .account = "officer:330400", .jurisdiction = 330400};
static const hk_actor elsewhere = {
    .role = HK_ROLE_OFFICER, .account = "officer:330411", .jurisdiction = 330411};
static const hk_actor sys = {.role = HK_ROLE_SYSTEM, .account = "test"};

static hk_actor resident(const char *id)
{
  hk_actor a = {.role = HK_ROLE_RESIDENT, .account = "resident:test"};
  snprintf(a.id_number, sizeof a.id_number, "%s", id);
  return a;
}

#define D(s) test_date(s)

static void add_person(hk_store *st, const char *json)
{
  hk_person p;
  hk_person_init(&p);
  hk_error err = {0};
  if (hk_person_parse(json, strlen(json), HK_PJ_RECORD, D("2024-01-01"), &p, &err) != HK_OK)
    fail_msg("parse: %s: %s", err.field, err.detail);
  int64_t row;
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_person_add(st, &p, &row, &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  hk_person_clear(&p);
}

static hk_store *fresh(const char *person)
{
  hk_store *st = NULL;
  hk_error err = {0};
  snprintf(db, sizeof db, "%s", test_fresh_db());
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  if (person)
    add_person(st, person);
  return st;
}

static hk_app_request permit_request(const char *id)
{
  hk_app_request r = {.kind = HK_APP_PERMIT, .pathway = -1, .target = 330402};
  snprintf(r.id_number, sizeof r.id_number, "%s", id);
  snprintf(r.channel, sizeof r.channel, "online");
  return r;
}

static hk_app_config cfg_default(void)
{
  return (hk_app_config){.pol = pol};
}

static int64_t submit_ok(hk_store *st, const hk_actor *who, const hk_app_request *r,
                         const char *today)
{
  hk_app_config cfg = cfg_default();
  json_t *doc = NULL;
  hk_error err = {0};
  hk_status rc = hk_app_submit(st, &cfg, who, r, D(today), &doc, &err);
  if (rc != HK_OK)
    fail_msg("submit: %s %s: %s", hk_status_code(rc), err.field, err.detail);
  int64_t id = json_integer_value(json_object_get(doc, "id"));
  json_decref(doc);
  return id;
}

static hk_status act(hk_store *st, const hk_actor *who, int64_t id, hk_app_action a,
                     const char *reason, const char *today, json_t **doc, hk_error *err)
{
  hk_app_config cfg = cfg_default();
  json_t *tmp = NULL;
  hk_status rc = hk_app_act(st, &cfg, who, id, a, reason, D(today), doc ? doc : &tmp, err);
  json_decref(tmp);
  return rc;
}

static void act_ok(hk_store *st, const hk_actor *who, int64_t id, hk_app_action a,
                   const char *reason, const char *today)
{
  hk_error err = {0};
  hk_status rc = act(st, who, id, a, reason, today, NULL, &err);
  if (rc != HK_OK)
    fail_msg("%s: %s %s: %s", hk_app_action_name(a), hk_status_code(rc), err.field, err.detail);
}

static const char *str(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static int64_t count_events(hk_store *st)
{
  int64_t checked = 0, broken = 0;
  hk_error err = {0};
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_OK);
  return checked;
}

/* Events never carry a full ID number. */
static hk_status no_full_id(const hk_event *ev, void *cls, hk_error *err)
{
  (void)cls;
  (void)err;
  if (strstr(ev->subject, ID) || strstr(ev->payload, ID) || strstr(ev->actor, ID))
    fail_msg("event %lld holds a full ID number", (long long)ev->seq);
  return HK_OK;
}

/* ---- submission ---- */

static void submission_checks_eligibility(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_registered);
  hk_app_config cfg = cfg_default();
  hk_app_request r = permit_request(ID);
  hk_actor self = resident(ID);
  json_t *doc = NULL;
  hk_error err = {0};
  /* Half a year of residence is reached on 2024-03-01 (三). */
  assert_int_equal(hk_app_submit(st, &cfg, &self, &r, D("2024-02-29"), &doc, &err), HK_ECONFLICT);
  assert_string_equal(err.field, "eligibility");
  /* Sentences in both languages, not internal names (issue 10). */
  if (!strstr(err.detail, "Not eligible (residence permit): Lived in 嘉兴市 for 5 months without "
                          "a break; 6 required"))
    fail_msg("%s", err.detail);
  assert_non_null(strstr(err.detail, "Expected to qualify from 2024-03-01"));
  if (!strstr(err.detail_zh, "不符合居住证条件：在嘉兴市连续居住 5 个月，需满 6 个月"))
    fail_msg("%s", err.detail_zh);
  assert_non_null(strstr(err.detail_zh, "预计 2024-03-01 起符合条件"));
  assert_null(strstr(err.detail, "residence_half_year"));
  assert_non_null(doc); /* the engine's answer, for the applicant */
  assert_non_null(json_object_get(doc, "residence_permit"));
  json_decref(doc);
  assert_int_equal(count_events(st), 0); /* a refusal writes nothing */

  assert_int_equal(hk_app_submit(st, &cfg, &self, &r, D("2024-03-01"), &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "submitted");
  assert_string_equal(str(doc, "decided_in"), "330402");
  assert_string_equal(str(doc, "channel"), "online");
  assert_string_equal(str(doc, "due_on"), "2024-03-16"); /* 15 days, from filing until accepted */
  assert_true(json_is_object(json_object_get(doc, "answer_at_submission")));
  json_decref(doc);

  /* One open application per kind. */
  assert_int_equal(hk_app_submit(st, &cfg, &self, &r, D("2024-03-02"), &doc, &err), HK_ECONFLICT);
  assert_string_equal(err.field, "application");
  assert_non_null(strstr(err.detail, "still open (submitted)"));
  /* Others cannot apply for someone; a settlement by a pathway that is not open is refused. */
  hk_actor other = resident(OTHER);
  assert_int_equal(hk_app_submit(st, &cfg, &other, &r, D("2024-03-02"), &doc, &err), HK_EFORBIDDEN);
  hk_app_request s = r;
  s.kind = HK_APP_SETTLEMENT;
  s.pathway = HK_PW_PERMIT_CONVERSION;
  assert_int_equal(hk_app_submit(st, &cfg, &self, &s, D("2024-03-02"), &doc, &err), HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "Not eligible (residence permit to hukou)"));
  assert_non_null(strstr(err.detail_zh, "不符合居住证转户籍条件"));
  json_decref(doc);
  doc = NULL;
  s.pathway = -1; /* best: nothing is open */
  assert_int_equal(hk_app_submit(st, &cfg, &self, &s, D("2024-03-02"), &doc, &err), HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "No settlement pathway is open to you in 南湖区"));
  json_decref(doc);
  doc = NULL;
  /* An unknown applicant. */
  hk_app_request u = permit_request("11010519491231002X");
  assert_int_equal(hk_app_submit(st, &cfg, &sys, &u, D("2024-03-02"), &doc, &err), HK_ENOTFOUND);
  assert_int_equal(count_events(st), 1);
  hk_store_close(st);
}

/* ---- every step ---- */

static void permit_application_walks_every_step(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_registered);
  hk_actor self = resident(ID);
  hk_app_request r = permit_request(ID);
  int64_t id = submit_ok(st, &self, &r, "2024-03-05");
  hk_error err = {0};
  json_t *doc = NULL;

  /* Not yet accepted: approve and request_material are refused with the state. */
  assert_int_equal(act(st, &officer, id, HK_APP_APPROVE, NULL, "2024-03-06", NULL, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "submitted"));
  assert_int_equal(act(st, &self, id, HK_APP_ACCEPT, NULL, "2024-03-06", NULL, &err),
                   HK_EFORBIDDEN);
  assert_int_equal(act(st, &elsewhere, id, HK_APP_ACCEPT, NULL, "2024-03-06", NULL, &err),
                   HK_EFORBIDDEN);
  assert_string_equal(err.field, "jurisdiction");

  assert_int_equal(act(st, &officer, id, HK_APP_ACCEPT, NULL, "2024-03-06", &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "accepted");
  assert_string_equal(str(doc, "due_on"), "2024-03-21"); /* Art.18: 15 days from acceptance */
  json_decref(doc);
  assert_int_equal(act(st, &officer, id, HK_APP_ACCEPT, NULL, "2024-03-06", NULL, &err),
                   HK_ECONFLICT);
  assert_int_equal(act(st, &officer, id, HK_APP_REQUEST_MATERIAL, "", "2024-03-07", NULL, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "reason");
  act_ok(st, &officer, id, HK_APP_REQUEST_MATERIAL, "劳动合同 / the labour contract", "2024-03-07");
  assert_int_equal(act(st, &officer, id, HK_APP_APPROVE, NULL, "2024-03-08", NULL, &err),
                   HK_ECONFLICT);
  assert_string_equal(err.detail, "Cannot approve: the application is material requested");
  assert_string_equal(err.detail_zh, "申请当前为“待补充材料”，不能批准");
  /* Another resident may not supply; the applicant may. The 5 days waiting for the material
   * do not count against the office. */
  hk_actor other = resident(OTHER);
  assert_int_equal(act(st, &other, id, HK_APP_SUPPLY_MATERIAL, NULL, "2024-03-12", NULL, &err),
                   HK_EFORBIDDEN);
  assert_int_equal(act(st, &self, id, HK_APP_SUPPLY_MATERIAL, NULL, "2024-03-12", &doc, &err),
                   HK_OK);
  assert_string_equal(str(doc, "due_on"), "2024-03-26");
  json_decref(doc);
  assert_int_equal(act(st, &officer, id, HK_APP_COMPLETE, NULL, "2024-03-13", NULL, &err),
                   HK_ECONFLICT);
  assert_int_equal(act(st, &city_officer, id, HK_APP_APPROVE, NULL, "2024-03-13", &doc, &err),
                   HK_OK);
  assert_string_equal(str(doc, "state"), "approved");
  assert_true(json_is_object(json_object_get(doc, "answer_at_decision")));
  assert_true(json_is_true(json_object_get(json_object_get(doc, "decision"), "eligible")));
  json_decref(doc);
  assert_int_equal(act(st, &officer, id, HK_APP_REJECT, "late", "2024-03-13", NULL, &err),
                   HK_ECONFLICT); /* approved is not rejectable */
  assert_int_equal(act(st, &officer, id, HK_APP_COMPLETE, NULL, "2024-03-14", &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "completed");
  assert_string_equal(str(doc, "permit_number"), "330402-2024-000001");
  assert_true(json_is_null(json_object_get(doc, "due_on")));
  assert_int_equal(json_array_size(json_object_get(doc, "steps")), 6);
  json_t *step = json_array_get(json_object_get(doc, "steps"), 2);
  assert_string_equal(str(step, "step"), "request_material");
  assert_string_equal(str(step, "by"), "officer:330402");
  assert_string_equal(str(step, "reason"), "劳动合同 / the labour contract");
  json_decref(doc);
  assert_int_equal(act(st, &officer, id, HK_APP_COMPLETE, NULL, "2024-03-14", NULL, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "completed"));

  /* The permit is in the registry where the engine reads it. */
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_person_get(st, ID, &p, &err), HK_OK);
  assert_int_equal(p.residence_permits.n, 1);
  assert_int_equal(p.residence_permits.items[0].division, 330402);
  assert_int_equal(p.residence_permits.items[0].period.from, D("2024-03-14"));
  assert_int_equal(p.residence_permits.items[0].period.to, D("2025-03-14"));
  hk_person_clear(&p);
  /* submit, accept, request, supply, approve, complete + permit.issue + certificate.issue */
  assert_int_equal(count_events(st), 8);
  hk_error e2 = {0};
  assert_int_equal(hk_store_event_each(st, 1, no_full_id, NULL, &e2), HK_OK);
  /* A second permit application while this one is active is refused. */
  hk_app_config cfg = cfg_default();
  assert_int_equal(hk_app_submit(st, &cfg, &self, &r, D("2024-04-01"), &doc, &err), HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "330402-2024-000001"));
  hk_store_close(st);
}

static void reject_and_show(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_registered);
  add_person(st, other_person);
  hk_actor self = resident(ID), other = resident(OTHER);
  hk_app_request r = permit_request(ID);
  snprintf(r.channel, sizeof r.channel, "service_point");
  r.filed_in = 330106; /* filed in Hangzhou, decided in Jiaxing (八) */
  int64_t id = submit_ok(st, &officer, &r, "2024-03-05");
  hk_error err = {0};
  json_t *doc = NULL;
  assert_int_equal(act(st, &officer, id, HK_APP_REJECT, NULL, "2024-03-06", NULL, &err), HK_EINVAL);
  assert_int_equal(act(st, &officer, id, HK_APP_REJECT,
                       "材料不实 / the lease of " OTHER " is not the applicant's", "2024-03-06",
                       &doc, &err),
                   HK_OK);
  assert_string_equal(str(doc, "state"), "rejected");
  assert_true(json_is_object(json_object_get(doc, "answer_at_decision")));
  json_decref(doc);
  assert_int_equal(act(st, &officer, id, HK_APP_ACCEPT, NULL, "2024-03-07", NULL, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "rejected"));
  /* The reason keeps its text in the application, masked in the event. */
  hk_error e2 = {0};
  assert_int_equal(hk_store_event_each(st, 1, no_full_id, NULL, &e2), HK_OK);

  /* Who sees it: the applicant, officers of the deciding or the filing county. */
  assert_int_equal(hk_app_show(st, &self, id, &doc, &err), HK_OK);
  assert_string_equal(str(doc, "filed_in"), "330106");
  json_decref(doc);
  hk_actor hz = {.role = HK_ROLE_OFFICER, .account = "o", .jurisdiction = 330106};
  assert_int_equal(hk_app_show(st, &hz, id, &doc, &err), HK_OK);
  json_decref(doc);
  assert_int_equal(hk_app_show(st, &other, id, &doc, &err), HK_ENOTFOUND);
  assert_int_equal(hk_app_show(st, &elsewhere, id, &doc, &err), HK_ENOTFOUND);
  assert_int_equal(hk_app_show(st, &sys, 999, &doc, &err), HK_ENOTFOUND);
  /* A rejected application is closed: a new one may be filed. */
  submit_ok(st, &self, &r, "2024-03-08");
  hk_store_close(st);
}

/* The page of a list answer ({"applications", "next"}). */
#define APPS(list) json_object_get((list), "applications")

static void lists_and_overdue(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_registered);
  add_person(st, other_person);
  hk_actor self = resident(ID), other = resident(OTHER);
  hk_app_request a = permit_request(ID), b = permit_request(OTHER);
  int64_t ia = submit_ok(st, &self, &a, "2024-03-05");
  int64_t ib = submit_ok(st, &other, &b, "2024-03-05");
  act_ok(st, &officer, ia, HK_APP_ACCEPT, NULL, "2024-03-06");
  act_ok(st, &officer, ib, HK_APP_ACCEPT, NULL, "2024-03-06");
  act_ok(st, &officer, ib, HK_APP_REQUEST_MATERIAL, "photo", "2024-03-07");
  hk_error err = {0};
  json_t *list = NULL;
  hk_app_query q;
  hk_app_query_init(&q, D("2024-03-22"));
  assert_int_equal(hk_app_list(st, &city_officer, &q, &list, &err), HK_OK);
  assert_int_equal(json_array_size(APPS(list)), 2);
  assert_string_equal(str(json_array_get(APPS(list), 0), "applicant"), "341222********0112");
  json_decref(list);
  q.state_mask = 1u << HK_APP_MATERIAL_REQUESTED;
  assert_int_equal(hk_app_list(st, &officer, &q, &list, &err), HK_OK);
  assert_int_equal(json_array_size(APPS(list)), 1);
  json_decref(list);
  /* Overdue: a is past 2024-03-21; b waits for the applicant, so it is not. */
  q.state_mask = 0;
  q.overdue = 1;
  assert_int_equal(hk_app_list(st, &officer, &q, &list, &err), HK_OK);
  assert_int_equal(json_array_size(APPS(list)), 1);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(APPS(list), 0), "id")), ia);
  json_decref(list);
  q.today = D("2024-03-21"); /* the due day itself is not late */
  assert_int_equal(hk_app_list(st, &officer, &q, &list, &err), HK_OK);
  assert_int_equal(json_array_size(APPS(list)), 0);
  json_decref(list);
  /* Outside the jurisdiction: refused; another county's list is empty. */
  q.area = 330100;
  assert_int_equal(hk_app_list(st, &officer, &q, &list, &err), HK_EFORBIDDEN);
  q.area = 330411;
  q.overdue = -1;
  assert_int_equal(hk_app_list(st, &city_officer, &q, &list, &err), HK_OK);
  assert_int_equal(json_array_size(APPS(list)), 0);
  json_decref(list);
  /* A resident sees their own only, whatever the area. */
  q.area = 0;
  assert_int_equal(hk_app_list(st, &other, &q, &list, &err), HK_OK);
  assert_int_equal(json_array_size(APPS(list)), 1);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(APPS(list), 0), "id")), ib);
  json_decref(list);
  hk_actor analyst = {.role = HK_ROLE_ANALYST, .account = "a"};
  assert_int_equal(hk_app_list(st, &analyst, &q, &list, &err), HK_EFORBIDDEN);
  hk_store_close(st);
}

/* ---- permits ---- */

static void issue_permit(hk_store *st, const char *on)
{
  hk_actor self = resident(ID);
  hk_app_request r = permit_request(ID);
  int64_t id = submit_ok(st, &self, &r, on);
  act_ok(st, &officer, id, HK_APP_ACCEPT, NULL, on);
  act_ok(st, &officer, id, HK_APP_APPROVE, NULL, on);
  act_ok(st, &officer, id, HK_APP_COMPLETE, NULL, on);
}

static hk_date permit_since(hk_store *st, int32_t target, const char *on)
{
  hk_situation s;
  hk_situation_init(&s);
  hk_answer *a = malloc(sizeof *a);
  hk_error err = {0};
  assert_int_equal(hk_situation_from_registry(st, ID, target, D(on), NULL, 0, &s, &err), HK_OK);
  assert_int_equal(hk_policy_eval(pol, &s, a, &err), HK_OK);
  hk_date since = a->permit_since;
  free(a);
  hk_situation_clear(&s);
  return since;
}

static void endorsement_window_lapse_and_reinstatement(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_registered);
  issue_permit(st, "2024-03-10"); /* valid [2024-03-10, 2025-03-10) */
  hk_actor self = resident(ID);
  hk_permit_result res;
  hk_error err = {0};
  /* The window opens a month before the anniversary (Art.19). */
  assert_int_equal(hk_permit_endorse(st, pol, &self, ID, D("2025-02-09"), &res, &err),
                   HK_ECONFLICT);
  assert_string_equal(err.field, "window");
  assert_non_null(strstr(err.detail, "opens on 2025-02-10"));
  assert_int_equal(hk_permit_endorse(st, pol, &elsewhere, ID, D("2025-02-10"), &res, &err),
                   HK_EFORBIDDEN);
  assert_int_equal(hk_permit_endorse(st, pol, &self, ID, D("2025-02-10"), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_ENDORSED);
  assert_int_equal(res.period.from, D("2025-03-10"));
  assert_int_equal(res.period.to, D("2026-03-10"));
  assert_string_equal(res.number, "330402-2024-000001");
  /* Endorsed once this year: the next window is a year away. */
  assert_int_equal(hk_permit_endorse(st, pol, &officer, ID, D("2025-02-20"), &res, &err),
                   HK_ECONFLICT);
  assert_int_equal(permit_since(st, 330402, "2026-01-01"), D("2024-03-10"));

  /* Not endorsed by 2026-03-10: suspended. */
  json_t *doc = NULL;
  assert_int_equal(hk_permit_show(st, &self, ID, D("2026-03-10"), &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "suspended");
  assert_string_equal(str(doc, "valid_until"), "2026-03-09");
  json_decref(doc);
  assert_int_equal(permit_since(st, 330402, "2026-04-01"), HK_DATE_NONE);
  /* A new application in the same city is pointed at the late endorsement. */
  hk_app_config cfg = cfg_default();
  hk_app_request r = permit_request(ID);
  assert_int_equal(hk_app_submit(st, &cfg, &self, &r, D("2026-04-01"), &doc, &err), HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "late endorsement"));
  /* The late endorsement reinstates it; the run starts again that day (Art.19). */
  assert_int_equal(hk_permit_endorse(st, pol, &officer, ID, D("2026-04-01"), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_REINSTATED);
  assert_int_equal(res.period.from, D("2026-04-01"));
  assert_int_equal(res.period.to, D("2027-04-01"));
  assert_int_equal(permit_since(st, 330402, "2026-06-01"), D("2026-04-01"));
  assert_int_equal(hk_permit_show(st, &officer, ID, D("2026-04-02"), &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "active");
  assert_string_equal(str(doc, "endorse_from"), "2027-03-01");
  assert_int_equal(json_array_size(json_object_get(doc, "periods")), 3);
  json_decref(doc);
  assert_int_equal(hk_permit_show(st, &elsewhere, ID, D("2026-04-02"), &doc, &err), HK_EFORBIDDEN);
  hk_store_close(st);
}

static void endorsement_needs_the_conditions(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_registered);
  issue_permit(st, "2024-03-10");
  hk_permit_result res;
  hk_error err = {0};
  /* The holder left (cancelled the registration): no endorsement (Art.19). */
  hk_residence_request leave = {.on = D("2024-12-01"), .declared_on = D("2024-12-01")};
  snprintf(leave.id_number, sizeof leave.id_number, ID);
  hk_residence_result rr;
  assert_int_equal(
      hk_residence_service(st, &sys, HK_RES_CANCEL, &leave, D("2024-12-01"), &rr, &err), HK_OK);
  assert_int_equal(hk_permit_endorse(st, pol, &sys, ID, D("2025-02-20"), &res, &err), HK_ECONFLICT);
  assert_string_equal(err.field, "residence");
  /* Someone without a permit. */
  add_person(st, other_person);
  assert_int_equal(hk_permit_endorse(st, pol, &sys, OTHER, D("2025-02-20"), &res, &err),
                   HK_ENOTFOUND);
  hk_store_close(st);
}

static void recognition_in_another_city(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_registered);
  issue_permit(st, "2024-03-10");
  hk_permit_result res;
  hk_error err = {0};
  /* Still living in Jiaxing: nothing to recognise. */
  assert_int_equal(hk_permit_recognise(st, &sys, ID, D("2024-06-01"), &res, &err), HK_ECONFLICT);
  assert_string_equal(err.field, "residence");
  /* Moves to 西湖区 (Hangzhou). */
  hk_residence_request mv = {.division = 330106,
                             .urban = HK_TRI_TRUE,
                             .on = D("2024-06-01"),
                             .declared_on = D("2024-06-02")};
  snprintf(mv.id_number, sizeof mv.id_number, ID);
  snprintf(mv.address, sizeof mv.address, "西湖区 文三路 90 号");
  hk_residence_result rr;
  assert_int_equal(hk_residence_service(st, &sys, HK_RES_DECLARE, &mv, D("2024-06-02"), &rr, &err),
                   HK_OK);
  hk_actor hz = {.role = HK_ROLE_OFFICER, .account = "officer:330106", .jurisdiction = 330106};
  assert_int_equal(hk_permit_recognise(st, &officer, ID, D("2024-06-05"), &res, &err),
                   HK_EFORBIDDEN); /* the new county's officer recognises */
  assert_int_equal(hk_permit_recognise(st, &hz, ID, D("2024-06-05"), &res, &err), HK_OK);
  assert_int_equal(res.previous_division, 330402);
  assert_int_equal(res.period.from, D("2024-06-05"));
  assert_int_equal(res.period.to, D("2025-03-10")); /* the same anniversary */
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_person_get(st, ID, &p, &err), HK_OK);
  assert_int_equal(p.residence_permits.n, 2);
  assert_int_equal(p.residence_permits.items[0].period.to, D("2024-06-05"));
  assert_int_equal(p.residence_permits.items[1].division, 330106);
  hk_person_clear(&p);
  /* The run in Hangzhou starts on recognition; Jiaxing's has ended. */
  assert_int_equal(permit_since(st, 330106, "2024-07-01"), D("2024-06-05"));
  assert_int_equal(permit_since(st, 330402, "2024-07-01"), HK_DATE_NONE);
  json_t *doc = NULL;
  assert_int_equal(hk_permit_show(st, &hz, ID, D("2024-07-01"), &doc, &err), HK_OK);
  assert_string_equal(str(doc, "division"), "330106");
  json_decref(doc);
  assert_int_equal(hk_permit_recognise(st, &hz, ID, D("2024-07-01"), &res, &err), HK_ECONFLICT);
  hk_store_close(st);
}

/* ---- concurrency ---- */

#define THREADS 6

typedef struct worker {
  int64_t id;
  hk_status rc;
  char detail[320];
} worker;

static void *accept_one(void *arg)
{
  worker *w = arg;
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(db, HK_STORE_EXISTING, &st, &err) != HK_OK) {
    w->rc = err.code;
    snprintf(w->detail, sizeof w->detail, "open: %.300s", err.detail);
    return NULL;
  }
  w->rc = act(st, &officer, w->id, HK_APP_ACCEPT, NULL, "2024-03-06", NULL, &err);
  snprintf(w->detail, sizeof w->detail, "%s", err.detail);
  hk_store_close(st);
  return NULL;
}

static void concurrent_accepts_one_wins(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_registered);
  hk_actor self = resident(ID);
  hk_app_request r = permit_request(ID);
  int64_t id = submit_ok(st, &self, &r, "2024-03-05");
  hk_store_close(st);
  pthread_t threads[THREADS];
  worker workers[THREADS];
  for (int t = 0; t < THREADS; t++) {
    workers[t] = (worker){.id = id};
    assert_int_equal(pthread_create(&threads[t], NULL, accept_one, &workers[t]), 0);
  }
  int won = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    if (workers[t].rc == HK_OK)
      won++;
    else if (workers[t].rc != HK_ECONFLICT || !strstr(workers[t].detail, "accepted"))
      fail_msg("thread %d: %s: %s", t, hk_status_code(workers[t].rc), workers[t].detail);
  }
  assert_int_equal(won, 1);
  hk_error err = {0};
  assert_int_equal(hk_store_open(db, HK_STORE_EXISTING, &st, &err), HK_OK);
  assert_int_equal(count_events(st), 2); /* submit + one accept */
  json_t *doc = NULL;
  assert_int_equal(hk_app_show(st, &sys, id, &doc, &err), HK_OK);
  assert_int_equal(json_array_size(json_object_get(doc, "steps")), 2);
  json_decref(doc);
  hk_store_close(st);
}

/* ---- a migrant from arrival to settlement ---- */

static void migrant_from_arrival_to_settlement(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_arriving);
  hk_error err = {0};
  hk_actor self = resident(ID);
  /* Arrival: residence declared in 南湖区 (一). */
  hk_residence_request arrive = {.division = 330402,
                                 .urban = HK_TRI_TRUE,
                                 .on = D("2023-09-01"),
                                 .declared_on = D("2023-09-02")};
  snprintf(arrive.id_number, sizeof arrive.id_number, ID);
  snprintf(arrive.address, sizeof arrive.address, "南湖区 东栅街道 1 号");
  hk_residence_result rr;
  assert_int_equal(
      hk_residence_service(st, &self, HK_RES_DECLARE, &arrive, D("2023-09-02"), &rr, &err), HK_OK);
  /* Half a year later, a permit (三): issued [2024-03-10, 2025-03-10). */
  issue_permit(st, "2024-03-10");
  hk_permit_result res;
  /* Endorsed on time in 2025; forgotten in 2026 (suspended), endorsed late on 2026-04-01. */
  assert_int_equal(hk_permit_endorse(st, pol, &self, ID, D("2025-02-20"), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_ENDORSED);
  assert_int_equal(hk_permit_endorse(st, pol, &self, ID, D("2026-04-01"), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_REINSTATED);
  assert_int_equal(hk_permit_endorse(st, pol, &self, ID, D("2027-03-15"), &res, &err), HK_OK);
  assert_int_equal(hk_permit_endorse(st, pol, &self, ID, D("2028-03-15"), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_ENDORSED);

  /* Conversion (四) needs 2 permit years in Jiaxing: counted from the late endorsement, so not
   * in 2027 (though the permit is three years old) ... */
  hk_app_config cfg = cfg_default();
  hk_app_request s = permit_request(ID);
  s.kind = HK_APP_SETTLEMENT;
  s.pathway = -1; /* best */
  json_t *doc = NULL;
  assert_int_equal(hk_app_submit(st, &cfg, &self, &s, D("2027-06-01"), &doc, &err), HK_ECONFLICT);
  json_decref(doc);
  doc = NULL;
  s.pathway = HK_PW_PERMIT_CONVERSION;
  assert_int_equal(hk_app_submit(st, &cfg, &self, &s, D("2027-06-01"), &doc, &err), HK_ECONFLICT);
  if (!strstr(err.detail_zh, "连续持有居住证 14 个月，需满 2 年"))
    fail_msg("%s", err.detail_zh);
  assert_non_null(strstr(err.detail, "Held the permit for 14 months without a lapse; 2 years "
                                     "required"));
  assert_non_null(strstr(err.detail, "Expected to qualify from 2028-04-01"));
  json_decref(doc);
  doc = NULL;
  /* ... but from 2028-04-01. "best" picks conversion: the residence pathway needs housing. */
  s.pathway = -1;
  assert_int_equal(hk_app_submit(st, &cfg, &self, &s, D("2028-04-05"), &doc, &err), HK_OK);
  assert_string_equal(str(doc, "pathway"), "permit_conversion");
  assert_string_equal(str(doc, "requested_pathway"), "best");
  assert_string_equal(str(doc, "due_on"), "2028-05-05"); /* the default 30 days */
  int64_t id = json_integer_value(json_object_get(doc, "id"));
  json_decref(doc);
  act_ok(st, &officer, id, HK_APP_ACCEPT, NULL, "2028-04-06");
  act_ok(st, &officer, id, HK_APP_APPROVE, NULL, "2028-04-10");
  /* Completion moves the hukou (move.h): renting, with no home of their own, the migrant joins
   * the community collective household of 南湖区, created now; an officer elsewhere may not. */
  assert_int_equal(act(st, &elsewhere, id, HK_APP_COMPLETE, NULL, "2028-04-11", NULL, &err),
                   HK_EFORBIDDEN);
  /* The community's collective household is created now: its address is the officer's to
   * give (the registry cannot know it), so without one the completion is refused. */
  assert_int_equal(act(st, &officer, id, HK_APP_COMPLETE, NULL, "2028-04-11", NULL, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "address");
  hk_move_hint community = {0};
  snprintf(community.community, sizeof community.community, "东栅社区");
  snprintf(community.address, sizeof community.address, "南湖区 东栅街道 社区服务中心");
  assert_int_equal(hk_app_complete(st, &cfg, &officer, id, &community, D("2028-04-11"), &doc, &err),
                   HK_OK);
  json_decref(doc);
  doc = NULL;
  assert_int_equal(act(st, &officer, id, HK_APP_COMPLETE, NULL, "2028-04-12", NULL, &err),
                   HK_ECONFLICT);

  /* The registry: the permit history with the gap, the hukou now in 南湖区. */
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_person_get(st, ID, &p, &err), HK_OK);
  assert_int_equal(p.residence.n, 1);
  /* Settling ends what exists for those living away from their hukou (issue 10): the residence
   * registration in the new hukou county ends as settled, and the permit of that city ends on
   * the move date (the year endorsed to 2029-04-01 is cut). */
  assert_int_equal(p.residence.items[0].period.to, D("2028-04-11"));
  assert_int_equal(p.residence.items[0].ended, HK_RES_END_SETTLED);
  assert_int_equal(p.residence_permits.n, 5);
  assert_int_equal(p.residence_permits.items[1].period.to, D("2026-03-10"));
  assert_int_equal(p.residence_permits.items[2].period.from, D("2026-04-01"));
  assert_int_equal(p.residence_permits.items[4].period.to, D("2028-04-11"));
  assert_true(p.has_hukou);
  assert_int_equal(p.hukou.division, 330402);
  assert_int_equal(p.hukou.household, HK_HOUSEHOLD_COLLECTIVE);
  assert_false(p.hukou.head);
  assert_int_equal(p.hukou.urban, HK_TRI_TRUE);
  assert_string_equal(p.hukou.household_no, "330402-000001");
  assert_int_equal(p.hukou.since, D("2028-04-11"));
  hk_person_clear(&p);
  hk_household_row h;
  assert_int_equal(hk_store_household_get(st, 0, "330402-000001", false, &h, &err), HK_OK);
  assert_int_equal(h.owner, HK_HH_OWNER_COMMUNITY);
  assert_int_equal(h.created_on, D("2028-04-11"));
  assert_string_equal(h.address, "南湖区 东栅街道 社区服务中心");
  /* The old household (Anhui, the migrant alone in it) is dissolved; the row history closed. */
  int64_t row;
  hk_hukou_row cur;
  assert_int_equal(hk_store_person_row(st, ID, &row, &err), HK_OK);
  assert_int_equal(hk_store_hukou_current(st, row, &cur, &err), HK_OK);
  assert_int_equal(cur.seq, 1);
  assert_int_equal(cur.valid_from, D("2028-04-11"));
  assert_int_equal(hk_store_household_get(st, 1, NULL, false, &h, &err), HK_OK);
  assert_int_equal(h.division, 341222);
  assert_int_equal(h.dissolved_on, D("2028-04-11"));
  assert_int_equal(h.head_person, 0);
  assert_int_equal(hk_app_show(st, &self, id, &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "completed");
  json_t *moved = json_object_get(doc, "moved_to");
  assert_string_equal(str(moved, "household"), "330402-000001");
  assert_string_equal(str(moved, "destination"), "community_collective");
  assert_string_equal(str(moved, "from_division"), "341222");
  assert_string_equal(str(moved, "migration_certificate"), "inter_province");
  assert_true(json_is_true(json_object_get(moved, "old_dissolved")));
  assert_true(json_is_true(json_object_get(moved, "permit_ended")));
  assert_string_equal(str(moved, "residence_ended"), "330402");
  json_decref(doc);
  /* The certificates (issue 12), newest first: the settlement approval valid; the receipt and
   * the last permit ended at settlement; every earlier permit superseded by the next. */
  json_t *certs = NULL;
  assert_int_equal(hk_certificate_list(st, &self, ID, &certs, &err), HK_OK);
  char seen[512] = "";
  size_t ci;
  json_t *cv;
  json_array_foreach(certs, ci, cv)
  {
    snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s%s:%s:%s", ci ? " " : "",
             str(cv, "type"), str(cv, "status"), str(cv, "status_reason"));
  }
  json_decref(certs);
  assert_string_equal(seen, "settlement_approval:valid: residence_permit:revoked:ended "
                            "residence_permit:revoked:superseded "
                            "residence_permit:revoked:superseded "
                            "residence_permit:revoked:superseded "
                            "residence_permit:revoked:superseded "
                            "residence_receipt:revoked:ended");
  /* Every answer agrees: the permit shows ended, the engine sees no permit after the move. */
  assert_int_equal(hk_permit_show(st, &self, ID, D("2028-04-12"), &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "ended");
  assert_string_equal(str(doc, "ended"), "settled");
  assert_string_equal(str(doc, "ended_on"), "2028-04-11");
  assert_null(json_object_get(doc, "endorse_from"));
  json_decref(doc);
  assert_int_equal(permit_since(st, 330402, "2028-04-12"), HK_DATE_NONE);
  assert_int_equal(permit_since(st, 330402, "2028-04-10"), D("2026-04-01"));
  assert_int_equal(hk_permit_endorse(st, pol, &self, ID, D("2029-03-15"), &res, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "ended on 2028-04-11"));
  /* residence 1 + permit application 4 + issue 1 + endorsements 4 + settlement 3 + household
   * created, moved out, residence ended, permit ended, moved in, completed 6; certificates:
   * the receipt 1, the permit 1, each endorsement's new one and the old superseded 8, the
   * settlement approval 1, the receipt and the permit revoked at settlement 2 */
  assert_int_equal(count_events(st), 32);
  assert_int_equal(hk_store_event_each(st, 1, no_full_id, NULL, &err), HK_OK);
  int64_t checked, broken;
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_OK);
  assert_int_equal(checked, 32);
  hk_store_close(st);
}

/* ---- settlement moves: every destination ---- */

#define T1 "341222199303030012"
#define T2 "341222199404040033"
#define T3 "341222199505050054"
#define T4 "341222199606060075"
#define T5 "341222199707070096"
#define HOSTF "330402196501010011"
#define CHILD "341222199808080015"
#define SIB "34122220000101002X"
#define PARENT "330402196606060015"
#define CHILD_MINOR "34122220160101001X"

/* A talent (五) from Anhui working and living in 南湖区 since 2024; `extra` adds histories. */
static void add_talent(hk_store *st, const char *id, const char *extra)
{
  char json[1024];
  snprintf(json, sizeof json,
           "{\"id_number\":\"%s\",\"hukou\":{\"division\":\"341222\",\"household\":"
           "\"family\",\"head\":true},\"talent\":[{\"category\":\"bachelor\",\"division\":"
           "\"330400\"}],\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":"
           "\"2024-01-01\",\"address\":\"南湖区 %s 号\"}]%s}",
           id, id + 14, extra);
  add_person(st, json);
}

static void link(hk_store *st, const char *a, hk_relation rel, const char *b, uint32_t seq)
{
  hk_error err = {0};
  int64_t ra, rb;
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_person_row(st, a, &ra, &err), HK_OK);
  assert_int_equal(hk_store_person_row(st, b, &rb, &err), HK_OK);
  assert_int_equal(hk_store_kinship_add(st, ra, seq, rel, rb, &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
}

/* Submit, accept and approve a settlement application by `pathway`; its id. */
static int64_t approved(hk_store *st, const char *id, hk_pathway pathway, const char *consenting)
{
  hk_app_request r = permit_request(id);
  r.kind = HK_APP_SETTLEMENT;
  r.pathway = pathway;
  if (consenting) {
    snprintf(r.consenting[0], sizeof r.consenting[0], "%s", consenting);
    r.n_consenting = 1;
  }
  hk_actor self = resident(id);
  int64_t app = submit_ok(st, &self, &r, "2024-06-01");
  act_ok(st, &officer, app, HK_APP_ACCEPT, NULL, "2024-06-02");
  act_ok(st, &officer, app, HK_APP_APPROVE, NULL, "2024-06-03");
  return app;
}

/* Complete with a hint; the application's "moved_to" (caller frees the document). */
static json_t *complete(hk_store *st, int64_t app, const hk_move_hint *hint, hk_status want,
                        hk_error *err)
{
  hk_app_config cfg = cfg_default();
  json_t *doc = NULL;
  hk_status rc = hk_app_complete(st, &cfg, &officer, app, hint, D("2024-06-05"), &doc, err);
  if (rc != want)
    fail_msg("complete: %s %s: %s", hk_status_code(rc), err->field, err->detail);
  return doc;
}

static void settlement_moves_to_every_destination(void **state)
{
  (void)state;
  hk_store *st = fresh(NULL);
  hk_error err = {0};
  const char *collective = ",\"employment\":[{\"division\":\"330402\",\"from\":\"2024-01-01\","
                           "\"collective_household\":true}]";
  add_talent(st, T1, collective);
  add_talent(st, T2, collective);
  add_talent(st, T3, "");
  add_talent(st, T4,
             ",\"housing\":[{\"division\":\"330402\",\"urban\":true,\"kind\":"
             "\"owned\",\"from\":\"2020-01-01\"}]");
  add_talent(st, T5, "");
  add_person(st, "{\"id_number\":\"" HOSTF "\",\"hukou\":{\"division\":\"330402\","
                 "\"household\":\"family\",\"head\":true,\"urban\":true,\"household_no\":"
                 "\"330402-000501\"}}");
  link(st, T5, HK_REL_FRIEND, HOSTF, 0);

  /* (五) employer collective: the unit must be named; its household is created once, then
   * found for the next employee. */
  int64_t a1 = approved(st, T1, HK_PW_TALENT, NULL);
  json_decref(complete(st, a1, NULL, HK_EINVAL, &err));
  assert_string_equal(err.field, "unit");
  hk_move_hint unit = {0};
  snprintf(unit.unit_code, sizeof unit.unit_code, "91330402MA0000001X"); /* check char wrong */
  json_decref(complete(st, a1, &unit, HK_EINVAL, &err));
  assert_string_equal(err.field, "unit");
  snprintf(unit.unit_code, sizeof unit.unit_code, "91330402MA0000001U");
  json_decref(complete(st, a1, &unit, HK_EINVAL, &err)); /* no name to create it with */
  assert_string_equal(err.field, "unit_name");
  snprintf(unit.unit_name, sizeof unit.unit_name, "嘉兴某厂");
  json_decref(complete(st, a1, &unit, HK_EINVAL, &err)); /* nor an address */
  assert_string_equal(err.field, "address");
  snprintf(unit.address, sizeof unit.address, "南湖区 工业路 1 号");
  json_t *doc = complete(st, a1, &unit, HK_OK, &err);
  json_t *m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "employer_collective");
  assert_true(json_is_true(json_object_get(m, "household_created")));
  char unit_no[HK_HOUSEHOLD_NO_MAX + 1];
  snprintf(unit_no, sizeof unit_no, "%s", str(m, "household"));
  json_decref(doc);
  int64_t a2 = approved(st, T2, HK_PW_TALENT, NULL);
  hk_move_hint code_only = {0};
  snprintf(code_only.unit_code, sizeof code_only.unit_code, "91330402MA0000001U");
  doc = complete(st, a2, &code_only, HK_OK, &err);
  m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "household"), unit_no);
  assert_false(json_is_true(json_object_get(m, "household_created")));
  json_decref(doc);

  /* (五) the talent service agency's collective household. */
  int64_t a3 = approved(st, T3, HK_PW_TALENT, NULL);
  hk_move_hint agency = {0};
  snprintf(agency.address, sizeof agency.address, "南湖区 人才服务中心");
  doc = complete(st, a3, &agency, HK_OK, &err);
  m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "talent_service_collective");
  hk_household_row h;
  assert_int_equal(hk_store_household_get(st, 0, str(m, "household"), false, &h, &err), HK_OK);
  assert_int_equal(h.owner, HK_HH_OWNER_TALENT_SERVICE);
  json_decref(doc);

  /* (五) own housing: a new family household, the person its head, at the residence's
   * address. */
  int64_t a4 = approved(st, T4, HK_PW_TALENT, NULL);
  doc = complete(st, a4, NULL, HK_OK, &err);
  m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "own_housing");
  assert_true(json_is_true(json_object_get(m, "head")));
  assert_int_equal(hk_store_household_get(st, 0, str(m, "household"), false, &h, &err), HK_OK);
  assert_int_equal(h.kind, HK_HOUSEHOLD_FAMILY);
  assert_string_equal(h.address, "南湖区 0075 号");
  json_decref(doc);

  /* (五) a consenting friend's household. */
  int64_t a5 = approved(st, T5, HK_PW_TALENT, HOSTF);
  doc = complete(st, a5, NULL, HK_OK, &err);
  m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "host_household");
  assert_string_equal(str(m, "household"), "330402-000501");
  assert_false(json_is_true(json_object_get(m, "head")));
  json_decref(doc);

  hk_person p;
  hk_person_init(&p);
  const char *ids[] = {T1, T2, T3, T4, T5};
  for (int i = 0; i < 5; i++) {
    assert_int_equal(hk_store_person_get(st, ids[i], &p, &err), HK_OK);
    assert_int_equal(p.hukou.division, 330402);
  }
  hk_person_clear(&p);
  int64_t checked, broken;
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_OK);
  assert_int_equal(hk_store_event_each(st, 1, no_full_id, NULL, &err), HK_OK);
  hk_store_close(st);
}

static void family_move_passes_the_headship_on(void **state)
{
  (void)state;
  hk_store *st = fresh(NULL);
  hk_error err = {0};
  /* (六) child_joins_parent: the unmarried son heads the Anhui household he shares with his
   * sister; his father is registered in 南湖区 and owns a home there. */
  add_person(st, "{\"id_number\":\"" CHILD "\",\"marital_status\":\"unmarried\",\"hukou\":"
                 "{\"division\":\"341222\",\"household\":\"family\",\"head\":true,"
                 "\"household_no\":\"341222-000601\"}}");
  add_person(st, "{\"id_number\":\"" SIB "\",\"hukou\":{\"division\":\"341222\","
                 "\"household\":\"family\",\"household_no\":\"341222-000601\"}}");
  add_person(st, "{\"id_number\":\"" PARENT "\",\"hukou\":{\"division\":\"330402\","
                 "\"household\":\"family\",\"head\":true,\"urban\":true,\"household_no\":"
                 "\"330402-000701\"},\"housing\":[{\"division\":\"330402\",\"urban\":true,"
                 "\"kind\":\"owned\",\"from\":\"2010-01-01\"}]}");
  link(st, CHILD, HK_REL_PARENT, PARENT, 0);
  link(st, PARENT, HK_REL_CHILD, CHILD, 0);
  int64_t app = approved(st, CHILD, HK_PW_FAMILY, NULL);
  json_t *doc = complete(st, app, NULL, HK_OK, &err);
  json_t *m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "child_joins_parent");
  assert_string_equal(str(m, "household"), "330402-000701");
  assert_string_equal(str(m, "from_household"), "341222-000601");
  char masked[HK_IDNUM_LEN + 1];
  assert_string_equal(str(m, "new_head_of_old"), hk_idnum_mask(SIB, masked));
  assert_null(json_object_get(m, "old_dissolved"));
  json_decref(doc);
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_person_get(st, SIB, &p, &err), HK_OK);
  assert_true(p.hukou.head);
  assert_int_equal(hk_store_person_get(st, CHILD, &p, &err), HK_OK);
  assert_string_equal(p.hukou.household_no, "330402-000701");
  assert_false(p.hukou.head);

  /* A daughter whose father is registered in his unit's collective household: not the unit's
   * household, a family household of her own in 南湖区. */
  add_person(st, "{\"id_number\":\"34122219990909001X\",\"marital_status\":\"unmarried\","
                 "\"hukou\":{\"division\":\"341222\",\"household\":\"family\",\"head\":true}}");
  add_person(st, "{\"id_number\":\"33040219670707001X\",\"hukou\":{\"division\":\"330402\","
                 "\"household\":\"collective\",\"urban\":true,\"household_no\":"
                 "\"330402-000801\"},\"housing\":[{\"division\":\"330402\",\"urban\":true,"
                 "\"kind\":\"owned\",\"from\":\"2010-01-01\"}]}");
  link(st, "34122219990909001X", HK_REL_PARENT, "33040219670707001X", 0);
  app = approved(st, "34122219990909001X", HK_PW_FAMILY, NULL);
  /* No residence registration in 南湖区 gives the new household an address: asked for, never
   * left empty (issue 10). */
  json_decref(complete(st, app, NULL, HK_EINVAL, &err));
  assert_string_equal(err.field, "address");
  hk_move_hint home = {0};
  snprintf(home.address, sizeof home.address, "南湖区 家园路 7 号");
  doc = complete(st, app, &home, HK_OK, &err);
  m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "child_joins_parent");
  assert_true(json_is_true(json_object_get(m, "household_created")));
  assert_true(json_is_true(json_object_get(m, "head")));
  hk_household_row h;
  assert_int_equal(hk_store_household_get(st, 0, str(m, "household"), false, &h, &err), HK_OK);
  assert_int_equal(h.kind, HK_HOUSEHOLD_FAMILY);
  assert_string_equal(h.address, "南湖区 家园路 7 号");
  json_decref(doc);
  hk_person_clear(&p);
  hk_store_close(st);
}

static void a_destination_gone_is_refused(void **state)
{
  (void)state;
  hk_store *st = fresh(NULL);
  hk_error err = {0};
  add_person(st, "{\"id_number\":\"" CHILD "\",\"marital_status\":\"unmarried\",\"hukou\":"
                 "{\"division\":\"341222\",\"household\":\"family\",\"head\":true}}");
  add_person(st, "{\"id_number\":\"" PARENT "\",\"hukou\":{\"division\":\"330402\","
                 "\"household\":\"family\",\"head\":true,\"urban\":true,\"household_no\":"
                 "\"330402-000701\"},\"housing\":[{\"division\":\"330402\",\"urban\":true,"
                 "\"kind\":\"owned\",\"from\":\"2010-01-01\"}]}");
  link(st, CHILD, HK_REL_PARENT, PARENT, 0);
  int64_t app = approved(st, CHILD, HK_PW_FAMILY, NULL);
  /* The father dies before the move is done: his household is no more. */
  json_t *out = NULL;
  assert_int_equal(
      hk_death_register(st, &sys, PARENT, D("2024-06-04"), D("2024-06-04"), &out, &err), HK_OK);
  json_decref(out);
  int64_t before = count_events(st);
  json_decref(complete(st, app, NULL, HK_ECONFLICT, &err));
  assert_string_equal(err.field, "destination");
  assert_non_null(strstr(err.detail, "no longer there"));
  assert_int_equal(count_events(st), before); /* nothing written */
  json_t *doc = NULL;
  assert_int_equal(hk_app_show(st, &sys, app, &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "approved");
  assert_null(json_object_get(doc, "moved_to"));
  json_decref(doc);
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_person_get(st, CHILD, &p, &err), HK_OK);
  assert_int_equal(p.hukou.division, 341222);
  hk_person_clear(&p);
  hk_store_close(st);
}

/* Issue 10: an on-time endorsement adds next year's period, which begins at the anniversary;
 * until then the current one still covers today, so the permit is active, not suspended, and
 * can be recognised in another city and endorsed there the next year. */
static const char migrant_two_cities[] =
    "{\"id_number\":\"" ID "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-09-01\"},"
    "{\"division\":\"330106\",\"from\":\"2023-09-01\"}],"
    "\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-09-01\","
    "\"address\":\"南湖区 东栅街道 1 号\",\"declared_on\":\"2023-09-02\"}]}";

static void on_time_endorsement_keeps_the_permit_active(void **state)
{
  (void)state;
  hk_store *st = fresh(migrant_two_cities);
  issue_permit(st, "2024-03-10"); /* [2024-03-10, 2025-03-10) */
  hk_actor self = resident(ID);
  hk_permit_result res;
  hk_error err = {0};
  assert_int_equal(hk_permit_endorse(st, pol, &self, ID, D("2025-02-10"), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_ENDORSED);
  json_t *doc = NULL;
  assert_int_equal(hk_permit_show(st, &self, ID, D("2025-02-20"), &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "active");
  assert_string_equal(str(doc, "division"), "330402");
  assert_string_equal(str(doc, "valid_until"), "2026-03-09");
  assert_string_equal(str(doc, "endorse_from"), "2026-02-10");
  json_decref(doc);
  /* Moves to 西湖区 before the anniversary: recognition is not refused as "suspended". */
  hk_residence_request mv = {.division = 330106,
                             .urban = HK_TRI_TRUE,
                             .on = D("2025-02-20"),
                             .declared_on = D("2025-02-20")};
  snprintf(mv.id_number, sizeof mv.id_number, ID);
  snprintf(mv.address, sizeof mv.address, "西湖区 文三路 90 号");
  hk_residence_result rr;
  assert_int_equal(hk_residence_service(st, &sys, HK_RES_DECLARE, &mv, D("2025-02-20"), &rr, &err),
                   HK_OK);
  hk_actor hz = {.role = HK_ROLE_OFFICER, .account = "officer:330106", .jurisdiction = 330106};
  assert_int_equal(hk_permit_recognise(st, &hz, ID, D("2025-02-25"), &res, &err), HK_OK);
  assert_int_equal(res.previous_division, 330402);
  assert_int_equal(res.period.from, D("2025-02-25"));
  assert_int_equal(res.period.to, D("2025-03-10"));
  /* The year endorsed ahead moved with the permit: it was never held in Jiaxing. */
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_person_get(st, ID, &p, &err), HK_OK);
  assert_int_equal(p.residence_permits.n, 3);
  assert_int_equal(p.residence_permits.items[0].period.to, D("2025-02-25"));
  assert_int_equal(p.residence_permits.items[1].division, 330106);
  assert_int_equal(p.residence_permits.items[1].period.from, D("2025-03-10"));
  hk_person_clear(&p);
  assert_int_equal(hk_permit_show(st, &hz, ID, D("2025-06-01"), &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "active");
  assert_string_equal(str(doc, "division"), "330106");
  json_decref(doc);
  assert_int_equal(permit_since(st, 330106, "2025-06-01"), D("2025-02-25"));
  /* The next endorsement, in Hangzhou, on time. */
  assert_int_equal(hk_permit_endorse(st, pol, &hz, ID, D("2026-02-15"), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_ENDORSED);
  assert_int_equal(res.period.from, D("2026-03-10"));
  assert_int_equal(res.period.to, D("2027-03-10"));
  hk_store_close(st);
}

/* Issue 10: the family rules (六) date eligibility from the day the relative's hukou was
 * registered in the target (hukou.since, from the registry's valid_from), not before. */
static void family_joining_dates_from_the_relatives_hukou(void **state)
{
  (void)state;
  hk_store *st = fresh(NULL);
  hk_error err = {0};
  add_person(st, "{\"id_number\":\"" CHILD_MINOR "\",\"hukou\":{\"division\":\"341222\","
                 "\"household\":\"family\",\"head\":true}}");
  add_person(st, "{\"id_number\":\"" PARENT "\",\"hukou\":{\"division\":\"330402\","
                 "\"household\":\"family\",\"head\":true,\"urban\":true,\"household_no\":"
                 "\"330402-000701\",\"since\":\"2024-05-01\"},\"housing\":[{\"division\":"
                 "\"330402\",\"urban\":true,\"kind\":\"owned\",\"from\":\"2010-01-01\"}]}");
  link(st, CHILD_MINOR, HK_REL_PARENT, PARENT, 0);
  hk_situation s;
  hk_situation_init(&s);
  hk_answer *a = malloc(sizeof *a);
  assert_int_equal(
      hk_situation_from_registry(st, CHILD_MINOR, 330402, D("2024-06-01"), NULL, 0, &s, &err),
      HK_OK);
  assert_int_equal(s.relatives[0].hukou.since, D("2024-05-01"));
  assert_int_equal(hk_policy_eval(pol, &s, a, &err), HK_OK);
  assert_true(a->family_rule_eligible[HK_FR_CHILD_JOINS_PARENT]);
  assert_int_equal(a->family_rule_from[HK_FR_CHILD_JOINS_PARENT], D("2024-05-01"));
  assert_int_equal(a->pathways[HK_PW_FAMILY].eligible_from, D("2024-05-01"));
  /* The contract's JSON carries it too: a situation's relative may say since when. */
  json_t *j = hk_answer_to_json(a);
  char *text = json_dumps(j, JSON_COMPACT);
  assert_non_null(strstr(text, "\"eligible_from\":\"2024-05-01\""));
  free(text);
  json_decref(j);
  static const char doc[] =
      "{\"as_of\":\"2024-06-01\",\"target\":\"330402\",\"person\":{\"id_number\":\"" CHILD_MINOR
      "\",\"hukou\":{\"division\":\"341222\"}},\"relatives\":[{\"id_number\":\"" PARENT
      "\",\"relation\":\"parent\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\","
      "\"head\":true,\"urban\":true,\"since\":\"2024-05-01\"},\"housing\":[{\"division\":"
      "\"330402\",\"urban\":true,\"kind\":\"owned\",\"from\":\"2010-01-01\"}]}]}";
  hk_situation_reset(&s);
  assert_int_equal(hk_situation_parse(doc, strlen(doc), D("2024-06-01"), &s, &err), HK_OK);
  assert_int_equal(hk_policy_eval(pol, &s, a, &err), HK_OK);
  assert_int_equal(a->family_rule_from[HK_FR_CHILD_JOINS_PARENT], D("2024-05-01"));
  free(a);
  hk_situation_clear(&s);
  hk_store_close(st);
}

/* Issue 10: a renter's eight-year-old settles with the parent: the parent, renting, went into
 * the community's collective household; the child joins that household rather than heading a
 * family household alone, and a new family household is never created without an address. */
static void a_minor_joins_the_parents_household(void **state)
{
  (void)state;
  hk_store *st = fresh(NULL);
  hk_error err = {0};
  /* The parent already settled into 南湖区's community collective household (a renter). */
  add_person(st, "{\"id_number\":\"" PARENT "\",\"hukou\":{\"division\":\"330402\","
                 "\"household\":\"collective\",\"urban\":true,\"household_no\":"
                 "\"330402-000801\"},\"housing\":[{\"division\":\"330402\",\"urban\":true,"
                 "\"kind\":\"rented\",\"from\":\"2020-01-01\"}]}");
  add_person(st, "{\"id_number\":\"" CHILD_MINOR "\",\"hukou\":{\"division\":\"341222\","
                 "\"household\":\"family\",\"head\":true}}");
  link(st, CHILD_MINOR, HK_REL_PARENT, PARENT, 0);
  /* Rented housing is a legal stable residence for (六) child_joins_parent here. */
  hk_app_request r = permit_request(CHILD_MINOR);
  r.kind = HK_APP_SETTLEMENT;
  r.pathway = HK_PW_FAMILY;
  hk_app_config cfg = cfg_default();
  json_t *doc = NULL;
  hk_status rc = hk_app_submit(st, &cfg, &sys, &r, D("2024-06-01"), &doc, &err);
  if (rc != HK_OK)
    fail_msg("submit: %s %s: %s", hk_status_code(rc), err.field, err.detail);
  int64_t app = json_integer_value(json_object_get(doc, "id"));
  json_decref(doc);
  act_ok(st, &officer, app, HK_APP_ACCEPT, NULL, "2024-06-02");
  act_ok(st, &officer, app, HK_APP_APPROVE, NULL, "2024-06-03");
  doc = complete(st, app, NULL, HK_OK, &err);
  json_t *m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "child_joins_parent");
  assert_string_equal(str(m, "household"), "330402-000801");
  assert_false(json_is_true(json_object_get(m, "household_created")));
  assert_false(json_is_true(json_object_get(m, "head")));
  json_decref(doc);
  hk_store_close(st);
}

/* Issue 10: the residence pathway (二) names no address; the move follows clause (五)'s order
 * and the kinship of who already lives there. */
#define ADULT_KIN "341222199202020018"
#define ADULT_HOSTED "341222199111110018"
#define ADULT_EMPLOYED "341222199112120031"

static void add_resident_renter(hk_store *st, const char *id, const char *born_extra)
{
  char json[768];
  snprintf(json, sizeof json,
           "{\"id_number\":\"%s\",%s\"hukou\":{\"division\":\"341222\",\"household\":"
           "\"family\",\"head\":true},\"residence\":[{\"division\":\"330402\",\"urban\":true,"
           "\"from\":\"2023-01-01\",\"address\":\"南湖区 租住 %s 号\"}],\"housing\":[{"
           "\"division\":\"330402\",\"urban\":true,\"kind\":\"rented\",\"from\":\"2023-01-01\"}]}",
           id, born_extra, id + 14);
  add_person(st, json);
}

static int64_t approved_residence(hk_store *st, const char *id, const char *consenting)
{
  hk_app_request r = permit_request(id);
  r.kind = HK_APP_SETTLEMENT;
  r.pathway = HK_PW_RESIDENCE;
  if (consenting) {
    snprintf(r.consenting[0], sizeof r.consenting[0], "%s", consenting);
    r.n_consenting = 1;
  }
  hk_app_config cfg = cfg_default();
  json_t *doc = NULL;
  hk_error err = {0};
  hk_status rc = hk_app_submit(st, &cfg, &sys, &r, D("2024-06-01"), &doc, &err);
  if (rc != HK_OK)
    fail_msg("submit %s: %s %s: %s", id, hk_status_code(rc), err.field, err.detail);
  int64_t app = json_integer_value(json_object_get(doc, "id"));
  json_decref(doc);
  act_ok(st, &officer, app, HK_APP_ACCEPT, NULL, "2024-06-02");
  act_ok(st, &officer, app, HK_APP_APPROVE, NULL, "2024-06-03");
  return app;
}

static void residence_settlements_follow_clause_five(void **state)
{
  (void)state;
  hk_store *st = fresh(NULL);
  hk_error err = {0};
  /* A father of 南湖区 with his own home there; his eight-year-old and his adult son rent
   * nearby; a friend's household; an employee of a unit. */
  add_person(st, "{\"id_number\":\"" PARENT "\",\"hukou\":{\"division\":\"330402\","
                 "\"household\":\"family\",\"head\":true,\"urban\":true,\"household_no\":"
                 "\"330402-000701\"},\"housing\":[{\"division\":\"330402\",\"urban\":true,"
                 "\"kind\":\"owned\",\"from\":\"2010-01-01\"}]}");
  add_person(st, "{\"id_number\":\"" HOSTF "\",\"hukou\":{\"division\":\"330402\","
                 "\"household\":\"family\",\"head\":true,\"urban\":true,\"household_no\":"
                 "\"330402-000501\"}}");
  add_resident_renter(st, CHILD_MINOR, "");
  add_resident_renter(st, ADULT_KIN, "");
  add_resident_renter(st, ADULT_HOSTED, "");
  add_resident_renter(st, ADULT_EMPLOYED, "");
  link(st, CHILD_MINOR, HK_REL_PARENT, PARENT, 0);
  link(st, ADULT_KIN, HK_REL_PARENT, PARENT, 0);
  link(st, ADULT_HOSTED, HK_REL_FRIEND, HOSTF, 0);

  /* The minor joins the parent's household: never a household of their own. */
  json_t *doc = complete(st, approved_residence(st, CHILD_MINOR, NULL), NULL, HK_OK, &err);
  json_t *m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "parent_household");
  assert_string_equal(str(m, "household"), "330402-000701");
  assert_false(json_is_true(json_object_get(m, "head")));
  json_decref(doc);
  /* (五) rank 1: a direct relative's legal stable residence, where the relative lives. */
  doc = complete(st, approved_residence(st, ADULT_KIN, NULL), NULL, HK_OK, &err);
  m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "relative_home");
  assert_string_equal(str(m, "household"), "330402-000701");
  json_decref(doc);
  /* Rank 2: a consenting friend's family household. */
  doc = complete(st, approved_residence(st, ADULT_HOSTED, HOSTF), NULL, HK_OK, &err);
  m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "host_household");
  assert_string_equal(str(m, "household"), "330402-000501");
  json_decref(doc);
  /* Rank 3: the employer's collective household, named by the officer (created with its
   * address); without a unit, the community's. */
  int64_t app = approved_residence(st, ADULT_EMPLOYED, NULL);
  hk_move_hint unit = {0};
  snprintf(unit.unit_code, sizeof unit.unit_code, "91330402MA0000001U");
  snprintf(unit.unit_name, sizeof unit.unit_name, "嘉兴某厂");
  snprintf(unit.address, sizeof unit.address, "南湖区 工业路 1 号");
  doc = complete(st, app, &unit, HK_OK, &err);
  m = json_object_get(doc, "moved_to");
  assert_string_equal(str(m, "destination"), "employer_collective");
  assert_true(json_is_true(json_object_get(m, "household_created")));
  hk_household_row h;
  assert_int_equal(hk_store_household_get(st, 0, str(m, "household"), false, &h, &err), HK_OK);
  assert_int_equal(h.owner, HK_HH_OWNER_UNIT);
  assert_string_equal(h.address, "南湖区 工业路 1 号");
  json_decref(doc);
  hk_store_close(st);
}

static int cleanup(void **state)
{
  (void)state;
  test_tmpdir_remove();
  return 0;
}

int main(void)
{
  hk_error err = {0};
  if (hk_policies_load(HK_DEFAULT_POLICY_DIR, &pol, &err) != HK_OK) {
    fprintf(stderr, "policies: %s\n", err.detail);
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(submission_checks_eligibility),
      cmocka_unit_test(permit_application_walks_every_step),
      cmocka_unit_test(reject_and_show),
      cmocka_unit_test(lists_and_overdue),
      cmocka_unit_test(endorsement_window_lapse_and_reinstatement),
      cmocka_unit_test(endorsement_needs_the_conditions),
      cmocka_unit_test(recognition_in_another_city),
      cmocka_unit_test(concurrent_accepts_one_wins),
      cmocka_unit_test(migrant_from_arrival_to_settlement),
      cmocka_unit_test(settlement_moves_to_every_destination),
      cmocka_unit_test(family_move_passes_the_headship_on),
      cmocka_unit_test(a_destination_gone_is_refused),
      cmocka_unit_test(on_time_endorsement_keeps_the_permit_active),
      cmocka_unit_test(family_joining_dates_from_the_relatives_hukou),
      cmocka_unit_test(a_minor_joins_the_parents_household),
      cmocka_unit_test(residence_settlements_follow_clause_five),
  };
  int failed = cmocka_run_group_tests_name("app_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("app_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  hk_policies_free(pol);
  return failed;
}
