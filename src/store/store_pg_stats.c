/* Population statistics on PostgreSQL (stats.h). One aggregate query does the counting in the
 * server: each person's current hukou division and the division of their ongoing residence
 * registration (the last open row of each), joined on the person and grouped by the pair, so
 * only a few thousand (hukou, living) pairs cross the wire; the shared tally (stats.c) turns them
 * into figures. Unlike SQLite, nothing is kept between calls: the query reads the two tables once
 * and the server's own caches serve repeated calls. */
#include "store/stats_int.h"

#include <string.h>

#include "store/store_pg_int.h"

static const char pairs_sql[] =
    "WITH h AS (SELECT DISTINCT ON (person_id) person_id, division FROM hukou"
    "  WHERE valid_to IS NULL ORDER BY person_id, seq DESC),"
    " r AS (SELECT DISTINCT ON (person_id) person_id, division FROM residence"
    "  WHERE valid_to IS NULL ORDER BY person_id, seq DESC)"
    " SELECT coalesce(h.division, 0), coalesce(r.division, 0), count(*)"
    " FROM h FULL JOIN r ON r.person_id = h.person_id GROUP BY 1, 2";

hk_status store__pg_stats_summary(hk_store *st, bool refresh, hk_stats_summary *out, hk_error *err)
{
  (void)refresh; /* always counted afresh */
  store_tally tally;
  hk_status rc = store__tally_init(&tally, err);
  if (rc != HK_OK)
    return rc;
  PGresult *r = NULL;
  /* One snapshot for every figure (and the event they reflect), unless the caller's
   * transaction already is one. */
  bool own = PQtransactionStatus(store__pg_conn(st)) == PQTRANS_IDLE;
  if (own)
    PQclear(PQexec(store__pg_conn(st), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  if ((rc = store__pg_run(st, pairs_sql, NULL, "stats", &r, err)) == HK_OK) {
    for (int i = 0; i < PQntuples(r); i++)
      store__tally_add(&tally, (int32_t)get_int(r, i, 0), (int32_t)get_int(r, i, 1),
                       get_int(r, i, 2));
    PQclear(r);
    rc = store__tally_finish(&tally, out, err);
  }
  if (rc == HK_OK &&
      (rc = store__pg_run(st,
                          "SELECT (SELECT count(*) FROM person WHERE died_on IS NULL),"
                          " (SELECT coalesce(max(seq), 0) FROM event)",
                          NULL, "stats", &r, err)) == HK_OK) {
    out->persons = get_int(r, 0, 0);
    out->as_of_event = get_int(r, 0, 1);
    PQclear(r);
  }
  if (rc == HK_OK &&
      (rc = store__pg_run(
           st, "SELECT kind, count(*) FROM household WHERE dissolved_on IS NULL GROUP BY kind",
           NULL, "stats", &r, err)) == HK_OK) {
    for (int i = 0; i < PQntuples(r); i++) {
      int64_t kind = get_int(r, i, 0), n = get_int(r, i, 1);
      out->households += n;
      if (kind == HK_HOUSEHOLD_FAMILY)
        out->family_households += n;
      else if (kind == HK_HOUSEHOLD_COLLECTIVE)
        out->collective_households += n;
    }
    PQclear(r);
  }
  if (own)
    PQclear(PQexec(store__pg_conn(st), rc == HK_OK ? "COMMIT" : "ROLLBACK"));
  store__tally_free(&tally);
  return rc;
}
