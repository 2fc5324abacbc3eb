// The dashboard in a real browser (issue 11, test 4): the analyst's table shows exactly the
// figures of GET /api/v1/statistics for the province and for a city, the map is drawn (ECharts
// loaded on this page only), the CSV holds the same figures; an officer sees their jurisdiction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, assertNoProblems, apiClient, SOURCE } from './harness.mjs';

const PW = 'analyst password 1';
const { db } = makeRegistry({
  fixture: path.join(SOURCE, 'demo/population.jsonl'),
  accounts: [
    { name: 'an', password: PW, role: 'analyst' },
    { name: 'off.nanhu', password: PW, role: 'officer', jurisdiction: '330402' },
  ],
});
const server = await startServer({ db, today: '2025-06-02' });
const browser = await launchBrowser();
const analyst = await apiClient(server.url, 'an', PW);

const COLS = ['registered', 'resident', 'floating', 'floating_interprovince'];
// The table as numbers: {code: [registered, resident, floating, interprovince]}.
async function tableFigures(page) {
  return page.evaluate(() => {
    const out = {};
    for (const tr of document.querySelectorAll('table.stats tr[data-code]')) {
      out[tr.dataset.code] = [...tr.querySelectorAll('td')].map((td) => Number(td.textContent.replace(/[^0-9]/g, '')));
    }
    return out;
  });
}
function routeFigures(s) {
  const out = {};
  for (const p of s.parts) out[p.code] = COLS.map((c) => p[c]);
  out[s.area.code] = COLS.map((c) => s.totals[c]);
  return out;
}
async function waitForMap(page) {
  await page.waitForFunction(() => document.querySelector('.map canvas'));
}

test('the analyst sees the province and a city with the figures of the statistics route', async () => {
  const page = await newPage(browser);
  const scripts = [];
  page.on('request', (r) => r.url().includes('/assets/vendor/echarts') && scripts.push(r.url()));
  await signIn(page, server.url, 'an', PW);
  assert.match(page.url(), /#\/dashboard$/);
  await page.locator('table.stats').waitFor();
  await waitForMap(page);
  const province = await analyst('GET', '/api/v1/statistics');
  assert.equal(province.status, 200);
  assert.ok(province.data.parts.length >= 5);
  assert.deepEqual(await tableFigures(page), routeFigures(province.data));
  assert.equal(scripts.length, 1, 'ECharts loaded once, on the dashboard');
  await review(page, 'dashboard-province');

  // The CSV is made in the page from the same figures.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button', { hasText: /CSV/ }).click()]);
  const csv = (await (await download.createReadStream()).toArray()).join('');
  const lines = csv.replace(/^\ufeff/, '').trim().split('\r\n');
  assert.equal(lines.length, province.data.parts.length + 2);
  const hz = province.data.parts.find((p) => p.code === '330100');
  assert.ok(lines.some((l) => l.startsWith(`330100,${hz.name},${hz.registered},${hz.resident},${hz.floating},`)), csv);

  await page.locator('select').first().selectOption('330400');
  await page.locator('h2', { hasText: '嘉兴市' }).waitFor();
  await waitForMap(page);
  const city = await analyst('GET', '/api/v1/statistics?area=330400');
  assert.deepEqual(await tableFigures(page), routeFigures(city.data));
  assert.match(page.url(), /area=330400/);
  await review(page, 'dashboard-city');
  assertNoProblems(page);
});

test('an officer sees their own jurisdiction the same way', async () => {
  const officer = await apiClient(server.url, 'off.nanhu', PW);
  const mine = await officer('GET', '/api/v1/statistics');
  assert.equal(mine.status, 200);
  const page = await newPage(browser);
  await signIn(page, server.url, 'off.nanhu', PW);
  await open(page, server.url, '/dashboard');
  await page.locator('table.stats').waitFor();
  await waitForMap(page);
  assert.deepEqual(await tableFigures(page), routeFigures(mine.data));
  await review(page, 'dashboard-officer');
  assertNoProblems(page);
});
