// The person's record in the browser, against the journey's server (e2e/run.sh runs it after
// imports.mjs): a person and a review are set up through the API; a commissioner opens the
// chronology from the person page, adds a note (a refusal first, which keeps what was typed),
// sees it there and filters to notes; uploads a document to the review's pack (a file that only
// claims to be a PDF first) and downloads it; the panel member on the review downloads it too;
// and the administrator sees each download in the audit trail. Every page passes lib.check
// (axe-core, keyboard, summary).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASE, PASSWORD, check, expectStatus, follow, launch, mainText, newPage, nhsNumber, signIn, signOut, step, submit, type,
} from './lib.mjs';

const iso = (d) => d.toISOString().slice(0, 10);
const daysAgo = (n) => iso(new Date(Date.now() - n * 86400000));

async function api(method, path, token, body) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const login = async (username) => (await api('POST', '/api/v1/login', null, { username, password: PASSWORD })).token;

step('record: a person and a review, through the API');
const commissioner = await login('commissioner');
const chair = await login('chair');
const users = (await api('GET', '/api/v1/users?per_page=500', await login('admin'))).items;
const idOf = (name) => users.find((u) => u.username === name).id;
const person = await api('POST', '/api/v1/people', commissioner, {
  nhs_number: nhsNumber((Date.now() % 400000) + 500000), given_name: 'Rhiannon', family_name: 'Okafor-Lind',
  date_of_birth: daysAgo(365 * 17), sex: 'female', postcode: 'PE2 5AA', local_authority: 'Peterborough',
  learning_disability: true, autism: true, ehcp: true, setting: 'family_home', social_worker: null,
  keyworker: null, registered_on: daysAgo(90),
  consent: { basis: 'self', recorded_on: daysAgo(90), given_by: null, relationship: null,
    gillick_competent: false, capacity_assessed_on: null, best_interests_decision_on: null },
});
const review = await api('POST', `/api/v1/people/${person.id}/reviews`, chair, {
  kind: 'community', scheduled_for: daysAgo(-23), chair_id: idOf('chair'),
  expert_by_experience_id: idOf('sam'), clinical_expert_id: idOf('clinician'),
});

const dir = mkdtempSync(join(tmpdir(), 'tcr-e2e-record-'));
const pdf = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n'
  + '2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n'
  + '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n'
  + 'trailer <</Root 1 0 R>>\n%%EOF\n');
const report = join(dir, 'School report.pdf');
writeFileSync(report, pdf);
const fake = join(dir, 'not-really.pdf');
writeFileSync(fake, 'MZ\u0090 an executable renamed .pdf');

const browser = await launch();
try {
  const page = await newPage(browser);
  step('record: the chronology, from the person page');
  await signIn(page, 'commissioner');
  await page.goto(`${BASE}/people/${person.id}`);
  await check(page, 'person-record');
  await follow(page, page.getByRole('link', { name: /^Chronology/ }));
  assert.match(page.url(), /\/chronology$/);
  let text = await mainText(page);
  assert.match(text, /Added to the register/);
  assert.match(text, /Consent recorded/);
  assert.match(text, /booked for/);
  await check(page, 'chronology');

  step('record: a note refused without its text keeps what was typed, then added');
  await page.locator('#category').selectOption('meeting');
  let response = await submit(page, 'Add note');
  await expectStatus(page, response, 422);
  assert.match(await page.locator('.error-summary').innerText(), /Enter what happened/);
  assert.equal(await page.locator('#category').inputValue(), 'meeting', 'the category as chosen');
  await check(page, 'chronology-refused');
  await type(page, '#text', 'Professionals meeting at school: a transition plan is agreed.');
  response = await submit(page, 'Add note');
  await expectStatus(page, response, 200);
  text = await mainText(page);
  assert.match(text, /Note added/);
  assert.match(text, /Professionals meeting at school: a transition plan is agreed\./);
  await check(page, 'chronology-noted');
  await page.locator('#kind').selectOption('note');
  response = await submit(page, 'Show');
  await expectStatus(page, response, 200);
  text = await mainText(page);
  assert.match(text, /1 entry/);
  assert.doesNotMatch(text, /Added to the register/);
  await check(page, 'chronology-notes');

  step('record: a document in the review pack (a file that only claims to be a PDF first)');
  await page.goto(`${BASE}/reviews/${review.id}`);
  await check(page, 'review-pack');
  await page.locator('#document-file').setInputFiles(fake);
  await type(page, '#document-title', 'School report, autumn term');
  await page.locator('#document-kind').selectOption('pack_paper');
  response = await submit(page, 'Upload document');
  await expectStatus(page, response, 422);
  assert.match(await page.locator('.error-summary').innerText(), /must be a PDF, a Word document/);
  assert.equal(await page.locator('#title').inputValue(), 'School report, autumn term');
  assert.equal(await page.locator('#kind').inputValue(), 'pack_paper');
  await check(page, 'upload-refused');
  await page.locator('#file').setInputFiles(report);
  response = await submit(page, 'Upload document');
  await expectStatus(page, response, 200);
  assert.match(page.url(), new RegExp(`/reviews/${review.id}#documents$`));
  text = await mainText(page);
  assert.match(text, /Document uploaded: School report, autumn term/);
  await check(page, 'review-pack-uploaded');

  step('record: downloaded, the same bytes');
  const link = page.getByRole('link', { name: /School report, autumn term/ });
  await link.focus();
  let [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.equal(download.suggestedFilename(), 'School_report.pdf');
  assert.deepEqual(readFileSync(await download.path()), pdf);
  await signOut(page);

  step('record: the panel member on the review downloads it too');
  await signIn(page, 'sam');
  await page.goto(`${BASE}/reviews/${review.id}`);
  await check(page, 'review-pack-panel');
  assert.equal(await page.locator('#document-file').count(), 0, 'a panel member does not upload');
  const theirs = page.getByRole('link', { name: /School report, autumn term/ });
  await theirs.focus();
  [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.deepEqual(readFileSync(await download.path()), pdf);
  await signOut(page);

  step('record: the audit trail shows every download');
  await signIn(page, 'admin');
  await page.goto(`${BASE}/admin/audit?person_id=${person.id}`);
  text = await mainText(page);
  const downloads = text.match(/downloaded a document from the record of/g) ?? [];
  assert.equal(downloads.length, 2, text);
  assert.match(text, /added a note to the record of/);
  assert.match(text, /uploaded a document to the record of/);
  await check(page, 'audit-record');
  await signOut(page);
  console.log('record passed');
} finally {
  await browser.close();
}
