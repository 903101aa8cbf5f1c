// Oversight visits and escalations, in the browser, against the journey's server (e2e/run.sh
// runs it after imports.mjs): a commissioner records a visit with its findings (a refusal first,
// what was typed kept), escalates a concern from it to the oversight panel, sees it on the
// dashboard, and closes it with an outcome. Every page passes lib.check (axe-core, keyboard,
// summary).

import assert from 'node:assert/strict';
import {
  BASE, PASSWORD, check, expectStatus, follow, launch, mainText, newPage, nhsNumber, signIn, signOut, step, submit,
  tick, type, typeDate,
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

const token = (await api('POST', '/api/v1/login', null, { username: 'commissioner', password: PASSWORD })).token;
const person = await api('POST', '/api/v1/people', token, {
  nhs_number: nhsNumber((Date.now() % 600000) + 300000), given_name: 'Imani', family_name: 'Okonjo-Hart',
  date_of_birth: daysAgo(365 * 27), sex: 'female', postcode: 'pe1 2ab', local_authority: 'Peterborough',
  learning_disability: true, autism: true, ehcp: false, setting: 'supported_living', ethnicity: 'N',
  consent: { basis: 'self', recorded_on: daysAgo(90) },
});
await api('POST', `/api/v1/people/${person.id}/admissions`, token, {
  admitted_on: daysAgo(40), hospital: 'Hospital Alder Vale', security_level: 'low', legal_status: 'section_3',
});

const browser = await launch();
try {
  const page = await newPage(browser);
  await signIn(page, 'commissioner');
  await page.goto(`${BASE}/people/${person.id}`);
  assert.match(await mainText(page), /Black or Black British - African/, 'the ethnicity shows in words');

  step('visits: a visit with findings, refused first and kept as typed');
  await follow(page, page.getByRole('link', { name: 'Record oversight visit' }));
  await check(page, 'visit-form');
  await typeDate(page, 'visited_on', daysAgo(3));
  await type(page, '[id="visitor"]', 'Cara Commissioner');
  await tick(page, '[id="seen_in_person-no"]');
  await type(page, '[id="concerns"]', 'Kept apart from the other patients for five weeks.');
  await tick(page, '[id="rp-segregation"]');
  let response = await submit(page, 'Record visit');
  await expectStatus(page, response, 422);
  assert.match(await page.locator('.error-summary').innerText(), /Say why the person was not seen/);
  assert.equal(await page.locator('[id="concerns"]').inputValue(), 'Kept apart from the other patients for five weeks.');
  assert.ok(await page.locator('[id="rp-segregation"]').isChecked(), 'the practice stays ticked');
  await check(page, 'visit-form-refused');
  await type(page, '[id="not_seen_reason"]', 'Asleep after a night of distress; spoke with her mother.');
  await type(page, '[id="views"]', 'Her mother says she wants to come home.');
  await type(page, '[id="actions_agreed"]', 'Ward to send the segregation reviews by Friday.');
  response = await submit(page, 'Record visit');
  await expectStatus(page, response, 200);
  await check(page, 'person-with-visit');
  let text = await mainText(page);
  assert.match(text, /Asleep after a night of distress/);
  assert.match(text, /Long-term segregation/);
  assert.match(text, /Ward to send the segregation reviews by Friday/);

  step('visits: escalate the concern to the oversight panel');
  await follow(page, page.getByRole('link', { name: /^Escalate a concern from this visit/ }));
  await check(page, 'escalate-form');
  assert.equal(await page.locator('[id="concern"]').inputValue(), 'Kept apart from the other patients for five weeks.');
  response = await submit(page, 'Escalate to the oversight panel');
  await expectStatus(page, response, 422);
  assert.match(await page.locator('.error-summary').innerText(), /Choose how urgent it is/);
  await check(page, 'escalate-form-refused');
  await tick(page, '[id="urgency-urgent"]');
  response = await submit(page, 'Escalate to the oversight panel');
  await expectStatus(page, response, 200);
  await check(page, 'escalation');
  const escalation = page.url();
  assert.match(await mainText(page), /Urgent: within a week/);

  step('visits: on the dashboard until closed with an outcome');
  await page.goto(`${BASE}/`);
  await check(page, 'dashboard-escalation');
  assert.match(await mainText(page), /Escalated to the oversight panel, open/);
  const open = page.locator('section[aria-labelledby="escalations-heading"]');
  await follow(page, open.getByRole('link', { name: /Imani Okonjo-Hart/ }));
  assert.equal(page.url(), escalation);
  response = await submit(page, 'Close the escalation');
  await expectStatus(page, response, 422);
  assert.match(await page.locator('.error-summary').innerText(), /Enter the outcome/);
  await check(page, 'escalation-close-refused');
  await type(page, '[id="outcome"]', 'Panel asked for a CETR within two weeks; segregation reviewed daily.');
  response = await submit(page, 'Close the escalation');
  await expectStatus(page, response, 200);
  assert.equal(await open.getByRole('link', { name: /Imani Okonjo-Hart/ }).count(), 0, 'gone from the dashboard');
  await page.goto(escalation);
  assert.match(await mainText(page), /Panel asked for a CETR within two weeks/);
  await check(page, 'escalation-closed');
  await signOut(page);
  console.log('visits passed');
} finally {
  await browser.close();
}
