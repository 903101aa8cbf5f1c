// Bringing a register in from a spreadsheet, in the browser, against the journey's server
// (e2e/run.sh runs it after inpatients.mjs): a commissioner uploads a file that is not a
// spreadsheet (refused), then a small CSV; checks the columns and the preview; imports; finds the
// person on the register; downloads the worklist of who still needs consent; and downloads the
// register as a spreadsheet. Every page passes lib.check (axe-core, keyboard, summary).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASE, check, expectStatus, follow, launch, mainText, newPage, nhsNumber, signIn, signOut, step, submit,
} from './lib.mjs';

const iso = (d) => d.toISOString().slice(0, 10);
const uk = (d) => `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()}`;
const ago = (days) => new Date(Date.now() - days * 86400000);

const dir = mkdtempSync(join(tmpdir(), 'tcr-e2e-import-'));
const added = nhsNumber((Date.now() % 500000) + 300000);
const waiting = nhsNumber(Number(added.slice(3, 9)) + 7);
const csv = [
  'NHS No.,Forename,Surname,DOB,Gender,Postcode,Local authority,LD,Autism,EHCP,Placement,Consent,Consent date,RAG,RAG date',
  `${added},Oona,Fairweather,${uk(ago(365 * 34))},F,PE3 6AA,Peterborough,Y,N,N,Supported living,Self,${uk(ago(40))},Amber,${uk(ago(20))}`,
  `${waiting},Piotr,Nowak,${uk(ago(365 * 12))},M,PE3 6AB,Peterborough,N,Y,Y,Family home,,,,`,
  `123,Bad,Row,${iso(ago(365 * 30))},X,PE3 6AC,Peterborough,Y,N,N,Family home,Self,${uk(ago(40))},Purple,${uk(ago(20))}`,
].join('\r\n');
const file = join(dir, 'register.csv');
writeFileSync(file, csv);
const notes = join(dir, 'notes.txt');
writeFileSync(notes, 'not a spreadsheet');

const browser = await launch();
try {
  const page = await newPage(browser);
  step('import: a commissioner uploads something that is not a spreadsheet');
  await signIn(page, 'commissioner');
  await follow(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }));
  await check(page, 'import');
  await page.locator('#file').setInputFiles(notes);
  let response = await submit(page, 'Upload and preview');
  await expectStatus(page, response, 422);
  assert.match(await page.locator('.error-summary').innerText(), /Excel workbook \(.xlsx\) or a CSV file/);
  await check(page, 'import-refused');

  step('import: a CSV, previewed row by row');
  await page.locator('#file').setInputFiles(file);
  response = await submit(page, 'Upload and preview');
  await expectStatus(page, response, 200);
  assert.match(page.url(), /\/import\/[0-9a-f-]{36}$/);
  let text = await mainText(page);
  assert.match(text, /1 to add, 0 to update, 0 unchanged, 0 possible duplicates, 1 need consent, 1 refused/);
  assert.match(text, /Refused/);
  assert.match(text, /nhs_number: Enter an NHS number of 10 digits/);
  await check(page, 'import-preview');

  step('import: the columns, checked and saved');
  assert.equal(await page.locator('[id="map-nhs_number"]').inputValue(), 'NHS No.', 'guessed from the header');
  assert.equal(await page.locator('[id="map-family_name"]').inputValue(), 'Surname');
  await check(page, 'import-mapping');
  response = await submit(page, 'Save the columns and preview again');
  await expectStatus(page, response, 200);
  assert.match(await mainText(page), /Columns saved/);

  step('import: the worklist of who needs consent');
  const worklist = page.getByRole('link', { name: /Download the rows not imported/ });
  await worklist.focus();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const rows = readFileSync(await download.path(), 'utf8');
  assert.match(rows, /Needs consent/);
  assert.match(rows, /Piotr,Nowak/);
  assert.doesNotMatch(rows, /Oona/, 'who enters the register is not on the worklist');

  step('import: committed, and the person is on the register');
  response = await submit(page, 'Import 1 row');
  await expectStatus(page, response, 200);
  text = await mainText(page);
  assert.match(text, /Imported: 1 added/);
  assert.match(text, /Imported by/);
  await check(page, 'import-done');
  await follow(page, page.getByRole('link', { name: 'Oona Fairweather' }));
  text = await mainText(page);
  assert.match(text, /Oona Fairweather|Fairweather/);
  assert.match(text, /Amber/);
  await check(page, 'import-person');

  step('export: the register, searched, downloaded as a spreadsheet');
  await page.goto(`${BASE}/people?q=Fairweather`);
  await check(page, 'register-searched');
  const xlsxLink = page.getByRole('link', { name: 'Download as spreadsheet (.xlsx)' });
  await xlsxLink.focus();
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  const bytes = readFileSync(await xlsx.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip');
  const csvLink = page.getByRole('link', { name: 'Download as CSV' });
  await csvLink.focus();
  const [csvFile] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const lines = readFileSync(await csvFile.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(lines.length, 2, 'the header and the one person searched for');
  assert.match(lines[1], /Fairweather/);
  await signOut(page);
  console.log('imports passed');
} finally {
  await browser.close();
}
