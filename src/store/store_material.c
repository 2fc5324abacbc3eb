/* Dispatch of store_material.h to the backend's operations. */
#include "store/store_material.h"

#include "store/store_int.h"

static hk_status missing(hk_store *st, hk_error *err)
{
  return hk_error_set(err, HK_EINTERNAL, "db", "the %s store keeps no materials", st->ops->name);
}

hk_status hk_store_material_blob_put(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                     const uint8_t *data, size_t size, bool *added, hk_error *err)
{
  *added = false;
  return st->ops->material_blob_put ? st->ops->material_blob_put(st, sha256, data, size, added, err)
                                    : missing(st, err);
}

hk_status hk_store_material_blob_get(hk_store *st, const uint8_t sha256[HK_HASH_LEN],
                                     uint8_t **data, size_t *size, hk_error *err)
{
  *data = NULL;
  *size = 0;
  return st->ops->material_blob_get ? st->ops->material_blob_get(st, sha256, data, size, err)
                                    : missing(st, err);
}

hk_status hk_store_material_insert(hk_store *st, hk_material_row *row, hk_error *err)
{
  return st->ops->material_insert ? st->ops->material_insert(st, row, err) : missing(st, err);
}

hk_status hk_store_material_get(hk_store *st, int64_t id, hk_material_row *out, hk_error *err)
{
  return st->ops->material_get ? st->ops->material_get(st, id, out, err) : missing(st, err);
}

hk_status hk_store_material_each(hk_store *st, const hk_material_filter *f, hk_material_cb cb,
                                 void *cls, hk_error *err)
{
  return st->ops->material_each ? st->ops->material_each(st, f, cb, cls, err) : missing(st, err);
}

hk_status hk_store_material_set_step(hk_store *st, int64_t id, int step_index, hk_error *err)
{
  return st->ops->material_set_step ? st->ops->material_set_step(st, id, step_index, err)
                                    : missing(st, err);
}
