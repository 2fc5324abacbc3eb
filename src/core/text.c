/* text.c — a growing text (text.h). */
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

void hk_text_put(hk_text *t, const char *s, size_t len)
{
  if (t->failed)
    return;
  if (t->n + len + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->n + len + 1)
      cap *= 2;
    char *bigger = realloc(t->s, cap);
    if (bigger == NULL) {
      t->failed = true;
      return;
    }
    t->s = bigger;
    t->cap = cap;
  }
  memcpy(t->s + t->n, s, len);
  t->n += len;
  t->s[t->n] = '\0';
}

void hk_text_str(hk_text *t, const char *s)
{
  hk_text_put(t, s, strlen(s));
}
