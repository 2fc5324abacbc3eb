/* PostgreSQL backups with PostgreSQL's own tools (store_backup.h): pg_dump's custom format is
 * the database as of one snapshot, taken without stopping writers; pg_restore puts it into an
 * empty database in one transaction, so a failed restore leaves the database empty. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "store/store_int.h"

extern char **environ;

/* Run argv[0] from PATH and wait; HK_EIO naming `field` when it cannot start or fails. */
static hk_status run(char *const argv[], const char *field, hk_error *err)
{
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
  if (rc != 0)
    return hk_error_set(err, HK_EIO, field, "cannot run %s: %s (Debian package postgresql-client)",
                        argv[0], strerror(rc));
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return hk_error_set(err, HK_EIO, field, "lost %s: %s", argv[0], strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return hk_error_set(err, HK_EIO, field, "%s failed (exit %d; its message is above)", argv[0],
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return HK_OK;
}

/* libpq's own forms ("postgresql://...", key=value) go to the tools as they are; ours ("pg:"
 * and key=value) without the prefix. */
static const char *conninfo(const char *db)
{
  return strncmp(db, "pg:", 3) == 0 ? db + 3 : db;
}

hk_status store__pg_backup(const char *db, const char *to, hk_error *err)
{
  char *argv[] = {"pg_dump",  "--format=custom", "--no-owner",         "--file",
                  (char *)to, "--dbname",        (char *)conninfo(db), NULL};
  return run(argv, "db", err);
}

hk_status store__pg_restore(const char *from, const char *db, hk_error *err)
{
  /* The database must hold no registry: restoring over one would mix two. */
  hk_store *st;
  hk_error why = {0};
  if (hk_store_open(db, HK_STORE_EXISTING, &st, &why) == HK_OK) {
    hk_store_close(st);
    return hk_error_set(err, HK_EDUPLICATE, "db",
                        "the database already holds a registry: restore into an empty one");
  }
  if (why.code == HK_EIO) { /* cannot connect at all */
    *err = why;
    return why.code;
  }
  char *argv[] = {"pg_restore", "--exit-on-error",    "--single-transaction", "--no-owner",
                  "--dbname",   (char *)conninfo(db), (char *)from,           NULL};
  return run(argv, "from", err);
}
