// Build step of the portal (issue 11, "Fast"): the shell loads its pages as ES modules, and a
// module's imports are found only once it has arrived, so a cold load would fetch them in as
// many round trips as the import graph is deep. This step lists in index.html, as
// <link rel="modulepreload">, every module app.js reaches by static imports, so the browser
// asks for all of them at once. What is reached only through import() (ECharts, the staff
// pages: pages/staff/lazy.js) is left out: it is fetched when its page opens (docs/web.md).
'use strict';
const fs = require('fs');
const path = require('path');

// Static imports and re-exports of a module: import x from '…', import '…', export … from '…'
// (not import('…'), which has no space before its parenthesis).
const STATIC = /(?:^|[;\s])(?:import|export)\s+(?:[^'"();]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function closure(out, entry) {
  const seen = new Set();
  const todo = [entry];
  while (todo.length) {
    const url = todo.pop();
    if (seen.has(url)) continue;
    const file = path.join(out, url);
    if (!fs.existsSync(file)) continue;
    seen.add(url);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(STATIC)) {
      if (!m[1].startsWith('.')) continue;
      todo.push(path.posix.normalize(path.posix.join(path.posix.dirname(url), m[1])));
    }
  }
  return [...seen];
}

module.exports = function preload({ out }) {
  const index = path.join(out, 'index.html');
  const html = fs.readFileSync(index, 'utf8');
  const tag = '<script type="module" src="/assets/js/app.js"></script>';
  if (!html.includes(tag)) {
    console.error('build_web: preload: index.html does not load /assets/js/app.js as expected');
    process.exit(1);
  }
  const list = closure(out, '/assets/js/app.js')
    .filter((u) => u !== '/assets/js/app.js')
    .sort();
  const links = list.map((href) => `<link rel="modulepreload" href="${href}">`).join('\n');
  fs.writeFileSync(index, html.replace(tag, links + '\n' + tag));
};
