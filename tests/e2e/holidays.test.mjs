// Browser test of the holiday calendar and the readiness pages: the group's admin adds a
// holiday through the form (a refused form first: the last day before the first), sees its
// effects listed, opens the readiness page from it — every rescue vehicle of Hangzhou without a
// holiday check is marked in red — and reads it in English through the language link; the
// director sees every dealer of the group on one page. The holiday lies far ahead so no other
// test's sourcing meets it, and is removed at the end. Screenshots: tests/e2e/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, url, withUsers } from './helpers.mjs';

/** A date string two years minus a month ahead, inside the calendar's window. */
function farDay(offsetDays) {
  const d = new Date(Date.now() + (700 + offsetDays) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

test('the admin adds a holiday; its readiness page marks every gap; the director sees the group', async (t) => {
  await withUsers(t, async ({ as }) => {
    const admin = await as('hz.admin');
    await admin.goto(url('/holidays'));
    await admin.locator('#nav-holidays').click();
    const form = admin.locator('form#holiday-form');
    const [first, last] = [farDay(0), farDay(2)];
    await form.locator('[name=name_zh]').fill('测试节');
    await form.locator('[name=name_en]').fill('Test Festival');
    await form.locator('[name=first_day]').fill(last);
    await form.locator('[name=last_day]').fill(first);
    await form.locator('select[name=manufacturer_mode]').selectOption('stopped');
    await form.locator('[name=manufacturer_hours]').fill('24');
    await form.locator('select[name=express_mode]').selectOption('slower');
    await form.locator('[name=express_hours]').fill('48');
    await form.locator('button#holiday-save').click();
    await admin.waitForLoadState('load');
    assert.match(await admin.locator('[data-field=last_day]').innerText(), /不能早于/);
    assert.equal(await form.locator('[name=name_zh]').inputValue(), '测试节', 'what was typed stays');

    await form.locator('[name=first_day]').fill(first);
    await form.locator('[name=last_day]').fill(last);
    await form.locator('button#holiday-save').click();
    await admin.waitForURL(/saved=1/);
    const row = admin.locator('#holiday-list tr', { hasText: '测试节' });
    assert.match(await row.innerText(), /厂家紧急订单停运，节后另需 24 小时；快递慢 48 小时/);
    await screenshot(admin, 'holidays-zh');

    await row.locator('a.ready-link').click();
    await admin.waitForURL(/\/readiness\?holiday=/);
    assert.match(await admin.locator('.ready-choices strong, .ready-holiday').first().innerText(), /测试节/);
    const gaps = await admin.locator('#ready-gaps li.gap').allInnerTexts();
    const vehicles = await admin.locator('#ready-vehicles tr[data-plate]').count();
    assert.ok(vehicles >= 3, `Hangzhou's vehicles listed: ${vehicles}`);
    assert.equal(
      gaps.filter((g) => g.endsWith('未做节前检查')).length,
      vehicles,
      `none checked for a holiday two years away: ${gaps.join(' | ')}`,
    );
    assert.equal(
      await admin.locator('#ready-vehicles tr[data-plate] td:last-child .missing').count(),
      vehicles,
      'each marked in red',
    );
    await screenshot(admin, 'readiness-zh');

    // English, one click away, and only English.
    await admin.locator('a[href^="/lang/en"]').first().click();
    await admin.waitForLoadState('load');
    // The page's own words, without the people's and dealers' names (their data, in Chinese).
    const text = await admin.evaluate(() => {
      const copy = document.body.cloneNode(true);
      copy.querySelectorAll('#ready-rota td:not(:first-child), .who, .lang, h1, .ready-choices').forEach((e) => e.remove());
      return copy.innerText;
    });
    assert.match(await admin.locator('h1').first().innerText(), /Holiday readiness/);
    assert.match(text, /no holiday check/);
    const chinese = (text.match(/[\u4e00-\u9fff]+/g) ?? []).filter((run) => !/^(测试节|浙)$/.test(run));
    assert.deepEqual(chinese, [], 'no Chinese but the data');
    await screenshot(admin, 'readiness-en');
    await admin.goto(url('/lang/zh-CN'));

    const director = await as('hz.director');
    await director.goto(url('/readiness/group'));
    const rows = director.locator('#ready-dealers tr[data-dealer]');
    assert.ok((await rows.count()) >= 9, 'every Zhejiang dealer on one page');
    await screenshot(director, 'readiness-group-zh');

    // Removed again, so the calendar is as the demo shipped it.
    await admin.goto(url(`/holidays?year=${first.slice(0, 4)}`));
    await admin.locator('#holiday-list tr', { hasText: '测试节' }).locator('button.danger').click();
    await admin.waitForURL(/saved=1/);
    assert.equal(await admin.locator('#holiday-list tr', { hasText: '测试节' }).count(), 0);
  });
});
