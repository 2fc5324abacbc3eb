#include "service/registry_io.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/person_json.h"
#include "core/u64map.h"
#include "service/facts.h"
#include "store/store_fact.h"

/* A relative link waiting for both ends to exist. */
typedef struct pending_link {
  int64_t row;  /* the person holding the link */
  int64_t line; /* their input line, for messages */
  uint32_t seq; /* position in their relatives list */
  hk_relation relation;
  char id_number[HK_IDNUM_LEN + 1];
} pending_link;

typedef struct import_state {
  hk_store *st;
  const hk_import_options *opt;
  hk_import_result *res;
  pending_link *links;
  size_t n_links, cap_links;
  hk_u64map dropped; /* rows removed while skipping bad lines (row + 1 -> 1) */
} import_state;

static hk_status push_link(import_state *s, const pending_link *l, hk_error *err)
{
  if (s->n_links == s->cap_links) {
    size_t cap = s->cap_links ? s->cap_links * 2 : 1024;
    pending_link *bigger = realloc(s->links, cap * sizeof *bigger);
    if (bigger == NULL)
      return hk_error_set(err, HK_ENOMEM, NULL, "out of memory holding relative links");
    s->links = bigger;
    s->cap_links = cap;
  }
  s->links[s->n_links++] = *l;
  return HK_OK;
}

static hk_status drop_row(import_state *s, int64_t row, hk_error *err)
{
  if (!hk_u64map_put(&s->dropped, (uint64_t)row + 1, 1))
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  return hk_store_person_delete(s->st, row, err);
}

static bool is_dropped(const import_state *s, int64_t row)
{
  int64_t unused;
  return s->dropped.count > 0 && hk_u64map_get(&s->dropped, (uint64_t)row + 1, &unused);
}

/* A bad line: with skip_bad report it and go on (returning HK_OK), otherwise stop. */
static hk_status bad_line(import_state *s, int64_t line, hk_status rc, hk_error *err)
{
  if (!s->opt->skip_bad || rc == HK_ENOMEM || rc == HK_ESTORE || rc == HK_EIO || rc == HK_ERETRY) {
    s->res->bad_line = line;
    return rc;
  }
  s->res->skipped++;
  if (s->opt->on_bad)
    s->opt->on_bad(line, err, s->opt->cls);
  return HK_OK;
}

/* Resolve every pending link; a link to a person neither in the input nor in the registry is
 * dangling. When skipping bad lines, the person holding it is removed, which can leave other
 * links dangling in turn, so this repeats until nothing changes. */
static hk_status resolve_links(import_state *s, hk_error *err)
{
  int64_t *targets = calloc(s->n_links ? s->n_links : 1, sizeof *targets);
  if (targets == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory resolving relative links");
  hk_status rc = HK_OK;
  for (size_t i = 0; i < s->n_links && rc == HK_OK; i++) {
    hk_error lookup = {0};
    rc = hk_store_person_row(s->st, s->links[i].id_number, &targets[i], &lookup);
    if (rc == HK_ENOTFOUND) {
      targets[i] = 0;
      rc = HK_OK;
    } else if (rc != HK_OK)
      *err = lookup;
  }
  bool changed = true;
  while (rc == HK_OK && changed) {
    changed = false;
    for (size_t i = 0; i < s->n_links && rc == HK_OK; i++) {
      const pending_link *l = &s->links[i];
      if (is_dropped(s, l->row) || (targets[i] != 0 && !is_dropped(s, targets[i])))
        continue;
      char field[48];
      snprintf(field, sizeof field, "relatives[%u].id_number", l->seq);
      hk_error_set(err, HK_EINVAL, field,
                   "no person with this ID number in the input or the registry");
      if (!s->opt->skip_bad) {
        s->res->bad_line = l->line;
        rc = HK_EINVAL;
        break;
      }
      s->res->skipped++;
      s->res->imported--;
      if (s->opt->on_bad)
        s->opt->on_bad(l->line, err, s->opt->cls);
      rc = drop_row(s, l->row, err);
      changed = true;
    }
  }
  for (size_t i = 0; i < s->n_links && rc == HK_OK; i++) {
    const pending_link *l = &s->links[i];
    if (is_dropped(s, l->row))
      continue;
    rc = hk_store_kinship_add(s->st, l->row, l->seq, l->relation, targets[i], err);
    if (rc == HK_OK)
      s->res->links++;
  }
  free(targets);
  return rc;
}

static hk_status record_event(import_state *s, const uint8_t digest[32], hk_error *err)
{
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, 32);
  /* BLAKE2b-256 of the input bytes: ties the event to the exact file that was loaded. */
  json_t *payload = json_pack(
      "{s:s, s:I, s:I, s:I, s:I, s:s}", "source", s->opt->source_name ? s->opt->source_name : "-",
      "lines", (json_int_t)s->res->lines, "persons", (json_int_t)s->res->imported, "skipped",
      (json_int_t)s->res->skipped, "links", (json_int_t)s->res->links, "blake2b", hex);
  char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
  json_decref(payload);
  if (text == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  hk_status rc = hk_store_event_append(s->st, s->opt->actor ? s->opt->actor : "unknown", "import",
                                       s->opt->source_name ? s->opt->source_name : "-", text, err);
  free(text);
  return rc;
}

/* ---- the pipeline: one thread reads and parses, the caller's thread writes ----
 *
 * Parsing a line costs about as much as storing it, so a second thread parses batches of lines
 * while the store writes the previous ones. Batches are handed over in order, so lines are
 * stored, and bad lines reported, exactly in input order. */

#define BATCH_LINES 1024
#define BATCHES 4

typedef struct parsed_line {
  int64_t line;
  hk_status rc; /* HK_OK: person holds the parsed line; otherwise err says what is wrong */
  hk_error err;
  hk_person person;
} parsed_line;

typedef struct batch {
  parsed_line lines[BATCH_LINES];
  size_t n;
  bool last; /* the reader has nothing more after this batch */
} batch;

typedef struct pipeline {
  FILE *in;
  hk_date today;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  batch *batches; /* a ring of BATCHES */
  size_t filled;  /* batches handed to the writer so far */
  size_t drained; /* batches the writer has finished with */
  bool stop;      /* the writer gave up: the reader ends early */
  hk_status read_rc;
  hk_error read_err;
  int64_t lines;   /* non-blank lines */
  int64_t numbers; /* every line, blank ones too */
  crypto_generichash_state digest;
} pipeline;

static void *reader_main(void *arg)
{
  pipeline *pl = arg;
  char *text = NULL;
  size_t cap = 0;
  ssize_t len = 0;
  bool eof = false;
  for (size_t k = 0; !eof; k++) {
    pthread_mutex_lock(&pl->lock);
    while (!pl->stop && k - pl->drained >= BATCHES)
      pthread_cond_wait(&pl->changed, &pl->lock);
    bool stop = pl->stop;
    pthread_mutex_unlock(&pl->lock);
    if (stop)
      break;
    batch *b = &pl->batches[k % BATCHES];
    b->n = 0;
    while (b->n < BATCH_LINES && !(eof = (len = getline(&text, &cap, pl->in)) < 0)) {
      pl->numbers++;
      crypto_generichash_update(&pl->digest, (const unsigned char *)text, (unsigned long long)len);
      while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
      if (len == 0)
        continue;
      pl->lines++;
      parsed_line *pline = &b->lines[b->n++];
      pline->line = pl->numbers;
      if (len > HK_IMPORT_LINE_MAX)
        pline->rc = hk_error_set(&pline->err, HK_ETOOBIG, "", "line longer than %d bytes",
                                 HK_IMPORT_LINE_MAX);
      else
        pline->rc = hk_person_parse(text, (size_t)len, HK_PJ_RECORD, pl->today, &pline->person,
                                    &pline->err);
    }
    if (eof && ferror(pl->in)) {
      pl->read_rc = hk_error_set(&pl->read_err, HK_EIO, "input", "read error after line %lld",
                                 (long long)pl->numbers);
    }
    b->last = eof;
    pthread_mutex_lock(&pl->lock);
    pl->filled = k + 1;
    pthread_cond_broadcast(&pl->changed);
    pthread_mutex_unlock(&pl->lock);
  }
  free(text);
  return NULL;
}

/* Store one parsed line, or deal with it as a bad line. */
static hk_status store_line(import_state *s, parsed_line *pline, hk_error *err)
{
  if (pline->rc != HK_OK) {
    *err = pline->err;
    return bad_line(s, pline->line, pline->rc, err);
  }
  hk_person *p = &pline->person;
  int64_t row = 0;
  hk_status rc = hk_store_person_add(s->st, p, &row, err);
  if (rc == HK_EDUPLICATE)
    hk_error_set(err, HK_EDUPLICATE, "id_number",
                 "duplicate ID number: already registered or on an earlier line");
  if (rc != HK_OK) {
    /* Undo whatever part of the person was written before the failure. */
    if (row > 0 && s->opt->skip_bad) {
      hk_error undo_err = {0};
      hk_status undo = hk_store_person_delete(s->st, row, &undo_err);
      if (undo != HK_OK) {
        *err = undo_err;
        return bad_line(s, pline->line, undo, err);
      }
    }
    return bad_line(s, pline->line, rc, err);
  }
  for (uint32_t i = 0; i < p->relatives.n; i++) {
    pending_link l = {
        .row = row, .line = pline->line, .seq = i, .relation = p->relatives.items[i].relation};
    memcpy(l.id_number, p->relatives.items[i].id_number, sizeof l.id_number);
    if ((rc = push_link(s, &l, err)))
      return rc;
  }
  s->res->imported++;
  return HK_OK;
}

hk_status hk_import_jsonl(hk_store *st, FILE *in, const hk_import_options *opt,
                          hk_import_result *res, hk_error *err)
{
  memset(res, 0, sizeof *res);
  import_state s = {.st = st, .opt = opt, .res = res};
  pipeline pl = {.in = in, .today = opt->today};
  pl.batches = calloc(BATCHES, sizeof *pl.batches);
  if (pl.batches == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  for (size_t b = 0; b < BATCHES; b++)
    for (size_t i = 0; i < BATCH_LINES; i++)
      hk_person_init(&pl.batches[b].lines[i].person);
  pthread_mutex_init(&pl.lock, NULL);
  pthread_cond_init(&pl.changed, NULL);
  crypto_generichash_init(&pl.digest, NULL, 0, 32);

  bool bulk = false, started = false;
  pthread_t reader;
  hk_status rc = hk_store_bulk_begin(st, &bulk, err);
  if (rc == HK_OK && pthread_create(&reader, NULL, reader_main, &pl) != 0)
    rc = hk_error_set(err, HK_EINTERNAL, NULL, "cannot start the reader thread");
  started = rc == HK_OK;

  int64_t next_progress = opt->progress_every;
  for (size_t k = 0; rc == HK_OK; k++) {
    pthread_mutex_lock(&pl.lock);
    while (pl.filled <= k)
      pthread_cond_wait(&pl.changed, &pl.lock);
    pthread_mutex_unlock(&pl.lock);
    batch *b = &pl.batches[k % BATCHES];
    for (size_t i = 0; i < b->n && rc == HK_OK; i++)
      rc = store_line(&s, &b->lines[i], err);
    bool last = b->last;
    pthread_mutex_lock(&pl.lock);
    pl.drained = k + 1;
    pthread_cond_broadcast(&pl.changed);
    pthread_mutex_unlock(&pl.lock);
    if (opt->on_progress && opt->progress_every > 0 && b->n > 0 &&
        b->lines[b->n - 1].line >= next_progress) {
      opt->on_progress(b->lines[b->n - 1].line, opt->cls);
      next_progress = b->lines[b->n - 1].line + opt->progress_every;
    }
    if (last)
      break;
  }
  if (started) {
    pthread_mutex_lock(&pl.lock);
    pl.stop = true;
    pthread_cond_broadcast(&pl.changed);
    pthread_mutex_unlock(&pl.lock);
    pthread_join(reader, NULL);
  }
  res->lines = pl.lines;
  if (rc == HK_OK && pl.read_rc != HK_OK) {
    rc = pl.read_rc;
    *err = pl.read_err;
  }
  if (rc == HK_OK)
    rc = resolve_links(&s, err);
  uint8_t digest[32];
  crypto_generichash_final(&pl.digest, digest, sizeof digest);
  if (rc == HK_OK)
    rc = hk_store_bulk_end(st, err);
  if (rc == HK_OK)
    rc = record_event(&s, digest, err);
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK) {
    hk_store_rollback(st);
    int64_t bad = res->bad_line;
    memset(res, 0, sizeof *res);
    res->bad_line = bad;
  }
  for (size_t b = 0; b < BATCHES; b++)
    for (size_t i = 0; i < BATCH_LINES; i++)
      hk_person_clear(&pl.batches[b].lines[i].person);
  free(pl.batches);
  pthread_mutex_destroy(&pl.lock);
  pthread_cond_destroy(&pl.changed);
  free(s.links);
  hk_u64map_clear(&s.dropped);
  return rc;
}

typedef struct export_state {
  hk_store *st;
  FILE *out;
  int64_t count;
  /* The rows of persons with entries in the facts ledger (row -> 1); empty for a registry
   * that has only ever been imported, which then costs nothing more. */
  hk_u64map with_facts;
  hk_person scratch; /* the registry's rows with the facts in force laid over them */
} export_state;

static hk_status note_fact_person(const hk_fact_row *row, void *cls, hk_error *err)
{
  (void)err;
  hk_u64map_put(cls, (uint64_t)row->person_id, 1);
  return HK_OK;
}

static hk_status export_one(const hk_person *p, void *cls, hk_error *err)
{
  export_state *e = cls;
  /* A person the ledger knows is written as the engine sees them (facts.h): imported rows an
   * entry superseded left out, verified and department entries in force added. Declared
   * entries are not facts of the registry until verified, so they do not travel. */
  if (e->with_facts.count) {
    int64_t row, one;
    hk_status rc = hk_store_person_row(e->st, p->id_number, &row, err);
    if (rc != HK_OK)
      return rc;
    if (hk_u64map_get(&e->with_facts, (uint64_t)row, &one)) {
      rc = hk_store_person_get(e->st, p->id_number, &e->scratch, err);
      if (rc == HK_OK)
        rc = hk_facts_overlay(e->st, row, &e->scratch, false, NULL, 0, NULL, err);
      if (rc != HK_OK)
        return rc;
      p = &e->scratch;
    }
  }
  json_t *obj = hk_person_to_json(p, HK_PJ_RECORD);
  if (obj == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  int bad = json_dumpf(obj, e->out, JSON_COMPACT);
  json_decref(obj);
  if (bad || fputc('\n', e->out) == EOF)
    return hk_error_set_both(err, HK_EIO, "output", "写入失败", "write failed");
  e->count++;
  return HK_OK;
}

hk_status hk_export_jsonl(hk_store *st, FILE *out, int64_t *count, hk_error *err)
{
  export_state e = {.st = st, .out = out};
  hk_u64map_init(&e.with_facts);
  hk_person_init(&e.scratch);
  hk_status rc = hk_store_fact_each(st, 0, note_fact_person, &e.with_facts, err);
  if (rc == HK_OK)
    rc = hk_store_person_each(st, export_one, &e, err);
  if (rc == HK_OK && fflush(out) != 0)
    rc = hk_error_set_both(err, HK_EIO, "output", "写入失败", "write failed");
  *count = e.count;
  hk_person_clear(&e.scratch);
  hk_u64map_clear(&e.with_facts);
  return rc;
}
