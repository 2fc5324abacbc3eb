#ifndef HK_STORE_STORE_MATERIAL_H
#define HK_STORE_STORE_MATERIAL_H

/* Materials (issue 10): the files residents and officers attach to an application's step or to
 * a person's declaration or fact entry (a lease, a labour contract, a degree, a birth medical
 * certificate). Schema version 9. The content is kept once per SHA-256 in material_blob, outside
 * the event rows and the application documents; a material row is the metadata of one
 * attachment and names its content by hash, so the same file attached twice is stored once.
 * What the types and steps mean is the service's (service/material.h). Every call runs inside
 * the caller's transaction, like the rest of store.h. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/store.h"
#include "store/store_auth.h"

#define HK_MATERIAL_NAME_MAX 255 /* bytes of the sanitised file name (UTF-8) */
#define HK_MEDIA_TYPE_MAX 63
#define HK_MATERIAL_STEP_MAX 23
#define HK_MATERIAL_FACT_MAX 47

typedef struct hk_material_row {
  int64_t id; /* assigned by material_insert */
  uint8_t sha256[HK_HASH_LEN];
  int64_t size;
  char media_type[HK_MEDIA_TYPE_MAX + 1]; /* as found in the content: "application/pdf" */
  char name[HK_MATERIAL_NAME_MAX + 1];    /* the original file name, sanitised */
  char uploaded_by[64];                   /* the account */
  char uploaded_at[HK_STAMP_LEN];         /* UTC, "2024-06-01T08:00:00.123Z" */
  int64_t person_id;                      /* whom it concerns: the applicant, the declarant */
  int64_t application_id;                 /* 0: not attached to an application */
  char step[HK_MATERIAL_STEP_MAX + 1];    /* the step it goes with ("submit", "supply_material") */
  int step_index; /* its place in the application's steps once a step took it; -1 not yet */
  char fact[HK_MATERIAL_FACT_MAX + 1]; /* a declaration or fact entry ("housing/2"); "" none */
} hk_material_row;

/* Keep content under its SHA-256 unless it is kept already (*added says which). The hash is
 * the caller's: the service computes it over the same bytes. */
hk_status hk_store_material_blob_put(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                     const uint8_t *data, size_t size, bool *added, hk_error *err);
/* The content kept under sha256 (*data malloc'd: free it). HK_ENOTFOUND when there is none. */
hk_status hk_store_material_blob_get(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                     uint8_t **data, size_t *size, hk_error *err);

/* Insert the metadata of one attachment; row->id receives its id. */
hk_status hk_store_material_insert(hk_store *st, hk_material_row *row, hk_error *err);
/* One attachment; HK_ENOTFOUND when there is none. */
hk_status hk_store_material_get(hk_store *st, int64_t id, hk_material_row *out, hk_error *err);

/* Which attachments to walk: an application's, or a person's (0: not a condition). */
typedef struct hk_material_filter {
  int64_t application_id;
  int64_t person_id;
} hk_material_filter;
typedef hk_status (*hk_material_cb)(const hk_material_row *row, void *cls, hk_error *err);
/* In id order; the row is lent for the call. A status other than HK_OK from cb stops the walk. */
hk_status hk_store_material_each(hk_store *st, const hk_material_filter *f, hk_material_cb cb,
                                 void *cls, hk_error *err);

/* Record that step number step_index of the application took attachment id. HK_ENOTFOUND. */
hk_status hk_store_material_set_step(hk_store *st, int64_t id, int step_index, hk_error *err);

#endif
