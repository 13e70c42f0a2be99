// A real-browser test of the SPA sample (src/samples/AuthOpenIdc.Samples.Spa) against the test OP
// (tests/oidc-provider/server.mjs): headless Chromium, driven by playwright-core, logs in at the OP, uses the SPA,
// refreshes the access token both ways, and logs out at the OP again.
//
// Usage: node spa.test.mjs <SPA base URL, e.g. http://127.0.0.1:5000/>
//   Prints one line per check, "ok <name>" or "not ok <name> - <why>", and exits 1 when any check failed (2 for a
//   usage error). The whole run is bounded (RUN_TIMEOUT_MS).
//
// Environment:
//   CHROMIUM_PATH         the browser executable (default /usr/bin/chromium, Debian's package "chromium")
//   SPA_TEST_USER         the login name to use at the OP (default a fresh "spa.tester<random>")
//   SPA_TEST_SCREENSHOT   when set, a PNG of the signed-in SPA (after the API call and the refresh) is written there
//
// The C# test tests/AuthOpenIdc.IntegrationTests/Browser/SpaBrowserTests.cs starts the OP and the SPA and runs this.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

import { chromium } from 'playwright-core';

const RUN_TIMEOUT_MS = 55_000;
const STEP_TIMEOUT_MS = 10_000;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function usage(message) {
  process.stderr.write(`spa.test.mjs: ${message}\nusage: node spa.test.mjs <SPA base URL>\n`);
  process.exit(2);
}

if (process.argv.length !== 3) usage('expected exactly one argument');
let base;
try {
  base = new URL(process.argv[2]);
} catch {
  usage(`'${process.argv[2]}' is not an absolute URL`);
}
if (base.protocol !== 'http:' && base.protocol !== 'https:') usage('the SPA URL must be http(s)');
base = new URL('/', base);

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const login = process.env.SPA_TEST_USER || `spa.tester${randomBytes(3).toString('hex')}`;
const screenshotPath = process.env.SPA_TEST_SCREENSHOT || '';

// ---------------------------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------------------------
let passed = 0;
let failed = 0;

function ok(name) {
  passed += 1;
  process.stdout.write(`ok ${name}\n`);
}

function notOk(name, why) {
  failed += 1;
  // One line, no terminal colours, and not the whole Playwright call log.
  let line = String(why).replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' ').trim();
  if (line.length > 600) line = `${line.slice(0, 600)}...`;
  process.stdout.write(`not ok ${name} - ${line}\n`);
}

class CheckFailed extends Error {}

function expect(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

const watchdog = setTimeout(() => {
  notOk('run finished in time', `still running after ${RUN_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, RUN_TIMEOUT_MS);

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------
const onSpa = (url) => url.origin === base.origin;
const onSpaHome = (url) => onSpa(url) && url.pathname === '/';

async function text(page, selector) {
  return (await page.locator(selector).textContent())?.trim() ?? '';
}

// fetch() from inside the page: same origin, with the browser's cookies, like the SPA's own calls.
function fetchStatus(page, url, headers = {}) {
  return page.evaluate(async ([u, h]) => {
    const response = await fetch(u, { credentials: 'same-origin', cache: 'no-store', headers: h });
    return response.status;
  }, [url, headers]);
}

async function signedInState(page) {
  await page.locator('#signed-in').waitFor({ state: 'visible' });
  return {
    token: await text(page, '#token'),
    expires: Number(await page.locator('#expires').getAttribute('data-epoch')),
  };
}

// The OP's devInteractions pages: a login form (login, password) and then a consent form (hidden prompt=consent).
async function logInAtOp(page) {
  for (let step = 0; step < 6; step += 1) {
    await page.waitForLoadState('domcontentloaded');
    const url = new URL(page.url());
    if (onSpa(url)) return;
    const before = page.url();
    const loginField = page.locator('input[name=login]');
    if (await loginField.count()) {
      await loginField.fill(login);
      await page.locator('input[name=password]').fill('any-password');
      await page.locator('form button[type=submit], form input[type=submit]').first().click();
    } else if (await page.locator('input[name=prompt][value=consent]').count()) {
      await page.locator('form button[type=submit], form input[type=submit]').first().click();
    } else {
      throw new CheckFailed(`unexpected page at the OP: ${before}: ${(await page.locator('body').innerText()).slice(0, 300)}`);
    }
    await page.waitForURL((u) => u.href !== before);
  }
  throw new CheckFailed(`still at the OP after 6 steps: ${page.url()}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The checks, in order; each depends on the ones before it.
// ---------------------------------------------------------------------------------------------------------------
const state = {};
const pageErrors = [];

const checks = [
  ['spa shows the login button without a session', async (page) => {
    await page.goto(base.href);
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.locator('#signed-in').isHidden(), '#signed-in is visible without a session');
  }],
  ['info hook answers 401 without a session', async (page) => {
    const status = await fetchStatus(page, '/oidc/callback?info=json');
    expect(status === 401, `status ${status}`);
  }],
  ['api answers 401 (not a redirect) without a session', async (page) => {
    const status = await fetchStatus(page, '/api/data', { 'X-CSRF': '1' });
    expect(status === 401, `status ${status}`);
  }],
  ['login at the op returns to the spa', async (page) => {
    await page.locator('#login').click();
    await page.waitForURL((u) => !onSpa(u));
    await logInAtOp(page);
    await page.waitForURL(onSpaHome);
  }],
  ['spa shows the user', async (page) => {
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    const user = await text(page, '#user');
    expect(user === login, `#user is '${user}', expected '${login}'`);
  }],
  ['spa shows the access token expiry', async (page) => {
    const { token, expires } = await signedInState(page);
    const now = Date.now() / 1000;
    expect(Number.isFinite(expires) && expires > now && expires < now + 24 * 3600, `#expires data-epoch is ${expires}`);
    expect((await text(page, '#expires')).length > 0, '#expires is empty');
    expect(token.startsWith('\u2026'), `#token is '${token}'`);
    state.first = { token, expires };
  }],
  ['refresh through ?refresh= redirects back with a new access token', async (page) => {
    const href = await page.locator('#refresh-redirect').getAttribute('href');
    expect(href?.startsWith('/oidc/callback?refresh='), `#refresh-redirect href is '${href}'`);
    await page.locator('#refresh-redirect').click();
    await page.waitForURL(onSpaHome); // app.js removes ?refreshed=1 from the address bar
    await page.locator('#notice').waitFor({ state: 'visible' });
    const notice = await text(page, '#notice');
    expect(!notice.includes('error_code'), notice);
    expect(notice.includes('refreshed'), `#notice is '${notice}'`);
    const after = await signedInState(page);
    expect(after.token !== state.first.token, `the access token did not change (${after.token})`);
    expect(after.expires >= state.first.expires, `the expiry went back: ${state.first.expires} -> ${after.expires}`);
    state.second = after;
  }],
  ['call api shows the json with the user', async (page) => {
    await page.locator('#call-api').click();
    await page.locator('#api-result[data-status]').waitFor();
    const status = await page.locator('#api-result').getAttribute('data-status');
    const body = await text(page, '#api-result');
    expect(status === '200', `status ${status}: ${body}`);
    const json = JSON.parse(body);
    expect(json.user === login, `user is '${json.user}'`);
    expect(!Number.isNaN(Date.parse(json.serverTime)), `serverTime is '${json.serverTime}'`);
  }],
  ['api without the X-CSRF header answers 400', async (page) => {
    const status = await fetchStatus(page, '/api/data');
    expect(status === 400, `status ${status}`);
  }],
  ['refresh through the info hook changes the access token and expiry', async (page) => {
    await page.waitForTimeout(1100); // so the new expiry (whole seconds) is later, not only the token different
    await page.locator('#refresh').click();
    await page.locator('#refresh-result[data-changed]').waitFor();
    const changed = await page.locator('#refresh-result').getAttribute('data-changed');
    expect(changed === 'true', await text(page, '#refresh-result'));
    const after = await signedInState(page);
    expect(after.token !== state.second.token, `the access token did not change (${after.token})`);
    expect(after.expires > state.second.expires, `the expiry did not move on: ${state.second.expires} -> ${after.expires}`);
    if (screenshotPath) await page.screenshot({ path: screenshotPath, fullPage: true });
  }],
  ['logout at the op returns to the signed-out spa', async (page) => {
    const href = await page.locator('#logout').getAttribute('href');
    expect(href === `/oidc/callback?logout=${encodeURIComponent(base.href)}`, `#logout href is '${href}'`);
    await page.locator('#logout').click();
    await page.waitForURL((u) => !onSpa(u));
    const confirm = page.locator('button[name=logout][value=yes], form[id="op.logoutForm"] button[type=submit]').first();
    await confirm.waitFor({ state: 'visible' });
    await confirm.click();
    await page.waitForURL(onSpaHome);
    await page.locator('#login').waitFor({ state: 'visible' });
  }],
  ['info hook answers 401 after logout', async (page) => {
    const status = await fetchStatus(page, '/oidc/callback?info=json');
    expect(status === 401, `status ${status}`);
  }],
  ['api answers 401 after logout', async (page) => {
    const status = await fetchStatus(page, '/api/data', { 'X-CSRF': '1' });
    expect(status === 401, `status ${status}`);
  }],
  ['spa had no script errors or CSP violations', async () => {
    expect(pageErrors.length === 0, pageErrors.join(' | '));
  }],
];

// ---------------------------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------------------------
const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'authopenidc-spa-chromium-'));
let context;
try {
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 20_000,
      viewport: { width: 1100, height: 900 },
    });
  } catch (error) {
    notOk('chromium starts', `${executablePath}: ${error.message.split('\n')[0]}`);
    for (const [name] of checks) notOk(name, 'not run: Chromium did not start');
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  page.on('pageerror', (error) => {
    if (onSpa(new URL(page.url()))) pageErrors.push(`uncaught ${error.message}`);
  });
  page.on('console', (message) => {
    const where = message.location()?.url ?? '';
    if (message.type() !== 'error' || !where.startsWith(base.origin)) return;
    // 401/400 answers of fetch() are logged as "Failed to load resource"; they are expected here.
    if (message.text().startsWith('Failed to load resource')) return;
    pageErrors.push(message.text());
  });

  let skipping = false;
  for (const [name, run] of checks) {
    if (skipping) {
      notOk(name, 'not run: an earlier check failed');
      continue;
    }
    try {
      await run(page);
      ok(name);
    } catch (error) {
      const detail = error instanceof CheckFailed ? error.message : `${error.name}: ${error.message.split('\n')[0]}`;
      notOk(name, `${detail} (at ${page.url()})`);
      skipping = true;
    }
  }
} catch {
  // reported above
} finally {
  clearTimeout(watchdog);
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}

process.stdout.write(`# spa.test.mjs: ${passed} of ${passed + failed} checks ok\n`);
process.exitCode = failed === 0 && passed === checks.length ? 0 : 1;
