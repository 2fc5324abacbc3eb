#ifndef HK_CORE_UTF8_H
#define HK_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Is s[0..len) well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
 * U+10FFFF)? Free text that we store must be, or it could not be written back as JSON. */
bool hk_utf8_valid(const char *s, size_t len);

#endif
