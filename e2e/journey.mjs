// The journey of issue 6, in headless Chromium, against a tcr on a fresh SQLite file (e2e/run.sh
// starts it): a commissioner adds a child with parental consent (after a refused consent),
// rates them red and schedules a CETR with a full panel; the chair holds it with two actions,
// records who attended and the views, downloads the report and its easy-read version and
// records the report as sent, sees the follow-up scheduled and marks an action done; the commissioner generates the monthly
// return and downloads its PDF; a panel member sees only that review; the analyst sees no names;
// the admin sees the failed sign-in and an intact audit trail. Every page passes lib.check.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  BASE, check, expectStatus, follow, launch, mainText, newPage, nhsNumber, signIn, signOut, step, submit, tick, type, typeDate,
} from './lib.mjs';

const iso = (d) => d.toISOString().slice(0, 10);
function shift(day, { years = 0, days = 0 }) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}
const id = (name) => `[id="${name}"]`;
const nav = (page, name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

const seed = Date.now() % 900000;
const child = { given: 'Zoë', family: 'Kowalczyk', nhs: nhsNumber(seed) };
const other = { given: 'Bartholomew', family: 'Quennell', nhs: nhsNumber(seed + 50) };
const names = (p) => [p.given, p.family];

async function newPerson(page, p, { born, consentOn }) {
  await follow(page, nav(page, 'Register'));
  await check(page, 'register');
  await follow(page, page.getByRole('link', { name: 'Add a person' }));
  await check(page, 'person-new');
  await type(page, '#nhs_number', p.nhs);
  await type(page, '#given_name', p.given);
  await type(page, '#family_name', p.family);
  await typeDate(page, 'date_of_birth', born);
  await page.locator('#sex').selectOption('female');
  await type(page, '#postcode', 'CB1 2AB');
  await type(page, '#local_authority', 'Cambridgeshire');
  await tick(page, '#ld');
  await page.locator('#setting').selectOption('family_home');
  await typeDate(page, 'consent.recorded_on', consentOn);
}

async function schedule(page, { expert, on }) {
  await follow(page, page.getByRole('link', { name: 'Schedule a review' }));
  await check(page, 'schedule');
  await tick(page, '#kind-community');
  await typeDate(page, 'scheduled_for', on);
  await page.locator('#chair_id').selectOption({ label: 'Chris Chair' });
  await page.locator('#expert_by_experience_id').selectOption({ label: expert });
  await page.locator('#clinical_expert_id').selectOption({ label: 'Cleo Clinician' });
  let res = await submit(page, 'Schedule the review');
  if (res.status() === 422 && await page.locator('#confirm_day_off').count() > 0) {
    // Today is a weekend or bank holiday: the page asks first.
    await check(page, 'schedule-day-off');
    await tick(page, '#confirm_day_off');
    res = await submit(page, 'Schedule the review');
  }
  await expectStatus(page, res, 200);
  assert.match(page.url(), /\/reviews\/[0-9a-f-]{36}$/);
  return page.url().replace(BASE, '');
}

let today;
const browser = await launch();
try {
  const page = await newPage(browser);

  step('a mistyped password is refused (the admin sees it later)');
  await page.goto(`${BASE}/login`);
  await type(page, '#username', 'commissioner');
  await type(page, '#password', 'not-the-password');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await mainText(page), /username or password/i);
  await check(page, 'login-refused');

  step('commissioner: the dashboard of an empty register');
  await signIn(page, 'commissioner');
  // The home page gives today in words ("· Sunday 29 November 2026").
  today = iso(new Date(`${(await mainText(page)).match(/· \w+ (\d{1,2} \w+ \d{4})/)[1]} 12:00 UTC`));
  assert.match(await mainText(page), /People on the register by rating/);
  await check(page, 'dashboard-commissioner-empty');

  step('commissioner: a child cannot join on their own consent without Gillick competence');
  const consentOn = shift(today, { days: -60 });
  await newPerson(page, child, { born: shift(today, { years: -12 }), consentOn });
  await tick(page, '#basis-self');
  let res = await submit(page, 'Add to the register');
  assert.equal(res.status(), 422, 'the refused consent is a 422');
  assert.match(await mainText(page), /Gillick/);
  await check(page, 'person-new-refused');
  // The error summary's first link takes keyboard focus to its field.
  await page.locator('.error-summary a').first().focus();
  await page.keyboard.press('Enter');
  assert.ok(
    await page.evaluate(() => document.activeElement.matches('input, select, textarea')),
    'an error summary link moves focus to its field',
  );

  step('commissioner: parental consent is accepted');
  await tick(page, '#basis-parental');
  await type(page, id('consent.given_by'), 'Ama Kowalczyk');
  await type(page, id('consent.relationship'), 'Mother');
  res = await submit(page, 'Add to the register');
  await expectStatus(page, res, 200);
  assert.match(page.url(), /\/people\/[0-9a-f-]{36}$/);
  const childPage = page.url();
  assert.match(await mainText(page), /Parental consent/);
  await check(page, 'person');

  step('commissioner: the risk tool, all yes, suggests red; confirmed');
  await follow(page, page.getByRole('link', { name: 'Assess risk' }));
  await check(page, 'assess');
  await typeDate(page, 'assessed_on', today);
  for (const yes of await page.locator('input[type=radio][value=yes]').all()) {
    await yes.focus();
    await page.keyboard.press('Space');
  }
  await submit(page, 'Work out the suggested rating');
  assert.match(await mainText(page), /suggested rating\s*Red/i);
  assert.ok(await page.locator('#rating-red').isChecked(), 'the suggestion is preselected');
  await check(page, 'assess-confirm');
  await submit(page, 'Confirm rating');
  assert.equal(page.url(), childPage);
  assert.equal(await page.locator('.rating-panel .rating--red').count() > 0, true, 'rated red');
  await check(page, 'person-red');

  step('commissioner: a CETR with a full panel');
  const review = await schedule(page, { expert: 'Erin Expert', on: today });
  assert.match(await mainText(page), /Erin Expert/);
  await check(page, 'review-scheduled');

  step('commissioner: an adult on their own consent, reviewed by another panel');
  await newPerson(page, other, { born: shift(today, { years: -30 }), consentOn });
  await tick(page, '#basis-self');
  res = await submit(page, 'Add to the register');
  await expectStatus(page, res, 200);
  // A panel member sits on one review a day.
  const otherReview = await schedule(page, { expert: 'Sam Sharma', on: shift(today, { days: 1 }) });

  step('commissioner: the dashboard shows both reviews in the next 14 days');
  await follow(page, nav(page, 'Home'));
  const upcoming = page.locator('section[aria-labelledby=upcoming] tbody tr');
  assert.equal(await upcoming.count(), 2);
  assert.match(await upcoming.filter({ hasText: child.given }).innerText(), /Panel complete/);
  assert.match(await upcoming.filter({ hasText: other.given }).innerText(), /Panel complete/);
  await check(page, 'dashboard-commissioner');
  await signOut(page);

  step('chair: holds the review with two actions');
  await signIn(page, 'chair');
  assert.match(await mainText(page), /Your reviews/);
  await check(page, 'dashboard-chair');
  // The chair's home is their diary: the review by its date, the person by initials.
  await follow(page, page.locator(`main a[href="${review}"]`).first());
  assert.equal(page.url(), `${BASE}${review}`);
  await check(page, 'review-chair');
  for (const finding of await page.locator('textarea[id^="findings."]').all()) {
    await finding.focus();
    await page.keyboard.type('Discussed with the family and the school; see the actions.');
  }
  await type(page, '#recommendations', 'Keep Zoë at home with intensive support.');
  // Who attended: the panel is ticked; the person and her mother took part too.
  assert.ok(await page.locator(id('attendance.panel-chair')).isChecked());
  await page.locator(id('attendance.others[0].role')).selectOption('person');
  await page.locator(id('attendance.others[1].role')).selectOption('parent_carer');
  await type(page, id('attendance.others[1].name'), 'Ann Kowalska');
  await type(page, '#person_views', 'I like my school. I want to stay at home.');
  await type(page, '#family_views', 'We need help in the evenings.');
  await type(page, '#easy_words', 'You want to stay at home.\nA nurse will visit you every week.');
  const actions = [
    ['Community LD nurse', 'Positive behaviour support plan', 'Weekly visits at home'],
    ['SENCo', 'Review the EHCP', 'Annual review brought forward'],
  ];
  for (const [i, [who, what, how]] of actions.entries()) {
    await type(page, id(`actions[${i}].who`), who);
    await type(page, id(`actions[${i}].what`), what);
    await typeDate(page, `actions[${i}].when`, shift(today, { days: 28 + i }));
    await type(page, id(`actions[${i}].how`), how);
  }
  await submit(page, 'Record the outcome');
  let text = await mainText(page);
  assert.match(text, /Outcome recorded with 2 action\(s\)/);
  assert.match(text, /Follow-up/);
  assert.match(text, /Ann Kowalska/);
  assert.match(text, /I want to stay at home/);
  await check(page, 'review-held');

  step('chair: downloads the report and the easy-read report, then records the report as sent');
  const reportShas = [];
  for (const name of ['Download the report (PDF)', 'Download the easy-read report (PDF)']) {
    const link = page.getByRole('link', { name });
    await link.focus();
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-', name);
    reportShas.push(createHash('sha256').update(bytes).digest('hex'));
  }
  await tick(page, id('sent_to'));
  await tick(page, id('sent_to-family'));
  await tick(page, id('sent_by'));
  await submit(page, 'Record the report as sent');
  text = await mainText(page);
  assert.match(text, /recorded as sent/);
  assert.match(text, /The person, Family or carers/);
  assert.ok(text.includes(reportShas[0]) && text.includes(reportShas[1]), 'the page names the reports sent');
  await check(page, 'review-report-sent');

  step('chair: the follow-up review is scheduled');
  await follow(page, page.getByRole('link', { name: 'Open the follow-up review' }));
  assert.match(await mainText(page), /Scheduled for/);
  await check(page, 'review-follow-up');

  step('chair: marks an action done');
  await follow(page, nav(page, 'Actions'));
  await check(page, 'actions');
  const doneButton = (what) => new RegExp(`^Done\\W+${what}$`);
  await submit(page, doneButton(actions[0][1]));
  assert.match(await mainText(page), /marked done/);
  assert.equal(await page.getByRole('button', { name: doneButton(actions[0][1]) }).count(), 0);
  assert.equal(await page.getByRole('button', { name: doneButton(actions[1][1]) }).count(), 1);
  await check(page, 'actions-after');
  await signOut(page);

  step('commissioner: generates the monthly return and downloads its PDF');
  await signIn(page, 'commissioner');
  await follow(page, nav(page, 'Returns'));
  await check(page, 'returns');
  await submit(page, 'Generate the monthly return');
  assert.match(page.url(), /\/returns\/[0-9a-f-]{36}$/);
  text = await mainText(page);
  assert.match(text, /Return generated/);
  assert.match(text, /On the register\s+2/, 'both people are in last month\u2019s return');
  await check(page, 'return');
  // The fingerprint is behind a details element: opened with the keyboard, as a user would.
  await page.getByText('Check this return\u2019s fingerprint').focus();
  await page.keyboard.press('Enter');
  const sha = (await page.locator('code.hash').innerText()).trim();
  const link = page.getByRole('link', { name: 'Download the PDF' });
  await link.focus();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const pdf = readFileSync(await download.path());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.equal(createHash('sha256').update(pdf).digest('hex'), sha, 'the PDF is the one whose SHA-256 the page shows');
  await signOut(page);

  step('panel member: sees only the review they sit on');
  await signIn(page, 'expert');
  text = await mainText(page);
  assert.match(text, /Z\.K\./, 'the diary names the person by initials');
  for (const n of [...names(other), 'B.Q.']) assert.doesNotMatch(text, new RegExp(n));
  await check(page, 'dashboard-member');
  await follow(page, nav(page, 'My reviews'));
  text = await mainText(page);
  const people = await page.locator('main tbody a').allInnerTexts();
  assert.ok(people.length > 0 && people.every((p) => p === `${child.given} ${child.family}`), `only ${child.given}'s reviews: ${people}`);
  await check(page, 'reviews-member');
  const refused = await page.goto(`${BASE}${otherReview}`);
  assert.ok([403, 404].includes(refused.status()), 'another panel\u2019s review is refused');
  await check(page, 'review-refused');
  await page.goto(BASE);
  await signOut(page);

  step('analyst: figures, and no names anywhere');
  await signIn(page, 'analyst');
  const seen = [];
  seen.push(await mainText(page));
  assert.match(seen[0], /People on the register by rating/);
  await check(page, 'dashboard-analyst');
  await follow(page, nav(page, 'Returns'));
  seen.push(await mainText(page));
  await check(page, 'returns-analyst');
  await follow(page, page.locator('main table a').first());
  seen.push(await mainText(page));
  assert.equal(await page.getByRole('link', { name: 'Download the PDF' }).count(), 0);
  await check(page, 'return-analyst');
  for (const t of seen) {
    for (const n of [...names(child), ...names(other)]) assert.doesNotMatch(t, new RegExp(n));
  }
  const register = await page.goto(`${BASE}/people`);
  assert.equal(register.status(), 403);
  await check(page, 'forbidden');
  await page.goto(BASE);
  await signOut(page);

  step('admin: the failed sign-in and an intact audit trail');
  await signIn(page, 'admin');
  text = await mainText(page);
  assert.match(text, /Audit trail intact/);
  assert.match(await page.locator('table').filter({ hasText: 'Username' }).innerText(), /commissioner/);
  await check(page, 'dashboard-admin');
  await signOut(page);
  console.log('journey passed');
} finally {
  await browser.close();
}
