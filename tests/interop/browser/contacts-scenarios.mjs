// contacts-scenarios.mjs — the Contacts screen's scenarios (issue 15,
// C1–C4, E3), by name, run by runner.mjs for
// tests/interop/browser_contacts_test.go, which passes what they start
// from in POSTROOM_CONTACTS_FIXTURES (a CP949 Outlook CSV, the people in
// it, the group to make, the searches, the shared contact). Each takes a
// Scenario (support.mjs) and throws on failure; none relies on an
// earlier one having passed: what it needs and an earlier one should
// have made (the imported people, the group) it makes over the API.
//
// Mail is checked where it arrives: the control listener reads the
// members' INBOX over IMAP (GET /imap). The selectors are
// web/ui/README.md's hooks ("Contacts").

import fs from 'node:fs';
import { assert } from './support.mjs';

const fx = JSON.parse(process.env.POSTROOM_CONTACTS_FIXTURES || 'null');
const enc = encodeURIComponent;
const tag = Date.now().toString(36).slice(-5);

// What the Korean Outlook header row must become (csvimport_header.go).
const wantFields = { '이름': 'first_name', '성': 'last_name', '전자 메일 주소': 'email', '휴대폰': 'phone_mobile', '회사': 'company', '부서': 'department', '직함': 'position' };

// --- helpers ---------------------------------------------------------------

function fixtures() {
  assert(fx, 'POSTROOM_CONTACTS_FIXTURES is not set: run through `go test -run TestBrowser_Contacts ./tests/interop/`');
  return fx;
}

// api calls the JSON API with the page's cookies (and the CSRF token);
// it answers {status, body} and never throws on a refusal.
async function api(s, method, p, body) {
  const headers = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = (await s.api('/api/v1/session?per_page=1')).csrf;
  const r = await s.page.request.fetch(s.cfg.baseURL + p, { method, headers, data: body });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = text; }
  return { status: r.status(), body: json };
}

async function apiOK(s, method, p, body) {
  const r = await api(s, method, p, body);
  assert(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// personal lists the whole personal book over the API.
async function personal(s) {
  const out = [];
  for (let page = 1; page < 50; page++) {
    const d = await apiOK(s, 'GET', `/api/v1/contacts?book=personal&page=${page}`);
    out.push(...d.contacts);
    if (!d.contacts.length || out.length >= d.total) break;
  }
  return out;
}

// bookNames are the names of the personal book's first page in the
// server's order: what the list shows, whatever other scenarios added.
async function bookNames(s) {
  return (await apiOK(s, 'GET', '/api/v1/contacts?book=personal&page=1')).contacts.map((c) => c.name);
}

// listIsBook waits until the book's first page over the API passes ok
// and the list shows exactly that page.
async function listIsBook(s, desc, ok = () => true) {
  let got = [];
  let want = [];
  await s.waitFor(`${desc}: the list to show the book's first page`, async () => {
    want = await bookNames(s);
    got = await names(s);
    return ok(want) && JSON.stringify(got) === JSON.stringify(want);
  }).catch((e) => { throw new Error(`${e.message}; the API's page ${JSON.stringify(want)}, the list ${JSON.stringify(got)}`); });
}

const emailOf = (c) => (c.emails?.[0]?.address || '').toLowerCase();

// ensurePeople makes, over the API, any person of the file the import
// scenario should have left in the personal book; it answers the book by
// address.
async function ensurePeople(s) {
  await s.ensureApp(); // the API goes with the page's session
  const have = new Map((await personal(s)).map((c) => [emailOf(c), c]));
  for (const p of fixtures().people) {
    if (have.has(p.email.toLowerCase())) continue;
    s.note(`not in the book (the import scenario did not leave it): ${p.name}; made over the API`);
    const c = await apiOK(s, 'POST', '/api/v1/contacts', {
      book: 'personal', name: p.name, emails: [{ address: p.email, label: '' }], phones: [{ number: p.phone, label: 'mobile' }],
      company: p.company, department: p.department, position: p.position,
    });
    have.set(p.email.toLowerCase(), c);
  }
  return have;
}

// ensureGroup makes the group of the two members unless it exists.
async function ensureGroup(s) {
  const { group, members } = fixtures();
  const book = await ensurePeople(s);
  const groups = (await apiOK(s, 'GET', '/api/v1/contact-groups?book=personal')).groups;
  const g = groups.find((x) => x.name === group);
  if (g) return g;
  s.note(`no group "${group}" (the group scenario did not leave it): made over the API`);
  return apiOK(s, 'POST', '/api/v1/contact-groups', { book: 'personal', name: group, members: members.map((m) => book.get(m.email.toLowerCase()).id) });
}

// openContacts loads the app anew (so that the screen reads what the
// scenario made over the API), shows the Contacts screen from the
// header, or by its address with direct, and waits for its list.
async function openContacts(s, direct) {
  const { page, cfg } = s;
  s.step(`load ${direct ? '#/contacts' : 'the app'}`);
  await page.goto(cfg.baseURL + '/' + (direct ? '#/contacts' : ''));
  await s.ensureApp();
  if (direct) {
    await page.locator('#contacts-nav').waitFor();
    await listLoaded(s);
    return;
  }
  s.step('#contacts-link (주소록)');
  await page.locator('#contacts-link').click();
  await page.locator('#contacts-nav').waitFor();
  await listLoaded(s);
}

async function listLoaded(s) {
  await s.waitFor('the contact list (#ct-total)', async () => (await s.page.locator('#ct-total').count()) > 0);
}

async function names(s) {
  return (await s.page.locator('#contact-list .contact-row .contact-name').allTextContents()).map((x) => x.trim());
}

// listIs waits until the list shows exactly want, in that order.
async function listIs(s, desc, want) {
  let got = [];
  try {
    await s.waitFor(`${desc}: the list to read ${JSON.stringify(want)}`, async () => {
      got = await names(s);
      return JSON.stringify(got) === JSON.stringify(want);
    });
  } catch (e) {
    throw new Error(`${e.message}; it reads ${JSON.stringify(got)}`);
  }
}

function row(s, name) {
  return s.page.locator('#contact-list .contact-row').filter({ has: s.page.locator('.contact-name', { hasText: name }) });
}

async function check(s, name) {
  s.step(`check ${name}`);
  await row(s, name).locator('.contact-check').check();
}

async function openBook(s, id) {
  s.step(`#${id}`);
  await s.page.locator('#' + id).click();
  await s.waitFor(`#${id} to be selected`, async () => /\bselected\b/.test((await s.page.locator('#' + id).locator('xpath=..').getAttribute('class')) || ''));
  await listLoaded(s);
}

function groupItem(s, name) {
  return s.page.locator('#contacts-nav .ct-group').filter({ has: s.page.locator('.folder-name', { hasText: name }) });
}

function chip(s, field, email) {
  return s.page.locator(`.recipients-field[data-field="${field}"] .chip[data-email="${email}"]`);
}

async function leaveCompose(s) {
  const { page } = s;
  await page.locator('#compose-discard').click();
  if (await page.locator('#discard-dialog').isVisible().catch(() => false)) await page.locator('#discard-trash').click();
  await s.waitFor('the compose screen to close', async () => !(await page.locator('#compose-form').count()));
}

// --- scenarios ---------------------------------------------------------------

export const contactsScenarios = {
  // 가져오기: the preview names the CP949 encoding and the Korean
  // Outlook columns, joins 성 + 이름, reports the bad line; the import
  // stores the five good rows, and the list is in 가나다 order.
  async contacts_import_cp949(s) {
    const { page } = s;
    const f = fixtures();
    await openContacts(s);
    s.step('#ct-import');
    await page.locator('#ct-import').click();
    await page.locator('#import-dialog').waitFor();
    const template = await page.locator('#import-template').getAttribute('href');
    assert(template === '/api/v1/contacts/template.csv', `#import-template links to ${template}`);
    s.step(`#import-file: ${f.csvPath}`);
    await page.locator('#import-file').setInputFiles(f.csvPath);
    const preview = page.locator('#import-preview');
    await preview.waitFor({ timeout: 15_000 }).catch(async (e) => {
      throw new Error(`no #import-preview: ${(await s.text('#import-error')) || e.message}`);
    });
    const encoding = await preview.getAttribute('data-encoding');
    const format = await preview.getAttribute('data-format');
    s.note(`preview: format ${format}, encoding ${encoding}`);
    assert(/cp949|euc-kr|ks_c_5601/i.test(encoding || ''), `the preview says the encoding is "${encoding}", want CP949`);
    for (const [header, field] of Object.entries(wantFields)) {
      const col = page.locator(`.import-column[data-header="${header}"]`);
      assert(await col.count(), `the preview lists no column "${header}"`);
      const got = await col.getAttribute('data-field');
      assert(got === field, `the column "${header}" goes into "${got}", want "${field}"`);
    }
    const previewNames = (await page.locator('#import-rows .import-row .import-name').allTextContents()).map((x) => x.trim());
    s.note(`preview rows: ${JSON.stringify(previewNames)}`);
    for (const p of f.people) assert(previewNames.includes(p.name), `the preview has no row named "${p.name}" (성 + 이름 without a space): ${JSON.stringify(previewNames)}`);
    assert(await page.locator(`.import-line-error[data-line="${f.badLine}"]`).count(), `the preview reports no error on line ${f.badLine} (an invalid address)`);
    await s.shot('contacts-01-import-preview');

    s.step('#import-dup-skip, #import-ok');
    await page.locator('#import-dup-skip').check();
    await page.locator('#import-ok').click();
    const report = page.locator('#import-report');
    await report.waitFor({ timeout: 15_000 }).catch(async (e) => {
      throw new Error(`no #import-report: ${(await s.text('#import-error')) || e.message}`);
    });
    const imported = Number(await report.getAttribute('data-imported'));
    assert(imported === f.people.length, `the report says ${imported} imported, want ${f.people.length}`);
    await s.shot('contacts-02-import-report');
    await page.locator('#dialog-close').click();

    await listIs(s, 'after the import (가나다)', f.people.map((p) => p.name));
    const book = await personal(s);
    const kim = book.find((c) => emailOf(c) === f.members[0].email.toLowerCase());
    assert(kim && kim.company === f.members[0].company && kim.position === f.members[0].position,
      `the stored ${f.members[0].name} is ${JSON.stringify(kim)}`);
    assert(kim.phones?.some((p) => p.number === f.members[0].phone), `the stored ${f.members[0].name} has phones ${JSON.stringify(kim.phones)}`);
    await s.shot('contacts-03-list');
  },

  // 새 그룹 of the two checked contacts: the group is in the tree and
  // lists exactly them; the API agrees.
  async contacts_group(s) {
    const { page } = s;
    const f = fixtures();
    const book = await ensurePeople(s);
    await openContacts(s);
    await openBook(s, 'ct-book-personal');
    for (const m of f.members) await check(s, m.name);
    s.step('#ct-new-group');
    await page.locator('#ct-new-group').click();
    await page.locator('#group-dialog').waitFor();
    const name = `${f.group}`;
    await page.locator('#group-name').fill(name);
    const listed = await page.locator('#group-members .group-member').count();
    assert(listed === 2, `the new group's dialog lists ${listed} members, want the 2 checked`);
    await s.shot('contacts-04-new-group');
    await page.locator('#group-ok').click();
    await page.locator('#group-dialog').waitFor({ state: 'detached' });

    const item = groupItem(s, name);
    await item.waitFor();
    s.step(`open the group "${name}"`);
    await item.locator('a').click();
    await listIs(s, `the group "${name}"`, f.members.map((m) => m.name));
    const g = (await apiOK(s, 'GET', '/api/v1/contact-groups?book=personal')).groups.find((x) => x.name === name);
    const want = f.members.map((m) => book.get(m.email.toLowerCase()).id).sort();
    assert(g && JSON.stringify([...g.members].sort()) === JSON.stringify(want), `the group over the API is ${JSON.stringify(g)}, want members ${JSON.stringify(want)}`);
    await s.shot('contacts-05-group');
  },

  // 메일쓰기 with the group shown and nothing checked: compose opens with
  // both members in To, and both receive the message (IMAP).
  async contacts_compose_group(s) {
    const { page } = s;
    const f = fixtures();
    await ensureGroup(s);
    const draftsBefore = (await s.control(`/imap?user=${enc(s.cfg.email)}&mailbox=Drafts`)).length;
    await openContacts(s);
    const item = groupItem(s, f.group);
    await item.locator('a').click();
    await listIs(s, `the group "${f.group}"`, f.members.map((m) => m.name));
    s.step('#ct-compose with no row checked');
    await page.locator('#ct-compose').click();
    await page.locator('#compose-form #compose-to').waitFor().catch(async () => {
      throw new Error(`#ct-compose did not open compose with the group (notice: "${await s.text('#toast')}")`);
    });
    for (const m of f.members) await chip(s, 'to', m.email).waitFor();
    const chips = await page.locator('.recipients-field[data-field="to"] .chip').count();
    assert(chips === f.members.length, `To has ${chips} chips, want the group's ${f.members.length}`);
    const subject = `영업팀 공지 ${tag}`;
    await page.locator('#compose-subject').fill(subject);
    await page.locator('#compose-editor').click();
    await page.keyboard.type('다음 주 회의 자료를 공유합니다.');
    await s.shot('contacts-06-compose');
    s.step('#compose-send');
    const sent = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/send' && r.request().method() === 'POST');
    await page.locator('#compose-send').click();
    const res = await sent;
    const body = await res.json().catch(() => null);
    assert(res.status() === 200 || res.status() === 201 || res.status() === 202, `POST /api/v1/send answered ${res.status()} ${JSON.stringify(body)}`);
    const id = String(body.message_id || '').replace(/^<|>$/g, '');
    s.note(`sent ${id}, send_at ${body.send_at}`);
    for (const m of f.members) {
      const got = await s.waitFor(`the INBOX of ${m.email} to hold "${subject}" (IMAP)`, async () => {
        const msgs = await s.control(`/imap?user=${enc(m.email)}&mailbox=INBOX&subject=${enc(subject)}`);
        return msgs[0];
      }, 30_000, 500);
      assert(f.members.every((x) => got.to.includes(x.email.toLowerCase())), `${m.email} received To ${JSON.stringify(got.to)}, want both members`);
    }
    // the draft that carried the group's addresses into compose became
    // the sent message: none is left behind
    const after = (await s.control(`/imap?user=${enc(s.cfg.email)}&mailbox=Drafts`)).length;
    assert(after === draftsBefore, `Drafts held ${draftsBefore} message(s) before 메일쓰기 and ${after} after the send`);
  },

  // 메일쓰기 with one contact checked: compose opens with that address
  // alone in To, and no draft is made for it.
  async contacts_compose_one(s) {
    const { page } = s;
    const f = fixtures();
    const who = f.people[2];
    await ensurePeople(s);
    const draftsBefore = (await s.control(`/imap?user=${enc(s.cfg.email)}&mailbox=Drafts`)).length;
    await openContacts(s);
    await openBook(s, 'ct-book-personal');
    await check(s, who.name);
    s.step('#ct-compose');
    await page.locator('#ct-compose').click();
    await page.locator('#compose-form #compose-to').waitFor();
    await chip(s, 'to', who.email).waitFor();
    const chips = await page.locator('.recipients-field[data-field="to"] .chip').count();
    assert(chips === 1, `To has ${chips} chips, want ${who.email} alone`);
    const text = await s.text(`.recipients-field[data-field="to"] .chip[data-email="${who.email}"]`);
    assert(text.startsWith(who.name), `the chip reads "${text}", want the contact's name ${who.name}`);
    const drafts = (await s.control(`/imap?user=${enc(s.cfg.email)}&mailbox=Drafts`)).length;
    assert(drafts === draftsBefore, `Drafts went from ${draftsBefore} to ${drafts} messages on opening compose for one contact`);
    await leaveCompose(s);
  },

  // A part of a Hangul word finds by company and by name; clearing the
  // box shows the book again.
  async contacts_search_hangul(s) {
    const { page } = s;
    const f = fixtures();
    await ensurePeople(s);
    await openContacts(s, true); // a reload on #/contacts stays there
    await openBook(s, 'ct-book-personal');
    for (const q of f.searches) {
      s.step(`#contact-search: ${q.q}`);
      await page.locator('#contact-search').fill(q.q);
      await page.locator('#contact-search').press('Enter');
      await listIs(s, `the search "${q.q}"`, q.want);
    }
    await s.shot('contacts-07-search');
    await page.locator('#contact-search').fill('');
    await listIsBook(s, 'the search cleared');
  },

  // 공용 주소록 for a user who is no administrator: the administrator's
  // contact is there, no button changes it, its form cannot be saved,
  // and the API refuses his change.
  async contacts_shared_readonly(s) {
    const { page } = s;
    const f = fixtures();
    await openContacts(s);
    await openBook(s, 'ct-book-shared');
    await listIs(s, '공용 주소록', [f.shared.name]);
    const editable = await page.locator('.ct-toolbar').getAttribute('data-editable');
    assert(editable === '0', `the shared book's toolbar has data-editable="${editable}", want "0"`);
    for (const id of ['ct-new', 'ct-new-group', 'ct-edit-group', 'ct-delete-group', 'ct-delete', 'ct-delete-permanently', 'ct-import']) {
      assert(!(await page.locator('#' + id).count()), `#${id} is offered in the shared book to a user who is no administrator`);
    }
    assert(await page.locator('#ct-export').count(), 'no #ct-export in the shared book (reading it is allowed)');
    assert(!(await page.locator('#ct-trash-shared').count()), 'the shared trash is offered to a user who is no administrator');
    s.step(`open ${f.shared.name}`);
    await row(s, f.shared.name).locator('.contact-name').click();
    await page.locator('#contact-dialog').waitFor();
    assert(!(await page.locator('#contact-save').count()), 'the shared contact\'s form has a save button');
    assert(await page.locator('#ct-name').evaluate((el) => el.readOnly), '#ct-name can be edited in the shared book');
    await s.shot('contacts-08-shared');
    await page.locator('#dialog-close').click();

    const list = await apiOK(s, 'GET', '/api/v1/contacts?book=shared');
    assert(list.can_edit === false, `GET /api/v1/contacts?book=shared says can_edit ${list.can_edit} for a user`);
    const r = await api(s, 'POST', '/api/v1/contacts', { book: 'shared', name: '몰래 추가', emails: [{ address: 'sneaky@example.test', label: '' }] });
    assert(r.status === 403, `a user's POST of a shared contact answered ${r.status} ${JSON.stringify(r.body)}, want 403`);
  },

  // 삭제 moves a contact to 휴지통; 복원 brings it back to the book.
  async contacts_trash_restore(s) {
    const { page } = s;
    const f = fixtures();
    const victim = f.people[f.people.length - 1];
    await ensurePeople(s);
    await openContacts(s);
    await openBook(s, 'ct-book-personal');
    await check(s, victim.name);
    s.step('#ct-delete');
    await page.locator('#ct-delete').click();
    await listIsBook(s, `${victim.name} deleted`, (names) => !names.includes(victim.name));
    await openBook(s, 'ct-trash');
    await listIs(s, '휴지통', [victim.name]);
    await s.shot('contacts-09-trash');
    await check(s, victim.name);
    s.step('#ct-restore');
    await page.locator('#ct-restore').click();
    await listIs(s, 'the trash after 복원', []);
    await openBook(s, 'ct-book-personal');
    await listIsBook(s, `${victim.name} restored`, (names) => names.includes(victim.name));
    const c = (await personal(s)).find((x) => emailOf(x) === victim.email.toLowerCase());
    assert(c && !c.deleted, `${victim.name} over the API after 복원: ${JSON.stringify(c)}`);
  },

  // [+] adds a folder; 새 연락처 with two addresses, two numbers, a
  // birthday, the folder and the group is stored as typed; editing it
  // changes only what was changed.
  async contacts_new_edit(s) {
    const { page } = s;
    const f = fixtures();
    const g = await ensureGroup(s);
    await openContacts(s);
    const folder = `거래처 ${tag}`;
    s.step(`#ct-add-folder: ${folder}`);
    await page.locator('#ct-add-folder').click();
    await page.locator('#ct-folder-name').fill(folder);
    await page.locator('#ct-folder-ok').click();
    const item = page.locator('#contacts-nav .ct-folder').filter({ hasText: folder });
    await item.waitFor();
    await item.locator('a').click();
    await listIs(s, `the new folder "${folder}"`, []);

    s.step('#ct-new');
    await page.locator('#ct-new').click();
    await page.locator('#contact-dialog').waitFor();
    const name = '윤하늘';
    await page.locator('#ct-name').fill(name);
    await page.locator('.ct-email-row .ct-email-address').first().fill('haneul@sky.example');
    await page.locator('#ct-add-email').click();
    await page.locator('.ct-email-row').nth(1).locator('.ct-email-address').fill('haneul.yoon@home.example');
    await page.locator('.ct-email-row').nth(1).locator('.ct-email-label').fill('집');
    await page.locator('.ct-phone-row .ct-phone-number').first().fill('010-9999-0000');
    await page.locator('#ct-add-phone').click();
    await page.locator('.ct-phone-row').nth(1).locator('.ct-phone-number').fill('02-123-4567');
    await page.locator('.ct-phone-row').nth(1).locator('.ct-phone-label').selectOption('work');
    await page.locator('#ct-company').fill('하늘상사');
    await page.locator('#ct-position').fill('주임');
    await page.locator('#ct-birthday').fill('1990-05-17');
    // a malformed address: the server's refusal shows, the form stays
    s.step('#contact-save with a malformed second address');
    await page.locator('.ct-email-row').nth(1).locator('.ct-email-address').fill('haneul.yoon@@home');
    await page.locator('#contact-save').click();
    const refusal = page.locator('#contact-dialog .error');
    await refusal.waitFor();
    s.note(`refused: ${(await refusal.textContent()).trim()}`);
    assert(await page.locator('#contact-dialog').isVisible(), 'the form closed on a refused address');
    assert(!(await personal(s)).some((x) => x.name === '윤하늘'), 'a contact with a malformed address was stored');
    await page.locator('.ct-email-row').nth(1).locator('.ct-email-address').fill('haneul.yoon@home.example');
    const folderValue = await page.locator('#ct-folder-select').inputValue();
    assert(folderValue !== '0', 'a new contact made in a folder does not start in it');
    await page.locator(`.ct-group-check[data-group-id="${g.id}"]`).check();
    await s.shot('contacts-12-new-contact');
    await page.locator('#contact-save').click();
    await page.locator('#contact-dialog').waitFor({ state: 'detached' }).catch(async () => {
      throw new Error(`the contact form stayed open: ${await s.text('#contact-dialog .error')}`);
    });
    await listIs(s, `the folder "${folder}" after 새 연락처`, [name]);
    const count = await item.locator('.ct-count').textContent();
    assert(count.trim() === '1', `the folder "${folder}" counts ${count}, want 1`);

    let c = (await personal(s)).find((x) => x.name === name);
    assert(c, `no contact "${name}" over the API`);
    const got = JSON.stringify([c.emails, c.phones, c.company, c.position, c.birthday, c.groups, c.folder]);
    s.note(`stored: ${got}`);
    assert(c.emails.length === 2 && c.emails[1].address === 'haneul.yoon@home.example' && c.emails[1].label === '집', `emails stored as ${JSON.stringify(c.emails)}`);
    assert(c.phones.length === 2 && c.phones[1].number === '02-123-4567' && c.phones[1].label === 'work', `phones stored as ${JSON.stringify(c.phones)}`);
    assert(c.company === '하늘상사' && c.position === '주임' && c.birthday === '1990-05-17', `stored ${got}`);
    assert(c.groups.includes(g.id) && String(c.folder) === folderValue, `group/folder stored as ${got}, want group ${g.id}, folder ${folderValue}`);

    s.step(`open ${name}, change 직위`);
    await row(s, name).locator('.contact-name').click();
    await page.locator('#contact-dialog').waitFor();
    assert((await page.locator('.ct-email-row').count()) === 2, 'the form of a contact with two addresses shows another number of rows');
    await page.locator('#ct-position').fill('대리');
    await page.locator('#contact-save').click();
    await page.locator('#contact-dialog').waitFor({ state: 'detached' });
    await s.waitFor(`${name}'s 직위 to be 대리 over the API`, async () => {
      c = (await personal(s)).find((x) => x.name === name);
      return c?.position === '대리';
    });
    assert(c.emails.length === 2 && c.phones.length === 2 && c.company === '하늘상사' && c.groups.includes(g.id),
      `editing 직위 changed more: ${JSON.stringify(c)}`);
    assert(f.people.length > 0, 'no people in the fixtures');
  },

  // The same file again: the preview counts every row as already in
  // the book; with 합치기 the report says merged, none imported, and the
  // book keeps one of each.
  async contacts_import_duplicates(s) {
    const { page } = s;
    const f = fixtures();
    await ensurePeople(s);
    const before = (await personal(s)).length;
    await openContacts(s);
    await page.locator('#ct-import').click();
    await page.locator('#import-dialog').waitFor();
    await page.locator('#import-file').setInputFiles(f.csvPath);
    const dups = page.locator('#import-duplicates');
    await dups.waitFor({ timeout: 15_000 });
    const n = Number(await dups.getAttribute('data-n'));
    assert(n === f.people.length, `the preview counts ${n} duplicates, want ${f.people.length} (every good row is in the book)`);
    s.step('#import-dup-merge, #import-ok');
    await page.locator('#import-dup-merge').check();
    await page.locator('#import-ok').click();
    const report = page.locator('#import-report');
    await report.waitFor({ timeout: 15_000 });
    const got = { imported: await report.getAttribute('data-imported'), merged: await report.getAttribute('data-merged') };
    assert(got.imported === '0' && got.merged === String(f.people.length), `the report says ${JSON.stringify(got)}, want 0 imported and ${f.people.length} merged`);
    await s.shot('contacts-18-import-merged');
    await page.locator('#dialog-close').click();
    const after = (await personal(s)).length;
    assert(after === before, `the book went from ${before} to ${after} contacts after merging duplicates`);
  },

  // A file that is neither CSV nor vCard: the server's message shows, no
  // preview, nothing to import, nothing imported.
  async contacts_import_bad(s) {
    const { page } = s;
    const before = (await apiOK(s, 'GET', '/api/v1/contacts?book=personal')).total;
    await openContacts(s);
    await page.locator('#ct-import').click();
    await page.locator('#import-dialog').waitFor();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0xff, 0xfe, 0, 1, 2, 3]);
    s.step('#import-file: a PNG named contacts.csv');
    await page.locator('#import-file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: png });
    const err = page.locator('#import-error');
    await err.waitFor({ timeout: 15_000 });
    const text = (await err.textContent()).trim();
    s.note(`#import-error: ${text}`);
    assert(text.length > 3 && !/^http_\d+$/.test(text), `the refusal reads "${text}", want the server's message`);
    assert(!(await page.locator('#import-preview').count()) && !(await page.locator('#import-ok').count()), 'a refused file still shows a preview or an import button');
    await s.shot('contacts-13-import-bad');
    await page.locator('#dialog-close').click();
    const after = (await apiOK(s, 'GET', '/api/v1/contacts?book=personal')).total;
    assert(after === before, `the personal book went from ${before} to ${after} contacts after a refused file`);
  },

  // 내보내기 as Outlook CSV in CP949: the download has Outlook's English
  // header row and the Korean text in CP949 (not UTF-8).
  async contacts_export_outlook(s) {
    const { page } = s;
    const f = fixtures();
    await ensurePeople(s);
    await openContacts(s);
    s.step('#ct-export: outlook, cp949');
    await page.locator('#ct-export').click();
    await page.locator('#export-dialog').waitFor();
    await page.locator('#export-format').selectOption('outlook');
    await page.locator('#export-charset').selectOption('cp949');
    const download = page.waitForEvent('download');
    await page.locator('#export-ok').click();
    const d = await download;
    const file = await d.path();
    const bytes = fs.readFileSync(file);
    s.note(`downloaded ${d.suggestedFilename()}: ${bytes.length} bytes`);
    const text = new TextDecoder('euc-kr').decode(bytes);
    const header = text.split(/\r?\n/)[0];
    assert(/First Name/.test(header) && /E-mail Address/.test(header), `the Outlook export's header row is ${header.slice(0, 200)}`);
    const kim = f.members[0];
    assert(text.includes(kim.email) && text.includes(kim.company), `the export has no row with ${kim.email} and ${kim.company} (read as CP949)`);
    assert(!bytes.toString('utf8').includes(kim.company), 'the CP949 export holds its Korean text as UTF-8');
  },

  // English: the screen's words come from the en catalogue (the
  // glossary's English column), counts in the plural; Korean again after.
  async contacts_english(s) {
    const { page } = s;
    const f = fixtures();
    await ensurePeople(s);
    await openContacts(s);
    await openBook(s, 'ct-book-personal');
    const lang = () => page.evaluate(() => document.documentElement.lang);
    s.step("select#lang-select -> 'en'");
    await page.locator('select#lang-select').selectOption('en');
    try {
      await s.waitFor('html[lang="en"]', async () => (await lang()) === 'en');
      const want = { '#contacts-link': 'Contacts', '#ct-new': 'New contact', '#ct-new-group': 'New group', '#ct-edit-group': 'Edit group',
        '#ct-delete-group': 'Delete group', '#ct-import': 'Import', '#ct-export': 'Export', '#ct-book-personal': 'All contacts' };
      for (const [sel, text] of Object.entries(want)) {
        await s.waitFor(`${sel} to read "${text}"`, async () => (await s.text(sel)) === text);
      }
      const n = (await personal(s)).length;
      assert(n >= f.people.length, `the book has ${n} contacts over the API`);
      await s.waitFor(`#ct-total to read "${n} contacts"`, async () => (await s.text('#ct-total')) === `${n} contacts`);
      await s.shot('contacts-14-english');
    } finally {
      s.step("select#lang-select -> 'ko' (restore)");
      await page.locator('select#lang-select').selectOption('ko').catch(() => {});
    }
    await s.waitFor('html[lang="ko"] and #ct-new reading 새 연락처 after switching back', async () =>
      (await lang()) === 'ko' && (await s.text('#ct-new')) === '새 연락처');
  },

  // 390x844: the list and the toolbar stay within the screen; the books
  // open as a drawer from #nav-toggle and a book chosen there is shown.
  async contacts_phone(s) {
    const { page } = s;
    const f = fixtures();
    await ensurePeople(s);
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await openContacts(s, true);
      await listIsBook(s, 'the book on a phone');
      const w = await page.evaluate(() => {
        const wide = [...document.querySelectorAll('.contacts *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && el.getClientRects().length)
          .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} right ${Math.round(el.getBoundingClientRect().right)}`);
        return { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, wide };
      });
      await s.shot('contacts-15-phone');
      assert(w.scroll <= w.client && !w.wide.length, `at 390 px the page is ${w.scroll} px wide (window ${w.client}); past the edge: ${w.wide.join('; ')}`);
      s.step('#nav-toggle, then 공용 주소록 in the drawer');
      await page.locator('#nav-toggle').click();
      await s.waitFor('#contacts-nav to open as a drawer', async () => /\bopen\b/.test((await page.locator('#contacts-nav').getAttribute('class')) || ''));
      await page.locator('#ct-book-shared').click();
      await listIs(s, '공용 주소록 on a phone', [f.shared.name]);
      await s.waitFor('the drawer to close', async () => !/\bopen\b/.test((await page.locator('#contacts-nav').getAttribute('class')) || ''));
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  },

  // The domain's administrator gets the shared book's toolbar (the list
  // answer's can_edit), adds a contact there through the form, and the
  // user sees it; the user's own session is left as it was.
  async contacts_shared_admin(s) {
    const f = fixtures();
    await s.ensureApp();
    const context = await s.page.context().browser().newContext({ viewport: { width: 1280, height: 800 }, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(8_000);
      s.step(`log in as the administrator ${f.admin}`);
      await page.goto(s.cfg.baseURL + '/#/contacts');
      await page.locator('#login-email').fill(f.admin);
      await page.locator('#login-password').fill(s.cfg.password);
      await page.locator('#login-submit').click();
      await page.locator('#contacts-nav').waitFor({ timeout: 15_000 });
      await page.locator('#ct-book-shared').click();
      await s.waitFor('the administrator\'s shared toolbar to be editable', async () => (await page.locator('.ct-toolbar').getAttribute('data-editable')) === '1');
      for (const id of ['ct-new', 'ct-new-group', 'ct-delete', 'ct-import']) {
        assert(await page.locator('#' + id).count(), `#${id} is not offered to the administrator in the shared book`);
      }
      assert(await page.locator('#ct-trash-shared').count(), 'the administrator has no shared trash');
      const name = `공용 안내데스크 ${tag}`;
      const email = `help-${tag}@supplier.example`;
      s.step(`#ct-new in 공용 주소록: ${name}`);
      await page.locator('#ct-new').click();
      await page.locator('#ct-name').fill(name);
      await page.locator('.ct-email-row .ct-email-address').first().fill(email);
      await page.screenshot({ path: `${s.cfg.shots}/contacts-16-shared-admin.png` });
      s.screenshots.push(`${s.cfg.shots}/contacts-16-shared-admin.png`);
      await page.locator('#contact-save').click();
      await page.locator('#contact-dialog').waitFor({ state: 'detached' });
      await page.locator('#contact-list .contact-name', { hasText: name }).waitFor();
      const shared = (await apiOK(s, 'GET', '/api/v1/contacts?book=shared')).contacts;
      assert(shared.some((c) => c.name === name && emailOf(c) === email), `the user does not see "${name}" in the shared book: ${JSON.stringify(shared.map((c) => c.name))}`);
    } finally {
      await context.close();
    }
  },

  // 그룹 수정 renames a group and leaves out an unchecked member; 그룹
  // 삭제 removes the group and keeps its contacts.
  async contacts_group_edit_delete(s) {
    const { page } = s;
    const f = fixtures();
    const book = await ensurePeople(s);
    const [p, q] = [f.people[0], f.people[2]];
    const ids = [book.get(p.email.toLowerCase()).id, book.get(q.email.toLowerCase()).id];
    const first = `임시 그룹 ${tag}`;
    const g = await apiOK(s, 'POST', '/api/v1/contact-groups', { book: 'personal', name: first, members: ids });
    await openContacts(s);
    await groupItem(s, first).locator('a').click();
    await listIs(s, `the group "${first}"`, [p.name, q.name]);
    s.step('#ct-edit-group: rename, uncheck one');
    await page.locator('#ct-edit-group').click();
    await page.locator('#group-dialog').waitFor();
    const renamed = `${first} 수정`;
    await page.locator('#group-name').fill(renamed);
    await page.locator(`#group-members .group-member[data-id="${ids[1]}"] input`).uncheck();
    await page.locator('#group-ok').click();
    await page.locator('#group-dialog').waitFor({ state: 'detached' });
    await groupItem(s, renamed).waitFor();
    await listIs(s, `the group "${renamed}"`, [p.name]);
    const after = (await apiOK(s, 'GET', '/api/v1/contact-groups?book=personal')).groups.find((x) => x.id === g.id);
    assert(after?.name === renamed && JSON.stringify(after.members) === JSON.stringify([ids[0]]), `the group over the API is ${JSON.stringify(after)}`);
    s.step('#ct-delete-group');
    await page.locator('#ct-delete-group').click();
    await page.locator('#confirm-ok').click();
    await s.waitFor('the group to leave the tree', async () => !(await groupItem(s, renamed).count()));
    const left = (await apiOK(s, 'GET', '/api/v1/contact-groups?book=personal')).groups.find((x) => x.id === g.id);
    assert(!left, `the deleted group is still listed by the API: ${JSON.stringify(left)}`);
    const still = new Set((await personal(s)).map(emailOf));
    assert(still.has(p.email.toLowerCase()) && still.has(q.email.toLowerCase()), 'deleting the group deleted its contacts');
  },

  // 폴더로 이동: a checked contact moves into a folder, which counts it.
  async contacts_move(s) {
    const { page } = s;
    const f = fixtures();
    await ensurePeople(s);
    const name = `이동 폴더 ${tag}`;
    const folder = await apiOK(s, 'POST', '/api/v1/contact-folders', { name });
    await openContacts(s);
    await openBook(s, 'ct-book-personal');
    const who = f.people[3];
    await check(s, who.name);
    s.step(`select#ct-move → ${name}`);
    await page.locator('#ct-move').selectOption(String(folder.id));
    const item = page.locator(`#contacts-nav .ct-folder[data-folder-id="${folder.id}"]`);
    await s.waitFor(`the folder "${name}" to count 1`, async () => (await item.locator('.ct-count').textContent()).trim() === '1');
    await item.locator('a').click();
    await listIs(s, `the folder "${name}"`, [who.name]);
    const c = (await personal(s)).find((x) => emailOf(x) === who.email.toLowerCase());
    assert(String(c.folder) === String(folder.id), `${who.name} is in folder ${c.folder} over the API, want ${folder.id}`);
  },

  // Past 50 contacts the list pages: 50 on the first page, the rest on
  // the next, the count says all. The contacts go into a folder of their
  // own (imported over the API) so that the book's first page of the
  // other scenarios stays what they expect.
  async contacts_paging(s) {
    const { page } = s;
    await s.ensureApp();
    const name = `대량 ${tag}`;
    const folder = await apiOK(s, 'POST', '/api/v1/contact-folders', { name });
    const n = 57;
    const lines = ['이름,이메일'];
    for (let i = 1; i <= n; i++) lines.push(`Zeta ${String(i).padStart(3, '0')},zeta${i}-${tag}@bulk.example`);
    const csrf = (await s.api('/api/v1/session?per_page=1')).csrf;
    const r = await page.request.post(`${s.cfg.baseURL}/api/v1/contacts/import?book=personal&folder=${folder.id}&duplicates=skip`,
      { headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/octet-stream' }, data: Buffer.from(lines.join('\r\n') + '\r\n') });
    const rep = await r.json().catch(() => null);
    assert(r.ok() && rep?.imported === n, `importing ${n} contacts over the API: ${r.status()} ${JSON.stringify(rep)}`);
    await openContacts(s);
    await page.locator(`#contacts-nav .ct-folder[data-folder-id="${folder.id}"] a`).click();
    await s.waitFor(`#ct-total to say ${n}`, async () => (await page.locator('#ct-total').getAttribute('data-n')) === String(n));
    await s.waitFor('50 rows on the first page', async () => (await page.locator('#contact-list .contact-row').count()) === 50);
    const firstPage = await names(s);
    assert(firstPage[0] === 'Zeta 001' && firstPage[49] === 'Zeta 050', `the first page runs ${firstPage[0]} … ${firstPage[49]}`);
    s.step('#ct-page-next');
    await page.locator('#ct-page-next').click();
    await listIs(s, 'the second page', Array.from({ length: n - 50 }, (_, i) => `Zeta ${String(51 + i).padStart(3, '0')}`));
    assert(await page.locator('#ct-page-next').isDisabled(), '#ct-page-next is on at the last page');
    await s.shot('contacts-17-paging');

    // 완전삭제 of the whole last page: the list steps back to the page
    // before, and nothing of it is left in the trash
    s.step('#ct-select-all, #ct-delete-permanently, #confirm-ok');
    await page.locator('#ct-select-all').check();
    await page.locator('#ct-delete-permanently').click();
    await page.locator('#confirm-ok').click();
    await s.waitFor('50 left, on the one page left', async () => (await page.locator('#ct-total').getAttribute('data-n')) === '50'
      && (await s.text('#ct-page')) === '1 / 1' && (await page.locator('#contact-list .contact-row').count()) === 50);
    assert((await names(s))[0] === 'Zeta 001', `the page after 완전삭제 starts with ${(await names(s))[0]}`);
    const trash = (await apiOK(s, 'GET', '/api/v1/contacts?book=personal&trash=1')).contacts.map((c) => c.name);
    assert(!trash.some((x) => /^Zeta 05[1-7]$/.test(x)), `contacts deleted permanently are in the trash: ${JSON.stringify(trash)}`);
  },

  // Compose: the 그룹 tab of the 받는사람 picker adds every member; the
  // 내 주소록 tab lists the imported contacts; the autocomplete offers a
  // contact first.
  async contacts_picker_group(s) {
    const { page } = s;
    const f = fixtures();
    await ensureGroup(s);
    await s.ensureApp();
    s.step('#compose');
    await page.locator('#compose').click();
    await page.locator('#compose-form #compose-to').waitFor();
    s.step('#compose-to-label');
    await page.locator('#compose-to-label').click();
    await page.locator('#address-picker').waitFor();
    await page.locator('#address-picker .tab[data-source="personal"]').click();
    for (const p of f.people) {
      assert(await page.locator(`.picker-item[data-email="${p.email}"]`).count(), `the 내 주소록 tab does not list ${p.email}`);
    }
    await page.locator('#address-picker .tab[data-source="shared"]').click();
    assert(await page.locator(`.picker-item[data-email="${f.shared.email}"]`).count(), `the 공용 주소록 tab does not list ${f.shared.email}`);
    await page.locator('#address-picker .tab[data-source="groups"]').click();
    const g = page.locator('.picker-group').filter({ hasText: f.group });
    await g.waitFor();
    await g.locator('input').check();
    await s.shot('contacts-10-picker-groups');
    await page.locator('#picker-add-to').click();
    for (const m of f.members) await chip(s, 'to', m.email).waitFor();

    const first = f.people[1];
    s.step(`type "${first.name.slice(0, 2)}" in #compose-cc`);
    if (!(await page.locator('#compose-cc').count())) await page.locator('#compose-show-cc').click();
    await page.locator('#compose-cc').fill(first.name.slice(0, 2));
    const top = page.locator('#autocomplete .ac-item').first();
    await top.waitFor();
    const email = await top.getAttribute('data-email');
    assert(email === first.email, `the first suggestion for "${first.name.slice(0, 2)}" is ${email}, want the contact ${first.email}`);
    await s.shot('contacts-11-autocomplete');
    await page.locator('#compose-cc').fill('');
    await leaveCompose(s);
  },
};
