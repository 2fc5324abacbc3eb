/* Materials (issue 10) on both backends: types read from the content (libmagic), names
 * sanitised, content kept once per SHA-256, who may attach and read (hk_app_show's rule), the
 * size and count limits, idempotent re-uploads, and the supply_material step taking uploaded
 * materials into the application's steps. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/person_json.h"
#include "policy/policy.h"
#include "service/app_service.h"
#include "service/facts.h"
#include "service/material.h"
#include "store/store.h"
#include "store/store_material.h"

#define ID "341222199001010112"
#define OTHER "341222199202020229"

static const char migrant[] =
    "{\"id_number\":\"" ID "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-09-01\"}],"
    "\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-09-01\"}]}";
static const char other_person[] =
    "{\"id_number\":\"" OTHER "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-01-01\"}],"
    "\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-01-01\"}]}";

static hk_policies *pol;

static const hk_actor officer = {
    .role = HK_ROLE_OFFICER, .account = "officer:330402", .jurisdiction = 330402};
static const hk_actor elsewhere = {
    .role = HK_ROLE_OFFICER, .account = "officer:330411", .jurisdiction = 330411};

static hk_actor resident(const char *id)
{
  hk_actor a = {.role = HK_ROLE_RESIDENT, .account = "resident:test"};
  snprintf(a.id_number, sizeof a.id_number, "%s", id);
  return a;
}

/* Smallest files of each kind that libmagic names. */
static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0,    0,
                                    13,   'I', 'H', 'D', 'R',  0,    0,    0,    1,    0,    0,
                                    0,    1,   8,   0,   0,    0,    0,    0x3a, 0x7e, 0x9b, 0x55};
static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F',  0,
                                     1,    1,    0,    0,    1, 0,    1,   0,   0,   0xff, 0xd9};
static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
/* A DOS/Windows executable's start: "MZ", then "PE\0\0" where e_lfanew (0) points. */
static unsigned char exe[268] = {'M', 'Z', 0x90, 0};
static void make_exe(void)
{
  memcpy(exe + 64, "PE\0\0", 4);
}

static void add_person(hk_store *st, const char *json)
{
  hk_person p;
  hk_person_init(&p);
  hk_error err = {0};
  if (hk_person_parse(json, strlen(json), HK_PJ_RECORD, test_date("2024-01-01"), &p, &err) != HK_OK)
    fail_msg("parse: %s: %s", err.field, err.detail);
  int64_t row;
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_person_add(st, &p, &row, &err), HK_OK);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  hk_person_clear(&p);
}

static hk_store *fresh(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(test_fresh_db(), HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  add_person(st, migrant);
  add_person(st, other_person);
  return st;
}

static int64_t apply_permit(hk_store *st, const char *id)
{
  hk_app_request r = {.kind = HK_APP_PERMIT, .pathway = -1, .target = 330402};
  snprintf(r.id_number, sizeof r.id_number, "%s", id);
  snprintf(r.channel, sizeof r.channel, "online");
  hk_app_config cfg = {.pol = pol};
  hk_actor who = resident(id);
  json_t *doc = NULL;
  hk_error err = {0};
  if (hk_app_submit(st, &cfg, &who, &r, test_date("2024-03-05"), &doc, &err) != HK_OK)
    fail_msg("submit: %s: %s", err.field, err.detail);
  int64_t app = json_integer_value(json_object_get(doc, "id"));
  json_decref(doc);
  return app;
}

static hk_status attach(hk_store *st, const hk_material_config *cfg, const hk_actor *who,
                        int64_t app, const void *data, size_t size, const char *name, json_t **out,
                        bool *created, hk_error *err)
{
  hk_material_upload up = {
      .data = data, .size = size, .name = name, .name_len = name ? strlen(name) : 0};
  json_t *tmp = NULL;
  bool c = false;
  hk_status rc = hk_material_attach(st, cfg, who, app, &up, out ? out : &tmp,
                                    created ? created : &c, NULL, err);
  json_decref(tmp);
  return rc;
}

static int64_t attach_ok(hk_store *st, const hk_actor *who, int64_t app, const void *data,
                         size_t size, const char *name)
{
  json_t *out = NULL;
  hk_error err = {0};
  hk_status rc = attach(st, NULL, who, app, data, size, name, &out, NULL, &err);
  if (rc != HK_OK)
    fail_msg("attach: %s %s: %s", hk_status_code(rc), err.field, err.detail);
  int64_t id = json_integer_value(json_object_get(out, "id"));
  json_decref(out);
  return id;
}

static const char *str(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* ---- types and names (no store) ---- */

static void types_are_read_from_the_content(void **state)
{
  (void)state;
  const char *t = NULL;
  hk_error err = {0};
  assert_int_equal(hk_material_detect(pdf, strlen(pdf), "body", &t, &err), HK_OK);
  assert_string_equal(t, "application/pdf");
  assert_int_equal(hk_material_detect(png, sizeof png, "body", &t, &err), HK_OK);
  assert_string_equal(t, "image/png");
  assert_int_equal(hk_material_detect(jpeg, sizeof jpeg, "body", &t, &err), HK_OK);
  assert_string_equal(t, "image/jpeg");
  assert_int_equal(hk_material_detect(exe, sizeof exe, "body", &t, &err), HK_EMEDIA);
  assert_string_equal(err.field, "body");
  assert_non_null(strstr(err.detail, "application/x-dosexec"));
  const char html[] = "<html><script>alert(1)</script></html>";
  assert_int_equal(hk_material_detect(html, strlen(html), "FILE", &t, &err), HK_EMEDIA);
  assert_string_equal(err.field, "FILE");
  assert_int_equal(hk_material_detect("", 0, "body", &t, &err), HK_EINVAL);
}

static void names_are_sanitised(void **state)
{
  (void)state;
  char out[HK_MATERIAL_NAME_MAX + 1];
  hk_error err = {0};
  static const struct {
    const char *in, *type, *want;
  } cases[] = {
      {"租赁合同.pdf", "application/pdf", "租赁合同.pdf"},
      {"lease.pdf", "image/png", "lease.pdf.png"}, /* the content decides */
      {"photo.JPEG", "image/jpeg", "photo.JPEG"},  /* any of the type's extensions */
      {"C:\\Users\\x\\劳动合同.pdf", "application/pdf", "劳动合同.pdf"},
      {"../../etc/passwd", "application/pdf", "passwd.pdf"},
      {"a\"b<c>d|e?.pdf", "application/pdf", "a_b_c_d_e_.pdf"},
      {"bad\x01\x7f name.pdf", "application/pdf", "bad name.pdf"},
      {"x\xe2\x80\xaegpj.exe", "image/png", "xgpj.exe.png"}, /* U+202E dropped */
      {"...", "application/pdf", "material.pdf"},
      {" . hidden. ", "image/png", "hidden.png"},
      {NULL, "image/jpeg", "material.jpg"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *in = cases[i].in;
    assert_int_equal(hk_material_name(in, in ? strlen(in) : 0, cases[i].type, "name", out, &err),
                     HK_OK);
    assert_string_equal(out, cases[i].want);
  }
  assert_int_equal(hk_material_name("\xff\xfe.pdf", 6, "application/pdf", "X-Filename", out, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "X-Filename");
  char longname[HK_MATERIAL_NAME_IN_MAX + 2];
  memset(longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  assert_int_equal(
      hk_material_name(longname, strlen(longname), "application/pdf", "name", out, &err),
      HK_EINVAL);
  longname[HK_MATERIAL_NAME_IN_MAX] = '\0'; /* at the limit, with room for the extension */
  assert_int_equal(
      hk_material_name(longname, strlen(longname), "application/pdf", "name", out, &err), HK_OK);
  assert_int_equal(strlen(out), HK_MATERIAL_NAME_IN_MAX + 4);
}

/* ---- the store ---- */

static void store_keeps_content_once(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  /* Binary content with NUL bytes, over a few MiB: it must come back byte for byte. */
  size_t n = (3u << 20) + 7;
  uint8_t *big = malloc(n);
  for (size_t i = 0; i < n; i++)
    big[i] = (uint8_t)(i * 131 + (i >> 9));
  uint8_t sha[HK_HASH_LEN];
  crypto_hash_sha256(sha, big, n);
  bool added = false;
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  assert_int_equal(hk_store_material_blob_put(st, sha, big, n, &added, &err), HK_OK);
  assert_true(added);
  assert_int_equal(hk_store_material_blob_put(st, sha, big, n, &added, &err), HK_OK);
  assert_false(added);
  int64_t person = 0;
  assert_int_equal(hk_store_person_row(st, ID, &person, &err), HK_OK);
  hk_material_row row = {.size = (int64_t)n, .person_id = person, .step_index = -1};
  memcpy(row.sha256, sha, HK_HASH_LEN);
  snprintf(row.media_type, sizeof row.media_type, "application/pdf");
  snprintf(row.name, sizeof row.name, "学历证书.pdf");
  snprintf(row.uploaded_by, sizeof row.uploaded_by, "resident:x");
  snprintf(row.uploaded_at, sizeof row.uploaded_at, "2024-06-01T08:00:00.000Z");
  snprintf(row.fact, sizeof row.fact, "education/0"); /* a declaration's, no application */
  assert_int_equal(hk_store_material_insert(st, &row, &err), HK_OK);
  assert_true(row.id > 0);
  hk_material_row app_row = row;
  app_row.application_id = 7;
  app_row.fact[0] = '\0';
  snprintf(app_row.step, sizeof app_row.step, "submit");
  assert_int_equal(hk_store_material_insert(st, &app_row, &err), HK_OK);
  assert_int_equal(hk_store_material_set_step(st, app_row.id, 3, &err), HK_OK);
  assert_int_equal(hk_store_material_set_step(st, 999, 3, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_commit(st, &err), HK_OK);

  hk_material_row got;
  assert_int_equal(hk_store_material_get(st, row.id, &got, &err), HK_OK);
  assert_memory_equal(got.sha256, sha, HK_HASH_LEN);
  assert_string_equal(got.name, "学历证书.pdf");
  assert_string_equal(got.fact, "education/0");
  assert_int_equal(got.application_id, 0);
  assert_int_equal(got.step_index, -1);
  assert_int_equal(hk_store_material_get(st, app_row.id, &got, &err), HK_OK);
  assert_int_equal(got.application_id, 7);
  assert_int_equal(got.step_index, 3);
  assert_string_equal(got.step, "submit");
  assert_int_equal(hk_store_material_get(st, 999, &got, &err), HK_ENOTFOUND);

  uint8_t *data = NULL;
  size_t size = 0;
  assert_int_equal(hk_store_material_blob_get(st, sha, &data, &size, &err), HK_OK);
  assert_int_equal(size, n);
  assert_memory_equal(data, big, n);
  free(data);
  uint8_t none[HK_HASH_LEN] = {0};
  assert_int_equal(hk_store_material_blob_get(st, none, &data, &size, &err), HK_ENOTFOUND);
  free(big);
  hk_store_close(st);
}

/* ---- the service ---- */

typedef struct events {
  int attach;
  bool full_id;
  bool named;
} events;

static hk_status see_event(const hk_event *ev, void *cls, hk_error *err)
{
  (void)err;
  events *e = cls;
  if (strcmp(ev->action, "material.attach") == 0)
    e->attach++;
  if (strstr(ev->payload, ID) || strstr(ev->subject, ID) || strstr(ev->actor, ID))
    e->full_id = true;
  if (strstr(ev->payload, "合同"))
    e->named = true;
  return HK_OK;
}

static void attach_list_read_and_who_may(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  int64_t app = apply_permit(st, ID);
  hk_actor me = resident(ID), them = resident(OTHER);
  json_t *out = NULL;
  bool created = false;
  /* A PNG named .pdf is a PNG. */
  assert_int_equal(attach(st, NULL, &me, app, png, sizeof png, "lease.pdf", &out, &created, &err),
                   HK_OK);
  assert_true(created);
  assert_string_equal(str(out, "media_type"), "image/png");
  assert_string_equal(str(out, "name"), "lease.pdf.png");
  assert_string_equal(str(out, "step"), "submit");
  assert_int_equal(json_integer_value(json_object_get(out, "size")), sizeof png);
  int64_t first = json_integer_value(json_object_get(out, "id"));
  json_decref(out);
  /* The same bytes again (a retry): the same material, nothing new. */
  assert_int_equal(attach(st, NULL, &me, app, png, sizeof png, "again.png", &out, &created, &err),
                   HK_OK);
  assert_false(created);
  assert_int_equal(json_integer_value(json_object_get(out, "id")), first);
  assert_string_equal(str(out, "name"), "lease.pdf.png");
  json_decref(out);
  /* An officer of the deciding county; an ID number in a file name stays out of the events. */
  int64_t second = attach_ok(st, &officer, app, pdf, strlen(pdf), "劳动合同 " ID ".pdf");
  assert_true(second > first);
  /* Others: the application does not exist for them. */
  assert_int_equal(attach(st, NULL, &elsewhere, app, pdf, strlen(pdf), "x.pdf", NULL, NULL, &err),
                   HK_ENOTFOUND);
  assert_int_equal(attach(st, NULL, &them, app, pdf, strlen(pdf), "x.pdf", NULL, NULL, &err),
                   HK_ENOTFOUND);
  assert_int_equal(attach(st, NULL, &me, 999, pdf, strlen(pdf), "x.pdf", NULL, NULL, &err),
                   HK_ENOTFOUND);
  /* Refused content names the field and writes nothing. */
  assert_int_equal(attach(st, NULL, &me, app, exe, sizeof exe, "a.pdf", NULL, NULL, &err),
                   HK_EMEDIA);
  assert_string_equal(err.field, "body");
  hk_material_upload bad_step = {.data = pdf, .size = strlen(pdf), .step = "lunch"};
  bool c;
  assert_int_equal(hk_material_attach(st, NULL, &me, app, &bad_step, &out, &c, NULL, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "step");

  char applicant[HK_IDNUM_LEN + 1] = "";
  json_t *list = NULL;
  assert_int_equal(hk_material_list(st, &officer, app, &list, applicant, &err), HK_OK);
  assert_string_equal(applicant, ID);
  assert_int_equal(json_array_size(list), 2);
  assert_string_equal(str(json_array_get(list, 1), "media_type"), "application/pdf");
  assert_string_equal(str(json_array_get(list, 1), "uploaded_by"), "officer:330402");
  json_decref(list);
  assert_int_equal(hk_material_list(st, &them, app, &list, NULL, &err), HK_ENOTFOUND);
  assert_int_equal(hk_material_list(st, &elsewhere, app, &list, NULL, &err), HK_ENOTFOUND);

  hk_material_row row;
  uint8_t *data = NULL;
  size_t size = 0;
  assert_int_equal(hk_material_read(st, &me, app, second, &row, &data, &size, applicant, &err),
                   HK_OK);
  assert_int_equal(size, strlen(pdf));
  assert_memory_equal(data, pdf, size);
  free(data);
  assert_int_equal(hk_material_read(st, &elsewhere, app, second, &row, &data, &size, NULL, &err),
                   HK_ENOTFOUND);
  assert_null(data);
  /* A material of another application is not found through this one. */
  int64_t app2 = apply_permit(st, OTHER);
  int64_t theirs = attach_ok(st, &them, app2, pdf, strlen(pdf), "x.pdf");
  assert_int_equal(hk_material_read(st, &me, app, theirs, &row, &data, &size, NULL, &err),
                   HK_ENOTFOUND);
  assert_int_equal(hk_material_read(st, &them, app2, theirs, &row, &data, &size, NULL, &err),
                   HK_OK);
  assert_memory_equal(data, pdf, size);
  free(data);

  events e = {0};
  assert_int_equal(hk_store_event_each(st, 0, see_event, &e, &err), HK_OK);
  assert_int_equal(e.attach, 3); /* the retry added nothing */
  assert_false(e.full_id);
  assert_false(e.named);
  hk_store_close(st);
}

/* An application filed at a service point of another county (八): that county's officers read
 * its materials as they read the application; a third county's do not. */
static void the_filing_county_reads_too(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  const hk_actor xihu = {
      .role = HK_ROLE_OFFICER, .account = "officer:330106", .jurisdiction = 330106};
  hk_app_request r = {.kind = HK_APP_PERMIT, .pathway = -1, .target = 330402, .filed_in = 330106};
  snprintf(r.id_number, sizeof r.id_number, "%s", ID);
  snprintf(r.channel, sizeof r.channel, "service_point");
  hk_app_config cfg = {.pol = pol};
  json_t *doc = NULL;
  if (hk_app_submit(st, &cfg, &xihu, &r, test_date("2024-03-05"), &doc, &err) != HK_OK)
    fail_msg("submit: %s: %s", err.field, err.detail);
  int64_t app = json_integer_value(json_object_get(doc, "id"));
  json_decref(doc);
  int64_t mid = attach_ok(st, &xihu, app, pdf, strlen(pdf), "申请表.pdf");
  json_t *list = NULL;
  assert_int_equal(hk_material_list(st, &xihu, app, &list, NULL, &err), HK_OK);
  assert_int_equal(json_array_size(list), 1);
  json_decref(list);
  assert_int_equal(hk_material_list(st, &officer, app, &list, NULL, &err), HK_OK); /* deciding */
  json_decref(list);
  assert_int_equal(hk_material_list(st, &elsewhere, app, &list, NULL, &err), HK_ENOTFOUND);
  hk_material_row row;
  uint8_t *data = NULL;
  size_t size = 0;
  assert_int_equal(hk_material_read(st, &elsewhere, app, mid, &row, &data, &size, NULL, &err),
                   HK_ENOTFOUND);
  hk_store_close(st);
}

static void limits_and_closed_applications(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  int64_t app = apply_permit(st, ID);
  hk_actor me = resident(ID);
  hk_material_config cfg = {.max_bytes = 64, .per_application = 2};
  assert_int_equal(attach(st, &cfg, &me, app, png, sizeof png, "a.png", NULL, NULL, &err), HK_OK);
  assert_int_equal(attach(st, &cfg, &me, app, jpeg, sizeof jpeg, "b.jpg", NULL, NULL, &err), HK_OK);
  /* The third file is one too many; the same content again is still answered. */
  assert_int_equal(attach(st, &cfg, &me, app, pdf, strlen(pdf), "c.pdf", NULL, NULL, &err),
                   HK_ETOOBIG);
  assert_string_equal(err.field, "materials");
  assert_int_equal(attach(st, &cfg, &me, app, png, sizeof png, "a.png", NULL, NULL, &err), HK_OK);
  char big[65];
  memset(big, ' ', sizeof big);
  memcpy(big, "%PDF-1.4\n", 9);
  hk_material_config small = {.max_bytes = 64};
  assert_int_equal(attach(st, &small, &me, app, big, sizeof big, "d.pdf", NULL, NULL, &err),
                   HK_ETOOBIG);
  assert_string_equal(err.field, "body");
  /* A rejected application takes nothing more. */
  hk_app_config acfg = {.pol = pol};
  json_t *doc = NULL;
  assert_int_equal(hk_app_act(st, &acfg, &officer, app, HK_APP_REJECT, "no",
                              test_date("2024-03-06"), &doc, &err),
                   HK_OK);
  json_decref(doc);
  assert_int_equal(attach(st, NULL, &me, app, pdf, strlen(pdf), "c.pdf", NULL, NULL, &err),
                   HK_ECONFLICT);
  hk_store_close(st);
}

static void supply_material_takes_the_uploads(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  int64_t app = apply_permit(st, ID);
  hk_actor me = resident(ID);
  hk_app_config cfg = {.pol = pol};
  json_t *doc = NULL;
  assert_int_equal(
      hk_app_act(st, &cfg, &officer, app, HK_APP_ACCEPT, NULL, test_date("2024-03-06"), &doc, &err),
      HK_OK);
  json_decref(doc);
  assert_int_equal(hk_app_act(st, &cfg, &officer, app, HK_APP_REQUEST_MATERIAL, "劳动合同",
                              test_date("2024-03-07"), &doc, &err),
                   HK_OK);
  json_decref(doc);
  /* While material is requested, an upload goes with supply_material. */
  json_t *out = NULL;
  bool created;
  assert_int_equal(
      attach(st, NULL, &me, app, pdf, strlen(pdf), "劳动合同.pdf", &out, &created, &err), HK_OK);
  assert_string_equal(str(out, "step"), "supply_material");
  int64_t m1 = json_integer_value(json_object_get(out, "id"));
  json_decref(out);
  int64_t m2 = attach_ok(st, &me, app, jpeg, sizeof jpeg, "scan.jpg");
  int64_t app2 = apply_permit(st, OTHER);
  int64_t foreign = attach_ok(st, &officer, app2, png, sizeof png, "x.png");

  /* Refusals write nothing: another application's material, one listed twice. */
  int64_t wrong[] = {m1, foreign};
  assert_int_equal(
      hk_app_supply(st, &cfg, &me, app, NULL, wrong, 2, test_date("2024-03-08"), &doc, &err),
      HK_EINVAL);
  assert_string_equal(err.field, "materials[1]");
  int64_t twice[] = {m1, m1};
  assert_int_equal(
      hk_app_supply(st, &cfg, &me, app, NULL, twice, 2, test_date("2024-03-08"), &doc, &err),
      HK_EINVAL);
  hk_material_row row;
  assert_int_equal(hk_store_material_get(st, m1, &row, &err), HK_OK);
  assert_int_equal(row.step_index, -1);

  int64_t both[] = {m1, m2};
  assert_int_equal(
      hk_app_supply(st, &cfg, &me, app, NULL, both, 2, test_date("2024-03-08"), &doc, &err), HK_OK);
  assert_string_equal(str(doc, "state"), "accepted");
  json_t *steps = json_object_get(doc, "steps");
  json_t *last = json_array_get(steps, json_array_size(steps) - 1);
  assert_string_equal(str(last, "step"), "supply_material");
  json_t *mats = json_object_get(last, "materials");
  assert_int_equal(json_array_size(mats), 2);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(mats, 0), "id")), m1);
  assert_string_equal(str(json_array_get(mats, 1), "media_type"), "image/jpeg");
  json_decref(doc);
  /* Shown with the application, and each material knows its step. */
  assert_int_equal(hk_app_show(st, &officer, app, &doc, &err), HK_OK);
  steps = json_object_get(doc, "steps");
  assert_int_equal(json_array_size(json_object_get(json_array_get(steps, 3), "materials")), 2);
  json_decref(doc);
  assert_int_equal(hk_store_material_get(st, m2, &row, &err), HK_OK);
  assert_int_equal(row.step_index, 3);

  /* Asked again, the same materials cannot be supplied twice. */
  assert_int_equal(hk_app_act(st, &cfg, &officer, app, HK_APP_REQUEST_MATERIAL, "盖章",
                              test_date("2024-03-09"), &doc, &err),
                   HK_OK);
  json_decref(doc);
  assert_int_equal(
      hk_app_supply(st, &cfg, &me, app, NULL, both, 2, test_date("2024-03-10"), &doc, &err),
      HK_ECONFLICT);
  assert_string_equal(err.field, "materials[0]");
  /* Materials only go with a state that takes them: not while submitted elsewhere. */
  int64_t one[] = {foreign};
  assert_int_equal(
      hk_app_supply(st, &cfg, &officer, app2, NULL, one, 1, test_date("2024-03-10"), &doc, &err),
      HK_ECONFLICT);
  hk_store_close(st);
}

static int cleanup(void **state)
{
  (void)state;
  test_tmpdir_remove();
  return 0;
}

/* Files behind a fact entry (material_fact.c): the resident behind their own declaration, the
 * officer of the jurisdiction, nobody else; not behind a superseded entry; kept apart from
 * applications' materials; the ledger in person reads counts them (facts_ledger.c). */
static void files_behind_a_fact_entry(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  hk_actor me = resident(ID), them = resident(OTHER);
  const char *lease_json = "{\"division\":\"330402\",\"urban\":true,\"kind\":\"rented\","
                           "\"from\":\"2023-09-01\"}";
  json_t *lease = json_loads(lease_json, 0, NULL);
  hk_fact_result res = {0};
  assert_int_equal(hk_facts_add(st, &me, ID, HK_FACT_HOUSING, lease, NULL, NULL,
                                test_date("2024-03-05"), &res, &err),
                   HK_OK);
  int64_t entry = res.entry;
  hk_material_upload up = {
      .data = pdf, .size = strlen(pdf), .name = "租赁合同.pdf", .name_len = strlen("租赁合同.pdf")};
  json_t *out = NULL;
  bool created = false;
  assert_int_equal(hk_material_fact_attach(st, NULL, &me, ID, entry, &up, &out, &created, &err),
                   HK_OK);
  assert_true(created);
  char key[32];
  snprintf(key, sizeof key, "housing/%lld", (long long)entry);
  assert_string_equal(str(out, "fact"), key);
  assert_null(json_object_get(out, "application"));
  int64_t mid = json_integer_value(json_object_get(out, "id"));
  json_decref(out);
  assert_int_equal(hk_material_fact_attach(st, NULL, &me, ID, entry, &up, &out, &created, &err),
                   HK_OK);
  assert_false(created);
  json_decref(out);
  /* Others: not their person (another resident), not their jurisdiction, no such entry. */
  assert_int_equal(hk_material_fact_attach(st, NULL, &them, ID, entry, &up, &out, &created, &err),
                   HK_ENOTFOUND);
  assert_int_equal(
      hk_material_fact_attach(st, NULL, &elsewhere, ID, entry, &up, &out, &created, &err),
      HK_ENOTFOUND);
  assert_int_equal(hk_material_fact_attach(st, NULL, &me, ID, 999, &up, &out, &created, &err),
                   HK_ENOTFOUND);
  assert_string_equal(err.field, "entry");
  hk_material_upload bad = {.data = exe, .size = sizeof exe};
  assert_int_equal(hk_material_fact_attach(st, NULL, &me, ID, entry, &bad, &out, &created, &err),
                   HK_EMEDIA);
  /* The officer reads it; an application of the same person lists none of it. */
  json_t *list = NULL;
  assert_int_equal(hk_material_fact_list(st, &officer, ID, entry, &list, &err), HK_OK);
  assert_int_equal(json_array_size(list), 1);
  json_decref(list);
  int64_t app = apply_permit(st, ID);
  char applicant[HK_IDNUM_LEN + 1];
  assert_int_equal(hk_material_list(st, &me, app, &list, applicant, &err), HK_OK);
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
  hk_material_row row;
  uint8_t *data = NULL;
  size_t size = 0;
  assert_int_equal(hk_material_fact_read(st, &officer, ID, entry, mid, &row, &data, &size, &err),
                   HK_OK);
  assert_int_equal(size, strlen(pdf));
  assert_memory_equal(data, pdf, size);
  free(data);
  assert_int_equal(hk_material_read(st, &me, app, mid, &row, &data, &size, applicant, &err),
                   HK_ENOTFOUND);
  free(data);
  /* The ledger: declared, one file; after verification the declaration takes no more. */
  json_t *ledger = NULL;
  assert_int_equal(hk_facts_in_force(st, ID, &ledger, &err), HK_OK);
  json_t *first = json_array_get(json_object_get(ledger, "in_force"), 0);
  assert_string_equal(str(first, "source"), "declared");
  assert_int_equal(json_integer_value(json_object_get(first, "materials")), 1);
  json_decref(ledger);
  assert_int_equal(hk_facts_verify(st, &officer, ID, entry, test_date("2024-03-06"), &res, &err),
                   HK_OK);
  assert_int_equal(
      hk_material_fact_attach(st, NULL, &officer, ID, entry, &up, &out, &created, &err),
      HK_ECONFLICT);
  assert_string_equal(err.field, "entry");
  /* The resident attaches to declarations only; the officer to the verified entry. */
  assert_int_equal(hk_material_fact_attach(st, NULL, &me, ID, res.entry, &up, &out, &created, &err),
                   HK_EFORBIDDEN);
  assert_int_equal(
      hk_material_fact_attach(st, NULL, &officer, ID, res.entry, &up, &out, &created, &err), HK_OK);
  json_decref(out);
  json_decref(lease);
  hk_store_close(st);
}

int main(void)
{
  make_exe();
  hk_error err = {0};
  if (hk_policies_load(HK_DEFAULT_POLICY_DIR, &pol, &err) != HK_OK) {
    fprintf(stderr, "policies: %s\n", err.detail);
    return 1;
  }
  const struct CMUnitTest pure[] = {
      cmocka_unit_test(types_are_read_from_the_content),
      cmocka_unit_test(names_are_sanitised),
  };
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(store_keeps_content_once),
      cmocka_unit_test(attach_list_read_and_who_may),
      cmocka_unit_test(the_filing_county_reads_too),
      cmocka_unit_test(limits_and_closed_applications),
      cmocka_unit_test(supply_material_takes_the_uploads),
      cmocka_unit_test(files_behind_a_fact_entry),
  };
  int failed = cmocka_run_group_tests_name("material", pure, NULL, NULL);
  failed += cmocka_run_group_tests_name("material_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("material_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  hk_policies_free(pol);
  return failed;
}
