// Browser test of the holiday stock page (节前备货): Hangzhou's parts manager follows the parts
// desk's link, which opens the next holiday (元旦, whose past the demo does not have: the empty
// state), chooses the Spring Festival from the coming holidays and finds the parts last year's
// Spring Festival rescues had to wait for, ranked by how often; changes a quantity and saves the
// draft (nothing is confirmed, so the demo's list stays open for people trying it); downloads
// the Excel file from the session; reads the page in English. Screenshots: tests/e2e/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, url, withUsers } from './helpers.mjs';

test("the parts manager sees last year's Spring Festival shortages and saves a draft order", async (t) => {
  await withUsers(t, async ({ as }) => {
    const mgr = await as('hz.partsmgr');
    await mgr.goto(url('/parts'));
    await mgr.locator('#parts-holiday-stock').click();
    await mgr.waitForURL(/\/holiday-stock\?holiday=/);
    assert.match(await mgr.locator('h1').first().innerText(), /节前备货 · 元旦/);
    assert.ok(await mgr.locator('#hstock-empty').isVisible(), 'no past New Year in the demo: the empty state');

    // The Spring Festival, from the coming holidays.
    await mgr.locator('nav.ready-choices a', { hasText: '春节' }).click();
    await mgr.waitForLoadState('load');
    assert.match(await mgr.locator('h1').first().innerText(), /春节（02-05 至 02-12）/);
    // Last year's Spring Festival by the calendar, not the same dates.
    assert.match(await mgr.locator('#holiday-stock p.muted').first().innerText(), /2026-02-16 – 2026-02-23/);
    const rows = mgr.locator('#hstock-lines tr[data-part]');
    const n = await rows.count();
    assert.ok(n >= 2, `parts suggested: ${n}`);
    const held = [];
    for (let i = 0; i < n; i += 1) held.push(Number(await rows.nth(i).locator('td').nth(2).innerText()));
    assert.ok(held[0] >= 2, `the first part held several rescues up: ${held}`);
    assert.deepEqual([...held].sort((a, b) => b - a), held, 'ranked by rescues held up');
    await screenshot(mgr, 'holiday-stock-zh');

    // One more of the first part; the draft keeps it.
    const first = rows.first();
    const input = first.locator('input[name^="qty:"]');
    const more = String(Number(await input.inputValue()) + 1);
    await input.fill(more);
    await mgr.locator('button#hstock-save').click();
    await mgr.waitForURL(/saved=1/);
    assert.ok(await mgr.locator('#hstock-alert').isVisible());
    assert.equal(await mgr.locator('#hstock-lines tr[data-part] input[name^="qty:"]').first().inputValue(), more);
    assert.match(await mgr.locator('#holiday-stock .status').innerText(), /草稿/);
    assert.equal(await mgr.locator('#hstock-lines .error-text').count(), 0, 'nothing is late on a draft');

    // The Excel file, from the signed-in session.
    const href = await mgr.locator('#hstock-xlsx').getAttribute('href');
    const xlsx = await mgr.request.get(url(href));
    assert.equal(xlsx.status(), 200);
    const body = await xlsx.body();
    assert.equal(body.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip');

    // English, one click away, and only English but the parts' numbers.
    await mgr.locator('a[href^="/lang/en"]').first().click();
    await mgr.waitForLoadState('load');
    assert.match(await mgr.locator('h1').first().innerText(), /Holiday stock · Spring Festival/);
    const text = await mgr.evaluate(() => {
      const copy = document.body.cloneNode(true);
      copy.querySelectorAll('.who, .lang').forEach((e) => e.remove());
      return copy.innerText;
    });
    assert.deepEqual(text.match(/[\u4e00-\u9fff]+/g) ?? [], [], 'no Chinese on the English page');
    await screenshot(mgr, 'holiday-stock-en');
    await mgr.goto(url('/lang/zh-CN'));
  });
});
