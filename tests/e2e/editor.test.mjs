// The plan editor in the browser: a click on 保存方案 at the bottom of a long plan is not lost
// while the live cost preview is swapped in (the footer used to jump ~53 px on mouse-down).
// Run by scripts/e2e.sh against `rescuedesk demo`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crewGoesEvenIfBusy, pathOf, screenshot, uniquePlate, url, withUsers } from './helpers.mjs';

test('plan editor: save at the bottom of a long plan survives the cost preview swap', async (t) => {
  await withUsers(t, async ({ as }) => {
    // The demo starts with no open ticket: the call agent takes one for this test.
    const agent = await as('hz.agent');
    await agent.goto(url('/tickets/new'));
    const intake = agent.locator('#intake-form');
    for (const [name, value] of Object.entries({
      customer_name: '陈立', phone: '13812345678', address: '浙江省杭州市西湖区文三路 90 号',
      lat: '30.2741', lon: '120.1551', plate: uniquePlate(), model: '帕萨特 2021 款', mileage_km: '45210',
    })) await intake.locator(`[name=${name}]`).fill(value);
    await intake.locator('textarea[name=fault]').fill('仪表盘电瓶灯亮，无法启动');
    await intake.locator('select[name=crs]').selectOption('gcj02');
    await intake.locator('select[name=response_level]').selectOption('2');
    await intake.locator('button[type=submit]').click();
    await agent.waitForURL((u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new');
    const href = pathOf(agent);
    const page = await as('hz.workshop');
    await page.goto(url(`${href}/plan`));
    const form = page.locator('form#plan-form');
    const tech = form.locator('input[type=checkbox][name=crew]').first();
    await tech.check();
    await form.locator(`input[type=radio][name=lead][value="${await tech.getAttribute('value')}"]`).check();
    await crewGoesEvenIfBusy(form);
    await form.locator('input[name=estimated_minutes]').fill('60');
    await form.locator('input[name=travel_km]').fill('12');
    // A long plan: many repair items, so the footer sits at the bottom of a scrolled page.
    for (let i = 0; i < 14; i += 1) await page.locator('#add-item').click();
    const descs = page.locator('#plan-items input[name=item_desc]');
    const mins = page.locator('#plan-items input[name=item_minutes]');
    for (let i = 0; i < (await descs.count()); i += 1) {
      await descs.nth(i).fill(`项目 ${i + 1}`);
      await mins.nth(i).fill('10');
    }
    // The last edit is still in its field: the mouse-down's blur fires `change`, the preview is swapped.
    await mins.last().fill('25');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const save = page.locator('button#save-plan');
    const before = await save.boundingBox();
    const preview = page.waitForResponse((r) => r.url().endsWith('/plan/preview'));
    await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
    await page.mouse.down();
    await preview;
    await page.waitForTimeout(150); // htmx settles the swap
    const after = await save.boundingBox();
    assert.ok(Math.abs(after.y - before.y) < 1, `the save button stayed put (moved ${after.y - before.y} px)`);
    const saved = page.waitForURL((u) => u.search.includes('saved=1'));
    await page.mouse.up();
    await saved;
    await page.locator('.alert-ok').first().waitFor({ state: 'visible' });
  });
});

test('plan editor: the recommended technician goes on the crew in one click', async (t) => {
  await withUsers(t, async ({ as }) => {
    const agent = await as('hz.agent');
    await agent.goto(url('/tickets/new'));
    const intake = agent.locator('#intake-form');
    for (const [name, value] of Object.entries({
      customer_name: '李敏', phone: '13812345679', address: '浙江省杭州市拱墅区莫干山路 100 号',
      lat: '30.3050', lon: '120.1430', plate: uniquePlate(), model: '途观L 2022 款', mileage_km: '31000',
    })) await intake.locator(`[name=${name}]`).fill(value);
    await intake.locator('textarea[name=fault]').fill('蓄电池亏电，车辆打不着火');
    await intake.locator('select[name=crs]').selectOption('gcj02');
    await intake.locator('select[name=response_level]').selectOption('2');
    await intake.locator('button[type=submit]').click();
    await agent.waitForURL((u) => /^\/tickets\/[^/]+$/.test(u.pathname) && u.pathname !== '/tickets/new');
    const href = pathOf(agent);

    const page = await as('hz.workshop');
    await page.goto(url(`${href}/plan`));
    const box = page.locator('[data-testid=recommend]');
    await box.waitFor();
    assert.match(await box.locator('[data-testid=recommend-wanted]').innerText(), /电器/);
    const first = box.locator('.recommend-list > li').first();
    const reasons = await first.locator('.reasons').innerText();
    assert.match(reasons, /约 \d+ 分钟到达/, reasons);
    const add = first.locator('button.add-crew');
    const id = await add.getAttribute('data-technician');
    await screenshot(page, 'editor-recommend-zh', { fullPage: false });
    await add.click();
    const form = page.locator('form#plan-form');
    assert.ok(await form.locator(`#crew-${id}`).isChecked(), 'ticked on the crew');
    assert.ok(await form.locator(`input[type=radio][name=lead][value="${id}"]`).isChecked(), 'the first one picked leads');
    assert.ok(await add.isDisabled());
    assert.equal((await add.innerText()).trim(), '已加入');
    await form.locator('input[name=estimated_minutes]').fill('40');
    await form.locator('input[name=travel_km]').fill('8');
    await page.locator('#plan-items input[name=item_desc]').first().fill('搭电启动');
    await page.locator('#plan-items input[name=item_minutes]').first().fill('20');
    const saved = page.waitForURL((u) => u.search.includes('saved=1'));
    await page.locator('button#save-plan').click();
    await saved;
    assert.ok(await page.locator(`#crew-${id}`).isChecked(), 'saved with the recommended technician');

    // English is one click away; the box speaks it alone.
    await page.goto(url('/lang/en'));
    await page.goto(url(`${href}/plan`));
    const en = await page.locator('[data-testid=recommend]').innerText();
    assert.match(en, /Recommended technicians/);
    assert.doesNotMatch(en, /推荐|分钟/);
    await screenshot(page, 'editor-recommend-en', { fullPage: false });
  });
});
