// receipts-scenarios.mjs — Email > 수신확인 (issue 18, E6), by name, run by
// runner.mjs for tests/interop/browser_receipts_test.go, which passes the
// colleague's address in POSTROOM_RECEIPTS_FIXTURES. The colleague reads
// in a second browser context of his own (his own session); the selectors
// are web/ui/receipts.js's and compose's.

import { assert } from './support.mjs';

const fx = JSON.parse(process.env.POSTROOM_RECEIPTS_FIXTURES || 'null');

// receiptRow is the sender's row of a recipient of the message subject.
function receiptRow(page, subject) {
  return page.locator('.receipt-item', { hasText: subject }).locator('.receipt-rcpt');
}

// statusBecomes refreshes the view until the recipient's status is want.
async function statusBecomes(s, subject, want) {
  await s.waitFor(`${subject}: status ${want}`, async () => {
    await s.page.locator('#receipts-refresh').click();
    return (await receiptRow(s.page, subject).getAttribute('data-status', { timeout: 1_000 })) === want;
  }, 15_000, 300);
}

export const receiptsScenarios = {
  // Sent with 수신확인 on from compose, opened by the colleague in another
  // browser context: the status turns to read with its time; a second
  // message, still unread, is recalled and leaves his Inbox.
  async receipts_read_and_recall(s) {
    assert(fx, 'POSTROOM_RECEIPTS_FIXTURES is not set: run through `go test -run TestBrowser_Receipts ./tests/interop/`');
    const { page, cfg } = s;
    await s.ensureApp();
    const subject = '수신확인 시험 ' + Date.now();

    s.step('compose with 수신확인 on');
    await page.evaluate(() => { location.hash = '#/compose'; });
    await page.locator('#compose-form').waitFor();
    await page.locator('#compose-to').fill(fx.colleague);
    await page.locator('#compose-to').press('Enter');
    await page.locator('#compose-subject').fill(subject);
    await page.locator('#compose-text, #compose-editor').first().fill('읽어 주세요');
    await page.locator('#opt-receipt').check();
    await page.locator('#compose-send').click();
    await page.locator('#compose-form').waitFor({ state: 'detached' });

    s.step('the 수신확인 view lists it unread');
    await page.locator('#receipts-link').click();
    await page.locator('#receipts-list').waitFor();
    await statusBecomes(s, subject, 'unread');
    await s.shot('receipts-unread');

    s.step('the colleague opens it in another browser context');
    const other = await s.context.browser().newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
    try {
      const p2 = await other.newPage();
      await p2.goto(cfg.baseURL + '/');
      await p2.locator('#login-email').fill(fx.colleague);
      await p2.locator('#login-password').fill(cfg.password);
      await p2.locator('#login-submit').click();
      await p2.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
      const row = p2.locator('#message-list .msg-row', { hasText: subject });
      await row.waitFor({ timeout: 15_000 });
      await row.locator('.msg-subject').click();
      await p2.locator('#reader-subject', { hasText: subject }).waitFor();
      await s.waitFor('the open marks it read', async () => !(await row.getAttribute('class')).includes('unread'));
    } finally {
      await other.close();
    }

    s.step('the status turns to read, with its time');
    await statusBecomes(s, subject, 'read');
    assert(await receiptRow(page, subject).locator('time').count() === 1, 'a read receipt shows no time');
    assert(await receiptRow(page, subject).locator('.receipt-recall').count() === 0, 'a read one offers a recall');
    await s.shot('receipts-read');

    s.step('a second message, recalled while unread');
    const second = subject + ' (회수)';
    await s.apiPost('/api/v1/send', { to: [fx.colleague], subject: second, text: '잘못 보냄', read_receipt: true });
    await statusBecomes(s, second, 'unread');
    await receiptRow(page, second).locator('.receipt-recall').click();
    await page.locator('#confirm-ok').click();
    await statusBecomes(s, second, 'recalled');
    await s.shot('receipts-recalled');
    // the Go test checks the colleague's Inbox over the command line afterwards
  },

  // The 수신확인 view updates by itself (receipt.change over the event
  // stream): the colleague reads through his own session and the row turns
  // to read with no click on 새로 고침.
  async receipts_live_update(s) {
    assert(fx, 'POSTROOM_RECEIPTS_FIXTURES is not set: run through `go test -run TestBrowser_Receipts ./tests/interop/`');
    const { page, cfg } = s;
    await s.ensureApp();
    const subject = '실시간 수신확인 ' + Date.now();
    await s.apiPost('/api/v1/send', { to: [fx.colleague], subject, text: '실시간', read_receipt: true });
    await page.evaluate(() => { location.hash = '#/receipts'; });
    await page.locator('#receipts-list').waitFor();
    await statusBecomes(s, subject, 'unread');

    s.step('the colleague reads it in his own session; the view is not refreshed by hand');
    const other = await s.context.browser().newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
    try {
      const res = await other.request.post(cfg.baseURL + '/api/v1/session', { data: { email: fx.colleague, password: cfg.password } });
      assert(res.ok(), `the colleague's login: ${res.status()}`);
      const { csrf } = await res.json();
      const api = async (method, path, data) => {
        const r = await other.request.fetch(cfg.baseURL + path, { method, data, headers: { 'X-CSRF-Token': csrf } });
        assert(r.ok(), `${method} ${path}: ${r.status()}`);
        return r.status() === 204 ? null : r.json();
      };
      const boxes = await api('GET', '/api/v1/mailboxes');
      const inbox = boxes.mailboxes.find((b) => b.role === 'inbox');
      const list = await api('GET', `/api/v1/mailboxes/${inbox.id}/messages`);
      const m = list.messages.find((x) => x.subject === subject);
      assert(m, `the colleague has no "${subject}"`);
      await api('POST', '/api/v1/messages/actions', { action: 'read', ids: [m.id] });
    } finally {
      await other.close();
    }
    await s.waitFor(`${subject}: read without a refresh`, async () =>
      (await receiptRow(page, subject).getAttribute('data-status', { timeout: 1_000 })) === 'read', 15_000, 200);
    await s.shot('receipts-live');
  },

  // A message asking for a read receipt (the colleague sent it with 수신확인):
  // the reader asks in Korean (the default setting "ask"), the user
  // confirms, and the report goes (the Go test finds it in the colleague's
  // Inbox); opened again, nothing is asked.
  async mdn_prompt_ask(s) {
    assert(fx, 'POSTROOM_RECEIPTS_FIXTURES is not set: run through `go test -run TestBrowser_Receipts ./tests/interop/`');
    const { page } = s;
    await s.ensureApp();
    await s.openFolder('inbox');
    await s.waitFor(`the request "${fx.request}" in the Inbox`, async () => (await s.rowCount(fx.request)) > 0, 15_000, 300);
    await s.openMessage(fx.request);
    const prompt = page.locator('#mdn-prompt');
    await prompt.waitFor({ timeout: 10_000 });
    const text = (await prompt.textContent()) || '';
    assert(text.includes('읽음 확인을 요청했습니다') && text.includes(fx.colleague), `the prompt reads "${text}"`);
    await s.shot('mdn-prompt');
    await page.locator('#mdn-send').click();
    await prompt.waitFor({ state: 'detached' });
    await s.waitFor('the toast says it was sent', async () => ((await s.text('#toast')) || '').includes('읽음 확인을 보냈습니다'));
    s.step('opened again, nothing is asked');
    await page.reload();
    await s.ensureApp();
    await s.openFolder('inbox');
    await s.openMessage(fx.request);
    assert(await page.locator('#mdn-prompt').count() === 0, 'asked again after the answer');
  },
};
