/* Materials: attach, list, read, and hand to the supply_material step (material.h). */
#include "service/material.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <magic.h>
#include <sodium.h>

#include "core/json.h"
#include "core/label.h"
#include "core/utf8.h"
#include "service/app_service.h"
#include "service/application.h"
#include "store/store_app.h"
#include "store/store_auth.h"

#define RETRIES 5

size_t hk_material_max_bytes(const hk_material_config *cfg)
{
  return cfg && cfg->max_bytes ? cfg->max_bytes : HK_MATERIAL_MAX_BYTES_DEFAULT;
}

int hk_material_per_application(const hk_material_config *cfg)
{
  return cfg && cfg->per_application > 0 ? cfg->per_application : HK_MATERIAL_PER_APP_DEFAULT;
}

/* ---- types, by content ---- */

/* What we take, with the extensions a name of that type may end in (the first is added when
 * none matches). OFD (GB/T 33190) is a zip container: telling it from any other zip needs its
 * OFD.xml read and checked, which libmagic does not do, so it is not taken yet. */
static const struct {
  const char *type;
  const char *ext[4];
} accepted[] = {
    {"application/pdf", {".pdf", NULL}},
    {"image/jpeg", {".jpg", ".jpeg", ".jpe", NULL}},
    {"image/png", {".png", NULL}},
};
#define N_ACCEPTED (sizeof accepted / sizeof accepted[0])

/* libmagic's cookie holds state between calls: one per process, loaded once, used in turn. */
static pthread_mutex_t magic_mu = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_cookie;

hk_status hk_material_detect(const void *data, size_t size, const char *field,
                             const char **media_type, hk_error *err)
{
  *media_type = NULL;
  if (size == 0)
    return hk_error_set_both(err, HK_EINVAL, field, "空文件", "the file is empty");
  char found[HK_MEDIA_TYPE_MAX + 1] = "";
  pthread_mutex_lock(&magic_mu);
  if (magic_cookie == NULL) {
    /* MAGIC_MIME_TYPE: the type only; compressed content is not opened (no MAGIC_COMPRESS). */
    magic_cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (magic_cookie && magic_load(magic_cookie, NULL) != 0) {
      magic_close(magic_cookie);
      magic_cookie = NULL;
    }
  }
  const char *t = magic_cookie ? magic_buffer(magic_cookie, data, size) : NULL;
  if (t)
    snprintf(found, sizeof found, "%s", t);
  pthread_mutex_unlock(&magic_mu);
  if (found[0] == '\0')
    return hk_error_set(err, HK_EINTERNAL, field, "the file type database (libmagic) failed");
  for (size_t i = 0; i < N_ACCEPTED; i++)
    if (strcmp(found, accepted[i].type) == 0) {
      *media_type = accepted[i].type;
      return HK_OK;
    }
  /* found is libmagic's token (type/subtype, ASCII): safe to name. */
  return hk_error_set_both(err, HK_EMEDIA, field, "内容是 %s，只收 PDF、JPEG、PNG",
                           "the content is %s: only PDF, JPEG or PNG files are taken", found);
}

/* ---- names ---- */

static bool ends_with_ci(const char *s, size_t n, const char *ext)
{
  size_t e = strlen(ext);
  if (n < e)
    return false;
  for (size_t i = 0; i < e; i++) {
    char c = s[n - e + i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != ext[i])
      return false;
  }
  return true;
}

/* The length of the UTF-8 sequence at s (valid input) and its code point. */
static size_t decode(const unsigned char *s, unsigned *cp)
{
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  if (s[0] < 0xe0) {
    *cp = (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
    return 2;
  }
  if (s[0] < 0xf0) {
    *cp = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
    return 3;
  }
  *cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
  return 4;
}

hk_status hk_material_name(const char *name, size_t len, const char *media_type, const char *field,
                           char out[HK_MATERIAL_NAME_MAX + 1], hk_error *err)
{
  out[0] = '\0';
  if (name == NULL)
    len = 0;
  if (len > HK_MATERIAL_NAME_IN_MAX)
    return hk_error_set_both(err, HK_EINVAL, field, "文件名超过 %d 字节", "longer than %d bytes",
                             HK_MATERIAL_NAME_IN_MAX);
  if (len && !hk_utf8_valid(name, len))
    return hk_error_set_both(err, HK_EINVAL, field, "文件名不是 UTF-8 文字", "not UTF-8");
  /* The last path component: a browser sends a bare name, others may not. */
  size_t start = 0;
  for (size_t i = 0; i < len; i++)
    if (name[i] == '/' || name[i] == '\\')
      start = i + 1;
  size_t n = 0;
  for (size_t i = start; i < len;) {
    unsigned cp;
    size_t k = decode((const unsigned char *)name + i, &cp);
    /* Controls (C0, DEL, C1) and the bidirectional overrides that make "gpj.exe" look like
     * "exe.jpg" are dropped; characters with a meaning to shells and file systems replaced. */
    bool drop = cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
                (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0xfeff;
    if (!drop) {
      if (k == 1 && strchr(":*?\"<>|", (int)cp))
        out[n++] = '_';
      else {
        memcpy(out + n, name + i, k);
        n += k;
      }
    }
    i += k;
  }
  out[n] = '\0';
  size_t a = 0;
  while (out[a] == ' ' || out[a] == '.')
    a++;
  while (n > a && (out[n - 1] == ' ' || out[n - 1] == '.'))
    n--;
  memmove(out, out + a, n - a);
  n -= a;
  out[n] = '\0';
  if (n == 0) {
    snprintf(out, HK_MATERIAL_NAME_MAX + 1, "material");
    n = strlen(out);
  }
  for (size_t t = 0; media_type && t < N_ACCEPTED; t++) {
    if (strcmp(accepted[t].type, media_type) != 0)
      continue;
    bool ok = false;
    for (size_t e = 0; accepted[t].ext[e] && !ok; e++)
      ok = ends_with_ci(out, n, accepted[t].ext[e]);
    if (!ok)
      snprintf(out + n, HK_MATERIAL_NAME_MAX + 1 - n, "%s", accepted[t].ext[0]);
  }
  return HK_OK;
}

/* ---- JSON ---- */

json_t *hk_material_json(const hk_material_row *row)
{
  char hex[HK_HASH_LEN * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, row->sha256, HK_HASH_LEN);
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(row->id));
  if (row->application_id)
    json_object_set_new(o, "application", json_integer(row->application_id));
  json_object_set_new(o, "sha256", json_string(hex));
  json_object_set_new(o, "size", json_integer(row->size));
  json_object_set_new(o, "media_type", json_string(row->media_type));
  json_object_set_new(o, "name", json_string(row->name));
  json_object_set_new(o, "uploaded_by", json_string(row->uploaded_by));
  json_object_set_new(o, "uploaded_at", json_string(row->uploaded_at));
  if (row->step[0])
    json_object_set_new(o, "step", json_string(row->step));
  json_object_set_new(o, "step_index",
                      row->step_index >= 0 ? json_integer(row->step_index) : json_null());
  if (row->fact[0])
    json_object_set_new(o, "fact", json_string(row->fact));
  return o;
}

/* ---- who may ---- */

/* The application as its reader sees it (hk_app_show: the applicant, officers of the deciding
 * or filing county; anyone else HK_ENOTFOUND), with the applicant's number and state. */
static hk_status visible(hk_store *st, const hk_actor *who, int64_t app_id,
                         char applicant[HK_IDNUM_LEN + 1], hk_app_state *state, hk_error *err)
{
  json_t *doc = NULL;
  hk_status rc = hk_app_show(st, who, app_id, &doc, err);
  if (rc != HK_OK)
    return rc;
  const char *id = json_string_value(json_object_get(doc, "id_number"));
  const char *s = json_string_value(json_object_get(doc, "state"));
  snprintf(applicant, HK_IDNUM_LEN + 1, "%s", id ? id : "");
  *state = s ? hk_app_state_from(s) : HK_APP_STATE_COUNT;
  json_decref(doc);
  return HK_OK;
}

static bool step_valid(const char *step)
{
  return strcmp(step, "submit") == 0 || hk_app_action_from(step) != HK_APP_ACTION_COUNT;
}

/* ---- attach ---- */

typedef struct scan {
  const uint8_t *sha256;
  int count;
  hk_material_row same;
  bool found;
} scan;

static hk_status scan_one(const hk_material_row *row, void *cls, hk_error *err)
{
  (void)err;
  scan *s = cls;
  s->count++;
  if (!s->found && sodium_memcmp(row->sha256, s->sha256, HK_HASH_LEN) == 0) {
    s->same = *row;
    s->found = true;
  }
  return HK_OK;
}

static hk_status attach_attempt(hk_store *st, const hk_material_config *cfg, const hk_actor *who,
                                int64_t app_id, const hk_material_upload *up,
                                const char *media_type, const char *name,
                                const uint8_t sha256[HK_HASH_LEN], json_t **out, bool *created,
                                char applicant[HK_IDNUM_LEN + 1], hk_error *err)
{
  hk_app_row app = {0};
  hk_app_state state = HK_APP_STATE_COUNT;
  hk_material_row row;
  memset(&row, 0, sizeof row);
  row.step_index = -1;
  scan s = {.sha256 = sha256};
  int64_t person = 0;
  bool added = false;
  hk_status rc = hk_store_begin(st, err);
  /* The application's lock: the count below holds against concurrent uploads. */
  if (rc == HK_OK)
    rc = hk_store_app_get(st, app_id, true, &app, err);
  if (rc == HK_OK)
    rc = visible(st, who, app_id, applicant, &state, err);
  if (rc == HK_OK && !hk_app_state_open(state))
    rc = hk_error_set_both(err, HK_ECONFLICT, "application", "申请%s：不能再附加材料",
                           "the application is %s: nothing more can be attached",
                           hk_label_zh(HK_LBL_APP_STATE, hk_app_state_name(state)));
  const char *step = up->step                             ? up->step
                     : state == HK_APP_MATERIAL_REQUESTED ? "supply_material"
                                                          : "submit";
  hk_material_filter f = {.application_id = app_id};
  if (rc == HK_OK)
    rc = hk_store_material_each(st, &f, scan_one, &s, err);
  if (rc == HK_OK && !s.found && s.count >= hk_material_per_application(cfg))
    rc = hk_error_set_both(err, HK_ETOOBIG, "materials", "每件申请至多 %d 个文件",
                           "at most %d files an application", hk_material_per_application(cfg));
  if (rc == HK_OK && !s.found)
    rc = hk_store_person_row(st, applicant, &person, err);
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
    row.application_id = app_id;
    snprintf(row.step, sizeof row.step, "%s", step);
    rc = hk_store_material_insert(st, &row, err);
  }
  if (rc == HK_OK && !s.found) {
    char hex[HK_HASH_LEN * 2 + 1], subject[40], masked[HK_IDNUM_LEN + 1];
    sodium_bin2hex(hex, sizeof hex, sha256, HK_HASH_LEN);
    snprintf(subject, sizeof subject, "application/%lld", (long long)app_id);
    json_t *p = json_object();
    json_object_set_new(p, "material", json_integer(row.id));
    json_object_set_new(p, "sha256", json_string(hex));
    json_object_set_new(p, "size", json_integer(row.size));
    json_object_set_new(p, "media_type", json_string(row.media_type));
    json_object_set_new(p, "step", json_string(row.step));
    json_object_set_new(p, "content_new", json_boolean(added));
    json_object_set_new(p, "applicant", json_string(hk_idnum_mask(applicant, masked)));
    char *payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(p);
    rc = payload ? hk_store_event_append(st, who->account, "material.attach", subject, payload, err)
                 : hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
    free(payload);
  }
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  free(app.doc);
  if (rc != HK_OK) {
    hk_store_rollback(st);
    return rc;
  }
  *created = !s.found;
  *out = hk_material_json(s.found ? &s.same : &row);
  return HK_OK;
}

hk_status hk_material_prepare(const hk_material_config *cfg, const hk_material_upload *up,
                              const char **media_type, char name[HK_MATERIAL_NAME_MAX + 1],
                              uint8_t sha256[HK_HASH_LEN], hk_error *err)
{
  const char *data_field = up->data_field ? up->data_field : "body";
  if (up->size > hk_material_max_bytes(cfg))
    return hk_error_set_both(err, HK_ETOOBIG, data_field, "文件超过 %zu 字节",
                             "larger than %zu bytes", hk_material_max_bytes(cfg));
  hk_status rc = hk_material_detect(up->data, up->size, data_field, media_type, err);
  if (rc == HK_OK)
    rc = hk_material_name(up->name, up->name_len, *media_type,
                          up->name_field ? up->name_field : "name", name, err);
  if (rc == HK_OK)
    crypto_hash_sha256(sha256, up->data, up->size);
  return rc;
}

hk_status hk_material_attach(hk_store *st, const hk_material_config *cfg, const hk_actor *who,
                             int64_t app_id, const hk_material_upload *up, json_t **out,
                             bool *created, char applicant[HK_IDNUM_LEN + 1], hk_error *err)
{
  *out = NULL;
  *created = false;
  char who_for[HK_IDNUM_LEN + 1] = "";
  if (applicant == NULL)
    applicant = who_for;
  if (up->step && !step_valid(up->step))
    return hk_error_set_both(
        err, HK_EINVAL, "step",
        "须为 "
        "submit（提交）或以下操作之一：accept（受理）、request_material（要求补充材料）、supply_"
        "material（补充材料）、approve（批准）、reject（驳回）、complete（办结）",
        "submit or an action: accept, request_material, "
        "supply_material, approve, reject, complete");
  const char *media_type = NULL;
  char name[HK_MATERIAL_NAME_MAX + 1];
  uint8_t sha256[HK_HASH_LEN];
  hk_status rc = hk_material_prepare(cfg, up, &media_type, name, sha256, err);
  if (rc != HK_OK)
    return rc;
  rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
    rc = attach_attempt(st, cfg, who, app_id, up, media_type, name, sha256, out, created, applicant,
                        err);
  return rc;
}

/* ---- read ---- */

static hk_status add_json(const hk_material_row *row, void *cls, hk_error *err)
{
  (void)err;
  json_array_append_new(cls, hk_material_json(row));
  return HK_OK;
}

hk_status hk_material_list(hk_store *st, const hk_actor *who, int64_t app_id, json_t **out,
                           char applicant[HK_IDNUM_LEN + 1], hk_error *err)
{
  *out = NULL;
  hk_app_state state;
  char who_for[HK_IDNUM_LEN + 1];
  hk_status rc = visible(st, who, app_id, applicant ? applicant : who_for, &state, err);
  if (rc != HK_OK)
    return rc;
  json_t *list = json_array();
  hk_material_filter f = {.application_id = app_id};
  rc = hk_store_material_each(st, &f, add_json, list, err);
  if (rc != HK_OK) {
    json_decref(list);
    return rc;
  }
  *out = list;
  return HK_OK;
}

hk_status hk_material_read(hk_store *st, const hk_actor *who, int64_t app_id, int64_t material_id,
                           hk_material_row *row, uint8_t **data, size_t *size,
                           char applicant[HK_IDNUM_LEN + 1], hk_error *err)
{
  *data = NULL;
  *size = 0;
  hk_app_state state;
  char who_for[HK_IDNUM_LEN + 1];
  hk_status rc = visible(st, who, app_id, applicant ? applicant : who_for, &state, err);
  if (rc == HK_OK)
    rc = hk_store_material_get(st, material_id, row, err);
  /* A material of another application is not found here, whoever may read that one. */
  if (rc == HK_OK && row->application_id != app_id)
    rc = hk_error_set_both(err, HK_ENOTFOUND, "material", "申请 %2$lld 中没有材料 %1$lld",
                           "no material %1$lld in application %2$lld", (long long)material_id,
                           (long long)app_id);
  if (rc == HK_OK &&
      (rc = hk_store_material_blob_get(st, row->sha256, data, size, err)) == HK_ENOTFOUND)
    rc = hk_error_set(err, HK_ESTORE, "material", "material %lld: its content is missing",
                      (long long)material_id);
  return rc;
}

/* ---- the supply_material step ---- */

hk_status hk_material_take(hk_store *st, int64_t app_id, const int64_t *ids, size_t n,
                           int step_index, json_t **list, hk_error *err)
{
  *list = json_array();
  hk_status rc = HK_OK;
  for (size_t i = 0; i < n && rc == HK_OK; i++) {
    char field[32];
    snprintf(field, sizeof field, "materials[%zu]", i);
    for (size_t j = 0; j < i && rc == HK_OK; j++)
      if (ids[j] == ids[i])
        rc = hk_error_set_both(err, HK_EINVAL, field, "材料 %lld 重复列出",
                               "material %lld is listed twice", (long long)ids[i]);
    hk_material_row row;
    if (rc == HK_OK) {
      rc = hk_store_material_get(st, ids[i], &row, err);
      if (rc == HK_OK && row.application_id != app_id)
        rc = HK_ENOTFOUND;
      if (rc == HK_ENOTFOUND)
        rc = hk_error_set_both(err, HK_EINVAL, field, "材料 %lld 不属于本申请",
                               "material %lld was not uploaded to this application",
                               (long long)ids[i]);
    }
    if (rc == HK_OK && row.step_index >= 0)
      rc = hk_error_set_both(err, HK_ECONFLICT, field, "材料 %lld 已在第 %d 步提交过",
                             "material %lld was supplied in step %d already", (long long)ids[i],
                             row.step_index);
    if (rc == HK_OK)
      rc = hk_store_material_set_step(st, ids[i], step_index, err);
    if (rc == HK_OK) {
      row.step_index = step_index;
      json_t *o = hk_material_json(&row);
      json_object_del(o, "application");
      json_object_del(o, "step_index");
      json_array_append_new(*list, o);
    }
  }
  if (rc != HK_OK) {
    json_decref(*list);
    *list = NULL;
  }
  return rc;
}
