/* An LD_PRELOAD shim for the I/O fault tests (issue 16, "I/O faults"): it plays a disk that
 * fills up. Writes to files whose path contains HK_FAULT_PATH pass until HK_FAULT_BUDGET bytes
 * have been written to them; the write that crosses the budget is cut short (as a real full disk
 * does), and every later write, pwrite, writev and fsync/fdatasync on such files fails with
 * HK_FAULT_ERRNO (ENOSPC by default, or EIO). Files the pattern does not match (sockets, stderr,
 * other files) are never touched. SQLite's approach to proving its own recovery, done from
 * outside the process: the binary under test is the one users run.
 *
 * Environment:
 *   HK_FAULT_PATH    substring of the path (as /proc/self/fd shows it); unset: pass everything
 *   HK_FAULT_BUDGET  bytes that may still be written to matching files (default 0)
 *   HK_FAULT_ERRNO   ENOSPC (default) or EIO
 *   HK_FAULT_REPORT  a file that gets one line per injected fault, so a test can tell that the
 *                    fault really happened (a test whose fault never fired proves nothing)
 *   HK_FAULT_SWITCH  a path: faults are injected only while this file exists (the disk fills up
 *                    and is freed again while the process runs); the budget is not used
 *
 * Under AddressSanitizer the shim comes before libasan: run with
 * ASAN_OPTIONS=verify_asan_link_order=0. Test-only: never installed. */
#undef _FILE_OFFSET_BITS /* the shim defines pwrite and pwrite64 as the two symbols they are */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*pwrite64_fn)(int, const void *, size_t, off64_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*sync_fn)(int);

static write_fn real_write;
static pwrite_fn real_pwrite;
static pwrite64_fn real_pwrite64;
static writev_fn real_writev;
static sync_fn real_fsync;
static sync_fn real_fdatasync;

static const char *pattern; /* NULL: the shim passes everything through */
static const char *report_path;
static const char *switch_path;
static int fault_errno = ENOSPC;
static atomic_llong budget;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
  real_write = (write_fn)dlsym(RTLD_NEXT, "write");
  real_pwrite = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite");
  real_pwrite64 = (pwrite64_fn)dlsym(RTLD_NEXT, "pwrite64");
  real_writev = (writev_fn)dlsym(RTLD_NEXT, "writev");
  real_fsync = (sync_fn)dlsym(RTLD_NEXT, "fsync");
  real_fdatasync = (sync_fn)dlsym(RTLD_NEXT, "fdatasync");
  const char *p = getenv("HK_FAULT_PATH");
  pattern = p && *p ? p : NULL;
  report_path = getenv("HK_FAULT_REPORT");
  switch_path = getenv("HK_FAULT_SWITCH");
  const char *b = getenv("HK_FAULT_BUDGET");
  atomic_store(&budget, b ? strtoll(b, NULL, 10) : 0);
  const char *e = getenv("HK_FAULT_ERRNO");
  if (e && strcmp(e, "EIO") == 0)
    fault_errno = EIO;
}

static int matches(int fd)
{
  if (!pattern || fd < 0)
    return 0;
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0)
    return 0;
  path[n] = '\0';
  return strstr(path, pattern) != NULL;
}

/* One line per injected fault, written with the real write so that the report file (which
 * the pattern should not match anyway) never feeds back into the shim. */
static void report(const char *call, int fd)
{
  if (!report_path)
    return;
  int rfd = open(report_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (rfd < 0)
    return;
  char line[96];
  int len = snprintf(line, sizeof line, "%s fd=%d errno=%d\n", call, fd, fault_errno);
  if (len > 0)
    (void)real_write(rfd, line, (size_t)len);
  close(rfd);
}

/* How many of n bytes may go to fd: n for files the pattern does not match; otherwise what is
 * left of the budget (taken from it), 0 once it is spent. */
static size_t allowed(int fd, size_t n)
{
  pthread_once(&once, init);
  if (!matches(fd))
    return n;
  if (switch_path)
    return access(switch_path, F_OK) == 0 ? 0 : n;
  long long left = atomic_load(&budget);
  for (;;) {
    long long take = left <= 0 ? 0 : (left < (long long)n ? left : (long long)n);
    if (take == 0 || atomic_compare_exchange_weak(&budget, &left, left - take)) {
      if (take > 0 && (size_t)take < n)
        report("short write", fd); /* the write that crosses the budget: cut, not refused */
      return (size_t)take;
    }
  }
}

static ssize_t refuse(const char *call, int fd)
{
  report(call, fd);
  errno = fault_errno;
  return -1;
}

ssize_t write(int fd, const void *buf, size_t n)
{
  size_t ok = allowed(fd, n);
  if (ok == 0 && n > 0)
    return refuse("write", fd);
  return real_write(fd, buf, ok);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
  size_t ok = allowed(fd, n);
  if (ok == 0 && n > 0)
    return refuse("pwrite", fd);
  return real_pwrite(fd, buf, ok, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
  size_t ok = allowed(fd, n);
  if (ok == 0 && n > 0)
    return refuse("pwrite64", fd);
  return real_pwrite64(fd, buf, ok, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
  size_t n = 0;
  for (int i = 0; i < cnt; i++)
    n += iov[i].iov_len;
  size_t ok = allowed(fd, n);
  if (ok == n)
    return real_writev(fd, iov, cnt);
  if (ok == 0)
    return refuse("writev", fd);
  /* A short write: the first ok bytes of the vector, as one buffer's worth at a time. */
  ssize_t done = 0;
  for (int i = 0; i < cnt && ok > 0; i++) {
    size_t part = iov[i].iov_len < ok ? iov[i].iov_len : ok;
    ssize_t w = real_write(fd, iov[i].iov_base, part);
    if (w < 0)
      return done ? done : w;
    done += w;
    ok -= (size_t)w;
    if ((size_t)w < part)
      break;
  }
  return done;
}

/* Once the disk is full, syncs of the matching files fail too (delayed allocation reports
 * ENOSPC at fsync on ext4 and XFS). */
static int sync_with(sync_fn fn, const char *call, int fd)
{
  pthread_once(&once, init);
  if (matches(fd) && (switch_path ? access(switch_path, F_OK) == 0 : atomic_load(&budget) <= 0))
    return (int)refuse(call, fd);
  return fn(fd);
}

int fsync(int fd)
{
  pthread_once(&once, init);
  return sync_with(real_fsync, "fsync", fd);
}

int fdatasync(int fd)
{
  pthread_once(&once, init);
  return sync_with(real_fdatasync, "fdatasync", fd);
}
