// Browser test (2) of issue 11: a resident signs in, declares a residence, applies to settle
// (the engine's answer and the pledge before submitting), is asked for material (the officer's
// request made through the API) and supplies it; every page screenshotted and checked with axe
// in both languages at both sizes. Test (6, part): a resident cannot reach the officer's
// workbench (the page says so and the API refuses), and a cross-site form post riding on the
// resident's cookie is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, apiClient, assertNoProblems, tabTo, SOURCE } from './harness.mjs';

const ZHANG = '341222199001010112'; // 张三 of the sample: living and renting in 330411 since 2021
const RES_PW = 'resident password 1';
const OFF_PW = 'officer password 1';
const { db } = makeRegistry({
  fixture: path.join(SOURCE, 'tests/data/registry_sample.jsonl'),
  accounts: [
    { name: 'zhang', password: RES_PW, role: 'resident', id_number: ZHANG },
    { name: 'wang', password: OFF_PW, role: 'officer', jurisdiction: '330411' },
  ],
});
const server = await startServer({ db, today: '2024-06-01' });
const browser = await launchBrowser();
const page = await newPage(browser);

test('signed in, the resident sees their registration, never a full ID number in the address bar', async () => {
  await signIn(page, server.url, 'zhang', RES_PW);
  assert.equal(new URL(page.url()).hash, '#/me');
  await page.locator('#me-hukou').waitFor();
  const text = await page.locator('main').innerText();
  assert.match(text, /太和县/);
  assert.match(text, /341222-000101/);
  assert.match(text, /341222\*{8}0112/);
  assert.doesNotMatch(text, new RegExp(ZHANG));
  await review(page, 'me');
  assertNoProblems(page);
});

test('the resident declares a new address; the error the API names shows beside its field', async () => {
  await page.locator('main a[href="#/me/residence"]').click();
  await page.locator('#r-city').waitFor();
  // Nothing filled: each missing answer is named beside its field, nothing sent.
  await page.getByRole('button', { name: '提交登记' }).click();
  assert.equal(await page.locator('#r-division').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#r-address').getAttribute('aria-invalid'), 'true');
  await review(page, 'residence-errors');
  await page.selectOption('#r-city', '330400');
  await page.selectOption('#r-division', '330411');
  await page.fill('#r-address', '嘉兴市秀洲区新城街道洪兴路 88 号 3 幢 201 室');
  // A moving-in day after the server's today: the API refuses it, naming moved_in.
  await page.fill('#r-moved', '2024-07-01');
  await page.getByRole('button', { name: '提交登记' }).click();
  await page.locator('#r-moved-error').waitFor();
  assert.equal(await page.locator('#r-moved').getAttribute('aria-invalid'), 'true');
  await page.fill('#r-moved', '2024-05-20');
  await page.getByRole('button', { name: '提交登记' }).click();
  await page.locator('.panel-done').waitFor();
  await review(page, 'residence-done');
  assertNoProblems(page);
});

let appId;
test('the resident applies to settle: the engine answer and the pledge come before submitting', async () => {
  await open(page, server.url, '/me/apply');
  await review(page, 'apply-identity');
  await page.getByRole('button', { name: '下一步' }).click();
  // The place is the county of the active registration.
  assert.equal(await page.locator('#a-target').inputValue(), '330411');
  await review(page, 'apply-place');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.locator('.answer').waitFor();
  assert.equal(await page.locator('[data-pathway="residence"] [data-verdict]').getAttribute('data-verdict'), 'eligible');
  // Without the pledge there is no next step.
  await page.getByRole('button', { name: '下一步' }).click();
  await page.locator('#a-pledge-error').waitFor();
  await review(page, 'apply-pledge');
  await page.check('#a-pledge');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.locator('fieldset.choice').waitFor();
  await review(page, 'apply-form');
  await page.getByRole('button', { name: '下一步' }).click();
  await review(page, 'apply-materials');
  await page.getByRole('button', { name: '下一步' }).click();
  await review(page, 'apply-submit');
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.locator('.panel-done').waitFor();
  appId = Number(/#\/me\/applications\/(\d+)/.exec(page.url())[1]);
  assert.ok(appId > 0);
  assert.match(await page.locator('main').innerText(), /已提交/);
  await review(page, 'application-submitted');
  assertNoProblems(page);
});

test('asked for material by the officer, the resident supplies it', async () => {
  const officer = await apiClient(server.url, 'wang', OFF_PW);
  assert.equal((await officer('POST', `/api/v1/applications/${appId}/actions`, { action: 'accept' })).status, 200);
  const asked = await officer('POST', `/api/v1/applications/${appId}/actions`, { action: 'request_material', reason: '请补充租赁登记备案证明' });
  assert.equal(asked.status, 200);
  assert.equal(asked.data.state, 'material_requested');

  await open(page, server.url, '/me');
  await page.locator('.app-list [data-state="material_requested"]').waitFor();
  await page.locator(`.app-list a[href="#/me/applications/${appId}"]`).click();
  await page.locator('#supply-reason').waitFor();
  assert.match(await page.locator('.supply').innerText(), /请补充租赁登记备案证明/);
  await review(page, 'application-material');
  await page.getByRole('button', { name: '提交补充材料' }).click();
  assert.equal(await page.locator('#supply-reason').getAttribute('aria-invalid'), 'true');
  await page.fill('#supply-reason', '已在社区办理租赁登记备案，备案号 JX2024-0518');
  await page.getByRole('button', { name: '提交补充材料' }).click();
  await page.locator('.timeline [data-step="supply_material"]').waitFor();
  assert.equal(await page.locator('.supply').count(), 0);

  const seen = await officer('GET', `/api/v1/applications/${appId}`);
  const last = seen.data.steps[seen.data.steps.length - 1];
  assert.equal(last.step, 'supply_material');
  assert.match(last.reason, /JX2024-0518/);
  await review(page, 'application-supplied');
  assertNoProblems(page);
});

test('asked again, the resident uploads a photo and hands it in with the answer (material uploads)', async (t) => {
  const officer = await apiClient(server.url, 'wang', OFF_PW);
  const probe = await officer('GET', `/api/v1/applications/${appId}/materials`);
  if (probe.status === 404 && probe.data && probe.data.error && probe.data.error.field === 'path') {
    t.skip('this server has no material uploads (POST /api/v1/applications/{id}/materials, branch materials)');
    return;
  }
  const asked = await officer('POST', `/api/v1/applications/${appId}/actions`, { action: 'request_material', reason: '请上传租赁备案证明的照片' });
  assert.equal(asked.status, 200, JSON.stringify(asked.data));
  await open(page, server.url, `/me/applications/${appId}`);
  await page.locator('#supply-file').waitFor();
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  await page.setInputFiles('#supply-file', { name: '租赁备案.png', mimeType: 'image/png', buffer: png });
  await page.locator('.files [data-material]').waitFor();
  // A file that is not a PDF or an image is refused beside the file field.
  await page.setInputFiles('#supply-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.locator('#supply-file-error').waitFor();
  await review(page, 'application-upload');
  await page.fill('#supply-reason', '已上传租赁备案证明照片');
  await page.getByRole('button', { name: '提交补充材料' }).click();
  await page.locator('.timeline [data-step="supply_material"] >> nth=1').waitFor();
  const seen = await officer('GET', `/api/v1/applications/${appId}`);
  const last = seen.data.steps[seen.data.steps.length - 1];
  assert.equal(last.step, 'supply_material');
  assert.equal((last.materials || []).length, 1, JSON.stringify(last));
  assertNoProblems(page);
});

test('keyboard alone: the application steps up to the form, the pledge ticked with the space bar', async () => {
  await open(page, server.url, '/me/apply');
  await tabTo(page, 'main button.btn-primary');
  await page.keyboard.press('Enter');
  await page.locator('#a-target').waitFor();
  await tabTo(page, 'main button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.locator('.answer').waitFor();
  // The step's heading takes the focus (after the answer has rendered), so a screen reader
  // starts there; a loaded machine may need a moment, never more than a few seconds.
  await page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H2', null, { timeout: 5000 });
  await tabTo(page, '#a-pledge');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#a-pledge').isChecked(), true);
  await tabTo(page, 'main button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.locator('fieldset.choice input[value="best"]').waitFor();
});

test("a resident cannot reach the officer's workbench: the page says so and the API refuses", async () => {
  await open(page, server.url, '/officer');
  assert.match(await page.locator('main h1').innerText(), /无权访问/);
  await review(page, 'forbidden');
  const status = await page.evaluate(async () => {
    const r = await fetch('/api/v1/households/341222-000101', { credentials: 'same-origin' });
    return r.status;
  });
  assert.equal(status, 403);
});

test('a form on another site posting with the resident cookie is refused, and nothing changes', async () => {
  // A second local server on another port: a page with a form that posts to the API.
  const target = `${server.url}/api/v1/persons/me/residence/declare`;
  const evil = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>x</title><form id="f" method="POST" action="${target}" enctype="text/plain">
      <input name='{"division":"330402","address":"x","urban":true,"moved_in":"2024-05-30","x":"' value='"}'></form>`);
  });
  await new Promise((r) => evil.listen(0, '127.0.0.1', r));
  try {
    // localhost and 127.0.0.1 are different sites to the browser, as are the two ports.
    const other = `http://localhost:${evil.address().port}/`;
    const before = await (await apiClient(server.url, 'wang', OFF_PW))('GET', `/api/v1/persons/${ZHANG}`);
    const response = page.waitForResponse((r) => r.url() === target);
    await page.goto(other);
    await page.evaluate(() => document.getElementById('f').submit());
    const r = await response;
    assert.ok(r.status() === 401 || r.status() === 403, `cross-site post answered ${r.status()}`);
    const after = await (await apiClient(server.url, 'wang', OFF_PW))('GET', `/api/v1/persons/${ZHANG}`);
    assert.deepEqual(after.data.residence, before.data.residence);
  } finally {
    evil.close();
  }
});

test('a permit applied for in the page and issued by the officer shows with its number, validity and endorsement window', async () => {
  await signIn(page, server.url, 'zhang', RES_PW);
  await open(page, server.url, '/me/apply?kind=permit');
  await page.getByRole('button', { name: '下一步' }).click();
  assert.equal(await page.locator('fieldset.choice input[value="permit"]').isChecked(), true);
  await page.getByRole('button', { name: '下一步' }).click();
  await page.locator('[data-pathway="residence_permit"]').waitFor();
  assert.equal(await page.locator('[data-pathway="residence"]').count(), 0);
  await review(page, 'apply-permit-answer');
  await page.check('#a-pledge');
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.locator('.panel-done').waitFor();
  const id = Number(/#\/me\/applications\/(\d+)/.exec(page.url())[1]);

  const officer = await apiClient(server.url, 'wang', OFF_PW);
  for (const action of ['accept', 'approve', 'complete']) {
    const r = await officer('POST', `/api/v1/applications/${id}/actions`, { action });
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.data)}`);
  }
  const permit = (await officer('GET', `/api/v1/persons/${ZHANG}/permit`)).data;

  await open(page, server.url, '/me');
  await page.locator('#me-permit').waitFor();
  const card = await page.locator('section[aria-labelledby="me-permit"]').innerText();
  assert.ok(card.includes(permit.number), card);
  assert.match(card, /有效/);
  await review(page, 'me-permit');
  // Out of its window the endorsement is refused, and the page says why.
  await page.getByRole('button', { name: '办理签注' }).click();
  await page.locator('section[aria-labelledby="me-permit"] .alert').waitFor();
  assertNoProblems(page);
});
