/* Lists and search (store_list.h): each call builds one statement with only the conditions in
 * force (so the planner picks their index), and the backend runs it (ops->query). The two
 * dialects differ in JSON access, in how a name prefix is compared bytewise (PostgreSQL:
 * COLLATE "C", matching its indexes) and in address search (FTS5 trigram phrase / pg_trgm
 * LIKE). Candidates of a search are gathered first (p.id IN (...)), then checked against the
 * area, and paged by row id, so a page costs the matches of the search terms, never a scan of
 * the area. */
#include "store/store_list.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "store/store_q.h"

/* ---- building a statement ---- */

static void q_init(store_q *q, hk_store *st)
{
  memset(q, 0, sizeof *q);
  q->pg = strcmp(st->ops->name, "postgresql") == 0;
}

static void q_raw(store_q *q, const char *s, size_t n)
{
  if (q->len + n + 1 > sizeof q->sql) {
    q->overflow = true;
    return;
  }
  memcpy(q->sql + q->len, s, n);
  q->len += n;
  q->sql[q->len] = '\0';
}

static void q_param(store_q *q)
{
  char mark[16];
  int n = snprintf(mark, sizeof mark, "%c%d", q->pg ? '$' : '?', q->n + 1);
  q_raw(q, mark, (size_t)n);
}

/* Append fmt, where "@i" takes an int64_t parameter and "@s" a text parameter (borrowed until
 * the statement has run); everything else is SQL text. */
static void q_vadd(store_q *q, const char *fmt, va_list ap)
{
  for (const char *s = fmt; *s;) {
    const char *at = strchr(s, '@');
    if (at == NULL || (at[1] != 'i' && at[1] != 's')) {
      size_t n = at ? (size_t)(at - s) + 1 : strlen(s);
      q_raw(q, s, n);
      s += n;
      continue;
    }
    q_raw(q, s, (size_t)(at - s));
    if (q->n == STORE_Q_PARAMS_MAX) {
      q->overflow = true;
      break;
    }
    q_param(q);
    if (at[1] == 'i') {
      q->p[q->n].i = va_arg(ap, int64_t);
    } else {
      q->p[q->n].s = va_arg(ap, const char *);
      q->p[q->n].is_text = true;
      q->p[q->n].is_null = q->p[q->n].s == NULL;
    }
    q->n++;
    s = at + 2;
  }
}

static void q_add(store_q *q, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  q_vadd(q, fmt, ap);
  va_end(ap);
}

static hk_status q_run(hk_store *st, const store_q *q, store_qrow_cb cb, void *cls, hk_error *err)
{
  if (q->overflow)
    return hk_error_set(err, HK_EINTERNAL, NULL, "list statement too long");
  if (st->ops->query == NULL)
    return hk_error_set(err, HK_ESTORE, "store", "%s has no lists", st->ops->name);
  return st->ops->query(st, q, cb, cls, err);
}

/* A column compared bytewise: UTF-8 in byte order is code-point order. */
static const char *bytewise(const store_q *q)
{
  return q->pg ? " COLLATE \"C\"" : "";
}

/* The smallest string above every string that starts with prefix: prefix followed by U+10FFFF,
 * the last code point (a noncharacter no name holds). */
#define UPPER_MAX 256
static void upper_of(const char *prefix, char out[UPPER_MAX])
{
  snprintf(out, UPPER_MAX, "%s\xF4\x8F\xBF\xBF", prefix);
}

/* An FTS5 phrase: the fragment in double quotes, inner quotes doubled. */
#define PHRASE_MAX 512
static void fts_phrase(const char *s, char out[PHRASE_MAX])
{
  size_t n = 0;
  out[n++] = '"';
  for (; *s && n + 3 < PHRASE_MAX; s++) {
    if (*s == '"')
      out[n++] = '"';
    out[n++] = *s;
  }
  out[n++] = '"';
  out[n] = '\0';
}

/* A LIKE pattern matching the fragment anywhere, with \ % _ escaped (PostgreSQL's default
 * escape character is the backslash). */
static void like_pattern(const char *s, char out[PHRASE_MAX])
{
  size_t n = 0;
  out[n++] = '%';
  for (; *s && n + 4 < PHRASE_MAX; s++) {
    if (*s == '\\' || *s == '%' || *s == '_')
      out[n++] = '\\';
    out[n++] = *s;
  }
  out[n++] = '%';
  out[n] = '\0';
}

static hk_date col_day(const store_qrow *r, int col, hk_date if_null)
{
  return qnull(r, col) ? if_null : (hk_date)qi(r, col);
}

/* "(0, 1, 3)" for the owed states; "(-1)" when there are none. */
static void state_list(uint32_t mask, char *out, size_t size)
{
  size_t n = (size_t)snprintf(out, size, "(");
  bool any = false;
  for (int s = 0; s < 32 && n + 8 < size; s++)
    if (mask & (1u << s)) {
      n += (size_t)snprintf(out + n, size - n, "%s%d", any ? ", " : "", s);
      any = true;
    }
  snprintf(out + n, size - n, "%s)", any ? "" : "-1");
}

/* Persons whose name holds the fragment at its start, or after its first one or two
 * characters (names of two to four characters: every place a fragment can stand). */
typedef struct name_bounds {
  char upper[UPPER_MAX];
} name_bounds;

static void name_candidates(store_q *q, const char *name, name_bounds *b)
{
  upper_of(name, b->upper);
  const char *c = bytewise(q);
  q_add(q, "SELECT id FROM person WHERE name");
  q_add(q, c);
  q_add(q, " >= @s AND name", name);
  q_add(q, c);
  q_add(q, " < @s UNION SELECT id FROM person WHERE length(name) >= 3 AND substr(name, 2)",
        b->upper);
  q_add(q, c);
  q_add(q, " >= @s AND substr(name, 2)", name);
  q_add(q, c);
  q_add(q, " < @s UNION SELECT id FROM person WHERE length(name) >= 4 AND substr(name, 3)",
        b->upper);
  q_add(q, c);
  q_add(q, " >= @s AND substr(name, 3)", name);
  q_add(q, c);
  q_add(q, " < @s", b->upper);
}

/* ---- applications ---- */

typedef struct page_state {
  hk_app_item_cb cb;
  void *cls;
} page_state;

static hk_status app_row(const store_qrow *r, void *cls, hk_error *err)
{
  page_state *ps = cls;
  hk_app_item it = {
      .id = qi(r, 0),
      .person_id = qi(r, 1),
      .kind = (int)qi(r, 2),
      .state = (int)qi(r, 3),
      .target = (int32_t)qi(r, 4),
      .filed_in = qnull(r, 5) ? 0 : (int32_t)qi(r, 5),
      .submitted_on = col_day(r, 6, HK_DATE_NONE),
      .due_on = col_day(r, 7, HK_DATE_NONE),
      .id_number = qs(r, 8),
      .name = qs(r, 9),
      .pathway = qs(r, 10),
      .channel = qs(r, 11),
  };
  it.key.rank = (int)qi(r, 12);
  it.key.due = (int32_t)qi(r, 13);
  it.key.id = it.id;
  it.overdue = it.key.rank == 0;
  if (it.name == NULL)
    it.name = "";
  return ps->cb(&it, ps->cls, err);
}

/* The page's keys are chosen first, from application alone (its queue index covers them; the
 * applicant's row joins only for a name filter), and only the page's rows are then read with
 * their documents: sorting the whole area's documents would cost what the area holds. The
 * inner LIMIT keeps SQLite from flattening the two. */
hk_status hk_store_app_page(hk_store *st, const hk_app_page_query *f, hk_app_item_cb cb, void *cls,
                            hk_error *err)
{
  store_q *q = malloc(sizeof *q);
  if (q == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  q_init(q, st);
  char owed[64], rank[160];
  state_list(f->owed_mask, owed, sizeof owed);
  snprintf(rank, sizeof rank, "CASE WHEN a.state IN %s AND a.due_on < %lld THEN 0 ELSE 1 END", owed,
           (long long)f->today);
  static const char due[] = "coalesce(a.due_on, 2147483647)";
  uint32_t limit = f->limit ? f->limit : 100;
  q_add(q, "SELECT a.id, a.person_id, a.kind, a.state, a.target, a.filed_in, a.submitted_on,"
           " a.due_on, p.id_number, p.name, ");
  q_add(q, q->pg ? "a.doc::json ->> 'pathway', a.doc::json ->> 'channel'"
                 : "json_extract(a.doc, '$.pathway'), json_extract(a.doc, '$.channel')");
  q_add(q, ", k.rk, k.dk FROM (SELECT a.id AS id, ");
  q_add(q, rank);
  q_add(q, " AS rk, ");
  q_add(q, due);
  q_add(q, " AS dk FROM application a");
  name_bounds b;
  bool by_name = f->name && f->name[0];
  if (by_name)
    q_add(q, " JOIN person p ON p.id = a.person_id");
  q_add(q, " WHERE 1 = 1");
  if (f->target_lo || f->target_hi)
    q_add(q, " AND a.target BETWEEN @i AND @i", (int64_t)f->target_lo, (int64_t)f->target_hi);
  if (f->filed_lo || f->filed_hi)
    q_add(q, " AND a.filed_in BETWEEN @i AND @i", (int64_t)f->filed_lo, (int64_t)f->filed_hi);
  if (f->person_id)
    q_add(q, " AND a.person_id = @i", f->person_id);
  if (f->state_mask) {
    char states[128];
    state_list(f->state_mask, states, sizeof states);
    q_add(q, " AND a.state IN ");
    q_add(q, states);
  }
  if (f->kind >= 0)
    q_add(q, " AND a.kind = @i", (int64_t)f->kind);
  if (f->overdue >= 0) {
    q_add(q, " AND ");
    q_add(q, rank);
    q_add(q, " = @i", (int64_t)(f->overdue ? 0 : 1));
  }
  if (by_name) {
    upper_of(f->name, b.upper);
    q_add(q, " AND p.name");
    q_add(q, bytewise(q));
    q_add(q, " >= @s AND p.name", f->name);
    q_add(q, bytewise(q));
    q_add(q, " < @s", b.upper);
  }
  if (f->has_after) {
    q_add(q, " AND (");
    q_add(q, rank);
    q_add(q, ", ");
    q_add(q, due);
    q_add(q, ", a.id) > (@i, @i, @i)", (int64_t)f->after.rank, (int64_t)f->after.due, f->after.id);
  }
  q_add(q,
        " ORDER BY 2, 3, 1 LIMIT @i) k JOIN application a ON a.id = k.id"
        " JOIN person p ON p.id = a.person_id ORDER BY k.rk, k.dk, k.id",
        (int64_t)limit);
  page_state ps = {cb, cls};
  hk_status rc = q_run(st, q, app_row, &ps, err);
  free(q);
  return rc;
}

static hk_status count_row(const store_qrow *r, void *cls, hk_error *err)
{
  (void)err;
  hk_app_tally *c = cls;
  int64_t state = qi(r, 0), n = qi(r, 1);
  if (state >= 0 && state < HK_APP_STATES_MAX)
    c->by_state[state] = n;
  c->overdue += qi(r, 2);
  c->total += n;
  return HK_OK;
}

hk_status hk_store_app_counts(hk_store *st, bool filed, int32_t lo, int32_t hi, hk_date today,
                              uint32_t owed_mask, hk_app_tally *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  store_q *q = malloc(sizeof *q);
  if (q == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  q_init(q, st);
  char owed[64];
  state_list(owed_mask, owed, sizeof owed);
  q_add(q, "SELECT state, count(*), coalesce(sum(CASE WHEN state IN ");
  q_add(q, owed);
  q_add(q, " AND due_on < @i THEN 1 ELSE 0 END), 0) FROM application", (int64_t)today);
  if (lo || hi)
    q_add(q, filed ? " WHERE filed_in BETWEEN @i AND @i" : " WHERE target BETWEEN @i AND @i",
          (int64_t)lo, (int64_t)hi);
  else if (filed)
    q_add(q, " WHERE filed_in IS NOT NULL");
  q_add(q, " GROUP BY state");
  hk_status rc = q_run(st, q, count_row, out, err);
  free(q);
  return rc;
}

/* ---- persons ---- */

typedef struct person_state {
  hk_person_hit_cb cb;
  void *cls;
} person_state;

static hk_status person_row(const store_qrow *r, void *cls, hk_error *err)
{
  person_state *ps = cls;
  const char *sex = qs(r, 3);
  hk_person_hit h = {
      .row = qi(r, 0),
      .id_number = qs(r, 1),
      .name = qs(r, 2) ? qs(r, 2) : "",
      .sex = sex && sex[0] ? sex[0] : '?',
      .birth_date = (hk_date)qi(r, 4),
      .died = !qnull(r, 5),
      .hukou_division = qnull(r, 6) ? 0 : (int32_t)qi(r, 6),
      .household_no = qs(r, 7),
      .residence_division = qnull(r, 8) ? 0 : (int32_t)qi(r, 8),
      .residence_address = qs(r, 9),
  };
  return ps->cb(&h, ps->cls, err);
}

/* Persons at an address: the household of their hukou in force, or their active residence
 * registration, holds the fragment. */
static void address_candidates(store_q *q, const char *phrase)
{
  if (q->pg) {
    q_add(q,
          "SELECT h.person_id FROM household hh JOIN hukou h ON h.household_id = hh.id"
          " WHERE hh.address LIKE @s AND h.valid_to IS NULL UNION SELECT r.person_id"
          " FROM residence_address ra JOIN residence r ON r.person_id = ra.person_id AND"
          " r.seq = ra.seq WHERE ra.address LIKE @s AND r.valid_to IS NULL",
          phrase, phrase);
  } else {
    q_add(q,
          "SELECT h.person_id FROM hukou h WHERE h.valid_to IS NULL AND h.household_id IN"
          " (SELECT rowid FROM household_address_fts WHERE household_address_fts MATCH @s)"
          " UNION SELECT r.person_id FROM residence_address_fts f JOIN residence r"
          " ON r.person_id = f.rowid / 4096 AND r.seq = f.rowid % 4096"
          " WHERE residence_address_fts MATCH @s AND r.valid_to IS NULL",
          phrase, phrase);
  }
}

hk_status hk_store_person_search(hk_store *st, const hk_person_query *f, hk_person_hit_cb cb,
                                 void *cls, hk_error *err)
{
  store_q *q = malloc(sizeof *q);
  if (q == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  q_init(q, st);
  /* The hukou in force and the active residence registration: the latest open row of each. */
  q_add(q,
        "SELECT p.id, p.id_number, p.name, p.sex, p.birth_date, p.died_on, h.division,"
        " hh.household_no, r.division, ra.address FROM person p"
        " LEFT JOIN hukou h ON h.person_id = p.id AND h.seq = (SELECT max(seq) FROM hukou"
        " h2 WHERE h2.person_id = p.id AND h2.valid_to IS NULL)"
        " LEFT JOIN household hh ON hh.id = h.household_id"
        " LEFT JOIN residence r ON r.person_id = p.id AND r.seq = (SELECT max(seq) FROM"
        " residence r2 WHERE r2.person_id = p.id AND r2.valid_to IS NULL)"
        " LEFT JOIN residence_address ra ON ra.person_id = r.person_id AND ra.seq = r.seq"
        " WHERE +p.id > @i",
        f->after);
  if (f->id_number)
    q_add(q, " AND p.id_number = @s", f->id_number);
  name_bounds b;
  if (f->name) {
    q_add(q, " AND p.id IN (");
    name_candidates(q, f->name, &b);
    q_add(q, ")");
  }
  char phrase[PHRASE_MAX];
  if (f->address) {
    if (q->pg)
      like_pattern(f->address, phrase);
    else
      fts_phrase(f->address, phrase);
    q_add(q, " AND p.id IN (");
    address_candidates(q, phrase);
    q_add(q, ")");
  }
  if (f->lo || f->hi)
    q_add(q, " AND (h.division BETWEEN @i AND @i OR r.division BETWEEN @i AND @i)", (int64_t)f->lo,
          (int64_t)f->hi, (int64_t)f->lo, (int64_t)f->hi);
  q_add(q, " ORDER BY p.id LIMIT @i", (int64_t)(f->limit ? f->limit : 20));
  person_state ps = {cb, cls};
  hk_status rc = q_run(st, q, person_row, &ps, err);
  free(q);
  return rc;
}

/* ---- households ---- */

typedef struct household_state {
  hk_household_hit_cb cb;
  void *cls;
} household_state;

static hk_status household_row(const store_qrow *r, void *cls, hk_error *err)
{
  household_state *hs = cls;
  hk_household_hit h = {
      .row = qi(r, 0),
      .number = qs(r, 1) ? qs(r, 1) : "",
      .kind = (int)qi(r, 2),
      .division = (int32_t)qi(r, 3),
      .address = qs(r, 4),
      .dissolved = !qnull(r, 5),
      .head_name = qs(r, 6),
      .head_id_number = qs(r, 7),
      .members = qi(r, 8),
  };
  return hs->cb(&h, hs->cls, err);
}

hk_status hk_store_household_search(hk_store *st, const hk_household_query *f,
                                    hk_household_hit_cb cb, void *cls, hk_error *err)
{
  store_q *q = malloc(sizeof *q);
  if (q == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  q_init(q, st);
  q_add(q,
        "SELECT hh.id, hh.household_no, hh.kind, hh.division, hh.address, hh.dissolved_on,"
        " hp.name, hp.id_number, (SELECT count(*) FROM hukou m WHERE m.household_id = hh.id"
        " AND m.valid_to IS NULL) FROM household hh LEFT JOIN person hp ON hp.id = hh.head_person"
        /* "+": the page's start is a filter, never the index walked (a walk in row order would
           scan every household to fill a page) */
        " WHERE +hh.id > @i",
        f->after);
  char upper[UPPER_MAX];
  if (f->number) {
    upper_of(f->number, upper);
    q_add(q, " AND hh.id IN (SELECT id FROM household WHERE household_no");
    q_add(q, bytewise(q));
    q_add(q, " >= @s AND household_no", f->number);
    q_add(q, bytewise(q));
    q_add(q, " < @s)", upper);
  }
  char phrase[PHRASE_MAX];
  if (f->address) {
    if (q->pg) {
      like_pattern(f->address, phrase);
      q_add(q, " AND hh.address LIKE @s", phrase);
    } else {
      fts_phrase(f->address, phrase);
      q_add(q,
            " AND hh.id IN (SELECT rowid FROM household_address_fts WHERE"
            " household_address_fts MATCH @s)",
            phrase);
    }
  }
  name_bounds b;
  if (f->head) {
    q_add(q, " AND hh.head_person IN (");
    name_candidates(q, f->head, &b);
    q_add(q, ")");
  }
  if (f->lo || f->hi)
    q_add(q, " AND hh.division BETWEEN @i AND @i", (int64_t)f->lo, (int64_t)f->hi);
  q_add(q, " ORDER BY hh.id LIMIT @i", (int64_t)(f->limit ? f->limit : 20));
  household_state hs = {cb, cls};
  hk_status rc = q_run(st, q, household_row, &hs, err);
  free(q);
  return rc;
}

/* ---- residence registrations ---- */

typedef struct residence_state {
  hk_residence_item_cb cb;
  void *cls;
} residence_state;

static hk_status residence_row(const store_qrow *r, void *cls, hk_error *err)
{
  residence_state *rs = cls;
  hk_residence_item it = {
      .key = {.division = (int32_t)qi(r, 0), .person_id = qi(r, 1), .seq = (int32_t)qi(r, 2)},
      .id_number = qs(r, 3),
      .name = qs(r, 4) ? qs(r, 4) : "",
      .address = qs(r, 5),
      .from = col_day(r, 6, HK_DATE_NONE),
      .to = col_day(r, 7, HK_DATE_OPEN),
      .declared_on = col_day(r, 8, HK_DATE_NONE),
      .late = qi(r, 9) != 0,
  };
  return rs->cb(&it, rs->cls, err);
}

/* One arm of the residence page: the rows of `where` in index order. */
static void residence_arm(store_q *q, const hk_residence_query *f, const char *where)
{
  q_add(q,
        "SELECT r.division, r.person_id, r.seq, p.id_number, p.name, ra.address, r.valid_from,"
        " r.valid_to, r.declared_on, r.late FROM residence r JOIN person p ON p.id = r.person_id"
        " LEFT JOIN residence_address ra ON ra.person_id = r.person_id AND ra.seq = r.seq WHERE ");
  q_add(q, where);
  if (f->active == 1)
    q_add(q, " AND r.valid_to IS NULL AND r.ended = 0");
  else if (f->active == 0)
    q_add(q, " AND (r.valid_to IS NOT NULL OR r.ended <> 0)");
}

/* A page after a key is three index ranges in a row, merged in order: the rest of the key's
 * person in the key's division, the later persons of that division, the later divisions. (A
 * row-value comparison would be walked from the start of the area: a deep page would read
 * every earlier row.) */
hk_status hk_store_residence_page(hk_store *st, const hk_residence_query *f,
                                  hk_residence_item_cb cb, void *cls, hk_error *err)
{
  store_q *q = malloc(sizeof *q);
  if (q == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  q_init(q, st);
  char w[160];
  if (!f->has_after) {
    snprintf(w, sizeof w, "r.division BETWEEN %d AND %d", (int)f->lo, (int)f->hi);
    residence_arm(q, f, w);
    q_add(q, " ORDER BY r.division, r.person_id, r.seq");
  } else {
    const hk_residence_key *k = &f->after;
    snprintf(w, sizeof w, "r.division = %d AND r.person_id = %lld AND r.seq > %d", (int)k->division,
             (long long)k->person_id, (int)k->seq);
    residence_arm(q, f, w);
    q_add(q, " UNION ALL ");
    snprintf(w, sizeof w, "r.division = %d AND r.person_id > %lld", (int)k->division,
             (long long)k->person_id);
    residence_arm(q, f, w);
    q_add(q, " UNION ALL ");
    snprintf(w, sizeof w, "r.division > %d AND r.division <= %d", (int)k->division, (int)f->hi);
    residence_arm(q, f, w);
    q_add(q, " ORDER BY 1, 2, 3");
  }
  q_add(q, " LIMIT @i", (int64_t)(f->limit ? f->limit : 100));
  residence_state rs = {cb, cls};
  hk_status rc = q_run(st, q, residence_row, &rs, err);
  free(q);
  return rc;
}

/* ---- the builder, for the store's other lists (store_q.h) ---- */

void store__q_init(store_q *q, hk_store *st)
{
  q_init(q, st);
}

void store__q_add(store_q *q, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  q_vadd(q, fmt, ap);
  va_end(ap);
}

hk_status store__q_run(hk_store *st, const store_q *q, store_qrow_cb cb, void *cls, hk_error *err)
{
  return q_run(st, q, cb, cls, err);
}
