#ifndef HK_STORE_STORE_BACKUP_H
#define HK_STORE_STORE_BACKUP_H

/* Backups that restore everything (issue 16): not an export of persons but the whole registry,
 * applications, permits and their numbers, households, accounts, keys, certificates, events and
 * the access log, taken online while the server writes, consistent as of one moment.
 *
 * SQLite: SQLite's online backup API copies every page inside one read transaction, so the copy
 * is the database as of that transaction's start while writers go on (write-ahead log); the
 * copy is one self-contained file (no -wal beside it). PostgreSQL: pg_dump's custom format, the
 * database as of one snapshot, restored with pg_restore into an empty database. Materials live
 * in the database and come along; the certificate signing keys and the audit checkpoints are
 * files of their own and are backed up separately (docs/store.md "Backups"). */

#include <stdint.h>

#include "core/error.h"

typedef struct hk_store_backup_info {
  int schema_version;
  int64_t events;     /* events in the copy, its chain verified */
  int64_t access;     /* access-log entries in the copy, their chain verified */
  int64_t event_head; /* the last event's seq: the point the copy stands at */
  int64_t bytes;      /* size of the backup file */
  double seconds;     /* time taken */
} hk_store_backup_info;

/* Copy the registry at db (a SQLite path or a PostgreSQL URL) into the new file `to` (an
 * existing file is refused, HK_EDUPLICATE naming "to"), then open the copy and verify both
 * chains in it (HK_ETAMPERED when they do not: a backup that cannot be trusted is no backup). */
hk_status hk_store_backup(const char *db, const char *to, hk_store_backup_info *info,
                          hk_error *err);

/* Make db from the backup file `from`: a SQLite path that must not exist yet, or an empty
 * PostgreSQL database. The restored registry is migrated to this program's schema when the
 * backup is older, and both chains are verified. */
hk_status hk_store_restore(const char *from, const char *db, hk_store_backup_info *info,
                           hk_error *err);

#endif
