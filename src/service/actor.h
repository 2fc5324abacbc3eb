#ifndef HK_SERVICE_ACTOR_H
#define HK_SERVICE_ACTOR_H

/* Who is acting: every service call names its actor, every event records it, and what an actor
 * may do depends on their role and, for officers and supervisors, their jurisdiction: a
 * division prefix (330402 a county, 330400 a city, 330000 the province). (九) */

#include <stdbool.h>
#include <stdint.h>

#include "core/idnum.h"
#include "core/person.h"

typedef enum hk_role {
  HK_ROLE_RESIDENT,   /* their own records and applications only */
  HK_ROLE_OFFICER,    /* 户籍民警: acts inside one jurisdiction */
  HK_ROLE_SUPERVISOR, /* a city or the province */
  HK_ROLE_ANALYST,    /* aggregates only, no personal data */
  HK_ROLE_DEPARTMENT, /* another department's key: named yes/no questions */
  HK_ROLE_ADMIN,      /* accounts */
  HK_ROLE_SYSTEM,     /* the system itself: imports, scheduled work */
  HK_ROLE_COUNT
} hk_role;

typedef struct hk_actor {
  hk_role role;
  char account[64];                 /* "officer:330402-0007", "resident:…", "cli:root" */
  char id_number[HK_IDNUM_LEN + 1]; /* a resident's own number; "" otherwise */
  int32_t jurisdiction;             /* officers and supervisors; 0 otherwise */
} hk_actor;

/* "resident", "officer", ... (stable, for JSON and events). */
const char *hk_role_name(hk_role role);

/* May this actor act on a matter decided in `division` (a county code)? Officers and
 * supervisors inside their jurisdiction; the system always; nobody else. */
bool hk_actor_may_decide(const hk_actor *a, int32_t division);

/* May this officer or supervisor act on, and read, this person: their hukou county or their
 * active residence registration (open-ended and not ended, (一)) lies in the jurisdiction (九).
 * False for every other role: residents, the system and the rest are decided by role. The one
 * definition the services and the HTTP layer share. */
bool hk_actor_holds_person(const hk_actor *a, const hk_person *p);

#endif
