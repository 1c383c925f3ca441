// Browser tests for the pages opened from a text message, without signing in:
// the technician's job page (/j/{code}) and the customer's status page
// (/s/{code}). The staff bring a fresh ticket to "approved" as in
// rescue.test.mjs, with a technician who has no sign-in of their own as
// rescue lead plus hz.tech; then the links are taken from the built-in outbox
// viewer (no SMS provider in `rescuedesk demo`) and opened on a phone-sized
// browser with no cookies. Run by scripts/e2e.sh against `rescuedesk demo`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crewGoesEvenIfBusy, eventually, outboxMessages, pathOf, screenshot, uniquePlate, url, withUsers } from './helpers.mjs';

// A ticket page: /tickets/{id}, but not the intake form at /tickets/new.
const TICKET_PAGE = (u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new';
// A link as the messages write it: http(s)://host/j/<16-char code> or /s/<code>.
const LINK = {
  job: /https?:\/\/[^\s/]+\/j\/([A-Za-z0-9_-]{16})(?![A-Za-z0-9_-])/g,
  status: /https?:\/\/[^\s/]+\/s\/([A-Za-z0-9_-]{16})(?![A-Za-z0-9_-])/g,
  decide: /https?:\/\/[^\s/]+\/a\/([A-Za-z0-9_-]{16})(?![A-Za-z0-9_-])/g,
};
// Screenshots kept with the code (the rating on a phone): tests/e2e/screenshots/.
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
// Where the customer's phone says it is (WGS-84, as browsers report it).
const CUSTOMER_POSITION = { latitude: 30.28, longitude: 120.16 };
const REPAIR_ITEM = '更换蓄电池';
const JOB_BUTTONS = ['ack', 'depart', 'arrive', 'resolve', 'mismatch', 'tow'];

/** A caller on a mobile (so they can be texted) whose car will not start. */
function aCall() {
  return {
    customer_name: '周海燕',
    phone: '13905716688',
    address: '浙江省杭州市西湖区天目山路 176 号西湖数源软件园停车场',
    lat: '30.2780',
    lon: '120.1420',
    crs: 'gcj02',
    plate: uniquePlate(),
    model: '朗逸 2020 款',
    mileage_km: '72300',
    fault: '车辆无法启动，仪表灯暗，启动机无反应。',
    response_level: '2',
  };
}

// ---- small helpers -----------------------------------------------------------

/** Fails with the page's own message if it shows `.alert-error`. */
async function noErrorShown(page, what) {
  const alert = page.locator('.alert-error');
  if ((await alert.count()) > 0) {
    const msg = (await alert.first().innerText()).trim();
    assert.fail(`${what} failed: the page says “${msg}” (at ${pathOf(page)})`);
  }
}

/** Clicks a submit button, waits for the page the server sends back, fails on `.alert-error`. */
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

/** The one link of `kind` ('job' or 'status') in a message's text: { href, code, path }. */
function linkIn(message, kind) {
  const found = [...message.body.matchAll(LINK[kind])];
  assert.equal(found.length, 1, `one ${kind} link in the ${message.template} message to ${message.recipient}: “${message.body}”`);
  const href = found[0][0];
  return { href, code: found[0][1], path: new URL(href).pathname };
}

/** Waits for the ticket's messages of `template` in the outbox viewer (as hz.manager, or `reader`). */
async function messagesOf(as, ticket, template, count, reader = 'hz.manager') {
  const page = await as(reader);
  return eventually(async () => {
    const messages = await outboxMessages(page, { template, ticketPath: ticket.path });
    assert.equal(messages.length, count, `${count} ${template} message(s) for ${ticket.number} in /outbox, found ${messages.length}`);
    return messages;
  });
}

// ---- bringing a ticket to "approved" (as in rescue.test.mjs, in brief) ------

/** hz.agent takes the call; returns { number, path, call }. */
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
    assert.fail('the call did not open a ticket');
  });
  const number = (await page.locator('[data-testid=ticket-number]').innerText()).trim();
  return { number, path: pathOf(page), call };
}

/**
 * hz.workshop plans the job: a technician with no sign-in (no data-login) as
 * rescue lead, hz.tech along, a battery from stock, one repair item; saves
 * and submits. Returns { leadId, leadName, battery }.
 */
async function workshopPlans(as, ticket) {
  const page = await as('hz.workshop');
  await page.goto(url(`${ticket.path}/plan`));
  const form = page.locator('form#plan-form');
  await form.waitFor({ state: 'visible' });

  const crew = form.locator('input[type=checkbox][name=crew]');
  const noLogin = crew.and(page.locator(':not([data-login]), [data-login=""]'));
  assert.ok((await noLogin.count()) > 0, 'the plan editor lists a technician without a sign-in (no data-login)');
  const leadBox = noLogin.first();
  const leadId = await leadBox.getAttribute('value');
  const leadName = (await form.locator(`label[for="crew-${leadId}"]`).innerText()).trim();
  assert.ok(leadName, `the technician ${leadId} has a name in the editor`);
  await leadBox.check();
  await form.locator(`input[type=radio][name=lead][value="${leadId}"]`).check();
  await crew.and(page.locator('[data-login="hz.tech"]')).check();

  const tools = form.locator('input[name^="tool:"]');
  if ((await tools.count()) > 0) await tools.first().fill('1');
  const battery = await addStockedBattery(page);
  await page.locator('#plan-items input[name=item_desc]').first().fill(REPAIR_ITEM);
  await page.locator('#plan-items input[name=item_minutes]').first().fill('30');
  await form.locator('input[name=estimated_minutes]').fill('45');

  await crewGoesEvenIfBusy(form);
  await press(page, page.locator('button#save-plan'), 'saving the plan');
  await page.locator('.alert-ok').first().waitFor({ state: 'visible' }).catch(async () => {
    const errs = await page.locator('.field-error').allInnerTexts();
    assert.fail(`saving the plan showed no .alert-ok; field errors: ${errs.join(' | ') || 'none'}`);
  });
  await press(page, page.locator('form#plan-form button#submit-plan'), 'submitting the plan');
  await expectTicketStatus(page, 'awaiting_manager_review', 'hz.workshop');
  return { leadId, leadName, battery };
}

/** Searches the catalogue for 蓄电池 and adds a battery (… Ah) in stock at hz; returns { id }. */
async function addStockedBattery(page) {
  const search = page.locator('input#part-search');
  await search.fill('蓄电池');
  await search.press('End');
  const battery = await eventually(async () => {
    const rows = await page.locator('#part-results .part-result').evaluateAll((els) =>
      els.map((e) => ({ id: e.dataset.partId, available: Number(e.dataset.available), text: e.innerText })),
    );
    const found = rows.find((r) => r.available >= 1 && /\d+\s*Ah/i.test(r.text));
    assert.ok(found, `a battery in stock among the results for 蓄电池 (${rows.length} rows)`);
    return found;
  });
  await page.locator(`#part-results .part-result[data-part-id="${battery.id}"] button.add-part`).first().click();
  await page.locator(`#plan-parts input[name=part_id][value="${battery.id}"]`).waitFor({ state: 'attached' });
  const qty = page.locator('#plan-parts input[name=part_qty]').last();
  if ((await qty.inputValue()).trim() === '') await qty.fill('1');
  return { id: battery.id };
}

/** hz.manager accepts the plan and records the customer's agreement; returns the lead's mobile from the script. */
async function managerGetsConsent(as, ticket, plan) {
  const page = await as('hz.manager');
  await page.goto(url(ticket.path));
  await press(page, page.locator('form#review-form button[name=decision][value=accept]'), 'accepting the plan');
  await expectTicketStatus(page, 'awaiting_customer_consent', 'hz.manager');
  const consent = page.locator('form#consent-form');
  const script = (await consent.locator('#consent-script').innerText()).trim();
  assert.ok(script.includes(plan.leadName), `the consent script names the rescue lead ${plan.leadName}: “${script}”`);
  const leadPhone = (script.match(/1[3-9]\d{9}/g) ?? []).find((p) => p !== ticket.call.phone);
  assert.ok(leadPhone, `the consent script gives the rescue lead's mobile: “${script}”`);
  await press(page, consent.locator('button[name=agreed][value=yes]'), 'recording the customer’s agreement');
  await expectTicketStatus(page, 'awaiting_director', 'hz.manager');
  return leadPhone;
}

/** hz.director approves; hz.parts issues the battery. */
async function directorApprovesAndPartsIssued(as, ticket, plan) {
  const director = await as('hz.director');
  await director.goto(url(ticket.path));
  await press(director, director.locator('form#approval-form button[name=decision][value=approve]'), 'approving the plan');
  await expectTicketStatus(director, 'approved', 'hz.director');

  const parts = await as('hz.parts');
  await parts.goto(url(ticket.path));
  const form = parts.locator('form#issue-form');
  assert.equal(await form.locator(`input[name="qty:${plan.battery.id}"]`).count(), 1, 'the issue form offers the planned battery');
  await press(parts, form.locator('button[type=submit]'), 'issuing the battery');
  await expectTicketStatus(parts, 'approved', 'hz.parts');
}

/**
 * A ticket approved with a no-sign-in rescue lead and hz.tech, battery issued.
 * Returns { ticket, plan, jobLink } where jobLink is the lead's, taken from
 * their technician_dispatch message in the outbox viewer.
 */
async function approvedTicketWithLinkLead(as) {
  const ticket = await agentTakesCall(as);
  const plan = await workshopPlans(as, ticket);
  plan.leadPhone = await managerGetsConsent(as, ticket, plan);
  await directorApprovesAndPartsIssued(as, ticket, plan);

  // One dispatch per crew member. The lead's goes to their mobile, or, for a
  // technician who asked for e-mail, to an address (hz.tech's is by SMS).
  const dispatches = await messagesOf(as, ticket, 'technician_dispatch', 2);
  const toLead =
    dispatches.find((m) => m.recipient === plan.leadPhone) ?? dispatches.find((m) => m.recipient.includes('@'));
  assert.ok(
    toLead,
    `a technician_dispatch to the lead ${plan.leadName} (${plan.leadPhone}); recipients: ${dispatches.map((m) => m.recipient).join(', ')}`,
  );
  const jobLink = linkIn(toLead, 'job');
  const otherCodes = dispatches.filter((m) => m !== toLead).map((m) => linkIn(m, 'job').code);
  assert.ok(!otherCodes.includes(jobLink.code), 'every crew member gets a job link of their own');
  return { ticket, plan, jobLink };
}

// ---- the technician's job page -------------------------------------------------

/** The job page as opened from a link: its status and the buttons it offers. */
function jobPage(page, jobLink, who) {
  const status = () => page.locator('[data-testid=job-status]').getAttribute('data-status');
  return {
    async open() {
      const res = await page.goto(url(jobLink.path));
      assert.equal(res?.status(), 200, `${who}'s job link ${jobLink.path} opens with HTTP 200`);
      assert.equal(pathOf(page), jobLink.path, `${who} stays on the job link (no sign-in asked for)`);
      await page.locator('[data-testid=job-status]').waitFor({ state: 'visible' });
    },
    /** Asserts the status and that exactly the `shown` buttons are offered. */
    async expect(expected, shown) {
      await noErrorShown(page, `${who}'s last step`);
      await eventually(async () => assert.equal(await status(), expected, `the job page shows data-status="${expected}"`));
      for (const b of JOB_BUTTONS) {
        const visible = await page.locator(`button#${b}`).isVisible();
        if (shown.includes(b)) assert.ok(visible, `button#${b} is shown while the job is ${expected}`);
        else assert.equal(visible, false, `button#${b} must not be shown while the job is ${expected}`);
      }
    },
    /** Taps a button; the page comes back at the same /j/{code} address. */
    async tap(b, what) {
      await press(page, page.locator(`button#${b}`), `${who} ${what}`);
      assert.equal(pathOf(page), jobLink.path, `after ${what} the page reloads at ${jobLink.path}`);
    },
  };
}

/** The technician works the job from the link up to "dispatched". */
async function technicianAcknowledgesAndDeparts(job) {
  await job.open();
  await job.expect('approved', ['ack', 'depart']);
  await job.tap('ack', 'acknowledging');
  await job.expect('approved', ['depart']);
  await job.tap('depart', 'departing');
  await job.expect('dispatched', ['arrive']);
}

// ---- the customer's status page ---------------------------------------------

/** The status link texted to the customer when the crew set off. */
async function statusLinkTexted(as, ticket) {
  const [departed] = await messagesOf(as, ticket, 'customer_crew_departed', 1);
  assert.equal(departed.recipient, ticket.call.phone, 'customer_crew_departed goes to the caller’s mobile');
  return linkIn(departed, 'status');
}

/** The customer opens the status link: status, lead and a way to call them, arrival time. */
async function customerSeesRescue(page, statusLink, plan) {
  const res = await page.goto(url(statusLink.path));
  assert.equal(res?.status(), 200, `the status link ${statusLink.path} opens with HTTP 200`);
  assert.equal(pathOf(page), statusLink.path, 'the customer stays on the status link (no sign-in asked for)');
  const status = page.locator('[data-testid=customer-status]');
  await status.waitFor({ state: 'visible' });
  const code = await status.getAttribute('data-status');
  assert.ok(['dispatched', 'on_site'].includes(code), `the status page shows dispatched or on_site, shows data-status="${code}"`);
  const text = await page.locator('main, body').first().innerText();
  assert.ok(text.includes(plan.leadName), `the status page names the rescue lead ${plan.leadName}`);
  const call = page.locator('a#call-lead');
  await call.waitFor({ state: 'visible' }).catch(() => assert.fail('the status page offers a#call-lead to phone the lead'));
  assert.equal(await call.getAttribute('href'), `tel:${plan.leadPhone}`, 'a#call-lead dials the lead’s mobile');
  assert.match((await page.locator('#eta').innerText()).trim(), /\d{1,2}:\d{2}/, '#eta shows the expected arrival time');
}

/** The customer taps "send my location"; the page says it was sent. */
async function customerSharesLocation(page) {
  await page.locator('button#share-location').click();
  const result = page.locator('#share-result');
  await eventually(async () => {
    const said = (await result.innerText()).trim();
    assert.ok(said.includes('位置已发送'), `#share-result says 位置已发送, says “${said}”`);
  });
}

/** hz.agent sees the shared position on the ticket page, to 6 decimals. */
async function agentSeesSharedLocation(as, ticket) {
  const page = await as('hz.agent');
  await page.goto(url(ticket.path));
  const shared = page.locator('#shared-location');
  await shared.waitFor({ state: 'visible' }).catch(() => assert.fail(`#shared-location is not on ${ticket.path}`));
  const text = await shared.innerText();
  const [lat, lon] = [CUSTOMER_POSITION.latitude.toFixed(6), CUSTOMER_POSITION.longitude.toFixed(6)];
  assert.ok(text.includes(lat), `#shared-location shows latitude ${lat}: “${text}”`);
  assert.ok(text.includes(lon), `#shared-location shows longitude ${lon}: “${text}”`);
}

// ---- the tests ----------------------------------------------------------------

// A job link seen in the first test, reused by the altered-code test (which
// makes its own ticket when run alone).
let seenJobLink = null;

test('job link: a technician without a sign-in works the job on a phone, ack → depart → arrive → resolve', async (t) => {
  await withUsers(t, async ({ as, guest }) => {
    const { ticket, plan, jobLink } = await approvedTicketWithLinkLead(as);
    seenJobLink = jobLink;

    const phone = await guest(`technician ${plan.leadName}`);
    const job = jobPage(phone, jobLink, plan.leadName);
    await technicianAcknowledgesAndDeparts(job);
    await job.tap('arrive', 'arriving');
    await job.expect('on_site', ['resolve', 'mismatch', 'tow']);

    const resolve = phone.locator('form', { has: phone.locator('button#resolve') });
    await resolve.locator('textarea[name=work_done]').fill('蓄电池亏电，已更换新蓄电池，车辆启动正常。');
    await resolve.locator(`input[name="used:${plan.battery.id}"]`).fill('1');
    // Resolving asks for the customer's signature, or why they cannot sign (phone.test.mjs signs).
    await resolve.locator('#customer-absent').check();
    await resolve.locator('input[name=customer_absent_reason]').fill('客户已先行离开，车辆交由同事看管');
    await screenshot(phone, 'job-link-phone.png');
    // Resolving asks for confirmation (data-confirm): accept it.
    phone.once('dialog', (d) => d.accept());
    await job.tap('resolve', 'resolving');
    await job.expect('resolved', []);
    assert.equal((await phone.context().cookies()).length, 0, 'the link pages set no sign-in cookie');

    // The staff see it done.
    const agent = await as('hz.agent');
    await agent.goto(url(ticket.path));
    await expectTicketStatus(agent, 'resolved', 'hz.agent');

    // After the job: the call back (回访) is on the agent's work page; a 2 opens a complaint.
    await agent.goto(url('/work'));
    const call = agent.locator(`#queue-follow-up tr:has(a[href="${ticket.path}"]) a.button`);
    await call.waitFor().catch(() => assert.fail(`no follow-up for ${ticket.path} on /work`));
    await call.click();
    await agent.locator('#follow-up-form').waitFor();
    assert.match(await agent.locator('#follow-up').innerText(), /蓄电池亏电，已更换新蓄电池/);
    await agent.locator('input[name=score][value="2"]').check();
    await agent.locator('textarea[name=comment]').fill('等了快两个小时，希望改进');
    await screenshot(agent, 'follow-up-call.png');
    await agent.locator('#record-answer').click();
    await agent.waitForURL((u) => u.pathname === '/work' && u.search.includes('followed=1'));
    assert.equal(await agent.locator(`#queue-follow-up a[href="${ticket.path}"]`).count(), 0, 'the call is done');

    const manager = await as('hz.manager');
    await manager.goto(url('/complaints'));
    const row = manager.locator('#complaints tr', { hasText: '等了快两个小时' });
    await row.locator('a').first().click();
    await manager.locator('#step-form').waitFor();
    await manager.locator('#step-form textarea[name=note]').fill('已致电客户致歉，下次保养免工时费');
    await manager.locator('#add-step').click();
    await manager.locator('ol.steps li', { hasText: '已致电客户致歉' }).waitFor();
    await manager.locator('#close-form input[name=customer_satisfied]').check();
    await manager.locator('#close-form textarea[name=closing_note]').fill('客户接受并表示满意');
    await manager.locator('#close-complaint').click();
    await manager.locator('#complaint[data-open="false"]').waitFor();
    await screenshot(manager, 'complaint-closed.png');
  });
});

test('status link: the customer follows the crew on a phone and sends their location to the staff', async (t) => {
  await withUsers(t, async ({ as, guest }) => {
    const { ticket, plan, jobLink } = await approvedTicketWithLinkLead(as);
    const technician = await guest(`technician ${plan.leadName}`);
    await technicianAcknowledgesAndDeparts(jobPage(technician, jobLink, plan.leadName));

    const statusLink = await statusLinkTexted(as, ticket);
    const customer = await guest('customer', {
      permissions: ['geolocation'],
      geolocation: CUSTOMER_POSITION,
    });
    await customerSeesRescue(customer, statusLink, plan);
    await customerSharesLocation(customer);
    await screenshot(customer, 'status-phone.png');

    await agentSeesSharedLocation(as, ticket);
  });
});

/** A phone screenshot kept in tests/e2e/screenshots/ (the whole page). */
async function keepShot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

test('status link: once the rescue is over the customer rates it on a phone, and sees the thanks', async (t) => {
  await withUsers(t, async ({ as, guest }) => {
    const { ticket, plan, jobLink } = await approvedTicketWithLinkLead(as);
    const technician = await guest(`technician ${plan.leadName}`);
    const job = jobPage(technician, jobLink, plan.leadName);
    await technicianAcknowledgesAndDeparts(job);
    await job.tap('arrive', 'arriving');
    const resolve = technician.locator('form', { has: technician.locator('button#resolve') });
    await resolve.locator('textarea[name=work_done]').fill('蓄电池亏电，已更换新蓄电池，车辆启动正常。');
    await resolve.locator(`input[name="used:${plan.battery.id}"]`).fill('1');
    await resolve.locator('#customer-absent').check();
    await resolve.locator('input[name=customer_absent_reason]').fill('客户已先行离开，车辆交由同事看管');
    technician.once('dialog', (d) => d.accept());
    await job.tap('resolve', 'resolving');
    await job.expect('resolved', []);

    // The "fixed" SMS invites the rating on its status link.
    const [fixed] = await messagesOf(as, ticket, 'customer_resolved', 1);
    assert.match(fixed.body, /为本次服务打分/, `the customer_resolved SMS invites the rating: “${fixed.body}”`);
    const statusLink = linkIn(fixed, 'status');

    const customer = await guest('customer rating');
    const res = await customer.goto(url(statusLink.path));
    assert.equal(res?.status(), 200, `the status link ${statusLink.path} opens with HTTP 200`);
    await customer.locator('#rating-form').waitFor({ state: 'visible' });
    // Five big stars on one row, inside the phone's width, 1 on the left.
    const width = customer.viewportSize().width;
    const boxes = [];
    for (let n = 1; n <= 5; n += 1) {
      const box = await customer.locator(`[data-testid=star-${n}]`).boundingBox();
      assert.ok(box, `star ${n} is shown`);
      assert.ok(box.width >= 44 && box.height >= 44, `star ${n} is a big tap target (${box.width}×${box.height})`);
      assert.ok(box.x >= 0 && box.x + box.width <= width, `star ${n} fits the ${width}px screen`);
      boxes.push(box);
    }
    for (let i = 1; i < 5; i += 1) {
      assert.ok(Math.abs(boxes[i].y - boxes[0].y) < 2, 'the stars are on one row');
      assert.ok(boxes[i].x > boxes[i - 1].x, `star ${i + 1} is right of star ${i}`);
    }
    // The same card in English, one tap on the page's language link away: no Chinese in it.
    const english = await guest('customer rating en');
    await english.goto(url(statusLink.path));
    await english.locator('.lang a[data-lang=en]').click();
    await english.waitForURL((u) => u.pathname === statusLink.path);
    await english.locator('#rating-form').waitFor({ state: 'visible' });
    const offeredEn = await english.locator('#rating').innerText();
    assert.doesNotMatch(offeredEn, /[\u4e00-\u9fff]/, `the English rating card has no Chinese: “${offeredEn}”`);
    await keepShot(english, 'status-rating-phone-en.png');

    const four = customer.locator('[data-testid=star-4]');
    assert.match(await four.getAttribute('aria-label'), /4 星 · 满意/, 'star 4 says what it means');
    await four.tap();
    assert.ok(await customer.locator('#score-4').isChecked(), 'tapping star 4 picks the score 4');
    await customer.locator('#rating-comment').fill('师傅很专业，来得也快');
    await keepShot(customer, 'status-rating-phone.png');

    await press(customer, customer.locator('#rating-submit'), 'rating the rescue');
    assert.equal(pathOf(customer), statusLink.path, 'back on the status link after rating');
    await customer.locator('[data-testid=rating-thanks]').waitFor({ state: 'visible' });
    assert.equal(await customer.locator('#rating').getAttribute('data-score'), '4');
    assert.equal(await customer.locator('#rating-form').count(), 0, 'the form is gone once rated');
    await keepShot(customer, 'status-rated-phone.png');
    await english.reload();
    await english.locator('[data-testid=rating-thanks]').waitFor({ state: 'visible' });
    const ratedEn = await english.locator('#rating').innerText();
    assert.doesNotMatch(ratedEn, /[\u4e00-\u9fff]/, `the English thanks have no Chinese: “${ratedEn}”`);
    await keepShot(english, 'status-rated-phone-en.png');

    // The call is off the agent's queue: the customer answered it.
    const agent = await as('hz.agent');
    await agent.goto(url('/work'));
    assert.equal(await agent.locator(`#queue-follow-up a[href="${ticket.path}"]`).count(), 0, 'no follow-up call left for the agent');
  });
});

test('job link: an altered code shows a clear #link-error page with a 4xx status, and no buttons', async (t) => {
  await withUsers(t, async ({ as, guest }) => {
    const jobLink = seenJobLink ?? (await approvedTicketWithLinkLead(as)).jobLink;
    const last = jobLink.code.slice(-1);
    const altered = jobLink.code.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const phone = await guest('technician with an altered link');

    const res = await phone.goto(url(`/j/${altered}`));
    const status = res?.status() ?? 0;
    t.diagnostic(`/j/<altered code> answered HTTP ${status}`);
    assert.ok(status >= 400 && status < 500, `an altered job code is refused with a 4xx status, got ${status}`);
    const error = phone.locator('#link-error');
    await error.waitFor({ state: 'visible' }).catch(() => assert.fail(`an altered job code shows #link-error (HTTP ${status})`));
    const says = (await error.innerText()).trim();
    assert.ok(says.length > 0 && !/panicked|backtrace|stack/i.test(says), `#link-error explains the problem plainly: “${says}”`);
    for (const b of JOB_BUTTONS) {
      assert.equal(await phone.locator(`button#${b}`).count(), 0, `the error page has no button#${b}`);
    }
    assert.equal(await phone.locator('[data-testid=job-status]').count(), 0, 'the error page shows nothing of the job');
  });
});

test('decision links: the manager and the director take their steps from the SMS on a phone', async (t) => {
  await withUsers(t, async ({ as, guest }) => {
    const ticket = await agentTakesCall(as);
    await workshopPlans(as, ticket);
    // Only an admin reads a decision link's code in the demo's viewer (it stands in for a sign-in).
    const [review] = await messagesOf(as, ticket, 'plan_review', 1, 'hz.admin');
    const managerLink = linkIn(review, 'decide');
    const [hidden] = await messagesOf(as, ticket, 'plan_review', 1, 'hz.manager');
    assert.ok(!hidden.body.includes(managerLink.code), `the manager's viewer hides the decision code: “${hidden.body}”`);

    const phone = await guest('hz.manager on the road');
    const step = () => phone.locator('section.decide').getAttribute('data-step');
    await phone.goto(url(managerLink.path));
    assert.equal(await step(), 'accept', 'the review link offers the review');
    assert.match(await phone.locator('#decide-plan').innerText(), new RegExp(REPAIR_ITEM), 'the plan is on the page');
    await screenshot(phone, 'decide-link-phone.png');
    await press(phone, phone.locator('button#decide'), 'accepting from the link');
    assert.equal(pathOf(phone), managerLink.path, 'post/redirect/get back to the link page');
    assert.equal(await step(), 'consent', 'the same link goes on to the consent call');
    assert.ok(await phone.locator('[data-testid=decide-arrival]').isVisible(), 'the arrival to tell the customer');
    await press(phone, phone.locator('button#decide'), 'recording consent from the link');
    assert.equal(await step(), '', 'nothing waits on the manager now');
    await phone.locator('[data-testid=decide-closed]').waitFor({ state: 'visible' });

    const [approval] = await messagesOf(as, ticket, 'plan_approval', 1, 'hz.admin');
    const directorLink = linkIn(approval, 'decide');
    const directorPhone = await guest('hz.director on the road');
    await directorPhone.goto(url(directorLink.path));
    assert.equal(await directorPhone.locator('section.decide').getAttribute('data-step'), 'approve');
    await press(directorPhone, directorPhone.locator('button#decide'), 'approving from the link');
    assert.equal((await directorPhone.context().cookies()).filter((c) => c.name === 'rd_session').length, 0, 'no sign-in cookie');

    const agent = await as('hz.agent');
    await agent.goto(url(ticket.path));
    await expectTicketStatus(agent, 'approved', 'hz.agent');
  });
});

test('standard plan: a battery jump start goes from the call to the crew on the road in under a minute', async (t) => {
  await withUsers(t, async ({ as, guest }) => {
    const started = Date.now();
    const ticket = await agentTakesCall(as);

    // The lead ticks one free technician and applies the director's jump-start plan.
    const lead = await as('hz.workshop');
    await lead.goto(url(`${ticket.path}/plan`));
    const box = lead.locator('#standard-box');
    await box.waitFor({ state: 'visible' });
    // One the duty rota has in now (off duty cannot be sent); a free one first, else with an override.
    const free = await lead.locator('table.crew tr').evaluateAll((rows) =>
      rows
        .filter((r) => r.querySelector('input[name=crew]') && !r.querySelector('[data-duty="off"]'))
        .sort((a, b) => Number(!!a.querySelector('[data-busy-on]')) - Number(!!b.querySelector('[data-busy-on]')))
        .map((r) => r.querySelector('input[name=crew]').value),
    );
    assert.ok(free.length > 0, 'a technician on duty');
    await lead.locator(`input[name=crew][value="${free[0]}"]`).check();
    await lead.locator(`input[name=lead][value="${free[0]}"]`).check();
    await crewGoesEvenIfBusy(lead.locator('form#plan-form'));
    const option = await lead
      .locator('#standard-plan option')
      .evaluateAll((os) => os.find((o) => o.textContent.includes('电瓶搭电'))?.value);
    assert.ok(option, 'the demo director defined a jump start');
    await lead.locator('#standard-plan').selectOption(option);
    await screenshot(lead, 'standard-plan-editor.png');
    await press(lead, lead.locator('#apply-standard'), 'applying the standard plan');
    await lead.waitForURL(TICKET_PAGE);
    await expectTicketStatus(lead, 'awaiting_customer_consent', 'hz.workshop');
    assert.equal(await lead.locator('.standard-note').getAttribute('data-standing'), 'true', 'within the ceiling');

    // The agent, still on the call, records the consent: approved on the standing approval.
    const agent = await as('hz.agent');
    await agent.goto(url(ticket.path));
    await press(agent, agent.locator('#consent-agree'), 'recording the consent');
    await expectTicketStatus(agent, 'approved', 'hz.agent');
    await screenshot(agent, 'standard-plan-ticket.png');

    // The technician's SMS opens the job; they leave.
    const [dispatch] = await messagesOf(as, ticket, 'technician_dispatch', 1);
    const phone = await guest('the technician');
    const job = jobPage(phone, linkIn(dispatch, 'job'), 'the technician');
    await job.open();
    await job.tap('depart', 'departing');
    await agent.goto(url(ticket.path));
    await expectTicketStatus(agent, 'dispatched', 'hz.agent');
    const seconds = (Date.now() - started) / 1000;
    console.log(`[e2e] call → dispatched through a standard plan: ${seconds.toFixed(1)} s (ceiling 60 s)`);
    assert.ok(seconds < 60, `call to dispatch took ${seconds.toFixed(1)} s`);
  });
});
