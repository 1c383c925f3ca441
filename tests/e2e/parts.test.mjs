// The out-of-stock parts path in the browser (issue 4): a flat battery at
// the Hangzhou dealer (hz), planned with the 12 V EFB battery JZW 915 105 B
// that hz does not stock but its sister dealers in Ningbo (nb) and Shaoxing
// (sx) do. It is dangerous goods (wet lead-acid, UN2794), so it may not fly.
// The crew leaves without it; the parts desk finds it at a sister dealer,
// orders it straight to the roadside, ships it and records it delivered;
// the technician fits it and resolves. Each step is done by the user whose
// step it is, each in their own browser context, as in rescue.test.mjs.
// Run by scripts/e2e.sh against `rescuedesk demo`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, crewGoesEvenIfBusy, eventually, outboxMessages, pathOf, screenshot, uniquePlate, url, withUsers } from './helpers.mjs';

// The part of the story: not on hz's shelf, on nb's and sx's; dangerous goods.
const BATTERY_NO = 'JZW 915 105 B';
// Sister dealers that stock it, as their names read on the sourcing page.
const SISTER_NAME = /宁波|绍兴/;

const TICKET_NUMBER = /^RS-\d{8}-\d{4}$/;
// A ticket page: /tickets/{id}, but not the intake form at /tickets/new.
const TICKET_PAGE = (u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new';
const JOB_PAGE = (u) => /^\/jobs\/[^/]+$/.test(u.pathname);
const REPAIR_ITEM = '更换 EFB 启停蓄电池';

/** A call about a start-stop car that will not start: a flat battery. */
function aCall() {
  return {
    customer_name: '林佳怡',
    phone: '13968051234',
    address: '浙江省杭州市拱墅区莫干山路 972 号北部软件园地面停车场',
    lat: '30.3190',
    lon: '120.1350',
    crs: 'gcj02',
    plate: uniquePlate(),
    model: '途岳 2021 款',
    mileage_km: '64200',
    fault: '早上车辆无法启动，仪表提示启停系统故障，启动机无力；原厂蓄电池已用五年。',
    response_level: '2',
  };
}

// ---- small helpers (the same approach as rescue.test.mjs) ----------------------

/** Fails with the page's own message if it shows `.alert-error`. */
async function noErrorShown(page, what) {
  const alert = page.locator('.alert-error');
  if ((await alert.count()) > 0) {
    const msg = (await alert.first().innerText()).trim();
    assert.fail(`${what} failed: the page says “${msg}” (at ${pathOf(page)})`);
  }
}

/** Clicks a submit button, waits for the page the server sends back (post/redirect/get), fails on `.alert-error`. */
async function press(page, button, what) {
  const loaded = page.waitForEvent('load', { timeout: 20_000 });
  await button.click();
  await loaded;
  await noErrorShown(page, what);
}

/** Waits until the ticket page shows `status`. */
async function expectTicketStatus(page, status, who) {
  await noErrorShown(page, `${who}'s last action`);
  await eventually(async () => {
    const shown = await page.locator('[data-testid=ticket-status]').getAttribute('data-status');
    assert.equal(shown, status, `${who}'s ticket page shows data-status="${status}"`);
  });
}

/** Waits until the technician's job page shows `status`. */
async function expectJobStatus(page, status) {
  await noErrorShown(page, "hz.tech's last step");
  await eventually(async () => {
    const shown = await page.locator('[data-testid=job-status]').getAttribute('data-status');
    assert.equal(shown, status, `the job page shows data-status="${status}"`);
  });
}

/** Opens the ticket from the user's work queue ("我的待办"). */
async function openFromQueue(page, who, ticket) {
  await page.locator('a#nav-work').click();
  await page.waitForURL((u) => u.pathname === '/work');
  const row = page.locator(`table.queue tr[data-ticket-number="${ticket.number}"]`);
  await row.first().waitFor({ state: 'visible' }).catch(() => {
    assert.fail(`${ticket.number} is not in ${who}'s work queue /work`);
  });
  await row.first().locator('a').first().click();
  await page.waitForURL(TICKET_PAGE);
  assert.equal(pathOf(page), ticket.path, `${who}'s queue links to the ticket page`);
}

/** The timeline's entries, as text. */
async function timeline(page) {
  return page.locator('#timeline li').allInnerTexts();
}

/** The one sourcing order on the parts page: { id, status, steps: [label…] }. */
async function theOrder(page) {
  const orders = page.locator('#orders article.order');
  assert.equal(await orders.count(), 1, 'one sourcing order on the parts page');
  return orderFacts(orders.first());
}

/** Status and journey step labels of an order element (parts page or ticket page). */
async function orderFacts(order) {
  return {
    id: await order.getAttribute('data-order-id'),
    status: await order.getAttribute('data-status'),
    steps: await order.locator('ol.journey li strong').allInnerTexts(),
  };
}

// ---- the steps ----------------------------------------------------------------

/** hz.agent takes the call; returns the ticket { number, path, id, call }. */
async function agentTakesCall(as) {
  const page = await as('hz.agent');
  const call = aCall();
  await page.goto(url('/tickets/new'));
  const form = page.locator('#intake-form');
  for (const name of ['customer_name', 'phone', 'address', 'lat', 'lon', 'plate', 'model', 'mileage_km']) {
    await form.locator(`[name=${name}]`).fill(call[name]);
  }
  await form.locator('textarea[name=fault]').fill(call.fault);
  await form.locator('select[name=crs]').selectOption(call.crs);
  await form.locator('select[name=response_level]').selectOption(call.response_level);
  await form.locator('button[type=submit]').click();
  await page.waitForURL(TICKET_PAGE).catch(async () => {
    await noErrorShown(page, 'taking the call');
    const fields = await page.locator('.field-error').allInnerTexts();
    assert.fail(`the call did not open a ticket; field errors: ${fields.join(' | ') || 'none'}`);
  });
  const number = (await page.locator('[data-testid=ticket-number]').innerText()).trim();
  assert.match(number, TICKET_NUMBER);
  await expectTicketStatus(page, 'new', 'hz.agent');
  const path = pathOf(page);
  return { number, path, id: path.split('/').pop(), call };
}

/**
 * hz.workshop plans it with hz.tech as rescue lead and the EFB battery that
 * hz has none of: the part search must say so (0 available here). Saves and
 * submits. Returns { battery: { id, label } }.
 */
async function workshopPlansWithMissingBattery(as, ticket) {
  const page = await as('hz.workshop');
  await openFromQueue(page, 'hz.workshop', ticket);
  await page.locator('a#edit-plan').click();
  await page.waitForURL((u) => u.pathname === `${ticket.path}/plan`);
  const form = page.locator('form#plan-form');
  await form.waitFor({ state: 'visible' });

  // Crew: hz.tech leads (so the job page is theirs), one colleague goes along.
  const techBox = form.locator('input[type=checkbox][name=crew][data-login="hz.tech"]');
  assert.equal(await techBox.count(), 1, 'exactly one technician in the editor is linked to hz.tech');
  const leadId = await techBox.getAttribute('value');
  await techBox.check();
  await form.locator(`input[type=radio][name=lead][value="${leadId}"]`).check();
  await form.locator('input[type=checkbox][name=crew]:not([data-login="hz.tech"])').first().check();

  // One tool: the battery tester if hz has one.
  const tools = form.locator('input[name^="tool:"]');
  const tester = tools.and(page.locator('[data-code="battery_tester"]'));
  await ((await tester.count()) > 0 ? tester.first() : tools.first()).fill('1');

  // The battery, by part number: the search must show it with 0 available at hz.
  const search = page.locator('input#part-search');
  await search.fill(BATTERY_NO);
  await search.press('End');
  const result = page.locator('#part-results .part-result').filter({ hasText: BATTERY_NO });
  await result.first().waitFor({ state: 'visible' }).catch(async () => {
    const shown = (await page.locator('#part-results').innerText().catch(() => '')).trim();
    assert.fail(`the part search for ${BATTERY_NO} shows no row for it; #part-results: “${shown}”`);
  });
  assert.equal(await result.count(), 1, `one search result for ${BATTERY_NO}`);
  const battery = {
    id: await result.getAttribute('data-part-id'),
    label: await result.getAttribute('data-label'),
  };
  assert.equal(await result.getAttribute('data-available'), '0', `hz has none of ${BATTERY_NO} available (data-available)`);
  assert.match(await result.locator('td.short').innerText(), /本店可用\s*0/, 'the result says 本店可用 0 and is marked short');
  assert.match(await result.getAttribute('data-flags'), /危险品|DG/i, `${BATTERY_NO} is flagged as dangerous goods`);
  await result.locator('button.add-part').click();
  await page.locator(`#plan-parts input[name=part_id][value="${battery.id}"]`).waitFor({ state: 'attached' });
  assert.equal(await page.locator('#plan-parts input[name=part_qty]').last().inputValue(), '1', 'one battery');

  await page.locator('#plan-items input[name=item_desc]').first().fill(REPAIR_ITEM);
  await page.locator('#plan-items input[name=item_minutes]').first().fill('40');
  // Let the live cost preview (htmx, 400 ms after typing) come back before
  // saving: clicking 保存方案 while it is in flight lost the click once.
  const previewed = page.waitForResponse((r) => r.url().endsWith('/plan/preview'));
  await form.locator('input[name=estimated_minutes]').fill('60');
  await previewed;

  await crewGoesEvenIfBusy(form);
  await press(page, page.locator('button#save-plan'), 'saving the plan');
  await page.locator('.alert-ok').first().waitFor({ state: 'visible' }).catch(async () => {
    const errs = await page.locator('.field-error').allInnerTexts();
    assert.fail(`saving the plan showed no .alert-ok; field errors: ${errs.join(' | ') || 'none'}`);
  });
  // Saved with the battery, even though hz has none: sourcing it is the parts desk's job.
  assert.equal(await page.locator(`#plan-parts input[name=part_id][value="${battery.id}"]`).count(), 1, 'the battery kept in the plan');
  await screenshot(page, 'parts-plan-editor-out-of-stock.png');
  await press(page, page.locator('form#plan-form button#submit-plan'), 'submitting the plan');
  assert.equal(pathOf(page), ticket.path, 'back on the ticket page after submitting');
  await expectTicketStatus(page, 'awaiting_manager_review', 'hz.workshop');
  // The ticket shows the shortage too: the battery's "available here" cell is 0 and marked short.
  const planRow = page.locator(`#plan-parts-table tr[data-part-id="${battery.id}"]`);
  assert.equal((await planRow.locator('td.short').innerText()).trim(), '0', 'the ticket shows 0 of the battery here, marked short');
  return { battery, leadId };
}

/** hz.manager accepts the plan and records the customer's agreement; hz.director approves. */
async function managerAndDirectorApprove(as, ticket) {
  const manager = await as('hz.manager');
  await openFromQueue(manager, 'hz.manager', ticket);
  await press(manager, manager.locator('form#review-form button[name=decision][value=accept]'), 'accepting the plan');
  await expectTicketStatus(manager, 'awaiting_customer_consent', 'hz.manager');
  await press(manager, manager.locator('form#consent-form button[name=agreed][value=yes]'), 'recording consent');
  await expectTicketStatus(manager, 'awaiting_director', 'hz.manager');

  const director = await as('hz.director');
  await openFromQueue(director, 'hz.director', ticket);
  await press(director, director.locator('form#approval-form button[name=decision][value=approve]'), 'approving the plan');
  await expectTicketStatus(director, 'approved', 'hz.director');
}

/**
 * hz.parts opens the parts desk from the nav: the ticket is queued as
 * missing a part (缺货未寻源); its sourcing page ranks the options, refuses
 * air for the dangerous battery, gives the sentence for the customer and
 * offers a sister dealer.
 */
async function partsDeskFindsTheShortage(as, ticket, plan) {
  const page = await as('hz.parts');
  await page.goto(url('/work'));
  await page.locator('a#nav-parts').click();
  await page.waitForURL((u) => u.pathname === '/parts');
  const row = page.locator(`#parts-queue tr[data-ticket-number="${ticket.number}"]`);
  await row.waitFor({ state: 'visible' }).catch(() => assert.fail(`${ticket.number} is not on the parts desk queue /parts`));
  assert.match(await row.innerText(), /缺货未寻源/, 'the queue row carries the badge 缺货未寻源');
  assert.match(await row.getAttribute('class') ?? '', /\battention\b/, 'the row is marked for attention');
  await screenshot(page, 'parts-queue.png');

  await row.locator(`a.button[href="${ticket.path}/parts"]`).click();
  await page.waitForURL((u) => u.pathname === `${ticket.path}/parts`);
  await noErrorShown(page, 'opening the sourcing page');

  // The summary: one battery needed, none here, one short.
  const line = page.locator(`#parts-lines tr[data-part="${plan.battery.id}"]`);
  assert.equal(await line.count(), 1, 'the battery is a line of #parts-lines');
  assert.match(await line.innerText(), /危险品/, 'the line is badged 危险品');
  const [, needed, here, coming, short] = (await line.locator('td').allInnerTexts()).map((x) => x.trim());
  assert.deepEqual({ needed, here, coming, short }, { needed: '1', here: '0', coming: '0', short: '1' }, 'needed 1, here 0, on the way 0, short 1');

  const sourcing = page.locator(`section.sourcing-line[data-part="${plan.battery.id}"]`);
  await sourcing.waitFor({ state: 'visible' });
  const options = sourcing.locator('tr.option');
  assert.ok((await options.count()) > 0, 'options are listed for the battery');
  const recommended = sourcing.locator('tr.option.recommended');
  assert.equal(await recommended.count(), 1, 'exactly one option is recommended');
  assert.match(await recommended.innerText(), /推荐/, 'the recommended option says 推荐');
  assert.doesNotMatch(await recommended.getAttribute('class'), /\brefused\b/, 'the recommendation is not a refused option');

  // Air is never allowed for wet lead-acid: every air row is refused, and says why.
  const air = sourcing.locator('tr.option[data-mode=air]');
  assert.ok((await air.count()) > 0, 'air options are listed (so the refusal can be seen)');
  for (const r of await air.all()) {
    assert.match(await r.getAttribute('class'), /\brefused\b/, 'an air option is refused (class refused)');
    assert.match(await r.innerText(), /危险品不能空运/, 'a refused air option says 危险品不能空运');
    assert.equal(await r.locator('form.choose').count(), 0, 'a refused option cannot be chosen');
  }
  const sentence = sourcing.locator('.customer-sentence');
  await sentence.waitFor({ state: 'visible' });
  assert.match(await sentence.innerText(), /不能空运/, 'the sentence for the customer explains it cannot fly');

  const sisters = sourcing.locator('tr.option[data-kind=sister_transfer]:not(.refused)');
  const sisterNames = await sisters.locator('td:first-child').allInnerTexts();
  assert.ok(
    sisterNames.some((n) => SISTER_NAME.test(n)),
    `a sister dealer in 宁波 or 绍兴 is offered; sister options: ${sisterNames.join(' | ') || 'none'}`,
  );
  await screenshot(page, 'parts-sourcing.png');
}

/** hz.tech, on a phone, acknowledges and departs without the battery (none could be issued). */
async function crewDepartsWithoutThePart(as, ticket) {
  const page = await as('hz.tech', { viewport: PHONE });
  await page.goto(url('/jobs'));
  const item = page.locator(`li[data-ticket-number="${ticket.number}"]`);
  await item.waitFor({ state: 'visible' }).catch(() => assert.fail(`${ticket.number} is not among hz.tech's jobs on /jobs`));
  await item.locator('a').first().click();
  await page.waitForURL(JOB_PAGE);
  const jobPath = pathOf(page);
  await expectJobStatus(page, 'approved');
  // Nothing issued yet, so the plan says 已领 0 for the battery.
  assert.match(await page.locator('section.job details').innerText(), /已领\s*0/, 'the job page shows the battery not issued');

  await press(page, page.locator('button#ack'), 'acknowledging the job');
  await press(page, page.locator('button#depart'), 'departing');
  assert.equal(pathOf(page), jobPath, 'hz.tech is back on the job page after departing');
  await expectJobStatus(page, 'dispatched');
  return { jobPath };
}

/**
 * hz.parts chooses a sister-dealer transfer straight to the site, places,
 * ships and delivers it; after each step the order's status moves on and its
 * journey grows by the step's entry.
 */
async function partsDeskSendsItToTheSite(as, ticket, plan) {
  const page = await as('hz.parts');
  await page.goto(url(`${ticket.path}/parts`));
  await noErrorShown(page, 'opening the sourcing page again');
  // The crew is out now, so the page offers delivery to the site.
  assert.match(await page.locator('#parts-summary').innerText(), /救援组已出发/, 'the page knows the crew has left');

  // The recommended option if it is an allowed sister transfer, else the first allowed one from 宁波/绍兴.
  const sourcing = page.locator(`section.sourcing-line[data-part="${plan.battery.id}"]`);
  const allowed = sourcing.locator('tr.option[data-kind=sister_transfer]:not(.refused)').filter({ hasText: SISTER_NAME });
  const preferred = allowed.and(sourcing.locator('tr.option.recommended'));
  const option = (await preferred.count()) > 0 ? preferred.first() : allowed.first();
  const choice = {
    source: (await option.locator('td:first-child').innerText()).replace('推荐', '').trim(),
    mode: await option.getAttribute('data-mode'),
  };
  const choose = option.locator('form.choose');
  await choose.locator('select[name=destination]').selectOption('site');
  await press(page, choose.locator('button[type=submit]'), `choosing ${choice.source} (${choice.mode}) to the site`);
  assert.equal(pathOf(page), `${ticket.path}/parts`, 'back on the sourcing page after choosing');

  let order = await theOrder(page);
  assert.equal(order.status, 'proposed', 'a chosen source makes a proposed order');
  assert.deepEqual(order.steps, ['选定来源'], 'its journey starts with 选定来源');
  const header = await page.locator(`#orders article[data-order-id="${order.id}"] header`).innerText();
  assert.match(header, /直送现场/, `the order goes to the site: “${header}”`);
  assert.match(header, SISTER_NAME, `the order comes from the sister dealer: “${header}”`);

  // Each next step: press its form's button, see the status and one more journey entry.
  const step = async (formClass, status, label, fill) => {
    const form = page.locator(`#orders article[data-order-id="${order.id}"] form.${formClass}`);
    await form.waitFor({ state: 'visible' }).catch(() => assert.fail(`form.${formClass} is not offered while the order is ${order.status}`));
    if (fill) await fill(form);
    const before = order.steps.length;
    await press(page, form.locator('button[type=submit]'), `${formClass} on the order`);
    order = await theOrder(page);
    assert.equal(order.status, status, `after ${formClass} the order is ${status}`);
    assert.equal(order.steps.length, before + 1, `the journey grows by one entry: ${order.steps.join(' → ')}`);
    assert.equal(order.steps.at(-1), label, `the journey's newest entry is ${label}`);
  };

  await step('place-form', 'placed', '下单');
  // The sister dealer's driver brings a drive-over; anything else goes by SF with a waybill.
  const drive = choice.mode === 'drive';
  await step('ship-form', 'shipped', '发货', async (form) => {
    await form.locator('input[name=carrier]').fill(drive ? '绍兴店 王师傅' : '顺丰速运');
    if (!drive) await form.locator('input[name=tracking_no]').fill(`SF${Date.now()}`.slice(0, 15));
  });
  const shipped = await page.locator(`#orders article[data-order-id="${order.id}"]`).innerText();
  assert.match(shipped, drive ? /王师傅/ : /顺丰速运\s+SF\d+/, 'the order shows who carries it');
  await step('deliver-form', 'delivered', '送达现场');
  // Delivered: nothing is left short, so no options are offered any more.
  assert.equal(await page.locator(`section.sourcing-line[data-part="${plan.battery.id}"]`).count(), 0, 'nothing left to source');
  await screenshot(page, 'parts-order-delivered.png');
  return { ...choice, orderId: order.id };
}

/**
 * The order was placed after the crew left and the transfer arrives after
 * them (its ETA is later than the crew's expected arrival), so the customer
 * is texted the new time and why it is slow (customer_parts_delay, in
 * /outbox as hz.manager).
 */
async function customerIsToldOfTheDelay(as, ticket) {
  const page = await as('hz.manager');
  const messages = await eventually(async () => {
    const found = await outboxMessages(page, { template: 'customer_parts_delay', ticketPath: ticket.path });
    assert.equal(found.length, 1, `one customer_parts_delay message for ${ticket.number} in /outbox, found ${found.length}`);
    return found;
  });
  const [sms] = messages;
  assert.equal(sms.recipient, ticket.call.phone, 'texted to the caller');
  assert.match(sms.body, /蓄电池/, `the SMS names the part: “${sms.body}”`);
  assert.match(sms.body, /不能空运/, `the SMS explains why it is slow: “${sms.body}”`);
}

/** hz.tech arrives and resolves with the delivered battery fitted. */
async function technicianFitsItAndResolves(as, ticket, plan, job) {
  const page = await as('hz.tech', { viewport: PHONE });
  await page.goto(url(job.jobPath));
  await expectJobStatus(page, 'dispatched');
  await press(page, page.locator('button#arrive'), 'arriving');
  await expectJobStatus(page, 'on_site');

  const resolve = page.locator('form', { has: page.locator('button#resolve') });
  // The delivery counts as issued to the lead, so the resolve form offers it.
  const used = resolve.locator(`input[name="used:${plan.battery.id}"]`);
  assert.equal(await used.count(), 1, 'the resolve form lists the delivered battery');
  assert.equal(await used.getAttribute('max'), '1', 'one battery was handed over on site');
  await resolve.locator('textarea[name=work_done]').fill('蓄电池静态电压 10.2V，已更换宁波/绍兴店调来的 EFB 蓄电池，启停功能正常。');
  await used.fill('1');
  // Resolving asks for the customer's signature, or why they cannot sign (phone.test.mjs signs).
  await resolve.locator('#customer-absent').check();
  await resolve.locator('input[name=customer_absent_reason]').fill('客户已先行离开，车辆交由同事看管');
  await screenshot(page, 'parts-job-phone.png');
  // Resolving asks for confirmation (data-confirm): accept it.
  page.once('dialog', (d) => d.accept());
  await press(page, page.locator('button#resolve'), 'resolving');
  await expectJobStatus(page, 'resolved');
  // The technician has no parts desk: no link, and the page itself is refused.
  assert.equal(await page.locator('a#nav-parts').count(), 0, 'hz.tech does not see the 配件台 link');
  const res = await page.goto(url('/parts'));
  assert.equal(res.status(), 403, 'hz.tech gets 403 for /parts');
}

/** The ticket page shows the part's whole journey, and the timeline its delivery. */
async function ticketShowsTheJourney(as, ticket, order) {
  const page = await as('hz.manager');
  await page.goto(url(ticket.path));
  await expectTicketStatus(page, 'resolved', 'hz.manager');
  const journey = page.locator('#parts-journey');
  await journey.waitFor({ state: 'visible' }).catch(() => assert.fail('the ticket page has no #parts-journey section'));
  const el = journey.locator(`.order[data-order-id="${order.orderId}"]`);
  assert.equal(await el.count(), 1, 'the order is in #parts-journey');
  const facts = await orderFacts(el);
  assert.equal(facts.status, 'consumed', 'fitted on site: the order is consumed');
  assert.deepEqual(facts.steps, ['选定来源', '下单', '发货', '送达现场', '已使用'], 'the journey, step by step');
  const entries = await timeline(page);
  assert.ok(entries.some((e) => e.includes('配件送达现场')), `the timeline shows 配件送达现场:\n${entries.join('\n')}`);
  await screenshot(page, 'parts-ticket-journey.png');
}

/** The parts manager has the parts desk too. */
async function partsManagerHasTheDesk(as) {
  const page = await as('hz.partsmgr');
  await page.goto(url('/work'));
  const link = page.locator('a#nav-parts');
  await link.waitFor({ state: 'visible' }).catch(() => assert.fail('hz.partsmgr does not see the 配件台 link'));
  await link.click();
  await page.waitForURL((u) => u.pathname === '/parts');
  await page.locator('#parts-queue').waitFor({ state: 'visible' });
  await noErrorShown(page, 'hz.partsmgr opening /parts');
}

test('parts: out of stock at hz, crew departs, sister dealer sends it to the site, fitted', async (t) => {
  await withUsers(t, async ({ as }) => {
    const ticket = await agentTakesCall(as);
    const plan = await workshopPlansWithMissingBattery(as, ticket);
    await managerAndDirectorApprove(as, ticket);
    await partsDeskFindsTheShortage(as, ticket, plan);
    const job = await crewDepartsWithoutThePart(as, ticket);
    const order = await partsDeskSendsItToTheSite(as, ticket, plan);

    await customerIsToldOfTheDelay(as, ticket);
    await technicianFitsItAndResolves(as, ticket, plan, job);
    await ticketShowsTheJourney(as, ticket, order);
    await partsManagerHasTheDesk(as);
  });
});
