#ifndef HK_STORE_STORE_Q_H
#define HK_STORE_STORE_Q_H

/* Private to the store: one SQL statement built for one call (store_list.c), with its
 * parameters, that either backend runs (ops->query). Placeholders are numbered, "?N" for
 * SQLite and "$N" for PostgreSQL, so the text differs only where the dialects do. */

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

#define STORE_Q_SQL_MAX 6144
#define STORE_Q_PARAMS_MAX 40

typedef struct store_q {
  bool pg; /* the dialect */
  char sql[STORE_Q_SQL_MAX];
  size_t len;
  bool overflow;
  int n;
  struct {
    bool is_text, is_null;
    int64_t i;
    const char *s; /* borrowed until the query has run */
  } p[STORE_Q_PARAMS_MAX];
} store_q;

/* A row of the result: column getters of the backend. */
typedef struct store_qrow {
  const void *impl;
  int row;
  int64_t (*i)(const struct store_qrow *r, int col);
  const char *(*s)(const struct store_qrow *r, int col); /* NULL for SQL NULL */
} store_qrow;

typedef hk_status (*store_qrow_cb)(const store_qrow *r, void *cls, hk_error *err);

static inline int64_t qi(const store_qrow *r, int col)
{
  return r->i(r, col);
}
static inline const char *qs(const store_qrow *r, int col)
{
  return r->s(r, col);
}
static inline bool qnull(const store_qrow *r, int col)
{
  return r->s(r, col) == NULL;
}

/* The builder of store_list.c, for the store's other lists (store_fact_list.c). Init sets the
 * dialect from the store; add appends fmt, where "@i" takes an int64_t parameter and "@s" a
 * text one (borrowed until the statement has run), numbered in the order they come; run runs
 * the statement (HK_EINTERNAL when it outgrew the buffer). */
struct hk_store;
void store__q_init(store_q *q, struct hk_store *st);
void store__q_add(store_q *q, const char *fmt, ...);
hk_status store__q_run(struct hk_store *st, const store_q *q, store_qrow_cb cb, void *cls,
                       hk_error *err);

#endif
