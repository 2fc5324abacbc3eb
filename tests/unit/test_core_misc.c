/* The error table, the person JSON modes, UTF-8 checking and the u64 map. */
#include "test_util.h"

#include <string.h>

#include "core/error.h"
#include "core/idnum.h"
#include "core/label.h"
#include "core/person_json.h"
#include "core/u64map.h"
#include "core/utf8.h"
#include "policy/policy.h"
#include "service/application.h"

static void error_table_is_complete(void **state)
{
  (void)state;
  for (int s = 0; s < HK_STATUS_COUNT; s++) {
    assert_true(hk_status_http((hk_status)s) >= 200 && hk_status_http((hk_status)s) < 600);
    assert_true(strlen(hk_status_code((hk_status)s)) > 0);
    assert_true(strlen(hk_status_message((hk_status)s)) > 0);
    assert_true(strlen(hk_status_message_en((hk_status)s)) > 0);
    for (int t = 0; t < s; t++)
      assert_string_not_equal(hk_status_code((hk_status)s), hk_status_code((hk_status)t));
  }
  assert_int_equal(hk_status_http(HK_EINVAL), 400);
  assert_int_equal(hk_status_http(HK_ENOTFOUND), 404);
  assert_string_equal(hk_status_code((hk_status)999), "internal");
}

static void error_prefix_builds_paths(void **state)
{
  (void)state;
  hk_error err = {0};
  hk_error_set(&err, HK_EINVAL, "from", "not a date");
  hk_error_prefix(&err, "[0]");
  hk_error_prefix(&err, "residence");
  hk_error_prefix(&err, "person");
  assert_string_equal(err.field, "person.residence[0].from");
  char text[256];
  assert_string_equal(hk_error_text(&err, text, sizeof text),
                      "person.residence[0].from: not a date");
  assert_int_equal(hk_error_set(NULL, HK_ENOMEM, "x", "y"), HK_ENOMEM);
}

/* Issue 10: one call gives both sentences; codes a person reads have labels. */
static void refusals_in_both_languages(void **state)
{
  (void)state;
  hk_error err = {0};
  assert_int_equal(hk_error_set_both(&err, HK_EINVAL, "limit", "须为 1 至 %d 之间的数字",
                                     "a number from 1 to %d", 500),
                   HK_EINVAL);
  assert_string_equal(err.field, "limit");
  assert_string_equal(err.detail, "a number from 1 to 500");
  assert_string_equal(err.detail_zh, "须为 1 至 500 之间的数字");
  char buf[1024];
  assert_string_equal(hk_error_text_zh(&err, buf, sizeof buf), "limit: 须为 1 至 500 之间的数字");
  /* A later plain hk_error_set clears the Chinese sentence it does not write. */
  hk_error_set(&err, HK_EINVAL, "x", "bad");
  assert_string_equal(err.detail_zh, "");
  assert_int_equal(hk_error_set_both(NULL, HK_ENOMEM, NULL, "内存不足", "out of memory"),
                   HK_ENOMEM);
  /* Every role and every ID-number fault reads as words, never as its internal name. */
  static const char *const roles[] = {"resident",   "officer", "supervisor", "analyst",
                                      "department", "admin",   "system"};
  for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
    assert_non_null(hk_label_find(HK_LBL_ROLE, roles[i]));
  assert_string_equal(hk_label_zh(HK_LBL_ROLE, "officer"), "户籍民警");
  for (int f = HK_IDNUM_LENGTH; f <= HK_IDNUM_CHECKSUM; f++)
    assert_non_null(hk_label_find(HK_LBL_IDNUM_FAULT, hk_idnum_fault_name((hk_idnum_fault)f)));
  /* A person document's refusal: Chinese with the fault's label, English as before. */
  hk_person p;
  hk_person_init(&p);
  assert_int_equal(hk_person_parse("{\"id_number\":\"341222199001010113\"}", 34, HK_PJ_PERSON,
                                   test_date("2024-06-01"), &p, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "id_number");
  assert_string_equal(err.detail, "invalid ID number (checksum)");
  assert_string_equal(err.detail_zh, "身份证号码无效（校验码不符）");
  assert_int_equal(hk_person_parse("{\"id_number\":\"341222199001010112\",\"birth\":1}", 44,
                                   HK_PJ_PERSON, test_date("2024-06-01"), &p, &err),
                   HK_EINVAL);
  assert_string_equal(err.detail_zh, "不认识的字段");
  hk_person_clear(&p);
}

static hk_status parse(const char *text, hk_person_json_mode mode, hk_person *p, hk_error *err)
{
  return hk_person_parse(text, strlen(text), mode, test_date("2024-06-01"), p, err);
}

static void modes_accept_their_own_fields(void **state)
{
  (void)state;
  hk_person p;
  hk_person_init(&p);
  hk_error err = {0};
  const char *relative = "{\"id_number\":\"341222199001010112\",\"relation\":\"child\","
                         "\"consents\":true,\"hukou\":{\"division\":\"330402\","
                         "\"household\":\"family\",\"head\":true,\"urban\":true}}";
  assert_int_equal(parse(relative, HK_PJ_RELATIVE, &p, &err), HK_OK);
  assert_int_equal(p.relation, HK_REL_CHILD);
  assert_int_equal(p.consents, HK_TRI_TRUE);
  assert_int_equal(p.hukou.urban, HK_TRI_TRUE);
  assert_int_equal(parse(relative, HK_PJ_PERSON, &p, &err), HK_EINVAL);
  assert_string_equal(err.field, "relation");
  assert_int_equal(
      parse("{\"id_number\":\"341222199001010112\",\"relatives\":[]}", HK_PJ_PERSON, &p, &err),
      HK_EINVAL);
  assert_string_equal(err.field, "relatives");
  assert_int_equal(parse("{\"id_number\":\"341222199001010112\"}", HK_PJ_RELATIVE, &p, &err),
                   HK_EINVAL);
  assert_string_equal(err.field, "relation");
  hk_person_clear(&p);
}

static void jansson_bridge_gives_the_same_person(void **state)
{
  (void)state;
  const char *text = "{\"id_number\":\"341222199001010112\",\"residence\":[{\"division\":"
                     "\"330402\",\"urban\":true,\"from\":\"2021-03-01\",\"to\":null}]}";
  json_t *obj = json_loads(text, 0, NULL);
  hk_person a, b;
  hk_person_init(&a);
  hk_person_init(&b);
  hk_error err = {0};
  assert_int_equal(parse(text, HK_PJ_PERSON, &a, &err), HK_OK);
  assert_int_equal(hk_person_from_json(obj, HK_PJ_PERSON, test_date("2024-06-01"), &b, &err),
                   HK_OK);
  assert_int_equal(a.residence.n, 1);
  assert_int_equal(b.residence.n, 1);
  assert_memory_equal(a.residence.items, b.residence.items, sizeof *a.residence.items);
  json_decref(obj);
  hk_person_clear(&a);
  hk_person_clear(&b);
}

static void lists_are_bounded(void **state)
{
  (void)state;
  char text[64 * 1024] = "{\"id_number\":\"341222199001010112\",\"schooling\":[";
  for (int i = 0; i <= HK_LIST_MAX; i++)
    strcat(text, i ? ",{\"division\":\"330402\",\"from\":\"2021-03-01\"}"
                   : "{\"division\":\"330402\",\"from\":\"2021-03-01\"}");
  strcat(text, "]}");
  hk_person p;
  hk_person_init(&p);
  hk_error err = {0};
  assert_int_equal(parse(text, HK_PJ_RECORD, &p, &err), HK_ETOOBIG);
  assert_string_equal(err.field, "schooling");
  hk_person_clear(&p);
}

static void utf8_validation(void **state)
{
  (void)state;
  assert_true(hk_utf8_valid("张三", strlen("张三")));
  assert_true(hk_utf8_valid("abc", 3));
  assert_false(hk_utf8_valid("\xff", 1));
  assert_false(hk_utf8_valid("\xe5\xbc", 2));         /* cut short */
  assert_false(hk_utf8_valid("\xc0\xaf", 2));         /* overlong */
  assert_false(hk_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
  assert_false(hk_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
}

static void u64map_puts_gets_and_removes(void **state)
{
  (void)state;
  hk_u64map m;
  hk_u64map_init(&m);
  for (uint64_t k = 1; k <= 100000; k++)
    assert_true(hk_u64map_put(&m, k * 7919, (int64_t)k));
  int64_t v;
  for (uint64_t k = 1; k <= 100000; k++) {
    assert_true(hk_u64map_get(&m, k * 7919, &v));
    assert_int_equal(v, k);
  }
  assert_false(hk_u64map_get(&m, 3, &v));
  for (uint64_t k = 1; k <= 100000; k += 2)
    hk_u64map_remove(&m, k * 7919);
  for (uint64_t k = 1; k <= 100000; k++)
    assert_int_equal(hk_u64map_get(&m, k * 7919, &v), k % 2 == 0);
  assert_int_equal(m.count, 50000);
  hk_u64map_clear(&m);
}

/* Every code a resident or officer can meet has words in both languages, in one table
 * (issue 10: no internal names in what people read). */
static void every_code_has_a_label(void **state)
{
  (void)state;
  for (int v = 1; v < HK_TALENT_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_TALENT, hk_talent_category_name((hk_talent_category)v)));
  for (int v = 1; v < HK_EDU_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_EDUCATION, hk_education_name((hk_education)v)));
  for (int v = 1; v < HK_MARITAL_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_MARITAL, hk_marital_name((hk_marital)v)));
  for (int v = 1; v < HK_HOUSING_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_HOUSING, hk_housing_kind_name((hk_housing_kind)v)));
  for (int v = 1; v < HK_REL_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_RELATION, hk_relation_name((hk_relation)v)));
  for (int v = 1; v < HK_HOUSEHOLD_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_HOUSEHOLD, hk_household_kind_name((hk_household_kind)v)));
  for (int v = 0; v < HK_PW_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_PATHWAY, hk_pathway_name((hk_pathway)v)));
  assert_non_null(hk_label_find(HK_LBL_PATHWAY, "residence_permit"));
  for (int v = 0; v < HK_C_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_CONDITION, hk_cond_name((hk_cond_id)v)));
  for (int v = HK_ADDR_OWN_HOUSING; v <= HK_ADDR_TALENT_SERVICE; v++)
    assert_non_null(hk_label_find(HK_LBL_ADDRESS, hk_address_kind_name((hk_address_kind)v)));
  for (int v = 0; v < HK_FR_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_FAMILY_RULE, hk_family_rule_name((hk_family_rule)v)));
  for (int v = 0; v < HK_APP_STATE_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_APP_STATE, hk_app_state_name((hk_app_state)v)));
  for (int v = 0; v < HK_APP_KIND_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_APP_KIND, hk_app_kind_name((hk_app_kind)v)));
  for (int v = 0; v < HK_APP_ACTION_COUNT; v++)
    assert_non_null(hk_label_find(HK_LBL_APP_ACTION, hk_app_action_name((hk_app_action)v)));
  assert_string_equal(hk_label_zh(HK_LBL_TALENT, "associate"), "大专");
  assert_string_equal(hk_label_en(HK_LBL_APP_STATE, "material_requested"), "material requested");
  /* An unknown code reads as itself, never as nothing. */
  assert_null(hk_label_find(HK_LBL_TALENT, "castle"));
  assert_string_equal(hk_label_zh(HK_LBL_TALENT, "castle"), "castle");
  assert_string_equal(hk_label_en(HK_LBL_TALENT, NULL), "");
  json_t *o = json_object();
  hk_label_json_set(o, "value_", HK_LBL_HOUSING, "rented");
  hk_label_json_set(o, "", HK_LBL_HOUSING, "castle");
  assert_string_equal(json_string_value(json_object_get(o, "value_label")), "登记备案的租赁住房");
  assert_string_equal(json_string_value(json_object_get(o, "value_label_en")),
                      "a registered lease");
  assert_int_equal(json_object_size(o), 2);
  json_decref(o);
}

/* A Chinese detail goes with the English one it was written for, and no further. */
static void error_chinese_detail(void **state)
{
  (void)state;
  hk_error err = {0};
  char buf[1024];
  hk_error_set(&err, HK_ECONFLICT, "eligibility", "Not eligible");
  assert_int_equal(hk_error_set_zh(&err, "不符合%s", "条件"), HK_ECONFLICT);
  assert_string_equal(hk_error_text_zh(&err, buf, sizeof buf), "eligibility: 不符合条件");
  assert_string_equal(hk_error_text(&err, buf, sizeof buf), "eligibility: Not eligible");
  hk_error_set(&err, HK_EINVAL, "x", "bad");
  assert_string_equal(err.detail_zh, "");
  assert_string_equal(hk_error_text_zh(&err, buf, sizeof buf), "x: bad");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(error_table_is_complete),
      cmocka_unit_test(every_code_has_a_label),
      cmocka_unit_test(error_chinese_detail),
      cmocka_unit_test(error_prefix_builds_paths),
      cmocka_unit_test(refusals_in_both_languages),
      cmocka_unit_test(modes_accept_their_own_fields),
      cmocka_unit_test(jansson_bridge_gives_the_same_person),
      cmocka_unit_test(lists_are_bounded),
      cmocka_unit_test(utf8_validation),
      cmocka_unit_test(u64map_puts_gets_and_removes),
  };
  return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
