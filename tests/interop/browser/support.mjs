// support.mjs — what every scenario uses: the log, screenshots, waiting,
// the Go test's control listener, the JSON API with the page's cookies,
// and the webmail's test hooks (web/ui/README.md, "Hooks for tests").

import path from 'node:path';

export class Scenario {
  constructor(name, { cfg, page, context, shared }) {
    this.name = name;
    this.shared = shared; // state kept across scenarios: { appFailures }
    this.cfg = cfg;
    this.fx = cfg.fixtures;
    this.page = page;
    this.context = context;
    this.log = [];
    this.screenshots = [];
    this.violations = [];
    this.started = Date.now();
  }

  note(msg) { this.log.push(`+${Date.now() - this.started}ms ${msg}`); }
  step(msg) { this.note(`step: ${msg}`); }
  violation(msg) { this.violations.push(msg); this.note(`VIOLATION: ${msg}`); }

  async shot(file) {
    const p = path.join(this.cfg.shots, `${file}.png`);
    await this.page.screenshot({ path: p });
    this.screenshots.push(p);
    return p;
  }

  // waitFor polls fn until it returns a truthy value and returns it; on
  // timeout it fails with desc and the last value or error seen.
  async waitFor(desc, fn, timeout = 8_000, every = 100) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
        last = v;
      } catch (e) {
        last = `error: ${e.message.split('\n')[0]}`;
      }
      if (Date.now() > end) {
        throw new Error(`timed out after ${timeout} ms waiting for ${desc} (last: ${JSON.stringify(last)})`);
      }
      await new Promise((r) => setTimeout(r, every));
    }
  }

  // --- the Go test's control listener ---------------------------------

  async control(pathAndQuery, method = 'GET') {
    const r = await fetch(this.cfg.control + pathAndQuery, { method });
    const body = await r.text();
    if (!r.ok) throw new Error(`control ${method} ${pathAndQuery}: ${r.status} ${body}`);
    return JSON.parse(body);
  }

  // cliSubjects lists a mailbox with `postroom messages` (the store, not
  // the API); mailbox is its name ("" or "INBOX", "Trash", "거래처").
  async cliSubjects(mailbox) {
    const rows = await this.control('/messages?mailbox=' + encodeURIComponent(mailbox));
    return rows.map((r) => r.subject);
  }

  // --- the JSON API, with the browser's session cookie ------------------

  async api(p) {
    const r = await this.page.request.get(this.cfg.baseURL + p);
    if (!r.ok()) throw new Error(`GET ${p}: ${r.status()} ${await r.text()}`);
    return r.json();
  }

  // apiPost sends a state-changing request with the session's CSRF token.
  async apiPost(p, body) {
    const { csrf } = await this.api('/api/v1/session?per_page=1');
    const r = await this.page.request.post(this.cfg.baseURL + p, { headers: { 'X-CSRF-Token': csrf }, data: body });
    const text = await r.text();
    if (!r.ok()) throw new Error(`POST ${p}: ${r.status()} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async apiMailboxes() { return (await this.api('/api/v1/mailboxes')).mailboxes; }

  async apiSubjects(mailboxId) {
    const r = await this.api(`/api/v1/mailboxes/${mailboxId}/messages?per_page=200`);
    return r.messages.map((m) => m.subject);
  }

  // --- the webmail -----------------------------------------------------

  // ensureApp makes sure the app is loaded and logged in. After two
  // scenarios in a row could not get there, the next ones fail at once
  // instead of each waiting for the same timeout.
  async ensureApp() {
    if (this.shared.appFailures >= 2) {
      throw new Error('not run: the last scenarios could not load the app and log in (see the first failure)');
    }
    try {
      await this.ensureAppOnce();
      this.shared.appFailures = 0;
    } catch (e) {
      this.shared.appFailures++;
      throw e;
    }
  }

  async ensureAppOnce() {
    const { page, cfg } = this;
    if (!page.url().startsWith(cfg.baseURL)) {
      this.step('open the webmail');
      await page.goto(cfg.baseURL + '/');
    }
    const ready = page.locator('#app[data-ready="1"]');
    const form = page.locator('#login-email');
    const which = await this.waitFor('the app (#app[data-ready="1"]) or the login form (#login-email)', async () => {
      if (await form.isVisible()) return 'login';
      if (await ready.count()) return 'app';
      return null;
    }, 15_000);
    if (which === 'login') await this.login(cfg.password);
  }

  async login(password) {
    const { page, cfg } = this;
    this.step(`log in as ${cfg.email}`);
    await page.locator('#login-email').fill(cfg.email);
    await page.locator('#login-password').fill(password);
    await page.locator('#login-submit').click();
    if (password === cfg.password) {
      await page.locator('#app[data-ready="1"]').waitFor({ timeout: 15_000 });
    }
  }

  folder(role) { return this.page.locator(`.folder[data-role="${role}"]`).first(); }

  // folderByName is the .folder nearest to a .folder-name reading name.
  folderByName(name) {
    return this.page.locator('.folder-name')
      .filter({ hasText: new RegExp(`^\\s*${escapeRe(name)}\\s*$`) })
      .locator('xpath=ancestor::*[contains(concat(" ", normalize-space(@class), " "), " folder ")][1]')
      .first();
  }

  async openFolder(role) {
    this.step(`open the folder with data-role="${role}"`);
    const f = this.folder(role);
    await f.locator('.folder-name').first().click();
    await this.waitFor(`.folder[data-role="${role}"] to have class "selected"`, async () =>
      /\bselected\b/.test((await f.getAttribute('class')) || ''));
    await this.page.locator('#message-list').waitFor();
  }

  rows() { return this.page.locator('#message-list .msg-row'); }

  // row is the list row whose .msg-subject contains subject.
  row(subject) {
    return this.rows().filter({ has: this.page.locator('.msg-subject', { hasText: subject }) });
  }

  async rowCount(subject) { return this.row(subject).count(); }

  async listSubjects() {
    return (await this.page.locator('#message-list .msg-row .msg-subject').allTextContents()).map((s) => s.trim());
  }

  async openMessage(subject) {
    this.step(`open the message "${subject}"`);
    await this.row(subject).first().locator('.msg-subject').click();
    await this.waitFor(`#reader-subject to read "${subject}"`, async () =>
      (await this.text('#reader-subject')) === subject);
  }

  async text(selector) {
    const l = this.page.locator(selector).first();
    if (!(await l.count())) return null;
    return ((await l.textContent()) || '').trim();
  }

  // number reads the first integer in an element's text ("12", "총 12통").
  async number(selector) {
    const t = await this.text(selector);
    const m = t && t.replace(/,/g, '').match(/\d+/);
    return m ? Number(m[0]) : null;
  }

  // titleUnread is N of the tab title "(N) Folder - Postroom"; 0 without it.
  async titleUnread() {
    const t = await this.page.title();
    const m = t.match(/^\((\d+)\)/);
    return m ? Number(m[1]) : 0;
  }
}

export function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
