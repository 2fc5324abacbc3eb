#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/idnum.h"
#include "store/store_int.h"

/* 1: persons, households, hukou registrations, histories, kinship, events.
 * 2: residence registration (declaration date, lateness, end, address).
 * 3: applications and residence permits.
 * 4: households: address, owner, dates; hukou end reasons; deaths (store_household.h).
 * 5: accounts, sessions, department keys, the access log (store_auth.h).
 * 6: facts with provenance (store_fact.h).
 * 7: birth and death registrations, ended residence permits (store_vital.h).
 * 8: lists and search: filing county, queue index, names, addresses (store_list.h).
 * 9: materials: attachments and their content by SHA-256 (store_material.h).
 * 10: the worklist of declared facts awaiting verification (store_fact.h).
 * 11: sign-in failures, locks and the addresses that signed in (store_auth.h).
 * 12: electronic certificates and their status (store_cert.h). */
#define SCHEMA_VERSION 12

int hk_store_schema_version(void)
{
  return SCHEMA_VERSION;
}

hk_status hk_store_open(const char *path, hk_store_mode mode, hk_store **out, hk_error *err)
{
  *out = NULL;
  if (path == NULL || path[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "db", "no database path given");
  if (sodium_init() < 0)
    return hk_error_set(err, HK_EINTERNAL, NULL, "libsodium failed to initialise");
  if (store__is_pg_uri(path))
    return store__pg_open(path, mode, out, err);
  return store__sqlite_open(path, mode, out, err);
}

void hk_store_expect_stream(hk_store *st)
{
  if (st->ops->expect_stream)
    st->ops->expect_stream(st);
}

void hk_store_close(hk_store *st)
{
  if (st)
    st->ops->close(st);
}

int hk_store_version(hk_store *st)
{
  return st->ops->schema_version(st);
}

hk_status hk_store_begin(hk_store *st, hk_error *err)
{
  return st->ops->begin(st, err);
}

hk_status hk_store_commit(hk_store *st, hk_error *err)
{
  return st->ops->commit(st, err);
}

void hk_store_rollback(hk_store *st)
{
  st->ops->rollback(st);
}

hk_status hk_store_person_add(hk_store *st, const hk_person *p, int64_t *row, hk_error *err)
{
  if (!hk_idnum_valid18(p->id_number))
    return hk_error_set(err, HK_EINVAL, "id_number", "not a valid 18-character ID number");
  return st->ops->person_add(st, p, row, err);
}

hk_status hk_store_person_row(hk_store *st, const char *id_number, int64_t *row, hk_error *err)
{
  return st->ops->person_row(st, id_number, row, err);
}

hk_status hk_store_person_get(hk_store *st, const char *id_number, hk_person *out, hk_error *err)
{
  if (st->ops->person_get_by_number)
    return st->ops->person_get_by_number(st, id_number, out, err);
  int64_t row;
  hk_status rc = st->ops->person_row(st, id_number, &row, err);
  if (rc != HK_OK)
    return rc;
  return st->ops->person_get(st, row, out, err);
}

hk_status hk_store_bulk_begin(hk_store *st, bool *engaged, hk_error *err)
{
  return st->ops->bulk_begin(st, engaged, err);
}

hk_status hk_store_bulk_end(hk_store *st, hk_error *err)
{
  return st->ops->bulk_end(st, err);
}

hk_status hk_store_person_update(hk_store *st, int64_t row, const hk_person *p, hk_error *err)
{
  return st->ops->person_update(st, row, p, err);
}

hk_status hk_store_person_lock(hk_store *st, int64_t row, hk_error *err)
{
  return st->ops->person_lock(st, row, err);
}

hk_status hk_store_person_delete(hk_store *st, int64_t row, hk_error *err)
{
  return st->ops->person_delete(st, row, err);
}

hk_status hk_store_kinship_add(hk_store *st, int64_t row, uint32_t seq, hk_relation relation,
                               int64_t relative, hk_error *err)
{
  return st->ops->kinship_add(st, row, seq, relation, relative, err);
}

hk_status hk_store_person_each(hk_store *st, hk_person_cb cb, void *cls, hk_error *err)
{
  return st->ops->person_each(st, cb, cls, err);
}

hk_status hk_store_counts_get(hk_store *st, hk_store_counts *out, hk_error *err)
{
  return st->ops->counts(st, out, err);
}

/* ---- the event chain ---- */

void store__hash_field(crypto_hash_sha256_state *h, const char *s)
{
  /* Length-prefixed, so ("ab","c") and ("a","bc") hash differently. */
  uint64_t len = s ? strlen(s) : 0;
  uint8_t le[8];
  for (int i = 0; i < 8; i++)
    le[i] = (uint8_t)(len >> (8 * i));
  crypto_hash_sha256_update(h, le, sizeof le);
  if (len)
    crypto_hash_sha256_update(h, (const uint8_t *)s, len);
}

void hk_event_hash(const hk_event *ev, uint8_t out[HK_HASH_LEN])
{
  crypto_hash_sha256_state h;
  crypto_hash_sha256_init(&h);
  char seq[24];
  snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
  store__hash_field(&h, seq);
  store__hash_field(&h, ev->at);
  store__hash_field(&h, ev->actor);
  store__hash_field(&h, ev->action);
  store__hash_field(&h, ev->subject);
  store__hash_field(&h, ev->payload);
  crypto_hash_sha256_update(&h, ev->prev_hash, HK_HASH_LEN);
  crypto_hash_sha256_final(&h, out);
}

static void utc_now(char out[32])
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

void hk_store_set_operator(hk_store *st, const char *os_user)
{
  snprintf(st->os_user, sizeof st->os_user, "%s", os_user ? os_user : "");
}

hk_status hk_store_event_append(hk_store *st, const char *actor, const char *action,
                                const char *subject, const char *payload, hk_error *err)
{
  hk_event_head head = {0};
  return hk_store_event_append_at(st, &head, actor, action, subject, payload, err);
}

hk_status hk_store_event_append_at(hk_store *st, hk_event_head *head, const char *actor,
                                   const char *action, const char *subject, const char *payload,
                                   hk_error *err)
{
  if (actor == NULL || actor[0] == '\0' || action == NULL || action[0] == '\0')
    return hk_error_set(err, HK_EINVAL, "actor", "an event needs an actor and an action");
  char at[32];
  utc_now(at);
  char via[160];
  if (st->os_user[0] && strncmp(actor, "cli:", 4) != 0) {
    snprintf(via, sizeof via, "%.100s via cli:%s", actor, st->os_user);
    actor = via;
  }
  hk_event ev = {.at = at,
                 .actor = actor,
                 .action = action,
                 .subject = subject ? subject : "",
                 .payload = payload ? payload : "{}"};
  if (!head->known) {
    hk_status rc = st->ops->event_last(st, &head->seq, head->hash, err);
    if (rc != HK_OK)
      return rc;
    head->known = true;
  }
  ev.seq = head->seq + 1;
  memcpy(ev.prev_hash, head->hash, HK_HASH_LEN);
  hk_event_hash(&ev, ev.hash);
  hk_status rc = st->ops->event_insert(st, &ev, err);
  if (rc == HK_OK) {
    head->seq = ev.seq;
    memcpy(head->hash, ev.hash, HK_HASH_LEN);
  } else {
    head->known = false; /* read again after a failure */
  }
  return rc;
}

typedef struct verify_state {
  int64_t checked;
  int64_t first_broken;
  int64_t last_seq;
  uint8_t last_hash[HK_HASH_LEN];
} verify_state;

static hk_status verify_one(const hk_event *ev, void *cls, hk_error *err)
{
  verify_state *v = cls;
  uint8_t want[HK_HASH_LEN];
  v->checked++;
  hk_event_hash(ev, want);
  const char *why = NULL;
  if (ev->seq != v->last_seq + 1)
    why = "a gap in the sequence (an event was removed)";
  else if (memcmp(ev->prev_hash, v->last_hash, HK_HASH_LEN) != 0)
    why = "its link does not match the previous event's hash";
  else if (memcmp(ev->hash, want, HK_HASH_LEN) != 0)
    why = "its content does not match its hash (it was changed)";
  if (why) {
    v->first_broken = ev->seq;
    return hk_error_set(err, HK_ETAMPERED, "event", "event %lld: %s", (long long)ev->seq, why);
  }
  v->last_seq = ev->seq;
  memcpy(v->last_hash, ev->hash, HK_HASH_LEN);
  return HK_OK;
}

hk_status hk_store_audit_verify(hk_store *st, int64_t *checked, int64_t *first_broken,
                                hk_error *err)
{
  verify_state v = {0};
  hk_status rc = st->ops->event_each(st, 1, verify_one, &v, err);
  *checked = v.checked;
  *first_broken = v.first_broken;
  return rc;
}

hk_status hk_store_event_head(hk_store *st, int64_t *seq, uint8_t hash[HK_HASH_LEN], hk_error *err)
{
  return st->ops->event_last(st, seq, hash, err);
}

hk_status hk_store_event_each(hk_store *st, int64_t from_seq, hk_event_cb cb, void *cls,
                              hk_error *err)
{
  return st->ops->event_each(st, from_seq, cb, cls, err);
}
