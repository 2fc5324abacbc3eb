#ifndef HK_CORE_TEXT_H
#define HK_CORE_TEXT_H

/* A growing NUL-terminated text, for output written piece by piece (canonical JSON, event
 * payloads) without building a tree to dump. Start from {0}; a failed allocation sets failed
 * and makes later appends no-ops, so a writer checks once at the end; free(t.s) when done. */

#include <stdbool.h>
#include <stddef.h>

typedef struct hk_text {
  char *s;
  size_t n, cap;
  bool failed;
} hk_text;

void hk_text_put(hk_text *t, const char *s, size_t len);
void hk_text_str(hk_text *t, const char *s);

#endif
