/* The officer's worklist of declared entries, and one entry with its person (store_fact.h):
 * one statement each, the same text on both backends but for the placeholders (store_q.h).
 * The page is read from the partial index fact_declared (migration 10), in entry order; the
 * area is a check on each of those entries (the person's hukou or residence row, by primary
 * key), so a page costs the entries waiting before it, never a scan of the area's persons. */
#include <stdlib.h>

#include "store/store_fact.h"
#include "store/store_q.h"

#define ITEM_COLUMNS                                                                               \
  "SELECT f.id, f.person_id, f.kind, f.source, f.actor, f.at, f.recorded_on, f.superseded_by,"     \
  " f.doc, p.id_number, p.name, (SELECT count(*) FROM material m WHERE m.person_id ="              \
  " f.person_id AND m.application_id IS NULL AND m.fact LIKE ('%/' || CAST(f.id AS TEXT)))"        \
  " FROM fact f JOIN person p ON p.id = f.person_id"

typedef struct item_state {
  hk_fact_item_cb cb;
  void *cls;
  int rows;
} item_state;

static hk_status item_row(const store_qrow *r, void *cls, hk_error *err)
{
  item_state *is = cls;
  hk_fact_item it = {
      .row =
          {
              .id = qi(r, 0),
              .person_id = qi(r, 1),
              .kind = (int)qi(r, 2),
              .source = (int)qi(r, 3),
              .actor = qs(r, 4) ? qs(r, 4) : "",
              .department = "",
              .delivery = "",
              .at = qs(r, 5) ? qs(r, 5) : "",
              .recorded_on = (hk_date)qi(r, 6),
              .reason = "",
              .supersedes_row = -1,
              .superseded_by = qnull(r, 7) ? 0 : qi(r, 7),
              .doc = qs(r, 8) ? qs(r, 8) : "{}",
          },
      .id_number = qs(r, 9) ? qs(r, 9) : "",
      .name = qs(r, 10) ? qs(r, 10) : "",
      .materials = qi(r, 11),
  };
  is->rows++;
  return is->cb(&it, is->cls, err);
}

hk_status hk_store_fact_waiting(hk_store *st, const hk_fact_waiting_query *f, hk_fact_item_cb cb,
                                void *cls, hk_error *err)
{
  store_q *q = malloc(sizeof *q);
  if (q == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  store__q_init(q, st);
  /* source 1: declared. The two terms are fact_declared's own, so both planners take it. */
  store__q_add(q, ITEM_COLUMNS " WHERE f.source = 1 AND f.superseded_by IS NULL AND f.id > @i",
               f->after);
  if (f->kind)
    store__q_add(q, " AND f.kind = @i", (int64_t)f->kind);
  /* The area as scalar subqueries on the person's rows by primary key, not EXISTS: PostgreSQL
     would hash an EXISTS under OR over every hukou row of the area (a sequential scan of the
     province for its supervisor) to check the fifty-odd entries a page reads. coalesce stops at
     the first that answers, as OR would. SQLite runs either form per entry, at about the same cost
     (bench_facts_waiting). */
  if (f->lo || f->hi)
    store__q_add(q,
                 " AND coalesce((SELECT 1 FROM hukou h WHERE h.person_id = f.person_id AND"
                 " h.valid_to IS NULL AND h.division BETWEEN @i AND @i LIMIT 1), (SELECT 1 FROM"
                 " residence r WHERE r.person_id = f.person_id AND r.valid_to IS NULL AND"
                 " r.ended = 0 AND r.division BETWEEN @i AND @i LIMIT 1)) IS NOT NULL",
                 (int64_t)f->lo, (int64_t)f->hi, (int64_t)f->lo, (int64_t)f->hi);
  store__q_add(q, " ORDER BY f.id LIMIT @i", (int64_t)(f->limit ? f->limit : 50));
  item_state is = {cb, cls, 0};
  hk_status rc = store__q_run(st, q, item_row, &is, err);
  free(q);
  return rc;
}

hk_status hk_store_fact_get(hk_store *st, int64_t entry, hk_fact_item_cb cb, void *cls,
                            hk_error *err)
{
  store_q *q = malloc(sizeof *q);
  if (q == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  store__q_init(q, st);
  store__q_add(q, ITEM_COLUMNS " WHERE f.id = @i", entry);
  item_state is = {cb, cls, 0};
  hk_status rc = store__q_run(st, q, item_row, &is, err);
  free(q);
  if (rc == HK_OK && is.rows == 0)
    rc = hk_error_set(err, HK_ENOTFOUND, "entry", "no entry %lld", (long long)entry);
  return rc;
}
