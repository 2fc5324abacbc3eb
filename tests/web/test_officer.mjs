// The officer's workbench in a real browser (issue 11, tests 3 and 6): a resident's settlement
// application (made through the API) is accepted, approved and completed by an officer of
// 南湖区 through the pages, and the resident then finds their hukou in 南湖区 on /me; an officer of
// 杭州市 can neither open that application nor find its applicant. Every page of the workbench
// is screenshot and checked with axe-core in zh and en at both sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, assertNoProblems, assertTableSemantics, apiClient, SOURCE } from './harness.mjs';

const PW = 'officer password 1';
const ZHANG = '341222199001010112';
const { db } = makeRegistry({
  fixture: path.join(SOURCE, 'demo/population.jsonl'),
  accounts: [
    { name: 'off.nanhu', password: PW, role: 'officer', jurisdiction: '330402' },
    { name: 'off.hz', password: PW, role: 'officer', jurisdiction: '330100' },
    { name: 'zhang.wei', password: PW, role: 'resident', id_number: ZHANG },
  ],
});
const server = await startServer({ db, today: '2025-06-02' });
const browser = await launchBrowser();
const resident = await apiClient(server.url, 'zhang.wei', PW);
const made = await resident('POST', '/api/v1/applications', { id_number: ZHANG, kind: 'settlement', pathway: 'best', target: '330402' });
assert.equal(made.status, 201, JSON.stringify(made.data));
const appId = made.data.id;

// A file attached by the resident, where the server takes materials (branch `materials`); a
// server without the route answers 404 and the page shows no material section.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const hasMaterials = (await resident('GET', `/api/v1/applications/${appId}/materials`)).status !== 404;
if (hasMaterials) {
  const login = await (await fetch(`${server.url}/api/v1/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'zhang.wei', password: PW }) })).json();
  const up = await fetch(`${server.url}/api/v1/applications/${appId}/materials`, { method: 'POST', headers: { Authorization: `Bearer ${login.token}`, 'Content-Type': 'image/png', 'X-Filename': encodeURIComponent('租赁合同.png') }, body: PNG });
  assert.ok(up.status === 201 || up.status === 200, `upload: ${up.status}`);
}

// One step through the page: choose it, confirm, and wait for the state it leads to (the
// previous step's success message is still on the page, so it cannot be what is waited for).
async function act(page, action, state, label) {
  await page.locator(`input[type="radio"][value="${action}"]`).check();
  if (action === 'complete') {
    // Renting with no home of his own, he joins the community's collective household, which the
    // registry has yet to set up there: the officer names the community and its address.
    await page.getByLabel('社区名称').fill('东栅社区');
    await page.getByLabel('新立户地址').fill('嘉兴市南湖区东栅街道东栅社区服务中心');
  }
  if (label) await review(page, label);
  await page.locator('form button[type="submit"]').last().click();
  await page.locator('.card .badge', { hasText: state }).first().waitFor();
  await page.locator('.alert-success').waitFor();
}

test('an officer accepts, approves and completes a settlement; the resident is then registered in 南湖区', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'off.nanhu', PW);
  assert.match(page.url(), /#\/officer$/);
  await page.locator('table tbody tr a').first().waitFor();
  const row = page.locator('table tbody tr', { hasText: '341222********0112' });
  assert.equal(await row.count(), 1, 'the queue lists the application with the masked number');
  assert.doesNotMatch(await page.content(), new RegExp(ZHANG), 'no full ID number on the queue');
  await review(page, 'officer-queue');
  await assertTableSemantics(page);

  await row.locator('a').click();
  await page.locator('h2', { hasText: '资格审查结果' }).waitFor();
  assert.doesNotMatch(page.url(), /341222199001010112/);
  if (hasMaterials) {
    await page.locator('.materials a', { hasText: '租赁合同.png' }).waitFor();
  } else {
    await page.waitForTimeout(300);
    assert.equal(await page.locator('.materials').count(), 0, 'no material section without the route');
  }
  await review(page, 'officer-application');
  await act(page, 'accept', '已受理');
  assert.match(await page.locator('.card .badge').first().innerText(), /已受理/);
  await act(page, 'approve', '已批准');
  assert.match(await page.locator('.card .badge').first().innerText(), /已批准/);
  // The engine's answer at the decision now stands beside the one at submission.
  assert.doesNotMatch(await page.locator('table.compare').innerText(), /尚未审批/);
  await act(page, 'complete', '已办结', 'officer-complete');
  assert.match(await page.locator('.card .badge').first().innerText(), /已办结/);
  await review(page, 'officer-completed');
  assertNoProblems(page);

  const me = await resident('GET', '/api/v1/persons/me');
  assert.equal(me.status, 200);
  assert.equal(me.data.hukou.division, '330402', 'the hukou moved to 南湖区');
  // And the resident sees it on their own page.
  const rp = await newPage(browser);
  await signIn(rp, server.url, 'zhang.wei', PW);
  assert.match(rp.url(), /#\/me$/);
  const card = rp.locator('section[aria-labelledby="me-hukou"]');
  await card.waitFor();
  assert.match(await card.innerText(), /南湖区（330402）/);
  assertNoProblems(rp);
});

test('the queue filters by state and finds an applicant by ID number without putting it in the address', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'off.nanhu', PW);
  await page.locator('select').nth(0).selectOption('completed');
  await page.locator('table tbody tr a').first().waitFor();
  assert.match(page.url(), /state=completed/);
  await page.locator('input[maxlength="40"]').fill(ZHANG);
  await page.locator('form[role="search"] button[type="submit"]').click();
  await page.locator('.search-result').waitFor();
  assert.match(await page.locator('.search-result').innerText(), /张伟/);
  assert.doesNotMatch(page.url(), /341222199001010112/);
  await review(page, 'officer-search');
  assertNoProblems(page);
});

test('keyboard alone: from the queue\'s heading to an application, whose heading gets the focus', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'off.nanhu', PW);
  await page.locator('table tbody tr a').first().waitFor();
  // The page's heading has the focus (given once the page has rendered: wait a moment for it).
  await page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H1', null, { timeout: 5000 });
  let onLink = false;
  for (let i = 0; i < 40 && !onLink; i++) {
    await page.keyboard.press('Tab');
    onLink = await page.evaluate(() => !!document.activeElement.closest('table tbody') && document.activeElement.tagName === 'A');
  }
  assert.ok(onLink, 'Tab reaches the first application');
  await page.keyboard.press('Enter');
  await page.locator('h2', { hasText: '资格审查结果' }).waitFor();
  await page.waitForFunction(() => /^H1 第 \d+ 号申请/.test(document.activeElement.tagName + ' ' + document.activeElement.textContent), null, { timeout: 5000 });
  assertNoProblems(page);
});

test('an officer of 杭州市 cannot open the application nor find its applicant', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'off.hz', PW);
  await page.locator('table caption').waitFor();
  assert.equal(await page.locator('table tbody tr', { hasText: '341222********0112' }).count(), 0);
  await open(page, server.url, `/officer/applications/${appId}`);
  await page.locator('.alert-error').waitFor();
  assert.equal(await page.locator('h2', { hasText: '资格审查结果' }).count(), 0);
  await open(page, server.url, '/officer');
  await page.locator('input[maxlength="40"]').fill(ZHANG);
  await page.locator('form[role="search"] button[type="submit"]').click();
  await page.locator('.search-result').waitFor();
  assert.match(await page.locator('.search-result').innerText(), /没有找到/);
});

test('a resident cannot reach the workbench', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'zhang.wei', PW);
  await open(page, server.url, '/officer');
  assert.match(await page.locator('main h1').innerText(), /无权访问/);
});

test('households, residence registrations, births and deaths: the pages and their forms', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'off.nanhu', PW);
  await open(page, server.url, '/residence-registrations');
  await page.locator('table caption').waitFor();
  await review(page, 'officer-residence');
  // A field the API names gets its error beside it: a declaration with no county code.
  await page.locator('input[maxlength="18"]').first().fill('341222199203150228');
  await page.locator('form button[type="submit"]').first().click();
  await page.locator('.field-error').first().waitFor();
  await review(page, 'officer-residence-error');

  await open(page, server.url, '/households');
  await page.locator('input').first().fill('330402');
  await page.locator('form[role="search"] button[type="submit"]').click();
  await page.locator('table caption').waitFor();
  await review(page, 'officer-households');
  const link = page.locator('table tbody tr a').first();
  await link.click();
  await page.locator('table caption').waitFor();
  await review(page, 'officer-household');

  await open(page, server.url, '/births-deaths');
  await review(page, 'officer-births-deaths');
  assertNoProblems(page);
});
