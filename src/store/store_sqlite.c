/* The SQLite backend: one file in WAL mode, prepared statements kept for the life of the
 * connection, one writer at a time. */
#include "store/store_sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>
#include <sodium.h>

#include "core/idnum.h"
#include "core/u64map.h"
#include "store/store_app.h"
#include "store/store_int.h"

enum stmt_id {
  S_PERSON_INSERT,
  S_PERSON_ROW,
  S_PERSON_GET,
  S_HH_FIND,
  S_HH_INSERT,
  S_HH_SET_HEAD,
  S_HUKOU_GET,
  S_EVENT_LAST,
  S_EVENT_INSERT,
  S_ADDRESS_INSERT,
  S_PERSON_UPDATE,
  S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_PERSON_INSERT] = "INSERT INTO person (id_number, name, birth_date, sex, marital_status,"
                        " education, died_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [S_PERSON_ROW] = "SELECT id FROM person WHERE id_number = ?1",
    [S_PERSON_GET] = "SELECT id, id_number, name, birth_date, sex, marital_status, education,"
                     " died_on FROM person WHERE id = ?1",
    [S_HH_FIND] = "SELECT id, kind, division, head_person FROM household WHERE household_no = ?1",
    [S_HH_INSERT] = "INSERT INTO household (household_no, kind, division, head_person, owner,"
                    " owner_code, owner_name, address, created_on)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_HH_SET_HEAD] = "UPDATE household SET head_person = ?1 WHERE id = ?2",
    [S_HUKOU_GET] = "SELECT h.person_id, h.division, h.urban, hh.kind, hh.household_no,"
                    " hh.head_person = h.person_id FROM hukou h JOIN household hh"
                    " ON hh.id = h.household_id WHERE h.person_id = ?1 AND h.valid_to IS NULL"
                    " ORDER BY h.seq DESC LIMIT 1",
    [S_EVENT_LAST] = "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1",
    [S_ADDRESS_INSERT] = "INSERT INTO residence_address VALUES (?1, ?2, ?3)",
    [S_PERSON_UPDATE] = "UPDATE person SET name = ?2, marital_status = ?3, education = ?4"
                        " WHERE id = ?1",
    [S_EVENT_INSERT] = "INSERT INTO event (seq, at, actor, action, subject, payload, prev_hash,"
                       " hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
};

/* The history tables in the order a person's lists are read, with the columns each loader
 * expects after person_id (see load_row). */
enum history {
  H_HUKOU,
  H_RESIDENCE,
  H_HOUSING,
  H_EMPLOYMENT,
  H_SCHOOLING,
  H_INSURANCE,
  H_PERMIT,
  H_TALENT,
  H_POINTS,
  H_KINSHIP,
  H_COUNT
};

static const char *const history_select[H_COUNT] = {
    [H_HUKOU] =
        "SELECT h.person_id, h.division, h.urban, hh.kind, hh.household_no,"
        " hh.head_person = h.person_id, hh.address, hh.owner, hh.owner_code, hh.owner_name,"
        " hh.created_on, h.valid_from FROM hukou h JOIN household hh"
        " ON hh.id = h.household_id WHERE h.valid_to IS NULL %s ORDER BY h.person_id, h.seq",
    [H_RESIDENCE] = "SELECT r.person_id, r.division, r.urban, r.valid_from, r.valid_to,"
                    " r.declared_on, r.late, r.ended, a.address FROM residence r"
                    " LEFT JOIN residence_address a ON a.person_id = r.person_id AND a.seq = r.seq"
                    " %s ORDER BY r.person_id, r.seq",
    [H_HOUSING] = "SELECT person_id, division, urban, valid_from, valid_to, kind, legal"
                  " FROM housing %s ORDER BY person_id, seq",
    [H_EMPLOYMENT] = "SELECT person_id, division, collective_household, valid_from, valid_to"
                     " FROM employment %s ORDER BY person_id, seq",
    [H_SCHOOLING] = "SELECT person_id, division, valid_from, valid_to FROM schooling"
                    " %s ORDER BY person_id, seq",
    [H_INSURANCE] = "SELECT person_id, city, from_month, to_month, pension_transferred"
                    " FROM insurance %s ORDER BY person_id, seq",
    [H_PERMIT] = "SELECT person_id, division, valid_from, valid_to FROM permit"
                 " %s ORDER BY person_id, seq",
    [H_TALENT] = "SELECT person_id, category, division, recognised FROM talent"
                 " %s ORDER BY person_id, seq",
    [H_POINTS] = "SELECT person_id, volunteer_hours, blood_ml, donation_yuan, skill"
                 " FROM points_facts %s ORDER BY person_id",
    [H_KINSHIP] = "SELECT k.person_id, k.relation, p.id_number FROM kinship k JOIN person p"
                  " ON p.id = k.relative_id %s ORDER BY k.person_id, k.seq",
};

/* A person and every history in one statement: one arm per table, tagged with its `enum
 * history` (-1 the person row), the columns each loader expects from column 1 on (padded with
 * NULL to the widest, the hukou's eleven), and the row's seq last for the order. One statement
 * instead of eleven per read (bench/bench_http.sh). "%1$s" stands for the person's row id: ?1,
 * or a lookup by ID number. */
static const char person_whole_sql[] =
    "SELECT -1, id_number, name, birth_date, sex, marital_status, education, died_on,"
    " NULL, NULL, NULL, NULL, 0 FROM person WHERE id = %1$s"
    " UNION ALL SELECT 0, h.division, h.urban, hh.kind, hh.household_no, hh.head_person"
    " = h.person_id, hh.address, hh.owner, hh.owner_code, hh.owner_name, hh.created_on,"
    " h.valid_from, h.seq FROM hukou h JOIN household hh ON hh.id = h.household_id WHERE"
    " h.person_id = %1$s AND h.valid_to IS NULL"
    " UNION ALL SELECT 1, r.division, r.urban, r.valid_from, r.valid_to, r.declared_on,"
    " r.late, r.ended, a.address, NULL, NULL, NULL, r.seq FROM residence r LEFT JOIN"
    " residence_address a ON a.person_id = r.person_id AND a.seq = r.seq WHERE"
    " r.person_id = %1$s"
    " UNION ALL SELECT 2, division, urban, valid_from, valid_to, kind, legal, NULL,"
    " NULL, NULL, NULL, NULL, seq FROM housing WHERE person_id = %1$s"
    " UNION ALL SELECT 3, division, collective_household, valid_from, valid_to, NULL,"
    " NULL, NULL, NULL, NULL, NULL, NULL, seq FROM employment WHERE person_id = %1$s"
    " UNION ALL SELECT 4, division, valid_from, valid_to, NULL, NULL, NULL, NULL, NULL,"
    " NULL, NULL, NULL, seq FROM schooling WHERE person_id = %1$s"
    " UNION ALL SELECT 5, city, from_month, to_month, pension_transferred, NULL, NULL,"
    " NULL, NULL, NULL, NULL, NULL, seq FROM insurance WHERE person_id = %1$s"
    " UNION ALL SELECT 6, division, valid_from, valid_to, NULL, NULL, NULL, NULL, NULL,"
    " NULL, NULL, NULL, seq FROM permit WHERE person_id = %1$s"
    " UNION ALL SELECT 7, category, division, recognised, NULL, NULL, NULL, NULL, NULL,"
    " NULL, NULL, NULL, seq FROM talent WHERE person_id = %1$s"
    " UNION ALL SELECT 8, volunteer_hours, blood_ml, donation_yuan, skill, NULL, NULL,"
    " NULL, NULL, NULL, NULL, NULL, 0 FROM points_facts WHERE person_id = %1$s"
    " UNION ALL SELECT 9, k.relation, p.id_number, NULL, NULL, NULL, NULL, NULL, NULL,"
    " NULL, NULL, NULL, k.seq FROM kinship k JOIN person p ON p.id = k.relative_id WHERE"
    " k.person_id = %1$s"
    " ORDER BY 1, 13";

_Static_assert(H_HUKOU == 0 && H_RESIDENCE == 1 && H_HOUSING == 2 && H_EMPLOYMENT == 3 &&
                   H_SCHOOLING == 4 && H_INSURANCE == 5 && H_PERMIT == 6 && H_TALENT == 7 &&
                   H_POINTS == 8 && H_KINSHIP == 9 && H_COUNT == 10,
               "person_whole_sql tags its arms with these values");

/* Every history of a person, as hk_store_person_update replaces them. */
static const char *const history_delete_sql[] = {
    "DELETE FROM residence WHERE person_id = ?1",
    "DELETE FROM residence_address WHERE person_id = ?1",
    "DELETE FROM housing WHERE person_id = ?1",
    "DELETE FROM employment WHERE person_id = ?1",
    "DELETE FROM schooling WHERE person_id = ?1",
    "DELETE FROM insurance WHERE person_id = ?1",
    "DELETE FROM permit WHERE person_id = ?1",
    "DELETE FROM talent WHERE person_id = ?1",
    "DELETE FROM points_facts WHERE person_id = ?1",
};

static const char *const delete_sql[] = {
    "DELETE FROM residence_address WHERE person_id = ?1",
    "DELETE FROM residence WHERE person_id = ?1",
    "DELETE FROM housing WHERE person_id = ?1",
    "DELETE FROM employment WHERE person_id = ?1",
    "DELETE FROM schooling WHERE person_id = ?1",
    "DELETE FROM insurance WHERE person_id = ?1",
    "DELETE FROM permit WHERE person_id = ?1",
    "DELETE FROM talent WHERE person_id = ?1",
    "DELETE FROM points_facts WHERE person_id = ?1",
    "DELETE FROM kinship WHERE person_id = ?1",
    "UPDATE household SET head_person = NULL WHERE head_person = ?1",
    /* A household left without members by the deletion goes too. */
    /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one statement over three lines */
    "DELETE FROM household WHERE id IN (SELECT household_id FROM hukou WHERE person_id = ?1)"
    " AND NOT EXISTS (SELECT 1 FROM hukou o WHERE o.household_id = household.id"
    " AND o.person_id <> ?1)",
    "DELETE FROM hukou WHERE person_id = ?1",
    "DELETE FROM person WHERE id = ?1",
};

/* Put `where` in place of the "%s" of a history select. */
static void fill_where(char *out, size_t size, const char *tmpl, const char *where)
{
  const char *mark = strstr(tmpl, "%s");
  snprintf(out, size, "%.*s%s%s", (int)(mark - tmpl), tmpl, where, mark + 2);
}

/* Tables whose inserts are buffered (see buffer_row). */
enum buffered_table {
  T_HUKOU,
  T_RESIDENCE,
  T_HOUSING,
  T_EMPLOYMENT,
  T_SCHOOLING,
  T_INSURANCE,
  T_PERMIT,
  T_TALENT,
  T_POINTS,
  T_KINSHIP,
  T_COUNT
};

#define ROWS_PER_INSERT 32
#define MAX_COLUMNS 9
#define NULL_VALUE INT64_MIN /* a buffered SQL NULL */

typedef struct row_buffer {
  sqlite3_stmt *single; /* one row */
  sqlite3_stmt *multi;  /* ROWS_PER_INSERT rows */
  int rows;
  int64_t values[ROWS_PER_INSERT * MAX_COLUMNS];
} row_buffer;

/* A household created during a bulk load, found by its number without the dropped index.
 * Records whose numbers hash alike are chained through `next` (an index + 1, 0 ending). */
typedef struct bulk_household {
  int64_t id; /* 0 once the household is gone */
  uint32_t name_at;
  uint32_t next;
  int32_t division;
  uint8_t kind;
  bool has_head;
} bulk_household;

/* While a bulk load into an empty registry runs, its secondary indexes are dropped (built once
 * at the end, by sorting, instead of by millions of random inserts) and these in-memory maps
 * answer what the indexes would have. */
typedef struct bulk_state {
  bool active;
  hk_u64map persons;    /* packed ID number -> person row */
  hk_u64map households; /* SipHash of the number -> record index + 1 */
  bulk_household *records;
  size_t n_records, cap_records;
  char *names; /* household numbers, NUL-terminated, back to back */
  size_t names_len, names_cap;
} bulk_state;

typedef struct sqlite_store {
  hk_store base;
  sqlite3 *db;
  sqlite3_stmt *stmt[S_COUNT];
  struct {
    const char *sql; /* a static string: the key is its address */
    sqlite3_stmt *stmt;
  } cached[16];                  /* store__sqlite_cached */
  sqlite3_stmt *whole_by_row;    /* person_whole_sql by row id */
  sqlite3_stmt *whole_by_number; /* person_whole_sql by ID number */
  int version;
  bool journal_switched; /* a bulk load runs with a rollback journal; WAL comes back after */
  bulk_state bulk;
  row_buffer buffers[T_COUNT];
} sqlite_store;

static const char *const bulk_indexes_drop =
    "DROP INDEX person_id_number; DROP INDEX household_number; DROP INDEX hukou_household;"
    /* lists and search (migration 8) */
    "DROP INDEX person_name; DROP INDEX person_name_2; DROP INDEX person_name_3;"
    "DROP INDEX household_head; DROP INDEX residence_division;";
static const char *const bulk_indexes_create =
    "CREATE UNIQUE INDEX person_id_number ON person (id_number);"
    "CREATE UNIQUE INDEX household_number ON household (household_no);"
    "CREATE INDEX hukou_household ON hukou (household_id);"
    "CREATE INDEX person_name ON person (name);"
    "CREATE INDEX person_name_2 ON person (substr(name, 2)) WHERE length(name) >= 3;"
    "CREATE INDEX person_name_3 ON person (substr(name, 3)) WHERE length(name) >= 4;"
    "CREATE INDEX household_head ON household (head_person) WHERE head_person IS NOT NULL;"
    "CREATE INDEX residence_division ON residence (division, person_id, seq);";

static uint64_t household_hash(const char *no)
{
  static const unsigned char key[crypto_shorthash_KEYBYTES] = {0};
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, (const unsigned char *)no, strlen(no), key);
  uint64_t h = 0;
  for (int i = 0; i < 8; i++)
    h = (h << 8) | out[i];
  return h ? h : 1; /* 0 marks an empty map slot */
}

static bulk_household *bulk_household_find(bulk_state *b, const char *no)
{
  int64_t at;
  if (!hk_u64map_get(&b->households, household_hash(no), &at))
    return NULL;
  for (uint32_t i = (uint32_t)at; i; i = b->records[i - 1].next) {
    bulk_household *r = &b->records[i - 1];
    if (r->id != 0 && strcmp(b->names + r->name_at, no) == 0)
      return r;
  }
  return NULL;
}

static bulk_household *bulk_household_add(bulk_state *b, const char *no)
{
  size_t len = strlen(no) + 1;
  if (b->n_records == b->cap_records) {
    size_t cap = b->cap_records ? b->cap_records * 2 : 1024;
    bulk_household *bigger = realloc(b->records, cap * sizeof *bigger);
    if (bigger == NULL)
      return NULL;
    b->records = bigger;
    b->cap_records = cap;
  }
  if (b->names_len + len > b->names_cap) {
    size_t cap = b->names_cap ? b->names_cap * 2 : 65536;
    while (cap < b->names_len + len)
      cap *= 2;
    char *bigger = realloc(b->names, cap);
    if (bigger == NULL)
      return NULL;
    b->names = bigger;
    b->names_cap = cap;
  }
  if (b->names_len + len > UINT32_MAX || b->n_records >= UINT32_MAX - 1)
    return NULL;
  uint64_t h = household_hash(no);
  int64_t chain = 0;
  hk_u64map_get(&b->households, h, &chain);
  if (!hk_u64map_put(&b->households, h, (int64_t)b->n_records + 1))
    return NULL;
  bulk_household *r = &b->records[b->n_records++];
  memset(r, 0, sizeof *r);
  r->name_at = (uint32_t)b->names_len;
  r->next = (uint32_t)chain;
  memcpy(b->names + b->names_len, no, len);
  b->names_len += len;
  return r;
}

static void bulk_clear(bulk_state *b)
{
  hk_u64map_clear(&b->persons);
  hk_u64map_clear(&b->households);
  free(b->records);
  free(b->names);
  memset(b, 0, sizeof *b);
}

static hk_status db_error(sqlite_store *s, int rc, const char *what, hk_error *err)
{
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return hk_error_set(err, HK_ERETRY, NULL, "%s: database busy", what);
  if (primary == SQLITE_FULL || primary == SQLITE_READONLY || primary == SQLITE_IOERR)
    return store__sqlite_fail(s->db, rc, what, err); /* one wording of the I/O failures */
  return hk_error_set(err, HK_ESTORE, NULL, "%s: %s", what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *use(sqlite_store *s, enum stmt_id id)
{
  sqlite3_stmt *st = s->stmt[id];
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return st;
}

static hk_tri column_tri(sqlite3_stmt *st, int i)
{
  if (sqlite3_column_type(st, i) == SQLITE_NULL)
    return HK_TRI_UNSET;
  return sqlite3_column_int(st, i) ? HK_TRI_TRUE : HK_TRI_FALSE;
}

static int32_t column_day(sqlite3_stmt *st, int i, int32_t if_null)
{
  return sqlite3_column_type(st, i) == SQLITE_NULL ? if_null : sqlite3_column_int(st, i);
}

static hk_status step_done(sqlite_store *s, sqlite3_stmt *st, const char *what, hk_error *err)
{
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_DONE)
    return HK_OK;
  return db_error(s, rc, what, err);
}

static hk_status exec(sqlite_store *s, const char *sql, hk_error *err)
{
  char *msg = NULL;
  int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
  if (rc == SQLITE_OK)
    return HK_OK;
  hk_status st = db_error(s, rc, "exec", err);
  /* The system's reason beside SQLite's words when a file failed (ENOSPC, EIO, EACCES). */
  int primary = rc & 0xff, sys = sqlite3_system_errno(s->db);
  bool file = primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_READONLY ||
              primary == SQLITE_CANTOPEN;
  if (err && msg && file && sys)
    snprintf(err->detail, sizeof err->detail, "%s (%s)", msg, strerror(sys));
  else if (err && msg)
    snprintf(err->detail, sizeof err->detail, "%s", msg);
  sqlite3_free(msg);
  return st;
}

/* ---- buffered inserts ----
 * History rows are written ROWS_PER_INSERT at a time with one multi-row INSERT, which halves
 * SQLite's cost per row on bulk loads (bench/bench_import.c). Every path that reads these
 * tables, and commit, flushes first, so buffering never shows. */

static const struct {
  const char *table;
  int columns;
} buffered[T_COUNT] = {
    [T_HUKOU] = {"hukou", 8},         [T_RESIDENCE] = {"residence", 9},
    [T_HOUSING] = {"housing", 8},     [T_EMPLOYMENT] = {"employment", 6},
    [T_SCHOOLING] = {"schooling", 5}, [T_INSURANCE] = {"insurance", 6},
    [T_PERMIT] = {"permit", 5},       [T_TALENT] = {"talent", 5},
    [T_POINTS] = {"points_facts", 5}, [T_KINSHIP] = {"kinship", 4},
};

static int64_t tri_value(hk_tri t)
{
  return t == HK_TRI_UNSET ? NULL_VALUE : t == HK_TRI_TRUE;
}

static int64_t day_value(int32_t d)
{
  return d == HK_DATE_OPEN || d == HK_DATE_NONE ? NULL_VALUE : d;
}

/* "INSERT INTO t VALUES (?,...),(?,...)" with `rows` rows, as a new string. */
static char *insert_sql(int table, int rows)
{
  int cols = buffered[table].columns;
  size_t size = 64 + (size_t)rows * (size_t)(cols * 2 + 4);
  char *sql = malloc(size), *at = sql;
  if (sql == NULL)
    return NULL;
  at += sprintf(at, "INSERT INTO %s VALUES ", buffered[table].table);
  for (int r = 0; r < rows; r++) {
    *at++ = r ? ',' : ' ';
    *at++ = '(';
    for (int c = 0; c < cols; c++) {
      if (c)
        *at++ = ',';
      *at++ = '?';
    }
    *at++ = ')';
  }
  *at = '\0';
  return sql;
}

static hk_status run_insert(sqlite_store *s, sqlite3_stmt *st, const int64_t *values, int count,
                            hk_error *err)
{
  sqlite3_reset(st);
  for (int i = 0; i < count; i++) {
    if (values[i] == NULL_VALUE)
      sqlite3_bind_null(st, i + 1);
    else
      sqlite3_bind_int64(st, i + 1, values[i]);
  }
  return step_done(s, st, "insert", err);
}

static hk_status flush_table(sqlite_store *s, int table, hk_error *err)
{
  row_buffer *b = &s->buffers[table];
  int cols = buffered[table].columns;
  hk_status rc = HK_OK;
  if (b->rows == ROWS_PER_INSERT)
    rc = run_insert(s, b->multi, b->values, ROWS_PER_INSERT * cols, err);
  else
    for (int r = 0; r < b->rows && rc == HK_OK; r++)
      rc = run_insert(s, b->single, b->values + (size_t)r * (size_t)cols, cols, err);
  b->rows = 0;
  return rc;
}

static hk_status flush_all(sqlite_store *s, hk_error *err)
{
  hk_status rc = HK_OK;
  for (int t = 0; t < T_COUNT && rc == HK_OK; t++)
    if (s->buffers[t].rows)
      rc = flush_table(s, t, err);
  return rc;
}

static hk_status buffer_row(sqlite_store *s, int table, const int64_t *values, hk_error *err)
{
  row_buffer *b = &s->buffers[table];
  int cols = buffered[table].columns;
  memcpy(b->values + (size_t)b->rows * (size_t)cols, values, (size_t)cols * sizeof *values);
  if (++b->rows == ROWS_PER_INSERT)
    return flush_table(s, table, err);
  return HK_OK;
}

/* ---- transactions ---- */

static hk_status sq_begin(hk_store *st, hk_error *err)
{
  /* IMMEDIATE takes the write lock now, so a conflict shows at the start, not mid-way. */
  return exec((sqlite_store *)st, "BEGIN IMMEDIATE", err);
}

/* Back to WAL after a bulk load's transaction, whatever its outcome. */
static void restore_journal(sqlite_store *s)
{
  if (s->journal_switched && sqlite3_get_autocommit(s->db)) {
    sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    s->journal_switched = false;
  }
}

static hk_status sq_commit(hk_store *st, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)st;
  hk_status rc = flush_all(s, err);
  if (rc == HK_OK)
    rc = exec(s, "COMMIT", err);
  restore_journal(s);
  return rc;
}

static void sq_rollback(hk_store *st)
{
  sqlite_store *s = (sqlite_store *)st;
  /* The dropped indexes come back with the rollback; the maps and buffered rows go. */
  bulk_clear(&s->bulk);
  for (int t = 0; t < T_COUNT; t++)
    s->buffers[t].rows = 0;
  if (!sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  restore_journal(s);
}

/* ---- persons ---- */

static hk_status add_household(sqlite_store *s, const hk_person *p, int64_t row, int64_t *household,
                               hk_error *err)
{
  const hk_hukou *h = &p->hukou;
  sqlite3_stmt *st;
  int rc;
  bulk_household *known = NULL;
  if (h->household_no[0] && s->bulk.active) {
    known = bulk_household_find(&s->bulk, h->household_no);
    if (known) {
      *household = known->id;
      if (h->household && known->kind && known->kind != (int)h->household)
        return hk_error_set(err, HK_ECONFLICT, "hukou.household", "household %s is a %s household",
                            h->household_no,
                            hk_household_kind_name((hk_household_kind)known->kind));
      if (known->division != h->division)
        return hk_error_set(err, HK_ECONFLICT, "hukou.division",
                            "household %s is registered in %06d", h->household_no,
                            (int)known->division);
      if (h->head && known->has_head)
        return hk_error_set(err, HK_ECONFLICT, "hukou.head", "household %s already has a head",
                            h->household_no);
      if (!h->head)
        return HK_OK;
      known->has_head = true;
      st = use(s, S_HH_SET_HEAD);
      sqlite3_bind_int64(st, 1, row);
      sqlite3_bind_int64(st, 2, *household);
      return step_done(s, st, "household head", err);
    }
  } else if (h->household_no[0]) {
    st = use(s, S_HH_FIND);
    sqlite3_bind_text(st, 1, h->household_no, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      *household = sqlite3_column_int64(st, 0);
      int kind = sqlite3_column_int(st, 1);
      int32_t division = sqlite3_column_int(st, 2);
      bool has_head = sqlite3_column_type(st, 3) != SQLITE_NULL;
      sqlite3_reset(st);
      if (h->household && kind && kind != (int)h->household)
        return hk_error_set(err, HK_ECONFLICT, "hukou.household", "household %s is a %s household",
                            h->household_no, hk_household_kind_name((hk_household_kind)kind));
      if (division != h->division)
        return hk_error_set(err, HK_ECONFLICT, "hukou.division",
                            "household %s is registered in %06d", h->household_no, (int)division);
      if (h->head && has_head)
        return hk_error_set(err, HK_ECONFLICT, "hukou.head", "household %s already has a head",
                            h->household_no);
      if (h->head) {
        st = use(s, S_HH_SET_HEAD);
        sqlite3_bind_int64(st, 1, row);
        sqlite3_bind_int64(st, 2, *household);
        return step_done(s, st, "household head", err);
      }
      return HK_OK;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
      return db_error(s, rc, "household lookup", err);
  }
  st = use(s, S_HH_INSERT);
  if (h->household_no[0])
    sqlite3_bind_text(st, 1, h->household_no, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, (int)h->household);
  sqlite3_bind_int(st, 3, h->division);
  if (h->head)
    sqlite3_bind_int64(st, 4, row);
  /* The household's own facts, when the line carries them (store_household.h). */
  sqlite3_bind_int(st, 5, h->owner);
  const uint32_t texts[3] = {h->owner_code, h->owner_name, h->address};
  for (int i = 0; i < 3; i++)
    if (texts[i])
      sqlite3_bind_text(st, 6 + i, hk_person_text(p, texts[i]), -1, SQLITE_STATIC);
  if (h->created_on)
    sqlite3_bind_int(st, 9, h->created_on);
  hk_status status = step_done(s, st, "household insert", err);
  *household = sqlite3_last_insert_rowid(s->db);
  if (status == HK_OK && h->household_no[0] && s->bulk.active) {
    bulk_household *r = bulk_household_add(&s->bulk, h->household_no);
    if (r == NULL)
      return hk_error_set(err, HK_ENOMEM, NULL, "out of memory indexing households");
    *r = (bulk_household){.id = *household,
                          .name_at = r->name_at,
                          .next = r->next,
                          .division = h->division,
                          .kind = (uint8_t)h->household,
                          .has_head = h->head};
  }
  return status;
}

static hk_status add_histories(sqlite_store *s, const hk_person *p, int64_t r, hk_error *err);

static hk_status sq_person_add(hk_store *base, const hk_person *p, int64_t *row, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  uint64_t packed = hk_idnum_pack(p->id_number);
  int64_t seen;
  *row = 0;
  if (s->bulk.active && hk_u64map_get(&s->bulk.persons, packed, &seen))
    return hk_error_set(err, HK_EDUPLICATE, "id_number", "this ID number is already registered");
  sqlite3_stmt *st = use(s, S_PERSON_INSERT);
  sqlite3_bind_text(st, 1, p->id_number, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, p->birth_date);
  sqlite3_bind_text(st, 4, p->sex == 'F' ? "F" : "M", 1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, (int)p->marital_status);
  sqlite3_bind_int(st, 6, (int)p->education);
  if (p->died_on)
    sqlite3_bind_int(st, 7, p->died_on);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT)
    return hk_error_set(err, HK_EDUPLICATE, "id_number", "this ID number is already registered");
  if (rc != SQLITE_DONE)
    return db_error(s, rc, "person insert", err);
  *row = sqlite3_last_insert_rowid(s->db);
  if (s->bulk.active && !hk_u64map_put(&s->bulk.persons, packed, *row))
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory indexing persons");

  hk_status status = HK_OK;
  const int64_t r = *row;
  if (p->has_hukou) {
    int64_t household = 0;
    status = add_household(s, p, r, &household, err);
    if (status != HK_OK)
      return status;
    status =
        buffer_row(s, T_HUKOU,
                   (const int64_t[]){r, 0, household, p->hukou.division, tri_value(p->hukou.urban),
                                     p->hukou.since ? p->hukou.since : NULL_VALUE, NULL_VALUE, 0},
                   err);
  }
  if (status == HK_OK)
    status = add_histories(s, p, r, err);
  return status;
}

/* Insert every history of p for person `r` (hukou and kinship aside). */
static hk_status add_histories(sqlite_store *s, const hk_person *p, int64_t r, hk_error *err)
{
  hk_status status = HK_OK;
  for (uint32_t i = 0; i < p->residence.n && !status; i++) {
    const hk_residence *e = &p->residence.items[i];
    if (e->address) {
      sqlite3_stmt *st = use(s, S_ADDRESS_INSERT);
      sqlite3_bind_int64(st, 1, r);
      sqlite3_bind_int(st, 2, (int)i);
      sqlite3_bind_text(st, 3, hk_person_text(p, e->address), -1, SQLITE_STATIC);
      if ((status = step_done(s, st, "address insert", err)))
        break;
    }
    status = buffer_row(s, T_RESIDENCE,
                        (const int64_t[]){r, i, e->division, tri_value(e->urban),
                                          day_value(e->period.from), day_value(e->period.to),
                                          e->declared_on ? e->declared_on : NULL_VALUE, e->late,
                                          e->ended},
                        err);
  }
  for (uint32_t i = 0; i < p->housing.n && !status; i++) {
    const hk_housing *e = &p->housing.items[i];
    status = buffer_row(s, T_HOUSING,
                        (const int64_t[]){r, i, e->division, tri_value(e->urban), e->kind, e->legal,
                                          day_value(e->period.from), day_value(e->period.to)},
                        err);
  }
  for (uint32_t i = 0; i < p->employment.n && !status; i++) {
    const hk_employment *e = &p->employment.items[i];
    status = buffer_row(s, T_EMPLOYMENT,
                        (const int64_t[]){r, i, e->division, e->collective_household,
                                          day_value(e->period.from), day_value(e->period.to)},
                        err);
  }
  for (uint32_t i = 0; i < p->schooling.n && !status; i++) {
    const hk_schooling *e = &p->schooling.items[i];
    status = buffer_row(
        s, T_SCHOOLING,
        (const int64_t[]){r, i, e->division, day_value(e->period.from), day_value(e->period.to)},
        err);
  }
  for (uint32_t i = 0; i < p->social_insurance.n && !status; i++) {
    const hk_insurance *e = &p->social_insurance.items[i];
    status = buffer_row(s, T_INSURANCE,
                        (const int64_t[]){r, i, e->city, e->months.from,
                                          e->months.to == HK_MONTH_OPEN ? NULL_VALUE : e->months.to,
                                          e->pension_transferred},
                        err);
  }
  for (uint32_t i = 0; i < p->residence_permits.n && !status; i++) {
    const hk_permit *e = &p->residence_permits.items[i];
    status = buffer_row(
        s, T_PERMIT,
        (const int64_t[]){r, i, e->division, day_value(e->period.from), day_value(e->period.to)},
        err);
  }
  for (uint32_t i = 0; i < p->talent.n && !status; i++) {
    const hk_talent *e = &p->talent.items[i];
    status = buffer_row(s, T_TALENT,
                        (const int64_t[]){r, i, e->category, e->division, day_value(e->recognised)},
                        err);
  }
  if (p->points_facts.present && !status) {
    const hk_points_facts *f = &p->points_facts;
    status = buffer_row(
        s, T_POINTS,
        (const int64_t[]){r, f->volunteer_hours, f->blood_ml, f->donation_yuan, f->skill}, err);
  }
  return status;
}

static hk_status sq_person_row(hk_store *base, const char *id_number, int64_t *row, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  if (s->bulk.active) {
    /* The registry was empty when the load began: the map knows everyone. */
    if (hk_u64map_get(&s->bulk.persons, hk_idnum_pack(id_number), row))
      return HK_OK;
    *row = 0;
    return hk_error_set(err, HK_ENOTFOUND, "id_number", "no person with this ID number");
  }
  sqlite3_stmt *st = use(s, S_PERSON_ROW);
  sqlite3_bind_text(st, 1, id_number, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  *row = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  if (rc == SQLITE_ROW)
    return HK_OK;
  if (rc == SQLITE_DONE)
    return hk_error_set(err, HK_ENOTFOUND, "id_number", "no person with this ID number");
  return db_error(s, rc, "person lookup", err);
}

static void load_person_row(sqlite3_stmt *st, hk_person *p)
{
  snprintf(p->id_number, sizeof p->id_number, "%s", (const char *)sqlite3_column_text(st, 1));
  snprintf(p->name, sizeof p->name, "%s", (const char *)sqlite3_column_text(st, 2));
  p->birth_date = sqlite3_column_int(st, 3);
  const char *sex = (const char *)sqlite3_column_text(st, 4);
  p->sex = sex && sex[0] == 'F' ? 'F' : 'M';
  p->marital_status = (hk_marital)sqlite3_column_int(st, 5);
  p->education = (hk_education)sqlite3_column_int(st, 6);
  p->died_on = column_day(st, 7, 0);
}

/* Append the history row under st (a history_select row; column 0 is person_id) to p. */
static hk_status load_row(enum history h, sqlite3_stmt *st, hk_person *p, hk_error *err)
{
  void *slot = NULL;
  switch (h) {
  case H_HUKOU:
    p->has_hukou = true;
    p->hukou.division = sqlite3_column_int(st, 1);
    p->hukou.urban = column_tri(st, 2);
    p->hukou.household = (hk_household_kind)sqlite3_column_int(st, 3);
    if (sqlite3_column_type(st, 4) != SQLITE_NULL)
      snprintf(p->hukou.household_no, sizeof p->hukou.household_no, "%s",
               (const char *)sqlite3_column_text(st, 4));
    p->hukou.head = sqlite3_column_int(st, 5) != 0;
    p->hukou.owner = (uint8_t)sqlite3_column_int(st, 7);
    p->hukou.created_on = column_day(st, 10, 0);
    p->hukou.since = column_day(st, 11, 0);
    for (int i = 0; i < 3; i++) {
      static const int columns[3] = {6, 8, 9};
      uint32_t *handle[3] = {&p->hukou.address, &p->hukou.owner_code, &p->hukou.owner_name};
      const char *text = (const char *)sqlite3_column_text(st, columns[i]);
      if (text && text[0] && (*handle[i] = hk_person_text_add(p, text)) == 0)
        return hk_error_set(err, HK_ENOMEM, NULL, "out of memory reading a household");
    }
    return HK_OK;
  case H_RESIDENCE: {
    hk_residence *r = slot = HK_LIST_PUSH(&p->residence);
    if (r) {
      r->division = sqlite3_column_int(st, 1);
      r->urban = column_tri(st, 2);
      r->period = (hk_period){sqlite3_column_int(st, 3), column_day(st, 4, HK_DATE_OPEN)};
      r->declared_on = column_day(st, 5, 0);
      r->late = sqlite3_column_int(st, 6) != 0;
      r->ended = (uint8_t)sqlite3_column_int(st, 7);
      if (sqlite3_column_type(st, 8) != SQLITE_NULL &&
          (r->address = hk_person_text_add(p, (const char *)sqlite3_column_text(st, 8))) == 0)
        slot = NULL;
    }
    break;
  }
  case H_HOUSING: {
    hk_housing *r = slot = HK_LIST_PUSH(&p->housing);
    if (r) {
      r->division = sqlite3_column_int(st, 1);
      r->urban = column_tri(st, 2);
      r->period = (hk_period){sqlite3_column_int(st, 3), column_day(st, 4, HK_DATE_OPEN)};
      r->kind = (hk_housing_kind)sqlite3_column_int(st, 5);
      r->legal = sqlite3_column_int(st, 6) != 0;
    }
    break;
  }
  case H_EMPLOYMENT: {
    hk_employment *r = slot = HK_LIST_PUSH(&p->employment);
    if (r) {
      r->division = sqlite3_column_int(st, 1);
      r->collective_household = sqlite3_column_int(st, 2) != 0;
      r->period = (hk_period){sqlite3_column_int(st, 3), column_day(st, 4, HK_DATE_OPEN)};
    }
    break;
  }
  case H_SCHOOLING: {
    hk_schooling *r = slot = HK_LIST_PUSH(&p->schooling);
    if (r) {
      r->division = sqlite3_column_int(st, 1);
      r->period = (hk_period){sqlite3_column_int(st, 2), column_day(st, 3, HK_DATE_OPEN)};
    }
    break;
  }
  case H_INSURANCE: {
    hk_insurance *r = slot = HK_LIST_PUSH(&p->social_insurance);
    if (r) {
      r->city = sqlite3_column_int(st, 1);
      r->months = (hk_month_span){sqlite3_column_int(st, 2), column_day(st, 3, HK_MONTH_OPEN)};
      r->pension_transferred = sqlite3_column_int(st, 4) != 0;
    }
    break;
  }
  case H_PERMIT: {
    hk_permit *r = slot = HK_LIST_PUSH(&p->residence_permits);
    if (r) {
      r->division = sqlite3_column_int(st, 1);
      r->period = (hk_period){sqlite3_column_int(st, 2), column_day(st, 3, HK_DATE_OPEN)};
    }
    break;
  }
  case H_TALENT: {
    hk_talent *r = slot = HK_LIST_PUSH(&p->talent);
    if (r) {
      r->category = (hk_talent_category)sqlite3_column_int(st, 1);
      r->division = sqlite3_column_int(st, 2);
      r->recognised = column_day(st, 3, HK_DATE_NONE);
    }
    break;
  }
  case H_POINTS:
    p->points_facts = (hk_points_facts){.present = true,
                                        .volunteer_hours = sqlite3_column_int(st, 1),
                                        .blood_ml = sqlite3_column_int(st, 2),
                                        .donation_yuan = sqlite3_column_int(st, 3),
                                        .skill = (hk_talent_category)sqlite3_column_int(st, 4)};
    return HK_OK;
  case H_KINSHIP: {
    hk_relative_link *r = slot = HK_LIST_PUSH(&p->relatives);
    if (r) {
      r->relation = (hk_relation)sqlite3_column_int(st, 1);
      snprintf(r->id_number, sizeof r->id_number, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    break;
  }
  case H_COUNT:
    break;
  }
  if (slot == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory reading a person's histories");
  return HK_OK;
}

/* Read the person that st (a person_whole_sql statement, bound) selects into out; *found
 * false when there is none. One statement reads one consistent state of the person under one
 * lock. */
static hk_status person_read(sqlite_store *s, sqlite3_stmt *st, hk_person *out, bool *found,
                             hk_error *err)
{
  hk_person_reset(out);
  hk_status status = flush_all(s, err);
  int rc = SQLITE_DONE;
  *found = false;
  while (status == HK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    int tag = sqlite3_column_int(st, 0);
    if (tag < 0) {
      load_person_row(st, out);
      *found = true;
    } else if (tag < H_COUNT) {
      status = load_row((enum history)tag, st, out, err);
    }
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (status != HK_OK)
    return status;
  if (rc != SQLITE_DONE)
    return db_error(s, rc, "person read", err);
  return HK_OK;
}

static hk_status sq_person_get(hk_store *base, int64_t row, hk_person *out, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  bool found;
  sqlite3_bind_int64(s->whole_by_row, 1, row);
  hk_status rc = person_read(s, s->whole_by_row, out, &found, err);
  if (rc == HK_OK && !found)
    return hk_error_set(err, HK_ENOTFOUND, "person", "no person with row %lld", (long long)row);
  return rc;
}

/* Lookup and read in one statement, under one lock. */
static hk_status sq_person_get_by_number(hk_store *base, const char *id_number, hk_person *out,
                                         hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  bool found;
  sqlite3_bind_text(s->whole_by_number, 1, id_number, -1, SQLITE_TRANSIENT);
  hk_status rc = person_read(s, s->whole_by_number, out, &found, err);
  if (rc == HK_OK && !found)
    return hk_error_set(err, HK_ENOTFOUND, "id_number", "no person with this ID number");
  return rc;
}

/* One integer from a one-row query with ?1 bound to arg; *found false when no row. */
static hk_status query_int(sqlite_store *s, const char *sql, int64_t arg, int64_t *out, bool *found,
                           hk_error *err)
{
  sqlite3_stmt *st;
  *found = false;
  *out = 0;
  int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK)
    return db_error(s, rc, "query", err);
  sqlite3_bind_int64(st, 1, arg);
  rc = sqlite3_step(st);
  *found = rc == SQLITE_ROW;
  if (*found)
    *out = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? HK_OK : db_error(s, rc, "query", err);
}

/* After a person is deleted during a bulk load, forget them and bring their household's
 * record up to date: no head any more, or gone with its last member. */
static hk_status bulk_forget(sqlite_store *s, int64_t row, const char *id_number,
                             const char *household_no, int64_t household, hk_error *err)
{
  hk_u64map_remove(&s->bulk.persons, hk_idnum_pack(id_number));
  bulk_household *r = household_no[0] ? bulk_household_find(&s->bulk, household_no) : NULL;
  if (r == NULL || r->id != household)
    return HK_OK;
  int64_t head = 0;
  bool exists = false;
  hk_status rc = query_int(s, "SELECT coalesce(head_person, 0) FROM household WHERE id = ?1",
                           household, &head, &exists, err);
  if (rc != HK_OK)
    return rc;
  if (!exists)
    r->id = 0;
  else if (head == 0 || head == row)
    r->has_head = false;
  return HK_OK;
}

static hk_status sq_person_delete(hk_store *base, int64_t row, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  char id_number[HK_IDNUM_LEN + 1] = "", household_no[HK_HOUSEHOLD_NO_MAX + 1] = "";
  int64_t household = 0;
  hk_status flushed = flush_all(s, err);
  if (flushed != HK_OK)
    return flushed;
  if (s->bulk.active) {
    /* What the in-memory maps know this person and their household by. */
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT p.id_number, h.household_id, coalesce(hh.household_no, '')"
                                " FROM person p LEFT JOIN hukou h ON h.person_id = p.id"
                                " LEFT JOIN household hh ON hh.id = h.household_id"
                                " WHERE p.id = ?1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
      return db_error(s, rc, "person read", err);
    sqlite3_bind_int64(st, 1, row);
    if (sqlite3_step(st) == SQLITE_ROW) {
      snprintf(id_number, sizeof id_number, "%s", (const char *)sqlite3_column_text(st, 0));
      household = sqlite3_column_int64(st, 1);
      snprintf(household_no, sizeof household_no, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
  }
  for (size_t i = 0; i < sizeof delete_sql / sizeof delete_sql[0]; i++) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, delete_sql[i], -1, &st, NULL);
    if (rc != SQLITE_OK)
      return db_error(s, rc, "delete prepare", err);
    sqlite3_bind_int64(st, 1, row);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
      return db_error(s, rc, "person delete", err);
  }
  if (s->bulk.active)
    return bulk_forget(s, row, id_number, household_no, household, err);
  return HK_OK;
}

/* Is the registry empty (no person, no household)? */
static hk_status registry_empty(sqlite_store *s, bool *empty, hk_error *err)
{
  int64_t any = 0;
  bool found;
  hk_status rc = query_int(s,
                           "SELECT (SELECT count(*) FROM (SELECT 1 FROM person LIMIT 1)) +"
                           " (SELECT count(*) FROM (SELECT 1 FROM household LIMIT 1)) + ?1",
                           0, &any, &found, err);
  *empty = rc == HK_OK && any == 0;
  return rc;
}

static hk_status sq_bulk_begin(hk_store *base, bool *engaged, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  *engaged = false;
  bool empty;
  hk_status rc = registry_empty(s, &empty, err);
  if (rc != HK_OK)
    return rc;
  if (empty) {
    /* A load into an empty file writes its pages once, through a rollback journal that has
     * almost nothing to hold, instead of twice (the WAL, then the checkpoint). The journal mode
     * can only change outside a transaction; commit and rollback switch back to WAL. */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = DELETE", -1, &st, NULL) == SQLITE_OK) {
      if (sqlite3_step(st) == SQLITE_ROW)
        s->journal_switched = strcmp((const char *)sqlite3_column_text(st, 0), "delete") == 0;
      sqlite3_finalize(st);
    }
  }
  if ((rc = exec(s, "BEGIN IMMEDIATE", err)))
    return rc;
  /* Another writer may have come first between the look and the lock: look again. */
  if ((rc = registry_empty(s, &empty, err)) || !empty)
    return rc; /* a registry with data keeps its indexes: the load goes through them */
  if ((rc = exec(s, bulk_indexes_drop, err)))
    return rc;
  s->bulk.active = true;
  *engaged = true;
  return HK_OK;
}

static hk_status sq_person_update(hk_store *base, int64_t row, const hk_person *p, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  hk_status rc = flush_all(s, err);
  if (rc != HK_OK)
    return rc;
  sqlite3_stmt *st = use(s, S_PERSON_UPDATE);
  sqlite3_bind_int64(st, 1, row);
  sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, (int)p->marital_status);
  sqlite3_bind_int(st, 4, (int)p->education);
  if ((rc = step_done(s, st, "person update", err)))
    return rc;
  if (sqlite3_changes(s->db) != 1)
    return hk_error_set(err, HK_ENOTFOUND, "person", "no person with row %lld", (long long)row);
  for (size_t i = 0; i < sizeof history_delete_sql / sizeof history_delete_sql[0]; i++) {
    int code = sqlite3_prepare_v2(s->db, history_delete_sql[i], -1, &st, NULL);
    if (code != SQLITE_OK)
      return db_error(s, code, "history delete", err);
    sqlite3_bind_int64(st, 1, row);
    code = sqlite3_step(st);
    sqlite3_finalize(st);
    if (code != SQLITE_DONE)
      return db_error(s, code, "history delete", err);
  }
  if ((rc = add_histories(s, p, row, err)))
    return rc;
  return flush_all(s, err);
}

/* BEGIN IMMEDIATE already holds the database's write lock: nobody else can write meanwhile. */
static hk_status sq_person_lock(hk_store *base, int64_t row, hk_error *err)
{
  (void)base;
  (void)row;
  (void)err;
  return HK_OK;
}

static hk_status sq_bulk_end(hk_store *base, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  if (!s->bulk.active)
    return HK_OK;
  hk_status rc = flush_all(s, err);
  bulk_clear(&s->bulk);
  return rc == HK_OK ? exec(s, bulk_indexes_create, err) : rc;
}

static hk_status sq_kinship_add(hk_store *base, int64_t row, uint32_t seq, hk_relation relation,
                                int64_t relative, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  return buffer_row(s, T_KINSHIP, (const int64_t[]){row, seq, relation, relative}, err);
}

/* Walk persons in row order, merging each history table's rows (all ordered by person_id)
 * as we go: one sequential pass per table instead of a lookup per person and table. */
static hk_status sq_person_each(hk_store *base, hk_person_cb cb, void *cls, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  sqlite3_stmt *persons = NULL, *hist[H_COUNT] = {0};
  int hist_rc[H_COUNT];
  hk_person p;
  hk_person_init(&p);
  hk_status status = flush_all(s, err);
  if (status != HK_OK)
    return status;
  int rc = sqlite3_prepare_v2(s->db,
                              "SELECT id, id_number, name, birth_date, sex, marital_status,"
                              " education, died_on FROM person ORDER BY id",
                              -1, &persons, NULL);
  for (int h = 0; h < H_COUNT && rc == SQLITE_OK; h++) {
    char sql[512];
    fill_where(sql, sizeof sql, history_select[h], "");
    rc = sqlite3_prepare_v2(s->db, sql, -1, &hist[h], NULL);
    if (rc == SQLITE_OK)
      hist_rc[h] = sqlite3_step(hist[h]);
  }
  if (rc != SQLITE_OK) {
    status = db_error(s, rc, "export prepare", err);
    goto out;
  }
  while (status == HK_OK && (rc = sqlite3_step(persons)) == SQLITE_ROW) {
    int64_t row = sqlite3_column_int64(persons, 0);
    hk_person_reset(&p);
    load_person_row(persons, &p);
    for (int h = 0; h < H_COUNT && status == HK_OK; h++) {
      while (hist_rc[h] == SQLITE_ROW && sqlite3_column_int64(hist[h], 0) < row)
        hist_rc[h] = sqlite3_step(hist[h]); /* rows of a person no longer there */
      while (status == HK_OK && hist_rc[h] == SQLITE_ROW &&
             sqlite3_column_int64(hist[h], 0) == row) {
        status = load_row((enum history)h, hist[h], &p, err);
        hist_rc[h] = sqlite3_step(hist[h]);
      }
      if (hist_rc[h] != SQLITE_ROW && hist_rc[h] != SQLITE_DONE && status == HK_OK)
        status = db_error(s, hist_rc[h], "history read", err);
    }
    if (status == HK_OK)
      status = cb(&p, cls, err);
  }
  if (status == HK_OK && rc != SQLITE_DONE)
    status = db_error(s, rc, "person read", err);
out:
  sqlite3_finalize(persons);
  for (int h = 0; h < H_COUNT; h++)
    sqlite3_finalize(hist[h]);
  hk_person_clear(&p);
  return status;
}

static hk_status count_rows(sqlite_store *s, const char *sql, int64_t *out, hk_error *err)
{
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
    *out = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? HK_OK : db_error(s, rc, "count", err);
}

static hk_status sq_counts(hk_store *base, hk_store_counts *out, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  hk_status rc = flush_all(s, err);
  if (rc == HK_OK)
    rc = count_rows(s, "SELECT count(*) FROM person", &out->persons, err);
  if (rc == HK_OK)
    rc = count_rows(s, "SELECT count(*) FROM household", &out->households, err);
  if (rc == HK_OK)
    rc = count_rows(s, "SELECT coalesce(max(seq), 0) FROM event", &out->events, err);
  return rc;
}

/* ---- events ---- */

static hk_status sq_event_last(hk_store *base, int64_t *seq, uint8_t hash[HK_HASH_LEN],
                               hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  sqlite3_stmt *st = use(s, S_EVENT_LAST);
  int rc = sqlite3_step(st);
  *seq = 0;
  memset(hash, 0, HK_HASH_LEN);
  if (rc == SQLITE_ROW) {
    *seq = sqlite3_column_int64(st, 0);
    if (sqlite3_column_bytes(st, 1) == HK_HASH_LEN)
      memcpy(hash, sqlite3_column_blob(st, 1), HK_HASH_LEN);
  }
  sqlite3_reset(st);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return HK_OK;
  return db_error(s, rc, "event read", err);
}

static hk_status sq_event_insert(hk_store *base, const hk_event *ev, hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  sqlite3_stmt *st = use(s, S_EVENT_INSERT);
  sqlite3_bind_int64(st, 1, ev->seq);
  sqlite3_bind_text(st, 2, ev->at, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, ev->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, ev->action, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, ev->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, ev->payload, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 7, ev->prev_hash, HK_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_blob(st, 8, ev->hash, HK_HASH_LEN, SQLITE_STATIC);
  return step_done(s, st, "event insert", err);
}

static const char *text_or_empty(sqlite3_stmt *st, int i)
{
  const char *t = (const char *)sqlite3_column_text(st, i);
  return t ? t : "";
}

static hk_status sq_event_each(hk_store *base, int64_t from_seq, hk_event_cb cb, void *cls,
                               hk_error *err)
{
  sqlite_store *s = (sqlite_store *)base;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(s->db,
                              "SELECT seq, at, actor, action, subject, payload, prev_hash, hash"
                              " FROM event WHERE seq >= ?1 ORDER BY seq",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return db_error(s, rc, "event read", err);
  sqlite3_bind_int64(st, 1, from_seq);
  hk_status status = HK_OK;
  while (status == HK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    hk_event ev = {.seq = sqlite3_column_int64(st, 0),
                   .at = text_or_empty(st, 1),
                   .actor = text_or_empty(st, 2),
                   .action = text_or_empty(st, 3),
                   .subject = text_or_empty(st, 4),
                   .payload = text_or_empty(st, 5)};
    /* A hash of the wrong size stays zero and so fails verification. */
    if (sqlite3_column_bytes(st, 6) == HK_HASH_LEN)
      memcpy(ev.prev_hash, sqlite3_column_blob(st, 6), HK_HASH_LEN);
    if (sqlite3_column_bytes(st, 7) == HK_HASH_LEN)
      memcpy(ev.hash, sqlite3_column_blob(st, 7), HK_HASH_LEN);
    status = cb(&ev, cls, err);
  }
  if (status == HK_OK && rc != SQLITE_DONE)
    status = db_error(s, rc, "event read", err);
  sqlite3_finalize(st);
  return status;
}

/* ---- open, migrate, close ---- */

static int sq_schema_version(hk_store *base)
{
  return ((sqlite_store *)base)->version;
}

static void sq_close(hk_store *base)
{
  sqlite_store *s = (sqlite_store *)base;
  for (int i = 0; i < S_COUNT; i++)
    sqlite3_finalize(s->stmt[i]);
  sqlite3_finalize(s->whole_by_row);
  sqlite3_finalize(s->whole_by_number);
  for (size_t i = 0; i < sizeof s->cached / sizeof s->cached[0]; i++)
    sqlite3_finalize(s->cached[i].stmt);
  for (int t = 0; t < T_COUNT; t++) {
    sqlite3_finalize(s->buffers[t].single);
    sqlite3_finalize(s->buffers[t].multi);
  }
  bulk_clear(&s->bulk);
  sqlite3_close(s->db);
  free(s);
}

/* The connection, for the backend's other files (statistics, applications). */
sqlite3 *store__sqlite_db(hk_store *st)
{
  return ((sqlite_store *)st)->db;
}

sqlite3_stmt *store__sqlite_cached(hk_store *st, const char *sql, int *rc)
{
  sqlite_store *s = (sqlite_store *)st;
  size_t n = sizeof s->cached / sizeof s->cached[0], i = 0;
  while (i < n && s->cached[i].sql != NULL && s->cached[i].sql != sql)
    i++;
  *rc = SQLITE_OK;
  if (i < n && s->cached[i].sql == sql)
    return s->cached[i].stmt;
  sqlite3_stmt *stmt = NULL;
  *rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (*rc != SQLITE_OK)
    return NULL;
  if (i == n) { /* full: a bug in the caller's list of statements, not a runtime condition */
    sqlite3_finalize(stmt);
    *rc = SQLITE_MISUSE;
    return NULL;
  }
  s->cached[i].sql = sql;
  s->cached[i].stmt = stmt;
  return stmt;
}

/* Write the buffered history rows, for the backend's files that read or change those tables. */
hk_status store__sqlite_flush(hk_store *st, hk_error *err)
{
  return flush_all((sqlite_store *)st, err);
}

static void sq_expect_stream(hk_store *base)
{
  sqlite3_exec(((sqlite_store *)base)->db, "PRAGMA wal_autocheckpoint = 20000", NULL, NULL, NULL);
}

static const struct hk_store_ops sqlite_ops = {
    .version = 1,
    .name = "sqlite",
    .close = sq_close,
    .schema_version = sq_schema_version,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .person_add = sq_person_add,
    .person_row = sq_person_row,
    .person_get = sq_person_get,
    .person_delete = sq_person_delete,
    .kinship_add = sq_kinship_add,
    .person_each = sq_person_each,
    .counts = sq_counts,
    .event_last = sq_event_last,
    .event_insert = sq_event_insert,
    .event_each = sq_event_each,
    .bulk_begin = sq_bulk_begin,
    .bulk_end = sq_bulk_end,
    .person_update = sq_person_update,
    .person_lock = sq_person_lock,
    .stats_summary = store__sqlite_stats_summary,
    .app_insert = store__sqlite_app_insert,
    .app_get = store__sqlite_app_get,
    .app_update = store__sqlite_app_update,
    .app_each = store__sqlite_app_each,
    .permit_insert = store__sqlite_permit_insert,
    .permit_latest = store__sqlite_permit_latest,
    .permit_set_division = store__sqlite_permit_set_division,
    .permit_count_prefix = store__sqlite_permit_count_prefix,
    .vital_insert = store__sqlite_vital_insert,
    .vital_get = store__sqlite_vital_get,
    .permit_end = store__sqlite_permit_end,
    .person_get_by_number = sq_person_get_by_number,
    .expect_stream = sq_expect_stream,
    .query = store__sqlite_query,
    .cert_next_index = store__sqlite_cert_next_index,
    .cert_insert = store__sqlite_cert_insert,
    .cert_get = store__sqlite_cert_get,
    .cert_each_person = store__sqlite_cert_each_person,
    .cert_set_status = store__sqlite_cert_set_status,
    .cert_set_token = store__sqlite_cert_set_token,
    .cert_statuses = store__sqlite_cert_statuses,
    .fact_insert = store__sqlite_fact_insert,
    .fact_supersede = store__sqlite_fact_supersede,
    .fact_each = store__sqlite_fact_each,
    .fact_by_delivery = store__sqlite_fact_by_delivery,
    .household_insert = store__sqlite_household_insert,
    .household_get = store__sqlite_household_get,
    .household_find_owner = store__sqlite_household_find_owner,
    .household_update = store__sqlite_household_update,
    .household_count_prefix = store__sqlite_household_count_prefix,
    .household_members = store__sqlite_household_members,
    .hukou_current = store__sqlite_hukou_current,
    .hukou_close = store__sqlite_hukou_close,
    .hukou_open = store__sqlite_hukou_open,
    .person_set_died = store__sqlite_person_set_died,
    .account_add = store__sqlite_account_add,
    .account_get = store__sqlite_account_get,
    .account_of_person = store__sqlite_account_of_person,
    .activation_put = store__sqlite_activation_put,
    .activation_get = store__sqlite_activation_get,
    .activation_delete = store__sqlite_activation_delete,
    .account_each = store__sqlite_account_each,
    .account_set_disabled = store__sqlite_account_set_disabled,
    .account_set_role = store__sqlite_account_set_role,
    .account_set_password = store__sqlite_account_set_password,
    .session_add = store__sqlite_session_add,
    .session_find = store__sqlite_session_find,
    .session_delete = store__sqlite_session_delete,
    .session_purge = store__sqlite_session_purge,
    .signin_get = store__sqlite_signin_get,
    .signin_put = store__sqlite_signin_put,
    .signin_address_add = store__sqlite_signin_address_add,
    .apikey_add = store__sqlite_apikey_add,
    .apikey_find = store__sqlite_apikey_find,
    .apikey_each = store__sqlite_apikey_each,
    .apikey_revoke = store__sqlite_apikey_revoke,
    .access_last = store__sqlite_access_last,
    .access_insert = store__sqlite_access_insert,
    .access_each = store__sqlite_access_each,
    .material_blob_put = store__sqlite_material_blob_put,
    .material_blob_get = store__sqlite_material_blob_get,
    .material_insert = store__sqlite_material_insert,
    .material_get = store__sqlite_material_get,
    .material_each = store__sqlite_material_each,
    .material_set_step = store__sqlite_material_set_step,
};

static hk_status read_version(sqlite_store *s, hk_error *err)
{
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
    s->version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? HK_OK : db_error(s, rc, "schema version", err);
}

static hk_status migrate(sqlite_store *s, hk_error *err)
{
  for (int i = 0; i < store__sqlite_migration_count; i++) {
    const store_sqlite_migration *m = &store__sqlite_migrations[i];
    if (m->version <= s->version)
      continue;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
    hk_status rc = exec(s, "BEGIN IMMEDIATE", err);
    if (rc == HK_OK)
      rc = exec(s, m->sql, err);
    if (rc == HK_OK)
      rc = exec(s, pragma, err);
    if (rc == HK_OK)
      rc = exec(s, "COMMIT", err);
    if (rc != HK_OK) {
      sq_rollback(&s->base);
      return rc;
    }
    s->version = m->version;
  }
  return HK_OK;
}

hk_status store__sqlite_open(const char *path, hk_store_mode mode, hk_store **out, hk_error *err)
{
  bool memory = strcmp(path, ":memory:") == 0;
  struct stat sb;
  bool exists = !memory && stat(path, &sb) == 0;
  if (mode == HK_STORE_CREATE && exists)
    return hk_error_set(err, HK_ECONFLICT, "db", "%s already exists", path);
  if (mode != HK_STORE_CREATE && !exists && !memory)
    return hk_error_set(err, HK_ENOTFOUND, "db", "%s does not exist (create it with hukou init)",
                        path);

  sqlite_store *s = calloc(1, sizeof *s);
  if (s == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  s->base.ops = &sqlite_ops;
  int flags = mode == HK_STORE_READONLY ? SQLITE_OPEN_READWRITE
                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  /* A reader opens read-write when it can, with writes refused by query_only below: only a
   * read-write connection can roll back the journal a killed load leaves behind, which a
   * read-only one cannot read past. A file we may not write is opened read-only. */
  if (rc != SQLITE_OK && mode == HK_STORE_READONLY) {
    sqlite3_close(s->db);
    s->db = NULL;
    rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  }
  hk_status status = HK_OK;
  if (rc != SQLITE_OK) {
    status = hk_error_set(err, HK_EIO, "db", "cannot open %s: %s", path,
                          s->db ? sqlite3_errmsg(s->db) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(s->db, 5000);
  sqlite3_extended_result_codes(s->db, 1);
  /* SQLite opens a file it may not write read-only without a word; a writer says so, naming
   * the file, before its first statement fails (issue 16, I/O faults). */
  if (mode != HK_STORE_READONLY && !memory && sqlite3_db_readonly(s->db, "main") == 1) {
    status = hk_error_set(err, HK_EIO, "db", "cannot write %s: the file is read-only", path);
    goto fail;
  }
  if (mode != HK_STORE_READONLY &&
      (status = exec(s,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                     " PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;"
                     " PRAGMA cache_size = -262144; PRAGMA threads = 2;",
                     err)))
    goto fail;
  /* Readers (export, serve's workers) map the file instead of copying pages through read():
   * a person read touches a dozen pages of as many tables. */
  if (mode == HK_STORE_READONLY &&
      (status = exec(s,
                     "PRAGMA query_only = ON; PRAGMA cache_size = -65536;"
                     " PRAGMA mmap_size = 68719476736;",
                     err)))
    goto fail;
  if ((status = read_version(s, err)))
    goto fail;
  if (s->version > hk_store_schema_version()) {
    status = hk_error_set(err, HK_ECONFLICT, "db",
                          "%s has schema version %d, newer than this program's %d", path,
                          s->version, hk_store_schema_version());
    goto fail;
  }
  if (mode == HK_STORE_EXISTING && s->version == 0) {
    status = hk_error_set(err, HK_EINVAL, "db", "%s is not a hukou database", path);
    goto fail;
  }
  if (mode == HK_STORE_READONLY && s->version != hk_store_schema_version()) {
    status = hk_error_set(err, HK_ECONFLICT, "db",
                          "%s needs migrating: run hukou migrate --db PATH", path);
    goto fail;
  }
  if (mode != HK_STORE_READONLY && (status = migrate(s, err)))
    goto fail;
  for (int i = 0; i < S_COUNT; i++)
    if ((rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                                 NULL)) != SQLITE_OK) {
      status = db_error(s, rc, "prepare", err);
      goto fail;
    }
  for (int t = 0; t < T_COUNT; t++) {
    char *one = insert_sql(t, 1), *many = insert_sql(t, ROWS_PER_INSERT);
    rc = one && many ? sqlite3_prepare_v3(s->db, one, -1, SQLITE_PREPARE_PERSISTENT,
                                          &s->buffers[t].single, NULL)
                     : SQLITE_NOMEM;
    if (rc == SQLITE_OK)
      rc = sqlite3_prepare_v3(s->db, many, -1, SQLITE_PREPARE_PERSISTENT, &s->buffers[t].multi,
                              NULL);
    free(one);
    free(many);
    if (rc != SQLITE_OK) {
      status = db_error(s, rc, "prepare", err);
      goto fail;
    }
  }
  static const char *const whole_row_of[2] = {"?1", "(SELECT id FROM person WHERE id_number = ?1)"};
  for (int i = 0; i < 2; i++) {
    char sql[4096];
    snprintf(sql, sizeof sql, person_whole_sql, whole_row_of[i]);
    if ((rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                 i == 0 ? &s->whole_by_row : &s->whole_by_number, NULL)) !=
        SQLITE_OK) {
      status = db_error(s, rc, "prepare", err);
      goto fail;
    }
  }
  *out = &s->base;
  return HK_OK;
fail:
  /* A file the system refused (read-only, full, failing; typically a directory where the WAL
   * or its index cannot be made): name it (issue 16, I/O faults). */
  if (status == HK_EIO && err && strncmp(err->detail, "cannot ", 7) != 0) {
    char why[sizeof err->detail];
    snprintf(why, sizeof why, "%s", err->detail);
    hk_error_set(err, status, "db", "cannot %s %s: %s",
                 mode == HK_STORE_READONLY ? "open" : "write", path, why);
  }
  sq_close(&s->base);
  if (mode == HK_STORE_CREATE && !exists && !memory)
    remove(path);
  return status;
}
