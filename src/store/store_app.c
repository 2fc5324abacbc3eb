/* Dispatch of store_app.h to the backend's operations. */
#include "store/store_app.h"

#include "store/store_int.h"

static hk_status missing(hk_store *st, hk_error *err)
{
  return hk_error_set(err, HK_EINTERNAL, "db", "the %s store keeps no applications", st->ops->name);
}

hk_status hk_store_app_insert(hk_store *st, hk_app_row *row, hk_error *err)
{
  return st->ops->app_insert ? st->ops->app_insert(st, row, err) : missing(st, err);
}

hk_status hk_store_app_get(hk_store *st, int64_t id, bool lock, hk_app_row *out, hk_error *err)
{
  out->doc = NULL;
  return st->ops->app_get ? st->ops->app_get(st, id, lock, out, err) : missing(st, err);
}

hk_status hk_store_app_update(hk_store *st, const hk_app_row *row, hk_error *err)
{
  return st->ops->app_update ? st->ops->app_update(st, row, err) : missing(st, err);
}

hk_status hk_store_app_each(hk_store *st, const hk_app_filter *f, hk_app_cb cb, void *cls,
                            hk_error *err)
{
  return st->ops->app_each ? st->ops->app_each(st, f, cb, cls, err) : missing(st, err);
}

hk_status hk_store_permit_insert(hk_store *st, const hk_permit_row *row, hk_error *err)
{
  return st->ops->permit_insert ? st->ops->permit_insert(st, row, err) : missing(st, err);
}

hk_status hk_store_permit_latest(hk_store *st, int64_t person_id, hk_permit_row *out, hk_error *err)
{
  return st->ops->permit_latest ? st->ops->permit_latest(st, person_id, out, err)
                                : missing(st, err);
}

hk_status hk_store_permit_set_division(hk_store *st, const char *number, int32_t division,
                                       hk_error *err)
{
  return st->ops->permit_set_division ? st->ops->permit_set_division(st, number, division, err)
                                      : missing(st, err);
}

hk_status hk_store_permit_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                       hk_error *err)
{
  return st->ops->permit_count_prefix ? st->ops->permit_count_prefix(st, prefix, count, err)
                                      : missing(st, err);
}
