/* Dispatch of store_fact.h to the backend's operations. */
#include "store/store_fact.h"

#include "store/store_int.h"

static hk_status missing(hk_store *st, hk_error *err)
{
  return hk_error_set(err, HK_EINTERNAL, "db", "the %s store keeps no facts", st->ops->name);
}

hk_status hk_store_fact_insert(hk_store *st, hk_fact_row *row, hk_error *err)
{
  return st->ops->fact_insert ? st->ops->fact_insert(st, row, err) : missing(st, err);
}

hk_status hk_store_fact_supersede(hk_store *st, int64_t old_id, int64_t new_id, hk_error *err)
{
  return st->ops->fact_supersede ? st->ops->fact_supersede(st, old_id, new_id, err)
                                 : missing(st, err);
}

hk_status hk_store_fact_each(hk_store *st, int64_t person_id, hk_fact_cb cb, void *cls,
                             hk_error *err)
{
  return st->ops->fact_each ? st->ops->fact_each(st, person_id, cb, cls, err) : missing(st, err);
}

hk_status hk_store_fact_by_delivery(hk_store *st, const char *department, const char *delivery,
                                    hk_fact_cb cb, void *cls, hk_error *err)
{
  return st->ops->fact_by_delivery
             ? st->ops->fact_by_delivery(st, department, delivery, cb, cls, err)
             : missing(st, err);
}
