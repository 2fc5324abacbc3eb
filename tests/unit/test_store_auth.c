/* Store: accounts, sessions, department keys and the access log (store_auth.h, schema 5), the
 * same tests on SQLite and, when available, PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "core/person.h"
#include "store/store.h"
#include "store/store_auth.h"

static char db[512];

static hk_store *fresh(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  snprintf(db, sizeof db, "%s", test_fresh_db());
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  return st;
}

static hk_account_row account(const char *name, int role, int32_t jurisdiction)
{
  hk_account_row a;
  memset(&a, 0, sizeof a);
  snprintf(a.name, sizeof a.name, "%s", name);
  a.role = role;
  a.jurisdiction = jurisdiction;
  snprintf(a.pwhash, sizeof a.pwhash, "$argon2id$v=19$m=8192,t=2,p=1$fake$%s", name);
  return a;
}

static void accounts_and_sessions(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  assert_int_equal(hk_store_version(st), hk_store_schema_version());
  hk_account_row a = account("wang", 1, 330402), b = account("li", 0, 0);
  snprintf(b.id_number, sizeof b.id_number, "330402199001010011");
  assert_int_equal(hk_store_account_add(st, &a, &err), HK_OK);
  assert_int_equal(hk_store_account_add(st, &b, &err), HK_OK);
  assert_true(a.id > 0 && b.id > 0 && a.id != b.id);
  hk_account_row dup = account("wang", 2, 0);
  assert_int_equal(hk_store_account_add(st, &dup, &err), HK_EDUPLICATE);
  assert_string_equal(err.field, "name");

  hk_account_row got;
  assert_int_equal(hk_store_account_get(st, "li", &got, &err), HK_OK);
  assert_int_equal(got.id, b.id);
  assert_int_equal(got.role, 0);
  assert_string_equal(got.id_number, "330402199001010011");
  assert_string_equal(got.pwhash, b.pwhash);
  assert_false(got.disabled);
  assert_int_equal(hk_store_account_get(st, "nobody", &got, &err), HK_ENOTFOUND);

  uint8_t h1[HK_HASH_LEN], h2[HK_HASH_LEN], h3[HK_HASH_LEN];
  memset(h1, 1, sizeof h1);
  memset(h2, 2, sizeof h2);
  memset(h3, 3, sizeof h3);
  assert_int_equal(hk_store_session_add(st, h1, a.id, 2000, &err), HK_OK);
  assert_int_equal(hk_store_session_add(st, h2, a.id, 1000, &err), HK_OK);
  assert_int_equal(hk_store_session_add(st, h3, b.id, 2000, &err), HK_OK);
  int64_t expires = 0;
  assert_int_equal(hk_store_session_find(st, h1, 1500, &got, &expires, &err), HK_OK);
  assert_string_equal(got.name, "wang");
  assert_int_equal(got.jurisdiction, 330402);
  assert_int_equal(expires, 2000);
  /* Expired at 1500. */
  assert_int_equal(hk_store_session_find(st, h2, 1500, &got, &expires, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_session_find(st, h2, 999, &got, &expires, &err), HK_OK);
  /* Logging out one session leaves the other; expired ones are purged along the way. */
  assert_int_equal(hk_store_session_delete(st, h1, 1500, &err), HK_OK);
  assert_int_equal(hk_store_session_find(st, h1, 1500, &got, &expires, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_session_find(st, h2, 999, &got, &expires, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_session_find(st, h3, 1500, &got, &expires, &err), HK_OK);

  /* Disabling ends the account's sessions and keeps it from signing in again. */
  assert_int_equal(hk_store_account_set_disabled(st, "li", true, &err), HK_OK);
  assert_int_equal(hk_store_session_find(st, h3, 1500, &got, &expires, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_account_get(st, "li", &got, &err), HK_OK);
  assert_true(got.disabled);
  assert_int_equal(hk_store_account_set_disabled(st, "nobody", true, &err), HK_ENOTFOUND);

  hk_store_close(st);
}

/* Issue 16: a role and jurisdiction change in place; a new password hash ends the account's
 * sessions, all or all but one. */
static void role_and_password_changes(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  hk_account_row a = account("zhou", 1, 330402), b = account("wu", 5, 0);
  assert_int_equal(hk_store_account_add(st, &a, &err), HK_OK);
  assert_int_equal(hk_store_account_add(st, &b, &err), HK_OK);
  assert_int_equal(hk_store_account_set_role(st, "zhou", 2, 330400, &err), HK_OK);
  hk_account_row got;
  assert_int_equal(hk_store_account_get(st, "zhou", &got, &err), HK_OK);
  assert_int_equal(got.role, 2);
  assert_int_equal(got.jurisdiction, 330400);
  assert_int_equal(hk_store_account_set_role(st, "nobody", 2, 0, &err), HK_ENOTFOUND);

  uint8_t h1[HK_HASH_LEN], h2[HK_HASH_LEN], h3[HK_HASH_LEN];
  memset(h1, 1, sizeof h1);
  memset(h2, 2, sizeof h2);
  memset(h3, 3, sizeof h3);
  assert_int_equal(hk_store_session_add(st, h1, a.id, 2000, &err), HK_OK);
  assert_int_equal(hk_store_session_add(st, h2, a.id, 2000, &err), HK_OK);
  assert_int_equal(hk_store_session_add(st, h3, b.id, 2000, &err), HK_OK);
  /* One's own change keeps the session that made it. */
  assert_int_equal(hk_store_account_set_password(st, "zhou", "$argon2id$new", h1, &err), HK_OK);
  int64_t expires = 0;
  assert_int_equal(hk_store_session_find(st, h1, 1500, &got, &expires, &err), HK_OK);
  assert_string_equal(got.pwhash, "$argon2id$new");
  assert_int_equal(hk_store_session_find(st, h2, 1500, &got, &expires, &err), HK_ENOTFOUND);
  /* An admin's reset ends every one; another account's sessions stay. */
  assert_int_equal(hk_store_account_set_password(st, "zhou", "$argon2id$newer", NULL, &err), HK_OK);
  assert_int_equal(hk_store_session_find(st, h1, 1500, &got, &expires, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_session_find(st, h3, 1500, &got, &expires, &err), HK_OK);
  assert_int_equal(hk_store_account_set_password(st, "nobody", "$argon2id$x", NULL, &err),
                   HK_ENOTFOUND);
  assert_int_equal(hk_store_account_set_password(st, "wu", "", NULL, &err), HK_EINVAL);

  /* Re-enabled, an account's row is live again. */
  assert_int_equal(hk_store_account_set_disabled(st, "wu", true, &err), HK_OK);
  assert_int_equal(hk_store_account_set_disabled(st, "wu", false, &err), HK_OK);
  assert_int_equal(hk_store_account_get(st, "wu", &got, &err), HK_OK);
  assert_false(got.disabled);
  hk_store_close(st);
}

static hk_status collect_name(const hk_account_row *row, void *cls, hk_error *err)
{
  (void)err;
  char *names = cls;
  strcat(names, row->name);
  strcat(names, row->disabled ? "- " : " ");
  return HK_OK;
}

static void account_list(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  const char *names[] = {"zhao", "admin", "qian"};
  for (int i = 0; i < 3; i++) {
    hk_account_row a = account(names[i], i, 0);
    assert_int_equal(hk_store_account_add(st, &a, &err), HK_OK);
  }
  assert_int_equal(hk_store_account_set_disabled(st, "qian", true, &err), HK_OK);
  char list[128] = "";
  assert_int_equal(hk_store_account_each(st, collect_name, list, &err), HK_OK);
  assert_string_equal(list, "admin qian- zhao ");
  hk_store_close(st);
}

static hk_status collect_key(const hk_apikey_row *row, void *cls, hk_error *err)
{
  (void)err;
  char *out = cls;
  char line[400];
  snprintf(line, sizeof line, "%lld:%s:%s:%d;", (long long)row->id, row->department, row->questions,
           row->disabled);
  strcat(out, line);
  return HK_OK;
}

static void department_keys(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  hk_apikey_row k;
  memset(&k, 0, sizeof k);
  memset(k.key_hash, 0xab, sizeof k.key_hash);
  snprintf(k.department, sizeof k.department, "gongan");
  snprintf(k.questions, sizeof k.questions, "permit-valid,hukou-registered");
  assert_int_equal(hk_store_apikey_add(st, &k, &err), HK_OK);
  assert_true(k.id > 0);
  hk_apikey_row got;
  assert_int_equal(hk_store_apikey_find(st, k.key_hash, &got, &err), HK_OK);
  assert_string_equal(got.department, "gongan");
  assert_string_equal(got.questions, "permit-valid,hukou-registered");
  assert_memory_equal(got.key_hash, k.key_hash, HK_HASH_LEN);
  assert_false(got.disabled);
  uint8_t other[HK_HASH_LEN];
  memset(other, 0xcd, sizeof other);
  assert_int_equal(hk_store_apikey_find(st, other, &got, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_apikey_revoke(st, k.id, &err), HK_OK);
  assert_int_equal(hk_store_apikey_find(st, k.key_hash, &got, &err), HK_OK);
  assert_true(got.disabled);
  assert_int_equal(hk_store_apikey_revoke(st, k.id + 100, &err), HK_ENOTFOUND);
  char list[400] = "", want[400];
  assert_int_equal(hk_store_apikey_each(st, collect_key, list, &err), HK_OK);
  snprintf(want, sizeof want, "%lld:gongan:permit-valid,hukou-registered:1;", (long long)k.id);
  assert_string_equal(list, want);
  hk_store_close(st);
}

typedef struct seen {
  int n;
  char line[1024];
} seen;

static hk_status collect_access(const hk_access *a, void *cls, hk_error *err)
{
  (void)err;
  seen *s = cls;
  char one[256];
  snprintf(one, sizeof one, "%lld %s %s %s %s %s|", (long long)a->seq, a->actor, a->role,
           a->subject, a->endpoint, a->purpose);
  strcat(s->line, one);
  s->n++;
  return HK_OK;
}

static void add_person(hk_store *st, const char *number)
{
  hk_person p;
  hk_person_init(&p);
  snprintf(p.id_number, sizeof p.id_number, "%s", number);
  p.has_hukou = true;
  p.hukou.division = 330402;
  int64_t row;
  hk_error err = {0};
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_person_add(st, &p, &row, &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  hk_person_clear(&p);
}

static hk_access_in entry(const char *actor, const char *id, const char *purpose)
{
  hk_access_in e;
  memset(&e, 0, sizeof e);
  hk_store_utc_now(e.at);
  snprintf(e.actor, sizeof e.actor, "%s", actor);
  snprintf(e.role, sizeof e.role, "%s",
           strncmp(actor, "department", 10) ? "officer" : "department");
  snprintf(e.id_number, sizeof e.id_number, "%s", id);
  snprintf(e.endpoint, sizeof e.endpoint, "GET /api/v1/persons/{id}");
  snprintf(e.purpose, sizeof e.purpose, "%s", purpose);
  return e;
}

static void access_log_chain(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  char a[19], b[19];
  test_idnum(a, "330402", "19900101", 1);
  test_idnum(b, "330106", "19851231", 2);
  add_person(st, a);
  add_person(st, b);
  hk_access_in batch[3] = {entry("officer:wang", a, ""), entry("officer:wang", b, ""),
                           entry("department:gongan", a, "case 17")};
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_access_append(st, batch, 2, &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_access_append(st, batch + 2, 1, &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);

  int64_t row_a;
  assert_int_equal(hk_store_person_row(st, a, &row_a, &err), HK_OK);
  seen s = {0};
  assert_int_equal(hk_store_access_each(st, row_a, collect_access, &s, &err), HK_OK);
  assert_int_equal(s.n, 2);
  char masked[19], want[512];
  hk_idnum_mask(a, masked);
  snprintf(want, sizeof want,
           "1 officer:wang officer %s GET /api/v1/persons/{id} |"
           "3 department:gongan department %s GET /api/v1/persons/{id} case 17|",
           masked, masked);
  assert_string_equal(s.line, want);
  /* No full ID number anywhere in the log. */
  seen all = {0};
  assert_int_equal(hk_store_access_each(st, 0, collect_access, &all, &err), HK_OK);
  assert_int_equal(all.n, 3);
  assert_null(strstr(all.line, a));
  assert_null(strstr(all.line, b));

  int64_t checked = 0, broken = 0;
  assert_int_equal(hk_store_access_verify(st, &checked, &broken, &err), HK_OK);
  assert_int_equal(checked, 3);
  hk_store_close(st);

  /* Rewriting who looked breaks the chain at that entry. */
  test_raw_sql(db, "UPDATE access_log SET actor = 'officer:nobody' WHERE seq = 2");
  assert_int_equal(hk_store_open(db, HK_STORE_EXISTING, &st, &err), HK_OK);
  assert_int_equal(hk_store_access_verify(st, &checked, &broken, &err), HK_ETAMPERED);
  assert_int_equal(broken, 2);
  hk_store_close(st);
  /* So does removing an entry. */
  test_raw_sql(db, "DELETE FROM access_log WHERE seq = 2");
  assert_int_equal(hk_store_open(db, HK_STORE_EXISTING, &st, &err), HK_OK);
  assert_int_equal(hk_store_access_verify(st, &checked, &broken, &err), HK_ETAMPERED);
  assert_int_equal(broken, 3);
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
      cmocka_unit_test(accounts_and_sessions),     cmocka_unit_test(account_list),
      cmocka_unit_test(role_and_password_changes), cmocka_unit_test(department_keys),
      cmocka_unit_test(access_log_chain),
  };
  int failed = cmocka_run_group_tests_name("store_auth_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("store_auth_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  return failed;
}
