/* The error table, the person JSON modes, UTF-8 checking and the u64 map. */
#include "test_util.h"

#include <string.h>

#include "core/error.h"
#include "core/person_json.h"
#include "core/u64map.h"
#include "core/utf8.h"

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

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(error_table_is_complete),
      cmocka_unit_test(error_prefix_builds_paths),
      cmocka_unit_test(modes_accept_their_own_fields),
      cmocka_unit_test(jansson_bridge_gives_the_same_person),
      cmocka_unit_test(lists_are_bounded),
      cmocka_unit_test(utf8_validation),
      cmocka_unit_test(u64map_puts_gets_and_removes),
  };
  return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
