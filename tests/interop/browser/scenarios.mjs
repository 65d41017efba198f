// scenarios.mjs — the webmail's browser scenarios, by name. Each takes a
// Scenario (support.mjs) and throws on failure. They run in the order the
// Go test lists them (browser_test.go), on one page; none relies on an
// earlier one having passed: each starts with ensureApp(), which logs in
// when it finds the login form. Selectors are web/ui/README.md's hooks.

import { assert } from './support.mjs';

export const scenarios = {
  // 1. A wrong password shows #login-error; the right one opens the app.
  async login(s) {
    const { page, cfg } = s;
    s.step('open the webmail logged out');
    await s.context.clearCookies();
    await page.goto(cfg.baseURL + '/');
    await page.locator('#login-email').waitFor();
    await s.shot('01-login');

    s.step('log in with a wrong password');
    await page.locator('#login-email').fill(cfg.email);
    await page.locator('#login-password').fill(cfg.wrongPassword);
    await page.locator('#login-submit').click();
    await page.locator('#login-error').waitFor({ state: 'visible' });
    await s.waitFor('#login-error to have text', () => s.text('#login-error'));
    assert(!(await page.locator('#app[data-ready="1"]').count()), 'the app became ready after a wrong password');

    await s.login(cfg.password);
    await s.waitFor(`#user-email to show ${cfg.email}`, async () => (await s.text('#user-email'))?.includes(cfg.email));
    await s.waitFor('the Inbox to be selected and list the fixtures', async () =>
      /\bselected\b/.test((await s.folder('inbox').getAttribute('class')) || '') &&
      (await s.rowCount(s.fx.euckr.subject)) === 1);
    await s.shot('02-inbox');
  },

  // 1b. A first visit and the page after logging out show the login form
  // with no "session expired" notice and no error in the browser console
  // (the start-up question "is there a session?" is no failed request).
  async first_visit(s) {
    const { page, cfg } = s;
    const errors = [];
    const onConsole = (m) => m.type() === 'error' && errors.push(m.text());
    const onError = (e) => errors.push(`page error: ${e.message}`);
    page.on('console', onConsole);
    page.on('pageerror', onError);
    try {
      s.step('a first visit: no cookies');
      await s.context.clearCookies();
      await page.goto(cfg.baseURL + '/');
      await page.locator('#login-email').waitFor();
      await s.waitFor('the login hint', async () => (await page.locator('.login-box .hint').count()) === 1);
      assert(!(await page.locator('.login-box .notice').count()), `a first visit says: "${await s.text('.login-box .notice')}"`);
      assert(!errors.length, `console errors on a first visit: ${JSON.stringify(errors)}`);

      await s.login(cfg.password);
      s.step('#logout');
      await page.locator('#logout').click();
      await page.locator('#login-email').waitFor();
      await s.waitFor('the login hint after logging out', async () => (await page.locator('.login-box .hint').count()) === 1);
      await s.shot('13-after-logout');
      assert(!(await page.locator('.login-box .notice').count()), `after logging out the login page says: "${await s.text('.login-box .notice')}"`);
      assert(!errors.length, `console errors: ${JSON.stringify(errors)}`);
    } finally {
      page.off('console', onConsole);
      page.off('pageerror', onError);
    }
  },

  // 2. A message sent in EUC-KR reads as Korean.
  async read_euckr(s) {
    const { euckr } = s.fx;
    await s.ensureApp();
    await s.openFolder('inbox');
    await s.openMessage(euckr.subject);
    await s.waitFor(`#reader-text to contain "${euckr.text}"`, async () => (await s.text('#reader-text'))?.includes(euckr.text));
    await s.waitFor(`#reader-from to contain "${euckr.fromName}"`, async () => (await s.text('#reader-from'))?.includes(euckr.fromName));
    const body = await s.text('#reader-text');
    assert(!body.includes('\uFFFD'), `#reader-text has U+FFFD (undecoded bytes): ${body}`);
    await s.shot('03-reading');
  },

  // 3. A new folder with a Korean name; a row dragged onto it moves there.
  async folder_drag(s) {
    const { page } = s;
    const { subject, folder: name } = s.fx.move;
    await s.ensureApp();
    await s.openFolder('inbox');
    await s.row(subject).waitFor();
    const totalBefore = await s.number('#list-total');
    s.note(`#list-total before: ${totalBefore}`);

    s.step(`create the folder "${name}" with #add-folder`);
    await page.locator('#add-folder').click();
    await page.locator('#folder-dialog').waitFor();
    await page.locator('#folder-name-input').fill(name);
    await page.locator('#folder-dialog-ok').click();
    const folder = s.folderByName(name);
    await folder.waitFor();
    const id = await folder.getAttribute('data-mailbox-id');
    assert(id, `the new .folder "${name}" has no data-mailbox-id`);
    const boxes = await s.apiMailboxes();
    assert(boxes.some((b) => String(b.id) === id && b.name === name),
      `GET /api/v1/mailboxes has no folder ${id} named "${name}": ${JSON.stringify(boxes.map((b) => [b.id, b.name]))}`);

    s.step(`drag the row "${subject}" onto .folder[data-mailbox-id="${id}"]`);
    await s.row(subject).first().dragTo(folder);
    await s.waitFor('the row to leave the Inbox list', async () => (await s.rowCount(subject)) === 0);
    await s.waitFor(`the folder's .unread-count to read 1`, async () =>
      Number(((await folder.locator('.unread-count').first().textContent()) || '').trim()) === 1);
    if (totalBefore !== null) {
      await s.waitFor(`#list-total to go from ${totalBefore} to ${totalBefore - 1}`, async () =>
        (await s.number('#list-total')) === totalBefore - 1);
    }

    const inFolder = await s.apiSubjects(id);
    assert(inFolder.includes(subject), `GET /api/v1/mailboxes/${id}/messages lacks "${subject}": ${JSON.stringify(inFolder)}`);
    const cliFolder = await s.cliSubjects(name);
    assert(cliFolder.includes(subject), `postroom messages ... ${name} lacks "${subject}": ${JSON.stringify(cliFolder)}`);
    const cliInbox = await s.cliSubjects('INBOX');
    assert(!cliInbox.includes(subject), `"${subject}" is still in the INBOX (postroom messages)`);
  },

  // 4. Checkbox + shift-click selects a range; delete; delete for good from Trash.
  async delete_permanently(s) {
    const { page } = s;
    const [a, b, c, keep] = s.fx.cleanup.subjects;
    const gone = [a, b, c];
    await s.ensureApp();
    await s.openFolder('inbox');
    for (const subj of s.fx.cleanup.subjects) await s.row(subj).waitFor();

    const selectRange = async (where) => {
      s.step(`${where}: check "${a}", shift-click "${c}"`);
      await s.row(a).locator('.msg-check').click();
      await s.row(c).locator('.msg-check').click({ modifiers: ['Shift'] });
      const selected = await s.waitFor(`${where}: three rows with class "selected"`, async () => {
        const subs = (await page.locator('#message-list .msg-row.selected .msg-subject').allTextContents()).map((x) => x.trim());
        return subs.length === 3 ? subs : null;
      });
      assert(gone.every((g) => selected.includes(g)), `${where}: selected rows are ${JSON.stringify(selected)}, want ${JSON.stringify(gone)}`);
    };

    await selectRange('Inbox');
    s.step('#tb-delete');
    await page.locator('#tb-delete').click();
    await s.waitFor('the three rows to leave the Inbox', async () => {
      for (const g of gone) if (await s.rowCount(g)) return false;
      return true;
    });
    assert((await s.rowCount(keep)) === 1, `"${keep}" (not selected) left the Inbox too`);

    await s.openFolder('trash');
    for (const g of gone) await s.row(g).waitFor();
    await selectRange('Trash');
    s.step('#tb-delete-permanently, then #confirm-ok');
    await page.locator('#tb-delete-permanently').click();
    await page.locator('#confirm-dialog').waitFor();
    await page.locator('#confirm-ok').click();
    await s.waitFor('the three rows to leave Trash', async () => {
      for (const g of gone) if (await s.rowCount(g)) return false;
      return true;
    });

    const boxes = await s.apiMailboxes();
    for (const role of ['inbox', 'trash']) {
      const box = boxes.find((x) => x.role === role);
      assert(box, `GET /api/v1/mailboxes has no ${role}`);
      const subs = await s.apiSubjects(box.id);
      const left = gone.filter((g) => subs.includes(g));
      assert(left.length === 0, `the API still lists ${JSON.stringify(left)} in ${role}`);
    }
    for (const mb of ['INBOX', 'Trash']) {
      const subs = await s.cliSubjects(mb);
      const left = gone.filter((g) => subs.includes(g));
      assert(left.length === 0, `postroom messages still lists ${JSON.stringify(left)} in ${mb}`);
    }
    assert((await s.cliSubjects('INBOX')).includes(keep), `"${keep}" is no longer in the INBOX`);
  },

  // 5. The conversation view makes the 3-message thread one row.
  async conversation(s) {
    const { page } = s;
    const { subject, count, inInbox } = s.fx.thread;
    await s.ensureApp();
    await s.openFolder('inbox');
    await s.waitFor(`${inInbox} rows of the thread in the Inbox before the conversation view`, async () =>
      (await s.rowCount(subject)) === inInbox);

    s.step('#tb-conversation on');
    await page.locator('#tb-conversation').click();
    try {
      await s.waitFor('the thread as one row', async () => (await s.rowCount(subject)) === 1);
      await s.waitFor(`.thread-count "${count}" in the thread's row`, async () =>
        ((await s.row(subject).locator('.thread-count').first().textContent()) || '').trim().replace(/\D/g, '') === String(count));
      s.step('open the thread');
      await s.row(subject).first().locator('.msg-subject').click();
      await s.waitFor(`${count} .thread-message in #reader`, async () =>
        (await page.locator('#reader .thread-message').count()) === count);
      await s.shot('05-conversation');
    } finally {
      s.step('#tb-conversation off');
      await page.locator('#tb-conversation').click().catch(() => {});
    }
    await s.waitFor(`the thread as ${inInbox} rows again`, async () => (await s.rowCount(subject)) === inInbox);
  },

  // 5b. A conversation whose newest message was read but older ones were
  // not is an unread (bold) row, as the folder's count says; opening it
  // reads the messages it shows.
  async thread_unread(s) {
    const { page } = s;
    const { subject, count } = s.fx.unreadThread;
    await s.ensureApp();
    await s.openFolder('inbox');
    const inbox = (await s.apiMailboxes()).find((b) => b.role === 'inbox');
    const inThread = async () => (await s.api(`/api/v1/mailboxes/${inbox.id}/messages?per_page=200`)).messages
      .filter((m) => m.subject.endsWith(subject));
    const unreadHere = async () => (await s.apiMailboxes()).find((b) => b.role === 'inbox').unread;
    const msgs = await inThread();
    assert(msgs.length === count && msgs.every((m) => !m.seen), `the fixture thread: ${JSON.stringify(msgs.map((m) => [m.id, m.seen]))}`);
    s.step(`read the newest message ${msgs[0].id} through the API; the older ${count - 1} stay unread`);
    await s.apiPost('/api/v1/messages/actions', { action: 'read', ids: [msgs[0].id] });
    const before = await unreadHere();

    s.step('#tb-conversation on');
    await page.locator('#tb-conversation').click();
    try {
      await s.waitFor('the thread as one row', async () => (await s.rowCount(subject)) === 1);
      const row = s.row(subject).first();
      await s.waitFor('the thread\'s row to be .unread (bold): two of its messages are', async () =>
        /\bunread\b/.test((await row.getAttribute('class')) || ''));
      await s.shot('08-conversation-unread');
      s.step('open the thread');
      await row.locator('.msg-subject').click();
      await s.waitFor(`${count} .thread-message in #reader`, async () => (await page.locator('#reader .thread-message').count()) === count);
      await s.waitFor('every message of the thread read (API)', async () => (await inThread()).every((m) => m.seen));
      await s.waitFor('the row no longer .unread', async () => !/\bunread\b/.test((await row.getAttribute('class')) || ''));
      await s.waitFor(`the Inbox's unread count to go from ${before} to ${before - (count - 1)}`, async () => (await unreadHere()) === before - (count - 1));
      await s.waitFor(`.unread-count of the Inbox to read ${before - (count - 1)}`, async () =>
        Number(((await s.folder('inbox').locator('.unread-count').first().textContent().catch(() => '')) || '0').trim()) === before - (count - 1));
    } finally {
      s.step('#tb-conversation off');
      await page.locator('#tb-conversation').click().catch(() => {});
    }
  },

  // 6. A two-syllable Korean word finds the word it starts, marked.
  async search_korean(s) {
    const { page } = s;
    const { subject, word } = s.fx.quote;
    await s.ensureApp();
    await s.openFolder('inbox');
    s.step(`search "${word}"`);
    await page.locator('#search-input').fill(word);
    await page.locator('#search-input').press('Enter');
    // Only the quote has the word: the list must narrow to it.
    const subs = await s.waitFor(`the results to be exactly "${subject}"`, async () => {
      const l = await s.listSubjects();
      return l.length === 1 && l[0].includes(subject) ? l : null;
    });
    s.note(`results: ${JSON.stringify(subs)}`);
    const marks = await s.row(subject).locator('mark').allTextContents();
    assert(marks.some((m) => m.includes(word)), `no <mark> with "${word}" in the result row (marks: ${JSON.stringify(marks)})`);
    assert(new URL(page.url()).hash.startsWith('#/search'), `location.hash is ${new URL(page.url()).hash}, want #/search?...`);
    await s.shot('04-search');
  },

  // 7. Mail delivered over SMTP appears without a reload; the title's count goes up.
  // 7b. With desktop notifications on and the tab in the background, new
  // Inbox mail raises a notification naming its sender and subject. The
  // browser's Notification is replaced by a recorder: headless Chromium
  // shows none, and what is tested is that the webmail asks for one.
  async notification(s) {
    const { page } = s;
    await s.ensureApp();
    await s.openFolder('inbox');
    await page.evaluate(() => {
      window.postroomNotes = [];
      window.Notification = class {
        constructor(title, opts) { window.postroomNotes.push({ title, body: opts?.body || '' }); }
        static get permission() { return 'granted'; }
        static requestPermission() { return Promise.resolve('granted'); }
      };
    });
    s.step('#notify-toggle on');
    await page.locator('#notify-toggle').click();
    await s.waitFor('#notify-toggle pressed', async () => (await page.locator('#notify-toggle').getAttribute('aria-pressed')) === 'true');
    s.step('the tab goes to the background');
    await page.evaluate(() => Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }));
    const { subject } = await s.control('/deliver-live', 'POST');
    s.step(`delivered "${subject}" over SMTP`);
    const note = await s.waitFor('a desktop notification', async () => (await page.evaluate(() => window.postroomNotes))[0], 15_000);
    s.note(`notification: ${JSON.stringify(note)}`);
    assert(note.body.includes(subject), `the notification names "${subject}": ${JSON.stringify(note)}`);
    s.step('#notify-toggle off; the tab back in front');
    await page.evaluate(() => Object.defineProperty(document, 'hidden', { configurable: true, get: () => false }));
    await page.locator('#notify-toggle').click();
    await s.waitFor('#notify-toggle released', async () => (await page.locator('#notify-toggle').getAttribute('aria-pressed')) === 'false');
  },

  async new_mail_live(s) {
    const { page } = s;
    await s.ensureApp();
    await s.openFolder('inbox');
    await page.evaluate(() => { window.postroomNoReload = 1; });
    const inboxBadge = async () => Number(((await s.folder('inbox').locator('.unread-count').first().textContent().catch(() => '')) || '').trim()) || 0;
    const { before } = await s.waitFor("the tab title's count to match the Inbox's .unread-count", async () => {
      const t = await s.titleUnread();
      return t === (await inboxBadge()) ? { before: t } : null;
    });
    s.note(`title before: ${await page.title()}`);
    const { subject } = await s.control('/deliver-live', 'POST');
    s.step(`delivered "${subject}" over SMTP`);
    await s.row(subject).waitFor({ timeout: 15_000 });
    assert(await page.evaluate(() => window.postroomNoReload === 1), 'the page was reloaded to show the new mail');
    await s.waitFor(`the tab title to count ${before + 1} unread (was "${before}")`, async () =>
      (await s.titleUnread()) === before + 1);
    await s.waitFor(`the Inbox's .unread-count to read ${before + 1}`, async () => (await inboxBadge()) === before + 1);
  },

  // 8. Script and onerror in HTML mail never run; the HTML is in a sandboxed frame.
  async html_sandbox(s) {
    const { page } = s;
    const { subject, visible, badPaths } = s.fx.html;
    await s.ensureApp();
    await s.openFolder('inbox');
    const titleBefore = await page.title();
    // every request the page makes is seen here as it is made, before the
    // beacon could count it
    const asked = [];
    const onRequest = (r) => badPaths.includes(new URL(r.url(), 'http://x').pathname) && asked.push(r.url());
    page.on('request', onRequest);
    try {
      await htmlSandboxChecks(s, subject, visible, badPaths, titleBefore);
    } finally {
      page.off('request', onRequest);
    }
    assert(asked.length === 0, `the mail's script or onerror asked for ${JSON.stringify(asked)}`);
  },

  // 10. Losing the session on a message's route: login form, then back there.
  async session_expiry(s) {
    const { page, cfg } = s;
    const { subject } = s.fx.euckr;
    await s.ensureApp();
    await s.openFolder('inbox');
    await s.openMessage(subject);
    const hash = new URL(page.url()).hash;
    s.note(`location.hash: ${hash}`);
    assert(/^#\/mail\/[^/]+\/[^/]+/.test(hash), `opening a message gave location.hash "${hash}", want #/mail/{folder}/{message}`);

    s.step('delete the session cookie, then #tb-refresh');
    await s.context.clearCookies({ name: 'postroom_session' });
    await page.locator('#tb-refresh').click();
    await page.locator('#login-email').waitFor({ state: 'visible' });
    await s.login(cfg.password);
    await s.waitFor(`location.hash to be ${hash} again`, async () => new URL(page.url()).hash === hash);
    await s.waitFor(`#reader-subject to read "${subject}" again`, async () => (await s.text('#reader-subject')) === subject);
  },

  // 9. English UI; kept after a reload (a saved setting).
  async language_en(s) {
    const { page } = s;
    const lang = () => page.evaluate(() => document.documentElement.lang);
    const inboxName = async () => ((await s.folder('inbox').locator('.folder-name').first().textContent()) || '').trim();
    await s.ensureApp();
    await s.waitFor('html[lang="ko"] and the Inbox named 받은메일함 before the switch', async () =>
      (await lang()) === 'ko' && (await inboxName()) === '받은메일함');

    s.step("select#lang-select -> 'en'");
    await page.locator('select#lang-select').selectOption('en');
    try {
      await s.waitFor('html[lang="en"]', async () => (await lang()) === 'en');
      await s.waitFor('the Inbox named "Inbox"', async () => (await inboxName()) === 'Inbox');
      await s.shot('06-english');

      s.step('reload');
      await page.reload();
      await page.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
      await s.waitFor('html[lang="en"] after reload', async () => (await lang()) === 'en');
      await s.waitFor('the Inbox named "Inbox" after reload', async () => (await inboxName()) === 'Inbox');
    } finally {
      s.step("select#lang-select -> 'ko' (restore)");
      await page.locator('select#lang-select').selectOption('ko').catch(() => {});
    }
    await s.waitFor('html[lang="ko"] after switching back', async () => (await lang()) === 'ko');
  },

  // With nothing checked or open the toolbar's message actions are off;
  // a checked row turns them on. Delete (with the checkbox focused),
  // Shift+I, Shift+U, s, v, ! and o work in the list, and "?" lists them.
  async toolbar_keys(s) {
    const { page, cfg } = s;
    const [gone, kept] = s.fx.keys.subjects;
    await s.ensureApp();
    const boxes = await s.apiMailboxes();
    const box = (role) => boxes.find((b) => b.role === role);
    const inbox = box('inbox');
    s.step('load the Inbox with nothing checked or open');
    await page.goto(`${cfg.baseURL}/#/mail/${inbox.id}`);
    await page.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
    await s.row(gone).waitFor();
    const disabled = (id) => page.locator('#' + id).isDisabled();
    const needs = ['tb-reply', 'tb-reply-all', 'tb-forward', 'tb-resend', 'tb-spam', 'tb-delete', 'tb-delete-permanently'];
    const on = [];
    for (const id of needs) if (!(await disabled(id))) on.push(id);
    await page.locator('#tb-more').click();
    for (const id of ['tb-mark-read', 'tb-mark-unread', 'tb-star', 'tb-move', 'tb-download', 'tb-print', 'tb-source']) if (!(await disabled(id))) on.push(id);
    await s.shot('11-toolbar-nothing-selected');
    await page.keyboard.press('Escape');
    assert(!on.length, `with nothing selected these are still active: ${on.join(', ')}`);
    assert(!(await disabled('tb-refresh')) && !(await disabled('tb-more')) && !(await disabled('tb-conversation')), 'check mail, more or conversation view is off');

    const api = async (subject) => (await s.api(`/api/v1/search?subject=${encodeURIComponent(subject)}`)).messages.find((m) => m.subject === subject);
    s.step(`check "${gone}": the actions turn on; Delete`);
    await s.row(gone).locator('.msg-check').click();
    await s.waitFor('#tb-delete and #tb-reply on', async () => !(await disabled('tb-delete')) && !(await disabled('tb-reply')));
    await page.keyboard.press('Delete');
    await s.waitFor(`"${gone}" to leave the Inbox`, async () => (await s.rowCount(gone)) === 0);
    await s.waitFor(`"${gone}" in Trash (API)`, async () => (await api(gone))?.mailbox_id === box('trash').id);
    await s.waitFor('#tb-delete off again', () => disabled('tb-delete'));

    s.step(`check "${kept}": Shift+I, Shift+U, s`);
    await s.row(kept).locator('.msg-check').click();
    await page.keyboard.press('Shift+I');
    await s.waitFor('read (API)', async () => (await api(kept))?.seen === true);
    await page.keyboard.press('Shift+U');
    await s.waitFor('unread again (API)', async () => (await api(kept))?.seen === false);
    await page.keyboard.press('s');
    await s.waitFor('starred (API)', async () => (await api(kept))?.flagged === true);
    await page.keyboard.press('v');
    await page.locator('#move-dialog').waitFor();
    // Esc closes it even with the focus outside it (as when pressed
    // before the dialog's first button has the focus)
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('Escape');
    await s.waitFor('#move-dialog closed', async () => !(await page.locator('#move-dialog').count()));

    s.step('? lists the keys');
    await page.locator('.msg-check').first().focus();
    await page.keyboard.press('?');
    const help = await page.locator('#help-overlay').textContent();
    for (const k of ['Delete', 'Shift+I', 'Shift+U', '!', 'v', 'Enter']) assert(help.includes(k), `#help-overlay does not list ${k}: ${help}`);
    await s.shot('11-help');
    await page.keyboard.press('Escape');
    await s.waitFor('#help-overlay closed', async () => !(await page.locator('#help-overlay').count()));

    s.step(`! on "${kept}" (still checked)`);
    await page.keyboard.press('!');
    await s.waitFor(`"${kept}" in Spam (API)`, async () => (await api(kept))?.mailbox_id === box('spam').id);
    await s.waitFor(`"${kept}" to leave the list, nothing checked`, async () =>
      (await s.rowCount(kept)) === 0 && !(await page.locator('#message-list .msg-row.selected').count()));
    s.step('o opens the first message of the list');
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('o');
    await s.waitFor('#reader-subject', () => s.text('#reader-subject'));
    await s.waitFor('#tb-delete on with a message open', async () => !(await disabled('tb-delete')));
  },

  // A message whose only attachment is the logo its HTML shows has no
  // paperclip and lists no files; one with a real file has both.
  async inline_image(s) {
    const { page } = s;
    const logo = s.fx.logo.subject;
    const withFile = s.fx.header.subject;
    await s.ensureApp();
    await s.openFolder('inbox');
    await s.row(logo).waitFor();
    assert((await s.row(withFile).locator('.msg-clip').count()) === 1, `"${withFile}" (a PDF attached) has no paperclip`);
    assert((await s.row(logo).locator('.msg-clip').count()) === 0, `"${logo}" has a paperclip, but its only attachment is the logo in its text`);
    await s.openMessage(logo);
    await page.locator('iframe#reader-frame').waitFor();
    assert(!(await page.locator('#reader .attachment').count()), `"${logo}" lists the logo as a file: ${await s.text('#reader .attachments')}`);
  },

  // "메일 저장(.eml)" saves the open message under its subject.
  async download_eml(s) {
    const { page } = s;
    const { subject } = s.fx.euckr;
    await s.ensureApp();
    await s.openFolder('inbox');
    await s.openMessage(subject);
    await page.locator('#tb-more').click();
    const saved = page.waitForEvent('download');
    await page.locator('#tb-download').click();
    const d = await saved;
    s.note(`suggested file name: ${d.suggestedFilename()}`);
    assert(d.suggestedFilename() === `${subject}.eml`, `the download is named "${d.suggestedFilename()}", want "${subject}.eml"`);
    await d.cancel().catch(() => {});
  },

  // The list is in arrival order, so the dates it shows are arrival dates
  // and read in order, even for a message whose Date header is days old.
  async arrival_dates(s) {
    const { page } = s;
    const { subject } = s.fx.late;
    await s.ensureApp();
    await s.openFolder('inbox');
    await s.row(subject).waitFor();
    const rows = await page.locator('#message-list .msg-row').evaluateAll((els) => els.map((el) => [
      el.querySelector('.msg-subject').textContent.trim(), el.querySelector('.msg-date').getAttribute('datetime'),
      el.querySelector('.msg-date').textContent.trim()]));
    const late = rows.find((r) => r[0] === subject);
    s.note(`"${subject}" shows ${late[2]} (${late[1]})`);
    const out = rows.filter((r, i) => i > 0 && new Date(r[1]) > new Date(rows[i - 1][1]));
    assert(!out.length, `the list's dates are out of order: ${JSON.stringify(out.map((r) => [r[0], r[2]]))} after ${JSON.stringify(rows.map((r) => [r[0], r[2]]))}`);
    const api = (await s.api(`/api/v1/search?subject=${encodeURIComponent(subject)}`)).messages[0];
    assert(late[1] && new Date(late[1]).getTime() === new Date(api.received).getTime(), `"${subject}" shows ${late[1]}, want its arrival ${api.received} (Date header ${api.date})`);
  },

  // The reading header shows To and Cc without "자세히", shortened when
  // long ("홍길동, 김철수 외 5명", expandable); a Reply-To row only when the
  // message has one; the attachments right under the header, above the text.
  async reader_header(s) {
    const { page } = s;
    const h = s.fx.header;
    await s.ensureApp();
    await s.openFolder('inbox');
    const check = async (w) => {
      await s.openMessage(h.subject);
      await page.locator('#reader-text').waitFor();
      await s.shot(`12-reader-header-${w}`);
      const to = await s.text('#reader-to');
      s.note(`#reader-to: ${to}`);
      const total = h.toNames.length + 1; // and the user
      assert(to && to.includes(h.toNames[0]) && to.includes(`외 ${total - 2}명`), `#reader-to is "${to}", want the first names and "외 ${total - 2}명"`);
      const cc = await s.text('#reader-cc');
      assert(cc && h.ccNames.every((n) => cc.includes(n)), `#reader-cc is "${cc}" without opening the details, want ${h.ccNames.join(', ')}`);
      assert(!(await page.locator('#reader-reply-to').count()), `a Reply-To row on a message without Reply-To: "${await s.text('#reader-reply-to')}"`);
      const att = await page.locator('#reader .attachment').first().boundingBox();
      const body = await page.locator('#reader-text').boundingBox();
      assert(att && body && att.y + att.height <= body.y, `the attachments (y ${att?.y}) are not above the text (y ${body?.y})`);
      s.step('#reader-to .recipients-more');
      await page.locator('#reader-to .recipients-more').click();
      const all = await s.text('#reader-to');
      assert(h.toNames.every((n) => all.includes(n)) && all.includes('member5@remote.example'), `the expanded #reader-to is "${all}"`);
    };
    await check(1280);
    await s.openMessage(h.replySubject);
    const rt = await s.waitFor('#reader-reply-to', () => s.text('#reader-reply-to'));
    assert(rt.includes(h.replyTo), `#reader-reply-to is "${rt}", want ${h.replyTo}`);
    s.step('390x844');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      // one pane at a time: the open message, or the list
      const back = page.locator('#reader-back');
      const row = s.row(h.subject).first();
      const shown = await s.waitFor('#reader-back or the list at 390px', async () =>
        ((await back.isVisible()) && 'reader') || ((await row.isVisible()) && 'list'));
      s.note(`at 390px: ${shown}`);
      if (shown === 'reader') await back.click();
      await row.waitFor();
      await check(390);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= 390, `the page is ${width}px wide`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  },

  // On a phone every toolbar action is on the screen or in "more", none
  // past the right edge; compose's field labels stay on one line.
  async phone_toolbar(s) {
    const { page, cfg } = s;
    const ids = ['tb-refresh', 'tb-unread', 'tb-reply', 'tb-reply-all', 'tb-forward', 'tb-resend', 'tb-spam', 'tb-delete',
      'tb-delete-permanently', 'tb-more', 'tb-conversation', 'tb-mark-read', 'tb-mark-unread', 'tb-star', 'tb-unstar', 'tb-move',
      'tb-download', 'tb-print', 'tb-source'];
    await s.ensureApp();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(cfg.baseURL + '/');
      await page.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
      await s.openMessage(s.fx.euckr.subject);
      const onScreen = async (id) => {
        const l = page.locator('#' + id);
        if (!(await l.count()) || !(await l.isVisible())) return null;
        const b = await l.boundingBox();
        return b && b.x >= 0 && b.y >= 0 && b.x + b.width <= 390 && b.y + b.height <= 844 ? b : false;
      };
      const where = {};
      for (const id of ids) if (await onScreen(id)) where[id] = 'toolbar';
      const bar = await page.locator('.toolbar').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      s.note(`in the toolbar: ${Object.keys(where).join(' ')}; .toolbar scrollWidth ${bar.scroll}, clientWidth ${bar.client}`);
      assert(bar.scroll <= bar.client, `the toolbar scrolls sideways: scrollWidth ${bar.scroll} > clientWidth ${bar.client}`);
      assert(where['tb-more'], '#tb-more is not on the screen');
      s.step('#tb-more');
      await page.locator('#tb-more').click();
      await page.locator('#tb-more-menu').waitFor();
      await s.shot('10-phone-toolbar-more');
      for (const id of ids) if (!where[id] && (await onScreen(id))) where[id] = 'more';
      const missing = ids.filter((id) => !where[id]);
      assert(!missing.length, `not reachable on a 390px screen (neither in the toolbar nor in #tb-more-menu): ${missing.join(', ')}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= 390, `the page is ${width}px wide`);
      await page.keyboard.press('Escape');
      await s.waitFor('#tb-more-menu closed by Escape', async () => !(await page.locator('#tb-more-menu').count()));

      s.step('compose at 390x844: the field labels on one line');
      await page.locator('#compose').click();
      await page.locator('#compose-to').waitFor();
      await page.locator('#compose-show-cc').click();
      await page.locator('#compose-bcc').waitFor();
      await s.shot('10-phone-compose');
      const labels = await page.locator('.compose-fields .field-label').evaluateAll((els) => els.map((el) => {
        const r = document.createRange();
        r.selectNodeContents(el);
        const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
        return [el.textContent.trim(), lines.size];
      }));
      s.note(`labels: ${JSON.stringify(labels)}`);
      const wrapped = labels.filter(([, n]) => n > 1).map(([text]) => text);
      assert(labels.length >= 4 && !wrapped.length, `field labels wrap: ${JSON.stringify(wrapped)} (${JSON.stringify(labels)})`);
      await page.locator('#compose-discard').click();
      await s.waitFor('the compose screen to close', async () => !(await page.locator('#compose-form').count()));
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  },

  // A resize that lands between the toolbar's first render and its media
  // query subscription must still reach it (it once left a desktop window
  // with the phone toolbar: #tb-reply-all gone). Chromium's own timing
  // makes that window a matter of luck, so the page's matchMedia is
  // replaced by one whose answer turns from phone to desktop right after
  // the toolbar has read it, before any listener exists, as a real resize
  // at that moment would.
  async toolbar_resize(s) {
    const { page, cfg } = s;
    await s.ensureApp();
    s.step('open Settings, then arm a matchMedia that turns wide after its first read');
    await page.goto(`${cfg.baseURL}/#/settings`);
    await page.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
    await s.waitFor('the mail toolbar gone', async () => !(await page.locator('#tb-reply').count()));
    await page.evaluate(() => {
      const real = window.matchMedia.bind(window);
      window.__mq = { reads: 0, turned: false };
      window.matchMedia = (q) => {
        if (!q.includes('760px')) return real(q);
        const listeners = new Set();
        return {
          media: q,
          get matches() {
            if (window.__mq.reads++ === 0) queueMicrotask(() => { window.__mq.turned = true; });
            return !window.__mq.turned;
          },
          addEventListener: (_, f) => listeners.add(f),
          removeEventListener: (_, f) => listeners.delete(f),
        };
      };
    });
    try {
      s.step('back to the Inbox: the toolbar renders narrow, then the window is wide');
      await page.evaluate(() => { location.hash = '#/'; });
      await page.locator('#tb-reply').waitFor();
      await s.waitFor('the window turned wide after the first read', () => page.evaluate(() => window.__mq.turned));
      await s.waitFor('#tb-reply-all in the desktop toolbar', async () => (await page.locator('#tb-reply-all').count()) === 1);
      assert(!(await page.locator('#tb-more-menu').count()), 'the more menu is open');
    } finally {
      await page.reload();
      await page.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
    }
  },

  // Three panes at common desktop widths: a subject of 30 Hangul syllables
  // is shown whole (not cut with an ellipsis), with room for the sender
  // and the preview; the divider gives the list more or less room.
  async list_layout(s) {
    const { page } = s;
    const { subject } = s.fx.long;
    await s.ensureApp();
    if (!(await page.locator('.mail.layout-split').count())) {
      s.step('#layout-toggle to three panes');
      await page.locator('#layout-toggle').click();
      await page.locator('.mail.layout-split').waitFor();
    }
    await s.openFolder('inbox');
    const row = s.row(subject).first();
    const measure = () => row.evaluate((r) => {
      const box = (el) => el.getBoundingClientRect();
      const sub = r.querySelector('.msg-subject');
      const range = document.createRange();
      range.selectNodeContents(sub);
      return {
        text: range.getBoundingClientRect().width, box: box(sub).width,
        scroll: sub.scrollWidth, client: sub.clientWidth, right: box(sub).right, rowRight: box(r).right,
        from: r.querySelector('.msg-from').clientWidth, preview: r.querySelector('.msg-preview').clientWidth,
        list: box(document.getElementById('message-list')).width, reader: box(document.getElementById('reader')).width,
      };
    });
    try {
      for (const [w, h] of [[1280, 800], [1440, 900], [1920, 1080]]) {
        s.step(`${w}x${h}`);
        await page.setViewportSize({ width: w, height: h });
        await row.waitFor();
        const m = await measure();
        s.note(`${w}px: ${JSON.stringify(m)}`);
        await s.shot(`09-list-${w}`);
        assert(m.scroll <= m.client && m.text <= m.box + 0.01 && m.right <= m.rowRight,
          `at ${w}px the 30-syllable subject is cut: scrollWidth ${m.scroll} > clientWidth ${m.client}, or its text is ${m.text}px in a ${m.box}px box, or it ends at ${m.right} past the row's ${m.rowRight}`);
        assert(m.from >= 120, `at ${w}px the sender has ${m.from}px`);
        assert(m.preview >= 200, `at ${w}px the preview has ${m.preview}px`);
        assert(m.reader >= 400, `at ${w}px the reading pane has ${m.reader}px`);
      }
      s.step('#pane-divider: ArrowLeft twice narrows the list');
      await page.setViewportSize({ width: 1440, height: 900 });
      const before = (await measure()).list;
      await page.locator('#pane-divider').focus();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await s.waitFor(`the list narrower than ${before}px`, async () => (await measure()).list < before - 20);
    } finally {
      await page.evaluate(() => localStorage.removeItem('postroom.listWidth'));
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  },

  // The login page after logging out speaks the language the user chose.
  async logout_language(s) {
    const { page, cfg } = s;
    const lang = () => page.evaluate(() => document.documentElement.lang);
    await s.ensureApp();
    s.step("select#lang-select -> 'en', then #logout");
    await page.locator('select#lang-select').selectOption('en');
    await s.waitFor('html[lang="en"]', async () => (await lang()) === 'en');
    try {
      await page.locator('#logout').click();
      await page.locator('#login-email').waitFor();
      await s.waitFor('the login page', async () => (await page.locator('.login-box h1').count()) === 1);
      const title = await s.text('.login-box h1');
      await s.shot('14-login-after-logout-en');
      assert((await lang()) === 'en' && title === 'Log in to mail', `after logging out in English the login page is html[lang="${await lang()}"] "${title}"`);
    } finally {
      s.step('back to Korean');
      if (!(await page.locator('#app[data-ready="1"]').count())) await s.login(cfg.password).catch(() => {});
      await page.locator('select#lang-select').selectOption('ko').catch(() => {});
    }
    await s.waitFor('html[lang="ko"] again', async () => (await lang()) === 'ko');
  },

  // The time zone is chosen beside the language (the browser's own zone
  // among the choices), saved to the account, and the dates on the screen
  // are written in it at once.
  async time_zone(s) {
    const { page } = s;
    const { subject } = s.fx.euckr;
    const zone = 'America/New_York'; // the browser runs in Asia/Seoul
    await s.ensureApp();
    const before = (await s.api('/api/v1/session?per_page=1')).account.time_zone;
    const browser = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const options = await page.locator('select#tz-select option').evaluateAll((os) => os.map((o) => o.value));
    assert(options.includes(browser) && options.includes(zone), `select#tz-select offers ${JSON.stringify(options)}: no ${browser} (the browser's) or ${zone}`);
    await s.openFolder('inbox');
    await s.openMessage(subject);
    const at = await page.locator('#reader-date').getAttribute('datetime');
    // i18n.js's longDate, computed by the browser's Intl (node's may lack Korean)
    const formats = {};
    for (const tz of [zone, before]) {
      formats[tz] = await page.evaluate(([iso, timeZone]) => new Intl.DateTimeFormat('ko-KR', {
        timeZone, year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit',
      }).format(new Date(iso)), [at, tz]);
    }
    const longDate = (tz) => formats[tz];
    assert(longDate(zone) !== longDate(before), `${at} reads the same in ${zone} and ${before}`);
    s.step(`select#tz-select -> ${zone}`);
    await page.locator('select#tz-select').selectOption(zone);
    try {
      await s.waitFor(`#reader-date "${longDate(zone)}" (${at} in ${zone})`, async () => (await s.text('#reader-date')) === longDate(zone));
      await s.waitFor(`the account's time_zone ${zone} (API)`, async () => (await s.api('/api/v1/session?per_page=1')).account.time_zone === zone);
      await s.shot('15-time-zone');
      s.step('reload: the zone stays');
      await page.reload();
      await page.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
      await s.waitFor(`#reader-date in ${zone} after a reload`, async () => (await s.text('#reader-date')) === longDate(zone));
      assert((await page.locator('select#tz-select').inputValue()) === zone, 'select#tz-select does not show the saved zone');
      s.step('390x844: the zone in the folder drawer');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#nav-toggle').click();
      await page.locator('select#tz-select-drawer').waitFor({ state: 'visible' });
      await s.waitFor('the drawer open', async () => (await page.locator('#folders').boundingBox())?.x >= 0);
      assert((await page.locator('select#tz-select-drawer').inputValue()) === zone, 'select#tz-select-drawer does not show the saved zone');
      await s.shot('15-time-zone-phone-drawer');
      await page.setViewportSize({ width: 1280, height: 800 });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
      s.step(`select#tz-select -> ${before} (restore)`);
      await page.locator('select#tz-select').selectOption(before).catch(() => {});
    }
    await s.waitFor(`#reader-date in ${before} again`, async () => (await s.text('#reader-date')) === longDate(before));
  },

  // English counts in the singular and the plural: "1 message", not
  // "1 messages" (Sent holds the user's one reply of the thread fixture).
  async plural_en(s) {
    const { page } = s;
    await s.ensureApp();
    s.step("select#lang-select -> 'en'");
    await page.locator('select#lang-select').selectOption('en');
    try {
      await s.waitFor('html[lang="en"]', async () => (await page.evaluate(() => document.documentElement.lang)) === 'en');
      const sent = (await s.apiMailboxes()).find((b) => b.role === 'sent');
      assert(sent.total === 1, `Sent holds ${sent.total} messages, the scenario wants 1`);
      await s.openFolder('sent');
      await s.waitFor('#list-total "1 message"', async () => (await s.text('#list-total')) === '1 message');
      await s.openFolder('inbox');
      const total = await s.waitFor('#list-total of the Inbox', async () => {
        const x = await s.text('#list-total');
        return /^\d+ messages$/.test(x || '') ? x : null;
      });
      s.note(`Inbox: ${total}`);
    } finally {
      await page.locator('select#lang-select').selectOption('ko').catch(() => {});
    }
    await s.waitFor('html[lang="ko"] again', async () => (await page.evaluate(() => document.documentElement.lang)) === 'ko');
  },

  // The layout switch draws a window (a frame with panes or rows), not the
  // three bars of a menu (☰), in both layouts; its label names the layout.
  async layout_icon(s) {
    const { page } = s;
    await s.ensureApp();
    const icon = () => page.locator('#layout-toggle svg path').evaluate((p) => {
      const at = (x, y) => p.isPointInFill(new DOMPoint(x, y));
      // the frame's left and right edges, above, between and below where
      // a menu icon's bars are; and no bar across the middle of the inside
      const edge = (xs) => [8, 12, 16].every((y) => xs.some((x) => at(x, y)));
      return { d: p.getAttribute('d'), left: edge([2.5, 3.5]), right: edge([20.5, 21.5]),
        inside: at(6, 12), label: p.closest('button').getAttribute('aria-label') };
    });
    const seen = [];
    for (let i = 0; i < 2; i++) {
      const layout = (await page.locator('.mail.layout-split').count()) ? 'split' : 'list';
      const got = await icon();
      s.note(`${layout}: ${JSON.stringify(got)}`);
      await s.shot(`16-layout-icon-${layout}`);
      assert(got.left && got.right && !got.inside, `in the ${layout} layout #layout-toggle's icon is no framed window (edges ${got.left}/${got.right}, inside ${got.inside}): it reads as a menu`);
      assert(got.label, `#layout-toggle has no aria-label in the ${layout} layout`);
      seen.push(got.d);
      s.step('#layout-toggle');
      await page.locator('#layout-toggle').click();
      await s.waitFor('the other layout', async () => ((await page.locator('.mail.layout-split').count()) ? 'split' : 'list') !== layout);
    }
    assert(seen[0] !== seen[1], 'the two layouts show the same icon');
  },

  // The inbox on a phone-sized screen: the list shows and nothing is wider than the screen.
  async phone_layout(s) {
    const { page, cfg } = s;
    await s.ensureApp();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      s.step('load the inbox at 390x844');
      await page.goto(cfg.baseURL + '/');
      await page.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
      await page.locator('#message-list .msg-row').first().waitFor({ state: 'visible' });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      await s.shot('07-phone-inbox');
      assert(width <= 390, `the page is ${width}px wide on a 390px screen (horizontal scrolling)`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  },
};

// htmlSandboxChecks opens the hostile HTML message and checks that nothing
// in it ran (html_sandbox).
async function htmlSandboxChecks(s, subject, visible, badPaths, titleBefore) {
  const { page } = s;
  await s.openMessage(subject);
  const frame = page.locator('iframe#reader-frame');
  await frame.waitFor();
  const sandbox = await frame.getAttribute('sandbox');
  s.note(`iframe sandbox="${sandbox}"`);
  assert(sandbox !== null, 'iframe#reader-frame has no sandbox attribute');
  assert(!sandbox.split(/\s+/).includes('allow-scripts'), `iframe#reader-frame sandbox allows scripts: "${sandbox}"`);
  const body = page.frameLocator('iframe#reader-frame').locator('body');
  await s.waitFor(`the frame to show "${visible}"`, async () => ((await body.textContent()) || '').includes(visible));

  // A script or an onerror that slipped through has run by the time the
  // frame's document and every picture in it have loaded or failed.
  const readyState = await s.waitFor('the frame document to be complete', async () => {
    const st = await page.frame({ url: /\/html/ })?.evaluate(() => document.readyState).catch((e) => `error: ${e.message}`);
    return st === 'complete' ? st : null;
  }, 15_000);
  s.note(`frame readyState ${readyState}`);
  const title = await page.title();
  assert(!/PWNED/.test(title), `the mail's script changed the tab title: "${title}"`);
  assert(await page.evaluate(() => window.postroomPwned === undefined), 'the mail set window.postroomPwned on the app');
  const { hits } = await s.control('/beacon');
  s.note(`beacon hits: ${JSON.stringify(hits)}`);
  assert(hits['/selfcheck'] === 1, `the beacon does not count (self-check hits: ${hits['/selfcheck']})`);
  const ran = badPaths.filter((p) => hits[p]);
  assert(ran.length === 0, `the mail's script or onerror ran: beacon hits on ${JSON.stringify(ran)}`);
  s.note(`tab title "${titleBefore}" -> "${title}"`);
}
