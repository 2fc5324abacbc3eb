/* The SQLite schema as numbered migrations, applied in order by hukou init / open. A migration
 * is never edited after release; a change is a new one. Dates are day numbers (days since
 * 1970-01-01), months year*12+month-1, NULL for an open end; enums are the small integers of
 * core/person.h. History tables are clustered by (person_id, seq) so that one person's rows sit
 * together and bulk loads append. */
#include "store/store_sqlite.h"

static const char migration_1[] =
    "CREATE TABLE person ("
    "  id INTEGER PRIMARY KEY,"
    "  id_number TEXT NOT NULL,"
    "  name TEXT NOT NULL DEFAULT '',"
    "  birth_date INTEGER NOT NULL,"
    "  sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),"
    "  marital_status INTEGER NOT NULL DEFAULT 0,"
    "  education INTEGER NOT NULL DEFAULT 0);"
    /* Secondary indexes are named so that a bulk load into an empty registry can drop them
       and build them once at the end (store_sqlite.c, bulk_begin / bulk_end). */
    "CREATE UNIQUE INDEX person_id_number ON person (id_number);"
    "CREATE TABLE household ("
    "  id INTEGER PRIMARY KEY,"
    "  household_no TEXT,"
    "  kind INTEGER NOT NULL,"
    "  division INTEGER NOT NULL,"
    "  head_person INTEGER);"
    "CREATE UNIQUE INDEX household_number ON household (household_no);"
    /* Hukou registrations, never overwritten: a move closes one row and opens the next. */
    "CREATE TABLE hukou ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  household_id INTEGER NOT NULL, division INTEGER NOT NULL, urban INTEGER,"
    "  valid_from INTEGER, valid_to INTEGER,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;"
    "CREATE INDEX hukou_household ON hukou (household_id);"
    "CREATE TABLE residence ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  division INTEGER NOT NULL, urban INTEGER, valid_from INTEGER NOT NULL, valid_to INTEGER,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE housing ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  division INTEGER NOT NULL, urban INTEGER, kind INTEGER NOT NULL, legal INTEGER NOT NULL,"
    "  valid_from INTEGER NOT NULL, valid_to INTEGER,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE employment ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  division INTEGER NOT NULL, collective_household INTEGER NOT NULL,"
    "  valid_from INTEGER NOT NULL, valid_to INTEGER,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE schooling ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  division INTEGER NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE insurance ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  city INTEGER NOT NULL, from_month INTEGER NOT NULL, to_month INTEGER,"
    "  pension_transferred INTEGER NOT NULL,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE permit ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  division INTEGER NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE talent ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  category INTEGER NOT NULL, division INTEGER NOT NULL, recognised INTEGER,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE points_facts ("
    "  person_id INTEGER PRIMARY KEY, volunteer_hours INTEGER NOT NULL, blood_ml INTEGER NOT NULL,"
    "  donation_yuan INTEGER NOT NULL, skill INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE kinship ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  relation INTEGER NOT NULL, relative_id INTEGER NOT NULL,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;"
    /* The audit chain: hash = SHA-256 over the fields and prev_hash (store.c). */
    "CREATE TABLE event ("
    "  seq INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,"
    "  payload TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);";

/* Residence registration (一): when each period was declared, whether late, how it ended, and
 * the address (its own table: most imported histories have none). */
static const char migration_2[] =
    "ALTER TABLE residence ADD COLUMN declared_on INTEGER;"
    "ALTER TABLE residence ADD COLUMN late INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE residence ADD COLUMN ended INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE residence_address ("
    "  person_id INTEGER NOT NULL, seq INTEGER NOT NULL, address TEXT NOT NULL,"
    "  PRIMARY KEY (person_id, seq)) WITHOUT ROWID;";

/* Applications and their review (documents with their steps and the engine's answers), and
 * residence permits with their numbers (三); see store_app.h. */
static const char migration_3[] =
    "CREATE TABLE application ("
    "  id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, kind INTEGER NOT NULL,"
    "  target INTEGER NOT NULL, state INTEGER NOT NULL, submitted_on INTEGER NOT NULL,"
    "  due_on INTEGER, doc TEXT NOT NULL);"
    "CREATE INDEX application_target_state ON application (target, state);"
    "CREATE INDEX application_person ON application (person_id);"
    "CREATE TABLE residence_permit ("
    "  number TEXT PRIMARY KEY, person_id INTEGER NOT NULL, division INTEGER NOT NULL,"
    "  issued_on INTEGER NOT NULL, application_id INTEGER) WITHOUT ROWID;"
    "CREATE INDEX residence_permit_person ON residence_permit (person_id);";

/* Households and moves (issue 4): a household's address, what a collective household belongs
 * to (owner: 1 a unit, 2 a community, 3 the talent service agency; owner_code identifies it
 * within the county, owner_name names it), its urban flag, and when it was created and
 * dissolved; why a hukou row ended (store_household.h); and a person's death (死亡注销), so the
 * dead are not counted as living registrants. */
static const char migration_4[] =
    "ALTER TABLE household ADD COLUMN address TEXT;"
    "ALTER TABLE household ADD COLUMN owner INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE household ADD COLUMN owner_code TEXT;"
    "ALTER TABLE household ADD COLUMN owner_name TEXT;"
    "ALTER TABLE household ADD COLUMN urban INTEGER;"
    "ALTER TABLE household ADD COLUMN created_on INTEGER;"
    "ALTER TABLE household ADD COLUMN dissolved_on INTEGER;"
    "CREATE INDEX household_owner ON household (owner, division, owner_code) WHERE owner <> 0;"
    "ALTER TABLE hukou ADD COLUMN ended INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE person ADD COLUMN died_on INTEGER;";
/* Accounts, sessions, department keys and the access log (九); see store_auth.h. Secrets are
 * kept only as hashes. The access log is a hash chain of its own, indexed by person so that
 * "who looked at this person" is one range scan. */
static const char migration_5[] =
    "CREATE TABLE account ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role INTEGER NOT NULL,"
    "  jurisdiction INTEGER NOT NULL DEFAULT 0, id_number TEXT NOT NULL DEFAULT '',"
    "  pwhash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);"
    "CREATE TABLE session ("
    "  token_hash BLOB PRIMARY KEY, account_id INTEGER NOT NULL, expires INTEGER NOT NULL)"
    "  WITHOUT ROWID;"
    "CREATE INDEX session_account ON session (account_id);"
    "CREATE TABLE api_key ("
    "  id INTEGER PRIMARY KEY, key_hash BLOB NOT NULL UNIQUE, department TEXT NOT NULL,"
    "  questions TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);"
    "CREATE TABLE access_log ("
    "  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,"
    "  person_id INTEGER NOT NULL, subject TEXT NOT NULL, endpoint TEXT NOT NULL,"
    "  purpose TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);"
    "CREATE INDEX access_log_person ON access_log (person_id, seq);";

/* Facts with provenance (issue 10): every entry records its source (1 declared, 2 verified,
 * 3 department), who asserted it and when, and why; a correction is a new entry naming the one
 * it supersedes (or the imported row of its kind, by index), and only superseded_by is ever set
 * on an old entry. A department's delivery id is unique, so a re-delivery is recognised. */
static const char migration_6[] =
    "CREATE TABLE fact ("
    "  id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, kind INTEGER NOT NULL,"
    "  source INTEGER NOT NULL, actor TEXT NOT NULL, department TEXT NOT NULL DEFAULT '',"
    "  delivery TEXT, at TEXT NOT NULL, recorded_on INTEGER NOT NULL,"
    "  reason TEXT NOT NULL DEFAULT '', supersedes INTEGER, supersedes_row INTEGER,"
    "  superseded_by INTEGER, doc TEXT NOT NULL);"
    "CREATE INDEX fact_person ON fact (person_id, id);"
    "CREATE UNIQUE INDEX fact_delivery ON fact (department, delivery) WHERE delivery IS NOT NULL;";
/* Births and deaths as registrations, and permits that ended for good (issue 10): the birth
 * medical certificate's number (unique among births) and the birthplace; the county that
 * registered a death and the hukou county then, so the record stays with those offices; when
 * and why a residence permit ended (1 settled in its city, 2 died); see store_vital.h. */
static const char migration_7[] =
    "CREATE TABLE vital_registration ("
    "  person_id INTEGER NOT NULL, kind INTEGER NOT NULL, certificate TEXT,"
    "  place_division INTEGER NOT NULL DEFAULT 0, place TEXT, division INTEGER NOT NULL,"
    "  hukou_division INTEGER NOT NULL DEFAULT 0, registered_on INTEGER NOT NULL,"
    "  PRIMARY KEY (person_id, kind)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX vital_certificate ON vital_registration (kind, certificate)"
    "  WHERE certificate IS NOT NULL;"
    "ALTER TABLE residence_permit ADD COLUMN ended_on INTEGER;"
    "ALTER TABLE residence_permit ADD COLUMN ended INTEGER NOT NULL DEFAULT 0;";
/* Materials (issue 10): the content of each file once, under its SHA-256, in a table of its own
 * (a rowid table: large rows sit badly in a WITHOUT ROWID b-tree), and one row per attachment
 * naming it by hash, with what it is attached to: an application and its step, or a person's
 * declaration or fact entry (store_material.h). Numbered 9: 6-8 are other branches'. */
static const char migration_9[] =
    "CREATE TABLE material_blob ("
    "  id INTEGER PRIMARY KEY, sha256 BLOB NOT NULL UNIQUE, size INTEGER NOT NULL,"
    "  content BLOB NOT NULL);"
    "CREATE TABLE material ("
    "  id INTEGER PRIMARY KEY, sha256 BLOB NOT NULL, size INTEGER NOT NULL,"
    "  media_type TEXT NOT NULL, name TEXT NOT NULL, uploaded_by TEXT NOT NULL,"
    "  uploaded_at TEXT NOT NULL, person_id INTEGER NOT NULL, application_id INTEGER,"
    "  step TEXT, step_index INTEGER, fact TEXT);"
    "CREATE INDEX material_application ON material (application_id) WHERE application_id IS NOT "
    "NULL;"
    "CREATE INDEX material_person ON material (person_id);";
/* Lists and search for the officer's workbench (issue 10; store_list.h). The filing county
 * becomes a column (it was only in the document) so a service point lists what it filed; the
 * queue's index carries state and due date so that counts and overdue-first pages read the
 * index alone. Names: the name, and the name without its first one or two characters, so that
 * a two-to-four-character fragment of a Chinese name is a range scan wherever it stands.
 * Addresses: FTS5 trigram indexes (substring search; households by their rowid, residence
 * addresses under rowid person_id * 4096 + seq), kept by triggers. */
static const char migration_8[] =
    "ALTER TABLE application ADD COLUMN filed_in INTEGER;"
    "UPDATE application SET filed_in = CAST(json_extract(doc, '$.filed_in') AS INTEGER)"
    "  WHERE json_extract(doc, '$.filed_in') IS NOT NULL;"
    "DROP INDEX application_target_state;"
    "CREATE INDEX application_queue ON application (target, state, due_on);"
    "CREATE INDEX application_filed ON application (filed_in, state, due_on)"
    "  WHERE filed_in IS NOT NULL;"
    "CREATE INDEX person_name ON person (name);"
    "CREATE INDEX person_name_2 ON person (substr(name, 2)) WHERE length(name) >= 3;"
    "CREATE INDEX person_name_3 ON person (substr(name, 3)) WHERE length(name) >= 4;"
    "CREATE INDEX household_head ON household (head_person) WHERE head_person IS NOT NULL;"
    "CREATE INDEX residence_division ON residence (division, person_id, seq);"
    "CREATE VIRTUAL TABLE household_address_fts USING fts5(address, content='household',"
    "  content_rowid='id', tokenize='trigram');"
    "INSERT INTO household_address_fts (rowid, address)"
    "  SELECT id, address FROM household WHERE address IS NOT NULL;"
    "CREATE TRIGGER household_address_ai AFTER INSERT ON household WHEN new.address IS NOT NULL"
    "  BEGIN INSERT INTO household_address_fts (rowid, address) VALUES (new.id, new.address); END;"
    "CREATE TRIGGER household_address_ad AFTER DELETE ON household WHEN old.address IS NOT NULL"
    "  BEGIN INSERT INTO household_address_fts (household_address_fts, rowid, address)"
    "  VALUES ('delete', old.id, old.address); END;"
    "CREATE TRIGGER household_address_au AFTER UPDATE OF address ON household BEGIN"
    "  INSERT INTO household_address_fts (household_address_fts, rowid, address)"
    "  SELECT 'delete', old.id, old.address WHERE old.address IS NOT NULL;"
    "  INSERT INTO household_address_fts (rowid, address)"
    "  SELECT new.id, new.address WHERE new.address IS NOT NULL; END;"
    "CREATE VIRTUAL TABLE residence_address_fts USING fts5(address, tokenize='trigram');"
    "INSERT INTO residence_address_fts (rowid, address)"
    "  SELECT person_id * 4096 + seq, address FROM residence_address;"
    "CREATE TRIGGER residence_address_ai AFTER INSERT ON residence_address BEGIN"
    "  INSERT INTO residence_address_fts (rowid, address)"
    "  VALUES (new.person_id * 4096 + new.seq, new.address); END;"
    "CREATE TRIGGER residence_address_ad AFTER DELETE ON residence_address BEGIN"
    "  DELETE FROM residence_address_fts WHERE rowid = old.person_id * 4096 + old.seq; END;"
    "CREATE TRIGGER residence_address_au AFTER UPDATE ON residence_address BEGIN"
    "  DELETE FROM residence_address_fts WHERE rowid = old.person_id * 4096 + old.seq;"
    "  INSERT INTO residence_address_fts (rowid, address)"
    "  VALUES (new.person_id * 4096 + new.seq, new.address); END;";

/* The officer's worklist (issue 10/11; store_fact.h): the declared entries still in force, in
 * entry order, so a page of what waits for verification reads only those (a handful beside the
 * ledger: most entries are verified, superseded or a department's). */
static const char migration_10[] =
    "CREATE INDEX fact_declared ON fact (id) WHERE source = 1 AND superseded_by IS NULL;";

/* Sign-in throttling (issue 16; service/signin.c): an account's consecutive failures from
 * addresses that never signed in to it and from those that did, with the last of each and the
 * end of a lock, and the addresses that did sign in. Kept in the database so that every worker
 * and process counts the same failures and a restart forgets none. */
static const char migration_11[] =
    "CREATE TABLE signin_failure ("
    "  account_id INTEGER PRIMARY KEY, failures INTEGER NOT NULL, last_failure INTEGER NOT NULL,"
    "  known_failures INTEGER NOT NULL, known_last INTEGER NOT NULL,"
    "  locked_until INTEGER NOT NULL);"
    "CREATE TABLE signin_address ("
    "  account_id INTEGER NOT NULL, address TEXT NOT NULL, PRIMARY KEY (account_id, address))"
    "  WITHOUT ROWID;"
    "CREATE INDEX session_expires ON session (expires);";

/* Electronic certificates (issue 12; store_cert.h): the row id is the status-list index, so
 * it needs no counter of its own; the holder is kept by ID number, as a verifier's request
 * names them. The holder's list is a range of certificate_person; the status list reads the
 * largest id and the few rows withdrawn (certificate_withdrawn), never the whole table. */
static const char migration_12[] =
    "CREATE TABLE certificate ("
    "  id INTEGER PRIMARY KEY, cert_id TEXT NOT NULL UNIQUE, type INTEGER NOT NULL,"
    "  person TEXT NOT NULL, issuer INTEGER NOT NULL, issued_at INTEGER NOT NULL,"
    "  valid_from INTEGER NOT NULL, valid_until INTEGER NOT NULL DEFAULT 0,"
    "  claims TEXT NOT NULL, token TEXT, kid TEXT NOT NULL DEFAULT '',"
    "  status INTEGER NOT NULL DEFAULT 0, status_reason TEXT NOT NULL DEFAULT '',"
    "  status_at INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX certificate_person ON certificate (person, id);"
    "CREATE INDEX certificate_withdrawn ON certificate (id, status) WHERE status <> 0;";

const store_sqlite_migration store__sqlite_migrations[] = {
    {1, "persons, households, hukou, histories, kinship, events", migration_1},
    {2, "residence registration: declaration date, lateness, end, address", migration_2},
    {3, "applications and residence permits", migration_3},
    {4, "households: address, owner, dates; hukou end reason; deaths", migration_4},
    {5, "accounts, sessions, department keys, access log", migration_5},
    {6, "facts with provenance", migration_6},
    {7, "birth and death registrations; ended residence permits", migration_7},
    {8, "lists and search: filing county, queue, names, addresses, residence by area", migration_8},
    {9, "materials: attachments and their content by SHA-256", migration_9},
    {10, "the worklist of declared facts awaiting verification", migration_10},
    {11, "sign-in failures, locks and the addresses that signed in", migration_11},
    {12, "electronic certificates and their status", migration_12},
};
const int store__sqlite_migration_count =
    (int)(sizeof store__sqlite_migrations / sizeof store__sqlite_migrations[0]);
