// Browser test for the crew's phone (issue 12): on a 390×844 phone the rescue lead opens the
// job link from the dispatch message, takes a photo of the fault with the camera input (a
// generated 2400×1800 JPEG, shrunk on the phone to 1600 px before it goes up), draws the
// customer's signature with the pointer, resolves; the staff see the photo and the signature on
// the ticket page. Screenshots go to tests/e2e/artifacts/ and, for review, /tmp/phone-shots/.
// Run by scripts/e2e.sh against `rescuedesk demo`, or:
//   BASE_URL=http://127.0.0.1:PORT node --test --test-name-pattern=phone tests/e2e/phone.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { eventually, outboxMessages, pathOf, PHONE, screenshot, uniquePlate, url, withUsers, crewGoesEvenIfBusy } from './helpers.mjs';

const SHOTS = process.env.PHONE_SHOTS ?? '/tmp/phone-shots';
const TICKET_PAGE = (u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new';
const JOB_LINK = /https?:\/\/[^\s/]+(\/j\/[A-Za-z0-9_-]{16})(?![A-Za-z0-9_-])/;

async function shot(page, name) {
  const file = await screenshot(page, name);
  await mkdir(SHOTS, { recursive: true });
  await copyFile(file, `${SHOTS}/${name}.png`);
}

async function noErrorShown(page, what) {
  const alert = page.locator('.alert-error');
  if ((await alert.count()) > 0) assert.fail(`${what}: the page says “${(await alert.first().innerText()).trim()}”`);
}

async function press(page, button, what) {
  const loaded = page.waitForEvent('load', { timeout: 20_000 });
  await button.click();
  await loaded;
  await noErrorShown(page, what);
}

async function ticketStatus(page, status, who) {
  await noErrorShown(page, who);
  await eventually(async () =>
    assert.equal(await page.locator('[data-testid=ticket-status]').getAttribute('data-status'), status, `${who} sees ${status}`),
  );
}

/** The staff bring a call to "approved" with one free technician without a sign-in as the crew. */
async function approvedTicket(as) {
  const agent = await as('hz.agent');
  await agent.goto(url('/tickets/new'));
  const form = agent.locator('#intake-form');
  const call = {
    customer_name: '钱立群', phone: '13905716699', address: '浙江省杭州市拱墅区莫干山路 100 号',
    lat: '30.2900', lon: '120.1500', plate: uniquePlate(), model: '帕萨特 2021 款', mileage_km: '41000',
  };
  for (const [name, value] of Object.entries(call)) await form.locator(`[name=${name}]`).fill(value);
  await form.locator('textarea[name=fault]').fill('蓄电池亏电，车辆无法启动。');
  await form.locator('select[name=crs]').selectOption('gcj02');
  await form.locator('select[name=response_level]').selectOption('2');
  await form.locator('button[type=submit]').click();
  await agent.waitForURL(TICKET_PAGE);
  const ticket = { path: pathOf(agent), number: (await agent.locator('[data-testid=ticket-number]').innerText()).trim() };

  const ws = await as('hz.workshop');
  await ws.goto(url(`${ticket.path}/plan`));
  const plan = ws.locator('form#plan-form');
  // A technician without a sign-in whom the duty rota has in now (off duty cannot be sent), not
  // out on another job if one is free (one active job each; else they go with an override).
  const free = await plan.locator('table.crew tr').evaluateAll((rows) =>
    rows
      .filter((r) => !r.querySelector('[data-duty="off"]'))
      .map((r) => ({ box: r.querySelector('input[name=crew]'), busy: !!r.querySelector('[data-busy-on]') }))
      .filter((c) => c.box && !c.box.dataset.login)
      .sort((a, b) => Number(a.busy) - Number(b.busy))
      .map((c) => c.box.value),
  );
  assert.ok(free.length > 0, 'a technician on duty without a sign-in in the plan editor');
  const lead = free[0];
  await plan.locator(`#crew-${lead}`).check();
  await plan.locator(`input[type=radio][name=lead][value="${lead}"]`).check();
  await crewGoesEvenIfBusy(plan);
  await ws.locator('#plan-items input[name=item_desc]').first().fill('检测并更换蓄电池');
  await ws.locator('#plan-items input[name=item_minutes]').first().fill('30');
  await plan.locator('input[name=estimated_minutes]').fill('45');
  await press(ws, ws.locator('button#save-plan'), 'saving the plan');
  await press(ws, ws.locator('form#plan-form button#submit-plan'), 'submitting the plan');
  await ticketStatus(ws, 'awaiting_manager_review', 'hz.workshop');

  const manager = await as('hz.manager');
  await manager.goto(url(ticket.path));
  await press(manager, manager.locator('form#review-form button[name=decision][value=accept]'), 'accepting');
  await press(manager, manager.locator('form#consent-form button[name=agreed][value=yes]'), 'consent');
  await ticketStatus(manager, 'awaiting_director', 'hz.manager');
  const director = await as('hz.director');
  await director.goto(url(ticket.path));
  await press(director, director.locator('form#approval-form button[name=decision][value=approve]'), 'approving');
  await ticketStatus(director, 'approved', 'hz.director');

  const admin = await as('hz.admin');
  const [dispatch] = await eventually(async () => {
    const m = await outboxMessages(admin, { template: 'technician_dispatch', ticketPath: ticket.path });
    assert.equal(m.length, 1, 'one dispatch message to the lead');
    return m;
  });
  const link = dispatch.body.match(JOB_LINK);
  assert.ok(link, `a job link in “${dispatch.body}”`);
  return { ticket, jobPath: link[1] };
}

/** A 2400×1800 JPEG as a phone camera would give it (drawn in the browser, which has canvas). */
async function cameraJpeg(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 2400;
    c.height = 1800;
    const x = c.getContext('2d');
    x.fillStyle = '#35506b';
    x.fillRect(0, 0, 2400, 1800);
    x.fillStyle = '#f2c14e';
    x.fillRect(700, 500, 1000, 800);
    x.fillStyle = '#fff';
    x.font = 'bold 220px sans-serif';
    x.fillText('12V 9.8V', 760, 980);
    return c.toDataURL('image/jpeg', 0.95).split(',')[1];
  });
  return Buffer.from(b64, 'base64');
}

test('phone: the lead photographs the fault, the customer signs, the staff see both', async (t) => {
  await withUsers(t, async ({ as, guest }) => {
    const { ticket, jobPath } = await approvedTicket(as);
    const phone = await guest('rescue lead');
    assert.deepEqual(phone.viewportSize(), PHONE);
    const tap = async (id, what) => {
      await press(phone, phone.locator(`button#${id}`), what);
      assert.equal(pathOf(phone), jobPath, `after ${what} the job link again`);
    };
    await phone.goto(url(jobPath));
    await tap('depart', 'departing');
    await tap('arrive', 'arriving');
    assert.equal(await phone.locator('[data-testid=job-status]').getAttribute('data-status'), 'on_site');

    // The camera input: a big photo goes up shrunk.
    const input = phone.locator('input#photo-fault_on_arrival');
    assert.equal(await input.getAttribute('capture'), 'environment');
    const jpeg = await cameraJpeg(phone);
    await input.setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    const thumb = phone.locator('#job-photos-list figure.photo[data-kind=fault_on_arrival] img');
    await thumb.waitFor({ state: 'visible', timeout: 15_000 });
    const size = await eventually(async () => {
      const s = await thumb.evaluate((img) => ({ w: img.naturalWidth, h: img.naturalHeight }));
      assert.ok(s.w > 0, 'the thumbnail loaded');
      return s;
    });
    assert.deepEqual(size, { w: 1600, h: 1200 }, 'shrunk on the phone to a longest side of 1600 px');
    assert.match(await phone.locator('#photo-status').innerText(), /照片已上传/);
    await shot(phone, 'job-zh');

    // The same page in English (another phone, switched with the page's language link).
    const en = await guest('rescue lead, English');
    await en.goto(url('/lang/en'), { referer: url(jobPath) });
    assert.equal(pathOf(en), jobPath, 'back on the job link in English');
    const enThumb = en.locator('#job-photos-list figure.photo img').first();
    await enThumb.waitFor({ state: 'visible' });
    await eventually(async () => assert.ok((await enThumb.evaluate((i) => i.complete && i.naturalWidth)) > 0));
    assert.match(await en.locator('#job-photos').innerText(), /Fault on arrival/);
    await shot(en, 'job-en');

    // Resolving without a signature is refused; then the customer signs with a finger.
    const form = phone.locator('form', { has: phone.locator('button#resolve') });
    await form.locator('textarea[name=work_done]').fill('蓄电池电压 9.8V，已更换新蓄电池，车辆启动正常。');
    phone.once('dialog', (d) => d.accept());
    await phone.locator('button#resolve').click();
    await phone.locator('.alert-error').waitFor({ state: 'visible' });
    assert.match(await phone.locator('.alert-error').innerText(), /请客户签名/);

    const form2 = phone.locator('form', { has: phone.locator('button#resolve') });
    await form2.locator('textarea[name=work_done]').fill('蓄电池电压 9.8V，已更换新蓄电池，车辆启动正常。');
    const pad = phone.locator('#signature-canvas');
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    await phone.mouse.move(box.x + 20, box.y + box.height * 0.7);
    await phone.mouse.down();
    for (let i = 1; i <= 24; i += 1) {
      const x = box.x + 20 + (box.width - 40) * (i / 24);
      const y = box.y + box.height * (0.5 + 0.3 * Math.sin(i / 2.5));
      await phone.mouse.move(x, y, { steps: 2 });
    }
    await phone.mouse.up();
    assert.match(await phone.locator('#signature-data').inputValue(), /^data:image\/png;base64,/, 'the drawing is in the form');
    await shot(phone, 'job-signature-zh');
    phone.once('dialog', (d) => d.accept());
    await tap('resolve', 'resolving');
    assert.equal(await phone.locator('[data-testid=job-status]').getAttribute('data-status'), 'resolved');

    // The staff's ticket page: the photo, the signature, the timeline.
    const agent = await as('hz.agent');
    await agent.goto(url(ticket.path));
    await ticketStatus(agent, 'resolved', 'hz.agent');
    const photo = agent.locator('#ticket-photos figure.photo[data-kind=fault_on_arrival] img');
    await photo.waitFor({ state: 'visible' });
    const signature = agent.locator('#signature-image');
    await signature.waitFor({ state: 'visible' });
    await eventually(async () => {
      assert.ok((await photo.evaluate((i) => i.naturalWidth)) > 0, 'the photo shows');
      assert.ok((await signature.evaluate((i) => i.naturalWidth)) > 0, 'the signature shows');
    });
    assert.match(await agent.locator('#timeline').innerText(), /添加照片/);
    await agent.locator('#ticket-photos').scrollIntoViewIfNeeded();
    await shot(agent, 'ticket-zh');
  });
});
