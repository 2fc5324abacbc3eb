/* Applications and residence permits on SQLite (store_app.h). Statements are prepared per call:
 * these are a few rows per service call, not the bulk path. A write transaction (BEGIN
 * IMMEDIATE) already excludes every other writer, so a "locked" read needs nothing more. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_sqlite.h"

static void bind_day(sqlite3_stmt *st, int i, hk_date d)
{
  if (d == HK_DATE_NONE || d == HK_DATE_OPEN)
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_int(st, i, d);
}

hk_status store__sqlite_app_insert(hk_store *base, hk_app_row *row, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db,
                            "INSERT INTO application (person_id, kind, target, state, submitted_on,"
                            " due_on, doc, filed_in) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                            " CAST(json_extract(?7, '$.filed_in') AS INTEGER))",
                            &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, row->person_id);
  sqlite3_bind_int(st, 2, row->kind);
  sqlite3_bind_int(st, 3, row->target);
  sqlite3_bind_int(st, 4, row->state);
  bind_day(st, 5, row->submitted_on);
  bind_day(st, 6, row->due_on);
  sqlite3_bind_text(st, 7, row->doc ? row->doc : "{}", -1, SQLITE_STATIC);
  rc = store__sqlite_step_done(db, st, "application insert", NULL, err);
  if (rc == HK_OK)
    row->id = sqlite3_last_insert_rowid(db);
  return rc;
}

#define APP_COLUMNS "id, person_id, kind, target, state, submitted_on, due_on, doc"

static void read_row(sqlite3_stmt *st, hk_app_row *out, bool copy_doc)
{
  out->id = sqlite3_column_int64(st, 0);
  out->person_id = sqlite3_column_int64(st, 1);
  out->kind = sqlite3_column_int(st, 2);
  out->target = sqlite3_column_int(st, 3);
  out->state = sqlite3_column_int(st, 4);
  out->submitted_on = store__sqlite_column_day(st, 5);
  out->due_on = store__sqlite_column_day(st, 6);
  const char *doc = (const char *)sqlite3_column_text(st, 7);
  out->doc = copy_doc ? strdup(doc ? doc : "{}") : (char *)(doc ? doc : "{}");
}

hk_status store__sqlite_app_get(hk_store *base, int64_t id, bool lock, hk_app_row *out,
                                hk_error *err)
{
  (void)lock;
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db, "SELECT " APP_COLUMNS " FROM application WHERE id = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    read_row(st, out, true);
    if (out->doc == NULL)
      rc = hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  } else if (r == SQLITE_DONE) {
    rc = hk_error_set(err, HK_ENOTFOUND, "application", "no application %lld", (long long)id);
  } else {
    rc = store__sqlite_fail(db, r, "application read", err);
  }
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_app_update(hk_store *base, const hk_app_row *row, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "UPDATE application SET state = ?2, due_on = ?3, doc = ?4 WHERE id = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, row->id);
  sqlite3_bind_int(st, 2, row->state);
  bind_day(st, 3, row->due_on);
  sqlite3_bind_text(st, 4, row->doc ? row->doc : "{}", -1, SQLITE_STATIC);
  int changes = 0;
  rc = store__sqlite_step_done(db, st, "application update", &changes, err);
  if (rc == HK_OK && changes != 1)
    rc = hk_error_set(err, HK_ENOTFOUND, "application", "no application %lld", (long long)row->id);
  return rc;
}

hk_status store__sqlite_app_each(hk_store *base, const hk_app_filter *f, hk_app_cb cb, void *cls,
                                 hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  /* Unused conditions are switched off by their parameters, so one statement serves every
   * filter; the (target, state) and (person_id) indexes carry the two common lists. */
  hk_status rc = store__sqlite_prepare(db,
                                       "SELECT " APP_COLUMNS " FROM application"
                                       " WHERE (?1 = 0 OR target BETWEEN ?1 AND ?2)"
                                       " AND (?3 = 0 OR person_id = ?3)"
                                       " AND (?4 = 0 OR ((?4 >> state) & 1) = 1)"
                                       " AND (?5 IS NULL OR (due_on IS NOT NULL AND due_on < ?5))"
                                       " ORDER BY id LIMIT ?6",
                                       &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int(st, 1, f->target_lo);
  sqlite3_bind_int(st, 2, f->target_hi);
  sqlite3_bind_int64(st, 3, f->person_id);
  sqlite3_bind_int64(st, 4, f->state_mask);
  bind_day(st, 5, f->due_before == 0 ? HK_DATE_NONE : f->due_before);
  sqlite3_bind_int64(st, 6, f->limit ? (int64_t)f->limit : -1);
  int r = SQLITE_DONE;
  while (rc == HK_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
    hk_app_row row;
    read_row(st, &row, false);
    rc = cb(&row, cls, err);
  }
  if (rc == HK_OK && r != SQLITE_DONE)
    rc = store__sqlite_fail(db, r, "application list", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_permit_insert(hk_store *base, const hk_permit_row *row, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db,
                            "INSERT INTO residence_permit (number, person_id, division, issued_on,"
                            " application_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                            &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, row->number, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, row->person_id);
  sqlite3_bind_int(st, 3, row->division);
  bind_day(st, 4, row->issued_on);
  if (row->application_id)
    sqlite3_bind_int64(st, 5, row->application_id);
  return store__sqlite_step_done(db, st, "permit insert", NULL, err);
}

hk_status store__sqlite_permit_latest(hk_store *base, int64_t person_id, hk_permit_row *out,
                                      hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db,
                            "SELECT number, person_id, division, issued_on, application_id"
                            " FROM residence_permit WHERE person_id = ?1"
                            " ORDER BY issued_on DESC, number DESC LIMIT 1",
                            &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person_id);
  int r = sqlite3_step(st);
  memset(out, 0, sizeof *out);
  if (r == SQLITE_ROW) {
    snprintf(out->number, sizeof out->number, "%s", (const char *)sqlite3_column_text(st, 0));
    out->person_id = sqlite3_column_int64(st, 1);
    out->division = sqlite3_column_int(st, 2);
    out->issued_on = store__sqlite_column_day(st, 3);
    out->application_id = sqlite3_column_int64(st, 4);
  } else if (r == SQLITE_DONE) {
    rc = hk_error_set(err, HK_ENOTFOUND, "permit", "no residence permit on record");
  } else {
    rc = store__sqlite_fail(db, r, "permit read", err);
  }
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_permit_set_division(hk_store *base, const char *number, int32_t division,
                                            hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "UPDATE residence_permit SET division = ?2 WHERE number = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, division);
  int changes = 0;
  rc = store__sqlite_step_done(db, st, "permit update", &changes, err);
  if (rc == HK_OK && changes != 1)
    rc = hk_error_set(err, HK_ENOTFOUND, "permit", "no such permit number");
  return rc;
}

hk_status store__sqlite_permit_count_prefix(hk_store *base, const char *prefix, int64_t *count,
                                            hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  /* A range over the primary key rather than LIKE, which SQLite's default collation would not
   * answer from the index. Numbers are ASCII digits and dashes, so prefix + '~' bounds them. */
  hk_status rc = store__sqlite_prepare(
      db, "SELECT count(*) FROM residence_permit WHERE number >= ?1 AND number < ?1 || '~'", &st,
      err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW)
    *count = sqlite3_column_int64(st, 0);
  else
    rc = store__sqlite_fail(db, r, "permit count", err);
  sqlite3_finalize(st);
  return rc;
}
