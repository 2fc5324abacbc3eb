#ifndef HK_POLICY_POLICY_H
#define HK_POLICY_POLICY_H

/* The eligibility engine (spec/eligibility.md, contract version 1): published parameters per
 * division with dated values (policies/NNNNNN.json), a situation (a person, relatives, a target and
 * a date), and the rules of clauses (二)(三)(四)(五)(六)(七) over them.
 *
 * The engine never reads the registry: whoever holds the facts (the JSON reader below, or the
 * store) fills an hk_situation and calls hk_policy_eval. The answer is a plain struct; turning
 * it into the contract's JSON or into Chinese text is a separate step, so a bulk pass over
 * millions of situations formats nothing.
 *
 * Thread safety: a loaded hk_policies is read-only after hk_policies_load and may be shared by
 * any number of threads; each thread uses its own situations and answers. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/date.h"
#include "core/error.h"
#include "core/person.h"

/* ---- parameters ---- */

/* The parameter names of contract version 1, in the contract's order. */
typedef enum hk_param_id {
  HK_P_HANGZHOU_URBAN,        /* hangzhou_urban.divisions: county codes */
  HK_P_YRD_CITIES,            /* yrd.cities: city codes */
  HK_P_PERMIT_MIN_MONTHS,     /* permit.min_months */
  HK_P_PERMIT_TALENT_WAIVES,  /* permit.talent_waives_half_year */
  HK_P_RESIDENCE_MIN_YEARS,   /* residence.min_years */
  HK_P_RESIDENCE_MIN_INS,     /* residence.min_insurance_years */
  HK_P_RESIDENCE_YRD,         /* residence.yrd_recognition */
  HK_P_CONVERSION_MIN_YEARS,  /* permit_conversion.min_years */
  HK_P_TALENT_CATEGORIES,     /* talent.categories */
  HK_P_FAMILY_PARENT_MIN_AGE, /* family.parent_min_age (may be null: unset) */
  HK_P_FAMILY_UNMARRIED,      /* family.unmarried_children */
  HK_P_POINTS_THRESHOLD,      /* points.threshold */
  HK_P_POINTS_ITEMS,          /* points.items */
  HK_P_POINTS_QUOTA,          /* points.quota (may be null: unset) */
  HK_P_TALENT_AGE_LIMITS,     /* talent.age_limits: under which age each category settles */
  HK_P_COUNT
} hk_param_id;

typedef enum hk_param_type {
  HK_PT_INT,
  HK_PT_BOOL,
  HK_PT_CODES,      /* a list of 6-digit division codes */
  HK_PT_CATEGORIES, /* a list of talent categories */
  HK_PT_ITEMS,      /* Hangzhou's points items */
  HK_PT_AGE_BY_SEX, /* an age, or {"male": N, "female": M} (family.parent_min_age) */
  HK_PT_AGE_TABLE,  /* ages by talent category: {"bachelor": 45, ...} (talent.age_limits) */
} hk_param_type;

/* "residence.min_years" and back; HK_P_COUNT for an unknown name. */
const char *hk_param_name(hk_param_id id);
hk_param_id hk_param_from_name(const char *name);
hk_param_type hk_param_type_of(hk_param_id id);

/* What a points item counts (contract: bases). */
typedef enum hk_points_basis {
  HK_PB_INSURANCE_MONTHS,
  HK_PB_RESIDENCE_MONTHS,
  HK_PB_RENTAL_MONTHS,
  HK_PB_AGE,
  HK_PB_EDUCATION,
  HK_PB_SKILL,
  HK_PB_VOLUNTEER_HOURS,
  HK_PB_BLOOD_ML,
  HK_PB_DONATION_YUAN,
  HK_PB_COUNT
} hk_points_basis;

typedef enum hk_points_kind { HK_PK_LINEAR, HK_PK_TABLE, HK_PK_BANDS } hk_points_kind;

#define HK_POINTS_ID_MAX 31
#define HK_POINTS_ITEMS_MAX 32
#define HK_POINTS_BANDS_MAX 16
#define HK_POINTS_TABLE_MAX 16 /* >= HK_EDU_COUNT and HK_TALENT_COUNT */

/* Points are kept in hundredths (centi-points) so that half points are exact integers. */
typedef struct hk_points_item {
  char id[HK_POINTS_ID_MAX + 1];
  hk_points_basis basis;
  hk_points_kind kind;
  int64_t per;                          /* linear: units per step (> 0) */
  int64_t points_c;                     /* linear: centi-points per step */
  int64_t cap_c;                        /* linear: cap in centi-points, -1 when uncapped */
  int64_t table_c[HK_POINTS_TABLE_MAX]; /* table: by enum value; -1 absent (0 points) */
  uint32_t n_bands;
  int64_t band_max[HK_POINTS_BANDS_MAX];
  int64_t band_points_c[HK_POINTS_BANDS_MAX];
} hk_points_item;

/* One parameter value. `set` is false for an explicit null (the parameter is unset there,
 * e.g. family.parent_min_age outside Hangzhou). */
typedef struct hk_pvalue {
  hk_param_type type;
  bool set;
  int64_t i;
  bool b;
  int32_t *codes; /* HK_PT_CODES */
  uint32_t n_codes;
  uint32_t categories;   /* HK_PT_CATEGORIES: bit (1 << hk_talent_category) */
  hk_points_item *items; /* HK_PT_ITEMS */
  uint32_t n_items;
  int64_t i_female; /* HK_PT_AGE_BY_SEX: i is the men's age, i_female the women's */
  /* HK_PT_AGE_TABLE: by hk_talent_category, -1 where the category has no age limit */
  int32_t ages[HK_POINTS_TABLE_MAX];
} hk_pvalue;

/* Parse a JSON value as parameter id; on error err->field is "" (the caller prefixes it). The
 * value owns its arrays: release with hk_pvalue_clear. */
hk_status hk_pvalue_from_json(hk_param_id id, const json_t *v, hk_pvalue *out, hk_error *err);
void hk_pvalue_clear(hk_pvalue *v);
/* A new JSON rendering of the value (caller owns the reference). */
json_t *hk_pvalue_to_json(const hk_pvalue *v);

/* All published policy files of a directory, loaded and validated. Opaque, read-only. */
typedef struct hk_policies hk_policies;

/* Load every *.json file of dir. Errors name the file and the field:
 * "330400.json: parameters.residence.min_years[1].from: not a date". */
hk_status hk_policies_load(const char *dir, hk_policies **out, hk_error *err);
void hk_policies_free(hk_policies *pol);
/* The policy directory to use: $HUKOU_POLICIES, else HK_DEFAULT_POLICY_DIR. */
const char *hk_policies_default_dir(void);

/* A what-if override (situation "parameters", or `eval --parameters FILE`): applies to
 * `division` and every division inside it, in place of any published value, on any date. */
typedef struct hk_override {
  int32_t division;
  hk_param_id id;
  hk_pvalue value;
} hk_override;

/* Where a resolved value came from: an override, or a published entry. */
typedef struct hk_param_source {
  int32_t division;   /* the division whose file or override set it; 0 when unset */
  bool override;      /* a what-if override */
  hk_date from;       /* published: the entry's from date */
  const char *file;   /* published: file name, borrowed from the policies */
  const char *source; /* published: the source document */
  bool illustrative;  /* published: the real figure is not public */
  const char *note;   /* published: the note, or NULL */
} hk_param_source;

/* The parameters in force for one target on one date. Values are borrowed from the policies
 * and the overrides they were resolved from; NULL when no division sets the name. */
typedef struct hk_params {
  const hk_pvalue *v[HK_P_COUNT];
} hk_params;

/* Resolve the parameters for target on as_of: overrides first (the most specific division
 * containing target; among equals the last given), then the target's county file, its city's,
 * the province's (the most specific with a value in force wins; within it the latest from <=
 * as_of). sources may be NULL. */
void hk_params_resolve(const hk_policies *pol, int32_t target, hk_date as_of,
                       const hk_override *overrides, uint32_t n_overrides, hk_params *out,
                       hk_param_source *sources /* [HK_P_COUNT] or NULL */);

/* ---- situations ---- */

#define HK_OVERRIDES_MAX 256

/* The question (contract: "a situation"). The store fills one from the registry; the JSON
 * reader fills one from a document. All lists are owned by the situation. */
typedef struct hk_situation {
  hk_date as_of;
  int32_t target; /* a county-level code in Zhejiang (33xxxx, not ending in 00) */
  hk_person person;
  hk_person *relatives; /* each with relation and consents set */
  uint32_t n_relatives;
  uint32_t cap_relatives;
  hk_override *overrides;
  uint32_t n_overrides;
  uint32_t cap_overrides;
} hk_situation;

void hk_situation_init(hk_situation *s);
/* Forget the contents, keep capacity (for reuse in a loop). */
void hk_situation_reset(hk_situation *s);
void hk_situation_clear(hk_situation *s);
/* Append a relative (initialised, relation unset) and return it; NULL past HK_RELATIVES_MAX
 * or out of memory. */
hk_person *hk_situation_add_relative(hk_situation *s);
/* Add an override given as JSON (name checked, value type-checked). Errors name the field
 * relative to the parameters object: "330400.residence.min_years: not an integer". */
hk_status hk_situation_add_override(hk_situation *s, int32_t division, const char *name,
                                    const json_t *value, hk_error *err);
/* Add every override of a "parameters" object: {"330400": {"residence.min_years": 1}}. */
hk_status hk_situation_add_overrides_json(hk_situation *s, const json_t *parameters, hk_error *err);

/* Parse a situation document. `today` is the default as_of and bounds ID birth dates. Errors
 * name the field as the contract asks ("person.residence[0].from: not a date"). Checks the
 * target (a current county-level division of Zhejiang). */
hk_status hk_situation_from_json(const json_t *doc, hk_date today, hk_situation *out,
                                 hk_error *err);
/* The same from text (at most HK_SITUATION_TEXT_MAX bytes). */
#define HK_SITUATION_TEXT_MAX (4u << 20)
hk_status hk_situation_parse(const char *text, size_t len, hk_date today, hk_situation *out,
                             hk_error *err);
/* Check a situation assembled in memory (by the store) the way the JSON reader would: target,
 * dates, periods. */
hk_status hk_situation_validate(const hk_situation *s, hk_error *err);

/* ---- the answer ---- */

typedef enum hk_pathway {
  HK_PW_RESIDENCE,         /* (二) outside Hangzhou's urban area */
  HK_PW_HANGZHOU_POINTS,   /* (二) Hangzhou's urban area */
  HK_PW_PERMIT_CONVERSION, /* (四) */
  HK_PW_TALENT,            /* (五) */
  HK_PW_FAMILY,            /* (六) */
  HK_PW_COUNT
} hk_pathway;
const char *hk_pathway_name(hk_pathway p);

/* Every condition the engine checks; texts are in explain.c. */
typedef enum hk_cond_id {
  HK_C_LIVING_IN_TARGET,
  HK_C_LIVING_IN_TARGET_URBAN,
  HK_C_RESIDENCE_MONTHS,     /* permit: half a year */
  HK_C_PERMIT_BASIS,         /* permit: employment, housing or schooling */
  HK_C_LEGAL_STABLE_HOUSING, /* (二): ongoing legal stable urban housing in target */
  HK_C_RESIDENCE_YEARS,
  HK_C_INSURANCE_MONTHS,
  HK_C_HZ_PERMIT, /* a valid permit in Hangzhou's urban area */
  HK_C_ADULT,
  HK_C_POINTS,
  HK_C_PERMIT_VALID, /* (四): valid on as_of in the target's city */
  HK_C_PERMIT_YEARS,
  HK_C_TALENT_CATEGORY,
  HK_C_LIVING_OR_WORKING,
  HK_C_NOT_REGISTERED, /* (六) rules 1-2: hukou not already in target */
  HK_C_CHILD_ADULT,
  HK_C_CHILD_HUKOU,
  HK_C_CHILD_HOUSING,
  HK_C_PARENT_AGE,
  HK_C_PARENT_HUKOU,
  HK_C_PARENT_HOUSING,
  HK_C_MINOR_OR_UNMARRIED,
  HK_C_HEAD_RELATIVE,
  HK_C_SAME_AREA,
  HK_C_TALENT_AGE, /* (五): under the age limit of the talent's category, where one is set */
  HK_C_COUNT
} hk_cond_id;
const char *hk_cond_name(hk_cond_id id);

typedef enum hk_vkind {
  HK_V_NULL,
  HK_V_INT,
  HK_V_BOOL,
  HK_V_DATE,
  HK_V_DIVISION,
  HK_V_TEXT,   /* a static string */
  HK_V_POINTS, /* centi-points */
} hk_vkind;

typedef struct hk_value {
  hk_vkind kind;
  int64_t i;
  const char *text;
} hk_value;

/* holds_from: the first day of the condition's current unbroken state (or of the future state
 * once waiting suffices); HK_HOLDS_ALWAYS when no date limits it; HK_HOLDS_NEVER when waiting
 * alone will not make it hold. */
#define HK_HOLDS_NEVER HK_DATE_NONE
#define HK_HOLDS_ALWAYS (HK_DATE_NONE + 1)

typedef enum hk_unit { HK_U_NONE, HK_U_MONTHS, HK_U_YEARS, HK_U_POINTS } hk_unit;

typedef enum hk_family_rule {
  HK_FR_NONE = -1,
  HK_FR_PARENT_JOINS_CHILD,
  HK_FR_CHILD_JOINS_PARENT,
  HK_FR_HEAD_HOUSEHOLD,
  HK_FR_COUNT
} hk_family_rule;
const char *hk_family_rule_name(hk_family_rule r);

/* What the person can do to meet a condition that waiting alone will not meet. */
typedef enum hk_action {
  HK_ACT_NONE,
  HK_ACT_APPLY_PERMIT, /* apply for a residence permit: the conditions (三) hold */
  HK_ACT_PERMIT_BASIS, /* first a job, legal stable housing or schooling, then a permit */
} hk_action;

typedef struct hk_condition {
  hk_cond_id id;
  bool met;
  int8_t rule; /* family: the rule it belongs to; HK_FR_NONE elsewhere */
  hk_unit unit;
  hk_value value;
  hk_value required;
  hk_date holds_from;
  hk_date holds_until; /* the first day it no longer holds (an age limit); HK_DATE_NONE */
  int32_t relative;    /* family: index of the relative considered, -1 none */
  hk_action action;    /* unmet and waiting will not do: what to do instead */
  hk_date action_from; /* the day the action becomes possible; HK_HOLDS_NEVER: unknown */
} hk_condition;

#define HK_CONDITIONS_MAX 24

typedef enum hk_address_kind {
  HK_ADDR_NONE,
  HK_ADDR_OWN_HOUSING,
  HK_ADDR_HOST_HOUSEHOLD,
  HK_ADDR_EMPLOYER_COLLECTIVE,
  HK_ADDR_TALENT_SERVICE,
} hk_address_kind;
const char *hk_address_kind_name(hk_address_kind k);

typedef struct hk_points_line {
  const char *id; /* borrowed from the parameters */
  hk_points_basis basis;
  int64_t value;
  int64_t points_c;
} hk_points_line;

typedef struct hk_result {
  bool applicable;
  bool eligible;
  const char *reason;    /* inapplicable: a stable code, e.g. "already_registered" */
  hk_date eligible_from; /* HK_DATE_NONE: waiting will not do it */
  /* When waiting will not do it but the conditions' actions would (a residence permit applied
   * for): the day the pathway holds once they are taken; HK_DATE_NONE otherwise. */
  hk_date after_action_from;
  uint32_t n_cond;
  hk_condition cond[HK_CONDITIONS_MAX];
} hk_result;

typedef struct hk_answer {
  hk_date as_of;
  int32_t target;
  int32_t city;
  bool hangzhou_urban;
  char id_masked[HK_IDNUM_LEN + 1];
  int age;
  char sex;
  /* facts (七) */
  hk_date residence_since; /* HK_DATE_NONE: not living in the target's city */
  int residence_months;
  int insurance_months;
  hk_date permit_since;
  int permit_months;
  int rental_months;
  hk_result permit;
  bool settle_eligible;
  hk_result pathways[HK_PW_COUNT];
  /* hangzhou_points */
  bool has_points;
  int64_t points_total_c;
  int64_t points_threshold_c;
  uint32_t n_points;
  hk_points_line points[HK_POINTS_ITEMS_MAX];
  /* talent */
  hk_address_kind address;
  int32_t address_division;
  /* family */
  hk_family_rule family_rule;
  bool family_rule_eligible[HK_FR_COUNT];
  hk_date family_rule_from[HK_FR_COUNT];
} hk_answer;

/* Answer one situation. Borrowed strings in the answer point into pol and s, which must
 * outlive it. Returns HK_EINVAL when the situation cannot be answered (a target outside
 * Zhejiang, a parameter of the wrong type), HK_EPOLICY when a needed parameter is published
 * nowhere. */
hk_status hk_policy_eval(const hk_policies *pol, const hk_situation *s, hk_answer *out,
                         hk_error *err);

/* The contract's JSON answer (caller owns the reference); NULL when memory runs out. */
json_t *hk_answer_to_json(const hk_answer *a);
/* The unmet conditions of one result of the answer (a->permit or a->pathways[i]) as sentences,
 * Chinese and English, ending with when the person will qualify, what to do, or that waiting
 * alone will not do it: what a refusal says. */
void hk_result_unmet_text(const hk_answer *a, const hk_result *r, char *zh, size_t zh_size,
                          char *en, size_t en_size);
/* Readable text, Chinese first with English, for `hukou eval --explain`; malloc'd. */
char *hk_answer_explain(const hk_answer *a, const hk_situation *s);

/* ---- bulk ---- */

/* The compact result of one situation in a bulk pass. */
typedef struct hk_bulk_result {
  hk_status status; /* HK_OK, or why this situation could not be answered */
  bool permit_eligible;
  bool settle_eligible;
  uint8_t eligible_mask; /* bit (1 << hk_pathway) per eligible pathway */
  uint8_t applicable_mask;
  hk_date permit_from;
  hk_date eligible_from[HK_PW_COUNT];
} hk_bulk_result;

/* Answer n situations with explanations off, each into out[i]; per-situation failures are
 * recorded in out[i].status. Parameters are resolved once per (target, as_of) for situations
 * without overrides. Uses `threads` threads (1 = the calling thread only). Returns the number
 * of situations answered with HK_OK. */
size_t hk_policy_eval_bulk(const hk_policies *pol, const hk_situation *s, size_t n,
                           hk_bulk_result *out, int threads);

/* ---- compliance (hukou policy check) ---- */

typedef struct hk_violation {
  char file[64];
  char param[48];
  char clause[16];
  char message[256];    /* Chinese */
  char message_en[256]; /* English */
} hk_violation;

/* Check a directory's files against the provincial notice (schema errors too). Calls report
 * for each violation; returns the number of violations, or -1 when the directory cannot be read
 * (err says why). */
int hk_policy_check(const char *dir, void (*report)(const hk_violation *v, void *cls), void *cls,
                    hk_error *err);

/* For `hukou policy show`: call fn for each parameter in force at division on as_of. */
void hk_policy_show(const hk_policies *pol, int32_t division, hk_date as_of,
                    void (*fn)(hk_param_id id, const hk_pvalue *v, const hk_param_source *src,
                               void *cls),
                    void *cls);

#endif
