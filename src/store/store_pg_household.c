/* Households and hukou moves on PostgreSQL (store_household.h), the same rows as SQLite's. A
 * locked read is SELECT ... FOR UPDATE: under READ COMMITTED a second writer's read waits for
 * the first transaction and then sees what it left. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store_pg_int.h"

/* Rows a command changed. */
static int changed(PGresult *r)
{
  return (int)strtol(PQcmdTuples(r), NULL, 10);
}

static void p_opt_text(params *q, const char *s)
{
  if (s && s[0])
    p_text(q, s);
  else
    p_null(q);
}

static void p_opt_day(params *q, hk_date d)
{
  p_day(q, d == 0 ? HK_DATE_NONE : d);
}

static void get_text(PGresult *r, int row, int col, char *out, size_t size)
{
  snprintf(out, size, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

hk_status store__pg_household_insert(hk_store *st, hk_household_row *row, hk_error *err)
{
  params q = {0};
  p_opt_text(&q, row->number);
  p_int(&q, row->kind);
  p_int(&q, row->division);
  if (row->head_person)
    p_int(&q, row->head_person);
  else
    p_null(&q);
  p_int(&q, row->owner);
  p_opt_text(&q, row->owner_code);
  p_opt_text(&q, row->owner_name);
  p_opt_text(&q, row->address);
  p_tri(&q, row->urban);
  p_opt_day(&q, row->created_on);
  p_opt_day(&q, row->dissolved_on);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    "INSERT INTO household (household_no, kind, division, head_person, owner,"
                    " owner_code, owner_name, address, urban, created_on, dissolved_on)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    &q, "household insert", &r, err);
  if (rc == HK_OK) {
    row->id = get_int(r, 0, 0);
    PQclear(r);
  }
  return rc;
}

#define HH_COLUMNS                                                                                 \
  "id, household_no, kind, division, head_person, owner, owner_code, owner_name, address, urban,"  \
  " created_on, dissolved_on"

/* The one household a select returned, or HK_ENOTFOUND. Clears r. */
static hk_status one_household(PGresult *r, hk_household_row *out, hk_error *err)
{
  if (PQntuples(r) != 1) {
    PQclear(r);
    return hk_error_set(err, HK_ENOTFOUND, "household", "no such household");
  }
  out->id = get_int(r, 0, 0);
  get_text(r, 0, 1, out->number, sizeof out->number);
  out->kind = (int)get_int(r, 0, 2);
  out->division = (int32_t)get_int(r, 0, 3);
  out->head_person = PQgetisnull(r, 0, 4) ? 0 : get_int(r, 0, 4);
  out->owner = (int)get_int(r, 0, 5);
  get_text(r, 0, 6, out->owner_code, sizeof out->owner_code);
  get_text(r, 0, 7, out->owner_name, sizeof out->owner_name);
  get_text(r, 0, 8, out->address, sizeof out->address);
  out->urban = get_tri(r, 0, 9);
  out->created_on = get_day(r, 0, 10, HK_DATE_NONE);
  out->dissolved_on = get_day(r, 0, 11, HK_DATE_NONE);
  PQclear(r);
  return HK_OK;
}

hk_status store__pg_household_get(hk_store *st, int64_t id, const char *number, bool lock,
                                  hk_household_row *out, hk_error *err)
{
  params q = {0};
  const char *sql;
  if (id) {
    p_int(&q, id);
    sql = lock ? "SELECT " HH_COLUMNS " FROM household WHERE id = $1 FOR UPDATE"
               : "SELECT " HH_COLUMNS " FROM household WHERE id = $1";
  } else {
    p_text(&q, number);
    sql = lock ? "SELECT " HH_COLUMNS " FROM household WHERE household_no = $1 FOR UPDATE"
               : "SELECT " HH_COLUMNS " FROM household WHERE household_no = $1";
  }
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, sql, &q, "household read", &r, err);
  return rc == HK_OK ? one_household(r, out, err) : rc;
}

hk_status store__pg_household_find_owner(hk_store *st, int owner, int32_t division,
                                         const char *owner_code, bool lock, hk_household_row *out,
                                         hk_error *err)
{
  params q = {0};
  p_int(&q, owner);
  p_int(&q, division);
  p_text(&q, owner_code);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    lock ? "SELECT " HH_COLUMNS " FROM household WHERE owner = $1 AND division = $2"
                           " AND coalesce(owner_code, '') = $3 AND dissolved_on IS NULL"
                           " ORDER BY id LIMIT 1 FOR UPDATE"
                         : "SELECT " HH_COLUMNS " FROM household WHERE owner = $1 AND division = $2"
                           " AND coalesce(owner_code, '') = $3 AND dissolved_on IS NULL"
                           " ORDER BY id LIMIT 1",
                    &q, "household read", &r, err);
  return rc == HK_OK ? one_household(r, out, err) : rc;
}

hk_status store__pg_household_update(hk_store *st, const hk_household_row *row, hk_error *err)
{
  params q = {0};
  p_int(&q, row->id);
  if (row->head_person)
    p_int(&q, row->head_person);
  else
    p_null(&q);
  p_opt_text(&q, row->address);
  p_opt_text(&q, row->owner_name);
  p_tri(&q, row->urban);
  p_opt_day(&q, row->dissolved_on);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    "UPDATE household SET head_person = $2, address = $3, owner_name = $4,"
                    " urban = $5, dissolved_on = $6 WHERE id = $1",
                    &q, "household update", &r, err);
  if (rc != HK_OK)
    return rc;
  int n = changed(r);
  PQclear(r);
  return n == 1 ? HK_OK : hk_error_set(err, HK_ENOTFOUND, "household", "no such household");
}

hk_status store__pg_household_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                           hk_error *err)
{
  params q = {0};
  p_text(&q, prefix);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st, "SELECT count(*) FROM household WHERE starts_with(household_no, $1)", &q,
                    "household count", &r, err);
  if (rc != HK_OK)
    return rc;
  *count = get_int(r, 0, 0);
  PQclear(r);
  return HK_OK;
}

hk_status store__pg_household_members(hk_store *st, int64_t household_id, hk_member_cb cb,
                                      void *cls, hk_error *err)
{
  params q = {0};
  p_int(&q, household_id);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    "SELECT p.id, p.id_number, p.name, p.birth_date, h.urban, h.valid_from"
                    " FROM hukou h JOIN person p ON p.id = h.person_id"
                    " WHERE h.household_id = $1 AND h.valid_to IS NULL ORDER BY p.id",
                    &q, "household members", &r, err);
  if (rc != HK_OK)
    return rc;
  for (int i = 0; i < PQntuples(r) && rc == HK_OK; i++) {
    hk_member_row m = {.person_id = get_int(r, i, 0)};
    get_text(r, i, 1, m.id_number, sizeof m.id_number);
    get_text(r, i, 2, m.name, sizeof m.name);
    m.birth_date = (hk_date)get_int(r, i, 3);
    m.urban = get_tri(r, i, 4);
    m.since = get_day(r, i, 5, HK_DATE_NONE);
    rc = cb(&m, cls, err);
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_hukou_current(hk_store *st, int64_t person_id, hk_hukou_row *out, hk_error *err)
{
  params q = {0};
  p_int(&q, person_id);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    "SELECT seq, household_id, division, urban, valid_from FROM hukou"
                    " WHERE person_id = $1 AND valid_to IS NULL ORDER BY seq DESC LIMIT 1",
                    &q, "hukou read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1) {
    out->person_id = person_id;
    out->seq = (int32_t)get_int(r, 0, 0);
    out->household_id = get_int(r, 0, 1);
    out->division = (int32_t)get_int(r, 0, 2);
    out->urban = get_tri(r, 0, 3);
    out->valid_from = get_day(r, 0, 4, HK_DATE_NONE);
  } else {
    rc = hk_error_set(err, HK_ENOTFOUND, "hukou", "no hukou registration in force");
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_hukou_close(hk_store *st, int64_t person_id, hk_date on, int ended,
                                hk_error *err)
{
  params q = {0};
  p_int(&q, person_id);
  p_int(&q, on);
  p_int(&q, ended);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st,
                               "UPDATE hukou SET valid_to = $2, ended = $3"
                               " WHERE person_id = $1 AND valid_to IS NULL",
                               &q, "hukou close", &r, err);
  if (rc != HK_OK)
    return rc;
  int n = changed(r);
  PQclear(r);
  return n > 0 ? HK_OK : hk_error_set(err, HK_ENOTFOUND, "hukou", "no hukou registration in force");
}

hk_status store__pg_hukou_open(hk_store *st, int64_t person_id, int64_t household_id,
                               int32_t division, hk_tri urban, hk_date on, hk_error *err)
{
  hk_hukou_row cur;
  hk_status rc = store__pg_hukou_current(st, person_id, &cur, err);
  if (rc == HK_OK)
    return hk_error_set(err, HK_ECONFLICT, "hukou", "a hukou registration is still in force");
  if (rc != HK_ENOTFOUND)
    return rc;
  params q = {0};
  p_int(&q, person_id);
  p_int(&q, household_id);
  p_int(&q, division);
  p_tri(&q, urban);
  p_opt_day(&q, on);
  return store__pg_run(
      st,
      "INSERT INTO hukou (person_id, seq, household_id, division, urban, valid_from,"
      " valid_to, ended) SELECT $1, coalesce(max(seq) + 1, 0), $2, $3, $4, $5, NULL, 0"
      " FROM hukou WHERE person_id = $1",
      &q, "hukou insert", NULL, err);
}

hk_status store__pg_person_set_died(hk_store *st, int64_t person_id, hk_date died_on, hk_error *err)
{
  params q = {0};
  p_int(&q, person_id);
  p_opt_day(&q, died_on);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "UPDATE person SET died_on = $2 WHERE id = $1", &q,
                               "person update", &r, err);
  if (rc != HK_OK)
    return rc;
  int n = changed(r);
  PQclear(r);
  return n == 1 ? HK_OK
                : hk_error_set(err, HK_ENOTFOUND, "person", "no person with row %lld",
                               (long long)person_id);
}
