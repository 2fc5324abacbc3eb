#ifndef HK_CORE_ERROR_H
#define HK_CORE_ERROR_H

/* One status enum for the whole project, generated from errors.def, so that the enum, the
 * HTTP status, the JSON code and the messages cannot drift apart. */

#include <stddef.h>

typedef enum hk_status {
#define HK_ERR(name, http, code, zh, en) HK_##name,
#include "core/errors.def"
#undef HK_ERR
  HK_STATUS_COUNT
} hk_status;

/* Filled by a callee that fails; callers may pass NULL when they only need the status.
 * Neither text ever contains a full ID number (see hk_idnum_mask). */
typedef struct hk_error {
  hk_status code;
  char field[160];  /* the offending field, e.g. "person.residence[0].from"; "" if none */
  char detail[320]; /* what is wrong with it, in English, e.g. "not a date" */
  /* The same in Chinese where the callee wrote one (hk_error_set_zh), else "": a refusal a
   * resident reads (an ineligible application) is a sentence in both languages. */
  char detail_zh[768];
} hk_error;

/* Record code, field and detail in *err (when err != NULL) and return code, so that
 * "return hk_error_set(err, HK_EINVAL, "as_of", "not a date");" reads as one statement.
 * field may be NULL. */
hk_status hk_error_set(hk_error *err, hk_status code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Add the Chinese sentence of the detail just set by hk_error_set; returns err->code. */
hk_status hk_error_set_zh(hk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* hk_error_set with both sentences at once: zh and en are two formats of the same arguments, in
 * the same order (both are checked), for a refusal a person reads (issue 10). */
hk_status hk_error_set_both(hk_error *err, hk_status code, const char *field, const char *zh,
                            const char *en, ...)
    __attribute__((format(printf, 4, 6), format(printf, 5, 6)));

/* Prefix err->field with prefix and a dot or bracket as needed ("person" + "id_number" gives
 * "person.id_number"; "relatives" + "[2].x" gives "relatives[2].x"). */
void hk_error_prefix(hk_error *err, const char *prefix);

int hk_status_http(hk_status s);
const char *hk_status_code(hk_status s);       /* stable JSON code, "invalid_argument" */
const char *hk_status_message(hk_status s);    /* Chinese */
const char *hk_status_message_en(hk_status s); /* English */

/* "field: detail" (or the English message when the detail is empty) into buf. */
const char *hk_error_text(const hk_error *err, char *buf, size_t size);
/* The same in Chinese: "field: detail_zh", falling back to hk_error_text when none was set. */
const char *hk_error_text_zh(const hk_error *err, char *buf, size_t size);

#endif
