/* h_persons.c — the registry, read-only: GET /api/v1/persons/{id} (the person with hukou,
 * histories and relative links, as `hukou person show` prints it) and
 * GET /api/v1/persons/{id}/eligibility?target=&as_of=&consent= (the situation assembled from
 * the registry, answered by the engine). Signed-in residents read their own ({id} may be "me"),
 * officers and supervisors those inside their jurisdiction (access.c); every read is logged
 * (九). */
#include "http/http_int.h"

#include <stdio.h>
#include <string.h>

#include "core/division.h"
#include "core/idnum.h"
#include "core/json.h"
#include "core/person_json.h"
#include "service/household.h"
#include "service/facts.h"
#include "service/situation_db.h"

/* The {id} of the path, checked and normalised ("me": a signed-in resident's own number);
 * false with the error replied. The number is never echoed back: the message names the failing
 * check only. */
static bool person_id(hk_http_req *req, hk_http_resp *resp, hk_idnum *id)
{
  return hk_http_idnum_or_me(req, req->param[0], hk_date_today(), resp, id);
}

#define READERS                                                                                    \
  (HK_ROLE_BIT(HK_ROLE_RESIDENT) | HK_ROLE_BIT(HK_ROLE_OFFICER) |                                  \
   HK_ROLE_BIT(HK_ROLE_SUPERVISOR) | HK_ROLE_BIT(HK_ROLE_SYSTEM))

/* A resident asking for someone else is refused before anything is read. */
static bool not_someone_else(hk_http_req *req, hk_http_resp *resp, const hk_idnum *id)
{
  if (req->actor.role == HK_ROLE_RESIDENT && strcmp(req->actor.id_number, id->number) != 0) {
    hk_http_reply_fail_both(resp, HK_EFORBIDDEN, "id", "居民只能查看本人的记录",
                            "residents read their own records only");
    return false;
  }
  return true;
}

static void outside(const hk_http_req *req, hk_http_resp *resp)
{
  hk_error err = {0};
  hk_error_set_both(&err, HK_EFORBIDDEN, "id", "此人登记在您的辖区以外",
                    "the person is registered outside your jurisdiction");
  hk_http_reply_hidden(req, resp, &err);
}

void hk_h_persons_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  hk_error err = {0};
  hk_idnum id;
  if (!hk_http_require_role(req, resp, READERS))
    return;
  if (hk_http_query_known(req, none, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  if (!person_id(req, resp, &id) || !not_someone_else(req, resp, &id))
    return;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  if (st == NULL || hk_store_person_get(st, id.number, &w->person, &err) != HK_OK) {
    hk_http_worker_release(w);
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  hk_person *p = &w->person;
  /* The dead have no hukou or residence in force: the offices that registered the death and
   * held the hukou keep reading the record (issue 10), and the read is logged like any. */
  if (!hk_http_may_read_person(req, p) &&
      !(p->died_on && hk_death_readable(st, &req->actor, id.number))) {
    hk_http_worker_release(w);
    outside(req, resp);
    return;
  }
  json_t *o = hk_person_to_json(p, HK_PJ_RECORD);
  if (o != NULL) {
    /* Derived facts a reader wants next to the record, as `hukou person show` adds them. */
    hk_json_set_date(o, "birth_date", p->birth_date);
    json_object_set_new(o, "sex", json_stringn(&p->sex, 1));
    if (p->has_hukou) {
      const hk_division *d = hk_division_find(p->hukou.division);
      json_object_set_new(json_object_get(o, "hukou"), "division_name",
                          d ? json_string(d->name) : json_null());
    }
  }
  /* The ledger in force beside the registry's rows: what was declared shows (issue 10). */
  json_t *ledger = NULL;
  if (o != NULL && hk_facts_in_force(st, id.number, &ledger, &err) != HK_OK) {
    hk_http_worker_release(w);
    json_decref(o);
    hk_http_reply_error(resp, &err);
    return;
  }
  if (o != NULL)
    json_object_set_new(o, "ledger", ledger);
  hk_http_worker_release(w);
  hk_http_access_record(req, id.number, "GET /api/v1/persons/{id}");
  hk_http_reply_json(resp, 200, o);
  resp->no_store = true;
}

/* The engine's answer on verified and department facts, with what verifying the person's
 * declared facts would change (issue 10; service/facts.h). */
static void answer_with_pending(hk_http_req *req, hk_http_worker *w, hk_store *st,
                                const char *const *consenting, size_t n, hk_http_resp *resp)
{
  hk_error err = {0};
  json_t *pending = NULL, *doc = NULL;
  if (hk_policy_eval(req->srv->pol, &w->sit, w->answer, &err) != HK_OK ||
      hk_facts_pending(st, req->srv->pol, &w->sit, w->answer, consenting, n, &pending, &err) !=
          HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  doc = hk_answer_to_json(w->answer);
  if (doc == NULL) {
    json_decref(pending);
    hk_http_reply_fail_both(resp, HK_ENOMEM, NULL, "内存不足", "out of memory");
    return;
  }
  json_object_set_new(doc, "pending_verification", pending);
  hk_http_reply_json(resp, 200, doc);
}

void hk_h_persons_eligibility(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const allowed[] = {"target", "as_of", "consent", NULL};
  hk_error err = {0};
  hk_idnum id;
  int32_t target;
  hk_date as_of = hk_date_today();
  if (!hk_http_require_role(req, resp, READERS))
    return;
  if (hk_http_query_known(req, allowed, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  if (!person_id(req, resp, &id) || !not_someone_else(req, resp, &id))
    return;
  const char *t = hk_http_query(req, "target"), *a = hk_http_query(req, "as_of");
  const char *c = hk_http_query(req, "consent");
  if (t == NULL) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "target", "缺少要查询的县级行政区划",
                            "missing: the county-level division asked about");
    return;
  }
  if (!hk_division_parse(t, &target)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "target", "不是六位行政区划代码",
                            "not a six-digit division code");
    return;
  }
  if (a && !hk_date_parse(a, &as_of)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "as_of", "不是日期（YYYY-MM-DD）",
                            "not a date (YYYY-MM-DD)");
    return;
  }
  /* consent=ID,ID: relatives who consent to host the person ((五) rank 2). */
  char ids[HK_RELATIVES_MAX][HK_IDNUM_LEN + 1];
  const char *consenting[HK_RELATIVES_MAX];
  size_t n = 0;
  for (const char *s = c; s && *s;) {
    size_t len = strcspn(s, ",");
    if (len != HK_IDNUM_LEN || n == HK_RELATIVES_MAX) {
      hk_http_reply_fail_both(resp, HK_EINVAL, "consent", "须为以逗号分隔的身份证号码",
                              "a comma-separated list of ID numbers");
      return;
    }
    memcpy(ids[n], s, len);
    ids[n][len] = '\0';
    if (!hk_idnum_valid18(ids[n])) {
      hk_http_reply_fail_both(resp, HK_EINVAL, "consent", "不是有效的 18 位身份证号码",
                              "not a valid 18-character ID number");
      return;
    }
    consenting[n] = ids[n];
    n++;
    s += len + (s[len] == ',');
  }
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  /* Officers and supervisors: the jurisdiction check needs the record first. */
  bool staff = req->actor.role == HK_ROLE_OFFICER || req->actor.role == HK_ROLE_SUPERVISOR;
  if (st != NULL && staff && hk_store_person_get(st, id.number, &w->person, &err) != HK_OK)
    st = NULL;
  if (st != NULL && staff && !hk_http_may_read_person(req, &w->person)) {
    hk_http_worker_release(w);
    outside(req, resp);
    return;
  }
  if (st == NULL || hk_situation_from_registry(st, id.number, target, as_of, consenting, n, &w->sit,
                                               &err) != HK_OK) {
    hk_http_reply_hidden(req, resp, &err);
  } else {
    hk_http_access_record(req, id.number, "GET /api/v1/persons/{id}/eligibility");
    /* The relatives' records went into the answer too: their reads are logged as theirs. */
    for (uint32_t i = 0; i < w->sit.n_relatives; i++)
      if (w->sit.relatives[i].id_number[0] != '\0')
        hk_http_access_record(req, w->sit.relatives[i].id_number,
                              "GET /api/v1/persons/{id}/eligibility (as a relative)");
    answer_with_pending(req, w, st, consenting, n, resp);
  }
  hk_http_worker_release(w);
  resp->no_store = true;
}
