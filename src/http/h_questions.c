/* h_questions.c — GET /api/v1/questions/{question}: another department's yes/no question about
 * one person (九 data sharing), answered {"answer": true|false} and nothing else. Only
 * department keys ask, only the questions their key names, and only with a stated purpose
 * (X-Purpose), which the access log keeps with the question.
 *   permit-valid      ?id_number=&city=&date=      does this ID number hold a residence permit
 *                                                  valid in that city (or any division code) on
 *                                                  that day? From the permit history (三).
 *   hukou-registered  ?id_number=&division=[&date=] is the hukou registered in that division?
 *                                                  The registry keeps the current registration,
 *                                                  so the date may only be today.
 * A person who is not registered is answered false, like one who does not qualify: the answer
 * says nothing more than the question asked. */
#include "http/http_int.h"

#include <string.h>

#include "core/division.h"
#include "core/idnum.h"

static bool permit_valid(const hk_person *p, int32_t city, hk_date day)
{
  for (uint32_t i = 0; i < p->residence_permits.n; i++) {
    const hk_permit *r = &p->residence_permits.items[i];
    if (hk_period_contains(r->period, day) && hk_division_within(r->division, city))
      return true;
  }
  return false;
}

void hk_h_questions_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const permit_args[] = {"id_number", "city", "date", NULL};
  static const char *const hukou_args[] = {"id_number", "division", "date", NULL};
  hk_error err = {0};
  if (!hk_http_require_role(req, resp, HK_ROLE_BIT(HK_ROLE_DEPARTMENT)))
    return;
  const char *q = req->param[0];
  bool permit = strcmp(q, "permit-valid") == 0, hukou = strcmp(q, "hukou-registered") == 0;
  if (!permit && !hukou) {
    hk_http_reply_fail_both(resp, HK_ENOTFOUND, "question", "没有这个查询事项", "no such question");
    return;
  }
  if (!req->is_key || !hk_apikey_allows(req->questions, q)) {
    hk_http_reply_fail_both(resp, HK_EFORBIDDEN, "question", "此密钥无权查询 %s",
                            "this key may not ask %s", q);
    return;
  }
  if (req->purpose == NULL || req->purpose[strspn(req->purpose, " \t")] == '\0') {
    hk_http_reply_fail_both(resp, HK_EINVAL, "X-Purpose", "必须说明查询目的（会随查询一并记录）",
                            "required: state why you ask (it is logged with the question)");
    return;
  }
  if (hk_http_query_known(req, permit ? permit_args : hukou_args, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  const char *number = hk_http_query(req, "id_number");
  const char *area_arg = hk_http_query(req, permit ? "city" : "division");
  const char *date_arg = hk_http_query(req, "date");
  hk_idnum id;
  int32_t area;
  hk_date today = hk_date_today(), day = today;
  if (number == NULL || !hk_idnum_check(number, today, &id)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "id_number", "缺少身份证号码或号码无效",
                            "missing or not a valid ID number");
    return;
  }
  if (area_arg == NULL || !hk_division_parse(area_arg, &area) || hk_division_find(area) == NULL) {
    hk_http_reply_fail_both(resp, HK_EINVAL, permit ? "city" : "division",
                            "缺少行政区划代码或代码未知", "missing or not a known division code");
    return;
  }
  if (permit && date_arg == NULL) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "date", "缺少要查询的日期（YYYY-MM-DD）",
                            "missing: the day asked about (YYYY-MM-DD)");
    return;
  }
  if (date_arg && !hk_date_parse(date_arg, &day)) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "date", "不是日期（YYYY-MM-DD）",
                            "not a date (YYYY-MM-DD)");
    return;
  }
  if (hukou && day != today) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "date", "户籍登记只能查询今天的登记情况",
                            "the registry answers for today's registration only");
    return;
  }
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc = st ? hk_store_person_get(st, id.number, &w->person, &err) : err.code;
  bool answer = false;
  if (rc == HK_OK) {
    const hk_person *p = &w->person;
    answer = permit ? permit_valid(p, area, day)
                    : p->has_hukou && hk_division_within(p->hukou.division, area);
  }
  hk_http_worker_release(w);
  if (rc != HK_OK && rc != HK_ENOTFOUND) {
    hk_http_reply_error(resp, &err);
    return;
  }
  /* Asked is logged, found or not: the question itself is about that person. */
  hk_http_access_record(req, id.number,
                        permit ? "GET /api/v1/questions/permit-valid"
                               : "GET /api/v1/questions/hukou-registered");
  hk_http_reply_json(resp, 200, json_pack("{s:b}", "answer", answer));
  resp->no_store = true;
}
