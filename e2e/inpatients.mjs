// Inpatients for the Assuring Transformation collection, in the browser, against the journey's
// server (e2e/run.sh runs it after find.mjs): a commissioner records an inpatient who is not on
// the register (a refusal first), records the collection's items on the stay, a transfer and an
// objection, downloads the weekly return's export, and brings the entry onto the register with
// consent. Every page passes lib.check (axe-core, keyboard, summary).

import assert from 'node:assert/strict';
import {
  BASE, PASSWORD, check, expectStatus, follow, launch, mainText, newPage, nhsNumber, signIn, signOut, step, submit,
  type, typeDate,
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

const browser = await launch();
try {
  const page = await newPage(browser);
  step('inpatients: a commissioner records someone in hospital, not on the register');
  await signIn(page, 'commissioner');
  await page.goto(`${BASE}/people`);
  await follow(page, page.getByRole('link', { name: 'Record an inpatient not on the register' }));
  await check(page, 'inpatient-new');
  const nhs = nhsNumber((Date.now() % 700000) + 200000);
  await type(page, '[id="nhs_number"]', nhs);
  await type(page, '[id="given_name"]', 'Tomasz');
  await type(page, '[id="family_name"]', 'Wiśniewski-Bell');
  await typeDate(page, 'date_of_birth', daysAgo(365 * 24));
  await page.selectOption('[id="sex"]', 'male');
  await type(page, '[id="postcode"]', 'pe2 5aa');
  await type(page, '[id="local_authority"]', 'Peterborough');
  await page.selectOption('[id="learning_disability"]', 'yes');
  await page.selectOption('[id="autism"]', 'no');
  let response = await submit(page, 'Record inpatient');
  await expectStatus(page, response, 422);
  assert.match(await page.locator('.error-summary').innerText(), /Enter the hospital/);
  assert.equal(await page.locator('[id="family_name"]').inputValue(), 'Wiśniewski-Bell', 'what was typed is kept');
  await check(page, 'inpatient-new-refused');
  await typeDate(page, 'admission.admitted_on', daysAgo(30));
  await type(page, '[id="admission.hospital"]', 'Hospital Larchmere');
  await type(page, '[id="admission.hospital_ods_code"]', 'rt1ab');
  await page.selectOption('[id="admission.security_level"]', 'low');
  await page.selectOption('[id="admission.legal_status"]', 'section_3');
  response = await submit(page, 'Record inpatient');
  await expectStatus(page, response, 200);
  await check(page, 'inpatient-person');
  let text = await mainText(page);
  assert.match(text, /Inpatient only: not on the register/);
  assert.match(text, /Hospital Larchmere/);
  assert.doesNotMatch(text, /Assess risk/);

  step('inpatients: the collection\'s items on the stay');
  await follow(page, page.getByRole('link', { name: /^Record the Assuring Transformation items/ }));
  await check(page, 'stay-items');
  await page.selectOption('[id="admission_reason"]', 'risk_to_self');
  await page.selectOption('[id="advocate_type"]', 'imha');
  await page.selectOption('[id="cqc_rating"]', 'good');
  await page.selectOption('[id="discharge_barriers.0.code"]', 'funding');
  response = await submit(page, 'Save the items');
  await expectStatus(page, response, 422);
  await check(page, 'stay-items-refused');
  assert.equal(await page.locator('[id="discharge_barriers.0.code"]').inputValue(), 'funding', 'what was chosen is kept');
  await typeDate(page, 'discharge_barriers.0.since', daysAgo(10));
  await typeDate(page, 'effective_on', daysAgo(10));
  response = await submit(page, 'Save the items');
  await expectStatus(page, response, 200);
  text = await mainText(page);
  assert.match(text, /Risk to self/);
  assert.match(text, /Funding not agreed/);

  step('inpatients: a transfer keeps the spell');
  await follow(page, page.getByRole('link', { name: 'Record a transfer' }));
  await check(page, 'stay-transfer');
  await typeDate(page, 'transferred_on', daysAgo(5));
  await type(page, '[id="hospital"]', 'Hospital Rowan Court');
  await page.selectOption('[id="security_level"]', 'medium');
  await page.selectOption('[id="legal_status"]', 'section_3');
  response = await submit(page, 'Record the transfer');
  await expectStatus(page, response, 200);
  await check(page, 'person-transferred');
  text = await mainText(page);
  assert.match(text, /Transferred: Hospital Larchmere/);
  assert.match(text, /Hospital Rowan Court/);

  step('inpatients: an objection to identifiable sharing');
  await follow(page, page.getByRole('link', { name: /^Change\W+objection/ }));
  await check(page, 'objection');
  await page.selectOption('[id="objects"]', 'yes');
  response = await submit(page, 'Record');
  await expectStatus(page, response, 200);
  assert.match(await mainText(page), /Objects to identifiable sharing/);

  step('inpatients: the chair holds their review only with their agreement');
  const personId = page.url().split('/people/')[1].split(/[?#]/)[0];
  const chair = await login('chair');
  const users = (await api('GET', '/api/v1/users?per_page=500', await login('admin'))).items;
  const idOf = (name) => users.find((u) => u.username === name).id;
  const review = await api('POST', `/api/v1/people/${personId}/reviews`, chair, {
    kind: 'post_admission', scheduled_for: daysAgo(9), scheduled_on: daysAgo(12), chair_id: idOf('chair'),
    expert_by_experience_id: idOf('expert'), clinical_expert_id: idOf('clinician'),
  });
  await signOut(page);
  await signIn(page, 'chair');
  await page.goto(`${BASE}/reviews/${review.id}`);
  await check(page, 'review-inpatient-only');
  for (const finding of await page.locator('textarea[id^="findings."]').all()) {
    await finding.focus();
    await page.keyboard.type('Seen on the ward with the advocate.');
  }
  await type(page, '#recommendations', 'Plan the move to a community placement.');
  response = await submit(page, 'Record the outcome');
  await expectStatus(page, response, 422);
  assert.match(await page.locator('.error-summary').innerText(), /agreement/);
  await check(page, 'review-inpatient-only-refused');
  await page.locator('#person_agreed').check();
  response = await submit(page, 'Record the outcome');
  await expectStatus(page, response, 200);
  assert.match(await mainText(page), /Outcome recorded/);
  await signOut(page);
  await signIn(page, 'commissioner');
  await page.goto(`${BASE}/people/${personId}`);

  step('inpatients: onto the register through the consent gate');
  await follow(page, page.getByRole('link', { name: 'Add to the register with their consent' }));
  await check(page, 'inpatient-join');
  assert.equal(await page.locator('[id="family_name"]').inputValue(), 'Wiśniewski-Bell');
  await signOut(page);
  console.log('inpatients passed');
} finally {
  await browser.close();
}
