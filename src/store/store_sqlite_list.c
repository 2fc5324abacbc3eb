/* Lists and search on SQLite: runs the statements store_list.c builds (store_q.h). Each is
 * prepared per call: a list page is one statement, and its text depends on the filters, so
 * that the planner sees only the conditions in force and picks their index. */
#include <sqlite3.h>

#include "store/store_q.h"
#include "store/store_sqlite.h"

static int64_t col_int(const store_qrow *r, int col)
{
  return sqlite3_column_int64((sqlite3_stmt *)r->impl, col);
}

static const char *col_text(const store_qrow *r, int col)
{
  sqlite3_stmt *st = (sqlite3_stmt *)r->impl;
  if (sqlite3_column_type(st, col) == SQLITE_NULL)
    return NULL;
  return (const char *)sqlite3_column_text(st, col);
}

hk_status store__sqlite_query(hk_store *base, const store_q *q, store_qrow_cb cb, void *cls,
                              hk_error *err)
{
  sqlite3 *db = store__sqlite_db(base);
  hk_status rc = store__sqlite_flush(base, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_stmt *st;
  rc = store__sqlite_prepare(db, q->sql, &st, err);
  if (rc != HK_OK)
    return rc;
  for (int i = 0; i < q->n; i++) {
    if (q->p[i].is_null)
      sqlite3_bind_null(st, i + 1);
    else if (q->p[i].is_text)
      sqlite3_bind_text(st, i + 1, q->p[i].s, -1, SQLITE_STATIC);
    else
      sqlite3_bind_int64(st, i + 1, q->p[i].i);
  }
  store_qrow row = {.impl = st, .i = col_int, .s = col_text};
  int r = SQLITE_DONE;
  while (rc == HK_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
    rc = cb(&row, cls, err);
    row.row++;
  }
  if (rc == HK_OK && r != SQLITE_DONE)
    rc = store__sqlite_fail(db, r, "list", err);
  sqlite3_finalize(st);
  return rc;
}
