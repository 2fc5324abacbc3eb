/* Dispatch of store_cert.h to the backend's operations. */
#include "store/store_cert.h"

#include <stdlib.h>

#include "store/store_int.h"

static hk_status missing(hk_store *st, hk_error *err)
{
  return hk_error_set(err, HK_EINTERNAL, "db", "the %s store keeps no certificates", st->ops->name);
}

void hk_cert_row_clear(hk_cert_row *row)
{
  free(row->claims);
  free(row->token);
  row->claims = NULL;
  row->token = NULL;
}

hk_status hk_store_cert_next_index(hk_store *st, int64_t *index, hk_error *err)
{
  return st->ops->cert_next_index ? st->ops->cert_next_index(st, index, err) : missing(st, err);
}

hk_status hk_store_cert_insert(hk_store *st, const hk_cert_row *row, hk_error *err)
{
  return st->ops->cert_insert ? st->ops->cert_insert(st, row, err) : missing(st, err);
}

hk_status hk_store_cert_get(hk_store *st, const char *cert_id, hk_cert_row *out, hk_error *err)
{
  return st->ops->cert_get ? st->ops->cert_get(st, cert_id, out, err) : missing(st, err);
}

hk_status hk_store_cert_each_person(hk_store *st, const char *person, hk_cert_row_cb cb, void *cls,
                                    hk_error *err)
{
  return st->ops->cert_each_person ? st->ops->cert_each_person(st, person, cb, cls, err)
                                   : missing(st, err);
}

hk_status hk_store_cert_set_status(hk_store *st, int64_t id, int status, const char *reason,
                                   int64_t at, hk_error *err)
{
  return st->ops->cert_set_status ? st->ops->cert_set_status(st, id, status, reason, at, err)
                                  : missing(st, err);
}

hk_status hk_store_cert_set_token(hk_store *st, int64_t id, const char *token, const char *kid,
                                  hk_error *err)
{
  return st->ops->cert_set_token ? st->ops->cert_set_token(st, id, token, kid, err)
                                 : missing(st, err);
}

hk_status hk_store_cert_statuses(hk_store *st, uint8_t **statuses, size_t *n, hk_error *err)
{
  *statuses = NULL;
  *n = 0;
  return st->ops->cert_statuses ? st->ops->cert_statuses(st, statuses, n, err) : missing(st, err);
}
