#ifndef HK_SERVICE_APP_EVAL_H
#define HK_SERVICE_APP_EVAL_H

/* The engine asked about a registered person, for the services that decide on it (applications,
 * endorsements): the situation from the registry, the answer, and the unmet conditions as a
 * short text for a refusal. */

#include <stddef.h>

#include <jansson.h>

#include "core/error.h"
#include "policy/policy.h"
#include "store/store.h"

/* The situation and the answer together: the answer borrows strings from the situation. */
typedef struct hk_app_eval {
  hk_situation s;
  hk_answer *a; /* large: on the heap */
} hk_app_eval;

void hk_app_eval_init(hk_app_eval *e);
void hk_app_eval_clear(hk_app_eval *e);

/* Ask the engine about id_number for target on today, from the registry (inside the caller's
 * transaction). consenting: relatives' ID numbers that consent to host (五). */
hk_status hk_app_eval_run(hk_app_eval *e, hk_store *st, const hk_policies *pol,
                          const char *id_number, int32_t target, hk_date today,
                          const char *const *consenting, size_t n_consenting, hk_error *err);

/* What a refusal says, in Chinese and English sentences: each unmet condition of r (a result
 * of e's answer) and when the person will qualify, what to do, or that waiting alone will not
 * do it; or why the pathway does not apply. */
void hk_app_eval_unmet(const hk_app_eval *e, const hk_result *r, char *zh, size_t zh_size, char *en,
                       size_t en_size);

#endif
