#ifndef HK_STORE_STORE_PG_INT_H
#define HK_STORE_STORE_PG_INT_H

/* Private to the PostgreSQL backend (store_pg.c, store_pg_app.c): text parameters, column
 * readers, and the functions one file lends the other. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "store/store_app.h"
#include "store/store_cert.h"
#include "store/store_auth.h"
#include "store/store_fact.h"
#include "store/store_household.h"
#include "store/store_int.h"
#include "store/store_material.h"
#include "store/store_vital.h"

/* Text parameters for one statement: integers are formatted into fixed slots. */
#define MAX_PARAMS 12
typedef struct params {
  const char *values[MAX_PARAMS];
  char text[MAX_PARAMS][24];
  int n;
} params;

static inline void p_null(params *p)
{
  p->values[p->n++] = NULL;
}

static inline void p_int(params *p, int64_t v)
{
  snprintf(p->text[p->n], sizeof p->text[p->n], "%" PRId64, v);
  p->values[p->n] = p->text[p->n];
  p->n++;
}

static inline void p_text(params *p, const char *s)
{
  p->values[p->n++] = s;
}

/* An open end or an absent date is NULL. */
static inline void p_day(params *p, int32_t d)
{
  if (d == HK_DATE_OPEN || d == HK_DATE_NONE)
    p_null(p);
  else
    p_int(p, d);
}

static inline void p_tri(params *p, hk_tri t)
{
  if (t == HK_TRI_UNSET)
    p_null(p);
  else
    p_int(p, t == HK_TRI_TRUE);
}

static inline int64_t get_int(PGresult *r, int row, int col)
{
  return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static inline hk_tri get_tri(PGresult *r, int row, int col)
{
  if (PQgetisnull(r, row, col))
    return HK_TRI_UNSET;
  return get_int(r, row, col) ? HK_TRI_TRUE : HK_TRI_FALSE;
}

/* A day column; if_null when NULL (an open end, or none). */
static inline int32_t get_day(PGresult *r, int row, int col, int32_t if_null)
{
  return PQgetisnull(r, row, col) ? if_null : (int32_t)get_int(r, row, col);
}

/* Run sql with parameters p (NULL: none); *out (when not NULL) receives the result, which the
 * caller clears. A failed statement is the store's error, its result already cleared. */
hk_status store__pg_run(hk_store *st, const char *sql, const params *p, const char *what,
                        PGresult **out, hk_error *err);

/* store_pg.c lends these to the backend's other files. */
PGconn *store__pg_conn(hk_store *st);
hk_status store__pg_error(hk_store *st, PGresult *r, const char *what, hk_error *err);

/* store_pg_app.c: applications and permits (store_app.h). */
hk_status store__pg_app_insert(hk_store *st, hk_app_row *row, hk_error *err);
hk_status store__pg_app_get(hk_store *st, int64_t id, bool lock, hk_app_row *out, hk_error *err);
hk_status store__pg_app_update(hk_store *st, const hk_app_row *row, hk_error *err);
hk_status store__pg_app_each(hk_store *st, const hk_app_filter *f, hk_app_cb cb, void *cls,
                             hk_error *err);
hk_status store__pg_permit_insert(hk_store *st, const hk_permit_row *row, hk_error *err);
hk_status store__pg_permit_latest(hk_store *st, int64_t person_id, hk_permit_row *out,
                                  hk_error *err);
hk_status store__pg_permit_set_division(hk_store *st, const char *number, int32_t division,
                                        hk_error *err);
hk_status store__pg_permit_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                        hk_error *err);

/* store_pg_stats.c: population statistics (stats.h). */
hk_status store__pg_stats_summary(hk_store *st, bool refresh, struct hk_stats_summary *out,
                                  hk_error *err);
/* store_pg_household.c: households and hukou moves (store_household.h). */
hk_status store__pg_household_insert(hk_store *st, hk_household_row *row, hk_error *err);
hk_status store__pg_household_get(hk_store *st, int64_t id, const char *number, bool lock,
                                  hk_household_row *out, hk_error *err);
hk_status store__pg_household_find_owner(hk_store *st, int owner, int32_t division,
                                         const char *owner_code, bool lock, hk_household_row *out,
                                         hk_error *err);
hk_status store__pg_household_update(hk_store *st, const hk_household_row *row, hk_error *err);
hk_status store__pg_household_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                           hk_error *err);
hk_status store__pg_household_members(hk_store *st, int64_t household_id, hk_member_cb cb,
                                      void *cls, hk_error *err);
hk_status store__pg_hukou_current(hk_store *st, int64_t person_id, hk_hukou_row *out,
                                  hk_error *err);
hk_status store__pg_hukou_close(hk_store *st, int64_t person_id, hk_date on, int ended,
                                hk_error *err);
hk_status store__pg_hukou_open(hk_store *st, int64_t person_id, int64_t household_id,
                               int32_t division, hk_tri urban, hk_date on, hk_error *err);
hk_status store__pg_person_set_died(hk_store *st, int64_t person_id, hk_date died_on,
                                    hk_error *err);
/* store_pg_auth.c: accounts, sessions, keys, the access log (store_auth.h). */
hk_status store__pg_account_add(hk_store *st, hk_account_row *row, hk_error *err);
hk_status store__pg_account_get(hk_store *st, const char *name, hk_account_row *out, hk_error *err);
hk_status store__pg_account_each(hk_store *st, hk_account_cb cb, void *cls, hk_error *err);
hk_status store__pg_account_set_disabled(hk_store *st, const char *name, bool disabled,
                                         hk_error *err);
hk_status store__pg_account_set_role(hk_store *st, const char *name, int role, int32_t jurisdiction,
                                     hk_error *err);
hk_status store__pg_account_set_password(hk_store *st, const char *name, const char *pwhash,
                                         const uint8_t keep[HK_HASH_LEN], hk_error *err);
hk_status store__pg_session_add(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t account_id,
                                int64_t expires, hk_error *err);
hk_status store__pg_session_find(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t now,
                                 hk_account_row *out, int64_t *expires, hk_error *err);
hk_status store__pg_session_delete(hk_store *st, const uint8_t hash[HK_HASH_LEN], int64_t now,
                                   hk_error *err);
hk_status store__pg_session_purge(hk_store *st, int64_t now, int64_t *purged, hk_error *err);
hk_status store__pg_signin_get(hk_store *st, int64_t account_id, const char *address,
                               hk_signin_row *out, bool *known, hk_error *err);
hk_status store__pg_signin_put(hk_store *st, int64_t account_id, const hk_signin_row *row,
                               hk_error *err);
hk_status store__pg_signin_address_add(hk_store *st, int64_t account_id, const char *address,
                                       hk_error *err);
hk_status store__pg_apikey_add(hk_store *st, hk_apikey_row *row, hk_error *err);
hk_status store__pg_apikey_find(hk_store *st, const uint8_t hash[HK_HASH_LEN], hk_apikey_row *out,
                                hk_error *err);
hk_status store__pg_apikey_each(hk_store *st, hk_apikey_cb cb, void *cls, hk_error *err);
hk_status store__pg_apikey_revoke(hk_store *st, int64_t id, hk_error *err);
hk_status store__pg_access_last(hk_store *st, int64_t *seq, uint8_t hash[HK_HASH_LEN],
                                hk_error *err);
hk_status store__pg_access_insert(hk_store *st, const hk_access *a, hk_error *err);
hk_status store__pg_access_each(hk_store *st, int64_t person_id, hk_access_cb cb, void *cls,
                                hk_error *err);

/* store_pg_material.c: materials (store_material.h). */
hk_status store__pg_material_blob_put(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                      const uint8_t *data, size_t size, bool *added, hk_error *err);
hk_status store__pg_material_blob_get(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                      uint8_t **data, size_t *size, hk_error *err);
hk_status store__pg_material_insert(hk_store *st, hk_material_row *row, hk_error *err);
hk_status store__pg_material_get(hk_store *st, int64_t id, hk_material_row *out, hk_error *err);
hk_status store__pg_material_each(hk_store *st, const hk_material_filter *f, hk_material_cb cb,
                                  void *cls, hk_error *err);
hk_status store__pg_material_set_step(hk_store *st, int64_t id, int step_index, hk_error *err);
hk_status store__pg_permit_end(hk_store *st, const char *number, hk_date on, int reason,
                               hk_error *err);
hk_status store__pg_vital_insert(hk_store *st, const hk_vital_row *row, hk_error *err);
hk_status store__pg_vital_get(hk_store *st, int64_t person_id, int kind, hk_vital_row *out,
                              hk_error *err);
/* store_pg_list.c: lists and search (store_list.h, store_q.h). */
struct store_q;
struct store_qrow;
hk_status store__pg_query(hk_store *st, const struct store_q *q,
                          hk_status (*cb)(const struct store_qrow *, void *, hk_error *), void *cls,
                          hk_error *err);
/* store_pg_fact.c: facts with provenance (store_fact.h). */
hk_status store__pg_fact_insert(hk_store *st, hk_fact_row *row, hk_error *err);
hk_status store__pg_fact_supersede(hk_store *st, int64_t old_id, int64_t new_id, hk_error *err);
hk_status store__pg_fact_each(hk_store *st, int64_t person_id, hk_fact_cb cb, void *cls,
                              hk_error *err);
hk_status store__pg_fact_by_delivery(hk_store *st, const char *department, const char *delivery,
                                     hk_fact_cb cb, void *cls, hk_error *err);

/* store_pg_cert.c: electronic certificates (store_cert.h). */
hk_status store__pg_cert_next_index(hk_store *st, int64_t *index, hk_error *err);
hk_status store__pg_cert_insert(hk_store *st, const hk_cert_row *row, hk_error *err);
hk_status store__pg_cert_get(hk_store *st, const char *cert_id, hk_cert_row *out, hk_error *err);
hk_status store__pg_cert_each_person(hk_store *st, const char *person, hk_cert_row_cb cb, void *cls,
                                     hk_error *err);
hk_status store__pg_cert_set_status(hk_store *st, int64_t id, int status, const char *reason,
                                    int64_t at, hk_error *err);
hk_status store__pg_cert_set_token(hk_store *st, int64_t id, const char *token, const char *kid,
                                   hk_error *err);
hk_status store__pg_cert_statuses(hk_store *st, uint8_t **statuses, size_t *n, hk_error *err);

#endif
