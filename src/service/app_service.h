#ifndef HK_SERVICE_APP_SERVICE_H
#define HK_SERVICE_APP_SERVICE_H

/* Applications stored and reviewed (issue 4; DESIGN.md "Applications"): a resident, an officer
 * at a service point, or the resident online applies for a residence permit (三) or for
 * settlement by a pathway (二)(四)(五)(六), or lets the engine pick the first eligible pathway
 * in the contract's order ("best"). The application is routed to the target county, which
 * decides (八). Each step is checked by hk_app_step (application.h), recorded in the
 * application with who, when and why, and appended as an "application.<step>" event, in one
 * transaction. The engine's answer at submission and at the decision is kept with the
 * application, so a decision can be explained after the policy changed.
 *
 * Storage: the application table (store_app.h) holds the columns lists need (person, kind,
 * target, state, dates) and the application as a JSON document (app_service.c writes it;
 * docs/services.md shows it). */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/error.h"
#include "policy/policy.h"
#include "service/actor.h"
#include "service/application.h"
#include "service/move.h"
#include "store/store.h"

/* Days from acceptance to a decision on a settlement application when nothing else is set.
 * Neither the notice nor the research gives a figure (a permit's is 15, Art.18). Ours borrows
 * the general yardstick for administrative decisions, 行政许可法 Art.42: 20 days, extendable by
 * 10 with approval; a deployment sets its own (hukou application --settlement-days). */
#define HK_APP_SETTLEMENT_DAYS_DEFAULT 30

#define HK_APP_CONSENTING_MAX 8
#define HK_APP_REASON_MAX 500

typedef struct hk_app_config {
  const hk_policies *pol;
  int settlement_days; /* 0: HK_APP_SETTLEMENT_DAYS_DEFAULT */
} hk_app_config;

typedef struct hk_app_request {
  char id_number[HK_IDNUM_LEN + 1];
  hk_app_kind kind;
  int pathway; /* settlement: hk_pathway, or -1 for "best"; ignored for a permit */
  int32_t target;
  char channel[16]; /* "online" or "service_point" */
  int32_t filed_in; /* the service point's county (service_point only) */
  char consenting[HK_APP_CONSENTING_MAX][HK_IDNUM_LEN + 1]; /* hosts who consent (五) */
  int n_consenting;
} hk_app_request;

/* Submit. The engine is asked about the target from the registry as of today; an ineligible
 * application is refused (HK_ECONFLICT) with the unmet conditions, and *doc receives the
 * engine's answer so the applicant sees all of it. One open application per person and kind;
 * a permit application is refused while the person holds an active permit, or a suspended one
 * in the target's city (a late endorsement reinstates it). On HK_OK *doc is the stored
 * application. Caller owns *doc (may be NULL). */
hk_status hk_app_submit(hk_store *st, const hk_app_config *cfg, const hk_actor *who,
                        const hk_app_request *req, hk_date today, json_t **doc, hk_error *err);

/* Take a step on application id. Approve and reject ask the engine again (approval needs it to
 * say eligible) and keep its answer. Completing a permit application issues the permit
 * (permit.h); completing a settlement application moves the applicant's hukou (move.h) and
 * records where they went in the application ("moved_to"). Refusals:
 * HK_ECONFLICT (the state, or ineligible), HK_EFORBIDDEN (not this actor), HK_EINVAL (a reason
 * is missing), HK_ENOTFOUND. On HK_OK *doc is the application after the step. */
hk_status hk_app_act(hk_store *st, const hk_app_config *cfg, const hk_actor *who, int64_t id,
                     hk_app_action action, const char *reason, hk_date today, json_t **doc,
                     hk_error *err);

/* Complete with what the officer adds for the move (hint may be NULL): the employer's credit
 * code and name for an employer collective household, a community, a new household's address.
 * hk_app_act(..., HK_APP_COMPLETE, ...) is this with no hint. */
hk_status hk_app_complete(hk_store *st, const hk_app_config *cfg, const hk_actor *who, int64_t id,
                          const hk_move_hint *hint, hk_date today, json_t **doc, hk_error *err);

/* One application, for its applicant or an officer whose jurisdiction holds the deciding or
 * the filing county. */
hk_status hk_app_show(hk_store *st, const hk_actor *who, int64_t id, json_t **doc, hk_error *err);

/* What a list of applications selects (issue 10: the officer's queue). Filters are set from
 * their text (query arguments, command-line options) by hk_app_query_set, so the API and the
 * command line take the same words. */
#define HK_APP_NAME_MAX 64
typedef struct hk_app_query {
  int32_t area;        /* a division prefix (county, city, province); 0: the actor's jurisdiction */
  bool scope_filed;    /* the area is where they were filed (a service point's), not decided */
  int32_t filed_in;    /* only those filed at this division (prefix); 0: any */
  uint32_t state_mask; /* bit (1 << hk_app_state); 0: any */
  int kind;            /* hk_app_kind, or -1 for any */
  int overdue;         /* -1 any; 1 overdue only; 0 not overdue */
  char name[HK_APP_NAME_MAX]; /* the applicant's name begins with this; "" any */
  bool has_after;             /* the page starts after this key (a previous answer's next) */
  int after_rank;
  int32_t after_due;
  int64_t after_id;
  hk_date today;
  uint32_t limit; /* 0: HK_APP_LIST_DEFAULT */
} hk_app_query;

#define HK_APP_LIST_DEFAULT 100
#define HK_APP_LIST_MAX 1000

/* A query with no filter, for today. */
void hk_app_query_init(hk_app_query *q, hk_date today);

/* Set one filter from its text: state (a state, a comma list, or "open" for every state not
 * yet finished), kind (permit | settlement), area and filed_in (division codes), scope
 * (decided | filed), overdue (true | false), q (a name prefix), limit (1 .. 1000), after (the
 * `next` of the previous page). HK_EINVAL naming the key on a bad value or an unknown key. */
hk_status hk_app_query_set(hk_app_query *q, const char *key, const char *value, hk_error *err);

/* A page of summaries, overdue first, then the earliest due, then by number:
 * {"applications": [{id, kind, pathway, target, target_name, state, submitted_on, due_on,
 * overdue, filed_in, channel, applicant (masked number), name, decides}], "next": key or null}.
 * Officers and supervisors list inside their jurisdiction only: the applications decided there,
 * or with scope_filed those filed there (to follow them; `decides` says whether they may act);
 * a resident lists their own applications (area and scope ignored); the system anything.
 * `next` continues after the last row, so applications filed meanwhile never shift a page. */
hk_status hk_app_list(hk_store *st, const hk_actor *who, const hk_app_query *q, json_t **list,
                      hk_error *err);

/* Counts by state in the actor's jurisdiction (or area inside it), with how many are open and
 * overdue on today: {"area", "scope", "by_state": {state: n}, "open", "overdue", "total"}. One
 * grouped query over the queue's index. Officers and supervisors only (and the system). */
hk_status hk_app_counts(hk_store *st, const hk_actor *who, int32_t area, bool scope_filed,
                        hk_date today, json_t **out, hk_error *err);

/* "online" / "service_point" */
bool hk_app_channel_valid(const char *channel);

/* A submission's fields from a JSON object, as `hukou apply` and POST /api/v1/applications take
 * them: id_number, kind ("permit" | "settlement"), target, pathway (settlement only, required: a
 * pathway's name or "best", which leaves req->pathway -1), filed_in and consenting, and, when
 * with_channel, channel ("online" | "service_point"; req->channel stays empty when absent: who
 * files decides). Unknown fields, wrong types and bad values are HK_EINVAL naming the field;
 * more consenting hosts than HK_APP_CONSENTING_MAX HK_ETOOBIG. The channel's consequences for
 * filed_in are the caller's. */
hk_status hk_app_request_read(const json_t *doc, bool with_channel, hk_date today,
                              hk_app_request *req, hk_error *err);

#endif
