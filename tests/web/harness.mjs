// The browser tests' harness (issue 11): a registry of the test's own (hukou init + import +
// accounts) in a temp dir, a real `hukou serve --web` on it, Debian's Chromium driven headless by
// npm playwright-core, sign-in through the page, screenshots of every page at 375×812 and
// 1366×768 in Chinese and English, and axe-core (npm) failing on serious or critical violations.
// Everything started here is stopped at the end of the file's tests, failed or not.
//
// Environment (ctest sets it, tests/CMakeLists.txt): HK_BIN (the hukou binary), HK_WEB (the
// built portal, build/web), HK_SOURCE_DIR, HK_SHOTS (where screenshots go, build/screenshots),
// HK_CHROMIUM (default /usr/bin/chromium).
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE = process.env.HK_SOURCE_DIR || path.resolve(here, '..', '..');
export const BIN = process.env.HK_BIN || path.join(SOURCE, 'build', 'hukou');
export const WEB = process.env.HK_WEB || path.join(path.dirname(BIN), 'web');
export const SHOTS = process.env.HK_SHOTS || path.join(path.dirname(BIN), 'screenshots');
const CHROMIUM = process.env.HK_CHROMIUM || '/usr/bin/chromium';

const require = createRequire(path.join(SOURCE, 'package.json'));
const { chromium } = require('playwright-core');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const SIZES = [
  { name: 'phone', width: 375, height: 812 },
  { name: 'desktop', width: 1366, height: 768 },
];
export const LANGS = ['zh-CN', 'en'];

// What to stop at the end, latest first; also on an abrupt exit of the test process.
const cleanups = [];
let cleaned = false;
async function cleanupAll() {
  if (cleaned) return;
  cleaned = true;
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (_) {
      /* keep stopping the rest */
    }
  }
}
after(cleanupAll);
process.on('exit', () => {
  for (const fn of cleanups) {
    try {
      if (fn.sync) fn.sync();
    } catch (_) {
      /* exiting anyway */
    }
  }
});

// Runs the hukou binary; returns its stdout (throws with its stderr on a non-zero exit).
export function hukou(args, input) {
  try {
    return execFileSync(BIN, args, { input: input ?? '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`hukou ${args.join(' ')} exited ${e.status}: ${e.stderr}`);
  }
}

// A registry of the test's own: init, import of a JSON-lines fixture (a path or an array of
// person objects), then accounts [{name, password, role, jurisdiction?, id_number?}].
export function makeRegistry({ fixture, people, accounts = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-web-'));
  const rm = () => fs.rmSync(dir, { recursive: true, force: true });
  rm.sync = rm;
  cleanups.push(rm);
  const db = path.join(dir, 'r.db');
  hukou(['init', '--db', db]);
  let file = fixture;
  if (people) {
    file = path.join(dir, 'people.jsonl');
    fs.writeFileSync(file, people.map((p) => JSON.stringify(p)).join('\n') + '\n');
  }
  if (file) hukou(['import', '--db', db, file]);
  for (const a of accounts) addAccount(db, a);
  return { dir, db };
}

export function addAccount(db, { name, password, role = 'resident', jurisdiction, id_number }) {
  const args = ['user', 'add', name, '--role', role, '--password-stdin', '--db', db];
  if (jurisdiction) args.push('--jurisdiction', jurisdiction);
  if (id_number) args.push('--id-number', id_number);
  hukou(args, password + '\n');
}

// `hukou serve --web` on the registry, on a free port; resolves to {url, stop(), log()}.
// today: the services' date (--today), so dates in the tests do not move with the calendar.
export async function startServer({ db, today, extra = [] }) {
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', WEB, '--rate', '0', ...extra];
  if (today) args.push('--today', today);
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20000);
    await done;
    clearTimeout(timer);
  };
  stop.sync = () => proc.exitCode === null && proc.kill('SIGKILL');
  cleanups.push(stop);
  const url = await new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`hukou serve printed no address in 30 s: ${err}`)), 30000);
    const look = () => {
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) {
        clearTimeout(deadline);
        resolve(m[0]);
      }
    };
    proc.stdout.on('data', look);
    proc.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`hukou serve exited ${code}: ${err}`));
    });
    look();
  });
  return { url, stop, log: () => err };
}

// Headless Chromium (Debian's), with the launch options that work in this environment
// (../shared/research/phase2.md 1.2), and a test's own (a fake camera: test_certificates.mjs).
export async function launchBrowser({ extraArgs = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
  const close = () => browser.close();
  cleanups.push(close);
  return browser;
}

// A fresh page (own cookies and storage) in Chinese at phone size; console errors and failed
// page scripts are collected in page.problems so that a test can assert there are none.
export async function newPage(browser, { lang = 'zh-CN', size = SIZES[0] } = {}) {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, locale: lang });
  await context.addInitScript((l) => {
    try {
      if (!localStorage.getItem('hukou.lang')) localStorage.setItem('hukou.lang', l);
    } catch (_) {
      /* no storage: the default language */
    }
  }, lang);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A 4xx answer is logged by Chromium as "Failed to load resource"; the pages expect those
    // (401 before signing in, 409 for an ineligible application), so only other errors count.
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  return page;
}

// Opens a route of the portal (#/check) and waits for its heading.
// The same address again is loaded afresh (a change of hash alone would keep the old page).
export async function open(page, url, route = '/') {
  const target = `${url}/#${route}`;
  if (page.url() === target) await page.reload();
  else await page.goto(target);
  await page.locator('main h1').first().waitFor();
}

// Signs in through the page; resolves once the role's start page shows its heading.
export async function signIn(page, url, name, password) {
  await open(page, url, '/signin');
  await page.locator('input[autocomplete="username"]').fill(name);
  await page.locator('input[type="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForFunction(() => !location.hash.startsWith('#/signin'));
  await page.locator('main h1').first().waitFor();
}

async function currentLang(page) {
  return page.evaluate(() => document.documentElement.lang);
}

// Switches the language with the header's button (the page keeps its state: a result stays).
export async function setLanguage(page, lang) {
  if ((await currentLang(page)) === lang) return;
  await page.locator('header button.lang').click();
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  await page.waitForTimeout(50);
}

function fileName(name, lang, size) {
  return path.join(SHOTS, `${name}.${lang === 'en' ? 'en' : 'zh'}.${size.name}.png`);
}

// axe-core on the page as it is: fails on any serious or critical violation, naming each.
export async function axe(page, label = '') {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(AXE_SOURCE + '\n;true');
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  assert.deepEqual(result, [], `axe ${label}: serious or critical violations`);
}

// At phone width nothing scrolls sideways, neither the page nor a table's wrapper (the tables
// are shown a row per card there, table.stack in app.css); fails naming what is too wide.
export async function assertFits(page, label = '') {
  const wide = await page.evaluate(() => {
    const out = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) out.push(`the page: ${root.scrollWidth} px in ${root.clientWidth}`);
    for (const w of document.querySelectorAll('.table-wrap')) {
      const name = (w.querySelector('caption') || w).textContent.trim().slice(0, 40);
      if (w.scrollWidth > w.clientWidth + 1) out.push(`table "${name}": ${w.scrollWidth} px in ${w.clientWidth}`);
    }
    return out;
  });
  assert.deepEqual(wide, [], `${label}: wider than the phone`);
}

// The page's first table.stack is still a table to assistive technology at phone size, where its
// rows are drawn as cards: the accessibility tree has the table, its column headers and cells.
export async function assertTableSemantics(page) {
  const start = page.viewportSize();
  await page.setViewportSize({ width: SIZES[0].width, height: SIZES[0].height });
  const tree = await page.locator('table.stack').first().ariaSnapshot();
  await page.setViewportSize(start);
  assert.match(tree, /^- table/m, tree);
  assert.match(tree, /- columnheader/, tree);
  assert.match(tree, /- cell/, tree);
}

// The review of one page as it stands: at both sizes and in both languages, a full-page
// screenshot (build/screenshots/NAME.zh.phone.png …), at phone size assertFits(), and unless
// axe is false, axe-core.
// Leaves the page in the language and size it found it in.
export async function review(page, name, { a11y = true } = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const startLang = await currentLang(page);
  const startSize = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const lang of LANGS) {
      await setLanguage(page, lang);
      await page.screenshot({ path: fileName(name, lang, size), fullPage: true });
      if (size.name === 'phone') await assertFits(page, `${name} ${lang}`);
      if (a11y) await axe(page, `${name} ${lang} ${size.name}`);
    }
  }
  await setLanguage(page, startLang);
  await page.setViewportSize(startSize);
}

// The two names the brief gives: shot() (screenshots only) and checkA11y() (axe only), each at
// both sizes and in both languages.
export async function shot(page, name) {
  await review(page, name, { a11y: false });
}

export async function checkA11y(page) {
  const startLang = await currentLang(page);
  const startSize = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const lang of LANGS) {
      await setLanguage(page, lang);
      await axe(page, `${lang} ${size.name}`);
    }
  }
  await setLanguage(page, startLang);
  await page.setViewportSize(startSize);
}

// A JSON request to the server outside the browser (the officer's side of a test): signs in
// with a bearer token once per client.
export async function apiClient(url, name, password) {
  let token = null;
  if (name) {
    const r = await fetch(`${url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
    assert.equal(r.status, 201, `sign-in of ${name}: ${r.status}`);
    token = (await r.json()).token;
  }
  return async function call(method, p, body) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(url + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (_) {
      data = text;
    }
    return { status: r.status, data };
  };
}

// Fails when the page logged errors or threw (a broken page must not pass because it rendered).
export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the page logged errors');
}

// Keyboard only: presses Tab until the focused element matches selector (at most max presses);
// fails if it never does, so a control a keyboard cannot reach fails the test.
export async function tabTo(page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  assert.fail(`${selector} is not reached by Tab`);
}
