// Browser test of the dispatch board (/board): the list most urgent first with countdowns that
// tick in the browser, live updates with a flash for a new call, the Leaflet map's markers in
// the right places relative to each other, on a wall screen (the group director) and a phone
// (the service manager). No map tiles load: every request off the server under test is
// refused, so the markers are all there is on the map. Run by scripts/e2e.sh against
// `rescuedesk demo`; screenshots go to tests/e2e/screenshots/board-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_URL, PHONE, eventually, uniquePlate, url, withUsers } from './helpers.mjs';

const WALL = { width: 1920, height: 1080 };
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

/** The tiles' host (Amap by default) is never reached: the test runs offline. */
async function offline(page) {
  const own = new URL(BASE_URL).host;
  await page.context().route('**/*', (route) =>
    new URL(route.request().url()).host === own ? route.continue() : route.abort(),
  );
}

/** `YYYY-MM-DDTHH:MM` in Beijing time (the demo dealers' zone), `minutesAgo` before now. */
function beijing(minutesAgo) {
  const t = new Date(Date.now() - minutesAgo * 60_000 + 8 * 3600_000);
  return t.toISOString().slice(0, 16);
}

/** Takes a call on the intake page; returns the ticket's { id, number } (numbers count per
 * dealer and day, so a group board may show one number twice). */
async function takeCall(page, { lat, lon, level, minutesAgo = 0, plate = uniquePlate() }) {
  await page.goto(url('/tickets/new'));
  const form = page.locator('#intake-form');
  const fields = {
    customer_name: '王建国',
    phone: '13812345678',
    address: '浙江省杭州市上城区延安路 100 号',
    lat: String(lat),
    lon: String(lon),
    plate,
    model: '帕萨特 2021 款',
    mileage_km: '45210',
  };
  for (const [name, value] of Object.entries(fields)) {
    await form.locator(`[name=${name}]`).fill(value);
  }
  await form.locator('textarea[name=fault]').fill('高速上熄火，无法启动。');
  await form.locator('select[name=crs]').selectOption('wgs84');
  await form.locator('select[name=response_level]').selectOption(String(level));
  if (minutesAgo) await form.locator('[name=call_time]').fill(beijing(minutesAgo));
  await form.locator('button[type=submit]').click();
  await page.waitForURL((u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new');
  const number = (await page.locator('[data-testid=ticket-number]').innerText()).trim();
  return { id: new URL(page.url()).pathname.split('/').pop(), number };
}

/** The board's rows as { id, number, state, countdown }. */
async function rows(page) {
  return page.locator('.board-row').evaluateAll((els) =>
    els.map((el) => ({
      id: el.dataset.ticket,
      number: el.querySelector('.number').textContent.trim(),
      state: el.dataset.state,
      countdown: (el.querySelector('.countdown')?.textContent ?? '').trim(),
    })),
  );
}

/** Centre of the map marker of a ticket. */
async function markerAt(page, ticket) {
  const marker = page.locator(`.leaflet-marker-pane [data-kind="ticket"][data-id="${ticket.id}"]`);
  await marker.waitFor({ state: 'attached' });
  const box = await marker.boundingBox();
  assert.ok(box, `${ticket.number} is drawn`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `board-${name}.png`) });
}

test('the board: urgent first, ticking countdowns, live updates and the map', async (t) => {
  await withUsers(t, async ({ as }) => {
    const agent = await as('hz.agent');
    // Near West Lake; one north-east of it; a Ningbo call (a sister dealer, east and south).
    const late = await takeCall(agent, { lat: 30.2741, lon: 120.1551, level: 3, minutesAgo: 300 });
    const fresh = await takeCall(agent, { lat: 30.33, lon: 120.3, level: 1 });
    const nbAgent = await as('nb.agent');
    const ningbo = await takeCall(nbAgent, { lat: 29.8683, lon: 121.544, level: 2 });

    // The group director on the wall screen: both dealers.
    const wall = await as('hz.director', { viewport: WALL });
    await offline(wall);
    await wall.goto(url('/board'));
    await wall.locator('#nav-board').waitFor();
    const first = await rows(wall);
    const ids = first.map((r) => r.id);
    for (const c of [late, fresh, ningbo]) assert.ok(ids.includes(c.id), `${c.number} on the board: ${JSON.stringify(first)}`);
    assert.equal(first[0].state, 'breached', `a breached ticket leads: ${JSON.stringify(first[0])}`);
    assert.ok(ids.indexOf(late.id) < ids.indexOf(fresh.id), 'the late call above the fresh one');
    assert.match(first[0].countdown, /^-\d{2,}:\d{2}:\d{2}$/);
    const row = wall.locator(`.board-row[data-ticket="${fresh.id}"]`);
    assert.equal(await row.getAttribute('data-state'), 'on_time');
    const before = (await row.locator('.countdown').innerText()).trim();
    assert.match(before, /^\d{2}:\d{2}:\d{2}$/);
    await wall.waitForTimeout(2100);
    const after = (await row.locator('.countdown').innerText()).trim();
    assert.notEqual(after, before, 'the countdown ticks in the browser');
    assert.ok(after < before, `${after} is less time than ${before}`);
    for (const [testid, min] of [['count-open', 3], ['count-breached', 1]]) {
      const n = Number(await wall.locator(`[data-testid=${testid}]`).innerText());
      assert.ok(n >= min, `${testid} ${n}`);
    }

    // Markers where the places are, relative to each other (north is up, east is right).
    const westLake = await markerAt(wall, late);
    const northEast = await markerAt(wall, fresh);
    const east = await markerAt(wall, ningbo);
    assert.ok(northEast.x > westLake.x && northEast.y < westLake.y, 'the second call lies north-east');
    assert.ok(east.x > northEast.x && east.y > westLake.y, 'Ningbo lies east and south');
    const dealers = await wall.locator('.leaflet-marker-pane [data-kind=dealer]').count();
    assert.ok(dealers >= 2, `dealer markers: ${dealers}`);
    // No marker is cut at the map's edge (partly in view); every ticket is wholly in view.
    const cut = await wall.evaluate(() => {
      const map = document.querySelector('.leaflet-container').getBoundingClientRect();
      return [...document.querySelectorAll('.leaflet-marker-pane [data-kind]')]
        .map((el) => ({ id: el.dataset.id, kind: el.dataset.kind, r: el.getBoundingClientRect() }))
        .filter(({ kind, r }) => {
          const inside = r.left >= map.left && r.top >= map.top && r.right <= map.right && r.bottom <= map.bottom;
          const apart = r.right <= map.left || r.left >= map.right || r.bottom <= map.top || r.top >= map.bottom;
          return !inside && (kind === 'ticket' || !apart);
        })
        .map(({ id, kind }) => `${kind} ${id}`);
    });
    assert.deepEqual(cut, [], 'markers cut at the map edge');
    const red = await wall.locator(`.leaflet-marker-pane .marker-breached[data-id="${late.id}"]`).count();
    assert.equal(red, 1, 'the breached ticket is red on the map');
    await shot(wall, 'director-wall');

    // A new call appears without a reload, flashed.
    const alerts = Number((await wall.locator('#board').getAttribute('data-alerts')) ?? 0);
    const newer = await takeCall(agent, { lat: 30.2, lon: 120.05, level: 1 });
    await eventually(
      async () => {
        const n = (await rows(wall)).map((r) => r.id);
        assert.ok(n.includes(newer.id), `${newer.number} arrived`);
      },
      { timeout: 12_000 },
    );
    assert.ok(Number(await wall.locator('#board').getAttribute('data-alerts')) > alerts, 'the page flashed');
    assert.equal(await wall.locator(`.board-row.flash[data-ticket="${newer.id}"]`).count(), 1);
    await markerAt(wall, newer);
    await shot(wall, 'director-wall-new-call');

    // A ticket's marker opens a popup with its number and a link to it; English is one click away.
    await wall.locator(`.leaflet-marker-pane [data-id="${late.id}"]`).click();
    const link = wall.locator('.leaflet-popup-content a');
    assert.equal((await link.innerText()).trim(), late.number);
    assert.equal(await link.getAttribute('href'), `/tickets/${late.id}`);
    await wall.locator('a[data-lang=en]').click();
    await wall.waitForURL((u) => u.pathname === '/board');
    await wall.locator('h1', { hasText: 'Dispatch board' }).waitFor();
    assert.equal((await wall.locator('#board-sound').innerText()).trim(), 'Turn sound on');
    await wall.locator(`.leaflet-marker-pane [data-id="${late.id}"]`).click();
    await wall.locator('.leaflet-popup-content a').waitFor();
    await wall.waitForTimeout(400); // the popup's fade-in
    await shot(wall, 'director-wall-en');
    await wall.locator('a[data-lang=zh-CN]').click();
    await wall.waitForURL((u) => u.pathname === '/board');

    // The service manager on a phone: the own dealer only.
    const phone = await as('hz.manager', { viewport: PHONE });
    await offline(phone);
    await phone.goto(url('/board'));
    const mine = (await rows(phone)).map((r) => r.id);
    assert.ok(mine.includes(late.id) && mine.includes(newer.id), `${mine}`);
    assert.ok(!mine.includes(ningbo.id), 'no other dealer on a dealer board');
    await markerAt(phone, late);
    await shot(phone, 'manager-phone');
    await phone.locator('#board-map').scrollIntoViewIfNeeded();
    await shot(phone, 'manager-phone-map');
  });
});
