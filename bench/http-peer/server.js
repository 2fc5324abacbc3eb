// The peer a user might pick instead of `hukou serve` (issue 5): node:http with better-sqlite3,
// answering GET /api/v1/persons/{id} from the same SQLite database with the same reads (the
// person by ID number, the current hukou with its household, every history table, the relatives'
// ID numbers: one prepared statement each) and a JSON document of the same shape.
// Usage: DB=PATH PORT=N WORKERS=2 node server.js
'use strict';
const cluster = require('node:cluster');
const http = require('node:http');

const workers = Number(process.env.WORKERS || 2);
if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill('SIGTERM'); process.exit(0); });
  return;
}

const Database = require('better-sqlite3');
const db = new Database(process.env.DB, { readonly: true, fileMustExist: true });
db.pragma('cache_size = -262144'); // 256 MiB, as hukou's store sets it
db.pragma('busy_timeout = 5000');

const day = (n) => (n == null ? null : new Date(n * 86400000).toISOString().slice(0, 10));
const month = (m) => (m == null ? null : `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
const code = (c) => (c == null ? null : String(c).padStart(6, '0'));
const period = (r) => ({ division: code(r.division), from: day(r.valid_from), to: day(r.valid_to) });

const q = {
  person: db.prepare('SELECT id, id_number, name, birth_date, sex, marital_status, education FROM person WHERE id_number = ?'),
  hukou: db.prepare('SELECT h.division, h.urban, hh.kind, hh.household_no, hh.head_person = h.person_id AS head' +
                    ' FROM hukou h JOIN household hh ON hh.id = h.household_id' +
                    ' WHERE h.person_id = ? AND h.valid_to IS NULL ORDER BY h.seq DESC LIMIT 1'),
  residence: db.prepare('SELECT * FROM residence WHERE person_id = ? ORDER BY seq'),
  housing: db.prepare('SELECT * FROM housing WHERE person_id = ? ORDER BY seq'),
  employment: db.prepare('SELECT * FROM employment WHERE person_id = ? ORDER BY seq'),
  schooling: db.prepare('SELECT * FROM schooling WHERE person_id = ? ORDER BY seq'),
  insurance: db.prepare('SELECT * FROM insurance WHERE person_id = ? ORDER BY seq'),
  permit: db.prepare('SELECT * FROM permit WHERE person_id = ? ORDER BY seq'),
  talent: db.prepare('SELECT * FROM talent WHERE person_id = ? ORDER BY seq'),
  points: db.prepare('SELECT * FROM points_facts WHERE person_id = ?'),
  kin: db.prepare('SELECT k.relation, p.id_number FROM kinship k JOIN person p ON p.id = k.relative_id' +
                  ' WHERE k.person_id = ? ORDER BY k.seq'),
};

function person(id) {
  const p = q.person.get(id);
  if (!p) return null;
  const h = q.hukou.get(p.id);
  return {
    id_number: p.id_number, name: p.name, marital_status: p.marital_status, education: p.education,
    hukou: h ? { division: code(h.division), household: h.kind, head: !!h.head, urban: h.urban == null ? null : !!h.urban,
                 household_no: h.household_no } : null,
    residence: q.residence.all(p.id).map((r) => ({ ...period(r), urban: r.urban == null ? null : !!r.urban })),
    housing: q.housing.all(p.id).map((r) => ({ ...period(r), urban: r.urban == null ? null : !!r.urban, kind: r.kind, legal: !!r.legal })),
    employment: q.employment.all(p.id).map((r) => ({ ...period(r), collective_household: !!r.collective_household })),
    schooling: q.schooling.all(p.id).map(period),
    social_insurance: q.insurance.all(p.id).map((r) => ({ city: code(r.city), from: month(r.from_month), to: month(r.to_month),
                                                          pension_transferred: !!r.pension_transferred })),
    residence_permits: q.permit.all(p.id).map(period),
    talent: q.talent.all(p.id).map((r) => ({ category: r.category, division: code(r.division) })),
    points_facts: q.points.get(p.id) || null,
    relatives: q.kin.all(p.id),
    birth_date: day(p.birth_date),
    sex: p.sex,
  };
}

const prefix = '/api/v1/persons/';
http.createServer((req, res) => {
  if (req.method !== 'GET' || !req.url.startsWith(prefix)) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"error":{"code":"not_found"}}');
    return;
  }
  const id = decodeURIComponent(req.url.slice(prefix.length));
  const p = /^[0-9]{17}[0-9X]$/.test(id) ? person(id) : null;
  res.writeHead(p ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(p ? JSON.stringify(p) : '{"error":{"code":"not_found"}}');
}).listen(Number(process.env.PORT || 18081), '127.0.0.1', () => {
  if (!cluster.isWorker || cluster.worker.id === 1) console.log(`peer listening on http://127.0.0.1:${process.env.PORT || 18081}`);
});
