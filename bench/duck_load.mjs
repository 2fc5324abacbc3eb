// DuckDB peer of bench/gen_load.sh: load the CSVs of jsonl_to_csv.py into a file database with
// DuckDB's CSV reader and build the unique index on ID numbers, timed from here.
// Usage: node duck_load.mjs CSV_DIR DB_FILE SCHEMA_SQL
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [dir, dbFile, schema] = process.argv.slice(2);
const tables = ['person', 'residence', 'housing', 'employment', 'schooling', 'insurance', 'permit',
  'talent', 'kinship'];
const t0 = performance.now();
const db = await DuckDBInstance.create(dbFile, { threads: '2' });
const con = await db.connect();
await con.run(readFileSync(schema, 'utf8'));
for (const t of tables) {
  const cols = await con.runAndReadAll(`SELECT column_name, data_type FROM duckdb_columns()
    WHERE table_name = '${t}' ORDER BY column_index`);
  const spec = cols.getRows().map(([n, ty]) => `'${n}': '${ty}'`).join(', ');
  await con.run(`INSERT INTO ${t} SELECT * FROM read_csv('${dir}/${t}.csv', header = false,
    auto_detect = false, columns = {${spec}}, nullstr = '')`);
}
await con.run('CREATE UNIQUE INDEX person_id_number ON person (id_number)');
await con.run('CHECKPOINT');
const r = await con.runAndReadAll('SELECT count(*) FROM person');
console.log(JSON.stringify({ persons: Number(r.getRows()[0][0]), seconds: (performance.now() - t0) / 1000 }));
