/* Materials behind a fact entry (issue 10, material.h): the document that backs a declaration,
 * for the officer who verifies it. Checks, names and content store are material.c's; who may
 * see the entry is hk_facts_list's rule, so the two cannot drift apart. */
#include "service/material.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "service/facts.h"

#define RETRIES 5

/* The entry as its reader sees it: found in the person's ledger (hk_facts_list: the resident
 * themself, officers of the jurisdiction; anyone else HK_ENOTFOUND or HK_EFORBIDDEN). kind and
 * source receive its names, in_force whether nothing superseded it. */
static hk_status find_entry(hk_store *st, const hk_actor *who, const char *id_number, int64_t entry,
                            char kind[32], char source[16], bool *in_force, hk_error *err)
{
  json_t *doc = NULL;
  hk_status rc = hk_facts_list(st, who, id_number, &doc, err);
  if (rc != HK_OK)
    return rc;
  json_t *list = json_object_get(doc, "entries"), *e;
  size_t i;
  bool found = false;
  json_array_foreach(list, i, e)
  {
    if (json_integer_value(json_object_get(e, "entry")) != entry)
      continue;
    const char *k = json_string_value(json_object_get(e, "kind"));
    const char *s = json_string_value(json_object_get(e, "source"));
    snprintf(kind, 32, "%s", k ? k : "");
    snprintf(source, 16, "%s", s ? s : "");
    *in_force = json_is_true(json_object_get(e, "in_force"));
    found = true;
  }
  json_decref(doc);
  if (!found)
    return hk_error_set_both(err, HK_ENOTFOUND, "entry", "此人没有第 %lld 条记录",
                             "no fact entry %lld of this person", (long long)entry);
  return HK_OK;
}

typedef struct fact_scan {
  const char *fact; /* "housing/12"; NULL: any fact entry */
  const uint8_t *sha256;
  int count;
  hk_material_row same;
  bool found;
  json_t *list; /* when listing */
} fact_scan;

static hk_status scan_fact(const hk_material_row *row, void *cls, hk_error *err)
{
  (void)err;
  fact_scan *s = cls;
  if (row->application_id != 0 || row->fact[0] == '\0' ||
      (s->fact && strcmp(row->fact, s->fact) != 0))
    return HK_OK;
  s->count++;
  if (s->sha256 && !s->found && sodium_memcmp(row->sha256, s->sha256, HK_HASH_LEN) == 0) {
    s->same = *row;
    s->found = true;
  }
  if (s->list)
    json_array_append_new(s->list, hk_material_json(row));
  return HK_OK;
}

static hk_status attach_attempt(hk_store *st, const hk_material_config *cfg, const hk_actor *who,
                                const char *id_number, int64_t entry, const hk_material_upload *up,
                                const char *media_type, const char *name,
                                const uint8_t sha256[HK_HASH_LEN], json_t **out, bool *created,
                                hk_error *err)
{
  hk_material_row row;
  memset(&row, 0, sizeof row);
  row.step_index = -1;
  char kind[32] = "", source[16] = "", fact[HK_MATERIAL_FACT_MAX + 1] = "";
  bool in_force = false, added = false;
  int64_t person = 0;
  fact_scan s = {.sha256 = sha256, .fact = fact};
  hk_status rc = hk_store_begin(st, err);
  if (rc == HK_OK && (rc = hk_store_person_row(st, id_number, &person, err)) == HK_ENOTFOUND)
    rc = hk_error_set(err, HK_ENOTFOUND, "id_number", "no person with this ID number");
  if (rc == HK_OK)
    rc = find_entry(st, who, id_number, entry, kind, source, &in_force, err);
  if (rc == HK_OK && who->role == HK_ROLE_RESIDENT && strcmp(source, "declared") != 0) {
    hk_error_set(err, HK_EFORBIDDEN, "entry",
                 "residents attach files to their own declarations only; entry %lld is %s",
                 (long long)entry, source);
    rc = hk_error_set_zh(err, "居民只能为自己申报的记录上传材料，第 %lld 条记录是%s的",
                         (long long)entry,
                         strcmp(source, "verified") == 0 ? "民警核实" : "部门报送");
  }
  if (rc == HK_OK && !in_force)
    rc = hk_error_set_both(err, HK_ECONFLICT, "entry",
                           "第 %lld 条记录已被后来的记录取代，请附在新记录上",
                           "entry %lld was verified or corrected by a later entry: attach to "
                           "that one",
                           (long long)entry);
  snprintf(fact, sizeof fact, "%s/%lld", kind, (long long)entry);
  hk_material_filter f = {.person_id = person};
  if (rc == HK_OK)
    rc = hk_store_material_each(st, &f, scan_fact, &s, err);
  if (rc == HK_OK && !s.found && s.count >= hk_material_per_application(cfg))
    rc = hk_error_set_both(err, HK_ETOOBIG, "materials", "每条记录至多 %d 个文件",
                           "at most %d files a fact entry", hk_material_per_application(cfg));
  if (rc == HK_OK && !s.found)
    rc = hk_store_material_blob_put(st, sha256, up->data, up->size, &added, err);
  if (rc == HK_OK && !s.found) {
    memcpy(row.sha256, sha256, HK_HASH_LEN);
    row.size = (int64_t)up->size;
    snprintf(row.media_type, sizeof row.media_type, "%s", media_type);
    snprintf(row.name, sizeof row.name, "%s", name);
    snprintf(row.uploaded_by, sizeof row.uploaded_by, "%s", who->account);
    hk_store_utc_now(row.uploaded_at);
    row.person_id = person;
    snprintf(row.fact, sizeof row.fact, "%s", fact);
    rc = hk_store_material_insert(st, &row, err);
  }
  if (rc == HK_OK && !s.found) {
    char hex[HK_HASH_LEN * 2 + 1], subject[40], masked[HK_IDNUM_LEN + 1];
    sodium_bin2hex(hex, sizeof hex, sha256, HK_HASH_LEN);
    snprintf(subject, sizeof subject, "fact/%lld", (long long)entry);
    json_t *p = json_object();
    json_object_set_new(p, "material", json_integer(row.id));
    json_object_set_new(p, "sha256", json_string(hex));
    json_object_set_new(p, "size", json_integer(row.size));
    json_object_set_new(p, "media_type", json_string(row.media_type));
    json_object_set_new(p, "fact", json_string(fact));
    json_object_set_new(p, "content_new", json_boolean(added));
    json_object_set_new(p, "person", json_string(hk_idnum_mask(id_number, masked)));
    char *payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(p);
    rc = payload ? hk_store_event_append(st, who->account, "material.attach", subject, payload, err)
                 : hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
    free(payload);
  }
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK) {
    hk_store_rollback(st);
    return rc;
  }
  *created = !s.found;
  *out = hk_material_json(s.found ? &s.same : &row);
  return HK_OK;
}

hk_status hk_material_fact_attach(hk_store *st, const hk_material_config *cfg, const hk_actor *who,
                                  const char *id_number, int64_t entry,
                                  const hk_material_upload *up, json_t **out, bool *created,
                                  hk_error *err)
{
  *out = NULL;
  *created = false;
  if (entry <= 0)
    return hk_error_set(err, HK_EINVAL, "entry", "not an entry number");
  const char *media_type = NULL;
  char name[HK_MATERIAL_NAME_MAX + 1];
  uint8_t sha256[HK_HASH_LEN];
  hk_status rc = hk_material_prepare(cfg, up, &media_type, name, sha256, err);
  if (rc != HK_OK)
    return rc;
  rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
    rc = attach_attempt(st, cfg, who, id_number, entry, up, media_type, name, sha256, out, created,
                        err);
  return rc;
}

/* The person's row and the entry's fact key ("housing/12"), after the reader's check. */
static hk_status readable(hk_store *st, const hk_actor *who, const char *id_number, int64_t entry,
                          int64_t *person, char fact[HK_MATERIAL_FACT_MAX + 1], hk_error *err)
{
  hk_status rc = hk_store_person_row(st, id_number, person, err);
  if (rc == HK_ENOTFOUND)
    rc = hk_error_set(err, HK_ENOTFOUND, "id_number", "no person with this ID number");
  if (rc != HK_OK)
    return rc;
  if (entry == 0) { /* every entry's: the reader's check alone */
    json_t *doc = NULL;
    rc = hk_facts_list(st, who, id_number, &doc, err);
    json_decref(doc);
    fact[0] = '\0';
    return rc;
  }
  char kind[32], source[16];
  bool in_force;
  rc = find_entry(st, who, id_number, entry, kind, source, &in_force, err);
  if (rc != HK_OK)
    return rc;
  /* "housing/12": a kind's name and an entry number always fit; say so if they ever do not. */
  char key[64];
  snprintf(key, sizeof key, "%s/%lld", kind, (long long)entry);
  if (strlen(key) > HK_MATERIAL_FACT_MAX)
    return hk_error_set(err, HK_EINVAL, "entry", "entry %lld: its reference is too long",
                        (long long)entry);
  memcpy(fact, key, strlen(key) + 1);
  return HK_OK;
}

hk_status hk_material_fact_list(hk_store *st, const hk_actor *who, const char *id_number,
                                int64_t entry, json_t **out, hk_error *err)
{
  *out = NULL;
  int64_t person = 0;
  char fact[HK_MATERIAL_FACT_MAX + 1] = "";
  hk_status rc = readable(st, who, id_number, entry, &person, fact, err);
  if (rc != HK_OK)
    return rc;
  fact_scan s = {.fact = fact[0] ? fact : NULL, .list = json_array()};
  hk_material_filter f = {.person_id = person};
  rc = hk_store_material_each(st, &f, scan_fact, &s, err);
  if (rc != HK_OK) {
    json_decref(s.list);
    return rc;
  }
  *out = s.list;
  return HK_OK;
}

hk_status hk_material_fact_read(hk_store *st, const hk_actor *who, const char *id_number,
                                int64_t entry, int64_t material_id, hk_material_row *row,
                                uint8_t **data, size_t *size, hk_error *err)
{
  *data = NULL;
  *size = 0;
  int64_t person = 0;
  char fact[HK_MATERIAL_FACT_MAX + 1] = "";
  hk_status rc = entry > 0 ? readable(st, who, id_number, entry, &person, fact, err)
                           : hk_error_set(err, HK_EINVAL, "entry", "not an entry number");
  if (rc == HK_OK)
    rc = hk_store_material_get(st, material_id, row, err);
  /* Another entry's material, or an application's, is not found here. */
  if ((rc == HK_OK &&
       (row->person_id != person || row->application_id != 0 || strcmp(row->fact, fact) != 0)) ||
      rc == HK_ENOTFOUND)
    rc = hk_error_set(err, HK_ENOTFOUND, "material", "no material %lld behind entry %lld",
                      (long long)material_id, (long long)entry);
  if (rc == HK_OK &&
      (rc = hk_store_material_blob_get(st, row->sha256, data, size, err)) == HK_ENOTFOUND)
    rc = hk_error_set(err, HK_ESTORE, "material", "material %lld: its content is missing",
                      (long long)material_id);
  return rc;
}
