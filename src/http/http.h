#ifndef HK_HTTP_HTTP_H
#define HK_HTTP_HTTP_H

/* The HTTP JSON API (`hukou serve`): libmicrohttpd with its own thread pool, routes under
 * /api/v1/ (router.c), one file per resource (h_*.c). Only this module includes
 * <microhttpd.h>, and within it only server.c: handlers see a plain request and response
 * (http_int.h), so they can be exercised without sockets. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "service/signin.h"

typedef struct hk_http_config {
  const char *db_path;    /* the registry (read-only connections per worker, and one read-write
                             connection for the services and sign-ins, one for the access log) */
  const char *host;       /* an IPv4 literal, "127.0.0.1" */
  uint16_t port;          /* 0: any free port (hk_http_port tells which) */
  unsigned threads;       /* worker threads of the pool */
  const char *policy_dir; /* NULL: hk_policies_default_dir() */
  const char *openapi;    /* NULL: $HUKOU_OPENAPI, else HK_DEFAULT_OPENAPI */
  const char *web_dir;    /* the portal's files; NULL: $HUKOU_WEB, else HK_DEFAULT_WEB. A missing
                             directory is not fatal: the API runs and / is a 404 (static.c) */
  bool secure_cookies;    /* the session cookie always carries Secure (served behind TLS) */
  /* The reverse proxy in front (--trust-proxy ADDRESS): only for connections from it is the
   * client taken from the last X-Forwarded-For entry, the one the proxy appended; NULL none. */
  const char *trusted_proxy;
  double access_flush;         /* the access log is written at least this often (seconds) */
  double rate;                 /* POST /api/v1/eligibility per client address per second; 0 off */
  double burst;                /* the bucket's size */
  hk_signin_policy signin;     /* per account (service/signin.h); delay_after 0: no throttling */
  int signin_address_after;    /* failed sign-ins from one address before its delays; 0 off */
  unsigned timeout_s;          /* an idle or slow connection is closed after this long */
  unsigned header_deadline_s;  /* a request's headers must all arrive within this; 0 off */
  unsigned request_deadline_s; /* and its body within this after them; 0 off (deadline.c) */
  unsigned max_connections;
  unsigned max_per_client; /* connections from one address */
  bool access_log;         /* one JSON line per request on stderr */
  int32_t today; /* testing: the services' "today" (an hk_date); HK_DATE_NONE: the real date */
  int settlement_days;           /* days for a settlement decision; 0 the service's default */
  size_t material_max_bytes;     /* an uploaded material's size limit; 0 the service's default */
  int materials_per_application; /* files an application may hold; 0 the service's default */
  const char *keys_dir; /* the certificate keys (hukou keys init): opened with the signing key at
                           start; NULL: the certificate routes that sign or verify answer 503 */
} hk_http_config;

/* The defaults of `hukou serve`. */
void hk_http_config_defaults(hk_http_config *cfg);

typedef struct hk_http_server hk_http_server;

/* Load the policies and the OpenAPI document, check the store opens, bind and start serving.
 * HK_EIO when the address cannot be bound, HK_EPOLICY for bad policy files. */
hk_status hk_http_start(const hk_http_config *cfg, hk_http_server **out, hk_error *err);

/* The port actually bound (useful after port 0). */
uint16_t hk_http_port(const hk_http_server *srv);

/* Graceful stop: stop accepting connections, let requests in flight finish (at most
 * drain_seconds), close everything and free srv. Returns the number of requests served. */
uint64_t hk_http_stop(hk_http_server *srv, unsigned drain_seconds);

#endif
