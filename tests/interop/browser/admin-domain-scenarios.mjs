// admin-domain-scenarios.mjs — the console's 기본 설정, 스팸관리 설정 and
// allowed IPs, and the compose picker's 조직도 tab (issue 16, M1, M2, M6,
// M7), by name, run by runner.mjs for
// tests/interop/browser_admin_domain_test.go, which logs the browser in
// as the domain's administrator and passes a plain user in
// POSTROOM_ADMIN_DOMAIN_FIXTURES. Each takes a Scenario (support.mjs) and
// throws on failure; the selectors are web/ui/admin-domain.js's,
// admin-spam.js's, admin-security.js's and compose-org.js's.

import { assert } from './support.mjs';

const fx = JSON.parse(process.env.POSTROOM_ADMIN_DOMAIN_FIXTURES || 'null');
const tag = Date.now().toString(36).slice(-5);

function fixtures() {
  assert(fx, 'POSTROOM_ADMIN_DOMAIN_FIXTURES is not set: run through `go test -run TestBrowser_AdminDomain ./tests/interop/`');
  return fx;
}

// login is POST /api/v1/session for email, asked from node: outside the
// browser's session, which stays the administrator's. Node sends no
// Accept-Language: the server answers in Korean.
async function login(s, email, password) {
  const r = await fetch(s.cfg.baseURL + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}

async function openPage(s, page) {
  s.step(`open the console's ${page} page`);
  await s.page.locator('#admin-link').click();
  await s.page.locator('#admin-console').waitFor();
  await s.page.locator('#admin-menu-' + page).click();
  await s.page.locator('#admin-menu-' + page + '.selected').waitFor();
}

export const adminDomainScenarios = {
  async domain_defaults(s) {
    const { domain, password } = fixtures();
    const { page } = s;
    await s.ensureApp();
    await page.locator('#admin-link').click();
    await page.locator('#admin-console').waitFor();
    const first = await page.locator('.admin-menu .admin-menu-item').first().getAttribute('id');
    assert(first === 'admin-menu-domain', `the console's first page is ${first}, want 기본 설정 (admin-menu-domain)`);
    await openPage(s, 'domain');
    const menu = (await s.text('#admin-menu-domain')) || '';
    assert(menu === '기본 설정', `the menu reads "${menu}"`);
    await page.locator('#domain-usage .usage-bar').waitFor();
    const users = (await s.text('#domain-users')) || '';
    assert(/\d/.test(users), `the accounts are counted as "${users}"`);
    s.step('default language: English');
    await page.locator('#domain-language').selectOption('en');
    await page.locator('#domain-save').click();
    await s.waitFor('the server to keep English', async () => (await s.api('/api/v1/admin/domain')).language === 'en');
    await s.shot('domain-defaults');
    const email = `eng-${tag}@${domain}`;
    s.step(`make ${email} and log in as him from node`);
    await s.apiPost('/api/v1/admin/users', { email, name: 'Eng Lee', password });
    const r = await login(s, email, password);
    assert(r.status === 200 && r.body?.account?.language === 'en', `${email}'s login: ${r.status} ${JSON.stringify(r.body?.account)}`);
    s.step('back to Korean');
    await page.locator('#domain-language').selectOption('ko');
    await page.locator('#domain-save').click();
    await s.waitFor('the server to keep Korean', async () => (await s.api('/api/v1/admin/domain')).language === 'ko');
  },

  async domain_spam(s) {
    const { page } = s;
    await s.ensureApp();
    await openPage(s, 'spam');
    const blocked = `@pest-${tag}.example`;
    s.step(`add ${blocked} to the blocked addresses`);
    await page.locator('#spam-senders-input').fill(blocked);
    await page.locator('#spam-senders-add').click();
    await page.locator(`#spam-senders .list-item[data-value="${blocked}"]`).waitFor();
    await page.locator('#spam-save').click();
    await s.waitFor('the server to keep it', async () => (await s.api('/api/v1/admin/spam')).blocked_senders.includes(blocked));
    s.step('reload: still there');
    await page.reload();
    await s.ensureApp();
    await page.locator('#admin-menu-spam.selected').waitFor();
    await page.locator(`#spam-senders .list-item[data-value="${blocked}"]`).waitFor();
    await s.shot('domain-spam');
  },

  async domain_allowed_ip(s) {
    const { user, password } = fixtures();
    const { page } = s;
    await s.ensureApp();
    await openPage(s, 'security');
    s.step('allowed IPs: 203.0.113.0/24 only');
    await page.locator('#sec-ips').fill('203.0.113.0/24');
    await page.locator('#sec-save').click();
    await s.waitFor('the server to keep the network', async () =>
      JSON.stringify((await s.api('/api/v1/admin/security')).allowed_ips) === '["203.0.113.0/24"]');
    try {
      const r = await login(s, user, password);
      assert(r.status === 403 && r.body?.error?.reason === 'ip_not_allowed' && r.body.error.message,
        `${user}'s login from 127.0.0.1: ${r.status} ${JSON.stringify(r.body)}`);
      s.step('the login page of a browser context of its own says why');
      const ctx = await s.context.browser().newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
      try {
        const p = await ctx.newPage();
        p.setDefaultTimeout(8_000);
        await p.goto(s.cfg.baseURL + '/');
        await p.locator('#login-email').fill(user);
        await p.locator('#login-password').fill(password);
        await p.locator('#login-submit').click();
        await s.waitFor('#login-error to say why', async () => ((await p.locator('#login-error').textContent()) || '').trim() === r.body.error.message);
        await p.screenshot({ path: `${s.cfg.shots}/domain-allowed-ip-login.png` });
        assert(await p.locator('#app[data-ready="1"]').count() === 0, 'the refused user got into the webmail');
      } finally {
        await ctx.close();
      }
      assert((await login(s, s.cfg.email, s.cfg.password)).status === 200, 'the administrator is refused too');
    } finally {
      s.step('clear the allowed IPs');
      await page.locator('#sec-ips').fill('');
      await page.locator('#sec-save').click();
      await s.waitFor('the server to keep no network', async () => (await s.api('/api/v1/admin/security')).allowed_ips.length === 0);
    }
    assert((await login(s, user, password)).status === 200, `${user} is still refused once the allowed IPs are cleared`);
  },

  async domain_org_pick(s) {
    const { domain, user, password } = fixtures();
    const { page } = s;
    await s.ensureApp();
    const dept = `조직도시험-${tag}`;
    const [lead, member] = [`org-lead-${tag}@${domain}`, `org-member-${tag}@${domain}`];
    s.step(`the department ${dept} with a sub-department, one person in each (API)`);
    const top = await s.apiPost('/api/v1/admin/departments', { name: dept });
    const subName = `하위팀-${tag}`;
    const sub = await s.apiPost('/api/v1/admin/departments', { name: subName, parent: top.id });
    await s.apiPost('/api/v1/admin/users', { email: lead, name: '가팀장', password, department: top.id, position: '팀장' });
    await s.apiPost('/api/v1/admin/users', { email: member, name: '나대리', password, department: sub.id });

    s.step(`log out, log in as ${user}`);
    await page.locator('#logout').click();
    await page.locator('#login-email').fill(user);
    await page.locator('#login-password').fill(password);
    await page.locator('#login-submit').click();
    await page.locator('#app[data-ready="1"]').waitFor();
    try {
      s.step('compose, the address book, 조직도');
      await page.locator('#compose').click();
      await page.locator('#compose-form #compose-to').waitFor({ state: 'visible' });
      await page.locator('#compose-to-label').click();
      await page.locator('#address-picker').waitFor();
      const tab = page.locator('#address-picker .tab[data-source="org"]');
      assert(((await tab.textContent()) || '').trim() === '조직도', `the tab reads "${await tab.textContent()}"`);
      await tab.click();
      const row = page.locator(`.org-dept[data-dept="${dept}"]`);
      await row.waitFor();
      const subRow = page.locator(`.org-dept[data-dept="${subName}"]`);
      await page.locator(`.picker-item[data-email="${lead}"]`).waitFor();
      assert(await page.locator(`.picker-item[data-email="${member}"]`).count() === 0, 'the closed sub-department shows its people');
      for (const b of ['.org-toggle', '.org-whole']) assert(await row.locator(b).getAttribute('title'), `${b} has no tooltip`);
      s.step('open the sub-department, then close the department');
      await subRow.locator('.org-toggle').click();
      await page.locator(`.picker-item[data-email="${member}"]`).waitFor();
      await row.locator('.org-toggle').click();
      await page.locator(`.picker-item[data-email="${lead}"]`).waitFor({ state: 'detached' });
      await page.locator(`.picker-item[data-email="${member}"]`).waitFor({ state: 'detached' });
      s.step('부서 전체, then 받는사람');
      const whole = row.locator('.org-whole');
      assert(((await whole.textContent()) || '').trim() === '부서 전체', `the button reads "${await whole.textContent()}"`);
      await whole.click();
      await s.waitFor('#picker-add-to to count 2', async () => /\(2\)/.test((await page.locator('#picker-add-to').textContent()) || ''));
      await s.shot('domain-org-picker');
      await page.locator('#picker-add-to').click();
      for (const email of [lead, member]) {
        await page.locator(`.recipients-field[data-field="to"] .chip[data-email="${email}"]`).waitFor();
      }
      await s.shot('domain-org-recipients');
      s.step('#compose-discard');
      await page.locator('#compose-discard').click();
      const next = await s.waitFor('the compose screen to close or #discard-dialog', async () =>
        ((await page.locator('#discard-dialog').count()) && 'asked') || (!(await page.locator('#compose-form').count()) && 'closed'));
      if (next === 'asked') await page.locator('#discard-trash').click();
      await s.waitFor('the compose screen to close', async () => !(await page.locator('#compose-form').count()));
    } finally {
      await page.locator('#logout').click().catch(() => {});
      await page.locator('#login-email').waitFor().catch(() => {});
    }
  },
};
