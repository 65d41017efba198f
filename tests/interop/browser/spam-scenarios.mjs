// spam-scenarios.mjs — the spam verdict made visible and trainable
// (issue 18), run by runner.mjs for tests/interop/browser_spam_test.go.
// Mail arrives over SMTP through the MX listener (POST /deliver of the
// control listener); what the dialog did is checked by its effect: the
// blocked list of the settings, and the next message of the sender.

import { assert } from './support.mjs';

const tag = Date.now().toString(36).slice(-5);
const enc = encodeURIComponent;

async function api(s, method, p, body) {
  const { page, cfg } = s;
  const headers = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = (await s.api('/api/v1/session?per_page=1')).csrf;
  const r = await page.request.fetch(cfg.baseURL + p, { method, headers, data: body });
  const text = await r.text();
  if (!r.ok()) throw new Error(`${method} ${p}: ${r.status()} ${text}`);
  return text ? JSON.parse(text) : null;
}

export const spamScenarios = {
  // 스팸신고 with "이 발신자 차단": the message goes to Spam, the sender to
  // the blocked list, and the sender's next message lands in Spam with
  // the reason line above it.
  async spam_report_block(s) {
    const { page: p } = s;
    const sender = `pest-${tag}@remote.example`;
    const first = `특가 상품 안내 ${tag}`;
    const second = `다시 보내는 특가 ${tag}`;
    await s.ensureApp();
    const boxes = await s.apiMailboxes();
    const inbox = boxes.find((m) => m.role === 'inbox');
    const spamBox = boxes.find((m) => m.role === 'spam');
    try {
      await s.control(`/deliver?from=${enc(sender)}&subject=${enc(first)}`, 'POST');
      await s.waitFor(`"${first}" in the Inbox (API)`, async () => (await s.apiSubjects(inbox.id)).includes(first), 15_000, 250);
      await s.openFolder('inbox');
      await s.waitFor(`"${first}" in the list`, async () => (await s.rowCount(first)) > 0, 15_000, 250);
      await s.openMessage(first);
      s.step('스팸신고 with 이 발신자 차단 checked');
      await p.locator('#tb-spam').click();
      await p.locator('#spam-dialog').waitFor();
      assert((await p.locator('#spam-block-senders').textContent()).includes(sender), 'the dialog does not name the sender');
      await p.locator('#spam-block').check();
      await s.shot('spam-01-dialog');
      await p.locator('#spam-ok').click();
      await s.waitFor(`"${first}" in Spam (API)`, async () => (await s.apiSubjects(spamBox.id)).includes(first), 15_000, 250);
      await s.waitFor('the sender in the blocked senders', async () =>
        (await api(s, 'GET', '/api/v1/settings')).spam.blocked_senders.includes(sender), 15_000, 250);
      await s.waitFor('the toast', async () => ((await p.locator('#toast').textContent()) || '').length > 0);

      s.step('the sender writes again');
      await s.control(`/deliver?from=${enc(sender)}&subject=${enc(second)}`, 'POST');
      await s.waitFor(`"${second}" in Spam (API)`, async () => (await s.apiSubjects(spamBox.id)).includes(second), 15_000, 250);
      assert(!(await s.apiSubjects(inbox.id)).includes(second), `"${second}" is also in the Inbox`);
      await s.openFolder('spam');
      await s.waitFor(`"${second}" in the Spam list`, async () => (await s.rowCount(second)) > 0, 15_000, 250);
      await s.openMessage(second);
      await s.waitFor('the reason line', async () => ((await p.locator('#spam-why').textContent().catch(() => '')) || '').includes(sender), 15_000, 250);
      const line = await p.locator('#spam-why').textContent();
      assert(/스팸으로 분류된 이유|Why it is spam/.test(line), `the reason line reads ${line}`);
      // the stored code (blocked-sender:ADDRESS) in the user's words
      assert(/차단주소|blocked address/.test(line) && !line.includes('blocked-sender:'), `the reason is not translated: ${line}`);
      await s.shot('spam-02-why');
    } finally {
      await api(s, 'PATCH', '/api/v1/settings', { spam: { blocked_senders: [] } }).catch((e) => s.note(`restore: ${e.message}`));
    }
  },

  // A stranger writes as a colleague of our own domain: the message lands
  // in Spam, and the reader says why in the user's words (the stored
  // code is forged-sender:DOMAIN).
  async spam_forged_reason(s) {
    const { page: p, cfg } = s;
    const domain = cfg.email.slice(cfg.email.indexOf('@') + 1);
    const forger = `ceo-${tag}@${domain}`;
    const subject = `긴급 송금 요청 ${tag}`;
    await s.ensureApp();
    const boxes = await s.apiMailboxes();
    const spamBox = boxes.find((m) => m.role === 'spam');
    await s.control(`/deliver?from=${enc(forger)}&subject=${enc(subject)}`, 'POST');
    await s.waitFor(`"${subject}" in Spam (API)`, async () => (await s.apiSubjects(spamBox.id)).includes(subject), 15_000, 250);
    await s.openFolder('spam');
    await s.waitFor(`"${subject}" in the Spam list`, async () => (await s.rowCount(subject)) > 0, 15_000, 250);
    await s.openMessage(subject);
    await s.waitFor('the reason line', async () => ((await p.locator('#spam-why').textContent().catch(() => '')) || '').includes(domain), 15_000, 250);
    const line = await p.locator('#spam-why').textContent();
    assert(/우리 도메인을 사칭한 발신자|forged sender in our domain/.test(line) && !line.includes('forged-sender:'), `the reason line reads ${line}`);
    await s.shot('spam-04-forged');
  },

  // The ! key reports spam at once, without the toolbar's dialog: from a
  // checked row of the list, and from the open reader.
  async spam_key_report(s) {
    const { page: p } = s;
    const sender = `keys-${tag}@remote.example`;
    const listed = `키보드 신고 목록 ${tag}`;
    const opened = `키보드 신고 읽기 ${tag}`;
    await s.ensureApp();
    const boxes = await s.apiMailboxes();
    const inbox = boxes.find((m) => m.role === 'inbox');
    const spamBox = boxes.find((m) => m.role === 'spam');
    for (const subject of [listed, opened]) {
      await s.control(`/deliver?from=${enc(sender)}&subject=${enc(subject)}`, 'POST');
      await s.waitFor(`"${subject}" in the Inbox (API)`, async () => (await s.apiSubjects(inbox.id)).includes(subject), 15_000, 250);
    }
    await s.openFolder('inbox');
    await s.waitFor(`"${listed}" in the list`, async () => (await s.rowCount(listed)) > 0, 15_000, 250);

    s.step('check a row, press !');
    await s.row(listed).locator('.msg-check').click();
    await p.keyboard.press('!');
    await s.waitFor(`"${listed}" in Spam (API)`, async () => (await s.apiSubjects(spamBox.id)).includes(listed), 15_000, 250);
    assert(!(await p.locator('#spam-dialog').count()), 'the ! key opened the report dialog');
    await s.waitFor(`"${listed}" leaves the list`, async () => (await s.rowCount(listed)) === 0, 15_000, 250);

    s.step('open a message, press !');
    await s.openMessage(opened);
    await p.evaluate(() => document.activeElement?.blur()); // keys go to the page, not a link
    await p.keyboard.press('!');
    await s.waitFor(`"${opened}" in Spam (API)`, async () => (await s.apiSubjects(spamBox.id)).includes(opened), 15_000, 250);
    assert(!(await p.locator('#spam-dialog').count()), 'the ! key opened the report dialog from the reader');
    assert(!(await s.apiSubjects(inbox.id)).includes(opened), `"${opened}" is still in the Inbox`);
    await s.shot('spam-03-key');

    s.step('the toolbar button still asks');
    await s.control(`/deliver?from=${enc(sender)}&subject=${enc(listed + ' 2')}`, 'POST');
    await s.waitFor(`"${listed} 2" in the list`, async () => (await s.rowCount(listed + ' 2')) > 0, 15_000, 250);
    await s.row(listed + ' 2').locator('.msg-check').click();
    await p.locator('#tb-spam').click();
    await p.locator('#spam-dialog').waitFor();
    await p.locator('#confirm-cancel').click();
    await s.waitFor('the dialog closed', async () => !(await p.locator('#spam-dialog').count()));
    assert((await s.apiSubjects(inbox.id)).includes(listed + ' 2'), 'cancelling the dialog reported the message');
  },
};
