/* A certificate's PDF rendered in a child process (`hukou cert render-pdf`, the server's own
 * binary): Debian 12's cairo loses about 3.8 KB a page, which a server that runs for months must
 * not accumulate, and a fault in the font or PDF libraries ends the child, not the server. The
 * cost is the child's start and its fonts, about 1 s a page (docs/certificates.md). */
/* pipe2: pipes that no other thread's child inherits (O_CLOEXEC from the start). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http/http_int.h"

extern char **environ;

#define PDF_MAX (16u << 20) /* a page is about 210 KB */
#define RENDER_SECONDS 60   /* the sanitizer build takes a few seconds a page */

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static hk_status failed(hk_error *err, const char *what)
{
  return hk_error_set(err, HK_EINTERNAL, "pdf", "the PDF renderer %s", what);
}

/* Write all of text to fd, then close it. A child that went away early shows in its exit
 * status, which the caller checks. */
static void feed(int fd, const char *text)
{
  size_t n = strlen(text), done = 0;
  while (done < n) {
    ssize_t w = write(fd, text + done, n - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      break;
    done += (size_t)w;
  }
  close(fd);
}

hk_status hk_http_pdf_in_child(const char *exe, const char *qr_text, unsigned char **pdf,
                               size_t *len, hk_error *err)
{
  *pdf = NULL;
  *len = 0;
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0)
    return failed(err, "could not start (pipe)");
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return failed(err, "could not start (pipe)");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  char *argv[] = {(char *)exe, "cert", "render-pdf", NULL};
  pid_t pid;
  int rc = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    return failed(err, "could not start");
  }
  /* The text is a few hundred bytes: it fits the pipe, so writing cannot wait on the reader. */
  feed(in[1], qr_text);
  size_t cap = 256u << 10, n = 0;
  unsigned char *buf = malloc(cap);
  bool too_big = false, timed_out = false, no_memory = buf == NULL;
  double deadline = now_s() + RENDER_SECONDS;
  while (!no_memory) {
    int wait_ms = (int)((deadline - now_s()) * 1000);
    if (wait_ms <= 0) {
      timed_out = true;
      break;
    }
    struct pollfd p = {.fd = out[0], .events = POLLIN};
    int ready = poll(&p, 1, wait_ms);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    if (n == cap) {
      if (cap >= PDF_MAX) {
        too_big = true;
        break;
      }
      unsigned char *g = realloc(buf, cap * 2);
      if (g == NULL) {
        no_memory = true;
        break;
      }
      buf = g;
      cap *= 2;
    }
    ssize_t r = read(out[0], buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break; /* end of the page (or of the child) */
    n += (size_t)r;
  }
  close(out[0]);
  if (timed_out || too_big || no_memory)
    kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (no_memory || timed_out || too_big || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      n == 0) {
    free(buf);
    if (timed_out)
      return failed(err, "took too long");
    if (no_memory)
      return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
    return failed(err, "failed (its message is in the server's log)");
  }
  *pdf = buf;
  *len = n;
  return HK_OK;
}
