// Reviews that move (issue 14), against the journey's server right after journey.mjs: the
// commissioner moves the adult's review to a weekend (the page asks first, and refuses a change
// with no reason), gives it a start time and a joining link and changes its expert by
// experience; the panel member who now sits on it sees it in their diary with the time and the
// link; the cancel page asks for a reason; the admin sees each panel member's kind. Every page
// passes lib.check (axe-core, keyboard reach, error summary focus).

import assert from 'node:assert/strict';
import { BASE, check, expectStatus, follow, launch, mainText, newPage, signIn, signOut, step, submit, tick, type, typeDate } from './lib.mjs';

const nav = (page, name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const iso = (d) => d.toISOString().slice(0, 10);

/// The first Saturday at least `after` days from today (UTC), as `YYYY-MM-DD`.
function saturdayAfter(after) {
  const d = new Date();
  d.setUTCHours(12, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + after);
  while (d.getUTCDay() !== 6) d.setUTCDate(d.getUTCDate() + 1);
  return iso(d);
}

const browser = await launch();
try {
  const page = await newPage(browser);

  step('commissioner: opens the adult\u2019s review and moves it');
  await signIn(page, 'commissioner');
  await follow(page, nav(page, 'Reviews'));
  await follow(page, page.getByRole('link', { name: /Bartholomew Quennell/ }).first());
  const review = page.url().replace(BASE, '');
  assert.match(review, /^\/reviews\/[0-9a-f-]{36}$/);
  await follow(page, page.getByRole('link', { name: 'Move this review or change its panel' }));
  await check(page, 'review-change');
  const saturday = saturdayAfter(3);
  await typeDate(page, 'scheduled_for', saturday);
  await type(page, '#starts_at', '10:30');
  await type(page, '#place', 'https://meet.example.nhs.uk/cetr-4471');
  await page.locator('#expert_by_experience_id').selectOption({ label: 'Erin Expert' });
  // The clinical seat lists clinical experts only.
  const clinicians = await page.locator('#clinical_expert_id option').allInnerTexts();
  assert.deepEqual(clinicians.filter((o) => o !== 'Choose'), ['Cleo Clinician']);

  step('commissioner: a change needs a reason');
  let res = await submit(page, 'Save the change');
  assert.equal(res.status(), 422);
  assert.match(await mainText(page), /Enter the reason for the change/);
  assert.equal(await page.locator('#starts_at').inputValue(), '10:30', 'what was typed is kept');
  await check(page, 'review-change-no-reason');

  step('commissioner: a Saturday is booked only once confirmed');
  await type(page, '#reason', 'The family asked for a Saturday; Erin covers for Sam');
  res = await submit(page, 'Save the change');
  assert.equal(res.status(), 422);
  assert.match(await mainText(page), /is a Saturday\. Book it anyway\?/);
  await check(page, 'review-change-day-off');
  await tick(page, '#confirm_day_off');
  res = await submit(page, 'Save the change');
  await expectStatus(page, res, 200);
  assert.equal(page.url(), `${BASE}${review}`);
  let text = await mainText(page);
  assert.match(text, /The review is on Saturday .* at 10:30/);
  assert.match(text, /Erin Expert/);
  assert.doesNotMatch(text, /Sam Sharma/);
  assert.equal(await page.getByRole('link', { name: 'https://meet.example.nhs.uk/cetr-4471' }).count(), 1);
  await check(page, 'review-moved');

  step('commissioner: cancelling asks for a reason on its own page');
  await follow(page, page.getByRole('link', { name: 'Cancel this review' }));
  await check(page, 'review-cancel');
  res = await submit(page, 'Cancel this review');
  assert.equal(res.status(), 422);
  assert.match(await mainText(page), /Enter the reason/);
  await check(page, 'review-cancel-refused');
  await follow(page, page.getByRole('link', { name: 'Back to the review' }));
  assert.match(await mainText(page), /Scheduled for/, 'still scheduled');
  await signOut(page);

  step('panel member: the moved review in the diary, with its time and link');
  await signIn(page, 'expert');
  text = await mainText(page);
  const row = page.locator(`main tr:has(a[href="${review}"])`);
  const words = await row.innerText();
  assert.match(words, /Saturday/);
  assert.match(words, /10:30/);
  assert.match(words, /B\.Q\./);
  assert.match(words, /Expert by experience/);
  assert.doesNotMatch(text, /[Oo]verdue/);
  assert.equal(await row.getByRole('link', { name: 'https://meet.example.nhs.uk/cetr-4471' }).count(), 1);
  await check(page, 'diary-member');
  await signOut(page);

  step('sam: no longer on that review');
  await signIn(page, 'sam');
  assert.equal(await page.locator(`main a[href="${review}"]`).count(), 0);
  await check(page, 'diary-sam');
  await signOut(page);

  step('admin: each panel member\u2019s kind on the Users page');
  await signIn(page, 'admin');
  await follow(page, nav(page, 'Users'));
  const erin = await page.locator('tr', { hasText: 'Erin Expert' }).innerText();
  assert.match(erin, /Expert by experience/);
  const cleo = await page.locator('tr', { hasText: 'Cleo Clinician' }).innerText();
  assert.match(cleo, /Clinical expert/);
  await check(page, 'users-panel-kinds');
  await signOut(page);
} finally {
  await browser.close();
}
console.log('moves: every step passed');
