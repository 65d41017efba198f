// security-scenarios.mjs — attacks a page of another origin makes the
// browser carry out against the webmail, run by runner.mjs for
// tests/interop/login_csrf_test.go. cfg.control is the attacker's page
// (another port of 127.0.0.1), cfg.email the account it tries to log the
// browser into.

import { assert } from './support.mjs';

export const securityScenarios = {
  // Login CSRF: the attacker's page posts his login as a text/plain form
  // (a "simple" request: no preflight); the webmail opened afterwards
  // must not be logged in as him.
  async login_csrf(s) {
    const { page, cfg } = s;
    await page.context().clearCookies();
    const posted = page.waitForResponse((r) => r.url() === cfg.baseURL + '/api/v1/session' && r.request().method() === 'POST');
    await page.goto(cfg.control + '/');
    const res = await posted;
    const sent = await res.request().allHeaders();
    s.note(`the form's POST: ${res.status()}; Content-Type ${sent['content-type']}, Origin ${sent['origin']}, Sec-Fetch-Site ${sent['sec-fetch-site']}`);
    await page.goto(cfg.baseURL + '/');
    const who = await page.evaluate(async () => (await fetch('/api/v1/session', { credentials: 'same-origin' })).json());
    await s.shot('login-csrf-after');
    assert(!who.authenticated, `the attacker's page logged the browser in as ${who.account && who.account.email}`);
    assert(res.status() === 403, `the forged login was answered ${res.status()}, want 403`);
    await page.locator('#login-email').waitFor(); // the login form, not the attacker's mailbox
  },
};
