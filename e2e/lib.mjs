// What every browser test of tcr shares: starting Debian's Chromium, signing in and out, and the
// checks made on every page a test visits (axe-core, the error summary, ratings in words, no
// console errors, every control reachable with the Tab key), with screenshots when asked for.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = process.env.TCR_URL ?? 'http://127.0.0.1:8765';
export const PASSWORD = process.env.TCR_E2E_PASSWORD ?? 'demo-password-2026';
/// Where screenshots go, when TCR_E2E_SHOTS is set: each page at 1280 and 375 px wide, the whole
/// length of the page (TCR_E2E_SHOTS=viewport: the first screenful only).
export const SHOTS = process.env.TCR_E2E_SHOTS ? (process.env.TCR_E2E_OUT ?? 'out') : null;
const FULL_PAGE = process.env.TCR_E2E_SHOTS !== 'viewport';

/// Flags this machine's Chromium needs: no sandbox as root, and no calls home (the closed
/// network refuses them, slowly).
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
}

/// A fresh browser context (no cookies) with a page that fails the test on any console error,
/// uncaught exception or refused request (a CSP violation shows as a console error).
export async function newPage(browser, width = 1280) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    acceptDownloads: true,
    locale: 'en-GB',
  });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    // A refused form shows its 4xx response as a "Failed to load resource" message: that is
    // the page working as designed, and each test asserts the status it expects.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) {
      page.problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  // A page's own resources (stylesheet, script, icon) must all load; a refused page is fine.
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document') {
      page.problems.push(`${r.status()} for ${r.url()}`);
    }
  });
  return page;
}

export function step(text) {
  console.log(`• ${text}`);
}

/// Signs in through the form, with the keyboard: type, then Enter.
export async function signIn(page, username) {
  await page.goto(`${BASE}/login`);
  await check(page, 'login');
  await page.locator('#username').focus();
  await page.keyboard.type(username);
  await page.locator('#password').focus();
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/`), page.keyboard.press('Enter')]);
  assert.match(await page.locator('.header__who').innerText(), /Signed in as/);
}

export async function signOut(page) {
  await Promise.all([
    page.waitForURL(/\/login/),
    page.getByRole('button', { name: 'Sign out' }).click(),
  ]);
}

/// Types into a field after focusing it, as a keyboard user would.
export async function type(page, selector, text) {
  const field = page.locator(selector);
  await field.focus();
  await field.press('ControlOrMeta+a');
  await page.keyboard.type(text);
}

/// Ticks a checkbox or chooses a radio with the space bar.
/// A `YYYY-MM-DD` day as the pages' tables show it: "6 Dec 2026".
export function shortDate(isoDay) {
  const [year, month, day] = isoDay.split('-').map(Number);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${day} ${months[month - 1]} ${year}`;
}

/// Types a `YYYY-MM-DD` day into a GOV.UK date input (its day, month and year boxes, whose ids
/// are the field's id with `-day`, `-month`, `-year`), as a person would: no leading zeros.
export async function typeDate(page, field, isoDay) {
  const [year, month, day] = isoDay.split('-');
  const box = (part) => page.locator(`[id="${field}-${part}"]`);
  await box('day').fill(String(Number(day)));
  await box('month').fill(String(Number(month)));
  await box('year').fill(year);
}

export async function tick(page, selector) {
  const box = page.locator(selector);
  await box.focus();
  await page.keyboard.press('Space');
  assert.ok(await box.isChecked(), `${selector} is chosen`);
}

/// Submits a form by focusing its button and pressing Enter; waits for the page that follows.
export async function submit(page, buttonName) {
  const button = page.getByRole('button', { name: buttonName, exact: typeof buttonName === 'string' });
  await button.focus();
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.keyboard.press('Enter'),
  ]);
  return response;
}

/// Asserts a response's status; on a refusal, the message says what the page said.
export async function expectStatus(page, response, status) {
  if (response.status() === status) return;
  const said = await page.locator('.error-summary, .notification').allInnerTexts();
  assert.fail(`${page.url()}: expected ${status}, got ${response.status()}: ${said.join(' | ')}`);
}

/// Follows a link by focusing it and pressing Enter.
export async function follow(page, locator) {
  await locator.focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

const seen = new Set();

/// The checks every visited page must pass. `name` names its screenshots.
export async function check(page, name) {
  assert.deepEqual(page.problems, [], `no console errors on ${name}`);
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  const serious = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  const minor = result.violations.filter((v) => !serious.includes(v));
  for (const v of minor) {
    console.log(`  axe (${v.impact}) on ${name}: ${v.id}: ${v.help} (${v.nodes.length})`);
  }
  assert.deepEqual(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe-core finds no serious or critical violation on ${name}`,
  );
  // Ratings are never colour alone: every rating badge and chart bar carries its word.
  const wordless = await page.evaluate(() =>
    [...document.querySelectorAll('.rating, .chart__svg')]
      .filter((el) => !(el.textContent || '').trim())
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(wordless, [], `every rating on ${name} is in words`);
  // An error summary has focus, and each of its links leads to a field on the page.
  const summary = await page.evaluate(() => {
    const s = document.querySelector('.error-summary');
    if (!s) return null;
    const links = [...s.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    return {
      focused: document.activeElement === s,
      // Each link leads to a field: the control itself, or a group (fieldset) holding controls.
      missing: links.filter((h) => {
        const el = document.getElementById(decodeURIComponent(h.slice(1)));
        return !el || !(el.matches('input, select, textarea') || el.querySelector('input, select, textarea'));
      }),
      links: links.length,
    };
  });
  if (summary) {
    assert.ok(summary.focused, `the error summary on ${name} has focus`);
    assert.ok(summary.links > 0, `the error summary on ${name} links to the fields`);
    assert.deepEqual(summary.missing, [], `every error summary link on ${name} has its field`);
  }
  await tabReachesEverything(page, name);
  if (SHOTS && !seen.has(name)) {
    seen.add(name);
    await shoot(page, name);
  }
}

/// Every control of the page's forms and every link in its main content is reached by the Tab
/// key (one radio of each group is enough: arrows move within the group).
async function tabReachesEverything(page, name) {
  const wanted = await page.evaluate(() => {
    const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) &&
      getComputedStyle(el).visibility !== 'hidden';
    const out = [];
    const groups = new Set();
    document.querySelectorAll('main a[href], main input, main select, main textarea, main button, header button')
      .forEach((el, i) => {
        if (el.type === 'hidden' || el.disabled || !visible(el)) return;
        if (el.type === 'radio') {
          if (groups.has(el.name)) return;
          groups.add(el.name);
        }
        el.dataset.tabProbe = String(i);
        out.push({ probe: String(i), group: el.type === 'radio' ? el.name : null, label: (el.id || el.name || el.textContent || '').trim().slice(0, 40) });
      });
    return out;
  });
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.evaluate(() => window.scrollTo(0, 0));
  const reached = new Set();
  const limit = wanted.length * 2 + 40;
  for (let i = 0; i < limit && reached.size < wanted.length; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el) return null;
      if (el.type === 'radio') return { group: el.name };
      return { probe: el.dataset ? el.dataset.tabProbe : undefined };
    });
    if (!hit) continue;
    if (hit.group) {
      const w = wanted.find((x) => x.group === hit.group);
      if (w) reached.add(w.probe);
    } else if (hit.probe) {
      reached.add(hit.probe);
    }
  }
  const missed = wanted.filter((w) => !reached.has(w.probe)).map((w) => w.label);
  assert.deepEqual(missed, [], `the Tab key reaches every control and link on ${name}`);
  await page.evaluate(() => document.querySelectorAll('[data-tab-probe]').forEach((el) => delete el.dataset.tabProbe));
  // Put focus back where the page put it (the error summary, when there is one).
  await page.evaluate(() => {
    const s = document.querySelector('.error-summary');
    if (s) s.focus(); else if (document.activeElement) document.activeElement.blur();
  });
}

/// Screenshots of the page as it is, at 1280 px and at 375 px wide (full length).
export async function shoot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const size = page.viewportSize();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}-1280.png`, fullPage: FULL_PAGE });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}-375.png`, fullPage: FULL_PAGE });
  await page.setViewportSize(size);
}

/// Sends the page's form with every field emptied, by the keyboard: it must be refused (422)
/// with an error summary that has focus and whose first link moves focus to its field.
export async function refuseEmpty(page, name) {
  const form = page.locator('main form')
    .filter({ has: page.locator('input:not([type=hidden]), textarea, select') })
    .last();
  await form.evaluate((f) => {
    for (const el of f.querySelectorAll('input:not([type=hidden]), textarea, select')) {
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
      else if (el.tagName === 'SELECT') el.selectedIndex = 0;
      else el.value = '';
    }
  });
  await form.locator('button[type=submit]').last().focus();
  const [res] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(res.status(), 422, `${name}: the empty form is refused`);
  assert.equal(await page.locator('.error-summary').count(), 1, `${name}: an error summary`);
  await check(page, name);
  await page.locator('.error-summary a').first().focus();
  await page.keyboard.press('Enter');
  assert.ok(
    await page.evaluate(() => document.activeElement.matches('input, select, textarea')),
    `${name}: the error summary's first link moves focus to its field`,
  );
}

/// Reads the page's main text (for what must, or must not, be on it).
export async function mainText(page) {
  return page.locator('main').innerText();
}

/// A valid NHS number from the 999 test range (modulus 11 check digit), the first from `seed` on.
export function nhsNumber(seed) {
  for (let n = seed; ; n++) {
    const digits = `999${String(n).padStart(6, '0')}`.split('').map(Number);
    const sum = digits.reduce((s, d, i) => s + d * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return [...digits, check === 11 ? 0 : check].join('');
  }
}
