// Finding people and worklists (issue 14), in headless Chromium against the journey's server
// (e2e/run.sh runs it right after journey.mjs): the register's search ignores accents
// ("lefevre" finds Lefèvre), the overdue filter keeps the Overdue tag's rows, the actions page
// names the person on each row, the audit trail reads as sentences and is searched by NHS
// number, and the review outcome form at phone width (action rows as labelled cards) passes
// the same checks (axe-core, keyboard) as every page.

import assert from 'node:assert/strict';
import {
  BASE, check, follow, launch, mainText, newPage, nhsNumber, PASSWORD, signIn, signOut, step, submit, tick, type,
} from './lib.mjs';

const iso = (d) => d.toISOString().slice(0, 10);
const daysAgo = (n) => iso(new Date(Date.now() - n * 86400000));

async function api(path, { token, body, method } = {}) {
  const res = await fetch(`${BASE}${path}`, {
    method: method ?? (body ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const login = async (username) => (await api('/api/v1/login', { body: { username, password: PASSWORD } })).token;

const RED = {
  mh_unstable: true, behaviour_challenges: true, unstable_environment: false, crisis_last_month: false,
  harm_to_self_or_others: true, admission_last_year: true, placement_breakdown: true, carers_not_coping: false,
  community_options_exhausted: false, criminal_justice: true, transition: false, substance_misuse: false,
};

const browser = await launch();
try {
  step('set-up through the API: Marie Lefèvre, rated red 20 days ago, and a review to record');
  const c = await login('commissioner');
  const nhs = nhsNumber((Date.now() % 800000) + 100000);
  const marie = await api('/api/v1/people', {
    token: c,
    body: {
      nhs_number: nhs, given_name: 'Marie', family_name: 'Lefèvre', date_of_birth: '1990-04-02', sex: 'female',
      postcode: 'PE1 1AA', local_authority: 'Peterborough', learning_disability: true, autism: false, ehcp: false,
      setting: 'supported_living', social_worker: null, keyworker: null, registered_on: null,
      consent: { basis: 'self', recorded_on: daysAgo(40) },
    },
  });
  await api(`/api/v1/people/${marie.id}/risk-assessments`, { token: c, body: { assessed_on: daysAgo(20), answers: RED } });
  const me = async (u) => (await api('/api/v1/me', { token: await login(u) })).id;
  const review = await api(`/api/v1/people/${marie.id}/reviews`, {
    token: c,
    body: { kind: 'community', scheduled_for: daysAgo(-47), chair_id: await me('chair'), expert_by_experience_id: await me('sam'), clinical_expert_id: await me('clinician') },
  });

  const page = await newPage(browser);
  step('commissioner: "lefevre" finds Lefèvre');
  await signIn(page, 'commissioner');
  await follow(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Register', exact: true }));
  await type(page, '#q', 'lefevre');
  await submit(page, 'Show');
  let rows = await page.locator('main table tbody tr').allInnerTexts();
  assert.equal(rows.length, 1, rows.join('\n'));
  assert.match(rows[0], /Lefèvre, Marie/);
  assert.equal(await page.locator('#q').inputValue(), 'lefevre', 'the search stays in the form');
  await check(page, 'register-search');

  step('commissioner: only people with something overdue, each tagged Overdue');
  await type(page, '#q', '');
  await tick(page, '#overdue');
  await submit(page, 'Show');
  assert.match(page.url(), /overdue=true/, 'the filter is kept in the address');
  rows = await page.locator('main table tbody tr').allInnerTexts();
  assert.ok(rows.some((r) => /Lefèvre/.test(r)), rows.join('\n'));
  for (const r of rows) assert.match(r, /Overdue/, `every row is overdue: ${r}`);
  await check(page, 'register-overdue');
  await page.locator('#sort').selectOption('-days_in_hospital');
  await submit(page, 'Show');
  assert.match(page.url(), /sort=-days_in_hospital/);
  await check(page, 'register-sorted');

  step('commissioner: the actions page names the person on each row, soonest due first');
  await follow(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Actions', exact: true }));
  const actionRows = page.locator('main table tbody tr');
  const count = await actionRows.count();
  assert.ok(count >= 1, 'the journey left an open action');
  const dues = [];
  for (let i = 0; i < count; i++) {
    const person = actionRows.nth(i).locator('td[data-label="Person"] a');
    assert.ok((await person.innerText()).trim().length > 0, 'each row names its person');
    assert.match(await person.getAttribute('href'), /^\/people\/[0-9a-f-]{36}$/);
    dues.push(await actionRows.nth(i).locator('td[data-label="Due"]').innerText());
  }
  assert.deepEqual([...dues].sort(), dues, 'soonest due first');
  await check(page, 'actions-named');

  step('commissioner: the outcome form at phone width, each action a labelled card');
  const phone = await newPage(browser, 375);
  await signIn(phone, 'commissioner');
  await phone.goto(`${BASE}/reviews/${review.id}`);
  const whoLabel = phone.locator('label[for="actions[0].who"]');
  assert.ok(await whoLabel.isVisible(), 'the WHO label shows on a phone');
  const box = await phone.locator('[id="actions[0].who"]').boundingBox();
  assert.ok(box && box.width > 200, 'each field takes the card\u2019s width');
  assert.equal(await phone.locator('[id="actions[0].who"]').getAttribute('list'), 'action-owners');
  await check(phone, 'outcome-phone');
  await signOut(phone);
  await signOut(page);

  step('admin: the audit trail in sentences, searched by NHS number');
  await signIn(page, 'admin');
  await page.goto(`${BASE}/admin/audit`);
  await type(page, '#nhs_number', `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`);
  await submit(page, 'Filter');
  const trail = await mainText(page);
  assert.match(trail, /added M\. Lefèvre to the register on \d{1,2} [A-Z][a-z]{2} \d{4} at \d{2}:\d{2}/);
  assert.match(trail, /recorded a risk assessment for M\. Lefèvre/);
  assert.doesNotMatch(trail, /person\.create|risk\.assess|\d{4}-\d{2}-\d{2}T/);
  await check(page, 'audit-by-nhs-number');
  await signOut(page);
  console.log('find passed');
} finally {
  await browser.close();
}
