#ifndef HK_CORE_PERSON_JSON_H
#define HK_CORE_PERSON_JSON_H

/* Reading and writing hk_person as JSON (jansson), with errors that name the field:
 * "residence[0].to: ends before it starts". Unknown fields are errors, so nothing a caller
 * sends is silently dropped and an import followed by an export loses nothing. */

#include <jansson.h>

#include "core/error.h"
#include "core/person.h"

typedef enum hk_person_json_mode {
  HK_PJ_RECORD,   /* an import/export line: the person plus "name" and "relatives" links */
  HK_PJ_PERSON,   /* a situation's "person" */
  HK_PJ_RELATIVE, /* an entry of a situation's "relatives": the person plus relation, consents */
} hk_person_json_mode;

/* Parse obj into *out (reset first; list capacity is reused). Birth dates after `today` make
 * the ID number invalid. On failure returns HK_EINVAL (or HK_ENOMEM) with err->field relative to
 * obj ("residence[0].from"); *out is then unspecified but safe to reset or clear. */
hk_status hk_person_from_json(const json_t *obj, hk_person_json_mode mode, hk_date today,
                              hk_person *out, hk_error *err);

/* The same from JSON text (one object, nothing after it). The bulk import path. */
hk_status hk_person_parse(const char *text, size_t len, hk_person_json_mode mode, hk_date today,
                          hk_person *out, hk_error *err);

struct cJSON;
/* The same from a tree cJSON has read (for a caller that has one already: the bulk facts
 * import reads each line once). obj's strings must hold no NUL that the text escaped. */
hk_status hk_person_read(const struct cJSON *obj, hk_person_json_mode mode, hk_date today,
                         hk_person *out, hk_error *err);

/* A new JSON object for p (caller owns the reference), or NULL when memory runs out. */
json_t *hk_person_to_json(const hk_person *p, hk_person_json_mode mode);

#endif
