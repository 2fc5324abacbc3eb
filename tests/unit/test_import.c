/* Bulk import and export: all or nothing, every bad-input case named by line and field,
 * --skip-bad accounting, links across lines and to the registry, and a lossless round trip. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/registry_io.h"
#include "store/store.h"

#define A "341222199001010112"
#define B "341222199202020229"
#define C "330106199001010018"
#define D "11010519491231002X" /* in no file and no registry */

typedef struct outcome {
  hk_status rc;
  hk_import_result res;
  hk_error err;
  int bad_reported;
} outcome;

static void count_bad(int64_t line, const hk_error *err, void *cls)
{
  (void)line;
  (void)err;
  ((outcome *)cls)->bad_reported++;
}

static outcome run(hk_store *st, const char *text, bool skip_bad)
{
  outcome o = {0};
  FILE *in = fmemopen((void *)text, strlen(text), "r");
  assert_non_null(in);
  hk_import_options opt = {.skip_bad = skip_bad,
                           .actor = "test",
                           .source_name = "test.jsonl",
                           .today = test_date("2026-01-01"),
                           .on_bad = count_bad,
                           .cls = &o};
  o.rc = hk_import_jsonl(st, in, &opt, &o.res, &o.err);
  fclose(in);
  return o;
}

static hk_store *fresh(void)
{
  hk_store *st = NULL;
  hk_error err = {0};
  const char *db = test_fresh_db();
  if (hk_store_open(db, HK_STORE_CREATE, &st, &err) != HK_OK)
    fail_msg("open %s: %s", db, err.detail);
  return st;
}

static int64_t persons(hk_store *st)
{
  hk_store_counts c;
  hk_error err = {0};
  assert_int_equal(hk_store_counts_get(st, &c, &err), HK_OK);
  return c.persons;
}

static const char two_spouses[] =
    "{\"id_number\":\"" A "\",\"name\":\"张三\",\"hukou\":{\"division\":\"341222\","
    "\"household\":\"family\",\"head\":true,\"household_no\":\"H1\"},"
    "\"relatives\":[{\"relation\":\"spouse\",\"id_number\":\"" B "\"}]}\n"
    "\n"
    "{\"id_number\":\"" B "\",\"name\":\"李四\",\"hukou\":{\"division\":\"341222\","
    "\"household\":\"family\",\"household_no\":\"H1\"},"
    "\"relatives\":[{\"relation\":\"spouse\",\"id_number\":\"" A "\"}]}\n";

static void good_file_loads_with_forward_links(void **state)
{
  (void)state;
  hk_store *st = fresh();
  outcome o = run(st, two_spouses, false);
  assert_int_equal(o.rc, HK_OK);
  assert_int_equal(o.res.lines, 2);
  assert_int_equal(o.res.imported, 2);
  assert_int_equal(o.res.links, 2);
  assert_int_equal(persons(st), 2);
  /* One import event, and the chain verifies. */
  hk_error err = {0};
  int64_t checked, broken;
  assert_int_equal(hk_store_audit_verify(st, &checked, &broken, &err), HK_OK);
  assert_int_equal(checked, 1);
  hk_store_close(st);
}

/* Each case: a file whose line 2 is bad in one way, with the field the error must name. */
static const struct bad_case {
  const char *line;
  const char *field;
  hk_status rc;
} bad_cases[] = {
    {"{\"id_number\":\"" B "\",", "", HK_EINVAL},
    {"[1,2]", "", HK_EINVAL},
    {"{\"id_number\":\"" B "\"} trailing", "", HK_EINVAL},
    {"{\"id_number\":\"341222199202020228\"}", "id_number", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"nmae\":\"x\"}", "nmae", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"name\":\"a\",\"name\":\"b\"}", "name", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"marital_status\":\"single\"}", "marital_status", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"residence\":[{\"division\":\"330402\",\"from\":\"2021-03-01\","
     "\"to\":\"2020-03-01\"}]}",
     "residence[0].to", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"residence\":[{\"division\":\"330499\",\"from\":\"2021-03-01\"}]}",
     "residence[0].division", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"housing\":[{\"division\":\"330402\",\"kind\":\"tent\","
     "\"from\":\"2021-03-01\"}]}",
     "housing[0].kind", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"social_insurance\":[{\"city\":\"330402\",\"from\":\"2021-03\"}]}",
     "social_insurance[0].city", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"social_insurance\":[{\"city\":\"330400\",\"from\":\"2021-13\"}]}",
     "social_insurance[0].from", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"employment\":[{\"division\":\"330402\",\"from\":\"2021-02-30\"}]}",
     "employment[0].from", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"employment\":{}}", "employment", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"hukou\":{\"division\":\"341222\",\"head\":\"yes\"}}", "hukou.head",
     HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"points_facts\":{\"blood_ml\":-5}}", "points_facts.blood_ml",
     HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"name\":\"\\u0000x\"}", "", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"relatives\":[{\"relation\":\"cousin\",\"id_number\":\"" A "\"}]}",
     "relatives[0].relation", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"relatives\":[{\"relation\":\"child\",\"id_number\":\"" B "\"}]}",
     "relatives[0].id_number", HK_EINVAL},
    {"{\"id_number\":\"" A "\"}", "id_number", HK_EDUPLICATE},
    {"{\"id_number\":\"" B "\",\"relatives\":[{\"relation\":\"child\",\"id_number\":\"" D "\"}]}",
     "relatives[0].id_number", HK_EINVAL},
    {"{\"id_number\":\"" B "\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\","
     "\"head\":true,\"household_no\":\"H1\"}}",
     "hukou.head", HK_ECONFLICT},
};

static void bad_line_writes_nothing(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const struct bad_case *c = &bad_cases[i];
    char text[2048];
    snprintf(text, sizeof text,
             "{\"id_number\":\"" A "\",\"hukou\":{\"division\":\"341222\","
             "\"household\":\"family\",\"head\":true,\"household_no\":\"H1\"}}\n%s\n",
             c->line);
    hk_store *st = fresh();
    outcome o = run(st, text, false);
    if (o.rc != c->rc || strcmp(o.err.field, c->field) != 0 || o.res.bad_line != 2)
      fail_msg("case %zu (%s): status %s field '%s' line %lld (%s)", i, c->line,
               hk_status_code(o.rc), o.err.field, (long long)o.res.bad_line, o.err.detail);
    assert_int_equal(persons(st), 0);
    assert_int_equal(o.res.imported, 0);
    hk_store_close(st);
  }
}

static void skip_bad_loads_the_rest(void **state)
{
  (void)state;
  char text[8192] = "";
  strcat(text, "{\"id_number\":\"" A "\",\"hukou\":{\"division\":\"341222\","
               "\"household\":\"family\",\"head\":true,\"household_no\":\"H1\"}}\n");
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    strcat(text, bad_cases[i].line);
    strcat(text, "\n");
  }
  strcat(text, "{\"id_number\":\"" C "\"}\n");
  hk_store *st = fresh();
  outcome o = run(st, text, true);
  assert_int_equal(o.rc, HK_OK);
  size_t bad = sizeof bad_cases / sizeof bad_cases[0];
  assert_int_equal(o.res.skipped, bad);
  assert_int_equal(o.bad_reported, bad);
  assert_int_equal(o.res.imported, 2);
  assert_int_equal(persons(st), 2);
  hk_store_close(st);
}

static void dangling_link_removal_cascades_when_skipping(void **state)
{
  (void)state;
  /* B links to C, who is nowhere; A links to B. Skipping B leaves A's link dangling, so A goes
   * too: nothing with a broken link is ever stored. */
  const char text[] = "{\"id_number\":\"" A "\",\"relatives\":[{\"relation\":\"spouse\","
                      "\"id_number\":\"" B "\"}]}\n"
                      "{\"id_number\":\"" B "\",\"relatives\":[{\"relation\":\"child\","
                      "\"id_number\":\"" C "\"}]}\n";
  hk_store *st = fresh();
  outcome o = run(st, text, true);
  assert_int_equal(o.rc, HK_OK);
  assert_int_equal(o.res.skipped, 2);
  assert_int_equal(o.res.imported, 0);
  assert_int_equal(persons(st), 0);
  hk_store_close(st);
}

static void links_reach_persons_already_registered(void **state)
{
  (void)state;
  hk_store *st = fresh();
  assert_int_equal(run(st, "{\"id_number\":\"" C "\"}\n", false).rc, HK_OK);
  outcome o = run(st,
                  "{\"id_number\":\"" A "\",\"relatives\":[{\"relation\":\"child\","
                  "\"id_number\":\"" C "\"}]}\n",
                  false);
  assert_int_equal(o.rc, HK_OK);
  assert_int_equal(o.res.links, 1);
  /* A second import of the same person is a duplicate against the registry. */
  o = run(st, "{\"id_number\":\"" C "\"}\n", false);
  assert_int_equal(o.rc, HK_EDUPLICATE);
  assert_int_equal(persons(st), 2);
  hk_store_close(st);
}

static void overlong_line_is_refused(void **state)
{
  (void)state;
  size_t n = HK_IMPORT_LINE_MAX + 100;
  char *text = malloc(n + 2);
  memset(text, ' ', n);
  memcpy(text, "{\"id_number\":", 13);
  text[n - 1] = 'x';
  text[n] = '\n';
  text[n + 1] = '\0';
  hk_store *st = fresh();
  outcome o = run(st, text, false);
  assert_int_equal(o.rc, HK_ETOOBIG);
  assert_int_equal(o.res.bad_line, 1);
  free(text);
  hk_store_close(st);
}

static char *export_text(hk_store *st)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  int64_t count;
  hk_error err = {0};
  assert_int_equal(hk_export_jsonl(st, out, &count, &err), HK_OK);
  fclose(out);
  return buf;
}

static void import_export_import_is_lossless(void **state)
{
  (void)state;
  FILE *f = fopen(test_write_file("x", ""), "r");
  fclose(f);
  const char *path = getenv("HK_TEST_DATA");
  assert_non_null(path);
  char file[1024];
  snprintf(file, sizeof file, "%s/registry_sample.jsonl", path);
  FILE *in = fopen(file, "r");
  assert_non_null(in);
  fseek(in, 0, SEEK_END);
  long size = ftell(in);
  rewind(in);
  char *sample = calloc(1, (size_t)size + 1);
  assert_int_equal(fread(sample, 1, (size_t)size, in), (size_t)size);
  fclose(in);

  hk_store *first = fresh(), *second = fresh();
  outcome o = run(first, sample, false);
  if (o.rc != HK_OK)
    fail_msg("sample line %lld: %s: %s", (long long)o.res.bad_line, o.err.field, o.err.detail);
  char *once = export_text(first);
  assert_int_equal(run(second, once, false).rc, HK_OK);
  char *twice = export_text(second);
  assert_string_equal(once, twice);
  assert_true(strlen(once) > 100);
  free(once);
  free(twice);
  free(sample);
  hk_store_close(first);
  hk_store_close(second);
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
      cmocka_unit_test(good_file_loads_with_forward_links),
      cmocka_unit_test(bad_line_writes_nothing),
      cmocka_unit_test(skip_bad_loads_the_rest),
      cmocka_unit_test(dangling_link_removal_cascades_when_skipping),
      cmocka_unit_test(links_reach_persons_already_registered),
      cmocka_unit_test(overlong_line_is_refused),
      cmocka_unit_test(import_export_import_is_lossless),
  };
  int failed = cmocka_run_group_tests_name("import_sqlite", tests, NULL, cleanup);
  if (test_backend_select("pg"))
    failed += cmocka_run_group_tests_name("import_postgresql", tests, NULL, cleanup);
  else if (getenv("HK_REQUIRE_PG"))
    failed += 1, fprintf(stderr, "import_postgresql: HK_REQUIRE_PG is set but HK_TEST_PG is not\n");
  return failed;
}
