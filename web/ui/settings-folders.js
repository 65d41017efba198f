// 메일함관리 (S3): every folder with its message count and size and the
// total; add, rename, delete (the confirmation says how many messages
// go); back up a folder as a .zip of .eml files or an mbox (a download the
// server streams); purge mail older than 1, 3, 6 or 12 months, or all of
// it, with the count shown before confirming; import .eml/.mbox/.zip files
// into a folder (settings-folders-import.js).

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t, size, folderName } from './i18n.js';
import { post, query } from './api.js';
import { toast } from './store.js';
import { roleOrder, createFolder, renameFolder, deleteFolder, loadMailboxes, report } from './actions.js';
import { openDialog } from './dialogs.js';
import { UsageBar } from './settings-general.js';
import { ImportButton, ImportStatus, useFolderImport } from './settings-folders-import.js';

function ordered(mailboxes) {
  const system = roleOrder.map((r) => mailboxes.find((m) => m.role === r)).filter(Boolean);
  const user = mailboxes.filter((m) => !m.role).sort((a, b) => a.name.localeCompare(b.name));
  return [...system, ...user];
}

const depth = (mb) => (mb.role ? 0 : mb.name.split('/').length - 1);

// periods are the manual's choices: older than 1, 3, 6, 12 months, or all.
const periods = [['30', 'purge1m'], ['90', 'purge3m'], ['180', 'purge6m'], ['365', 'purge12m'], ['all', 'purgeAll']];

const purgeBody = (p) => (p === 'all' ? { all: true } : { older_than_days: Number(p) });

// PurgeChoice is the purge dialog's body: the period, and how many
// messages it would remove (a dry run), asked again when the period changes.
function PurgeChoice({ mb, choice }) {
  const [period, setPeriod] = useState(choice.current.period);
  const [count, setCount] = useState(null);
  useEffect(() => {
    let live = true;
    setCount(null);
    choice.current = { period, count: null };
    post(`/api/v1/mailboxes/${mb.id}/purge` + query({ dry_run: true }), purgeBody(period))
      .then((r) => { if (live) { choice.current = { period, count: r.count }; setCount(r.count); } }, (e) => live && report(e));
    return () => { live = false; };
  }, [period]);
  return html`<div class="purge-choice">
    <label class="field"><span>${t('purgePeriod')}</span>
      <select id="purge-period" value=${period} onChange=${(e) => setPeriod(e.target.value)}>
        ${periods.map(([v, key]) => html`<option value=${v}>${t(key)}</option>`)}
      </select></label>
    <p id="purge-count" class="notice warn" data-count=${count ?? ''} aria-live="polite">
      ${count === null ? t('loading') : t('purgeCount', { n: count, name: folderName(mb) })}</p>
  </div>`;
}

function purgeDialog(mb) {
  const choice = { current: { period: '365', count: null } };
  openDialog({
    id: 'purge-dialog', title: t('purgeTitle', { name: folderName(mb) }), okId: 'purge-ok', danger: true,
    body: html`<${PurgeChoice} mb=${mb} choice=${choice} />`,
    onOK: async () => {
      const { period, count } = choice.current;
      if (count === null) return false; // the count is not known yet
      const r = await post(`/api/v1/mailboxes/${mb.id}/purge`, purgeBody(period));
      toast(t('purged', { n: r?.count ?? count }));
      await loadMailboxes();
    },
  });
}

function renameDialog(mb) {
  openDialog({
    id: 'folder-dialog', title: t('renameFolder'), okId: 'folder-dialog-ok',
    fields: [{ id: 'folder-name-input', label: t('folderName'), value: folderName(mb) }],
    onOK: async ({ 'folder-name-input': name }) => {
      if (!name.trim()) return false;
      await renameFolder(mb, name.trim());
    },
  });
}

function deleteDialog(mb) {
  openDialog({
    id: 'confirm-dialog', title: t('deleteFolder'), okId: 'confirm-ok', danger: true,
    text: t('confirmDeleteFolderCount', { name: folderName(mb), n: mb.total || 0 }),
    onOK: () => deleteFolder(mb),
  });
}

function AddFolder({ user }) {
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const [error, setError] = useState('');
  const input = useRef(null);
  const add = async (e) => {
    e.preventDefault();
    if (!name.trim()) return input.current?.focus();
    setError('');
    try {
      await createFolder(name.trim(), parent);
      setName('');
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<form id="folders-add-form" class="inline-form folders-add" onSubmit=${add}>
    <input id="folders-new-name" ref=${input} value=${name} maxLength="200" placeholder=${t('newFolderName')} aria-label=${t('newFolderName')}
      onInput=${(e) => { setName(e.target.value); setError(''); }} />
    <select id="folders-new-parent" aria-label=${t('parentFolder')} value=${parent} onChange=${(e) => setParent(e.target.value)}>
      <option value="">${t('noParent')}</option>
      ${user.map((m) => html`<option value=${m.name}>${m.name}</option>`)}
    </select>
    <button id="folders-add" type="submit" class="primary">${t('addFolder')}</button>
    ${error && html`<p id="folders-add-error" class="error" role="alert">${error}</p>`}
  </form>`;
}

export function Folders({ state }) {
  useEffect(() => { loadMailboxes(); }, []);
  const [imp, startImport, closeImport] = useFolderImport();
  const rows = ordered(state.mailboxes);
  const total = rows.reduce((a, m) => ({ n: a.n + (m.total || 0), size: a.size + (m.size || 0) }), { n: 0, size: 0 });
  return html`<div id="settings-folders" class="settings-form">
    <h2>${t('setFolders')}</h2>
    <div class="folders-usage"><span class="settings-label">${t('usage')}</span><${UsageBar} state=${state} /></div>
    <${AddFolder} user=${rows.filter((m) => !m.role)} />
    <${ImportStatus} imp=${imp} onClose=${closeImport} />
    <table id="folders-table" class="settings-table folders-table">
      <thead><tr><th>${t('folderName')}</th><th class="num">${t('messagesCount')}</th><th class="num">${t('size')}</th><th>${t('backup')}</th><th>${t('manage')}</th></tr></thead>
      <tbody>${rows.map((mb) => html`<tr class="folder-row" data-mailbox-id=${mb.id} data-role=${mb.role || ''} key=${mb.id}>
        <td class="folder-cell" style=${`--depth:${depth(mb)}`}><span class="folder-name">${folderName(mb)}</span></td>
        <td class="num folder-count" data-n=${mb.total || 0}>${t('countN', { n: mb.total || 0 })}</td>
        <td class="num folder-size">${size(mb.size || 0)}</td>
        <td class="folder-export-cell">
          <a class="folder-export button-like" data-format="zip" href=${`/api/v1/mailboxes/${mb.id}/export?format=zip`} download>ZIP</a>
          <a class="folder-export button-like" data-format="mbox" href=${`/api/v1/mailboxes/${mb.id}/export?format=mbox`} download>MBOX</a>
        </td>
        <td class="folder-manage">
          <${ImportButton} mb=${mb} busy=${imp?.busy} onFile=${startImport} />
          <button type="button" class="folder-purge" onClick=${() => purgeDialog(mb)}>${t('purge')}</button>
          ${!mb.role && html`<button type="button" class="folder-rename" onClick=${() => renameDialog(mb)}>${t('renameFolder')}</button>
            <button type="button" class="folder-delete danger" onClick=${() => deleteDialog(mb)}>${t('delete')}</button>`}
        </td>
      </tr>`)}</tbody>
      <tfoot><tr id="folders-total"><th>${t('totalRow')}</th><td class="num" id="folders-total-count" data-n=${total.n}>${t('countN', { n: total.n })}</td>
        <td class="num" id="folders-total-size">${size(total.size)}</td><td></td><td></td></tr></tfoot>
    </table>
    <p class="muted">${t('backupHint')}</p>
    <p class="muted">${t('importHint')}</p>
  </div>`;
}
