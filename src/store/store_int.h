#ifndef HK_STORE_STORE_INT_H
#define HK_STORE_STORE_INT_H

/* The table of operations every backend implements (SQLite now, PostgreSQL next). The public
 * functions of store.h dispatch here; what is common to all backends (the event hash chain,
 * argument checks) lives in store.c, so a backend only moves rows. */

#include <sodium.h>

#include "store/store.h"

struct hk_stats_summary; /* stats.h */
struct hk_app_row;       /* store_app.h */
struct hk_app_filter;
struct hk_permit_row;
struct hk_household_row; /* store_household.h */
struct hk_member_row;
struct hk_hukou_row;
struct hk_account_row; /* store_auth.h */
struct hk_signin_row;
struct hk_apikey_row;
struct hk_access;
struct hk_material_row; /* store_material.h */
struct hk_material_filter;
struct hk_vital_row; /* store_vital.h */
struct store_q;      /* store_q.h */
struct store_qrow;
struct hk_fact_row; /* store_fact.h */
struct hk_cert_row; /* store_cert.h */

struct hk_store_ops {
  int version; /* bump when appending members */
  const char *name;
  void (*close)(hk_store *st);
  int (*schema_version)(hk_store *st);
  hk_status (*begin)(hk_store *st, hk_error *err);
  hk_status (*commit)(hk_store *st, hk_error *err);
  void (*rollback)(hk_store *st);
  hk_status (*person_add)(hk_store *st, const hk_person *p, int64_t *row, hk_error *err);
  hk_status (*person_row)(hk_store *st, const char *id_number, int64_t *row, hk_error *err);
  hk_status (*person_get)(hk_store *st, int64_t row, hk_person *out, hk_error *err);
  hk_status (*person_delete)(hk_store *st, int64_t row, hk_error *err);
  hk_status (*kinship_add)(hk_store *st, int64_t row, uint32_t seq, hk_relation relation,
                           int64_t relative, hk_error *err);
  hk_status (*person_each)(hk_store *st, hk_person_cb cb, void *cls, hk_error *err);
  hk_status (*counts)(hk_store *st, hk_store_counts *out, hk_error *err);
  /* The last event's seq and hash; seq 0 and a zero hash when there is none. */
  hk_status (*event_last)(hk_store *st, int64_t *seq, uint8_t hash[HK_HASH_LEN], hk_error *err);
  hk_status (*event_insert)(hk_store *st, const hk_event *ev, hk_error *err);
  hk_status (*event_each)(hk_store *st, int64_t from_seq, hk_event_cb cb, void *cls, hk_error *err);
  hk_status (*bulk_begin)(hk_store *st, bool *engaged, hk_error *err);
  hk_status (*bulk_end)(hk_store *st, hk_error *err);
  hk_status (*person_update)(hk_store *st, int64_t row, const hk_person *p, hk_error *err);
  hk_status (*person_lock)(hk_store *st, int64_t row, hk_error *err);
  /* Population statistics (stats.h); NULL when a backend has none yet. */
  hk_status (*stats_summary)(hk_store *st, bool refresh, struct hk_stats_summary *out,
                             hk_error *err);
  /* Applications and residence permits (store_app.h, schema version 3). */
  hk_status (*app_insert)(hk_store *st, struct hk_app_row *row, hk_error *err);
  hk_status (*app_get)(hk_store *st, int64_t id, bool lock, struct hk_app_row *out, hk_error *err);
  hk_status (*app_update)(hk_store *st, const struct hk_app_row *row, hk_error *err);
  hk_status (*app_each)(hk_store *st, const struct hk_app_filter *f,
                        hk_status (*cb)(const struct hk_app_row *, void *, hk_error *), void *cls,
                        hk_error *err);
  hk_status (*permit_insert)(hk_store *st, const struct hk_permit_row *row, hk_error *err);
  hk_status (*permit_latest)(hk_store *st, int64_t person_id, struct hk_permit_row *out,
                             hk_error *err);
  hk_status (*permit_set_division)(hk_store *st, const char *number, int32_t division,
                                   hk_error *err);
  hk_status (*permit_count_prefix)(hk_store *st, const char *prefix, int64_t *count, hk_error *err);
  /* Optional: the person with this ID number, found and read in one go (one read transaction
   * on SQLite). NULL: person_row then person_get. */
  hk_status (*person_get_by_number)(hk_store *st, const char *id_number, hk_person *out,
                                    hk_error *err);
  /* Households and hukou moves (store_household.h, schema version 4). */
  hk_status (*household_insert)(hk_store *st, struct hk_household_row *row, hk_error *err);
  hk_status (*household_get)(hk_store *st, int64_t id, const char *number, bool lock,
                             struct hk_household_row *out, hk_error *err);
  hk_status (*household_find_owner)(hk_store *st, int owner, int32_t division,
                                    const char *owner_code, bool lock, struct hk_household_row *out,
                                    hk_error *err);
  hk_status (*household_update)(hk_store *st, const struct hk_household_row *row, hk_error *err);
  hk_status (*household_count_prefix)(hk_store *st, const char *prefix, int64_t *count,
                                      hk_error *err);
  hk_status (*household_members)(hk_store *st, int64_t household_id,
                                 hk_status (*cb)(const struct hk_member_row *, void *, hk_error *),
                                 void *cls, hk_error *err);
  hk_status (*hukou_current)(hk_store *st, int64_t person_id, struct hk_hukou_row *out,
                             hk_error *err);
  hk_status (*hukou_close)(hk_store *st, int64_t person_id, hk_date on, int ended, hk_error *err);
  hk_status (*hukou_open)(hk_store *st, int64_t person_id, int64_t household_id, int32_t division,
                          hk_tri urban, hk_date on, hk_error *err);
  hk_status (*person_set_died)(hk_store *st, int64_t person_id, hk_date died_on, hk_error *err);
  /* Accounts, sessions, department keys and the access log (store_auth.h, schema version 5). */
  hk_status (*account_add)(hk_store *st, struct hk_account_row *row, hk_error *err);
  hk_status (*account_get)(hk_store *st, const char *name, struct hk_account_row *out,
                           hk_error *err);
  hk_status (*account_each)(hk_store *st,
                            hk_status (*cb)(const struct hk_account_row *, void *, hk_error *),
                            void *cls, hk_error *err);
  hk_status (*account_set_disabled)(hk_store *st, const char *name, bool disabled, hk_error *err);
  hk_status (*account_set_role)(hk_store *st, const char *name, int role, int32_t jurisdiction,
                                hk_error *err);
  hk_status (*account_set_password)(hk_store *st, const char *name, const char *pwhash,
                                    const uint8_t keep[HK_HASH_LEN], hk_error *err);
  hk_status (*session_add)(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t account_id,
                           int64_t expires, hk_error *err);
  hk_status (*session_find)(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t now,
                            struct hk_account_row *out, int64_t *expires, hk_error *err);
  hk_status (*session_delete)(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t now,
                              hk_error *err);
  hk_status (*session_purge)(hk_store *st, int64_t now, int64_t *purged, hk_error *err);
  /* Sign-in failures (store_auth.h, schema version 11). */
  hk_status (*signin_get)(hk_store *st, int64_t account_id, const char *address,
                          struct hk_signin_row *out, bool *known, hk_error *err);
  hk_status (*signin_put)(hk_store *st, int64_t account_id, const struct hk_signin_row *row,
                          hk_error *err);
  hk_status (*signin_address_add)(hk_store *st, int64_t account_id, const char *address,
                                  hk_error *err);
  hk_status (*apikey_add)(hk_store *st, struct hk_apikey_row *row, hk_error *err);
  hk_status (*apikey_find)(hk_store *st, const uint8_t hash[HK_HASH_LEN], struct hk_apikey_row *out,
                           hk_error *err);
  hk_status (*apikey_each)(hk_store *st,
                           hk_status (*cb)(const struct hk_apikey_row *, void *, hk_error *),
                           void *cls, hk_error *err);
  hk_status (*apikey_revoke)(hk_store *st, int64_t id, hk_error *err);
  /* The access log's last seq and hash (0 and zeros when empty), insert, walk (person 0: all). */
  hk_status (*access_last)(hk_store *st, int64_t *seq, uint8_t hash[HK_HASH_LEN], hk_error *err);
  hk_status (*access_insert)(hk_store *st, const struct hk_access *a, hk_error *err);
  hk_status (*access_each)(hk_store *st, int64_t person_id,
                           hk_status (*cb)(const struct hk_access *, void *, hk_error *), void *cls,
                           hk_error *err);
  /* Optional (hk_store_expect_stream): NULL when the backend has nothing to change. */
  void (*expect_stream)(hk_store *st);
  /* Materials: content kept once per SHA-256, and attachments (store_material.h, version 9). */
  hk_status (*material_blob_put)(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                 const uint8_t *data, size_t size, bool *added, hk_error *err);
  hk_status (*material_blob_get)(hk_store *st, const uint8_t sha256[HK_HASH_LEN], uint8_t **data,
                                 size_t *size, hk_error *err);
  hk_status (*material_insert)(hk_store *st, struct hk_material_row *row, hk_error *err);
  hk_status (*material_get)(hk_store *st, int64_t id, struct hk_material_row *out, hk_error *err);
  hk_status (*material_each)(hk_store *st, const struct hk_material_filter *f,
                             hk_status (*cb)(const struct hk_material_row *, void *, hk_error *),
                             void *cls, hk_error *err);
  hk_status (*material_set_step)(hk_store *st, int64_t id, int step_index, hk_error *err);
  /* Births, deaths and ended permits (store_vital.h, schema version 7). */
  hk_status (*vital_insert)(hk_store *st, const struct hk_vital_row *row, hk_error *err);
  hk_status (*vital_get)(hk_store *st, int64_t person_id, int kind, struct hk_vital_row *out,
                         hk_error *err);
  hk_status (*permit_end)(hk_store *st, const char *number, hk_date on, int reason, hk_error *err);
  /* Run one statement built by store_list.c (store_q.h), calling cb for each row (schema
   * version 8: lists and search). */
  hk_status (*query)(hk_store *st, const struct store_q *q,
                     hk_status (*cb)(const struct store_qrow *, void *, hk_error *), void *cls,
                     hk_error *err);
  /* Facts with provenance (store_fact.h, schema version 6). */
  hk_status (*fact_insert)(hk_store *st, struct hk_fact_row *row, hk_error *err);
  hk_status (*fact_supersede)(hk_store *st, int64_t old_id, int64_t new_id, hk_error *err);
  hk_status (*fact_each)(hk_store *st, int64_t person_id,
                         hk_status (*cb)(const struct hk_fact_row *, void *, hk_error *), void *cls,
                         hk_error *err);
  hk_status (*fact_by_delivery)(hk_store *st, const char *department, const char *delivery,
                                hk_status (*cb)(const struct hk_fact_row *, void *, hk_error *),
                                void *cls, hk_error *err);
  /* Electronic certificates (store_cert.h, schema version 12). */
  hk_status (*cert_next_index)(hk_store *st, int64_t *index, hk_error *err);
  hk_status (*cert_insert)(hk_store *st, const struct hk_cert_row *row, hk_error *err);
  hk_status (*cert_get)(hk_store *st, const char *cert_id, struct hk_cert_row *out, hk_error *err);
  hk_status (*cert_each_person)(hk_store *st, const char *person,
                                hk_status (*cb)(const struct hk_cert_row *, void *, hk_error *),
                                void *cls, hk_error *err);
  hk_status (*cert_set_status)(hk_store *st, int64_t id, int status, const char *reason, int64_t at,
                               hk_error *err);
  hk_status (*cert_set_token)(hk_store *st, int64_t id, const char *token, const char *kid,
                              hk_error *err);
  hk_status (*cert_statuses)(hk_store *st, uint8_t **statuses, size_t *n, hk_error *err);
};

/* Backends embed this first in their own struct. */
struct hk_store {
  const struct hk_store_ops *ops;
  /* hk_store_set_operator: the operating system user behind a command line; "" otherwise. */
  char os_user[40];
};

/* store.c: one length-prefixed field of a chain hash (events, the access log). */
void store__hash_field(crypto_hash_sha256_state *h, const char *s);

hk_status store__sqlite_open(const char *path, hk_store_mode mode, hk_store **out, hk_error *err);

/* PostgreSQL: "postgresql://...", "postgres://..." or "pg:" + a libpq connection string. */
bool store__is_pg_uri(const char *path);
hk_status store__pg_open(const char *path, hk_store_mode mode, hk_store **out, hk_error *err);

#endif
