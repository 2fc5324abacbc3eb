#ifndef HK_SERVICE_FACTS_H
#define HK_SERVICE_FACTS_H

/* Facts with provenance (issue 10; clauses (三)(五)(六)(七) decide on them, (九) has the
 * departments share them). Each fact the engine uses is an entry in a ledger (store_fact.h):
 * declared by the resident, verified by an officer, or sent by the department that owns it. A
 * correction or a verification is a new entry that supersedes an earlier one, which stays,
 * marked; every entry appends an event in the same transaction. Facts loaded by `hukou import`
 * are the registry's rows (hk_person's lists) and count as department facts; a correction may
 * supersede one of them by its place in the list ("housing.0").
 *
 * The engine decides on verified and department facts in force (hk_facts_overlay, used by
 * situation_db.c); declared ones only show what verification would change. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "core/error.h"
#include "core/person.h"
#include "service/actor.h"
#include "store/store.h"

typedef enum hk_fact_kind {
  HK_FACT_NONE,
  HK_FACT_HOUSING,    /* a housing[] entry: a registered lease, ownership */
  HK_FACT_EMPLOYMENT, /* an employment[] entry */
  HK_FACT_SCHOOLING,  /* a schooling[] entry: an enrolment */
  HK_FACT_INSURANCE,  /* a social_insurance[] entry: months paid, pension transferred (七) */
  HK_FACT_TALENT,     /* a talent[] entry: a recognition (五) */
  HK_FACT_EDUCATION,  /* {"education": "master"}: a degree */
  HK_FACT_MARITAL,    /* {"marital_status": "married", "spouse": ID}: a marriage (六) */
  HK_FACT_KINSHIP,    /* {"relation": "parent", "id_number": ID}: a link to a registered person */
  HK_FACT_KIND_COUNT
} hk_fact_kind;

typedef enum hk_fact_source {
  HK_FACT_SRC_NONE,
  HK_FACT_DECLARED,   /* by the resident: shown, not decided on until verified */
  HK_FACT_VERIFIED,   /* by an officer (or the registry itself) */
  HK_FACT_DEPARTMENT, /* sent by the department that owns the kind (or imported) */
  HK_FACT_SRC_COUNT
} hk_fact_source;

const char *hk_fact_kind_name(hk_fact_kind k); /* "housing", ..., NULL when out of range */
hk_fact_kind hk_fact_kind_from(const char *s); /* HK_FACT_NONE when unknown */
const char *hk_fact_source_name(hk_fact_source s);

/* The kinds a department owns, as a bit mask (1 << kind); 0 for an unknown department:
 * housing → housing; social_insurance → insurance; education → schooling, education;
 * talent → talent; civil_affairs → marital status (with the spouse link). */
uint32_t hk_fact_department_kinds(const char *department);
extern const char *const hk_fact_departments[]; /* NULL-terminated */

/* Check a fact of `kind` for the person with this ID number: the same checks and field names
 * as an import line's entry ("fact.to: ends before it starts"). */
hk_status hk_fact_check(hk_fact_kind kind, const char *id_number, const json_t *fact, hk_date today,
                        hk_error *err);

/* What a call recorded. */
typedef struct hk_fact_result {
  int64_t entry; /* the new entry */
  hk_fact_source source;
  int64_t supersedes;         /* the entry it took the place of, or 0 */
  char supersedes_import[32]; /* or the imported row ("housing.0"), or "" */
  bool already;               /* a re-delivery: nothing new was written, entry is the earlier one */
} hk_fact_result;

/* A new fact about a person. The source follows the actor: a resident declares about themself;
 * an officer or supervisor of the person's hukou county or of their active residence
 * registration records it verified; a department key sends the kinds it owns (`department`
 * names it; `delivery`, optional, makes a re-delivery idempotent); the system records it
 * verified. One transaction with its event. */
hk_status hk_facts_add(hk_store *st, const hk_actor *who, const char *id_number, hk_fact_kind kind,
                       const json_t *fact, const char *department, const char *delivery,
                       hk_date today, hk_fact_result *out, hk_error *err);

/* An officer (or the system) verifies a declared entry in force: a verified entry with the same
 * fact supersedes it. */
hk_status hk_facts_verify(hk_store *st, const hk_actor *who, const char *id_number, int64_t entry,
                          hk_date today, hk_fact_result *out, hk_error *err);

/* Correct an entry in force ("12") or an imported row ("housing.0"): a new entry with `fact`
 * supersedes it; `reason` is required. A resident corrects only their own declared entries;
 * a department only its own entries; officers any in their jurisdiction. */
hk_status hk_facts_correct(hk_store *st, const hk_actor *who, const char *id_number,
                           const char *ref, const json_t *fact, const char *reason, hk_date today,
                           hk_fact_result *out, hk_error *err);

/* Every entry of a person and the imported facts, as JSON:
 * {"id_number", "entries": [{entry, kind, source, actor, department, delivery, at,
 * recorded_on, reason, supersedes, superseded_by, in_force, fact}], "imported": [{ref, kind,
 * source: "department", superseded_by, in_force, fact}]}. Residents: their own; officers and
 * supervisors: in their jurisdiction (else HK_ENOTFOUND, as person reads); the system. */
hk_status hk_facts_list(hk_store *st, const hk_actor *who, const char *id_number, json_t **out,
                        hk_error *err);

/* Lay the person's facts in force over p, read from the registry (hk_store_person_get) for
 * person `row`: imported rows that an entry supersedes are removed; verified and department
 * entries in force are added (lists appended, education and marital status set, links added),
 * and declared ones too when with_declared. *declared (may be NULL) receives the numbers of the
 * declared entries in force, at most max_declared, and *n_declared their count. */
hk_status hk_facts_overlay(hk_store *st, int64_t row, hk_person *p, bool with_declared,
                           int64_t *declared, size_t max_declared, size_t *n_declared,
                           hk_error *err);

/* `hukou facts import --source DEPT FILE`: JSON lines, one fact each:
 * {"delivery": "...", "id_number": "...", "kind": "housing", "fact": {...}} and, to correct an
 * earlier delivery of the same department, "corrects": DELIVERY with "reason". All or nothing:
 * the first bad line stops it and nothing is written ("line 3: fact.to: ..."). A delivery
 * already recorded with the same content is skipped (counted in already); with other content
 * it is an error. Every fact appends its event. */
typedef struct hk_facts_import_result {
  int64_t lines;   /* non-blank lines read */
  int64_t added;   /* entries written */
  int64_t already; /* re-deliveries skipped */
} hk_facts_import_result;
hk_status hk_facts_import(hk_store *st, const hk_actor *who, const char *department, FILE *in,
                          hk_date today, hk_facts_import_result *out, hk_error *err);

/* What verification would change (issue 10): after `base`, the engine's answer for the situation
 * `sit` assembled from verified and department facts (hk_situation_from_registry), ask again with
 * the person's declared facts in force too, and list the pathways (and the permit) that only
 * those make eligible, or eligible sooner:
 * [{"pathway", "clause", "eligible_from", "facts": [{"entry", "kind"}], "message",
 * "message_en"}], with a sentence "如果民警核实您申报的租赁合同等住房信息（记录 3），您可以通过居住
 * 落户（二）落户 / if the officer confirms your declared lease (entry 3), you qualify for
 * settlement by residence (二)". An empty array when nothing declared is waiting. */
struct hk_policies;
struct hk_situation;
struct hk_answer;
hk_status hk_facts_pending(hk_store *st, const struct hk_policies *pol,
                           const struct hk_situation *sit, const struct hk_answer *base,
                           const char *const *consenting, size_t n_consenting, json_t **out,
                           hk_error *err);

/* The person's ledger in force, for the person reads (`hukou person show`, GET
 * /api/v1/persons/{id}): {"in_force": [{entry, kind, source ("declared": awaiting the
 * officer; "verified"; "department"), recorded_on, at, department?, reason?, supersedes,
 * fact, materials (files behind it)}], "superseded_rows": ["housing.0", ...]: the registry's
 * rows that a later entry corrected}. The caller has checked that the reader may read the
 * person (facts_ledger.c). */
hk_status hk_facts_in_force(hk_store *st, const char *id_number, json_t **out, hk_error *err);

/* ---- the officer's worklist (issue 10/11; facts_waiting.c) ---- */

#define HK_FACTS_WAITING_DEFAULT 50
#define HK_FACTS_WAITING_MAX 100

typedef void (*hk_facts_seen)(const char *id_number, void *cls);

/* The declared entries in force (awaiting verification) of the persons whose hukou in force or
 * active residence registration lies in `area` (0: the actor's whole jurisdiction), of one kind
 * (HK_FACT_NONE: any), oldest first, after entry `after` (0: from the start), at most limit
 * (0: HK_FACTS_WAITING_DEFAULT): {"entries": [{entry, kind, fact, declared_at, recorded_on,
 * materials, person: {id_masked, name}}], "next": the last entry when the page is full, or
 * null}. Officers and supervisors inside their jurisdiction (an area outside it HK_EFORBIDDEN
 * naming "area"), the system anywhere; other roles HK_EFORBIDDEN naming "role". Each person
 * shown is handed to `seen` with their full number, for the access log. */
hk_status hk_facts_waiting(hk_store *st, const hk_actor *who, int32_t area, hk_fact_kind kind,
                           int64_t after, uint32_t limit, hk_facts_seen seen, void *cls,
                           json_t **out, hk_error *err);

/* One entry for the officer who verifies it: hk_facts_list's item of the entry (entry, kind,
 * source, actor, at, recorded_on, reason?, in_force, supersedes, superseded_by, fact) with
 * declared_at, materials and person: {id_number (in full), id_masked, name}. Who may read it is
 * hk_facts_list's rule, for officers and supervisors only (the person's hukou county or
 * active residence registration in their jurisdiction); no such entry, or one outside the
 * jurisdiction, HK_ENOTFOUND naming "entry"; other roles HK_EFORBIDDEN naming "role". */
hk_status hk_facts_entry(hk_store *st, const hk_actor *who, int64_t entry, json_t **out,
                         hk_error *err);

#endif
