// Births and deaths on the officer's workbench in a real browser (issue 11): an officer of 南湖区
// registers a birth to a family of the county (the registry allocates the child's number: order
// code and check character) and sees the child with a masked number in the household they
// joined; registers the death of the family's grandfather after checking who he is, and then
// sees the closed record; a field the API names gets its error beside that field. Every state
// is screenshot and checked with axe-core in zh and en at both sizes (review()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, assertNoProblems, apiClient } from './harness.mjs';

const PW = 'officer password 1';
// GB 11643's check character of the first 17 digits.
function withCheck(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
// A family of 南湖区 in household 330402-000200: 王建国 heads it, 李秀英 his wife, 王德福 his father.
const FATHER = withCheck('33040219880303001');
const MOTHER = withCheck('33040219900505002');
const GRANDFATHER = withCheck('33040219400707001');
const HOUSEHOLD = '330402-000200';
const member = (id_number, name, head) => ({ id_number, name, hukou: { division: '330402', household: 'family', head, urban: true, household_no: HOUSEHOLD } });
const { db } = makeRegistry({
  people: [member(FATHER, '王建国', true), member(MOTHER, '李秀英', false), member(GRANDFATHER, '王德福', false)],
  accounts: [
    { name: 'off.nanhu', password: PW, role: 'officer', jurisdiction: '330402' },
    { name: 'off.xiuzhou', password: PW, role: 'officer', jurisdiction: '330411' },
  ],
});
const server = await startServer({ db, today: '2025-06-02' });
const browser = await launchBrowser();
const officer = await apiClient(server.url, 'off.nanhu', PW);
const mask = (id) => id.slice(0, 6) + '********' + id.slice(14);

// The field whose label is `label` inside `scope`, and the error shown in that same field.
const field = (scope, label) => scope.locator('.field', { has: scope.page().getByLabel(label, { exact: true }) });

test('an officer of 南湖区 registers a birth: the number is allocated and shown masked', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'off.nanhu', PW);
  await open(page, server.url, '/births-deaths');
  const birth = page.locator('section[aria-labelledby="bd-birth"]');
  await review(page, 'vital-forms');

  await birth.getByLabel('姓名', { exact: true }).fill('王小满');
  await birth.getByLabel('性别（未填身份证号码时必填）').selectOption('F');
  await birth.getByLabel('母亲身份证号码').fill(MOTHER);
  await birth.getByLabel('父亲身份证号码').fill(FATHER);
  await birth.getByLabel('出生医学证明编号').fill('q330250001');
  await birth.getByLabel('出生地区划代码').fill('330402');
  // The code is named as soon as it is whole, so a mistyped county shows before submitting.
  await birth.locator('p.hint', { hasText: '南湖区' }).waitFor();
  await birth.getByLabel('出生地点（医院名称，选填）').fill('嘉兴市妇幼保健院');

  // No birth date: the API names `born`, and the error stands in that field, nowhere else.
  await birth.locator('button[type="submit"]').click();
  const born = field(birth, '出生日期');
  await born.locator('.field-error').waitFor();
  assert.match(await born.locator('.field-error').innerText(), /born|出生/);
  assert.equal(await birth.locator('.field-error').count(), 1, 'one error, beside the date');
  assert.equal(await born.locator('input').getAttribute('aria-invalid'), 'true');
  assert.equal(await birth.locator('.alert-error').count(), 0, 'no banner for a named field');
  await review(page, 'officer-birth-error');

  await birth.getByLabel('出生日期').fill('2025-05-30');
  await birth.locator('button[type="submit"]').click();
  const done = birth.locator('.panel-done');
  await done.waitFor();
  // The first girl of 南湖区 born that day: order code 002, and its check character.
  const child = withCheck('33040220250530002');
  const text = await done.innerText();
  assert.match(text, /王小满/);
  assert.ok(text.includes(mask(child)), `the masked number ${mask(child)} in: ${text}`);
  assert.match(text, /系统编定/);
  assert.match(text, /Q330250001/);
  assert.match(text, /南湖区/);
  assert.match(text, /嘉兴市妇幼保健院/);
  assert.doesNotMatch(await page.content(), new RegExp(child), 'no full ID number on the page');
  await review(page, 'officer-birth-done');

  // The registry agrees, and the household link shows her among its members.
  const hh = await officer('GET', `/api/v1/households/${HOUSEHOLD}`);
  assert.ok(hh.data.members.some((m) => m.id_number === child && m.name === '王小满'), JSON.stringify(hh.data));
  await done.locator('a', { hasText: HOUSEHOLD }).click();
  const row = page.locator('table tbody tr', { hasText: '王小满' });
  await row.waitFor();
  assert.ok((await row.innerText()).includes(mask(child)));
  assertNoProblems(page);
});

test('an officer checks the person, confirms, registers a death and then sees the closed record', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'off.nanhu', PW);
  await open(page, server.url, '/births-deaths');
  const death = page.locator('section[aria-labelledby="bd-death"]');
  // On a phone the death form is below the birth form: the page's button takes the focus there.
  await page.locator('.jump button').click();
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'bd-death');

  // No date: asked for before anything is looked up.
  await death.getByLabel('身份证号码', { exact: true }).fill(GRANDFATHER);
  await death.locator('button[type="submit"]').click();
  await field(death, '死亡日期').locator('.field-error').waitFor();

  // Somebody nobody registered: the error is beside the number.
  await death.getByLabel('身份证号码', { exact: true }).fill(withCheck('33040219500101009'));
  await death.getByLabel('死亡日期').fill('2025-06-01');
  await death.locator('button[type="submit"]').click();
  await field(death, '身份证号码').locator('.field-error').waitFor();
  await review(page, 'officer-death-unknown');

  // The grandfather: shown for the officer to check, and nothing registered yet.
  await death.getByLabel('身份证号码', { exact: true }).fill(GRANDFATHER.toLowerCase());
  await death.locator('button[type="submit"]').click();
  const confirm = death.locator('.confirm');
  await confirm.getByText('南湖区').waitFor();
  const shown = await confirm.innerText();
  assert.match(shown, /王德福/);
  assert.ok(shown.includes(mask(GRANDFATHER)), shown);
  assert.match(shown, /南湖区/);
  assert.equal((await officer('GET', `/api/v1/persons/${GRANDFATHER}`)).data.died_on, undefined, 'the check registers nothing');
  await review(page, 'officer-death-confirm');

  // A date the API refuses (before he was born) comes back beside the date.
  await death.getByLabel('死亡日期').fill('1930-01-01');
  await death.locator('button[type="submit"]').click();
  await confirm.waitFor();
  await confirm.locator('button.btn-danger').click();
  const dateError = field(death, '死亡日期').locator('.field-error');
  await dateError.waitFor();
  assert.match(await dateError.innerText(), /died_on|死亡/);
  await review(page, 'officer-death-error');

  await death.getByLabel('死亡日期').fill('2025-06-01');
  await death.locator('button[type="submit"]').click();
  await confirm.locator('button.btn-danger').click();
  const done = death.locator('.panel-done');
  await done.waitFor();
  const record = await done.innerText();
  assert.match(record, /王德福/);
  assert.ok(record.includes(mask(GRANDFATHER)));
  assert.match(record, /2025年6月1日|2025-06-01/);
  assert.doesNotMatch(await page.content(), new RegExp(GRANDFATHER), 'no full ID number on the page');
  await review(page, 'officer-death-done');
  assert.equal((await officer('GET', `/api/v1/persons/${GRANDFATHER}`)).data.died_on, '2025-06-01');

  // Registered dead once: a second try is refused at the check, beside the number.
  await done.locator('button', { hasText: '登记另一例死亡' }).click();
  await death.getByLabel('身份证号码', { exact: true }).fill(GRANDFATHER);
  await death.getByLabel('死亡日期').fill('2025-06-01');
  await death.locator('button[type="submit"]').click();
  const again = field(death, '身份证号码').locator('.field-error');
  await again.waitFor();
  assert.match(await again.innerText(), /已于/);
  assertNoProblems(page);
});

test('an officer of 秀洲区 cannot register a death in 南湖区: the person is not found', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'off.xiuzhou', PW);
  await open(page, server.url, '/births-deaths');
  const death = page.locator('section[aria-labelledby="bd-death"]');
  await death.getByLabel('身份证号码', { exact: true }).fill(FATHER);
  await death.getByLabel('死亡日期').fill('2025-06-01');
  await death.locator('button[type="submit"]').click();
  await field(death, '身份证号码').locator('.field-error').waitFor();
  assert.equal(await death.locator('.confirm').count(), 0);
  assert.equal((await officer('GET', `/api/v1/persons/${FATHER}`)).data.died_on, undefined);
});
