/* Households, births and deaths (service/household.h) and the store operations under them
 * (store_household.h), on SQLite and PostgreSQL: every transition and every refusal, the
 * events and the chain, and concurrent changes to one household from several threads, none
 * lost. */
#include "test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/person_json.h"
#include "service/household.h"
#include "store/store.h"
#include "store/store_household.h"
#include "store/store_sqlite.h" /* the migrations, to build a registry of an older version */

/* 南湖区 (330402) family 330402-000101: HEAD, WIFE, SON, DAUGHTER. */
#define HEAD "330402196001010015"
#define WIFE "330402196202020025"
#define SON "33040219900303003X"
#define DAUGHTER "330402199509090048"
/* Alone in 330402-000102, registered as living in Hangzhou with a residence permit there. */
#define LONE "330402198505050052"
/* Hangzhou 西湖区 (330106) and Anhui 太和县 (341222). */
#define FAR "330106198006060079"
#define MIG "341222198808080096"
#define BABY "330402202406010011"
#define BABY2 "330402202406020017"
/* Four who live alone in 南湖区 (the threads' persons). */
static const char *const workers_id[] = {"330402197001010116", "33040219710101013X",
                                         "330402197201010153", "330402197301010177"};

static const char *const registry[] = {
    "{\"id_number\":\"" HEAD "\",\"name\":\"户主\",\"hukou\":{\"division\":\"330402\","
    "\"household\":\"family\",\"head\":true,\"urban\":true,\"household_no\":\"330402-000101\"}}",
    "{\"id_number\":\"" WIFE "\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\","
    "\"urban\":true,\"household_no\":\"330402-000101\"}}",
    "{\"id_number\":\"" SON "\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\","
    "\"urban\":true,\"household_no\":\"330402-000101\"}}",
    "{\"id_number\":\"" DAUGHTER "\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\","
    "\"urban\":true,\"household_no\":\"330402-000101\"}}",
    "{\"id_number\":\"" LONE "\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\","
    "\"head\":true,\"urban\":true,\"household_no\":\"330402-000102\"},"
    "\"residence\":[{\"division\":\"330106\",\"urban\":true,\"from\":\"2023-01-01\","
    "\"address\":\"西湖区 1 号\",\"declared_on\":\"2023-01-02\"}],"
    "\"residence_permits\":[{\"division\":\"330106\",\"from\":\"2023-07-01\",\"to\":\"2024-07-01\"}"
    ","
    "{\"division\":\"330106\",\"from\":\"2024-07-01\",\"to\":\"2025-07-01\"}]}",
    "{\"id_number\":\"" FAR "\",\"hukou\":{\"division\":\"330106\",\"household\":\"family\","
    "\"head\":true,\"urban\":true,\"household_no\":\"330106-000201\"}}",
    "{\"id_number\":\"" MIG "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true,\"urban\":false,\"household_no\":\"341222-000001\"}}",
    "{\"id_number\":\"330402197001010116\",\"hukou\":{\"division\":\"330402\",\"household\":"
    "\"family\",\"head\":true,\"urban\":true,\"household_no\":\"330402-000301\"}}",
    "{\"id_number\":\"33040219710101013X\",\"hukou\":{\"division\":\"330402\",\"household\":"
    "\"family\",\"head\":true,\"urban\":true,\"household_no\":\"330402-000302\"}}",
    "{\"id_number\":\"330402197201010153\",\"hukou\":{\"division\":\"330402\",\"household\":"
    "\"family\",\"head\":true,\"urban\":true,\"household_no\":\"330402-000303\"}}",
    "{\"id_number\":\"330402197301010177\",\"hukou\":{\"division\":\"330402\",\"household\":"
    "\"family\",\"head\":true,\"urban\":true,\"household_no\":\"330402-000304\"}}",
};

static char db[1024];

static const hk_actor officer = {
    .role = HK_ROLE_OFFICER, .account = "officer:330402", .jurisdiction = 330402};
static const hk_actor hangzhou = {
    .role = HK_ROLE_OFFICER, .account = "officer:330100", .jurisdiction = 330100};
static const hk_actor sys = {.role = HK_ROLE_SYSTEM, .account = "test"};
static const hk_actor resident = {
    .role = HK_ROLE_RESIDENT, .account = "resident:x", .id_number = HEAD};

#define D(s) test_date(s)
#define TODAY D("2024-06-30")

static hk_store *fresh(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  snprintf(db, sizeof db, "%s", test_fresh_db());
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++) {
    if (hk_person_parse(registry[i], strlen(registry[i]), HK_PJ_RECORD, TODAY, &p, &err))
      fail_msg("parse %zu: %s: %s", i, err.field, err.detail);
    int64_t row;
    if (hk_store_person_add(st, &p, &row, &err) != HK_OK)
      fail_msg("add %zu: %s", i, err.detail);
  }
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  hk_person_clear(&p);
  return st;
}

static const char *str(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static void ok_at(hk_status rc, const hk_error *err, int line)
{
  if (rc != HK_OK)
    fail_msg("line %d: %s %s: %s", line, hk_status_code(rc), err->field, err->detail);
}
#define ok(rc, err) ok_at(rc, err, __LINE__)

/* The current members' ID numbers of a household, joined by spaces, in row order. */
static const char *members(hk_store *st, const char *number)
{
  static char out[512];
  hk_error err = {0};
  json_t *o = NULL;
  ok(hk_household_show(st, &sys, number, &o, &err), &err);
  out[0] = '\0';
  size_t i;
  json_t *m;
  json_array_foreach(json_object_get(o, "members"), i, m)
  {
    strcat(out, i ? " " : "");
    strcat(out, str(m, "id_number"));
  }
  json_decref(o);
  return out;
}

static const char *head_of(hk_store *st, const char *number)
{
  static char out[HK_IDNUM_LEN + 1];
  hk_error err = {0};
  json_t *o = NULL;
  ok(hk_household_show(st, &sys, number, &o, &err), &err);
  snprintf(out, sizeof out, "%s", str(o, "head"));
  json_decref(o);
  return out;
}

static int64_t count_events(hk_store *st)
{
  hk_store_counts c;
  hk_error err = {0};
  ok(hk_store_counts_get(st, &c, &err), &err);
  return c.events;
}

/* No event carries a full ID number. */
static hk_status no_full_id(const hk_event *ev, void *cls, hk_error *err)
{
  (void)cls;
  (void)err;
  const char *ids[] = {HEAD, WIFE, SON, DAUGHTER, LONE, FAR, MIG, BABY, BABY2};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    if (strstr(ev->payload, ids[i]) || strstr(ev->subject, ids[i]))
      fail_msg("event %lld (%s) holds a full ID number", (long long)ev->seq, ev->action);
  return HK_OK;
}

static void chain_ok(hk_store *st, int64_t events)
{
  hk_error err = {0};
  int64_t checked, broken;
  ok(hk_store_audit_verify(st, &checked, &broken, &err), &err);
  assert_int_equal(checked, events);
  ok(hk_store_event_each(st, 1, no_full_id, NULL, &err), &err);
}

/* ---- the store ---- */

static hk_status count_member(const hk_member_row *m, void *cls, hk_error *err)
{
  (void)m;
  (void)err;
  (*(int *)cls)++;
  return HK_OK;
}

static void store_households_and_hukou_rows(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  ok(hk_store_begin(st, &err), &err);
  hk_household_row h = {.kind = HK_HOUSEHOLD_COLLECTIVE,
                        .division = 330402,
                        .owner = HK_HH_OWNER_UNIT,
                        .urban = HK_TRI_TRUE,
                        .created_on = D("2024-06-01"),
                        .dissolved_on = HK_DATE_NONE};
  snprintf(h.number, sizeof h.number, "330402-000900");
  snprintf(h.owner_code, sizeof h.owner_code, "91330402MA0000001U");
  snprintf(h.owner_name, sizeof h.owner_name, "嘉兴某厂");
  snprintf(h.address, sizeof h.address, "南湖区 工业路 9 号");
  ok(hk_store_household_insert(st, &h, &err), &err);
  assert_true(h.id > 0);
  hk_household_row got;
  ok(hk_store_household_get(st, 0, "330402-000900", true, &got, &err), &err);
  assert_int_equal(got.id, h.id);
  assert_int_equal(got.owner, HK_HH_OWNER_UNIT);
  assert_string_equal(got.owner_name, "嘉兴某厂");
  assert_string_equal(got.address, "南湖区 工业路 9 号");
  assert_int_equal(got.urban, HK_TRI_TRUE);
  assert_int_equal(got.created_on, D("2024-06-01"));
  assert_int_equal(got.dissolved_on, HK_DATE_NONE);
  assert_int_equal(got.head_person, 0);
  ok(hk_store_household_find_owner(st, HK_HH_OWNER_UNIT, 330402, "91330402MA0000001U", true, &got,
                                   &err),
     &err);
  assert_int_equal(got.id, h.id);
  assert_int_equal(hk_store_household_find_owner(st, HK_HH_OWNER_UNIT, 330411, "91330402MA0000001U",
                                                 false, &got, &err),
                   HK_ENOTFOUND);
  assert_int_equal(
      hk_store_household_find_owner(st, HK_HH_OWNER_TALENT_SERVICE, 330402, "", false, &got, &err),
      HK_ENOTFOUND);
  int64_t n = 0;
  ok(hk_store_household_count_prefix(st, "330402-", &n, &err), &err);
  assert_int_equal(n, 7); /* 000101, 000102, 000301-000304 and 000900 */
  /* A person's hukou: the imported row is seq 0; a move closes it and opens seq 1. */
  int64_t row;
  ok(hk_store_person_row(st, SON, &row, &err), &err);
  hk_hukou_row cur;
  ok(hk_store_hukou_current(st, row, &cur, &err), &err);
  assert_int_equal(cur.seq, 0);
  assert_int_equal(cur.division, 330402);
  assert_int_equal(cur.valid_from, HK_DATE_NONE);
  int64_t old = cur.household_id;
  assert_int_equal(hk_store_hukou_open(st, row, h.id, 330402, HK_TRI_TRUE, TODAY, &err),
                   HK_ECONFLICT);
  ok(hk_store_hukou_move(st, row, h.id, 330402, HK_TRI_TRUE, TODAY, &err), &err);
  ok(hk_store_hukou_current(st, row, &cur, &err), &err);
  assert_int_equal(cur.seq, 1);
  assert_int_equal(cur.household_id, h.id);
  assert_int_equal(cur.valid_from, TODAY);
  int count = 0;
  ok(hk_store_household_members(st, h.id, count_member, &count, &err), &err);
  assert_int_equal(count, 1);
  count = 0;
  ok(hk_store_household_members(st, old, count_member, &count, &err), &err);
  assert_int_equal(count, 3);
  /* The person read from the store sees the open row only. */
  hk_person p;
  hk_person_init(&p);
  ok(hk_store_person_get(st, SON, &p, &err), &err);
  assert_string_equal(p.hukou.household_no, "330402-000900");
  assert_int_equal(p.hukou.household, HK_HOUSEHOLD_COLLECTIVE);
  /* Closing leaves no registration; a second close finds none. */
  ok(hk_store_hukou_close(st, row, D("2024-06-30"), HK_HUKOU_END_DIED, &err), &err);
  assert_int_equal(hk_store_hukou_close(st, row, TODAY, HK_HUKOU_END_DIED, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_hukou_current(st, row, &cur, &err), HK_ENOTFOUND);
  ok(hk_store_person_set_died(st, row, D("2024-06-30"), &err), &err);
  ok(hk_store_person_get(st, SON, &p, &err), &err);
  assert_false(p.has_hukou);
  assert_int_equal(p.died_on, D("2024-06-30"));
  assert_int_equal(hk_store_person_set_died(st, 99999, TODAY, &err), HK_ENOTFOUND);
  /* Update: head, address, dissolution. */
  ok(hk_store_household_get(st, h.id, NULL, true, &got, &err), &err);
  got.head_person = row;
  got.dissolved_on = TODAY;
  snprintf(got.address, sizeof got.address, "新地址");
  ok(hk_store_household_update(st, &got, &err), &err);
  ok(hk_store_household_get(st, h.id, NULL, false, &got, &err), &err);
  assert_int_equal(got.head_person, row);
  assert_int_equal(got.dissolved_on, TODAY);
  assert_string_equal(got.address, "新地址");
  /* Dissolved: no longer the unit's household. */
  assert_int_equal(hk_store_household_find_owner(st, HK_HH_OWNER_UNIT, 330402, "91330402MA0000001U",
                                                 false, &got, &err),
                   HK_ENOTFOUND);
  assert_int_equal(hk_store_household_get(st, 0, "330402-999999", false, &got, &err), HK_ENOTFOUND);
  assert_int_equal(hk_store_household_get(st, 0, NULL, false, &got, &err), HK_EINVAL);
  ok(hk_store_commit(st, &err), &err);
  /* A taken number is a duplicate (last: PostgreSQL then aborts the transaction). */
  ok(hk_store_begin(st, &err), &err);
  assert_int_equal(hk_store_household_insert(st, &h, &err), HK_EDUPLICATE);
  hk_store_rollback(st);
  hk_person_clear(&p);
  hk_store_close(st);
}

/* ---- create ---- */

static void create_family_and_collective(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  /* SON leaves his parents' household to head his own. */
  hk_household_spec f = {.kind = HK_HOUSEHOLD_FAMILY, .division = 330402, .urban = HK_TRI_TRUE};
  snprintf(f.head, sizeof f.head, SON);
  snprintf(f.address, sizeof f.address, "南湖区 新村 3 号");
  ok(hk_household_create(st, &officer, &f, TODAY, &out, &err), &err);
  json_t *h = json_object_get(out, "household");
  assert_string_equal(str(h, "number"), "330402-000007");
  assert_string_equal(str(h, "head"), SON);
  assert_string_equal(str(h, "address"), "南湖区 新村 3 号");
  assert_string_equal(str(h, "created_on"), "2024-06-30");
  json_decref(out);
  assert_string_equal(members(st, "330402-000101"), HEAD " " WIFE " " DAUGHTER);
  assert_string_equal(members(st, "330402-000007"), SON);
  /* A unit's collective household: found by its code afterwards, no head. */
  hk_household_spec c = {.kind = HK_HOUSEHOLD_COLLECTIVE,
                         .division = 330402,
                         .urban = HK_TRI_TRUE,
                         .owner = HK_HH_OWNER_UNIT};
  snprintf(c.owner_code, sizeof c.owner_code, "91330402MA0000001U");
  snprintf(c.owner_name, sizeof c.owner_name, "嘉兴某厂");
  ok(hk_household_create(st, &officer, &c, TODAY, &out, &err), &err);
  h = json_object_get(out, "household");
  assert_string_equal(str(h, "number"), "330402-000008");
  assert_string_equal(str(h, "owner"), "unit");
  assert_null(json_object_get(h, "head"));
  assert_int_equal(json_array_size(json_object_get(h, "members")), 0);
  json_decref(out);
  /* The talent service agency's: named by the county. A community's. */
  hk_household_spec t = {
      .kind = HK_HOUSEHOLD_COLLECTIVE, .division = 330402, .owner = HK_HH_OWNER_TALENT_SERVICE};
  ok(hk_household_create(st, &officer, &t, TODAY, &out, &err), &err);
  assert_non_null(strstr(str(json_object_get(out, "household"), "owner_name"), "南湖区"));
  json_decref(out);
  hk_household_spec m = {
      .kind = HK_HOUSEHOLD_COLLECTIVE, .division = 330402, .owner = HK_HH_OWNER_COMMUNITY};
  snprintf(m.owner_code, sizeof m.owner_code, "东栅社区");
  snprintf(m.owner_name, sizeof m.owner_name, "东栅社区");
  ok(hk_household_create(st, &officer, &m, TODAY, &out, &err), &err);
  json_decref(out);
  /* A second of the same owner is refused, naming the first. */
  assert_int_equal(hk_household_create(st, &officer, &c, TODAY, &out, &err), HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "330402-000008"));
  assert_int_equal(hk_household_create(st, &officer, &t, TODAY, &out, &err), HK_ECONFLICT);
  /* create 4 + SON's move into his new household 1 */
  assert_int_equal(count_events(st), 5);
  chain_ok(st, 5);
  hk_store_close(st);
}

static void create_refusals(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  hk_household_spec f = {.kind = HK_HOUSEHOLD_FAMILY, .division = 330402};
  /* No head; a head who heads a household with others; outside the jurisdiction. */
  assert_int_equal(hk_household_create(st, &officer, &f, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "head");
  snprintf(f.head, sizeof f.head, HEAD);
  assert_int_equal(hk_household_create(st, &officer, &f, TODAY, &out, &err), HK_ECONFLICT);
  assert_string_equal(err.field, "head");
  assert_non_null(strstr(err.detail, "change the head first"));
  snprintf(f.head, sizeof f.head, FAR);
  assert_int_equal(hk_household_create(st, &officer, &f, TODAY, &out, &err), HK_EFORBIDDEN);
  snprintf(f.head, sizeof f.head, "11010519491231002X");
  assert_int_equal(hk_household_create(st, &officer, &f, TODAY, &out, &err), HK_ENOTFOUND);
  snprintf(f.head, sizeof f.head, SON);
  assert_int_equal(hk_household_create(st, &hangzhou, &f, TODAY, &out, &err), HK_EFORBIDDEN);
  assert_int_equal(hk_household_create(st, &resident, &f, TODAY, &out, &err), HK_EFORBIDDEN);
  f.owner = HK_HH_OWNER_UNIT;
  assert_int_equal(hk_household_create(st, &officer, &f, TODAY, &out, &err), HK_EINVAL);
  f.owner = HK_HH_OWNER_NONE;
  f.division = 330400; /* a city */
  assert_int_equal(hk_household_create(st, &officer, &f, TODAY, &out, &err), HK_EINVAL);
  f.division = 110105; /* not in Zhejiang */
  assert_int_equal(hk_household_create(st, &sys, &f, TODAY, &out, &err), HK_EINVAL);
  hk_household_spec c = {.kind = HK_HOUSEHOLD_COLLECTIVE, .division = 330402};
  assert_int_equal(hk_household_create(st, &officer, &c, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "owner");
  c.owner = HK_HH_OWNER_UNIT;
  assert_int_equal(hk_household_create(st, &officer, &c, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "owner_code");
  snprintf(c.owner_code, sizeof c.owner_code, "91330402MA0000001X"); /* wrong check character */
  assert_int_equal(hk_household_create(st, &officer, &c, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "owner_code");
  assert_true(hk_uscc_valid("91350100M000100Y43")); /* the standard's example */
  assert_false(hk_uscc_valid("91350100M000100Y44"));
  assert_false(hk_uscc_valid("91350100M000100I43")); /* I is not in the alphabet */
  assert_false(hk_uscc_valid("9135010"));
  snprintf(c.owner_code, sizeof c.owner_code, "91330402MA0000001U");
  assert_int_equal(hk_household_create(st, &officer, &c, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "owner_name");
  snprintf(c.owner_name, sizeof c.owner_name, "嘉兴某厂");
  snprintf(c.head, sizeof c.head, SON);
  assert_int_equal(hk_household_create(st, &officer, &c, TODAY, &out, &err), HK_EINVAL);
  hk_household_spec k = {.kind = HK_HOUSEHOLD_UNSET, .division = 330402};
  assert_int_equal(hk_household_create(st, &officer, &k, TODAY, &out, &err), HK_EINVAL);
  assert_null(out);
  /* Nothing was written. */
  assert_int_equal(count_events(st), 0);
  assert_string_equal(members(st, "330402-000101"), HEAD " " WIFE " " SON " " DAUGHTER);
  hk_store_close(st);
}

/* ---- add, remove, head, split ---- */

static void add_and_remove(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  /* LONE joins the family (并户): his own household, left empty, is dissolved. */
  ok(hk_household_add(st, &officer, "330402-000101", LONE, TODAY, &out, &err), &err);
  assert_string_equal(str(out, "from"), "330402-000102");
  json_decref(out);
  assert_string_equal(members(st, "330402-000101"), HEAD " " WIFE " " SON " " DAUGHTER " " LONE);
  hk_household_row h;
  ok(hk_store_household_get(st, 0, "330402-000102", false, &h, &err), &err);
  assert_int_equal(h.dissolved_on, TODAY);
  assert_int_equal(h.head_person, 0);
  /* ... and is removed again: a new household of his own, which he heads. */
  ok(hk_household_remove(st, &officer, "330402-000101", LONE, "南湖区 新址", TODAY, &out, &err),
     &err);
  json_t *n = json_object_get(out, "new_household");
  assert_string_equal(str(n, "number"), "330402-000007");
  assert_string_equal(str(n, "head"), LONE);
  assert_string_equal(str(n, "address"), "南湖区 新址");
  assert_true(json_is_true(json_object_get(n, "urban")));
  json_decref(out);
  assert_string_equal(members(st, "330402-000101"), HEAD " " WIFE " " SON " " DAUGHTER);
  /* The person's hukou history: imported, joined, removed: three rows, the last open. */
  int64_t row;
  hk_hukou_row cur;
  ok(hk_store_person_row(st, LONE, &row, &err), &err);
  ok(hk_store_hukou_current(st, row, &cur, &err), &err);
  assert_int_equal(cur.seq, 2);
  /* A member from another county of the jurisdiction: Hangzhou's officer brings FAR's
   * household member... no: FAR's hukou (330106) is outside 330402: refused. The system may. */
  assert_int_equal(hk_household_add(st, &officer, "330402-000101", FAR, TODAY, &out, &err),
                   HK_EFORBIDDEN);
  assert_non_null(strstr(err.detail, "settlement application"));
  ok(hk_household_add(st, &sys, "330402-000101", FAR, TODAY, &out, &err), &err);
  json_decref(out);
  ok(hk_store_household_get(st, 0, "330106-000201", false, &h, &err), &err);
  assert_int_equal(h.dissolved_on, TODAY);
  /* join, create (new household), remove, join = 4 events; the dissolved households none. */
  assert_int_equal(count_events(st), 4);
  chain_ok(st, 4);
  hk_store_close(st);
}

static void member_refusals(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  /* Already a member; the head of a household with others; unknown person or household. */
  assert_int_equal(hk_household_add(st, &officer, "330402-000101", SON, TODAY, &out, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "already a member"));
  assert_int_equal(hk_household_add(st, &officer, "330402-000102", HEAD, TODAY, &out, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "change the head first"));
  assert_int_equal(
      hk_household_add(st, &officer, "330402-000101", "11010519491231002X", TODAY, &out, &err),
      HK_ENOTFOUND);
  assert_int_equal(hk_household_add(st, &officer, "330402-999999", LONE, TODAY, &out, &err),
                   HK_ENOTFOUND);
  assert_int_equal(hk_household_add(st, &officer, "", LONE, TODAY, &out, &err), HK_EINVAL);
  assert_int_equal(hk_household_add(st, &officer, "330402-000101", "", TODAY, &out, &err),
                   HK_EINVAL);
  /* Outside the officer's jurisdiction; not an officer. */
  assert_int_equal(hk_household_add(st, &hangzhou, "330402-000101", LONE, TODAY, &out, &err),
                   HK_EFORBIDDEN);
  assert_int_equal(hk_household_add(st, &resident, "330402-000101", LONE, TODAY, &out, &err),
                   HK_EFORBIDDEN);
  /* Remove: the head while others remain; a non-member. */
  assert_int_equal(
      hk_household_remove(st, &officer, "330402-000101", HEAD, NULL, TODAY, &out, &err),
      HK_ECONFLICT);
  assert_string_equal(err.field, "head");
  assert_int_equal(
      hk_household_remove(st, &officer, "330402-000101", LONE, NULL, TODAY, &out, &err),
      HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "not a member"));
  assert_int_equal(
      hk_household_remove(st, &officer, "330402-000102", LONE, NULL, TODAY, &out, &err),
      HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "the only member"));
  /* A dissolved household takes nobody; the dead join nothing. */
  ok(hk_household_add(st, &officer, "330402-000101", LONE, TODAY, &out, &err), &err);
  json_decref(out);
  assert_int_equal(hk_household_add(st, &officer, "330402-000102", SON, TODAY, &out, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "dissolved"));
  ok(hk_death_register(st, &officer, DAUGHTER, D("2024-06-20"), TODAY, &out, &err), &err);
  json_decref(out);
  assert_int_equal(hk_household_add(st, &officer, "330402-000301", DAUGHTER, TODAY, &out, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "dead"));
  assert_null(out);
  assert_int_equal(count_events(st), 2); /* the one add, the death */
  hk_store_close(st);
}

static void head_changes(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  ok(hk_household_set_head(st, &officer, "330402-000101", WIFE, TODAY, &out, &err), &err);
  assert_string_equal(str(json_object_get(out, "household"), "head"), WIFE);
  json_decref(out);
  assert_string_equal(head_of(st, "330402-000101"), WIFE);
  /* Now the old head may leave. */
  ok(hk_household_remove(st, &officer, "330402-000101", HEAD, NULL, TODAY, &out, &err), &err);
  json_decref(out);
  /* Refusals: already the head, not a member, a collective household, outside. */
  assert_int_equal(hk_household_set_head(st, &officer, "330402-000101", WIFE, TODAY, &out, &err),
                   HK_ECONFLICT);
  assert_int_equal(hk_household_set_head(st, &officer, "330402-000101", HEAD, TODAY, &out, &err),
                   HK_ECONFLICT);
  assert_int_equal(hk_household_set_head(st, &hangzhou, "330402-000101", SON, TODAY, &out, &err),
                   HK_EFORBIDDEN);
  hk_household_spec t = {
      .kind = HK_HOUSEHOLD_COLLECTIVE, .division = 330402, .owner = HK_HH_OWNER_TALENT_SERVICE};
  ok(hk_household_create(st, &officer, &t, TODAY, &out, &err), &err);
  char number[HK_HOUSEHOLD_NO_MAX + 1];
  snprintf(number, sizeof number, "%s", str(json_object_get(out, "household"), "number"));
  json_decref(out);
  ok(hk_household_add(st, &officer, number, SON, TODAY, &out, &err), &err);
  json_decref(out);
  assert_int_equal(hk_household_set_head(st, &officer, number, SON, TODAY, &out, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "collective"));
  assert_null(out);
  /* Leaving a collective household: it stays, empty, for the next. */
  ok(hk_household_remove(st, &officer, number, SON, NULL, TODAY, &out, &err), &err);
  assert_string_equal(str(json_object_get(out, "new_household"), "head"), SON);
  json_decref(out);
  hk_household_row h;
  ok(hk_store_household_get(st, 0, number, false, &h, &err), &err);
  assert_int_equal(h.dissolved_on, HK_DATE_NONE);
  assert_string_equal(members(st, number), "");
  hk_store_close(st);
}

static void split_household(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  const char *two[] = {SON, DAUGHTER};
  /* Refusals first: the new head not among those leaving; the head leaving; everyone leaving;
   * a member named twice; a non-member. */
  assert_int_equal(
      hk_household_split(st, &officer, "330402-000101", two, 2, WIFE, NULL, TODAY, &out, &err),
      HK_EINVAL);
  const char *with_head[] = {HEAD, SON};
  assert_int_equal(
      hk_household_split(st, &officer, "330402-000101", with_head, 2, SON, NULL, TODAY, &out, &err),
      HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "head"));
  const char *all[] = {HEAD, WIFE, SON, DAUGHTER};
  assert_int_equal(
      hk_household_split(st, &officer, "330402-000101", all, 4, HEAD, NULL, TODAY, &out, &err),
      HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "nothing to split"));
  const char *twice[] = {SON, SON};
  assert_int_equal(
      hk_household_split(st, &officer, "330402-000101", twice, 2, SON, NULL, TODAY, &out, &err),
      HK_EINVAL);
  const char *stranger[] = {SON, LONE};
  assert_int_equal(
      hk_household_split(st, &officer, "330402-000101", stranger, 2, SON, NULL, TODAY, &out, &err),
      HK_ECONFLICT);
  assert_int_equal(
      hk_household_split(st, &officer, "330402-000101", two, 0, SON, NULL, TODAY, &out, &err),
      HK_EINVAL);
  assert_int_equal(
      hk_household_split(st, &hangzhou, "330402-000101", two, 2, SON, NULL, TODAY, &out, &err),
      HK_EFORBIDDEN);
  assert_int_equal(count_events(st), 0);
  /* 分户: the son and the daughter leave together, the son heads. */
  ok(hk_household_split(st, &officer, "330402-000101", two, 2, SON, "南湖区 分户 5 号", TODAY, &out,
                        &err),
     &err);
  json_t *n = json_object_get(out, "new_household");
  assert_string_equal(str(n, "number"), "330402-000007");
  assert_string_equal(str(n, "head"), SON);
  assert_int_equal(json_array_size(json_object_get(n, "members")), 2);
  json_decref(out);
  assert_string_equal(members(st, "330402-000101"), HEAD " " WIFE);
  assert_string_equal(members(st, "330402-000007"), SON " " DAUGHTER);
  assert_string_equal(head_of(st, "330402-000101"), HEAD);
  assert_int_equal(count_events(st), 2); /* household.create, household.split */
  chain_ok(st, 2);
  hk_store_close(st);
}

/* ---- births ---- */

static hk_birth_request birth(const char *id, const char *born, const char *mother,
                              const char *father)
{
  hk_birth_request r = {.born = D(born), .birthplace_division = 330402};
  snprintf(r.id_number, sizeof r.id_number, "%s", id);
  /* One certificate per child: a letter and the last nine digits of the number. */
  snprintf(r.certificate, sizeof r.certificate, "Q%.9s", id[0] ? id + 9 : "000000000");
  snprintf(r.birthplace, sizeof r.birthplace, "嘉兴市妇幼保健院");
  snprintf(r.name, sizeof r.name, "宝宝");
  snprintf(r.mother, sizeof r.mother, "%s", mother);
  snprintf(r.father, sizeof r.father, "%s", father);
  return r;
}

static void births(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  /* The daughter's child; the father (MIG, Anhui) registered too: joins the mother's
   * household, linked to both. */
  hk_birth_request r = birth(BABY, "2024-06-01", DAUGHTER, MIG);
  ok(hk_birth_register(st, &officer, &r, TODAY, &out, &err), &err);
  assert_string_equal(str(out, "id_number"), BABY);
  assert_string_equal(str(json_object_get(out, "household"), "number"), "330402-000101");
  json_decref(out);
  hk_person p;
  hk_person_init(&p);
  ok(hk_store_person_get(st, BABY, &p, &err), &err);
  assert_string_equal(p.hukou.household_no, "330402-000101");
  assert_int_equal(p.hukou.division, 330402);
  assert_int_equal(p.hukou.urban, HK_TRI_TRUE);
  assert_false(p.hukou.head);
  assert_int_equal(p.sex, 'M');
  assert_int_equal(p.relatives.n, 2);
  assert_int_equal(p.relatives.items[0].relation, HK_REL_PARENT);
  assert_string_equal(p.relatives.items[0].id_number, DAUGHTER);
  assert_string_equal(p.relatives.items[1].id_number, MIG);
  ok(hk_store_person_get(st, DAUGHTER, &p, &err), &err);
  assert_int_equal(p.relatives.n, 1);
  assert_int_equal(p.relatives.items[0].relation, HK_REL_CHILD);
  assert_string_equal(p.relatives.items[0].id_number, BABY);
  int64_t row;
  hk_hukou_row cur;
  ok(hk_store_person_row(st, BABY, &row, &err), &err);
  ok(hk_store_hukou_current(st, row, &cur, &err), &err);
  assert_int_equal(cur.valid_from, D("2024-06-01"));
  /* A second child into the father's household (outside the officer's reach: the system). */
  r = birth(BABY2, "2024-06-02", DAUGHTER, MIG);
  snprintf(r.household_no, sizeof r.household_no, "341222-000001");
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EFORBIDDEN);
  ok(hk_birth_register(st, &sys, &r, TODAY, &out, &err), &err);
  json_decref(out);
  ok(hk_store_person_get(st, DAUGHTER, &p, &err), &err);
  assert_int_equal(p.relatives.n, 2); /* the second link goes after the first */
  ok(hk_store_person_get(st, BABY2, &p, &err), &err);
  assert_int_equal(p.sex, 'M');
  assert_int_equal(p.hukou.urban, HK_TRI_FALSE); /* the father's rural household */
  hk_person_clear(&p);
  assert_int_equal(count_events(st), 2);
  chain_ok(st, 2);
  hk_store_close(st);
}

static void birth_refusals(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  /* The ID number's date is not the birthday; in the future; invalid. */
  hk_birth_request r = birth(BABY, "2024-06-02", DAUGHTER, "");
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "id_number");
  r = birth(BABY, "2024-06-01", DAUGHTER, "");
  assert_int_equal(hk_birth_register(st, &officer, &r, D("2024-05-01"), &out, &err), HK_EINVAL);
  r = birth("330402202406010012", "2024-06-01", DAUGHTER, "");
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  /* No parent; the mother a man; the father a woman; a parent unknown; the same person
   * twice; a parent younger than the child. */
  r = birth(BABY, "2024-06-01", "", "");
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  r = birth(BABY, "2024-06-01", SON, "");
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "mother");
  r = birth(BABY, "2024-06-01", "", WIFE);
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "father");
  r = birth(BABY, "2024-06-01", "11010519491231002X", "");
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  r = birth(BABY, "2024-06-01", WIFE, WIFE);
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  /* A household that is neither parent's; outside the jurisdiction. */
  r = birth(BABY, "2024-06-01", DAUGHTER, "");
  snprintf(r.household_no, sizeof r.household_no, "330402-000102");
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_ECONFLICT);
  r.household_no[0] = '\0';
  assert_int_equal(hk_birth_register(st, &hangzhou, &r, TODAY, &out, &err), HK_EFORBIDDEN);
  /* Registered twice. */
  ok(hk_birth_register(st, &officer, &r, TODAY, &out, &err), &err);
  json_decref(out);
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_ECONFLICT);
  assert_null(out);
  assert_int_equal(count_events(st), 1);
  hk_store_close(st);
}

static void births_allocate_the_id_number(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  /* No number given: the sex is needed to allocate one, and the certificate and birthplace
   * are required. */
  hk_birth_request r = birth("", "2024-06-01", DAUGHTER, "");
  snprintf(r.certificate, sizeof r.certificate, "Q330000001");
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "sex");
  r.sex = 'M';
  r.certificate[0] = '\0';
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "birth_certificate");
  snprintf(r.certificate, sizeof r.certificate, "Q33-0001");
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "birth_certificate");
  snprintf(r.certificate, sizeof r.certificate, "Q330000001");
  r.birthplace_division = 330400; /* a city, not a county */
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "birthplace_division");
  r.birthplace_division = 330402;
  /* The first boy of 南湖区 born that day: order code 001 and its check character. */
  ok(hk_birth_register(st, &officer, &r, TODAY, &out, &err), &err);
  assert_string_equal(str(out, "id_number"), "330402202406010011");
  assert_true(json_is_true(json_object_get(out, "id_allocated")));
  assert_string_equal(str(out, "birth_certificate"), "Q330000001");
  assert_string_equal(str(out, "birthplace_division"), "330402");
  json_decref(out);
  /* The next boy: 003; the first girl: 002. */
  snprintf(r.certificate, sizeof r.certificate, "Q330000002");
  ok(hk_birth_register(st, &officer, &r, TODAY, &out, &err), &err);
  assert_string_equal(str(out, "id_number"), "330402202406010038");
  json_decref(out);
  r.sex = 'F';
  snprintf(r.certificate, sizeof r.certificate, "Q330000003");
  ok(hk_birth_register(st, &officer, &r, TODAY, &out, &err), &err);
  assert_string_equal(str(out, "id_number"), "33040220240601002X");
  json_decref(out);
  hk_idnum idn;
  assert_true(hk_idnum_check("33040220240601002X", TODAY, &idn));
  assert_int_equal(idn.sex, 'F');
  /* A certificate registered once only. */
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_ECONFLICT);
  assert_string_equal(err.field, "birth_certificate");
  /* A number given must agree with the sex given. */
  r = birth("330402202406010046", "2024-06-01", DAUGHTER, ""); /* 004: a girl's */
  r.sex = 'M';
  assert_int_equal(hk_birth_register(st, &officer, &r, TODAY, &out, &err), HK_EINVAL);
  assert_string_equal(err.field, "id_number");
  /* The certificate and birthplace are recorded with the birth. */
  int64_t row;
  hk_vital_row v;
  ok(hk_store_person_row(st, "33040220240601002X", &row, &err), &err);
  ok(hk_store_vital_get(st, row, HK_VITAL_BIRTH, &v, &err), &err);
  assert_string_equal(v.certificate, "Q330000003");
  assert_int_equal(v.place_division, 330402);
  assert_string_equal(v.place, "嘉兴市妇幼保健院");
  assert_int_equal(v.division, 330402);
  assert_int_equal(v.registered_on, TODAY);
  assert_int_equal(count_events(st), 3);
  chain_ok(st, 3);
  hk_store_close(st);
}

/* ---- deaths ---- */

#define MIGRANT "341222198909090015"

static void a_migrant_dies_where_they_live(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  /* Hukou in Anhui, residence registration in 南湖区: the officer there registers the death. */
  static const char line[] =
      "{\"id_number\":\"" MIGRANT "\",\"hukou\":{\"division\":\"341222\",\"household\":"
      "\"family\",\"head\":true,\"household_no\":\"341222-000901\"},\"residence\":[{"
      "\"division\":\"330402\",\"urban\":true,\"from\":\"2022-01-01\"}]}";
  hk_person p;
  hk_person_init(&p);
  int64_t row;
  ok(hk_person_parse(line, strlen(line), HK_PJ_RECORD, TODAY, &p, &err), &err);
  ok(hk_store_begin(st, &err), &err);
  ok(hk_store_person_add(st, &p, &row, &err), &err);
  ok(hk_store_commit(st, &err), &err);
  assert_int_equal(hk_death_register(st, &hangzhou, MIGRANT, D("2024-06-20"), TODAY, &out, &err),
                   HK_EFORBIDDEN);
  assert_string_equal(err.field, "jurisdiction");
  assert_non_null(strstr(err.detail, "341222"));
  assert_false(hk_death_readable(st, &officer, MIGRANT)); /* alive */
  ok(hk_death_register(st, &officer, MIGRANT, D("2024-06-20"), TODAY, &out, &err), &err);
  assert_int_equal(json_integer_value(json_object_get(out, "residence_cancelled")), 1);
  json_decref(out);
  /* Afterwards the record is readable by the officer who registered it (and by the hukou
   * county's), not by others. */
  hk_vital_row v;
  ok(hk_store_vital_get(st, row, HK_VITAL_DEATH, &v, &err), &err);
  assert_int_equal(v.division, 330402);
  assert_int_equal(v.hukou_division, 341222);
  assert_true(hk_death_readable(st, &officer, MIGRANT));
  hk_actor anhui = {.role = HK_ROLE_OFFICER, .account = "officer:341222", .jurisdiction = 341222};
  assert_true(hk_death_readable(st, &anhui, MIGRANT));
  assert_false(hk_death_readable(st, &hangzhou, MIGRANT));
  assert_false(hk_death_readable(st, &resident, MIGRANT));
  /* The same officer registering a death in the hukou county: that county is kept. */
  ok(hk_death_register(st, &officer, SON, D("2024-06-21"), TODAY, &out, &err), &err);
  json_decref(out);
  assert_true(hk_death_readable(st, &officer, SON));
  assert_false(hk_death_readable(st, &hangzhou, SON));
  hk_person_clear(&p);
  hk_store_close(st);
}

static void deaths(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  /* The head dies: the eldest other member (his wife) heads the household now. */
  ok(hk_death_register(st, &officer, HEAD, D("2024-06-15"), TODAY, &out, &err), &err);
  assert_string_equal(str(out, "new_head"), WIFE);
  json_decref(out);
  assert_string_equal(head_of(st, "330402-000101"), WIFE);
  assert_string_equal(members(st, "330402-000101"), WIFE " " SON " " DAUGHTER);
  hk_person p;
  hk_person_init(&p);
  ok(hk_store_person_get(st, HEAD, &p, &err), &err);
  assert_false(p.has_hukou);
  assert_int_equal(p.died_on, D("2024-06-15"));
  /* LONE, alone, living in Hangzhou with a permit: everything ends on the day. */
  ok(hk_death_register(st, &officer, LONE, D("2024-06-20"), TODAY, &out, &err), &err);
  assert_int_equal(json_integer_value(json_object_get(out, "residence_cancelled")), 1);
  assert_int_equal(json_integer_value(json_object_get(out, "permit_periods_ended")), 2);
  assert_null(json_object_get(out, "new_head"));
  json_decref(out);
  ok(hk_store_person_get(st, LONE, &p, &err), &err);
  assert_int_equal(p.residence.items[0].period.to, D("2024-06-20"));
  assert_int_equal(p.residence.items[0].ended, HK_RES_END_CANCELLED);
  assert_int_equal(p.residence_permits.items[0].period.to, D("2024-06-20"));
  /* a period that had not begun ends where it began */
  assert_int_equal(p.residence_permits.items[1].period.to, D("2024-07-01"));
  hk_household_row h;
  ok(hk_store_household_get(st, 0, "330402-000102", false, &h, &err), &err);
  assert_int_equal(h.dissolved_on, D("2024-06-20"));
  /* The dead are not counted: the household shows the living only, and an export line keeps
   * the day of death. */
  json_t *line = hk_person_to_json(&p, HK_PJ_RECORD);
  assert_string_equal(str(line, "died_on"), "2024-06-20");
  json_decref(line);
  hk_person_clear(&p);
  /* two deaths, and LONE's permit ended (permit.end) */
  assert_int_equal(count_events(st), 3);
  chain_ok(st, 3);
  hk_store_close(st);
}

static void death_refusals(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  assert_int_equal(hk_death_register(st, &officer, HEAD, D("2024-07-01"), TODAY, &out, &err),
                   HK_EINVAL); /* in the future */
  assert_int_equal(hk_death_register(st, &officer, HEAD, D("1959-01-01"), TODAY, &out, &err),
                   HK_EINVAL); /* before birth */
  assert_string_equal(err.field, "died_on");
  assert_int_equal(hk_death_register(st, &officer, FAR, D("2024-06-01"), TODAY, &out, &err),
                   HK_EFORBIDDEN); /* Hangzhou's hukou */
  assert_int_equal(hk_death_register(st, &resident, HEAD, D("2024-06-01"), TODAY, &out, &err),
                   HK_EFORBIDDEN);
  assert_int_equal(
      hk_death_register(st, &officer, "11010519491231002X", D("2024-06-01"), TODAY, &out, &err),
      HK_ENOTFOUND);
  ok(hk_death_register(st, &officer, SON, D("2024-06-01"), TODAY, &out, &err), &err);
  json_decref(out);
  assert_int_equal(hk_death_register(st, &officer, SON, D("2024-06-02"), TODAY, &out, &err),
                   HK_ECONFLICT);
  assert_non_null(strstr(err.detail, "already registered dead"));
  assert_null(out);
  assert_int_equal(count_events(st), 1);
  hk_store_close(st);
}

static void show_household(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  ok(hk_household_show(st, &officer, "330402-000101", &out, &err), &err);
  assert_string_equal(str(out, "kind"), "family");
  assert_string_equal(str(out, "division"), "330402");
  assert_string_equal(str(out, "head"), HEAD);
  assert_int_equal(json_array_size(json_object_get(out, "members")), 4);
  json_decref(out);
  assert_int_equal(hk_household_show(st, &hangzhou, "330402-000101", &out, &err), HK_EFORBIDDEN);
  assert_int_equal(hk_household_show(st, &resident, "330402-000101", &out, &err), HK_EFORBIDDEN);
  assert_int_equal(hk_household_show(st, &officer, "330402-999999", &out, &err), HK_ENOTFOUND);
  assert_int_equal(hk_household_show(st, &officer, NULL, &out, &err), HK_EINVAL);
  assert_null(out);
  hk_store_close(st);
}

/* ---- concurrency ---- */

#define THREADS 4
#define ROUNDS 6

typedef struct worker {
  int index;
  int done;
  char error[512];
} worker;

static hk_store *open_or_fail(worker *w)
{
  hk_store *st = NULL;
  hk_error err = {0};
  if (hk_store_open(db, HK_STORE_EXISTING, &st, &err) != HK_OK)
    snprintf(w->error, sizeof w->error, "open: %s", err.detail);
  return st;
}

/* Each thread moves its own person into the family household and out again, ROUNDS times:
 * every move reads the household (its members, its head) and writes it. */
static void *in_and_out(void *arg)
{
  worker *w = arg;
  hk_store *st = open_or_fail(w);
  if (st == NULL)
    return NULL;
  const char *id = workers_id[w->index];
  for (int i = 0; i < ROUNDS; i++) {
    hk_error err = {0};
    json_t *out = NULL;
    hk_status rc = hk_household_add(st, &officer, "330402-000101", id, TODAY, &out, &err);
    json_decref(out);
    if (rc == HK_OK) {
      rc = hk_household_remove(st, &officer, "330402-000101", id, NULL, TODAY, &out, &err);
      json_decref(out);
    }
    if (rc == HK_OK)
      w->done++;
    else if (rc != HK_ERETRY) {
      snprintf(w->error, sizeof w->error, "%s: %s", hk_status_code(rc), err.detail);
      break;
    }
  }
  hk_store_close(st);
  return NULL;
}

/* Each thread makes a member the head, in turn. */
static void *change_heads(void *arg)
{
  worker *w = arg;
  hk_store *st = open_or_fail(w);
  if (st == NULL)
    return NULL;
  const char *ids[] = {HEAD, WIFE, SON, DAUGHTER};
  for (int i = 0; i < ROUNDS; i++) {
    hk_error err = {0};
    json_t *out = NULL;
    hk_status rc = hk_household_set_head(st, &officer, "330402-000101", ids[(w->index + i) % 4],
                                         TODAY, &out, &err);
    json_decref(out);
    if (rc == HK_OK)
      w->done++;
    else if (rc != HK_ERETRY && rc != HK_ECONFLICT) { /* already the head: a fair refusal */
      snprintf(w->error, sizeof w->error, "%s: %s", hk_status_code(rc), err.detail);
      break;
    }
  }
  hk_store_close(st);
  return NULL;
}

static int run_threads(void *(*fn)(void *))
{
  pthread_t threads[THREADS];
  worker workers[THREADS] = {0};
  for (int t = 0; t < THREADS; t++) {
    workers[t].index = t;
    assert_int_equal(pthread_create(&threads[t], NULL, fn, &workers[t]), 0);
  }
  int done = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    if (workers[t].error[0])
      fail_msg("thread %d: %s", t, workers[t].error);
    done += workers[t].done;
  }
  return done;
}

typedef struct head_chain {
  char head[HK_IDNUM_LEN + 1]; /* the masked head after the last event seen */
  int events;
  bool broken;
} head_chain;

/* Each head change names the head it replaced: it must be the one the previous change made. */
static hk_status follow_heads(const hk_event *ev, void *cls, hk_error *err)
{
  (void)err;
  head_chain *c = cls;
  if (strcmp(ev->action, "household.head") != 0)
    return HK_OK;
  json_t *p = json_loads(ev->payload, 0, NULL);
  if (strcmp(str(p, "previous_head"), c->head) != 0)
    c->broken = true;
  snprintf(c->head, sizeof c->head, "%s", str(p, "head"));
  c->events++;
  json_decref(p);
  return HK_OK;
}

static void concurrent_changes_lose_nothing(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_store_close(st);
  int moves = run_threads(in_and_out);
  int heads = run_threads(change_heads);
  hk_error err = {0};
  assert_int_equal(hk_store_open(db, HK_STORE_EXISTING, &st, &err), HK_OK);
  /* The family is as it was: everyone who came in went out again. */
  assert_string_equal(members(st, "330402-000101"), HEAD " " WIFE " " SON " " DAUGHTER);
  /* Each round trip: add + create + remove; each head change: one event. */
  assert_int_equal(count_events(st), 3 * moves + heads);
  assert_true(moves >= THREADS * ROUNDS / 2);
  assert_true(heads >= 1);
  /* Head changes form one chain: none was based on a head another change had replaced. */
  head_chain c = {{0}, 0, false};
  char m[HK_IDNUM_LEN + 1];
  snprintf(c.head, sizeof c.head, "%s", hk_idnum_mask(HEAD, m));
  assert_int_equal(hk_store_event_each(st, 1, follow_heads, &c, &err), HK_OK);
  assert_false(c.broken);
  assert_int_equal(c.events, heads);
  assert_string_equal(hk_idnum_mask(head_of(st, "330402-000101"), m), c.head);
  chain_ok(st, 3 * moves + heads);
  hk_store_close(st);
}

/* ---- export and import keep the household's own facts ---- */

static void household_facts_survive_export_and_import(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  hk_household_spec c = {.kind = HK_HOUSEHOLD_COLLECTIVE,
                         .division = 330402,
                         .urban = HK_TRI_TRUE,
                         .owner = HK_HH_OWNER_UNIT};
  snprintf(c.owner_code, sizeof c.owner_code, "91330402MA0000001U");
  snprintf(c.owner_name, sizeof c.owner_name, "嘉兴某厂");
  snprintf(c.address, sizeof c.address, "南湖区 工业路 9 号");
  ok(hk_household_create(st, &officer, &c, TODAY, &out, &err), &err);
  json_decref(out);
  ok(hk_household_add(st, &officer, "330402-000007", LONE, TODAY, &out, &err), &err);
  json_decref(out);
  hk_person p;
  hk_person_init(&p);
  ok(hk_store_person_get(st, LONE, &p, &err), &err);
  json_t *line = hk_person_to_json(&p, HK_PJ_RECORD);
  json_t *hk = json_object_get(line, "hukou");
  assert_string_equal(str(hk, "household_owner"), "unit");
  assert_string_equal(str(hk, "household_owner_code"), "91330402MA0000001U");
  assert_string_equal(str(hk, "household_owner_name"), "嘉兴某厂");
  assert_string_equal(str(hk, "household_address"), "南湖区 工业路 9 号");
  assert_string_equal(str(hk, "household_created_on"), "2024-06-30");
  assert_string_equal(str(hk, "since"), "2024-06-30");
  char *text = json_dumps(line, JSON_COMPACT);
  json_decref(line);
  hk_store_close(st);

  /* Into an empty registry: the household comes back with its owner, found by it again. */
  st = NULL;
  snprintf(db, sizeof db, "%s", test_fresh_db());
  ok(hk_store_open(db, HK_STORE_CREATE, &st, &err), &err);
  hk_person_reset(&p);
  ok(hk_person_parse(text, strlen(text), HK_PJ_RECORD, TODAY, &p, &err), &err);
  int64_t row;
  ok(hk_store_begin(st, &err), &err);
  ok(hk_store_person_add(st, &p, &row, &err), &err);
  ok(hk_store_commit(st, &err), &err);
  hk_household_row h;
  ok(hk_store_household_find_owner(st, HK_HH_OWNER_UNIT, 330402, "91330402MA0000001U", false, &h,
                                   &err),
     &err);
  assert_string_equal(h.number, "330402-000007");
  assert_string_equal(h.owner_name, "嘉兴某厂");
  assert_string_equal(h.address, "南湖区 工业路 9 号");
  assert_int_equal(h.created_on, TODAY);
  hk_hukou_row cur;
  ok(hk_store_hukou_current(st, row, &cur, &err), &err);
  assert_int_equal(cur.valid_from, TODAY);
  free(text);
  /* A situation's hukou has no household facts; a family household no owner. */
  static const char situation_hukou[] =
      "{\"id_number\":\"" LONE "\",\"hukou\":{\"division\":\"330402\","
      "\"household_address\":\"x\"}}";
  assert_int_equal(
      hk_person_parse(situation_hukou, strlen(situation_hukou), HK_PJ_PERSON, TODAY, &p, &err),
      HK_EINVAL);
  static const char family_owner[] =
      "{\"id_number\":\"" LONE "\",\"hukou\":{\"division\":\"330402\",\"household\":"
      "\"family\",\"household_owner\":\"unit\"}}";
  assert_int_equal(
      hk_person_parse(family_owner, strlen(family_owner), HK_PJ_RECORD, TODAY, &p, &err),
      HK_EINVAL);
  assert_non_null(strstr(err.field, "household_owner"));
  hk_person_clear(&p);
  hk_store_close(st);
}

/* ---- migration 4 on a registry made by the previous version ---- */

static void migration_4_upgrades_a_version_3_registry(void **state)
{
  (void)state;
  const char *path = test_path("v3.db");
  sqlite3 *old;
  assert_int_equal(sqlite3_open(path, &old), SQLITE_OK);
  for (int i = 0; i < store__sqlite_migration_count && store__sqlite_migrations[i].version <= 3;
       i++)
    assert_int_equal(sqlite3_exec(old, store__sqlite_migrations[i].sql, NULL, NULL, NULL),
                     SQLITE_OK);
  char sql[512];
  snprintf(sql, sizeof sql,
           "PRAGMA user_version = 3;"
           "INSERT INTO person (id, id_number, birth_date, sex) VALUES (1, '%s', %d, 'M');"
           "INSERT INTO household VALUES (1, '330402-000101', 1, 330402, 1);"
           "INSERT INTO hukou VALUES (1, 0, 1, 330402, 1, NULL, NULL);",
           HEAD, (int)D("1960-01-01"));
  assert_int_equal(sqlite3_exec(old, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(old);

  hk_store *st = NULL;
  hk_error err = {0};
  ok(hk_store_open(path, HK_STORE_EXISTING, &st, &err), &err);
  assert_int_equal(hk_store_version(st), hk_store_schema_version()); /* 4 and later */
  hk_person p;
  hk_person_init(&p);
  ok(hk_store_person_get(st, HEAD, &p, &err), &err);
  assert_true(p.has_hukou && p.hukou.head);
  assert_int_equal(p.died_on, 0);
  hk_household_row h;
  ok(hk_store_household_get(st, 0, "330402-000101", false, &h, &err), &err);
  assert_int_equal(h.owner, HK_HH_OWNER_NONE);
  assert_string_equal(h.address, "");
  assert_int_equal(h.dissolved_on, HK_DATE_NONE);
  /* The services work on it: a death closes the old row and dissolves the household. */
  json_t *out = NULL;
  ok(hk_death_register(st, &officer, HEAD, D("2024-06-01"), TODAY, &out, &err), &err);
  json_decref(out);
  ok(hk_store_household_get(st, 0, "330402-000101", false, &h, &err), &err);
  assert_int_equal(h.dissolved_on, D("2024-06-01"));
  ok(hk_store_person_get(st, HEAD, &p, &err), &err);
  assert_false(p.has_hukou);
  assert_int_equal(p.died_on, D("2024-06-01"));
  hk_person_clear(&p);
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
      cmocka_unit_test(store_households_and_hukou_rows),
      cmocka_unit_test(create_family_and_collective),
      cmocka_unit_test(create_refusals),
      cmocka_unit_test(add_and_remove),
      cmocka_unit_test(member_refusals),
      cmocka_unit_test(head_changes),
      cmocka_unit_test(split_household),
      cmocka_unit_test(births),
      cmocka_unit_test(birth_refusals),
      cmocka_unit_test(births_allocate_the_id_number),
      cmocka_unit_test(deaths),
      cmocka_unit_test(a_migrant_dies_where_they_live),
      cmocka_unit_test(death_refusals),
      cmocka_unit_test(show_household),
      cmocka_unit_test(household_facts_survive_export_and_import),
      cmocka_unit_test(concurrent_changes_lose_nothing),
  };
  const struct CMUnitTest migration[] = {
      cmocka_unit_test(migration_4_upgrades_a_version_3_registry),
  };
  int failed = cmocka_run_group_tests_name("household_migration", migration, NULL, cleanup);
  failed += cmocka_run_group_tests_name("household_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("household_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  return failed;
}
