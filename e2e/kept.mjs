// Forms that don't lose work (issue 14), in headless Chromium against the journey's tcr (same
// environment as journey.mjs). The chair opens a scheduled review's outcome form; the timeout
// warning appears two minutes before the end (the page's clock is moved on, not waited for),
// passes axe-core, and Escape keeps the session alive. The chair types the outcome; the
// session then lapses on the server (its last activity moved back in the SQLite file with the
// sqlite3 command, as 30 idle minutes would); sending the form leads to the sign-in page, which
// says why; after signing in the kept outcome is offered back, sent, and the review is held
// with the text typed. Then the script's own path: on a second review the time runs out while
// typing, the form is kept without being sent, and the chair discards it.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import {
  BASE, PASSWORD, SHOTS, check, launch, mainText, newPage, shoot, step, submit, type,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DB = (process.env.TCR_DATABASE_URL ?? '').replace(/^sqlite:\/\//, '').replace(/\?.*$/, '');
assert.ok(DB, 'TCR_DATABASE_URL names the SQLite file of the server under test');

async function api(path, token, body) {
  const res = await fetch(`${BASE}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const login = async (username) => (await api('/api/v1/login', null, { username, password: PASSWORD })).token;

function nhsNumber(seed) {
  for (let n = seed; ; n++) {
    const digits = `999${String(n).padStart(6, '0')}`.split('').map(Number);
    const sum = digits.reduce((s, d, i) => s + d * (10 - i), 0);
    const c = 11 - (sum % 11);
    if (c === 10) continue;
    return [...digits, c === 11 ? 0 : c].join('');
  }
}

/// A person with a community review chaired by `chair`, `daysAgo` days ago (a panel member sits
/// on one review a day, and the journey's is today).
async function scheduledReview(seed, daysAgo) {
  const admin = await login('admin');
  const users = (await api('/api/v1/users?per_page=100', admin)).items;
  const idOf = (name) => users.find((u) => u.username === name).id;
  const commissioner = await login('commissioner');
  const on = new Date(Date.now() - daysAgo * 86400000).toISOString().slice(0, 10);
  const born = `${new Date().getUTCFullYear() - 30}-03-14`;
  const person = await api('/api/v1/people', commissioner, {
    nhs_number: nhsNumber(seed), given_name: 'Kit', family_name: 'Marlowe', date_of_birth: born,
    sex: 'male', postcode: 'CB1 2AB', local_authority: 'Cambridgeshire', learning_disability: true,
    autism: false, ehcp: false, setting: 'family_home', social_worker: null, keyworker: null,
    registered_on: null, consent: { basis: 'self', recorded_on: on },
  });
  const review = await api(`/api/v1/people/${person.id}/reviews`, commissioner, {
    kind: 'community', scheduled_for: on, chair_id: idOf('chair'),
    expert_by_experience_id: idOf('expert'), clinical_expert_id: idOf('clinician'),
  });
  return `/reviews/${review.id}`;
}

/// What 30 minutes without activity does to the chair's browser sessions, done to the file
/// (Debian's `sqlite3` package: `apt-get install sqlite3`).
function lapseChairSessions() {
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', DB,
    "UPDATE sessions SET last_seen_at = '2000' || substr(last_seen_at, 5) " +
    "WHERE kind = 'browser' AND revoked_at IS NULL " +
    "AND user_id = (SELECT id FROM users WHERE username = 'chair');"]);
}

async function axeWithDialog(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] })); // eslint-disable-line no-undef
  const serious = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.help}`), [], `axe-core on ${name}`);
}

async function signInAgain(page) {
  await page.locator('#username').focus();
  await page.keyboard.type('chair');
  await page.locator('#password').focus();
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

try {
  execFileSync('sqlite3', ['-version']);
} catch {
  assert.fail('kept.mjs needs the sqlite3 command (apt-get install sqlite3)');
}

const browser = await launch();
try {
  const seed = (Date.now() % 800000) + 100000;
  const first = await scheduledReview(seed, 1);
  const second = await scheduledReview(seed + 40, 2);
  const page = await newPage(browser);
  // The page's own clock, so that 28 minutes pass in a moment.
  await page.clock.install();

  step('kept: the chair signs in and opens the outcome form');
  await page.goto(`${BASE}/login`);
  await signInAgain(page);
  await page.goto(`${BASE}${first}`);
  await check(page, 'kept-review');
  const dialog = page.getByRole('dialog', { name: "You're about to be signed out" });
  assert.equal(await dialog.isVisible(), false);

  step('kept: two minutes before the end, the timeout warning');
  await page.clock.fastForward('28:30');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.innerText(), /sign you out in 1 minute \d+ seconds?/);
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Stay signed in');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Sign out');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Stay signed in',
    'focus stays in the dialog');
  await axeWithDialog(page, 'timeout warning');
  if (SHOTS) await shoot(page, 'kept-timeout-warning');

  step('kept: Escape means stay signed in');
  const [kept] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/session/keep-alive')),
    page.keyboard.press('Escape'),
  ]);
  assert.equal(kept.status(), 204);
  await dialog.waitFor({ state: 'hidden' });
  await page.clock.fastForward('05:00');
  assert.equal(await dialog.isVisible(), false, 'kept alive: no warning five minutes on');

  step('kept: the chair types the outcome, and the session lapses');
  const findings = await page.locator('textarea[id^="findings."]').all();
  for (const [i, finding] of findings.entries()) {
    await finding.focus();
    await page.keyboard.type(`Finding ${i + 1}: typed for an hour, not to be lost.`);
  }
  const recommendation = 'Kit stays at home.\nA second line, with "quotes" & 50% more.';
  await type(page, '#recommendations', recommendation);
  lapseChairSessions();

  step('kept: sending it after the session lapsed leads to signing in, with the reason');
  await submit(page, 'Record the outcome');
  assert.match(page.url(), /\/login\?next=\/kept\//);
  const said = await mainText(page);
  assert.match(said, /You were signed out after 30 minutes without activity/);
  assert.match(said, /What you were typing has been kept/);
  await check(page, 'kept-sign-in');

  step('kept: after signing in, the outcome is offered back, sent, and the review held');
  await signInAgain(page);
  assert.match(page.url(), /\/kept\/[0-9a-f-]{36}$/);
  assert.match(await mainText(page), /Your work was kept/);
  await check(page, 'kept-offer');
  await page.getByText('Show what you typed').click();
  assert.match(await mainText(page), /Kit stays at home\.\s+A second line, with "quotes" & 50% more\./);
  await submit(page, 'Send it');
  assert.equal(page.url(), `${BASE}${first}`);
  const held = await mainText(page);
  assert.match(held, /Held on/);
  assert.match(held, /Kit stays at home\./);
  assert.match(held, /Finding 6: typed for an hour, not to be lost\./);
  await check(page, 'kept-held');

  step('kept: the time runs out while typing: the form is kept, not sent');
  await page.goto(`${BASE}${second}`);
  await type(page, '#recommendations', 'Half-written when the time ran out.');
  lapseChairSessions();
  await Promise.all([page.waitForURL(/\/login\?next=\/kept\//), page.clock.fastForward('31:00')]);
  assert.match(await mainText(page), /You were signed out after 30 minutes without activity/);
  await signInAgain(page);
  assert.match(await mainText(page), /Your work was kept/);
  await submit(page, 'Discard it');
  assert.equal(page.url(), `${BASE}${second}`);
  const after = await mainText(page);
  assert.match(after, /What you typed has been discarded/);
  assert.match(after, /Record the outcome/, 'the review was not held');
  await check(page, 'kept-discarded');
  await page.context().close();
} finally {
  await browser.close();
}
console.log('kept: all steps passed');
