-- The tables the peers of bench/gen_load.sh load the CSVs into: the same persons and histories
-- hukou stores, typed as each engine would type them. Plain SQL that SQLite, PostgreSQL and
-- DuckDB all accept. Dates stay ISO text in SQLite (it has no date type); PostgreSQL and DuckDB
-- parse them into DATE.
CREATE TABLE person (id_number VARCHAR(18) NOT NULL, name VARCHAR(127), birth_date DATE NOT NULL,
  sex CHAR(1) NOT NULL, marital_status VARCHAR(12), education VARCHAR(12),
  hukou_division INTEGER, household_no VARCHAR(31), household_kind VARCHAR(12), head INTEGER,
  hukou_urban INTEGER);
CREATE TABLE residence (id_number VARCHAR(18) NOT NULL, seq INTEGER NOT NULL, division INTEGER,
  urban INTEGER, valid_from DATE, valid_to DATE);
CREATE TABLE housing (id_number VARCHAR(18) NOT NULL, seq INTEGER NOT NULL, division INTEGER,
  urban INTEGER, kind VARCHAR(12), valid_from DATE, valid_to DATE);
CREATE TABLE employment (id_number VARCHAR(18) NOT NULL, seq INTEGER NOT NULL, division INTEGER,
  collective_household INTEGER, valid_from DATE, valid_to DATE);
CREATE TABLE schooling (id_number VARCHAR(18) NOT NULL, seq INTEGER NOT NULL, division INTEGER,
  valid_from DATE, valid_to DATE);
CREATE TABLE insurance (id_number VARCHAR(18) NOT NULL, seq INTEGER NOT NULL, city INTEGER,
  from_month VARCHAR(7), to_month VARCHAR(7), pension_transferred INTEGER);
CREATE TABLE permit (id_number VARCHAR(18) NOT NULL, seq INTEGER NOT NULL, division INTEGER,
  valid_from DATE, valid_to DATE);
CREATE TABLE talent (id_number VARCHAR(18) NOT NULL, seq INTEGER NOT NULL, category VARCHAR(20),
  division INTEGER, recognised DATE);
CREATE TABLE kinship (id_number VARCHAR(18) NOT NULL, seq INTEGER NOT NULL, relation VARCHAR(12),
  relative_id_number VARCHAR(18));
