/* accesslog.c — the access log's writer (九): request threads queue an entry per person read in
 * memory; one thread appends what has queued in one transaction per batch, at most every
 * flush interval (and at once when a batch is full), with the hash chain computed there. A read
 * therefore costs a mutex and a copy, not a write transaction; the price is that entries of the
 * last interval live only in memory until their batch commits (docs/http.md: durability; a
 * kill -9 loses them, docs/reliability.md measures how many). A batch that cannot be written is
 * kept and retried. Stopping writes everything queued before it returns. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/http_int.h"

#define BATCH_MAX 1024  /* entries per transaction */
#define QUEUE_MAX 16384 /* entries waiting; request threads wait beyond this */

struct hk_http_accesslog {
  pthread_mutex_t mu;
  pthread_cond_t wake;  /* the writer: work, or stop */
  pthread_cond_t space; /* request threads: the queue has room */
  pthread_t thread;
  hk_access_in *queue;
  hk_access_in *batch; /* the writer's copy of what it writes */
  size_t n;
  bool stopping;
  double flush_seconds;
  hk_store *st;
  uint64_t written, failed;
};

/* One transaction for the batch, retried while the database is busy. */
static hk_status batch_write(hk_http_accesslog *log, hk_access_in *batch, size_t n, hk_error *err)
{
  hk_status rc = HK_OK;
  for (int attempt = 0; attempt < 50; attempt++) {
    rc = hk_store_begin(log->st, err);
    if (rc == HK_OK)
      rc = hk_store_access_append(log->st, batch, n, err);
    if (rc == HK_OK)
      rc = hk_store_commit(log->st, err);
    if (rc == HK_OK) {
      log->written += n;
      return HK_OK;
    }
    hk_store_rollback(log->st);
    if (rc != HK_ERETRY)
      break;
    struct timespec pause = {0, 20L * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  return rc;
}

/* Failures are said loudly: the log on stderr never holds an ID number, only counts. what is
 * "kept" (to be retried), "lost" (at stop) or "recovered". */
static void say(const char *what, size_t n, hk_status rc, const hk_error *err)
{
  char line[400];
  int len =
      snprintf(line, sizeof line,
               "{\"level\":\"%s\",\"what\":\"access log\",\"%s\":%zu,\"error\":\"%s\","
               "\"detail\":\"%s\"}\n",
               rc == HK_OK ? "info" : "error", what, n, hk_status_code(rc), err ? err->detail : "");
  for (int i = 0; i < len; i++)
    if (line[i] == '\\' || (unsigned char)line[i] < 0x20)
      line[i] = i == len - 1 ? '\n' : ' ';
  if (len > 0)
    (void)!write(STDERR_FILENO, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
}

/* Waits (mu held) for the flush interval to pass, or for a full batch or the stop. */
static void wait_interval(hk_http_accesslog *log)
{
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  long ns = until.tv_nsec + (long)(log->flush_seconds * 1e9);
  until.tv_sec += ns / 1000000000L;
  until.tv_nsec = ns % 1000000000L;
  while (!log->stopping && log->n < BATCH_MAX &&
         pthread_cond_timedwait(&log->wake, &log->mu, &until) != ETIMEDOUT)
    ;
}

/* A batch leaves the queue only once it is written. A write that fails (a full or failing disk,
 * issue 16) keeps its entries first in the queue and is tried again an interval later, so the
 * reads already answered are logged once there is room; while it fails the queue fills and
 * request threads wait for room (QUEUE_MAX) rather than serve reads the log cannot hold. Only
 * at stop are entries that still cannot be written given up, counted on stderr. */
static void *writer(void *cls)
{
  hk_http_accesslog *log = cls;
  hk_access_in *batch = log->batch;
  bool failing = false;
  pthread_mutex_lock(&log->mu);
  for (;;) {
    if (log->n == 0 && log->stopping)
      break;
    if (log->n < BATCH_MAX && !log->stopping)
      wait_interval(log); /* so that reads in a burst share a transaction */
    size_t n = log->n < BATCH_MAX ? log->n : BATCH_MAX;
    if (n == 0)
      continue;
    memcpy(batch, log->queue, n * sizeof *batch);
    bool last_try = log->stopping;
    pthread_mutex_unlock(&log->mu);
    hk_error err = {0};
    hk_status rc = batch_write(log, batch, n, &err);
    memset(batch, 0, n * sizeof *batch); /* full ID numbers stay in memory no longer */
    if (rc != HK_OK && !failing && !last_try)
      say("kept", n, rc, &err);
    else if (rc != HK_OK && last_try)
      say("lost", n, rc, &err);
    else if (rc == HK_OK && failing)
      say("recovered", n, rc, NULL);
    pthread_mutex_lock(&log->mu);
    failing = rc != HK_OK;
    if (rc == HK_OK || last_try) {
      /* Request threads only append: the batch is still the queue's first n entries. */
      memmove(log->queue, log->queue + n, (log->n - n) * sizeof *log->queue);
      log->n -= n;
      if (rc != HK_OK)
        log->failed += n;
      pthread_cond_broadcast(&log->space);
    } else if (log->n >= BATCH_MAX && !log->stopping) {
      wait_interval(log); /* a full queue would otherwise retry without pause */
    }
  }
  pthread_mutex_unlock(&log->mu);
  return NULL;
}

hk_status hk_http_accesslog_start(const char *db_path, double flush_seconds,
                                  hk_http_accesslog **out, hk_error *err)
{
  *out = NULL;
  hk_http_accesslog *log = calloc(1, sizeof *log);
  if (log == NULL || (log->queue = malloc(QUEUE_MAX * sizeof *log->queue)) == NULL ||
      (log->batch = malloc(BATCH_MAX * sizeof *log->batch)) == NULL) {
    if (log)
      free(log->queue);
    free(log);
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  }
  log->flush_seconds = flush_seconds > 0 ? flush_seconds : 0.1;
  hk_status rc = hk_store_open(db_path, HK_STORE_EXISTING, &log->st, err);
  if (rc == HK_OK)
    hk_store_expect_stream(log->st);
  if (rc != HK_OK) {
    free(log->batch);
    free(log->queue);
    free(log);
    return rc;
  }
  pthread_mutex_init(&log->mu, NULL);
  pthread_cond_init(&log->wake, NULL);
  pthread_cond_init(&log->space, NULL);
  if (pthread_create(&log->thread, NULL, writer, log) != 0) {
    hk_store_close(log->st);
    free(log->batch);
    free(log->queue);
    free(log);
    return hk_error_set(err, HK_EINTERNAL, NULL, "cannot start the access log's writer");
  }
  *out = log;
  return HK_OK;
}

void hk_http_accesslog_push(hk_http_accesslog *log, const hk_access_in *entry)
{
  pthread_mutex_lock(&log->mu);
  while (log->n == QUEUE_MAX && !log->stopping)
    pthread_cond_wait(&log->space, &log->mu);
  if (log->n < QUEUE_MAX) {
    log->queue[log->n++] = *entry;
    if (log->n == BATCH_MAX)
      pthread_cond_signal(&log->wake);
  }
  pthread_mutex_unlock(&log->mu);
}

void hk_http_accesslog_stop(hk_http_accesslog *log)
{
  if (log == NULL)
    return;
  pthread_mutex_lock(&log->mu);
  log->stopping = true;
  pthread_cond_signal(&log->wake);
  pthread_cond_broadcast(&log->space);
  pthread_mutex_unlock(&log->mu);
  pthread_join(log->thread, NULL);
  hk_store_close(log->st);
  pthread_cond_destroy(&log->wake);
  pthread_cond_destroy(&log->space);
  pthread_mutex_destroy(&log->mu);
  free(log->batch);
  free(log->queue);
  free(log);
}
