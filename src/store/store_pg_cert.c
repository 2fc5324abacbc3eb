/* Electronic certificates on PostgreSQL (store_cert.h), the same rows as SQLite's. Two issues
 * at once may read the same next index: the second insert then waits on the first's key and
 * fails as a duplicate, and the service runs its transaction again. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store_pg_int.h"

#define CERT_COLUMNS                                                                               \
  "id, cert_id, type, person, issuer, issued_at, valid_from, valid_until, claims, token, kid,"     \
  " status, status_reason, status_at, source"

static void read_row(PGresult *r, int i, hk_cert_row *out, bool owned)
{
  memset(out, 0, sizeof *out);
  out->id = get_int(r, i, 0);
  snprintf(out->cert_id, sizeof out->cert_id, "%s", PQgetvalue(r, i, 1));
  out->type = (int)get_int(r, i, 2);
  snprintf(out->person, sizeof out->person, "%s", PQgetvalue(r, i, 3));
  out->issuer = (int32_t)get_int(r, i, 4);
  out->issued_at = get_int(r, i, 5);
  out->valid_from = get_int(r, i, 6);
  out->valid_until = get_int(r, i, 7);
  const char *claims = PQgetvalue(r, i, 8);
  const char *token = PQgetisnull(r, i, 9) ? NULL : PQgetvalue(r, i, 9);
  if (owned) {
    out->claims = strdup(claims);
    out->token = token ? strdup(token) : NULL;
  } else {
    out->claims = (char *)claims;
    out->token = (char *)token;
  }
  snprintf(out->kid, sizeof out->kid, "%s", PQgetvalue(r, i, 10));
  out->status = (int)get_int(r, i, 11);
  snprintf(out->status_reason, sizeof out->status_reason, "%s", PQgetvalue(r, i, 12));
  out->status_at = get_int(r, i, 13);
  snprintf(out->source, sizeof out->source, "%s", PQgetvalue(r, i, 14));
}

hk_status store__pg_cert_next_index(hk_store *st, int64_t *index, hk_error *err)
{
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "SELECT coalesce(max(id), 0) + 1 FROM certificate", NULL,
                               "certificate index", &r, err);
  if (rc != HK_OK)
    return rc;
  *index = get_int(r, 0, 0);
  PQclear(r);
  return HK_OK;
}

hk_status store__pg_cert_insert(hk_store *st, const hk_cert_row *row, hk_error *err)
{
  params q = {0};
  p_int(&q, row->id);
  p_text(&q, row->cert_id);
  p_int(&q, row->type);
  p_text(&q, row->person);
  p_int(&q, row->issuer);
  p_int(&q, row->issued_at);
  p_int(&q, row->valid_from);
  p_int(&q, row->valid_until);
  p_text(&q, row->claims ? row->claims : "{}");
  p_int(&q, row->status);
  p_text(&q, row->status_reason);
  p_text(&q, row->source);
  return store__pg_run(st,
                       "INSERT INTO certificate (id, cert_id, type, person, issuer, issued_at,"
                       " valid_from, valid_until, claims, status, status_reason, source)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                       &q, "certificate insert", NULL, err);
}

hk_status store__pg_cert_get(hk_store *st, const char *cert_id, hk_cert_row *out, hk_error *err)
{
  params q = {0};
  p_text(&q, cert_id);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "SELECT " CERT_COLUMNS " FROM certificate WHERE cert_id = $1",
                               &q, "certificate read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 0) {
    rc = hk_error_set(err, HK_ENOTFOUND, "certificate", "no such certificate");
  } else {
    read_row(r, 0, out, true);
    if (out->claims == NULL)
      rc = hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_cert_each_person(hk_store *st, const char *person, hk_cert_row_cb cb, void *cls,
                                     hk_error *err)
{
  params q = {0};
  p_text(&q, person);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(
      st, "SELECT " CERT_COLUMNS " FROM certificate WHERE person = $1 ORDER BY id DESC", &q,
      "certificate list", &r, err);
  if (rc != HK_OK)
    return rc;
  int n = PQntuples(r);
  for (int i = 0; i < n && rc == HK_OK; i++) {
    hk_cert_row row;
    read_row(r, i, &row, false);
    rc = cb(&row, cls, err);
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_cert_set_status(hk_store *st, int64_t id, int status, const char *reason,
                                    int64_t at, hk_error *err)
{
  params q = {0};
  p_int(&q, id);
  p_int(&q, status);
  p_text(&q, reason ? reason : "");
  p_int(&q, at);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st,
                               "UPDATE certificate SET status = $2, status_reason = $3,"
                               " status_at = $4 WHERE id = $1",
                               &q, "certificate status", &r, err);
  if (rc != HK_OK)
    return rc;
  bool found = strcmp(PQcmdTuples(r), "1") == 0;
  PQclear(r);
  return found
             ? HK_OK
             : hk_error_set(err, HK_ENOTFOUND, "certificate", "no certificate %lld", (long long)id);
}

hk_status store__pg_cert_set_token(hk_store *st, int64_t id, const char *token, const char *kid,
                                   hk_error *err)
{
  params q = {0};
  p_int(&q, id);
  p_text(&q, token);
  p_text(&q, kid);
  return store__pg_run(
      st, "UPDATE certificate SET token = $2, kid = $3 WHERE id = $1 AND token IS NULL", &q,
      "certificate token", NULL, err);
}

hk_status store__pg_cert_statuses(hk_store *st, uint8_t **statuses, size_t *n, hk_error *err)
{
  int64_t next = 1;
  hk_status rc = store__pg_cert_next_index(st, &next, err);
  if (rc != HK_OK)
    return rc;
  PGresult *r = NULL;
  /* Only the withdrawn rows: the partial index certificate_withdrawn holds exactly these. */
  rc = store__pg_run(st, "SELECT id, status FROM certificate WHERE status <> 0", NULL,
                     "certificate statuses", &r, err);
  if (rc != HK_OK)
    return rc;
  uint8_t *list = calloc((size_t)next, 1);
  if (list == NULL) {
    PQclear(r);
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  }
  int rows = PQntuples(r);
  for (int i = 0; i < rows; i++) {
    int64_t id = get_int(r, i, 0);
    if (id > 0 && id < next)
      list[id] = (uint8_t)get_int(r, i, 1);
  }
  PQclear(r);
  *statuses = list;
  *n = (size_t)next;
  return HK_OK;
}
