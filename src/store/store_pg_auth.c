/* Accounts, sessions, department keys and the access log on PostgreSQL (store_auth.h), the same
 * rows as SQLite's. Hashes travel as hex text (decode/encode in SQL). The access log's tail is
 * taken under a table lock, so two appenders take turns at the chain's head. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "store/store_pg_int.h"

#define HEX_LEN (2 * (size_t)HK_HASH_LEN + 1)

static void hex(const uint8_t h[HK_HASH_LEN], char out[HEX_LEN])
{
  sodium_bin2hex(out, HEX_LEN, h, HK_HASH_LEN);
}

static void unhex(const char *s, uint8_t out[HK_HASH_LEN])
{
  size_t len = 0;
  /* A hash of the wrong size stays zero, and so fails verification. */
  if (sodium_hex2bin(out, HK_HASH_LEN, s, strlen(s), NULL, &len, NULL) != 0 || len != HK_HASH_LEN)
    memset(out, 0, HK_HASH_LEN);
}

static void copy(char *dst, size_t size, PGresult *r, int row, int col)
{
  snprintf(dst, size, "%s", PQgetvalue(r, row, col));
}

static bool get_bool(PGresult *r, int row, int col)
{
  return PQgetvalue(r, row, col)[0] == 't';
}

/* ---- accounts ---- */

#define ACCOUNT_COLUMNS "id, name, role, jurisdiction, id_number, pwhash, disabled, created"

static void read_account(PGresult *r, int i, int c, hk_account_row *out)
{
  out->id = get_int(r, i, c);
  copy(out->name, sizeof out->name, r, i, c + 1);
  out->role = (int)get_int(r, i, c + 2);
  out->jurisdiction = (int32_t)get_int(r, i, c + 3);
  copy(out->id_number, sizeof out->id_number, r, i, c + 4);
  copy(out->pwhash, sizeof out->pwhash, r, i, c + 5);
  out->disabled = get_bool(r, i, c + 6);
  copy(out->created, sizeof out->created, r, i, c + 7);
}

hk_status store__pg_account_add(hk_store *st, hk_account_row *row, hk_error *err)
{
  params q = {0};
  p_text(&q, row->name);
  p_int(&q, row->role);
  p_int(&q, row->jurisdiction);
  p_text(&q, row->id_number);
  p_text(&q, row->pwhash);
  p_text(&q, row->disabled ? "true" : "false");
  p_text(&q, row->created);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    "INSERT INTO account (name, role, jurisdiction, id_number, pwhash, disabled,"
                    " created) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &q, "account insert", &r, err);
  if (rc == HK_EDUPLICATE)
    return hk_error_set(err, HK_EDUPLICATE, "name", "an account named %s exists", row->name);
  if (rc == HK_OK) {
    row->id = get_int(r, 0, 0);
    PQclear(r);
  }
  return rc;
}

hk_status store__pg_account_get(hk_store *st, const char *name, hk_account_row *out, hk_error *err)
{
  params q = {0};
  p_text(&q, name);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "SELECT " ACCOUNT_COLUMNS " FROM account WHERE name = $1", &q,
                               "account read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1)
    read_account(r, 0, 0, out);
  else
    rc = hk_error_set(err, HK_ENOTFOUND, "name", "no such account");
  PQclear(r);
  return rc;
}

hk_status store__pg_account_of_person(hk_store *st, const char *id_number, hk_account_row *out,
                                      hk_error *err)
{
  params q = {0};
  p_text(&q, id_number);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(
      st, "SELECT " ACCOUNT_COLUMNS " FROM account WHERE id_number = $1 AND id_number <> ''", &q,
      "account read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1)
    read_account(r, 0, 0, out);
  else
    rc = hk_error_set(err, HK_ENOTFOUND, "id_number", "no account for this person");
  PQclear(r);
  return rc;
}

hk_status store__pg_activation_put(hk_store *st, const hk_activation_row *row, hk_error *err)
{
  params q = {0};
  p_text(&q, row->id_number);
  p_text(&q, row->code_hash);
  p_text(&q, row->issued_by);
  p_int(&q, row->expires);
  p_int(&q, row->failures);
  return store__pg_run(st,
                       "INSERT INTO activation (id_number, code_hash, issued_by, expires, failures)"
                       " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id_number) DO UPDATE SET"
                       " code_hash = $2, issued_by = $3, expires = $4, failures = $5",
                       &q, "activation write", NULL, err);
}

hk_status store__pg_activation_get(hk_store *st, const char *id_number, hk_activation_row *out,
                                   hk_error *err)
{
  params q = {0};
  p_text(&q, id_number);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st,
                               "SELECT id_number, code_hash, issued_by, expires, failures"
                               " FROM activation WHERE id_number = $1",
                               &q, "activation read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1) {
    snprintf(out->id_number, sizeof out->id_number, "%s", PQgetvalue(r, 0, 0));
    snprintf(out->code_hash, sizeof out->code_hash, "%s", PQgetvalue(r, 0, 1));
    snprintf(out->issued_by, sizeof out->issued_by, "%s", PQgetvalue(r, 0, 2));
    out->expires = get_int(r, 0, 3);
    out->failures = (int32_t)get_int(r, 0, 4);
  } else {
    rc = hk_error_set(err, HK_ENOTFOUND, "id_number", "no activation code");
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_activation_delete(hk_store *st, const char *id_number, hk_error *err)
{
  params q = {0};
  p_text(&q, id_number);
  return store__pg_run(st, "DELETE FROM activation WHERE id_number = $1", &q, "activation delete",
                       NULL, err);
}

hk_status store__pg_account_each(hk_store *st, hk_account_cb cb, void *cls, hk_error *err)
{
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "SELECT " ACCOUNT_COLUMNS " FROM account ORDER BY name", NULL,
                               "account read", &r, err);
  if (rc != HK_OK)
    return rc;
  for (int i = 0; i < PQntuples(r) && rc == HK_OK; i++) {
    hk_account_row row;
    read_account(r, i, 0, &row);
    rc = cb(&row, cls, err);
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_account_set_disabled(hk_store *st, const char *name, bool disabled,
                                         hk_error *err)
{
  params q = {0};
  p_text(&q, name);
  p_text(&q, disabled ? "true" : "false");
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "UPDATE account SET disabled = $2 WHERE name = $1", &q,
                               "account update", &r, err);
  if (rc != HK_OK)
    return rc;
  bool found = strcmp(PQcmdTuples(r), "0") != 0;
  PQclear(r);
  if (!found)
    return hk_error_set(err, HK_ENOTFOUND, "name", "no such account");
  /* Disabling ends the sessions; re-enabling releases a sign-in lock (issue 16). */
  params d = {0};
  p_text(&d, name);
  return store__pg_run(
      st,
      disabled ? "DELETE FROM session WHERE account_id = (SELECT id FROM account WHERE name = $1)"
               : "DELETE FROM signin_failure WHERE account_id = (SELECT id FROM account"
                 " WHERE name = $1)",
      &d, disabled ? "session delete" : "sign-in update", NULL, err);
}

hk_status store__pg_account_set_role(hk_store *st, const char *name, int role, int32_t jurisdiction,
                                     hk_error *err)
{
  params q = {0};
  p_text(&q, name);
  p_int(&q, role);
  p_int(&q, jurisdiction);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st, "UPDATE account SET role = $2, jurisdiction = $3 WHERE name = $1", &q,
                    "account update", &r, err);
  if (rc != HK_OK)
    return rc;
  bool found = strcmp(PQcmdTuples(r), "0") != 0;
  PQclear(r);
  return found ? HK_OK : hk_error_set(err, HK_ENOTFOUND, "name", "no such account");
}

hk_status store__pg_account_set_password(hk_store *st, const char *name, const char *pwhash,
                                         const uint8_t keep[HK_HASH_LEN], hk_error *err)
{
  params q = {0};
  p_text(&q, name);
  p_text(&q, pwhash);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "UPDATE account SET pwhash = $2 WHERE name = $1", &q,
                               "account update", &r, err);
  if (rc != HK_OK)
    return rc;
  bool found = strcmp(PQcmdTuples(r), "0") != 0;
  PQclear(r);
  if (!found)
    return hk_error_set(err, HK_ENOTFOUND, "name", "no such account");
  char h[HEX_LEN];
  params d = {0};
  p_text(&d, name);
  if (keep) {
    hex(keep, h);
    p_text(&d, h);
  } else {
    p_null(&d);
  }
  /* A NULL keep decodes to NULL, from which every hash is distinct: all sessions end. */
  return store__pg_run(st,
                       "DELETE FROM session WHERE account_id = (SELECT id FROM account WHERE"
                       " name = $1) AND token_hash IS DISTINCT FROM decode($2, 'hex')",
                       &d, "session delete", NULL, err);
}

/* ---- sessions ---- */

hk_status store__pg_session_add(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t account_id,
                                int64_t expires, hk_error *err)
{
  char h[HEX_LEN];
  hex(hash, h);
  params q = {0};
  p_text(&q, h);
  p_int(&q, account_id);
  p_int(&q, expires);
  return store__pg_run(
      st,
      "INSERT INTO session (token_hash, account_id, expires) VALUES (decode($1, 'hex'),"
      " $2, $3)",
      &q, "session insert", NULL, err);
}

hk_status store__pg_session_find(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t now,
                                 hk_account_row *out, int64_t *expires, hk_error *err)
{
  char h[HEX_LEN];
  hex(hash, h);
  params q = {0};
  p_text(&q, h);
  p_int(&q, now);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    "SELECT s.expires, a.id, a.name, a.role, a.jurisdiction, a.id_number,"
                    " a.pwhash, a.disabled, a.created FROM session s"
                    " JOIN account a ON a.id = s.account_id"
                    " WHERE s.token_hash = decode($1, 'hex') AND s.expires > $2"
                    " AND NOT a.disabled",
                    &q, "session read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1) {
    *expires = get_int(r, 0, 0);
    read_account(r, 0, 1, out);
  } else {
    rc = hk_error_set(err, HK_ENOTFOUND, "token", "no such session");
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_session_delete(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t now,
                                   hk_error *err)
{
  char h[HEX_LEN];
  hex(hash, h);
  params q = {0};
  p_text(&q, h);
  p_int(&q, now);
  return store__pg_run(st,
                       "DELETE FROM session WHERE token_hash = decode($1, 'hex') OR expires <= $2",
                       &q, "session delete", NULL, err);
}

hk_status store__pg_session_purge(hk_store *st, int64_t now, int64_t *purged, hk_error *err)
{
  params q = {0};
  p_int(&q, now);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st, "DELETE FROM session WHERE expires <= $1", &q, "session purge", &r, err);
  if (rc != HK_OK)
    return rc;
  *purged = strtoll(PQcmdTuples(r), NULL, 10);
  PQclear(r);
  return HK_OK;
}

/* ---- sign-in failures (issue 16) ---- */

hk_status store__pg_signin_get(hk_store *st, int64_t account_id, const char *address,
                               hk_signin_row *out, bool *known, hk_error *err)
{
  params q = {0};
  p_int(&q, account_id);
  p_text(&q, address);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(
      st,
      "SELECT coalesce(f.failures, 0), coalesce(f.last_failure, 0),"
      " coalesce(f.known_failures, 0), coalesce(f.known_last, 0), coalesce(f.locked_until, 0),"
      " EXISTS (SELECT 1 FROM signin_address WHERE account_id = $1 AND address = $2)::int"
      " FROM (SELECT 1) one LEFT JOIN signin_failure f ON f.account_id = $1",
      &q, "sign-in read", &r, err);
  if (rc != HK_OK)
    return rc;
  out->failures[0] = (int32_t)get_int(r, 0, 0);
  out->last_failure[0] = get_int(r, 0, 1);
  out->failures[1] = (int32_t)get_int(r, 0, 2);
  out->last_failure[1] = get_int(r, 0, 3);
  out->locked_until = get_int(r, 0, 4);
  *known = get_int(r, 0, 5) != 0;
  PQclear(r);
  return HK_OK;
}

hk_status store__pg_signin_put(hk_store *st, int64_t account_id, const hk_signin_row *row,
                               hk_error *err)
{
  params q = {0};
  p_int(&q, account_id);
  p_int(&q, row->failures[0]);
  p_int(&q, row->last_failure[0]);
  p_int(&q, row->failures[1]);
  p_int(&q, row->last_failure[1]);
  p_int(&q, row->locked_until);
  return store__pg_run(st,
                       "INSERT INTO signin_failure (account_id, failures, last_failure,"
                       " known_failures, known_last, locked_until) VALUES ($1, $2, $3, $4, $5, $6)"
                       " ON CONFLICT (account_id) DO UPDATE SET failures = $2, last_failure = $3,"
                       " known_failures = $4, known_last = $5, locked_until = $6",
                       &q, "sign-in update", NULL, err);
}

hk_status store__pg_signin_address_add(hk_store *st, int64_t account_id, const char *address,
                                       hk_error *err)
{
  params a = {0};
  p_int(&a, account_id);
  p_text(&a, address);
  return store__pg_run(st,
                       "INSERT INTO signin_address (account_id, address) VALUES ($1, $2)"
                       " ON CONFLICT DO NOTHING",
                       &a, "sign-in update", NULL, err);
}

/* ---- department keys ---- */

#define KEY_COLUMNS "id, encode(key_hash, 'hex'), department, questions, disabled, created, title"

static void read_key(PGresult *r, int i, hk_apikey_row *out)
{
  out->id = get_int(r, i, 0);
  unhex(PQgetvalue(r, i, 1), out->key_hash);
  copy(out->department, sizeof out->department, r, i, 2);
  copy(out->questions, sizeof out->questions, r, i, 3);
  out->disabled = get_bool(r, i, 4);
  copy(out->created, sizeof out->created, r, i, 5);
  copy(out->title, sizeof out->title, r, i, 6);
}

hk_status store__pg_apikey_add(hk_store *st, hk_apikey_row *row, hk_error *err)
{
  char h[HEX_LEN];
  hex(row->key_hash, h);
  params q = {0};
  p_text(&q, h);
  p_text(&q, row->department);
  p_text(&q, row->questions);
  p_text(&q, row->disabled ? "true" : "false");
  p_text(&q, row->created);
  p_text(&q, row->title);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(
      st,
      "INSERT INTO api_key (key_hash, department, questions, disabled, created, title)"
      " VALUES (decode($1, 'hex'), $2, $3, $4, $5, $6) RETURNING id",
      &q, "key insert", &r, err);
  if (rc == HK_OK) {
    row->id = get_int(r, 0, 0);
    PQclear(r);
  }
  return rc;
}

hk_status store__pg_apikey_find(hk_store *st, const uint8_t hash[HK_HASH_LEN], hk_apikey_row *out,
                                hk_error *err)
{
  char h[HEX_LEN];
  hex(hash, h);
  params q = {0};
  p_text(&q, h);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st, "SELECT " KEY_COLUMNS " FROM api_key WHERE key_hash = decode($1, 'hex')",
                    &q, "key read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1)
    read_key(r, 0, out);
  else
    rc = hk_error_set(err, HK_ENOTFOUND, "key", "no such key");
  PQclear(r);
  return rc;
}

hk_status store__pg_apikey_each(hk_store *st, hk_apikey_cb cb, void *cls, hk_error *err)
{
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "SELECT " KEY_COLUMNS " FROM api_key ORDER BY id", NULL,
                               "key read", &r, err);
  if (rc != HK_OK)
    return rc;
  for (int i = 0; i < PQntuples(r) && rc == HK_OK; i++) {
    hk_apikey_row row;
    read_key(r, i, &row);
    rc = cb(&row, cls, err);
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_apikey_revoke(hk_store *st, int64_t id, hk_error *err)
{
  params q = {0};
  p_int(&q, id);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "UPDATE api_key SET disabled = true WHERE id = $1", &q,
                               "key update", &r, err);
  if (rc != HK_OK)
    return rc;
  bool found = strcmp(PQcmdTuples(r), "1") == 0;
  PQclear(r);
  return found ? HK_OK : hk_error_set(err, HK_ENOTFOUND, "key", "no key %lld", (long long)id);
}

/* ---- the access log ---- */

hk_status store__pg_access_last(hk_store *st, int64_t *seq, uint8_t hash[HK_HASH_LEN],
                                hk_error *err)
{
  *seq = 0;
  memset(hash, 0, HK_HASH_LEN);
  /* Held to the end of the transaction: the next appender reads the tail this one leaves. */
  hk_status rc = store__pg_run(st, "LOCK TABLE access_log IN EXCLUSIVE MODE", NULL,
                               "access log lock", NULL, err);
  PGresult *r = NULL;
  if (rc == HK_OK)
    rc = store__pg_run(st,
                       "SELECT seq, encode(hash, 'hex') FROM access_log ORDER BY seq DESC LIMIT 1",
                       NULL, "access log read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1) {
    *seq = get_int(r, 0, 0);
    unhex(PQgetvalue(r, 0, 1), hash);
  }
  PQclear(r);
  return HK_OK;
}

hk_status store__pg_access_insert(hk_store *st, const hk_access *a, hk_error *err)
{
  char prev[HEX_LEN], h[HEX_LEN];
  hex(a->prev_hash, prev);
  hex(a->hash, h);
  params q = {0};
  p_int(&q, a->seq);
  p_text(&q, a->at);
  p_text(&q, a->actor);
  p_text(&q, a->role);
  p_int(&q, a->person_id);
  p_text(&q, a->subject);
  p_text(&q, a->endpoint);
  p_text(&q, a->purpose);
  p_text(&q, prev);
  p_text(&q, h);
  return store__pg_run(
      st,
      "INSERT INTO access_log (seq, at, actor, role, person_id, subject, endpoint, purpose,"
      " prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, decode($9, 'hex'),"
      " decode($10, 'hex'))",
      &q, "access log insert", NULL, err);
}

hk_status store__pg_access_each(hk_store *st, int64_t person_id, hk_access_cb cb, void *cls,
                                hk_error *err)
{
  /* Pages of 1000 by seq, so a long log is never held whole. */
  int64_t after = 0;
  hk_status rc = HK_OK;
  for (;;) {
    params q = {0};
    p_int(&q, after);
    p_int(&q, person_id);
    PGresult *r = NULL;
    rc = store__pg_run(
        st,
        "SELECT seq, at, actor, role, person_id, subject, endpoint, purpose,"
        " encode(prev_hash, 'hex'), encode(hash, 'hex') FROM access_log"
        " WHERE seq > $1 AND ($2::bigint = 0 OR person_id = $2::bigint) ORDER BY seq LIMIT 1000",
        &q, "access log read", &r, err);
    if (rc != HK_OK)
      return rc;
    int n = PQntuples(r);
    for (int i = 0; i < n && rc == HK_OK; i++) {
      hk_access a = {.seq = get_int(r, i, 0),
                     .at = PQgetvalue(r, i, 1),
                     .actor = PQgetvalue(r, i, 2),
                     .role = PQgetvalue(r, i, 3),
                     .person_id = get_int(r, i, 4),
                     .subject = PQgetvalue(r, i, 5),
                     .endpoint = PQgetvalue(r, i, 6),
                     .purpose = PQgetvalue(r, i, 7)};
      unhex(PQgetvalue(r, i, 8), a.prev_hash);
      unhex(PQgetvalue(r, i, 9), a.hash);
      after = a.seq;
      rc = cb(&a, cls, err);
    }
    PQclear(r);
    if (rc != HK_OK || n < 1000)
      return rc;
  }
}
