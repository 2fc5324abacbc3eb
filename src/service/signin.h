#ifndef HK_SERVICE_SIGNIN_H
#define HK_SERVICE_SIGNIN_H

/* Sign-in throttling and lockout (issue 16), clause (九): guessing a password must be slow, and
 * must not let a stranger shut an officer out.
 *
 * Per account, two runs of consecutive failures are counted in the store: those from addresses
 * that never signed in to the account ("unknown") and those from addresses that did ("known").
 * Once a run reaches delay_after failures, an attempt from that side must wait 1 s, 2 s, 4 s ...
 * (capped at max_delay) after the run's last failure; inside the wait it is refused with
 * HK_ERATE and a retry-after, and the password is not checked (no argon2id work, no guess). When
 * the unknown run reaches lock_after, the account is locked for lock_seconds against unknown
 * addresses ("account.lock" event); an admin's enable releases it at once. Addresses that signed
 * in before are never locked out and are delayed only by their own failures: a stranger can
 * neither lock nor slow an officer at their usual desk. A success clears its own side's run; one
 * from a known address leaves strangers' run and lock alone (so it gives them no fresh guesses),
 * and a lock that ran out is set again by strangers' next failure. Sign-ins purge expired
 * sessions.
 *
 * Names that are no account have no counters (the per-address limit of the HTTP server covers
 * them); a delayed or locked answer therefore tells that a name exists, which only someone who
 * already failed delay_after times in a row learns. */

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "service/account.h"
#include "store/store_auth.h"

typedef struct hk_signin_policy {
  int delay_after;      /* failures in a run before delays begin */
  int lock_after;       /* failures from unknown addresses that lock */
  int64_t max_delay;    /* seconds */
  int64_t lock_seconds; /* how long a lock lasts without an admin */
} hk_signin_policy;

/* 5 failures, lock after 20, delays up to 15 minutes, locks of an hour. */
extern const hk_signin_policy hk_signin_defaults;

/* The wait after `failures` consecutive failures: 0 below delay_after, then 1, 2, 4 ... seconds
 * up to max_delay. */
int64_t hk_signin_delay(const hk_signin_policy *p, int32_t failures);

/* Before the password is checked (a read-only store will do): HK_OK to go on; HK_ERATE with
 * *retry_after when the address's side of the account must still wait; HK_EFORBIDDEN naming the
 * lock when the account is locked against this address (*retry_after: until it ends). An unknown
 * name passes (its check fails as any wrong password does). */
hk_status hk_signin_gate(hk_store *st, const hk_signin_policy *p, const char *name,
                         const char *address, int64_t now, unsigned *retry_after, hk_error *err);

/* After a wrong password for an account that exists: count it (in a transaction of its own on a
 * read-write store), locking the account when the unknown run reaches lock_after. */
hk_status hk_signin_failed(hk_store *st, const hk_signin_policy *p, const hk_account_row *account,
                           const char *address, int64_t now, hk_error *err);

/* After a right password: clear the counters, remember the address, purge expired sessions and
 * open a new one, in one transaction (a read-write store). */
hk_status hk_signin_session(hk_store *st, const hk_account_row *account, const char *address,
                            int64_t now, char token[HK_TOKEN_MAX], int64_t *expires, hk_error *err);

/* The three above on one store: how the HTTP server signs in (on two connections). */
hk_status hk_account_signin(hk_store *st, const hk_signin_policy *p, const char *name,
                            const char *password, const char *address, int64_t now,
                            char token[HK_TOKEN_MAX], int64_t *expires, hk_account_row *out,
                            unsigned *retry_after, hk_error *err);

#endif
