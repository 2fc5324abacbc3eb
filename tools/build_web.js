#!/usr/bin/env node
// Assembles the portal that `hukou serve` serves: the project's own web/ tree copied as it is,
// plus the browser libraries from npm (pinned in package-lock.json) under assets/vendor/.
// Usage: node tools/build_web.js NODE_MODULES SOURCE_WEB OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, source, out] = process.argv.slice(2);
if (!modules || !source || !out) {
  console.error('usage: build_web.js NODE_MODULES SOURCE_WEB OUT_DIR');
  process.exit(2);
}

// What the pages import from npm: file inside node_modules -> name under assets/vendor/.
// htm's standalone build is Preact, its hooks and htm in one 13 KB module (docs/web.md).
const vendor = [
  ['htm/preact/standalone.mjs', 'preact-htm.mjs'],
  ['echarts/dist/echarts.esm.min.mjs', 'echarts.mjs'],
];

function copyTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, entry.name);
    const b = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(a, b);
    else if (entry.isFile()) fs.copyFileSync(a, b);
  }
}

fs.rmSync(out, { recursive: true, force: true });
copyTree(source, out);
const vendorDir = path.join(out, 'assets', 'vendor');
fs.mkdirSync(vendorDir, { recursive: true });
for (const [from, name] of vendor) {
  const file = path.join(modules, from);
  if (!fs.existsSync(file)) {
    console.error(`build_web: ${file} is missing: run npm ci`);
    process.exit(1);
  }
  fs.copyFileSync(file, path.join(vendorDir, name));
}
// Optional build steps of other parts of the portal (the map) hook in here as scripts of their
// own under tools/web/, each called with the same arguments.
const hooks = path.join(__dirname, 'web');
if (fs.existsSync(hooks)) {
  for (const f of fs.readdirSync(hooks).filter((n) => n.endsWith('.js')).sort()) {
    require(path.join(hooks, f))({ modules, source, out });
  }
}
fs.writeFileSync(path.join(out, '.stamp'), '');
