// Corrections in the browser, against the journey's server (e2e/run.sh runs it right after
// journey.mjs): the facts are set up through the API, then a commissioner corrects a stay (a
// refused correction first) and voids an assessment, and the chair marks an action done on a
// day and undoes it with a reason. Every page passes lib.check (axe-core, keyboard, summary).

import assert from 'node:assert/strict';
import {
  BASE, PASSWORD, check, expectStatus, follow, launch, mainText, newPage, signIn, signOut, step, shortDate, submit, type, typeDate,
} from './lib.mjs';

const iso = (d) => d.toISOString().slice(0, 10);
const daysAgo = (n) => iso(new Date(Date.now() - n * 86400000));

/// A valid NHS number from the 999 test range (modulus 11 check digit).
function nhsNumber(seed) {
  for (let n = seed; ; n++) {
    const digits = `999${String(n).padStart(6, '0')}`.split('').map(Number);
    const sum = digits.reduce((s, d, i) => s + d * (10 - i), 0);
    const c = 11 - (sum % 11);
    if (c === 10) continue;
    return [...digits, c === 11 ? 0 : c].join('');
  }
}

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

step('corrections: the facts, through the API');
const commissioner = await login('commissioner');
const chair = await login('chair');
const users = (await api('GET', '/api/v1/users?per_page=500', await login('admin'))).items;
const idOf = (name) => users.find((u) => u.username === name).id;
const seed = (Date.now() % 800000) + 100000;
const person = await api('POST', '/api/v1/people', commissioner, {
  nhs_number: nhsNumber(seed), given_name: 'Ffion', family_name: 'Adebayo-Marsh',
  date_of_birth: daysAgo(365 * 15), sex: 'female', postcode: 'PE1 1AA', local_authority: 'Peterborough',
  learning_disability: true, autism: false, ehcp: false, setting: 'family_home', social_worker: null,
  keyworker: null, registered_on: daysAgo(120),
  consent: { basis: 'parental', recorded_on: daysAgo(120), given_by: 'Nia Adebayo', relationship: 'mother',
    gillick_competent: false, capacity_assessed_on: null, best_interests_decision_on: null },
});
await api('POST', `/api/v1/people/${person.id}/risk-assessments`, commissioner, {
  assessed_on: daysAgo(60), answers: Object.fromEntries((await api('GET', '/api/v1/risk-tool', commissioner))
    .questions.map((q) => [q.id, q.id === 'mh_unstable'])),
});
await api('POST', `/api/v1/people/${person.id}/admissions`, commissioner, {
  admitted_on: daysAgo(20), hospital: 'Hospital Ashgrove', security_level: 'low', legal_status: 'section_2',
});
const review = await api('POST', `/api/v1/people/${person.id}/reviews`, chair, {
  kind: 'inpatient', scheduled_for: daysAgo(3), scheduled_on: daysAgo(5), chair_id: idOf('chair'),
  expert_by_experience_id: idOf('expert'), clinical_expert_id: idOf('clinician'),
});
// A finding for each key line of enquiry this review asks (the policy's, by type and setting).
const findings = Object.fromEntries(review.lines_of_enquiry
  .map(({ key }) => [key, `Finding on ${key.replace(/_/g, ' ')}`]));
await api('POST', `/api/v1/reviews/${review.id}/outcome`, chair, {
  held_on: daysAgo(3), findings, recommendations: 'Plan a discharge',
  actions: [{ who: 'Ward team Heulwen', what: 'Write the discharge plan', when: daysAgo(-20), how: 'Meeting' }],
});

const browser = await launch();
try {
  const page = await newPage(browser);
  step('commissioner: corrects the stay, a refusal first');
  await signIn(page, 'commissioner');
  await page.goto(`${BASE}/people/${person.id}`);
  await check(page, 'person-corrections');
  assert.equal(await page.getByRole('link', { name: /^Change/ }).count() >= 11, true, 'Change links on every row');
  await follow(page, page.getByRole('link', { name: /^Correct the stay at Hospital Ashgrove/ }));
  await check(page, 'stay-correct');
  await type(page, '[id="hospital"]', 'Hospital Birchwood');
  await typeDate(page, 'admitted_on', daysAgo(22));
  let response = await submit(page, 'Save the correction');
  await expectStatus(page, response, 422);
  assert.match(await page.locator('.error-summary').innerText(), /reason for the correction/);
  assert.equal(await page.locator('[id="hospital"]').inputValue(), 'Hospital Birchwood', 'what was typed is kept');
  await check(page, 'stay-correct-refused');
  await type(page, '[id="correction_reason"]', 'The referral letter gave the wrong hospital and date');
  response = await submit(page, 'Save the correction');
  await expectStatus(page, response, 200);
  let text = await mainText(page);
  assert.match(text, /The stay is corrected/);
  assert.match(text, /Hospital Birchwood/);
  assert.match(text, new RegExp(shortDate(daysAgo(22))));

  step('commissioner: voids the assessment entered in error');
  await follow(page, page.getByRole('link', { name: /^Void/ }));
  await check(page, 'assessment-void');
  await type(page, '[id="reason"]', 'Entered against the wrong person');
  response = await submit(page, 'Void this assessment');
  await expectStatus(page, response, 200);
  await check(page, 'person-voided');
  text = await mainText(page);
  assert.match(text, /Voided assessments/);
  assert.match(text, /Entered against the wrong person/);
  assert.equal(await page.locator('del').count(), 1);
  assert.equal(await page.getByRole('link', { name: /^Void/ }).count(), 0);
  await signOut(page);

  step('chair: an action done on a day, then undone with a reason');
  await signIn(page, 'chair');
  await page.goto(`${BASE}/actions`);
  await check(page, 'actions-corrections');
  const row = page.locator('tr').filter({ hasText: 'Write the discharge plan' });
  const box = (part) => row.locator(`input[name="completed_on-${part}"]`);
  const shown = `${await box('year').inputValue()}-${await box('month').inputValue()}-${await box('day').inputValue()}`;
  assert.equal(shown, iso(new Date()), 'defaults to today');
  response = await submit(page, /^Drop\W+Write the discharge plan/);
  await expectStatus(page, response, 422);
  await check(page, 'actions-drop-refused');
  {
    const [y, m, d] = daysAgo(1).split('-');
    const again = page.locator('tr').filter({ hasText: 'Write the discharge plan' });
    await again.locator('input[name="completed_on-day"]').fill(String(Number(d)));
    await again.locator('input[name="completed_on-month"]').fill(String(Number(m)));
    await again.locator('input[name="completed_on-year"]').fill(y);
  }
  response = await submit(page, /^Done\W+Write the discharge plan/);
  await expectStatus(page, response, 200);
  await page.goto(`${BASE}/reviews/${review.id}`);
  await check(page, 'review-action-done');
  assert.match(await mainText(page), new RegExp(`Done ${shortDate(daysAgo(1))}`));
  await type(page, 'input[id^="reopen-"]', 'Ticked by mistake: the plan is still a draft');
  response = await submit(page, /^Reopen\W+Write the discharge plan/);
  await expectStatus(page, response, 200);
  await check(page, 'review-action-reopened');
  assert.match(await mainText(page), /Ticked by mistake/);
  await signOut(page);
  console.log('corrections passed');
} finally {
  await browser.close();
}
