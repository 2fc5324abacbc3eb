#ifndef HK_TEST_UTIL_H
#define HK_TEST_UTIL_H

/* cmocka 1.1.x (Debian 12) needs these four headers before <cmocka.h>. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/date.h"

/* A date from "YYYY-MM-DD"; fails the test on a malformed literal. */
hk_date test_date(const char *s);

/* A fresh temporary directory (removed by test_tmpdir_remove) and a path inside it. */
const char *test_tmpdir(void);
void test_tmpdir_remove(void);
const char *test_path(const char *name);

/* Write text to a file in the temporary directory and return its path. */
const char *test_write_file(const char *name, const char *text);

/* A valid 18-character ID number built from address, birth date and sequence, with its check
 * character computed. out must hold 19 bytes. */
char *test_idnum(char *out, const char *address6, const char *yyyymmdd, int sequence);

/* Store backends. Tests that take a store run once per backend: SQLite always, PostgreSQL when
 * HK_TEST_PG holds a libpq connection string to a server that may create databases (the test
 * script starts one). */
#include <stdbool.h>
bool test_backend_select(const char *name); /* "sqlite" or "pg"; false when not available */
const char *test_backend(void);
/* A new, empty database of the current backend: a file in the temporary directory, or a
 * fresh PostgreSQL database. Returns what hk_store_open takes (valid until the next call). */
const char *test_fresh_db(void);
/* Register a person with a hukou in `division` (a family household of their own), so that a
 * resident's account may name them. */
struct hk_store;
void test_register_person(struct hk_store *st, const char *id_number, const char *division);

/* Run raw SQL on a database made by test_fresh_db (to tamper with it, as an attacker would). */
void test_raw_sql(const char *db, const char *sql);

#endif
