/* Materials on PostgreSQL (store_material.h), the same rows as SQLite's. Content is a BYTEA in
 * material_blob, so every server that shares the database reads the same files (a directory
 * beside one server's database would not be seen by the others). Hashes and content travel as
 * binary parameters and the content comes back in binary, so a 10 MiB file is not doubled into
 * hex on the wire. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "store/store_pg_int.h"
#include "store/store_material.h"

/* Run sql with text parameters p, except those listed in `binary` (a bit per parameter), whose
 * values and lengths are bin[i] and len[i]; results in text unless binary_result. */
static hk_status run_mixed(hk_store *st, const char *sql, const params *p, unsigned binary,
                           const void *const *bin, const int *len, bool binary_result,
                           const char *what, PGresult **out, hk_error *err)
{
  const char *values[MAX_PARAMS];
  int lengths[MAX_PARAMS] = {0}, formats[MAX_PARAMS] = {0};
  for (int i = 0; i < p->n; i++) {
    values[i] = p->values[i];
    if (binary & (1u << i)) {
      values[i] = bin[i];
      lengths[i] = len[i];
      formats[i] = 1;
    }
  }
  PGresult *r = PQexecParams(store__pg_conn(st), sql, p->n, NULL, values, lengths, formats,
                             binary_result ? 1 : 0);
  ExecStatusType s = PQresultStatus(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
    hk_status rc = store__pg_error(st, r, what, err);
    PQclear(r);
    return rc;
  }
  if (out)
    *out = r;
  else
    PQclear(r);
  return HK_OK;
}

hk_status store__pg_material_blob_put(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                      const uint8_t *data, size_t size, bool *added, hk_error *err)
{
  if (size > INT32_MAX)
    return hk_error_set(err, HK_ETOOBIG, "body", "larger than the store takes");
  params q = {0};
  p_null(&q); /* slot for the hash */
  p_int(&q, (int64_t)size);
  p_null(&q); /* slot for the content */
  const void *bin[3] = {sha256, NULL, size ? (const void *)data : ""};
  int len[3] = {HK_HASH_LEN, 0, (int)size};
  PGresult *r = NULL;
  hk_status rc = run_mixed(st,
                           "INSERT INTO material_blob (sha256, size, content) VALUES ($1, $2, $3)"
                           " ON CONFLICT (sha256) DO NOTHING",
                           &q, 1u | 4u, bin, len, false, "material content insert", &r, err);
  if (rc == HK_OK) {
    *added = strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
  }
  return rc;
}

hk_status store__pg_material_blob_get(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                      uint8_t **data, size_t *size, hk_error *err)
{
  params q = {0};
  p_null(&q);
  const void *bin[1] = {sha256};
  int len[1] = {HK_HASH_LEN};
  PGresult *r = NULL;
  hk_status rc = run_mixed(st, "SELECT content FROM material_blob WHERE sha256 = $1", &q, 1u, bin,
                           len, true, "material content read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1) {
    size_t n = (size_t)PQgetlength(r, 0, 0);
    *data = malloc(n ? n : 1);
    if (*data == NULL) {
      rc = hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
    } else {
      if (n)
        memcpy(*data, PQgetvalue(r, 0, 0), n);
      *size = n;
    }
  } else {
    rc = hk_error_set(err, HK_ENOTFOUND, "material", "no content with this hash");
  }
  PQclear(r);
  return rc;
}

static void p_text_or_null(params *p, const char *s)
{
  if (s && s[0])
    p_text(p, s);
  else
    p_null(p);
}

hk_status store__pg_material_insert(hk_store *st, hk_material_row *row, hk_error *err)
{
  params q = {0};
  p_null(&q); /* the hash, binary */
  p_int(&q, row->size);
  p_text(&q, row->media_type);
  p_text(&q, row->name);
  p_text(&q, row->uploaded_by);
  p_text(&q, row->uploaded_at);
  p_int(&q, row->person_id);
  if (row->application_id)
    p_int(&q, row->application_id);
  else
    p_null(&q);
  p_text_or_null(&q, row->step);
  if (row->step_index >= 0)
    p_int(&q, row->step_index);
  else
    p_null(&q);
  p_text_or_null(&q, row->fact);
  const void *bin[MAX_PARAMS] = {row->sha256};
  int len[MAX_PARAMS] = {HK_HASH_LEN};
  PGresult *r = NULL;
  hk_status rc =
      run_mixed(st,
                "INSERT INTO material (sha256, size, media_type, name, uploaded_by, uploaded_at,"
                " person_id, application_id, step, step_index, fact)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &q, 1u, bin, len, false, "material insert", &r, err);
  if (rc == HK_OK) {
    row->id = get_int(r, 0, 0);
    PQclear(r);
  }
  return rc;
}

/* The hash as hex text, so that the text results of the other columns can stay text. */
#define MATERIAL_COLUMNS                                                                           \
  "id, encode(sha256, 'hex'), size, media_type, name, uploaded_by, uploaded_at, person_id,"        \
  " application_id, step, step_index, fact"

static void copy_text(char *out, size_t size, PGresult *r, int i, int col)
{
  snprintf(out, size, "%s", PQgetisnull(r, i, col) ? "" : PQgetvalue(r, i, col));
}

static void read_row(PGresult *r, int i, hk_material_row *out)
{
  memset(out, 0, sizeof *out);
  out->id = get_int(r, i, 0);
  const char *hex = PQgetvalue(r, i, 1);
  size_t n = 0;
  if (sodium_hex2bin(out->sha256, HK_HASH_LEN, hex, strlen(hex), NULL, &n, NULL) != 0 ||
      n != HK_HASH_LEN)
    memset(out->sha256, 0, HK_HASH_LEN);
  out->size = get_int(r, i, 2);
  copy_text(out->media_type, sizeof out->media_type, r, i, 3);
  copy_text(out->name, sizeof out->name, r, i, 4);
  copy_text(out->uploaded_by, sizeof out->uploaded_by, r, i, 5);
  copy_text(out->uploaded_at, sizeof out->uploaded_at, r, i, 6);
  out->person_id = get_int(r, i, 7);
  out->application_id = PQgetisnull(r, i, 8) ? 0 : get_int(r, i, 8);
  copy_text(out->step, sizeof out->step, r, i, 9);
  out->step_index = PQgetisnull(r, i, 10) ? -1 : (int)get_int(r, i, 10);
  copy_text(out->fact, sizeof out->fact, r, i, 11);
}

hk_status store__pg_material_get(hk_store *st, int64_t id, hk_material_row *out, hk_error *err)
{
  params q = {0};
  p_int(&q, id);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "SELECT " MATERIAL_COLUMNS " FROM material WHERE id = $1", &q,
                               "material read", &r, err);
  if (rc != HK_OK)
    return rc;
  if (PQntuples(r) == 1)
    read_row(r, 0, out);
  else
    rc = hk_error_set(err, HK_ENOTFOUND, "material", "no material %lld", (long long)id);
  PQclear(r);
  return rc;
}

hk_status store__pg_material_each(hk_store *st, const hk_material_filter *f, hk_material_cb cb,
                                  void *cls, hk_error *err)
{
  params q = {0};
  p_int(&q, f->application_id);
  p_int(&q, f->person_id);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st,
                               "SELECT " MATERIAL_COLUMNS " FROM material"
                               " WHERE ($1 = 0 OR application_id = $1)"
                               " AND ($2 = 0 OR person_id = $2) ORDER BY id",
                               &q, "material list", &r, err);
  if (rc != HK_OK)
    return rc;
  int n = PQntuples(r);
  for (int i = 0; i < n && rc == HK_OK; i++) {
    hk_material_row row;
    read_row(r, i, &row);
    rc = cb(&row, cls, err);
  }
  PQclear(r);
  return rc;
}

hk_status store__pg_material_set_step(hk_store *st, int64_t id, int step_index, hk_error *err)
{
  params q = {0};
  p_int(&q, id);
  p_int(&q, step_index);
  PGresult *r = NULL;
  hk_status rc = store__pg_run(st, "UPDATE material SET step_index = $2 WHERE id = $1", &q,
                               "material update", &r, err);
  if (rc != HK_OK)
    return rc;
  if (strcmp(PQcmdTuples(r), "1") != 0)
    rc = hk_error_set(err, HK_ENOTFOUND, "material", "no material %lld", (long long)id);
  PQclear(r);
  return rc;
}
