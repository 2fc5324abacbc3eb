#ifndef HK_CORE_JSON_CANON_H
#define HK_CORE_JSON_CANON_H

/* JSON read with cJSON and written as jansson writes it.
 *
 * A fact is kept as jansson's canonical text (json_dumps with JSON_COMPACT | JSON_SORT_KEYS),
 * and a re-delivery is recognised by comparing that text byte for byte. The bulk path
 * (`hukou facts import`) reads its lines with cJSON, which is several times cheaper than
 * jansson, so it must produce the very same text from cJSON's tree. cJSON reads more than
 * jansson does (leading zeros, a byte-order mark, raw control characters, duplicate keys, any
 * byte as white space, invalid UTF-8) and keeps numbers only as doubles, so the reader here
 * takes a line only when jansson would read it as the same document, and keeps each number's
 * canonical text; otherwise the caller falls back to jansson, for its exact verdict. */

#include <stddef.h>

struct cJSON;

/* The object in text[0..len), read by cJSON, or NULL when jansson's json_loadb (with
 * JSON_REJECT_DUPLICATES) might read it otherwise, refuse it, or say so in other words: not
 * one object, a number jansson refuses (an integer beyond 64 bits, a real that overflows) or
 * writes from more than cJSON keeps, a duplicate key, an escaped NUL, a control character,
 * invalid UTF-8, too deep or too many numbers. Free with cJSON_Delete. Every number node
 * carries, in valuestring, the text jansson writes for it. */
struct cJSON *hk_cjson_read_as_jansson(const char *text, size_t len);

/* The compact text of item, members of every object sorted by key, byte for byte what
 * json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) writes for jansson's reading of the same input.
 * item must come from hk_cjson_read_as_jansson; its objects' members are left sorted (so a
 * reader walking the tree afterwards meets them in the order of the kept text). malloc'ed;
 * NULL when memory runs out or item holds a number that reader did not mark. */
char *hk_cjson_canonical(struct cJSON *item);

#endif
