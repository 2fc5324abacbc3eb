#ifndef HK_STORE_STORE_CERT_H
#define HK_STORE_STORE_CERT_H

/* Electronic certificates (schema version 12, issue 12; service/certificate.h): one row per
 * certificate ever recorded. The row id is the certificate's index in the status list, so it is
 * unique without a counter of its own and the list is a scan of the table in id order. The
 * claims are kept as the canonical JSON they were recorded with, and the signed text (token)
 * once the certificate was first asked for. What types and statuses mean is the certificate
 * module's (cert/cert.h); here they are small integers. Every call runs inside the caller's
 * transaction. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert/cert.h"
#include "core/error.h"
#include "core/idnum.h"
#include "store/store.h"

typedef struct hk_cert_row {
  int64_t id;                       /* the status-list index */
  char cert_id[HK_CERT_ID_MAX + 1]; /* the identifier (unique) */
  int type;                         /* hk_cert_type */
  char person[HK_IDNUM_LEN + 1];    /* the holder's ID number */
  int32_t issuer;                   /* the issuing county */
  int64_t issued_at, valid_from;    /* Unix seconds */
  int64_t valid_until;              /* Unix seconds; 0 when it does not expire */
  char *claims;                     /* canonical JSON of the claims (owned on read) */
  char *token;                      /* the signed HKC1: text; NULL until first signed */
  char kid[HK_CERT_KID_HEX + 1];    /* the key that signed it; "" until signed */
  int status;                       /* hk_cert_status */
  char status_reason[64];           /* "superseded", "ended", "moved", "died", ... */
  int64_t status_at;                /* Unix seconds of the last change; 0 never */
  char source[64];                  /* what gave rise to it: a permit number, "request", ... */
} hk_cert_row;

/* Free what a read allocated (claims, token) and zero them. */
void hk_cert_row_clear(hk_cert_row *row);

/* The index the next certificate takes (one past the largest). Two transactions drawing the
 * same one collide on insert: HK_EDUPLICATE, and the loser runs again. */
hk_status hk_store_cert_next_index(hk_store *st, int64_t *index, hk_error *err);

/* Insert a row (row->id from hk_store_cert_next_index; token NULL). HK_EDUPLICATE when the
 * index or identifier is taken. */
hk_status hk_store_cert_insert(hk_store *st, const hk_cert_row *row, hk_error *err);

/* One certificate by identifier into *out (claims and token owned by it: hk_cert_row_clear).
 * HK_ENOTFOUND when there is none. */
hk_status hk_store_cert_get(hk_store *st, const char *cert_id, hk_cert_row *out, hk_error *err);

/* The certificates of one holder, newest first, each lent to cb for the call. */
typedef hk_status (*hk_cert_row_cb)(const hk_cert_row *row, void *cls, hk_error *err);
hk_status hk_store_cert_each_person(hk_store *st, const char *person, hk_cert_row_cb cb, void *cls,
                                    hk_error *err);

/* Change one certificate's status with its reason and time. HK_ENOTFOUND when no such index. */
hk_status hk_store_cert_set_status(hk_store *st, int64_t id, int status, const char *reason,
                                   int64_t at, hk_error *err);

/* Keep the signed text once made. Only a row never signed takes it (a concurrent signer's
 * identical text is left as it is). */
hk_status hk_store_cert_set_token(hk_store *st, int64_t id, const char *token, const char *kid,
                                  hk_error *err);

/* Every index's status, for the status list: *statuses[i] for index i (0 unused, valid),
 * *n one past the largest index. Caller frees *statuses. */
hk_status hk_store_cert_statuses(hk_store *st, uint8_t **statuses, size_t *n, hk_error *err);

#endif
