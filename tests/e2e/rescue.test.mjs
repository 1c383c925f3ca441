// One whole rescue in the browser, from the call to the car fixed on the
// roadside, each step done by the user whose step it is, each in their own
// browser context: the call agent takes the call, the workshop lead writes
// and submits the plan, the service manager reviews it and records the
// customer's consent, the service director approves, the parts desk issues
// the battery, and the technician (the rescue lead, on a phone) acknowledges,
// departs, arrives and resolves. Along the way every user must see only the
// action that is theirs. Run by scripts/e2e.sh against `rescuedesk demo`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, crewGoesEvenIfBusy, eventually, pathOf, screenshot, uniquePlate, url, withUsers } from './helpers.mjs';

const TICKET_NUMBER = /^RS-\d{8}-\d{4}$/;
// A ticket page: /tickets/{id}, but not the intake form at /tickets/new.
const TICKET_PAGE = (u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new';
const JOB_PAGE = (u) => /^\/jobs\/[^/]+$/.test(u.pathname);

// Every action form of the ticket page, by what it is for.
const ACTIONS = {
  editPlan: 'a#edit-plan',
  submitPlan: 'form#submit-plan-form',
  review: 'form#review-form',
  consent: 'form#consent-form',
  approval: 'form#approval-form',
  issue: 'form#issue-form',
  job: 'a#job-link',
  cancel: 'form#cancel-form',
};

// The repair item the workshop lead plans and the manager reads out.
const REPAIR_ITEM = '检测充电系统并更换蓄电池';

/** A call about a car that will not start: a flat battery, as it turns out. */
function aCall() {
  return {
    customer_name: '陈晓梅',
    phone: '13957112345',
    address: '浙江省杭州市西湖区文三路 478 号华星时代广场地面停车场',
    lat: '30.2770',
    lon: '120.1270',
    crs: 'gcj02',
    plate: uniquePlate(),
    model: '速腾 2019 款',
    mileage_km: '86500',
    fault: '早上车辆无法启动，仪表灯很暗，启动机只有咔哒声；蓄电池已用四年多。',
    response_level: '2',
  };
}

// ---- small helpers for this story -------------------------------------------

/** The ticket's status code, from `[data-testid=ticket-status][data-status]`. */
async function ticketStatus(page) {
  return page.locator('[data-testid=ticket-status]').getAttribute('data-status');
}

/** The job's status code on a technician's job page. */
async function jobStatus(page) {
  return page.locator('[data-testid=job-status]').getAttribute('data-status');
}

/** Fails with the page's own message if it shows `.alert-error`. */
async function noErrorShown(page, what) {
  const alert = page.locator('.alert-error');
  if ((await alert.count()) > 0) {
    const msg = (await alert.first().innerText()).trim();
    assert.fail(`${what} failed: the page says “${msg}” (at ${pathOf(page)})`);
  }
}

/**
 * Clicks a button that submits a form and waits for the page the server sends
 * back (a new document: the POST is answered by a redirect); fails with the
 * page's error message if it shows one.
 */
async function press(page, button, what) {
  const loaded = page.waitForEvent('load', { timeout: 20_000 });
  await button.click();
  await loaded;
  await noErrorShown(page, what);
}

/** After an action on the ticket page: asserts the browser is back on it. */
function expectBackOn(page, ticket, what) {
  assert.equal(pathOf(page), ticket.path, `after ${what} the browser is back on the ticket page`);
}

/** Waits until the ticket page shows `status` (and no error). */
async function expectStatus(page, status, who) {
  await noErrorShown(page, `${who}'s last action`);
  await eventually(async () => {
    assert.equal(await ticketStatus(page), status, `${who}’s ticket page shows data-status="${status}"`);
  });
}

/**
 * Asserts which action forms `who` sees on the ticket page: each of `shown`
 * is visible, each of `hidden` is not in the page at all.
 */
async function expectActions(page, who, { shown = [], hidden = [] }) {
  const status = await ticketStatus(page);
  for (const key of shown) {
    await page.locator(ACTIONS[key]).waitFor({ state: 'visible' }).catch(() => {
      assert.fail(`${who} should see ${ACTIONS[key]} while the ticket is ${status}, but it is not there (at ${pathOf(page)})`);
    });
  }
  for (const key of hidden) {
    assert.equal(
      await page.locator(ACTIONS[key]).count(),
      0,
      `${who} must not see ${ACTIONS[key]} while the ticket is ${status}`,
    );
  }
}

/** All action forms except the listed ones. */
function allBut(...keys) {
  return Object.keys(ACTIONS).filter((k) => !keys.includes(k));
}

/** Opens the ticket from the user's work queue ("我的待办"), via the nav link. */
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

/** Digits of a yuan amount as pages write it: 1234.5 → "1234.50"; thousands separators ignored. */
function yuanDigits(fen) {
  return (fen / 100).toFixed(2);
}
function plainDigits(text) {
  return text.replace(/[,，\s]/g, '');
}

// ---- the steps ----------------------------------------------------------------

/** hz.agent takes the call on /tickets/new; returns the ticket { number, path, plate, call }. */
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
  await expectStatus(page, 'new', 'hz.agent');
  // The agent's part is done: nothing but (maybe) cancelling is theirs.
  await expectActions(page, 'hz.agent', { hidden: allBut('cancel') });
  return { number, path: pathOf(page), plate: call.plate, call };
}

/**
 * hz.workshop opens the ticket from the queue and writes the plan: hz.tech as
 * rescue lead plus one more technician, one tool, a battery in stock at hz,
 * one repair item and the estimated time; saves, checks the server's cost,
 * submits. Returns what the later steps check against.
 */
async function workshopWritesPlan(as, ticket) {
  const page = await as('hz.workshop');
  await openFromQueue(page, 'hz.workshop', ticket);
  await expectActions(page, 'hz.workshop', {
    shown: ['editPlan'],
    hidden: ['review', 'consent', 'approval', 'issue', 'job', 'cancel'],
  });
  await page.locator(ACTIONS.editPlan).click();
  await page.waitForURL((u) => u.pathname === `${ticket.path}/plan`);
  const form = page.locator('form#plan-form');
  await form.waitFor({ state: 'visible' });

  // Crew: hz.tech leads, one colleague goes along.
  const techBox = form.locator('input[type=checkbox][name=crew][data-login="hz.tech"]');
  assert.equal(await techBox.count(), 1, 'exactly one technician in the editor is linked to hz.tech');
  const leadId = await techBox.getAttribute('value');
  assert.ok(leadId, 'the crew checkbox carries the technician id');
  const leadName = await crewName(techBox);
  await techBox.check();
  await form.locator(`input[type=radio][name=lead][value="${leadId}"]`).check();
  const mate = form.locator('input[type=checkbox][name=crew]:not([data-login="hz.tech"])').first();
  assert.ok((await mate.count()) > 0, 'hz has another technician to send along');
  await mate.check();

  // One tool: the battery tester if the dealer has one, else the first listed.
  const tools = form.locator('input[name^="tool:"]');
  assert.ok((await tools.count()) > 0, 'the editor lists the dealer’s tools');
  const tester = tools.and(page.locator('[data-code="battery_tester"]'));
  const tool = (await tester.count()) > 0 ? tester.first() : tools.first();
  await tool.fill('1');

  // A battery that hz has on the shelf.
  const battery = await addStockedBattery(page);

  // The repair item and the time on site.
  const item = page.locator('#plan-items').locator('input[name=item_desc]').first();
  await item.fill(REPAIR_ITEM);
  await page.locator('#plan-items input[name=item_minutes]').first().fill('40');
  await form.locator('input[name=estimated_minutes]').fill('60');

  await crewGoesEvenIfBusy(form);
  await press(page, page.locator('button#save-plan'), 'saving the plan');
  await page.locator('.alert-ok').first().waitFor({ state: 'visible' }).catch(async () => {
    const errs = await page.locator('.field-error').evaluateAll((els) =>
      els.map((e) => `${e.dataset.field}: ${e.textContent.trim()}`),
    );
    assert.fail(`saving the plan showed no .alert-ok; field errors: ${errs.join(' | ') || 'none'}`);
  });
  // The editor shows the saved plan again, with the server's cost.
  assert.ok(await page.locator(`input[type=checkbox][name=crew][value="${leadId}"]`).isChecked(), 'hz.tech kept on the crew');
  assert.ok(await page.locator(`input[type=radio][name=lead][value="${leadId}"]`).isChecked(), 'hz.tech kept as the lead');
  assert.equal(await page.locator(`#plan-parts input[name=part_id][value="${battery.id}"]`).count(), 1, 'the battery kept in the plan');
  const totalFen = await eventually(async () => {
    const fen = Number(await page.locator('#plan-cost').getAttribute('data-total-fen'));
    assert.ok(Number.isInteger(fen) && fen > 0, `#plan-cost[data-total-fen] should be a positive number of fen, is ${fen}`);
    return fen;
  });
  await screenshot(page, 'plan-editor.png');

  const submit = page.locator('form#plan-form button#submit-plan');
  await submit.waitFor({ state: 'visible' });
  await press(page, submit, 'submitting the plan');
  expectBackOn(page, ticket, 'submitting the plan');
  await expectStatus(page, 'awaiting_manager_review', 'hz.workshop');
  // The plan as the ticket shows it: version 1, in yuan.
  const plan = page.locator('#plan-section');
  assert.equal(await plan.locator('[data-plan-version]').first().getAttribute('data-plan-version'), '1', 'plan v1');
  const totalText = await page.locator('#plan-total').innerText();
  assert.match(totalText, /[¥￥]|元/, `#plan-total shows yuan: “${totalText}”`);
  assert.ok(plainDigits(totalText).includes(yuanDigits(totalFen)), `#plan-total “${totalText}” is the editor's ${yuanDigits(totalFen)} yuan`);
  await expectActions(page, 'hz.workshop', { hidden: ['submitPlan', 'review', 'consent', 'approval', 'issue'] });

  return { leadId, leadName, battery, totalFen };
}

/** The technician's name as the editor shows it next to their checkbox. */
async function crewName(checkbox) {
  const text = await checkbox.evaluate((el) => {
    const holder = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label, tr, li') || el.parentElement;
    return holder.innerText;
  });
  // The name is the first word of the label (level, skills, duty follow).
  const name = text.trim().split(/[\s·,，()（）/|]+/)[0];
  assert.ok(name, `a name next to the crew checkbox (“${text.trim()}”)`);
  return name;
}

/** Searches the catalogue for 蓄电池 and adds a battery with stock at hz; returns { id, text }. */
async function addStockedBattery(page) {
  const search = page.locator('input#part-search');
  await search.fill('蓄电池');
  // A keystroke after the text, as typing with an IME ends; whatever htmx listens to fires.
  await search.press('End');
  const results = page.locator('#part-results .part-result');
  const candidates = await eventually(async () => {
    const rows = await results.evaluateAll((els) =>
      els.map((e) => ({ id: e.dataset.partId, available: Number(e.dataset.available), text: e.innerText })),
    );
    if (rows.length === 0) {
      const [box, anywhere] = [await page.locator('#part-results').count(), await page.locator('.part-result').count()];
      assert.fail(`the search for 蓄电池 shows no .part-result rows in #part-results (#part-results in the page: ${box}; .part-result rows anywhere: ${anywhere})`);
    }
    return rows;
  });
  // A battery (12 V …Ah), not e.g. the battery monitoring sensor, on the shelf at hz.
  const battery = candidates.find((r) => r.available >= 1 && /\d+\s*Ah/i.test(r.text));
  assert.ok(
    battery,
    `a battery with data-available ≥ 1 among the results: ${candidates.map((r) => `${r.text.replace(/\s+/g, ' ')} [${r.available}]`).join('; ')}`,
  );
  await page.locator(`#part-results .part-result[data-part-id="${battery.id}"] button.add-part`).first().click();
  const row = page.locator('#plan-parts').locator(`input[name=part_id][value="${battery.id}"]`);
  await row.waitFor({ state: 'attached' }).catch(() => assert.fail(`clicking add put no row for ${battery.id} in #plan-parts`));
  const qty = page.locator('#plan-parts input[name=part_qty]').last();
  if ((await qty.inputValue()).trim() === '') await qty.fill('1');
  assert.equal(await qty.inputValue(), '1', 'one battery');
  return battery;
}

/** hz.manager accepts the plan, reads the script to the customer and records their agreement. */
async function managerReviewsAndGetsConsent(as, ticket, plan) {
  const page = await as('hz.manager');
  await openFromQueue(page, 'hz.manager', ticket);
  await expectStatus(page, 'awaiting_manager_review', 'hz.manager');
  await expectActions(page, 'hz.manager', {
    shown: ['review'],
    hidden: ['editPlan', 'submitPlan', 'consent', 'approval', 'issue', 'job'],
  });
  const review = page.locator('form#review-form');
  await review.locator('textarea[name=reason]').waitFor({ state: 'attached' });
  await press(page, review.locator('button[name=decision][value=accept]'), 'accepting the plan');
  expectBackOn(page, ticket, 'accepting the plan');
  await expectStatus(page, 'awaiting_customer_consent', 'hz.manager');
  await expectActions(page, 'hz.manager', {
    shown: ['consent'],
    hidden: ['editPlan', 'submitPlan', 'review', 'approval', 'issue', 'job'],
  });

  const consent = page.locator('form#consent-form');
  const script = (await consent.locator('#consent-script').innerText()).trim();
  assert.ok(script.includes(plan.leadName), `the consent script names the rescue lead ${plan.leadName}: “${script}”`);
  const phones = (script.match(/1[3-9]\d{9}/g) ?? []).filter((p) => p !== ticket.call.phone);
  assert.ok(phones.length > 0, `the consent script gives the rescue lead's mobile number: “${script}”`);
  assert.ok(script.includes(REPAIR_ITEM), `the consent script lists the repair item “${REPAIR_ITEM}”`);
  assert.ok(plainDigits(script).includes(yuanDigits(plan.totalFen)), `the consent script gives the estimated cost ${yuanDigits(plan.totalFen)} yuan: “${script}”`);
  const arrival = consent.locator('input[name=expected_arrival_at]');
  assert.notEqual((await arrival.inputValue()).trim(), '', 'the expected arrival time is prefilled');
  await consent.locator('select[name=on_decline]').waitFor({ state: 'attached' });
  await consent.locator('button[name=agreed][value=no]').waitFor({ state: 'visible' });
  await screenshot(page, 'consent.png');

  await press(page, consent.locator('button[name=agreed][value=yes]'), 'recording the customer’s agreement');
  expectBackOn(page, ticket, 'recording the agreement');
  await expectStatus(page, 'awaiting_director', 'hz.manager');
  // Signing is the director's: the manager gets no approval form, not even now.
  await expectActions(page, 'hz.manager', { hidden: ['approval', 'review', 'consent', 'issue', 'editPlan', 'job'] });
}

/** hz.director approves; sees neither the manager's nor the parts desk's forms. */
async function directorApproves(as, ticket) {
  const page = await as('hz.director');
  await openFromQueue(page, 'hz.director', ticket);
  await expectStatus(page, 'awaiting_director', 'hz.director');
  await expectActions(page, 'hz.director', {
    shown: ['approval'],
    hidden: ['review', 'consent', 'issue', 'editPlan', 'submitPlan', 'job', 'cancel'],
  });
  const approval = page.locator('form#approval-form');
  await approval.locator('textarea[name=reason]').waitFor({ state: 'attached' });
  await approval.locator('button[name=decision][value=reject]').waitFor({ state: 'visible' });
  await press(page, approval.locator('button[name=decision][value=approve]'), 'approving the plan');
  expectBackOn(page, ticket, 'approving the plan');
  await expectStatus(page, 'approved', 'hz.director');
  await expectActions(page, 'hz.director', { hidden: ['approval', 'review', 'consent', 'issue'] });
}

/** hz.parts issues the battery against the approved plan. */
async function partsIssue(as, ticket, plan) {
  const page = await as('hz.parts');
  await openFromQueue(page, 'hz.parts', ticket);
  await expectStatus(page, 'approved', 'hz.parts');
  await expectActions(page, 'hz.parts', {
    shown: ['issue'],
    hidden: ['approval', 'review', 'consent', 'editPlan', 'submitPlan', 'job', 'cancel'],
  });
  const form = page.locator('form#issue-form');
  const qty = form.locator(`input[name="qty:${plan.battery.id}"]`);
  assert.equal(await qty.count(), 1, `the issue form has qty:${plan.battery.id} for the planned battery`);
  assert.equal(await qty.inputValue(), '1', 'the battery still to issue: 1');
  const entriesBefore = (await timeline(page)).length;

  await press(page, form.locator('button[type=submit]'), 'issuing the parts');
  expectBackOn(page, ticket, 'issuing the parts');
  await expectStatus(page, 'approved', 'hz.parts');
  // Shown on the ticket: the issued quantity next to the part in the plan
  // (`[data-issued]`), or a new timeline entry for the issue (领料).
  await eventually(async () => {
    const issuedCell = page.locator(`#plan-section [data-part-id="${plan.battery.id}"] [data-issued]`);
    const issued = (await issuedCell.count()) > 0 ? await issuedCell.first().getAttribute('data-issued') : null;
    const entries = await timeline(page);
    // There was no issue before this one, so any 领料 entry is the new one.
    const inTimeline = entries.length > entriesBefore && entries.some((e) => /领料|parts issued/i.test(e));
    assert.ok(
      issued === '1' || inTimeline,
      `the ticket shows the battery issued (#plan-section data-issued=${issued}; timeline ${entriesBefore} → ${entries.length} entries: ${entries.join(' | ')})`,
    );
  });
  const left = page.locator(`form#issue-form input[name="qty:${plan.battery.id}"]`);
  if ((await left.count()) > 0) assert.equal(await left.inputValue(), '0', 'nothing of the battery left to issue');
}

/** hz.tech, on a phone: finds the job, acknowledges, departs, arrives, resolves with the battery. */
async function technicianDoesTheJob(as, ticket, plan) {
  const page = await as('hz.tech', { viewport: PHONE });
  await page.goto(url('/jobs'));
  const link = page.locator(`li[data-ticket-number="${ticket.number}"]`);
  await link.waitFor({ state: 'visible' }).catch(() => assert.fail(`${ticket.number} is not among hz.tech's jobs on /jobs`));
  const anchor = (await link.evaluate((el) => el.tagName)) === 'A' ? link : link.locator('a').first();
  await anchor.click();
  await page.waitForURL(JOB_PAGE);
  const jobPath = pathOf(page);

  // Per state: the buttons the technician needs now, and those that must not
  // be offered (not valid in that state). Acknowledging stays allowed until
  // arrival, so once done the page may show it again or not.
  const expectButtons = async (status, { shown, hidden }) => {
    await noErrorShown(page, `hz.tech's last step`);
    await eventually(async () => assert.equal(await jobStatus(page), status, `the job page shows ${status}`));
    for (const b of shown) {
      assert.ok(await page.locator(`button#${b}`).isVisible(), `button#${b} is shown while the job is ${status}`);
    }
    for (const b of hidden) {
      assert.ok(!(await page.locator(`button#${b}`).isVisible()), `button#${b} is not shown while the job is ${status}`);
    }
  };
  const step = async (b, what) => {
    await press(page, page.locator(`button#${b}`), what);
    assert.equal(pathOf(page), jobPath, `after ${what} hz.tech is back on the job page`);
  };

  await page.locator('[data-testid=job-status]').waitFor({ state: 'visible' });
  await expectButtons('approved', { shown: ['ack', 'depart'], hidden: ['arrive', 'resolve', 'mismatch', 'tow'] });
  await step('ack', 'acknowledging the job');
  await expectButtons('approved', { shown: ['depart'], hidden: ['arrive', 'resolve', 'mismatch', 'tow'] });
  await step('depart', 'departing');
  await expectButtons('dispatched', { shown: ['arrive'], hidden: ['depart', 'resolve', 'mismatch', 'tow'] });
  await step('arrive', 'arriving');
  await expectButtons('on_site', { shown: ['resolve', 'mismatch', 'tow'], hidden: ['ack', 'depart', 'arrive'] });

  const resolve = page.locator('form', { has: page.locator('button#resolve') });
  await resolve.locator('textarea[name=work_done]').fill('蓄电池电压 9.8V，已更换新蓄电池，充电系统正常，车辆启动正常。');
  await resolve.locator(`input[name="used:${plan.battery.id}"]`).fill('1');
  // Resolving asks for the customer's signature, or why they cannot sign (phone.test.mjs signs).
  await resolve.locator('#customer-absent').check();
  await resolve.locator('input[name=customer_absent_reason]').fill('客户已先行离开，车辆交由同事看管');
  await screenshot(page, 'job-phone.png');
  // Resolving asks for confirmation (data-confirm): accept it.
  page.once('dialog', (d) => d.accept());
  await step('resolve', 'resolving');
  await expectButtons('resolved', { shown: [], hidden: ['ack', 'depart', 'arrive', 'resolve', 'mismatch', 'tow'] });
}

/** hz.agent sees the rescue done, with the whole story in the timeline. */
async function agentSeesItResolved(as, ticket) {
  const page = await as('hz.agent');
  await page.goto(url(ticket.path));
  await expectStatus(page, 'resolved', 'hz.agent');
  const entries = await timeline(page);
  assert.ok(entries.length >= 8, `#timeline has at least 8 entries, has ${entries.length}:\n${entries.join('\n')}`);
  await expectActions(page, 'hz.agent', { hidden: Object.keys(ACTIONS) });
}

test('rescue: one call from intake to resolved, each step by its own user', async (t) => {
  await withUsers(t, async ({ as }) => {
    const ticket = await agentTakesCall(as);
    const plan = await workshopWritesPlan(as, ticket);
    await managerReviewsAndGetsConsent(as, ticket, plan);
    await directorApproves(as, ticket);
    await partsIssue(as, ticket, plan);
    await technicianDoesTheJob(as, ticket, plan);
    await agentSeesItResolved(as, ticket);
  });
});
