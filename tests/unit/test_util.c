#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/idnum.h"
#include "core/person.h"
#include "core/person_json.h"
#include "store/store.h"

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

static const char *backend = "sqlite";
static char db_uri[1024];
static int db_count;

bool test_backend_select(const char *name)
{
  if (strcmp(name, "pg") == 0 && (getenv("HK_TEST_PG") == NULL || !getenv("HK_TEST_PG")[0]))
    return false;
  backend = strcmp(name, "pg") == 0 ? "pg" : "sqlite";
  return true;
}

const char *test_backend(void)
{
  return backend;
}

static PGconn *pg_admin(void)
{
  PGconn *c = PQconnectdb(getenv("HK_TEST_PG"));
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("cannot reach the test PostgreSQL server: %s", PQerrorMessage(c));
  return c;
}

const char *test_fresh_db(void)
{
  db_count++;
  if (strcmp(backend, "sqlite") == 0) {
    snprintf(db_uri, sizeof db_uri, "%s/db%d.sqlite", test_tmpdir(), db_count);
    return db_uri;
  }
  char sql[128];
  snprintf(sql, sizeof sql, "CREATE DATABASE hk_t%d_%d", (int)getpid(), db_count);
  PGconn *c = pg_admin();
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
  snprintf(db_uri, sizeof db_uri, "pg:%s dbname=hk_t%d_%d", getenv("HK_TEST_PG"), (int)getpid(),
           db_count);
  return db_uri;
}

void test_raw_sql(const char *db, const char *sql)
{
  if (strncmp(db, "pg:", 3) == 0) {
    PGconn *c = PQconnectdb(db + 3);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
      fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return;
  }
  sqlite3 *h;
  if (sqlite3_open(db, &h) != SQLITE_OK || sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(h));
  sqlite3_close(h);
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

void test_register_person(struct hk_store *st, const char *id_number, const char *division)
{
  char json[256];
  snprintf(json, sizeof json,
           "{\"id_number\":\"%s\",\"hukou\":{\"division\":\"%s\",\"household\":\"family\","
           "\"head\":true}}",
           id_number, division);
  hk_person p;
  hk_person_init(&p);
  hk_error err = {0};
  if (hk_person_parse(json, strlen(json), HK_PJ_RECORD, test_date("2024-01-01"), &p, &err) != HK_OK)
    fail_msg("parse: %s: %s", err.field, err.detail);
  int64_t row;
  if (hk_store_begin(st, &err) != HK_OK || hk_store_person_add(st, &p, &row, &err) != HK_OK ||
      hk_store_commit(st, &err) != HK_OK)
    fail_msg("register %s: %s", division, err.detail);
  hk_person_clear(&p);
}
