/* Residents' own accounts through activation codes (service/activation.h, issue 16) on both
 * backends, with the clock given: who may issue, one use, tries that void a code, expiry,
 * replacement, and events that name the person by masked number only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "service/account.h"
#include "service/activation.h"
#include "store/store.h"
#include "store/store_auth.h"

#define NOW 1800000000
static const hk_actor officer = {
    .role = HK_ROLE_OFFICER, .account = "officer:wang", .jurisdiction = 330402};
static const hk_actor elsewhere = {
    .role = HK_ROLE_OFFICER, .account = "officer:zhao", .jurisdiction = 330411};
static const hk_actor resident = {.role = HK_ROLE_RESIDENT, .account = "resident:x"};

static char person[19];

static hk_store *fresh(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(test_fresh_db(), HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  test_idnum(person, "330402", "19900101", 11);
  test_register_person(st, person, "330402");
  return st;
}

static void issue(hk_store *st, char code[HK_ACTIVATION_CODE_LEN + 1])
{
  hk_error err = {0};
  int64_t expires = 0;
  assert_int_equal(hk_activation_issue(st, &officer, person, NOW, code, &expires, &err), HK_OK);
  assert_int_equal(expires, NOW + HK_ACTIVATION_SECONDS);
}

static hk_status redeem(hk_store *st, const char *code, const char *name, int64_t now,
                        hk_error *err)
{
  return hk_activation_redeem(st, person, code, name, "resident password", now, err);
}

static void an_officer_issues_and_the_person_activates_once(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  char code[HK_ACTIVATION_CODE_LEN + 1];
  int64_t expires;
  /* Nobody but an officer whose jurisdiction holds the person; one answer for elsewhere and
   * unregistered. */
  assert_int_equal(hk_activation_issue(st, &resident, person, NOW, code, &expires, &err),
                   HK_EFORBIDDEN);
  assert_int_equal(hk_activation_issue(st, &elsewhere, person, NOW, code, &expires, &err),
                   HK_ENOTFOUND);
  char elsewhere_text[sizeof err.detail];
  snprintf(elsewhere_text, sizeof elsewhere_text, "%s", err.detail);
  char unknown[19];
  test_idnum(unknown, "330402", "19900101", 12);
  assert_int_equal(hk_activation_issue(st, &officer, unknown, NOW, code, &expires, &err),
                   HK_ENOTFOUND);
  assert_string_equal(err.detail, elsewhere_text);
  assert_int_equal(hk_activation_issue(st, &officer, "12345", NOW, code, &expires, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "id_number");

  issue(st, code);
  assert_int_equal(strlen(code), 14);
  assert_true(code[4] == '-' && code[9] == '-');
  /* Typed as a person would: lower case, spaces for hyphens. */
  char typed[32];
  snprintf(typed, sizeof typed, "%.4s %.4s %.4s", code, code + 5, code + 10);
  for (char *c = typed; *c; c++)
    if (*c >= 'A' && *c <= 'Z')
      *c = (char)(*c - 'A' + 'a');
  assert_int_equal(redeem(st, typed, "li.si", NOW + 60, &err), HK_OK);
  hk_account_row row;
  assert_int_equal(hk_store_account_get(st, "li.si", &row, &err), HK_OK);
  assert_int_equal(row.role, HK_ROLE_RESIDENT);
  assert_string_equal(row.id_number, person);
  char token[HK_TOKEN_MAX];
  assert_int_equal(hk_account_login(st, "li.si", "resident password", token, &expires, &row, &err),
                   HK_OK);
  /* Used up; and a person with an account gets no new code. */
  assert_int_equal(redeem(st, code, "li.si.2", NOW + 120, &err), HK_EINVAL);
  assert_string_equal(err.field, "code");
  assert_int_equal(hk_activation_issue(st, &officer, person, NOW, code, &expires, &err),
                   HK_ECONFLICT);
  assert_string_equal(err.field, "id_number");
  hk_store_close(st);
}

static void wrong_tries_void_the_code_and_bad_input_costs_none(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  char code[HK_ACTIVATION_CODE_LEN + 1];
  issue(st, code);
  /* Input refused before the code is tried: not a code, a name that is an ID number, a short
   * password. None counts. */
  assert_int_equal(redeem(st, "ABCD", "li.si", NOW, &err), HK_EINVAL);
  assert_string_equal(err.field, "code");
  assert_int_equal(redeem(st, code, person, NOW, &err), HK_EINVAL);
  assert_string_equal(err.field, "name");
  assert_int_equal(hk_activation_redeem(st, person, code, "li.si", "short", NOW, &err), HK_EINVAL);
  assert_string_equal(err.field, "password");
  /* Wrong codes: the last allowed try voids it, the right one is refused after. */
  const char *wrong = strcmp(code, "AAAA-AAAA-AAAA") == 0 ? "BBBB-BBBB-BBBB" : "AAAA-AAAA-AAAA";
  for (int i = 0; i < HK_ACTIVATION_TRIES - 1; i++) {
    assert_int_equal(redeem(st, wrong, "li.si", NOW, &err), HK_EINVAL);
    assert_string_equal(err.field, "code");
  }
  assert_int_equal(redeem(st, wrong, "li.si", NOW, &err), HK_EINVAL);
  assert_int_equal(redeem(st, code, "li.si", NOW, &err), HK_EINVAL);
  assert_string_equal(err.field, "code");
  hk_account_row row;
  assert_int_equal(hk_store_account_get(st, "li.si", &row, &err), HK_ENOTFOUND);
  hk_store_close(st);
}

static void a_few_wrong_tries_leave_it_usable(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  char code[HK_ACTIVATION_CODE_LEN + 1];
  issue(st, code);
  const char *wrong = strcmp(code, "AAAA-AAAA-AAAA") == 0 ? "BBBB-BBBB-BBBB" : "AAAA-AAAA-AAAA";
  for (int i = 0; i < HK_ACTIVATION_TRIES - 1; i++)
    assert_int_equal(redeem(st, wrong, "li.si", NOW, &err), HK_EINVAL);
  assert_int_equal(redeem(st, code, "li.si", NOW, &err), HK_OK);
  hk_store_close(st);
}

static void codes_expire_and_a_new_one_replaces_the_old(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  char first[HK_ACTIVATION_CODE_LEN + 1], second[HK_ACTIVATION_CODE_LEN + 1];
  issue(st, first);
  assert_int_equal(redeem(st, first, "li.si", NOW + HK_ACTIVATION_SECONDS, &err), HK_EINVAL);
  assert_string_equal(err.field, "code");
  issue(st, first);
  issue(st, second);
  if (strcmp(first, second) != 0) /* 60 random bits: equal only by a miracle */
    assert_int_equal(redeem(st, first, "li.si", NOW, &err), HK_EINVAL);
  assert_int_equal(redeem(st, second, "li.si", NOW + HK_ACTIVATION_SECONDS - 1, &err), HK_OK);
  hk_store_close(st);
}

static hk_status collect(const hk_event *ev, void *cls, hk_error *err)
{
  (void)err;
  char *out = cls;
  char line[400];
  snprintf(line, sizeof line, "%s %s %s %s\n", ev->actor, ev->action, ev->subject, ev->payload);
  strncat(out, line, 4000 - strlen(out) - 1);
  return HK_OK;
}

static void events_name_the_person_masked(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  char code[HK_ACTIVATION_CODE_LEN + 1];
  issue(st, code);
  assert_int_equal(redeem(st, code, "li.si", NOW, &err), HK_OK);
  char log[4000] = "";
  assert_int_equal(hk_store_event_each(st, 1, collect, log, &err), HK_OK);
  assert_non_null(strstr(log, "officer:wang account.activation_code 330402********"));
  assert_non_null(strstr(log, "resident:li.si account.activate 330402********"));
  assert_null(strstr(log, person));
  assert_null(strstr(log, code));
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
      cmocka_unit_test(an_officer_issues_and_the_person_activates_once),
      cmocka_unit_test(wrong_tries_void_the_code_and_bad_input_costs_none),
      cmocka_unit_test(a_few_wrong_tries_leave_it_usable),
      cmocka_unit_test(codes_expire_and_a_new_one_replaces_the_old),
      cmocka_unit_test(events_name_the_person_masked),
  };
  int failed = cmocka_run_group_tests_name("activation_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("activation_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  return failed;
}
