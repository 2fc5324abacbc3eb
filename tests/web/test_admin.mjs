// The admin's pages in a real browser (issue 11, test 5): an admin creates an officer through
// the page, the officer signs in and reaches the workbench; a field the API refuses is named
// beside the field; disabling an account ends its sign-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, assertNoProblems, SOURCE } from './harness.mjs';

const PW = 'admin password 1';
const { db } = makeRegistry({
  fixture: path.join(SOURCE, 'demo/population.jsonl'),
  accounts: [
    { name: 'root', password: PW, role: 'admin' },
    { name: 'zhang.wei', password: PW, role: 'resident', id_number: '341222199001010112' },
  ],
});
const server = await startServer({ db, today: '2025-06-02' });
const browser = await launchBrowser();

test('an admin creates an officer who can then sign in; a refused field is named beside it', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'root', PW);
  assert.match(page.url(), /#\/admin$/);
  await page.locator('table tbody tr[data-name="zhang.wei"]').waitFor();
  assert.doesNotMatch(await page.content(), /341222199001010112/, 'residents\' numbers masked');
  await review(page, 'admin-accounts');

  const form = page.locator('form').last();
  await form.locator('input[autocomplete="off"]').first().fill('off.new');
  await form.locator('select').selectOption('officer');
  await form.locator('input[maxlength="6"]').fill('330499');
  await form.locator('input[type="password"]').fill('officer password 1');
  await form.locator('button[type="submit"]').click();
  await form.locator('.field-error').waitFor();
  await review(page, 'admin-error');
  await form.locator('input[maxlength="6"]').fill('330402');
  await form.locator('input[type="password"]').fill('officer password 1');
  await form.locator('button[type="submit"]').click();
  await page.locator('table tbody tr[data-name="off.new"]').waitFor();
  assertNoProblems(page);

  const officer = await newPage(browser);
  await signIn(officer, server.url, 'off.new', 'officer password 1');
  assert.match(officer.url(), /#\/officer$/);
  assert.match(await officer.locator('header').innerText(), /off\.new/);
});

test('an admin disables an account and it can no longer sign in', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'root', PW);
  const row = page.locator('table tbody tr[data-name="zhang.wei"]');
  await row.locator('button').click();
  await row.locator('button.btn-danger').click();
  await page.locator('.alert-success').waitFor();
  await row.locator('.badge').waitFor();
  const other = await newPage(browser);
  await open(other, server.url, '/signin');
  await other.locator('input[autocomplete="username"]').fill('zhang.wei');
  await other.locator('input[type="password"]').fill(PW);
  await other.locator('form button[type="submit"]').click();
  await other.locator('.alert-error').waitFor();
});
