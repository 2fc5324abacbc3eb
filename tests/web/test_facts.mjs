// Browser test of declarations (issues 10 and 11): a resident renting in 秀洲区 without a
// registered lease declares one with the contract attached (a PDF), sees it awaiting the
// officer and, on "my registration", the pending sentence of the eligibility answer; the
// officer verifies it; the resident's answer changes, and agrees with
// `hukou eval --db … --person`. The officer finds it on the worklist of declarations awaiting
// verification (#/declarations-waiting), opens it by its entry number, verifies it there and it
// leaves the list. Every page screenshotted and checked with axe in both languages
// at both sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, apiClient, assertNoProblems, hukou } from './harness.mjs';

const ME = '341222199202020229';
const RES_PW = 'resident password 1';
const OFF_PW = 'officer password 1';
const TODAY = '2024-06-01';
const { db } = makeRegistry({
  people: [
    {
      id_number: ME,
      name: '李四',
      hukou: { division: '341222', household: 'family', head: true },
      residence: [{ division: '330411', urban: true, from: '2021-03-01' }],
      housing: [{ division: '330411', urban: true, kind: 'rented', legal: false, from: '2021-03-01' }],
    },
  ],
  accounts: [
    { name: 'li', password: RES_PW, role: 'resident', id_number: ME },
    { name: 'xiu', password: OFF_PW, role: 'officer', jurisdiction: '330411' },
  ],
});
const server = await startServer({ db, today: TODAY });
const browser = await launchBrowser();
const page = await newPage(browser);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

// The engine's answer from the command line, on the same registry and day.
function cliEval() {
  return JSON.parse(hukou(['eval', '--db', db, '--person', ME, '--target', '330411', '--as-of', TODAY]));
}

test('the resident declares a registered lease with the contract attached', async () => {
  await signIn(page, server.url, 'li', RES_PW);
  await page.locator('#me-hukou').waitFor();
  assert.equal(await page.locator('#me-pending').count(), 0); // nothing declared yet
  await page.locator('main a[href="#/me/facts"]').click();
  await page.locator('#facts-mine').waitFor();
  // Nothing chosen: the error is beside the question, nothing sent.
  await page.getByRole('button', { name: '提交申报' }).click();
  await page.locator('fieldset.choice .field-error').waitFor();
  await review(page, 'facts-errors');
  await page.getByLabel('新的租赁合同或住房').check();
  await page.selectOption('#f-city', '330400');
  await page.selectOption('#f-division', '330411');
  await page.fill('#f-from', '2021-03-01');
  await page.setInputFiles('#f-files', { name: '租赁合同.pdf', mimeType: 'application/pdf', buffer: PDF });
  await review(page, 'facts-form');
  await page.getByRole('button', { name: '提交申报' }).click();
  await page.locator('.panel-done').waitFor();
  const item = page.locator('[data-entry="1"]');
  await item.waitFor();
  assert.equal(await item.locator('[data-state]').getAttribute('data-state'), 'awaiting');
  assert.equal(await item.locator('a[download]').innerText(), '租赁合同.pdf');
  assert.doesNotMatch(page.url(), new RegExp(ME));
  await review(page, 'facts-declared');
  assertNoProblems(page);
});

test('on my registration, the pending sentence says what verification would open', async () => {
  await open(page, server.url, '/me');
  const pending = page.locator('#me-pending');
  await pending.waitFor();
  await page.locator('.pending li[data-pathway="residence"]').waitFor();
  assert.match(await page.locator('.pending li[data-pathway="residence"]').innerText(), /^如果民警核实您申报的/);
  // Declared facts are not decided on: the command line agrees.
  const before = cliEval();
  assert.equal(before.residence_permit.eligible, false);
  await review(page, 'me-pending');
  assertNoProblems(page);
});

test('the officer verifies it from the worklist and it leaves the list; the resident’s answer changes as the command line says', async () => {
  const officer = await apiClient(server.url, 'xiu', OFF_PW);
  const files = await officer('GET', `/api/v1/persons/${ME}/facts/1/materials`);
  assert.equal(files.status, 200);
  assert.deepEqual(files.data.map((m) => m.name), ['租赁合同.pdf']);
  // The workbench: the number typed into the page, never in its address.
  const desk = await newPage(browser);
  await signIn(desk, server.url, 'xiu', OFF_PW);
  await open(desk, server.url, '/declarations');
  await desk.fill('#of-id', ME);
  await desk.getByRole('button', { name: '查找' }).click();
  const card = desk.locator('[data-entry="1"]');
  await card.waitFor();
  assert.match(await card.locator('[data-material]').innerText(), /租赁合同\.pdf/);
  const [download] = await Promise.all([desk.waitForEvent('download'), card.locator('[data-material]').click()]);
  assert.equal(download.suggestedFilename(), '租赁合同.pdf');
  assert.doesNotMatch(desk.url(), new RegExp(ME));
  await review(desk, 'officer-declarations');

  // The worklist (#/declarations-waiting): what waits in the jurisdiction, without typing a
  // number; the entry opens by its number, never the person's.
  await desk.locator('header a[href="#/declarations-waiting"]').click();
  const row = desk.locator('#wl-table tr[data-entry="1"]');
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  assert.deepEqual(cells.slice(1, 4), ['李四', '341222********0229', '住房']);
  assert.match(cells[4], /秀洲区 · 租赁/); // the declared lease as a sentence, not its codes
  assert.equal(cells[6], '1'); // the contract behind it
  assert.doesNotMatch(await desk.locator('main').innerText(), new RegExp(ME));
  await review(desk, 'officer-waiting');
  await desk.getByLabel('类别').selectOption('education');
  await desk.locator('#wl-table td.muted').waitFor();
  assert.equal(await row.count(), 0);
  await desk.getByLabel('类别').selectOption('');
  await row.waitFor();
  await row.getByRole('link', { name: '核实记录 1' }).click();
  const entry = desk.locator('li.card[data-entry="1"]');
  await entry.waitFor();
  assert.match(desk.url(), /#\/declarations-waiting\/1$/);
  assert.match(await desk.locator('#wl-summary').innerText(), /李四 \(341222\*{8}0229\)/);
  assert.match(await entry.locator('[data-material]').innerText(), /租赁合同\.pdf/);
  await review(desk, 'officer-waiting-entry');
  await entry.getByRole('button', { name: '核实无误' }).click();
  await desk.locator('#wl-handled').waitFor();
  assert.match(await desk.locator('.alert').first().innerText(), /记录 1 已核实/);
  assert.doesNotMatch(desk.url(), new RegExp(ME));
  await review(desk, 'officer-waiting-verified');
  await desk.getByRole('link', { name: '返回待核实申报列表' }).click();
  await desk.locator('#wl-table td.muted').waitFor(); // it left the list
  assert.equal(await desk.locator('#wl-table tr[data-entry="1"]').count(), 0);
  await review(desk, 'officer-waiting-empty');

  // The workbench by number agrees: nothing waits for this person any more.
  await open(desk, server.url, '/declarations');
  await desk.fill('#of-id', ME);
  await desk.getByRole('button', { name: '查找' }).click();
  await desk.locator('#of-found').waitFor();
  assert.equal(await desk.locator('[data-entry="1"]').count(), 0);
  await review(desk, 'officer-declarations-done');
  assertNoProblems(desk);
  await open(page, server.url, '/me/facts');
  const item = page.locator('[data-entry="1"]');
  await item.waitFor();
  assert.equal(await item.locator('[data-state]').getAttribute('data-state'), 'verified');
  await review(page, 'facts-verified');
  await open(page, server.url, '/me');
  await page.locator('#me-hukou').waitFor();
  assert.equal(await page.locator('#me-pending').count(), 0);
  const after = cliEval();
  assert.equal(after.residence_permit.eligible, true);
  const web = await page.evaluate(() => fetch('/api/v1/persons/me/eligibility?target=330411').then((x) => x.json()));
  assert.equal(web.residence_permit.eligible, after.residence_permit.eligible);
  assert.deepEqual(
    web.settlement.pathways.map((p) => [p.pathway, p.eligible]),
    after.settlement.pathways.map((p) => [p.pathway, p.eligible]),
  );
  assert.deepEqual(web.pending_verification, []);
  assertNoProblems(page);
});
