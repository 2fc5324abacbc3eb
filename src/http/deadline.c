/* Request deadlines (issue 16): libmicrohttpd's connection timeout is an idle timeout, reset by
 * every byte, so a client that sends one header line every few seconds holds its connection
 * for ever, and a few hundred of them hold every slot. This module gives each request a clock:
 * its headers must arrive within header_s of the connection opening (or of the previous answer
 * on a kept-alive connection), and its body within request_s of the headers. A connection past
 * its deadline is shut down from a reaper thread; libmicrohttpd then sees the end of the stream
 * and closes it as it closes any other. Answers being sent are not timed here: a slow reader is
 * the idle timeout's business. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "http/http_int.h"

typedef enum phase {
  PHASE_HEADERS, /* waiting for a request's headers */
  PHASE_BODY,    /* headers read, the body is arriving */
  PHASE_ANSWER,  /* the answer is queued or being sent: no deadline */
} phase;

typedef struct tracked {
  struct tracked *prev, *next;
  MHD_socket fd;
  phase phase;
  double due; /* monotonic seconds; meaningful outside PHASE_ANSWER */
  bool cut;
} tracked;

struct hk_http_deadline {
  double header_s, request_s;
  pthread_mutex_t mu;
  pthread_cond_t wake;
  tracked head; /* sentinel of a circular list */
  bool stopping;
  pthread_t reaper;
  atomic_uint_fast64_t cut;
};

static void *reap(void *arg)
{
  hk_http_deadline *d = arg;
  pthread_mutex_lock(&d->mu);
  while (!d->stopping) {
    double now = hk_http_now();
    for (tracked *t = d->head.next; t != &d->head; t = t->next) {
      if (t->phase == PHASE_ANSWER || t->cut || now < t->due)
        continue;
      /* Under the lock: the CLOSED notification, which comes before libmicrohttpd closes the
       * socket, waits for it, so the descriptor is still this connection's. */
      (void)shutdown(t->fd, SHUT_RDWR);
      t->cut = true;
      atomic_fetch_add(&d->cut, 1);
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 250L * 1000 * 1000;
    if (until.tv_nsec >= 1000L * 1000 * 1000) {
      until.tv_sec++;
      until.tv_nsec -= 1000L * 1000 * 1000;
    }
    int rc = pthread_cond_timedwait(&d->wake, &d->mu, &until);
    (void)rc; /* ETIMEDOUT or a wake-up to stop: the loop condition decides */
  }
  pthread_mutex_unlock(&d->mu);
  return NULL;
}

hk_http_deadline *hk_http_deadline_new(unsigned header_s, unsigned request_s)
{
  if (header_s == 0 && request_s == 0)
    return NULL;
  hk_http_deadline *d = calloc(1, sizeof *d);
  if (d == NULL)
    return NULL;
  /* 0 turns one phase's clock off: a deadline far beyond any connection's life. */
  d->header_s = header_s ? header_s : 1e12;
  d->request_s = request_s ? request_s : 1e12;
  d->head.next = d->head.prev = &d->head;
  pthread_mutex_init(&d->mu, NULL);
  pthread_cond_init(&d->wake, NULL);
  if (pthread_create(&d->reaper, NULL, reap, d) != 0) {
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->mu);
    free(d);
    return NULL;
  }
  return d;
}

void hk_http_deadline_free(hk_http_deadline *d)
{
  if (d == NULL)
    return;
  pthread_mutex_lock(&d->mu);
  d->stopping = true;
  pthread_cond_signal(&d->wake);
  pthread_mutex_unlock(&d->mu);
  pthread_join(d->reaper, NULL);
  /* libmicrohttpd has closed every connection (and sent CLOSED) before the server frees this. */
  pthread_cond_destroy(&d->wake);
  pthread_mutex_destroy(&d->mu);
  free(d);
}

void hk_http_deadline_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                             enum MHD_ConnectionNotificationCode toe)
{
  hk_http_deadline *d = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    tracked *t = calloc(1, sizeof *t);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (t == NULL || ci == NULL) {
      free(t); /* untracked: only the idle timeout applies to it */
      return;
    }
    t->fd = ci->connect_fd;
    t->phase = PHASE_HEADERS;
    t->due = hk_http_now() + d->header_s;
    pthread_mutex_lock(&d->mu);
    t->next = &d->head;
    t->prev = d->head.prev;
    d->head.prev->next = t;
    d->head.prev = t;
    pthread_mutex_unlock(&d->mu);
    *socket_context = t;
    return;
  }
  tracked *t = *socket_context;
  if (t == NULL)
    return;
  pthread_mutex_lock(&d->mu);
  t->prev->next = t->next;
  t->next->prev = t->prev;
  pthread_mutex_unlock(&d->mu);
  free(t);
  *socket_context = NULL;
}

static tracked *of(struct MHD_Connection *c)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? ci->socket_context : NULL;
}

static void set_phase(hk_http_deadline *d, struct MHD_Connection *c, phase p, double after)
{
  if (d == NULL)
    return;
  tracked *t = of(c);
  if (t == NULL)
    return;
  pthread_mutex_lock(&d->mu);
  t->phase = p;
  t->due = hk_http_now() + after;
  pthread_mutex_unlock(&d->mu);
}

void hk_http_deadline_headers_read(hk_http_deadline *d, struct MHD_Connection *c)
{
  set_phase(d, c, PHASE_BODY, d ? d->request_s : 0);
}

void hk_http_deadline_answering(hk_http_deadline *d, struct MHD_Connection *c)
{
  set_phase(d, c, PHASE_ANSWER, 0);
}

void hk_http_deadline_answered(hk_http_deadline *d, struct MHD_Connection *c)
{
  set_phase(d, c, PHASE_HEADERS, d ? d->header_s : 0);
}

uint64_t hk_http_deadline_cut(const hk_http_deadline *d)
{
  return d ? atomic_load(&d->cut) : 0;
}
