#ifndef HK_STORE_STORE_LIST_H
#define HK_STORE_STORE_LIST_H

/* Lists and searches for the officer's workbench (issue 10; schema version 8): the queue of
 * applications with the applicant's name, paged by a key that inserts cannot shift, counts by
 * state, persons and households found by name, ID number, address or household number, and
 * residence registrations (一) of an area. Every function here reads inside an area given as a
 * division range [lo, hi] (the caller's jurisdiction: the service decides it); 0, 0 is
 * everywhere. Rows are lent to the callback for the duration of the call.
 *
 * How each answers fast (docs/store.md, "Lists and search"): applications by
 * (target, state, due_on) and (filed_in, state, due_on); names by three B-tree indexes (the
 * name, the name without its first character, and, for four-character names, without its
 * first two), so a fragment of two to four characters of a Chinese name is a range scan
 * wherever it stands; addresses by trigrams (SQLite FTS5 trigram, PostgreSQL pg_trgm), which
 * need three characters; household numbers by their unique index; the residence list by
 * (division, person_id, seq). */

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/error.h"
#include "store/store.h"

/* ---- applications ---- */

/* The position after which a page starts: the order is (rank, due, id), rank 0 for an overdue
 * application, 1 otherwise; due is due_on, or INT32_MAX when none is running. */
typedef struct hk_app_key {
  int rank;
  int32_t due;
  int64_t id;
} hk_app_key;

typedef struct hk_app_page_query {
  int32_t target_lo, target_hi; /* the deciding county in [lo, hi]; 0, 0: any */
  int32_t filed_lo, filed_hi;   /* the filing service point's county in [lo, hi]; 0, 0: any */
  int64_t person_id;            /* 0: anyone's */
  uint32_t state_mask;          /* bit (1 << state); 0: any */
  uint32_t owed_mask;           /* the states in which the office owes the next step */
  int kind;                     /* -1: any */
  int overdue;                  /* -1 any, 1 overdue only, 0 not overdue */
  hk_date today;                /* overdue: owed and due_on < today */
  const char *name;             /* applicant's name prefix (UTF-8), or NULL */
  bool has_after;
  hk_app_key after;
  uint32_t limit; /* 1 .. */
} hk_app_page_query;

typedef struct hk_app_item {
  int64_t id;
  int64_t person_id;
  int kind, state;
  int32_t target, filed_in; /* filed_in 0: online */
  hk_date submitted_on, due_on;
  bool overdue;
  hk_app_key key;
  const char *id_number; /* the applicant's, in full: the caller masks it */
  const char *name;
  const char *pathway; /* NULL for a permit */
  const char *channel;
} hk_app_item;

typedef hk_status (*hk_app_item_cb)(const hk_app_item *it, void *cls, hk_error *err);
hk_status hk_store_app_page(hk_store *st, const hk_app_page_query *q, hk_app_item_cb cb, void *cls,
                            hk_error *err);

/* Counts by state of the applications whose target (filed = false) or filing county
 * (filed = true) lies in [lo, hi], and how many are overdue on today (owed_mask as above). One
 * grouped query over the covering index. */
#define HK_APP_STATES_MAX 16
typedef struct hk_app_tally {
  int64_t by_state[HK_APP_STATES_MAX];
  int64_t overdue;
  int64_t total;
} hk_app_tally;
hk_status hk_store_app_counts(hk_store *st, bool filed, int32_t lo, int32_t hi, hk_date today,
                              uint32_t owed_mask, hk_app_tally *out, hk_error *err);

/* ---- persons ---- */

typedef struct hk_person_query {
  int32_t lo, hi;        /* hukou division or active residence division in [lo, hi] */
  const char *id_number; /* a checked 18-character number, or NULL */
  const char *name;      /* 2 .. 4 characters: prefix or fragment of the name, or NULL */
  const char *address;   /* 3 characters or more: a fragment of an address, or NULL */
  int64_t after;         /* person row: the page starts after it */
  uint32_t limit;
} hk_person_query;

typedef struct hk_person_hit {
  int64_t row;
  const char *id_number; /* in full: the caller masks it */
  const char *name;
  char sex; /* 'M' or 'F' */
  hk_date birth_date;
  int32_t hukou_division; /* 0 when none in force */
  const char *household_no;
  int32_t residence_division; /* the active residence registration's; 0 none */
  const char *residence_address;
  bool died;
} hk_person_hit;

typedef hk_status (*hk_person_hit_cb)(const hk_person_hit *h, void *cls, hk_error *err);
hk_status hk_store_person_search(hk_store *st, const hk_person_query *q, hk_person_hit_cb cb,
                                 void *cls, hk_error *err);

/* ---- households ---- */

typedef struct hk_household_query {
  int32_t lo, hi;      /* the household's division in [lo, hi] */
  const char *number;  /* a prefix of the household number, or NULL */
  const char *address; /* 3 characters or more, or NULL */
  const char *head;    /* the head's name, as hk_person_query.name, or NULL */
  int64_t after;       /* household row */
  uint32_t limit;
} hk_household_query;

typedef struct hk_household_hit {
  int64_t row;
  const char *number;
  int kind;
  int32_t division;
  const char *address;   /* NULL when none */
  const char *head_name; /* NULL when no head */
  const char *head_id_number;
  int64_t members;
  bool dissolved;
} hk_household_hit;

typedef hk_status (*hk_household_hit_cb)(const hk_household_hit *h, void *cls, hk_error *err);
hk_status hk_store_household_search(hk_store *st, const hk_household_query *q,
                                    hk_household_hit_cb cb, void *cls, hk_error *err);

/* ---- residence registrations (一) ---- */

typedef struct hk_residence_key {
  int32_t division;
  int64_t person_id;
  int32_t seq;
} hk_residence_key;

typedef struct hk_residence_query {
  int32_t lo, hi; /* the registration's division in [lo, hi] (required) */
  int active;     /* -1 any, 1 open-ended and not cancelled, 0 ended */
  bool has_after;
  hk_residence_key after;
  uint32_t limit;
} hk_residence_query;

typedef struct hk_residence_item {
  hk_residence_key key;
  const char *id_number;
  const char *name;
  const char *address; /* NULL when none recorded */
  hk_date from, to;    /* to: HK_DATE_OPEN when open-ended */
  hk_date declared_on; /* HK_DATE_NONE when not recorded */
  bool late;
} hk_residence_item;

typedef hk_status (*hk_residence_item_cb)(const hk_residence_item *it, void *cls, hk_error *err);
hk_status hk_store_residence_page(hk_store *st, const hk_residence_query *q,
                                  hk_residence_item_cb cb, void *cls, hk_error *err);

#endif
