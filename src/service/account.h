#ifndef HK_SERVICE_ACCOUNT_H
#define HK_SERVICE_ACCOUNT_H

/* Accounts, sessions and department API keys (九): who may sign in, as what, and who they are
 * once signed in (an hk_actor).
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str) at HK_PWHASH_OPSLIMIT and
 * HK_PWHASH_MEMLIMIT: 2 passes over 32 MiB (above OWASP's 19 MiB, 2 passes), 0.04-0.06 s per
 * hash or check on the shared 2-core development machine (release build), so a login stays well
 * under a second while each guess against a stolen table costs an attacker the same. Tokens are 32
 * random bytes (randombytes_buf) in base64url behind a prefix that says what they are: "hks_" a
 * session, "hkk_" a department key. The store keeps only their SHA-256. Creating, disabling,
 * enabling, changing a role or a password and revoking append an event, like every other change;
 * no password, hash or token is ever in one. */

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "service/actor.h"
#include "store/store.h"
#include "store/store_auth.h"

#define HK_PWHASH_OPSLIMIT 2u
#define HK_PWHASH_MEMLIMIT (32u << 20)
#define HK_PASSWORD_MIN 10
#define HK_PASSWORD_MAX 128
#define HK_TOKEN_MAX 64          /* "hks_" + 43 base64url characters, with room */
#define HK_SESSION_SECONDS 28800 /* a working day: 8 hours */

/* A new account. Checks: name of 1..48 characters [A-Za-z0-9._-] and not an ID number (names
 * land in events and logs); role any but system; officers and supervisors need a jurisdiction
 * (a known division code), residents their own valid ID number; the password
 * HK_PASSWORD_MIN..MAX bytes; a supervisor's jurisdiction is a city or the province. HK_EDUPLICATE
 * when the name is taken. Appends "account.add". */
typedef struct hk_account_new {
  const char *name;
  hk_role role;
  int32_t jurisdiction;
  const char *id_number;
  const char *password;
} hk_account_new;
hk_status hk_account_add(hk_store *st, const hk_actor *who, const hk_account_new *in,
                         hk_error *err);

/* A password of 20 base64url characters (120 random bits), for `hukou user add` without
 * --password-stdin. out must hold 21 bytes. */
void hk_account_password_generate(char out[21]);

/* Disable an account: it can no longer sign in and its sessions end. "account.disable". */
hk_status hk_account_disable(hk_store *st, const hk_actor *who, const char *name, hk_error *err);

/* Re-enable a disabled account: it may sign in again (its old sessions stay ended).
 * "account.enable". HK_ENOTFOUND. */
hk_status hk_account_enable(hk_store *st, const hk_actor *who, const char *name, hk_error *err);

/* An admin's change of an account's role and/or jurisdiction (issue 16). Only the members whose
 * set_ flag is true are given; a role without a jurisdiction drops the old one, an officer or
 * supervisor keeps theirs unless a new one is given. The result passes the checks of
 * hk_account_add (a current division inside the served province, a supervisor's a city or the
 * province). A resident's account is bound to their ID number, so it keeps its role and no other
 * account becomes a resident's; an admin does not take away their own admin role. out (may be
 * NULL) receives the changed row, pwhash blanked. "account.change", with the old and new values.
 * HK_ENOTFOUND, HK_EINVAL naming "role" or "jurisdiction". */
typedef struct hk_account_change {
  bool set_role;
  hk_role role;
  bool set_jurisdiction;
  int32_t jurisdiction;
} hk_account_change;
hk_status hk_account_change_role(hk_store *st, const hk_actor *who, const char *name,
                                 const hk_account_change *in, hk_account_row *out, hk_error *err);

/* An admin sets a new password for an account (it forgot its own): every session of the
 * account ends. "account.password_reset", with no password in it. HK_ENOTFOUND, HK_EINVAL
 * "password". */
hk_status hk_account_reset_password(hk_store *st, const hk_actor *who, const char *name,
                                    const char *password, hk_error *err);

/* An account changes its own password. The caller has checked the current one as a sign-in
 * checks a password (the HTTP server throttles and counts it the same way, h_accounts.c) and
 * that the new one differs from it; this sets the new one. Every other session of the account
 * ends; the one of keep_token (the caller's own, may be NULL) stays. "account.password_change". */
hk_status hk_account_password_change(hk_store *st, const hk_actor *who, const char *name,
                                     const char *password, const char *keep_token, hk_error *err);

/* The actor an account acts as: role, "role:name", jurisdiction, a resident's own number. */
void hk_account_actor(const hk_account_row *row, hk_actor *out);

/* Sign in: on success a new session token (shown to the caller once) valid until *expires
 * (Unix seconds) and the account. A wrong name, a wrong password and a disabled account all
 * give the same HK_EUNAUTH, after the same argon2id work, so the answer does not tell whether
 * the name exists. hk_account_login is hk_account_check_password then hk_account_session_new on
 * the same store; the HTTP server runs the two on different connections, so that the argon2id
 * work never holds its one read-write connection. */
hk_status hk_account_login(hk_store *st, const char *name, const char *password,
                           char token[HK_TOKEN_MAX], int64_t *expires, hk_account_row *out,
                           hk_error *err);
hk_status hk_account_check_password(hk_store *st, const char *name, const char *password,
                                    hk_account_row *out, hk_error *err);
hk_status hk_account_session_new(hk_store *st, const hk_account_row *account,
                                 char token[HK_TOKEN_MAX], int64_t *expires, hk_error *err);

/* End the session of this token (nothing happens for an unknown one). */
hk_status hk_account_logout(hk_store *st, const char *token, hk_error *err);

/* What a bearer token stands for. */
typedef struct hk_credential {
  hk_actor actor;
  bool is_key;                          /* a department key, not a session */
  char questions[HK_QUESTIONS_MAX + 1]; /* a key's questions, comma-separated */
  int64_t expires;                      /* a session's end; 0 for keys */
} hk_credential;

/* Check a bearer token: a live session of an enabled account, or a department key that is not
 * revoked. HK_EUNAUTH otherwise (unknown, expired, disabled, revoked, malformed). */
hk_status hk_account_authenticate(hk_store *st, const char *token, hk_credential *out,
                                  hk_error *err);

/* A department key for the named questions ("permit-valid,hukou-registered", each one of
 * hk_question_names); the key is written to key (shown once), its id to *id. "key.add".
 * title (may be NULL): the department's name as people read it, in Chinese as it is
 * ("嘉兴市住房和城乡建设局"): 1..64 characters of UTF-8, no control characters and no run of 15
 * or more digits (an ID number must not land there); HK_EINVAL naming "title". */
hk_status hk_apikey_add(hk_store *st, const hk_actor *who, const char *department,
                        const char *title, const char *questions, char key[HK_TOKEN_MAX],
                        int64_t *id, hk_error *err);
hk_status hk_apikey_revoke(hk_store *st, const hk_actor *who, int64_t id, hk_error *err);

/* The questions a department may be allowed to ask (NULL-terminated). */
extern const char *const hk_question_names[];
/* Does the comma-separated list hold question q? */
bool hk_apikey_allows(const char *questions, const char *q);

/* The SHA-256 of a token, as the store keeps it. */
void hk_token_hash(const char *token, uint8_t out[HK_HASH_LEN]);

#endif
