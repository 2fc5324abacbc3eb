#ifndef HK_STORE_STORE_SQLITE_H
#define HK_STORE_STORE_SQLITE_H

/* Private to the SQLite backend: its migrations, and the functions its files share. */

#include <stdbool.h>

#include <sqlite3.h>

#include "store/store_app.h"
#include "store/store_cert.h"
#include "store/store_auth.h"
#include "store/store_fact.h"
#include "store/store_household.h"
#include "store/store_int.h"
#include "store/store_material.h"

typedef struct store_sqlite_migration {
  int version;
  const char *name;
  const char *sql;
} store_sqlite_migration;

extern const store_sqlite_migration store__sqlite_migrations[];
extern const int store__sqlite_migration_count;

/* store_sqlite_sql.c: SQLite's result codes as the store's (busy: HK_ERETRY, a unique key:
 * HK_EDUPLICATE, a full disk: HK_EIO), prepare, run a statement that returns no rows and finalize
 * it (*changes, when not NULL, the rows it changed), and a day column (NULL: HK_DATE_NONE). */
hk_status store__sqlite_fail(sqlite3 *db, int rc, const char *what, hk_error *err);
hk_status store__sqlite_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, hk_error *err);
hk_status store__sqlite_step_done(sqlite3 *db, sqlite3_stmt *st, const char *what, int *changes,
                                  hk_error *err);
hk_date store__sqlite_column_day(sqlite3_stmt *st, int i);

/* store_sqlite.c lends its connection to the other files of the backend. */
sqlite3 *store__sqlite_db(hk_store *st);

/* The connection's prepared statement for sql, a static string (its address is the key),
 * prepared on first use and kept until the store closes: for statements on a hot path, where
 * parsing would cost more than running. The caller resets it after use and never finalizes it.
 * NULL with *rc the SQLite error when it cannot be prepared. At most 16 per connection. */
sqlite3_stmt *store__sqlite_cached(hk_store *st, const char *sql, int *rc);

/* store_sqlite_stats.c (stats.h). */
struct hk_stats_summary;
hk_status store__sqlite_stats_summary(hk_store *st, bool refresh, struct hk_stats_summary *out,
                                      hk_error *err);

/* store_sqlite_app.c: applications and permits (store_app.h). */
hk_status store__sqlite_app_insert(hk_store *st, hk_app_row *row, hk_error *err);
hk_status store__sqlite_app_get(hk_store *st, int64_t id, bool lock, hk_app_row *out,
                                hk_error *err);
hk_status store__sqlite_app_update(hk_store *st, const hk_app_row *row, hk_error *err);
hk_status store__sqlite_app_each(hk_store *st, const hk_app_filter *f, hk_app_cb cb, void *cls,
                                 hk_error *err);
hk_status store__sqlite_permit_insert(hk_store *st, const hk_permit_row *row, hk_error *err);
hk_status store__sqlite_permit_latest(hk_store *st, int64_t person_id, hk_permit_row *out,
                                      hk_error *err);
hk_status store__sqlite_permit_set_division(hk_store *st, const char *number, int32_t division,
                                            hk_error *err);
hk_status store__sqlite_permit_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                            hk_error *err);

/* store_sqlite.c: write the buffered history rows before reading or changing those tables. */
hk_status store__sqlite_flush(hk_store *st, hk_error *err);

/* store_sqlite_household.c: households and hukou moves (store_household.h). */
hk_status store__sqlite_household_insert(hk_store *st, hk_household_row *row, hk_error *err);
hk_status store__sqlite_household_get(hk_store *st, int64_t id, const char *number, bool lock,
                                      hk_household_row *out, hk_error *err);
hk_status store__sqlite_household_find_owner(hk_store *st, int owner, int32_t division,
                                             const char *owner_code, bool lock,
                                             hk_household_row *out, hk_error *err);
hk_status store__sqlite_household_update(hk_store *st, const hk_household_row *row, hk_error *err);
hk_status store__sqlite_household_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                               hk_error *err);
hk_status store__sqlite_household_members(hk_store *st, int64_t household_id, hk_member_cb cb,
                                          void *cls, hk_error *err);
hk_status store__sqlite_hukou_current(hk_store *st, int64_t person_id, hk_hukou_row *out,
                                      hk_error *err);
hk_status store__sqlite_hukou_close(hk_store *st, int64_t person_id, hk_date on, int ended,
                                    hk_error *err);
hk_status store__sqlite_hukou_open(hk_store *st, int64_t person_id, int64_t household_id,
                                   int32_t division, hk_tri urban, hk_date on, hk_error *err);
hk_status store__sqlite_person_set_died(hk_store *st, int64_t person_id, hk_date died_on,
                                        hk_error *err);
/* store_sqlite_auth.c: accounts, sessions, keys, the access log (store_auth.h). */
hk_status store__sqlite_account_add(hk_store *st, hk_account_row *row, hk_error *err);
hk_status store__sqlite_account_get(hk_store *st, const char *name, hk_account_row *out,
                                    hk_error *err);
hk_status store__sqlite_account_each(hk_store *st, hk_account_cb cb, void *cls, hk_error *err);
hk_status store__sqlite_account_set_disabled(hk_store *st, const char *name, bool disabled,
                                             hk_error *err);
hk_status store__sqlite_account_set_role(hk_store *st, const char *name, int role,
                                         int32_t jurisdiction, hk_error *err);
hk_status store__sqlite_account_set_password(hk_store *st, const char *name, const char *pwhash,
                                             const uint8_t keep[HK_HASH_LEN], hk_error *err);
hk_status store__sqlite_session_add(hk_store *st, const uint8_t hash[HK_HASH_LEN],
                                    int64_t account_id, int64_t expires, hk_error *err);
hk_status store__sqlite_session_find(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t now,
                                     hk_account_row *out, int64_t *expires, hk_error *err);
hk_status store__sqlite_session_delete(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t now,
                                       hk_error *err);
hk_status store__sqlite_session_purge(hk_store *st, int64_t now, int64_t *purged, hk_error *err);
hk_status store__sqlite_signin_get(hk_store *st, int64_t account_id, const char *address,
                                   hk_signin_row *out, bool *known, hk_error *err);
hk_status store__sqlite_signin_put(hk_store *st, int64_t account_id, const hk_signin_row *row,
                                   hk_error *err);
hk_status store__sqlite_signin_address_add(hk_store *st, int64_t account_id, const char *address,
                                           hk_error *err);
hk_status store__sqlite_apikey_add(hk_store *st, hk_apikey_row *row, hk_error *err);
hk_status store__sqlite_apikey_find(hk_store *st, const uint8_t hash[HK_HASH_LEN],
                                    hk_apikey_row *out, hk_error *err);
hk_status store__sqlite_apikey_each(hk_store *st, hk_apikey_cb cb, void *cls, hk_error *err);
hk_status store__sqlite_apikey_revoke(hk_store *st, int64_t id, hk_error *err);
hk_status store__sqlite_access_last(hk_store *st, int64_t *seq, uint8_t hash[HK_HASH_LEN],
                                    hk_error *err);
hk_status store__sqlite_access_insert(hk_store *st, const hk_access *a, hk_error *err);
hk_status store__sqlite_access_each(hk_store *st, int64_t person_id, hk_access_cb cb, void *cls,
                                    hk_error *err);

/* store_sqlite_material.c: materials (store_material.h). */
hk_status store__sqlite_material_blob_put(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                          const uint8_t *data, size_t size, bool *added,
                                          hk_error *err);
hk_status store__sqlite_material_blob_get(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                          uint8_t **data, size_t *size, hk_error *err);
hk_status store__sqlite_material_insert(hk_store *st, hk_material_row *row, hk_error *err);
hk_status store__sqlite_material_get(hk_store *st, int64_t id, hk_material_row *out, hk_error *err);
hk_status store__sqlite_material_each(hk_store *st, const hk_material_filter *f, hk_material_cb cb,
                                      void *cls, hk_error *err);
hk_status store__sqlite_material_set_step(hk_store *st, int64_t id, int step_index, hk_error *err);
/* store_vital.h (schema version 7), in store_sqlite_app.c. */
struct hk_vital_row;
hk_status store__sqlite_permit_end(hk_store *st, const char *number, hk_date on, int reason,
                                   hk_error *err);
hk_status store__sqlite_vital_insert(hk_store *st, const struct hk_vital_row *row, hk_error *err);
hk_status store__sqlite_vital_get(hk_store *st, int64_t person_id, int kind,
                                  struct hk_vital_row *out, hk_error *err);
/* store_sqlite_list.c: lists and search (store_list.h, store_q.h). */
struct store_q;
struct store_qrow;
hk_status store__sqlite_query(hk_store *st, const struct store_q *q,
                              hk_status (*cb)(const struct store_qrow *, void *, hk_error *),
                              void *cls, hk_error *err);
/* store_sqlite_fact.c: facts with provenance (store_fact.h). */
hk_status store__sqlite_fact_insert(hk_store *st, hk_fact_row *row, hk_error *err);
hk_status store__sqlite_fact_supersede(hk_store *st, int64_t old_id, int64_t new_id, hk_error *err);
hk_status store__sqlite_fact_each(hk_store *st, int64_t person_id, hk_fact_cb cb, void *cls,
                                  hk_error *err);
hk_status store__sqlite_fact_by_delivery(hk_store *st, const char *department, const char *delivery,
                                         hk_fact_cb cb, void *cls, hk_error *err);

/* store_sqlite_cert.c: electronic certificates (store_cert.h). */
hk_status store__sqlite_cert_next_index(hk_store *st, int64_t *index, hk_error *err);
hk_status store__sqlite_cert_insert(hk_store *st, const hk_cert_row *row, hk_error *err);
hk_status store__sqlite_cert_get(hk_store *st, const char *cert_id, hk_cert_row *out,
                                 hk_error *err);
hk_status store__sqlite_cert_each_person(hk_store *st, const char *person, hk_cert_row_cb cb,
                                         void *cls, hk_error *err);
hk_status store__sqlite_cert_set_status(hk_store *st, int64_t id, int status, const char *reason,
                                        int64_t at, hk_error *err);
hk_status store__sqlite_cert_set_token(hk_store *st, int64_t id, const char *token, const char *kid,
                                       hk_error *err);
hk_status store__sqlite_cert_statuses(hk_store *st, uint8_t **statuses, size_t *n, hk_error *err);

#endif
