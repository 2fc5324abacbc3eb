/* Applications and residence permits on PostgreSQL (store_app.h), the same rows as SQLite's.
 * A locked read is SELECT ... FOR UPDATE: under READ COMMITTED a second officer's read waits for
 * the first transaction and then sees the state it left. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store_pg_int.h"

hk_status store__pg_app_insert(hk_store *st, hk_app_row *row, hk_error *err)
{
  params q = {0};
  p_int(&q, row->person_id);
  p_int(&q, row->kind);
  p_int(&q, row->target);
  p_int(&q, row->state);
  p_day(&q, row->submitted_on);
  p_day(&q, row->due_on);
  p_text(&q, row->doc ? row->doc : "{}");
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    "INSERT INTO application (person_id, kind, target, state, submitted_on,"
                    " due_on, doc, filed_in) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                    " (($7::text)::jsonb ->> 'filed_in')::int) RETURNING id",
                    &q, "application insert", &r, err);
  if (rc == HK_OK) {
    row->id = get_int(r, 0, 0);
    PQclear(r);
  }
  return rc;
}

#define APP_COLUMNS "id, person_id, kind, target, state, submitted_on, due_on, doc"

static void read_row(PGresult *r, int i, hk_app_row *out)
{
  out->id = get_int(r, i, 0);
  out->person_id = get_int(r, i, 1);
  out->kind = (int)get_int(r, i, 2);
  out->target = (int32_t)get_int(r, i, 3);
  out->state = (int)get_int(r, i, 4);
  out->submitted_on = get_day(r, i, 5, HK_DATE_NONE);
  out->due_on = get_day(r, i, 6, HK_DATE_NONE);
  out->doc = PQgetvalue(r, i, 7);
}

hk_status store__pg_app_get(hk_store *st, int64_t id, bool lock, hk_app_row *out, hk_error *err)
{
  params q = {0};
  p_int(&q, id);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    lock ? "SELECT " APP_COLUMNS " FROM application WHERE id = $1 FOR UPDATE"
                         : "SELECT " APP_COLUMNS " FROM application WHERE id = $1",
                    &q, "application read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1) {
    read_row(r, 0, out);
    out->doc = strdup(out->doc);
    if (out->doc == NULL)
      rc = hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  } else {
    out->doc = NULL;
    rc = hk_error_set(err, HK_ENOTFOUND, "application", "no application %lld", (long long)id);
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_app_update(hk_store *st, const hk_app_row *row, hk_error *err)
{
  params q = {0};
  p_int(&q, row->id);
  p_int(&q, row->state);
  p_day(&q, row->due_on);
  p_text(&q, row->doc ? row->doc : "{}");
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st, "UPDATE application SET state = $2, due_on = $3, doc = $4 WHERE id = $1",
                    &q, "application update", &r, err);
  if (rc != HK_OK)
    return rc;
  bool found = strcmp(PQcmdTuples(r), "1") == 0;
  PQclear(r);
  return found ? HK_OK
               : hk_error_set(err, HK_ENOTFOUND, "application", "no application %lld",
                              (long long)row->id);
}

hk_status store__pg_app_each(hk_store *st, const hk_app_filter *f, hk_app_cb cb, void *cls,
                             hk_error *err)
{
  /* Pages of 500 by id, so a long list is never held whole. */
  int64_t after = 0;
  uint32_t sent = 0;
  hk_status rc = HK_OK;
  for (;;) {
    params q = {0};
    p_int(&q, f->target_lo);
    p_int(&q, f->target_hi);
    p_int(&q, f->person_id);
    p_int(&q, f->state_mask);
    p_day(&q, f->due_before == 0 ? HK_DATE_NONE : f->due_before);
    p_int(&q, after);
    PGresult *r = NULL;
    rc = store__pg_run(st,
                       "SELECT " APP_COLUMNS " FROM application"
                       " WHERE ($1::int = 0 OR target BETWEEN $1::int AND $2::int)"
                       " AND ($3::bigint = 0 OR person_id = $3::bigint)"
                       " AND ($4::bigint = 0 OR (($4::bigint >> state) & 1) = 1)"
                       " AND ($5::int IS NULL OR (due_on IS NOT NULL AND due_on < $5::int))"
                       " AND id > $6::bigint ORDER BY id LIMIT 500",
                       &q, "application list", &r, err);
    if (rc != HK_OK)
      return rc;
    int n = PQntuples(r);
    for (int i = 0; i < n && rc == HK_OK && (f->limit == 0 || sent < f->limit); i++, sent++) {
      hk_app_row row;
      read_row(r, i, &row);
      after = row.id;
      rc = cb(&row, cls, err);
    }
    PQclear(r);
    if (rc != HK_OK || n < 500 || (f->limit && sent >= f->limit))
      return rc;
  }
}

hk_status store__pg_permit_insert(hk_store *st, const hk_permit_row *row, hk_error *err)
{
  params q = {0};
  p_text(&q, row->number);
  p_int(&q, row->person_id);
  p_int(&q, row->division);
  p_day(&q, row->issued_on);
  if (row->application_id)
    p_int(&q, row->application_id);
  else
    p_text(&q, NULL);
  return store__pg_run(st,
                       "INSERT INTO residence_permit (number, person_id, division, issued_on,"
                       " application_id) VALUES ($1, $2, $3, $4, $5)",
                       &q, "permit insert", NULL, err);
}

hk_status store__pg_permit_latest(hk_store *st, int64_t person_id, hk_permit_row *out,
                                  hk_error *err)
{
  params q = {0};
  p_int(&q, person_id);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st,
                               "SELECT number, person_id, division, issued_on, application_id"
                               " FROM residence_permit WHERE person_id = $1"
                               " ORDER BY issued_on DESC, number DESC LIMIT 1",
                               &q, "permit read", &r, err);
  if (rc != HK_OK)
    return rc;
  memset(out, 0, sizeof *out);
  if (PQntuples(r) == 1) {
    snprintf(out->number, sizeof out->number, "%s", PQgetvalue(r, 0, 0));
    out->person_id = get_int(r, 0, 1);
    out->division = (int32_t)get_int(r, 0, 2);
    out->issued_on = get_day(r, 0, 3, HK_DATE_NONE);
    out->application_id = PQgetisnull(r, 0, 4) ? 0 : get_int(r, 0, 4);
  } else {
    rc = hk_error_set(err, HK_ENOTFOUND, "permit", "no residence permit on record");
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_permit_set_division(hk_store *st, const char *number, int32_t division,
                                        hk_error *err)
{
  params q = {0};
  p_text(&q, number);
  p_int(&q, division);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "UPDATE residence_permit SET division = $2 WHERE number = $1",
                               &q, "permit update", &r, err);
  if (rc != HK_OK)
    return rc;
  bool found = strcmp(PQcmdTuples(r), "1") == 0;
  PQclear(r);
  return found ? HK_OK : hk_error_set(err, HK_ENOTFOUND, "permit", "no such permit number");
}

hk_status store__pg_permit_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                        hk_error *err)
{
  params q = {0};
  p_text(&q, prefix);
  PGresult *r = NULL;
  hk_status rc =
      store__pg_run(st,
                    /* starts_with, not a range: the database's collation may ignore
                       the dashes when it orders text. */
                    "SELECT count(*) FROM residence_permit WHERE starts_with(number, $1)", &q,
                    "permit count", &r, err);
  if (rc != HK_OK)
    return rc;
  *count = get_int(r, 0, 0);
  PQclear(r);
  return HK_OK;
}
