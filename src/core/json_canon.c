#include "core/json_canon.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/text.h"
#include "core/utf8.h"

/* More numbers than this in one line, and the line goes to jansson (facts carry a few). */
#define MAX_NUMBERS 64
/* Longer number tokens go to jansson too: cJSON reads at most 63 characters of a number. */
#define MAX_NUMBER_TEXT 48
/* Objects with more members than this go to jansson (duplicates are looked for pairwise). */
#define MAX_MEMBERS 64

typedef struct number_token {
  size_t at, len;
  bool real;
} number_token;

/* The JSON number grammar (RFC 8259), which jansson keeps to and cJSON does not ("01", "1.",
 * "1.e5"): the length of the number at s, or 0. */
static size_t number_length(const char *s, size_t len, bool *real)
{
  size_t j = 0;
  *real = false;
  if (j < len && s[j] == '-')
    j++;
  if (j < len && s[j] == '0')
    j++;
  else if (j < len && s[j] >= '1' && s[j] <= '9')
    while (j < len && s[j] >= '0' && s[j] <= '9')
      j++;
  else
    return 0;
  if (j < len && s[j] == '.') {
    j++;
    if (!(j < len && s[j] >= '0' && s[j] <= '9'))
      return 0;
    while (j < len && s[j] >= '0' && s[j] <= '9')
      j++;
    *real = true;
  }
  if (j < len && (s[j] == 'e' || s[j] == 'E')) {
    j++;
    if (j < len && (s[j] == '+' || s[j] == '-'))
      j++;
    if (!(j < len && s[j] >= '0' && s[j] <= '9'))
      return 0;
    while (j < len && s[j] >= '0' && s[j] <= '9')
      j++;
    *real = true;
  }
  /* A digit or a dot right after it: not one number to jansson, maybe one to cJSON. */
  if (j < len && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.'))
    return 0;
  return j;
}

static bool is_hex(char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex4(const char *s)
{
  unsigned v = 0;
  for (int k = 0; k < 4; k++)
    v = v * 16 + (unsigned)(s[k] <= '9' ? s[k] - '0' : (s[k] | 0x20) - 'a' + 10);
  return v;
}

/* The escape at s (a backslash) is one jansson reads: one of \" \\ \/ \b \f \n \r \t, or \u
 * and four hex digits, not \u0000 (jansson refuses it; cJSON would cut the string there).
 * cJSON is laxer with the digits. */
static bool escape_ok(const char *s, size_t len)
{
  if (len < 2)
    return false;
  if (strchr("\"\\/bfnrt", s[1]) != NULL && s[1] != '\0')
    return true;
  if (s[1] != 'u' || len < 6)
    return false;
  for (int k = 2; k < 6; k++)
    if (!is_hex(s[k]))
      return false;
  return memcmp(s + 2, "0000", 4) != 0;
}

/* Everything jansson's lexer refuses and cJSON's lets through, outside the parse itself: bytes
 * outside strings other than JSON's white space, structure, literals' letters and numbers;
 * control characters and escaped NULs inside strings. Collects the numbers in order. */
static bool scan(const char *s, size_t len, number_token *nums, size_t *n_nums)
{
  *n_nums = 0;
  size_t i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"') {
      for (i++;; i++) {
        if (i >= len)
          return false;
        c = (unsigned char)s[i];
        if (c == '"')
          break;
        if (c < 0x20)
          return false;
        if (c != '\\')
          continue;
        if (!escape_ok(s + i, len - i))
          return false;
        if (s[i + 1] != 'u') {
          i++;
          continue;
        }
        /* A surrogate only as the first of a pair, as jansson reads them. */
        unsigned cp = hex4(s + i + 2);
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          return false;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (!(len - i >= 12 && s[i + 6] == '\\' && escape_ok(s + i + 6, len - i - 6) &&
                s[i + 7] == 'u' && hex4(s + i + 8) >= 0xDC00 && hex4(s + i + 8) <= 0xDFFF))
            return false;
          i += 6;
        }
        i += 5;
      }
      i++;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      bool real;
      size_t n = number_length(s + i, len - i, &real);
      if (n == 0 || n > MAX_NUMBER_TEXT || *n_nums == MAX_NUMBERS)
        return false;
      nums[(*n_nums)++] = (number_token){i, n, real};
      i += n;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '{' || c == '}' ||
               c == '[' || c == ']' || c == ',' || c == ':' || (c >= 'a' && c <= 'z')) {
      i++;
    } else {
      return false;
    }
  }
  return true;
}

/* jansson's jsonp_dtostr with its default precision (17): "%.17g", ".0" added when the text
 * would read back as an integer, the exponent's '+' and leading zeros dropped. */
static void real_text(double v, char *out, size_t size)
{
  int n = snprintf(out, size, "%.17g", v);
  size_t length = n > 0 ? (size_t)n : 0;
  if (strchr(out, '.') == NULL && strchr(out, 'e') == NULL && length + 3 <= size) {
    memcpy(out + length, ".0", 3);
    length += 2;
  }
  char *start = strchr(out, 'e');
  if (start) {
    start++;
    char *end = start + 1;
    if (*start == '-')
      start++;
    while (*end == '0')
      end++;
    if (end != start)
      memmove(start, end, length - (size_t)(end - out) + 1);
  }
}

/* The text jansson writes for this number token, or false when jansson refuses it. */
static bool number_text(const char *s, const number_token *t, char out[64])
{
  char tok[MAX_NUMBER_TEXT + 1];
  memcpy(tok, s + t->at, t->len);
  tok[t->len] = '\0';
  errno = 0;
  if (!t->real) {
    long long v = strtoll(tok, NULL, 10);
    if (errno == ERANGE)
      return false; /* "too big integer" */
    snprintf(out, 64, "%lld", v);
    return true;
  }
  double v = strtod(tok, NULL);
  if ((v == HUGE_VAL || v == -HUGE_VAL) && errno == ERANGE)
    return false; /* "real number overflow" */
  real_text(v, out, 64);
  return true;
}

typedef struct marking {
  const char *text;
  const number_token *nums;
  size_t n_nums, next;
} marking;

/* Walk the tree in document order: give each number its token's canonical text, and refuse
 * duplicate keys (jansson's JSON_REJECT_DUPLICATES). */
static bool mark(cJSON *item, marking *m)
{
  if (cJSON_IsNumber(item)) {
    char num[64];
    if (m->next == m->n_nums || !number_text(m->text, &m->nums[m->next++], num))
      return false;
    size_t n = strlen(num) + 1;
    item->valuestring = cJSON_malloc(n);
    if (item->valuestring == NULL)
      return false;
    memcpy(item->valuestring, num, n);
    return true;
  }
  if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
    return true;
  int members = 0;
  for (cJSON *c = item->child; c; c = c->next) {
    if (cJSON_IsObject(item)) {
      if (++members > MAX_MEMBERS)
        return false;
      for (const cJSON *d = item->child; d != c; d = d->next)
        if (strcmp(d->string, c->string) == 0)
          return false;
    }
    if (!mark(c, m))
      return false;
  }
  return true;
}

cJSON *hk_cjson_read_as_jansson(const char *text, size_t len)
{
  number_token nums[MAX_NUMBERS];
  size_t n_nums = 0;
  if (!scan(text, len, nums, &n_nums) || !hk_utf8_valid(text, len))
    return NULL;
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (root == NULL)
    return NULL;
  while (end && (size_t)(end - text) < len &&
         (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
    end++;
  marking m = {text, nums, n_nums, 0};
  if (end == NULL || (size_t)(end - text) != len || !cJSON_IsObject(root) || !mark(root, &m) ||
      m.next != n_nums) {
    cJSON_Delete(root);
    return NULL;
  }
  return root;
}

/* ---- writing ---- */

/* As jansson's dump_string without flags: '"', '\\' and control characters escaped (the usual
 * short forms, else \u00XX in upper case), everything else as it is, UTF-8 included. */
static void put_string(hk_text *b, const char *s)
{
  hk_text_put(b, "\"", 1);
  const char *run = s;
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch >= 0x20 && ch != '"' && ch != '\\')
      continue;
    hk_text_put(b, run, (size_t)(s - run));
    char esc[8];
    switch (ch) {
    case '"':
      hk_text_put(b, "\\\"", 2);
      break;
    case '\\':
      hk_text_put(b, "\\\\", 2);
      break;
    case '\b':
      hk_text_put(b, "\\b", 2);
      break;
    case '\f':
      hk_text_put(b, "\\f", 2);
      break;
    case '\n':
      hk_text_put(b, "\\n", 2);
      break;
    case '\r':
      hk_text_put(b, "\\r", 2);
      break;
    case '\t':
      hk_text_put(b, "\\t", 2);
      break;
    default:
      snprintf(esc, sizeof esc, "\\u%04X", ch);
      hk_text_put(b, esc, 6);
      break;
    }
    run = s + 1;
  }
  hk_text_put(b, run, (size_t)(s - run));
  hk_text_put(b, "\"", 1);
}

/* Relink an object's members in key order (strcmp, as JSON_SORT_KEYS; keys are distinct).
 * Insertion sort: a fact has a handful of members. */
static void sort_members(cJSON *obj)
{
  cJSON *sorted = NULL;
  for (cJSON *c = obj->child, *next; c; c = next) {
    next = c->next;
    cJSON **at = &sorted;
    while (*at && strcmp((*at)->string, c->string) < 0)
      at = &(*at)->next;
    c->next = *at;
    *at = c;
  }
  /* cJSON's convention: each prev is the member before, the first's is the last. */
  cJSON *prev = NULL;
  for (cJSON *c = sorted; c; c = c->next) {
    c->prev = prev;
    prev = c;
  }
  if (sorted)
    sorted->prev = prev;
  obj->child = sorted;
}

static bool write_item(hk_text *b, cJSON *item)
{
  if (cJSON_IsFalse(item))
    hk_text_put(b, "false", 5);
  else if (cJSON_IsTrue(item))
    hk_text_put(b, "true", 4);
  else if (cJSON_IsNull(item))
    hk_text_put(b, "null", 4);
  else if (cJSON_IsNumber(item)) {
    if (item->valuestring == NULL)
      return false;
    hk_text_put(b, item->valuestring, strlen(item->valuestring));
  } else if (cJSON_IsString(item))
    put_string(b, item->valuestring);
  else if (cJSON_IsArray(item)) {
    hk_text_put(b, "[", 1);
    for (cJSON *c = item->child; c; c = c->next) {
      if (c != item->child)
        hk_text_put(b, ",", 1);
      if (!write_item(b, c))
        return false;
    }
    hk_text_put(b, "]", 1);
  } else if (cJSON_IsObject(item)) {
    sort_members(item);
    hk_text_put(b, "{", 1);
    for (cJSON *c = item->child; c; c = c->next) {
      if (c != item->child)
        hk_text_put(b, ",", 1);
      put_string(b, c->string);
      hk_text_put(b, ":", 1);
      if (!write_item(b, c))
        return false;
    }
    hk_text_put(b, "}", 1);
  } else
    return false;
  return true;
}

char *hk_cjson_canonical(cJSON *item)
{
  hk_text b = {0};
  if (!write_item(&b, item) || b.failed) {
    free(b.s);
    return NULL;
  }
  return b.s;
}
