/* Materials on SQLite (store_material.h). The content is a BLOB in material_blob, written with
 * INSERT ... ON CONFLICT DO NOTHING so that the same bytes are kept once however often they
 * are attached; statements are prepared per call (uploads are rare next to reads of persons). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_sqlite.h"

hk_status store__sqlite_material_blob_put(hk_store *base, const uint8_t sha256[HK_HASH_LEN],
                                          const uint8_t *data, size_t size, bool *added,
                                          hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(db,
                                       "INSERT INTO material_blob (sha256, size, content)"
                                       " VALUES (?1, ?2, ?3) ON CONFLICT (sha256) DO NOTHING",
                                       &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_blob(st, 1, sha256, HK_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
  /* A zero-length blob still binds as a blob, never as NULL. */
  sqlite3_bind_blob64(st, 3, size ? (const void *)data : "", size, SQLITE_STATIC);
  int changes = 0;
  rc = store__sqlite_step_done(db, st, "material content insert", &changes, err);
  *added = rc == HK_OK && changes == 1;
  return rc;
}

hk_status store__sqlite_material_blob_get(hk_store *base, const uint8_t sha256[HK_HASH_LEN],
                                          uint8_t **data, size_t *size, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db, "SELECT content FROM material_blob WHERE sha256 = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_blob(st, 1, sha256, HK_HASH_LEN, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    const void *p = sqlite3_column_blob(st, 0);
    *data = malloc(n ? n : 1);
    if (*data == NULL) {
      rc = hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
    } else {
      if (n)
        memcpy(*data, p, n);
      *size = n;
    }
  } else if (r == SQLITE_DONE) {
    rc = hk_error_set(err, HK_ENOTFOUND, "material", "no content with this hash");
  } else {
    rc = store__sqlite_fail(db, r, "material content read", err);
  }
  sqlite3_finalize(st);
  return rc;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
  if (s && s[0])
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, i);
}

hk_status store__sqlite_material_insert(hk_store *base, hk_material_row *row, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db,
      "INSERT INTO material (sha256, size, media_type, name, uploaded_by, uploaded_at,"
      " person_id, application_id, step, step_index, fact)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_blob(st, 1, row->sha256, HK_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, row->size);
  sqlite3_bind_text(st, 3, row->media_type, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, row->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, row->uploaded_by, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, row->uploaded_at, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 7, row->person_id);
  if (row->application_id)
    sqlite3_bind_int64(st, 8, row->application_id);
  bind_text_or_null(st, 9, row->step);
  if (row->step_index >= 0)
    sqlite3_bind_int(st, 10, row->step_index);
  bind_text_or_null(st, 11, row->fact);
  rc = store__sqlite_step_done(db, st, "material insert", NULL, err);
  if (rc == HK_OK)
    row->id = sqlite3_last_insert_rowid(db);
  return rc;
}

#define MATERIAL_COLUMNS                                                                           \
  "id, sha256, size, media_type, name, uploaded_by, uploaded_at, person_id, application_id,"       \
  " step, step_index, fact"

static void copy_text(char *out, size_t size, sqlite3_stmt *st, int i)
{
  const char *s = (const char *)sqlite3_column_text(st, i);
  snprintf(out, size, "%s", s ? s : "");
}

static void read_row(sqlite3_stmt *st, hk_material_row *out)
{
  memset(out, 0, sizeof *out);
  out->id = sqlite3_column_int64(st, 0);
  if (sqlite3_column_bytes(st, 1) == HK_HASH_LEN)
    memcpy(out->sha256, sqlite3_column_blob(st, 1), HK_HASH_LEN);
  out->size = sqlite3_column_int64(st, 2);
  copy_text(out->media_type, sizeof out->media_type, st, 3);
  copy_text(out->name, sizeof out->name, st, 4);
  copy_text(out->uploaded_by, sizeof out->uploaded_by, st, 5);
  copy_text(out->uploaded_at, sizeof out->uploaded_at, st, 6);
  out->person_id = sqlite3_column_int64(st, 7);
  out->application_id = sqlite3_column_int64(st, 8);
  copy_text(out->step, sizeof out->step, st, 9);
  out->step_index = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 10);
  copy_text(out->fact, sizeof out->fact, st, 11);
}

hk_status store__sqlite_material_get(hk_store *base, int64_t id, hk_material_row *out,
                                     hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(
      db, "SELECT " MATERIAL_COLUMNS " FROM material WHERE id = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW)
    read_row(st, out);
  else if (r == SQLITE_DONE)
    rc = hk_error_set(err, HK_ENOTFOUND, "material", "no material %lld", (long long)id);
  else
    rc = store__sqlite_fail(db, r, "material read", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_material_each(hk_store *base, const hk_material_filter *f,
                                      hk_material_cb cb, void *cls, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = store__sqlite_prepare(db,
                                       "SELECT " MATERIAL_COLUMNS " FROM material"
                                       " WHERE (?1 = 0 OR application_id = ?1)"
                                       " AND (?2 = 0 OR person_id = ?2) ORDER BY id",
                                       &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, f->application_id);
  sqlite3_bind_int64(st, 2, f->person_id);
  int r = SQLITE_DONE;
  while (rc == HK_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
    hk_material_row row;
    read_row(st, &row);
    rc = cb(&row, cls, err);
  }
  if (rc == HK_OK && r != SQLITE_DONE)
    rc = store__sqlite_fail(db, r, "material list", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_material_set_step(hk_store *base, int64_t id, int step_index, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc =
      store__sqlite_prepare(db, "UPDATE material SET step_index = ?2 WHERE id = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int(st, 2, step_index);
  int changes = 0;
  rc = store__sqlite_step_done(db, st, "material update", &changes, err);
  if (rc == HK_OK && changes != 1)
    rc = hk_error_set(err, HK_ENOTFOUND, "material", "no material %lld", (long long)id);
  return rc;
}
