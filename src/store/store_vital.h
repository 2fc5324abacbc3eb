#ifndef HK_STORE_STORE_VITAL_H
#define HK_STORE_STORE_VITAL_H

/* Births and deaths as registrations (schema version 7): what the registry keeps of each
 * besides the person and their hukou row. A birth keeps the birth medical certificate's number
 * (出生医学证明编号, unique among births) and the birthplace; a death keeps the county whose
 * officer registered it and the county the hukou was in, so that the record stays readable by
 * the offices that dealt with it after the hukou row is closed. Every call runs inside the
 * caller's transaction, like the rest of store.h. */

#include <stdint.h>

#include "core/date.h"
#include "core/error.h"
#include "store/store.h"

typedef enum hk_vital_kind { HK_VITAL_BIRTH = 1, HK_VITAL_DEATH = 2 } hk_vital_kind;

#define HK_CERTIFICATE_MAX 31
#define HK_PLACE_MAX 255

typedef struct hk_vital_row {
  int64_t person_id;
  int kind;                                 /* hk_vital_kind */
  char certificate[HK_CERTIFICATE_MAX + 1]; /* birth: 出生医学证明编号; death: "" */
  int32_t place_division;                   /* birth: the county born in; 0 when unknown */
  char place[HK_PLACE_MAX + 1];             /* birth: the hospital or address */
  int32_t division;                         /* the county whose officer registered it */
  int32_t hukou_division;                   /* the hukou county at the time; 0: none */
  hk_date registered_on;
} hk_vital_row;

/* HK_EDUPLICATE when the person already has one of this kind, or (births) the certificate
 * number is already recorded. */
hk_status hk_store_vital_insert(hk_store *st, const hk_vital_row *row, hk_error *err);
/* HK_ENOTFOUND when there is none. */
hk_status hk_store_vital_get(hk_store *st, int64_t person_id, int kind, hk_vital_row *out,
                             hk_error *err);

/* A residence permit ended for good on `on` (settled in its city, died): hk_permit_end_reason. */
hk_status hk_store_permit_end(hk_store *st, const char *number, hk_date on, int reason,
                              hk_error *err);

#endif
