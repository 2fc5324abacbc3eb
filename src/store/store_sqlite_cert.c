/* Electronic certificates on SQLite (store_cert.h). A few rows per service call; statements
 * are prepared per call. A write transaction (BEGIN IMMEDIATE) excludes every other writer, so
 * the next index read in it cannot be drawn twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_sqlite.h"

#define CERT_COLUMNS                                                                               \
  "id, cert_id, type, person, issuer, issued_at, valid_from, valid_until, claims, token, kid,"     \
  " status, status_reason, status_at, source"

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
  const char *s = (const char *)sqlite3_column_text(st, col);
  snprintf(dst, size, "%s", s ? s : "");
}

/* The row at st's cursor; claims and token are copied only when owned is set (a lent row points
 * into the statement). */
static void read_row(sqlite3_stmt *st, hk_cert_row *out, bool owned)
{
  memset(out, 0, sizeof *out);
  out->id = sqlite3_column_int64(st, 0);
  copy_text(out->cert_id, sizeof out->cert_id, st, 1);
  out->type = sqlite3_column_int(st, 2);
  copy_text(out->person, sizeof out->person, st, 3);
  out->issuer = sqlite3_column_int(st, 4);
  out->issued_at = sqlite3_column_int64(st, 5);
  out->valid_from = sqlite3_column_int64(st, 6);
  out->valid_until = sqlite3_column_int64(st, 7);
  const char *claims = (const char *)sqlite3_column_text(st, 8);
  const char *token = (const char *)sqlite3_column_text(st, 9);
  if (owned) {
    out->claims = strdup(claims ? claims : "{}");
    out->token = token ? strdup(token) : NULL;
  } else {
    out->claims = (char *)(claims ? claims : "{}");
    out->token = (char *)token;
  }
  copy_text(out->kid, sizeof out->kid, st, 10);
  out->status = sqlite3_column_int(st, 11);
  copy_text(out->status_reason, sizeof out->status_reason, st, 12);
  out->status_at = sqlite3_column_int64(st, 13);
  copy_text(out->source, sizeof out->source, st, 14);
}

hk_status store__sqlite_cert_next_index(hk_store *base, int64_t *index, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db, "SELECT coalesce(max(id), 0) + 1 FROM certificate", &st, err);
  if (rc != HK_OK)
    return rc;
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW)
    *index = sqlite3_column_int64(st, 0);
  else
    rc = store__sqlite_fail(db, r, "certificate index", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_cert_insert(hk_store *base, const hk_cert_row *row, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db,
      "INSERT INTO certificate (id, cert_id, type, person, issuer, issued_at, valid_from,"
      " valid_until, claims, status, status_reason, status_at, source)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
      &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, row->id);
  sqlite3_bind_text(st, 2, row->cert_id, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, row->type);
  sqlite3_bind_text(st, 4, row->person, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, row->issuer);
  sqlite3_bind_int64(st, 6, row->issued_at);
  sqlite3_bind_int64(st, 7, row->valid_from);
  sqlite3_bind_int64(st, 8, row->valid_until);
  sqlite3_bind_text(st, 9, row->claims ? row->claims : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 10, row->status);
  sqlite3_bind_text(st, 11, row->status_reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 12, row->status_at);
  sqlite3_bind_text(st, 13, row->source, -1, SQLITE_STATIC);
  return store__sqlite_step_done(db, st, "certificate insert", NULL, err);
}

hk_status store__sqlite_cert_get(hk_store *base, const char *cert_id, hk_cert_row *out,
                                 hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "SELECT " CERT_COLUMNS " FROM certificate WHERE cert_id = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, cert_id, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    read_row(st, out, true);
    if (out->claims == NULL)
      rc = hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  } else if (r == SQLITE_DONE) {
    rc = hk_error_set(err, HK_ENOTFOUND, "certificate", "no such certificate");
  } else {
    rc = store__sqlite_fail(db, r, "certificate read", err);
  }
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_cert_each_person(hk_store *base, const char *person, hk_cert_row_cb cb,
                                         void *cls, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "SELECT " CERT_COLUMNS " FROM certificate WHERE person = ?1 ORDER BY id DESC", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, person, -1, SQLITE_STATIC);
  int r;
  while (rc == HK_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
    hk_cert_row row;
    read_row(st, &row, false);
    rc = cb(&row, cls, err);
  }
  if (rc == HK_OK && r != SQLITE_DONE)
    rc = store__sqlite_fail(db, r, "certificate list", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_cert_set_status(hk_store *base, int64_t id, int status, const char *reason,
                                        int64_t at, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(db,
                                       "UPDATE certificate SET status = ?2, status_reason = ?3,"
                                       " status_at = ?4 WHERE id = ?1",
                                       &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int(st, 2, status);
  sqlite3_bind_text(st, 3, reason ? reason : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, at);
  int changes = 0;
  rc = store__sqlite_step_done(db, st, "certificate status", &changes, err);
  if (rc == HK_OK && changes != 1)
    rc = hk_error_set(err, HK_ENOTFOUND, "certificate", "no certificate %lld", (long long)id);
  return rc;
}

hk_status store__sqlite_cert_set_token(hk_store *base, int64_t id, const char *token,
                                       const char *kid, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "UPDATE certificate SET token = ?2, kid = ?3 WHERE id = ?1 AND token IS NULL", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, kid, -1, SQLITE_STATIC);
  return store__sqlite_step_done(db, st, "certificate token", NULL, err);
}

hk_status store__sqlite_cert_statuses(hk_store *base, uint8_t **statuses, size_t *n, hk_error *err)
{
  int64_t next = 1;
  hk_status rc = store__sqlite_cert_next_index(base, &next, err);
  if (rc != HK_OK)
    return rc;
  uint8_t *list = calloc((size_t)next, 1);
  if (list == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  /* Only the withdrawn rows: the partial index certificate_withdrawn holds exactly these. */
  rc = store__sqlite_prepare(db, "SELECT id, status FROM certificate WHERE status <> 0", &st, err);
  if (rc != HK_OK) {
    free(list);
    return rc;
  }
  int r;
  while ((r = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    if (id > 0 && id < next)
      list[id] = (uint8_t)sqlite3_column_int(st, 1);
  }
  if (r != SQLITE_DONE)
    rc = store__sqlite_fail(db, r, "certificate statuses", err);
  sqlite3_finalize(st);
  if (rc != HK_OK) {
    free(list);
    return rc;
  }
  *statuses = list;
  *n = (size_t)next;
  return HK_OK;
}
