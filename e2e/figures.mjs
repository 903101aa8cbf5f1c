// The Figures page on the demo's register, as the analyst then the commissioner would use it:
// the note on hidden numbers, each chart an image named in words with its table, a range chosen
// with the keyboard, a refused range kept in its form, and the PDF downloaded. e2e/run.sh runs
// it after the tour; by hand: TCR_URL=http://127.0.0.1:8000 node figures.mjs

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, check, launch, newPage, signIn, signOut, step, submit } from './lib.mjs';

const browser = await launch();
try {
  const page = await newPage(browser);
  step('as the analyst: the figures with small numbers hidden');
  await signIn(page, 'analyst');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Figures' }).click();
  await page.waitForURL(`${BASE}/figures`);
  await check(page, 'figures-analyst');
  assert.match(await page.locator('#suppression-note').innerText(), /numbers from 1 to 7 are shown as \*/);
  // Every chart is an image named in words, followed by the table of its numbers.
  const charts = page.getByRole('img', { name: /^(Line|Bar) chart of / });
  assert.equal(await charts.count(), 10);
  assert.ok(await page.getByRole('table', { name: 'People on the register by rating, by month' }).isVisible());
  const rows = page.getByRole('table', { name: 'People on the register by rating, by month' }).locator('tbody tr');
  assert.equal(await rows.count(), 12, 'the last twelve whole months');

  step('  three months chosen with the keyboard');
  const to = await page.locator('#to').inputValue();
  const options = await page.locator('#from option').evaluateAll((os) => os.map((o) => o.value));
  const from = options[options.indexOf(to) + 2];
  await page.locator('#from').focus();
  await page.locator('#from').selectOption(from);
  let res = await submit(page, 'Show these months');
  assert.equal(res.status(), 200);
  assert.equal(await rows.count(), 3);
  await check(page, 'figures-three-months');

  step('  a range the wrong way round is refused and kept');
  await page.locator('#from').selectOption(to);
  await page.locator('#to').selectOption(from);
  res = await submit(page, 'Show these months');
  assert.equal(res.status(), 422);
  await check(page, 'figures-refused');
  assert.match(await page.locator('.error-summary').innerText(), /Choose a month on or after the first month/);
  assert.equal(await page.locator('#from').inputValue(), to);
  assert.equal(await page.locator('#to').inputValue(), from);
  await signOut(page);

  step('as the commissioner: exact numbers and the PDF');
  await signIn(page, 'commissioner');
  await page.goto(`${BASE}/figures`);
  await check(page, 'figures-commissioner');
  assert.equal(await page.locator('#suppression-note').count(), 0);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /Download this page as a PDF/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^tcr-figures-\d{4}-\d{2}-to-\d{4}-\d{2}\.pdf$/);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download the figures as CSV' }).click(),
  ]);
  assert.match(csv.suggestedFilename(), /^tcr-figures-\d{4}-\d{2}-to-\d{4}-\d{2}\.csv$/);
  assert.match(readFileSync(await csv.path(), 'utf8').split('\n')[0], /^month,as_at,figure,/);
  await signOut(page);
  console.log('figures passed');
} finally {
  await browser.close();
}
