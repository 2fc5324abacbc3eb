// The admin's pages in a real browser (issue 11, test 5; issue 16): an admin creates an officer
// through the page, the officer signs in and reaches the workbench; a field the API refuses is
// named beside the field; disabling an account ends its sign-in. An admin changes an officer's
// jurisdiction and resets its password; the officer signs in with it and changes its own on the
// "change my password" page. An admin makes a department key, sees its secret once, revokes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, assertNoProblems, apiClient, SOURCE } from './harness.mjs';

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

  const form = page.locator('form[data-form="create"]');
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
  const state = page.locator('[data-manage="zhang.wei"] [data-form="state"]');
  await state.locator('button').click();
  await state.locator('button.btn-danger').click();
  await page.locator('.alert-success').waitFor();
  await row.locator('.badge-no').waitFor();
  const other = await newPage(browser);
  await open(other, server.url, '/signin');
  await other.locator('input[autocomplete="username"]').fill('zhang.wei');
  await other.locator('input[type="password"]').fill(PW);
  await other.locator('form button[type="submit"]').click();
  await other.locator('.alert-error').waitFor();
});

test('an admin moves an officer and resets its password; the officer then changes its own', async () => {
  const admin = await apiClient(server.url, 'root', PW);
  const made = await admin('POST', '/api/v1/users', { name: 'off.two', role: 'officer', jurisdiction: '330402', password: 'officer password 2' });
  assert.equal(made.status, 201);
  const page = await newPage(browser);
  await signIn(page, server.url, 'root', PW);
  const row = page.locator('table tbody tr[data-name="off.two"]');
  await row.locator('button').click();
  const card = page.locator('[data-manage="off.two"]');
  await card.locator('h2').waitFor();
  const role = card.locator('form[data-form="role"]');
  await role.locator('input[maxlength="6"]').fill('110101'); // Beijing: outside the province
  await role.locator('button[type="submit"]').click();
  await role.locator('.field-error').waitFor();
  await role.locator('input[maxlength="6"]').fill('330411');
  await role.locator('button[type="submit"]').click();
  await page.locator('.alert-success').waitFor();
  await page.locator('table tbody tr[data-name="off.two"] td', { hasText: '330411' }).waitFor();
  await review(page, 'admin-manage');

  const reset = card.locator('form[data-form="reset"]');
  await reset.locator('input[type="password"]').fill('reset password 2');
  await reset.locator('button[type="submit"]').click();
  await page.locator('.alert-success', { hasText: /off\.two/ }).waitFor();
  assertNoProblems(page);

  const officer = await newPage(browser);
  await signIn(officer, server.url, 'off.two', 'reset password 2');
  assert.match(officer.url(), /#\/officer$/);
  await officer.locator('header nav a[href="#/password"]').click();
  const form = officer.locator('form[data-form="password"]');
  await form.waitFor();
  await form.locator('input[autocomplete="current-password"]').fill('not my password');
  await form.locator('input[autocomplete="new-password"]').first().fill('my own password 2');
  await form.locator('input[autocomplete="new-password"]').last().fill('my own password 2');
  await form.locator('button[type="submit"]').click();
  await form.locator('.field-error').waitFor(); // the current password is named
  await review(officer, 'password-error');
  await form.locator('input[autocomplete="current-password"]').fill('reset password 2');
  await form.locator('button[type="submit"]').click();
  await officer.locator('.alert-success').waitFor();
  await review(officer, 'password');
  assertNoProblems(officer);
  // The new one signs in (apiClient asserts 201); the session that changed it stays.
  await apiClient(server.url, 'off.two', 'my own password 2');
  await open(officer, server.url, '/officer');
  assert.match(officer.url(), /#\/officer$/);
});

test('an admin makes a department key, sees its secret once, and revokes it', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'root', PW);
  const form = page.locator('form[data-form="key"]');
  // The department's name in Chinese (issue 16), its identifier in letters.
  await form.locator('input[autocomplete="off"]').nth(0).fill('嘉兴市住房和城乡建设局');
  await form.locator('input[autocomplete="off"]').nth(1).fill('housing');
  await form.locator('#key-questions-permit-valid').check();
  await form.locator('#key-facts-housing').check();
  await form.locator('button[type="submit"]').click();
  const secret = page.locator('[data-secret] input#key-secret');
  await secret.waitFor();
  const key = await secret.inputValue();
  assert.match(key, /^hkk_[A-Za-z0-9_-]{43}$/);
  await review(page, 'admin-key-secret');
  const ask = () =>
    fetch(`${server.url}/api/v1/questions/permit-valid?id_number=341222199001010112&city=330400&date=2025-06-01`, {
      headers: { Authorization: `Bearer ${key}`, 'X-Purpose': 'browser test' },
    });
  assert.equal((await ask()).status, 200);
  await page.locator('[data-secret] button').click();
  await secret.waitFor({ state: 'detached' });
  await open(page, server.url, '/admin');
  await page.locator('table tbody tr[data-key]').first().waitFor();
  assert.doesNotMatch(await page.content(), new RegExp(key), 'the secret is shown once');
  const row = page.locator('table tbody tr[data-key]').last();
  assert.match(await row.innerText(), /报送住房/);
  assert.match(await row.innerText(), /嘉兴市住房和城乡建设局/);
  await row.locator('button').click();
  await row.locator('button.btn-danger').click();
  await row.locator('.badge-no').waitFor();
  assert.equal((await ask()).status, 401);
  assertNoProblems(page);
});
