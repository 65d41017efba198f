// admin-copy-scenarios.mjs — the domain administrator makes a mailing list
// and writes to it from the webmail, and copies one user's mailbox into
// another's on 메일함 복사 (issue 16, M4, M5), run by runner.mjs for
// tests/interop/browser_admin_copy_test.go, which logs the browser in as
// the domain's administrator and passes its accounts in
// POSTROOM_COPY_FIXTURES. Each takes a Scenario (support.mjs) and throws
// on failure; the selectors are web/ui/admin-lists.js's, admin-copy.js's
// and the compose screen's ids.
//
// What arrived where is checked twice: here through the console's API
// (what the page's session may read), and by the Go test over IMAP after
// the run (a real mail client's view).

import { assert } from './support.mjs';

const fx = JSON.parse(process.env.POSTROOM_COPY_FIXTURES || 'null');

function fixtures() {
  assert(fx, 'POSTROOM_COPY_FIXTURES is not set: run through `go test -run TestBrowser_AdminCopy ./tests/interop/`');
  return fx;
}

async function openPage(s, page) {
  s.step(`open the console's ${page} page`);
  await s.page.locator('#admin-link').click();
  await s.page.locator('#admin-console').waitFor();
  await s.page.locator('#admin-menu-' + page).click();
  await s.page.locator('#admin-menu-' + page + '.selected').waitFor();
}

// pick types part of a name into a user field and picks email from the
// matches the page offers after its pause.
async function pick(s, field, part, email) {
  const { page } = s;
  s.step(`type "${part}" in #${field}, pick ${email}`);
  await page.locator('#' + field).fill(part);
  const item = page.locator(`#${field}-matches .ac-item[data-email="${email}"]`);
  await item.waitFor({ state: 'visible' });
  await item.click();
  await s.waitFor(`#${field} to hold ${email}`, async () => (await page.locator('#' + field).getAttribute('data-picked')) === email);
}

export const adminCopyScenarios = {
  // 메일링 리스트 of two users, then a message to its address from the
  // compose screen; the Go test reads each member's one copy over IMAP.
  async copy_list_send(s) {
    const { list, members, subject } = fixtures();
    const { page } = s;
    await s.ensureApp();
    await openPage(s, 'lists');
    s.step(`make the list ${list} of ${members.join(', ')}`);
    await page.locator('#list-add').click();
    await page.locator('#list-address').fill(list);
    await page.locator('#list-name').fill('영업팀');
    await page.locator('#list-members').fill(members.join('\n'));
    await page.locator('#list-save').click();
    await page.locator(`#list-table tr.list-row[data-address="${list}"]`).waitFor();
    const got = (await s.api('/api/v1/admin/lists')).lists.find((l) => l.address === list);
    assert(got && JSON.stringify(got.members) === JSON.stringify(members), `the server keeps ${JSON.stringify(got)}`);

    s.step('#compose (the header\'s) to the list');
    await page.locator('#compose').click();
    await page.locator('#compose-form #compose-to').waitFor({ state: 'visible' });
    await page.locator('#compose-to').fill(list);
    await page.locator('#compose-to').press(',');
    await page.locator(`.recipients-field[data-field="to"] .chip[data-email="${list}"]`).waitFor();
    await page.locator('#compose-subject').fill(subject);
    await page.locator('#compose-editor').click();
    await page.keyboard.type('리스트의 모든 분께 보냅니다.');
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/send' && r.request().method() === 'POST', { timeout: 10_000 });
    await page.locator('#compose-send').click();
    const r = await answer;
    assert(r.status() === 202, `POST /api/v1/send answered ${r.status()}: ${await r.text()}`);
    await s.waitFor('the compose screen to close', async () => !(await page.locator('#compose-form').count()));
    await s.shot('copy-list-sent');
  },

  // 메일함 복사: the source found by part of his name, his folders loaded,
  // the target picked, the copy followed to its end.
  async copy_mailbox(s) {
    const { source, sourceName, target, targetName, sourceFolders } = fixtures();
    const { page } = s;
    await s.ensureApp();
    await openPage(s, 'copy');
    assert(await page.locator('#copy-load').isDisabled(), '메일함 불러오기 is enabled before a source is chosen');
    for (const b of ['#copy-load', '#copy-start']) assert(await page.locator(b).getAttribute('title'), `${b} has no tooltip`);
    await pick(s, 'copy-from', sourceName.slice(0, 2), source);
    assert(await page.locator('#copy-start').isDisabled(), '복사 is enabled before a target is chosen');

    s.step('메일함 불러오기: the source\'s folders with their counts');
    await page.locator('#copy-load').click();
    await page.locator('#copy-folders').waitFor();
    for (const [name, n] of Object.entries(sourceFolders)) {
      const row = page.locator(`#copy-folders tr.copy-folder[data-name="${name}"]`);
      await row.waitFor();
      const count = Number(await row.getAttribute('data-messages'));
      assert(count === n, `folder ${name} shows ${count} messages, want ${n}`);
    }
    const inboxLabel = (await page.locator('#copy-folders tr.copy-folder[data-role="inbox"] td').first().textContent()) || '';
    assert(inboxLabel.includes('받은메일함'), `the inbox reads "${inboxLabel}"`);
    const total = Object.values(sourceFolders).reduce((a, b) => a + b, 0);

    await pick(s, 'copy-to', targetName.slice(0, 2), target);
    s.step('복사, and the progress to its end');
    await page.locator('#copy-start').click();
    const job = page.locator('#copy-job[data-state="done"]');
    await job.waitFor({ timeout: 20_000 });
    const copied = Number(await job.getAttribute('data-copied'));
    assert(copied === total, `the copy says ${copied} copied, want ${total}`);
    const text = (await page.locator('#copy-job-text').textContent()) || '';
    assert(text.includes(String(total)) && text.includes('복사'), `the result reads "${text}"`);
    await s.shot('copy-mailbox-done');

    s.step('the target\'s folders as the console loads them');
    const targetID = (await s.api('/api/v1/admin/users?q=' + encodeURIComponent(target.split('@')[0]))).users.find((u) => u.email === target).id;
    const folders = (await s.api(`/api/v1/admin/users/${targetID}/folders`)).folders;
    for (const [name, n] of Object.entries(sourceFolders)) {
      const f = folders.find((x) => x.name === name);
      assert(f && f.messages === n, `the target's ${name}: ${JSON.stringify(f)}, want ${n} messages`);
    }

    s.step('복사 again: nothing copied twice');
    await page.locator('#copy-start').click();
    await s.waitFor('a second job to end with everything skipped', async () =>
      (await page.locator('#copy-job[data-state="done"]').getAttribute('data-skipped').catch(() => '')) === String(total));
    assert(Number(await page.locator('#copy-job').getAttribute('data-copied')) === 0, 'the second copy copied something');
  },
};
