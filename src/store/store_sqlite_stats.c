/* Population statistics on SQLite (stats.h). The count walks the current hukou registrations
 * and the ongoing residence registrations side by side in person order (both tables are
 * clustered by person), so it reads each table once, without a join or a sort. The result is
 * kept in two small tables, created on first use, with the last event's sequence number. */
#include "store/stats_int.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_sqlite.h"

static hk_status one_int(sqlite3 *db, const char *sql, int64_t *out, hk_error *err)
{
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK)
    return store__sqlite_fail(db, rc, "stats", err);
  rc = sqlite3_step(st);
  *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? HK_OK : store__sqlite_fail(db, rc, "stats", err);
}

/* The kept summary, when it reflects event `last`. false when there is none (or a stale one). */
static bool read_kept(sqlite3 *db, int64_t last, hk_stats_summary *out)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT key, value FROM stats_meta", -1, &st, NULL) != SQLITE_OK)
    return false; /* never counted here */
  int64_t seq = -1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(st, 0);
    int64_t v = sqlite3_column_int64(st, 1);
    if (strcmp(key, "event_seq") == 0)
      seq = v;
    else if (strcmp(key, "persons") == 0)
      out->persons = v;
    else if (strcmp(key, "households") == 0)
      out->households = v;
    else if (strcmp(key, "family_households") == 0)
      out->family_households = v;
    else if (strcmp(key, "collective_households") == 0)
      out->collective_households = v;
  }
  sqlite3_finalize(st);
  if (seq != last)
    return false;
  int64_t n = 0;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM stats_area", -1, &st, NULL) != SQLITE_OK)
    return false;
  if (sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  out->areas = calloc(n ? (size_t)n : 1, sizeof *out->areas);
  if (out->areas == NULL)
    return false;
  if (sqlite3_prepare_v2(db,
                         "SELECT division, registered, resident, floating, floating_interprovince"
                         " FROM stats_area ORDER BY division",
                         -1, &st, NULL) != SQLITE_OK)
    return false;
  size_t i = 0;
  while (i < (size_t)n && sqlite3_step(st) == SQLITE_ROW) {
    out->areas[i++] = (hk_stats_area){.division = sqlite3_column_int(st, 0),
                                      .registered = sqlite3_column_int64(st, 1),
                                      .resident = sqlite3_column_int64(st, 2),
                                      .floating = sqlite3_column_int64(st, 3),
                                      .floating_interprovince = sqlite3_column_int64(st, 4)};
  }
  sqlite3_finalize(st);
  out->n_areas = i;
  out->as_of_event = last;
  out->from_cache = true;
  return true;
}

/* Step a (person_id, division) select to the last row of the next person; false at the end. */
typedef struct cursor {
  sqlite3_stmt *st;
  int rc;
  int64_t person; /* the current row's person, or INT64_MAX at the end */
  int32_t division;
} cursor;

static void cursor_step(cursor *c)
{
  c->rc = sqlite3_step(c->st);
  if (c->rc == SQLITE_ROW) {
    c->person = sqlite3_column_int64(c->st, 0);
    c->division = sqlite3_column_int(c->st, 1);
  } else {
    c->person = INT64_MAX;
  }
}

/* The current division of the person under the cursor (the last of their open rows), moving on
 * past them. */
static int32_t cursor_take(cursor *c)
{
  int64_t person = c->person;
  int32_t division = c->division;
  for (cursor_step(c); c->person == person; cursor_step(c))
    division = c->division;
  return division;
}

static hk_status count(sqlite3 *db, int64_t last, hk_stats_summary *out, hk_error *err)
{
  store_tally tally;
  hk_status rc = store__tally_init(&tally, err);
  if (rc != HK_OK)
    return rc;
  cursor hk = {0}, res = {0};
  int src = sqlite3_prepare_v2(db,
                               "SELECT person_id, division FROM hukou WHERE valid_to IS NULL"
                               " ORDER BY person_id, seq",
                               -1, &hk.st, NULL);
  if (src == SQLITE_OK)
    src = sqlite3_prepare_v2(db,
                             "SELECT person_id, division FROM residence WHERE valid_to IS NULL"
                             " ORDER BY person_id, seq",
                             -1, &res.st, NULL);
  if (src != SQLITE_OK) {
    rc = store__sqlite_fail(db, src, "stats", err);
    goto done;
  }
  cursor_step(&hk);
  cursor_step(&res);
  while (hk.person != INT64_MAX || res.person != INT64_MAX) {
    int32_t hukou = 0, live = 0;
    if (hk.person <= res.person) {
      int64_t person = hk.person;
      hukou = cursor_take(&hk);
      if (res.person == person)
        live = cursor_take(&res);
    } else {
      live = cursor_take(&res); /* living here with no hukou on record */
    }
    store__tally_add(&tally, hukou, live, 1);
  }
  if ((hk.rc != SQLITE_DONE && hk.rc != SQLITE_ROW) ||
      (res.rc != SQLITE_DONE && res.rc != SQLITE_ROW)) {
    rc = store__sqlite_fail(db, hk.rc != SQLITE_DONE ? hk.rc : res.rc, "stats", err);
    goto done;
  }
  if ((rc = store__tally_finish(&tally, out, err)) != HK_OK)
    goto done;
  if ((rc = one_int(db, "SELECT count(*) FROM person WHERE died_on IS NULL", &out->persons, err)))
    goto done;
  /* One pass over the households for both kinds (1 family, 2 collective: core/person.h). */
  sqlite3_stmt *kinds;
  if ((src = sqlite3_prepare_v2(
           db, "SELECT kind, count(*) FROM household WHERE dissolved_on IS NULL GROUP BY kind", -1,
           &kinds, NULL)) != SQLITE_OK) {
    rc = store__sqlite_fail(db, src, "stats", err);
    goto done;
  }
  while ((src = sqlite3_step(kinds)) == SQLITE_ROW) {
    int64_t k = sqlite3_column_int64(kinds, 0), c = sqlite3_column_int64(kinds, 1);
    out->households += c;
    if (k == HK_HOUSEHOLD_FAMILY)
      out->family_households += c;
    else if (k == HK_HOUSEHOLD_COLLECTIVE)
      out->collective_households += c;
  }
  sqlite3_finalize(kinds);
  if (src != SQLITE_DONE) {
    rc = store__sqlite_fail(db, src, "stats", err);
    goto done;
  }
  out->as_of_event = last;
done:
  sqlite3_finalize(hk.st);
  sqlite3_finalize(res.st);
  store__tally_free(&tally);
  return rc;
}

/* Keep the summary for the next reader. A failure here costs only speed, so it is ignored. */
static void keep(sqlite3 *db, const hk_stats_summary *s)
{
  if (sqlite3_db_readonly(db, "main") != 0)
    return;
  if (sqlite3_exec(db,
                   "BEGIN IMMEDIATE;"
                   "CREATE TABLE IF NOT EXISTS stats_meta (key TEXT PRIMARY KEY, value INTEGER);"
                   "CREATE TABLE IF NOT EXISTS stats_area (division INTEGER PRIMARY KEY,"
                   " registered INTEGER, resident INTEGER, floating INTEGER,"
                   " floating_interprovince INTEGER);"
                   "DELETE FROM stats_meta; DELETE FROM stats_area;",
                   NULL, NULL, NULL) != SQLITE_OK) {
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return;
  }
  sqlite3_stmt *meta = NULL, *area = NULL;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO stats_meta VALUES (?1, ?2)", -1, &meta, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db, "INSERT INTO stats_area VALUES (?1, ?2, ?3, ?4, ?5)", -1, &area,
                            NULL);
  const struct {
    const char *key;
    int64_t value;
  } kv[] = {{"event_seq", s->as_of_event},
            {"persons", s->persons},
            {"households", s->households},
            {"family_households", s->family_households},
            {"collective_households", s->collective_households}};
  for (size_t i = 0; rc == SQLITE_OK && i < sizeof kv / sizeof kv[0]; i++) {
    sqlite3_reset(meta);
    sqlite3_bind_text(meta, 1, kv[i].key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(meta, 2, kv[i].value);
    rc = sqlite3_step(meta) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  }
  for (size_t i = 0; rc == SQLITE_OK && i < s->n_areas; i++) {
    const hk_stats_area *a = &s->areas[i];
    sqlite3_reset(area);
    sqlite3_bind_int(area, 1, a->division);
    sqlite3_bind_int64(area, 2, a->registered);
    sqlite3_bind_int64(area, 3, a->resident);
    sqlite3_bind_int64(area, 4, a->floating);
    sqlite3_bind_int64(area, 5, a->floating_interprovince);
    rc = sqlite3_step(area) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  }
  sqlite3_finalize(meta);
  sqlite3_finalize(area);
  sqlite3_exec(db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
}

hk_status store__sqlite_stats_summary(hk_store *st, bool refresh, hk_stats_summary *out,
                                      hk_error *err)
{
  sqlite3 *db = store__sqlite_db(st);
  int64_t last = 0;
  hk_status rc = one_int(db, "SELECT coalesce(max(seq), 0) FROM event", &last, err);
  if (rc != HK_OK)
    return rc;
  if (!refresh && read_kept(db, last, out))
    return HK_OK;
  hk_stats_summary_free(out);
  if ((rc = count(db, last, out, err)) != HK_OK)
    return rc;
  keep(db, out);
  return HK_OK;
}
