#ifndef HK_STORE_STORE_HOUSEHOLD_H
#define HK_STORE_STORE_HOUSEHOLD_H

/* Households and hukou moves in the store (schema version 4). A household row carries its
 * number (户号), kind, county, head, address, what a collective household belongs to (its
 * owner: a unit, a community, the talent service agency, as the small integers of
 * service/household.h, identified within the county by owner_code) and when it was created and
 * dissolved. A person's hukou is a history: a move closes the open row (valid_to, and why it
 * ended) and opens the next one in another household; the open row is the registration.
 * Every call runs inside the caller's transaction, like the rest of store.h. */

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/error.h"
#include "core/person.h"
#include "store/store.h"

#define HK_OWNER_CODE_MAX 63
#define HK_OWNER_NAME_MAX 127

typedef struct hk_household_row {
  int64_t id;                             /* assigned by household_insert */
  char number[HK_HOUSEHOLD_NO_MAX + 1];   /* 户号; "" for an imported household without one */
  int kind;                               /* hk_household_kind */
  int32_t division;                       /* the county it is registered in */
  int64_t head_person;                    /* person row of the head; 0: none */
  int owner;                              /* collective: hk_hh_owner; 0 for a family */
  char owner_code[HK_OWNER_CODE_MAX + 1]; /* the owner within the county; "" when none */
  char owner_name[HK_OWNER_NAME_MAX + 1]; /* its name, for people */
  char address[HK_ADDRESS_MAX + 1];       /* "" when not recorded (imported households) */
  hk_tri urban;                           /* unset for imported households */
  hk_date created_on;                     /* HK_DATE_NONE when not recorded */
  hk_date dissolved_on;                   /* HK_DATE_NONE while it exists */
} hk_household_row;

/* Insert a household; row->id receives its id. HK_EDUPLICATE when the number is taken. */
hk_status hk_store_household_insert(hk_store *st, hk_household_row *row, hk_error *err);

/* Read a household by id (number NULL) or by number (id 0) into *out. With `lock` the row
 * stays locked until the transaction ends (PostgreSQL: FOR UPDATE; SQLite's write transactions
 * are exclusive already). HK_ENOTFOUND when there is none. */
hk_status hk_store_household_get(hk_store *st, int64_t id, const char *number, bool lock,
                                 hk_household_row *out, hk_error *err);

/* The collective household (not dissolved) of `owner` identified by owner_code in `division`;
 * HK_ENOTFOUND when it has none yet. */
hk_status hk_store_household_find_owner(hk_store *st, int owner, int32_t division,
                                        const char *owner_code, bool lock, hk_household_row *out,
                                        hk_error *err);

/* Write head_person, address, owner_name, urban and dissolved_on of household row->id.
 * HK_ENOTFOUND when there is none. */
hk_status hk_store_household_update(hk_store *st, const hk_household_row *row, hk_error *err);

/* How many household numbers begin with prefix (a new number's sequence starts past it). */
hk_status hk_store_household_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                          hk_error *err);

/* A current member: a person whose open hukou row is in the household. */
typedef struct hk_member_row {
  int64_t person_id;
  char id_number[HK_IDNUM_LEN + 1];
  char name[HK_NAME_MAX + 1];
  hk_date birth_date;
  hk_tri urban;
  hk_date since; /* the open row's valid_from; HK_DATE_NONE when imported without one */
} hk_member_row;

/* Call cb for each current member of the household in person-row order; the row is lent for
 * the duration of the call. A status other than HK_OK from cb stops the walk. */
typedef hk_status (*hk_member_cb)(const hk_member_row *m, void *cls, hk_error *err);
hk_status hk_store_household_members(hk_store *st, int64_t household_id, hk_member_cb cb, void *cls,
                                     hk_error *err);

/* How a hukou row ended (the `ended` column). */
typedef enum hk_hukou_end {
  HK_HUKOU_END_NONE,  /* open, or closed before the registry recorded why */
  HK_HUKOU_END_MOVED, /* the person moved to another household (户口迁移, 分户, ...) */
  HK_HUKOU_END_DIED,  /* 死亡注销 */
  HK_HUKOU_END_COUNT
} hk_hukou_end;

/* A person's open hukou row. */
typedef struct hk_hukou_row {
  int64_t person_id;
  int32_t seq;
  int64_t household_id;
  int32_t division;
  hk_tri urban;
  hk_date valid_from; /* HK_DATE_NONE when imported without one */
} hk_hukou_row;

/* The person's open hukou row; HK_ENOTFOUND when they have none (never registered, moved out of
 * the registry's reach, or dead). */
hk_status hk_store_hukou_current(hk_store *st, int64_t person_id, hk_hukou_row *out, hk_error *err);

/* Close the person's open hukou row on `on` (valid_to), recording why (hk_hukou_end).
 * HK_ENOTFOUND when there is no open row. */
hk_status hk_store_hukou_close(hk_store *st, int64_t person_id, hk_date on, int ended,
                               hk_error *err);

/* Open the person's next hukou row (seq one past their last) in household_id from `on`.
 * HK_ECONFLICT when a row is still open: close it first (or use hk_store_hukou_move). */
hk_status hk_store_hukou_open(hk_store *st, int64_t person_id, int64_t household_id,
                              int32_t division, hk_tri urban, hk_date on, hk_error *err);

/* A move: close the open row (if any) as HK_HUKOU_END_MOVED on `on` and open the next one in
 * household_id. */
hk_status hk_store_hukou_move(hk_store *st, int64_t person_id, int64_t household_id,
                              int32_t division, hk_tri urban, hk_date on, hk_error *err);

/* Record a person's death (person.died_on). HK_ENOTFOUND when there is no such row. */
hk_status hk_store_person_set_died(hk_store *st, int64_t person_id, hk_date died_on, hk_error *err);

#endif
