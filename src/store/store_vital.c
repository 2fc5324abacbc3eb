/* Dispatch of store_vital.h to the backend's operations. */
#include "store/store_vital.h"

#include "store/store_int.h"

static hk_status missing(hk_store *st, hk_error *err)
{
  return hk_error_set(err, HK_EINTERNAL, "db", "the %s store keeps no birth or death records",
                      st->ops->name);
}

hk_status hk_store_vital_insert(hk_store *st, const hk_vital_row *row, hk_error *err)
{
  return st->ops->vital_insert ? st->ops->vital_insert(st, row, err) : missing(st, err);
}

hk_status hk_store_vital_get(hk_store *st, int64_t person_id, int kind, hk_vital_row *out,
                             hk_error *err)
{
  return st->ops->vital_get ? st->ops->vital_get(st, person_id, kind, out, err) : missing(st, err);
}

hk_status hk_store_permit_end(hk_store *st, const char *number, hk_date on, int reason,
                              hk_error *err)
{
  return st->ops->permit_end ? st->ops->permit_end(st, number, on, reason, err) : missing(st, err);
}
