#include "service/situation_db.h"

#include <string.h>

#include "service/facts.h"

/* The registry's rows with the facts in force laid over them (facts.h): verified and
 * department facts, and declared ones only when asked what verification would change. */
static hk_status read_with_facts(hk_store *st, const char *id_number, bool with_declared,
                                 hk_person *p, hk_error *err)
{
  int64_t row;
  hk_status rc = hk_store_person_row(st, id_number, &row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, id_number, p, err);
  if (rc == HK_OK)
    rc = hk_facts_overlay(st, row, p, with_declared, NULL, 0, NULL, err);
  return rc;
}

hk_status hk_situation_from_registry(hk_store *st, const char *id_number, int32_t target,
                                     hk_date as_of, const char *const *consenting,
                                     size_t n_consenting, hk_situation *out, hk_error *err)
{
  return hk_situation_from_registry_facts(st, id_number, target, as_of, consenting, n_consenting,
                                          false, out, err);
}

hk_status hk_situation_from_registry_facts(hk_store *st, const char *id_number, int32_t target,
                                           hk_date as_of, const char *const *consenting,
                                           size_t n_consenting, bool with_declared,
                                           hk_situation *out, hk_error *err)
{
  hk_situation_reset(out);
  out->as_of = as_of;
  out->target = target;
  hk_status rc = read_with_facts(st, id_number, with_declared, &out->person, err);
  if (rc != HK_OK)
    return rc;
  /* The person's links name their relatives; each comes with their own histories. */
  const hk_person *p = &out->person;
  for (uint32_t i = 0; i < p->relatives.n && rc == HK_OK; i++) {
    const hk_relative_link *link = &p->relatives.items[i];
    hk_person *rel = hk_situation_add_relative(out);
    if (rel == NULL)
      return hk_error_set_both(err, HK_ETOOBIG, "relatives", "亲属过多", "too many relatives");
    rc = read_with_facts(st, link->id_number, with_declared, rel, err);
    if (rc == HK_ENOTFOUND)
      rc = hk_error_set_both(err, HK_ESTORE, "relatives", "关联的亲属记录缺失",
                             "a linked relative is missing");
    /* A relative's own links are not part of the question. */
    rel->relatives.n = 0;
    rel->relation = link->relation;
    rel->consents = HK_TRI_UNSET;
    for (size_t c = 0; c < n_consenting; c++)
      if (strcmp(consenting[c], link->id_number) == 0)
        rel->consents = HK_TRI_TRUE;
  }
  out->person.relatives.n = 0;
  if (rc == HK_OK)
    rc = hk_situation_validate(out, err);
  return rc;
}
