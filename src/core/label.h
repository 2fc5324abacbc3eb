#ifndef HK_CORE_LABEL_H
#define HK_CORE_LABEL_H

/* The words a resident or officer reads for the project's codes: one table per kind of code,
 * Chinese and English, used by the CLI, the API (`label` / `label_en` beside a code) and the web
 * portal, so all three say the same thing. Codes are the JSON names (`bachelor`, `rented`,
 * `material_requested`); a code without a label reads as itself. */

#include <jansson.h>

typedef enum hk_label_kind {
  HK_LBL_TALENT,       /* talent categories and skill levels: associate, skill_senior, ... */
  HK_LBL_EDUCATION,    /* none, primary, ..., doctor */
  HK_LBL_MARITAL,      /* unmarried, married, divorced, widowed (and "minor") */
  HK_LBL_HOUSING,      /* owned, rented, employer, relative */
  HK_LBL_RELATION,     /* parent, child, ..., friend */
  HK_LBL_HOUSEHOLD,    /* family, collective */
  HK_LBL_PATHWAY,      /* residence_permit and the settlement pathways */
  HK_LBL_PERMIT_BASIS, /* employment, housing, schooling */
  HK_LBL_ADDRESS,      /* the talent settlement address kinds (五) */
  HK_LBL_FAMILY_RULE,  /* parent_joins_child, child_joins_parent, head_household (六) */
  HK_LBL_CONDITION,    /* the engine's condition ids: living_in_target, ... */
  HK_LBL_POINTS_BASIS, /* what a points item counts: insurance_months, ... */
  HK_LBL_APP_KIND,     /* permit, settlement */
  HK_LBL_APP_STATE,    /* submitted, accepted, material_requested, approved, rejected, completed */
  HK_LBL_APP_ACTION,   /* accept, request_material, supply_material, approve, reject, complete */
  HK_LBL_ROLE,         /* resident, officer, supervisor, analyst, department, admin, system */
  HK_LBL_IDNUM_FAULT,  /* what is wrong with an ID number: length, format, province, ... */
  HK_LBL_FACT_KIND,    /* housing, employment, ..., kinship (facts with provenance) */
  HK_LBL_COUNT
} hk_label_kind;

typedef struct hk_label {
  const char *code;
  const char *zh;
  const char *en;
} hk_label;

/* The label of code, or NULL when the kind has no such code (or code is NULL). */
const hk_label *hk_label_find(hk_label_kind kind, const char *code);
/* The Chinese / English words for code; the code itself when unknown, "" for NULL. */
const char *hk_label_zh(hk_label_kind kind, const char *code);
const char *hk_label_en(hk_label_kind kind, const char *code);
/* Every label of a kind (for the portal's catalogue): *n receives the count. */
const hk_label *hk_label_table(hk_label_kind kind, size_t *n);

/* Set "<prefix>label" and "<prefix>label_en" on obj for code (prefix "" gives "label"); nothing
 * when code has no label. */
void hk_label_json_set(json_t *obj, const char *prefix, hk_label_kind kind, const char *code);

#endif
