// A tour of the demo (`tcr demo`: a register of 60 people, with the demonstration banner) as each
// role, with the checks of lib.mjs on every page: the pages full of data that the journey's
// fresh register does not show. e2e/run.sh runs it after the journey; by hand:
//   TCR_URL=http://127.0.0.1:8000 TCR_E2E_SHOTS=1 TCR_E2E_OUT=out node tour.mjs

import assert from 'node:assert/strict';
import { BASE, check, launch, newPage, refuseEmpty, signIn, signOut, step } from './lib.mjs';

/// Each of the commissioner's forms, shown and then sent empty: refused, with its error summary.
async function everyForm(page) {
  await page.goto(BASE);
  const first = async (section) =>
    (await page.locator(`section[aria-labelledby=${section}] tbody a[href^="/people/"]`).first().getAttribute('href'));
  const atHome = await first('unscheduled');
  const inHospital = await first('in-hospital');
  await page.goto(`${BASE}${inHospital}`);
  const discharge = await page.getByRole('link', { name: 'Record discharge' }).getAttribute('href');
  const change = await page.getByRole('link', { name: 'Change the stay' }).getAttribute('href');
  const transfer = await page.getByRole('link', { name: 'Record a transfer' }).getAttribute('href');
  for (const [name, path] of [
    ['person-new', '/people/new'],
    ['person-edit', `${atHome}/edit`],
    ['assess', `${atHome}/assess`],
    ['schedule', `${atHome}/reviews/new`],
    ['admit', `${atHome}/admit`],
    ['close', `${atHome}/close`],
    ['withdraw', `${atHome}/withdraw`],
    ['visit', `${inHospital}/visit`],
    ['discharge', discharge],
    ['stay-change', change],
    ['transfer', transfer],
    ['objection', `${atHome}/objection`],
    ['inpatient-new', '/inpatients/new'],
    ['referral-new', '/referrals/new'],
    ['returns', '/returns'],
    ['import', '/import'],
  ]) {
    const res = await page.goto(`${BASE}${path}`);
    assert.equal(res.status(), 200, path);
    step(`  the ${name} form, sent empty`);
    await check(page, `demo-form-${name}`);
    await refuseEmpty(page, `demo-form-${name}-refused`);
  }
}

const browser = await launch();
try {
  const page = await newPage(browser);
  for (const [user, pages] of [
    ['commissioner', [['demo-dashboard-commissioner', '/'], ['demo-register', '/people'],
      ['demo-referrals', '/referrals'], ['demo-reviews', '/reviews'], ['demo-returns', '/returns'], ['demo-figures-commissioner', '/figures']]],
    ['chair', [['demo-dashboard-chair', '/'], ['demo-actions', '/actions']]],
    ['expert', [['demo-dashboard-member', '/']]],
    ['analyst', [['demo-dashboard-analyst', '/'], ['demo-figures-analyst', '/figures'], ['demo-password', '/account/password']]],
    ['admin', [['demo-dashboard-admin', '/'], ['demo-users', '/admin/users'], ['demo-audit', '/admin/audit']]],
  ]) {
    step(`as ${user}`);
    await signIn(page, user);
    for (const [name, path] of pages) {
      const res = await page.goto(`${BASE}${path}`);
      assert.equal(res.status(), 200, path);
      await check(page, name);
    }
    if (user === 'commissioner') await everyForm(page);
    if (user === 'analyst') await refuseEmpty(page, 'demo-password-refused');
    if (user === 'admin') {
      await page.goto(`${BASE}/admin/users/new`);
      await check(page, 'demo-user-new');
      await refuseEmpty(page, 'demo-user-new-refused');
    }
    await signOut(page);
  }
  console.log('tour passed');
} finally {
  await browser.close();
}
