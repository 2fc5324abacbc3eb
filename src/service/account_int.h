#ifndef HK_SERVICE_ACCOUNT_INT_H
#define HK_SERVICE_ACCOUNT_INT_H

/* What account.c lends account_change.c: the checks an account's fields pass wherever they are
 * set, and the transaction that carries a change with its event. Not for other modules. */

#include <stdbool.h>

#include "service/account.h"

/* Names fit "supervisor:NAME" in an actor's 64 bytes. */
#define HK_NAME_CHARS 48
/* The province the system serves: the notice's, Zhejiang. */
#define HK_SERVED_PROVINCE 330000

/* 1..HK_NAME_CHARS of [A-Za-z0-9._-]. */
bool hk_account__good_name(const char *name);
/* Does a name look like an ID number (names land in events and logs, numbers must not)? */
bool hk_account__looks_like_idnum(const char *name);
/* The bilingual "role" error naming the roles an account may have. */
hk_status hk_account__bad_role(hk_error *err);
/* Officers and supervisors need a current division inside the served province (a supervisor's
 * a city or the province); every other role has none. Field "jurisdiction". */
hk_status hk_account__check_jurisdiction(hk_role role, int32_t jurisdiction, hk_error *err);
/* HK_PASSWORD_MIN..MAX bytes, hashed with argon2id into out. Field "password". */
hk_status hk_account__hash_password(const char *password, char out[HK_PWHASH_MAX + 1],
                                    hk_error *err);

/* Run fn inside a transaction (it appends its event there), retrying on a write conflict. */
typedef hk_status (*hk_account__txn_fn)(hk_store *st, void *cls, hk_error *err);
hk_status hk_account__in_transaction(hk_store *st, hk_account__txn_fn fn, void *cls, hk_error *err);
/* A new session of the account from `now` (hk_account_session_new with the clock given). */
hk_status hk_account__session_add(hk_store *st, const hk_account_row *account, int64_t now,
                                  char token[HK_TOKEN_MAX], int64_t *expires, hk_error *err);

#endif
