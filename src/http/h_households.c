/* h_households.c — households and the registrations that change them (issue 4) over HTTP:
 *   POST /api/v1/households                    create a family or collective household (201)
 *   GET  /api/v1/households/{number}           the household with its current members
 *   POST /api/v1/households/{number}/add       {id_number}: a member moves in
 *   POST /api/v1/households/{number}/remove    {id_number, address?}: to a household of their own
 *   POST /api/v1/households/{number}/head      {id_number}: the head changes
 *   POST /api/v1/households/{number}/split     {members, head, address?}: 分户 (201)
 *   POST /api/v1/births                        出生登记 {id_number, born, name?, mother?,
 *                                              father?, household?} (201)
 *   POST /api/v1/persons/{id}/death            死亡注销 {died_on}
 * These are the police station's registrations: officers and supervisors only, inside their
 * jurisdiction (service/household.h checks it); every other role is refused before the store
 * is asked. The day is the server's today. */
#include "http/http_int.h"

#include <stdio.h>
#include <string.h>

#include "core/label.h"
#include "core/division.h"
#include "core/json.h"
#include "service/household.h"

static bool officer_only(hk_http_req *req, hk_http_resp *resp)
{
  hk_role role = req->actor.role;
  if (role == HK_ROLE_OFFICER || role == HK_ROLE_SUPERVISOR)
    return true;
  hk_error err = {0};
  hk_error_set(&err, HK_EFORBIDDEN, "role",
               "%s accounts cannot register households, births or deaths", hk_role_name(role));
  hk_error_set_zh(&err, "%s账户不能办理立户、出生或死亡登记",
                  hk_label_zh(HK_LBL_ROLE, hk_role_name(role)));
  hk_http_reply_error(resp, &err);
  return false;
}

/* The checks every route starts with; the body (when `body`) in *doc. */
static bool begin(hk_http_req *req, hk_http_resp *resp, bool body, json_t **doc)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  if (!hk_http_query_only(req, none, resp) || !officer_only(req, resp))
    return false;
  if (body && (*doc = hk_http_body_object(req, resp)) == NULL)
    return false;
  return true;
}

/* A text field copied into out (size bytes with the NUL). */
static hk_status text(const json_t *doc, const char *key, hk_json_need need, char *out, size_t size,
                      hk_error *err)
{
  const char *s = NULL;
  hk_status rc = hk_json_string(doc, key, need, size - 1, &s, err);
  if (rc == HK_OK)
    snprintf(out, size, "%s", s ? s : "");
  return rc;
}

/* An ID number field, checked and normalised into out; "" when optional and absent. */
static hk_status idnum(const json_t *doc, const char *key, hk_json_need need, hk_date today,
                       char out[HK_IDNUM_LEN + 1], hk_error *err)
{
  const char *s = NULL;
  out[0] = '\0';
  hk_status rc = hk_json_string(doc, key, need, HK_IDNUM_INPUT_MAX, &s, err);
  if (rc != HK_OK || s == NULL)
    return rc;
  hk_idnum idn;
  if (!hk_idnum_check(s, today, &idn)) {
    hk_error_set(err, HK_EINVAL, key, "invalid ID number (%s)", hk_idnum_fault_name(idn.fault));
    return hk_error_set_zh(err, "身份证号码无效（%s）",
                           hk_label_zh(HK_LBL_IDNUM_FAULT, hk_idnum_fault_name(idn.fault)));
  }
  memcpy(out, idn.number, HK_IDNUM_LEN + 1);
  return HK_OK;
}

/* A household shown is each member's number, name and birth date read (九): one access-log
 * entry per member. */
static void record_members(hk_http_req *req, const json_t *household, const char *endpoint)
{
  size_t i;
  json_t *m;
  json_array_foreach(json_object_get(household, "members"), i, m)
  {
    const char *id = json_string_value(json_object_get(m, "id_number"));
    if (id)
      hk_http_access_record(req, id, endpoint);
  }
}

/* Run one service call on the writer and reply with its document (status on success); the
 * households it shows are logged as read through `endpoint`. */
typedef hk_status (*service_fn)(hk_store *st, hk_http_req *req, const void *arg, hk_date today,
                                json_t **out, hk_error *err);

static void run(hk_http_req *req, hk_http_resp *resp, service_fn fn, const void *arg, int status,
                const char *endpoint)
{
  hk_error err = {0};
  json_t *out = NULL;
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  if (st == NULL) {
    hk_http_writer_release(req->srv);
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_status rc = fn(st, req, arg, hk_http_today(req->srv), &out, &err);
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    json_decref(out);
    hk_http_reply_error(resp, &err);
    return;
  }
  record_members(req, json_object_get(out, "household"), endpoint);
  record_members(req, json_object_get(out, "new_household"), endpoint);
  hk_http_reply_json(resp, status, out);
  resp->no_store = true;
}

/* ---- create ---- */

static hk_status do_create(hk_store *st, hk_http_req *req, const void *arg, hk_date today,
                           json_t **out, hk_error *err)
{
  return hk_household_create(st, &req->actor, arg, today, out, err);
}

void hk_h_households_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const keys[] = {"kind",  "division",   "urban",      "address", "head",
                                     "owner", "owner_code", "owner_name", NULL};
  json_t *doc = NULL;
  if (!begin(req, resp, true, &doc))
    return;
  hk_error err = {0};
  hk_household_spec spec;
  memset(&spec, 0, sizeof spec);
  const char *kind = NULL, *owner = NULL;
  bool urban = false;
  hk_status rc = hk_json_known_keys(doc, keys, &err);
  if (rc == HK_OK)
    rc = hk_json_string(doc, "kind", HK_JSON_REQUIRED, 16, &kind, &err);
  if (rc == HK_OK && (spec.kind = hk_household_kind_from(kind)) == HK_HOUSEHOLD_UNSET)
    rc = hk_error_set_both(&err, HK_EINVAL, "kind", "须为 family（家庭户）或 collective（集体户）",
                           "family or collective");
  if (rc == HK_OK)
    rc = hk_json_division(doc, "division", HK_JSON_REQUIRED, true, &spec.division, &err);
  if (rc == HK_OK && json_object_get(doc, "urban")) {
    rc = hk_json_bool(doc, "urban", HK_JSON_REQUIRED, false, &urban, &err);
    spec.urban = urban ? HK_TRI_TRUE : HK_TRI_FALSE;
  }
  if (rc == HK_OK)
    rc = text(doc, "address", HK_JSON_OPTIONAL, spec.address, sizeof spec.address, &err);
  if (rc == HK_OK)
    rc = idnum(doc, "head", HK_JSON_OPTIONAL, hk_http_today(req->srv), spec.head, &err);
  if (rc == HK_OK)
    rc = hk_json_string(doc, "owner", HK_JSON_OPTIONAL, 32, &owner, &err);
  if (rc == HK_OK && owner && (spec.owner = hk_hh_owner_from(owner)) == HK_HH_OWNER_NONE)
    rc = hk_error_set_both(&err, HK_EINVAL, "owner",
                           "须为 unit（单位）、community（社区）或 talent_service（人才服务机构）",
                           "unit, community or talent_service");
  if (rc == HK_OK)
    rc = text(doc, "owner_code", HK_JSON_OPTIONAL, spec.owner_code, sizeof spec.owner_code, &err);
  if (rc == HK_OK)
    rc = text(doc, "owner_name", HK_JSON_OPTIONAL, spec.owner_name, sizeof spec.owner_name, &err);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  run(req, resp, do_create, &spec, 201, "POST /api/v1/households");
}

/* ---- show ---- */

void hk_h_households_get(hk_http_req *req, hk_http_resp *resp)
{
  if (!begin(req, resp, false, NULL))
    return;
  hk_error err = {0};
  json_t *out = NULL;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc = st ? hk_household_show(st, &req->actor, req->param[0], &out, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  record_members(req, out, "GET /api/v1/households/{number}");
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

/* ---- members: add, remove, head ---- */

typedef struct member_arg {
  int op; /* 0 add, 1 remove, 2 head */
  const char *number;
  char id[HK_IDNUM_LEN + 1];
  char address[HK_ADDRESS_MAX + 1];
} member_arg;

static hk_status do_member(hk_store *st, hk_http_req *req, const void *arg, hk_date today,
                           json_t **out, hk_error *err)
{
  const member_arg *m = arg;
  if (m->op == 0)
    return hk_household_add(st, &req->actor, m->number, m->id, today, out, err);
  if (m->op == 1)
    return hk_household_remove(st, &req->actor, m->number, m->id, m->address, today, out, err);
  return hk_household_set_head(st, &req->actor, m->number, m->id, today, out, err);
}

static void member(hk_http_req *req, hk_http_resp *resp, int op)
{
  static const char *const keys[] = {"id_number", NULL};
  static const char *const remove_keys[] = {"id_number", "address", NULL};
  json_t *doc = NULL;
  if (!begin(req, resp, true, &doc))
    return;
  hk_error err = {0};
  member_arg m;
  memset(&m, 0, sizeof m);
  m.op = op;
  m.number = req->param[0];
  hk_status rc = hk_json_known_keys(doc, op == 1 ? remove_keys : keys, &err);
  if (rc == HK_OK)
    rc = idnum(doc, "id_number", HK_JSON_REQUIRED, hk_http_today(req->srv), m.id, &err);
  if (rc == HK_OK && op == 1)
    rc = text(doc, "address", HK_JSON_OPTIONAL, m.address, sizeof m.address, &err);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  static const char *const endpoints[] = {"POST /api/v1/households/{number}/add",
                                          "POST /api/v1/households/{number}/remove",
                                          "POST /api/v1/households/{number}/head"};
  run(req, resp, do_member, &m, 200, endpoints[op]);
}

void hk_h_households_add(hk_http_req *req, hk_http_resp *resp)
{
  member(req, resp, 0);
}

void hk_h_households_remove(hk_http_req *req, hk_http_resp *resp)
{
  member(req, resp, 1);
}

void hk_h_households_head(hk_http_req *req, hk_http_resp *resp)
{
  member(req, resp, 2);
}

/* ---- split ---- */

typedef struct split_arg {
  const char *number;
  char ids[HK_SPLIT_MAX][HK_IDNUM_LEN + 1];
  const char *members[HK_SPLIT_MAX];
  size_t n;
  char head[HK_IDNUM_LEN + 1];
  char address[HK_ADDRESS_MAX + 1];
} split_arg;

static hk_status do_split(hk_store *st, hk_http_req *req, const void *arg, hk_date today,
                          json_t **out, hk_error *err)
{
  const split_arg *s = arg;
  return hk_household_split(st, &req->actor, s->number, s->members, s->n, s->head, s->address,
                            today, out, err);
}

void hk_h_households_split(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const keys[] = {"members", "head", "address", NULL};
  json_t *doc = NULL;
  if (!begin(req, resp, true, &doc))
    return;
  hk_error err = {0};
  split_arg s;
  memset(&s, 0, sizeof s);
  s.number = req->param[0];
  hk_date today = hk_http_today(req->srv);
  json_t *members = NULL;
  hk_status rc = hk_json_known_keys(doc, keys, &err);
  if (rc == HK_OK)
    rc = hk_json_array(doc, "members", HK_JSON_REQUIRED, &members, &err);
  if (rc == HK_OK && json_array_size(members) == 0)
    rc = hk_error_set_both(&err, HK_EINVAL, "members", "为空：请写明迁入新户的成员",
                           "empty: who leaves to the new household");
  size_t i;
  json_t *v;
  hk_idnum idn;
  json_array_foreach(members, i, v)
  {
    if (rc != HK_OK)
      break;
    if (i >= HK_SPLIT_MAX)
      rc = hk_error_set_both(&err, HK_ETOOBIG, "members", "最多 %d 人", "at most %d", HK_SPLIT_MAX);
    else if (!json_is_string(v) || !hk_idnum_check(json_string_value(v), today, &idn))
      rc = hk_error_set_both(&err, HK_EINVAL, "members", "[%zu]：不是身份证号码",
                             "[%zu]: not an ID number", i);
    else {
      memcpy(s.ids[s.n], idn.number, HK_IDNUM_LEN + 1);
      s.members[s.n] = s.ids[s.n];
      s.n++;
    }
  }
  if (rc == HK_OK)
    rc = idnum(doc, "head", HK_JSON_REQUIRED, today, s.head, &err);
  if (rc == HK_OK)
    rc = text(doc, "address", HK_JSON_OPTIONAL, s.address, sizeof s.address, &err);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  run(req, resp, do_split, &s, 201, "POST /api/v1/households/{number}/split");
}

/* ---- births and deaths ---- */

static hk_status do_birth(hk_store *st, hk_http_req *req, const void *arg, hk_date today,
                          json_t **out, hk_error *err)
{
  return hk_birth_register(st, &req->actor, arg, today, out, err);
}

void hk_h_births_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const keys[] = {"id_number",
                                     "born",
                                     "name",
                                     "mother",
                                     "father",
                                     "household",
                                     "sex",
                                     "birth_certificate",
                                     "birthplace_division",
                                     "birthplace",
                                     NULL};
  json_t *doc = NULL;
  if (!begin(req, resp, true, &doc))
    return;
  hk_error err = {0};
  hk_date today = hk_http_today(req->srv);
  hk_birth_request b;
  memset(&b, 0, sizeof b);
  hk_status rc = hk_json_known_keys(doc, keys, &err);
  /* The newborn's number, when the officer gives one, is checked by the service against the
   * birth date; without one the service allocates it (the sex is then required). */
  char sex[2] = "";
  if (rc == HK_OK)
    rc = text(doc, "id_number", HK_JSON_OPTIONAL, b.id_number, sizeof b.id_number, &err);
  if (rc == HK_OK)
    rc = hk_json_date(doc, "born", HK_JSON_REQUIRED, &b.born, &err);
  if (rc == HK_OK)
    rc = text(doc, "name", HK_JSON_OPTIONAL, b.name, sizeof b.name, &err);
  if (rc == HK_OK)
    rc = idnum(doc, "mother", HK_JSON_OPTIONAL, today, b.mother, &err);
  if (rc == HK_OK)
    rc = idnum(doc, "father", HK_JSON_OPTIONAL, today, b.father, &err);
  if (rc == HK_OK)
    rc = text(doc, "household", HK_JSON_OPTIONAL, b.household_no, sizeof b.household_no, &err);
  if (rc == HK_OK)
    rc = text(doc, "sex", HK_JSON_OPTIONAL, sex, sizeof sex, &err);
  b.sex = sex[0];
  if (rc == HK_OK)
    rc =
        text(doc, "birth_certificate", HK_JSON_REQUIRED, b.certificate, sizeof b.certificate, &err);
  if (rc == HK_OK)
    rc = hk_json_division(doc, "birthplace_division", HK_JSON_REQUIRED, true,
                          &b.birthplace_division, &err);
  if (rc == HK_OK)
    rc = text(doc, "birthplace", HK_JSON_OPTIONAL, b.birthplace, sizeof b.birthplace, &err);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  run(req, resp, do_birth, &b, 201, "POST /api/v1/births");
}

typedef struct death_arg {
  char id[HK_IDNUM_LEN + 1];
  hk_date died_on;
} death_arg;

static hk_status do_death(hk_store *st, hk_http_req *req, const void *arg, hk_date today,
                          json_t **out, hk_error *err)
{
  const death_arg *d = arg;
  return hk_death_register(st, &req->actor, d->id, d->died_on, today, out, err);
}

void hk_h_persons_death(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const keys[] = {"died_on", NULL};
  resp->no_store = true;
  hk_idnum id;
  if (!hk_http_param_idnum(req, 0, resp, &id))
    return;
  json_t *doc = NULL;
  if (!begin(req, resp, true, &doc))
    return;
  hk_error err = {0};
  death_arg d;
  memcpy(d.id, id.number, sizeof d.id);
  hk_status rc = hk_json_known_keys(doc, keys, &err);
  if (rc == HK_OK)
    rc = hk_json_date(doc, "died_on", HK_JSON_REQUIRED, &d.died_on, &err);
  json_decref(doc);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  run(req, resp, do_death, &d, 200, "POST /api/v1/persons/{id}/death");
}
