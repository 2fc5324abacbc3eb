/* The application state machine: every transition, every refusal, jurisdictions, deadlines. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include "service/application.h"

#define APPLICANT "341222199001010112"

static hk_actor officer(int32_t jurisdiction)
{
  hk_actor a = {.role = HK_ROLE_OFFICER, .jurisdiction = jurisdiction};
  snprintf(a.account, sizeof a.account, "officer:%06d-1", (int)jurisdiction);
  return a;
}

static hk_actor resident(const char *id)
{
  hk_actor a = {.role = HK_ROLE_RESIDENT};
  snprintf(a.id_number, sizeof a.id_number, "%s", id);
  return a;
}

static hk_app_facts app(hk_app_state state)
{
  hk_app_facts f = {
      .kind = HK_APP_SETTLEMENT, .state = state, .decided_in = 330402, .eligible_now = true};
  memcpy(f.applicant, APPLICANT, sizeof f.applicant);
  return f;
}

static void the_whole_path_is_allowed(void **state)
{
  (void)state;
  hk_actor o = officer(330402);
  hk_app_facts f = app(HK_APP_SUBMITTED);
  hk_error err = {0};
  const struct {
    hk_app_action action;
    const char *reason;
    hk_app_state to;
  } path[] = {
      {HK_APP_ACCEPT, NULL, HK_APP_ACCEPTED},
      {HK_APP_REQUEST_MATERIAL, "租赁合同未备案 / the lease is not registered",
       HK_APP_MATERIAL_REQUESTED},
      {HK_APP_SUPPLY_MATERIAL, NULL, HK_APP_ACCEPTED},
      {HK_APP_APPROVE, NULL, HK_APP_APPROVED},
      {HK_APP_COMPLETE, NULL, HK_APP_COMPLETED},
  };
  for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
    hk_app_state next;
    assert_int_equal(hk_app_step(&f, path[i].action, &o, path[i].reason, &next, &err), HK_OK);
    assert_int_equal(next, path[i].to);
    f.state = next;
  }
  assert_false(hk_app_state_open(f.state));
}

static void reject_from_every_open_state_before_approval(void **state)
{
  (void)state;
  hk_actor o = officer(330400); /* a city officer decides inside the city */
  hk_error err = {0};
  hk_app_state next;
  hk_app_state from[] = {HK_APP_SUBMITTED, HK_APP_ACCEPTED, HK_APP_MATERIAL_REQUESTED};
  for (size_t i = 0; i < 3; i++) {
    hk_app_facts f = app(from[i]);
    assert_int_equal(hk_app_step(&f, HK_APP_REJECT, &o, "不符合条件", &next, &err), HK_OK);
    assert_int_equal(next, HK_APP_REJECTED);
  }
  hk_app_state closed[] = {HK_APP_APPROVED, HK_APP_REJECTED, HK_APP_COMPLETED};
  for (size_t i = 0; i < 3; i++) {
    hk_app_facts f = app(closed[i]);
    assert_int_equal(hk_app_step(&f, HK_APP_REJECT, &o, "x", &next, &err), HK_ECONFLICT);
    assert_int_equal(next, closed[i]); /* a refusal changes nothing */
    /* The refusal names the state the application is in. */
    assert_non_null(strstr(err.detail, hk_app_state_name(closed[i])));
  }
}

static void steps_out_of_order_are_refused(void **state)
{
  (void)state;
  hk_actor o = officer(330402);
  hk_error err = {0};
  hk_app_state next;
  for (int s = 0; s < HK_APP_STATE_COUNT; s++)
    for (int a = 0; a < HK_APP_ACTION_COUNT; a++) {
      hk_app_facts f = app((hk_app_state)s);
      hk_status rc = hk_app_step(&f, (hk_app_action)a, &o, "理由", &next, &err);
      bool allowed = (a == HK_APP_ACCEPT && s == HK_APP_SUBMITTED) ||
                     (a == HK_APP_REQUEST_MATERIAL && s == HK_APP_ACCEPTED) ||
                     (a == HK_APP_SUPPLY_MATERIAL && s == HK_APP_MATERIAL_REQUESTED) ||
                     (a == HK_APP_APPROVE && s == HK_APP_ACCEPTED) ||
                     (a == HK_APP_REJECT && (s == HK_APP_SUBMITTED || s == HK_APP_ACCEPTED ||
                                             s == HK_APP_MATERIAL_REQUESTED)) ||
                     (a == HK_APP_COMPLETE && s == HK_APP_APPROVED);
      if ((rc == HK_OK) != allowed)
        fail_msg("%s from %s: %s", hk_app_action_name((hk_app_action)a),
                 hk_app_state_name((hk_app_state)s), hk_status_code(rc));
    }
}

static void officers_act_only_in_their_jurisdiction(void **state)
{
  (void)state;
  hk_error err = {0};
  hk_app_state next;
  hk_app_facts f = app(HK_APP_SUBMITTED);
  hk_actor elsewhere = officer(330411); /* another county of the same city */
  assert_int_equal(hk_app_step(&f, HK_APP_ACCEPT, &elsewhere, NULL, &next, &err), HK_EFORBIDDEN);
  assert_string_equal(err.field, "jurisdiction");
  hk_actor other_city = officer(330100);
  assert_int_equal(hk_app_step(&f, HK_APP_ACCEPT, &other_city, NULL, &next, &err), HK_EFORBIDDEN);
  hk_actor province = {.role = HK_ROLE_SUPERVISOR, .jurisdiction = 330000};
  assert_int_equal(hk_app_step(&f, HK_APP_ACCEPT, &province, NULL, &next, &err), HK_OK);
  hk_actor system = {.role = HK_ROLE_SYSTEM};
  assert_int_equal(hk_app_step(&f, HK_APP_ACCEPT, &system, NULL, &next, &err), HK_OK);
  hk_actor no_jurisdiction = {.role = HK_ROLE_OFFICER};
  assert_int_equal(hk_app_step(&f, HK_APP_ACCEPT, &no_jurisdiction, NULL, &next, &err),
                   HK_EFORBIDDEN);
}

static void residents_supply_their_own_material_only(void **state)
{
  (void)state;
  hk_error err = {0};
  hk_app_state next;
  hk_app_facts f = app(HK_APP_MATERIAL_REQUESTED);
  hk_actor me = resident(APPLICANT);
  assert_int_equal(hk_app_step(&f, HK_APP_SUPPLY_MATERIAL, &me, NULL, &next, &err), HK_OK);
  hk_actor someone = resident("341222199202020229");
  assert_int_equal(hk_app_step(&f, HK_APP_SUPPLY_MATERIAL, &someone, NULL, &next, &err),
                   HK_EFORBIDDEN);
  /* ... and decide nothing. */
  f.state = HK_APP_SUBMITTED;
  assert_int_equal(hk_app_step(&f, HK_APP_ACCEPT, &me, NULL, &next, &err), HK_EFORBIDDEN);
  hk_actor analyst = {.role = HK_ROLE_ANALYST, .jurisdiction = 330000};
  assert_int_equal(hk_app_step(&f, HK_APP_ACCEPT, &analyst, NULL, &next, &err), HK_EFORBIDDEN);
}

static void reasons_are_required_where_the_applicant_needs_one(void **state)
{
  (void)state;
  hk_error err = {0};
  hk_app_state next;
  hk_actor o = officer(330402);
  hk_app_facts f = app(HK_APP_ACCEPTED);
  assert_int_equal(hk_app_step(&f, HK_APP_REJECT, &o, NULL, &next, &err), HK_EINVAL);
  assert_string_equal(err.field, "reason");
  assert_int_equal(hk_app_step(&f, HK_APP_REQUEST_MATERIAL, &o, "", &next, &err), HK_EINVAL);
}

static void approval_needs_eligibility_on_the_day(void **state)
{
  (void)state;
  hk_error err = {0};
  hk_app_state next;
  hk_actor o = officer(330402);
  hk_app_facts f = app(HK_APP_ACCEPTED);
  f.eligible_now = false;
  assert_int_equal(hk_app_step(&f, HK_APP_APPROVE, &o, NULL, &next, &err), HK_ECONFLICT);
  assert_string_equal(err.field, "eligibility");
  assert_int_equal(next, HK_APP_ACCEPTED);
}

static void deadlines(void **state)
{
  (void)state;
  assert_int_equal(hk_app_deadline_days(HK_APP_PERMIT, 60), 15);
  assert_int_equal(hk_app_deadline_days(HK_APP_SETTLEMENT, 60), 60);
  assert_int_equal(hk_app_due(test_date("2024-06-20"), 15), test_date("2024-07-05"));
}

static void names_round_trip(void **state)
{
  (void)state;
  for (int s = 0; s < HK_APP_STATE_COUNT; s++)
    assert_int_equal(hk_app_state_from(hk_app_state_name((hk_app_state)s)), s);
  for (int a = 0; a < HK_APP_ACTION_COUNT; a++)
    assert_int_equal(hk_app_action_from(hk_app_action_name((hk_app_action)a)), a);
  assert_int_equal(hk_app_state_from("pending"), HK_APP_STATE_COUNT);
  assert_string_equal(hk_role_name(HK_ROLE_OFFICER), "officer");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_whole_path_is_allowed),
      cmocka_unit_test(reject_from_every_open_state_before_approval),
      cmocka_unit_test(steps_out_of_order_are_refused),
      cmocka_unit_test(officers_act_only_in_their_jurisdiction),
      cmocka_unit_test(residents_supply_their_own_material_only),
      cmocka_unit_test(reasons_are_required_where_the_applicant_needs_one),
      cmocka_unit_test(approval_needs_eligibility_on_the_day),
      cmocka_unit_test(deadlines),
      cmocka_unit_test(names_round_trip),
  };
  return cmocka_run_group_tests_name("application", tests, NULL, NULL);
}
