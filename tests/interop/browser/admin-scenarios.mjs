// admin-scenarios.mjs — the domain administrator's console's scenarios
// (issue 16, M1/M3/M4/M6), by name, run by runner.mjs for
// tests/interop/browser_console_test.go, which logs the browser in as the
// domain's administrator and passes a plain user in
// POSTROOM_ADMIN_FIXTURES. Each takes a Scenario (support.mjs) and throws
// on failure; the selectors are web/ui/admin*.js's ids and data- attributes.

import { assert } from './support.mjs';

const fx = JSON.parse(process.env.POSTROOM_ADMIN_FIXTURES || 'null');
const tag = Date.now().toString(36).slice(-5);

function fixtures() {
  assert(fx, 'POSTROOM_ADMIN_FIXTURES is not set: run through `go test -run TestBrowser_Console ./tests/interop/`');
  return fx;
}

// loginStatus is the status of POST /api/v1/session for email, asked from
// node: outside the browser's session, which stays the administrator's.
async function loginStatus(s, email, password) {
  const r = await fetch(s.cfg.baseURL + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  return r.status;
}

async function openPage(s, page) {
  s.step(`open the console's ${page} page`);
  await s.page.locator('#admin-link').click();
  await s.page.locator('#admin-console').waitFor();
  await s.page.locator('#admin-menu-' + page).click();
  await s.page.locator('#admin-menu-' + page + '.selected').waitFor();
}

// userRow is the accounts table's row of email.
const userRow = (s, email) => s.page.locator(`#admin-user-table tr.admin-user[data-email="${email}"]`);

export const adminScenarios = {
  async admin_users(s) {
    const { domain, password } = fixtures();
    const { page } = s;
    await s.ensureApp();
    const dept = '영업1팀-' + tag;
    await openPage(s, 'departments');
    s.step(`add the department ${dept}`);
    await page.locator('#dept-add').click();
    await page.locator('#dept-name').fill(dept);
    await page.locator('#dept-save').click();
    await page.locator(`#dept-tree .dept[data-name="${dept}"]`).waitFor();
    s.step('a sub-department under it; deleting the parent is refused in the server\'s words');
    await page.locator('#dept-add').click();
    await page.locator('#dept-name').fill('국내영업');
    await page.locator('#dept-parent').selectOption({ label: dept });
    await page.locator('#dept-save').click();
    await page.locator('#dept-tree .dept[data-name="국내영업"]').waitFor();
    await page.locator(`#dept-tree .dept[data-name="${dept}"] .dept-delete`).click();
    await page.locator('#confirm-ok').click();
    await s.waitFor('#dept-error to say why', async () => ((await s.text('#dept-error')) || '').length > 0);
    assert(await page.locator(`#dept-tree .dept[data-name="${dept}"]`).count() === 1, 'the refused department is gone from the tree');

    const email = `sales-${tag}@${domain}`;
    await openPage(s, 'users');
    s.step(`make ${email} with the person-with-plus form`);
    await page.locator('#admin-user-add').click();
    await page.locator('#user-email-input').fill(email);
    await page.locator('#user-name').fill('한영업');
    await page.locator('#user-password').fill(password);
    await page.locator('#user-department').selectOption({ label: dept });
    await page.locator('#user-position').fill('대리');
    await page.locator('#admin-user-save').click();
    await page.locator('#admin-user-form').waitFor({ state: 'detached' });
    assert(await loginStatus(s, email, password) === 200, `${email} cannot log in right after being made`);

    s.step('search for him by his department');
    await page.locator('#admin-user-search').fill(dept);
    await s.waitFor(`the table to show ${email} alone`, async () =>
      (await page.locator('#admin-user-table tr.admin-user').count()) === 1 && (await userRow(s, email).count()) === 1);
    const cells = (await userRow(s, email).locator('.u-dept').textContent()) || '';
    assert(cells.includes(dept) && cells.includes('대리'), `his row's department reads "${cells}"`);

    s.step('switch his service OFF');
    await userRow(s, email).locator('.u-edit').click();
    await page.locator('#user-enabled').uncheck();
    await page.locator('#admin-user-save').click();
    await page.locator('#admin-user-form').waitFor({ state: 'detached' });
    await userRow(s, email).locator('.u-service[data-enabled="0"]').waitFor();
    const status = await loginStatus(s, email, password);
    assert(status >= 400, `his login with service OFF answered ${status}`);
    await s.shot('admin-users');
  },

  async admin_list(s) {
    const { domain, user } = fixtures();
    const { page } = s;
    await s.ensureApp();
    await openPage(s, 'lists');
    const address = `team-${tag}@${domain}`;
    s.step(`make the list ${address} of two members`);
    await page.locator('#list-add').click();
    assert(await page.locator('#list-add').getAttribute('title'), 'the add button has no tooltip');
    await page.locator('#list-address').fill(address);
    await page.locator('#list-name').fill('영업팀 전체');
    await page.locator('#list-members').fill(`${s.cfg.email}\n${user}`);
    await page.locator('#list-save').click();
    const row = page.locator(`#list-table tr.list-row[data-address="${address}"]`);
    await row.waitFor();
    for (const b of ['.list-edit', '.list-delete']) assert(await row.locator(b).getAttribute('title'), `${b} has no tooltip`);
    const lists = (await s.api('/api/v1/admin/lists')).lists;
    const got = lists.find((l) => l.address === address);
    assert(got && JSON.stringify(got.members) === JSON.stringify([s.cfg.email, user]), `the server keeps ${JSON.stringify(got)}`);
    assert(/2/.test((await row.locator('.list-count').textContent()) || ''), 'the row does not count 2 members');
  },

  async admin_security(s) {
    const { page } = s;
    await s.ensureApp();
    await openPage(s, 'security');
    s.step('a malformed network: the refusal beside its field, nothing saved');
    await page.locator('#sec-ips').fill('203.0.113.9/24\n300.1.1.1');
    await page.locator('#sec-level').selectOption('3');
    await page.locator('#sec-save').click();
    await page.locator('.field-error[data-field="allowed_ips"]').waitFor();
    let pol = await s.api('/api/v1/admin/security');
    assert(pol.password_policy.level === 0 && pol.allowed_ips.length === 0, `a refused policy was saved: ${JSON.stringify(pol)}`);
    s.step('the network alone: saved in its canonical form, level 3 kept');
    await page.locator('#sec-ips').fill('203.0.113.9/24');
    await page.locator('#sec-save').click();
    await s.waitFor('#sec-ips to read the canonical network', async () => (await page.locator('#sec-ips').inputValue()) === '203.0.113.0/24');
    pol = await s.api('/api/v1/admin/security');
    assert(pol.password_policy.level === 3 && JSON.stringify(pol.allowed_ips) === '["203.0.113.0/24"]', `saved ${JSON.stringify(pol)}`);
    const level3 = (await page.locator('#sec-level option[value="3"]').textContent()) || '';
    assert(level3.includes('12'), `level 3 is stated as "${level3}"`);
    await s.shot('admin-security');
    s.step('back to any address and level 0, so that the plain user may log in');
    await page.locator('#sec-ips').fill('');
    await page.locator('#sec-level').selectOption('0');
    await page.locator('#sec-save').click();
    await s.waitFor('the server to keep the open policy', async () => {
      const p = await s.api('/api/v1/admin/security');
      return p.allowed_ips.length === 0 && p.password_policy.level === 0;
    });
  },

  async admin_not_admin(s) {
    const { user, password } = fixtures();
    const { page } = s;
    await s.ensureApp();
    await page.locator('#admin-link').waitFor();
    s.step(`log out, log in as ${user}`);
    await page.locator('#logout').click();
    await page.locator('#login-email').fill(user);
    await page.locator('#login-password').fill(password);
    await page.locator('#login-submit').click();
    await page.locator('#app[data-ready="1"]').waitFor();
    await page.locator('#settings-link').waitFor();
    assert(await page.locator('#admin-link').count() === 0, 'a plain user sees the console link');
    s.step('open #/admin by hand');
    await page.evaluate(() => { location.hash = '#/admin/users'; });
    await page.locator('#admin-denied').waitFor();
    assert(await page.locator('#admin-console, #admin-user-table').count() === 0, 'a plain user sees the console');
    await page.locator('#logout').click();
    await page.locator('#login-email').waitFor();
  },
};
