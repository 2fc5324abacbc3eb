#ifndef HK_SERVICE_REGISTRY_IO_H
#define HK_SERVICE_REGISTRY_IO_H

/* Bulk import and export of persons as JSON lines: one person per line with the field names of
 * the eligibility contract's `person` object, plus `name` and `relatives` links
 * ([{"relation": "child", "id_number": "..."}]) to other lines or to persons already
 * registered. An import is one transaction with one "import" event: it loads everything or,
 * on the first bad line, nothing (unless bad lines are to be skipped, each then reported). */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "store/store.h"

#define HK_IMPORT_LINE_MAX (1 << 20) /* a longer line is an input error */

typedef struct hk_import_options {
  bool skip_bad;           /* skip (and report) bad lines instead of loading nothing */
  const char *actor;       /* who, for the event: "cli:root" */
  const char *source_name; /* the file, for the event and messages */
  hk_date today;           /* birth dates after it make an ID number invalid */
  /* Called for every bad line when skipping; err names the field. May be NULL. */
  void (*on_bad)(int64_t line, const hk_error *err, void *cls);
  /* Called every `progress_every` lines with the count so far. May be NULL. */
  void (*on_progress)(int64_t lines, void *cls);
  int64_t progress_every;
  void *cls;
} hk_import_options;

typedef struct hk_import_result {
  int64_t lines;    /* non-blank lines read */
  int64_t imported; /* persons loaded */
  int64_t skipped;  /* bad lines skipped (with skip_bad) */
  int64_t links;    /* relative links stored */
  int64_t bad_line; /* the line that stopped the import (without skip_bad), else 0 */
} hk_import_result;

/* Import the JSON lines of `in` into the store in one transaction. On failure nothing is
 * written, res->bad_line names the line and err the field ("residence[0].to"). */
hk_status hk_import_jsonl(hk_store *st, FILE *in, const hk_import_options *opt,
                          hk_import_result *res, hk_error *err);

/* Write every person as one JSON line, in registration order. *count receives the number. */
hk_status hk_export_jsonl(hk_store *st, FILE *out, int64_t *count, hk_error *err);

#endif
