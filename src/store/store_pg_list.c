/* Lists and search on PostgreSQL: runs the statements store_list.c builds (store_q.h), with
 * their parameters as text. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_pg_int.h"
#include "store/store_q.h"

static int64_t col_int(const store_qrow *r, int col)
{
  return strtoll(PQgetvalue((PGresult *)r->impl, r->row, col), NULL, 10);
}

static const char *col_text(const store_qrow *r, int col)
{
  PGresult *res = (PGresult *)r->impl;
  return PQgetisnull(res, r->row, col) ? NULL : PQgetvalue(res, r->row, col);
}

hk_status store__pg_query(hk_store *base, const store_q *q, store_qrow_cb cb, void *cls,
                          hk_error *err)
{
  const char *values[STORE_Q_PARAMS_MAX];
  char text[STORE_Q_PARAMS_MAX][24];
  for (int i = 0; i < q->n; i++) {
    if (q->p[i].is_null) {
      values[i] = NULL;
    } else if (q->p[i].is_text) {
      values[i] = q->p[i].s;
    } else {
      snprintf(text[i], sizeof text[i], "%" PRId64, q->p[i].i);
      values[i] = text[i];
    }
  }
  PGresult *res = PQexecParams(store__pg_conn(base), q->sql, q->n, NULL, values, NULL, NULL, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    hk_status rc = store__pg_error(base, res, "list", err);
    PQclear(res);
    return rc;
  }
  store_qrow row = {.impl = res, .i = col_int, .s = col_text};
  hk_status rc = HK_OK;
  int n = PQntuples(res);
  for (int i = 0; rc == HK_OK && i < n; i++) {
    row.row = i;
    rc = cb(&row, cls, err);
  }
  PQclear(res);
  return rc;
}
