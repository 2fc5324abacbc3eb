// Browser test of issue 12: a resident opens their certificates, requests a proof of household
// registration, opens it (the QR code, the fields) and downloads the PDF; on the public
// verification page, with no session, a PNG of that PDF's page (pdftoppm) uploaded is read in
// the browser and verifies as valid; after an officer revokes it on the officers' page (reason,
// confirmation) the same picture verifies as revoked; a pasted text with one changed byte is a
// bad signature; a camera (Chromium's fake one, playing a video of the printed page) reads it
// too. Every new page is screenshotted at phone and desktop size in Chinese and
// English, checked with axe-core and for width at 375 px (harness.mjs review()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { makeRegistry, startServer, launchBrowser, newPage, open, signIn, review, apiClient, assertNoProblems, hukou, SOURCE } from './harness.mjs';

const OUYANG = '330106198803030016'; // 欧阳·买买提 of the sample: hukou in 西湖区 (330106)
const RES_PW = 'resident password 1';
const OFF_PW = 'officer password 1';
const { dir, db } = makeRegistry({
  fixture: path.join(SOURCE, 'tests/data/registry_sample.jsonl'),
  accounts: [
    { name: 'ouyang', password: RES_PW, role: 'resident', id_number: OUYANG },
    { name: 'xihu', password: OFF_PW, role: 'officer', jurisdiction: '330106' },
  ],
});
const keys = path.join(dir, 'keys');
hukou(['keys', 'init', '--dir', keys]);
const server = await startServer({ db, today: '2024-06-01', extra: ['--keys', keys] });
const browser = await launchBrowser();
const page = await newPage(browser);

// A one-frame Y4M video of part of a grey image (pdftoppm's PGM; box in fractions of its
// sides), for Chromium's fake camera: the Y plane is the picture, U and V neutral (4:2:0), sides
// even. A camera held over the printed page sees its QR code, not the whole sheet.
function pgmToY4m(pgm, out, box) {
  const buf = fs.readFileSync(pgm);
  const head = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 64).toString('latin1'));
  assert.ok(head, 'not a binary PGM');
  const [w, h] = [+head[1], +head[2]];
  const pixels = buf.subarray(head[0].length);
  const x0 = Math.floor(w * box.x0);
  const y0 = Math.floor(h * box.y0);
  const W = Math.floor(w * (box.x1 - box.x0)) & ~1;
  const H = Math.floor(h * (box.y1 - box.y0)) & ~1;
  const y = Buffer.alloc(W * H);
  for (let r = 0; r < H; r++) pixels.copy(y, r * W, (y0 + r) * w + x0, (y0 + r) * w + x0 + W);
  const uv = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  fs.writeFileSync(out, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F1:1 Ip A1:1 C420jpeg\nFRAME\n`), y, uv]));
}

// RFC 9285 base45, to change one byte inside a certificate and encode it again.
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
function b45decode(s) {
  const out = [];
  for (let i = 0; i < s.length; i += 3) {
    const c = [...s.slice(i, i + 3)].map((x) => B45.indexOf(x));
    const n = c.reduce((acc, v, k) => acc + v * 45 ** k, 0);
    if (c.length === 3) out.push(n >> 8, n & 255);
    else out.push(n);
  }
  return Buffer.from(out);
}
function b45encode(buf) {
  let s = '';
  for (let i = 0; i < buf.length; i += 2) {
    if (i + 1 < buf.length) {
      const n = buf[i] * 256 + buf[i + 1];
      s += B45[n % 45] + B45[Math.floor(n / 45) % 45] + B45[Math.floor(n / 2025)];
    } else s += B45[buf[i] % 45] + B45[Math.floor(buf[i] / 45)];
  }
  return s;
}
function tamper(qr, from, to) {
  const body = zlib.inflateSync(b45decode(qr.slice(5)));
  const at = body.indexOf(Buffer.from(from));
  assert.ok(at >= 0, `${from} is not in the certificate`);
  Buffer.from(to).copy(body, at);
  return 'HKC1:' + b45encode(zlib.deflateSync(body, { level: 9 }));
}

let cid;
let pdfFile;
test('the resident requests a hukou proof, opens it and downloads its PDF', async () => {
  await signIn(page, server.url, 'ouyang', RES_PW);
  await page.locator('header nav a[href="#/certificates"]').click();
  await page.locator('section.cert-request').waitFor();
  // The request form shows at once; the list arrives after its fetch.
  await page.locator('main', { hasText: '还没有电子证照' }).waitFor();
  assert.match(await page.locator('main').innerText(), /还没有电子证照/);
  await review(page, 'certificates-empty');
  await page.locator('button[data-request="hukou_proof"]').click();
  await page.waitForFunction(() => /^#\/certificates\/./.test(location.hash));
  cid = decodeURIComponent(new URL(page.url()).hash.slice('#/certificates/'.length));
  await page.locator('.qr img').waitFor();
  // The QR image loaded, and large enough to scan from the phone's screen (at least 280 px).
  await page.waitForFunction(() => document.querySelector('.qr img').naturalWidth > 0);
  const box = await page.locator('.qr img').boundingBox();
  assert.ok(box.width >= 280, `the QR code is ${box.width} px wide`);
  const text = await page.locator('main').innerText();
  assert.match(text, /户籍证明/);
  assert.match(text, /欧阳·买买提/);
  assert.match(text, /330106\*{8}0016/);
  assert.doesNotMatch(text, new RegExp(OUYANG));
  await review(page, 'certificate');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-pdf]').click()]);
  assert.equal(download.suggestedFilename(), `${cid}.pdf`);
  pdfFile = path.join(dir, 'proof.pdf');
  await download.saveAs(pdfFile);
  assert.equal(fs.readFileSync(pdfFile).subarray(0, 5).toString(), '%PDF-');
  // The list shows it as a card that opens it.
  await open(page, server.url, '/certificates');
  await page.locator(`li[data-cert="${cid}"] .badge[data-status="valid"]`).waitFor();
  await review(page, 'certificates');
  assertNoProblems(page);
});

let picture;
let anon;
test('anyone verifies the printed certificate from a picture of its QR code: valid', async () => {
  execFileSync('pdftoppm', ['-r', '110', '-png', '-singlefile', pdfFile, path.join(dir, 'page')]);
  picture = path.join(dir, 'page.png');
  anon = await newPage(browser);
  await open(anon, server.url, '/');
  await anon.locator('main a[href="#/verify"]').click();
  await anon.locator('#v-file').waitFor();
  await review(anon, 'verify');
  await anon.setInputFiles('#v-file', picture);
  await anon.locator('[data-verdict]').waitFor({ timeout: 20000 });
  assert.equal(await anon.locator('[data-verdict]').getAttribute('data-verdict'), 'valid');
  const text = await anon.locator('[data-verdict]').innerText();
  assert.match(text, /有效/);
  assert.match(text, /欧阳·买买提/);
  assert.match(text, /330106\*{8}0016/);
  // With the holder's number typed, the page says it is theirs.
  await anon.fill('#v-id', OUYANG);
  await anon.locator('form.verify-form button[type="submit"]').click();
  await anon.locator('[data-holder="yes"]').waitFor();
  await review(anon, 'verify-valid');
  assertNoProblems(anon);
});

test('the officer revokes it with a reason; the same picture then verifies as revoked', async () => {
  const staff = await newPage(browser);
  await signIn(staff, server.url, 'xihu', OFF_PW);
  await staff.locator('header nav a[href="#/officer-certificates"]').click();
  await staff.locator('#oc-id').waitFor();
  await staff.fill('#oc-id', OUYANG);
  await staff.locator('form[role="search"] button[type="submit"]').click();
  const card = staff.locator(`li[data-cert="${cid}"]`);
  await card.waitFor();
  assert.doesNotMatch(await staff.locator('main').innerText(), new RegExp(OUYANG));
  await review(staff, 'officer-certificates');
  // No reason, no revocation; then the confirmation, then done.
  await card.locator('input[value="revoked"]').check();
  await card.locator('button[type="submit"]').click();
  await card.locator('.field-error').waitFor();
  await card.locator('input[id$="-reason"]').fill('证明材料有误');
  await card.locator('button[type="submit"]').click();
  await card.locator('.confirm').waitFor();
  await review(staff, 'officer-certificates-confirm');
  await card.locator('button[data-confirm]').click();
  await staff.locator(`li[data-cert="${cid}"] .badge[data-status="revoked"]`).waitFor();
  await review(staff, 'officer-certificates-revoked');
  assertNoProblems(staff);

  await open(anon, server.url, '/verify');
  await anon.setInputFiles('#v-file', picture);
  await anon.locator('[data-verdict]').waitFor({ timeout: 20000 });
  assert.equal(await anon.locator('[data-verdict]').getAttribute('data-verdict'), 'revoked');
  assert.match(await anon.locator('[data-verdict]').innerText(), /已注销/);
  await review(anon, 'verify-revoked');
  assertNoProblems(anon);
});

test('a pasted text with one changed byte is a bad signature', async () => {
  const resident = await apiClient(server.url, 'ouyang', RES_PW);
  const one = await resident('GET', `/api/v1/certificates/${encodeURIComponent(cid)}`);
  assert.equal(one.status, 200);
  const fake = tamper(one.data.qr, '330106', '330102');
  await open(anon, server.url, '/verify');
  await anon.fill('#v-text', fake);
  await anon.locator('form.verify-form button[type="submit"]').click();
  await anon.locator('[data-verdict]').waitFor();
  assert.equal(await anon.locator('[data-verdict]').getAttribute('data-verdict'), 'bad_signature');
  await review(anon, 'verify-bad-signature');
  // Nothing pasted: the field says so, nothing is sent.
  await open(anon, server.url, '/verify');
  await anon.locator('form.verify-form button[type="submit"]').click();
  assert.equal(await anon.locator('#v-text').getAttribute('aria-invalid'), 'true');
  // A picture without a QR code (the page's own heading): said beside the picture's field.
  const blank = path.join(dir, 'blank.png');
  await anon.locator('main h1').screenshot({ path: blank });
  await anon.setInputFiles('#v-file', blank);
  await anon.locator('#v-file-error').waitFor({ timeout: 20000 });
  assert.match(await anon.locator('#v-file-error').innerText(), /未找到二维码/);
  // No camera here: pressing the button says so instead of failing silently.
  await anon.locator('#v-camera-start').click();
  await anon.locator('#v-camera + .field-error, section[aria-labelledby="v-camera"] .field-error').waitFor({ timeout: 20000 });
  await review(anon, 'verify-errors');
  assertNoProblems(anon);
});

test('the camera reads the printed certificate too (a fake camera playing the page): revoked', async () => {
  execFileSync('pdftoppm', ['-r', '100', '-gray', '-singlefile', pdfFile, path.join(dir, 'gray')]);
  const video = path.join(dir, 'page.y4m');
  // The lower middle of the A4 page, where cert/pdf.c draws the code.
  pgmToY4m(path.join(dir, 'gray.pgm'), video, { x0: 0.2, x1: 0.8, y0: 0.55, y1: 0.95 });
  const withCamera = await launchBrowser({
    extraArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  const cam = await newPage(withCamera);
  await cam.context().grantPermissions(['camera'], { origin: server.url });
  await open(cam, server.url, '/verify');
  await cam.locator('#v-camera-start').click();
  await cam.locator('[data-verdict]').waitFor({ timeout: 30000 });
  assert.equal(await cam.locator('[data-verdict]').getAttribute('data-verdict'), 'revoked');
  // The camera is released once the code is read.
  assert.equal(await cam.evaluate(() => document.querySelector('video.camera').srcObject), null);
  assertNoProblems(cam);
});
