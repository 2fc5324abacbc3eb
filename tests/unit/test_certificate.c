/* The certificate service (service/certificate.h) on SQLite and, with HK_TEST_PG, PostgreSQL:
 * the identifier's shape and check character; each event that gives rise to a certificate
 * records one, and each that ends it flips it (superseded, ended, moved, died); issue on
 * request and its refusals; one answer for unknown and not allowed; lazy signing keeps the
 * token; revoke, suspend and reinstate with their rules; the status list and verification. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idnum.h"
#include "core/person_json.h"
#include "service/certificate.h"
#include "service/certificate_int.h"
#include "service/household.h"
#include "service/permit.h"
#include "service/residence.h"
#include "store/store.h"

#define D(s) test_date(s)
#define TODAY D("2024-06-30")

static char head_id[19], child_id[19], migrant_id[19];
static hk_cert_keyring *ring;

static const hk_actor jiaxing = {
    .role = HK_ROLE_OFFICER, .account = "officer:330402", .jurisdiction = 330402};
static const hk_actor hangzhou = {
    .role = HK_ROLE_OFFICER, .account = "officer:330106", .jurisdiction = 330106};
static const hk_actor sys = {.role = HK_ROLE_SYSTEM, .account = "test"};

static hk_actor resident(const char *id)
{
  hk_actor a = {.role = HK_ROLE_RESIDENT, .account = "resident:x"};
  snprintf(a.id_number, sizeof a.id_number, "%s", id);
  return a;
}

static void ok_at(hk_status rc, const hk_error *err, int line)
{
  if (rc != HK_OK)
    fail_msg("line %d: %s %s: %s", line, hk_status_code(rc), err->field, err->detail);
}
#define ok(rc, err) ok_at((rc), (err), __LINE__)

static hk_store *fresh(void)
{
  char lines[3][640];
  snprintf(lines[0], sizeof lines[0],
           "{\"id_number\":\"%s\",\"name\":\"张大\",\"hukou\":{\"division\":\"330402\","
           "\"household\":\"family\",\"head\":true,\"urban\":true,\"household_no\":"
           "\"330402-000301\"}}",
           head_id);
  snprintf(lines[1], sizeof lines[1],
           "{\"id_number\":\"%s\",\"name\":\"张小\",\"hukou\":{\"division\":\"330402\","
           "\"household\":\"family\",\"urban\":true,\"household_no\":\"330402-000301\"},"
           "\"relatives\":[{\"relation\":\"parent\",\"id_number\":\"%s\"}]}",
           child_id, head_id);
  snprintf(lines[2], sizeof lines[2],
           "{\"id_number\":\"%s\",\"name\":\"李四\",\"hukou\":{\"division\":\"341222\","
           "\"household\":\"family\",\"head\":true},\"residence\":[{\"division\":\"330402\","
           "\"urban\":true,\"from\":\"2023-01-01\",\"address\":\"南湖区 东栅街道 1 号\"}]}",
           migrant_id);
  hk_store *st = NULL;
  hk_error err = {0};
  const char *db = test_fresh_db();
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open %s: %s", db, err.detail);
  hk_person p;
  hk_person_init(&p);
  ok(hk_store_begin(st, &err), &err);
  int64_t rows[3];
  for (int i = 0; i < 3; i++) {
    ok(hk_person_parse(lines[i], strlen(lines[i]), HK_PJ_RECORD, TODAY, &p, &err), &err);
    ok(hk_store_person_add(st, &p, &rows[i], &err), &err);
  }
  ok(hk_store_kinship_add(st, rows[1], 0, HK_REL_PARENT, rows[0], &err), &err);
  ok(hk_store_commit(st, &err), &err);
  hk_person_clear(&p);
  return st;
}

static const char *str(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* The value of a field of a certificate's JSON ("fields": [{key, value}]). */
static const char *field_of(const json_t *cert, const char *key)
{
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(cert, "fields"), i,
                     f) if (strcmp(str(f, "key"), key) == 0) return str(f, "value");
  return NULL;
}

/* "type:status:reason" of each certificate of a person, newest first, joined by spaces. */
static const char *statuses(hk_store *st, const char *id)
{
  static char buf[512];
  hk_error err = {0};
  json_t *list = NULL;
  ok(hk_certificate_list(st, &sys, id, &list, &err), &err);
  buf[0] = '\0';
  size_t i;
  json_t *c;
  json_array_foreach(list, i, c)
  {
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s:%s%s%s", i ? " " : "",
             str(c, "type"), str(c, "status"), str(c, "status_reason")[0] ? ":" : "",
             str(c, "status_reason"));
  }
  json_decref(list);
  return buf;
}

static void identifier_shape_and_check(void **state)
{
  (void)state;
  char id[HK_CERT_ID_MAX + 1];
  cert__identifier(HK_CERT_HUKOU_PROOF, 330402, 2024, 5, id);
  assert_int_equal(strlen(id), 20);
  assert_memory_equal(id, "0233040220240000005", 19);
  assert_int_equal(id[19], hk_iso7064_mod11_2(id, 19));
  /* The check catches one changed digit. */
  char changed[HK_CERT_ID_MAX + 1];
  memcpy(changed, id, sizeof changed);
  changed[10] = changed[10] == '9' ? '8' : (char)(changed[10] + 1);
  assert_int_not_equal(changed[19], hk_iso7064_mod11_2(changed, 19));
  /* The same check as an ID number's over its 17 digits. */
  assert_int_equal(hk_iso7064_mod11_2(head_id, 17), hk_idnum_check_char(head_id));
  cert__identifier(HK_CERT_SETTLEMENT_APPROVAL, 330106, 2025, 12345678, id);
  assert_int_equal(strlen(id), 21); /* wider once the serial grows */
  assert_memory_equal(id, "04330106202512345678", 20);
}

static void proof_on_request_access_and_move(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  hk_actor child = resident(child_id);
  ok(hk_certificate_issue(st, ring, &child, HK_CERT_HUKOU_PROOF, child_id, TODAY, &out, &err),
     &err);
  char proof[HK_CERT_ID_MAX + 1];
  snprintf(proof, sizeof proof, "%s", str(out, "id"));
  assert_memory_equal(proof, "02330402", 8);
  assert_string_equal(field_of(out, "relation"), "子女");
  assert_string_equal(field_of(out, "household"), "330402-000301");
  assert_string_equal(field_of(out, "as_of"), "2024-06-30");
  assert_string_equal(str(out, "valid_until"), "2024-09-27T16:00:00Z"); /* 90 days */
  assert_non_null(strstr(str(out, "qr"), "HKC1:"));
  json_decref(out);
  /* Another city's officer: the same answer as an unknown person. */
  assert_int_equal(
      hk_certificate_issue(st, ring, &hangzhou, HK_CERT_HUKOU_PROOF, child_id, TODAY, &out, &err),
      HK_ENOTFOUND);
  char unknown[19];
  test_idnum(unknown, "110101", "19900307", 51);
  assert_int_equal(
      hk_certificate_issue(st, ring, &jiaxing, HK_CERT_HUKOU_PROOF, unknown, TODAY, &out, &err),
      HK_ENOTFOUND);
  /* Nothing to prove: a hukou in Anhui. Not on request: a permit. */
  assert_int_equal(
      hk_certificate_issue(st, ring, &jiaxing, HK_CERT_HUKOU_PROOF, migrant_id, TODAY, &out, &err),
      HK_ECONFLICT);
  assert_int_equal(hk_certificate_issue(st, ring, &jiaxing, HK_CERT_RESIDENCE_PERMIT, migrant_id,
                                        TODAY, &out, &err),
                   HK_EINVAL);
  assert_int_equal(hk_certificate_get(st, ring, &hangzhou, proof, &out, NULL, NULL, &err),
                   HK_ENOTFOUND);
  hk_error other = {0};
  assert_int_equal(
      hk_certificate_get(st, ring, &hangzhou, "02330402202400000999", &out, NULL, NULL, &other),
      HK_ENOTFOUND);
  assert_string_equal(err.detail + strlen("no certificate "), proof);
  json_t *list = NULL;
  ok(hk_certificate_list(st, &hangzhou, child_id, &list, &err), &err);
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
  /* The head's own proof: 户主. */
  ok(hk_certificate_issue(st, NULL, &jiaxing, HK_CERT_HUKOU_PROOF, head_id, TODAY, &out, &err),
     &err);
  assert_string_equal(field_of(out, "relation"), "户主");
  assert_true(json_is_null(json_object_get(out, "qr"))); /* no key: recorded, signed later */
  json_decref(out);
  /* The child moves to a household of their own: the proof is withdrawn. */
  ok(hk_household_remove(st, &jiaxing, "330402-000301", child_id, "南湖区 新址 9 号",
                         D("2024-07-01"), &out, &err),
     &err);
  json_decref(out);
  assert_string_equal(statuses(st, child_id), "hukou_proof:revoked:moved");
  assert_string_equal(statuses(st, head_id), "hukou_proof:valid");
  hk_store_close(st);
}

/* Every way a hukou moves withdraws the proof: a new household headed by the person, joining
 * another household, a split. */
static void every_hukou_move_withdraws_the_proof(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  hk_actor child = resident(child_id);
  ok(hk_certificate_issue(st, NULL, &child, HK_CERT_HUKOU_PROOF, child_id, TODAY, &out, &err),
     &err);
  json_decref(out);
  hk_household_spec spec = {.kind = HK_HOUSEHOLD_FAMILY, .division = 330402, .urban = HK_TRI_TRUE};
  snprintf(spec.address, sizeof spec.address, "南湖区 新址 11 号");
  snprintf(spec.head, sizeof spec.head, "%s", child_id);
  ok(hk_household_create(st, &jiaxing, &spec, D("2024-07-01"), &out, &err), &err);
  json_decref(out);
  assert_string_equal(statuses(st, child_id), "hukou_proof:revoked:moved");
  ok(hk_certificate_issue(st, NULL, &child, HK_CERT_HUKOU_PROOF, child_id, D("2024-07-02"), &out,
                          &err),
     &err);
  json_decref(out);
  ok(hk_household_add(st, &jiaxing, "330402-000301", child_id, D("2024-07-03"), &out, &err), &err);
  json_decref(out);
  assert_string_equal(statuses(st, child_id),
                      "hukou_proof:revoked:moved hukou_proof:revoked:moved");
  /* The head's proof, and a split of the household: the members who leave lose theirs. */
  ok(hk_certificate_issue(st, NULL, &jiaxing, HK_CERT_HUKOU_PROOF, head_id, D("2024-07-04"), &out,
                          &err),
     &err);
  json_decref(out);
  ok(hk_certificate_issue(st, NULL, &child, HK_CERT_HUKOU_PROOF, child_id, D("2024-07-04"), &out,
                          &err),
     &err);
  json_decref(out);
  const char *members[] = {child_id};
  ok(hk_household_split(st, &jiaxing, "330402-000301", members, 1, child_id, "南湖区 新址 12 号",
                        D("2024-07-05"), &out, &err),
     &err);
  json_decref(out);
  assert_string_equal(statuses(st, head_id), "hukou_proof:valid");
  assert_string_equal(statuses(st, child_id), "hukou_proof:revoked:moved hukou_proof:revoked:moved "
                                              "hukou_proof:revoked:moved");
  hk_store_close(st);
}

static void receipt_follows_the_registration(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  hk_residence_request req = {.division = 330402,
                              .urban = HK_TRI_TRUE,
                              .on = D("2024-06-01"),
                              .declared_on = D("2024-06-03")};
  snprintf(req.id_number, sizeof req.id_number, "%s", migrant_id);
  snprintf(req.address, sizeof req.address, "南湖区 新兴路 2 号");
  hk_residence_result res;
  ok(hk_residence_service(st, &sys, HK_RES_CHANGE, &req, TODAY, &res, &err), &err);
  assert_string_equal(statuses(st, migrant_id), "residence_receipt:valid");
  json_t *list = NULL, *one = NULL;
  ok(hk_certificate_list(st, &sys, migrant_id, &list, &err), &err);
  ok(hk_certificate_get(st, ring, &sys, str(json_array_get(list, 0), "id"), &one, NULL, NULL, &err),
     &err);
  assert_string_equal(field_of(one, "addr"), "南湖区 新兴路 2 号");
  assert_string_equal(field_of(one, "declared"), "2024-06-03");
  assert_string_equal(field_of(one, "since"), "2024-06-01");
  assert_true(json_is_null(json_object_get(one, "valid_until")));
  json_decref(one);
  json_decref(list);
  req.on = D("2024-06-20");
  req.declared_on = D("2024-06-20");
  snprintf(req.address, sizeof req.address, "南湖区 新兴路 4 号");
  ok(hk_residence_service(st, &sys, HK_RES_CHANGE, &req, TODAY, &res, &err), &err);
  assert_string_equal(statuses(st, migrant_id),
                      "residence_receipt:valid residence_receipt:revoked:superseded");
  req.on = D("2024-06-29");
  req.declared_on = D("2024-06-29");
  ok(hk_residence_service(st, &sys, HK_RES_CANCEL, &req, TODAY, &res, &err), &err);
  assert_string_equal(statuses(st, migrant_id),
                      "residence_receipt:revoked:ended residence_receipt:revoked:superseded");
  hk_store_close(st);
}

static void permit_issue_recognise_and_death(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  hk_person p;
  hk_person_init(&p);
  int64_t row;
  hk_permit_result issued;
  ok(hk_store_begin(st, &err), &err);
  ok(hk_store_person_row(st, migrant_id, &row, &err), &err);
  ok(hk_store_person_lock(st, row, &err), &err);
  ok(hk_store_person_get(st, migrant_id, &p, &err), &err);
  ok(hk_permit_issue_locked(st, &jiaxing, row, &p, 330402, 0, TODAY, &issued, &err), &err);
  ok(hk_store_commit(st, &err), &err);
  hk_person_clear(&p);
  json_t *list = NULL, *one = NULL;
  ok(hk_certificate_list(st, &jiaxing, migrant_id, &list, &err), &err);
  assert_int_equal(json_array_size(list), 1);
  ok(hk_certificate_get(st, ring, &jiaxing, str(json_array_get(list, 0), "id"), &one, NULL, NULL,
                        &err),
     &err);
  assert_string_equal(field_of(one, "permit"), issued.number);
  assert_string_equal(field_of(one, "addr"), "南湖区 东栅街道 1 号");
  /* (三) it expires with the permit: V, a year after issue. */
  assert_string_equal(str(one, "valid_until"), "2025-06-29T16:00:00Z");
  assert_null(field_of(one, "endorsed"));
  json_decref(one);
  json_decref(list);
  /* Moved to Hangzhou and recognised there: a new certificate from 330106. */
  hk_residence_request req = {.division = 330106,
                              .urban = HK_TRI_TRUE,
                              .on = D("2024-08-01"),
                              .declared_on = D("2024-08-01")};
  snprintf(req.id_number, sizeof req.id_number, "%s", migrant_id);
  snprintf(req.address, sizeof req.address, "西湖区 文三路 5 号");
  hk_residence_result res;
  ok(hk_residence_service(st, &sys, HK_RES_DECLARE, &req, D("2024-08-01"), &res, &err), &err);
  hk_permit_result rec;
  ok(hk_permit_recognise(st, &hangzhou, migrant_id, D("2024-08-02"), &rec, &err), &err);
  assert_string_equal(statuses(st, migrant_id), "residence_permit:valid residence_receipt:valid "
                                                "residence_permit:revoked:superseded");
  ok(hk_certificate_list(st, &hangzhou, migrant_id, &list, &err), &err);
  assert_string_equal(str(json_array_get(list, 0), "issuer"), "330106");
  assert_int_equal(json_array_size(list), 2); /* not the one 330402 issued */
  json_decref(list);
  /* Death: every certificate revoked, "died". */
  json_t *out = NULL;
  ok(hk_death_register(st, &hangzhou, migrant_id, D("2024-09-01"), D("2024-09-02"), &out, &err),
     &err);
  json_decref(out);
  assert_string_equal(statuses(st, migrant_id),
                      "residence_permit:revoked:died residence_receipt:revoked:died "
                      "residence_permit:revoked:superseded");
  hk_store_close(st);
}

typedef struct scan {
  const char *number;
  int found;
} scan;

static hk_status no_full_number(const hk_event *ev, void *cls, hk_error *err)
{
  (void)err;
  scan *s = cls;
  if (strstr(ev->subject, s->number) || strstr(ev->payload, s->number))
    s->found++;
  return HK_OK;
}

static void signing_status_and_verification(void **state)
{
  (void)state;
  hk_store *st = fresh();
  hk_error err = {0};
  json_t *out = NULL;
  ok(hk_certificate_issue(st, NULL, &jiaxing, HK_CERT_HUKOU_PROOF, head_id, TODAY, &out, &err),
     &err);
  char id[HK_CERT_ID_MAX + 1];
  snprintf(id, sizeof id, "%s", str(out, "id"));
  json_decref(out);
  /* Never signed and no key: unavailable; signed once, the token is kept. */
  assert_int_equal(hk_certificate_get(st, NULL, &jiaxing, id, &out, NULL, NULL, &err),
                   HK_EUNAVAILABLE);
  hk_cert_claims claims;
  char *qr = NULL;
  ok(hk_certificate_get(st, ring, &jiaxing, id, &out, &claims, &qr, &err), &err);
  assert_string_equal(claims.id, id);
  assert_string_equal(str(out, "qr"), qr);
  json_decref(out);
  ok(hk_certificate_get(st, NULL, &jiaxing, id, &out, NULL, NULL, &err), &err);
  assert_string_equal(str(out, "qr"), qr);
  json_decref(out);

  int64_t now = cert__day_start(TODAY) + 3600;
  ok(hk_certificate_verify(st, ring, qr, head_id, now, &out, &err), &err);
  assert_string_equal(str(out, "verdict"), "valid");
  assert_true(json_is_true(json_object_get(out, "status_checked")));
  assert_true(json_is_true(json_object_get(out, "holder_matches")));
  assert_null(json_object_get(out, "fields")); /* only what the certificate prints */
  json_decref(out);
  ok(hk_certificate_verify(st, ring, qr, child_id, now, &out, &err), &err);
  assert_true(json_is_false(json_object_get(out, "holder_matches")));
  json_decref(out);

  /* Who may change it: the issuing county's officer, with a reason. */
  hk_actor holder = resident(head_id);
  assert_int_equal(hk_certificate_set_status(st, &holder, id, HK_CERT_STATUS_REVOKED, "lost", &err),
                   HK_EFORBIDDEN);
  assert_int_equal(hk_certificate_set_status(st, &hangzhou, id, HK_CERT_STATUS_REVOKED, "x", &err),
                   HK_ENOTFOUND);
  assert_int_equal(hk_certificate_set_status(st, &jiaxing, id, HK_CERT_STATUS_REVOKED, "", &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "reason");
  assert_int_equal(hk_certificate_set_status(st, &jiaxing, id, HK_CERT_STATUS_VALID, "x", &err),
                   HK_ECONFLICT);
  ok(hk_certificate_set_status(st, &jiaxing, id, HK_CERT_STATUS_SUSPENDED, "checking", &err), &err);
  ok(hk_certificate_verify(st, ring, qr, NULL, now, &out, &err), &err);
  assert_string_equal(str(out, "verdict"), "suspended");
  assert_null(json_object_get(out, "name")); /* nothing but the verdict and a reason */
  json_decref(out);
  ok(hk_certificate_set_status(st, &jiaxing, id, HK_CERT_STATUS_VALID, "checked", &err), &err);
  ok(hk_certificate_set_status(st, &jiaxing, id, HK_CERT_STATUS_REVOKED, "issued in error", &err),
     &err);
  assert_int_equal(hk_certificate_set_status(st, &jiaxing, id, HK_CERT_STATUS_VALID, "undo", &err),
                   HK_ECONFLICT);

  /* The signed list says revoked at the certificate's index. */
  uint8_t *token = NULL;
  size_t len = 0;
  ok(hk_certificate_status_list(st, ring, now, 3600, &token, &len, &err), &err);
  hk_cert_status_list *sl = NULL;
  ok(hk_cert_status_list_open(ring, token, len, now, &sl, &err), &err);
  assert_int_equal(hk_cert_status_list_get(sl, claims.status_index), HK_CERT_STATUS_REVOKED);
  hk_cert_status_list_free(sl);
  free(token);
  free(qr);

  scan s = {.number = head_id};
  ok(hk_store_event_each(st, 1, no_full_number, &s, &err), &err);
  assert_int_equal(s.found, 0);
  hk_store_close(st);
}

static int setup(void **state)
{
  (void)state;
  test_idnum(head_id, "330402", "19700101", 11);
  test_idnum(child_id, "330402", "20000202", 22);
  test_idnum(migrant_id, "341222", "19900303", 33);
  hk_error err = {0};
  const char *dir = test_path("keys");
  if (hk_cert_keys_init(dir, NULL, &err) != HK_OK ||
      hk_cert_keyring_open(dir, true, &ring, &err) != HK_OK)
    fail_msg("keys: %s", err.detail);
  return 0;
}

static int cleanup(void **state)
{
  (void)state;
  hk_cert_keyring_free(ring);
  ring = NULL;
  test_tmpdir_remove();
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(identifier_shape_and_check),
      cmocka_unit_test(proof_on_request_access_and_move),
      cmocka_unit_test(every_hukou_move_withdraws_the_proof),
      cmocka_unit_test(receipt_follows_the_registration),
      cmocka_unit_test(permit_issue_recognise_and_death),
      cmocka_unit_test(signing_status_and_verification),
  };
  int failed = cmocka_run_group_tests_name("certificate_sqlite", tests, setup, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("certificate_postgresql", tests, setup, cleanup);
  else
    fprintf(stderr, "certificate_postgresql: not run (HK_TEST_PG is not set)\n");
  return failed;
}
