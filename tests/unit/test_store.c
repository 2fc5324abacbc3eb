/* The SQLite store: every table round-trips, households are checked, the event chain verifies
 * and catches tampering, and a bulk load behaves like an ordinary one. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/person_json.h"
#include "store/store.h"

/* A person with an entry in every history, as a JSON record line. */
static const char full_person[] =
    "{\"id_number\":\"341222199001010112\",\"name\":\"张三\",\"marital_status\":\"married\","
    "\"education\":\"master\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true,\"urban\":false,\"household_no\":\"H-1\"},"
    "\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2019-03-01\","
    "\"to\":\"2021-03-01\",\"address\":\"南湖区 东栅街道 1 号\",\"declared_on\":\"2019-03-10\","
    "\"late\":true,\"ended\":\"changed\"},{\"division\":\"330411\",\"from\":\"2021-03-01\","
    "\"to\":null}],"
    "\"housing\":[{\"division\":\"330411\",\"urban\":true,\"kind\":\"rented\",\"legal\":false,"
    "\"from\":\"2021-03-01\",\"to\":null}],"
    "\"employment\":[{\"division\":\"330411\",\"from\":\"2021-04-01\",\"to\":null,"
    "\"collective_household\":true}],"
    "\"schooling\":[{\"division\":\"330106\",\"from\":\"2008-09-01\",\"to\":\"2012-07-01\"}],"
    "\"social_insurance\":[{\"city\":\"320500\",\"from\":\"2015-01\",\"to\":\"2020-12\","
    "\"pension_transferred\":true},{\"city\":\"330400\",\"from\":\"2021-04\",\"to\":null}],"
    "\"residence_permits\":[{\"division\":\"330411\",\"from\":\"2021-09-01\",\"to\":\"2024-09-01\"}"
    "],"
    "\"talent\":[{\"category\":\"master\",\"division\":\"330400\",\"recognised\":\"2021-05-01\"}],"
    "\"points_facts\":{\"volunteer_hours\":40,\"blood_ml\":400,\"donation_yuan\":0,"
    "\"skill\":\"technician\"}}";

static hk_date today(void)
{
  return test_date("2026-01-01");
}

static void parse(const char *text, hk_person *p)
{
  hk_error err = {0};
  if (hk_person_parse(text, strlen(text), HK_PJ_RECORD, today(), p, &err) != HK_OK)
    fail_msg("parse: %s: %s", err.field, err.detail);
}

static char *as_json(const hk_person *p)
{
  json_t *o = hk_person_to_json(p, HK_PJ_RECORD);
  char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  return text;
}

/* The database of the store opened last, to reopen or tamper with. */
static char current_db[1024];

/* A store on a fresh database of the backend under test. */
static hk_store *open_memory(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  snprintf(current_db, sizeof current_db, "%s", test_fresh_db());
  if (hk_store_open(current_db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open %s: %s", current_db, err.detail);
  return st;
}

/* Add one parsed person in its own transaction, optionally as a bulk load. */
static hk_status add(hk_store *st, const char *text, bool bulk, int64_t *row, hk_error *err)
{
  hk_person p;
  hk_person_init(&p);
  parse(text, &p);
  bool engaged = false;
  hk_status rc = bulk ? hk_store_bulk_begin(st, &engaged, err) : hk_store_begin(st, err);
  if (rc == HK_OK)
    rc = hk_store_person_add(st, &p, row, err);
  if (rc == HK_OK)
    rc = hk_store_bulk_end(st, err);
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  else
    hk_store_rollback(st);
  hk_person_clear(&p);
  return rc;
}

static void every_table_round_trips(bool bulk)
{
  hk_store *st = open_memory();
  hk_error err = {0};
  int64_t row = 0;
  assert_int_equal(add(st, full_person, bulk, &row, &err), HK_OK);
  assert_true(row > 0);

  hk_person in, out;
  hk_person_init(&in);
  hk_person_init(&out);
  parse(full_person, &in);
  assert_int_equal(hk_store_person_get(st, "341222199001010112", &out, &err), HK_OK);
  char *a = as_json(&in), *b = as_json(&out);
  assert_string_equal(a, b);
  assert_int_equal(out.birth_date, test_date("1990-01-01"));
  assert_int_equal(out.sex, 'M');
  free(a);
  free(b);
  hk_person_clear(&in);
  hk_person_clear(&out);
  hk_store_close(st);
}

static void every_table_round_trips_plain(void **state)
{
  (void)state;
  every_table_round_trips(false);
}

static void every_table_round_trips_bulk(void **state)
{
  (void)state;
  every_table_round_trips(true);
}

static void missing_person_is_not_found(void **state)
{
  (void)state;
  hk_store *st = open_memory();
  hk_error err = {0};
  hk_person out;
  hk_person_init(&out);
  assert_int_equal(hk_store_person_get(st, "341222199001010112", &out, &err), HK_ENOTFOUND);
  assert_string_equal(out.id_number, "");
  hk_person_clear(&out);
  hk_store_close(st);
}

static void duplicate_id_number_is_refused(void **state)
{
  (void)state;
  for (int bulk = 0; bulk < 2; bulk++) {
    hk_store *st = open_memory();
    hk_error err = {0};
    int64_t row;
    hk_person p;
    hk_person_init(&p);
    parse("{\"id_number\":\"341222199001010112\"}", &p);
    bool engaged;
    if (bulk)
      assert_int_equal(hk_store_bulk_begin(st, &engaged, &err), HK_OK);
    else
      assert_int_equal(hk_store_begin(st, &err), HK_OK);
    assert_int_equal(hk_store_person_add(st, &p, &row, &err), HK_OK);
    assert_int_equal(hk_store_person_add(st, &p, &row, &err), HK_EDUPLICATE);
    assert_string_equal(err.field, "id_number");
    hk_store_rollback(st);
    hk_store_counts counts;
    assert_int_equal(hk_store_counts_get(st, &counts, &err), HK_OK);
    assert_int_equal(counts.persons, 0); /* the rollback took the first one back too */
    hk_person_clear(&p);
    hk_store_close(st);
  }
}

static void household_conflicts_are_refused(void **state)
{
  (void)state;
  for (int bulk = 0; bulk < 2; bulk++) {
    hk_store *st = open_memory();
    hk_error err = {0};
    int64_t row;
    hk_person head, second, other_kind, other_place;
    hk_person_init(&head);
    hk_person_init(&second);
    hk_person_init(&other_kind);
    hk_person_init(&other_place);
    parse("{\"id_number\":\"341222199001010112\",\"hukou\":{\"division\":\"341222\","
          "\"household\":\"family\",\"head\":true,\"household_no\":\"A\"}}",
          &head);
    parse("{\"id_number\":\"341222199202020229\",\"hukou\":{\"division\":\"341222\","
          "\"household\":\"family\",\"head\":true,\"household_no\":\"A\"}}",
          &second);
    parse("{\"id_number\":\"341222199202020229\",\"hukou\":{\"division\":\"341222\","
          "\"household\":\"collective\",\"household_no\":\"A\"}}",
          &other_kind);
    parse("{\"id_number\":\"341222199202020229\",\"hukou\":{\"division\":\"330106\","
          "\"household\":\"family\",\"household_no\":\"A\"}}",
          &other_place);
    bool engaged;
    if (bulk)
      assert_int_equal(hk_store_bulk_begin(st, &engaged, &err), HK_OK);
    else
      assert_int_equal(hk_store_begin(st, &err), HK_OK);
    assert_int_equal(hk_store_person_add(st, &head, &row, &err), HK_OK);
    assert_int_equal(hk_store_person_add(st, &second, &row, &err), HK_ECONFLICT);
    assert_string_equal(err.field, "hukou.head");
    assert_int_equal(hk_store_person_delete(st, row, &err), HK_OK);
    assert_int_equal(hk_store_person_add(st, &other_kind, &row, &err), HK_ECONFLICT);
    assert_string_equal(err.field, "hukou.household");
    assert_int_equal(hk_store_person_delete(st, row, &err), HK_OK);
    assert_int_equal(hk_store_person_add(st, &other_place, &row, &err), HK_ECONFLICT);
    assert_string_equal(err.field, "hukou.division");
    assert_int_equal(hk_store_person_delete(st, row, &err), HK_OK);
    assert_int_equal(hk_store_bulk_end(st, &err), HK_OK);
    assert_int_equal(hk_store_commit(st, &err), HK_OK);
    hk_store_counts counts;
    assert_int_equal(hk_store_counts_get(st, &counts, &err), HK_OK);
    assert_int_equal(counts.persons, 1);
    assert_int_equal(counts.households, 1);
    hk_person_clear(&head);
    hk_person_clear(&second);
    hk_person_clear(&other_kind);
    hk_person_clear(&other_place);
    hk_store_close(st);
  }
}

static void kinship_links_come_back_as_id_numbers(void **state)
{
  (void)state;
  hk_store *st = open_memory();
  hk_error err = {0};
  int64_t a, b;
  assert_int_equal(add(st, "{\"id_number\":\"341222199001010112\"}", false, &a, &err), HK_OK);
  assert_int_equal(add(st, "{\"id_number\":\"341222199202020229\"}", false, &b, &err), HK_OK);
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_kinship_add(st, a, 0, HK_REL_SPOUSE, b, &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  hk_person out;
  hk_person_init(&out);
  assert_int_equal(hk_store_person_get(st, "341222199001010112", &out, &err), HK_OK);
  assert_int_equal(out.relatives.n, 1);
  assert_int_equal(out.relatives.items[0].relation, HK_REL_SPOUSE);
  assert_string_equal(out.relatives.items[0].id_number, "341222199202020229");
  hk_person_clear(&out);
  hk_store_close(st);
}

static hk_status count_each(const hk_person *p, void *cls, hk_error *err)
{
  (void)err;
  int *n = cls;
  /* Rows come in registration order. */
  static const char *const order[] = {"341222199001010112", "341222199202020229"};
  assert_string_equal(p->id_number, order[*n]);
  (*n)++;
  return HK_OK;
}

static void each_walks_in_order(void **state)
{
  (void)state;
  hk_store *st = open_memory();
  hk_error err = {0};
  int64_t row;
  assert_int_equal(add(st, full_person, false, &row, &err), HK_OK);
  assert_int_equal(add(st, "{\"id_number\":\"341222199202020229\"}", false, &row, &err), HK_OK);
  int n = 0;
  assert_int_equal(hk_store_person_each(st, count_each, &n, &err), HK_OK);
  assert_int_equal(n, 2);
  hk_store_close(st);
}

/* ---- events ---- */

static void append_three(hk_store *st)
{
  hk_error err = {0};
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_event_append(st, "cli:test", "import", "a.jsonl", "{\"n\":1}", &err),
                   HK_OK);
  assert_int_equal(hk_store_event_append(st, "cli:test", "import", "b.jsonl", "{\"n\":2}", &err),
                   HK_OK);
  assert_int_equal(hk_store_event_append(st, "cli:test", "import", "c.jsonl", "{\"n\":3}", &err),
                   HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
}

static hk_store *reopen_readonly(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(current_db, HK_STORE_READONLY, &st, &err) != HK_OK)
    fail_msg("reopen: %s", err.detail);
  return st;
}

/* SQL that sets an event's hash to 32 zero bytes, in the backend's dialect. */
static const char *zero_hash_sql(int seq)
{
  static char sql[160];
  snprintf(sql, sizeof sql, "UPDATE event SET hash = %s WHERE seq = %d",
           strcmp(test_backend(), "pg") == 0 ? "decode(repeat('00', 32), 'hex')" : "zeroblob(32)",
           seq);
  return sql;
}

static void intact_chain_verifies(void **state)
{
  (void)state;
  hk_store *st = open_memory();
  append_three(st);
  hk_error err = {0};
  int64_t checked, broken;
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_OK);
  assert_int_equal(checked, 3);
  assert_int_equal(broken, 0);
  hk_store_close(st);
}

static void changed_event_is_named(void **state)
{
  (void)state;
  hk_store *st = open_memory();
  append_three(st);
  hk_store_close(st);
  test_raw_sql(current_db, "UPDATE event SET payload = '{\"n\":9}' WHERE seq = 2");
  hk_error err = {0};
  st = reopen_readonly();
  int64_t checked, broken;
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_ETAMPERED);
  assert_int_equal(broken, 2);
  assert_non_null(strstr(err.detail, "changed"));
  hk_store_close(st);
}

static void rehashed_event_breaks_the_next_link(void **state)
{
  (void)state;
  /* A forger who recomputes the hash of the event they changed still breaks the link of the
   * next one. */
  hk_store *st = open_memory();
  append_three(st);
  hk_store_close(st);
  test_raw_sql(current_db, zero_hash_sql(1));
  hk_error err = {0};
  st = reopen_readonly();
  int64_t checked, broken;
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_ETAMPERED);
  assert_int_equal(broken, 1);
  hk_store_close(st);
}

static void removed_event_is_a_gap(void **state)
{
  (void)state;
  hk_store *st = open_memory();
  append_three(st);
  hk_store_close(st);
  test_raw_sql(current_db, "DELETE FROM event WHERE seq = 2");
  hk_error err = {0};
  st = reopen_readonly();
  int64_t checked, broken;
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_ETAMPERED);
  assert_int_equal(broken, 3);
  assert_non_null(strstr(err.detail, "gap"));
  hk_store_close(st);
}

/* ---- opening ---- */

static void open_refuses_what_it_should(void **state)
{
  (void)state;
  if (strcmp(test_backend(), "sqlite") != 0)
    skip(); /* files: SQLite's concern */
  hk_store *st = NULL;
  hk_error err = {0};
  assert_int_equal(hk_store_open(test_path("absent.db"), HK_STORE_EXISTING, &st, &err),
                   HK_ENOTFOUND);
  assert_null(st);
  assert_int_equal(hk_store_open("", HK_STORE_EXISTING, &st, &err), HK_EINVAL);
  /* An SQLite file that is not ours. */
  test_raw_sql(test_path("foreign.db"), "CREATE TABLE IF NOT EXISTS x (y)");
  assert_int_equal(hk_store_open(test_path("foreign.db"), HK_STORE_EXISTING, &st, &err), HK_EINVAL);
  /* Creating over an existing file. */
  assert_int_equal(hk_store_open(test_path("foreign.db"), HK_STORE_CREATE, &st, &err),
                   HK_ECONFLICT);
  /* Not a database at all. */
  test_write_file("text.db", "this is not a database, just text that is long enough\n");
  assert_int_not_equal(hk_store_open(test_path("text.db"), HK_STORE_EXISTING, &st, &err), HK_OK);
  assert_null(st);
}

static void reopening_keeps_schema_and_data(void **state)
{
  (void)state;
  hk_store *st = open_memory();
  hk_error err = {0};
  int64_t row;
  assert_int_equal(add(st, full_person, false, &row, &err), HK_OK);
  hk_store_close(st);
  assert_int_equal(hk_store_open(current_db, HK_STORE_EXISTING, &st, &err), HK_OK);
  /* Creating over an existing registry is refused. */
  hk_store *again = NULL;
  assert_int_equal(hk_store_open(current_db, HK_STORE_CREATE, &again, &err), HK_ECONFLICT);
  assert_int_equal(hk_store_version(st), hk_store_schema_version());
  hk_store_counts counts;
  assert_int_equal(hk_store_counts_get(st, &counts, &err), HK_OK);
  assert_int_equal(counts.persons, 1);
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
      cmocka_unit_test(every_table_round_trips_plain),
      cmocka_unit_test(every_table_round_trips_bulk),
      cmocka_unit_test(missing_person_is_not_found),
      cmocka_unit_test(duplicate_id_number_is_refused),
      cmocka_unit_test(household_conflicts_are_refused),
      cmocka_unit_test(kinship_links_come_back_as_id_numbers),
      cmocka_unit_test(each_walks_in_order),
      cmocka_unit_test(intact_chain_verifies),
      cmocka_unit_test(changed_event_is_named),
      cmocka_unit_test(rehashed_event_breaks_the_next_link),
      cmocka_unit_test(removed_event_is_a_gap),
      cmocka_unit_test(open_refuses_what_it_should),
      cmocka_unit_test(reopening_keeps_schema_and_data),
  };
  int failed = cmocka_run_group_tests_name("store_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("store_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1, fprintf(stderr, "store_postgresql: HK_REQUIRE_PG is set but HK_TEST_PG is not\n");
  else
    fprintf(stderr, "store_postgresql: not run (HK_TEST_PG is not set)\n");
  return failed;
}
