/* Golden eligibility cases: every tests/policy/cases/NNN-name.json (and the contract's examples
 * when they are reachable) is {"situation", "expect": {"exit", "checks": {path: value}}}, run
 * through the library exactly as `hukou eval` runs it. Adding a case needs no code. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "policy/policy.h"
#include "policy/policy_int.h"

static hk_policies *pol;

/* Follow a dotted path; "pathways[residence]" picks the element whose pathway or id matches. */
static json_t *pick(json_t *doc, const char *path)
{
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  json_t *cur = doc;
  for (char *part = strtok(buf, "."); part && cur; part = strtok(NULL, ".")) {
    char *sel = strchr(part, '[');
    if (sel)
      *sel++ = '\0';
    if (part[0])
      cur = json_object_get(cur, part);
    if (sel && cur) {
      sel[strcspn(sel, "]")] = '\0';
      json_t *found = NULL, *e;
      size_t i;
      json_array_foreach(cur, i, e)
      {
        const char *a = json_string_value(json_object_get(e, "pathway"));
        const char *b = json_string_value(json_object_get(e, "id"));
        if ((a && strcmp(a, sel) == 0) || (b && strcmp(b, sel) == 0)) {
          found = e;
          break;
        }
      }
      cur = found;
    }
  }
  return cur;
}

/* Run one case file; returns the number of mismatches, printing each. */
static int run_case(const char *path)
{
  json_error_t jerr;
  json_t *c = json_load_file(path, 0, &jerr);
  if (c == NULL) {
    printf("FAIL %s: %s\n", path, jerr.text);
    return 1;
  }
  json_t *expect = json_object_get(c, "expect");
  int want_exit = (int)json_integer_value(json_object_get(expect, "exit"));
  hk_situation s;
  hk_situation_init(&s);
  hk_error err = {0};
  hk_answer *a = malloc(sizeof *a);
  int bad = 0, got_exit = 0;
  hk_status rc =
      hk_situation_from_json(json_object_get(c, "situation"), test_date("2025-01-01"), &s, &err);
  if (rc == HK_OK)
    rc = hk_policy_eval(pol, &s, a, &err);
  if (rc != HK_OK)
    got_exit = rc == HK_EINVAL || rc == HK_ETOOBIG ? 2 : 1;
  if (got_exit != want_exit) {
    char text[600];
    printf("FAIL %s: exit %d, expected %d (%s)\n", path, got_exit, want_exit,
           rc == HK_OK ? "" : hk_error_text(&err, text, sizeof text));
    bad++;
  } else if (got_exit == 2) {
    /* The contract: the error names a field. */
    if (err.field[0] == '\0') {
      printf("FAIL %s: error names no field (%s)\n", path, err.detail);
      bad++;
    }
  } else if (got_exit == 0) {
    json_t *answer = hk_answer_to_json(a);
    const char *key;
    json_t *want;
    json_object_foreach(json_object_get(expect, "checks"), key, want)
    {
      json_t *got = pick(answer, key);
      bool same =
          got && (json_equal(got, want) || (json_is_number(got) && json_is_number(want) &&
                                            json_number_value(got) == json_number_value(want)));
      if (!same) {
        char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;
        char *w = json_dumps(want, JSON_ENCODE_ANY);
        printf("FAIL %s: %s: got %s, expected %s\n", path, key, g ? g : "(missing)", w);
        free(g);
        free(w);
        bad++;
      }
    }
    json_decref(answer);
  }
  free(a);
  hk_situation_clear(&s);
  json_decref(c);
  return bad;
}

static int run_dir(const char *dir, int *count)
{
  char **names;
  size_t n;
  hk_error err;
  if (policy__list_dir(dir, &names, &n, &err) != HK_OK)
    return -1;
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    bad += run_case(path) != 0;
    free(names[i]);
  }
  free(names);
  *count += (int)n;
  return bad;
}

static void golden_cases_pass(void **state)
{
  (void)state;
  const char *data = getenv("HK_TEST_DATA");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/../policy/cases", data ? data : "tests/data");
  int count = 0;
  int bad = run_dir(dir, &count);
  assert_true(bad >= 0);
  assert_true(count >= 60);
  /* The shared contract examples, when the checkout sits beside the shared folder. */
  snprintf(dir, sizeof dir, "%s/../../../shared/spec/examples", data ? data : "tests/data");
  int examples = 0, bad2 = run_dir(dir, &examples);
  if (bad2 > 0)
    bad += bad2;
  printf("%d cases, %d examples, %d failed\n", count, examples, bad);
  assert_int_equal(bad, 0);
}

static int setup(void **state)
{
  (void)state;
  hk_error err;
  return hk_policies_load(HK_DEFAULT_POLICY_DIR, &pol, &err) == HK_OK ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  hk_policies_free(pol);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(golden_cases_pass)};
  return cmocka_run_group_tests_name("policy_cases", tests, setup, teardown);
}
