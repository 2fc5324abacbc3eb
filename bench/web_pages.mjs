#!/usr/bin/env node
// The portal's speed in a real browser (issue 11, "Fast"): each page's time to usable from a
// cold cache on loopback, and the compressed bytes of script and style each page loads.
// A page is usable when its heading is shown, nothing says "loading" and (the dashboard) the
// map is drawn. Every page is opened in a fresh browser context (an empty HTTP cache), after
// signing that context in through the API (a cookie session, as the sign-in page makes).
//
// Usage: node bench/web_pages.mjs [--db REGISTRY] [--bin HUKOU] [--web DIR] [--runs N]
//   default: build-release/demo.db made by `scripts/demo.sh --no-serve`, its accounts
//   (password "demo password"), build-release/hukou and build-release/web, 5 runs a page.
// Prints one line per page (median and worst of the runs, bytes) and fails when a page takes
// a second or more, or a resident's page loads more than 150 KB of compressed script and style
// (the dashboard's ECharts is loaded only by the dashboard and is counted apart).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const { chromium } = require('playwright-core');

const opt = { db: 'build-release/demo.db', bin: 'build-release/hukou', web: '', runs: 5 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in opt)) {
    console.error(`web_pages: unknown option ${process.argv[i]}`);
    process.exit(2);
  }
  opt[k] = k === 'runs' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}
const bin = path.resolve(root, opt.bin);
const web = path.resolve(root, opt.web || path.join(path.dirname(opt.bin), 'web'));
const PW = 'demo password';

// Who opens what: the start and sign-in pages anonymously, then every page of each role's
// navigation (read from the page itself), plus an application and a household for the officer.
const ROLES = [
  { who: null, resident: true, routes: ['/', '/signin', '/check'] },
  { who: 'zhang.wei', resident: true, nav: true },
  { who: 'officer.nanhu', nav: true, routes: ['/officer/applications/2'] },
  { who: 'analyst.zj', nav: true },
  { who: 'admin', nav: true },
];

function serve() {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['serve', '--db', path.resolve(root, opt.db), '--listen', '127.0.0.1:0', '--web', web, '--rate', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) resolve({ url: m[0], proc: p });
    });
    p.stderr.on('data', (d) => (err += d));
    p.once('exit', (c) => reject(new Error(`hukou serve exited ${c}: ${err}`)));
  });
}

async function context(browser, url, who) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  if (who) {
    const r = await ctx.request.post(url + '/api/v1/sessions', { data: { name: who, password: PW, cookie: true } });
    if (r.status() !== 201) throw new Error(`sign-in of ${who}: ${r.status()}`);
  }
  return ctx;
}

// One cold load: {ms, bytes: {script, style, echarts}}.
async function measure(browser, url, who, route) {
  const ctx = await context(browser, url, who);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  const types = new Map();
  const bytes = { script: 0, style: 0, echarts: 0 };
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, { type: e.type, url: e.response.url }));
  cdp.on('Network.loadingFinished', (e) => {
    const r = types.get(e.requestId);
    if (!r) return;
    if (r.url.includes('/vendor/echarts')) bytes.echarts += e.encodedDataLength;
    else if (r.type === 'Script') bytes.script += e.encodedDataLength;
    else if (r.type === 'Stylesheet') bytes.style += e.encodedDataLength;
  });
  await page.goto(`${url}/#${route}`);
  await page.waitForFunction(
    () => {
      const h1 = document.querySelector('main h1');
      if (!h1 || document.querySelector('.loading')) return false;
      if (location.hash.startsWith('#/dashboard')) return !!document.querySelector('.map canvas') || !!document.querySelector('.alert');
      return true;
    },
    null,
    { polling: 'raf', timeout: 30000 },
  );
  const ms = await page.evaluate(() => performance.now());
  // Where the time went: the document's arrival, and every module run (DOMContentLoaded waits
  // for the module scripts); the rest is the API's answers and drawing.
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { doc: n.responseEnd, modules: n.domContentLoadedEventEnd };
  });
  const title = await page.locator('main h1').first().innerText();
  await page.waitForTimeout(100); // late responses of the same load are counted too
  await ctx.close();
  return { ms, bytes, title, nav };
}

async function navRoutes(browser, url, who) {
  const ctx = await context(browser, url, who);
  const page = await ctx.newPage();
  await page.goto(url + '/#/');
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('.loading'));
  const routes = await page.$$eval('header nav a', (as) => as.map((a) => a.getAttribute('href').replace(/^#/, '')));
  await ctx.close();
  return routes;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => (n / 1024).toFixed(1);

const { url, proc } = await serve();
const browser = await chromium.launch({
  executablePath: process.env.HK_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
let failed = false;
try {
  console.log(`# ${opt.runs} cold loads a page, 1366x768, ${url}`);
  console.log('who\troute\tmedian ms\tworst ms\tdocument ms\tmodules ms\tscript KB\tstyle KB\techarts KB\theading');
  const seen = new Set();
  for (const r of ROLES) {
    const routes = [...(r.routes || []), ...(r.nav ? await navRoutes(browser, url, r.who) : [])];
    for (const route of routes) {
      const key = `${r.who}|${route}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const runs = [];
      for (let i = 0; i < opt.runs; i++) runs.push(await measure(browser, url, r.who, route));
      const ms = runs.map((x) => x.ms);
      const b = runs[runs.length - 1].bytes;
      console.log(`${r.who || 'anonymous'}\t${route}\t${median(ms).toFixed(0)}\t${Math.max(...ms).toFixed(0)}\t${median(runs.map((x) => x.nav.doc)).toFixed(0)}\t${median(runs.map((x) => x.nav.modules)).toFixed(0)}\t${kb(b.script)}\t${kb(b.style)}\t${kb(b.echarts)}\t${runs[0].title}`);
      if (median(ms) >= 1000) {
        console.error(`web_pages: ${route} for ${r.who || 'anonymous'} takes ${median(ms).toFixed(0)} ms (a second or more)`);
        failed = true;
      }
      if (r.resident && b.script + b.style > 150 * 1024) {
        console.error(`web_pages: ${route} loads ${kb(b.script + b.style)} KB of script and style (over 150 KB)`);
        failed = true;
      }
    }
  }
} finally {
  await browser.close();
  proc.kill('SIGTERM');
}
process.exit(failed ? 1 : 0);
