#ifndef HK_SERVICE_SITUATION_DB_H
#define HK_SERVICE_SITUATION_DB_H

/* Assembling an eligibility situation (policy/policy.h) from the registry: the person with
 * their histories, and each linked relative with theirs. The engine never reads the store; this
 * is the one place that turns registry rows into the engine's question. */

#include "core/error.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdbool.h>

/* Fill *out (reset first) for the person with this ID number, asking about `target` on `as_of`.
 * The registry does not record consent to host someone (it is given when asking, (五) rank 2):
 * relatives whose ID number is among `consenting` get consents = true, the others none.
 * HK_ENOTFOUND when the person is not registered; HK_EINVAL for a bad target or date. */
hk_status hk_situation_from_registry(hk_store *st, const char *id_number, int32_t target,
                                     hk_date as_of, const char *const *consenting,
                                     size_t n_consenting, hk_situation *out, hk_error *err);

/* The same, with the facts of the ledger (service/facts.h) laid over the registry's rows: the
 * verified and department facts in force always (hk_situation_from_registry), the declared ones
 * too when with_declared (to show what verification would change). */
hk_status hk_situation_from_registry_facts(hk_store *st, const char *id_number, int32_t target,
                                           hk_date as_of, const char *const *consenting,
                                           size_t n_consenting, bool with_declared,
                                           hk_situation *out, hk_error *err);

#endif
