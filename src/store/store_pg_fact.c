/* Facts with provenance on PostgreSQL (store_fact.h), the same rows as SQLite's. Superseding is
 * one conditional UPDATE, so two officers correcting one entry at once take turns on its row
 * lock and the second finds it no longer in force. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store_pg_int.h"

#define FACT_COLUMNS                                                                               \
  "id, person_id, kind, source, actor, department, coalesce(delivery, ''), at, recorded_on,"       \
  " reason, supersedes, supersedes_row, superseded_by, doc"

hk_status store__pg_fact_insert(hk_store *st, hk_fact_row *row, hk_error *err)
{
  params q = {0};
  p_int(&q, row->person_id);
  p_int(&q, row->kind);
  p_int(&q, row->source);
  p_text(&q, row->actor ? row->actor : "");
  p_text(&q, row->department ? row->department : "");
  p_text(&q, row->delivery && row->delivery[0] ? row->delivery : NULL);
  p_text(&q, row->at ? row->at : "");
  p_int(&q, row->recorded_on);
  p_text(&q, row->reason ? row->reason : "");
  if (row->supersedes)
    p_int(&q, row->supersedes);
  else
    p_null(&q);
  if (row->supersedes_row >= 0)
    p_int(&q, row->supersedes_row);
  else
    p_null(&q);
  p_text(&q, row->doc ? row->doc : "{}");
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    "INSERT INTO fact (person_id, kind, source, actor, department, delivery, at,"
                    " recorded_on, reason, supersedes, supersedes_row, doc) VALUES ($1, $2, $3,"
                    " $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (department, delivery)"
                    " WHERE delivery IS NOT NULL DO NOTHING RETURNING id",
                    &q, "fact insert", &r, err);
  if (rc != HK_OK)
    return rc;
  /* A delivery id already recorded: nothing inserted, and the transaction goes on. */
  bool inserted = PQntuples(r) == 1;
  if (inserted)
    row->id = get_int(r, 0, 0);
  PQclear(r);
  return inserted ? HK_OK : hk_error_set(err, HK_EDUPLICATE, "delivery", "already delivered");
}

hk_status store__pg_fact_supersede(hk_store *st, int64_t old_id, int64_t new_id, hk_error *err)
{
  params q = {0};
  p_int(&q, old_id);
  p_int(&q, new_id);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(
      st, "UPDATE fact SET superseded_by = $2 WHERE id = $1 AND superseded_by IS NULL", &q,
      "fact supersede", &r, err);
  if (rc != HK_OK)
    return rc;
  bool found = strcmp(PQcmdTuples(r), "1") == 0;
  PQclear(r);
  return found ? HK_OK
               : hk_error_set(err, HK_ECONFLICT, "entry", "entry %lld is not in force",
                              (long long)old_id);
}

static hk_status walk(PGresult *r, hk_fact_cb cb, void *cls, hk_error *err)
{
  hk_status rc = HK_OK;
  int n = PQntuples(r);
  for (int i = 0; i < n && rc == HK_OK; i++) {
    hk_fact_row row = {
        .id = get_int(r, i, 0),
        .person_id = get_int(r, i, 1),
        .kind = (int)get_int(r, i, 2),
        .source = (int)get_int(r, i, 3),
        .actor = PQgetvalue(r, i, 4),
        .department = PQgetvalue(r, i, 5),
        .delivery = PQgetvalue(r, i, 6),
        .at = PQgetvalue(r, i, 7),
        .recorded_on = (hk_date)get_int(r, i, 8),
        .reason = PQgetvalue(r, i, 9),
        .supersedes = PQgetisnull(r, i, 10) ? 0 : get_int(r, i, 10),
        .supersedes_row = PQgetisnull(r, i, 11) ? -1 : (int32_t)get_int(r, i, 11),
        .superseded_by = PQgetisnull(r, i, 12) ? 0 : get_int(r, i, 12),
        .doc = PQgetvalue(r, i, 13),
    };
    rc = cb(&row, cls, err);
  }
  return rc;
}

hk_status store__pg_fact_each(hk_store *st, int64_t person_id, hk_fact_cb cb, void *cls,
                              hk_error *err)
{
  if (person_id) {
    params q = {0};
    p_int(&q, person_id);
    PGresult *r = NULL;
    hk_status rc =
        store__pg_run(st, "SELECT " FACT_COLUMNS " FROM fact WHERE person_id = $1 ORDER BY id", &q,
                      "fact read", &r, err);
    if (rc != HK_OK)
      return rc;
    rc = walk(r, cb, cls, err);
    PQclear(r);
    return rc;
  }
  /* Everyone's: pages of 1,000 in (person, entry) order, so the walk never holds the table. */
  int64_t after_person = 0, after_id = 0;
  for (;;) {
    params q = {0};
    p_int(&q, after_person);
    p_int(&q, after_id);
    PGresult *r = NULL;
    hk_status rc = store__pg_run(st,
                                 "SELECT " FACT_COLUMNS " FROM fact WHERE (person_id, id) >"
                                 " ($1::bigint, $2::bigint) ORDER BY person_id, id LIMIT 1000",
                                 &q, "fact read", &r, err);
    if (rc != HK_OK)
      return rc;
    int n = PQntuples(r);
    if (n > 0) {
      after_person = get_int(r, n - 1, 1);
      after_id = get_int(r, n - 1, 0);
    }
    rc = walk(r, cb, cls, err);
    PQclear(r);
    if (rc != HK_OK || n < 1000)
      return rc;
  }
}

hk_status store__pg_fact_by_delivery(hk_store *st, const char *department, const char *delivery,
                                     hk_fact_cb cb, void *cls, hk_error *err)
{
  params q = {0};
  p_text(&q, department);
  p_text(&q, delivery);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st, "SELECT " FACT_COLUMNS " FROM fact WHERE department = $1 AND delivery = $2",
                    &q, "fact read", &r, err);
  if (rc != HK_OK)
    return rc;
  rc = PQntuples(r) == 0 ? hk_error_set(err, HK_ENOTFOUND, "delivery", "no such delivery")
                         : walk(r, cb, cls, err);
  PQclear(r);
  return rc;
}
