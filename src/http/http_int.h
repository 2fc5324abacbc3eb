#ifndef HK_HTTP_HTTP_INT_H
#define HK_HTTP_HTTP_INT_H

/* What the pieces of the HTTP module share: the request and response handlers see (no
 * libmicrohttpd types), the route table, per-worker resources, metrics and the rate limiter. */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "cert/cert.h"
#include "core/error.h"
#include "core/person.h"
#include "http/http.h"
#include "policy/policy.h"
#include "service/account.h"
#include "service/actor.h"
#include "store/store.h"

#define HK_HTTP_BODY_MAX (1u << 20) /* request bodies: 1 MiB */
#define HK_HTTP_PATH_MAX 512
#define HK_HTTP_PARAMS_MAX 4

/* ---- requests and responses ---- */

typedef struct hk_http_req {
  hk_http_server *srv;
  const char *method; /* "GET", "POST"; HEAD is routed as GET */
  const char *path;   /* percent-decoded and checked: printable ASCII, no "." or ".." */
  const char *param[HK_HTTP_PARAMS_MAX]; /* the {params} of the route pattern, in order */
  size_t n_param;
  char param_buf[HK_HTTP_PATH_MAX + HK_HTTP_PARAMS_MAX];
  const char *body; /* the whole body (NUL-terminated), or NULL */
  size_t body_len;
  const char *client; /* the peer's address, "127.0.0.1" */
  void *conn;         /* server.c's connection, for the query accessors */
  /* Who is asking (server.c, from "Authorization: Bearer <token>"): a session of an account or
   * a department key. actor is filled only when signed_in. */
  hk_actor actor;
  bool signed_in;
  const char *purpose;   /* the X-Purpose header (required of department keys), or NULL */
  bool is_key;           /* signed in with a department key */
  const char *questions; /* a key's questions, comma-separated ("" otherwise) */
  const char *token;     /* the bearer token or session cookie as sent (for signing out) */
  bool by_cookie;        /* signed in by the hk_session cookie (a browser), not a header */
  int64_t expires;       /* the session's end (Unix seconds); 0 for department keys */
  char questions_buf[HK_QUESTIONS_MAX + 1];
} hk_http_req;

/* A query argument (percent-decoded), or NULL. */
const char *hk_http_query(const hk_http_req *req, const char *key);
/* Every query argument must be one of the NULL-terminated `allowed`: otherwise HK_EINVAL
 * naming the first unknown one ("query.foo"). */
hk_status hk_http_query_known(const hk_http_req *req, const char *const *allowed, hk_error *err);

typedef struct hk_http_resp {
  int status;
  char *body; /* malloc'd; NULL for none */
  size_t len;
  const char *static_body; /* or a body that outlives the response (not freed) */
  const char *content_type;
  hk_status error;      /* the error code for metrics and the log when status >= 400 */
  unsigned retry_after; /* seconds for Retry-After; 0 none */
  char allow[32];       /* for 405: the methods the path has */
  bool no_store;        /* personal data: Cache-Control: no-store */
  /* The portal's files (static.c): the body is static_body with this length (it may hold NUL
   * bytes), with these headers; NULL/0 for none. */
  size_t static_len;
  const char *etag;
  const char *encoding;      /* Content-Encoding: "gzip" */
  bool vary_encoding;        /* Vary: Accept-Encoding: the file has a gzip variant */
  const char *cache_control; /* when no_store is not set */
  char set_cookie[160];      /* Set-Cookie, or "" */
  char disposition[1280];    /* Content-Disposition when not empty (a download; h_materials.c) */
} hk_http_resp;

/* A request header (the first of that name), or NULL. */
const char *hk_http_header(const hk_http_req *req, const char *name);

/* Reply with a JSON document (the reference is stolen). */
void hk_http_reply_json(hk_http_resp *resp, int status, json_t *doc);
/* Reply with {"error": {"code", "message", "message_en", "field"}} and the status of the error
 * table. The messages are the table's text followed by the field and detail. */
void hk_http_reply_error(hk_http_resp *resp, const hk_error *err);
/* The same with `value` (stolen; may be NULL) under `key` beside "error". */
void hk_http_reply_error_with(hk_http_resp *resp, const hk_error *err, const char *key,
                              json_t *value);
void hk_http_reply_fail(hk_http_resp *resp, hk_status code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with the detail in Chinese (zh) and English (en), two formats of the same arguments
 * (hk_error_set_both): every refusal a person reads is a sentence in both languages (issue 10). */
void hk_http_reply_fail_both(hk_http_resp *resp, hk_status code, const char *field, const char *zh,
                             const char *en, ...)
    __attribute__((format(printf, 4, 6), format(printf, 5, 6)));

typedef void (*hk_http_handler)(hk_http_req *req, hk_http_resp *resp);

/* ---- routes (router.c) ---- */

enum {
  HK_ROUTE_BODY = 1,    /* takes a JSON request body */
  HK_ROUTE_LIMITED = 2, /* rate-limited per client address */
  /* 4 was HK_ROUTE_REGISTRY (--open-registry), gone with accounts. */
  HK_ROUTE_ACCOUNT = 8, /* needs a signed-in actor: 401 with WWW-Authenticate: Bearer otherwise */
  HK_ROUTE_UPLOAD = 16, /* takes a raw body (a file) up to the materials' limit, not 1 MiB */
};

typedef struct hk_http_route {
  const char *method;
  const char *pattern; /* "/api/v1/persons/{id}": a {name} matches one non-empty segment */
  hk_http_handler handler;
  unsigned flags;
} hk_http_route;

extern const hk_http_route hk_http_routes[];
extern const size_t hk_http_route_count;

#define HK_ROUTE_NOT_FOUND (-1)
#define HK_ROUTE_BAD_METHOD (-2)
#define HK_ROUTE_STATIC (-3) /* the portal's files (static.c): not in the table */
/* The index of the route for method and path, filling req's params; HK_ROUTE_NOT_FOUND, or
 * HK_ROUTE_BAD_METHOD with the path's methods in allow ("GET, POST"). */
int hk_http_route_match(const char *method, const char *path, hk_http_req *req, char *allow,
                        size_t allow_size);
/* Is the decoded path acceptable at all (printable ASCII, absolute, no dot segments, not too
 * long)? Otherwise HK_EINVAL naming "path". */
hk_status hk_http_path_check(const char *path, hk_error *err);

/* ---- handlers, one file per resource ---- */

void hk_h_eligibility_post(hk_http_req *req, hk_http_resp *resp);
void hk_h_persons_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_persons_eligibility(hk_http_req *req, hk_http_resp *resp);
void hk_h_divisions_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_policies_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_statistics_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_meta_healthz(hk_http_req *req, hk_http_resp *resp);
void hk_h_meta_metrics(hk_http_req *req, hk_http_resp *resp);
void hk_h_meta_openapi(hk_http_req *req, hk_http_resp *resp);
void hk_h_residence_declare(hk_http_req *req, hk_http_resp *resp);
void hk_h_residence_change(hk_http_req *req, hk_http_resp *resp);
void hk_h_residence_cancel(hk_http_req *req, hk_http_resp *resp);
void hk_h_applications_post(hk_http_req *req, hk_http_resp *resp);
void hk_h_applications_list(hk_http_req *req, hk_http_resp *resp);
void hk_h_applications_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_applications_act(hk_http_req *req, hk_http_resp *resp);
void hk_h_applications_counts(hk_http_req *req, hk_http_resp *resp);
void hk_h_persons_search(hk_http_req *req, hk_http_resp *resp);
void hk_h_households_search(hk_http_req *req, hk_http_resp *resp);
void hk_h_residence_list(hk_http_req *req, hk_http_resp *resp);
void hk_h_permit_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_permit_endorse(hk_http_req *req, hk_http_resp *resp);
void hk_h_permit_recognise(hk_http_req *req, hk_http_resp *resp);
void hk_h_households_post(hk_http_req *req, hk_http_resp *resp);
void hk_h_households_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_households_add(hk_http_req *req, hk_http_resp *resp);
void hk_h_households_remove(hk_http_req *req, hk_http_resp *resp);
void hk_h_households_head(hk_http_req *req, hk_http_resp *resp);
void hk_h_households_split(hk_http_req *req, hk_http_resp *resp);
void hk_h_births_post(hk_http_req *req, hk_http_resp *resp);
void hk_h_persons_death(hk_http_req *req, hk_http_resp *resp);
void hk_h_materials_post(hk_http_req *req, hk_http_resp *resp);
void hk_h_materials_list(hk_http_req *req, hk_http_resp *resp);
void hk_h_materials_get(hk_http_req *req, hk_http_resp *resp);

/* ---- browser sessions (h_accounts.c, server.c; docs/http.md "The portal and browser
 * sessions") ---- */

#define HK_SESSION_COOKIE "hk_session"
#define HK_CSRF_LEN 43 /* 32 bytes in base64url, no padding */
/* The CSRF token of a session: a keyed BLAKE2b of the session token under a fixed context key,
 * so only a holder of the session (the browser, which never shows its HttpOnly cookie to a
 * script of another site) can know it; the store keeps only the token's SHA-256, from which it
 * cannot be derived; and it survives a restart and holds across servers on one registry. */
void hk_http_csrf_token(const char *session_token, char out[HK_CSRF_LEN + 1]);
/* Is origin (an Origin header) this server's own, as named by host (the Host header)? Only
 * http and https origins with exactly that host and port (a default port may be left out on
 * either side); "null", other schemes and a missing Host are not. */
bool hk_http_origin_matches(const char *origin, const char *host);
/* Fill resp->set_cookie with the session cookie (max_age seconds; 0 clears it). Secure when the
 * server was started with --secure-cookies or the request came through TLS
 * (X-Forwarded-Proto: https). */
void hk_http_session_cookie(const hk_http_req *req, hk_http_resp *resp, const char *token,
                            int64_t max_age);

/* ---- the portal's files (static.c) ---- */

#define HK_WEB_FILE_MAX (16u << 20)  /* a file larger than this is refused at load */
#define HK_WEB_TOTAL_MAX (64u << 20) /* all files together, before compression */
#define HK_WEB_FILES_MAX 4096
typedef struct hk_http_web hk_http_web;
/* Load the portal's files into memory: dir/index.html and everything under dir/assets/, each
 * with a strong ETag and, for compressible types where it is smaller, a gzip variant. Symlinks
 * that lead outside dir, files over HK_WEB_FILE_MAX and dot files are refused, each named on
 * stderr. HK_ENOTFOUND when dir is not a directory (the caller serves the API only). */
hk_status hk_http_web_load(const char *dir, hk_http_web **out, hk_error *err);
void hk_http_web_free(hk_http_web *web);
/* Is path the portal's ("/" or under "/assets/")? */
bool hk_http_web_path(const char *path);
/* Answer GET or HEAD of a portal path (web NULL: not installed, a 404): the file with its type,
 * ETag, Cache-Control and Vary, gzip when accept_encoding allows it, 304 when if_none_match
 * names it. The body points into web, which outlives the response. */
void hk_http_web_serve(const hk_http_web *web, const char *path, const char *accept_encoding,
                       const char *if_none_match, hk_http_resp *resp);
/* The Content-Type of a file name, by its extension (application/octet-stream when unknown). */
const char *hk_http_web_type(const char *name);
/* Does an Accept-Encoding header accept gzip (q > 0, by name or by "*")? */
bool hk_http_accepts_gzip(const char *accept_encoding);
/* Does an If-None-Match header name etag (weak comparison) or "*"? */
bool hk_http_etag_matches(const char *if_none_match, const char *etag);

/* ---- helpers of the service handlers (h_services.c) ---- */

/* The request body as a JSON object (duplicate keys refused); NULL with the error replied,
 * naming "body" for a missing body, one that is not JSON or not an object. Caller decrefs. */
json_t *hk_http_body_object(hk_http_req *req, hk_http_resp *resp);
/* The same, whose members must all be among `allowed` (h_accounts.c); an unknown member is
 * named, unless its name is not a short printable one (then "body"). */
json_t *hk_http_body_known(hk_http_req *req, hk_http_resp *resp, const char *const *allowed);
/* A string member of a body: NULL when absent or null (400 naming it when required) or not a
 * string (400); only the first error is replied, *bad tells there was one (h_accounts.c). */
const char *hk_http_body_string(json_t *doc, const char *name, bool required, hk_http_resp *resp,
                                bool *bad);
/* The {id} path parameter number `i` as a checked, normalised ID number; false with the error
 * replied (field "id"; the number is never echoed). "me" is the signed-in resident's own number,
 * so the portal never puts a full number in a URL; for anyone else it is 400 naming "id". */
bool hk_http_param_idnum(hk_http_req *req, size_t i, hk_http_resp *resp, hk_idnum *out);
/* The same for a path's person text, checked against `today`. */
bool hk_http_idnum_or_me(hk_http_req *req, const char *text, hk_date today, hk_http_resp *resp,
                         hk_idnum *out);
/* Only residents (for their own number), officers and supervisors act on or read a person's
 * records through the services: anyone else, or a resident asking about another person, is
 * refused (403) before the store is asked, so nothing tells whether that person exists. False
 * with the error replied. */
bool hk_http_may_touch_person(hk_http_req *req, const char *id_number, hk_http_resp *resp);
/* Refuse a request with no query arguments allowed, or other than `allowed`: false with the
 * error replied. */
bool hk_http_query_only(hk_http_req *req, const char *const *allowed, hk_http_resp *resp);
void hk_h_sessions_post(hk_http_req *req, hk_http_resp *resp);
void hk_h_activation_code_post(hk_http_req *req, hk_http_resp *resp); /* h_activation.c */
void hk_h_activations_post(hk_http_req *req, hk_http_resp *resp);
void hk_h_sessions_delete(hk_http_req *req, hk_http_resp *resp);
void hk_h_sessions_current(hk_http_req *req, hk_http_resp *resp);
void hk_h_users_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_users_post(hk_http_req *req, hk_http_resp *resp);
void hk_h_users_disable(hk_http_req *req, hk_http_resp *resp);
void hk_h_users_enable(hk_http_req *req, hk_http_resp *resp);
void hk_h_users_patch(hk_http_req *req, hk_http_resp *resp);
void hk_h_users_password(hk_http_req *req, hk_http_resp *resp);
void hk_h_sessions_password(hk_http_req *req, hk_http_resp *resp);
void hk_h_keys_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_keys_post(hk_http_req *req, hk_http_resp *resp);
void hk_h_keys_revoke(hk_http_req *req, hk_http_resp *resp);
void hk_h_questions_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_facts_post(hk_http_req *req, hk_http_resp *resp); /* h_facts.c (issue 10) */
void hk_h_facts_list(hk_http_req *req, hk_http_resp *resp);
void hk_h_facts_verify(hk_http_req *req, hk_http_resp *resp);
void hk_h_facts_correct(hk_http_req *req, hk_http_resp *resp);
void hk_h_facts_department(hk_http_req *req, hk_http_resp *resp);
void hk_h_facts_waiting(hk_http_req *req, hk_http_resp *resp); /* h_facts_waiting.c */
void hk_h_facts_entry(hk_http_req *req, hk_http_resp *resp);
void hk_h_fact_materials_post(hk_http_req *req, hk_http_resp *resp); /* h_materials.c */
void hk_h_fact_materials_list(hk_http_req *req, hk_http_resp *resp);
void hk_h_fact_materials_get(hk_http_req *req, hk_http_resp *resp);
/* Electronic certificates (issue 12, h_certificates.c). */
void hk_h_cert_jwks(hk_http_req *req, hk_http_resp *resp);
void hk_h_cert_status_list(hk_http_req *req, hk_http_resp *resp);
void hk_h_cert_verify(hk_http_req *req, hk_http_resp *resp);
void hk_h_person_certs_list(hk_http_req *req, hk_http_resp *resp);
void hk_h_person_certs_issue(hk_http_req *req, hk_http_resp *resp);
void hk_h_cert_get(hk_http_req *req, hk_http_resp *resp);
void hk_h_cert_pdf(hk_http_req *req, hk_http_resp *resp);
void hk_h_cert_qr_svg(hk_http_req *req, hk_http_resp *resp);
void hk_h_cert_set_status(hk_http_req *req, hk_http_resp *resp);

/* ---- who may see what (access.c) ---- */

/* May the signed-in actor read this person's data? A resident only their own; an officer or
 * supervisor when the person's hukou division or active residence-registration division is
 * inside their jurisdiction; the system always; analysts, departments and admins never (九). */
bool hk_http_may_read_person(const hk_http_req *req, const hk_person *p);
/* Reply 403 unless the actor's role is one of the `roles` bit mask (1u << HK_ROLE_...);
 * returns whether it is. Routes flagged HK_ROUTE_ACCOUNT have a signed-in actor already. */
bool hk_http_require_role(hk_http_req *req, hk_http_resp *resp, unsigned roles);
/* Reply with err, except that an officer or supervisor gets one 404 for "not registered" and
 * "outside your jurisdiction" alike (HK_ENOTFOUND, HK_EFORBIDDEN): reads of a person must not tell
 * them who is registered elsewhere (access.c). */
void hk_http_reply_hidden(const hk_http_req *req, hk_http_resp *resp, const hk_error *err);
#define HK_ROLE_BIT(r) (1u << (r))

/* Record a successful read of a person's data in the access log (who, role, which person,
 * endpoint, when, the stated purpose of department keys). Handlers call it after the read and
 * before replying. The entry is queued and appended by the server's log writer in batches
 * (server.c, docs/http.md); the full ID number never leaves the store's masking. */
void hk_http_access_record(hk_http_req *req, const char *id_number, const char *endpoint);
/* Record a search (issue 10): an entry of the searcher with what was searched (`what` holds
 * no full ID number: hk_search_describe masks it), person row 0. */
void hk_http_access_search(hk_http_req *req, const char *what, const char *endpoint);

/* ---- per-worker resources ---- */

typedef struct hk_http_worker hk_http_worker;
/* Evaluate w->sit and reply with the contract's answer (h_eligibility.c; used by h_persons.c). */
void hk_http_answer_situation(hk_http_server *srv, hk_http_worker *w, hk_http_resp *resp);

/* SQLite connections are not shared between threads: each worker thread of the pool gets a
 * slot of its own (by a thread-local index), with a read-only connection opened on first use
 * and a situation, person and answer whose capacity is reused request after request. The slot's
 * mutex is uncontended unless threads outnumber slots. */
#define HK_HTTP_TOKEN_CACHE 4
typedef struct hk_http_token_cache {
  uint8_t hash[HK_HASH_LEN];
  hk_credential cred;
  double checked; /* monotonic seconds; 0 empty */
  unsigned epoch; /* srv->auth_epoch when checked */
} hk_http_token_cache;

struct hk_http_worker {
  pthread_mutex_t mu;
  hk_store *st;
  hk_person person;
  hk_situation sit;
  hk_answer *answer;
  /* Tokens this worker checked lately: a hit within HK_HTTP_TOKEN_TTL skips the store. */
  hk_http_token_cache tokens[HK_HTTP_TOKEN_CACHE];
  unsigned next_token;
};

hk_http_worker *hk_http_worker_acquire(hk_http_server *srv);
void hk_http_worker_release(hk_http_worker *w);
/* The worker's store connection, opened on first use; NULL with err set when it cannot be. */
hk_store *hk_http_worker_store(hk_http_server *srv, hk_http_worker *w, hk_error *err);

/* The services' "today": the server's date, or --today's (testing). */
hk_date hk_http_today(const hk_http_server *srv);
/* Now in Unix seconds on that day: the time of day is the clock's, the day --today's when it is
 * fixed, so certificates issued on a fixed day are checked against that day (testing). */
int64_t hk_http_unix_now(const hk_http_server *srv);

/* ---- metrics (metrics.c) ---- */

#define HK_HTTP_ROUTES_MAX 80 /* routes + 1 for the portal's files + 1 for those matching none */
#define HK_HTTP_STATUS_SLOTS 16
#define HK_HTTP_BUCKETS 12

typedef struct hk_http_metrics {
  atomic_uint_fast64_t requests[HK_HTTP_ROUTES_MAX][HK_HTTP_STATUS_SLOTS];
  atomic_uint_fast64_t latency[HK_HTTP_ROUTES_MAX][HK_HTTP_BUCKETS + 1]; /* last: +Inf */
  atomic_uint_fast64_t latency_us[HK_HTTP_ROUTES_MAX];
  atomic_uint_fast64_t errors[HK_STATUS_COUNT];
} hk_http_metrics;

/* route: an index of hk_http_routes, HK_ROUTE_STATIC for the portal's files, or -1 for none. */
void hk_http_metrics_record(hk_http_metrics *m, int route, int status, hk_status error,
                            uint64_t micros);
/* Prometheus text format 0.0.4 (malloc'd). */
/* cut: connections shut by the request deadlines (hk_http_deadline_cut). */
char *hk_http_metrics_render(const hk_http_metrics *m, int in_flight, uint64_t cut, size_t *len);

/* ---- rate limiting (ratelimit.c) ---- */

typedef struct hk_http_ratelimit hk_http_ratelimit;
/* NULL when rate <= 0 (no limit) or out of memory. */
hk_http_ratelimit *hk_http_ratelimit_new(double rate, double burst);
void hk_http_ratelimit_free(hk_http_ratelimit *rl);
/* Take one token for client at time now (seconds, monotonic). false when none is left, with
 * *retry_after the whole seconds until one is. */
bool hk_http_ratelimit_take(hk_http_ratelimit *rl, const char *client, double now,
                            unsigned *retry_after);

/* ---- failed sign-ins per address (signin_guard.c, issue 16) ---- */

typedef struct hk_http_signin_guard hk_http_signin_guard;
/* NULL when delay_after <= 0 (no delays) or out of memory. */
hk_http_signin_guard *hk_http_signin_guard_new(int delay_after, int64_t max_delay);
void hk_http_signin_guard_free(hk_http_signin_guard *g);
/* Whole seconds the client must still wait before its next sign-in (0: none), at time now
 * (seconds, monotonic). */
unsigned hk_http_signin_guard_wait(hk_http_signin_guard *g, const char *client, double now);
/* Count a failed sign-in of the client. */
void hk_http_signin_guard_failed(hk_http_signin_guard *g, const char *client, double now);

/* ---- writes: the server's one read-write connection (server.c) ---- */

/* Sign-ins, sign-outs, account changes and the services (residence, applications, permits,
 * households) go through one read-write connection, taken in turn: writers are serialised by
 * SQLite anyway and the services retry on HK_ERETRY, so one connection costs no throughput and
 * keeps the read path's per-worker connections read-only. NULL with err set when it cannot be
 * opened. Release it with hk_http_writer_release either way. */
hk_store *hk_http_writer_acquire(hk_http_server *srv, hk_error *err);
void hk_http_writer_release(hk_http_server *srv);
/* Forget every cached token check (after a sign-out or a disabled account). */
void hk_http_tokens_forget(hk_http_server *srv);

/* ---- the access log queue (accesslog.c) ---- */

typedef struct hk_http_accesslog hk_http_accesslog;
typedef struct hk_http_deadline hk_http_deadline;
/* Start the writer thread, with its own read-write connection to db_path. */
hk_status hk_http_accesslog_start(const char *db_path, double flush_seconds,
                                  hk_http_accesslog **out, hk_error *err);
/* Queue one entry (blocks while the queue is full, which a stalled store would cause). */
void hk_http_accesslog_push(hk_http_accesslog *log, const hk_access_in *entry);
/* Write everything queued, stop the thread, close (NULL is fine). */
void hk_http_accesslog_stop(hk_http_accesslog *log);

/* ---- the server ---- */

struct hk_http_server {
  hk_http_config cfg;
  hk_policies *pol;
  char *openapi; /* the document's text, served as it is */
  size_t openapi_len;
  void *daemon; /* struct MHD_Daemon */
  uint16_t port;
  hk_http_worker *workers;
  unsigned n_workers;
  atomic_uint next_worker;
  hk_http_metrics metrics;
  hk_http_ratelimit *rl;
  hk_http_signin_guard *signin_guard;
  pthread_mutex_t stats_mu; /* one count of stale statistics at a time (h_statistics.c) */
  hk_store *stats_st;       /* its connection, opened on first use */
  atomic_int in_flight;
  atomic_bool draining;
  atomic_uint_fast64_t served;
  double started; /* monotonic seconds */
  pthread_mutex_t writer_mu;
  hk_store *writer; /* opened on first use */
  atomic_uint auth_epoch;
  hk_http_accesslog *accesslog;
  hk_http_web *web; /* the portal's files; NULL when there are none */
  /* Bytes of material uploads being received now (server.c): at most HK_HTTP_UPLOADS_AT_ONCE
   * times the size limit, so signed-in clients cannot pin the server's memory with slow bodies. */
  atomic_size_t upload_bytes;
  hk_http_deadline *deadline; /* NULL when both deadlines are off */
  char self_exe[4096];        /* this program, for the PDF renderer's child (pdf_child.c) */
  /* Certificates (issue 12): the key set with its signing key (--keys), or NULL. */
  hk_cert_keyring *keyring;
  /* Every release of the writer counts here, so a cached status list made before a write (a
   * revocation, a death) is not served after it (h_certificates.c). */
  atomic_uint write_epoch;
  pthread_mutex_t status_mu;
  uint8_t *status_token; /* the signed status list last made, or NULL */
  size_t status_len;
  double status_made;    /* monotonic seconds */
  unsigned status_epoch; /* write_epoch when it was made */
};

#define HK_HTTP_UPLOADS_AT_ONCE 8

#define HK_HTTP_TOKEN_TTL 2.0 /* seconds a checked token is trusted without the store */

double hk_http_now(void); /* monotonic seconds */

/* A certificate's PDF from its QR text, rendered by `exe cert render-pdf` in a child process
 * (pdf_child.c); caller frees *pdf. HK_EINTERNAL naming "pdf" when the child fails. */
hk_status hk_http_pdf_in_child(const char *exe, const char *qr_text, unsigned char **pdf,
                               size_t *len, hk_error *err);

/* Request deadlines (deadline.c): headers within header_s of the connection (or of the last
 * answer on it), the body within request_s of the headers; a connection past its deadline is
 * shut down. NULL (both 0 or out of memory): only the idle timeout applies. */
hk_http_deadline *hk_http_deadline_new(unsigned header_s, unsigned request_s);
void hk_http_deadline_free(hk_http_deadline *d);
/* MHD_OPTION_NOTIFY_CONNECTION's callback, with d as its closure. */
void hk_http_deadline_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                             enum MHD_ConnectionNotificationCode toe);
void hk_http_deadline_headers_read(hk_http_deadline *d, struct MHD_Connection *c);
void hk_http_deadline_answering(hk_http_deadline *d, struct MHD_Connection *c);
void hk_http_deadline_answered(hk_http_deadline *d, struct MHD_Connection *c);
uint64_t hk_http_deadline_cut(const hk_http_deadline *d); /* connections shut so far */

#endif
