#include "service/application.h"

#include <string.h>

#include "core/label.h"

/* Who takes a step. */
typedef enum taker { BY_OFFICER, BY_APPLICANT_OR_OFFICER } taker;

static const struct {
  hk_app_state from[3]; /* the states it starts from (the list ends at the first repeat) */
  int n_from;
  hk_app_state to;
  taker by;
  bool needs_reason;
} steps[HK_APP_ACTION_COUNT] = {
    [HK_APP_ACCEPT] = {{HK_APP_SUBMITTED}, 1, HK_APP_ACCEPTED, BY_OFFICER, false},
    [HK_APP_REQUEST_MATERIAL] = {{HK_APP_ACCEPTED}, 1, HK_APP_MATERIAL_REQUESTED, BY_OFFICER, true},
    [HK_APP_SUPPLY_MATERIAL] =
        {{HK_APP_MATERIAL_REQUESTED}, 1, HK_APP_ACCEPTED, BY_APPLICANT_OR_OFFICER, false},
    [HK_APP_APPROVE] = {{HK_APP_ACCEPTED}, 1, HK_APP_APPROVED, BY_OFFICER, false},
    [HK_APP_REJECT] = {{HK_APP_SUBMITTED, HK_APP_ACCEPTED, HK_APP_MATERIAL_REQUESTED},
                       3,
                       HK_APP_REJECTED,
                       BY_OFFICER,
                       true},
    [HK_APP_COMPLETE] = {{HK_APP_APPROVED}, 1, HK_APP_COMPLETED, BY_OFFICER, false},
};

static const char *const state_names[HK_APP_STATE_COUNT] = {
    "submitted", "accepted", "material_requested", "approved", "rejected", "completed"};
static const char *const action_names[HK_APP_ACTION_COUNT] = {
    "accept", "request_material", "supply_material", "approve", "reject", "complete"};

hk_status hk_app_step(const hk_app_facts *app, hk_app_action action, const hk_actor *who,
                      const char *reason, hk_app_state *next, hk_error *err)
{
  *next = app->state;
  if ((int)action < 0 || action >= HK_APP_ACTION_COUNT)
    return hk_error_set_both(err, HK_EINVAL, "action", "未知的操作", "unknown action");
  bool from_ok = false;
  for (int i = 0; i < steps[action].n_from; i++)
    from_ok = from_ok || steps[action].from[i] == app->state;
  /* Each refusal also in Chinese, with the words of the label table (core/label.c). */
  const char *act_zh = hk_label_zh(HK_LBL_APP_ACTION, action_names[action]);
  if (!from_ok) {
    hk_error_set(err, HK_ECONFLICT, "state", "Cannot %s: the application is %s",
                 hk_label_en(HK_LBL_APP_ACTION, action_names[action]),
                 hk_label_en(HK_LBL_APP_STATE, hk_app_state_name(app->state)));
    return hk_error_set_zh(err, "申请当前为“%s”，不能%s",
                           hk_label_zh(HK_LBL_APP_STATE, hk_app_state_name(app->state)), act_zh);
  }

  bool officer_ok = hk_actor_may_decide(who, app->decided_in);
  bool applicant = who->role == HK_ROLE_RESIDENT && who->id_number[0] &&
                   strcmp(who->id_number, app->applicant) == 0;
  if (steps[action].by == BY_OFFICER && !officer_ok) {
    if (who->role == HK_ROLE_OFFICER || who->role == HK_ROLE_SUPERVISOR) {
      hk_error_set(err, HK_EFORBIDDEN, "jurisdiction",
                   "%s: the application is decided in %06d, outside jurisdiction %06d",
                   action_names[action], (int)app->decided_in, (int)who->jurisdiction);
      return hk_error_set_zh(err, "此申请由 %06d 决定，不在您的辖区 %06d 内，不能%s",
                             (int)app->decided_in, (int)who->jurisdiction, act_zh);
    }
    hk_error_set(err, HK_EFORBIDDEN, "role", "%s: only an officer of %06d may do this",
                 action_names[action], (int)app->decided_in);
    return hk_error_set_zh(err, "只有 %06d 的民警可以%s", (int)app->decided_in, act_zh);
  }
  if (steps[action].by == BY_APPLICANT_OR_OFFICER && !officer_ok && !applicant) {
    hk_error_set(err, HK_EFORBIDDEN, "role",
                 "%s: only the applicant or an officer of %06d may do this", action_names[action],
                 (int)app->decided_in);
    return hk_error_set_zh(err, "只有申请人或 %06d 的民警可以%s", (int)app->decided_in, act_zh);
  }
  if (steps[action].needs_reason && (reason == NULL || reason[0] == '\0')) {
    hk_error_set(err, HK_EINVAL, "reason", "%s needs a reason the applicant can read",
                 action_names[action]);
    return hk_error_set_zh(err, "%s须写明申请人能看懂的理由", act_zh);
  }
  /* An approval stands on the engine's answer on the day of the decision: the officer checks
   * the material, the rules decide eligibility. (二)(三)(四)(五)(六) */
  if (action == HK_APP_APPROVE && !app->eligible_now) {
    hk_error_set(err, HK_ECONFLICT, "eligibility",
                 "approve: the applicant is not eligible on the day of the decision; "
                 "reject with the engine's reasons or request material");
    return hk_error_set_zh(
        err, "申请人在决定当日不符合条件，不能批准：请依据评估结果驳回或要求补充材料");
  }
  *next = steps[action].to;
  return HK_OK;
}

int hk_app_deadline_days(hk_app_kind kind, int settlement_days)
{
  return kind == HK_APP_PERMIT ? 15 : settlement_days;
}

hk_date hk_app_due(hk_date accepted_on, int days)
{
  return accepted_on + days;
}

bool hk_app_state_open(hk_app_state s)
{
  return s != HK_APP_REJECTED && s != HK_APP_COMPLETED;
}

const char *hk_app_state_name(hk_app_state s)
{
  return (int)s >= 0 && s < HK_APP_STATE_COUNT ? state_names[s] : "unknown";
}

const char *hk_app_action_name(hk_app_action a)
{
  return (int)a >= 0 && a < HK_APP_ACTION_COUNT ? action_names[a] : "unknown";
}

const char *hk_app_kind_name(hk_app_kind k)
{
  return k == HK_APP_PERMIT ? "permit" : k == HK_APP_SETTLEMENT ? "settlement" : "unknown";
}

hk_app_state hk_app_state_from(const char *name)
{
  for (int i = 0; name && i < HK_APP_STATE_COUNT; i++)
    if (strcmp(state_names[i], name) == 0)
      return (hk_app_state)i;
  return HK_APP_STATE_COUNT;
}

hk_app_action hk_app_action_from(const char *name)
{
  for (int i = 0; name && i < HK_APP_ACTION_COUNT; i++)
    if (strcmp(action_names[i], name) == 0)
      return (hk_app_action)i;
  return HK_APP_ACTION_COUNT;
}
