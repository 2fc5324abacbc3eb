/* The service handlers of the HTTP API (h_residence.c, h_applications.c, h_permits.c) called
 * directly on a started server, with the actor a session would give, on both backends: the
 * permit walk (submit, review, issue, show, endorse, recognise) through the server's writer
 * connection, who is refused and with which status, bad bodies naming the field, and
 * concurrent accepts of one application through the one writer (exactly one wins). The same
 * routes through sockets and sessions are tests/api/test_services.py. */
#include "test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/person_json.h"
#include "http/http_int.h"
#include "store/store.h"

#define ID "341222199001010112"
#define OTHER "341222199202020229"

static const char migrant[] =
    "{\"id_number\":\"" ID "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-09-01\"}],"
    "\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-09-01\","
    "\"address\":\"南湖区 东栅街道 1 号\",\"declared_on\":\"2023-09-02\"}]}";
static const char other_person[] =
    "{\"id_number\":\"" OTHER "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-01-01\"}],"
    "\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-01-01\"}]}";

/* A family of 南湖区: 张三 heads household 330402-000100, 李四 his spouse. */
#define PA "330402198001010014"
#define PB "330402198202020024"
#define CHILD "330402202403010032"
static const char family_a[] =
    "{\"id_number\":\"" PA "\",\"name\":\"张三\",\"hukou\":{\"division\":\"330402\","
    "\"household\":\"family\",\"head\":true,\"household_no\":\"330402-000100\"}}";
static const char family_b[] =
    "{\"id_number\":\"" PB "\",\"name\":\"李四\",\"hukou\":{\"division\":\"330402\","
    "\"household\":\"family\",\"head\":false,\"household_no\":\"330402-000100\"}}";

static const hk_actor officer = {
    .role = HK_ROLE_OFFICER, .account = "officer:330402", .jurisdiction = 330402};
static const hk_actor elsewhere = {
    .role = HK_ROLE_OFFICER, .account = "officer:330411", .jurisdiction = 330411};
static const hk_actor hangzhou = {
    .role = HK_ROLE_OFFICER, .account = "officer:330106", .jurisdiction = 330106};
static const hk_actor analyst = {.role = HK_ROLE_ANALYST, .account = "analyst:a"};

static hk_actor resident(const char *id)
{
  hk_actor a = {.role = HK_ROLE_RESIDENT, .account = "resident:test"};
  snprintf(a.id_number, sizeof a.id_number, "%s", id);
  return a;
}

static hk_http_server *srv;

static void add_person(hk_store *st, const char *json)
{
  hk_person p;
  hk_person_init(&p);
  hk_error err = {0};
  if (hk_person_parse(json, strlen(json), HK_PJ_RECORD, test_date("2024-01-01"), &p, &err) != HK_OK)
    fail_msg("parse: %s: %s", err.field, err.detail);
  int64_t row;
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_person_add(st, &p, &row, &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  hk_person_clear(&p);
}

static int setup(void **state)
{
  (void)state;
  char db[1024];
  snprintf(db, sizeof db, "%s", test_fresh_db());
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  add_person(st, migrant);
  add_person(st, other_person);
  add_person(st, family_a);
  add_person(st, family_b);
  hk_store_close(st);
  hk_http_config cfg;
  hk_http_config_defaults(&cfg);
  static char path[1024];
  snprintf(path, sizeof path, "%s", db);
  cfg.db_path = path;
  cfg.port = 0;
  cfg.access_log = false;
  cfg.policy_dir = HK_DEFAULT_POLICY_DIR;
  if (hk_http_start(&cfg, &srv, &err) != HK_OK)
    fail_msg("start: %s", err.detail);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  hk_http_stop(srv, 1);
  srv = NULL;
  return 0;
}

/* Call a handler as server.c would after the session check; *out the body (caller decrefs). */
static int call(hk_http_handler h, const char *param, const char *body, const hk_actor *who,
                const char *today, json_t **out)
{
  hk_http_req req;
  memset(&req, 0, sizeof req);
  hk_http_resp resp;
  memset(&resp, 0, sizeof resp);
  req.srv = srv;
  req.method = body ? "POST" : "GET";
  req.client = "127.0.0.1";
  if (param) {
    snprintf(req.param_buf, sizeof req.param_buf, "%s", param);
    req.param[0] = req.param_buf;
    req.n_param = 1;
  }
  req.body = body;
  req.body_len = body ? strlen(body) : 0;
  req.actor = *who;
  req.signed_in = true;
  srv->cfg.today = test_date(today);
  h(&req, &resp);
  json_error_t jerr;
  json_t *doc = resp.body ? json_loadb(resp.body, resp.len, 0, &jerr) : NULL;
  if (doc == NULL)
    fail_msg("status %d: no JSON body", resp.status);
  free(resp.body);
  if (out)
    *out = doc;
  else
    json_decref(doc);
  return resp.status;
}

static const char *str(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* The error's field, for a refusal. */
static void expect_error(int status, json_t *doc, int want, const char *field)
{
  json_t *e = json_object_get(doc, "error");
  if (status != want || e == NULL)
    fail_msg("status %d, expected %d", status, want);
  if (field)
    assert_string_equal(str(e, "field"), field);
  json_decref(doc);
}

static int64_t submit_permit(void)
{
  hk_actor me = resident(ID);
  json_t *doc;
  int s = call(hk_h_applications_post, NULL,
               "{\"id_number\":\"" ID "\",\"kind\":\"permit\",\"target\":\"330402\"}", &me,
               "2024-03-05", &doc);
  assert_int_equal(s, 201);
  assert_string_equal(str(doc, "state"), "submitted");
  assert_string_equal(str(doc, "channel"), "online");
  int64_t id = json_integer_value(json_object_get(doc, "id"));
  json_decref(doc);
  return id;
}

static void step(int64_t id, const char *body, const hk_actor *who, const char *today, int want,
                 const char *state)
{
  char param[32];
  snprintf(param, sizeof param, "%lld", (long long)id);
  json_t *doc;
  int s = call(hk_h_applications_act, param, body, who, today, &doc);
  if (s != want)
    fail_msg("%s: status %d, expected %d", body, s, want);
  if (state)
    assert_string_equal(str(doc, "state"), state);
  json_decref(doc);
}

static void permit_walk(void **state)
{
  (void)state;
  hk_actor me = resident(ID), them = resident(OTHER);
  json_t *doc;
  /* Too early: refused with the unmet condition named. */
  int s = call(hk_h_applications_post, NULL,
               "{\"id_number\":\"" ID "\",\"kind\":\"permit\",\"target\":\"330402\"}", &me,
               "2024-02-01", &doc);
  expect_error(s, doc, 409, NULL);
  /* Someone else's number: refused before the store is asked. */
  s = call(hk_h_applications_post, NULL,
           "{\"id_number\":\"" ID "\",\"kind\":\"permit\",\"target\":\"330402\"}", &them,
           "2024-03-05", &doc);
  expect_error(s, doc, 403, "id");
  s = call(hk_h_applications_post, NULL,
           "{\"id_number\":\"" ID "\",\"kind\":\"permit\",\"target\":\"330402\"}", &analyst,
           "2024-03-05", &doc);
  expect_error(s, doc, 403, "role");
  int64_t id = submit_permit();
  char param[32];
  snprintf(param, sizeof param, "%lld", (long long)id);
  step(id, "{\"action\":\"accept\"}", &elsewhere, "2024-03-06", 404, NULL);
  step(id, "{\"action\":\"approve\"}", &officer, "2024-03-06", 409, NULL);
  step(id, "{\"action\":\"accept\"}", &officer, "2024-03-06", 200, "accepted");
  step(id, "{\"action\":\"request_material\"}", &officer, "2024-03-07", 400, NULL);
  step(id, "{\"action\":\"request_material\",\"reason\":\"劳动合同\"}", &officer, "2024-03-07", 200,
       "material_requested");
  step(id, "{\"action\":\"supply_material\"}", &me, "2024-03-10", 200, "accepted");
  step(id, "{\"action\":\"approve\"}", &officer, "2024-03-25", 200, "approved");
  step(id, "{\"action\":\"complete\"}", &officer, "2024-03-25", 200, "completed");
  /* Shown to the applicant and the deciding county; an officer elsewhere learns nothing. */
  assert_int_equal(call(hk_h_applications_get, param, NULL, &me, "2024-03-25", &doc), 200);
  assert_int_equal(json_array_size(json_object_get(doc, "steps")), 6);
  json_decref(doc);
  s = call(hk_h_applications_get, param, NULL, &elsewhere, "2024-03-25", &doc);
  expect_error(s, doc, 404, NULL);
  s = call(hk_h_applications_get, "abc", NULL, &officer, "2024-03-25", &doc);
  expect_error(s, doc, 400, "id");
  /* The permit: the holder and the county see it; another resident and an analyst do not. */
  assert_int_equal(call(hk_h_permit_get, ID, NULL, &me, "2024-04-01", &doc), 200);
  assert_string_equal(str(doc, "number"), "330402-2024-000001");
  assert_string_equal(str(doc, "state"), "active");
  json_decref(doc);
  s = call(hk_h_permit_get, ID, NULL, &them, "2024-04-01", &doc);
  expect_error(s, doc, 403, "id");
  s = call(hk_h_permit_get, ID, NULL, &analyst, "2024-04-01", &doc);
  expect_error(s, doc, 403, "role");
  /* An officer elsewhere gets what a person without a permit gets: no answer says who holds
   * one outside their jurisdiction. */
  s = call(hk_h_permit_get, ID, NULL, &elsewhere, "2024-04-01", &doc);
  expect_error(s, doc, 404, "id");
  s = call(hk_h_permit_get, OTHER, NULL, &officer, "2024-04-01", &doc);
  expect_error(s, doc, 404, "id");
  s = call(hk_h_permit_get, "12345", NULL, &officer, "2024-04-01", &doc);
  expect_error(s, doc, 400, "id");
  /* Endorsement: before the window, then on time. */
  s = call(hk_h_permit_endorse, ID, NULL, &me, "2025-01-01", &doc);
  expect_error(s, doc, 409, "window");
  assert_int_equal(call(hk_h_permit_endorse, ID, NULL, &me, "2025-03-01", &doc), 200);
  assert_string_equal(str(doc, "outcome"), "endorsed");
  assert_string_equal(str(doc, "valid_until"), "2026-03-24");
  json_decref(doc);
  /* A move to Hangzhou: an officer of 南湖区 cannot register it, the resident can; then the
   * permit is recognised there by Hangzhou's officer, not by Jiaxing's. */
  const char *move = "{\"division\":\"330106\",\"address\":\"西湖区 文三路 90 号\","
                     "\"urban\":true,\"moved_in\":\"2025-05-01\"}";
  s = call(hk_h_residence_declare, ID, move, &officer, "2025-05-02", &doc);
  expect_error(s, doc, 403, "division");
  assert_int_equal(call(hk_h_residence_declare, ID, move, &me, "2025-05-02", &doc), 200);
  assert_string_equal(str(doc, "outcome"), "moved");
  assert_false(json_is_true(json_object_get(doc, "late")));
  assert_string_equal(str(doc, "previous_division"), "330402");
  json_decref(doc);
  s = call(hk_h_permit_recognise, ID, NULL, &officer, "2025-05-03", &doc);
  expect_error(s, doc, 403, "jurisdiction");
  assert_int_equal(call(hk_h_permit_recognise, ID, NULL, &hangzhou, "2025-05-03", &doc), 200);
  assert_string_equal(str(doc, "outcome"), "recognised");
  assert_string_equal(str(doc, "previous_division"), "330402");
  json_decref(doc);
  /* Residence: a late change, a cancel by the wrong and the right county. */
  const char *change = "{\"division\":\"330106\",\"address\":\"西湖区 文二路 1 号\","
                       "\"urban\":true,\"moved_in\":\"2025-06-01\"}";
  assert_int_equal(call(hk_h_residence_change, ID, change, &hangzhou, "2025-06-20", &doc), 200);
  assert_string_equal(str(doc, "outcome"), "changed");
  assert_true(json_is_true(json_object_get(doc, "late")));
  json_decref(doc);
  s = call(hk_h_residence_cancel, ID, "{\"left_on\":\"2025-07-01\"}", &officer, "2025-07-02", &doc);
  expect_error(s, doc, 403, "jurisdiction");
  assert_int_equal(call(hk_h_residence_cancel, ID, "{\"left_on\":\"2025-07-01\"}", &hangzhou,
                        "2025-07-02", &doc),
                   200);
  assert_string_equal(str(doc, "outcome"), "cancelled");
  json_decref(doc);
  s = call(hk_h_residence_cancel, ID, "{\"left_on\":\"2025-07-01\"}", &me, "2025-07-02", &doc);
  expect_error(s, doc, 409, NULL);
}

static void bad_bodies_name_the_field(void **state)
{
  (void)state;
  hk_actor me = resident(ID);
  json_t *doc;
  struct {
    hk_http_handler h;
    const char *param, *body, *field;
  } cases[] = {
      {hk_h_residence_declare, ID, NULL, "body"},
      {hk_h_residence_declare, ID, "{", "body"},
      {hk_h_residence_declare, ID, "[]", "body"},
      {hk_h_residence_declare, ID, "{\"division\":\"330106\",\"division\":\"330106\"}", "body"},
      {hk_h_residence_declare, ID, "{\"nickname\":1}", "nickname"},
      {hk_h_residence_declare, ID, "{\"division\":330106}", "division"},
      {hk_h_residence_declare, ID,
       "{\"division\":\"330106\",\"address\":\"x\",\"urban\":\"yes\",\"moved_in\":\"2024-01-01\"}",
       "urban"},
      {hk_h_residence_cancel, ID, "{\"left_on\":\"2024-02-30\"}", "left_on"},
      {hk_h_residence_cancel, ID, "{\"moved_in\":\"2024-02-01\"}", "moved_in"},
      {hk_h_applications_post, NULL, "{\"id_number\":\"" ID "\",\"kind\":\"visa\"}", "kind"},
      {hk_h_applications_post, NULL,
       "{\"id_number\":\"" ID "\",\"kind\":\"settlement\",\"target\":\"330402\"}", "pathway"},
      {hk_h_applications_post, NULL,
       "{\"id_number\":\"" ID "\",\"kind\":\"permit\",\"target\":\"330402\",\"filed_in\":"
       "\"330402\"}",
       "filed_in"},
      {hk_h_applications_post, NULL, "{\"id_number\":12}", "id_number"},
      {hk_h_applications_post, NULL,
       "{\"id_number\":\"" ID "\",\"kind\":\"permit\",\"target\":\"330402\",\"channel\":"
       "\"online\"}",
       "channel"},
      {hk_h_applications_act, "1", "{\"action\":\"dance\"}", "action"},
      {hk_h_applications_act, "1", "{\"action\":\"reject\",\"reason\":5}", "reason"},
      {hk_h_applications_act, "1", "{}", "action"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int s = call(cases[i].h, cases[i].param, cases[i].body, &me, "2024-03-05", &doc);
    json_t *e = json_object_get(doc, "error");
    if (s != 400 || strcmp(str(e, "field"), cases[i].field) != 0)
      fail_msg("case %zu (%s): status %d field %s, expected 400 %s", i,
               cases[i].body ? cases[i].body : "no body", s, str(e, "field"), cases[i].field);
    json_decref(doc);
  }
  /* An officer of a city names the service point's county, inside the city. */
  hk_actor city = {
      .role = HK_ROLE_SUPERVISOR, .account = "supervisor:330400", .jurisdiction = 330400};
  int s = call(hk_h_applications_post, NULL,
               "{\"id_number\":\"" ID "\",\"kind\":\"permit\",\"target\":\"330402\"}", &city,
               "2024-03-05", &doc);
  expect_error(s, doc, 400, "filed_in");
  s = call(hk_h_applications_post, NULL,
           "{\"id_number\":\"" ID "\",\"kind\":\"permit\",\"target\":\"330402\",\"filed_in\":"
           "\"330106\"}",
           &city, "2024-03-05", &doc);
  expect_error(s, doc, 403, "filed_in");
  s = call(hk_h_applications_post, NULL,
           "{\"id_number\":\"" ID "\",\"kind\":\"permit\",\"target\":\"330402\",\"filed_in\":"
           "\"330411\"}",
           &city, "2024-03-05", &doc);
  assert_int_equal(s, 201);
  assert_string_equal(str(doc, "channel"), "service_point");
  assert_string_equal(str(doc, "filed_in"), "330411");
  json_decref(doc);
}

/* The number of the household in doc[key]. */
static void household_no(json_t *doc, const char *key, char *out, size_t size)
{
  snprintf(out, size, "%s", str(json_object_get(doc, key), "number"));
}

static void households_births_deaths(void **state)
{
  (void)state;
  hk_actor me = resident(ID);
  json_t *doc;
  /* Police registrations: residents and analysts are refused before the store is asked. */
  int s = call(hk_h_households_get, "330402-000100", NULL, &me, "2024-03-05", &doc);
  expect_error(s, doc, 403, "role");
  s = call(hk_h_households_get, "330402-000100", NULL, &analyst, "2024-03-05", &doc);
  expect_error(s, doc, 403, "role");
  s = call(hk_h_households_get, "330402-000100", NULL, &elsewhere, "2024-03-05", &doc);
  expect_error(s, doc, 403, "jurisdiction");
  s = call(hk_h_households_get, "330402-999999", NULL, &officer, "2024-03-05", &doc);
  expect_error(s, doc, 404, NULL);
  assert_int_equal(call(hk_h_households_get, "330402-000100", NULL, &officer, "2024-03-05", &doc),
                   200);
  assert_int_equal(json_array_size(json_object_get(doc, "members")), 2);
  assert_string_equal(str(doc, "head"), PA);
  json_decref(doc);
  /* A birth: the child joins the mother's household. */
  const char *birth = "{\"id_number\":\"" CHILD "\",\"born\":\"2024-03-01\",\"name\":\"张小\","
                      "\"mother\":\"" PB "\",\"father\":\"" PA "\","
                      "\"birth_certificate\":\"Q330100001\",\"birthplace_division\":\"330402\"}";
  s = call(hk_h_births_post, NULL, birth, &elsewhere, "2024-03-05", &doc);
  expect_error(s, doc, 403, NULL);
  assert_int_equal(call(hk_h_births_post, NULL, birth, &officer, "2024-03-05", &doc), 201);
  assert_string_equal(str(doc, "action"), "birth");
  assert_int_equal(json_array_size(json_object_get(json_object_get(doc, "household"), "members")),
                   3);
  json_decref(doc);
  s = call(hk_h_births_post, NULL, birth, &officer, "2024-03-05", &doc);
  expect_error(s, doc, 409, NULL);
  /* 分户: the mother and the child leave together; she heads the new household. */
  s = call(hk_h_households_split, "330402-000100",
           "{\"members\":[\"" PB "\",\"" CHILD "\"],\"head\":\"" PB "\"}", &officer, "2024-03-06",
           &doc);
  assert_int_equal(s, 201);
  char split_no[32];
  household_no(doc, "new_household", split_no, sizeof split_no);
  assert_string_equal(str(json_object_get(doc, "new_household"), "head"), PB);
  json_decref(doc);
  /* The father joins them (his own household, now empty, is dissolved); he becomes the head. */
  assert_int_equal(call(hk_h_households_add, split_no, "{\"id_number\":\"" PA "\"}", &officer,
                        "2024-03-07", &doc),
                   200);
  assert_string_equal(str(doc, "from"), "330402-000100");
  json_decref(doc);
  s = call(hk_h_households_add, split_no, "{\"id_number\":\"" PA "\"}", &officer, "2024-03-07",
           &doc);
  expect_error(s, doc, 409, NULL);
  assert_int_equal(call(hk_h_households_head, split_no, "{\"id_number\":\"" PA "\"}", &officer,
                        "2024-03-07", &doc),
                   200);
  assert_string_equal(str(json_object_get(doc, "household"), "head"), PA);
  json_decref(doc);
  /* The head cannot leave while others remain; a member can, to a household of their own. */
  s = call(hk_h_households_remove, split_no, "{\"id_number\":\"" PA "\"}", &officer, "2024-03-08",
           &doc);
  expect_error(s, doc, 409, NULL);
  assert_int_equal(call(hk_h_households_remove, split_no,
                        "{\"id_number\":\"" PB "\",\"address\":\"南湖区 新丰镇 2 号\"}", &officer,
                        "2024-03-08", &doc),
                   200);
  assert_string_equal(str(json_object_get(doc, "new_household"), "head"), PB);
  json_decref(doc);
  /* A community's collective household has no head. */
  assert_int_equal(call(hk_h_households_post, NULL,
                        "{\"kind\":\"collective\",\"division\":\"330402\",\"urban\":true,"
                        "\"owner\":\"community\",\"owner_code\":\"东栅社区\","
                        "\"owner_name\":\"东栅社区\"}",
                        &officer, "2024-03-09", &doc),
                   201);
  assert_string_equal(str(json_object_get(doc, "household"), "kind"), "collective");
  json_decref(doc);
  s = call(hk_h_households_post, NULL, "{\"kind\":\"family\",\"division\":\"330106\"}", &officer,
           "2024-03-09", &doc);
  expect_error(s, doc, 403, NULL);
  /* A death: the headship passes on. */
  s = call(hk_h_persons_death, PA, "{\"died_on\":\"2024-03-09\"}", &me, "2024-03-10", &doc);
  expect_error(s, doc, 403, "role");
  assert_int_equal(
      call(hk_h_persons_death, PA, "{\"died_on\":\"2024-03-09\"}", &officer, "2024-03-10", &doc),
      200);
  assert_string_equal(str(doc, "died_on"), "2024-03-09");
  assert_string_equal(str(json_object_get(doc, "household"), "head"), CHILD);
  json_decref(doc);
  s = call(hk_h_persons_death, PA, "{\"died_on\":\"2024-03-09\"}", &officer, "2024-03-10", &doc);
  expect_error(s, doc, 409, NULL);
  /* The officer who registered the death reads the record afterwards (issue 10); an officer
   * elsewhere is told nothing. */
  assert_int_equal(call(hk_h_persons_get, PA, NULL, &officer, "2024-03-10", &doc), 200);
  assert_string_equal(str(doc, "died_on"), "2024-03-09");
  json_decref(doc);
  s = call(hk_h_persons_get, PA, NULL, &elsewhere, "2024-03-10", &doc);
  expect_error(s, doc, 404, NULL);
  /* A birth with the number allocated: a boy of 南湖区 born 2024-03-02, order code 001. */
  assert_int_equal(call(hk_h_births_post, NULL,
                        "{\"born\":\"2024-03-02\",\"sex\":\"M\",\"mother\":\"" PB "\","
                        "\"birth_certificate\":\"Q330100002\",\"birthplace_division\":"
                        "\"330402\",\"birthplace\":\"嘉兴市妇幼保健院\"}",
                        &officer, "2024-03-10", &doc),
                   201);
  assert_string_equal(str(doc, "id_number"), "330402202403020011");
  assert_string_equal(str(doc, "birth_certificate"), "Q330100002");
  json_decref(doc);
  /* Bad bodies name the field. */
  struct {
    hk_http_handler h;
    const char *param, *body, *field;
  } bad[] = {
      {hk_h_households_post, NULL, "{\"kind\":\"tent\",\"division\":\"330402\"}", "kind"},
      {hk_h_households_post, NULL, "{\"kind\":\"family\",\"division\":\"330402\",\"head\":1}",
       "head"},
      {hk_h_households_post, NULL,
       "{\"kind\":\"collective\",\"division\":\"330402\",\"owner\":\"club\"}", "owner"},
      {hk_h_households_add, "330402-000100", "{\"id_number\":\"123\"}", "id_number"},
      {hk_h_households_head, "330402-000100", "{\"id\":\"" PA "\"}", "id"},
      {hk_h_households_split, "330402-000100", "{\"members\":[],\"head\":\"" PA "\"}", "members"},
      {hk_h_households_split, "330402-000100", "{\"members\":[\"x\"],\"head\":\"" PA "\"}",
       "members"},
      {hk_h_births_post, NULL, "{\"id_number\":\"" CHILD "\",\"born\":\"2024-02-30\"}", "born"},
      {hk_h_births_post, NULL, "{\"born\":\"2024-03-01\",\"mother\":\"" PB "\"}",
       "birth_certificate"},
      {hk_h_births_post, NULL,
       "{\"born\":\"2024-03-01\",\"birth_certificate\":\"Q1234567\","
       "\"birthplace_division\":\"999999\"}",
       "birthplace_division"},
      {hk_h_persons_death, PB, "{\"died\":\"2024-03-09\"}", "died"},
      {hk_h_persons_death, "123", "{\"died_on\":\"2024-03-09\"}", "id"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    s = call(bad[i].h, bad[i].param, bad[i].body, &officer, "2024-03-10", &doc);
    json_t *e = json_object_get(doc, "error");
    if (s != 400 || strcmp(str(e, "field"), bad[i].field) != 0)
      fail_msg("bad %zu (%s): status %d field %s, expected 400 %s", i, bad[i].body, s,
               str(e, "field"), bad[i].field);
    json_decref(doc);
  }
}

typedef struct race {
  int64_t id;
  int status;
} race;

static void *accept_one(void *arg)
{
  race *r = arg;
  char param[32];
  snprintf(param, sizeof param, "%lld", (long long)r->id);
  hk_http_req req;
  memset(&req, 0, sizeof req);
  hk_http_resp resp;
  memset(&resp, 0, sizeof resp);
  req.srv = srv;
  req.method = "POST";
  snprintf(req.param_buf, sizeof req.param_buf, "%s", param);
  req.param[0] = req.param_buf;
  req.n_param = 1;
  req.body = "{\"action\":\"accept\"}";
  req.body_len = strlen(req.body);
  req.actor = officer;
  req.signed_in = true;
  hk_h_applications_act(&req, &resp);
  r->status = resp.status;
  free(resp.body);
  return NULL;
}

static void concurrent_accepts_share_the_writer(void **state)
{
  (void)state;
  int64_t id = submit_permit();
  enum { N = 4 };
  race r[N];
  pthread_t t[N];
  for (int i = 0; i < N; i++) {
    r[i] = (race){.id = id};
    pthread_create(&t[i], NULL, accept_one, &r[i]);
  }
  int ok = 0, conflict = 0;
  for (int i = 0; i < N; i++) {
    pthread_join(t[i], NULL);
    ok += r[i].status == 200;
    conflict += r[i].status == 409;
  }
  assert_int_equal(ok, 1);
  assert_int_equal(conflict, N - 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(permit_walk, setup, teardown),
      cmocka_unit_test_setup_teardown(bad_bodies_name_the_field, setup, teardown),
      cmocka_unit_test_setup_teardown(concurrent_accepts_share_the_writer, setup, teardown),
      cmocka_unit_test_setup_teardown(households_births_deaths, setup, teardown),
  };
  int failed = cmocka_run_group_tests_name("http_services_sqlite", tests, NULL, NULL);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("http_services_postgresql", tests, NULL, NULL);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  test_tmpdir_remove();
  return failed;
}
