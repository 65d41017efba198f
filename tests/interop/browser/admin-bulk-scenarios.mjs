// admin-bulk-scenarios.mjs — 사용자 관리's bulk tools (issue 16, M3): the
// domain administrator registers two users from a CSV file after seeing
// its preview, then deletes a user after downloading his backup from the
// delete dialog; run by runner.mjs for tests/interop/
// browser_admin_bulk_test.go, which logs the browser in as the domain's
// administrator and passes, in POSTROOM_BULK_FIXTURES, the user to delete
// with the subject of a message delivered to him over SMTP beforehand.
// Each takes a Scenario (support.mjs) and throws on failure; the
// selectors are web/ui/admin-users-bulk.js's ids and data- attributes.

import zlib from 'node:zlib';
import fs from 'node:fs';
import { assert } from './support.mjs';

const fx = JSON.parse(process.env.POSTROOM_BULK_FIXTURES || 'null');

function fixtures() {
  assert(fx, 'POSTROOM_BULK_FIXTURES is not set: run through `go test -run TestBrowser_AdminBulk ./tests/interop/`');
  return fx;
}

// loginStatus is the status of POST /api/v1/session for email, asked from
// node: outside the browser's session, which stays the administrator's.
async function loginStatus(s, email, password) {
  const r = await fetch(s.cfg.baseURL + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  return r.status;
}

async function openUsers(s) {
  s.step("open the console's users page");
  await s.page.locator('#admin-link').click();
  await s.page.locator('#admin-console').waitFor();
  await s.page.locator('#admin-menu-users').click();
  await s.page.locator('#admin-menu-users.selected').waitFor();
}

const userRow = (s, email) => s.page.locator(`#admin-user-table tr.admin-user[data-email="${email}"]`);

// unzip reads a .zip's entries (APPNOTE: the end of central directory
// record, then each central directory header) into {name: Buffer}.
function unzip(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert(eocd >= 0, 'the backup is no zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    assert(buf.readUInt32LE(p) === 0x02014b50, 'a broken central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28);
    const xlen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + csize);
    out[name] = method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
    p += 46 + nlen + xlen + clen;
  }
  return out;
}

export const adminBulkScenarios = {
  // CSV로 일괄 등록: a file with a line twice shows that line in red and
  // cannot be registered; the corrected file (CP949 would do too; this
  // one is UTF-8 with a BOM, as Excel's "CSV UTF-8") creates both users.
  async bulk_import(s) {
    const { domain, password, newUsers } = fixtures();
    const { page } = s;
    await s.ensureApp();
    await openUsers(s);
    s.step('open CSV로 일괄 등록 from the gear menu');
    await page.locator('#admin-user-gear').click();
    await page.locator('#admin-user-menu-import').click();
    await page.locator('#bulk-import-dialog').waitFor();
    assert(await page.locator('#bulk-template').getAttribute('href') === '/api/v1/admin/users/template.csv', 'no template link');
    const header = '아이디,이름,비밀번호,직위\r\n';
    const lines = newUsers.map((u) => `${u.id},${u.name},${password},사원\r\n`);
    s.step('a file with the first user twice: his second line in red, 등록 disabled');
    await page.locator('#bulk-import-file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv',
      buffer: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(header + lines.join('') + lines[0])]) });
    await page.locator('#bulk-import-preview').waitFor();
    const bad = page.locator('#bulk-import-rows tr.bulk-row[data-line="4"]');
    assert(await bad.getAttribute('data-ok') === '0', 'the duplicate line is not marked invalid');
    const why = (await bad.locator('.bulk-row-error').first().getAttribute('data-code')) || '';
    assert(why === 'duplicate_in_file', `the duplicate line says ${why}`);
    const color = await bad.evaluate((e) => getComputedStyle(e).color);
    assert(color !== (await page.locator('#bulk-import-rows tr.bulk-row[data-line="2"]').evaluate((e) => getComputedStyle(e).color)), 'the invalid line is not shown apart');
    assert(await page.locator('#bulk-import-ok').isDisabled(), '등록 is enabled with an invalid line');
    await s.shot('bulk-import-invalid');

    s.step('the corrected file: two valid lines, then 등록');
    await page.locator('#bulk-import-file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv',
      buffer: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(header + lines.join(''))]) });
    await s.waitFor('the preview of 2 valid lines', async () =>
      (await page.locator('#bulk-import-preview').getAttribute('data-valid').catch(() => null)) === '2'
      && (await page.locator('#bulk-import-preview').getAttribute('data-invalid')) === '0');
    await page.locator('#bulk-import-ok').click();
    await page.locator('#bulk-import-done[data-created="2"]').waitFor();
    await page.locator('#bulk-import-close').click();
    for (const u of newUsers) {
      const email = `${u.id}@${domain}`;
      await userRow(s, email).waitFor();
      assert(await loginStatus(s, email, password) === 200, `${email} cannot log in after the import`);
    }
  },

  // The bin icon on a selected user: the dialog warns that his mail goes
  // too and offers his backup, a zip whose INBOX.mbox holds the message
  // delivered to him; then the deletion runs to its end, the row goes,
  // and his login is refused.
  async bulk_delete(s) {
    const { victim, subject, password } = fixtures();
    const { page } = s;
    await s.ensureApp();
    await openUsers(s);
    s.step(`select ${victim}`);
    await page.locator('#admin-user-search').fill(victim);
    await s.waitFor(`the table to show ${victim} alone`, async () =>
      (await page.locator('#admin-user-table tr.admin-user').count()) === 1 && (await userRow(s, victim).count()) === 1);
    assert(await page.locator('#admin-user-delete').isDisabled(), 'the bin icon is enabled with nobody selected');
    assert(((await page.locator('#admin-user-delete').getAttribute('title')) || '').length > 0, 'the bin icon has no tooltip');
    await userRow(s, victim).locator('input.u-select').check();
    await page.locator('#admin-user-selected[data-n="1"]').waitFor();
    await page.locator('#admin-user-delete').click();
    await page.locator('#bulk-delete-dialog').waitFor();
    const warning = (await s.text('#bulk-delete-warning')) || '';
    assert(warning.includes('메일') && warning.includes('백업'), `the warning reads "${warning}"`);

    s.step('download his backup from the dialog');
    const saved = page.waitForEvent('download');
    await page.locator(`#bulk-delete-users tr[data-email="${victim}"] .bulk-backup`).click();
    const d = await saved;
    assert(d.suggestedFilename() === `${victim}.zip`, `the backup is named "${d.suggestedFilename()}"`);
    const files = unzip(fs.readFileSync(await d.path()));
    s.note(`backup entries: ${Object.keys(files).join(', ')}`);
    const inbox = (files['INBOX.mbox'] || Buffer.alloc(0)).toString('utf8');
    assert(inbox.startsWith('From ') && inbox.includes(`Subject: ${subject}`), `INBOX.mbox does not hold "${subject}" (${inbox.length} bytes)`);
    await s.shot('bulk-delete-dialog');

    s.step('delete him: the progress runs to its end');
    await page.locator('#bulk-delete-ok').click();
    await page.locator('#bulk-delete-job[data-state="done"]').waitFor();
    const job = page.locator('#bulk-delete-job');
    assert(await job.getAttribute('data-done') === '1' && await job.getAttribute('data-total') === '1', 'the progress did not reach 1 of 1');
    await page.locator('#bulk-delete-close').click();
    await s.waitFor(`the row of ${victim} to go`, async () => (await userRow(s, victim).count()) === 0);
    assert(await loginStatus(s, victim, password) === 401, `${victim} can still log in`);
  },
};
