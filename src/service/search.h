#ifndef HK_SERVICE_SEARCH_H
#define HK_SERVICE_SEARCH_H

/* Search and lists for officers (issue 10; the workbench of issue 11): persons and households
 * found by ID number, name, address or household number, and the residence registrations (一)
 * of an area, always inside the caller's jurisdiction (九). Only officers and supervisors (and
 * the system, for the command line) search; everyone else is refused. Answers carry masked ID
 * numbers only. Each person an answer shows is handed to `seen` with their full number, so the
 * HTTP server can log the read (access log); the search itself is described by
 * hk_search_describe, with any ID number masked.
 *
 * Limits that keep every answer an index range (docs/services.md, "Search"): a name fragment
 * of at least 2 characters (a prefix, or a fragment of a 2-4 character name wherever it
 * stands), an address fragment of at least 3 (trigram indexes), at most 100 results a page. */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/date.h"
#include "core/error.h"
#include "core/idnum.h"
#include "service/actor.h"
#include "store/store.h"

#define HK_SEARCH_LIMIT_DEFAULT 20
#define HK_SEARCH_LIMIT_MAX 100
#define HK_SEARCH_TEXT_MAX 200 /* bytes of a name, address or number fragment */
#define HK_RESIDENCE_LIST_DEFAULT 100
#define HK_RESIDENCE_LIST_MAX 1000

/* The division range [lo, hi] of `area` as the actor may see it: area 0 is the actor's
 * jurisdiction; an area outside it HK_EFORBIDDEN naming "area"; roles other than officer,
 * supervisor and system HK_EFORBIDDEN naming "role". The system with area 0 gets 0, 0
 * (everywhere). */
hk_status hk_search_area(const hk_actor *who, int32_t area, int32_t *lo, int32_t *hi,
                         hk_error *err);

/* What to look for. Strings are "" when absent. */
typedef struct hk_search_request {
  char id_number[HK_IDNUM_LEN + 1];  /* persons only: a checked number */
  char name[HK_SEARCH_TEXT_MAX + 1]; /* persons: the name; households: the head's name */
  char address[HK_SEARCH_TEXT_MAX + 1];
  char number[HK_SEARCH_TEXT_MAX + 1]; /* households only: a household number prefix */
  int32_t area;                        /* 0: the whole jurisdiction */
  int64_t after;                       /* the previous page's next; 0 from the start */
  uint32_t limit;                      /* 0: HK_SEARCH_LIMIT_DEFAULT */
} hk_search_request;

/* Read a request from a JSON object: persons take id_number, name, address, area, limit,
 * after; households number, address, head (the head's name), area, limit, after. Unknown keys,
 * wrong types and bad values are HK_EINVAL naming the field (an ID number is never echoed);
 * at least one search term is required. */
hk_status hk_search_request_read(const json_t *doc, bool households, hk_date today,
                                 hk_search_request *r, hk_error *err);

/* "name=张 address=… id_number=330106********0012": what was searched, for the access log. */
void hk_search_describe(const hk_search_request *r, char *out, size_t size);

typedef void (*hk_search_seen)(const char *id_number, void *cls);

/* {"persons": [{id_masked, name, sex, birth_year, died, hukou: {division, division_name,
 * household_no} | null, residence: {division, division_name, address} | null}], "next"}. */
hk_status hk_search_persons(hk_store *st, const hk_actor *who, const hk_search_request *r,
                            hk_search_seen seen, void *cls, json_t **out, hk_error *err);

/* {"households": [{number, kind, division, division_name, address, head: {name, id_masked} |
 * null, members, dissolved}], "next"}. The head counts as seen. */
hk_status hk_search_households(hk_store *st, const hk_actor *who, const hk_search_request *r,
                               hk_search_seen seen, void *cls, json_t **out, hk_error *err);

/* The residence registrations (一) of an area, paged in (division, person, registration) order:
 * {"registrations": [{name, id_masked, division, division_name, address, from, to,
 * declared_on, late, active}], "next"}. active: -1 all, 1 in force, 0 ended. after: a previous
 * answer's next, or NULL. */
hk_status hk_residence_list(hk_store *st, const hk_actor *who, int32_t area, int active,
                            const char *after, uint32_t limit, hk_search_seen seen, void *cls,
                            json_t **out, hk_error *err);

#endif
