/* json_canon: a line read by cJSON is written byte for byte as jansson writes it
 * (JSON_COMPACT | JSON_SORT_KEYS), or refused so that jansson reads it; never accepted where
 * jansson refuses. A fact kept by the API (jansson) and delivered again in bulk (cJSON) must
 * compare equal. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <jansson.h>

#include "core/json_canon.h"

/* Both readers on text: when ours takes it, jansson must too, with the same canonical text.
 * Returns whether ours took it. */
static bool same_as_jansson(const char *text, size_t len)
{
  cJSON *tree = hk_cjson_read_as_jansson(text, len);
  json_error_t jerr;
  json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (tree == NULL) {
    json_decref(j);
    return false;
  }
  if (j == NULL || !json_is_object(j))
    fail_msg("taken by cJSON, refused by jansson (%s): %.*s", jerr.text, (int)len, text);
  char *ours = hk_cjson_canonical(tree);
  char *theirs = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  assert_non_null(ours);
  assert_non_null(theirs);
  if (strcmp(ours, theirs) != 0)
    fail_msg("input %.*s\n  cJSON   %s\n  jansson %s", (int)len, text, ours, theirs);
  free(ours);
  free(theirs);
  cJSON_Delete(tree);
  json_decref(j);
  return true;
}

static bool same(const char *text)
{
  return same_as_jansson(text, strlen(text));
}

static void ordinary_lines_are_written_as_jansson_writes_them(void **state)
{
  (void)state;
  static const char *const taken[] = {
      "{}",
      "{\"b\":1,\"a\":2}",
      " {\"z\" : [ 1 , 2 , {\"y\":null,\"x\":true} ] , \"a\":{\"d\":{},\"c\":[]}}\t\r\n",
      "{\"delivery\":\"H-1\",\"id_number\":\"341222199202020229\",\"kind\":\"housing\","
      "\"fact\":{\"urban\":true,\"division\":\"330411\",\"kind\":\"rented\",\"from\":\"2021-"
      "03-01\",\"legal\":false,\"to\":null}}",
      /* keys sorted by bytes: upper case first, "a" before "aa", UTF-8 after ASCII */
      "{\"aa\":1,\"a\":2,\"B\":3,\"住房\":4,\"z\":5,\"\":6}",
      /* nested objects sorted at every level */
      "{\"o\":{\"k\":{\"n\":1,\"m\":2},\"j\":[{\"b\":1,\"a\":0}]}}",
  };
  for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
    if (!same(taken[i]))
      fail_msg("refused: %s", taken[i]);
}

static void strings_escapes_and_unicode(void **state)
{
  (void)state;
  static const char *const taken[] = {
      "{\"s\":\"quote \\\" backslash \\\\ slash \\/ done\"}",
      "{\"s\":\"\\b\\f\\n\\r\\t\"}",
      "{\"s\":\"\\u0001\\u001f\\u001F\\u007f\\u0080\"}",
      "{\"s\":\"\\u4f4f\\u623F 嘉兴市 秀洲区\"}",
      "{\"s\":\"\\ud83d\\ude00 😀 \\uD834\\uDD1E\"}",
      "{\"k\\u0041\\n\":\"key with escapes\",\"kA\":1}",
      "{\"s\":\"\\u00e9 é\",\"t\":\"\xc3\xa9\"}",
  };
  for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
    if (!same(taken[i]))
      fail_msg("refused: %s", taken[i]);
}

static void numbers_as_jansson_writes_them(void **state)
{
  (void)state;
  static const char *const taken[] = {
      "{\"n\":0}",
      "{\"n\":-0}",
      "{\"n\":-0.0}",
      "{\"n\":0.0}",
      "{\"n\":12}",
      "{\"n\":-12}",
      "{\"n\":1.0}",
      "{\"n\":1.5}",
      "{\"n\":0.1}",
      "{\"n\":1e5}",
      "{\"n\":1E5}",
      "{\"n\":1e+5}",
      "{\"n\":1.5e300}",
      "{\"n\":-2.5e-300}",
      "{\"n\":1e-400}",
      "{\"n\":4.9e-324}",
      "{\"n\":1.7976931348623157e308}",
      "{\"n\":123456789012345678}",
      "{\"n\":9007199254740993}",
      "{\"n\":9223372036854775807}",
      "{\"n\":-9223372036854775808}",
      "{\"n\":3.141592653589793238462643383279}",
      "{\"n\":100000000000000000000.0}",
      "{\"n\":1e21}",
      "{\"n\":1e16}",
      "{\"n\":1e15}",
      "{\"n\":123e-2}",
      "{\"n\":0.000001}",
      "{\"n\":0.0000001}",
      "{\"a\":[1,2.0,-3e0,{\"b\":[4,5.25]}],\"c\":6}",
  };
  for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
    if (!same(taken[i]))
      fail_msg("refused: %s", taken[i]);
}

/* What jansson refuses (or reads otherwise) is never taken: the caller then asks jansson. */
static void refused_where_jansson_differs(void **state)
{
  (void)state;
  static const char *const left[] = {
      "",
      "[]",
      "\"s\"",
      "1",
      "{\"a\":1,\"a\":2}",
      "{\"o\":{\"x\":1,\"x\":1}}",
      "{\"n\":01}",
      "{\"n\":1.}",
      "{\"n\":.5}",
      "{\"n\":+1}",
      "{\"n\":1.e5}",
      "{\"n\":-}",
      "{\"n\":1e}",
      "{\"n\":9223372036854775808}",
      "{\"n\":-9223372036854775809}",
      "{\"n\":1e400}",
      "{\"n\":-1e400}",
      "{\"s\":\"a\\u0000b\"}",
      "{\"s\":\"tab\there\"}",
      "{\"s\":\"bad \xff byte\"}",
      "{\"s\":\"overlong \xc0\xaf\"}",
      "{\"s\":\"surrogate \xed\xa0\x80\"}",
      "{\"s\":\"\\ud800\"}",
      "{\"s\":\"\\udc00\"}",
      "{\"s\":\"\\ud800\\u0041\"}",
      "{\"s\":\"\\ud800x\"}",
      "{\"s\":\"\\u4F4 \"}",
      "{\"s\":\"\\x41\"}",
      "{\"s\":\"\\u00G1\"}",
      "\xef\xbb\xbf{}",
      "{}\f",
      "{\x01}",
      "{} {}",
      "{}x",
      "{\"a\":1,}",
      "{\"a\":[1,]}",
      "{\"a\":tru}",
      "{\"a\":True}",
      "{'a':1}",
      "{\"a\":1 /* no */}",
  };
  for (size_t i = 0; i < sizeof left / sizeof left[0]; i++)
    if (same(left[i]))
      fail_msg("taken: %s", left[i]);
}

/* ---- random documents, written by a small generator, read by both ---- */

static unsigned long long rng = 88172645463325252ULL;
static unsigned next_rand(unsigned n)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

typedef struct gen {
  char s[8192];
  size_t n;
} gen;

static void emit(gen *g, const char *s)
{
  size_t len = strlen(s);
  if (g->n + len < sizeof g->s) {
    memcpy(g->s + g->n, s, len);
    g->n += len;
    g->s[g->n] = '\0';
  }
}

static void gen_string(gen *g)
{
  static const char *const pieces[] = {
      "a",   "Z",   "0",   " ",       "住房",    "😀",       "\\\"",    "\\\\",           "\\/",
      "\\n", "\\t", "\\b", "\\u0041", "\\u00e9", "\\u4F4F", "\\u001f", "\\ud83d\\ude00", "é",
      "~",   "\\r", "\\f"};
  emit(g, "\"");
  for (unsigned k = next_rand(6); k > 0; k--)
    emit(g, pieces[next_rand(sizeof pieces / sizeof pieces[0])]);
  emit(g, "\"");
}

static void gen_number(gen *g)
{
  char num[64];
  switch (next_rand(6)) {
  case 0:
    snprintf(num, sizeof num, "%d", (int)next_rand(2000000) - 1000000);
    break;
  case 1:
    snprintf(num, sizeof num, "%s%u.%u", next_rand(2) ? "-" : "", next_rand(100000),
             next_rand(1000000));
    break;
  case 2:
    snprintf(num, sizeof num, "%u%se%s%u", next_rand(10), next_rand(2) ? ".5" : "",
             next_rand(3) == 0 ? "-"
             : next_rand(2)    ? "+"
                               : "",
             next_rand(320));
    break;
  case 3:
    snprintf(num, sizeof num, "%llu", rng >> next_rand(64));
    break;
  case 4:
    snprintf(num, sizeof num, "0.%06u%u", next_rand(1000000), next_rand(1000));
    break;
  default:
    snprintf(num, sizeof num, "%u.0", next_rand(100));
    break;
  }
  emit(g, num);
}

static void gen_value(gen *g, int depth);

static void gen_object(gen *g, int depth)
{
  emit(g, "{");
  for (unsigned k = next_rand(5), i = 0; i < k; i++) {
    if (i)
      emit(g, next_rand(4) ? "," : " , ");
    gen_string(g);
    emit(g, ":");
    gen_value(g, depth + 1);
  }
  emit(g, "}");
}

static void gen_value(gen *g, int depth)
{
  switch (next_rand(depth > 3 ? 5 : 7)) {
  case 0:
    gen_string(g);
    break;
  case 1:
    gen_number(g);
    break;
  case 2:
    emit(g, "true");
    break;
  case 3:
    emit(g, next_rand(2) ? "false" : "null");
    break;
  case 4:
    gen_string(g);
    break;
  case 5:
    gen_object(g, depth);
    break;
  default:
    emit(g, "[");
    for (unsigned k = next_rand(4), i = 0; i < k; i++) {
      if (i)
        emit(g, ",");
      gen_value(g, depth + 1);
    }
    emit(g, "]");
    break;
  }
}

static void random_documents_agree(void **state)
{
  (void)state;
  int taken = 0;
  for (int i = 0; i < 20000; i++) {
    gen g = {.n = 0};
    gen_object(&g, 0);
    if (i % 3 == 0 && g.n > 2) /* a byte changed: often refused by both, never by jansson alone */
      g.s[next_rand((unsigned)g.n)] = "0.e-+\"\\{}[],: x\x01\xc3"[next_rand(18)];
    taken += same_as_jansson(g.s, g.n);
  }
  /* Most unchanged documents are taken (a few repeat a key): the fast path is the usual one. */
  assert_true(taken > 10000);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ordinary_lines_are_written_as_jansson_writes_them),
      cmocka_unit_test(strings_escapes_and_unicode),
      cmocka_unit_test(numbers_as_jansson_writes_them),
      cmocka_unit_test(refused_where_jansson_differs),
      cmocka_unit_test(random_documents_agree),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
