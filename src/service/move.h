#ifndef HK_SERVICE_MOVE_H
#define HK_SERVICE_MOVE_H

/* The hukou move that completes an approved settlement application (户口迁移; within Zhejiang
 * no migration certificate is needed). The destination is the one the engine chose at the
 * decision (answer_at_decision in the application):
 *   talent (五):  own_housing → a new family household in the address's county, the person
 *                 its head; host_household → the consenting host's family household;
 *                 employer_collective → the unit's collective household in that county (found
 *                 by the unit's credit code, created when the unit has none yet);
 *                 talent_service_collective → the talent service agency's collective household
 *                 of that county (found or created);
 *   family (六):  parent_joins_child → the child's household; child_joins_parent → the
 *                 parent's; head_household → the household the relative heads;
 *   residence (二), hangzhou_points (二), permit_conversion (四): the engine names no address;
 *                 ours: a new family household when the person owns housing in the target
 *                 county on the day, else the community collective household (社区公共户) of the
 *                 target county (the community named by the officer, or the county's public
 *                 collective household when none is named).
 * The person leaves their old household (a head's headship passes to the eldest remaining
 * member; a family household left empty is dissolved), and the events "hukou.move_out" (the
 * old county's) and "hukou.move_in" (the new county's) are appended. */

#include <jansson.h>

#include "core/error.h"
#include "service/actor.h"
#include "service/household.h"
#include "store/store.h"

/* What the officer completing the move may add: the registry does not know employers by name,
 * nor communities. */
typedef struct hk_move_hint {
  char unit_code[HK_OWNER_CODE_MAX + 1]; /* employer_collective: the unit's credit code */
  char unit_name[HK_OWNER_NAME_MAX + 1]; /* needed when its collective household is created */
  char community[HK_OWNER_CODE_MAX + 1]; /* community collective: the community's name */
  char address[HK_ADDRESS_MAX + 1];      /* a new household's address (default: the active
                                            residence registration's, when in that county) */
} hk_move_hint;

/* Inside the caller's transaction: move the applicant of application app_id (doc is its
 * document, the application locked) and add "moved_to" to doc. hint may be NULL. Refusals:
 * HK_ECONFLICT when the destination no longer qualifies (the host left, the relative moved),
 * HK_EINVAL when the unit is needed and not named. */
hk_status hk_move_settle_locked(hk_store *st, const hk_actor *who, int64_t app_id, json_t *doc,
                                int32_t target, const char *applicant, const hk_move_hint *hint,
                                hk_date today, hk_error *err);

#endif
