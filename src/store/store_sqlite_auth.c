/* Accounts, sessions, department keys and the access log on SQLite (store_auth.h). Statements
 * are prepared per call (a few rows each), except the access log's, which is written in batches
 * on the HTTP server's hot path. The session lookup of every authenticated request is
 * kept off this path by the HTTP server's short-lived cache of checked tokens (server.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_auth.h"
#include "store/store_sqlite.h"

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
  const char *t = (const char *)sqlite3_column_text(st, col);
  snprintf(dst, size, "%s", t ? t : "");
}

static void copy_hash(uint8_t dst[HK_HASH_LEN], sqlite3_stmt *st, int col)
{
  memset(dst, 0, HK_HASH_LEN);
  if (sqlite3_column_bytes(st, col) == HK_HASH_LEN)
    memcpy(dst, sqlite3_column_blob(st, col), HK_HASH_LEN);
}

/* ---- accounts ---- */

#define ACCOUNT_COLUMNS "id, name, role, jurisdiction, id_number, pwhash, disabled, created"

static void read_account(sqlite3_stmt *st, int c, hk_account_row *out)
{
  out->id = sqlite3_column_int64(st, c);
  copy_text(out->name, sizeof out->name, st, c + 1);
  out->role = sqlite3_column_int(st, c + 2);
  out->jurisdiction = sqlite3_column_int(st, c + 3);
  copy_text(out->id_number, sizeof out->id_number, st, c + 4);
  copy_text(out->pwhash, sizeof out->pwhash, st, c + 5);
  out->disabled = sqlite3_column_int(st, c + 6) != 0;
  copy_text(out->created, sizeof out->created, st, c + 7);
}

hk_status store__sqlite_account_add(hk_store *base, hk_account_row *row, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db,
                            "INSERT INTO account (name, role, jurisdiction, id_number, pwhash,"
                            " disabled, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, row->name, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, row->role);
  sqlite3_bind_int(st, 3, row->jurisdiction);
  sqlite3_bind_text(st, 4, row->id_number, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, row->pwhash, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 6, row->disabled);
  sqlite3_bind_text(st, 7, row->created, -1, SQLITE_STATIC);
  rc = store__sqlite_step_done(db, st, "account insert", NULL, err);
  if (rc == HK_EDUPLICATE)
    return hk_error_set(err, HK_EDUPLICATE, "name", "an account named %s exists", row->name);
  if (rc == HK_OK)
    row->id = sqlite3_last_insert_rowid(db);
  return rc;
}

hk_status store__sqlite_account_get(hk_store *base, const char *name, hk_account_row *out,
                                    hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "SELECT " ACCOUNT_COLUMNS " FROM account WHERE name = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW)
    read_account(st, 0, out);
  else if (r == SQLITE_DONE)
    rc = hk_error_set(err, HK_ENOTFOUND, "name", "no such account");
  else
    rc = store__sqlite_fail(db, r, "account read", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_account_of_person(hk_store *base, const char *id_number,
                                          hk_account_row *out, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "SELECT " ACCOUNT_COLUMNS " FROM account WHERE id_number = ?1 AND id_number <> ''", &st,
      err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, id_number, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW)
    read_account(st, 0, out);
  else if (r == SQLITE_DONE)
    rc = hk_error_set(err, HK_ENOTFOUND, "id_number", "no account for this person");
  else
    rc = store__sqlite_fail(db, r, "account read", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_activation_put(hk_store *base, const hk_activation_row *row, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db,
      "INSERT OR REPLACE INTO activation (id_number, code_hash, issued_by, expires, failures)"
      " VALUES (?1, ?2, ?3, ?4, ?5)",
      &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, row->id_number, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, row->code_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, row->issued_by, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, row->expires);
  sqlite3_bind_int(st, 5, row->failures);
  return store__sqlite_step_done(db, st, "activation write", NULL, err);
}

hk_status store__sqlite_activation_get(hk_store *base, const char *id_number,
                                       hk_activation_row *out, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db,
      "SELECT id_number, code_hash, issued_by, expires, failures FROM activation"
      " WHERE id_number = ?1",
      &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, id_number, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    snprintf(out->id_number, sizeof out->id_number, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(out->code_hash, sizeof out->code_hash, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(out->issued_by, sizeof out->issued_by, "%s", (const char *)sqlite3_column_text(st, 2));
    out->expires = sqlite3_column_int64(st, 3);
    out->failures = sqlite3_column_int(st, 4);
  } else if (r == SQLITE_DONE) {
    rc = hk_error_set(err, HK_ENOTFOUND, "id_number", "no activation code");
  } else {
    rc = store__sqlite_fail(db, r, "activation read", err);
  }
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_activation_delete(hk_store *base, const char *id_number, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(db, "DELETE FROM activation WHERE id_number = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, id_number, -1, SQLITE_STATIC);
  return store__sqlite_step_done(db, st, "activation delete", NULL, err);
}

hk_status store__sqlite_account_each(hk_store *base, hk_account_cb cb, void *cls, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db, "SELECT " ACCOUNT_COLUMNS " FROM account ORDER BY name", &st, err);
  if (rc != HK_OK)
    return rc;
  int r;
  while (rc == HK_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
    hk_account_row row;
    read_account(st, 0, &row);
    rc = cb(&row, cls, err);
  }
  if (rc == HK_OK && r != SQLITE_DONE)
    rc = store__sqlite_fail(db, r, "account read", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_account_set_disabled(hk_store *base, const char *name, bool disabled,
                                             hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db, "UPDATE account SET disabled = ?2 WHERE name = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, disabled);
  int changes = 0;
  if ((rc = store__sqlite_step_done(db, st, "account update", &changes, err)) != HK_OK)
    return rc;
  if (changes == 0)
    return hk_error_set(err, HK_ENOTFOUND, "name", "no such account");
  /* Disabling ends the sessions; re-enabling releases a sign-in lock (issue 16). */
  if ((rc = store__sqlite_prepare(
           db,
           disabled
               ? "DELETE FROM session WHERE account_id = (SELECT id FROM account WHERE name = ?1)"
               : "DELETE FROM signin_failure WHERE account_id ="
                 " (SELECT id FROM account WHERE name = ?1)",
           &st, err)) != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  return store__sqlite_step_done(db, st, disabled ? "session delete" : "sign-in update", NULL, err);
}

hk_status store__sqlite_account_set_role(hk_store *base, const char *name, int role,
                                         int32_t jurisdiction, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "UPDATE account SET role = ?2, jurisdiction = ?3 WHERE name = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, role);
  sqlite3_bind_int(st, 3, jurisdiction);
  int changes = 0;
  if ((rc = store__sqlite_step_done(db, st, "account update", &changes, err)) != HK_OK)
    return rc;
  return changes ? HK_OK : hk_error_set(err, HK_ENOTFOUND, "name", "no such account");
}

hk_status store__sqlite_account_set_password(hk_store *base, const char *name, const char *pwhash,
                                             const uint8_t keep[HK_HASH_LEN], hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db, "UPDATE account SET pwhash = ?2 WHERE name = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, pwhash, -1, SQLITE_STATIC);
  int changes = 0;
  if ((rc = store__sqlite_step_done(db, st, "account update", &changes, err)) != HK_OK)
    return rc;
  if (changes == 0)
    return hk_error_set(err, HK_ENOTFOUND, "name", "no such account");
  /* "IS NOT" keeps the one session when keep is bound, and none when it is NULL. */
  if ((rc = store__sqlite_prepare(db,
                                  "DELETE FROM session WHERE account_id = (SELECT id FROM account"
                                  " WHERE name = ?1) AND token_hash IS NOT ?2",
                                  &st, err)) != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  if (keep)
    sqlite3_bind_blob(st, 2, keep, HK_HASH_LEN, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 2);
  return store__sqlite_step_done(db, st, "session delete", NULL, err);
}

/* ---- sessions ---- */

hk_status store__sqlite_session_add(hk_store *base, const uint8_t hash[HK_HASH_LEN],
                                    int64_t account_id, int64_t expires, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "INSERT INTO session (token_hash, account_id, expires) VALUES (?1, ?2, ?3)", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_blob(st, 1, hash, HK_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, account_id);
  sqlite3_bind_int64(st, 3, expires);
  return store__sqlite_step_done(db, st, "session insert", NULL, err);
}

hk_status store__sqlite_session_find(hk_store *base, const uint8_t hash[HK_HASH_LEN], int64_t now,
                                     hk_account_row *out, int64_t *expires, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  int r = sqlite3_prepare_v2(db,
                             "SELECT s.expires, a.id, a.name, a.role, a.jurisdiction,"
                             " a.id_number, a.pwhash, a.disabled, a.created"
                             " FROM session s JOIN account a ON a.id = s.account_id"
                             " WHERE s.token_hash = ?1 AND s.expires > ?2 AND a.disabled = 0",
                             -1, &st, NULL);
  if (r != SQLITE_OK)
    return store__sqlite_fail(db, r, "prepare", err);
  sqlite3_bind_blob(st, 1, hash, HK_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  hk_status rc = HK_OK;
  r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    *expires = sqlite3_column_int64(st, 0);
    read_account(st, 1, out);
  } else if (r == SQLITE_DONE) {
    rc = hk_error_set(err, HK_ENOTFOUND, "token", "no such session");
  } else {
    rc = store__sqlite_fail(db, r, "session read", err);
  }
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_session_delete(hk_store *base, const uint8_t hash[HK_HASH_LEN], int64_t now,
                                       hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "DELETE FROM session WHERE token_hash = ?1 OR expires <= ?2", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_blob(st, 1, hash, HK_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  return store__sqlite_step_done(db, st, "session delete", NULL, err);
}

hk_status store__sqlite_session_purge(hk_store *base, int64_t now, int64_t *purged, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(db, "DELETE FROM session WHERE expires <= ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, now);
  int changes = 0;
  rc = store__sqlite_step_done(db, st, "session purge", &changes, err);
  *purged = changes;
  return rc;
}

/* ---- sign-in failures (issue 16) ---- */

hk_status store__sqlite_signin_get(hk_store *base, int64_t account_id, const char *address,
                                   hk_signin_row *out, bool *known, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db,
      "SELECT f.failures, f.last_failure, f.known_failures, f.known_last, f.locked_until,"
      " EXISTS (SELECT 1 FROM signin_address WHERE account_id = ?1 AND address = ?2)"
      " FROM (SELECT 1) LEFT JOIN signin_failure f ON f.account_id = ?1",
      &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, account_id);
  sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    out->failures[0] = sqlite3_column_int(st, 0);
    out->last_failure[0] = sqlite3_column_int64(st, 1);
    out->failures[1] = sqlite3_column_int(st, 2);
    out->last_failure[1] = sqlite3_column_int64(st, 3);
    out->locked_until = sqlite3_column_int64(st, 4);
    *known = sqlite3_column_int(st, 5) != 0;
  } else {
    rc = store__sqlite_fail(db, r, "sign-in read", err);
  }
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_signin_put(hk_store *base, int64_t account_id, const hk_signin_row *row,
                                   hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db,
      "INSERT OR REPLACE INTO signin_failure (account_id, failures, last_failure,"
      " known_failures, known_last, locked_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, account_id);
  sqlite3_bind_int(st, 2, row->failures[0]);
  sqlite3_bind_int64(st, 3, row->last_failure[0]);
  sqlite3_bind_int(st, 4, row->failures[1]);
  sqlite3_bind_int64(st, 5, row->last_failure[1]);
  sqlite3_bind_int64(st, 6, row->locked_until);
  return store__sqlite_step_done(db, st, "sign-in update", NULL, err);
}

hk_status store__sqlite_signin_address_add(hk_store *base, int64_t account_id, const char *address,
                                           hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc;
  if ((rc = store__sqlite_prepare(
           db, "INSERT OR IGNORE INTO signin_address (account_id, address) VALUES (?1, ?2)", &st,
           err)) != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, account_id);
  sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
  return store__sqlite_step_done(db, st, "sign-in update", NULL, err);
}

/* ---- department keys ---- */

#define KEY_COLUMNS "id, key_hash, department, questions, disabled, created, title"

static void read_key(sqlite3_stmt *st, hk_apikey_row *out)
{
  out->id = sqlite3_column_int64(st, 0);
  copy_hash(out->key_hash, st, 1);
  copy_text(out->department, sizeof out->department, st, 2);
  copy_text(out->questions, sizeof out->questions, st, 3);
  out->disabled = sqlite3_column_int(st, 4) != 0;
  copy_text(out->created, sizeof out->created, st, 5);
  copy_text(out->title, sizeof out->title, st, 6);
}

hk_status store__sqlite_apikey_add(hk_store *base, hk_apikey_row *row, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db,
      "INSERT INTO api_key (key_hash, department, questions, disabled, created, title)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_blob(st, 1, row->key_hash, HK_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, row->department, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, row->questions, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 4, row->disabled);
  sqlite3_bind_text(st, 5, row->created, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, row->title, -1, SQLITE_STATIC);
  rc = store__sqlite_step_done(db, st, "key insert", NULL, err);
  if (rc == HK_OK)
    row->id = sqlite3_last_insert_rowid(db);
  return rc;
}

hk_status store__sqlite_apikey_find(hk_store *base, const uint8_t hash[HK_HASH_LEN],
                                    hk_apikey_row *out, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "SELECT " KEY_COLUMNS " FROM api_key WHERE key_hash = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_blob(st, 1, hash, HK_HASH_LEN, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW)
    read_key(st, out);
  else if (r == SQLITE_DONE)
    rc = hk_error_set(err, HK_ENOTFOUND, "key", "no such key");
  else
    rc = store__sqlite_fail(db, r, "key read", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_apikey_each(hk_store *base, hk_apikey_cb cb, void *cls, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db, "SELECT " KEY_COLUMNS " FROM api_key ORDER BY id", &st, err);
  if (rc != HK_OK)
    return rc;
  int r;
  while (rc == HK_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
    hk_apikey_row row;
    read_key(st, &row);
    rc = cb(&row, cls, err);
  }
  if (rc == HK_OK && r != SQLITE_DONE)
    rc = store__sqlite_fail(db, r, "key read", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_apikey_revoke(hk_store *base, int64_t id, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db, "UPDATE api_key SET disabled = 1 WHERE id = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
  int changes = 0;
  if ((rc = store__sqlite_step_done(db, st, "key update", &changes, err)) != HK_OK)
    return rc;
  return changes ? HK_OK : hk_error_set(err, HK_ENOTFOUND, "key", "no key %lld", (long long)id);
}

/* ---- the access log ---- */

/* The access log is written in batches on the HTTP server's hot path: these two statements are
 * kept prepared (parsing them cost more than the insert). */
static const char access_last_sql[] = "SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1";
static const char access_insert_sql[] =
    "INSERT INTO access_log (seq, at, actor, role, person_id, subject, endpoint, purpose,"
    " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

hk_status store__sqlite_access_last(hk_store *base, int64_t *seq, uint8_t hash[HK_HASH_LEN],
                                    hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  int r;
  sqlite3_stmt *st = store__sqlite_cached(base, access_last_sql, &r);
  if (st == NULL)
    return store__sqlite_fail(db, r, "prepare", err);
  hk_status rc = HK_OK;
  *seq = 0;
  memset(hash, 0, HK_HASH_LEN);
  r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    *seq = sqlite3_column_int64(st, 0);
    copy_hash(hash, st, 1);
  } else if (r != SQLITE_DONE) {
    rc = store__sqlite_fail(db, r, "access log read", err);
  }
  sqlite3_reset(st);
  return rc;
}

hk_status store__sqlite_access_insert(hk_store *base, const hk_access *a, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  int r;
  sqlite3_stmt *st = store__sqlite_cached(base, access_insert_sql, &r);
  if (st == NULL)
    return store__sqlite_fail(db, r, "prepare", err);
  sqlite3_bind_int64(st, 1, a->seq);
  sqlite3_bind_text(st, 2, a->at, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, a->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, a->role, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, a->person_id);
  sqlite3_bind_text(st, 6, a->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, a->endpoint, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, a->purpose, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 9, a->prev_hash, HK_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_blob(st, 10, a->hash, HK_HASH_LEN, SQLITE_STATIC);
  r = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return r == SQLITE_DONE ? HK_OK : store__sqlite_fail(db, r, "access log insert", err);
}

hk_status store__sqlite_access_each(hk_store *base, int64_t person_id, hk_access_cb cb, void *cls,
                                    hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db,
      person_id ? "SELECT seq, at, actor, role, person_id, subject, endpoint, purpose,"
                  " prev_hash, hash FROM access_log WHERE person_id = ?1 ORDER BY seq"
                : "SELECT seq, at, actor, role, person_id, subject, endpoint, purpose,"
                  " prev_hash, hash FROM access_log ORDER BY seq",
      &st, err);
  if (rc != HK_OK)
    return rc;
  if (person_id)
    sqlite3_bind_int64(st, 1, person_id);
  int r;
  while (rc == HK_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
    hk_access a = {.seq = sqlite3_column_int64(st, 0),
                   .at = (const char *)sqlite3_column_text(st, 1),
                   .actor = (const char *)sqlite3_column_text(st, 2),
                   .role = (const char *)sqlite3_column_text(st, 3),
                   .person_id = sqlite3_column_int64(st, 4),
                   .subject = (const char *)sqlite3_column_text(st, 5),
                   .endpoint = (const char *)sqlite3_column_text(st, 6),
                   .purpose = (const char *)sqlite3_column_text(st, 7)};
    copy_hash(a.prev_hash, st, 8);
    copy_hash(a.hash, st, 9);
    rc = cb(&a, cls, err);
  }
  if (rc == HK_OK && r != SQLITE_DONE)
    rc = store__sqlite_fail(db, r, "access log read", err);
  sqlite3_finalize(st);
  return rc;
}
