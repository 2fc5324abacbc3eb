#ifndef HK_STORE_STORE_AUTH_H
#define HK_STORE_STORE_AUTH_H

/* Accounts, sessions, department API keys and the access log (schema version 5), clause (九):
 * identity, access control and an audit trail of who read whose personal data.
 *
 * The store keeps rows; what a role means is the service's business (service/actor.h), so the
 * role travels as a small integer. Secrets are never stored: an account keeps an argon2id hash
 * string (crypto_pwhash_str), a session and a key the SHA-256 of their token. The access log is
 * hash-chained like the events (store.h) but a chain of its own, so the read path never
 * contends with registry writes for the event chain's tail. Its entries name the person by
 * their row (queryable) and a masked ID number (readable), never the full number. Every call
 * runs inside the caller's transaction or, outside one, as a statement of its own. */

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/idnum.h"
#include "store/store.h"

#define HK_ACCOUNT_NAME_MAX 63
#define HK_PWHASH_MAX 127 /* crypto_pwhash_STRBYTES - 1 */
#define HK_DEPARTMENT_MAX 63
#define HK_KEY_TITLE_MAX 255 /* bytes: 64 characters of Chinese and room */
#define HK_QUESTIONS_MAX 255
#define HK_CLIENT_ADDR_MAX 63 /* a client address, "2001:db8::1" */
#define HK_STAMP_LEN 32       /* "2024-06-01T08:00:00.123Z" and its NUL, with room */

typedef struct hk_account_row {
  int64_t id; /* assigned by account_add */
  char name[HK_ACCOUNT_NAME_MAX + 1];
  int role;                         /* hk_role */
  int32_t jurisdiction;             /* a division prefix; 0 none */
  char id_number[HK_IDNUM_LEN + 1]; /* a resident's own number; "" none */
  char pwhash[HK_PWHASH_MAX + 1];   /* crypto_pwhash_str's string */
  bool disabled;
  char created[HK_STAMP_LEN];
} hk_account_row;

/* HK_EDUPLICATE when the name is taken; row->id receives the new id, and created is set. */
hk_status hk_store_account_add(hk_store *st, hk_account_row *row, hk_error *err);
/* HK_ENOTFOUND when there is no such name. */
hk_status hk_store_account_get(hk_store *st, const char *name, hk_account_row *out, hk_error *err);
typedef hk_status (*hk_account_cb)(const hk_account_row *row, void *cls, hk_error *err);
/* Every account in name order. */
hk_status hk_store_account_each(hk_store *st, hk_account_cb cb, void *cls, hk_error *err);
/* Disable (or re-enable) an account; disabling also ends its sessions, re-enabling also clears
 * its sign-in failures and lock (an admin's release, issue 16). HK_ENOTFOUND. */
hk_status hk_store_account_set_disabled(hk_store *st, const char *name, bool disabled,
                                        hk_error *err);
/* Change an account's role and jurisdiction (the service checks them). Its sessions stay: they
 * read the account's row on every check, so the change applies to the next request. HK_ENOTFOUND.
 */
hk_status hk_store_account_set_role(hk_store *st, const char *name, int role, int32_t jurisdiction,
                                    hk_error *err);
/* Replace an account's password hash and end its sessions, all but the one whose token hash is
 * `keep` (NULL: all of them; one's own change keeps the session that made it). HK_ENOTFOUND. */
hk_status hk_store_account_set_password(hk_store *st, const char *name, const char *pwhash,
                                        const uint8_t keep[HK_HASH_LEN], hk_error *err);

/* Sessions: the SHA-256 of the bearer token, the account, and when it ends (Unix seconds). */
hk_status hk_store_session_add(hk_store *st, const uint8_t token_hash[HK_HASH_LEN],
                               int64_t account_id, int64_t expires, hk_error *err);
/* The account of a session that has not expired at `now` and whose account is not disabled;
 * HK_ENOTFOUND otherwise. *expires receives the session's end. */
hk_status hk_store_session_find(hk_store *st, const uint8_t token_hash[HK_HASH_LEN], int64_t now,
                                hk_account_row *out, int64_t *expires, hk_error *err);
/* End a session (no error when there is none). Expired sessions are purged along the way. */
hk_status hk_store_session_delete(hk_store *st, const uint8_t token_hash[HK_HASH_LEN], int64_t now,
                                  hk_error *err);

/* Purge every session that has expired at `now`; *purged (may be NULL) receives how many. */
hk_status hk_store_session_purge(hk_store *st, int64_t now, int64_t *purged, hk_error *err);

/* Sign-in failures of one account (schema version 11, issue 16): consecutive failures counted
 * apart for addresses that never signed in to the account ([0], "unknown") and those that did
 * ([1], "known"), the last failure of each (Unix seconds) and the end of a lock (0 none). The
 * service (service/signin.c) decides what they mean. */
typedef struct hk_signin_row {
  int32_t failures[2];
  int64_t last_failure[2];
  int64_t locked_until;
} hk_signin_row;

/* The account's counters (all zero when it has none) and whether `address` ever signed in to it. */
hk_status hk_store_signin_get(hk_store *st, int64_t account_id, const char *address,
                              hk_signin_row *out, bool *known, hk_error *err);
/* Replace the account's counters. */
hk_status hk_store_signin_put(hk_store *st, int64_t account_id, const hk_signin_row *row,
                              hk_error *err);
/* Remember `address` as one that signed in to the account. */
hk_status hk_store_signin_address_add(hk_store *st, int64_t account_id, const char *address,
                                      hk_error *err);

/* The account of a resident's ID number (a resident has at most one, schema version 13);
 * HK_ENOTFOUND when none. */
hk_status hk_store_account_of_person(hk_store *st, const char *id_number, hk_account_row *out,
                                     hk_error *err);

/* Activation codes (schema version 13, issue 16): an officer hands a registered person a code
 * with which they make their own resident account, once, within a short time. The store keeps
 * the code's SHA-256 (hex), who issued it, when it ends (Unix seconds) and the wrong tries so
 * far; one code per person, a new one replacing the old (service/activation.h). */
typedef struct hk_activation_row {
  char id_number[HK_IDNUM_LEN + 1];
  char code_hash[2 * HK_HASH_LEN + 1];
  char issued_by[64];
  int64_t expires;
  int32_t failures;
} hk_activation_row;
hk_status hk_store_activation_put(hk_store *st, const hk_activation_row *row, hk_error *err);
/* HK_ENOTFOUND when the person has no code. */
hk_status hk_store_activation_get(hk_store *st, const char *id_number, hk_activation_row *out,
                                  hk_error *err);
hk_status hk_store_activation_delete(hk_store *st, const char *id_number, hk_error *err);

/* Department API keys: a department asks the named yes/no questions and nothing else. */
typedef struct hk_apikey_row {
  int64_t id; /* assigned by apikey_add */
  uint8_t key_hash[HK_HASH_LEN];
  char department[HK_DEPARTMENT_MAX + 1];
  char questions[HK_QUESTIONS_MAX + 1]; /* "permit-valid,hukou-registered" */
  /* The department's name as people read it, in Chinese, "嘉兴市住房和城乡建设局" (schema
   * version 13); "" when none was given. The department above stays the identifier (actors,
   * logs, the kinds of fact it sends). */
  char title[HK_KEY_TITLE_MAX + 1];
  bool disabled;
  char created[HK_STAMP_LEN];
} hk_apikey_row;

hk_status hk_store_apikey_add(hk_store *st, hk_apikey_row *row, hk_error *err);
/* The key with this hash, disabled or not; HK_ENOTFOUND when there is none. */
hk_status hk_store_apikey_find(hk_store *st, const uint8_t key_hash[HK_HASH_LEN],
                               hk_apikey_row *out, hk_error *err);
typedef hk_status (*hk_apikey_cb)(const hk_apikey_row *row, void *cls, hk_error *err);
hk_status hk_store_apikey_each(hk_store *st, hk_apikey_cb cb, void *cls, hk_error *err);
/* Revoke key `id` (disabled for good). HK_ENOTFOUND. */
hk_status hk_store_apikey_revoke(hk_store *st, int64_t id, hk_error *err);

/* ---- the access log ---- */

typedef struct hk_access {
  int64_t seq;
  const char *at;       /* UTC, "2024-06-01T08:00:00.123Z" */
  const char *actor;    /* the account: "officer:wang", "department:gongan" */
  const char *role;     /* "officer", ... */
  int64_t person_id;    /* the person's row; 0 when it has none */
  const char *subject;  /* the masked ID number, "330402********0012" */
  const char *endpoint; /* the route: "GET /api/v1/persons/{id}" */
  const char *purpose;  /* stated by department keys; "" otherwise */
  uint8_t prev_hash[HK_HASH_LEN];
  uint8_t hash[HK_HASH_LEN];
} hk_access;

/* What a caller hands in: the full ID number is resolved to the row and masked here, inside
 * the store, and goes no further. */
typedef struct hk_access_in {
  char at[HK_STAMP_LEN];
  char actor[64];
  char role[16];
  char id_number[HK_IDNUM_LEN + 1];
  char endpoint[96];
  char purpose[128];
  /* A search (issue 10): id_number is "" and this says what was searched, ID numbers masked
   * (search.h); it becomes the entry's subject, with person row 0. */
  char what[160];
} hk_access_in;

/* Append n entries inside the current transaction, chained in order. */
hk_status hk_store_access_append(hk_store *st, const hk_access_in *in, size_t n, hk_error *err);

/* Entries in seq order, lent to cb; person_id 0 walks all of them. */
typedef hk_status (*hk_access_cb)(const hk_access *a, void *cls, hk_error *err);
hk_status hk_store_access_each(hk_store *st, int64_t person_id, hk_access_cb cb, void *cls,
                               hk_error *err);

/* Verify the access log's chain, as hk_store_audit_verify does the events'. */
hk_status hk_store_access_verify(hk_store *st, int64_t *checked, int64_t *first_broken,
                                 hk_error *err);

/* The access log's head: the last entry's seq and hash (0 and a zero hash when empty). */
hk_status hk_store_access_head(hk_store *st, int64_t *seq, uint8_t hash[HK_HASH_LEN],
                               hk_error *err);

/* An entry's hash from its fields and prev_hash (SHA-256, length-prefixed fields). */
void hk_access_hash(const hk_access *a, uint8_t out[HK_HASH_LEN]);

/* The current UTC time as "2024-06-01T08:00:00.123Z". */
void hk_store_utc_now(char out[HK_STAMP_LEN]);

#endif
