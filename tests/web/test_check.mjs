// Browser test (1) of issue 11: an anonymous resident answers the check's questions in the page
// and gets the same verdicts and eligible_from as `hukou eval` on the same facts. The test writes
// its own situation from the facts it typed (its own ID-number arithmetic, its own month
// counting), runs the binary on it, and compares every pathway the page shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeRegistry, startServer, launchBrowser, newPage, open, review, setLanguage, assertNoProblems, hukou } from './harness.mjs';

const { db, dir } = makeRegistry();
const server = await startServer({ db, today: '2024-06-01' });
const browser = await launchBrowser();

// GB 11643: 17 digits and the ISO 7064 MOD 11-2 check character.
function idNumber(address, birth, seq) {
  const body = address + birth.replace(/-/g, '') + seq;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}
// Whole months: "2024-06" shifted by n (negative: back).
function month(ym, n) {
  const [y, m] = ym.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

function evaluate(situation) {
  const file = path.join(dir, `situation-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(situation));
  return JSON.parse(hukou(['eval', file]));
}

// What the page shows: for the permit and each pathway, its verdict and eligible_from.
async function shown(page) {
  return page.$$eval('.answer .pathway', (cards) =>
    cards.map((c) => ({
      pathway: c.dataset.pathway,
      verdict: c.querySelector('[data-verdict]').dataset.verdict,
      eligible_from: c.querySelector('[data-eligible-from]') ? c.querySelector('[data-eligible-from]').dataset.eligibleFrom : null,
      conditions: c.querySelectorAll('.conditions li').length,
    })),
  );
}
function expected(answer) {
  const one = (name, r) => ({
    pathway: name,
    verdict: !r.applicable ? 'na' : r.eligible ? 'eligible' : r.eligible_from ? 'later' : 'no',
    eligible_from: r.applicable ? r.eligible_from : null,
    conditions: r.conditions.length,
  });
  return [one('residence_permit', answer.residence_permit), ...answer.settlement.pathways.map((p) => one(p.pathway, p))];
}

// One question (a fieldset's legend) answered by the label of one of its choices.
async function choose(page, legend, label) {
  const set = page.locator('fieldset.choice', { has: page.locator('legend', { hasText: legend }) });
  await set.getByLabel(label, { exact: true }).check();
}

async function submitAndRead(page) {
  const request = page.waitForRequest((r) => r.url().endsWith('/api/v1/eligibility') && r.method() === 'POST');
  await page.getByRole('button', { name: '查看结果' }).click();
  const asOf = JSON.parse((await request).postData()).as_of;
  await page.locator('.result .answer').waitFor();
  return asOf;
}

test('a migrant worker renting in Jiaxing: the page and hukou eval agree', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '/check');
  await review(page, 'check-empty');
  await page.selectOption('#q-live-city', '330400');
  await page.selectOption('#q-live-county', '330402');
  await choose(page, '城镇', '是');
  await page.fill('#q-live-since', '2021-03-01');
  await page.fill('#q-birth', '1990-05-06');
  await page.selectOption('#q-marital', 'married');
  await choose(page, '户口在哪里', '在浙江省以外');
  await page.selectOption('#q-hukou-province', '340000');
  await page.selectOption('#q-hukou-city', '341200');
  await page.selectOption('#q-education', 'bachelor');
  await page.selectOption('#q-talent', 'bachelor');
  await choose(page, '房子', '租的房，租赁合同已登记备案');
  await choose(page, '有工作', '是');
  await page.fill('#q-work-since', '2021-04-01');
  await choose(page, '居住证吗', '是');
  await page.fill('#q-permit-since', '2021-09-01');
  await page.fill('#q-ins-here', '30');
  await page.selectOption('#q-ins-other', '320500');
  await page.fill('#q-ins-other-months', '48');
  await page.check('#q-ins-transferred');
  const asOf = await submitAndRead(page);

  const thisMonth = asOf.slice(0, 7);
  const situation = {
    as_of: asOf,
    target: '330402',
    person: {
      id_number: idNumber('341200', '1990-05-06', '135'),
      marital_status: 'married',
      education: 'bachelor',
      hukou: { division: '341200', household: 'family', head: false },
      residence: [{ division: '330402', urban: true, from: '2021-03-01', to: null }],
      housing: [{ division: '330402', urban: true, kind: 'rented', from: '2021-03-01', to: null }],
      employment: [{ division: '330402', from: '2021-04-01', to: null, collective_household: false }],
      schooling: [],
      social_insurance: [
        { city: '320500', from: month(thisMonth, -30 - 47), to: month(thisMonth, -30), pension_transferred: true },
        { city: '330400', from: month(thisMonth, -29), to: null },
      ],
      residence_permits: [{ division: '330402', from: '2021-09-01', to: null }],
      talent: [{ category: 'bachelor', division: '330400' }],
    },
  };
  const want = evaluate(situation);
  assert.equal(want.facts.insurance_months, 78);
  assert.deepEqual(await shown(page), expected(want));
  // The date one can settle, in large type: the earliest eligible pathway's.
  const best = want.settlement.pathways.filter((p) => p.eligible).map((p) => p.eligible_from).sort()[0];
  assert.equal(await page.locator('.summary time').getAttribute('datetime'), best);
  await review(page, 'check-result');
  assertNoProblems(page);
});

test('a parent joining an adult child in Hangzhou, answered by keyboard: the page and hukou eval agree', async () => {
  const page = await newPage(browser);
  await open(page, server.url, '/check');
  const key = async (selector, keys) => {
    await page.focus(selector);
    for (const k of keys) await page.keyboard.press(k);
  };
  await page.selectOption('#q-live-city', '330100');
  await page.selectOption('#q-live-county', '330106');
  // Dates through the field itself (Chromium's own date widget is not the portal's to test);
  // the questions of the portal by keys.
  await page.fill('#q-live-since', '2023-05-01');
  await page.fill('#q-birth', '1962-08-15');
  await page.selectOption('#q-marital', 'widowed');
  // The hukou question by arrow keys: from "outside Zhejiang" to "in Zhejiang".
  await key('fieldset.choice:has(legend:text("户口在哪里")) input:checked', ['ArrowDown']);
  await page.selectOption('#q-hukou-zcity', '330700');
  await page.selectOption('#q-hukou-county', '330782');
  await page.selectOption('#q-education', 'junior');
  await key('fieldset.choice:has(legend:text("房子")) input >> nth=4', ['Space']);
  await key('fieldset.choice:has(legend:text("家人户口")) input >> nth=1', ['Space']);
  await page.fill('#q-rel-birth', '1988-02-03');
  await page.fill('#q-rel-housing-since', '2016-06-01');
  await key('fieldset.choice:has(legend:text("户主")) input >> nth=0', ['Space']);
  const request = page.waitForRequest((r) => r.url().endsWith('/api/v1/eligibility') && r.method() === 'POST');
  await page.focus('#q-ins-here');
  await page.keyboard.press('Enter'); // submits the form
  const asOf = JSON.parse((await request).postData()).as_of;
  await page.locator('.result .answer').waitFor();
  // The result's heading takes the focus, so a screen reader reads it next.
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'check-result-h', null, { timeout: 5000 });

  const situation = {
    as_of: asOf,
    target: '330106',
    person: {
      id_number: idNumber('330782', '1962-08-15', '201'),
      marital_status: 'widowed',
      education: 'junior',
      hukou: { division: '330782', household: 'family', head: false },
      residence: [{ division: '330106', urban: true, from: '2023-05-01', to: null }],
      housing: [{ division: '330106', urban: true, kind: 'relative', from: '2023-05-01', to: null }],
    },
    relatives: [
      {
        relation: 'child',
        id_number: idNumber('330106', '1988-02-03', '222'),
        hukou: { division: '330106', household: 'family', head: true, urban: true },
        housing: [{ division: '330106', urban: true, kind: 'owned', from: '2016-06-01', to: null }],
        consents: true,
      },
    ],
  };
  const want = evaluate(situation);
  const family = want.settlement.pathways.find((p) => p.pathway === 'family');
  assert.equal(family.rule, 'parent_joins_child');
  assert.deepEqual(await shown(page), expected(want));
  assert.match(await page.locator('[data-pathway="family"]').innerText(), /父母投靠子女/);
  await review(page, 'check-result-family');
  assertNoProblems(page);
});

test('a missing answer is named beside its question, nothing is sent', async () => {
  const page = await newPage(browser, { lang: 'en' });
  await open(page, server.url, '/check');
  let sent = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/eligibility')) sent += 1;
  });
  await page.getByRole('button', { name: 'See the result' }).click();
  await page.locator('.field-error').first().waitFor();
  const county = page.locator('#q-live-county');
  assert.equal(await county.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#q-live-county-error').innerText(), /district or county/);
  assert.equal(sent, 0);
  // The messages follow the language switch (they are looked up when shown, not when made).
  await setLanguage(page, 'zh-CN');
  assert.match(await page.locator('#q-live-county-error').innerText(), /请选择区、县/);
  await setLanguage(page, 'en');
  await review(page, 'check-errors');
  assertNoProblems(page);
});
