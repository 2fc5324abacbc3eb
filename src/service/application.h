#ifndef HK_SERVICE_APPLICATION_H
#define HK_SERVICE_APPLICATION_H

/* Applications and their review: the state machine of DESIGN.md and issue 4, as a table.
 *
 *   submitted ──accept──▶ accepted ──approve──▶ approved ──complete──▶ completed
 *       │                  │   ▲
 *       │        request_material  supply_material
 *       │                  ▼   │
 *       │              material_requested
 *       └──────reject (from submitted, accepted, material_requested)──▶ rejected
 *
 * Each transition says who may take it. Everything here is pure: the service that stores
 * applications asks hk_app_step whether a step is allowed and what it leads to, then records
 * it with its event in one transaction. A refusal names the current state and the reason. */

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/error.h"
#include "service/actor.h"

typedef enum hk_app_kind {
  HK_APP_PERMIT,     /* a residence permit (三) */
  HK_APP_SETTLEMENT, /* settlement (落户) by a pathway (二)(四)(五)(六) */
  HK_APP_KIND_COUNT
} hk_app_kind;

typedef enum hk_app_state {
  HK_APP_SUBMITTED,
  HK_APP_ACCEPTED,
  HK_APP_MATERIAL_REQUESTED,
  HK_APP_APPROVED,
  HK_APP_REJECTED,
  HK_APP_COMPLETED,
  HK_APP_STATE_COUNT
} hk_app_state;

typedef enum hk_app_action {
  HK_APP_ACCEPT,
  HK_APP_REQUEST_MATERIAL,
  HK_APP_SUPPLY_MATERIAL,
  HK_APP_APPROVE,
  HK_APP_REJECT,
  HK_APP_COMPLETE,
  HK_APP_ACTION_COUNT
} hk_app_action;

/* What a step needs to know about the application. */
typedef struct hk_app_facts {
  hk_app_kind kind;
  hk_app_state state;
  int32_t decided_in;               /* the county that decides: the target's */
  char applicant[HK_IDNUM_LEN + 1]; /* the applicant's ID number */
  bool eligible_now;                /* the engine's answer at this step, for approve */
} hk_app_facts;

/* May `who` take `action` on the application, with `reason` (required for reject and
 * request_material)? On HK_OK *next is the state it leads to. Otherwise HK_ECONFLICT (the state
 * does not allow it: the message names the state), HK_EFORBIDDEN (not this actor, or outside
 * their jurisdiction) or HK_EINVAL (a reason is missing). */
hk_status hk_app_step(const hk_app_facts *app, hk_app_action action, const hk_actor *who,
                      const char *reason, hk_app_state *next, hk_error *err);

/* Days allowed from acceptance to a decision: a residence permit is issued within 15 days
 * (浙江省流动人口居住登记条例 Art.18; national 居住证暂行条例 Art.9); settlement applications
 * take the configured `settlement_days`. */
int hk_app_deadline_days(hk_app_kind kind, int settlement_days);

/* The due date: `days` calendar days after accepted_on (the regulations count days). */
hk_date hk_app_due(hk_date accepted_on, int days);

/* Is the application still open (not rejected or completed)? */
bool hk_app_state_open(hk_app_state s);

const char *hk_app_state_name(hk_app_state s);    /* "submitted", ... */
const char *hk_app_action_name(hk_app_action a);  /* "accept", ... */
const char *hk_app_kind_name(hk_app_kind k);      /* "permit", "settlement" */
hk_app_state hk_app_state_from(const char *name); /* HK_APP_STATE_COUNT when unknown */
hk_app_action hk_app_action_from(const char *name);

#endif
