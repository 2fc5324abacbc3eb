/* store_sqlite_sql.c — the statement helpers the SQLite backend's files share: one mapping of
 * SQLite's result codes to the store's, prepare, run-to-done, and a nullable day column. */
#include "store/store_sqlite.h"

#include <string.h>

hk_status store__sqlite_fail(sqlite3 *db, int rc, const char *what, hk_error *err)
{
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return hk_error_set(err, HK_ERETRY, NULL, "%s: database busy", what);
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
    return hk_error_set(err, HK_EDUPLICATE, NULL, "%s: already exists", what);
  if (primary == SQLITE_FULL)
    return hk_error_set(err, HK_EIO, NULL, "%s: disk full", what);
  /* What failed, in words an operator acts on (issue 16, I/O faults): the file refused, or the
   * system call's own error (ENOSPC when the WAL index cannot grow, EIO). No path: this text
   * reaches API clients. */
  if (primary == SQLITE_READONLY)
    return hk_error_set(err, HK_EIO, NULL, "%s: the registry file or its directory is read-only",
                        what);
  if (primary == SQLITE_IOERR)
    return hk_error_set(err, HK_EIO, NULL, "%s: disk I/O error on the registry file: %s", what,
                        strerror(sqlite3_system_errno(db)));
  return hk_error_set(err, HK_ESTORE, NULL, "%s: %s", what, sqlite3_errmsg(db));
}

hk_status store__sqlite_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, hk_error *err)
{
  int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
  return rc == SQLITE_OK ? HK_OK : store__sqlite_fail(db, rc, "prepare", err);
}

hk_status store__sqlite_step_done(sqlite3 *db, sqlite3_stmt *st, const char *what, int *changes,
                                  hk_error *err)
{
  int rc = sqlite3_step(st);
  hk_status status = rc == SQLITE_DONE ? HK_OK : store__sqlite_fail(db, rc, what, err);
  if (changes)
    *changes = sqlite3_changes(db);
  sqlite3_finalize(st);
  return status;
}

hk_date store__sqlite_column_day(sqlite3_stmt *st, int i)
{
  return sqlite3_column_type(st, i) == SQLITE_NULL ? HK_DATE_NONE : sqlite3_column_int(st, i);
}
