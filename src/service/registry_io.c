#include "service/registry_io.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/person_json.h"

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
  int64_t *dropped; /* rows removed while skipping bad lines, kept sorted for lookup */
  size_t n_dropped, cap_dropped;
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
  if (s->n_dropped == s->cap_dropped) {
    size_t cap = s->cap_dropped ? s->cap_dropped * 2 : 64;
    int64_t *bigger = realloc(s->dropped, cap * sizeof *bigger);
    if (bigger == NULL)
      return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
    s->dropped = bigger;
    s->cap_dropped = cap;
  }
  s->dropped[s->n_dropped++] = row;
  return hk_store_person_delete(s->st, row, err);
}

static bool is_dropped(const import_state *s, int64_t row)
{
  for (size_t i = 0; i < s->n_dropped; i++)
    if (s->dropped[i] == row)
      return true;
  return false;
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

static hk_status import_line(import_state *s, const char *text, size_t len, int64_t line,
                             hk_person *p, hk_error *err)
{
  json_error_t jerr;
  json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (obj == NULL) {
    hk_error_set(err, HK_EINVAL, "", "not JSON: %s (column %d)", jerr.text, jerr.column);
    return bad_line(s, line, HK_EINVAL, err);
  }
  hk_status rc = hk_person_from_json(obj, HK_PJ_RECORD, s->opt->today, p, err);
  json_decref(obj);
  if (rc != HK_OK)
    return bad_line(s, line, rc, err);

  int64_t row = 0;
  rc = hk_store_person_add(s->st, p, &row, err);
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
        return bad_line(s, line, undo, err);
      }
    }
    return bad_line(s, line, rc, err);
  }
  for (uint32_t i = 0; i < p->relatives.n; i++) {
    pending_link l = {.row = row, .line = line, .seq = i, .relation = p->relatives.items[i].relation};
    memcpy(l.id_number, p->relatives.items[i].id_number, sizeof l.id_number);
    if ((rc = push_link(s, &l, err)))
      return rc;
  }
  s->res->imported++;
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
  json_t *payload = json_pack("{s:s, s:I, s:I, s:I, s:I, s:s}", "source",
                              s->opt->source_name ? s->opt->source_name : "-", "lines",
                              (json_int_t)s->res->lines, "persons", (json_int_t)s->res->imported,
                              "skipped", (json_int_t)s->res->skipped, "links",
                              (json_int_t)s->res->links, "sha256", hex);
  char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
  json_decref(payload);
  if (text == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  hk_status rc = hk_store_event_append(s->st, s->opt->actor ? s->opt->actor : "unknown", "import",
                                       s->opt->source_name ? s->opt->source_name : "-", text, err);
  free(text);
  return rc;
}

hk_status hk_import_jsonl(hk_store *st, FILE *in, const hk_import_options *opt,
                          hk_import_result *res, hk_error *err)
{
  memset(res, 0, sizeof *res);
  import_state s = {.st = st, .opt = opt, .res = res};
  hk_person p;
  hk_person_init(&p);
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int64_t number = 0;
  crypto_hash_sha256_state digest_state;
  uint8_t digest[32];
  crypto_hash_sha256_init(&digest_state);

  hk_status rc = hk_store_begin(st, err);
  if (rc != HK_OK)
    goto out;
  while (rc == HK_OK && (len = getline(&line, &cap, in)) >= 0) {
    number++;
    crypto_hash_sha256_update(&digest_state, (const uint8_t *)line, (unsigned long long)len);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
      len--;
    if (len == 0)
      continue;
    res->lines++;
    if (len > HK_IMPORT_LINE_MAX) {
      hk_error_set(err, HK_ETOOBIG, "", "line longer than %d bytes", HK_IMPORT_LINE_MAX);
      rc = bad_line(&s, number, HK_ETOOBIG, err);
      continue;
    }
    rc = import_line(&s, line, (size_t)len, number, &p, err);
    if (opt->on_progress && opt->progress_every > 0 && number % opt->progress_every == 0)
      opt->on_progress(number, opt->cls);
  }
  if (rc == HK_OK && ferror(in))
    rc = hk_error_set(err, HK_EIO, "input", "read error after line %lld", (long long)number);
  if (rc == HK_OK)
    rc = resolve_links(&s, err);
  crypto_hash_sha256_final(&digest_state, digest);
  if (rc == HK_OK)
    rc = record_event(&s, digest, err);
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK)
    hk_store_rollback(st);
out:
  if (rc != HK_OK) {
    int64_t bad = res->bad_line;
    memset(res, 0, sizeof *res);
    res->bad_line = bad;
  }
  free(line);
  free(s.links);
  free(s.dropped);
  hk_person_clear(&p);
  return rc;
}

typedef struct export_state {
  FILE *out;
  int64_t count;
} export_state;

static hk_status export_one(const hk_person *p, void *cls, hk_error *err)
{
  export_state *e = cls;
  json_t *obj = hk_person_to_json(p, HK_PJ_RECORD);
  if (obj == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  int bad = json_dumpf(obj, e->out, JSON_COMPACT);
  json_decref(obj);
  if (bad || fputc('\n', e->out) == EOF)
    return hk_error_set(err, HK_EIO, "output", "write failed");
  e->count++;
  return HK_OK;
}

hk_status hk_export_jsonl(hk_store *st, FILE *out, int64_t *count, hk_error *err)
{
  export_state e = {.out = out};
  hk_status rc = hk_store_person_each(st, export_one, &e, err);
  if (rc == HK_OK && fflush(out) != 0)
    rc = hk_error_set(err, HK_EIO, "output", "write failed");
  *count = e.count;
  return rc;
}
