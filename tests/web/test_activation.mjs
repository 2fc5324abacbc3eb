// Residents' own accounts through activation codes, in a real browser (issue 16): an officer of
// 南湖区 issues a code on their page for a resident registered there and sees the slip to hand
// over; the resident, not signed in, finds "激活账号" on the start page, is told which field is
// wrong when the code is mistyped, opens the account with the right one and lands on their own
// pages, signed in. The code works once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, assertNoProblems, SOURCE } from './harness.mjs';

const PW = 'officer password 1';
const RESIDENT = '341222199203150228'; // 方丽: residence registration in 南湖区 (330402), no account
const { db } = makeRegistry({
  fixture: path.join(SOURCE, 'demo/population.jsonl'),
  accounts: [{ name: 'off.nanhu', password: PW, role: 'officer', jurisdiction: '330402' }],
});
const server = await startServer({ db, today: '2025-06-02' });
const browser = await launchBrowser();

test('an officer issues a code and the resident opens their own account with it', async () => {
  const officer = await newPage(browser);
  await signIn(officer, server.url, 'off.nanhu', PW);
  await open(officer, server.url, '/activation-codes');
  await review(officer, 'activation-issue');
  const form = officer.locator('form[data-form="activation"]');
  await form.locator('input').fill(RESIDENT);
  await form.locator('button[type="submit"]').click();
  const codeEl = officer.locator('[data-activation] [data-code]');
  await codeEl.waitFor();
  const code = (await codeEl.innerText()).trim();
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  const slip = await officer.locator('[data-activation]').innerText();
  assert.doesNotMatch(slip, new RegExp(RESIDENT), 'the slip shows the number masked');
  assert.match(slip, /341222\*{8}0228/);
  await review(officer, 'activation-slip');
  assertNoProblems(officer);

  const resident = await newPage(browser);
  await open(resident, server.url, '/');
  await resident.locator('[data-card="activate"]').click();
  await resident.waitForFunction(() => location.hash === '#/activate');
  const f = resident.locator('form[data-form="activate"]');
  const inputs = f.locator('input');
  await inputs.nth(0).fill(RESIDENT);
  const wrong = code.startsWith('AAAA') ? 'BBBB-BBBB-BBBB' : 'AAAA-AAAA-AAAA';
  await inputs.nth(1).fill(wrong);
  await inputs.nth(2).fill('fang.li');
  await inputs.nth(3).fill('resident password 1');
  await inputs.nth(4).fill('resident password 1');
  await f.locator('button[type="submit"]').click();
  await f.locator('.field-error').waitFor();
  assert.match(await f.locator('.field-error').first().innerText(), /激活码/);
  await review(resident, 'activate-error');
  // Typed as people type it: lower case, spaces.
  await inputs.nth(1).fill(code.toLowerCase().replaceAll('-', ' '));
  await f.locator('button[type="submit"]').click();
  await resident.waitForFunction(() => !location.hash.startsWith('#/activate'));
  await resident.locator('main h1').first().waitFor();
  assert.match(await resident.locator('header').innerText(), /fang\.li/);
  const me = await resident.evaluate(async () => (await fetch('/api/v1/persons/me')).json());
  assert.equal(me.id_number, RESIDENT);
  assertNoProblems(resident);

  // Once only: the same code again is refused.
  const again = await fetch(`${server.url}/api/v1/activations`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id_number: RESIDENT, code, name: 'fang.li.2', password: 'resident password 1' }),
  });
  assert.equal(again.status, 400);
});
