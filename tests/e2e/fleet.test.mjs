// Browser test of the rescue vehicles page (车辆, issue 16) on a technician's 390×844 phone: open
// 车辆 from the navigation, record a check of a van whose tyre pressure failed (refused without
// a note, the answers kept; then with the note), see the van marked not ready; switch to English
// through the page's language link and see the page in English; a passing check makes the van
// ready again, so the tests after this one find the demo's register as it was. Nothing is wider
// than the phone. Run against `rescuedesk demo` with BASE_URL set (scripts/e2e.sh); screenshots
// go to tests/e2e/screenshots/fleet-*.png and, with FLEET_SHOTS=DIR, there too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHONE, pathOf, withUsers } from './helpers.mjs';

const SHOT_DIRS = [join(dirname(fileURLToPath(import.meta.url)), 'screenshots'), process.env.FLEET_SHOTS].filter(Boolean);
const ITEMS = ['fuel', 'water', 'tyre_pressure', 'tool_kit', 'lights'];
// Chinese characters and full-width punctuation.
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+/g;

async function shot(page, name) {
  for (const dir of SHOT_DIRS) {
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `fleet-${name}.png`), fullPage: true });
  }
}

/** Clicks and waits for the page the click loads. */
async function press(page, target) {
  const loaded = page.waitForEvent('load', { timeout: 20_000 });
  await target.click();
  await loaded;
}

async function fitsThePhone(page, what) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${what}: no horizontal scroll (${scroll} px wide in ${width} px)`);
}

/** Answers each item: `fail` lists those that did not pass. */
async function answer(page, fail = []) {
  for (const item of ITEMS) {
    const label = page.locator(`label[for="${item}-${fail.includes(item) ? 'fail' : 'pass'}"]`);
    const box = await label.boundingBox();
    assert.ok(box && box.height >= 44 && box.width >= 120, `${item}: a control fit for a thumb (${JSON.stringify(box)})`);
    await label.click();
  }
}

test('vehicles: a technician records a failed check with a note on a phone, the van is not ready, the page speaks English', async (t) => {
  await withUsers(t, async ({ as }) => {
    const phone = await as('hz.tech', { viewport: PHONE });
    const nav = phone.locator('#nav-vehicles');
    assert.equal((await nav.innerText()).trim(), '车辆');
    await press(phone, nav);
    assert.equal(pathOf(phone), '/vehicles');
    await fitsThePhone(phone, 'the vehicles');
    assert.equal(await phone.locator('#fleet-register').count(), 0, 'a technician registers no vehicles');

    // The second van of Hangzhou main (the demo's J1002).
    const van = phone.locator('li.fleet-card[data-plate$="J1002"]');
    const plate = await van.getAttribute('data-plate');
    const notReadyBefore = Number(await phone.locator('[data-testid=fleet-not-ready]').innerText());
    // The demo's tow truck failed this morning: its card says why.
    const tow = phone.locator('li.fleet-card[data-plate$="T2001"]');
    assert.equal(await tow.getAttribute('data-readiness'), 'check_failed');
    assert.match(await tow.locator('[data-testid=check-note]').innerText(), /胎气压低/);

    await press(phone, van.locator('[data-testid=check-vehicle]'));
    assert.match(pathOf(phone), /^\/vehicles\/[^/]+\/check$/);
    const checkPath = pathOf(phone);
    assert.equal(await phone.locator('#occasion-daily').isChecked(), true, 'the daily check by default');
    await fitsThePhone(phone, 'the check form');

    // Tyre pressure failed, no note: refused, the message by the note, the answers kept.
    await answer(phone, ['tyre_pressure']);
    await press(phone, phone.locator('#save-check'));
    assert.equal(pathOf(phone), checkPath);
    assert.match(await phone.locator('.field-error[data-field=note]').innerText(), /有检查项未通过，请写明问题/);
    assert.equal(await phone.locator('#tyre_pressure-fail').isChecked(), true, 'the failed item is kept');
    assert.equal(await phone.locator('#lights-pass').isChecked(), true, 'the passed items are kept');
    await shot(phone, 'check-refused-phone-zh');

    await phone.locator('#check-note').fill('右后胎气压低，已通知补气');
    await press(phone, phone.locator('#save-check'));
    assert.equal(pathOf(phone), '/vehicles');
    assert.match(await phone.locator('#fleet-alert').innerText(), new RegExp(`${plate} 检查已记录：检查通过前不可出车`));
    assert.equal(await van.getAttribute('data-readiness'), 'check_failed', 'the van is not ready now');
    assert.equal((await van.locator('[data-testid=readiness]').innerText()).trim(), '检查未通过');
    assert.match(await van.locator('[data-testid=check-note]').innerText(), /右后胎气压低/);
    assert.match(await van.locator('[data-testid=failed-items]').innerText(), /胎压/);
    assert.match(await van.locator('[data-testid=checked-by]').innerText(), / · \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    assert.equal(Number(await phone.locator('[data-testid=fleet-not-ready]').innerText()), notReadyBefore + 1);
    await fitsThePhone(phone, 'the vehicles after the check');
    await shot(phone, 'phone-zh');

    // English, through the page's own link: every word of the product in English; what is
    // left in Chinese is the dealer's data (plates, names, bases, the notes people wrote).
    await press(phone, phone.locator('.lang a[data-lang=en]'));
    assert.equal(pathOf(phone), '/vehicles');
    assert.equal((await phone.locator('h1').innerText()).trim(), 'Rescue vehicles');
    assert.equal((await phone.locator('#nav-vehicles').innerText()).trim(), 'Vehicles');
    assert.equal((await van.locator('[data-testid=readiness]').innerText()).trim(), 'Check failed');
    assert.match(await phone.locator('#fleet-alert').innerText(), /recorded: not ready to go out/);
    const data = await phone.evaluate(() => {
      const out = [...document.querySelectorAll('[data-plate]')].map((e) => e.dataset.plate);
      for (const e of document.querySelectorAll('.fleet-kind')) out.push(e.textContent.split(' · ').slice(1).join(' · '));
      for (const e of document.querySelectorAll('[data-testid=check-note]')) out.push(e.textContent);
      for (const e of document.querySelectorAll('[data-testid=checked-by]')) out.push(e.textContent.split(' · ')[0]);
      for (const e of document.querySelectorAll('.who span')) out.push(e.textContent);
      out.push('中文');
      return out.map((s) => s.trim()).filter(Boolean).sort((a, b) => b.length - a.length);
    });
    let text = await phone.locator('body').innerText();
    for (const d of data) text = text.split(d).join(' ');
    assert.deepEqual(text.match(CJK) ?? [], [], `Chinese left on the English page:\n${text}`);
    await fitsThePhone(phone, 'the English page');
    await shot(phone, 'phone-en');

    // The tyre pumped up: a passing check in English, and the van is ready again.
    await press(phone, van.locator('[data-testid=check-vehicle]'));
    assert.equal((await phone.locator('label[for=fuel-pass]').innerText()).trim(), 'Passed');
    await answer(phone);
    await shot(phone, 'check-phone-en');
    await press(phone, phone.locator('#save-check'));
    assert.equal(pathOf(phone), '/vehicles');
    assert.equal(await van.getAttribute('data-readiness'), 'ready');
    assert.equal(Number(await phone.locator('[data-testid=fleet-not-ready]').innerText()), notReadyBefore);
  });
});
