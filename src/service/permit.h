#ifndef HK_SERVICE_PERMIT_H
#define HK_SERVICE_PERMIT_H

/* Residence permits (居住证), clause (三) and 《浙江省流动人口居住登记条例》 Art.16-19.
 *
 * A permit is issued when an approved permit application is completed (app_service.h). It has
 * no fixed expiry: it is endorsed (签注) once a year, within the month before each anniversary
 * (Art.19). Its validity is the holder's residence_permits history, which the engine reads as
 * the permit run of clause (四):
 *   - issue:            [issue day, issue day + 1 year) in the target county;
 *   - endorse on time:  the next year [V, V + 1 year), adjacent, so the run goes on;
 *   - not endorsed by V: the permit is suspended (no period covers the days after V);
 *   - endorse late:     [that day, that day + 1 year): reinstated, and because of the gap the
 *                       run (and the residence-years count of Art.19) starts again that day;
 *   - recognise (三, mutual recognition) after the holder's residence registration moved to
 *                       another city: the period in the old city ends that day and one in the
 *                       new county runs to the same anniversary V.
 * Each year is its own period, so the history shows every endorsement; nothing is overwritten
 * except the end of a period that a recognition closes.
 *
 * Permit numbers: the real format is not public (research/policy-facts.md §3.4; the card carries
 * the holder's citizen number). Ours is "<county>-<year>-<6-digit sequence>", e.g.
 * "330402-2024-000017": the issuing county, the year of issue, the order of issue there. */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/error.h"
#include "core/person.h"
#include "policy/policy.h"
#include "service/actor.h"
#include "store/store.h"
#include "store/store_app.h"

typedef enum hk_permit_state {
  HK_PERMIT_NONE,      /* no validity period at all */
  HK_PERMIT_ACTIVE,    /* a period covers today */
  HK_PERMIT_SUSPENDED, /* no period covers today: endorsement overdue (Art.19) */
  HK_PERMIT_ENDED,     /* ended for good: the holder settled in its city, or died */
} hk_permit_state;

/* Why a permit ended for good (residence_permit.ended). */
typedef enum hk_permit_end_reason {
  HK_PERMIT_END_NONE,
  HK_PERMIT_END_SETTLED, /* the holder's hukou moved into the permit's city */
  HK_PERMIT_END_DIED,
} hk_permit_end_reason;
const char *hk_permit_end_name(int reason); /* "settled", "died"; NULL for none */

/* Where a person's permit stands today, from their residence_permits history. Active when any
 * period covers today: an on-time endorsement adds next year's period, which begins in the
 * future, while the current one still runs. */
typedef struct hk_permit_status {
  hk_permit_state state;
  int32_t division;     /* the county of the period covering today, else of the last period */
  hk_date valid_until;  /* V: the last period's end (exclusive); HK_DATE_OPEN if none set */
  hk_date window_opens; /* V - 1 month: the first day an endorsement is on time */
  uint32_t last;        /* index of the last period (latest start) in p->residence_permits */
  int32_t current;      /* index of the period covering today; -1 when none */
} hk_permit_status;

void hk_permit_status_of(const hk_person *p, hk_date today, hk_permit_status *out);
/* The same, with the permit's row: a permit ended for good (row->ended_on on or before today)
 * is HK_PERMIT_ENDED whatever its periods say. */
void hk_permit_status_row(const hk_person *p, const hk_permit_row *row, hk_date today,
                          hk_permit_status *out);
const char *hk_permit_state_name(hk_permit_state s); /* "none", "active", "suspended", "ended" */

/* End the permit for good on `on`, inside the caller's transaction (the person's row locked and
 * *p read from the store): every period is cut at `on` (a year endorsed ahead that has not
 * begun becomes empty), the permit row records the day and reason, and "permit.end" is
 * appended. *ended tells whether there was a permit to end (none, or already ended: false,
 * nothing written). p is updated in memory; the caller writes it with hk_store_person_update. */
hk_status hk_permit_end_locked(hk_store *st, const hk_actor *who, int64_t person_row, hk_person *p,
                               hk_date on, hk_permit_end_reason reason, int *periods_cut,
                               bool *ended, hk_error *err);

typedef enum hk_endorse_outcome {
  HK_ENDORSED,   /* on time: the next year follows on */
  HK_REINSTATED, /* late: suspended until today, a new run starts today */
} hk_endorse_outcome;

typedef struct hk_permit_result {
  hk_endorse_outcome outcome; /* endorse only */
  hk_period period;           /* the period added */
  int32_t previous_division;  /* recognise: the county it was held in */
  char number[HK_PERMIT_NUMBER_MAX + 1];
} hk_permit_result;

/* The rules on a person in memory. Endorse: refused (HK_ECONFLICT, field "window") before the
 * window opens, naming it; on time adds [V, V+1y); late adds [today, today+1y). Recognise: the
 * permit must be active and the active residence registration (the last open one) in another
 * city than the permit's; HK_ECONFLICT otherwise, with the state and the reason. */
hk_status hk_permit_endorse_apply(hk_person *p, hk_date today, hk_permit_result *out,
                                  hk_error *err);
hk_status hk_permit_recognise_apply(hk_person *p, hk_date today, hk_permit_result *out,
                                    hk_error *err);

/* Issue a permit inside the caller's transaction (the person's row already locked and *p read
 * from the store): a new number in `division`, the first period, the permit row and a
 * "permit.issue" event. p is updated in memory and in the store. */
hk_status hk_permit_issue_locked(hk_store *st, const hk_actor *who, int64_t person_row,
                                 hk_person *p, int32_t division, int64_t application_id,
                                 hk_date today, hk_permit_result *out, hk_error *err);

/* The services, each one transaction with its event, retried on a write conflict. Endorse
 * checks with the engine that the conditions of Art.16 still hold in the county of the holder's
 * active residence registration (Art.19: no endorsement otherwise). Who: the holder themself,
 * or an officer whose jurisdiction holds the permit's county (endorse) or the new county
 * (recognise). HK_ENOTFOUND when the person or their permit is unknown. */
hk_status hk_permit_endorse(hk_store *st, const hk_policies *pol, const hk_actor *who,
                            const char *id_number, hk_date today, hk_permit_result *out,
                            hk_error *err);
hk_status hk_permit_recognise(hk_store *st, const hk_actor *who, const char *id_number,
                              hk_date today, hk_permit_result *out, hk_error *err);

/* The permit of a person as JSON (number, county, issued, state, valid_until, window, periods),
 * for the holder or an officer whose jurisdiction holds its county. Caller owns *out. */
hk_status hk_permit_show(hk_store *st, const hk_actor *who, const char *id_number, hk_date today,
                         json_t **out, hk_error *err);

#endif
