// The start page and signing in through the page (the harness's own check): a resident signs
// in and lands on their pages; a wrong password is told beside the form, in the page's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, assertNoProblems, SOURCE } from './harness.mjs';
import path from 'node:path';

const PW = 'resident password 1';
const { db } = makeRegistry({
  fixture: path.join(SOURCE, 'tests/data/registry_sample.jsonl'),
  accounts: [{ name: 'zhang', password: PW, role: 'resident', id_number: '341222199001010112' }],
});
const server = await startServer({ db, today: '2024-06-01' });
const browser = await launchBrowser();

test('the start page, in both languages at both sizes, passes axe', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '/');
  assert.match(await page.locator('main h1').innerText(), /户籍/);
  await review(page, 'start');
  assertNoProblems(page);
});

test('a wrong password is refused on the sign-in page; the right one signs in', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '/signin');
  await review(page, 'signin');
  await page.locator('input[autocomplete="username"]').fill('zhang');
  await page.locator('input[type="password"]').fill('wrong');
  await page.locator('form button[type="submit"]').click();
  await page.locator('.alert-error').waitFor();
  assert.match(await page.locator('.alert-error').innerText(), /不正确/);
  await signIn(page, server.url, 'zhang', PW);
  assert.match(page.url(), /#\/me/);
  assertNoProblems(page);
});
