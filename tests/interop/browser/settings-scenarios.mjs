// settings-scenarios.mjs — the Settings screen's scenarios (issue 14,
// S1–S8), by name, run by runner.mjs for
// tests/interop/browser_settings_test.go. Each takes a Scenario
// (support.mjs) and throws on failure; none relies on an earlier one
// having passed, and each puts back what it changed that another reads.
//
// A setting is checked by its effect, outside the form that saved it:
// mail delivered over SMTP afterwards (POST /deliver of the control
// listener), the compose screen, the undo window, the downloaded file,
// logins over IMAP and SMTP (GET /login). Selectors are web/ui/README.md's
// hooks ("Settings").

import fs from 'node:fs';
import zlib from 'node:zlib';
import { assert } from './support.mjs';

const tag = Date.now().toString(36).slice(-5);
const enc = encodeURIComponent;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fx = (s) => s.cfg.settings;

// --- helpers ---------------------------------------------------------------

// api calls the JSON API with the page's cookies and its CSRF token.
async function api(s, method, p, body) {
  const { page, cfg } = s;
  const headers = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = (await s.api('/api/v1/session?per_page=1')).csrf;
  const r = await page.request.fetch(cfg.baseURL + p, { method, headers, data: body });
  const text = await r.text();
  if (!r.ok()) throw new Error(`${method} ${p}: ${r.status()} ${text}`);
  return text ? JSON.parse(text) : null;
}

const settings = (s) => s.api('/api/v1/settings');

// section opens #/settings/{id} and waits for its form.
async function section(s, id) {
  const { page } = s;
  s.step(`open #/settings/${id}`);
  await page.evaluate((h) => { location.hash = h; }, `#/settings/${id}`);
  await page.locator(`#settings[data-section="${id}"]`).waitFor();
  await s.waitFor(`the ${id} section to be loaded`, async () => {
    if (await page.locator('#settings-load-error').count()) throw new Error(`GET /api/v1/settings failed: ${await s.text('#settings-load-error')}`);
    return !(await page.locator('.settings-main > .empty').count());
  });
}

// save clicks #settings-save and returns the PATCH's status and answer.
async function save(s) {
  const { page } = s;
  s.step('#settings-save');
  const resp = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/settings' && r.request().method() === 'PATCH');
  await page.locator('#settings-save').click();
  const r = await resp;
  const body = await r.json().catch(() => null);
  s.note(`PATCH /api/v1/settings ${r.request().postData()} → ${r.status()}`);
  return { status: r.status(), body };
}

async function saveOK(s) {
  const r = await save(s);
  assert(r.status === 200, `PATCH /api/v1/settings answered ${r.status} ${JSON.stringify(r.body)}`);
  await s.waitFor('no unsaved changes after saving (#settings-save disabled)', async () => page(s).locator('#settings-save').isDisabled());
  return r.body;
}

const page = (s) => s.page;

async function mailboxByName(s, name) {
  return (await s.apiMailboxes()).find((m) => m.name === name);
}

async function subjectsIn(s, mailboxId) {
  return s.apiSubjects(mailboxId);
}

async function inboxId(s) {
  return (await s.apiMailboxes()).find((m) => m.role === 'inbox').id;
}

// messageId finds the API id of the Inbox message with subject.
async function messageId(s, subject) {
  const r = await s.api(`/api/v1/mailboxes/${await inboxId(s)}/messages?per_page=200`);
  const m = r.messages.find((x) => x.subject === subject);
  assert(m, `no message "${subject}" in the Inbox (API)`);
  return m.id;
}

async function editorHTML(s) {
  return page(s).locator('#compose-editor').evaluate((el) => el.innerHTML);
}

// openCompose opens #/compose{/what} and waits until the editor holds the
// model (a reply's subject is set by then).
async function openCompose(s, what = '') {
  s.step(`open #/compose${what ? '/' + what : ''}`);
  await page(s).evaluate((h) => { location.hash = h; }, '#/compose' + (what ? '/' + what : ''));
  await page(s).locator('#compose-editor').waitFor();
  if (what.startsWith('reply=')) {
    await s.waitFor('#compose-subject to start with "Re:"', async () => /^Re:/.test(await page(s).locator('#compose-subject').inputValue()));
  }
}

// leaveCompose cancels a compose screen in which nothing was written
// (it leaves at once) or throws the draft away.
async function leaveCompose(s) {
  const { page: p } = s;
  await p.locator('#compose-discard').click();
  if (await p.locator('#discard-dialog').isVisible().catch(() => false)) await p.locator('#discard-trash').click();
  await s.waitFor('the compose screen to close', async () => !(await p.locator('#compose-form').count()));
}

// unzip lists a .zip's entries with their bytes (stored or deflated).
function unzip(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert(eocd >= 0, 'the download is not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    assert(buf.readUInt32LE(at) === 0x02014b50, `zip: central directory entry ${i} is malformed`);
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const csize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.slice(at + 46, at + 46 + nameLen).toString((flags & 0x800) ? 'utf8' : 'latin1');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.slice(dataAt, dataAt + csize);
    const data = method === 0 ? raw : method === 8 ? zlib.inflateRawSync(raw) : null;
    assert(data, `zip: entry ${name} uses compression method ${method}`);
    assert(data.length === size, `zip: entry ${name} inflates to ${data.length} bytes, the directory says ${size}`);
    out.push({ name, utf8: !!(flags & 0x800), data });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

// --- scenarios -------------------------------------------------------------

export const settingsScenarios = {
  // 기본 설정: English and another time zone apply at once, without a
  // reload: the menu, the clock of the page and a message's date.
  async settings_language_zone(s) {
    const { page: p } = s;
    await s.ensureApp();
    await section(s, 'general');
    await p.evaluate(() => { window.__noReload = 1; });
    if ((await p.getAttribute('html', 'lang')) !== 'ko') await p.locator('#settings-language').selectOption('ko');
    await s.waitFor('#settings-nav-general to read 기본 설정', async () => (await s.text('#settings-nav-general')) === '기본 설정');
    try {
      s.step('#settings-language → en');
      await p.locator('#settings-language').selectOption('en');
      await s.waitFor('html[lang="en"] and the menu in English', async () => (await p.getAttribute('html', 'lang')) === 'en'
        && (await s.text('#settings-nav-general')) === 'General' && (await s.text('#settings-nav-password')) === 'Change password');
      await s.waitFor('GET /api/v1/settings language "en"', async () => (await settings(s)).language === 'en');
      await s.shot('settings-01-general-en');

      const before = await s.text('#settings-now');
      s.step('#settings-tz → America/New_York');
      await p.locator('#settings-tz').selectOption('America/New_York');
      const expect = () => p.evaluate(() => {
        const el = document.getElementById('settings-now');
        return new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' })
          .format(new Date(el.getAttribute('datetime')));
      });
      await s.waitFor('#settings-now written in New York time', async () => (await s.text('#settings-now')) === (await expect()));
      s.note(`#settings-now: "${before}" → "${await s.text('#settings-now')}"`);
      assert(before !== (await s.text('#settings-now')), 'the time shown did not change with the zone');
      await s.waitFor('GET /api/v1/settings time_zone America/New_York', async () => (await settings(s)).time_zone === 'America/New_York');

      s.step('a message\'s date follows the zone');
      await p.evaluate((h) => { location.hash = h; }, `#/mail/${await inboxId(s)}/${await messageId(s, fx(s).reply)}`);
      await s.waitFor('#reader-date in New York time', async () => {
        const got = await s.text('#reader-date');
        const want = await p.locator('#reader-date').evaluate((el) => new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' })
          .format(new Date(el.getAttribute('datetime'))));
        return got === want;
      });
      assert(await p.evaluate(() => window.__noReload === 1), 'the page was reloaded');
    } finally {
      s.step('back to 한국어 and Asia/Seoul');
      await section(s, 'general');
      await p.locator('#settings-language').selectOption('ko');
      await p.locator('#settings-tz').selectOption('Asia/Seoul');
      await s.waitFor('GET /api/v1/settings ko, Asia/Seoul', async () => {
        const x = await settings(s);
        return x.language === 'ko' && x.time_zone === 'Asia/Seoul';
      });
    }
  },

  // The server's 400 invalid is shown beside the field it names and
  // nothing is saved; a form with unsaved changes asks before it is left.
  async settings_field_error(s) {
    const { page: p } = s;
    await s.ensureApp();
    await section(s, 'general');
    const was = (await settings(s)).recovery_email;
    s.step('#settings-recovery "not-an-address"');
    await p.locator('#settings-recovery').fill('not-an-address');
    const r = await save(s);
    assert(r.status === 400 && r.body?.error?.code === 'invalid' && r.body.error.field === 'recovery_email',
      `PATCH with a malformed recovery e-mail answered ${r.status} ${JSON.stringify(r.body)}, want 400 invalid field recovery_email`);
    const err = p.locator('[data-error-for="recovery_email"]');
    await err.waitFor({ state: 'visible' });
    s.note(`beside the field: "${await err.textContent()}"`);
    assert(((await err.textContent()) || '').trim().length > 0, 'the error beside #settings-recovery is empty');
    assert((await settings(s)).recovery_email === was, 'the malformed recovery e-mail was saved');
    await s.shot('settings-02-field-error');

    s.step('leaving with unsaved changes asks; "keep editing" stays');
    await p.locator('#settings-nav-mail').click();
    await p.locator('#leave-dialog').waitFor();
    await p.locator('#dialog-close').click();
    assert(await p.locator('#settings[data-section="general"]').count(), 'the general section was left although "keep editing" was chosen');
    assert((await p.locator('#settings-recovery').inputValue()) === 'not-an-address', 'the unsaved text was lost');

    s.step('a good address saves, with a toast');
    const good = `setter.home.${tag}@remote.example`;
    await p.locator('#settings-recovery').fill(good);
    await saveOK(s);
    await s.waitFor('the toast 설정을 저장했습니다.', async () => (await s.text('#toast')) === '설정을 저장했습니다.');
    assert((await settings(s)).recovery_email === good, 'the recovery e-mail was not saved');

    s.step('leaving with unsaved changes: "leave without saving" goes');
    await p.locator('#settings-name').fill('바뀐 이름 ' + tag);
    await p.locator('#settings-nav-mail').click();
    await p.locator('#leave-dialog').waitFor();
    await p.locator('#leave-discard').click();
    await p.locator('#settings[data-section="mail"]').waitFor();
    assert((await settings(s)).name !== '바뀐 이름 ' + tag, 'the name was saved without "save"');

    s.step('a vacation ending before it starts is refused beside 종료일');
    await p.locator('#settings-vacation-enabled').check();
    await p.locator('#settings-vacation-start').fill('2026-12-20');
    await p.locator('#settings-vacation-end').fill('2026-12-10');
    await p.locator('#settings-save').click();
    await p.locator('[data-error-for="vacation.end"]').waitFor({ state: 'visible' });
    assert(!(await settings(s)).vacation?.enabled, 'the vacation was switched on although its dates are wrong');
    await p.locator('#settings-reset').click();
  },

  // 메일분류 규칙: a folder made in 메일함관리, a rule made in the editor;
  // mail delivered over SMTP afterwards goes where the rule says, other
  // mail stays in the Inbox; the order changes with the arrows; "apply
  // to a folder" moves mail already received, with the job's progress.
  async settings_filter_moves(s) {
    const { page: p } = s;
    const folder = `거래처-${tag}`;
    const from = `partner-${tag}@remote.example`;
    await s.ensureApp();
    await section(s, 'folders');
    s.step(`#folders-new-name "${folder}", #folders-add`);
    await p.locator('#folders-new-name').fill(folder);
    await p.locator('#folders-add').click();
    await s.waitFor(`the row of "${folder}" in #folders-table`, async () => (await p.locator('.folder-row .folder-name', { hasText: folder }).count()) === 1);
    const mb = await mailboxByName(s, folder);
    assert(mb, `GET /api/v1/mailboxes has no "${folder}"`);

    await section(s, 'filters');
    const name = `거래처 분류 ${tag}`;
    s.step('#filter-new');
    await p.locator('#filter-new').click();
    await p.locator('#filter-name').fill(name);
    const cond = p.locator('.filter-condition').first();
    await cond.locator('.cond-field').selectOption('from');
    await cond.locator('.cond-op').selectOption('contains');
    await cond.locator('.cond-value').fill(from);
    const act = p.locator('.filter-action').first();
    await act.locator('.action-type').selectOption('move');
    await act.locator('.action-mailbox').selectOption(String(mb.id));
    await s.shot('settings-03-filter-editor');
    const created = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/filters' && r.request().method() === 'POST');
    await p.locator('#filter-save').click();
    const cr = await created;
    s.note(`POST /api/v1/filters ${cr.request().postData()} → ${cr.status()} ${await cr.text()}`);
    assert(cr.ok(), `POST /api/v1/filters answered ${cr.status()}`);
    await s.waitFor(`.filter-row "${name}"`, async () => (await p.locator('.filter-row .filter-name', { hasText: name }).count()) === 1);

    s.step(`deliver over SMTP from ${from} and from someone else`);
    const hit = `필터 시험 ${tag}`;
    const miss = `필터 제외 ${tag}`;
    await s.control(`/deliver?from=${enc(from)}&subject=${enc(hit)}`, 'POST');
    await s.control(`/deliver?from=${enc(`other-${tag}@remote.example`)}&subject=${enc(miss)}`, 'POST');
    const inbox = await inboxId(s);
    await s.waitFor(`"${miss}" in the Inbox (API)`, async () => (await subjectsIn(s, inbox)).includes(miss), 15_000, 250);
    await s.waitFor(`"${hit}" in "${folder}" (API)`, async () => (await subjectsIn(s, mb.id)).includes(hit), 15_000, 250);
    assert(!(await subjectsIn(s, inbox)).includes(hit), `"${hit}" is also in the Inbox`);
    s.step(`the webmail shows it in "${folder}"`);
    await p.evaluate((h) => { location.hash = h; }, `#/mail/${mb.id}`);
    await s.row(hit).waitFor();
    await s.shot('settings-04-filter-moved');

    s.step('a second rule, moved to the top with .filter-up');
    await section(s, 'filters');
    await p.locator('#filter-new').click();
    const second = `견적서 분류 ${tag}`;
    await p.locator('#filter-name').fill(second);
    await p.locator('.filter-condition').first().locator('.cond-field').selectOption('subject');
    await p.locator('.filter-condition').first().locator('.cond-value').fill('견적서');
    await p.locator('.filter-action').first().locator('.action-mailbox').selectOption(String(mb.id));
    await p.locator('#filter-save').click();
    const row2 = p.locator('.filter-row', { has: p.locator('.filter-name', { hasText: second }) });
    await row2.waitFor();
    const listed = async () => {
      const d = await s.api('/api/v1/filters');
      return (Array.isArray(d) ? d : d.filters).map((f) => f.name);
    };
    const order0 = await listed();
    assert(order0.indexOf(second) > order0.indexOf(name), `the new rule is not after the first: ${JSON.stringify(order0)}`);
    const ordered = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/filters/order');
    await row2.locator('.filter-up').click();
    assert((await ordered).ok(), 'POST /api/v1/filters/order failed');
    await s.waitFor('GET /api/v1/filters in the new order', async () => {
      const o = await listed();
      return o.indexOf(second) < o.indexOf(name);
    });

    s.step('.filter-apply on the Inbox: "3분기 견적서 송부" moves, with the job\'s progress');
    await row2.locator('.filter-apply').click();
    await p.locator('#apply-mailbox').selectOption(String(inbox));
    await p.locator('#apply-ok').click();
    const job = p.locator('#filter-job');
    await job.waitFor();
    await s.waitFor('#filter-job data-state="done"', async () => (await job.getAttribute('data-state')) === 'done', 20_000, 200);
    s.note(`job: done ${await job.getAttribute('data-done')} of ${await job.getAttribute('data-total')}`);
    await s.waitFor('"3분기 견적서 송부" in the folder (API)', async () => (await subjectsIn(s, mb.id)).includes('3분기 견적서 송부'));
    assert(!(await subjectsIn(s, inbox)).includes('3분기 견적서 송부'), 'the applied rule left "3분기 견적서 송부" in the Inbox');

    s.step('clean up: the rules go, the mail comes back to the Inbox');
    for (const f of await s.api('/api/v1/filters').then((d) => (Array.isArray(d) ? d : d.filters))) await api(s, 'DELETE', `/api/v1/filters/${f.id}`);
    const ids = (await s.api(`/api/v1/mailboxes/${mb.id}/messages?per_page=200`)).messages.map((m) => m.id);
    if (ids.length) await api(s, 'POST', '/api/v1/messages/actions', { action: 'move', ids, mailbox: inbox });
  },

  // 메일 설정 read by the mail screen from the account, not the browser:
  // after a reload with the browser's remembered preferences cleared, the
  // first folder, the layout and the page size are the saved ones.
  async settings_mail_screen(s) {
    const { page: p, cfg } = s;
    const folder = `첫화면-${tag}`;
    await s.ensureApp();
    await api(s, 'POST', '/api/v1/mailboxes', { name: folder });
    const mb = await mailboxByName(s, folder);
    assert(mb, `no folder "${folder}" after POST /api/v1/mailboxes`);
    try {
      await section(s, 'mail');
      await p.locator('#settings-first-folder').selectOption(String(mb.id));
      await p.locator('#settings-layout-list').check();
      await p.locator('#settings-per-page').selectOption('20');
      await saveOK(s);
      const m = (await settings(s)).mail;
      assert(m.first_folder === String(mb.id) && m.layout === 'list' && m.per_page === 20, `GET /api/v1/settings mail: ${JSON.stringify(m)}`);
      s.step('reload at / with the browser\'s preferences cleared');
      await p.evaluate(() => { for (const k of ['layout', 'perPage', 'quoteOriginal', 'notify']) localStorage.removeItem('postroom.' + k); });
      await p.goto(cfg.baseURL + '/');
      await p.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
      await s.waitFor(`the first folder "${folder}" selected`, async () => (await p.locator(`.folder.selected[data-mailbox-id="${mb.id}"]`).count()) === 1);
      assert(await p.locator('.mail.layout-list').count(), 'the mail screen is not in the list-only layout');
      assert((await p.locator('#per-page').inputValue()) === '20', `#per-page is ${await p.locator('#per-page').inputValue()}, want 20`);
      await s.shot('settings-10-first-folder');
    } finally {
      await api(s, 'PATCH', '/api/v1/settings', { mail: { first_folder: 'inbox', layout: 'split', per_page: 50 } }).catch((e) => s.note(`restore: ${e.message}`));
      await p.goto(cfg.baseURL + '/');
      await s.ensureApp();
    }
  },

  // 서명: on new mail only, then on replies only, as compose opens them.
  async settings_signature(s) {
    const { page: p } = s;
    const sig = `서명 ${tag} 영업팀`;
    await s.ensureApp();
    await section(s, 'mail');
    s.step('type the signature in #signature-editor');
    await p.locator('#signature-editor').click();
    await p.keyboard.press('Control+A');
    await p.keyboard.press('Delete');
    await p.keyboard.type(sig);
    await p.locator('#settings-signature-new').check();
    await p.locator('#settings-signature-reply').uncheck();
    await saveOK(s);
    const saved = (await settings(s)).signature;
    assert(saved.html.includes(sig) && saved.on_new && !saved.on_reply, `GET /api/v1/settings signature: ${JSON.stringify(saved)}`);
    const reply = `reply=${await messageId(s, fx(s).reply)}`;

    await openCompose(s);
    await s.waitFor(`the new message to hold "${sig}"`, async () => (await editorHTML(s)).includes(sig));
    await s.shot('settings-05-signature-new');
    await leaveCompose(s);
    await openCompose(s, reply);
    assert(!(await editorHTML(s)).includes(sig), 'the reply holds the signature although "on reply" is off');
    await leaveCompose(s);

    s.step('now on replies only');
    await section(s, 'mail');
    await p.locator('#settings-signature-new').uncheck();
    await p.locator('#settings-signature-reply').check();
    await saveOK(s);
    await openCompose(s);
    assert(!(await editorHTML(s)).includes(sig), 'the new message holds the signature although "on new" is off');
    await leaveCompose(s);
    await openCompose(s, reply);
    await s.waitFor(`the reply to hold "${sig}"`, async () => (await editorHTML(s)).includes(sig));
    const h = await editorHTML(s);
    if (h.includes('quoted-original')) assert(h.indexOf(sig) < h.indexOf('quoted-original'), 'the signature is below the quoted original');
    await s.shot('settings-06-signature-reply');
    await leaveCompose(s);
  },

  // 발송 후 대기: 5 seconds is the undo window of the next send; undone in
  // it, the message never arrives.
  async settings_send_delay(s) {
    const { page: p } = s;
    const { colleague } = fx(s);
    const subject = `대기 시험 ${tag}`;
    await s.ensureApp();
    await section(s, 'mail');
    await p.locator('#settings-send-delay').selectOption('5');
    await saveOK(s);
    assert((await settings(s)).mail.send_delay_seconds === 5, 'send_delay_seconds is not 5 after saving');
    try {
      await openCompose(s);
      await p.locator('#compose-to').fill(colleague);
      await p.keyboard.press('Enter');
      await p.locator('#compose-subject').fill(subject);
      await p.locator('#compose-editor').click();
      await p.keyboard.type('이 메일은 보내지지 않아야 합니다.');
      const sent = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/send' && r.request().method() === 'POST');
      const t0 = Date.now();
      await p.locator('#compose-send').click();
      const res = await (await sent).json();
      const wait = new Date(res.send_at).getTime() - t0;
      s.note(`POST /api/v1/send: ${JSON.stringify(res)}; send_at is ${wait} ms after the click`);
      assert(res.status === 'scheduled' && wait <= 6_500, `the send waits ${wait} ms, want the 5 s of the setting (the default is 10 s)`);
      await p.locator('#undo-bar').waitFor({ state: 'visible' });
      const left = Number(((await s.text('#undo-bar')) || '').match(/\d+/)?.[0]);
      assert(left <= 5, `#undo-bar counts down from ${left} s, want at most 5`);
      await s.shot('settings-07-undo-bar');
      const undo = p.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/send/${res.id}` && r.request().method() === 'DELETE');
      await p.locator('#undo-send').click();
      assert((await undo).status() === 200, 'the undo was refused');
      const until = new Date(res.send_at).getTime() + 2500;
      s.step(`wait past send_at (+2.5 s): ${Math.max(0, until - Date.now())} ms`);
      await sleep(Math.max(0, until - Date.now()));
      const got = await s.control(`/imap?user=${enc(colleague)}&mailbox=INBOX&subject=${enc(subject)}`);
      assert(got.length === 0, `${colleague} received the undone message`);
      await p.locator('#compose-form').waitFor();
      await leaveCompose(s);
    } finally {
      await api(s, 'PATCH', '/api/v1/settings', { mail: { send_delay_seconds: 10 } }).catch((e) => s.note(`restore: ${e.message}`));
    }
  },

  // 스팸관리 설정: a sender blocked in the UI has his next mail, delivered
  // over SMTP, put in Spam; a blocked phrase does the same.
  async settings_spam_blocked(s) {
    const { page: p } = s;
    const sender = `blocked-${tag}@remote.example`;
    const phrase = `특가대출${tag}`;
    await s.ensureApp();
    await section(s, 'spam');
    try {
      await p.locator('#settings-spam-action-move').check();
      await p.locator('#settings-blocked-senders-input').fill(sender);
      await p.locator('#settings-blocked-senders-add').click();
      await p.locator('#settings-blocked-phrases-input').fill(phrase);
      await p.locator('#settings-blocked-phrases-add').click();
      await s.shot('settings-11-spam');
      await saveOK(s);
      const sp = (await settings(s)).spam;
      assert(sp.blocked_senders.includes(sender) && sp.blocked_phrases.includes(phrase), `GET /api/v1/settings spam: ${JSON.stringify(sp)}`);
      const spamBox = (await s.apiMailboxes()).find((m) => m.role === 'spam');
      const inbox = await inboxId(s);
      const bySender = `차단 주소 시험 ${tag}`;
      const byPhrase = `이번 주 ${phrase} 안내`;
      await s.control(`/deliver?from=${enc(sender)}&subject=${enc(bySender)}`, 'POST');
      await s.control(`/deliver?from=${enc(`someone-${tag}@remote.example`)}&subject=${enc(byPhrase)}`, 'POST');
      await s.waitFor(`"${bySender}" and "${byPhrase}" in Spam (API)`, async () => {
        const got = await subjectsIn(s, spamBox.id);
        return got.includes(bySender) && got.includes(byPhrase);
      }, 15_000, 250);
      const inInbox = await subjectsIn(s, inbox);
      assert(!inInbox.includes(bySender) && !inInbox.includes(byPhrase), 'blocked mail is also in the Inbox');
    } finally {
      await api(s, 'PATCH', '/api/v1/settings', { spam: { blocked_senders: [], blocked_phrases: [] } }).catch((e) => s.note(`restore: ${e.message}`));
    }
  },

  // 메일함관리: the Inbox's count matches the API, and its ZIP download is
  // one .eml per message, each a message with its Message-ID, named so
  // that Windows can save it; MBOX starts with a "From " line.
  async settings_export_zip(s) {
    const { page: p } = s;
    await s.ensureApp();
    await section(s, 'folders');
    const box = (await s.apiMailboxes()).find((m) => m.role === 'inbox');
    const row = p.locator('.folder-row[data-role="inbox"]');
    await s.waitFor(`the Inbox row to count ${box.total}`, async () => Number(await row.locator('.folder-count').getAttribute('data-n')) === box.total);
    assert(box.total >= fx(s).inboxCount - 1, `the Inbox holds ${box.total} messages, the fixtures delivered ${fx(s).inboxCount}`);
    await s.shot('settings-08-folders');

    s.step('ZIP of the Inbox');
    const dl = p.waitForEvent('download');
    await row.locator('a.folder-export[data-format="zip"]').click();
    const d = await dl;
    const file = await d.path();
    const buf = fs.readFileSync(file);
    s.note(`download "${d.suggestedFilename()}": ${buf.length} bytes`);
    assert(/\.zip$/i.test(d.suggestedFilename()), `the download is named "${d.suggestedFilename()}", want a .zip`);
    const entries = unzip(buf);
    s.note(`entries: ${JSON.stringify(entries.map((e) => e.name))}`);
    assert(entries.length === box.total, `the zip holds ${entries.length} files, the Inbox ${box.total} messages`);
    const ids = [];
    for (const e of entries) {
      assert(/\.eml$/i.test(e.name), `"${e.name}" is not an .eml file`);
      assert(!/[<>:"\\|?*\x00-\x1f]/.test(e.name.replace(/^.*\//, '')), `"${e.name}" holds a character Windows refuses in file names`);
      const text = e.data.toString('latin1');
      const head = text.split(/\r?\n\r?\n/)[0];
      const id = head.match(/^Message-ID:\s*<([^>]+)>/im);
      assert(id && /^From:/im.test(head), `"${e.name}" is not a message (no From or Message-ID in its header)`);
      ids.push(id[1]);
    }
    const want = fx(s).replyId.replace(/^<|>$/g, '');
    assert(ids.includes(want), `no .eml holds the message <${want}>`);

    s.step('MBOX of the Inbox');
    const dl2 = p.waitForEvent('download');
    await row.locator('a.folder-export[data-format="mbox"]').click();
    const m = fs.readFileSync(await (await dl2).path()).toString('latin1');
    assert(m.startsWith('From '), `the mbox starts with ${JSON.stringify(m.slice(0, 20))}, want "From "`);
    const froms = m.split('\n').filter((l) => l.startsWith('From ')).length;
    assert(froms === box.total, `the mbox holds ${froms} messages, the Inbox ${box.total}`);
  },

  // Every section at 390x844: the section menu is a select, and nothing
  // scrolls sideways.
  async settings_phone(s) {
    const { page: p } = s;
    await s.ensureApp();
    await p.setViewportSize({ width: 390, height: 844 });
    try {
      await section(s, 'general');
      for (const id of ['general', 'mail', 'folders', 'filters', 'spam', 'server', 'password', 'access']) {
        s.step(`#settings-section-select → ${id}`);
        await p.locator('#settings-section-select').selectOption(id);
        await p.locator(`#settings[data-section="${id}"]`).waitFor();
        await s.waitFor(`the ${id} section to be loaded`, async () => !(await p.locator('.settings-main .empty', { hasText: /불러오는|Loading/ }).count()));
        const w = await p.evaluate(() => {
          const wide = [...document.querySelectorAll('#settings *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && el.getClientRects().length)
            .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} right ${Math.round(el.getBoundingClientRect().right)}`);
          return { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, wide };
        });
        await s.shot(`settings-phone-${id}`);
        assert(w.scroll <= w.client && !w.wide.length, `${id} at 390 px: the page is ${w.scroll} px wide (window ${w.client}); past the edge: ${w.wide.join('; ')}`);
      }
    } finally {
      await p.setViewportSize({ width: 1280, height: 800 });
    }
  },

  // 비밀번호 변경: a wrong current password and a mistyped confirmation are
  // said beside their fields; the change is refused by IMAP and SMTP for
  // the old password at once, the session stays, and the web login takes
  // only the new one.
  async settings_password(s) {
    const { page: p, cfg } = s;
    const fresh = fx(s).newPassword;
    await s.ensureApp();
    await section(s, 'password');
    s.step('a wrong current password');
    await p.locator('#password-current').fill(cfg.wrongPassword);
    await p.locator('#password-new').fill(fresh);
    await p.locator('#password-confirm').fill(fresh);
    await p.locator('#password-submit').click();
    await p.locator('[data-error-for="current"]').waitFor({ state: 'visible' });
    s.note(`beside the current password: "${await s.text('[data-error-for="current"]')}"`);
    s.step('a confirmation that differs');
    await p.locator('#password-current').fill(cfg.password);
    await p.locator('#password-confirm').fill(fresh + 'x');
    await p.locator('#password-submit').click();
    await p.locator('[data-error-for="confirm"]').waitFor({ state: 'visible' });
    s.step('the change');
    await p.locator('#password-confirm').fill(fresh);
    const changed = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/account/password');
    await p.locator('#password-submit').click();
    const cr = await changed;
    if (cr.status() !== 204) throw new Error(`POST /api/v1/account/password answered ${cr.status()} ${await cr.text().catch(() => '')}`);
    await p.locator('#password-done').waitFor();
    await s.shot('settings-09-password');

    const old = await s.control(`/login?password=${enc(cfg.password)}`);
    const now = await s.control(`/login?password=${enc(fresh)}`);
    s.note(`old password: ${JSON.stringify(old)}; new: ${JSON.stringify(now)}`);
    assert(!old.imap && !old.smtp, `the old password still works: IMAP ${old.imap}, SMTP ${old.smtp}`);
    assert(now.imap && now.smtp, `the new password does not work: ${now.imapError} ${now.smtpError}`);
    assert((await s.api('/api/v1/session?per_page=1')).authenticated, 'this session ended with the change');

    s.step('log out; the old password is refused, the new one logs in');
    await p.locator('#logout').click();
    await p.locator('#login-email').waitFor();
    await p.locator('#login-email').fill(cfg.email);
    await p.locator('#login-password').fill(cfg.password);
    await p.locator('#login-submit').click();
    await s.waitFor('#login-error after the old password', async () => ((await s.text('#login-error')) || '').length > 0);
    s.step('#login-forgot: the request is taken, and the page says only that');
    await p.locator('#login-forgot').click();
    await p.locator('#forgot-email').fill(cfg.email);
    const asked = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/password-reset');
    await p.locator('#forgot-submit').click();
    assert((await asked).status() === 202, 'POST /api/v1/password-reset did not answer 202');
    await p.locator('#forgot-sent').waitFor();
    await p.locator('#forgot-back').click();
    await s.login(fresh);
    await p.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
    // Back to the test's password, for a run of a single scenario after
    // this one; a policy that refuses it leaves the new one.
    await api(s, 'POST', '/api/v1/account/password', { current: fresh, new: cfg.password })
      .catch((e) => s.note(`the old password could not be set back: ${e.message}`));
  },
};
