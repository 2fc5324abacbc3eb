/* What verification would change (facts.h, hk_facts_pending): the engine answers twice, on
 * the facts it decides on and with the declared ones added, and the difference is what an
 * officer's verification would open. Done here, over the engine, not inside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/json.h"
#include "policy/policy.h"
#include "service/facts.h"
#include "service/situation_db.h"
#include "store/store_fact.h"

#define DECLARED_MAX 32

typedef struct declared {
  int64_t id[DECLARED_MAX];
  int kind[DECLARED_MAX];
  size_t n;
} declared;

static hk_status note_declared(const hk_fact_row *row, void *cls, hk_error *err)
{
  (void)err;
  declared *d = cls;
  if (row->source == HK_FACT_DECLARED && row->superseded_by == 0 && d->n < DECLARED_MAX) {
    d->id[d->n] = row->id;
    d->kind[d->n++] = row->kind;
  }
  return HK_OK;
}

/* Labels a resident reads: what they declared, and what it would open. */
static const char *const kind_zh[HK_FACT_KIND_COUNT] = {"",
                                                        "住房（租赁合同或房产）",
                                                        "就业",
                                                        "就学",
                                                        "社会保险缴纳记录",
                                                        "人才认定",
                                                        "学历",
                                                        "婚姻状况",
                                                        "亲属关系"};
static const char *const kind_en[HK_FACT_KIND_COUNT] = {"",
                                                        "housing (lease or ownership)",
                                                        "employment",
                                                        "schooling",
                                                        "social insurance contributions",
                                                        "talent recognition",
                                                        "education",
                                                        "marital status",
                                                        "kinship"};

typedef struct pathway_label {
  const char *name, *clause, *zh, *en;
} pathway_label;

static const pathway_label permit_label = {"residence_permit", "(三)", "申领居住证",
                                           "a residence permit"};
static const pathway_label labels[HK_PW_COUNT] = {
    [HK_PW_RESIDENCE] = {"residence", "(二)", "通过居住落户", "settlement by residence"},
    [HK_PW_HANGZHOU_POINTS] = {"hangzhou_points", "(二)", "通过杭州积分落户",
                               "settlement on Hangzhou's points"},
    [HK_PW_PERMIT_CONVERSION] = {"permit_conversion", "(四)", "凭居住证落户",
                                 "settlement with a residence permit"},
    [HK_PW_TALENT] = {"talent", "(五)", "通过人才落户", "talent settlement"},
    [HK_PW_FAMILY] = {"family", "(六)", "通过投靠落户", "family-joining settlement"},
};

/* Only the declared facts make it eligible, or eligible sooner. */
static bool opened(const hk_result *base, const hk_result *with)
{
  if (!with->applicable || base->eligible)
    return false;
  if (with->eligible)
    return true;
  return with->eligible_from != HK_DATE_NONE &&
         (base->eligible_from == HK_DATE_NONE || with->eligible_from < base->eligible_from);
}

static json_t *item(const pathway_label *l, const hk_result *with, const declared *d)
{
  json_t *o = json_object(), *facts = json_array();
  char what_zh[512] = "", what_en[512] = "", entries[160] = "", date[16] = "";
  for (size_t i = 0; i < d->n; i++) {
    json_t *f = json_object();
    json_object_set_new(f, "entry", json_integer(d->id[i]));
    json_object_set_new(f, "kind", json_string(hk_fact_kind_name((hk_fact_kind)d->kind[i])));
    json_array_append_new(facts, f);
    size_t z = strlen(what_zh), e = strlen(what_en), n = strlen(entries);
    snprintf(what_zh + z, sizeof what_zh - z, "%s%s", i ? "、" : "", kind_zh[d->kind[i]]);
    snprintf(what_en + e, sizeof what_en - e, "%s%s", i ? ", " : "", kind_en[d->kind[i]]);
    snprintf(entries + n, sizeof entries - n, "%s%lld", i ? ", " : "", (long long)d->id[i]);
  }
  char zh[1024], en[1024];
  if (with->eligible_from != HK_DATE_NONE)
    hk_date_format(with->eligible_from, date);
  bool now = with->eligible;
  snprintf(zh, sizeof zh, "如果民警核实您申报的%s（记录 %s），您%s可以%s%s%s。", what_zh, entries,
           now ? "现在就" : "", l->zh, now ? "" : "，最早自 ", now ? "" : date);
  snprintf(en, sizeof en,
           "if the officer confirms your declared %s (entry %s), you qualify for %s %s%s", what_en,
           entries, l->en, now ? "now" : "from ", now ? "" : date);
  json_object_set_new(o, "pathway", json_string(l->name));
  json_object_set_new(o, "clause", json_string(l->clause));
  hk_json_set_date(o, "eligible_from", with->eligible_from);
  json_object_set_new(o, "facts", facts);
  json_object_set_new(o, "message", json_string(zh));
  json_object_set_new(o, "message_en", json_string(en));
  return o;
}

hk_status hk_facts_pending(hk_store *st, const hk_policies *pol, const hk_situation *sit,
                           const hk_answer *base, const char *const *consenting,
                           size_t n_consenting, json_t **out, hk_error *err)
{
  *out = NULL;
  int64_t row;
  declared d = {0};
  hk_status rc = hk_store_person_row(st, sit->person.id_number, &row, err);
  if (rc == HK_OK)
    rc = hk_store_fact_each(st, row, note_declared, &d, err);
  if (rc != HK_OK)
    return rc;
  json_t *list = json_array();
  if (d.n == 0) {
    *out = list;
    return HK_OK;
  }
  hk_answer *a = malloc(sizeof *a);
  if (a == NULL) {
    json_decref(list);
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  }
  hk_situation with;
  hk_situation_init(&with);
  rc = hk_situation_from_registry_facts(st, sit->person.id_number, sit->target, sit->as_of,
                                        consenting, n_consenting, true, &with, err);
  if (rc == HK_OK)
    rc = hk_policy_eval(pol, &with, a, err);
  if (rc == HK_OK) {
    if (opened(&base->permit, &a->permit))
      json_array_append_new(list, item(&permit_label, &a->permit, &d));
    for (int p = 0; p < HK_PW_COUNT; p++)
      if (opened(&base->pathways[p], &a->pathways[p]))
        json_array_append_new(list, item(&labels[p], &a->pathways[p], &d));
    *out = list;
  } else {
    json_decref(list);
  }
  free(a);
  hk_situation_clear(&with);
  return rc;
}
