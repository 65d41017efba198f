// admin-link-scenarios.mjs — the console's API 토큰 and 감사 로그 pages
// and the integration API's one-time login link (issue 16, M14), by
// name, run by runner.mjs for tests/interop/browser_admin_link_test.go,
// which logs the browser in as the domain's administrator and passes a
// plain user in POSTROOM_LINK_FIXTURES. Each takes a Scenario
// (support.mjs) and throws on failure; the selectors are
// web/ui/admin-tokens.js's, admin-audit.js's and app.js's.

import { assert } from './support.mjs';

const fx = JSON.parse(process.env.POSTROOM_LINK_FIXTURES || 'null');
const tag = Date.now().toString(36).slice(-5);

function fixtures() {
  assert(fx, 'POSTROOM_LINK_FIXTURES is not set: run through `go test -run TestBrowser_AdminLink ./tests/interop/`');
  return fx;
}

async function openPage(s, page) {
  s.step(`open the console's ${page} page`);
  await s.page.locator('#admin-link').click();
  await s.page.locator('#admin-console').waitFor();
  await s.page.locator('#admin-menu-' + page).click();
  await s.page.locator('#admin-menu-' + page + '.selected').waitFor();
}

// bearer calls the integration API from node with a token, as a program
// would: no browser, no cookie.
async function bearer(s, method, p, secret) {
  const r = await fetch(s.cfg.baseURL + p, { method, headers: { Authorization: 'Bearer ' + secret } });
  const text = await r.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, body };
}

// freshBrowser opens url in a browser context of its own (no cookie of
// the administrator's), Korean, and runs fn with its page.
async function freshBrowser(s, url, fn) {
  const ctx = await s.context.browser().newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul', viewport: { width: 1280, height: 800 } });
  try {
    const p = await ctx.newPage();
    p.setDefaultTimeout(8_000);
    p.on('request', (r) => {
      const host = new URL(r.url()).hostname;
      if (/^https?:/.test(r.url()) && host !== '127.0.0.1') s.violation(`request to a host other than 127.0.0.1: ${r.url()}`);
    });
    await p.goto(url);
    return await fn(p);
  } finally {
    await ctx.close();
  }
}

export const adminLinkScenarios = {
  // A token made on the page, its secret read once from the dialog; from
  // node it asks a login link for the plain user; the link opens his
  // Inbox in a fresh browser once, and the second time says the link
  // expired or was used; revoked on the page, the token is refused;
  // the audit log shows all of it in words.
  async admin_link(s) {
    const { user } = fixtures();
    const { page } = s;
    await s.ensureApp();
    const name = '포털-' + tag;
    await openPage(s, 'tokens');
    s.step(`make the token ${name}`);
    await page.locator('#token-name').fill(name);
    await page.locator('#token-create').click();
    await page.locator('#token-secret-dialog').waitFor();
    const secret = await page.locator('#token-secret').inputValue();
    assert(/^prt_[A-Za-z0-9_-]{40,}$/.test(secret), `the dialog shows "${secret}" as the secret`);
    const warning = (await page.locator('#token-secret-dialog').textContent()) || '';
    assert(warning.includes('한 번만'), `the dialog does not warn that the token is shown once: "${warning}"`);
    await page.locator('#token-copy').click();
    await s.shot('admin-link-token-secret');
    await page.locator('#dialog-close').click();
    const row = page.locator(`#token-table .token-row[data-name="${name}"]`);
    await row.waitFor();
    assert(!((await row.textContent()) || '').includes(secret), 'the table shows the whole secret');
    assert(((await row.textContent()) || '').includes(secret.slice(0, 8)), 'the table does not show the secret\'s first characters');

    s.step(`from node, with the token: find ${user} and ask a login link for him`);
    const found = await bearer(s, 'GET', '/api/v1/admin/users?q=' + encodeURIComponent(user), secret);
    const u = (found.body?.users || []).find((x) => x.email === user);
    assert(found.status === 200 && u, `users with the token: ${found.status} ${JSON.stringify(found.body)}`);
    const made = await bearer(s, 'POST', `/api/v1/admin/users/${u.id}/login-link`, secret);
    assert(made.status === 201 && made.body?.url?.startsWith(s.cfg.baseURL + '/#/login-link/'), `login link: ${made.status} ${JSON.stringify(made.body)}`);
    const left = Date.parse(made.body.expires) - Date.now();
    assert(left > 0 && left <= 2 * 60_000 + 5_000, `the link expires at ${made.body.expires}, not within two minutes`);

    s.step('a fresh browser opens the link and lands in his Inbox, the secret gone from the address bar');
    await freshBrowser(s, made.body.url, async (p) => {
      await p.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
      await s.waitFor(`#user-email to read ${user}`, async () => ((await p.locator('#user-email').textContent()) || '').trim() === user);
      await p.locator('.folder.selected[data-role="inbox"]').waitFor();
      assert(!p.url().includes('login-link') && !p.url().includes(made.body.url.split('/login-link/')[1]), `the address bar still holds the link: ${p.url()}`);
      const boxes = await p.request.get(s.cfg.baseURL + '/api/v1/mailboxes');
      assert(boxes.ok(), `the link's session cannot list mailboxes: ${boxes.status()}`);
      await p.screenshot({ path: `${s.cfg.shots}/admin-link-inbox.png` });
    });

    s.step('another fresh browser opens the same link: expired or used, in Korean, on the login page');
    await freshBrowser(s, made.body.url, async (p) => {
      await p.locator('#login-email').waitFor({ timeout: 15_000 });
      await s.waitFor('#login-error to say the link expired or was used', async () =>
        ((await p.locator('#login-error').textContent()) || '').includes('로그인 링크가 만료되었거나 이미 사용되었습니다'));
      assert(await p.locator('#app[data-ready="1"]').count() === 0, 'the used link got into the webmail');
      await p.screenshot({ path: `${s.cfg.shots}/admin-link-used.png` });
    });

    s.step('revoke the token on the page; the API refuses it');
    await row.locator('.token-revoke').click();
    await page.locator('#confirm-dialog').waitFor();
    await page.locator('#confirm-ok').click();
    await page.locator(`#token-table .token-row[data-name="${name}"][data-revoked="1"]`).waitFor();
    const refused = await bearer(s, 'POST', `/api/v1/admin/users/${u.id}/login-link`, secret);
    assert(refused.status === 401, `a revoked token asks a login link: ${refused.status}`);

    s.step('the audit log shows the token made and revoked and the login link, in words');
    await openPage(s, 'audit');
    const entry = (action, target) => page.locator(`#audit-table .audit-row[data-action="${action}"]`).filter({ hasText: target }).first();
    for (const [action, target] of [['token.create', name], ['user.login_link', user], ['token.revoke', name]]) {
      await entry(action, target).waitFor();
    }
    const link = entry('user.login_link', user);
    const words = (await link.locator('.audit-action').textContent()).trim();
    const actor = (await link.locator('.audit-actor').textContent()).trim();
    const ip = (await link.locator('.audit-ip').textContent()).trim();
    assert(words === '로그인 링크 발급' && actor === 'API 토큰 ' + name && ip === '127.0.0.1',
      `the login link's entry reads "${words}" by "${actor}" from "${ip}"`);
    const made2 = entry('token.create', name);
    assert((await made2.locator('.audit-action').textContent()).trim() === 'API 토큰 생성' &&
      (await made2.locator('.audit-actor').textContent()).trim() === s.cfg.email, 'the token\'s creation is not worded or not by the administrator');
    const all = (await page.locator('#audit-table').textContent()) || '';
    assert(!all.includes(secret) && !all.includes(made.body.url.split('/login-link/')[1]), 'the audit log shows a secret');
    await s.shot('admin-link-audit');
  },
};
