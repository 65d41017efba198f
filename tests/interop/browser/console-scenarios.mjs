// console-scenarios.mjs — the first hour (issue 11): on a server started
// on an empty data directory, the operator logs in with the name and
// password `postroom serve` printed, adds the company's domain, its first
// administrator and a user; the user logs in to the webmail; the console
// works on a phone. They run in order (browser firstHour test): each
// later one uses what the earlier made. Fixtures: cfg.console.

import { assert } from './support.mjs';

// loginAs fills the login form (after clearing the session) and waits
// for what must come: the console for the operator, the webmail else.
async function loginAs(s, user, password, expect) {
  const { page, cfg } = s;
  s.step(`log in as ${user}`);
  await s.context.clearCookies();
  await page.goto(cfg.baseURL + '/');
  await page.locator('#login-email').waitFor();
  await page.locator('#login-email').fill(user);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-submit').click();
  await page.locator(expect).waitFor({ timeout: 15_000 });
}

// fillUser fills the console's user form and submits it.
async function fillUser(s, { id, name, password, confirm }) {
  const { page } = s;
  await page.locator('#new-user-id').fill(id);
  await page.locator('#new-user-name').fill(name);
  await page.locator('#new-user-password').fill(password);
  await page.locator('#new-user-confirm').fill(confirm ?? password);
  await page.locator('#new-user-submit').click();
}

async function userRow(s, email) {
  return s.page.locator(`#user-table .user-row[data-email="${email}"]`);
}

// noHorizontalScroll: nothing on the page is wider than the window.
async function noHorizontalScroll(s) {
  const { scroll, width } = await s.page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, width: window.innerWidth }));
  assert(scroll <= width, `the page scrolls sideways: ${scroll}px wide in a ${width}px window`);
}

export const consoleScenarios = {
  // The operator's first visit: an empty console says what to do, a domain
  // is added, then (the console insists) its administrator, then a user;
  // bad input is answered on the field, and the DNS records are shown.
  async console_first_domain(s) {
    const { page } = s;
    const fx = s.cfg.console;
    await page.goto(s.cfg.baseURL + '/');
    await page.locator('#login-email').waitFor();
    assert(await page.locator('#login-email').getAttribute('type') !== 'email',
      'the login field is type=email, which refuses "operator"');
    await loginAs(s, fx.Operator, fx.OperatorPassword, '#console');
    await page.locator('#console-welcome').waitFor();
    await s.shot('console-01-welcome');

    s.step(`add the domain ${fx.Domain}`);
    await page.locator('#domain-name').fill('not a domain');
    await page.locator('#domain-add').click();
    await s.waitFor('#domain-error for "not a domain"', async () => (await s.text('#domain-error'))?.length > 0);
    await page.locator('#domain-name').fill(fx.Domain.toUpperCase());
    await page.locator('#domain-add').click();
    await page.locator(`#domain-view[data-domain="${fx.Domain}"]`).waitFor();
    await page.locator(`.domain-item[data-domain="${fx.Domain}"].selected`).waitFor();
    await page.locator('#needs-admin').waitFor();
    assert(await page.locator('#new-user-admin').isChecked(), 'the first account of a domain is not made an administrator');

    s.step('a password confirmation that differs, then a short password');
    await fillUser(s, { id: fx.Admin, name: fx.AdminName, password: fx.Password, confirm: fx.Password + 'x' });
    await page.locator('#new-user-confirm-error').waitFor();
    await fillUser(s, { id: fx.Admin, name: fx.AdminName, password: 'short' });
    await page.locator('#new-user-password-error').waitFor();
    await s.shot('console-02-bad-password');

    s.step(`create the administrator ${fx.Admin}@${fx.Domain}`);
    await fillUser(s, { id: fx.Admin, name: fx.AdminName, password: fx.Password });
    const admin = `${fx.Admin}@${fx.Domain}`;
    await (await userRow(s, admin)).waitFor();
    await page.locator('#needs-admin').waitFor({ state: 'detached' });

    s.step(`create the user ${fx.User}@${fx.Domain}`);
    await fillUser(s, { id: fx.User, name: fx.UserName, password: fx.Password });
    await (await userRow(s, `${fx.User}@${fx.Domain}`)).waitFor();
    assert(!(await page.locator('#new-user-admin').isChecked()), 'a later user is made an administrator by default');
    const rows = await page.locator('#user-table .user-row').count();
    assert(rows === 2, `the user table has ${rows} rows, want 2`);
    const adminCell = await (await userRow(s, admin)).textContent();
    assert(adminCell.includes(fx.AdminName), `the administrator's row lacks his name: ${adminCell}`);
    await s.shot('console-03-users');

    s.step('English: the console speaks it, with singular and plural');
    await page.locator('#lang-select').selectOption('en');
    await s.waitFor('#domain-facts in English', async () => (await s.text('#domain-facts'))?.replace(/\s+/g, ' ').startsWith('2 accounts · 1 administrator ·'));
    await page.reload();
    await s.waitFor('English after a reload (the session keeps it)', async () => (await s.text('#tab-users')) === 'Users');
    await page.locator('#lang-select').selectOption('ko');
    await s.waitFor('Korean again', async () => (await s.text('#tab-users')) === '사용자 관리');

    s.step('the DNS records tab');
    await page.locator('#tab-dns').click();
    await s.waitFor('#dns-zone with the MX record', async () => (await s.text('#dns-zone'))?.includes(`${fx.Domain}. 3600 IN MX`));
    await s.shot('console-04-dns');
  },

  // The new user logs in to the webmail with what the operator set.
  async console_user_reads(s) {
    const fx = s.cfg.console;
    const email = `${fx.User}@${fx.Domain}`;
    await loginAs(s, email, fx.Password, '#app[data-ready="1"]');
    await s.waitFor(`#user-email to show ${email}`, async () => (await s.text('#user-email'))?.includes(email));
    await s.folder('inbox').waitFor();
    await s.shot('console-05-user-inbox');
    s.step('log out: the login page, not the console');
    await s.page.locator('#logout').click();
    await s.page.locator('#login-email').waitFor();
    assert(!(await s.page.locator('#console').count()), 'the console shows after a user logged out');
  },

  // The console on a phone: everything reachable, nothing sideways.
  async console_phone(s) {
    const { page } = s;
    const fx = s.cfg.console;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await loginAs(s, fx.Operator, fx.OperatorPassword, '#console');
      await page.locator('#console-welcome').waitFor(); // the domains are loaded
      if (!(await page.locator(`.domain-item[data-domain="${fx.Domain}"]`).count())) {
        s.step('run alone: add the domain first'); // the first scenario made it otherwise
        await page.locator('#domain-name').fill(fx.Domain);
        await page.locator('#domain-add').click();
      }
      await page.locator(`.domain-item[data-domain="${fx.Domain}"]`).click();
      await page.locator(`#domain-view[data-domain="${fx.Domain}"]`).waitFor();
      await noHorizontalScroll(s);
      await fillUser(s, { id: 'lee', name: '이서연', password: fx.Password });
      await (await userRow(s, `lee@${fx.Domain}`)).waitFor();
      await noHorizontalScroll(s);
      assert(await page.locator('#logout').isVisible(), 'no way to log out of the console on a phone');
      await s.shot('console-06-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  },
};
