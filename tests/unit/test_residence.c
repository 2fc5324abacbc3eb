/* Residence registration (一): the rules on a person in memory (every outcome and refusal), the
 * service on both store backends (history and events), and concurrent changes to one person
 * from several threads, none lost. */
#include "test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/person_json.h"
#include "service/residence.h"
#include "store/store.h"

/* A migrant from Anhui (hukou 341222) living in Jiaxing's 南湖区 since 2021. */
static const char migrant[] =
    "{\"id_number\":\"341222199001010112\",\"hukou\":{\"division\":\"341222\","
    "\"household\":\"family\",\"head\":true},\"residence\":[{\"division\":\"330402\","
    "\"urban\":true,\"from\":\"2021-03-01\",\"address\":\"南湖区 东栅街道 1 号\","
    "\"declared_on\":\"2021-03-02\"}]}";

static hk_date today(void)
{
  return test_date("2024-06-30");
}

static void parse(const char *text, hk_person *p)
{
  hk_error err = {0};
  if (hk_person_parse(text, strlen(text), HK_PJ_RECORD, today(), p, &err) != HK_OK)
    fail_msg("parse: %s: %s", err.field, err.detail);
}

static hk_residence_request request(int32_t division, const char *address, const char *on,
                                    const char *declared_on)
{
  hk_residence_request r = {.division = division, .urban = HK_TRI_TRUE};
  snprintf(r.id_number, sizeof r.id_number, "341222199001010112");
  snprintf(r.address, sizeof r.address, "%s", address);
  r.on = test_date(on);
  r.declared_on = test_date(declared_on);
  return r;
}

static void change_within_the_city_closes_and_opens(void **state)
{
  (void)state;
  hk_person p;
  hk_person_init(&p);
  parse(migrant, &p);
  hk_residence_request r = request(330411, "秀洲区 新城街道 8 号", "2024-06-01", "2024-06-05");
  hk_residence_result res;
  hk_error err = {0};
  /* "declare" elsewhere in the same city is a change. */
  assert_int_equal(hk_residence_apply(&p, HK_RES_DECLARE, &r, today(), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_RES_CHANGED);
  assert_false(res.late);
  assert_int_equal(res.deadline, test_date("2024-06-11")); /* 10 days */
  assert_int_equal(p.residence.n, 2);
  assert_int_equal(p.residence.items[0].period.to, test_date("2024-06-01"));
  assert_int_equal(p.residence.items[0].ended, HK_RES_END_CHANGED);
  assert_int_equal(p.residence.items[1].period.to, HK_DATE_OPEN);
  assert_string_equal(hk_person_text(&p, p.residence.items[1].address), "秀洲区 新城街道 8 号");
  assert_int_equal(p.residence.items[1].declared_on, test_date("2024-06-05"));
  /* The earlier entry is kept, unchanged but for its end. */
  assert_string_equal(hk_person_text(&p, p.residence.items[0].address), "南湖区 东栅街道 1 号");
  hk_person_clear(&p);
}

static void late_reports_are_accepted_and_flagged(void **state)
{
  (void)state;
  hk_person p;
  hk_person_init(&p);
  parse(migrant, &p);
  hk_residence_result res;
  hk_error err = {0};
  /* A change reported on day 11 is late; on day 10 it is not. */
  hk_residence_request r = request(330411, "秀洲区 新城街道 8 号", "2024-06-01", "2024-06-11");
  assert_int_equal(hk_residence_apply(&p, HK_RES_CHANGE, &r, today(), &res, &err), HK_OK);
  assert_false(res.late);
  r = request(330402, "南湖区 另一处 2 号", "2024-06-12", "2024-06-23");
  assert_int_equal(hk_residence_apply(&p, HK_RES_CHANGE, &r, today(), &res, &err), HK_OK);
  assert_true(res.late);
  assert_true(p.residence.items[2].late);
  hk_person_clear(&p);
}

static void moving_to_another_city_replaces_the_registration(void **state)
{
  (void)state;
  hk_person p;
  hk_person_init(&p);
  parse(migrant, &p);
  hk_residence_result res;
  hk_error err = {0};
  hk_residence_request r = request(330106, "西湖区 文三路 90 号", "2024-06-20", "2024-06-24");
  assert_int_equal(hk_residence_apply(&p, HK_RES_DECLARE, &r, today(), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_RES_MOVED);
  assert_true(res.late); /* 3 days for a declaration */
  assert_int_equal(res.previous_division, 330402);
  assert_int_equal(p.residence.items[0].ended, HK_RES_END_MOVED);
  /* change is only for the city of the active registration */
  r = request(330402, "南湖区 东栅街道 1 号", "2024-06-25", "2024-06-25");
  assert_int_equal(hk_residence_apply(&p, HK_RES_CHANGE, &r, today(), &res, &err), HK_ECONFLICT);
  hk_person_clear(&p);
}

static void cancel_ends_the_registration(void **state)
{
  (void)state;
  hk_person p;
  hk_person_init(&p);
  parse(migrant, &p);
  hk_residence_result res;
  hk_error err = {0};
  hk_residence_request r = request(0, "", "2024-06-10", "2024-06-12");
  assert_int_equal(hk_residence_apply(&p, HK_RES_CANCEL, &r, today(), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_RES_CANCELLED);
  assert_int_equal(p.residence.items[0].period.to, test_date("2024-06-10"));
  assert_int_equal(p.residence.items[0].ended, HK_RES_END_CANCELLED);
  /* Nothing is active now: cancel and change are refused, a new declaration is not. */
  assert_int_equal(hk_residence_apply(&p, HK_RES_CANCEL, &r, today(), &res, &err), HK_ECONFLICT);
  assert_string_equal(err.field, "residence");
  r = request(330402, "南湖区 东栅街道 1 号", "2024-06-20", "2024-06-20");
  assert_int_equal(hk_residence_apply(&p, HK_RES_CHANGE, &r, today(), &res, &err), HK_ECONFLICT);
  assert_int_equal(hk_residence_apply(&p, HK_RES_DECLARE, &r, today(), &res, &err), HK_OK);
  assert_int_equal(res.outcome, HK_RES_DECLARED);
  /* ... but not one that would begin inside the one that ended. */
  hk_person_reset(&p);
  parse(migrant, &p);
  r = request(0, "", "2024-06-10", "2024-06-12");
  assert_int_equal(hk_residence_apply(&p, HK_RES_CANCEL, &r, today(), &res, &err), HK_OK);
  r = request(330402, "南湖区 东栅街道 1 号", "2024-06-01", "2024-06-20");
  assert_int_equal(hk_residence_apply(&p, HK_RES_DECLARE, &r, today(), &res, &err), HK_EINVAL);
  assert_string_equal(err.field, "on");
  hk_person_clear(&p);
}

static void refusals_name_the_field(void **state)
{
  (void)state;
  hk_person p;
  hk_person_init(&p);
  parse(migrant, &p);
  hk_residence_result res;
  hk_error err = {0};
  const struct {
    hk_residence_request r;
    hk_status rc;
    const char *field;
  } cases[] = {
      {request(330400, "a", "2024-06-01", "2024-06-01"), HK_EINVAL, "division"}, /* a city */
      {request(320505, "a", "2024-06-01", "2024-06-01"), HK_EINVAL, "division"}, /* Suzhou */
      {request(330103, "a", "2024-06-01", "2024-06-01"), HK_EINVAL, "division"}, /* abolished */
      {request(330411, "", "2024-06-01", "2024-06-01"), HK_EINVAL, "address"},
      {request(330411, "a", "2024-07-01", "2024-07-01"), HK_EINVAL, "on"}, /* the future */
      {request(330411, "a", "2024-06-01", "2024-05-30"), HK_EINVAL, "declared_on"},
      {request(330411, "a", "2020-06-01", "2024-06-01"), HK_EINVAL, "on"}, /* before active */
      {request(330402, "南湖区 东栅街道 1 号", "2024-06-01", "2024-06-01"), HK_ECONFLICT,
       "address"}, /* already there */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    hk_status rc = hk_residence_apply(&p, HK_RES_DECLARE, &cases[i].r, today(), &res, &err);
    if (rc != cases[i].rc || strcmp(err.field, cases[i].field) != 0)
      fail_msg("case %zu: %s %s (%s)", i, hk_status_code(rc), err.field, err.detail);
    /* Issue 10: each refusal is a sentence in Chinese beside the English one. */
    if (err.detail_zh[0] == '\0' || err.detail[0] == '\0')
      fail_msg("case %zu: %s has no sentence in both languages (%s)", i, err.field, err.detail);
    assert_int_equal(p.residence.n, 1); /* a refusal changes nothing */
  }
  hk_person_clear(&p);
}

static void no_registration_at_home(void **state)
{
  (void)state;
  hk_person p;
  hk_person_init(&p);
  hk_residence_result res;
  hk_error err = {0};
  /* Hukou in 330102 (上城区): living in 330106 (西湖区), another district of Hangzhou, needs no
   * registration; living in 330122 (桐庐县) does. */
  parse("{\"id_number\":\"330102199001010012\",\"hukou\":{\"division\":\"330102\"}}", &p);
  hk_residence_request r = request(330106, "文三路", "2024-06-01", "2024-06-01");
  snprintf(r.id_number, sizeof r.id_number, "330102199001010012");
  assert_int_equal(hk_residence_apply(&p, HK_RES_DECLARE, &r, today(), &res, &err), HK_ECONFLICT);
  assert_string_equal(err.field, "division");
  r.division = 330102;
  assert_int_equal(hk_residence_apply(&p, HK_RES_DECLARE, &r, today(), &res, &err), HK_ECONFLICT);
  r.division = 330122;
  assert_int_equal(hk_residence_apply(&p, HK_RES_DECLARE, &r, today(), &res, &err), HK_OK);
  hk_person_clear(&p);
}

/* ---- the service on a store ---- */

static char db[1024];

static hk_store *store_with_migrant(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  snprintf(db, sizeof db, "%s", test_fresh_db());
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  hk_person p;
  hk_person_init(&p);
  parse(migrant, &p);
  int64_t row;
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_person_add(st, &p, &row, &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  hk_person_clear(&p);
  return st;
}

static const hk_actor officer = {
    .role = HK_ROLE_OFFICER, .account = "officer:330400-0001", .jurisdiction = 330400};

static void service_keeps_history_and_records_events(void **state)
{
  (void)state;
  hk_store *st = store_with_migrant();
  hk_error err = {0};
  hk_residence_result res;
  hk_residence_request r = request(330411, "秀洲区 新城街道 8 号", "2024-06-01", "2024-06-20");
  assert_int_equal(hk_residence_service(st, &officer, HK_RES_CHANGE, &r, today(), &res, &err),
                   HK_OK);
  assert_true(res.late);
  r = request(0, "", "2024-06-25", "2024-06-25");
  assert_int_equal(hk_residence_service(st, &officer, HK_RES_CANCEL, &r, today(), &res, &err),
                   HK_OK);
  /* A refused step writes nothing. */
  assert_int_equal(hk_residence_service(st, &officer, HK_RES_CANCEL, &r, today(), &res, &err),
                   HK_ECONFLICT);

  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_person_get(st, "341222199001010112", &p, &err), HK_OK);
  assert_int_equal(p.residence.n, 2);
  assert_int_equal(p.residence.items[0].ended, HK_RES_END_CHANGED);
  assert_int_equal(p.residence.items[1].ended, HK_RES_END_CANCELLED);
  assert_true(p.residence.items[1].late);
  assert_string_equal(hk_person_text(&p, p.residence.items[1].address), "秀洲区 新城街道 8 号");
  hk_person_clear(&p);
  int64_t checked, broken;
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_OK);
  /* The change and the cancellation, each with its receipt's event (issued, then revoked). */
  assert_int_equal(checked, 4);
  hk_store_close(st);
}

static void service_checks_who_acts(void **state)
{
  (void)state;
  hk_store *st = store_with_migrant();
  hk_error err = {0};
  hk_residence_result res;
  hk_residence_request r = request(330411, "秀洲区 新城街道 8 号", "2024-06-01", "2024-06-02");
  hk_actor other = {.role = HK_ROLE_RESIDENT, .account = "resident:x"};
  snprintf(other.id_number, sizeof other.id_number, "341222199202020229");
  assert_int_equal(hk_residence_service(st, &other, HK_RES_CHANGE, &r, today(), &res, &err),
                   HK_EFORBIDDEN);
  assert_string_equal(err.detail_zh, "居民只能为本人申报");
  assert_string_equal(err.detail, "residents declare for themselves only");
  hk_actor analyst = {.role = HK_ROLE_ANALYST, .account = "analyst:a"};
  assert_int_equal(hk_residence_service(st, &analyst, HK_RES_CHANGE, &r, today(), &res, &err),
                   HK_EFORBIDDEN);
  assert_string_equal(err.field, "role");
  assert_string_equal(err.detail_zh, "统计分析员账户不能办理居住登记");
  assert_string_equal(err.detail, "analyst accounts cannot register residence");
  hk_actor self = other;
  snprintf(self.id_number, sizeof self.id_number, "341222199001010112");
  assert_int_equal(hk_residence_service(st, &self, HK_RES_CHANGE, &r, today(), &res, &err), HK_OK);
  snprintf(r.id_number, sizeof r.id_number, "11010519491231002X");
  assert_int_equal(hk_residence_service(st, &officer, HK_RES_CHANGE, &r, today(), &res, &err),
                   HK_ENOTFOUND);
  hk_store_close(st);
}

/* ---- concurrency ---- */

#define THREADS 4
#define CHANGES 10

typedef struct worker {
  int index;
  int done;
  char error[512];
} worker;

static void *change_many(void *arg)
{
  worker *w = arg;
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(db, HK_STORE_EXISTING, &st, &err) != HK_OK) {
    snprintf(w->error, sizeof w->error, "open: %s", err.detail);
    return NULL;
  }
  for (int i = 0; i < CHANGES; i++) {
    hk_residence_request r = request(i % 2 ? 330411 : 330402, "", "2024-06-01", "2024-06-01");
    snprintf(r.address, sizeof r.address, "thread %d change %d", w->index, i);
    hk_residence_result res;
    /* Each change moves in on the same day: the periods close empty, none is lost. */
    hk_status rc = hk_residence_service(st, &officer, HK_RES_CHANGE, &r, today(), &res, &err);
    if (rc == HK_OK)
      w->done++;
    else if (rc != HK_ERETRY) {
      snprintf(w->error, sizeof w->error, "%s: %s", hk_status_code(rc), err.detail);
      break;
    }
  }
  hk_store_close(st);
  return NULL;
}

static void concurrent_changes_lose_nothing(void **state)
{
  (void)state;
  hk_store *st = store_with_migrant();
  hk_store_close(st);
  pthread_t threads[THREADS];
  worker workers[THREADS] = {0};
  for (int t = 0; t < THREADS; t++) {
    workers[t].index = t;
    assert_int_equal(pthread_create(&threads[t], NULL, change_many, &workers[t]), 0);
  }
  int done = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    if (workers[t].error[0])
      fail_msg("thread %d: %s", t, workers[t].error);
    done += workers[t].done;
  }
  hk_error err = {0};
  assert_int_equal(hk_store_open(db, HK_STORE_EXISTING, &st, &err), HK_OK);
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_person_get(st, "341222199001010112", &p, &err), HK_OK);
  /* Every change that reported success is in the history, and one event each. */
  assert_int_equal(p.residence.n, 1 + done);
  int open = 0;
  for (uint32_t i = 0; i < p.residence.n; i++)
    open += p.residence.items[i].period.to == HK_DATE_OPEN;
  assert_int_equal(open, 1);
  int64_t checked, broken;
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_OK);
  /* Each change: its event, its receipt issued and the previous receipt superseded (the first
   * change has none before it). */
  assert_int_equal(checked, 3 * done - 1);
  assert_true(done >= THREADS * CHANGES / 2); /* retries make room for nearly all */
  hk_person_clear(&p);
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
  const struct CMUnitTest rules[] = {
      cmocka_unit_test(change_within_the_city_closes_and_opens),
      cmocka_unit_test(late_reports_are_accepted_and_flagged),
      cmocka_unit_test(moving_to_another_city_replaces_the_registration),
      cmocka_unit_test(cancel_ends_the_registration),
      cmocka_unit_test(refusals_name_the_field),
      cmocka_unit_test(no_registration_at_home),
  };
  const struct CMUnitTest service[] = {
      cmocka_unit_test(service_keeps_history_and_records_events),
      cmocka_unit_test(service_checks_who_acts),
      cmocka_unit_test(concurrent_changes_lose_nothing),
  };
  int failed = cmocka_run_group_tests_name("residence_rules", rules, NULL, NULL);
  failed += cmocka_run_group_tests_name("residence_service_sqlite", service, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("residence_service_postgresql", service, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  return failed;
}
