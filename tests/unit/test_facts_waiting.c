/* The officer's worklist of declarations (issue 10/11; facts.h hk_facts_waiting and
 * hk_facts_entry, store_fact.h), on SQLite and on PostgreSQL: only declared entries still in
 * force are listed, of the persons whose hukou or active residence registration lies in the
 * area, oldest first, paged by entry; a kind filter; the jurisdiction bounds the list and the
 * entry read; the files behind an entry are counted. */
#include "test_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/person_json.h"
#include "service/facts.h"
#include "service/material.h"
#include "store/store.h"

static char ids[4][HK_IDNUM_LEN + 1];

static const hk_actor xiuzhou = {
    .role = HK_ROLE_OFFICER, .account = "officer:330411", .jurisdiction = 330411};
static const hk_actor jiaxing = {
    .role = HK_ROLE_SUPERVISOR, .account = "supervisor:330400", .jurisdiction = 330400};
static const hk_actor xihu = {
    .role = HK_ROLE_OFFICER, .account = "officer:330106", .jurisdiction = 330106};
static const hk_actor system_actor = {.role = HK_ROLE_SYSTEM, .account = "cli:test"};

static hk_date today(void)
{
  return test_date("2024-06-30");
}

static hk_actor resident(int i)
{
  hk_actor a = {.role = HK_ROLE_RESIDENT, .account = "resident:x"};
  snprintf(a.id_number, sizeof a.id_number, "%s", ids[i]);
  return a;
}

static void add_person(hk_store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_person(hk_store *st, const char *fmt, ...)
{
  char json[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(json, sizeof json, fmt, ap);
  va_end(ap);
  hk_person p;
  hk_person_init(&p);
  hk_error err = {0};
  int64_t row;
  if (hk_person_parse(json, strlen(json), HK_PJ_RECORD, today(), &p, &err) != HK_OK)
    fail_msg("parse: %s: %s", err.field, err.detail);
  if (hk_store_begin(st, &err) != HK_OK || hk_store_person_add(st, &p, &row, &err) != HK_OK ||
      hk_store_commit(st, &err) != HK_OK)
    fail_msg("add: %s", err.detail);
  hk_person_clear(&p);
}

static int64_t declare(hk_store *st, int who, const char *kind, const char *text)
{
  hk_actor a = resident(who);
  json_t *f = json_loads(text, 0, NULL);
  hk_fact_result r;
  hk_error err = {0};
  if (hk_facts_add(st, &a, ids[who], hk_fact_kind_from(kind), f, NULL, NULL, today(), &r, &err) !=
      HK_OK)
    fail_msg("declare: %s: %s", err.field, err.detail);
  json_decref(f);
  assert_int_equal(r.source, HK_FACT_DECLARED);
  return r.entry;
}

/* 0 lives in 秀洲区 (hukou in Anhui), 1 is registered in 南湖区, 2 in 西湖区, 3's registration in
 * 秀洲区 ended (hukou in Anhui). Entries: 1 housing of 0 (a file attached), 2 employment of 0
 * (then verified: 6), 3 education of 1 (then corrected by 1: 7, declared again), 4 education
 * of 2, 5 housing of 3; 8 a department's fact about 0. Waiting: 1, 4, 5, 7. */
static hk_store *registry(void)
{
  test_idnum(ids[0], "341222", "19920202", 22);
  test_idnum(ids[1], "330402", "19900101", 11);
  test_idnum(ids[2], "330106", "19880404", 44);
  test_idnum(ids[3], "341222", "19800606", 66);
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(test_fresh_db(), HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  add_person(st,
             "{\"id_number\":\"%s\",\"name\":\"李四\",\"hukou\":{\"division\":\"341222\","
             "\"household\":\"family\",\"head\":true},\"residence\":[{\"division\":\"330411\","
             "\"urban\":true,\"from\":\"2021-03-01\"}]}",
             ids[0]);
  add_person(st,
             "{\"id_number\":\"%s\",\"name\":\"王小红\",\"hukou\":{\"division\":\"330402\","
             "\"household\":\"family\",\"head\":true}}",
             ids[1]);
  add_person(st,
             "{\"id_number\":\"%s\",\"name\":\"张小明\",\"hukou\":{\"division\":\"330106\","
             "\"household\":\"family\",\"head\":true}}",
             ids[2]);
  add_person(st,
             "{\"id_number\":\"%s\",\"name\":\"赵六\",\"hukou\":{\"division\":\"341222\","
             "\"household\":\"family\",\"head\":true},\"residence\":[{\"division\":\"330411\","
             "\"from\":\"2020-01-01\",\"to\":\"2022-01-01\",\"ended\":\"cancelled\"}]}",
             ids[3]);
  static const char lease[] =
      "{\"division\":\"330411\",\"urban\":true,\"kind\":\"rented\",\"from\":\"2021-03-01\"}";
  assert_int_equal(declare(st, 0, "housing", lease), 1);
  assert_int_equal(
      declare(st, 0, "employment", "{\"division\":\"330411\",\"from\":\"2022-01-01\"}"), 2);
  assert_int_equal(declare(st, 1, "education", "{\"education\":\"bachelor\"}"), 3);
  assert_int_equal(declare(st, 2, "education", "{\"education\":\"master\"}"), 4);
  assert_int_equal(declare(st, 3, "housing", lease), 5);
  hk_fact_result r;
  assert_int_equal(hk_facts_verify(st, &xiuzhou, ids[0], 2, today(), &r, &err), HK_OK);
  assert_int_equal(r.entry, 6);
  hk_actor one = resident(1);
  json_t *master = json_loads("{\"education\":\"master\"}", 0, NULL);
  assert_int_equal(hk_facts_correct(st, &one, ids[1], "3", master, "typo", today(), &r, &err),
                   HK_OK);
  assert_int_equal(r.entry, 7);
  assert_int_equal(r.source, HK_FACT_DECLARED);
  json_t *si = json_loads("{\"city\":\"330400\",\"from\":\"2021-04\",\"to\":null}", 0, NULL);
  if (hk_facts_add(st, &system_actor, ids[0], HK_FACT_INSURANCE, si, "social_insurance", "d-1",
                   today(), &r, &err) != HK_OK)
    fail_msg("department: %s: %s", err.field, err.detail);
  assert_int_equal(r.entry, 8);
  json_decref(si);
  json_decref(master);
  static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
  hk_material_config cfg = {0};
  hk_material_upload up = {.data = pdf, .size = sizeof pdf - 1, .name = "lease.pdf", .name_len = 9};
  json_t *m = NULL;
  bool created;
  hk_actor zero = resident(0);
  if (hk_material_fact_attach(st, &cfg, &zero, ids[0], 1, &up, &m, &created, &err) != HK_OK)
    fail_msg("attach: %s: %s", err.field, err.detail);
  json_decref(m);
  return st;
}

static int seen_count;
static void seen(const char *id, void *cls)
{
  (void)cls;
  assert_int_equal(strlen(id), HK_IDNUM_LEN);
  seen_count++;
}

/* The entries of a page, "1 7", and its next ("-" when null). */
static void expect(hk_store *st, const hk_actor *who, int32_t area, hk_fact_kind kind,
                   int64_t after, uint32_t limit, const char *want, const char *want_next)
{
  json_t *out = NULL;
  hk_error err = {0};
  seen_count = 0;
  if (hk_facts_waiting(st, who, area, kind, after, limit, seen, NULL, &out, &err) != HK_OK)
    fail_msg("waiting: %s: %s", err.field, err.detail);
  char got[256] = "", next[32];
  json_t *e;
  size_t i;
  json_array_foreach(json_object_get(out, "entries"), i, e)
  {
    size_t n = strlen(got);
    snprintf(got + n, sizeof got - n, "%s%lld", n ? " " : "",
             (long long)json_integer_value(json_object_get(e, "entry")));
  }
  json_t *nx = json_object_get(out, "next");
  if (json_is_null(nx))
    snprintf(next, sizeof next, "-");
  else
    snprintf(next, sizeof next, "%lld", (long long)json_integer_value(nx));
  assert_string_equal(got, want);
  assert_string_equal(next, want_next);
  assert_int_equal(seen_count, (int)json_array_size(json_object_get(out, "entries")));
  json_decref(out);
}

static void lists_what_waits_in_the_area(void **state)
{
  (void)state;
  hk_store *st = registry();
  expect(st, &system_actor, 0, HK_FACT_NONE, 0, 0, "1 4 5 7", "-");
  expect(st, &jiaxing, 0, HK_FACT_NONE, 0, 0, "1 7", "-");
  expect(st, &xiuzhou, 0, HK_FACT_NONE, 0, 0, "1", "-"); /* 3's registration ended */
  expect(st, &xihu, 0, HK_FACT_NONE, 0, 0, "4", "-");
  expect(st, &jiaxing, 330402, HK_FACT_NONE, 0, 0, "7", "-");
  expect(st, &jiaxing, 0, HK_FACT_EDUCATION, 0, 0, "7", "-");
  expect(st, &jiaxing, 0, HK_FACT_EMPLOYMENT, 0, 0, "", "-"); /* 2 was verified */
  hk_store_close(st);
}

static void pages_by_entry(void **state)
{
  (void)state;
  hk_store *st = registry();
  expect(st, &system_actor, 0, HK_FACT_NONE, 0, 2, "1 4", "4");
  expect(st, &system_actor, 0, HK_FACT_NONE, 4, 2, "5 7", "7");
  expect(st, &system_actor, 0, HK_FACT_NONE, 7, 2, "", "-");
  /* Verifying an entry of the first page shifts nothing after it. */
  hk_error err = {0};
  hk_fact_result r;
  assert_int_equal(hk_facts_verify(st, &system_actor, ids[0], 1, today(), &r, &err), HK_OK);
  expect(st, &system_actor, 0, HK_FACT_NONE, 4, 2, "5 7", "7");
  expect(st, &system_actor, 0, HK_FACT_NONE, 0, 0, "4 5 7", "-");
  hk_store_close(st);
}

static void answer_fields(void **state)
{
  (void)state;
  hk_store *st = registry();
  json_t *out = NULL;
  hk_error err = {0};
  assert_int_equal(hk_facts_waiting(st, &xiuzhou, 0, HK_FACT_NONE, 0, 0, NULL, NULL, &out, &err),
                   HK_OK);
  json_t *e = json_array_get(json_object_get(out, "entries"), 0);
  assert_string_equal(json_string_value(json_object_get(e, "kind")), "housing");
  assert_string_equal(json_string_value(json_object_get(json_object_get(e, "fact"), "kind")),
                      "rented");
  assert_string_equal(json_string_value(json_object_get(e, "recorded_on")), "2024-06-30");
  assert_non_null(json_string_value(json_object_get(e, "declared_at")));
  assert_int_equal(json_integer_value(json_object_get(e, "materials")), 1);
  json_t *p = json_object_get(e, "person");
  assert_string_equal(json_string_value(json_object_get(p, "name")), "李四");
  char masked[HK_IDNUM_LEN + 1];
  assert_string_equal(json_string_value(json_object_get(p, "id_masked")),
                      hk_idnum_mask(ids[0], masked));
  assert_null(json_object_get(p, "id_number")); /* never the full number in the list */
  json_decref(out);
  hk_store_close(st);
}

static void refuses_outside_the_jurisdiction(void **state)
{
  (void)state;
  hk_store *st = registry();
  json_t *out = NULL;
  hk_error err = {0};
  assert_int_equal(
      hk_facts_waiting(st, &jiaxing, 330106, HK_FACT_NONE, 0, 0, NULL, NULL, &out, &err),
      HK_EFORBIDDEN);
  assert_string_equal(err.field, "area");
  hk_actor r0 = resident(0);
  assert_int_equal(hk_facts_waiting(st, &r0, 0, HK_FACT_NONE, 0, 0, NULL, NULL, &out, &err),
                   HK_EFORBIDDEN);
  assert_string_equal(err.field, "role");
  assert_int_equal(hk_facts_waiting(st, &jiaxing, 0, HK_FACT_NONE, 0, HK_FACTS_WAITING_MAX + 1,
                                    NULL, NULL, &out, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "limit");
  assert_null(out);
  hk_store_close(st);
}

static void one_entry(void **state)
{
  (void)state;
  hk_store *st = registry();
  json_t *out = NULL;
  hk_error err = {0};
  assert_int_equal(hk_facts_entry(st, &xiuzhou, 1, &out, &err), HK_OK);
  json_t *p = json_object_get(out, "person");
  assert_string_equal(json_string_value(json_object_get(p, "id_number")), ids[0]);
  assert_string_equal(json_string_value(json_object_get(p, "name")), "李四");
  assert_string_equal(json_string_value(json_object_get(out, "source")), "declared");
  assert_true(json_is_true(json_object_get(out, "in_force")));
  assert_int_equal(json_integer_value(json_object_get(out, "materials")), 1);
  json_decref(out);
  /* A superseded entry is read too, marked. */
  assert_int_equal(hk_facts_entry(st, &xiuzhou, 2, &out, &err), HK_OK);
  assert_false(json_is_true(json_object_get(out, "in_force")));
  assert_int_equal(json_integer_value(json_object_get(out, "superseded_by")), 6);
  json_decref(out);
  /* Elsewhere, or no such entry: the same answer. */
  assert_int_equal(hk_facts_entry(st, &xiuzhou, 4, &out, &err), HK_ENOTFOUND);
  assert_string_equal(err.field, "entry");
  assert_int_equal(hk_facts_entry(st, &xiuzhou, 999, &out, &err), HK_ENOTFOUND);
  assert_string_equal(err.field, "entry");
  assert_int_equal(hk_facts_entry(st, &xiuzhou, 5, &out, &err), HK_ENOTFOUND);
  hk_actor r0 = resident(0);
  assert_int_equal(hk_facts_entry(st, &r0, 1, &out, &err), HK_EFORBIDDEN);
  assert_string_equal(err.field, "role");
  assert_null(out);
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
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lists_what_waits_in_the_area),
      cmocka_unit_test(pages_by_entry),
      cmocka_unit_test(answer_fields),
      cmocka_unit_test(refuses_outside_the_jurisdiction),
      cmocka_unit_test(one_entry),
  };
  int failed = cmocka_run_group_tests_name("facts_waiting_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("facts_waiting_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  return failed;
}
