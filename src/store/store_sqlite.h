#ifndef HK_STORE_STORE_SQLITE_H
#define HK_STORE_STORE_SQLITE_H

/* Private to the SQLite backend: its migrations. */

typedef struct store_sqlite_migration {
  int version;
  const char *name;
  const char *sql;
} store_sqlite_migration;

extern const store_sqlite_migration store__sqlite_migrations[];
extern const int store__sqlite_migration_count;

#endif
