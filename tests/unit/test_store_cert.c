/* The certificate table (store_cert.h) on SQLite and, with HK_TEST_PG, on PostgreSQL: rows
 * round-trip, indexes are drawn in turn and a drawn one is refused twice, a holder's list comes
 * newest first, a token is kept once, and the status list reads what was withdrawn. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_cert.h"

static hk_store *open_fresh(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  const char *db = test_fresh_db();
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open %s: %s", db, err.detail);
  return st;
}

static void insert(hk_store *st, const char *person, int type, int64_t *id)
{
  hk_error err = {0};
  hk_cert_row row = {.type = type,
                     .issuer = 330402,
                     .issued_at = 1700000000,
                     .valid_from = 1700000000,
                     .valid_until = 1800000000};
  assert_int_equal(hk_store_cert_next_index(st, &row.id, &err), HK_OK);
  snprintf(row.cert_id, sizeof row.cert_id, "C-%lld", (long long)row.id);
  snprintf(row.person, sizeof row.person, "%s", person);
  snprintf(row.source, sizeof row.source, "request");
  row.claims = "{\"n\":\"张三\"}";
  assert_int_equal(hk_store_cert_insert(st, &row, &err), HK_OK);
  *id = row.id;
}

static void rows_round_trip(void **state)
{
  (void)state;
  hk_store *st = open_fresh();
  hk_error err = {0};
  int64_t a, b;
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  insert(st, "330402199001010011", 1, &a);
  insert(st, "330402199001010011", 2, &b);
  assert_int_equal(a, 1);
  assert_int_equal(b, 2);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);

  hk_cert_row got = {0};
  assert_int_equal(hk_store_cert_get(st, "C-2", &got, &err), HK_OK);
  assert_int_equal(got.id, 2);
  assert_int_equal(got.type, 2);
  assert_int_equal(got.issuer, 330402);
  assert_int_equal(got.valid_until, 1800000000);
  assert_string_equal(got.person, "330402199001010011");
  assert_string_equal(got.claims, "{\"n\":\"张三\"}");
  assert_null(got.token);
  assert_string_equal(got.source, "request");
  hk_cert_row_clear(&got);
  assert_int_equal(hk_store_cert_get(st, "C-9", &got, &err), HK_ENOTFOUND);
  hk_store_close(st);
}

static void a_drawn_index_is_refused_twice(void **state)
{
  (void)state;
  hk_store *st = open_fresh();
  hk_error err = {0};
  int64_t a;
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  insert(st, "330402199001010011", 0, &a);
  hk_cert_row again = {.id = a, .type = 0, .issuer = 330402, .claims = "{}"};
  snprintf(again.cert_id, sizeof again.cert_id, "other");
  snprintf(again.person, sizeof again.person, "330402199001010011");
  assert_int_equal(hk_store_cert_insert(st, &again, &err), HK_EDUPLICATE);
  hk_store_rollback(st);
  hk_store_close(st);
}

typedef struct seen {
  int64_t ids[8];
  int n;
} seen;

static hk_status collect(const hk_cert_row *row, void *cls, hk_error *err)
{
  (void)err;
  seen *s = cls;
  if (s->n < 8)
    s->ids[s->n++] = row->id;
  return HK_OK;
}

static void list_token_and_statuses(void **state)
{
  (void)state;
  hk_store *st = open_fresh();
  hk_error err = {0};
  int64_t a, b, c;
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  insert(st, "330402199001010011", 0, &a);
  insert(st, "330402199202020022", 0, &b);
  insert(st, "330402199001010011", 1, &c);
  assert_int_equal(hk_store_cert_set_status(st, a, 1, "superseded", 1700000100, &err), HK_OK);
  assert_int_equal(hk_store_cert_set_status(st, b, 2, "suspended", 1700000200, &err), HK_OK);
  assert_int_equal(hk_store_cert_set_status(st, 99, 1, "x", 1, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_cert_set_token(st, c, "HKC1:first", "00112233aabbccdd", &err), HK_OK);
  assert_int_equal(hk_store_cert_set_token(st, c, "HKC1:second", "ffffffffffffffff", &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);

  seen s = {0};
  assert_int_equal(hk_store_cert_each_person(st, "330402199001010011", collect, &s, &err), HK_OK);
  assert_int_equal(s.n, 2);
  assert_int_equal(s.ids[0], c); /* newest first */
  assert_int_equal(s.ids[1], a);

  hk_cert_row got = {0};
  assert_int_equal(hk_store_cert_get(st, "C-3", &got, &err), HK_OK);
  assert_string_equal(got.token, "HKC1:first"); /* kept once */
  assert_string_equal(got.kid, "00112233aabbccdd");
  hk_cert_row_clear(&got);
  assert_int_equal(hk_store_cert_get(st, "C-1", &got, &err), HK_OK);
  assert_int_equal(got.status, 1);
  assert_string_equal(got.status_reason, "superseded");
  assert_int_equal(got.status_at, 1700000100);
  hk_cert_row_clear(&got);

  uint8_t *list = NULL;
  size_t n = 0;
  assert_int_equal(hk_store_cert_statuses(st, &list, &n, &err), HK_OK);
  assert_int_equal(n, 4);
  assert_int_equal(list[a], 1);
  assert_int_equal(list[b], 2);
  assert_int_equal(list[c], 0);
  free(list);
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
      cmocka_unit_test(rows_round_trip),
      cmocka_unit_test(a_drawn_index_is_refused_twice),
      cmocka_unit_test(list_token_and_statuses),
  };
  int failed = cmocka_run_group_tests_name("store_cert_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("store_cert_postgresql", tests, NULL, cleanup);
  else
    fprintf(stderr, "store_cert_postgresql: not run (HK_TEST_PG is not set)\n");
  return failed;
}
