// operator-scenarios.mjs — the system operator's console (issue 16), by
// name, run by runner.mjs for tests/interop/browser_operator_test.go, on
// a server started on an empty data directory; the operator's login and
// the names to make are in POSTROOM_OPERATOR_FIXTURES. Each takes a
// Scenario (support.mjs) and throws on failure; the selectors are
// web/ui/console.js's, console-terms.js's and console-status.js's. Each
// makes what it needs when it runs alone.

import { assert } from './support.mjs';

const fx = JSON.parse(process.env.POSTROOM_OPERATOR_FIXTURES || 'null');

function fixtures() {
  assert(fx, 'POSTROOM_OPERATOR_FIXTURES is not set: run through `go test -run TestBrowser_Operator ./tests/interop/`');
  return fx;
}

// loginStatus is the status of POST /api/v1/session for email, asked from
// node: outside the browser's sessions.
async function loginStatus(s, email, password) {
  const r = await fetch(s.cfg.baseURL + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  return r.status;
}

// loginForm logs page in through the login form and waits for expect.
async function loginForm(s, page, user, password, expect) {
  s.step(`log in as ${user}`);
  await page.goto(s.cfg.baseURL + '/');
  await page.locator('#login-email').waitFor();
  await page.locator('#login-email').fill(user);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-submit').click();
  await page.locator(expect).waitFor({ timeout: 15_000 });
}

// asOperator opens the console as the operator (once per scenario).
async function asOperator(s) {
  const { Operator, OperatorPassword } = fixtures();
  await s.context.clearCookies();
  await loginForm(s, s.page, Operator, OperatorPassword, '#console');
  await s.page.locator('#console-status').or(s.page.locator('#domain-view')).first().waitFor();
}

// openDomain selects name in the console's list.
async function openDomain(s, name) {
  s.step(`open ${name}`);
  await s.page.locator(`.domain-item[data-domain="${name}"]`).click();
  await s.page.locator(`#domain-view[data-domain="${name}"] #domain-terms`).waitFor();
}

async function addDomain(s, name) {
  s.step(`add the domain ${name}`);
  await s.page.locator('#domain-name').fill(name);
  await s.page.locator('#domain-add').click();
  await s.page.locator(`#domain-view[data-domain="${name}"]`).waitFor();
}

// ensureAdmin makes the domain and its administrator through the API
// when an earlier scenario did not (a scenario run alone).
async function ensureAdmin(s) {
  const { Domain, Admin, Password } = fixtures();
  const { domains } = await s.api('/api/v1/operator/domains');
  if (domains.some((d) => d.name === Domain)) return;
  s.step(`run alone: make ${Domain} and ${Admin}@${Domain} through the API`);
  await s.apiPost('/api/v1/operator/domains', { name: Domain });
  await s.apiPost(`/api/v1/operator/domains/${Domain}/admins`, { email: Admin, name: '홍길동', password: Password });
  await s.page.reload();
  await s.page.locator(`.domain-item[data-domain="${Domain}"]`).waitFor();
}

const text = async (loc) => ((await loc.textContent()) || '').replace(/\s+/g, ' ').trim();

export const operatorScenarios = {
  // The operator makes a domain and its administrator, sets the domain's
  // limit and quota; the administrator logs in (a browser of his own) and
  // finds his console's 사용자 관리.
  async operator_domain_admin(s) {
    const { Domain, Admin, Password } = fixtures();
    const { page } = s;
    await asOperator(s);
    await addDomain(s, Domain);
    await page.locator('#needs-admin').waitFor();
    s.step(`create the administrator ${Admin}@${Domain}`);
    await page.locator('#new-user-id').fill(Admin);
    await page.locator('#new-user-name').fill('홍길동');
    await page.locator('#new-user-password').fill(Password);
    await page.locator('#new-user-confirm').fill(Password);
    await page.locator('#new-user-submit').click();
    await page.locator(`#user-table .user-row[data-email="${Admin}@${Domain}"]`).waitFor();
    await s.waitFor('#domain-users to count him, without a limit', async () => (await text(page.locator('#domain-users'))) === '1명 (제한 없음)');
    assert(await page.locator('#domain-hold').getAttribute('title'), 'the service toggle has no tooltip');
    assert(await page.locator('#domain-delete').getAttribute('title'), 'the delete button has no tooltip');

    s.step('a negative limit is refused beside its field');
    await page.locator('#domain-max-users-input').fill('-1');
    await page.locator('#domain-terms-save').click();
    await page.locator('#domain-terms-form .field-error[data-field="max_users"]').waitFor();

    s.step('limit 5 users, quota 2 GB');
    await page.locator('#domain-max-users-input').fill('5');
    await page.locator('#domain-quota-input').fill('2');
    await page.locator('#domain-terms-save').click();
    await s.waitFor('#domain-users with the limit', async () => (await text(page.locator('#domain-users'))) === '1 / 5명');
    await s.waitFor('#domain-quota with 2 GB', async () => (await text(page.locator('#domain-quota'))).includes('2.0 GB'));
    const { domains } = await s.api('/api/v1/operator/domains');
    const d = domains.find((x) => x.name === Domain);
    assert(d && d.max_users === 5 && d.quota_bytes === 2 * 1024 ** 3 && !d.suspended, `the server keeps ${JSON.stringify(d)}`);
    await s.shot('operator-01-domain');

    s.step('the administrator, in a browser of his own, sees his console');
    const ctx = await s.context.browser().newContext({ viewport: { width: 1280, height: 800 }, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
    try {
      const admin = await ctx.newPage();
      admin.setDefaultTimeout(8_000);
      await loginForm(s, admin, `${Admin}@${Domain}`, Password, '#app[data-ready="1"]');
      await admin.locator('#admin-link').click();
      await admin.locator('#admin-console').waitFor();
      await admin.locator('#admin-menu-users.selected').waitFor();
      await s.waitFor('the 사용자 관리 page', async () => (await text(admin.locator('#admin-users h1'))) === '사용자 관리');
      await admin.locator(`#admin-user-table tr.admin-user[data-email="${Admin}@${Domain}"]`).waitFor();
    } finally {
      await ctx.close();
    }
  },

  // Service OFF: the administrator's login is refused and his open page
  // loses its session at its next request; ON: he logs in again.
  async operator_hold(s) {
    const { Domain, Admin, Password } = fixtures();
    const { page } = s;
    const email = `${Admin}@${Domain}`;
    await asOperator(s);
    await ensureAdmin(s);
    await openDomain(s, Domain);
    assert(await loginStatus(s, email, Password) === 200, `${email} cannot log in before the hold`);

    const ctx = await s.context.browser().newContext({ viewport: { width: 1280, height: 800 }, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
    try {
      const admin = await ctx.newPage();
      admin.setDefaultTimeout(8_000);
      await loginForm(s, admin, email, Password, '#app[data-ready="1"]');

      s.step('switch the service OFF, confirmed in the dialog');
      await s.waitFor('#domain-hold ON', async () => (await text(page.locator('#domain-hold'))) === 'ON');
      await page.locator('#domain-hold').click();
      await page.locator('#confirm-dialog').waitFor();
      await page.locator('#confirm-ok').click();
      await s.waitFor('#domain-hold OFF', async () => (await text(page.locator('#domain-hold'))) === 'OFF');
      await page.locator('#domain-suspended-notice').waitFor();
      await page.locator(`.domain-item[data-domain="${Domain}"] .hold-badge`).waitFor();
      const status = await loginStatus(s, email, Password);
      assert(status === 403, `his login on hold answered ${status}, want 403`);
      await s.shot('operator-02-suspended');

      s.step('his open page has lost its session');
      await admin.reload();
      await admin.locator('#login-email').waitFor({ timeout: 15_000 });

      s.step('switch the service ON again');
      await page.locator('#domain-hold').click();
      await s.waitFor('#domain-hold ON', async () => (await text(page.locator('#domain-hold'))) === 'ON');
      assert(!(await page.locator(`.domain-item[data-domain="${Domain}"] .hold-badge`).count()), 'the list still shows the hold');
      assert(await loginStatus(s, email, Password) === 200, `${email} cannot log in after the service is ON again`);
      await loginForm(s, admin, email, Password, '#app[data-ready="1"]');
    } finally {
      await ctx.close();
    }
  },

  // A throwaway domain goes only once its name is typed back; the status
  // panel counts what is left.
  async operator_delete(s) {
    const { Throwaway } = fixtures();
    const { page } = s;
    await asOperator(s);
    await addDomain(s, Throwaway);

    s.step('the delete dialog warns and waits for the name');
    await page.locator('#domain-delete').click();
    await page.locator('#domain-delete-dialog').waitFor();
    const warning = await text(page.locator('#domain-delete-warning'));
    assert(warning.includes('모든 계정') && warning.includes('메일'), `the warning reads "${warning}"`);
    assert(await page.locator('#domain-delete-ok').isDisabled(), 'the delete button is enabled before the name is typed');
    await page.locator('#domain-delete-confirm').fill(Throwaway.split('.')[0]);
    assert(await page.locator('#domain-delete-ok').isDisabled(), 'the delete button is enabled for part of the name');
    await page.locator('#domain-delete-cancel').click();
    await page.locator('#domain-delete-dialog').waitFor({ state: 'detached' });
    assert(await page.locator(`.domain-item[data-domain="${Throwaway}"]`).count(), 'cancelled, yet the domain left the list');

    await page.locator('#domain-delete').click();
    await page.locator('#domain-delete-confirm').fill(Throwaway);
    await s.shot('operator-03-delete-dialog');
    await page.locator('#domain-delete-ok:not([disabled])').click();
    await page.locator('#domain-delete-dialog').waitFor({ state: 'detached' });
    await page.locator(`.domain-item[data-domain="${Throwaway}"]`).waitFor({ state: 'detached' });
    const { domains } = await s.api('/api/v1/operator/domains');
    assert(!domains.some((d) => d.name === Throwaway), `the server still has ${Throwaway}`);

    s.step('the status panel');
    await page.locator('#status-link').click();
    await page.locator('#console-status #status-domains').waitFor();
    const want = String(domains.length);
    await s.waitFor(`#status-domains to read ${want}`, async () => (await text(page.locator('#status-domains'))) === want);
    const accounts = domains.reduce((n, d) => n + d.accounts, 0);
    assert((await text(page.locator('#status-accounts'))) === String(accounts), `#status-accounts does not read ${accounts}`);
    // the search index: the server's indexer writes the few waiting
    // messages' terms, and the panel, asking again while any wait, says so
    // (the panel asks every 5 s: room for a slow machine's indexer)
    await s.waitFor('#status-search-index to read up to date', async () =>
      ['최신', 'Up to date'].includes(await text(page.locator('#status-search-index'))), 60_000);
    const { search_index: index } = await s.api('/api/v1/operator/status');
    assert(index.waiting === 0, `the panel reads up to date, the server has ${index.waiting} waiting`);
    await s.shot('operator-04-status');
  },
};
