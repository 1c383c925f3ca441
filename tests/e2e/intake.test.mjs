// Browser tests for taking a breakdown call: signing in, the intake form and
// its inline errors, the ticket list and its filters, roles and dealer
// isolation, and the language switch. Run by scripts/e2e.sh against
// `rescuedesk demo` (demo users: hz.* at dealer 杭州, nb.* at dealer 宁波,
// password demo1234).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO_PASSWORD,
  eventually,
  pathOf,
  screenshot,
  signIn,
  trySignIn,
  uniquePlate,
  url,
  withBrowser,
} from './helpers.mjs';

const TICKET_NUMBER = /^RS-\d{8}-\d{4}$/;
// A ticket page: /tickets/{id}, but not the intake form at /tickets/new.
const TICKET_PAGE = (u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new';

/** A caller as the call agent types it in: a breakdown on a Hangzhou street. */
function aCall() {
  return {
    customer_name: '王建国',
    phone: '13812345678',
    address: '浙江省杭州市上城区延安路 100 号',
    // GCJ-02 (what Chinese map apps show), near West Lake.
    lat: '30.2741',
    lon: '120.1551',
    crs: 'gcj02',
    plate: uniquePlate(),
    model: '帕萨特 2021 款',
    vin: 'LSVAU2A31N2123456', // check digit (9th) valid per ISO 3779
    mileage_km: '45210',
    fault: '高速上发动机故障灯亮，随后熄火无法启动，车辆停在应急车道。',
    response_level: '2',
  };
}

/** Types a call into the intake form (does not submit). */
async function fillIntake(page, call) {
  const form = page.locator('#intake-form');
  for (const name of ['customer_name', 'phone', 'address', 'lat', 'lon', 'plate', 'model', 'vin', 'mileage_km']) {
    await form.locator(`[name=${name}]`).fill(call[name]);
  }
  await form.locator('textarea[name=fault]').fill(call.fault);
  await form.locator('select[name=crs]').selectOption(call.crs);
  await form.locator('select[name=response_level]').selectOption(call.response_level);
  return form;
}

/** Submits the intake form and waits for the resulting page. */
async function submitIntake(page) {
  await page.locator('#intake-form button[type=submit]').click();
  await page.waitForLoadState('load');
}

/** Takes a whole call as hz.agent; returns { plate, number, path }. */
async function takeCall(page, call = aCall()) {
  await signIn(page, 'hz.agent');
  await page.goto(url('/tickets/new'));
  await fillIntake(page, call);
  await submitIntake(page);
  await page.waitForURL(TICKET_PAGE);
  const number = (await page.locator('[data-testid=ticket-number]').innerText()).trim();
  return { plate: call.plate, number, path: pathOf(page) };
}

// The ticket taken in "take a call" is reused by later tests; a test run on
// its own (--test-name-pattern) takes its own call instead.
let hzTicket = null;
async function ensureHzTicket() {
  if (!hzTicket) {
    await withBrowser(null, async ({ page }) => {
      hzTicket = await takeCall(page);
    });
  }
  return hzTicket;
}

test('sign-in: a wrong password is refused, the right one lands on /tickets', async (t) => {
  await withBrowser(t, async ({ page }) => {
    assert.equal(await trySignIn(page, 'hz.agent', 'not-the-password'), 'error');
    assert.equal(pathOf(page), '/login');
    await assert.doesNotReject(page.locator('.alert-error').first().waitFor({ state: 'visible' }));

    assert.equal(await trySignIn(page, 'hz.agent', DEMO_PASSWORD), 'signed-in');
    assert.equal(pathOf(page), '/tickets');
  });
});

test('take a call: a bad phone is flagged inline and keeps the typed values; fixed, it opens a ticket', async (t) => {
  await withBrowser(t, async ({ page }) => {
    await signIn(page, 'hz.agent');
    await page.goto(url('/tickets/new'));
    const call = aCall();

    // The whole call typed in, as the README shows it; then the phone
    // mistyped, which the server must catch.
    let form = await fillIntake(page, call);
    await screenshot(page, 'intake.png');
    await form.locator('[name=phone]').fill('12345');
    await submitIntake(page);
    const phoneError = page.locator('.field-error[data-field=phone]');
    await phoneError.waitFor({ state: 'visible' });
    assert.notEqual((await phoneError.innerText()).trim(), '', 'the phone error says something');

    // Nothing the agent typed is lost.
    form = page.locator('#intake-form');
    for (const name of ['customer_name', 'address', 'lat', 'lon', 'plate', 'model', 'vin', 'mileage_km']) {
      assert.equal(await form.locator(`[name=${name}]`).inputValue(), call[name], `${name} kept`);
    }
    assert.equal(await form.locator('[name=phone]').inputValue(), '12345', 'the bad phone is shown for fixing');
    assert.equal(await form.locator('textarea[name=fault]').inputValue(), call.fault, 'fault kept');
    assert.equal(await form.locator('select[name=crs]').inputValue(), 'gcj02', 'crs kept');
    assert.equal(await form.locator('select[name=response_level]').inputValue(), '2', 'response level kept');

    await screenshot(page, 'intake-error.png');

    // Fixed, the call becomes a ticket.
    await form.locator('[name=phone]').fill(call.phone);
    await submitIntake(page);
    await page.waitForURL(TICKET_PAGE);

    const number = (await page.locator('[data-testid=ticket-number]').innerText()).trim();
    assert.match(number, TICKET_NUMBER);
    const status = (await page.locator('[data-testid=ticket-status]').innerText()).trim();
    assert.notEqual(status, '', 'the ticket shows its status');
    await screenshot(page, 'ticket.png');

    hzTicket = { plate: call.plate, number, path: pathOf(page) };
  });
});

test('ticket list: the new ticket is found by its plate', async (t) => {
  const ticket = await ensureHzTicket();
  await withBrowser(t, async ({ page }) => {
    await signIn(page, 'hz.agent');
    await page.goto(url('/tickets'));
    const filters = page.locator('#filters');
    await filters.locator('[name=plate]').fill(ticket.plate);
    await filters.locator('button[type=submit], input[type=submit]').first().click();
    await page.waitForLoadState('load');

    // Only the ticket with that plate is listed (once the filtered list is in).
    await eventually(async () => {
      const numbers = await page
        .locator('#ticket-list tr[data-ticket-number]')
        .evaluateAll((rows) => rows.map((r) => r.dataset.ticketNumber));
      assert.deepEqual(numbers, [ticket.number]);
    });
    await screenshot(page, 'tickets.png');
  });
});

test('roles: a technician gets no intake form (403)', async (t) => {
  await withBrowser(t, async ({ page }) => {
    await signIn(page, 'hz.tech');
    const response = await page.goto(url('/tickets/new'));
    assert.equal(response.status(), 403);
    assert.equal(await page.locator('#intake-form').count(), 0, 'no intake form on the 403 page');
  });
});

test('dealer isolation: 宁波 (nb.agent) does not see a 杭州 ticket', async (t) => {
  const ticket = await ensureHzTicket();
  await withBrowser(t, async ({ page }) => {
    await signIn(page, 'nb.agent');
    await page.goto(url('/tickets'));
    // Either nb's own tickets or the empty state: never the hz ticket.
    await page.locator('#ticket-list, p.empty').first().waitFor({ state: 'attached' });
    assert.equal(await page.locator(`tr[data-ticket-number="${ticket.number}"]`).count(), 0, 'not in the list');

    await page.goto(url(`/tickets?plate=${encodeURIComponent(ticket.plate)}`));
    assert.equal(await page.locator(`tr[data-ticket-number="${ticket.number}"]`).count(), 0, 'not found by plate');

    const response = await page.goto(url(ticket.path));
    assert.ok([403, 404].includes(response.status()), `ticket page answers ${response.status()}, want 403 or 404`);
    assert.equal(await page.locator('[data-testid=ticket-number]').count(), 0, 'no ticket shown');
  });
});

test('language: zh-CN by default, /lang/en switches to English and back', async (t) => {
  await withBrowser(t, async ({ page }) => {
    await page.goto(url('/login'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');

    await page.goto(url('/lang/en'), { referer: url('/login') });
    assert.equal(pathOf(page), '/login', 'redirected back');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.goto(url('/login'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the choice sticks');

    await page.goto(url('/lang/zh-CN'), { referer: url('/login') });
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  });
});

test('intake form: Enter never submits, every bad field is outlined at once, the vehicle panel stays; a caller who cannot say where is registered', async (t) => {
  await withBrowser(t, async ({ page }) => {
    // A first call for the car, so the second one gets the open-ticket warning.
    const first = await takeCall(page);
    await page.goto(url('/tickets/new'));
    const form = page.locator('#intake-form');

    // Enter in a text field moves on instead of submitting a half-typed form.
    await form.locator('[name=customer_name]').fill('赵先生');
    await form.locator('[name=customer_name]').press('Enter');
    await page.waitForTimeout(300);
    assert.equal(pathOf(page), '/tickets/new', 'still on the form');
    assert.equal(await page.locator('.field-error').count(), 0, 'nothing was submitted');
    assert.equal(await page.evaluate(() => document.activeElement?.name), 'phone', 'focus moved to the next field');

    // Enter in the plate field looks the car up.
    await form.locator('[name=plate]').fill(first.plate);
    await form.locator('[name=plate]').press('Enter');
    const warning = page.locator('#vehicle-panel [data-warning=open_ticket_for_plate]');
    await warning.waitFor({ state: 'visible' });
    assert.match(await warning.innerText(), new RegExp(first.number));
    assert.equal(pathOf(page), '/tickets/new');
    assert.equal(await page.locator('.field-error').count(), 0, 'Enter in the plate did not submit');

    // Several mistakes: all of them come back in one round, outlined.
    await form.locator('[name=phone]').fill('12345');
    await form.locator('[name=address]').fill('杭州市西湖区文三路 90 号');
    await form.locator('[name=lat]').fill('abc');
    await form.locator('[name=lon]').fill('200');
    await form.locator('textarea[name=fault]').fill('无法启动');
    await form.locator('[name=mileage_km]').fill('1000');
    await submitIntake(page);
    for (const name of ['phone', 'lat', 'lon', 'model']) {
      await page.locator(`.field-error[data-field=${name}]`).waitFor({ state: 'visible' });
      const field = page.locator(`#intake-form [name=${name}]`);
      assert.equal(await field.getAttribute('aria-invalid'), 'true', `${name} marked invalid`);
      const outline = await field.evaluate((el) => getComputedStyle(el).outlineStyle);
      assert.notEqual(outline, 'none', `${name} outlined`);
    }
    assert.match(await page.locator('.field-error[data-field=lon]').innerText(), /经度.*-180.*180/);
    assert.equal(await page.locator('#intake-form [name=customer_name]').getAttribute('aria-invalid'), null);
    assert.equal(
      await page.evaluate(() => document.activeElement?.name),
      'phone',
      'the first outlined field has the focus',
    );
    // The vehicle panel is still there after the refused submit.
    await page.locator('#vehicle-panel [data-warning=open_ticket_for_plate]').waitFor({ state: 'visible' });
    await screenshot(page, 'intake-all-errors.png');

    // A caller who cannot say where: the address is enough.
    await form.locator('[name=phone]').fill('13812345678');
    await form.locator('[name=lat]').fill('');
    await form.locator('[name=lon]').fill('');
    await form.locator('[name=model]').fill('朗逸');
    await form.locator('[name=send_location_request]').check();
    await submitIntake(page);
    await page.waitForURL(TICKET_PAGE);
    await page.locator('[data-testid=location-pending]').waitFor({ state: 'visible' });
    await screenshot(page, 'ticket-location-pending.png');
  });
});
