#include "service/situation_db.h"

#include <string.h>

hk_status hk_situation_from_registry(hk_store *st, const char *id_number, int32_t target,
                                     hk_date as_of, const char *const *consenting,
                                     size_t n_consenting, hk_situation *out, hk_error *err)
{
  hk_situation_reset(out);
  out->as_of = as_of;
  out->target = target;
  hk_status rc = hk_store_person_get(st, id_number, &out->person, err);
  if (rc != HK_OK)
    return rc;
  /* The person's links name their relatives; each comes with their own histories. */
  const hk_person *p = &out->person;
  for (uint32_t i = 0; i < p->relatives.n && rc == HK_OK; i++) {
    const hk_relative_link *link = &p->relatives.items[i];
    hk_person *rel = hk_situation_add_relative(out);
    if (rel == NULL)
      return hk_error_set(err, HK_ETOOBIG, "relatives", "too many relatives");
    rc = hk_store_person_get(st, link->id_number, rel, err);
    if (rc == HK_ENOTFOUND)
      rc = hk_error_set(err, HK_ESTORE, "relatives", "a linked relative is missing");
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
