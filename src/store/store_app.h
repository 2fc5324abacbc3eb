#ifndef HK_STORE_STORE_APP_H
#define HK_STORE_STORE_APP_H

/* Applications and residence permits in the store (schema version 3). The store keeps rows; what
 * the kinds and states mean is the service's business (service/app.h, service/permit.h), so
 * they travel here as small integers and the application itself as a JSON document (its steps,
 * the engine's answers, the channel): a decision stays explainable after the policy changed.
 * Every call runs inside the caller's transaction, like the rest of store.h. */

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/error.h"
#include "store/store.h"

typedef struct hk_app_row {
  int64_t id;        /* assigned by app_insert */
  int64_t person_id; /* the applicant's person row */
  int kind;          /* hk_app_kind */
  int32_t target;    /* the county applied to, which decides */
  int state;         /* hk_app_state */
  hk_date submitted_on;
  hk_date due_on; /* HK_DATE_NONE: no deadline running */
  char *doc;      /* the application as JSON; owned (malloc) after app_get, borrowed otherwise */
} hk_app_row;

/* Which applications to list. Zero fields select everything. */
typedef struct hk_app_filter {
  int32_t target_lo, target_hi; /* targets in [lo, hi]; both 0: any */
  int64_t person_id;            /* 0: anyone's */
  uint32_t state_mask;          /* bit (1 << state); 0: any state */
  hk_date due_before;           /* 0 or HK_DATE_NONE: any; else due_on < due_before */
  uint32_t limit;               /* 0: no limit */
} hk_app_filter;

/* Insert a new application; row->id receives its id. */
hk_status hk_store_app_insert(hk_store *st, hk_app_row *row, hk_error *err);

/* Read one application into *out (out->doc malloc'd: free it). With `lock`, the row stays
 * locked until the transaction ends, so two officers acting on one application take turns
 * (PostgreSQL: SELECT ... FOR UPDATE; SQLite's write transactions are exclusive already).
 * HK_ENOTFOUND when there is none. */
hk_status hk_store_app_get(hk_store *st, int64_t id, bool lock, hk_app_row *out, hk_error *err);

/* Write state, due_on and doc of application row->id. HK_ENOTFOUND when there is none. */
hk_status hk_store_app_update(hk_store *st, const hk_app_row *row, hk_error *err);

/* Call cb for each application the filter selects, in id order; the row (and its doc) is lent
 * for the duration of the call. A status other than HK_OK from cb stops the walk. */
typedef hk_status (*hk_app_cb)(const hk_app_row *row, void *cls, hk_error *err);
hk_status hk_store_app_each(hk_store *st, const hk_app_filter *f, hk_app_cb cb, void *cls,
                            hk_error *err);

/* A residence permit (三): its number, holder and current county. The validity periods are the
 * holder's residence_permits history (hk_person), which the engine reads. */
#define HK_PERMIT_NUMBER_MAX 31
typedef struct hk_permit_row {
  char number[HK_PERMIT_NUMBER_MAX + 1];
  int64_t person_id;
  int32_t division; /* the county where it is held now (changes on recognition) */
  hk_date issued_on;
  int64_t application_id; /* 0 when none */
  hk_date ended_on;       /* schema 7: ended for good on this day; HK_DATE_NONE while not */
  int ended;              /* hk_permit_end_reason (service/permit.h); 0 while not ended */
} hk_permit_row;

/* HK_EDUPLICATE when the number is taken. */
hk_status hk_store_permit_insert(hk_store *st, const hk_permit_row *row, hk_error *err);
/* The person's most recently issued permit; HK_ENOTFOUND when they have none. */
hk_status hk_store_permit_latest(hk_store *st, int64_t person_id, hk_permit_row *out,
                                 hk_error *err);
hk_status hk_store_permit_set_division(hk_store *st, const char *number, int32_t division,
                                       hk_error *err);
/* How many permit numbers begin with prefix (the next number's sequence is this plus one). */
hk_status hk_store_permit_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                       hk_error *err);

#endif
