#ifndef HK_STORE_STORE_FACT_H
#define HK_STORE_STORE_FACT_H

/* Facts with provenance (schema version 6, issue 10): a ledger of what was asserted about a
 * person, by whom and how (declared by the resident, verified by an officer, sent by the
 * department that owns it), never overwritten. A correction is a new entry that names the one
 * it supersedes; the old entry stays and is marked superseded by the new one. What the kinds and
 * sources mean is the service's business (service/facts.h): here they are small integers and the
 * fact itself a JSON document. Every call runs inside the caller's transaction. */

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/error.h"
#include "store/store.h"

typedef struct hk_fact_row {
  int64_t id;             /* the entry number, assigned by fact_insert */
  int64_t person_id;      /* the person's row */
  int kind;               /* hk_fact_kind */
  int source;             /* hk_fact_source */
  const char *actor;      /* the account that asserted it */
  const char *department; /* the sending department ("" unless sent by one) */
  const char *delivery;   /* the department's delivery id (NULL or "": none) */
  const char *at;         /* UTC time it was recorded */
  hk_date recorded_on;    /* the day it counts from in the registry (the service's "today") */
  const char *reason;     /* why (corrections, verifications); "" none */
  int64_t supersedes;     /* the entry it corrects or verifies; 0 none */
  int32_t supersedes_row; /* or the imported row of this kind it corrects (its index); -1 none */
  int64_t superseded_by;  /* the entry that took its place; 0 while in force */
  const char *doc;        /* the fact as JSON */
} hk_fact_row;

/* Insert a new entry; row->id receives its number. HK_EDUPLICATE when (department, delivery)
 * was already recorded: nothing is inserted and the transaction goes on (no failed statement,
 * so PostgreSQL does not abort it). */
hk_status hk_store_fact_insert(hk_store *st, hk_fact_row *row, hk_error *err);

/* Mark entry `old_id` superseded by `new_id`. HK_ENOTFOUND when there is no such entry,
 * HK_ECONFLICT when it is already superseded. */
hk_status hk_store_fact_supersede(hk_store *st, int64_t old_id, int64_t new_id, hk_error *err);

/* The entries of one person in entry order (person_id 0: of everyone, by person then entry),
 * each lent to cb for the duration of the call. A status other than HK_OK from cb stops the
 * walk. */
typedef hk_status (*hk_fact_cb)(const hk_fact_row *row, void *cls, hk_error *err);
hk_status hk_store_fact_each(hk_store *st, int64_t person_id, hk_fact_cb cb, void *cls,
                             hk_error *err);

/* The entry a department recorded under a delivery id, lent to cb; HK_ENOTFOUND when none. */
hk_status hk_store_fact_by_delivery(hk_store *st, const char *department, const char *delivery,
                                    hk_fact_cb cb, void *cls, hk_error *err);

/* ---- the officer's worklist (schema version 10) ---- */

/* Declared entries still in force (not verified, not corrected: nothing superseded them) whose
 * person's hukou in force or active residence registration lies in [lo, hi] (0, 0: everywhere),
 * of one kind or any (kind 0), oldest first: a page of at most limit entries after entry
 * `after`. The partial index fact_declared holds exactly these entries, so a page reads the
 * entries waiting, never the ledger. */
typedef struct hk_fact_waiting_query {
  int32_t lo, hi;
  int kind;      /* hk_fact_kind; 0 any */
  int64_t after; /* entry number: the page starts after it; 0 from the start */
  uint32_t limit;
} hk_fact_waiting_query;

/* An entry with its person, lent to the callback. */
typedef struct hk_fact_item {
  hk_fact_row row;       /* only id, person_id, kind, source, actor, at, recorded_on,
                            superseded_by and doc are read */
  const char *id_number; /* the person's, in full: the caller masks it */
  const char *name;
  int64_t materials; /* files attached behind the entry */
} hk_fact_item;

typedef hk_status (*hk_fact_item_cb)(const hk_fact_item *it, void *cls, hk_error *err);
hk_status hk_store_fact_waiting(hk_store *st, const hk_fact_waiting_query *q, hk_fact_item_cb cb,
                                void *cls, hk_error *err);

/* One entry with its person, whatever its state; HK_ENOTFOUND when there is no such entry. */
hk_status hk_store_fact_get(hk_store *st, int64_t entry, hk_fact_item_cb cb, void *cls,
                            hk_error *err);

#endif
