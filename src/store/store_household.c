/* Dispatch of store_household.h to the backend's operations. */
#include "store/store_household.h"

#include <string.h>

#include "store/store_int.h"

static hk_status missing(hk_store *st, hk_error *err)
{
  return hk_error_set(err, HK_EINTERNAL, "db", "the %s store keeps no household records",
                      st->ops->name);
}

hk_status hk_store_household_insert(hk_store *st, hk_household_row *row, hk_error *err)
{
  return st->ops->household_insert ? st->ops->household_insert(st, row, err) : missing(st, err);
}

hk_status hk_store_household_get(hk_store *st, int64_t id, const char *number, bool lock,
                                 hk_household_row *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  if ((id == 0) == (number == NULL || number[0] == '\0'))
    return hk_error_set(err, HK_EINVAL, "household", "name a household by id or by number");
  return st->ops->household_get ? st->ops->household_get(st, id, number, lock, out, err)
                                : missing(st, err);
}

hk_status hk_store_household_find_owner(hk_store *st, int owner, int32_t division,
                                        const char *owner_code, bool lock, hk_household_row *out,
                                        hk_error *err)
{
  memset(out, 0, sizeof *out);
  return st->ops->household_find_owner
             ? st->ops->household_find_owner(st, owner, division, owner_code ? owner_code : "",
                                             lock, out, err)
             : missing(st, err);
}

hk_status hk_store_household_update(hk_store *st, const hk_household_row *row, hk_error *err)
{
  return st->ops->household_update ? st->ops->household_update(st, row, err) : missing(st, err);
}

hk_status hk_store_household_count_prefix(hk_store *st, const char *prefix, int64_t *count,
                                          hk_error *err)
{
  return st->ops->household_count_prefix ? st->ops->household_count_prefix(st, prefix, count, err)
                                         : missing(st, err);
}

hk_status hk_store_household_members(hk_store *st, int64_t household_id, hk_member_cb cb, void *cls,
                                     hk_error *err)
{
  return st->ops->household_members ? st->ops->household_members(st, household_id, cb, cls, err)
                                    : missing(st, err);
}

hk_status hk_store_hukou_current(hk_store *st, int64_t person_id, hk_hukou_row *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  return st->ops->hukou_current ? st->ops->hukou_current(st, person_id, out, err)
                                : missing(st, err);
}

hk_status hk_store_hukou_close(hk_store *st, int64_t person_id, hk_date on, int ended,
                               hk_error *err)
{
  return st->ops->hukou_close ? st->ops->hukou_close(st, person_id, on, ended, err)
                              : missing(st, err);
}

hk_status hk_store_hukou_open(hk_store *st, int64_t person_id, int64_t household_id,
                              int32_t division, hk_tri urban, hk_date on, hk_error *err)
{
  return st->ops->hukou_open
             ? st->ops->hukou_open(st, person_id, household_id, division, urban, on, err)
             : missing(st, err);
}

hk_status hk_store_hukou_move(hk_store *st, int64_t person_id, int64_t household_id,
                              int32_t division, hk_tri urban, hk_date on, hk_error *err)
{
  hk_status rc = hk_store_hukou_close(st, person_id, on, HK_HUKOU_END_MOVED, err);
  if (rc == HK_ENOTFOUND)
    rc = HK_OK; /* nothing open: a first registration */
  if (rc == HK_OK)
    rc = hk_store_hukou_open(st, person_id, household_id, division, urban, on, err);
  return rc;
}

hk_status hk_store_person_set_died(hk_store *st, int64_t person_id, hk_date died_on, hk_error *err)
{
  return st->ops->person_set_died ? st->ops->person_set_died(st, person_id, died_on, err)
                                  : missing(st, err);
}
