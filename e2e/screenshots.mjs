// Screenshots of the main pages of the demo (`tcr demo`) for each role, at 1280 and 375 px, with
// the same checks as the journey. Run against a demo instance:
//   TCR_URL=http://127.0.0.1:8000 TCR_E2E_SHOTS=1 TCR_E2E_OUT=out node screenshots.mjs

import { BASE, check, launch, newPage, signIn, signOut, step } from './lib.mjs';

const browser = await launch();
try {
  const page = await newPage(browser);
  for (const [user, pages] of [
    ['commissioner', [['dashboard-commissioner', '/'], ['register', '/people'], ['returns', '/returns']]],
    ['chair', [['dashboard-chair', '/'], ['actions', '/actions']]],
    ['expert', [['dashboard-member', '/']]],
    ['analyst', [['dashboard-analyst', '/']]],
    ['admin', [['dashboard-admin', '/']]],
  ]) {
    step(`as ${user}`);
    await signIn(page, user);
    for (const [name, path] of pages) {
      await page.goto(`${BASE}${path}`);
      await check(page, name);
    }
    await signOut(page);
  }
} finally {
  await browser.close();
}
