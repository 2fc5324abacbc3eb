#ifndef HK_SERVICE_RESIDENCE_H
#define HK_SERVICE_RESIDENCE_H

/* Residence registration (居住登记), clause (一) and 《浙江省流动人口居住登记条例》: whoever lives
 * outside the county of their hukou (or outside their city's urban districts) declares where
 * they live, reports a change of address, and cancels when they leave. One registration is
 * active at a time; the history is kept: a change or a move closes the old period (and says how
 * it ended) and opens a new one. Late declarations are accepted and flagged, never refused. */

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/person.h"
#include "service/actor.h"
#include "store/store.h"

/* Deadlines in days: a declaration within 3 days of arrival (local practice, e.g. 磐安县 2024,
 * and 户口登记条例 Art.15); a change of address within 10 days (条例 Art.13). */
#define HK_RESIDENCE_DECLARE_DAYS 3
#define HK_RESIDENCE_CHANGE_DAYS 10

typedef enum hk_residence_op {
  HK_RES_DECLARE, /* a new registration; elsewhere in the same city it is a change */
  HK_RES_CHANGE,  /* a new address in the city of the active registration */
  HK_RES_CANCEL,  /* the person left */
} hk_residence_op;

typedef struct hk_residence_request {
  char id_number[HK_IDNUM_LEN + 1];
  int32_t division;                 /* declare/change: the county of the new address */
  hk_tri urban;                     /* declare/change: is the address urban */
  char address[HK_ADDRESS_MAX + 1]; /* declare/change */
  hk_date on;                       /* declare/change: moved in; cancel: left */
  hk_date declared_on;              /* the day it is reported */
  /* declare: the person's name, when the ID number is not in the registry yet (an arrival from
   * outside it): the person is then created from what the number gives (issue 10). "" none. */
  char name[HK_NAME_MAX + 1];
} hk_residence_request;

typedef enum hk_residence_outcome {
  HK_RES_DECLARED,  /* a first registration (or the first since the last one ended) */
  HK_RES_CHANGED,   /* the address changed within the city */
  HK_RES_MOVED,     /* a registration in another city replaced the active one */
  HK_RES_CANCELLED, /* the active registration ended */
} hk_residence_outcome;

typedef struct hk_residence_result {
  hk_residence_outcome outcome;
  bool late;
  hk_date deadline;          /* the last day it could be reported in time; 0 for a cancel */
  int32_t previous_division; /* the registration that ended, or 0 */
  uint32_t index;            /* the entry in person.residence that is now active (or ended) */
  bool created;              /* the person was created by this declaration (an arrival) */
} hk_residence_result;

/* The rules, on a person in memory: checks the request and changes p->residence. today bounds
 * the dates. Refusals: HK_EINVAL naming the field; HK_ECONFLICT when the current state does
 * not allow it (no active registration to change or cancel, one already at this address,
 * hukou in this county so no registration is needed). */
hk_status hk_residence_apply(hk_person *p, hk_residence_op op, const hk_residence_request *req,
                             hk_date today, hk_residence_result *out, hk_error *err);

/* The service: one transaction that locks the person, applies the rules, stores the result
 * and appends a "residence.declare|change|cancel" event; retried when the store reports a
 * write conflict. A declaration for an ID number the registry does not hold, with req->name,
 * first creates the person in the same transaction (event "person.arrive"): birth date and sex
 * from the number, the hukou place the number's origin division (outside Zhejiang: a Zhejiang
 * origin not in the registry is refused), a household of their own there. */
hk_status hk_residence_service(hk_store *st, const hk_actor *who, hk_residence_op op,
                               const hk_residence_request *req, hk_date today,
                               hk_residence_result *out, hk_error *err);

const char *hk_residence_op_name(hk_residence_op op);          /* "declare", ... */
const char *hk_residence_outcome_name(hk_residence_outcome o); /* "declared", ... */

/* (一): does living in `division` need a residence registration for someone whose hukou is
 * in `hukou_division` (0: none here)? Not in the hukou county, nor in another district (区) of
 * the same city's urban districts. */
bool hk_residence_needed(int32_t hukou_division, int32_t division);

#endif
