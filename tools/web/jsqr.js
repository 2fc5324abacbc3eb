// Build step of the portal (issue 12): the certificate verification page reads QR codes in the
// browser with npm jsqr (pinned in package-lock.json). Its only build is a UMD script; wrapped
// here with a module object of its own it becomes an ES module (assets/vendor/jsqr.mjs) the page
// imports when it first decodes, like every other library, with nothing set on window.
'use strict';
const fs = require('fs');
const path = require('path');

module.exports = function jsqr({ modules, out }) {
  const file = path.join(modules, 'jsqr', 'dist', 'jsQR.js');
  if (!fs.existsSync(file)) {
    console.error(`build_web: ${file} is missing: run npm ci`);
    process.exit(1);
  }
  const umd = fs.readFileSync(file, 'utf8');
  const wrapped =
    '// npm jsqr 1.4.0 (Apache-2.0), wrapped as an ES module by tools/web/jsqr.js.\n' +
    'const module = { exports: {} };\nconst exports = module.exports;\n' +
    umd +
    '\nconst jsQR = module.exports.default || module.exports;\nexport default jsQR;\n';
  fs.writeFileSync(path.join(out, 'assets', 'vendor', 'jsqr.mjs'), wrapped);
};
