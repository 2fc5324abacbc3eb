#ifndef HK_SERVICE_ACTIVATION_H
#define HK_SERVICE_ACTIVATION_H

/* Residents' own accounts without SMS or a national identity service (issue 16), clause (八):
 * an officer who has seen the person (at a service point, with their ID card) hands them an
 * activation code, printed or written down; with it the person makes their own resident
 * account, choosing its name and password, once, within HK_ACTIVATION_SECONDS.
 *
 * The code is 12 characters of Crockford's base32 (no I, L, O or U to misread), shown as
 * XXXX-XXXX-XXXX: 60 random bits. The store keeps its SHA-256 only. HK_ACTIVATION_TRIES wrong
 * codes for a person void theirs (the HTTP route is also rate-limited per address), so guessing
 * is hopeless; an unknown number, no code, a used, voided or expired code and a wrong one get
 * one answer, so the route tells nobody who is registered or holds a code. A new code replaces
 * the person's previous one. Events: "account.activation_code" by the officer and
 * "account.activate" by the new account, both naming the person by masked number only. */

#include <stdint.h>

#include "core/error.h"
#include "service/actor.h"
#include "store/store.h"

#define HK_ACTIVATION_SECONDS                                                                      \
  ((int64_t)48 * 3600) /* two days: home from the counter, and a day over */
#define HK_ACTIVATION_TRIES 5
#define HK_ACTIVATION_CODE_LEN 14 /* "XXXX-XXXX-XXXX" */

/* An officer or supervisor issues a code for a registered, living person whose hukou or active
 * residence registration is in their jurisdiction (HK_ENOTFOUND, one answer, for anyone else)
 * and who has no account yet (HK_ECONFLICT naming "id_number": an admin resets its password
 * instead). code receives the code (shown once), *expires its end (Unix seconds). */
hk_status hk_activation_issue(hk_store *st, const hk_actor *who, const char *id_number, int64_t now,
                              char code[HK_ACTIVATION_CODE_LEN + 1], int64_t *expires,
                              hk_error *err);

/* The person makes their account: the code must be theirs and current; name and password as
 * for hk_account_add. On success the code is used up and the account exists (role resident,
 * bound to the number). A wrong code counts a try (HK_EINVAL naming "code" for every kind of
 * refusal of the code). */
hk_status hk_activation_redeem(hk_store *st, const char *id_number, const char *code,
                               const char *name, const char *password, int64_t now, hk_error *err);

#endif
