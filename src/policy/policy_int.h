#ifndef HK_POLICY_POLICY_INT_H
#define HK_POLICY_POLICY_INT_H

/* Shared between the files of src/policy only. */

#include "policy/policy.h"

/* One dated value of one parameter in one file. */
typedef struct policy__entry {
  hk_date from;
  hk_pvalue value;
  char *source;
  bool illustrative;
  char *note;
} policy__entry;

typedef struct policy__file {
  int32_t division;
  char *path; /* file name within the directory */
  char *name;
  policy__entry *entries[HK_P_COUNT]; /* sorted by from, ascending */
  uint32_t n_entries[HK_P_COUNT];
} policy__file;

struct hk_policies {
  policy__file *files; /* sorted by division */
  uint32_t n_files;
};

/* The file of exactly this division, or NULL. */
const policy__file *policy__file_find(const hk_policies *pol, int32_t division);
/* Load one file's JSON document (already parsed) into *f; errors relative to the document. */
hk_status policy__file_read(const json_t *doc, const char *path, policy__file *f, hk_error *err);
void policy__file_clear(policy__file *f);
/* Read all *.json file names of dir, sorted; caller frees each and the array. */
hk_status policy__list_dir(const char *dir, char ***names, size_t *n, hk_error *err);

/* Facts of (七), computed as of a date. With `project`, periods and spans that are in force
 * on `base` are assumed to go on past it (for eligible_from projections). */
typedef struct policy__facts {
  hk_date residence_since; /* HK_DATE_NONE when not living in the target's city */
  int residence_months;
  int insurance_months;
  hk_date permit_since;
  int permit_months;
  int rental_months;
  int age;
} policy__facts;

bool policy__in_codes(const hk_pvalue *v, int32_t code);
/* The earliest date from which parameter p has a published value for target (its county's,
 * city's or the province's file), or HK_DATE_NONE when none publishes it. */
hk_date policy__first_in_force(const hk_policies *pol, int32_t target, hk_param_id p);
/* A required parameter with no value on s->as_of because its rules start later: an HK_EINVAL
 * on as_of naming the date they start (the question asks about a time before them), not a
 * policy data error. HK_OK otherwise (a parameter published nowhere is policy__eval_params's
 * to report). */
hk_status policy__check_in_force(const hk_policies *pol, const hk_params *p, const hk_situation *s,
                                 hk_error *err);
bool policy__is_hz_urban(const hk_params *p, int32_t division);
bool policy__is_yrd_city(const hk_params *p, int32_t city);

/* The unbroken stretch ending on `on` of the periods accepted by `keep`: its first day, or
 * HK_DATE_NONE when no accepted period covers `on`. Periods starting after `limit` are
 * ignored; with `project`, a period covering `limit` is treated as still open. */
typedef bool (*policy__keep_fn)(const void *item, const void *cls);
hk_date policy__run_since(const void *items, uint32_t n, size_t size, size_t period_offset,
                          policy__keep_fn keep, const void *cls, hk_date on, hk_date limit);

void policy__facts_compute(const hk_situation *s, const hk_params *p, hk_date on,
                           policy__facts *out);
/* The facts the points items can count (residence, insurance and rental months, age), for the
 * points projection, which needs them on many days per person: policy__facts_compute without
 * the permit run (permit_since HK_DATE_NONE, permit_months 0). */
void policy__facts_for_points(const hk_situation *s, const hk_params *p, hk_date on,
                              policy__facts *out);
/* Distinct insurance months counted for the target's city up to and including month `upto`,
 * spans ongoing at `limit` extended; and the month in which the n-th counted month was paid
 * (HK_MONTH_NONE if fewer). */
int policy__insurance_count(const hk_situation *s, const hk_params *p, hk_month upto, int nth,
                            hk_month *nth_month);
/* Is some counted insurance span in force in the month of as_of (so months keep coming)? */
bool policy__insurance_ongoing(const hk_situation *s, const hk_params *p);

/* Points of a person under the items, at facts f; fills lines when non-NULL. */
int64_t policy__points(const hk_pvalue *items, const hk_situation *s, const policy__facts *f,
                       hk_points_line *lines, uint32_t *n_lines);

/* hk_policy_eval with the parameters already resolved (bulk passes cache them). Without
 * `explain` the answer's verdicts, dates and conditions are the same, but what only an
 * explanation shows is left unset: id_masked, the points lines (n_points), the talent
 * settlement address, the points date and after_action_from of a Hangzhou points pathway
 * whose other conditions will not hold by waiting. */
hk_status policy__eval_params(const hk_params *p, const hk_situation *s, hk_answer *a, bool explain,
                              hk_error *err);

/* Texts of a condition for the answer (explain.c). */
void policy__cond_text(const hk_answer *a, const hk_condition *c, char *zh, size_t zh_size,
                       char *en, size_t en_size);
const char *policy__reason_zh(const char *reason);
/* A points basis's JSON name ("insurance_months"). */
const char *policy__basis_name(hk_points_basis b);
const char *policy__reason_en(const char *reason);

#endif
