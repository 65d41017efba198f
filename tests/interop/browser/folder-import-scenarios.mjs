// folder-import-scenarios.mjs — Settings > 메일함 관리 > 가져오기 (issue
// 19, Migration in), run by runner.mjs for
// tests/interop/browser_folder_import_test.go. The Go test writes the
// files (POSTROOM_IMPORT_FIXTURES: a .zip of two .eml files with Korean
// subjects, a PDF); the user picks them in the folder's file picker, as a
// person would, and the effect is read in the mail list, not in the
// settings screen that started it.

import { assert } from './support.mjs';

const tag = Date.now().toString(36).slice(-5);
const fx = () => JSON.parse(process.env.POSTROOM_IMPORT_FIXTURES || 'null');

async function folders(s) {
  const { page } = s;
  s.step('open #/settings/folders');
  await page.evaluate(() => { location.hash = '#/settings/folders'; });
  await page.locator('#folders-table').waitFor();
}

// row is the folder's row in #folders-table.
const row = (s, name) => s.page.locator('.folder-row', { has: s.page.locator('.folder-name', { hasText: name }) });

// importInto picks file with the row's 가져오기 button and waits for the
// import to end; it returns #folder-import's data.
async function importInto(s, name, file) {
  const { page } = s;
  const box = page.locator('#folder-import');
  if (await page.locator('#folder-import-close').count()) {
    s.step('close the last import\'s result (#folder-import-close)');
    await page.locator('#folder-import-close').click();
    await s.waitFor('#folder-import gone', async () => (await box.count()) === 0);
  }
  const button = row(s, name).locator('button.folder-import');
  const tip = await button.getAttribute('title');
  assert(tip && /\.zip/.test(tip), `the 가져오기 button's tooltip is ${JSON.stringify(tip)}`);
  s.step(`${name}: 가져오기, pick ${file}`);
  const chooser = page.waitForEvent('filechooser');
  await button.click();
  const fc = await chooser;
  const accept = await fc.element().getAttribute('accept');
  assert(/\.eml/.test(accept) && /\.mbox/.test(accept) && /\.zip/.test(accept), `the picker accepts ${accept}`);
  await fc.setFiles(file);
  await s.waitFor('#folder-import to end (data-phase done or error)', async () =>
    ['done', 'error'].includes(await box.getAttribute('data-phase')), 20_000);
  const out = {
    phase: await box.getAttribute('data-phase'),
    imported: Number(await box.getAttribute('data-imported')),
    skipped: Number(await box.getAttribute('data-skipped')),
    failed: Number(await box.getAttribute('data-failed')),
    text: await s.text('#folder-import-text'),
    result: await s.text('#folder-import-result'),
  };
  s.note(`#folder-import: ${JSON.stringify(out)}`);
  return out;
}

export const folderImportScenarios = {
  // A .zip of two .eml files into a new folder: the result in words, the
  // two subjects in the folder's mail list; the same file again brings
  // nothing (2 already there).
  async folder_import(s) {
    const { page: p } = s;
    const f = fx();
    const folder = `가져온메일-${tag}`;
    await s.ensureApp();
    await folders(s);
    s.step(`#folders-new-name "${folder}", #folders-add`);
    await p.locator('#folders-new-name').fill(folder);
    await p.locator('#folders-add').click();
    await row(s, folder).waitFor();

    const first = await importInto(s, folder, f.zip);
    await s.shot('folder-import-01-result');
    assert(first.phase === 'done', `the import ended ${first.phase}: ${first.text}`);
    assert(first.imported === 2 && first.skipped === 0 && first.failed === 0, `imported ${first.imported}, skipped ${first.skipped}, failed ${first.failed}; want 2, 0, 0`);
    assert(first.result.includes('가져온 메일 2통') && first.result.includes('이미 있는 메일 0통') && first.result.includes('실패 0통'),
      `the result reads ${JSON.stringify(first.result)}`);
    await s.waitFor(`the row of "${folder}" to count 2`, async () => Number(await row(s, folder).locator('.folder-count').getAttribute('data-n')) === 2);

    s.step(`open "${folder}" in the mail list`);
    const inbox = (await s.apiMailboxes()).find((m) => m.role === 'inbox');
    await p.evaluate((h) => { location.hash = h; }, `#/mail/${inbox.id}`);
    await s.folderByName(folder).locator('.folder-name').first().click();
    for (const subject of f.subjects) await s.row(subject).waitFor();
    const listed = await s.listSubjects();
    assert(listed.length === 2, `the folder lists ${JSON.stringify(listed)}`);
    await s.shot('folder-import-02-list');

    await folders(s);
    const again = await importInto(s, folder, f.zip);
    await s.shot('folder-import-03-again');
    assert(again.phase === 'done' && again.imported === 0 && again.skipped === 2, `the second import: ${JSON.stringify(again)}`);
    assert(again.result.includes('가져온 메일 0통') && again.result.includes('이미 있는 메일 2통'), `the second result reads ${JSON.stringify(again.result)}`);
    const mb = (await s.apiMailboxes()).find((m) => m.name === folder);
    assert((await s.apiSubjects(mb.id)).length === 2, 'the folder holds other than 2 messages after the second import');
  },

  // A file that is no mail is refused whole, in Korean, and the folder
  // keeps what it had.
  async folder_import_refused(s) {
    const { page: p } = s;
    await s.ensureApp();
    await folders(s);
    const inbox = p.locator('.folder-row[data-role="inbox"]');
    const before = Number(await inbox.locator('.folder-count').getAttribute('data-n'));
    const name = await inbox.locator('.folder-name').textContent();
    const out = await importInto(s, name.trim(), fx().pdf);
    await s.shot('folder-import-04-refused');
    assert(out.phase === 'error' && out.text.includes('메일 파일이 아닙니다'), `a PDF: ${JSON.stringify(out)}`);
    assert(Number(await inbox.locator('.folder-count').getAttribute('data-n')) === before, 'the Inbox count changed');
  },
};
