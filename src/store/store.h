#ifndef HK_STORE_STORE_H
#define HK_STORE_STORE_H

/* The registry store: one interface over persons, households, hukou registrations, their
 * histories and the hash-chained event log. SQLite is the embedded default; a PostgreSQL backend
 * implements the same table of operations (store_int.h). No SQL leaves this module.
 *
 * Every change runs inside hk_store_begin .. hk_store_commit and appends an event in the same
 * transaction (hk_store_event_append), so the registry and its audit chain cannot disagree. */

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/person.h"

typedef struct hk_store hk_store;

typedef enum hk_store_mode {
  HK_STORE_EXISTING, /* open a database made by hukou init; fail when missing */
  HK_STORE_CREATE,   /* create it (and apply migrations); fail when it already exists */
  HK_STORE_READONLY, /* open an existing database for reading only */
} hk_store_mode;

/* Open the SQLite database at path (":memory:" for a private in-memory one, which implies
 * HK_STORE_CREATE), or a PostgreSQL database named by "postgresql://...", "postgres://..." or
 * "pg:" and a libpq connection string (the database must exist; init creates the tables). Existing
 * databases are migrated to the current schema version unless read-only (then an older schema is an
 * error). On success *out owns the connection. */
hk_status hk_store_open(const char *path, hk_store_mode mode, hk_store **out, hk_error *err);
void hk_store_close(hk_store *st);

/* The schema version this build writes, and the one a store is at. */
int hk_store_schema_version(void);
int hk_store_version(hk_store *st);

/* Transactions. commit may return HK_ERETRY on a write conflict; callers then roll back and
 * run the whole transaction again. */
hk_status hk_store_begin(hk_store *st, hk_error *err);
hk_status hk_store_commit(hk_store *st, hk_error *err);
void hk_store_rollback(hk_store *st);

/* This connection will append a steady stream of small transactions (the HTTP server's access
 * log writer): the backend may do its housekeeping in larger, rarer steps. SQLite copies its
 * write-ahead log back into the database every 20,000 pages (80 MB) instead of every 1,000, so
 * that readers of the same file are disturbed less often (docs/benchmarks.md, HTTP). */
void hk_store_expect_stream(hk_store *st);

/* Add a person with their hukou registration and histories. The household named by
 * p->hukou.household_no is joined (created when new, with the person's household kind and hukou
 * division); without a number the person gets a household of their own. p->relatives are NOT
 * stored here: links are resolved with hk_store_kinship_add once both ends exist.
 * HK_EDUPLICATE when the ID number is already registered; HK_ECONFLICT when the household
 * already has another head or is of the other kind. *row receives the person's row id. */
hk_status hk_store_person_add(hk_store *st, const hk_person *p, int64_t *row, hk_error *err);

/* The row id of a registered ID number; HK_ENOTFOUND when there is none. */
hk_status hk_store_person_row(hk_store *st, const char *id_number, int64_t *row, hk_error *err);

/* One person with histories and relative links (as ID numbers), into *out (reset first). */
hk_status hk_store_person_get(hk_store *st, const char *id_number, hk_person *out, hk_error *err);

/* Begin a bulk load: a transaction, like hk_store_begin, that the store may run differently.
 * When the registry is empty the SQLite store trades its secondary indexes for in-memory maps
 * until hk_store_bulk_end rebuilds them, and writes through a rollback journal instead of the
 * WAL (*engaged says whether it did); the calls of this header behave the same either way.
 * Call bulk_end before commit; commit or rollback ends the bulk load. */
hk_status hk_store_bulk_begin(hk_store *st, bool *engaged, hk_error *err);
hk_status hk_store_bulk_end(hk_store *st, hk_error *err);

/* Replace the person's own fields (name, marital status, education) and every history
 * (residence, housing, employment, schooling, insurance, permits, talent, points facts) with
 * those of p; the hukou registration and kinship links stay. The services that change a history
 * only close periods and append new ones, and record the change as an event, so nothing that
 * was true is lost. HK_ENOTFOUND when there is no such row. */
hk_status hk_store_person_update(hk_store *st, int64_t row, const hk_person *p, hk_error *err);

/* Lock the person's row until the transaction ends, so that a read-modify-write of their
 * records cannot interleave with another's (SQLite's write transactions are already exclusive;
 * PostgreSQL takes a row lock). */
hk_status hk_store_person_lock(hk_store *st, int64_t row, hk_error *err);

/* Remove a person and everything of theirs (used to undo a line of a bulk import). */
hk_status hk_store_person_delete(hk_store *st, int64_t row, hk_error *err);

/* Link person `row` to `relative` as their relation, at position seq of their relatives. */
hk_status hk_store_kinship_add(hk_store *st, int64_t row, uint32_t seq, hk_relation relation,
                               int64_t relative, hk_error *err);

/* Call cb for every person in row order, with histories and links. The person is lent to cb
 * for the duration of the call. A status other than HK_OK from cb stops the walk and is
 * returned. */
typedef hk_status (*hk_person_cb)(const hk_person *p, void *cls, hk_error *err);
hk_status hk_store_person_each(hk_store *st, hk_person_cb cb, void *cls, hk_error *err);

/* Counts for a quick look at a store. */
typedef struct hk_store_counts {
  int64_t persons;
  int64_t households;
  int64_t events;
} hk_store_counts;
hk_status hk_store_counts_get(hk_store *st, hk_store_counts *out, hk_error *err);

/* ---- the event chain ---- */

#define HK_HASH_LEN 32

typedef struct hk_event {
  int64_t seq;
  const char *at;      /* UTC time, "2024-06-01T08:00:00.123Z" */
  const char *actor;   /* who: "cli:root", "officer:330106-0001", ... */
  const char *action;  /* what kind of change: "import", "residence.declare", ... */
  const char *subject; /* what it is about: a person's masked ID, a household number, a file */
  const char *payload; /* JSON with the details */
  uint8_t prev_hash[HK_HASH_LEN];
  uint8_t hash[HK_HASH_LEN];
} hk_event;

/* Append an event inside the current transaction. Its hash covers its fields and the previous
 * event's hash (SHA-256), so changing, removing or reordering any event breaks the chain from
 * there on. Never put a full ID number in subject or payload: use hk_idnum_mask. */
hk_status hk_store_event_append(hk_store *st, const char *actor, const char *action,
                                const char *subject, const char *payload, hk_error *err);

/* The command line acts on the server as an operator (issue 16): an event it writes as an
 * officer, a supervisor, a resident or the system names the operating system user too, as
 * "officer:330402 via cli:root" (an actor already "cli:..." is left as it is). Set by the
 * command line on the stores it opens, never by the server; the actor is hashed as written,
 * so the chain and older events verify as before. */
void hk_store_set_operator(hk_store *st, const char *os_user);

/* The chain's head as one writer holds it through a transaction of many events (the bulk
 * path of `hukou facts import`): read once from the store (on PostgreSQL that takes the head's
 * lock, held to the end of the transaction), then carried from event to event, so each event
 * costs its hash and its insert. Zero it at the start of each transaction; every event of that
 * transaction must then go through the same head. */
typedef struct hk_event_head {
  bool known;
  int64_t seq;
  uint8_t hash[HK_HASH_LEN];
} hk_event_head;
hk_status hk_store_event_append_at(hk_store *st, hk_event_head *head, const char *actor,
                                   const char *action, const char *subject, const char *payload,
                                   hk_error *err);

/* Walk the chain from the first event. On HK_OK every event verifies; on HK_ETAMPERED
 * *first_broken is the first event whose hash or link does not verify. *checked counts the
 * events read. */
hk_status hk_store_audit_verify(hk_store *st, int64_t *checked, int64_t *first_broken,
                                hk_error *err);

/* The chain's head: the last event's seq and hash (0 and a zero hash when there is none), for
 * a checkpoint kept outside the database (hukou audit checkpoint, issue 16). */
hk_status hk_store_event_head(hk_store *st, int64_t *seq, uint8_t hash[HK_HASH_LEN], hk_error *err);

/* The events in order, lent to cb for the duration of the call. */
typedef hk_status (*hk_event_cb)(const hk_event *ev, void *cls, hk_error *err);
hk_status hk_store_event_each(hk_store *st, int64_t from_seq, hk_event_cb cb, void *cls,
                              hk_error *err);

/* Compute an event's hash from its fields and prev_hash (exposed for tests and verifiers). */
void hk_event_hash(const hk_event *ev, uint8_t out[HK_HASH_LEN]);

#endif
