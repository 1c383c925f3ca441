// Browser test of the crew's phone on the road: a technician on a 390×844 phone with the
// browser's geolocation allowed and set opens the job link, departs and taps "share my
// position"; the dispatch board then draws the crew's marker at that position (in the tiles'
// system, GCJ-02 for the default Amap tiles) apart from the ticket's, and the customer's status
// page says how far the crew is and when it comes. No map tiles load (every request off the
// server is refused): the markers are all there is on the map. Run against `rescuedesk demo`
// with BASE_URL set (scripts/e2e.sh); screenshots go to tests/e2e/screenshots/crew-*.png and,
// with CREW_SHOTS=DIR, there too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_URL, PHONE, eventually, outboxMessages, pathOf, uniquePlate, url, withUsers } from './helpers.mjs';

const SHOT_DIRS = [join(dirname(fileURLToPath(import.meta.url)), 'screenshots'), process.env.CREW_SHOTS].filter(Boolean);
const TICKET_PAGE = (u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new';
const CODE = (kind) => new RegExp(`https?://[^\\s/]+(/${kind}/[A-Za-z0-9_-]{16})(?![A-Za-z0-9_-])`);
// The breakdown (WGS-84) and the van, about 6 km to the south-west of it.
const SITE = { lat: 30.278, lon: 120.142 };
const VAN = { latitude: 30.245, longitude: 120.09, accuracy: 15 };

/** WGS-84 → GCJ-02, the published formula, written out here independently of the server's. */
function toGcj02(lat, lon) {
  const a = 6378245.0, ee = 0.00669342162296594323;
  const x = lon - 105.0, y = lat - 35.0;
  let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLat += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLat += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLon += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLon += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - ee * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((a * (1 - ee)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((a / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lat: lat + dLat, lon: lon + dLon };
}

async function shot(page, name) {
  for (const dir of SHOT_DIRS) {
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `crew-${name}.png`), fullPage: true });
  }
}

/** The tiles' host is never reached: the test runs offline. */
async function offline(page) {
  const own = new URL(BASE_URL).host;
  await page.context().route('**/*', (route) =>
    new URL(route.request().url()).host === own ? route.continue() : route.abort(),
  );
}

/** Clicks a submit button, waits for the page the server sends back, fails on `.alert-error`. */
async function press(page, button, what) {
  const loaded = page.waitForEvent('load', { timeout: 20_000 });
  await button.click();
  await loaded;
  const alert = page.locator('.alert-error');
  if ((await alert.count()) > 0) assert.fail(`${what}: “${(await alert.first().innerText()).trim()}” at ${pathOf(page)}`);
}

async function ticketShows(page, status) {
  await eventually(async () =>
    assert.equal(await page.locator('[data-testid=ticket-status]').getAttribute('data-status'), status),
  );
}

/** The path of the one link of `kind` ('j' or 's') in the ticket's only `template` message. */
async function linkOf(manager, ticketPath, template, kind) {
  return eventually(async () => {
    const [m, ...more] = await outboxMessages(manager, { template, ticketPath });
    assert.ok(m && more.length === 0, `one ${template} for ${ticketPath}`);
    return m.body.match(CODE(kind))[1];
  });
}

/** A call at SITE taken, planned with hz.tech alone as the rescue lead, and approved. */
async function approvedForHzTech(as) {
  const agent = await as('hz.agent');
  await agent.goto(url('/tickets/new'));
  const intake = agent.locator('#intake-form');
  const call = {
    customer_name: '孙丽', phone: '13905719876', address: '浙江省杭州市西湖区文一西路 588 号',
    lat: String(SITE.lat), lon: String(SITE.lon), plate: uniquePlate(), model: '途观L 2022 款', mileage_km: '31200',
  };
  for (const [name, value] of Object.entries(call)) await intake.locator(`[name=${name}]`).fill(value);
  await intake.locator('textarea[name=fault]').fill('停车后无法启动，仪表盘电瓶灯亮。');
  await intake.locator('select[name=crs]').selectOption('wgs84');
  await intake.locator('select[name=response_level]').selectOption('2');
  await intake.locator('button[type=submit]').click();
  await agent.waitForURL(TICKET_PAGE);
  const path = pathOf(agent);

  const workshop = await as('hz.workshop');
  await workshop.goto(url(`${path}/plan`));
  const plan = workshop.locator('form#plan-form');
  const me = plan.locator('input[type=checkbox][name=crew][data-login="hz.tech"]');
  await me.check();
  await plan.locator(`input[type=radio][name=lead][value="${await me.getAttribute('value')}"]`).check();
  await workshop.locator('#plan-items input[name=item_desc]').first().fill('现场搭电，检测蓄电池');
  await workshop.locator('#plan-items input[name=item_minutes]').first().fill('20');
  await plan.locator('input[name=estimated_minutes]').fill('30');
  await press(workshop, workshop.locator('button#save-plan'), 'saving the plan');
  await press(workshop, plan.locator('button#submit-plan'), 'submitting the plan');

  const manager = await as('hz.manager');
  await manager.goto(url(path));
  await press(manager, manager.locator('form#review-form button[name=decision][value=accept]'), 'accepting');
  await press(manager, manager.locator('form#consent-form button[name=agreed][value=yes]'), 'consent');
  const director = await as('hz.director');
  await director.goto(url(path));
  await press(director, director.locator('form#approval-form button[name=decision][value=approve]'), 'approving');
  await ticketShows(director, 'approved');
  return { path, id: path.split('/').pop(), job: await linkOf(manager, path, 'technician_dispatch', 'j') };
}

test('the crew shares its position from the phone; the board and the customer see it', async (t) => {
  await withUsers(t, async ({ as, guest }) => {
    const ticket = await approvedForHzTech(as);

    // The technician's phone: geolocation allowed and set to the van.
    const phone = await guest('technician', {
      viewport: PHONE,
      permissions: ['geolocation'],
      geolocation: VAN,
    });
    await phone.goto(url(ticket.job));
    assert.equal(await phone.locator('#share-position').count(), 0, 'nothing to share before departure');
    await press(phone, phone.locator('button#depart'), 'departing');
    const share = phone.locator('button#share-position');
    await share.waitFor({ state: 'visible' });
    await share.click();
    await eventually(async () => {
      assert.equal(await phone.locator('#crew-share').getAttribute('data-sent'), '1', 'one position sent');
      assert.match(await phone.locator("#share-position-result").innerText(), /正在共享位置，最近一次发送于 \d+ 秒前/);
    });
    assert.equal(await share.getAttribute('aria-pressed'), 'true');
    await shot(phone, 'job-zh');
    // The page's own reloads keep sharing (the choice is kept for this job) — and in English.
    await phone.locator('.lang a[data-lang=en]').click();
    await phone.waitForURL((u) => u.pathname === ticket.job);
    await phone.locator('button#share-position[aria-pressed=true]').waitFor({ state: 'visible' });
    assert.match(await phone.locator('#crew-share h2').innerText(), /position/i);
    await eventually(async () =>
      assert.match(await phone.locator('#share-position-result').innerText(), /^Sharing your position/),
    );
    await shot(phone, 'job-en');

    // The board: a crew marker where the van is, in GCJ-02, south-west of the ticket's.
    const manager = await as('hz.manager');
    await offline(manager);
    await manager.goto(url('/board'));
    const crew = manager.locator(`.leaflet-marker-pane [data-kind="crew"][data-id="crew-${ticket.id}"]`);
    await crew.waitFor({ state: 'attached' });
    assert.match(await crew.getAttribute('class'), /marker-departed/);
    const li = manager.locator(`#board-markers li[data-id="crew-${ticket.id}"]`);
    const want = toGcj02(VAN.latitude, VAN.longitude);
    assert.ok(Math.abs(Number(await li.getAttribute('data-lat')) - want.lat) < 1e-6, 'crew marker latitude in GCJ-02');
    assert.ok(Math.abs(Number(await li.getAttribute('data-lon')) - want.lon) < 1e-6, 'crew marker longitude in GCJ-02');
    const site = manager.locator(`.leaflet-marker-pane [data-kind="ticket"][data-id="${ticket.id}"]`);
    const [c, s] = [await crew.boundingBox(), await site.boundingBox()];
    assert.ok(c && s, 'both markers are drawn');
    assert.ok(c.x + c.width / 2 < s.x + s.width / 2 - 5, 'the van is west of the site on the map');
    assert.ok(c.y + c.height / 2 > s.y + s.height / 2 + 5, 'and south of it');
    assert.match(await manager.locator('[data-testid=crew-position]').first().innerText(), /位置 \d{2}:\d{2}/);
    await shot(manager, 'board');

    // The ticket page: how far and how long.
    await manager.goto(url(ticket.path));
    assert.match(await manager.locator('#crew-eta').innerText(), /救援车距现场 \d+(\.\d)? 公里，约 \d+ 分钟/);
    await shot(manager, 'ticket');

    // The customer's page: distance and the arrival counted down; no coordinates.
    const status = await linkOf(manager, ticket.path, 'customer_crew_departed', 's');
    const customer = await guest('customer', { viewport: PHONE });
    await customer.goto(url(status));
    assert.match(await customer.locator('#crew-distance').innerText(), /救援车距您约 \d+(\.\d)? 公里/);
    const arrival = customer.locator('#crew-arrival');
    assert.match(await arrival.innerText(), /预计 \d{2}:\d{2} 到达，还有 \d+ 分钟/);
    await eventually(async () => assert.ok(await arrival.getAttribute('data-minutes-left'), 'the countdown runs'));
    const text = await customer.locator('main').innerText();
    assert.ok(!text.includes(String(VAN.latitude)) && !text.includes(want.lat.toFixed(3)), 'no coordinates');
    await shot(customer, 'status-zh');
  });
});
