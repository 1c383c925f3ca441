// Shared helpers for RescueDesk's browser tests: start headless Chromium
// (Debian's /usr/bin/chromium via playwright-core; Playwright's own browser
// download cannot work on these machines), sign in, take screenshots.
// scripts/e2e.sh starts the server and sets BASE_URL.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

/** Password of every demo user (`rescuedesk demo`). */
export const DEMO_PASSWORD = 'demo1234';

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

// Without the background-networking flags Chromium keeps trying to reach
// Google's hosts, which this machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium (no context yet); close it with `browser.close()`. */
export async function startChromium() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A fresh browser context (its own cookies, so its own signed-in user) and a
 * page in it, set up like `launch` does. Returns { context, page }.
 * Options: viewport (default DESKTOP; PHONE for a phone), locale (default zh-CN);
 * any other Playwright context option is passed on as it is, e.g.
 * `permissions: ['geolocation'], geolocation: { latitude, longitude }`.
 */
export async function newContext(browser, { viewport = DESKTOP, locale = 'zh-CN', ...contextOptions } = {}) {
  const phone = viewport.width < 600;
  const context = await browser.newContext({
    viewport,
    locale,
    baseURL: BASE_URL,
    isMobile: phone,
    hasTouch: phone,
    ...contextOptions,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/**
 * Starts headless Chromium with a fresh, empty profile (Playwright gives
 * every launch its own temporary user-data dir and removes it on close).
 * Returns { browser, context, page, close }.
 * Options: viewport ({width, height}, default DESKTOP; PHONE for a phone),
 * locale (default zh-CN, like the staff who use it).
 */
export async function launch(options = {}) {
  const browser = await startChromium();
  const { context, page } = await newContext(browser, options);
  const close = () => browser.close().catch(() => {});
  return { browser, context, page, close };
}

/** Absolute URL for a path on the server under test. */
export function url(path) {
  return new URL(path, BASE_URL + '/').toString();
}

/** Path part of the page's current URL, e.g. "/tickets". */
export function pathOf(page) {
  return new URL(page.url()).pathname;
}

// Resolves with the index of the first promise to resolve; the others'
// later rejections (time-outs) are swallowed so they do not fail the run.
async function firstOf(promises) {
  return new Promise((resolve, reject) => {
    let failed = 0;
    promises.forEach((p, i) =>
      p.then(
        () => resolve(i),
        (err) => {
          failed += 1;
          if (failed === promises.length) reject(err);
        },
      ),
    );
  });
}

/**
 * Fills in and submits the login form. Resolves to 'signed-in' when the
 * browser has left /login, or 'error' when `.alert-error` is shown on it.
 */
export async function trySignIn(page, login, password) {
  await page.goto(url('/login'));
  const form = page.locator('#login-form');
  await form.locator('input[name=login]').fill(login);
  await form.locator('input[name=password]').fill(password);
  await form.locator('button[type=submit]').click();
  const which = await firstOf([
    page.waitForURL((u) => u.pathname !== '/login', { waitUntil: 'load' }),
    page.locator('.alert-error').first().waitFor({ state: 'visible' }),
  ]);
  return which === 0 ? 'signed-in' : 'error';
}

/** Signs in and fails loudly unless that worked. */
export async function signIn(page, login, password = DEMO_PASSWORD) {
  const outcome = await trySignIn(page, login, password);
  if (outcome !== 'signed-in') {
    const msg = await page.locator('.alert-error').first().innerText().catch(() => '');
    throw new Error(`sign-in as ${login} failed: ${msg || outcome} (at ${page.url()})`);
  }
}

/** Saves a PNG to tests/e2e/artifacts/NAME (".png" added if missing); returns its path. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = join(ARTIFACTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * Runs `fn({browser, context, page})` in a fresh browser and always closes
 * it; on failure saves `failure-<test name>.png` first, so CI shows what the
 * page looked like.
 */
export async function withBrowser(t, options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  const b = await launch(options);
  try {
    await fn(b);
  } catch (err) {
    const safe = String(t?.name ?? 'test').replace(/[^\w.-]+/g, '_').slice(0, 80);
    const file = await screenshot(b.page, `failure-${safe}`).catch(() => null);
    if (file) console.error(`[e2e] page at failure (${b.page.url()}): ${file}`);
    throw err;
  } finally {
    await b.close();
  }
}

/** A plate like 浙A12345 that is new on every run. */
export function uniquePlate(prefix = '浙A') {
  return prefix + String(Math.floor(Math.random() * 100_000)).padStart(5, '0');
}

/**
 * Retries `check` (which throws, e.g. an assert) until it passes or `timeout`
 * ms have gone by; then throws its last error. For pages that update after a
 * click, whether by navigation or by htmx.
 */
export async function eventually(check, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}

/**
 * For a story told by several users: runs `fn({ browser, as, guest })` in one
 * Chromium where `await as(login, { viewport })` gives a page signed in as
 * that user in their own browser context (own cookies), made on first use
 * and reused after; `await guest(name, options)` likewise gives a page of
 * someone who never signs in (a customer or a technician opening a link from
 * an SMS): its own context with no cookies, PHONE-sized unless `viewport`
 * says otherwise, other options as for `newContext` (e.g. geolocation).
 * On failure saves `failure-<test name>.png` of the page the last user was
 * on, then closes everything.
 */
export async function withUsers(t, fn) {
  const browser = await startChromium();
  const pages = new Map();
  let last = null;
  const as = async (login, { viewport = DESKTOP } = {}) => {
    const key = `${login} ${viewport.width}x${viewport.height}`;
    if (!pages.has(key)) {
      const { page } = await newContext(browser, { viewport });
      await signIn(page, login);
      pages.set(key, page);
    }
    last = { login, page: pages.get(key) };
    return last.page;
  };
  const guest = async (name, { viewport = PHONE, ...options } = {}) => {
    const key = `guest ${name}`;
    if (!pages.has(key)) {
      const { page } = await newContext(browser, { viewport, ...options });
      pages.set(key, page);
    }
    last = { login: name, page: pages.get(key) };
    return last.page;
  };
  try {
    await fn({ browser, as, guest });
  } catch (err) {
    if (last) {
      const safe = String(t?.name ?? 'test').replace(/[^\w.-]+/g, '_').slice(0, 80);
      const file = await screenshot(last.page, `failure-${safe}`).catch(() => null);
      if (file) console.error(`[e2e] ${last.login}'s page at failure (${last.page.url()}): ${file}`);
    }
    throw err;
  } finally {
    await browser.close().catch(() => {});
  }
}

/**
 * The messages in the built-in outbox viewer (/outbox, newest first), as
 * { id, template, status, recipient, body, ticketPath }; `page` must be
 * signed in as someone who may see it (e.g. hz.manager). Only those of
 * `template` and of the ticket at `ticketPath` ("/tickets/{id}") if given.
 */
export async function outboxMessages(page, { template, ticketPath } = {}) {
  await page.goto(url('/outbox?per_page=200'));
  await page.locator('#outbox-filters').waitFor({ state: 'attached' });
  const all = await page.locator('article.message').evaluateAll((els) =>
    els.map((el) => ({
      id: el.dataset.messageId,
      template: el.dataset.template,
      status: el.dataset.status,
      recipient: (el.querySelector('.recipient')?.textContent ?? '').trim(),
      body: el.querySelector('pre.body')?.textContent ?? '',
      ticketPath: el.querySelector('footer a[href^="/tickets/"]')?.getAttribute('href') ?? null,
    })),
  );
  return all.filter(
    (m) => (template === undefined || m.template === template) && (ticketPath === undefined || m.ticketPath === ticketPath),
  );
}

/**
 * One active job per technician: a crew member still out on a ticket an earlier test left on
 * the road is sent all the same, with the override and a reason the plan editor asks for.
 * Call it on the plan form after ticking the crew, before saving.
 */
export async function crewGoesEvenIfBusy(form) {
  const ids = await form.locator('input[type=checkbox][name=crew]:checked').evaluateAll((els) => els.map((e) => e.value));
  for (const id of ids) {
    const box = form.locator(`input[name=override][value="${id}"]`);
    if ((await box.count()) === 0) continue;
    await box.check();
    await form.locator(`input[name="override_reason:${id}"]`).fill('浏览器测试：上一单仍在进行');
  }
}
