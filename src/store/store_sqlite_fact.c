/* Facts with provenance on SQLite (store_fact.h). The insert is on the bulk path of
 * `hukou facts import`, so its statement stays prepared (store__sqlite_cached); the rest are a
 * few rows per call. */
#include <stdbool.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_sqlite.h"

#define FACT_COLUMNS                                                                               \
  "id, person_id, kind, source, actor, department, delivery, at, recorded_on, reason,"             \
  " supersedes, supersedes_row, superseded_by, doc"

static const char insert_sql[] =
    "INSERT INTO fact (person_id, kind, source, actor, department, delivery, at, recorded_on,"
    " reason, supersedes, supersedes_row, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " ?11, ?12) ON CONFLICT (department, delivery) WHERE delivery IS NOT NULL DO NOTHING";

hk_status store__sqlite_fact_insert(hk_store *base, hk_fact_row *row, hk_error *err)
{
  hk_status rc = store__sqlite_flush(base, err);
  if (rc != HK_OK)
    return rc;
  sqlite3 *db = store__sqlite_db(base);
  int r = SQLITE_OK;
  sqlite3_stmt *st = store__sqlite_cached(base, insert_sql, &r);
  if (st == NULL)
    return store__sqlite_fail(db, r, "fact insert", err);
  sqlite3_bind_int64(st, 1, row->person_id);
  sqlite3_bind_int(st, 2, row->kind);
  sqlite3_bind_int(st, 3, row->source);
  sqlite3_bind_text(st, 4, row->actor ? row->actor : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, row->department ? row->department : "", -1, SQLITE_STATIC);
  if (row->delivery && row->delivery[0])
    sqlite3_bind_text(st, 6, row->delivery, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 6);
  sqlite3_bind_text(st, 7, row->at ? row->at : "", -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 8, row->recorded_on);
  sqlite3_bind_text(st, 9, row->reason ? row->reason : "", -1, SQLITE_STATIC);
  if (row->supersedes)
    sqlite3_bind_int64(st, 10, row->supersedes);
  else
    sqlite3_bind_null(st, 10);
  if (row->supersedes_row >= 0)
    sqlite3_bind_int(st, 11, row->supersedes_row);
  else
    sqlite3_bind_null(st, 11);
  sqlite3_bind_text(st, 12, row->doc ? row->doc : "{}", -1, SQLITE_STATIC);
  r = sqlite3_step(st);
  rc = r == SQLITE_DONE ? HK_OK : store__sqlite_fail(db, r, "fact insert", err);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  /* A delivery id already recorded: nothing inserted, and the transaction goes on. */
  if (rc == HK_OK && sqlite3_changes(db) == 0)
    return hk_error_set(err, HK_EDUPLICATE, "delivery", "already delivered");
  if (rc == HK_OK)
    row->id = sqlite3_last_insert_rowid(db);
  return rc;
}

hk_status store__sqlite_fact_supersede(hk_store *base, int64_t old_id, int64_t new_id,
                                       hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "UPDATE fact SET superseded_by = ?2 WHERE id = ?1 AND superseded_by IS NULL", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, old_id);
  sqlite3_bind_int64(st, 2, new_id);
  int changes = 0;
  rc = store__sqlite_step_done(db, st, "fact supersede", &changes, err);
  if (rc == HK_OK && changes != 1)
    rc = hk_error_set(err, HK_ECONFLICT, "entry", "entry %lld is not in force", (long long)old_id);
  return rc;
}

static const char *text_or(sqlite3_stmt *st, int i, const char *fallback)
{
  const char *s = (const char *)sqlite3_column_text(st, i);
  return s ? s : fallback;
}

/* Read the rows of st into cb; a cached statement is reset, any other finalized. */
static hk_status walk(sqlite3 *db, sqlite3_stmt *st, bool cached, hk_fact_cb cb, void *cls,
                      int *rows, hk_error *err)
{
  hk_status rc = HK_OK;
  int r;
  *rows = 0;
  while (rc == HK_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
    hk_fact_row row = {
        .id = sqlite3_column_int64(st, 0),
        .person_id = sqlite3_column_int64(st, 1),
        .kind = sqlite3_column_int(st, 2),
        .source = sqlite3_column_int(st, 3),
        .actor = text_or(st, 4, ""),
        .department = text_or(st, 5, ""),
        .delivery = text_or(st, 6, ""),
        .at = text_or(st, 7, ""),
        .recorded_on = sqlite3_column_int(st, 8),
        .reason = text_or(st, 9, ""),
        .supersedes = sqlite3_column_int64(st, 10),
        .supersedes_row =
            sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 11),
        .superseded_by = sqlite3_column_int64(st, 12),
        .doc = text_or(st, 13, "{}"),
    };
    (*rows)++;
    rc = cb(&row, cls, err);
  }
  if (rc == HK_OK && r != SQLITE_DONE)
    rc = store__sqlite_fail(db, r, "fact read", err);
  if (cached) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  } else {
    sqlite3_finalize(st);
  }
  return rc;
}

hk_status store__sqlite_fact_each(hk_store *base, int64_t person_id, hk_fact_cb cb, void *cls,
                                  hk_error *err)
{
  hk_status rc = store__sqlite_flush(base, err);
  if (rc != HK_OK)
    return rc;
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  rc = store__sqlite_prepare(db,
                             person_id ? "SELECT " FACT_COLUMNS
                                         " FROM fact WHERE person_id = ?1 ORDER BY id"
                                       : "SELECT " FACT_COLUMNS " FROM fact ORDER BY person_id, id",
                             &st, err);
  if (rc != HK_OK)
    return rc;
  if (person_id)
    sqlite3_bind_int64(st, 1, person_id);
  int rows;
  return walk(db, st, false, cb, cls, &rows, err);
}

hk_status store__sqlite_fact_by_delivery(hk_store *base, const char *department,
                                         const char *delivery, hk_fact_cb cb, void *cls,
                                         hk_error *err)
{
  /* Asked once per line of a department's delivery: the statement stays prepared. */
  static const char sql[] =
      "SELECT " FACT_COLUMNS " FROM fact WHERE department = ?1 AND delivery = ?2";
  hk_status rc = store__sqlite_flush(base, err);
  if (rc != HK_OK)
    return rc;
  sqlite3 *db = store__sqlite_db(base);
  int r = SQLITE_OK;
  sqlite3_stmt *st = store__sqlite_cached(base, sql, &r);
  if (st == NULL)
    return store__sqlite_fail(db, r, "fact read", err);
  sqlite3_bind_text(st, 1, department, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, delivery, -1, SQLITE_STATIC);
  int rows = 0;
  rc = walk(db, st, true, cb, cls, &rows, err);
  if (rc == HK_OK && rows == 0)
    rc = hk_error_set(err, HK_ENOTFOUND, "delivery", "no such delivery");
  return rc;
}
