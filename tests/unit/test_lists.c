/* Search of persons and households and the residence list (issue 10; search.h,
 * store_list.h), on SQLite and on PostgreSQL: names by prefix and by a fragment wherever it
 * stands in a name of two to four characters, ID numbers, addresses by substring, always inside
 * the caller's jurisdiction, paged so that a person added between pages shifts nothing. */
#include "test_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/person_json.h"
#include "policy/policy.h"
#include "service/app_service.h"
#include "service/search.h"
#include "store/store.h"

static char ids[8][HK_IDNUM_LEN + 1];

static const hk_actor nanhu = {
    .role = HK_ROLE_OFFICER, .account = "officer:330402", .jurisdiction = 330402};
static const hk_actor jiaxing = {
    .role = HK_ROLE_SUPERVISOR, .account = "supervisor:330400", .jurisdiction = 330400};
static const hk_actor xihu = {
    .role = HK_ROLE_OFFICER, .account = "officer:330106", .jurisdiction = 330106};

static void add(hk_store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(hk_store *st, const char *fmt, ...)
{
  char json[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(json, sizeof json, fmt, ap);
  va_end(ap);
  hk_person p;
  hk_person_init(&p);
  hk_error err = {0};
  if (hk_person_parse(json, strlen(json), HK_PJ_RECORD, test_date("2026-01-01"), &p, &err) != HK_OK)
    fail_msg("parse: %s: %s", err.field, err.detail);
  int64_t row;
  if (hk_store_begin(st, &err) != HK_OK || hk_store_person_add(st, &p, &row, &err) != HK_OK ||
      hk_store_commit(st, &err) != HK_OK)
    fail_msg("add: %s", err.detail);
  hk_person_clear(&p);
}

/* 0 王小明 and 1 王小红 in one household of 南湖区 (with its address); 2 欧阳小明 registered in
 * 南湖区 (an address), hukou elsewhere; 3 张小明 in 西湖区; 4 王小明 in 秀洲区 (same city); 5 赵六
 * whose 南湖区 registration ended (its address must not find him). */
static hk_store *registry(void)
{
  test_idnum(ids[0], "330402", "19900101", 11);
  test_idnum(ids[1], "330402", "19920202", 22);
  test_idnum(ids[2], "341222", "19850303", 33);
  test_idnum(ids[3], "330106", "19880404", 44);
  test_idnum(ids[4], "330411", "19950505", 55);
  test_idnum(ids[5], "341222", "19800606", 66);
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(test_fresh_db(), HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  add(st,
      "{\"id_number\":\"%s\",\"name\":\"王小明\",\"hukou\":{\"division\":\"330402\","
      "\"household\":\"family\",\"head\":true,\"household_no\":\"330402-H-1\","
      "\"household_address\":\"嘉兴市南湖区东栅街道幸福路 8 号\"}}",
      ids[0]);
  add(st,
      "{\"id_number\":\"%s\",\"name\":\"王小红\",\"hukou\":{\"division\":\"330402\","
      "\"household\":\"family\",\"household_no\":\"330402-H-1\"}}",
      ids[1]);
  add(st,
      "{\"id_number\":\"%s\",\"name\":\"欧阳小明\",\"hukou\":{\"division\":\"341222\","
      "\"household\":\"family\",\"head\":true},\"residence\":[{\"division\":\"330402\","
      "\"from\":\"2023-09-01\",\"address\":\"南湖区 解放路 100 号\","
      "\"declared_on\":\"2023-09-20\",\"late\":true}]}",
      ids[2]);
  add(st,
      "{\"id_number\":\"%s\",\"name\":\"张小明\",\"hukou\":{\"division\":\"330106\","
      "\"household\":\"family\",\"head\":true}}",
      ids[3]);
  add(st,
      "{\"id_number\":\"%s\",\"name\":\"王小明\",\"hukou\":{\"division\":\"330411\","
      "\"household\":\"family\",\"head\":true}}",
      ids[4]);
  add(st,
      "{\"id_number\":\"%s\",\"name\":\"赵六\",\"hukou\":{\"division\":\"341222\","
      "\"household\":\"family\",\"head\":true},\"residence\":[{\"division\":\"330402\","
      "\"from\":\"2020-01-01\",\"to\":\"2022-01-01\",\"address\":\"南湖区 解放路 5 号\","
      "\"ended\":\"cancelled\"}]}",
      ids[5]);
  return st;
}

static hk_search_request request(const char *json, bool households)
{
  hk_search_request r;
  json_error_t jerr;
  json_t *doc = json_loads(json, 0, &jerr);
  hk_error err = {0};
  if (doc == NULL || hk_search_request_read(doc, households, test_date("2026-01-01"), &r, &err))
    fail_msg("request %s: %s %s", json, err.field, err.detail);
  json_decref(doc);
  return r;
}

/* The masked numbers a search answers, joined by spaces; every person counted as seen. */
static int seen_count;
static void seen(const char *id, void *cls)
{
  (void)cls;
  assert_int_equal(strlen(id), HK_IDNUM_LEN);
  seen_count++;
}

static char *masks(const json_t *list, const char *key)
{
  static char out[512];
  out[0] = '\0';
  for (size_t i = 0; i < json_array_size(list); i++) {
    const json_t *v = json_array_get(list, i);
    const json_t *o = key ? json_object_get(v, key) : v;
    const char *m = json_string_value(json_object_get(o, "id_masked"));
    snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", m ? m : "-");
  }
  return out;
}

static char *mask_of(int i)
{
  static char out[8][HK_IDNUM_LEN + 1];
  return hk_idnum_mask(ids[i], out[i]);
}

static json_t *persons(hk_store *st, const hk_actor *who, const char *json, hk_status want)
{
  hk_search_request r = request(json, false);
  json_t *out = NULL;
  hk_error err = {0};
  hk_status rc = hk_search_persons(st, who, &r, seen, NULL, &out, &err);
  if (rc != want)
    fail_msg("%s: %s %s %s", json, hk_status_code(rc), err.field, err.detail);
  return out;
}

static void expect_persons(hk_store *st, const hk_actor *who, const char *json, const char *want)
{
  json_t *out = persons(st, who, json, HK_OK);
  char *got = masks(json_object_get(out, "persons"), NULL);
  if (strcmp(got, want) != 0)
    fail_msg("%s as %s: got [%s], want [%s]", json, who->account, got, want);
  json_decref(out);
}

static void names_fragments_and_jurisdiction(void **state)
{
  (void)state;
  hk_store *st = registry();
  char want[256];
  /* A fragment after the first character (王小明), or after the first two (欧阳小明). */
  snprintf(want, sizeof want, "%s %s", mask_of(0), mask_of(2));
  expect_persons(st, &nanhu, "{\"name\":\"小明\"}", want);
  /* The city sees 秀洲区 too; 西湖区 only its own. */
  snprintf(want, sizeof want, "%s %s %s", mask_of(0), mask_of(2), mask_of(4));
  expect_persons(st, &jiaxing, "{\"name\":\"小明\"}", want);
  expect_persons(st, &xihu, "{\"name\":\"小明\"}", mask_of(3));
  /* A prefix; the middle of a four-character name; a whole name. */
  snprintf(want, sizeof want, "%s %s", mask_of(0), mask_of(1));
  expect_persons(st, &nanhu, "{\"name\":\"王小\"}", want);
  expect_persons(st, &nanhu, "{\"name\":\"阳小\"}", mask_of(2));
  expect_persons(st, &nanhu, "{\"name\":\"欧阳小明\"}", mask_of(2));
  expect_persons(st, &nanhu, "{\"name\":\"王小红\"}", mask_of(1));
  expect_persons(st, &nanhu, "{\"name\":\"李四\"}", "");
  /* An ID number: outside the jurisdiction is an empty answer, like no match. */
  char json[128];
  snprintf(json, sizeof json, "{\"id_number\":\"%s\"}", ids[3]);
  expect_persons(st, &nanhu, json, "");
  expect_persons(st, &xihu, json, mask_of(3));
  /* Terms combine: this number and this name. */
  snprintf(json, sizeof json, "{\"id_number\":\"%s\",\"name\":\"王小\"}", ids[1]);
  expect_persons(st, &nanhu, json, mask_of(1));
  snprintf(json, sizeof json, "{\"id_number\":\"%s\",\"name\":\"小明\"}", ids[1]);
  expect_persons(st, &nanhu, json, "");
  /* An area inside the jurisdiction narrows it; outside is refused. */
  expect_persons(st, &jiaxing, "{\"name\":\"小明\",\"area\":\"330411\"}", mask_of(4));
  json_decref(persons(st, &nanhu, "{\"name\":\"小明\",\"area\":\"330411\"}", HK_EFORBIDDEN));
  /* Others may not search at all. */
  hk_actor resident = {.role = HK_ROLE_RESIDENT, .account = "resident:x"};
  snprintf(resident.id_number, sizeof resident.id_number, "%s", ids[0]);
  hk_actor analyst = {.role = HK_ROLE_ANALYST, .account = "analyst:x"};
  json_decref(persons(st, &resident, "{\"name\":\"王小明\"}", HK_EFORBIDDEN));
  json_decref(persons(st, &analyst, "{\"name\":\"王小明\"}", HK_EFORBIDDEN));
  hk_store_close(st);
}

static void answer_fields(void **state)
{
  (void)state;
  hk_store *st = registry();
  json_t *out = persons(st, &nanhu, "{\"name\":\"欧阳\"}", HK_OK);
  json_t *p = json_array_get(json_object_get(out, "persons"), 0);
  assert_string_equal(json_string_value(json_object_get(p, "name")), "欧阳小明");
  assert_int_equal(json_integer_value(json_object_get(p, "birth_year")), 1985);
  json_t *res = json_object_get(p, "residence"), *hk = json_object_get(p, "hukou");
  assert_string_equal(json_string_value(json_object_get(res, "division")), "330402");
  assert_string_equal(json_string_value(json_object_get(res, "division_name")), "南湖区");
  assert_string_equal(json_string_value(json_object_get(res, "address")), "南湖区 解放路 100 号");
  assert_string_equal(json_string_value(json_object_get(hk, "division")), "341222");
  /* No full ID number anywhere in the answer. */
  char *text = json_dumps(out, 0);
  assert_null(strstr(text, ids[2]));
  free(text);
  json_decref(out);
  hk_store_close(st);
}

static void addresses(void **state)
{
  (void)state;
  hk_store *st = registry();
  char want[256];
  /* The hukou household's address finds its members; the active registration's address finds
   * the registrant; an ended registration's address finds no one. */
  snprintf(want, sizeof want, "%s %s", mask_of(0), mask_of(1));
  expect_persons(st, &nanhu, "{\"address\":\"幸福路\"}", want);
  expect_persons(st, &nanhu, "{\"address\":\"解放路 100\"}", mask_of(2));
  expect_persons(st, &nanhu, "{\"address\":\"解放路\"}", mask_of(2));
  expect_persons(st, &nanhu, "{\"address\":\"解放路 5 号\"}", "");
  /* Quotes and LIKE wildcards are text, not syntax. */
  expect_persons(st, &nanhu, "{\"address\":\"\\\"幸福\"}", "");
  expect_persons(st, &nanhu, "{\"address\":\"%%%\"}", "");
  expect_persons(st, &nanhu, "{\"address\":\"_号_\"}", "");
  hk_store_close(st);
}

static void paging_is_stable(void **state)
{
  (void)state;
  hk_store *st = registry();
  json_t *p1 = persons(st, &jiaxing, "{\"name\":\"小明\",\"limit\":2}", HK_OK);
  char first[256];
  snprintf(first, sizeof first, "%s", masks(json_object_get(p1, "persons"), NULL));
  const char *next = json_string_value(json_object_get(p1, "next"));
  assert_non_null(next);
  /* Someone registered between the pages comes last; the second page is what it was. */
  char late[HK_IDNUM_LEN + 1];
  test_idnum(late, "330402", "20000101", 77);
  add(st,
      "{\"id_number\":\"%s\",\"name\":\"李小明\",\"hukou\":{\"division\":\"330402\","
      "\"household\":\"family\",\"head\":true}}",
      late);
  char json[128];
  snprintf(json, sizeof json, "{\"name\":\"小明\",\"limit\":2,\"after\":\"%s\"}", next);
  json_t *p2 = persons(st, &jiaxing, json, HK_OK);
  char want[256], lm[HK_IDNUM_LEN + 1];
  snprintf(want, sizeof want, "%s %s", mask_of(4), hk_idnum_mask(late, lm));
  assert_string_equal(masks(json_object_get(p2, "persons"), NULL), want);
  snprintf(want, sizeof want, "%s %s", mask_of(0), mask_of(2));
  assert_string_equal(first, want);
  json_decref(p1);
  json_decref(p2);
  hk_store_close(st);
}

static void bad_requests(void **state)
{
  (void)state;
  static const struct {
    const char *json;
    bool households;
    const char *field;
  } cases[] = {
      {"{\"name\":\"王\"}", false, "name"},
      {"{\"address\":\"解放\"}", false, "address"},
      {"{\"id_number\":\"33040219900101001\"}", false, "id_number"},
      {"{\"name\":\"王小明\",\"sort\":1}", false, "sort"},
      {"{}", false, "body"},
      {"{\"limit\":5}", false, "body"},
      {"{\"name\":\"王小明\",\"limit\":0}", false, "limit"},
      {"{\"name\":\"王小明\",\"limit\":101}", false, "limit"},
      {"{\"name\":\"王小明\",\"after\":\"x\"}", false, "after"},
      {"{\"name\":\"王小明\",\"area\":\"33\"}", false, "area"},
      {"{\"name\":\"王\\u0001小\"}", false, "name"},
      {"{\"name\":7}", false, "name"},
      {"{\"name\":\"王小明\"}", true, "name"},
      {"{\"head\":\"王\"}", true, "head"},
      {"{\"id_number\":\"330402199001010011\"}", true, "id_number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_error_t jerr;
    json_t *doc = json_loads(cases[i].json, 0, &jerr);
    assert_non_null(doc);
    hk_search_request r;
    hk_error err = {0};
    hk_status rc =
        hk_search_request_read(doc, cases[i].households, test_date("2026-01-01"), &r, &err);
    json_decref(doc);
    if (rc != HK_EINVAL || strcmp(err.field, cases[i].field) != 0)
      fail_msg("%s: %s field %s, want %s", cases[i].json, hk_status_code(rc), err.field,
               cases[i].field);
  }
  /* What the access log says of a search never holds the full number. */
  char id[HK_IDNUM_LEN + 1], json[128], masked[HK_IDNUM_LEN + 1];
  test_idnum(id, "330402", "19900101", 11);
  snprintf(json, sizeof json, "{\"id_number\":\"%s\",\"name\":\"王小\"}", id);
  hk_search_request r = request(json, false);
  char what[160];
  hk_search_describe(&r, what, sizeof what);
  assert_null(strstr(what, id));
  assert_non_null(strstr(what, hk_idnum_mask(id, masked)));
  assert_non_null(strstr(what, "name=王小"));
}

static void households(void **state)
{
  (void)state;
  hk_store *st = registry();
  static const struct {
    const char *json;
    const hk_actor *who;
    const char *want;
  } cases[] = {
      {"{\"number\":\"330402-H\"}", &nanhu, "330402-H-1"},
      {"{\"number\":\"330402-H-1\"}", &nanhu, "330402-H-1"},
      {"{\"number\":\"330402-H-1\"}", &xihu, ""},
      {"{\"address\":\"幸福路\"}", &nanhu, "330402-H-1"},
      {"{\"address\":\"幸福路\"}", &xihu, ""},
      {"{\"head\":\"小明\"}", &nanhu, "330402-H-1"},
      {"{\"head\":\"小红\"}", &nanhu, ""}, /* a member, not the head */
      {"{\"head\":\"王小明\",\"number\":\"330402-H\",\"address\":\"东栅街道\"}", &nanhu,
       "330402-H-1"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    hk_search_request r = request(cases[i].json, true);
    json_t *out = NULL;
    hk_error err = {0};
    seen_count = 0;
    if (hk_search_households(st, cases[i].who, &r, seen, NULL, &out, &err) != HK_OK)
      fail_msg("%s: %s", cases[i].json, err.detail);
    json_t *list = json_object_get(out, "households");
    char got[256] = "";
    for (size_t k = 0; k < json_array_size(list); k++)
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", k ? " " : "",
               json_string_value(json_object_get(json_array_get(list, k), "number")));
    if (strcmp(got, cases[i].want) != 0)
      fail_msg("%s: got [%s], want [%s]", cases[i].json, got, cases[i].want);
    if (json_array_size(list)) {
      json_t *h = json_array_get(list, 0);
      assert_int_equal(json_integer_value(json_object_get(h, "members")), 2);
      assert_string_equal(json_string_value(json_object_get(json_object_get(h, "head"), "name")),
                          "王小明");
      assert_string_equal(
          json_string_value(json_object_get(json_object_get(h, "head"), "id_masked")), mask_of(0));
      assert_int_equal(seen_count, 1); /* the head was shown */
    }
    json_decref(out);
  }
  hk_store_close(st);
}

static json_t *residences(hk_store *st, const hk_actor *who, int32_t area, int active,
                          const char *after, uint32_t limit, hk_status want)
{
  json_t *out = NULL;
  hk_error err = {0};
  hk_status rc = hk_residence_list(st, who, area, active, after, limit, seen, NULL, &out, &err);
  if (rc != want)
    fail_msg("residence list: %s %s %s", hk_status_code(rc), err.field, err.detail);
  return out;
}

static void residence_list(void **state)
{
  (void)state;
  hk_store *st = registry();
  json_t *all = residences(st, &nanhu, 0, -1, NULL, 0, HK_OK);
  char want[256];
  snprintf(want, sizeof want, "%s %s", mask_of(2), mask_of(5));
  assert_string_equal(masks(json_object_get(all, "registrations"), NULL), want);
  json_t *first = json_array_get(json_object_get(all, "registrations"), 0);
  assert_string_equal(json_string_value(json_object_get(first, "name")), "欧阳小明");
  assert_string_equal(json_string_value(json_object_get(first, "address")), "南湖区 解放路 100 号");
  assert_string_equal(json_string_value(json_object_get(first, "from")), "2023-09-01");
  assert_string_equal(json_string_value(json_object_get(first, "declared_on")), "2023-09-20");
  assert_true(json_is_true(json_object_get(first, "late")));
  assert_true(json_is_true(json_object_get(first, "active")));
  assert_true(json_is_null(json_object_get(all, "next")));
  json_decref(all);
  json_t *active = residences(st, &nanhu, 0, 1, NULL, 0, HK_OK);
  assert_string_equal(masks(json_object_get(active, "registrations"), NULL), mask_of(2));
  json_decref(active);
  json_t *ended = residences(st, &nanhu, 0, 0, NULL, 0, HK_OK);
  assert_string_equal(masks(json_object_get(ended, "registrations"), NULL), mask_of(5));
  json_decref(ended);
  /* Paging. */
  json_t *p1 = residences(st, &jiaxing, 330402, -1, NULL, 1, HK_OK);
  const char *next = json_string_value(json_object_get(p1, "next"));
  assert_non_null(next);
  assert_string_equal(masks(json_object_get(p1, "registrations"), NULL), mask_of(2));
  json_t *p2 = residences(st, &jiaxing, 330402, -1, next, 1, HK_OK);
  assert_string_equal(masks(json_object_get(p2, "registrations"), NULL), mask_of(5));
  json_decref(p1);
  json_decref(p2);
  /* Elsewhere: nothing; outside the jurisdiction or a bad key: refused. */
  json_t *none = residences(st, &xihu, 0, -1, NULL, 0, HK_OK);
  assert_int_equal(json_array_size(json_object_get(none, "registrations")), 0);
  json_decref(none);
  json_decref(residences(st, &nanhu, 330106, -1, NULL, 0, HK_EFORBIDDEN));
  json_decref(residences(st, &nanhu, 0, -1, "1.2", 0, HK_EINVAL));
  hk_store_close(st);
}

/* ---- the queue of applications ---- */

static hk_policies *pol;

static const char queue_person[] =
    "{\"id_number\":\"%s\",\"name\":\"%s\",\"hukou\":{\"division\":\"341222\","
    "\"household\":\"family\",\"head\":true},\"employment\":[{\"division\":\"330402\","
    "\"from\":\"2023-01-01\"}],\"residence\":[{\"division\":\"330402\",\"urban\":true,"
    "\"from\":\"2023-01-01\"}]}";

static int64_t submit(hk_store *st, const hk_actor *who, const char *id, int32_t filed_in,
                      const char *on)
{
  hk_app_request r = {.kind = HK_APP_PERMIT, .pathway = -1, .target = 330402};
  snprintf(r.id_number, sizeof r.id_number, "%s", id);
  snprintf(r.channel, sizeof r.channel, "%s", filed_in ? "service_point" : "online");
  r.filed_in = filed_in;
  hk_app_config cfg = {.pol = pol};
  json_t *doc = NULL;
  hk_error err = {0};
  if (hk_app_submit(st, &cfg, who, &r, test_date(on), &doc, &err) != HK_OK)
    fail_msg("submit: %s %s", err.field, err.detail);
  int64_t app = json_integer_value(json_object_get(doc, "id"));
  json_decref(doc);
  return app;
}

/* The ids of a page, "1 2", and its next in *next (NULL when none). */
static char *page(hk_store *st, const hk_actor *who, const char *const *filters, const char *today,
                  char *next, size_t next_size)
{
  hk_app_query q;
  hk_app_query_init(&q, test_date(today));
  hk_error err = {0};
  for (size_t i = 0; filters && filters[i]; i += 2)
    if (hk_app_query_set(&q, filters[i], filters[i + 1], &err) != HK_OK)
      fail_msg("%s=%s: %s", filters[i], filters[i + 1], err.detail);
  json_t *out = NULL;
  if (hk_app_list(st, who, &q, &out, &err) != HK_OK)
    fail_msg("list: %s %s", err.field, err.detail);
  static char ids_text[256];
  ids_text[0] = '\0';
  json_t *apps = json_object_get(out, "applications");
  for (size_t i = 0; i < json_array_size(apps); i++)
    snprintf(ids_text + strlen(ids_text), sizeof ids_text - strlen(ids_text), "%s%lld",
             i ? " " : "",
             (long long)json_integer_value(json_object_get(json_array_get(apps, i), "id")));
  if (next) {
    const char *n = json_string_value(json_object_get(out, "next"));
    snprintf(next, next_size, "%s", n ? n : "");
  }
  json_decref(out);
  return ids_text;
}

static void queue(void **state)
{
  (void)state;
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(test_fresh_db(), HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  char a_id[HK_IDNUM_LEN + 1], b_id[HK_IDNUM_LEN + 1], c_id[HK_IDNUM_LEN + 1];
  test_idnum(a_id, "341222", "19900101", 11);
  test_idnum(b_id, "341222", "19910101", 22);
  test_idnum(c_id, "341222", "19920101", 33);
  add(st, queue_person, a_id, "王芳");
  add(st, queue_person, b_id, "李雷");
  add(st, queue_person, c_id, "韩梅梅");
  hk_actor a_self = {.role = HK_ROLE_RESIDENT, .account = "resident:a"};
  snprintf(a_self.id_number, sizeof a_self.id_number, "%s", a_id);
  const hk_actor xiuzhou = {
      .role = HK_ROLE_OFFICER, .account = "officer:330411", .jurisdiction = 330411};
  /* a: online, accepted on 03-06 (due 03-21); b: filed at 秀洲区's service point for 南湖区
   * on 03-08 (due 03-23). */
  int64_t a = submit(st, &a_self, a_id, 0, "2024-03-05");
  hk_app_config cfg = {.pol = pol};
  json_t *doc = NULL;
  if (hk_app_act(st, &cfg, &nanhu, a, HK_APP_ACCEPT, NULL, test_date("2024-03-06"), &doc, &err))
    fail_msg("accept: %s", err.detail);
  json_decref(doc);
  int64_t b = submit(st, &xiuzhou, b_id, 330411, "2024-03-08");
  char want[64], next[64];
  /* On 03-22 a is overdue: first, then b. */
  snprintf(want, sizeof want, "%lld %lld", (long long)a, (long long)b);
  assert_string_equal(page(st, &nanhu, NULL, "2024-03-22", NULL, 0), want);
  /* Names, masked numbers, names of divisions, the filing county, who decides. */
  hk_app_query q;
  hk_app_query_init(&q, test_date("2024-03-22"));
  json_t *out = NULL;
  assert_int_equal(hk_app_list(st, &nanhu, &q, &out, &err), HK_OK);
  json_t *first = json_array_get(json_object_get(out, "applications"), 0);
  json_t *second = json_array_get(json_object_get(out, "applications"), 1);
  char masked[HK_IDNUM_LEN + 1];
  assert_string_equal(json_string_value(json_object_get(first, "name")), "王芳");
  assert_string_equal(json_string_value(json_object_get(first, "applicant")),
                      hk_idnum_mask(a_id, masked));
  assert_string_equal(json_string_value(json_object_get(first, "target_name")), "南湖区");
  assert_true(json_is_true(json_object_get(first, "overdue")));
  assert_true(json_is_null(json_object_get(first, "filed_in")));
  assert_true(json_is_false(json_object_get(second, "overdue")));
  assert_string_equal(json_string_value(json_object_get(second, "filed_in")), "330411");
  assert_string_equal(json_string_value(json_object_get(second, "filed_in_name")), "秀洲区");
  assert_true(json_is_true(json_object_get(second, "decides")));
  char *text = json_dumps(out, 0);
  assert_null(strstr(text, a_id));
  assert_null(strstr(text, b_id));
  free(text);
  json_decref(out);
  /* Filters: name prefix, state lists and open, kind, overdue, filing county. */
  snprintf(want, sizeof want, "%lld", (long long)a);
  assert_string_equal(page(st, &nanhu, (const char *[]){"q", "王", NULL}, "2024-03-22", NULL, 0),
                      want);
  assert_string_equal(
      page(st, &nanhu, (const char *[]){"state", "accepted", NULL}, "2024-03-22", NULL, 0), want);
  assert_string_equal(
      page(st, &nanhu, (const char *[]){"overdue", "true", NULL}, "2024-03-22", NULL, 0), want);
  snprintf(want, sizeof want, "%lld", (long long)b);
  assert_string_equal(page(st, &nanhu, (const char *[]){"q", "李雷", NULL}, "2024-03-22", NULL, 0),
                      want);
  assert_string_equal(
      page(st, &nanhu, (const char *[]){"filed_in", "330411", NULL}, "2024-03-22", NULL, 0), want);
  assert_string_equal(
      page(st, &nanhu, (const char *[]){"overdue", "false", NULL}, "2024-03-22", NULL, 0), want);
  snprintf(want, sizeof want, "%lld %lld", (long long)a, (long long)b);
  assert_string_equal(
      page(st, &nanhu, (const char *[]){"state", "open", NULL}, "2024-03-22", NULL, 0), want);
  assert_string_equal(page(st, &nanhu, (const char *[]){"state", "submitted,accepted", NULL},
                           "2024-03-22", NULL, 0),
                      want);
  assert_string_equal(
      page(st, &nanhu, (const char *[]){"kind", "settlement", NULL}, "2024-03-22", NULL, 0), "");
  assert_string_equal(
      page(st, &nanhu, (const char *[]){"state", "completed", NULL}, "2024-03-22", NULL, 0), "");
  /* The service point: its own county decides nothing here, but it follows what it filed. */
  assert_string_equal(page(st, &xiuzhou, NULL, "2024-03-22", NULL, 0), "");
  snprintf(want, sizeof want, "%lld", (long long)b);
  assert_string_equal(
      page(st, &xiuzhou, (const char *[]){"scope", "filed", NULL}, "2024-03-22", NULL, 0), want);
  hk_app_query_init(&q, test_date("2024-03-22"));
  q.scope_filed = true;
  assert_int_equal(hk_app_list(st, &xiuzhou, &q, &out, &err), HK_OK);
  assert_true(json_is_false(
      json_object_get(json_array_get(json_object_get(out, "applications"), 0), "decides")));
  json_decref(out);
  /* Paging: a page of one, then an application filed meanwhile (due later) does not shift the
   * next page. */
  snprintf(want, sizeof want, "%lld", (long long)a);
  assert_string_equal(
      page(st, &nanhu, (const char *[]){"limit", "1", NULL}, "2024-03-22", next, sizeof next),
      want);
  assert_true(next[0] != '\0');
  int64_t c = submit(st, &nanhu, c_id, 330402, "2024-03-09");
  char next2[64];
  snprintf(want, sizeof want, "%lld", (long long)b);
  assert_string_equal(page(st, &nanhu, (const char *[]){"limit", "1", "after", next, NULL},
                           "2024-03-22", next2, sizeof next2),
                      want);
  snprintf(want, sizeof want, "%lld", (long long)c);
  assert_string_equal(page(st, &nanhu, (const char *[]){"limit", "1", "after", next2, NULL},
                           "2024-03-22", next, sizeof next),
                      want);
  /* Counts by state, open and overdue, in one query. */
  out = NULL;
  assert_int_equal(hk_app_counts(st, &nanhu, 0, false, test_date("2024-03-22"), &out, &err), HK_OK);
  json_t *by = json_object_get(out, "by_state");
  assert_int_equal(json_integer_value(json_object_get(by, "submitted")), 2);
  assert_int_equal(json_integer_value(json_object_get(by, "accepted")), 1);
  assert_int_equal(json_integer_value(json_object_get(by, "completed")), 0);
  assert_int_equal(json_integer_value(json_object_get(out, "open")), 3);
  assert_int_equal(json_integer_value(json_object_get(out, "overdue")), 1);
  assert_int_equal(json_integer_value(json_object_get(out, "total")), 3);
  json_decref(out);
  assert_int_equal(hk_app_counts(st, &xiuzhou, 0, true, test_date("2024-03-22"), &out, &err),
                   HK_OK);
  assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
  json_decref(out);
  assert_int_equal(hk_app_counts(st, &nanhu, 330100, false, test_date("2024-03-22"), &out, &err),
                   HK_EFORBIDDEN);
  /* A resident: their own, with their name. */
  snprintf(want, sizeof want, "%lld", (long long)a);
  assert_string_equal(page(st, &a_self, NULL, "2024-03-22", NULL, 0), want);
  /* Bad filters name themselves. */
  static const char *const bad[][2] = {
      {"state", "lost"}, {"state", ","}, {"kind", "visa"}, {"scope", "all"},   {"area", "33"},
      {"overdue", "1"},  {"limit", "0"}, {"after", "1.2"}, {"after", "2.1.1"}, {"q", ""}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    hk_app_query_init(&q, test_date("2024-03-22"));
    if (hk_app_query_set(&q, bad[i][0], bad[i][1], &err) != HK_EINVAL ||
        strcmp(err.field, bad[i][0]) != 0)
      fail_msg("%s=%s accepted", bad[i][0], bad[i][1]);
  }
  hk_store_close(st);
}

static int cleanup(void **state)
{
  (void)state;
  test_tmpdir_remove();
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(names_fragments_and_jurisdiction),
      cmocka_unit_test(answer_fields),
      cmocka_unit_test(addresses),
      cmocka_unit_test(paging_is_stable),
      cmocka_unit_test(bad_requests),
      cmocka_unit_test(households),
      cmocka_unit_test(residence_list),
      cmocka_unit_test(queue),
  };
  hk_error err = {0};
  if (hk_policies_load(HK_DEFAULT_POLICY_DIR, &pol, &err) != HK_OK) {
    fprintf(stderr, "policies: %s\n", err.detail);
    return 1;
  }
  int failed = cmocka_run_group_tests_name("lists_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("lists_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  hk_policies_free(pol);
  return failed;
}
