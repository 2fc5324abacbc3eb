/* SQLite's online backup API for hukou backup and restore (store_backup.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store/store_int.h"

/* Copy every page of src into the new file dst in one step: one read transaction on src, so the
 * copy is src as of one moment while writers go on in its write-ahead log (a step-by-step copy
 * would start over at every write and might never end under load). */
static hk_status copy_pages(const char *src_path, const char *dst_path, const char *src_field,
                            const char *dst_field, hk_error *err)
{
  sqlite3 *src = NULL, *dst = NULL;
  hk_status rc = HK_OK;
  if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    rc = hk_error_set(err, HK_EIO, src_field, "cannot open %s: %s", src_path,
                      src ? sqlite3_errmsg(src) : "out of memory");
    goto done;
  }
  sqlite3_busy_timeout(src, 10000);
  if (sqlite3_open_v2(dst_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK) {
    rc = hk_error_set(err, HK_EIO, dst_field, "cannot create %s: %s", dst_path,
                      dst ? sqlite3_errmsg(dst) : "out of memory");
    goto done;
  }
  sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
  if (b == NULL) {
    rc = hk_error_set(err, HK_EIO, dst_field, "cannot start the copy: %s", sqlite3_errmsg(dst));
    goto done;
  }
  int step;
  while ((step = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED)
    sqlite3_sleep(50);
  sqlite3_backup_finish(b);
  if (step != SQLITE_DONE) {
    rc = hk_error_set(err, HK_EIO, dst_field, "the copy failed: %s", sqlite3_errstr(step));
    goto done;
  }
  /* One file: the copy's write-ahead log folded in and removed. */
  if (sqlite3_exec(dst, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
    rc = hk_error_set(err, HK_EIO, dst_field, "cannot finish the copy: %s", sqlite3_errmsg(dst));
done:
  sqlite3_close(dst);
  sqlite3_close(src);
  return rc;
}

hk_status store__sqlite_backup(const char *db, const char *to, hk_error *err)
{
  return copy_pages(db, to, "db", "to", err);
}

hk_status store__sqlite_restore(const char *from, const char *db, hk_error *err)
{
  struct stat sb;
  if (stat(db, &sb) == 0)
    return hk_error_set(err, HK_EDUPLICATE, "db",
                        "%s exists: restore makes a new registry; move the old one aside first",
                        db);
  /* The backup must be a whole SQLite database before anything is written. */
  sqlite3 *check = NULL;
  hk_status rc = HK_OK;
  if (sqlite3_open_v2(from, &check, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    rc = hk_error_set(err, HK_EINVAL, "from", "not a database: %s", from);
  } else {
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(check, "PRAGMA quick_check", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(q, 0), "ok") != 0)
      rc = hk_error_set(err, HK_EINVAL, "from", "%s is not a whole SQLite database (%s)", from,
                        sqlite3_errmsg(check));
    sqlite3_finalize(q);
  }
  sqlite3_close(check);
  if (rc != HK_OK)
    return rc;
  rc = copy_pages(from, db, "from", "db", err);
  if (rc != HK_OK)
    remove(db);
  return rc;
}
