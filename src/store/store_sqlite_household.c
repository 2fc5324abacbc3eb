/* Households and hukou moves on SQLite (store_household.h). Statements are prepared per call:
 * a few rows per service call. The buffered history inserts of store_sqlite.c are written
 * first, so a person added earlier in the same transaction is seen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_sqlite.h"

static hk_status prepare(hk_store *base, const char *sql, sqlite3_stmt **st, hk_error *err)
{
  hk_status rc = store__sqlite_flush(base, err);
  if (rc != HK_OK)
    return rc;
  sqlite3 *db = store__sqlite_db(base);
  int r = sqlite3_prepare_v2(db, sql, -1, st, NULL);
  return r == SQLITE_OK ? HK_OK : store__sqlite_fail(db, r, "prepare", err);
}

static void bind_day(sqlite3_stmt *st, int i, hk_date d)
{
  if (d == HK_DATE_NONE || d == HK_DATE_OPEN || d == 0)
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_int(st, i, d);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
  if (s && s[0])
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, i);
}

static void bind_tri(sqlite3_stmt *st, int i, hk_tri t)
{
  if (t == HK_TRI_UNSET)
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_int(st, i, t == HK_TRI_TRUE);
}

static hk_tri column_tri(sqlite3_stmt *st, int i)
{
  if (sqlite3_column_type(st, i) == SQLITE_NULL)
    return HK_TRI_UNSET;
  return sqlite3_column_int(st, i) ? HK_TRI_TRUE : HK_TRI_FALSE;
}

static void column_text(sqlite3_stmt *st, int i, char *out, size_t size)
{
  const char *s = (const char *)sqlite3_column_text(st, i);
  snprintf(out, size, "%s", s ? s : "");
}

hk_status store__sqlite_household_insert(hk_store *base, hk_household_row *row, hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  sqlite3_stmt *st;
  hk_status rc = prepare(base,
                         "INSERT INTO household (household_no, kind, division, head_person, owner,"
                         " owner_code, owner_name, address, urban, created_on, dissolved_on)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                         &st, err);
  if (rc != HK_OK)
    return rc;
  bind_text(st, 1, row->number);
  sqlite3_bind_int(st, 2, row->kind);
  sqlite3_bind_int(st, 3, row->division);
  if (row->head_person)
    sqlite3_bind_int64(st, 4, row->head_person);
  sqlite3_bind_int(st, 5, row->owner);
  bind_text(st, 6, row->owner_code);
  bind_text(st, 7, row->owner_name);
  bind_text(st, 8, row->address);
  bind_tri(st, 9, row->urban);
  bind_day(st, 10, row->created_on);
  bind_day(st, 11, row->dissolved_on);
  rc = store__sqlite_step_done(db, st, "household insert", NULL, err);
  if (rc == HK_OK)
    row->id = sqlite3_last_insert_rowid(db);
  return rc;
}

#define HH_COLUMNS                                                                                 \
  "id, household_no, kind, division, head_person, owner, owner_code, owner_name, address, urban,"  \
  " created_on, dissolved_on"

static void read_household(sqlite3_stmt *st, hk_household_row *out)
{
  out->id = sqlite3_column_int64(st, 0);
  column_text(st, 1, out->number, sizeof out->number);
  out->kind = sqlite3_column_int(st, 2);
  out->division = sqlite3_column_int(st, 3);
  out->head_person = sqlite3_column_int64(st, 4);
  out->owner = sqlite3_column_int(st, 5);
  column_text(st, 6, out->owner_code, sizeof out->owner_code);
  column_text(st, 7, out->owner_name, sizeof out->owner_name);
  column_text(st, 8, out->address, sizeof out->address);
  out->urban = column_tri(st, 9);
  out->created_on = store__sqlite_column_day(st, 10);
  out->dissolved_on = store__sqlite_column_day(st, 11);
}

/* Step a statement that selects one household. */
static hk_status one_household(hk_store *base, sqlite3_stmt *st, hk_household_row *out,
                               hk_error *err)
{
  int r = sqlite3_step(st);
  hk_status rc = HK_OK;
  if (r == SQLITE_ROW)
    read_household(st, out);
  else if (r == SQLITE_DONE)
    rc = hk_error_set(err, HK_ENOTFOUND, "household", "no such household");
  else
    rc = store__sqlite_fail(store__sqlite_db(base), r, "household read", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_household_get(hk_store *base, int64_t id, const char *number, bool lock,
                                      hk_household_row *out, hk_error *err)
{
  (void)lock; /* a write transaction excludes every other writer */
  sqlite3_stmt *st;
  hk_status rc = prepare(base,
                         id ? "SELECT " HH_COLUMNS " FROM household WHERE id = ?1"
                            : "SELECT " HH_COLUMNS " FROM household WHERE household_no = ?1",
                         &st, err);
  if (rc != HK_OK)
    return rc;
  if (id)
    sqlite3_bind_int64(st, 1, id);
  else
    sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
  return one_household(base, st, out, err);
}

hk_status store__sqlite_household_find_owner(hk_store *base, int owner, int32_t division,
                                             const char *owner_code, bool lock,
                                             hk_household_row *out, hk_error *err)
{
  (void)lock;
  sqlite3_stmt *st;
  hk_status rc = prepare(base,
                         "SELECT " HH_COLUMNS " FROM household WHERE owner = ?1 AND division = ?2"
                         " AND coalesce(owner_code, '') = ?3 AND dissolved_on IS NULL"
                         " ORDER BY id LIMIT 1",
                         &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int(st, 1, owner);
  sqlite3_bind_int(st, 2, division);
  sqlite3_bind_text(st, 3, owner_code, -1, SQLITE_STATIC);
  return one_household(base, st, out, err);
}

hk_status store__sqlite_household_update(hk_store *base, const hk_household_row *row, hk_error *err)
{
  sqlite3_stmt *st;
  hk_status rc = prepare(base,
                         "UPDATE household SET head_person = ?2, address = ?3, owner_name = ?4,"
                         " urban = ?5, dissolved_on = ?6 WHERE id = ?1",
                         &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, row->id);
  if (row->head_person)
    sqlite3_bind_int64(st, 2, row->head_person);
  bind_text(st, 3, row->address);
  bind_text(st, 4, row->owner_name);
  bind_tri(st, 5, row->urban);
  bind_day(st, 6, row->dissolved_on);
  int changes = 0;
  rc = store__sqlite_step_done(store__sqlite_db(base), st, "household update", &changes, err);
  if (rc == HK_OK && changes != 1)
    rc = hk_error_set(err, HK_ENOTFOUND, "household", "no such household");
  return rc;
}

hk_status store__sqlite_household_count_prefix(hk_store *base, const char *prefix, int64_t *count,
                                               hk_error *err)
{
  sqlite3_stmt *st;
  /* A range over the unique index: numbers are digits and dashes, so prefix + '~' bounds them. */
  hk_status rc = prepare(
      base, "SELECT count(*) FROM household WHERE household_no >= ?1 AND household_no < ?1 || '~'",
      &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW)
    *count = sqlite3_column_int64(st, 0);
  else
    rc = store__sqlite_fail(store__sqlite_db(base), r, "household count", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_household_members(hk_store *base, int64_t household_id, hk_member_cb cb,
                                          void *cls, hk_error *err)
{
  sqlite3_stmt *st;
  hk_status rc = prepare(base,
                         "SELECT p.id, p.id_number, p.name, p.birth_date, h.urban, h.valid_from"
                         " FROM hukou h JOIN person p ON p.id = h.person_id"
                         " WHERE h.household_id = ?1 AND h.valid_to IS NULL ORDER BY p.id",
                         &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, household_id);
  int r = SQLITE_DONE;
  while (rc == HK_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
    hk_member_row m = {.person_id = sqlite3_column_int64(st, 0)};
    column_text(st, 1, m.id_number, sizeof m.id_number);
    column_text(st, 2, m.name, sizeof m.name);
    m.birth_date = sqlite3_column_int(st, 3);
    m.urban = column_tri(st, 4);
    m.since = store__sqlite_column_day(st, 5);
    rc = cb(&m, cls, err);
  }
  if (rc == HK_OK && r != SQLITE_DONE)
    rc = store__sqlite_fail(store__sqlite_db(base), r, "household members", err);
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_hukou_current(hk_store *base, int64_t person_id, hk_hukou_row *out,
                                      hk_error *err)
{
  sqlite3_stmt *st;
  hk_status rc = prepare(base,
                         "SELECT seq, household_id, division, urban, valid_from FROM hukou"
                         " WHERE person_id = ?1 AND valid_to IS NULL ORDER BY seq DESC LIMIT 1",
                         &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person_id);
  int r = sqlite3_step(st);
  if (r == SQLITE_ROW) {
    out->person_id = person_id;
    out->seq = sqlite3_column_int(st, 0);
    out->household_id = sqlite3_column_int64(st, 1);
    out->division = sqlite3_column_int(st, 2);
    out->urban = column_tri(st, 3);
    out->valid_from = store__sqlite_column_day(st, 4);
  } else if (r == SQLITE_DONE) {
    rc = hk_error_set(err, HK_ENOTFOUND, "hukou", "no hukou registration in force");
  } else {
    rc = store__sqlite_fail(store__sqlite_db(base), r, "hukou read", err);
  }
  sqlite3_finalize(st);
  return rc;
}

hk_status store__sqlite_hukou_close(hk_store *base, int64_t person_id, hk_date on, int ended,
                                    hk_error *err)
{
  sqlite3_stmt *st;
  hk_status rc = prepare(base,
                         "UPDATE hukou SET valid_to = ?2, ended = ?3"
                         " WHERE person_id = ?1 AND valid_to IS NULL",
                         &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person_id);
  sqlite3_bind_int(st, 2, on);
  sqlite3_bind_int(st, 3, ended);
  int changes = 0;
  rc = store__sqlite_step_done(store__sqlite_db(base), st, "hukou close", &changes, err);
  if (rc == HK_OK && changes == 0)
    rc = hk_error_set(err, HK_ENOTFOUND, "hukou", "no hukou registration in force");
  return rc;
}

hk_status store__sqlite_hukou_open(hk_store *base, int64_t person_id, int64_t household_id,
                                   int32_t division, hk_tri urban, hk_date on, hk_error *err)
{
  hk_hukou_row cur;
  hk_status rc = store__sqlite_hukou_current(base, person_id, &cur, err);
  if (rc == HK_OK)
    return hk_error_set(err, HK_ECONFLICT, "hukou", "a hukou registration is still in force");
  if (rc != HK_ENOTFOUND)
    return rc;
  sqlite3_stmt *st;
  rc = prepare(base,
               "INSERT INTO hukou (person_id, seq, household_id, division, urban, valid_from,"
               " valid_to, ended) SELECT ?1, coalesce(max(seq) + 1, 0), ?2, ?3, ?4, ?5, NULL, 0"
               " FROM hukou WHERE person_id = ?1",
               &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person_id);
  sqlite3_bind_int64(st, 2, household_id);
  sqlite3_bind_int(st, 3, division);
  bind_tri(st, 4, urban);
  bind_day(st, 5, on);
  return store__sqlite_step_done(store__sqlite_db(base), st, "hukou insert", NULL, err);
}

hk_status store__sqlite_person_set_died(hk_store *base, int64_t person_id, hk_date died_on,
                                        hk_error *err)
{
  sqlite3_stmt *st;
  hk_status rc = prepare(base, "UPDATE person SET died_on = ?2 WHERE id = ?1", &st, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person_id);
  bind_day(st, 2, died_on);
  int changes = 0;
  rc = store__sqlite_step_done(store__sqlite_db(base), st, "person update", &changes, err);
  if (rc == HK_OK && changes != 1)
    rc = hk_error_set(err, HK_ENOTFOUND, "person", "no person with row %lld", (long long)person_id);
  return rc;
}
