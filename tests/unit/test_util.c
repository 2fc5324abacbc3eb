#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/idnum.h"

static char tmpdir[256];
static char pathbuf[512];

hk_date test_date(const char *s)
{
  hk_date d = HK_DATE_NONE;
  if (!hk_date_parse(s, &d))
    fail_msg("bad test date literal %s", s);
  return d;
}

const char *test_tmpdir(void)
{
  if (tmpdir[0] == '\0') {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hukou-test-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
      fail_msg("mkdtemp failed");
  }
  return tmpdir;
}

void test_tmpdir_remove(void)
{
  if (tmpdir[0] == '\0')
    return;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", tmpdir);
  tmpdir[0] = '\0';
}

const char *test_path(const char *name)
{
  snprintf(pathbuf, sizeof pathbuf, "%s/%s", test_tmpdir(), name);
  return pathbuf;
}

const char *test_write_file(const char *name, const char *text)
{
  const char *path = test_path(name);
  FILE *f = fopen(path, "w");
  if (f == NULL)
    fail_msg("cannot write %s", path);
  fputs(text, f);
  fclose(f);
  return path;
}

char *test_idnum(char *out, const char *address6, const char *yyyymmdd, int sequence)
{
  snprintf(out, 19, "%.6s%.8s%03d", address6, yyyymmdd, sequence % 1000);
  out[17] = hk_idnum_check_char(out);
  out[18] = '\0';
  return out;
}
