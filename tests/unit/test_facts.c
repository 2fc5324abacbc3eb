/* Facts with provenance (issue 10), on both store backends: declared facts are not decided on
 * until an officer verifies them; a correction supersedes an entry or an imported row and keeps
 * it; every entry is an event; who may record what; a department's bulk delivery is all or
 * nothing and idempotent. */
#include "test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/person_json.h"
#include "service/facts.h"
#include "service/residence.h"
#include "service/situation_db.h"
#include "store/store.h"

/* A migrant from Anhui living in Jiaxing's 秀洲区, renting without a registered lease (the
 * imported housing is not legal), and her husband, registered too. */
static const char *const lines[] = {
    "{\"id_number\":\"341222199202020229\",\"marital_status\":\"unmarried\","
    "\"education\":\"associate\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
    "\"head\":true},\"residence\":[{\"division\":\"330411\",\"urban\":true,"
    "\"from\":\"2021-03-01\"}],\"housing\":[{\"division\":\"330411\",\"urban\":true,"
    "\"kind\":\"rented\",\"legal\":false,\"from\":\"2021-03-01\"}]}",
    "{\"id_number\":\"341222199001010112\",\"hukou\":{\"division\":\"341222\","
    "\"household\":\"family\",\"head\":true}}",
};
#define WIFE "341222199202020229"
#define HUSBAND "341222199001010112"
#define UNKNOWN_BJ "110101199003070513" /* valid, registered nowhere: born 1990-03-07 */

static hk_date today(void)
{
  return test_date("2024-06-30");
}

static char db[512]; /* the database of the last fresh_store */

static hk_store *fresh_store(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  snprintf(db, sizeof db, "%s", test_fresh_db());
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open: %s", err.detail);
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_begin(st, &err), HK_OK);
  for (size_t i = 0; i < 2; i++) {
    int64_t row;
    if (hk_person_parse(lines[i], strlen(lines[i]), HK_PJ_RECORD, today(), &p, &err) != HK_OK)
      fail_msg("parse: %s: %s", err.field, err.detail);
    assert_int_equal(hk_store_person_add(st, &p, &row, &err), HK_OK);
  }
  assert_int_equal(hk_store_commit(st, &err), HK_OK);
  hk_person_clear(&p);
  return st;
}

static const hk_actor officer = {
    .role = HK_ROLE_OFFICER, .account = "officer:330411", .jurisdiction = 330411};
static const hk_actor far_officer = {
    .role = HK_ROLE_OFFICER, .account = "officer:330106", .jurisdiction = 330106};
static const hk_actor system_actor = {.role = HK_ROLE_SYSTEM, .account = "cli:test"};

static hk_actor resident(const char *id)
{
  hk_actor a = {.role = HK_ROLE_RESIDENT, .account = "resident:x"};
  snprintf(a.id_number, sizeof a.id_number, "%s", id);
  return a;
}

static json_t *fact(const char *text)
{
  json_error_t jerr;
  json_t *f = json_loads(text, 0, &jerr);
  if (f == NULL)
    fail_msg("fact: %s", jerr.text);
  return f;
}

/* The situation the engine decides on (with_declared false) or the one it would decide on. */
static void situation(hk_store *st, bool with_declared, hk_situation *s)
{
  hk_error err = {0};
  if (hk_situation_from_registry_facts(st, WIFE, 330411, today(), NULL, 0, with_declared, s,
                                       &err) != HK_OK)
    fail_msg("situation: %s: %s", err.field, err.detail);
}

static int64_t events(hk_store *st)
{
  int64_t checked = 0, broken = 0;
  hk_error err = {0};
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_OK);
  return checked;
}

static const char lease[] = "{\"division\":\"330411\",\"urban\":true,\"kind\":\"rented\","
                            "\"from\":\"2021-03-01\"}";

static void declared_counts_only_once_verified(void **state)
{
  (void)state;
  hk_store *st = fresh_store();
  hk_error err = {0};
  hk_fact_result r;
  hk_actor wife = resident(WIFE);
  json_t *f = fact(lease);
  assert_int_equal(hk_facts_add(st, &wife, WIFE, HK_FACT_HOUSING, f, NULL, NULL, today(), &r, &err),
                   HK_OK);
  assert_int_equal(r.source, HK_FACT_DECLARED);
  int64_t declared = r.entry;

  hk_situation s;
  hk_situation_init(&s);
  situation(st, false, &s);
  assert_int_equal(s.person.housing.n, 1); /* the imported, not legal, lease only */
  assert_false(s.person.housing.items[0].legal);
  situation(st, true, &s);
  assert_int_equal(s.person.housing.n, 2);
  assert_true(s.person.housing.items[1].legal);

  /* Only officers verify; the resident cannot verify their own declaration. */
  assert_int_equal(hk_facts_verify(st, &wife, WIFE, declared, today(), &r, &err), HK_EFORBIDDEN);
  assert_int_equal(hk_facts_verify(st, &far_officer, WIFE, declared, today(), &r, &err),
                   HK_ENOTFOUND);
  assert_int_equal(hk_facts_verify(st, &officer, WIFE, declared, today(), &r, &err), HK_OK);
  assert_int_equal(r.source, HK_FACT_VERIFIED);
  assert_int_equal(r.supersedes, declared);
  /* Verified once: the declaration is no longer in force, so it cannot be verified again. */
  assert_int_equal(hk_facts_verify(st, &officer, WIFE, declared, today(), &r, &err), HK_ECONFLICT);

  situation(st, false, &s);
  assert_int_equal(s.person.housing.n, 2);
  assert_true(s.person.housing.items[1].legal);
  situation(st, true, &s); /* nothing declared is left in force: the same */
  assert_int_equal(s.person.housing.n, 2);
  hk_situation_clear(&s);

  /* The ledger keeps both, the first marked superseded by the second. */
  json_t *list = NULL;
  assert_int_equal(hk_facts_list(st, &officer, WIFE, &list, &err), HK_OK);
  json_t *entries = json_object_get(list, "entries");
  assert_int_equal(json_array_size(entries), 2);
  json_t *first = json_array_get(entries, 0), *second = json_array_get(entries, 1);
  assert_string_equal(json_string_value(json_object_get(first, "source")), "declared");
  assert_false(json_is_true(json_object_get(first, "in_force")));
  assert_int_equal(json_integer_value(json_object_get(first, "superseded_by")),
                   json_integer_value(json_object_get(second, "entry")));
  assert_string_equal(json_string_value(json_object_get(second, "source")), "verified");
  json_decref(list);
  assert_int_equal(events(st), 2);
  json_decref(f);
  hk_store_close(st);
}

static void corrections_supersede_and_keep(void **state)
{
  (void)state;
  hk_store *st = fresh_store();
  hk_error err = {0};
  hk_fact_result r;
  /* The imported lease was registered after all: the officer corrects it, with a reason. */
  json_t *f = fact(lease);
  assert_int_equal(hk_facts_correct(st, &officer, WIFE, "housing.0", f, "", today(), &r, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "reason");
  assert_int_equal(hk_facts_correct(st, &officer, WIFE, "housing.0", f, "登记备案 / registered",
                                    today(), &r, &err),
                   HK_OK);
  assert_string_equal(r.supersedes_import, "housing.0");
  int64_t correction = r.entry;
  hk_situation s;
  hk_situation_init(&s);
  situation(st, false, &s);
  assert_int_equal(s.person.housing.n, 1); /* the imported row gave way to its correction */
  assert_true(s.person.housing.items[0].legal);
  /* The imported row can be superseded once; later corrections correct the correction. */
  assert_int_equal(hk_facts_correct(st, &officer, WIFE, "housing.0", f, "again", today(), &r, &err),
                   HK_ECONFLICT);
  json_t *ended = fact("{\"division\":\"330411\",\"urban\":true,\"kind\":\"rented\","
                       "\"from\":\"2021-03-01\",\"to\":\"2023-03-01\"}");
  char ref[24];
  snprintf(ref, sizeof ref, "%lld", (long long)correction);
  assert_int_equal(hk_facts_correct(st, &officer, WIFE, ref, ended, "租约已到期 / lease ended",
                                    today(), &r, &err),
                   HK_OK);
  assert_int_equal(r.supersedes, correction);
  situation(st, false, &s);
  assert_int_equal(s.person.housing.n, 1);
  assert_int_equal(s.person.housing.items[0].period.to, test_date("2023-03-01"));

  /* Education and marital status: the latest fact in force wins over the imported one; a
   * marriage links the spouse, who must be registered. */
  json_t *edu = fact("{\"education\":\"bachelor\"}");
  assert_int_equal(hk_facts_add(st, &system_actor, WIFE, HK_FACT_EDUCATION, edu, "education",
                                "EDU-1", today(), &r, &err),
                   HK_OK);
  assert_int_equal(r.source, HK_FACT_DEPARTMENT);
  json_t *wed = fact("{\"marital_status\":\"married\",\"spouse\":\"" HUSBAND "\"}");
  assert_int_equal(hk_facts_add(st, &system_actor, WIFE, HK_FACT_MARITAL, wed, "civil_affairs",
                                "MA-1", today(), &r, &err),
                   HK_OK);
  json_t *stranger = fact("{\"marital_status\":\"married\",\"spouse\":\"110101199003070513\"}");
  assert_int_equal(hk_facts_add(st, &system_actor, WIFE, HK_FACT_MARITAL, stranger, "civil_affairs",
                                "MA-2", today(), &r, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "fact.spouse");
  assert_non_null(strstr(err.detail, "no person with this ID number is registered"));
  situation(st, false, &s);
  assert_int_equal(s.person.education, HK_EDU_BACHELOR);
  assert_int_equal(s.person.marital_status, HK_MARITAL_MARRIED);
  assert_int_equal(s.n_relatives, 1);
  assert_int_equal(s.relatives[0].relation, HK_REL_SPOUSE);
  assert_string_equal(s.relatives[0].id_number, HUSBAND);
  hk_situation_clear(&s);
  /* Correction, correction, education, marriage: four events, the chain intact. */
  assert_int_equal(events(st), 4);
  json_decref(f);
  json_decref(ended);
  json_decref(edu);
  json_decref(wed);
  json_decref(stranger);
  hk_store_close(st);
}

static void who_records_what(void **state)
{
  (void)state;
  hk_store *st = fresh_store();
  hk_error err = {0};
  hk_fact_result r;
  json_t *f = fact(lease);
  hk_actor husband = resident(HUSBAND);
  assert_int_equal(
      hk_facts_add(st, &husband, WIFE, HK_FACT_HOUSING, f, NULL, NULL, today(), &r, &err),
      HK_EFORBIDDEN);
  assert_int_equal(
      hk_facts_add(st, &far_officer, WIFE, HK_FACT_HOUSING, f, NULL, NULL, today(), &r, &err),
      HK_ENOTFOUND);
  hk_actor dept = {.role = HK_ROLE_DEPARTMENT, .account = "department:talent"};
  assert_int_equal(
      hk_facts_add(st, &dept, WIFE, HK_FACT_HOUSING, f, "talent", NULL, today(), &r, &err),
      HK_EFORBIDDEN);
  hk_actor analyst = {.role = HK_ROLE_ANALYST, .account = "analyst:a"};
  assert_int_equal(
      hk_facts_add(st, &analyst, WIFE, HK_FACT_HOUSING, f, NULL, NULL, today(), &r, &err),
      HK_EFORBIDDEN);
  /* A bad fact names its field as an import line would. */
  json_t *bad = fact("{\"division\":\"330411\",\"kind\":\"rented\",\"from\":\"2021-03-01\","
                     "\"to\":\"2020-01-01\"}");
  assert_int_equal(
      hk_facts_add(st, &officer, WIFE, HK_FACT_HOUSING, bad, NULL, NULL, today(), &r, &err),
      HK_EINVAL);
  assert_string_equal(err.field, "fact.to");
  /* A resident corrects only their own declarations. */
  assert_int_equal(
      hk_facts_add(st, &officer, WIFE, HK_FACT_HOUSING, f, NULL, NULL, today(), &r, &err), HK_OK);
  char ref[24];
  snprintf(ref, sizeof ref, "%lld", (long long)r.entry);
  hk_actor wife = resident(WIFE);
  assert_int_equal(hk_facts_correct(st, &wife, WIFE, ref, f, "mine", today(), &r, &err),
                   HK_EFORBIDDEN);
  assert_int_equal(hk_facts_correct(st, &wife, WIFE, "housing.0", f, "mine", today(), &r, &err),
                   HK_EFORBIDDEN);
  /* Nothing refused was written: one event, the officer's. */
  assert_int_equal(events(st), 1);
  json_decref(f);
  json_decref(bad);
  hk_store_close(st);
}

static hk_status import_text(hk_store *st, const char *text, hk_facts_import_result *out,
                             hk_error *err)
{
  FILE *in = fmemopen((void *)text, strlen(text), "r");
  assert_non_null(in);
  hk_status rc = hk_facts_import(st, &system_actor, "social_insurance", in, today(), out, err);
  fclose(in);
  return rc;
}

static void deliveries_all_or_nothing_and_idempotent(void **state)
{
  (void)state;
  hk_store *st = fresh_store();
  hk_error err = {0};
  hk_facts_import_result res;
  const char good[] =
      "{\"delivery\":\"SI-1\",\"id_number\":\"" WIFE "\",\"kind\":\"social_insurance\","
      "\"fact\":{\"city\":\"330400\",\"from\":\"2021-04\",\"to\":null}}\n"
      "\n"
      "{\"delivery\":\"SI-2\",\"id_number\":\"" HUSBAND "\",\"kind\":\"social_insurance\","
      "\"fact\":{\"city\":\"320500\",\"from\":\"2015-01\",\"to\":\"2020-12\","
      "\"pension_transferred\":true}}\n";
  const char bad[] =
      "{\"delivery\":\"SI-3\",\"id_number\":\"" WIFE "\",\"kind\":\"social_insurance\","
      "\"fact\":{\"city\":\"330400\",\"from\":\"2022-04\",\"to\":null}}\n"
      "{\"delivery\":\"SI-4\",\"id_number\":\"" WIFE "\",\"kind\":\"social_insurance\","
      "\"fact\":{\"city\":\"330400\",\"from\":\"2022-04\",\"to\":\"2021-01\"}}\n";
  assert_int_equal(import_text(st, bad, &res, &err), HK_EINVAL);
  assert_string_equal(err.field, "line 2: fact.to");
  assert_int_equal(events(st), 0); /* nothing was written, not even line 1 */

  assert_int_equal(import_text(st, good, &res, &err), HK_OK);
  assert_int_equal(res.lines, 2);
  assert_int_equal(res.added, 2);
  assert_int_equal(import_text(st, good, &res, &err), HK_OK); /* re-delivered */
  assert_int_equal(res.added, 0);
  assert_int_equal(res.already, 2);
  assert_int_equal(events(st), 2);

  /* The same delivery id with other content is refused; a correction names what it corrects. */
  const char changed[] =
      "{\"delivery\":\"SI-1\",\"id_number\":\"" WIFE "\",\"kind\":\"social_insurance\","
      "\"fact\":{\"city\":\"330400\",\"from\":\"2021-05\",\"to\":null}}\n";
  assert_int_equal(import_text(st, changed, &res, &err), HK_EDUPLICATE);
  assert_string_equal(err.field, "line 1: delivery");
  const char corrected[] =
      "{\"delivery\":\"SI-1b\",\"corrects\":\"SI-1\",\"reason\":\"起始月份有误 / wrong month\","
      "\"id_number\":\"" WIFE "\",\"kind\":\"social_insurance\","
      "\"fact\":{\"city\":\"330400\",\"from\":\"2021-05\",\"to\":null}}\n";
  assert_int_equal(import_text(st, corrected, &res, &err), HK_OK);
  assert_int_equal(res.added, 1);
  hk_situation s;
  hk_situation_init(&s);
  situation(st, false, &s);
  assert_int_equal(s.person.social_insurance.n, 1);
  hk_month may2021;
  assert_true(hk_month_parse("2021-05", &may2021));
  assert_int_equal(s.person.social_insurance.items[0].months.from, may2021);
  hk_situation_clear(&s);
  /* A department sends only its own kinds. */
  const char housing[] =
      "{\"delivery\":\"H-1\",\"id_number\":\"" WIFE "\",\"kind\":\"housing\",\"fact\":"
      "{\"division\":\"330411\",\"kind\":\"rented\",\"from\":\"2021-03-01\"}}\n";
  assert_int_equal(import_text(st, housing, &res, &err), HK_EFORBIDDEN);
  assert_string_equal(err.field, "line 1: kind");
  assert_int_equal(events(st), 3);
  hk_store_close(st);
}

static hk_status import_from(hk_store *st, const char *department, const char *text,
                             hk_facts_import_result *out, hk_error *err)
{
  FILE *in = fmemopen((void *)text, strlen(text), "r");
  assert_non_null(in);
  hk_status rc = hk_facts_import(st, &system_actor, department, in, today(), out, err);
  fclose(in);
  return rc;
}

/* A fact kept through the API (read by jansson, kept as its canonical text) and delivered again
 * in bulk (read by cJSON, its canonical text written from cJSON's tree) compares equal, however
 * the line spells it: members in another order, white space, escaped characters. Lines the
 * cJSON reader leaves to jansson (another kind, a duplicate key) are read as before. */
static void api_fact_redelivered_in_bulk_is_recognised(void **state)
{
  (void)state;
  hk_store *st = fresh_store();
  hk_error err = {0};
  hk_fact_result r;
  json_t *f = json_loads("{\"to\":null,\"legal\":true,\"from\":\"2023-05-01\",\"kind\":\"rented\","
                         "\"urban\":true,\"division\":\"330411\"}",
                         0, NULL);
  assert_non_null(f);
  if (hk_facts_add(st, &system_actor, WIFE, HK_FACT_HOUSING, f, "housing", "H-API-1", today(), &r,
                   &err) != HK_OK)
    fail_msg("add: %s: %s", err.field, err.detail);
  json_decref(f);
  hk_facts_import_result res;
  const char again[] =
      "{ \"kind\" : \"housing\", \"fact\" : {\"division\":\"\\u0033\\u0033\\u0030411\","
      "\"urban\":true, \"kind\":\"rent\\u0065d\",\"from\":\"2023\\u002d05-01\",\"legal\":true,"
      "\"to\":null}, \"id_number\":\"" WIFE "\", \"delivery\":\"H-API-\\u0031\"}\r\n";
  if (import_from(st, "housing", again, &res, &err) != HK_OK)
    fail_msg("import: %s: %s", err.field, err.detail);
  assert_int_equal(res.added, 0);
  assert_int_equal(res.already, 1);
  /* The other way round: kept by the bulk path, recognised by the API. */
  const char first[] = "{\"delivery\":\"H-2\",\"id_number\":\"" WIFE "\",\"kind\":\"housing\","
                       "\"fact\":{\"from\":\"2024-01-01\",\"division\":\"330411\","
                       "\"kind\":\"owned\",\"urban\":false}}\n";
  assert_int_equal(import_from(st, "housing", first, &res, &err), HK_OK);
  assert_int_equal(res.added, 1);
  f = json_loads("{\"urban\":false,\"kind\":\"owned\",\"division\":\"330411\","
                 "\"from\":\"2024-01-01\"}",
                 0, NULL);
  assert_int_equal(hk_facts_add(st, &system_actor, WIFE, HK_FACT_HOUSING, f, "housing", "H-2",
                                today(), &r, &err),
                   HK_OK);
  json_decref(f);
  assert_true(r.already);
  /* A kind the cJSON reader leaves to jansson, delivered twice. */
  const char wed[] =
      "{\"delivery\":\"CA-1\",\"id_number\":\"" WIFE "\",\"kind\":\"marital_status\","
      "\"fact\":{\"marital_status\":\"married\",\"spouse\":\"" HUSBAND "\"}}\n";
  assert_int_equal(import_from(st, "civil_affairs", wed, &res, &err), HK_OK);
  assert_int_equal(res.added, 1);
  assert_int_equal(import_from(st, "civil_affairs", wed, &res, &err), HK_OK);
  assert_int_equal(res.already, 1);
  /* The same messages on either reader: the line's members in their order, the fact's in the
   * order of its kept text (sorted). */
  static const struct {
    const char *line, *field;
    hk_status rc;
  } bad[] = {
      {"{\"delivery\":\"B\",\"bogus\":1,\"id_number\":\"" WIFE "\"}", "line 1: bogus", HK_EINVAL},
      {"{\"id_number\":\"" WIFE "\",\"kind\":\"housing\",\"fact\":{}}", "line 1: delivery",
       HK_EINVAL},
      {"{\"delivery\":\"\",\"id_number\":\"" WIFE "\"}", "line 1: delivery", HK_EINVAL},
      {"{\"delivery\":\"B\",\"id_number\":12,\"kind\":\"housing\",\"fact\":{}}",
       "line 1: id_number", HK_EINVAL},
      {"{\"delivery\":\"B\",\"id_number\":\"" WIFE "\",\"kind\":\"housing\",\"fact\":[]}",
       "line 1: fact", HK_EINVAL},
      {"{\"delivery\":\"B\",\"id_number\":\"" WIFE "\",\"kind\":\"housing\",\"fact\":null}",
       "line 1: fact", HK_EINVAL},
      {"{\"delivery\":\"B\",\"corrects\":\"A\",\"id_number\":\"" WIFE "\",\"kind\":\"housing\","
       "\"fact\":{}}",
       "line 1: reason", HK_EINVAL},
      {"{\"delivery\":\"B\",\"id_number\":\"" WIFE "\",\"kind\":\"housing\","
       "\"fact\":{\"zz\":1,\"aa\":2,\"division\":\"330411\"}}",
       "line 1: fact.aa", HK_EINVAL},
      {"{\"delivery\":\"B\",\"id_number\":\"" WIFE "\",\"kind\":\"housing\","
       "\"fact\":{\"division\":\"330411\",\"kind\":\"rented\",\"from\":\"2021-13-01\"}}",
       "line 1: fact.from", HK_EINVAL},
      {"{\"delivery\":\"B\",\"id_number\":\"" UNKNOWN_BJ "\",\"kind\":\"housing\","
       "\"fact\":{\"division\":\"330411\",\"kind\":\"rented\",\"from\":\"2021-03-01\"}}",
       "line 1: id_number", HK_EINVAL},
      {"{\"delivery\":\"B\",\"delivery\":\"C\"}", "line 1", HK_EINVAL}, /* jansson's message */
      {"{\"delivery\":\"B\",\"id_number\":\"" WIFE "\",\"kind\":\"talent\",\"fact\":{}}",
       "line 1: kind", HK_EFORBIDDEN},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    hk_error e = {0};
    hk_status rc = import_from(st, "housing", bad[i].line, &res, &e);
    if (rc != bad[i].rc || strcmp(e.field, bad[i].field) != 0)
      fail_msg("%s\n  gave %d %s: %s", bad[i].line, (int)rc, e.field, e.detail);
  }
  hk_error e = {0};
  assert_int_equal(import_from(st, "housing", bad[10].line, &res, &e), HK_EINVAL);
  assert_non_null(strstr(e.detail, "duplicate"));
  hk_store_close(st);
}

/* A feed longer than the reader thread's batches: the first bad line, deep in the file, is the
 * one reported, by its number (blank lines counted), and nothing is written; without it every
 * line is recorded once, in order. */
static void long_feed_through_the_reader_thread(void **state)
{
  (void)state;
  hk_store *st = fresh_store();
  hk_error err = {0};
  hk_facts_import_result res;
  enum { LINES = 2500, BAD = 2345 };
  size_t cap = (size_t)LINES * 200, n = 0;
  char *feed = malloc(cap);
  assert_non_null(feed);
  for (int i = 1; i <= LINES; i++) {
    if (i % 100 == 0)
      n += (size_t)snprintf(feed + n, cap - n, "\n"); /* a blank line, numbered too */
    n += (size_t)snprintf(feed + n, cap - n,
                          "{\"delivery\":\"SI-%d\",\"id_number\":\"%s\",\"kind\":"
                          "\"social_insurance\",\"fact\":{\"city\":\"330400\",\"from\":\"%s\"}}\n",
                          i, i % 2 ? WIFE : HUSBAND, i == BAD ? "2021-13" : "2021-04");
  }
  assert_int_equal(import_text(st, feed, &res, &err), HK_EINVAL);
  char want[64];
  snprintf(want, sizeof want, "line %d: fact.from", BAD + BAD / 100);
  assert_string_equal(err.field, want);
  assert_int_equal(res.added, 0);
  assert_int_equal(events(st), 0);
  char *bad = strstr(feed, "2021-13");
  memcpy(bad, "2021-05", 7);
  if (import_text(st, feed, &res, &err) != HK_OK)
    fail_msg("import: %s: %s", err.field, err.detail);
  assert_int_equal(res.lines, LINES);
  assert_int_equal(res.added, LINES);
  assert_int_equal(events(st), LINES);
  assert_int_equal(import_text(st, feed, &res, &err), HK_OK);
  assert_int_equal(res.already, LINES);
  assert_int_equal(events(st), LINES);
  free(feed);
  hk_store_close(st);
}

typedef struct seq_payload {
  int64_t seq;
  char text[1024];
} seq_payload;

static hk_status keep_payload(const hk_event *ev, void *cls, hk_error *err)
{
  (void)err;
  seq_payload *want = cls;
  if (ev->seq == want->seq)
    snprintf(want->text, sizeof want->text, "%s", ev->payload);
  return HK_OK;
}

/* The bulk path writes each event's payload directly and carries the chain's head from event to
 * event: delivery ids and reasons with quotes, backslashes and control characters come out as
 * JSON that reads back to the same text, and the chain of many events in one transaction
 * verifies. */
static void delivery_events_are_json_and_chained(void **state)
{
  (void)state;
  hk_store *st = fresh_store();
  hk_error err = {0};
  hk_facts_import_result res;
  const char feed[] =
      "{\"delivery\":\"SI \\\"q\\\" \\\\ \\t 甲\",\"id_number\":\"" WIFE "\","
      "\"kind\":\"social_insurance\",\"fact\":{\"city\":\"330400\",\"from\":\"2021-04\"}}\n"
      "{\"delivery\":\"SI-9\",\"id_number\":\"" HUSBAND "\",\"kind\":\"social_insurance\","
      "\"fact\":{\"city\":\"320500\",\"from\":\"2015-01\",\"to\":\"2020-12\"}}\n"
      "{\"delivery\":\"SI-9b\",\"corrects\":\"SI-9\",\"reason\":\"月份 \\\"有误\\\"\\n\","
      "\"id_number\":\"" HUSBAND "\",\"kind\":\"social_insurance\","
      "\"fact\":{\"city\":\"320500\",\"from\":\"2015-02\",\"to\":\"2020-12\"}}\n";
  if (import_text(st, feed, &res, &err) != HK_OK)
    fail_msg("import: %s: %s", err.field, err.detail);
  assert_int_equal(res.added, 3);
  assert_int_equal(events(st), 3);
  seq_payload first = {.seq = 1}, last = {.seq = 3};
  assert_int_equal(hk_store_event_each(st, 1, keep_payload, &first, &err), HK_OK);
  assert_int_equal(hk_store_event_each(st, 1, keep_payload, &last, &err), HK_OK);
  json_t *p = json_loads(first.text, 0, NULL);
  assert_non_null(p);
  assert_string_equal(json_string_value(json_object_get(p, "delivery")), "SI \"q\" \\ \t 甲");
  json_decref(p);
  p = json_loads(last.text, 0, NULL);
  assert_non_null(p);
  assert_string_equal(json_string_value(json_object_get(p, "delivery")), "SI-9b");
  assert_string_equal(json_string_value(json_object_get(p, "reason")), "月份 \"有误\"\n");
  assert_string_equal(json_string_value(json_object_get(p, "kind")), "social_insurance");
  assert_string_equal(json_string_value(json_object_get(p, "source")), "department");
  assert_true(json_integer_value(json_object_get(p, "supersedes")) > 0);
  assert_string_equal(json_string_value(json_object_get(json_object_get(p, "fact"), "from")),
                      "2015-02");
  json_decref(p);
  hk_store_close(st);
}

/* Persons are created where they first meet the system: an arrival from Beijing declares
 * residence with a name and is registered from what the number gives, in one transaction. */
static void arrival_is_created_on_declaring(void **state)
{
  (void)state;
  hk_store *st = fresh_store();
  hk_error err = {0};
  hk_residence_request r = {.division = 330411, .urban = HK_TRI_TRUE};
  snprintf(r.id_number, sizeof r.id_number, "%s", UNKNOWN_BJ);
  snprintf(r.address, sizeof r.address, "秀洲区 新城街道 8 号");
  r.on = test_date("2024-06-01");
  r.declared_on = test_date("2024-06-02");
  hk_residence_result res;
  /* Without a name the number is only unknown, and nothing is written. */
  assert_int_equal(hk_residence_service(st, &officer, HK_RES_DECLARE, &r, today(), &res, &err),
                   HK_ENOTFOUND);
  assert_int_equal(events(st), 0);
  snprintf(r.name, sizeof r.name, "王五");
  assert_int_equal(hk_residence_service(st, &officer, HK_RES_DECLARE, &r, today(), &res, &err),
                   HK_OK);
  assert_true(res.created);
  assert_int_equal(res.outcome, HK_RES_DECLARED);
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_store_person_get(st, UNKNOWN_BJ, &p, &err), HK_OK);
  assert_string_equal(p.name, "王五");
  assert_int_equal(p.birth_date, test_date("1990-03-07"));
  assert_int_equal(p.sex, 'M');
  assert_true(p.has_hukou);
  assert_int_equal(p.hukou.division, 110101); /* the number's origin, outside the registry */
  assert_int_equal(p.residence.n, 1);
  assert_int_equal(p.residence.items[0].division, 330411);
  hk_person_clear(&p);
  /* person.arrive, residence.declare and its receipt's certificate.issue */
  assert_int_equal(events(st), 3);
  /* A Zhejiang number the registry does not hold is not invented. */
  snprintf(r.id_number, sizeof r.id_number, "330106199003070516");
  assert_int_equal(hk_residence_service(st, &officer, HK_RES_DECLARE, &r, today(), &res, &err),
                   HK_ENOTFOUND);
  assert_int_equal(events(st), 3);
  hk_store_close(st);
}

/* Officers correcting one imported row at once: exactly one correction supersedes it, the others
 * find it superseded (the person's row lock orders them; nothing else makes the imported row's
 * correction unique), and the chain holds one event. */
#define THREADS 4
typedef struct corrector {
  hk_status rc;
  char error[512];
} corrector;

static void *correct_once(void *arg)
{
  corrector *c = arg;
  hk_store *st = NULL;
  hk_error err = {0};
  json_t *f = json_loads(lease, 0, NULL);
  if (hk_store_open(db, HK_STORE_EXISTING, &st, &err) != HK_OK) {
    snprintf(c->error, sizeof c->error, "open: %s", err.detail);
    json_decref(f);
    return NULL;
  }
  hk_fact_result r;
  c->rc = hk_facts_correct(st, &officer, WIFE, "housing.0", f, "registered", today(), &r, &err);
  if (c->rc != HK_OK && c->rc != HK_ECONFLICT)
    snprintf(c->error, sizeof c->error, "%s: %s", err.field, err.detail);
  hk_store_close(st);
  json_decref(f);
  return NULL;
}

static void concurrent_corrections_supersede_once(void **state)
{
  (void)state;
  hk_store_close(fresh_store());
  pthread_t threads[THREADS];
  corrector c[THREADS];
  memset(c, 0, sizeof c);
  for (int t = 0; t < THREADS; t++)
    assert_int_equal(pthread_create(&threads[t], NULL, correct_once, &c[t]), 0);
  int ok = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    if (c[t].error[0])
      fail_msg("thread %d: %s", t, c[t].error);
    ok += c[t].rc == HK_OK;
  }
  assert_int_equal(ok, 1);
  hk_store *st = NULL;
  hk_error err = {0};
  assert_int_equal(hk_store_open(db, HK_STORE_EXISTING, &st, &err), HK_OK);
  assert_int_equal(events(st), 1);
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
      cmocka_unit_test(declared_counts_only_once_verified),
      cmocka_unit_test(corrections_supersede_and_keep),
      cmocka_unit_test(who_records_what),
      cmocka_unit_test(deliveries_all_or_nothing_and_idempotent),
      cmocka_unit_test(api_fact_redelivered_in_bulk_is_recognised),
      cmocka_unit_test(long_feed_through_the_reader_thread),
      cmocka_unit_test(delivery_events_are_json_and_chained),
      cmocka_unit_test(arrival_is_created_on_declaring),
      cmocka_unit_test(concurrent_corrections_supersede_once),
  };
  int failed = cmocka_run_group_tests_name("facts_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("facts_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1;
  return failed;
}
