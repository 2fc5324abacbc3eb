/* server.c — libmicrohttpd glue: the daemon with its thread pool, a request's life (checks on
 * the headers, the body up to 1 MiB or a material upload's own limit, dispatch, the response),
 * who is asking (a bearer token or a browser's session cookie with its CSRF checks), the portal's
 * files (static.c) at / and /assets/, the security headers of every response, the access log and
 * metrics when it completes, per-worker store connections, and the graceful stop. The only file
 * that includes <microhttpd.h>. */
#include "http/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "http/http_int.h"
#include "service/material.h"

/* One request's state, from its headers to its completion. */
typedef struct reqctx {
  hk_http_req req;
  hk_http_resp resp;
  int route;
  double t0;
  bool queued;
  size_t upload_reserved; /* bytes counted in srv->upload_bytes for this request */
  char *body;
  size_t len, cap;
  char method[12];
  char client[INET6_ADDRSTRLEN];
  const char *log_route; /* the portal's files: "/" or "/assets/{file}" (never the raw path) */
} reqctx;

double hk_http_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void hk_http_config_defaults(hk_http_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->host = "127.0.0.1";
  cfg->port = 8080;
  cfg->threads = 2;
  cfg->rate = 20;
  cfg->burst = 40;
  cfg->signin = hk_signin_defaults;
  cfg->signin_address_after = 20;
  cfg->timeout_s = 10;
  /* Headers are a few hundred bytes that any real client sends at once; a body may be a 10 MiB
   * material over a slow mobile link (80 s at 1 Mbit/s). */
  cfg->header_deadline_s = 10;
  cfg->request_deadline_s = 300;
  cfg->max_connections = 1000;
  cfg->max_per_client = 200;
  cfg->access_log = true;
  cfg->today = HK_DATE_NONE;
  cfg->access_flush = 0.1;
}

uint16_t hk_http_port(const hk_http_server *srv)
{
  return srv->port;
}

/* ---- query arguments ---- */

/* The largest body a route takes: a material upload's limit (--material-max-mib), else 1 MiB. */
static size_t body_max(const hk_http_server *srv, const hk_http_route *route)
{
  if (route->flags & HK_ROUTE_UPLOAD)
    return srv->cfg.material_max_bytes ? srv->cfg.material_max_bytes
                                       : HK_MATERIAL_MAX_BYTES_DEFAULT;
  return HK_HTTP_BODY_MAX;
}

const char *hk_http_query(const hk_http_req *req, const char *key)
{
  return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *hk_http_header(const hk_http_req *req, const char *name)
{
  return req->conn ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name) : NULL;
}

typedef struct known_ctx {
  const char *const *allowed;
  hk_error *err;
  bool bad;
} known_ctx;

static enum MHD_Result check_key(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
  (void)kind;
  (void)value;
  known_ctx *k = cls;
  for (const char *const *a = k->allowed; *a; a++)
    if (strcmp(*a, key) == 0)
      return MHD_YES;
  /* Name the argument only when it is short printable ASCII: it is the caller's text. */
  bool printable = strlen(key) <= 32;
  for (const char *s = key; printable && *s; s++)
    printable = *s > 0x20 && *s < 0x7f && *s != '"';
  hk_error_set_both(k->err, HK_EINVAL, printable ? key : "query", "不认识的查询参数",
                    "unknown query argument");
  if (printable)
    hk_error_prefix(k->err, "query");
  k->bad = true;
  return MHD_NO;
}

hk_status hk_http_query_known(const hk_http_req *req, const char *const *allowed, hk_error *err)
{
  known_ctx k = {allowed, err, false};
  MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_key, &k);
  return k.bad ? HK_EINVAL : HK_OK;
}

/* Percent-decoding for the path and query arguments. A malformed escape ("%zz", a lone "%")
 * or one that decodes to a control character (NUL above all, which would silently cut the
 * string short) becomes the byte 0x01, which no route, code, number or date accepts: the
 * request then fails with a 400/404 naming what it sent, instead of being read as something
 * shorter. */
static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
  (void)cls;
  (void)c;
  char *w = s;
  const char *r = s;
  while (*r) {
    if (*r != '%') {
      *w++ = *r++;
      continue;
    }
    int hi = hexval(r[1]), lo = hi >= 0 ? hexval(r[2]) : -1;
    if (hi < 0 || lo < 0) {
      *w++ = '\x01';
      r++;
      continue;
    }
    unsigned char ch = (unsigned char)(hi * 16 + lo);
    *w++ = (ch < 0x20 || ch == 0x7f) ? '\x01' : (char)ch;
    r += 3;
  }
  *w = '\0';
  return (size_t)(w - s);
}

/* ---- workers ---- */

static _Thread_local unsigned tl_slot; /* 1-based; 0 until the thread first asks */

hk_http_worker *hk_http_worker_acquire(hk_http_server *srv)
{
  if (tl_slot == 0)
    tl_slot = atomic_fetch_add(&srv->next_worker, 1) + 1;
  hk_http_worker *w = &srv->workers[(tl_slot - 1) % srv->n_workers];
  pthread_mutex_lock(&w->mu);
  return w;
}

void hk_http_worker_release(hk_http_worker *w)
{
  pthread_mutex_unlock(&w->mu);
}

hk_store *hk_http_worker_store(hk_http_server *srv, hk_http_worker *w, hk_error *err)
{
  if (w->st == NULL && hk_store_open(srv->cfg.db_path, HK_STORE_READONLY, &w->st, err) != HK_OK)
    w->st = NULL;
  return w->st;
}

/* ---- who is asking ---- */

void hk_http_tokens_forget(hk_http_server *srv)
{
  atomic_fetch_add(&srv->auth_epoch, 1);
}

/* Check a token (from "Authorization: Bearer <token>" or the session cookie) and fill the
 * request's actor. A token checked by this worker within HK_HTTP_TOKEN_TTL seconds, with no
 * sign-out or disabling through this server since, is trusted without the store, so a signed-in
 * read does not pay a session query each time. A disabling or revocation done with the CLI takes
 * effect within that bound. */
static bool authenticate_token(hk_http_server *srv, reqctx *rc, const char *token, hk_error *err)
{
  if (strlen(token) >= HK_TOKEN_MAX) {
    hk_error_set_both(err, HK_EUNAUTH, "Authorization", "不是本服务器签发的令牌",
                      "not a token of this server");
    return false;
  }
  uint8_t h[HK_HASH_LEN];
  hk_token_hash(token, h);
  double now = hk_http_now();
  unsigned epoch = atomic_load(&srv->auth_epoch);
  hk_credential cred;
  bool found = false;
  hk_http_worker *w = hk_http_worker_acquire(srv);
  for (unsigned i = 0; i < HK_HTTP_TOKEN_CACHE && !found; i++) {
    hk_http_token_cache *t = &w->tokens[i];
    if (t->checked > 0 && t->epoch == epoch && now - t->checked < HK_HTTP_TOKEN_TTL &&
        (t->cred.expires == 0 || t->cred.expires > (int64_t)time(NULL)) &&
        sodium_memcmp(t->hash, h, HK_HASH_LEN) == 0) {
      cred = t->cred;
      found = true;
    }
  }
  if (!found) {
    hk_store *st = hk_http_worker_store(srv, w, err);
    if (st == NULL || hk_account_authenticate(st, token, &cred, err) != HK_OK) {
      hk_http_worker_release(w);
      return false;
    }
    hk_http_token_cache *t = &w->tokens[w->next_token++ % HK_HTTP_TOKEN_CACHE];
    memcpy(t->hash, h, HK_HASH_LEN);
    t->cred = cred;
    t->checked = now;
    t->epoch = epoch;
  }
  hk_http_worker_release(w);
  hk_http_req *req = &rc->req;
  req->actor = cred.actor;
  req->signed_in = true;
  req->is_key = cred.is_key;
  memcpy(req->questions_buf, cred.questions, sizeof req->questions_buf);
  req->questions = req->questions_buf;
  req->token = token;
  req->expires = cred.expires;
  return true;
}

static bool authenticate(hk_http_server *srv, reqctx *rc, const char *auth, hk_error *err)
{
  if (strncasecmp(auth, "Bearer ", 7) != 0) {
    hk_error_set_both(err, HK_EUNAUTH, "Authorization", "格式应为 Bearer <令牌>",
                      "expected Bearer <token>");
    return false;
  }
  const char *token = auth + 7;
  while (*token == ' ')
    token++;
  return authenticate_token(srv, rc, token, err);
}

/* ---- browser sessions ---- */

/* The length of an authority ("host:port") without a port that is the scheme's default. */
static size_t authority_len(const char *a, const char *default_port)
{
  size_t n = strlen(a), k = strlen(default_port);
  if (n > k && strcmp(a + n - k, default_port) == 0)
    return n - k;
  return n;
}

bool hk_http_origin_matches(const char *origin, const char *host)
{
  if (origin == NULL || host == NULL || host[0] == '\0')
    return false;
  const char *rest, *port;
  if (strncasecmp(origin, "http://", 7) == 0) {
    rest = origin + 7;
    port = ":80";
  } else if (strncasecmp(origin, "https://", 8) == 0) {
    /* TLS ended by a proxy in front: the browser's origin is https, the Host the same. */
    rest = origin + 8;
    port = ":443";
  } else {
    return false; /* "null" (a sandboxed or opaque origin), file:, anything else */
  }
  if (rest[0] == '\0' || strpbrk(rest, "/?#@ \t") != NULL || strpbrk(host, "/?#@ \t") != NULL)
    return false;
  size_t a = authority_len(rest, port), b = authority_len(host, port);
  return a == b && strncasecmp(rest, host, a) == 0;
}

void hk_http_session_cookie(const hk_http_req *req, hk_http_resp *resp, const char *token,
                            int64_t max_age)
{
  bool secure = req->srv != NULL && req->srv->cfg.secure_cookies;
  const char *proto = hk_http_header(req, "X-Forwarded-Proto");
  if (proto != NULL && strncasecmp(proto, "https", 5) == 0 &&
      (proto[5] == '\0' || proto[5] == ',' || proto[5] == ' '))
    secure = true;
  /* HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it. */
  snprintf(resp->set_cookie, sizeof resp->set_cookie,
           "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s", HK_SESSION_COOKIE, token,
           (long long)(max_age > 0 ? max_age : 0), secure ? "; Secure" : "");
}

/* A request signed in by the cookie that changes anything must come from this server's own
 * pages: an Origin, when the browser sends one, naming this server, and the session's CSRF
 * token in X-CSRF-Token, which a page of another site cannot know. */
static bool cookie_request_ok(struct MHD_Connection *c, reqctx *rc, hk_http_resp *resp)
{
  if (strcmp(rc->method, "GET") == 0 || strcmp(rc->method, "HEAD") == 0)
    return true;
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  if (origin != NULL &&
      !hk_http_origin_matches(
          origin, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))) {
    hk_http_reply_fail_both(resp, HK_EFORBIDDEN, "Origin", "浏览器会话不接受来自其他网站的请求",
                            "a request from another site is refused for a browser session");
    return false;
  }
  const char *sent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
  char want[HK_CSRF_LEN + 1];
  hk_http_csrf_token(rc->req.token, want);
  bool ok =
      sent != NULL && strlen(sent) == HK_CSRF_LEN && sodium_memcmp(sent, want, HK_CSRF_LEN) == 0;
  sodium_memzero(want, sizeof want);
  if (!ok) {
    hk_http_reply_fail(resp, HK_EFORBIDDEN, "X-CSRF-Token",
                       sent ? "not this session's token (GET /api/v1/sessions/current gives it)"
                            : "missing: a browser session's changes carry its CSRF token");
    return false;
  }
  return true;
}

/* ---- writes ---- */

hk_store *hk_http_writer_acquire(hk_http_server *srv, hk_error *err)
{
  pthread_mutex_lock(&srv->writer_mu);
  if (srv->writer == NULL &&
      hk_store_open(srv->cfg.db_path, HK_STORE_EXISTING, &srv->writer, err) != HK_OK)
    srv->writer = NULL; /* still taken: the caller releases it either way */
  return srv->writer;
}

void hk_http_writer_release(hk_http_server *srv)
{
  atomic_fetch_add(&srv->write_epoch, 1u);
  pthread_mutex_unlock(&srv->writer_mu);
}

hk_date hk_http_today(const hk_http_server *srv)
{
  return srv->cfg.today != HK_DATE_NONE ? srv->cfg.today : hk_date_today();
}

int64_t hk_http_unix_now(const hk_http_server *srv)
{
  int64_t now = (int64_t)time(NULL);
  if (srv->cfg.today == HK_DATE_NONE)
    return now;
  return (int64_t)srv->cfg.today * 86400 + now % 86400;
}

/* ---- the access log ---- */

/* A stated purpose is the caller's text: printable, and any run of 15 or more digits (an ID
 * number, say) masked, so that the log holds no full number even when a caller writes one. */
static void clean_purpose(const char *in, char *out, size_t size)
{
  size_t n = 0;
  const char *s = in;
  for (; *s && n + 1 < size; s++)
    out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
  if (*s) {
    /* Cut short: drop a UTF-8 sequence the limit split. */
    size_t k = n;
    while (k > 0 && ((unsigned char)out[k - 1] & 0xc0) == 0x80)
      k--;
    if (k > 0 && (unsigned char)out[k - 1] >= 0xc0) {
      unsigned char lead = (unsigned char)out[k - 1];
      size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
      if (n - (k - 1) < need)
        n = k - 1;
    }
  }
  out[n] = '\0';
  for (size_t i = 0; out[i];) {
    size_t j = i;
    while ((out[j] >= '0' && out[j] <= '9') || out[j] == 'X' || out[j] == 'x')
      j++;
    if (j - i >= 15)
      for (size_t k = i + 6; k < j - 4; k++)
        out[k] = '*';
    i = j > i ? j : i + 1;
  }
}

/* Queue one access-log entry of the signed-in caller (or "anonymous"): a read of the person
 * id_number, or, with id_number NULL, a search described by what (numbers already masked). */
static void access_push(hk_http_req *req, const char *id_number, const char *what,
                        const char *endpoint)
{
  hk_http_server *srv = req->srv;
  if (srv == NULL || srv->accesslog == NULL)
    return;
  hk_access_in e;
  memset(&e, 0, sizeof e);
  hk_store_utc_now(e.at);
  snprintf(e.actor, sizeof e.actor, "%s", req->signed_in ? req->actor.account : "anonymous");
  snprintf(e.role, sizeof e.role, "%s",
           req->signed_in ? hk_role_name(req->actor.role) : "anonymous");
  if (id_number)
    snprintf(e.id_number, sizeof e.id_number, "%s", id_number);
  else
    snprintf(e.what, sizeof e.what, "search: %s", what);
  snprintf(e.endpoint, sizeof e.endpoint, "%s", endpoint);
  clean_purpose(req->purpose ? req->purpose : "", e.purpose, sizeof e.purpose);
  hk_http_accesslog_push(srv->accesslog, &e);
  sodium_memzero(e.id_number, sizeof e.id_number);
}

void hk_http_access_record(hk_http_req *req, const char *id_number, const char *endpoint)
{
  access_push(req, id_number, NULL, endpoint);
}

void hk_http_access_search(hk_http_req *req, const char *what, const char *endpoint)
{
  access_push(req, NULL, what, endpoint);
}

/* ---- a request's life ---- */

/* The last entry of X-Forwarded-For (the address the proxy itself saw; earlier entries are
 * whatever the client claimed), when it is an IP address; false otherwise. */
static bool forwarded_for(struct MHD_Connection *c, char *out, size_t size)
{
  const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
  if (xff == NULL)
    return false;
  const char *last = strrchr(xff, ',');
  last = last ? last + 1 : xff;
  while (*last == ' ' || *last == '\t')
    last++;
  size_t n = strcspn(last, " \t");
  if (n == 0 || n >= size || n >= INET6_ADDRSTRLEN)
    return false;
  char text[INET6_ADDRSTRLEN];
  memcpy(text, last, n);
  text[n] = '\0';
  unsigned char bin[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, text, bin) != 1 && inet_pton(AF_INET6, text, bin) != 1)
    return false;
  snprintf(out, size, "%s", text);
  return true;
}

static void client_address(const hk_http_server *srv, struct MHD_Connection *c, char *out,
                           size_t size)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(out, size, "unknown");
  if (ci == NULL || ci->client_addr == NULL)
    return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
              (socklen_t)size);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
              (socklen_t)size);
  /* Behind the configured proxy every connection comes from it: the rate limits and sign-in
   * throttling per address would then lump every client together. Only its connections are
   * believed, so a client elsewhere cannot choose its own address with the header. */
  if (srv->cfg.trusted_proxy != NULL && strcmp(out, srv->cfg.trusted_proxy) == 0) {
    char real[INET6_ADDRSTRLEN];
    if (forwarded_for(c, real, sizeof real))
      snprintf(out, size, "%s", real);
  }
}

static enum MHD_Result queue(hk_http_server *srv, struct MHD_Connection *c, reqctx *rc)
{
  hk_http_resp *resp = &rc->resp;
  struct MHD_Response *r;
  hk_http_deadline_answering(srv->deadline, c);
  if (resp->body) {
    r = MHD_create_response_from_buffer(resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
    if (r)
      resp->body = NULL; /* libmicrohttpd frees it */
  } else {
    const char *b = resp->static_body ? resp->static_body : "";
    size_t n = resp->static_len ? resp->static_len : strlen(b);
    r = MHD_create_response_from_buffer(n, (void *)(uintptr_t)b, MHD_RESPMEM_PERSISTENT);
  }
  if (r == NULL)
    return MHD_NO;
  if (resp->content_type)
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
  /* Every response, the API's too (issue 11): a JSON answer opened in a tab, framed by another
   * site or loaded as a script gets the portal's protection. No inline script or style, nothing
   * from elsewhere, never framed, no Referer (a URL could name a person), a window of its own. */
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
                          "object-src 'none'; base-uri 'none'; form-action 'self'; "
                          "frame-ancestors 'none'");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
  if (resp->no_store)
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  else if (resp->cache_control)
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, resp->cache_control);
  if (resp->etag)
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, resp->etag);
  if (resp->encoding)
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, resp->encoding);
  if (resp->vary_encoding)
    MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  if (resp->set_cookie[0])
    MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, resp->set_cookie);
  if (resp->disposition[0])
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, resp->disposition);
  if (resp->retry_after) {
    char s[16];
    snprintf(s, sizeof s, "%u", resp->retry_after);
    MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, s);
  }
  if (resp->allow[0])
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp->allow);
  /* RFC 6750: every 401 names the scheme it wants. */
  if (resp->status == 401)
    MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"hukou\"");
  /* While draining, keep-alive would hold connections the stop is about to cut. */
  if (atomic_load(&srv->draining))
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp->status, r);
  MHD_destroy_response(r);
  rc->queued = true;
  return ret;
}

static bool json_content_type(const char *ct)
{
  if (ct == NULL)
    return false;
  size_t n = strlen("application/json");
  if (strncasecmp(ct, "application/json", n) != 0)
    return false;
  return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* Everything decided from the request line and headers, before any body is read. Returns true
 * when the answer is already known (an error), to be queued at once; a portal file's answer is
 * made here too but queued on the next call (resp.status is set, so nothing is dispatched). */
static bool begin(hk_http_server *srv, struct MHD_Connection *c, reqctx *rc, const char *url)
{
  hk_http_resp *resp = &rc->resp;
  hk_error err = {0};
  if (hk_http_path_check(url, &err) != HK_OK) {
    hk_http_reply_error(resp, &err);
    return true;
  }
  /* The portal's files: answered from memory, whatever cookie or body comes along. The answer
   * is queued on the next call, as a handler's: queued now, before the request is wholly read,
   * libmicrohttpd would close the connection, and a page loads a dozen files over one. */
  if (hk_http_web_path(url)) {
    rc->route = HK_ROUTE_STATIC;
    rc->log_route = strcmp(url, "/") == 0 ? "/" : "/assets/{file}";
    if (strcmp(rc->method, "GET") != 0 && strcmp(rc->method, "HEAD") != 0) {
      snprintf(resp->allow, sizeof resp->allow, "GET, HEAD");
      hk_http_reply_fail_both(resp, HK_EMETHOD, "method", "此路径只接受 GET、HEAD 请求",
                              "this path answers GET, HEAD");
      return true;
    }
    hk_http_web_serve(
        srv->web, url,
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING),
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH), resp);
    return false;
  }
  rc->route = hk_http_route_match(rc->method, url, &rc->req, resp->allow, sizeof resp->allow);
  if (rc->route == HK_ROUTE_NOT_FOUND) {
    hk_http_reply_fail_both(resp, HK_ENOTFOUND, "path", "没有这个资源", "no such resource");
    return true;
  }
  if (rc->route == HK_ROUTE_BAD_METHOD) {
    hk_http_reply_fail_both(resp, HK_EMETHOD, "method", "此路径只接受 %s 请求",
                            "this path answers %s", resp->allow);
    return true;
  }
  resp->allow[0] = '\0';
  const hk_http_route *route = &hk_http_routes[rc->route];
  /* A body larger than the limit is refused from its declared length, before a byte of it is
   * read; libmicrohttpd then closes the connection instead of reading the rest. */
  const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  const char *te =
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
  if (cl && strtoull(cl, NULL, 10) > body_max(srv, route)) {
    hk_http_reply_fail(resp, HK_ETOOBIG, "body", "the request body is larger than %zu bytes",
                       body_max(srv, route));
    return true;
  }
  /* A token that is sent must be good, whatever the route; a route that needs an account
   * needs one. */
  const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  if (auth != NULL && !authenticate(srv, rc, auth, &err)) {
    hk_http_reply_error(resp, &err);
    return true;
  }
  /* Without that header, a browser's session cookie, on the API's routes (the sign-in itself
   * ignores one: it replaces it). A cookie that is no longer good is cleared with the 401. */
  const char *cookie =
      auth == NULL && strncmp(url, "/api/", 5) == 0 && route->handler != hk_h_sessions_post
          ? MHD_lookup_connection_value(c, MHD_COOKIE_KIND, HK_SESSION_COOKIE)
          : NULL;
  if (cookie != NULL && cookie[0] != '\0') {
    if (!authenticate_token(srv, rc, cookie, &err)) {
      hk_http_reply_fail_both(resp, HK_EUNAUTH, HK_SESSION_COOKIE,
                              "会话已结束或无法识别，请重新登录",
                              "the session has ended or is unknown: sign in again");
      hk_http_session_cookie(&rc->req, resp, "", 0);
      return true;
    }
    rc->req.by_cookie = true;
    if (!cookie_request_ok(c, rc, resp))
      return true;
  }
  if (route->flags & HK_ROUTE_ACCOUNT && !rc->req.signed_in) {
    hk_http_reply_fail_both(
        resp, HK_EUNAUTH, "Authorization",
        "请先登录（POST /api/v1/sessions），并发送 Authorization: Bearer <令牌>",
        "sign in (POST /api/v1/sessions) and send Authorization: Bearer <token>");
    return true;
  }
  rc->req.purpose = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Purpose");
  if (route->flags & HK_ROUTE_BODY) {
    /* A chunked body has no declared length, so an oversized one could only be refused after
     * reading a megabyte of it: ask for the length instead. */
    if (cl == NULL && te != NULL) {
      hk_http_reply_fail_both(resp, HK_EINVAL, "Content-Length", "必须注明请求体长度，不能分块发送",
                              "required: send the body with its length, not chunked");
      return true;
    }
    if (!json_content_type(
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE))) {
      hk_http_reply_fail_both(resp, HK_EINVAL, "Content-Type", "必须是 application/json",
                              "must be application/json");
      return true;
    }
  }
  if (route->flags & HK_ROUTE_UPLOAD && cl == NULL && te != NULL) {
    hk_http_reply_fail_both(resp, HK_EINVAL, "Content-Length", "必须注明文件长度，不能分块发送",
                            "required: send the file with its length, not chunked");
    return true;
  }
  if (route->flags & HK_ROUTE_LIMITED) {
    unsigned retry = 0;
    if (!hk_http_ratelimit_take(srv->rl, rc->client, hk_http_now(), &retry)) {
      hk_http_reply_fail_both(resp, HK_ERATE, NULL, "同一地址每秒最多 %g 次请求",
                              "at most %g requests a second from one address", srv->cfg.rate);
      resp->retry_after = retry;
      return true;
    }
  }
  /* An upload's body is held whole in memory until it is stored: its declared length is
   * reserved from a budget shared by all connections, and a request past it waits its turn
   * (503, Retry-After) rather than the server running out of memory. Returned on completion. */
  if (route->flags & HK_ROUTE_UPLOAD && cl != NULL) {
    size_t want = (size_t)strtoull(cl, NULL, 10);
    size_t budget = body_max(srv, route) * HK_HTTP_UPLOADS_AT_ONCE;
    size_t held = atomic_fetch_add(&srv->upload_bytes, want);
    if (held + want > budget) {
      atomic_fetch_sub(&srv->upload_bytes, want);
      hk_http_reply_fail_both(resp, HK_ERETRY, "body", "同时上传的文件太多，请稍后重试",
                              "too many uploads at once; retry shortly");
      resp->retry_after = 1;
      return true;
    }
    rc->upload_reserved = want;
  }
  return false;
}

static void release_body(hk_http_server *srv, reqctx *rc)
{
  if (rc->upload_reserved)
    atomic_fetch_sub(&srv->upload_bytes, rc->upload_reserved);
  rc->upload_reserved = 0;
  free(rc->body);
  rc->body = NULL;
  rc->len = rc->cap = 0;
}

static void dispatch(hk_http_server *srv, struct MHD_Connection *c, reqctx *rc, const char *url)
{
  hk_http_req *req = &rc->req;
  req->srv = srv;
  req->method = rc->method;
  req->path = url;
  req->client = rc->client;
  req->conn = c;
  req->body = rc->body;
  req->body_len = rc->len;
  hk_http_routes[rc->route].handler(req, &rc->resp);
  if (rc->resp.status == 0)
    hk_http_reply_fail_both(&rc->resp, HK_EINTERNAL, NULL, "处理程序没有给出答复",
                            "the handler gave no answer");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
  (void)version;
  hk_http_server *srv = cls;
  reqctx *rc = *con_cls;
  if (rc == NULL) {
    rc = calloc(1, sizeof *rc);
    if (rc == NULL)
      return MHD_NO;
    *con_cls = rc;
    rc->t0 = hk_http_now();
    rc->route = -1;
    atomic_fetch_add(&srv->in_flight, 1);
    snprintf(rc->method, sizeof rc->method, "%s", method);
    client_address(srv, c, rc->client, sizeof rc->client);
    rc->req.srv = srv; /* for the cookie's Secure flag before dispatch */
    rc->req.conn = c;
    hk_http_deadline_headers_read(srv->deadline, c);
    if (begin(srv, c, rc, url))
      return queue(srv, c, rc);
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    /* Routes without a body ignore one; the declared length was checked in begin and
     * libmicrohttpd never passes more than it. */
    if (rc->route < 0 || rc->resp.status != 0)
      return MHD_YES;
    const hk_http_route *route = &hk_http_routes[rc->route];
    if (!(route->flags & (HK_ROUTE_BODY | HK_ROUTE_UPLOAD)))
      return MHD_YES;
    if (rc->len + n > body_max(srv, route)) {
      hk_http_reply_fail(&rc->resp, HK_ETOOBIG, "body", "the request body is larger than %zu bytes",
                         body_max(srv, route));
      return MHD_YES;
    }
    if (rc->len + n + 1 > rc->cap) {
      size_t cap = rc->cap ? rc->cap : 4096;
      while (cap < rc->len + n + 1)
        cap *= 2;
      char *g = realloc(rc->body, cap);
      if (g == NULL) {
        hk_http_reply_fail(&rc->resp, HK_ENOMEM, NULL, "out of memory");
        return MHD_YES;
      }
      rc->body = g;
      rc->cap = cap;
    }
    memcpy(rc->body + rc->len, upload_data, n);
    rc->len += n;
    rc->body[rc->len] = '\0';
    return MHD_YES;
  }
  if (rc->queued)
    return MHD_YES;
  if (rc->resp.status == 0)
    dispatch(srv, c, rc, url);
  /* The body has been handled: its memory and its share of the upload budget are given back
   * before the answer goes out, so a client that has its answer finds the budget free. */
  release_body(srv, rc);
  return queue(srv, c, rc);
}

/* The access log: one JSON line per request on stderr, written with one write(2) so lines
 * from different threads never interleave. It names the route pattern, never the raw path, so
 * no ID number reaches the log. */
static void log_request(const reqctx *rc, int status, double ms, bool aborted)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char when[32];
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  /* The method is the client's text: log it only when it is a plain token. */
  const char *method = rc->method;
  for (const char *s = method; *s; s++)
    if (*s < 'A' || *s > 'Z')
      method = "OTHER";
  const char *route = rc->route >= 0  ? hk_http_routes[rc->route].pattern
                      : rc->log_route ? rc->log_route
                                      : "unmatched";
  /* Account names are [A-Za-z0-9._-] (service/account.c): safe in JSON as they are. */
  char actor[96] = "";
  if (rc->req.signed_in)
    snprintf(actor, sizeof actor, ",\"actor\":\"%s\"", rc->req.actor.account);
  char line[640];
  int n = snprintf(line, sizeof line,
                   "{\"ts\":\"%s.%03ldZ\",\"client\":\"%s\",\"method\":\"%s\",\"route\":\"%s\","
                   "\"status\":%d,\"ms\":%.3f%s%s%s%s%s}\n",
                   when, ts.tv_nsec / 1000000, rc->client, method, route, status, ms, actor,
                   status >= 400 ? ",\"error\":\"" : "",
                   status >= 400 ? hk_status_code(rc->resp.error) : "", status >= 400 ? "\"" : "",
                   aborted ? ",\"aborted\":true" : "");
  if (n > 0)
    (void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  hk_http_server *srv = cls;
  hk_http_deadline_answered(srv->deadline, c);
  reqctx *rc = *con_cls;
  if (rc == NULL)
    return;
  double secs = hk_http_now() - rc->t0;
  int status = rc->queued ? rc->resp.status : 0;
  hk_http_metrics_record(&srv->metrics, rc->route, status, rc->resp.error, (uint64_t)(secs * 1e6));
  if (srv->cfg.access_log)
    log_request(rc, status, secs * 1e3, toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
  release_body(srv, rc);
  free(rc->resp.body);
  sodium_memzero(rc->resp.set_cookie, sizeof rc->resp.set_cookie); /* it may hold a token */
  free(rc);
  *con_cls = NULL;
  atomic_fetch_add(&srv->served, 1);
  atomic_fetch_sub(&srv->in_flight, 1);
}

/* ---- start and stop ---- */

static char *read_file(const char *path, size_t max, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  char *buf = malloc(max + 1);
  size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
  fclose(f);
  if (buf == NULL || n > max) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static void server_free(hk_http_server *srv)
{
  for (unsigned i = 0; srv->workers && i < srv->n_workers; i++) {
    hk_http_worker *w = &srv->workers[i];
    hk_store_close(w->st);
    hk_person_clear(&w->person);
    hk_situation_clear(&w->sit);
    free(w->answer);
    pthread_mutex_destroy(&w->mu);
  }
  free(srv->workers);
  hk_store_close(srv->stats_st);
  pthread_mutex_destroy(&srv->stats_mu);
  hk_http_accesslog_stop(srv->accesslog);
  hk_store_close(srv->writer);
  pthread_mutex_destroy(&srv->writer_mu);
  hk_policies_free(srv->pol);
  hk_http_web_free(srv->web);
  hk_http_ratelimit_free(srv->rl);
  hk_http_signin_guard_free(srv->signin_guard);
  hk_http_deadline_free(srv->deadline);
  hk_cert_keyring_free(srv->keyring);
  free(srv->status_token);
  pthread_mutex_destroy(&srv->status_mu);
  free(srv->openapi);
  free(srv);
}

hk_status hk_http_start(const hk_http_config *cfg, hk_http_server **out, hk_error *err)
{
  *out = NULL;
  hk_http_server *srv = calloc(1, sizeof *srv);
  if (srv == NULL)
    return hk_error_set(err, HK_ENOMEM, "", "out of memory");
  srv->cfg = *cfg;
  srv->started = hk_http_now();
  pthread_mutex_init(&srv->stats_mu, NULL);
  pthread_mutex_init(&srv->writer_mu, NULL);
  pthread_mutex_init(&srv->status_mu, NULL);
  hk_status rc;
  /* The database must open now, so a wrong --db fails at start rather than on every request. */
  hk_store *probe = NULL;
  if ((rc = hk_store_open(cfg->db_path, HK_STORE_READONLY, &probe, err)) != HK_OK)
    goto fail;
  hk_store_close(probe);
  /* Every read of a person is logged: a server that cannot write its access log does not
   * serve. */
  if ((rc = hk_http_accesslog_start(cfg->db_path, cfg->access_flush, &srv->accesslog, err)) !=
      HK_OK)
    goto fail;
  const char *dir = cfg->policy_dir ? cfg->policy_dir : hk_policies_default_dir();
  if ((rc = hk_policies_load(dir, &srv->pol, err)) != HK_OK) {
    err->code = HK_EPOLICY;
    goto fail;
  }
  const char *oa = cfg->openapi ? cfg->openapi : getenv("HUKOU_OPENAPI");
  if (oa == NULL || oa[0] == '\0')
    oa = HK_DEFAULT_OPENAPI;
  srv->openapi = read_file(oa, 4u << 20, &srv->openapi_len);
  json_error_t jerr;
  json_t *doc = srv->openapi ? json_loadb(srv->openapi, srv->openapi_len, 0, &jerr) : NULL;
  if (doc == NULL) {
    rc = hk_error_set(err, HK_EIO, "--openapi", "%s: %s", oa,
                      srv->openapi ? jerr.text : "cannot read the OpenAPI document");
    goto fail;
  }
  json_decref(doc);
  /* The portal's files. None is not fatal: the API is what other systems use (said once). */
  const char *web = cfg->web_dir ? cfg->web_dir : getenv("HUKOU_WEB");
  if (web == NULL || web[0] == '\0')
    web = HK_DEFAULT_WEB;
  hk_error werr = {0};
  hk_status wrc = hk_http_web_load(web, &srv->web, &werr);
  if (wrc == HK_ENOTFOUND) {
    fprintf(stderr,
            "hukou serve: 门户目录 %s 不存在，只提供接口 / no portal directory at %s: serving the "
            "API only (--web DIR or $HUKOU_WEB)\n",
            web, web);
  } else if (wrc != HK_OK) {
    *err = werr;
    rc = wrc;
    goto fail;
  }
  /* Certificate keys (issue 12): a directory that is named must open, with its signing key,
   * now; the error names --keys and what was wrong. */
  if (cfg->keys_dir != NULL) {
    hk_error kerr = {0};
    if ((rc = hk_cert_keyring_open(cfg->keys_dir, true, &srv->keyring, &kerr)) != HK_OK) {
      hk_error_set(err, rc, "--keys", "%s: %s%s%s", cfg->keys_dir, kerr.field,
                   kerr.field[0] ? ": " : "", kerr.detail);
      hk_error_set_zh(err, "无法打开证照密钥目录 %s：%s", cfg->keys_dir,
                      kerr.detail_zh[0] ? kerr.detail_zh : kerr.detail);
      goto fail;
    }
  }
  srv->rl = hk_http_ratelimit_new(cfg->rate, cfg->burst);
  srv->signin_guard = hk_http_signin_guard_new(cfg->signin_address_after, cfg->signin.max_delay);
  srv->deadline = hk_http_deadline_new(cfg->header_deadline_s, cfg->request_deadline_s);
  /* This very program renders certificates' PDFs in children (pdf_child.c). */
  ssize_t exe_len = readlink("/proc/self/exe", srv->self_exe, sizeof srv->self_exe - 1);
  srv->self_exe[exe_len > 0 ? exe_len : 0] = '\0';
  srv->n_workers = cfg->threads + 1;
  srv->workers = calloc(srv->n_workers, sizeof *srv->workers);
  if (srv->workers == NULL) {
    rc = hk_error_set(err, HK_ENOMEM, "", "out of memory");
    goto fail;
  }
  for (unsigned i = 0; i < srv->n_workers; i++) {
    hk_http_worker *w = &srv->workers[i];
    pthread_mutex_init(&w->mu, NULL);
    hk_person_init(&w->person);
    hk_situation_init(&w->sit);
    w->answer = malloc(sizeof *w->answer); /* large: never on a worker's stack */
    if (w->answer == NULL) {
      rc = hk_error_set(err, HK_ENOMEM, "", "out of memory");
      goto fail;
    }
  }
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(cfg->port);
  if (inet_pton(AF_INET, cfg->host, &sa.sin_addr) != 1) {
    rc = hk_error_set(err, HK_EINVAL, "--listen", "not an IPv4 address: %s", cfg->host);
    goto fail;
  }
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC, cfg->port,
      NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned int)cfg->timeout_s, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->max_per_client,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
      srv->deadline ? hk_http_deadline_notify : NULL, srv->deadline, MHD_OPTION_UNESCAPE_CALLBACK,
      unescape, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024, MHD_OPTION_END);
  if (d == NULL) {
    rc = hk_error_set(err, HK_EIO, "--listen", "cannot listen on %s:%u (in use?)", cfg->host,
                      (unsigned)cfg->port);
    goto fail;
  }
  srv->daemon = d;
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  srv->port = di ? di->port : cfg->port;
  *out = srv;
  return HK_OK;
fail:
  server_free(srv);
  return rc;
}

uint64_t hk_http_stop(hk_http_server *srv, unsigned drain_seconds)
{
  atomic_store(&srv->draining, true);
  /* Stop accepting; requests already begun (headers read) run to their last byte. */
  MHD_socket listen = MHD_quiesce_daemon(srv->daemon);
  double deadline = hk_http_now() + drain_seconds;
  while (atomic_load(&srv->in_flight) > 0 && hk_http_now() < deadline) {
    struct timespec tick = {0, 10L * 1000 * 1000};
    nanosleep(&tick, NULL);
  }
  MHD_stop_daemon(srv->daemon);
  if (listen != MHD_INVALID_SOCKET)
    close(listen);
  uint64_t served = atomic_load(&srv->served);
  server_free(srv);
  return served;
}
