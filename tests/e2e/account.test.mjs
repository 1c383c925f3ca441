// Browser test of the account page (我的登录与令牌): a technician signed in on a phone and on a
// desktop opens the page from their name in the header on the phone, finds both sessions with
// this one marked, ends the desktop's (which is signed out at its next click), reads the page in
// English, and signs out everywhere. Then the group's admin finds the user list. Screenshots at
// phone size in both languages: tests/e2e/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, pathOf, screenshot, signIn, url, withUsers } from './helpers.mjs';

test('a technician sees their sessions on the phone and ends the one on another device', async (t) => {
  await withUsers(t, async ({ as }) => {
    const desk = await as('hz.tech');
    const phone = await as('hz.tech', { viewport: PHONE });

    await phone.goto(url('/'));
    await phone.locator('#nav-account').click();
    await phone.waitForURL(/\/account\/sessions$/);
    assert.match(await phone.locator('h1').first().innerText(), /我的登录与令牌/);
    const rows = phone.locator('#session-list tbody tr');
    assert.ok((await rows.count()) >= 2, 'the phone and the desktop');
    const current = phone.locator('#session-list tbody tr.current');
    assert.equal(await current.count(), 1, 'one row is this session');
    assert.match(await current.innerText(), /本会话/);
    assert.equal(await current.locator('form').count(), 0, 'this session has no end button of its own');
    // On a phone the table is labelled cells, inside the window.
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `no sideways scrolling: ${width}px`);
    await screenshot(phone, 'account-sessions-phone-zh');

    // End the desktop's session: the other rows' buttons. Ending all but this one ends it.
    const others = await rows.count() - 1;
    await phone.locator('#session-list tbody tr:not(.current) form button').first().click();
    await phone.waitForURL(/done=session/);
    assert.match(await phone.locator('#acct-notice').innerText(), /已结束该登录会话/);
    assert.equal(await phone.locator('#session-list tbody tr').count(), others, 'one row fewer');
    await desk.goto(url('/tickets'));
    assert.equal(pathOf(desk), '/login', `the desktop is signed out: ${desk.url()}`);
    await signIn(desk, 'hz.tech');

    // English, one click away, and nothing Chinese on it but the user's own name and dealer.
    await phone.locator('a[href^="/lang/en"]').first().click();
    await phone.waitForLoadState('load');
    assert.match(await phone.locator('h1').first().innerText(), /sign-ins and tokens/i);
    const text = await phone.evaluate(() => {
      const copy = document.body.cloneNode(true);
      copy.querySelectorAll('.who, .lang').forEach((e) => e.remove());
      return copy.innerText;
    });
    assert.deepEqual(text.match(/[\u4e00-\u9fff]+/g) ?? [], [], 'no Chinese on the English page');
    await screenshot(phone, 'account-sessions-phone-en');
    await phone.goto(url('/lang/zh-CN'));

    // Sign out everywhere: the phone lands on the sign-in page, and the desktop is out too.
    await phone.goto(url('/account/sessions'));
    await phone.locator('#revoke-all').click();
    await phone.waitForURL(/\/login/);
    await desk.goto(url('/tickets'));
    assert.equal(pathOf(desk), '/login', 'signed out everywhere');
  });
});

test("the group's admin reaches a user's sessions from the user list", async (t) => {
  await withUsers(t, async ({ as }) => {
    const admin = await as('hz.admin');
    await admin.goto(url('/'));
    await admin.locator('#nav-users').click();
    await admin.waitForURL(/\/admin\/users/);
    const links = admin.locator('#user-list a[href^="/admin/users/"]');
    assert.ok((await links.count()) > 5, 'the group has many users');
    await links.first().click();
    await admin.waitForLoadState('load');
    assert.match(await admin.locator('h1').first().innerText(), /的登录与令牌/);
    await screenshot(admin, 'admin-user-sessions-zh');

    // The user list in English: its own words English, people's and dealers' names left as data.
    await admin.goto(url('/admin/users'));
    await admin.locator('a[href^="/lang/en"]').first().click();
    await admin.waitForLoadState('load');
    const heading = await admin.locator('h1').first().innerText();
    assert.doesNotMatch(heading, /[\u4e00-\u9fff]/, `an English heading: ${heading}`);
    await screenshot(admin, 'admin-users-en');
    await admin.goto(url('/lang/zh-CN'));
  });
});
