// Build step of the portal (issue 11, "Fast"): the shell loads its pages as ES modules, and a
// module's imports are found only once it has arrived, so a cold load would fetch the ~25
// modules in as many round trips. This step lists every module under assets/js/ in index.html
// as <link rel="modulepreload">, so the browser asks for all of them at once. ECharts is not
// listed: only the dashboard imports it, when it opens (docs/web.md).
'use strict';
const fs = require('fs');
const path = require('path');

function modules(dir, base) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...modules(p, base));
    else if (e.name.endsWith('.js')) out.push('/' + path.relative(base, p).split(path.sep).join('/'));
  }
  return out;
}

module.exports = function preload({ out }) {
  const index = path.join(out, 'index.html');
  const html = fs.readFileSync(index, 'utf8');
  const tag = '<script type="module" src="/assets/js/app.js"></script>';
  if (!html.includes(tag)) {
    console.error('build_web: preload: index.html does not load /assets/js/app.js as expected');
    process.exit(1);
  }
  const list = ['/assets/vendor/preact-htm.mjs', ...modules(path.join(out, 'assets', 'js'), out).sort()];
  const links = list.map((href) => `<link rel="modulepreload" href="${href}">`).join('\n');
  fs.writeFileSync(index, html.replace(tag, links + '\n' + tag));
};
