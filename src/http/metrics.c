/* metrics.c — counters for GET /metrics in the Prometheus text format: requests by route and
 * status, a latency histogram per route, errors by code. Lock-free (relaxed atomics): a counter
 * read while another thread adds may lag by that one request, which a scrape tolerates. */
#include "http/http_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int status_slots[HK_HTTP_STATUS_SLOTS - 1] = {200, 201, 204, 400, 401, 403, 404, 405,
                                                           408, 409, 413, 429, 500, 503, 504};

/* Upper bounds in microseconds; the last slot of each row is +Inf. */
static const uint64_t bucket_us[HK_HTTP_BUCKETS] = {100,   250,   500,   1000,   2500,   5000,
                                                    10000, 25000, 50000, 100000, 250000, 1000000};

static int status_slot(int status)
{
  for (int i = 0; i < HK_HTTP_STATUS_SLOTS - 1; i++)
    if (status_slots[i] == status)
      return i;
  return HK_HTTP_STATUS_SLOTS - 1; /* any other */
}

void hk_http_metrics_record(hk_http_metrics *m, int route, int status, hk_status error,
                            uint64_t micros)
{
  int r = route >= 0 && (size_t)route < hk_http_route_count ? route
          : route == HK_ROUTE_STATIC                        ? (int)hk_http_route_count + 1
                                                            : (int)hk_http_route_count;
  atomic_fetch_add_explicit(&m->requests[r][status_slot(status)], 1, memory_order_relaxed);
  int b = 0;
  while (b < HK_HTTP_BUCKETS && micros > bucket_us[b])
    b++;
  atomic_fetch_add_explicit(&m->latency[r][b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&m->latency_us[r], micros, memory_order_relaxed);
  if (status >= 400 && error > HK_OK && error < HK_STATUS_COUNT)
    atomic_fetch_add_explicit(&m->errors[error], 1, memory_order_relaxed);
}

typedef struct out {
  char *p;
  size_t len, cap;
  bool failed;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
  if (o->failed)
    return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
      o->failed = true;
      return;
    }
    if ((size_t)n < o->cap - o->len) {
      o->len += (size_t)n;
      return;
    }
    char *g = realloc(o->p, o->cap * 2 + (size_t)n);
    if (g == NULL) {
      o->failed = true;
      return;
    }
    o->p = g;
    o->cap = o->cap * 2 + (size_t)n;
  }
}

static uint64_t get(const atomic_uint_fast64_t *a)
{
  return atomic_load_explicit(a, memory_order_relaxed);
}

static void labels(out *o, size_t r)
{
  if (r < hk_http_route_count)
    put(o, "method=\"%s\",route=\"%s\"", hk_http_routes[r].method, hk_http_routes[r].pattern);
  else if (r == hk_http_route_count + 1)
    put(o, "method=\"GET\",route=\"portal\""); /* / and /assets/… (static.c) */
  else
    put(o, "method=\"\",route=\"unmatched\"");
}

char *hk_http_metrics_render(const hk_http_metrics *m, int in_flight, uint64_t cut, size_t *len)
{
  out o = {malloc(8192), 0, 8192, false};
  if (o.p == NULL)
    return NULL;
  put(&o, "# HELP hukou_http_requests_total HTTP requests by route and status.\n"
          "# TYPE hukou_http_requests_total counter\n");
  for (size_t r = 0; r <= hk_http_route_count + 1; r++)
    for (int s = 0; s < HK_HTTP_STATUS_SLOTS; s++) {
      uint64_t n = get(&m->requests[r][s]);
      if (n == 0)
        continue;
      put(&o, "hukou_http_requests_total{");
      labels(&o, r);
      if (s < HK_HTTP_STATUS_SLOTS - 1)
        put(&o, ",status=\"%d\"} %llu\n", status_slots[s], (unsigned long long)n);
      else
        put(&o, ",status=\"other\"} %llu\n", (unsigned long long)n);
    }
  put(&o, "# HELP hukou_http_request_duration_seconds Time from the request's headers to the "
          "last byte of the response.\n"
          "# TYPE hukou_http_request_duration_seconds histogram\n");
  for (size_t r = 0; r <= hk_http_route_count + 1; r++) {
    uint64_t total = 0;
    for (int b = 0; b <= HK_HTTP_BUCKETS; b++)
      total += get(&m->latency[r][b]);
    if (total == 0)
      continue;
    uint64_t cum = 0;
    for (int b = 0; b <= HK_HTTP_BUCKETS; b++) {
      cum += get(&m->latency[r][b]);
      put(&o, "hukou_http_request_duration_seconds_bucket{");
      labels(&o, r);
      if (b < HK_HTTP_BUCKETS)
        put(&o, ",le=\"%g\"} %llu\n", (double)bucket_us[b] / 1e6, (unsigned long long)cum);
      else
        put(&o, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    }
    put(&o, "hukou_http_request_duration_seconds_sum{");
    labels(&o, r);
    put(&o, "} %.6f\n", (double)get(&m->latency_us[r]) / 1e6);
    put(&o, "hukou_http_request_duration_seconds_count{");
    labels(&o, r);
    put(&o, "} %llu\n", (unsigned long long)cum);
  }
  put(&o, "# HELP hukou_http_errors_total Error answers by error code.\n"
          "# TYPE hukou_http_errors_total counter\n");
  for (int e = 1; e < HK_STATUS_COUNT; e++)
    put(&o, "hukou_http_errors_total{code=\"%s\"} %llu\n", hk_status_code((hk_status)e),
        (unsigned long long)get(&m->errors[e]));
  put(&o,
      "# HELP hukou_http_requests_in_flight Requests being answered now.\n"
      "# TYPE hukou_http_requests_in_flight gauge\n"
      "hukou_http_requests_in_flight %d\n"
      "# HELP hukou_http_connections_cut_total Connections shut for missing a request deadline.\n"
      "# TYPE hukou_http_connections_cut_total counter\n"
      "hukou_http_connections_cut_total %llu\n",
      in_flight, (unsigned long long)cut);
  if (o.failed) {
    free(o.p);
    return NULL;
  }
  *len = o.len;
  return o.p;
}
