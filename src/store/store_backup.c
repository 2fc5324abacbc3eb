/* hukou backup / restore: the backend's own way of copying, then the copy opened and its two
 * chains verified (store_backup.h). */
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "store/store.h"
#include "store/store_auth.h"
#include "store/store_backup.h"
#include "store/store_int.h"

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Open what was copied and check it is whole: both chains verify, and say how far it goes. */
static hk_status check_copy(const char *db, hk_store_mode mode, hk_store_backup_info *info,
                            hk_error *err)
{
  hk_store *st;
  hk_status rc = hk_store_open(db, mode, &st, err);
  if (rc != HK_OK)
    return rc;
  int64_t broken = 0;
  info->schema_version = hk_store_version(st);
  rc = hk_store_audit_verify(st, &info->events, &broken, err);
  if (rc == HK_OK)
    rc = hk_store_access_verify(st, &info->access, &broken, err);
  uint8_t hash[HK_HASH_LEN];
  if (rc == HK_OK)
    rc = hk_store_event_head(st, &info->event_head, hash, err);
  hk_store_close(st);
  return rc;
}

hk_status hk_store_backup(const char *db, const char *to, hk_store_backup_info *info, hk_error *err)
{
  *info = (hk_store_backup_info){0};
  if (db == NULL || db[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "db", "no database given");
  if (to == NULL || to[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "to", "no backup file given");
  struct stat sb;
  if (stat(to, &sb) == 0)
    return hk_error_set(err, HK_EDUPLICATE, "to", "%s exists: a backup never overwrites a file",
                        to);
  /* The source must be a registry this program reads (its schema checked on opening). */
  hk_store *src;
  hk_status rc = hk_store_open(db, HK_STORE_READONLY, &src, err);
  if (rc != HK_OK)
    return rc;
  hk_store_close(src);
  double t0 = now_s();
  rc = store__is_pg_uri(db) ? store__pg_backup(db, to, err) : store__sqlite_backup(db, to, err);
  if (rc != HK_OK) {
    remove(to); /* nothing half-written is left to be mistaken for a backup */
    return rc;
  }
  info->seconds = now_s() - t0;
  if (stat(to, &sb) == 0)
    info->bytes = (int64_t)sb.st_size;
  if (store__is_pg_uri(db))
    return HK_OK; /* a dump is checked by restoring it (hk_store_restore) */
  return check_copy(to, HK_STORE_READONLY, info, err);
}

hk_status hk_store_restore(const char *from, const char *db, hk_store_backup_info *info,
                           hk_error *err)
{
  *info = (hk_store_backup_info){0};
  if (from == NULL || from[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "from", "no backup file given");
  if (db == NULL || db[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "db", "no database given");
  struct stat sb;
  if (stat(from, &sb) != 0)
    return hk_error_set(err, HK_ENOTFOUND, "from", "no backup file %s", from);
  info->bytes = (int64_t)sb.st_size;
  double t0 = now_s();
  hk_status rc = store__is_pg_uri(db) ? store__pg_restore(from, db, err)
                                      : store__sqlite_restore(from, db, err);
  if (rc != HK_OK)
    return rc;
  info->seconds = now_s() - t0;
  /* Opened read-write: a backup of an older schema is migrated here, once. */
  return check_copy(db, HK_STORE_EXISTING, info, err);
}
