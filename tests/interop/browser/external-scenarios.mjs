// external-scenarios.mjs — Settings > 외부메일 가져오기 (issue 19), by
// name, run by runner.mjs for tests/interop/browser_external_test.go,
// which starts a second Postroom as the "external" server, delivers two
// messages there over SMTP and passes its POP3 listener and account in
// POSTROOM_EXTERNAL_FIXTURES. Each takes a Scenario (support.mjs) and
// throws on failure; the selectors are web/ui/settings-external.js's.

import { assert } from './support.mjs';

const fx = JSON.parse(process.env.POSTROOM_EXTERNAL_FIXTURES || 'null');

function fixtures() {
  assert(fx, 'POSTROOM_EXTERNAL_FIXTURES is not set: run through `go test -run TestBrowser_External ./tests/interop/`');
  return fx;
}

export const externalScenarios = {
  // An external POP3 account added in the dialog, "지금 가져오기", the
  // result line "가져온 메일 2통", and the two messages in the Inbox; a
  // second fetch brings none.
  async external_fetch(s) {
    const f = fixtures();
    const { page } = s;
    await s.ensureApp();
    s.step('open #/settings/external');
    await page.evaluate((h) => { location.hash = h; }, '#/settings/external');
    await page.locator('#settings[data-section="external"]').waitFor();
    await page.locator('#external-empty').waitFor();

    s.step('add the external POP3 account');
    await page.locator('#external-new').click();
    await page.locator('#external-editor').waitFor();
    await page.locator('#ext-name').fill('예전 회사 메일');
    await page.locator('#ext-protocol').selectOption('pop3');
    await page.locator('#ext-host').fill('127.0.0.1');
    await page.locator('#ext-security').selectOption('starttls');
    await page.locator('#ext-port').fill(String(f.port));
    await page.locator('#ext-user').fill(f.user);
    await page.locator('#ext-password').fill(f.password);
    await page.locator('#ext-insecure').check();
    await page.locator('#ext-every').selectOption('0');
    await s.shot('external-dialog');
    await page.locator('#external-save').click();
    await page.locator('#external-editor').waitFor({ state: 'detached' });
    const row = page.locator('.external-row', { hasText: '예전 회사 메일' });
    await row.waitFor();
    const listed = await s.api('/api/v1/external-accounts');
    assert(listed.accounts.length === 1 && listed.accounts[0].password_set && !('password' in listed.accounts[0]),
      `the API lists ${JSON.stringify(listed.accounts)}: want one account, password_set, no password`);

    s.step('지금 가져오기');
    await row.locator('.external-fetch').click();
    await s.waitFor('#external-fetch-result to say 가져온 메일 2통', async () =>
      /가져온 메일 2통/.test((await page.locator('#external-fetch-result').textContent().catch(() => '')) || ''), 20_000);
    await s.shot('external-fetched');
    assert(/가져온 메일 2통/.test(await row.locator('.external-last').textContent()), 'the row does not show the last result');

    s.step('the two messages are in the Inbox');
    const inbox = (await s.apiMailboxes()).find((m) => m.role === 'inbox');
    await page.evaluate((h) => { location.hash = h; }, `#/mail/${inbox.id}`);
    for (const subject of f.subjects) await s.row(subject).first().waitFor({ timeout: 15_000 });
    await s.shot('external-inbox');

    s.step('a second fetch brings none twice');
    await page.evaluate((h) => { location.hash = h; }, '#/settings/external');
    await page.locator('.external-row .external-fetch').click();
    await s.waitFor('#external-fetch-result to say 가져온 메일 0통', async () =>
      /가져온 메일 0통/.test((await page.locator('#external-fetch-result').textContent().catch(() => '')) || ''), 20_000);
    const subjects = await s.apiSubjects(inbox.id);
    for (const subject of f.subjects) {
      const n = subjects.filter((x) => x === subject).length;
      assert(n === 1, `the Inbox holds "${subject}" ${n} times, want once`);
    }
  },
};
