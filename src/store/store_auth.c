/* Dispatch of store_auth.h to the backend's operations, and what is common to every backend:
 * argument checks and the access log's hash chain. */
#include "store/store_auth.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store_int.h"

static hk_status missing(hk_store *st, hk_error *err)
{
  return hk_error_set(err, HK_EINTERNAL, "db", "the %s store keeps no accounts", st->ops->name);
}

#define DISPATCH(op, ...) (st->ops->op ? st->ops->op(st, __VA_ARGS__) : missing(st, err))

void hk_store_utc_now(char out[HK_STAMP_LEN])
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, HK_STAMP_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, HK_STAMP_LEN - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

hk_status hk_store_account_add(hk_store *st, hk_account_row *row, hk_error *err)
{
  if (row->name[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "name", "an account needs a name");
  if (row->pwhash[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "password", "an account needs a password hash");
  hk_store_utc_now(row->created);
  return DISPATCH(account_add, row, err);
}

hk_status hk_store_account_get(hk_store *st, const char *name, hk_account_row *out, hk_error *err)
{
  return DISPATCH(account_get, name, out, err);
}

hk_status hk_store_account_each(hk_store *st, hk_account_cb cb, void *cls, hk_error *err)
{
  return DISPATCH(account_each, cb, cls, err);
}

hk_status hk_store_account_set_disabled(hk_store *st, const char *name, bool disabled,
                                        hk_error *err)
{
  return DISPATCH(account_set_disabled, name, disabled, err);
}

hk_status hk_store_account_set_role(hk_store *st, const char *name, int role, int32_t jurisdiction,
                                    hk_error *err)
{
  return DISPATCH(account_set_role, name, role, jurisdiction, err);
}

hk_status hk_store_account_set_password(hk_store *st, const char *name, const char *pwhash,
                                        const uint8_t keep[HK_HASH_LEN], hk_error *err)
{
  if (pwhash == NULL || pwhash[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "password", "an account needs a password hash");
  return DISPATCH(account_set_password, name, pwhash, keep, err);
}

hk_status hk_store_session_add(hk_store *st, const uint8_t token_hash[HK_HASH_LEN],
                               int64_t account_id, int64_t expires, hk_error *err)
{
  return DISPATCH(session_add, token_hash, account_id, expires, err);
}

hk_status hk_store_session_find(hk_store *st, const uint8_t token_hash[HK_HASH_LEN], int64_t now,
                                hk_account_row *out, int64_t *expires, hk_error *err)
{
  return DISPATCH(session_find, token_hash, now, out, expires, err);
}

hk_status hk_store_session_delete(hk_store *st, const uint8_t token_hash[HK_HASH_LEN], int64_t now,
                                  hk_error *err)
{
  return DISPATCH(session_delete, token_hash, now, err);
}

hk_status hk_store_session_purge(hk_store *st, int64_t now, int64_t *purged, hk_error *err)
{
  int64_t n = 0;
  hk_status rc = DISPATCH(session_purge, now, &n, err);
  if (purged)
    *purged = n;
  return rc;
}

static hk_status bad_address(const char *address, hk_error *err)
{
  if (address == NULL || address[0] == '\0' || strlen(address) > HK_CLIENT_ADDR_MAX)
    return hk_error_set(err, HK_EINVAL, "address", "a sign-in needs the client's address");
  return HK_OK;
}

hk_status hk_store_signin_get(hk_store *st, int64_t account_id, const char *address,
                              hk_signin_row *out, bool *known, hk_error *err)
{
  memset(out, 0, sizeof *out);
  *known = false;
  hk_status rc = bad_address(address, err);
  return rc != HK_OK ? rc : DISPATCH(signin_get, account_id, address, out, known, err);
}

hk_status hk_store_signin_put(hk_store *st, int64_t account_id, const hk_signin_row *row,
                              hk_error *err)
{
  return DISPATCH(signin_put, account_id, row, err);
}

hk_status hk_store_signin_address_add(hk_store *st, int64_t account_id, const char *address,
                                      hk_error *err)
{
  hk_status rc = bad_address(address, err);
  return rc != HK_OK ? rc : DISPATCH(signin_address_add, account_id, address, err);
}

hk_status hk_store_account_of_person(hk_store *st, const char *id_number, hk_account_row *out,
                                     hk_error *err)
{
  memset(out, 0, sizeof *out);
  return DISPATCH(account_of_person, id_number, out, err);
}

hk_status hk_store_activation_put(hk_store *st, const hk_activation_row *row, hk_error *err)
{
  return DISPATCH(activation_put, row, err);
}

hk_status hk_store_activation_get(hk_store *st, const char *id_number, hk_activation_row *out,
                                  hk_error *err)
{
  memset(out, 0, sizeof *out);
  return DISPATCH(activation_get, id_number, out, err);
}

hk_status hk_store_activation_delete(hk_store *st, const char *id_number, hk_error *err)
{
  return DISPATCH(activation_delete, id_number, err);
}

hk_status hk_store_apikey_add(hk_store *st, hk_apikey_row *row, hk_error *err)
{
  if (row->department[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "department", "a key needs a department");
  hk_store_utc_now(row->created);
  return DISPATCH(apikey_add, row, err);
}

hk_status hk_store_apikey_find(hk_store *st, const uint8_t key_hash[HK_HASH_LEN],
                               hk_apikey_row *out, hk_error *err)
{
  return DISPATCH(apikey_find, key_hash, out, err);
}

hk_status hk_store_apikey_each(hk_store *st, hk_apikey_cb cb, void *cls, hk_error *err)
{
  return DISPATCH(apikey_each, cb, cls, err);
}

hk_status hk_store_apikey_revoke(hk_store *st, int64_t id, hk_error *err)
{
  return DISPATCH(apikey_revoke, id, err);
}

/* ---- the access log ---- */

void hk_access_hash(const hk_access *a, uint8_t out[HK_HASH_LEN])
{
  crypto_hash_sha256_state h;
  crypto_hash_sha256_init(&h);
  char seq[24], person[24];
  snprintf(seq, sizeof seq, "%lld", (long long)a->seq);
  snprintf(person, sizeof person, "%lld", (long long)a->person_id);
  store__hash_field(&h, seq);
  store__hash_field(&h, a->at);
  store__hash_field(&h, a->actor);
  store__hash_field(&h, a->role);
  store__hash_field(&h, person);
  store__hash_field(&h, a->subject);
  store__hash_field(&h, a->endpoint);
  store__hash_field(&h, a->purpose);
  crypto_hash_sha256_update(&h, a->prev_hash, HK_HASH_LEN);
  crypto_hash_sha256_final(&h, out);
}

hk_status hk_store_access_append(hk_store *st, const hk_access_in *in, size_t n, hk_error *err)
{
  if (st->ops->access_last == NULL || st->ops->access_insert == NULL)
    return missing(st, err);
  hk_access a = {0};
  hk_status rc = st->ops->access_last(st, &a.seq, a.prev_hash, err);
  for (size_t i = 0; rc == HK_OK && i < n; i++) {
    char masked[HK_IDNUM_LEN + 1];
    int64_t row = 0;
    hk_error miss = {0};
    /* A person read was logged after it succeeded, so the row exists unless the person was
     * removed since; the entry is kept either way, with row 0. */
    bool search = in[i].id_number[0] == '\0';
    if (search || st->ops->person_row(st, in[i].id_number, &row, &miss) != HK_OK)
      row = 0;
    if (!search)
      hk_idnum_mask(in[i].id_number, masked);
    a.seq++;
    a.at = in[i].at;
    a.actor = in[i].actor;
    a.role = in[i].role;
    a.person_id = row;
    a.subject = search ? in[i].what : masked;
    a.endpoint = in[i].endpoint;
    a.purpose = in[i].purpose;
    hk_access_hash(&a, a.hash);
    rc = st->ops->access_insert(st, &a, err);
    memcpy(a.prev_hash, a.hash, HK_HASH_LEN);
  }
  return rc;
}

hk_status hk_store_access_each(hk_store *st, int64_t person_id, hk_access_cb cb, void *cls,
                               hk_error *err)
{
  return DISPATCH(access_each, person_id, cb, cls, err);
}

hk_status hk_store_access_head(hk_store *st, int64_t *seq, uint8_t hash[HK_HASH_LEN], hk_error *err)
{
  return DISPATCH(access_last, seq, hash, err);
}

typedef struct verify_state {
  int64_t checked, first_broken, last_seq;
  uint8_t last_hash[HK_HASH_LEN];
} verify_state;

static hk_status verify_one(const hk_access *a, void *cls, hk_error *err)
{
  verify_state *v = cls;
  uint8_t want[HK_HASH_LEN];
  v->checked++;
  hk_access_hash(a, want);
  const char *why = NULL;
  if (a->seq != v->last_seq + 1)
    why = "a gap in the sequence (an entry was removed)";
  else if (memcmp(a->prev_hash, v->last_hash, HK_HASH_LEN) != 0)
    why = "its link does not match the previous entry's hash";
  else if (memcmp(a->hash, want, HK_HASH_LEN) != 0)
    why = "its content does not match its hash (it was changed)";
  if (why) {
    v->first_broken = a->seq;
    return hk_error_set(err, HK_ETAMPERED, "access", "access entry %lld: %s", (long long)a->seq,
                        why);
  }
  v->last_seq = a->seq;
  memcpy(v->last_hash, a->hash, HK_HASH_LEN);
  return HK_OK;
}

hk_status hk_store_access_verify(hk_store *st, int64_t *checked, int64_t *first_broken,
                                 hk_error *err)
{
  verify_state v = {0};
  hk_status rc = DISPATCH(access_each, 0, verify_one, &v, err);
  *checked = v.checked;
  *first_broken = v.first_broken;
  return rc;
}
