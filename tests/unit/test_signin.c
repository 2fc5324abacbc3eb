/* Sign-in throttling and lockout, and expired sessions purged (service/signin.h, issue 16) on
 * both backends, with the clock given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "service/account.h"
#include "service/signin.h"
#include "store/store.h"
#include "store/store_auth.h"

/* Small numbers so that a lock takes a few argon2id checks. */
static const hk_signin_policy policy = {
    .delay_after = 3, .lock_after = 6, .max_delay = 8, .lock_seconds = 100};
static const hk_actor root = {.role = HK_ROLE_SYSTEM, .account = "cli:test"};
#define HOME "10.0.0.1"
#define AWAY "192.0.2.9"
#define RIGHT "officer password"
#define WRONG "officer passwore"

static hk_store *fresh_with_wang(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(test_fresh_db(), HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  hk_account_new o = {"wang", HK_ROLE_OFFICER, 330402, NULL, RIGHT};
  assert_int_equal(hk_account_add(st, &root, &o, &err), HK_OK);
  return st;
}

static hk_status signin(hk_store *st, const char *password, const char *address, int64_t now,
                        unsigned *retry, hk_error *err)
{
  char token[HK_TOKEN_MAX];
  int64_t expires = 0;
  hk_account_row row;
  return hk_account_signin(st, &policy, "wang", password, address, now, token, &expires, &row,
                           retry, err);
}

static hk_signin_row counters(hk_store *st, const char *address, bool *known)
{
  hk_account_row a;
  hk_error err = {0};
  assert_int_equal(hk_store_account_get(st, "wang", &a, &err), HK_OK);
  hk_signin_row r;
  assert_int_equal(hk_store_signin_get(st, a.id, address, &r, known, &err), HK_OK);
  return r;
}

static void delays_grow_and_stop_at_the_cap(void **state)
{
  (void)state;
  const hk_signin_policy *d = &hk_signin_defaults;
  assert_int_equal(hk_signin_delay(d, 0), 0);
  assert_int_equal(hk_signin_delay(d, 4), 0);
  assert_int_equal(hk_signin_delay(d, 5), 1);
  assert_int_equal(hk_signin_delay(d, 6), 2);
  assert_int_equal(hk_signin_delay(d, 7), 4);
  assert_int_equal(hk_signin_delay(d, 14), 512);
  assert_int_equal(hk_signin_delay(d, 15), 900);
  assert_int_equal(hk_signin_delay(d, 1000000), 900);
}

static void failures_delay_the_next_try_without_a_check(void **state)
{
  (void)state;
  hk_store *st = fresh_with_wang();
  hk_error err = {0};
  unsigned retry = 0;
  for (int i = 0; i < 3; i++)
    assert_int_equal(signin(st, WRONG, AWAY, 1000, &retry, &err), HK_EUNAUTH);
  /* Inside the delay even the right password is refused, and a wrong one is not counted. */
  assert_int_equal(signin(st, RIGHT, AWAY, 1000, &retry, &err), HK_ERATE);
  assert_int_equal(retry, 1);
  assert_string_equal(err.field, "name");
  assert_int_equal(signin(st, WRONG, AWAY, 1000, &retry, &err), HK_ERATE);
  bool known = true;
  assert_int_equal(counters(st, AWAY, &known).failures[0], 3);
  assert_false(known);
  /* The next failure doubles the wait. */
  assert_int_equal(signin(st, WRONG, AWAY, 1001, &retry, &err), HK_EUNAUTH);
  assert_int_equal(signin(st, RIGHT, AWAY, 1002, &retry, &err), HK_ERATE);
  assert_int_equal(retry, 1);
  /* After it the right password opens a session and clears the run. */
  assert_int_equal(signin(st, RIGHT, AWAY, 1003, &retry, &err), HK_OK);
  hk_signin_row r = counters(st, AWAY, &known);
  assert_true(known);
  assert_int_equal(r.failures[0] + r.failures[1], 0);
  assert_int_equal(r.locked_until, 0);
  hk_store_close(st);
}

typedef struct seen {
  int locks;
  bool password;
} seen;

static hk_status see(const hk_event *ev, void *cls, hk_error *err)
{
  (void)err;
  seen *s = cls;
  if (strcmp(ev->action, "account.lock") == 0) {
    s->locks++;
    assert_string_equal(ev->subject, "wang");
    s->password |= strstr(ev->payload, "passwor") != NULL;
  }
  return HK_OK;
}

/* Strangers' failures, each after its delay, as an attacker would have to. */
static int64_t fail_from_away(hk_store *st, int n, int64_t now)
{
  hk_error err = {0};
  unsigned retry = 0;
  for (int i = 0; i < n; i++) {
    hk_status rc = signin(st, WRONG, AWAY, now, &retry, &err);
    if (rc == HK_ERATE) {
      now += retry;
      rc = signin(st, WRONG, AWAY, now, &retry, &err);
    }
    assert_int_equal(rc, HK_EUNAUTH);
  }
  return now;
}

static void strangers_lock_but_not_out_of_a_known_desk(void **state)
{
  (void)state;
  hk_store *st = fresh_with_wang();
  hk_error err = {0};
  unsigned retry = 0;
  assert_int_equal(signin(st, RIGHT, HOME, 500, &retry, &err), HK_OK);
  int64_t now = fail_from_away(st, 6, 1000);
  bool known = false;
  hk_signin_row r = counters(st, AWAY, &known);
  assert_int_equal(r.locked_until, now + 100);
  /* Locked against the stranger's address, whatever the wait: the right password is refused. */
  assert_int_equal(signin(st, RIGHT, AWAY, now + 50, &retry, &err), HK_EFORBIDDEN);
  assert_string_equal(err.field, "name");
  assert_non_null(strstr(err.detail, "locked"));
  assert_int_equal(retry, 50);
  /* The officer at their desk is neither locked nor delayed, and their success keeps the lock. */
  assert_int_equal(signin(st, RIGHT, HOME, now + 1, &retry, &err), HK_OK);
  assert_int_equal(signin(st, RIGHT, AWAY, now + 2, &retry, &err), HK_EFORBIDDEN);
  /* The lock ends by itself; strangers' run goes on, so their next failure locks again. */
  assert_int_equal(signin(st, WRONG, AWAY, now + 100, &retry, &err), HK_EUNAUTH);
  assert_int_equal(signin(st, RIGHT, AWAY, now + 150, &retry, &err), HK_EFORBIDDEN);
  seen s = {0};
  assert_int_equal(hk_store_event_each(st, 0, see, &s, &err), HK_OK);
  assert_int_equal(s.locks, 2);
  assert_false(s.password);
  hk_store_close(st);
}

static void an_admin_enable_releases_a_lock(void **state)
{
  (void)state;
  hk_store *st = fresh_with_wang();
  hk_error err = {0};
  unsigned retry = 0;
  int64_t now = fail_from_away(st, 6, 1000);
  assert_int_equal(signin(st, RIGHT, AWAY, now + 1, &retry, &err), HK_EFORBIDDEN);
  assert_int_equal(hk_account_enable(st, &root, "wang", &err), HK_OK);
  assert_int_equal(signin(st, RIGHT, AWAY, now + 1, &retry, &err), HK_OK);
  hk_store_close(st);
}

static void known_failures_delay_only_their_side(void **state)
{
  (void)state;
  hk_store *st = fresh_with_wang();
  hk_error err = {0};
  unsigned retry = 0;
  assert_int_equal(signin(st, RIGHT, HOME, 500, &retry, &err), HK_OK);
  for (int i = 0; i < 3; i++)
    assert_int_equal(signin(st, WRONG, HOME, 1000, &retry, &err), HK_EUNAUTH);
  assert_int_equal(signin(st, RIGHT, HOME, 1000, &retry, &err), HK_ERATE);
  assert_int_equal(signin(st, RIGHT, AWAY, 1000, &retry, &err), HK_OK);
  /* A desk's own typos never lock. */
  int64_t now = 1000;
  for (int i = 0; i < 8; i++) {
    hk_status rc = signin(st, WRONG, HOME, now, &retry, &err);
    if (rc == HK_ERATE)
      rc = signin(st, WRONG, HOME, now += retry, &retry, &err);
    assert_int_equal(rc, HK_EUNAUTH);
  }
  bool known = false;
  assert_int_equal(counters(st, HOME, &known).locked_until, 0);
  hk_store_close(st);
}

static void unknown_names_are_not_counted(void **state)
{
  (void)state;
  hk_store *st = fresh_with_wang();
  hk_error err = {0};
  char token[HK_TOKEN_MAX];
  int64_t expires = 0;
  hk_account_row row;
  unsigned retry = 0;
  for (int i = 0; i < 4; i++)
    assert_int_equal(hk_account_signin(st, &policy, "nobody", WRONG, AWAY, 1000, token, &expires,
                                       &row, &retry, &err),
                     HK_EUNAUTH);
  assert_int_equal(
      hk_account_signin(st, &policy, "a b", WRONG, AWAY, 1000, token, &expires, &row, &retry, &err),
      HK_EUNAUTH);
  assert_int_equal(signin(st, RIGHT, AWAY, 1000, &retry, &err), HK_OK);
  hk_store_close(st);
}

static void expired_sessions_are_purged_at_sign_in(void **state)
{
  (void)state;
  hk_store *st = fresh_with_wang();
  hk_error err = {0};
  hk_account_row a;
  assert_int_equal(hk_store_account_get(st, "wang", &a, &err), HK_OK);
  uint8_t old[HK_HASH_LEN], live[HK_HASH_LEN];
  memset(old, 1, sizeof old);
  memset(live, 2, sizeof live);
  assert_int_equal(hk_store_session_add(st, old, a.id, 900, &err), HK_OK);
  assert_int_equal(hk_store_session_add(st, live, a.id, 5000, &err), HK_OK);
  unsigned retry = 0;
  assert_int_equal(signin(st, RIGHT, HOME, 1000, &retry, &err), HK_OK);
  /* Asked about a time before it ended, the expired session is gone: the row, not a filter. */
  int64_t expires = 0;
  assert_int_equal(hk_store_session_find(st, old, 100, &a, &expires, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_session_find(st, live, 100, &a, &expires, &err), HK_OK);
  int64_t purged = -1;
  assert_int_equal(hk_store_session_purge(st, 6000, &purged, &err), HK_OK);
  assert_int_equal(purged, 1); /* live; the one the sign-in opened lasts to 1000 + 8 h */
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
      cmocka_unit_test(delays_grow_and_stop_at_the_cap),
      cmocka_unit_test(failures_delay_the_next_try_without_a_check),
      cmocka_unit_test(strangers_lock_but_not_out_of_a_known_desk),
      cmocka_unit_test(an_admin_enable_releases_a_lock),
      cmocka_unit_test(known_failures_delay_only_their_side),
      cmocka_unit_test(unknown_names_are_not_counted),
      cmocka_unit_test(expired_sessions_are_purged_at_sign_in),
  };
  int failed = cmocka_run_group_tests_name("signin_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("signin_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  return failed;
}
