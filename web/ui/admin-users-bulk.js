// 사용자 관리's bulk tools (M3): selecting users (a box per row, select
// all in the gear menu), deleting the selected ones with the bin icon —
// a dialog that says their mail goes too and offers each one's backup
// before the confirm button, then follows the server's job to the end —
// and 'CSV로 일괄 등록': the file is previewed by the server (dry_run=1),
// every line with what is wrong with it, and only a file without errors
// can be registered. Nothing is checked here: the server decides, the
// page shows.

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get, post } from './api.js';
import { toast } from './store.js';
import { sendFile } from './contacts-api.js';
import { AdminIcon } from './admin.js';

// how often a running deletion is read again
const pollEvery = 500;

const gearPath = 'M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3h-4l-.3 2.9a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.6 7.6 0 0 0 1.7 1L11 21h4l.3-2.9a7.6 7.6 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z';
const uploadPath = 'M5 20h14v-2H5zm7-16-5 5h3v6h4V9h3z';

function Icon({ d }) {
  return html`<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d=${d} fill="currentColor" /></svg>`;
}

// useSelection keeps the selected users (by id, with the row as shown,
// so that the delete dialog can name them) across pages and searches.
export function useSelection() {
  const [picked, setPicked] = useState(() => new Map());
  return {
    picked,
    has: (id) => picked.has(id),
    toggle: (u) => setPicked((m) => { const n = new Map(m); if (n.has(u.id)) n.delete(u.id); else n.set(u.id, u); return n; }),
    setAll: (users, on) => setPicked((m) => { const n = new Map(m); users.forEach((u) => (on ? n.set(u.id, u) : n.delete(u.id))); return n; }),
    clear: () => setPicked(new Map()),
  };
}

// SelectBox is a row's box.
export function SelectBox({ sel, user }) {
  return html`<input type="checkbox" class="u-select" title=${t('adSelectUser')} aria-label=${t('adSelectUser')}
    checked=${sel.has(user.id)} onChange=${() => sel.toggle(user)} />`;
}

// SelectAllBox is the header's box: every user shown.
export function SelectAllBox({ sel, users }) {
  const all = users.length > 0 && users.every((u) => sel.has(u.id));
  return html`<input type="checkbox" id="admin-user-select-all" title=${t('adSelectAll')} aria-label=${t('adSelectAll')}
    checked=${all} onChange=${(e) => sel.setAll(users, e.target.checked)} />`;
}

// BulkTools are the bar's gear menu, bin icon and the dialogs they open.
export function BulkTools({ sel, users, onChanged }) {
  const [menu, setMenu] = useState(false);
  const [dialog, setDialog] = useState(''); // '' | 'delete' | 'import'
  const n = sel.picked.size;
  const wrap = useRef(null);
  useEffect(() => {
    if (!menu) return undefined;
    const away = (e) => wrap.current && !wrap.current.contains(e.target) && setMenu(false);
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [menu]);
  const item = (id, label, f) => html`<button id=${id} type="button" onClick=${() => { setMenu(false); f(); }}>${label}</button>`;
  return html`<span class="bulk-tools" style="display: inline-flex; gap: 6px; align-items: center">
    <span class="menu-wrap" ref=${wrap}>
      <button id="admin-user-gear" class="icon-button" title=${t('adBulkMenu')} aria-label=${t('adBulkMenu')} aria-expanded=${menu}
        onClick=${() => setMenu(!menu)}><${Icon} d=${gearPath} /></button>
      ${menu && html`<div id="admin-user-menu" class="menu" role="menu">
        ${item('admin-user-menu-all', t('adSelectAll'), () => sel.setAll(users, true))}
        ${item('admin-user-menu-none', t('adSelectNone'), sel.clear)}
        <hr class="menu-sep" />
        ${item('admin-user-menu-import', t('adImportCSV'), () => setDialog('import'))}
      </div>`}
    </span>
    <button id="admin-user-import" class="icon-button" title=${t('adImportCSV')} aria-label=${t('adImportCSV')}
      onClick=${() => setDialog('import')}><${Icon} d=${uploadPath} /></button>
    <button id="admin-user-delete" class="icon-button" title=${t('adDeleteUsers')} aria-label=${t('adDeleteUsers')} disabled=${n === 0}
      onClick=${() => setDialog('delete')}><${AdminIcon} name="trash" /></button>
    ${n > 0 && html`<span id="admin-user-selected" class="muted" data-n=${n}>${t('adSelected', { n })}</span>`}
    ${dialog === 'delete' && html`<${DeleteDialog} users=${[...sel.picked.values()]}
      onDeleted=${() => { sel.clear(); onChanged(); }} onClose=${() => setDialog('')} />`}
    ${dialog === 'import' && html`<${ImportDialog} onCreated=${onChanged} onClose=${() => setDialog('')} />`}
  </span>`;
}

// Modal is a dialog of its own state (the house's look: .backdrop,
// .dialog), closed by Esc or its close button.
function Modal({ id, title, wide, onClose, children }) {
  const box = useRef(null);
  useEffect(() => {
    box.current?.querySelector('button, input, a')?.focus();
    const esc = (e) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', esc);
    return () => document.removeEventListener('keydown', esc);
  }, []);
  return html`<div class="backdrop">
    <div id=${id} ref=${box} class=${'dialog' + (wide ? ' wide' : '')} role="dialog" aria-modal="true" aria-labelledby=${id + '-title'}>
      <h2 id=${id + '-title'}>${title}</h2>
      ${children}
    </div>
  </div>`;
}

// DeleteDialog warns, offers each user's backup, then runs the deletion
// and follows its job.
function DeleteDialog({ users, onDeleted, onClose }) {
  const [job, setJob] = useState(null);
  const [error, setError] = useState('');
  const running = job && (job.state === 'queued' || job.state === 'running');
  const start = async () => {
    setError('');
    try {
      const r = await post('/api/v1/admin/users/delete', { ids: users.map((u) => u.id) });
      setJob({ id: r.job, state: 'queued', done: 0, total: users.length });
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => {
    if (!job?.id) return undefined;
    let stop = false;
    let timer = 0;
    const tick = async () => {
      try {
        const j = await get(`/api/v1/jobs/${job.id}`);
        if (stop) return;
        setJob(j);
        if (j.state === 'queued' || j.state === 'running') timer = setTimeout(tick, pollEvery);
        else {
          if (j.state === 'done') toast(t('adDeleteDone', { n: j.result?.deleted ?? j.done }));
          onDeleted();
        }
      } catch (e) {
        if (!stop) setError(e.message);
      }
    };
    tick();
    return () => { stop = true; clearTimeout(timer); };
  }, [job?.id]);
  const pct = job?.total ? Math.min(100, Math.round((job.done * 100) / job.total)) : (job?.state === 'done' ? 100 : 0);
  let text = '';
  if (job?.state === 'done') text = t('adDeleteDone', { n: job.result?.deleted ?? job.done });
  else if (job?.state === 'failed') text = t('adDeleteFailed', { error: job.error });
  else if (job) text = t('adDeleteRunning', { done: job.done ?? 0, total: job.total || users.length });
  return html`<${Modal} id="bulk-delete-dialog" title=${t('adDeleteTitle')} wide onClose=${() => !running && onClose()}>
    <p id="bulk-delete-warning" class="notice warn" role="alert">${t('adDeleteWarn', { n: users.length })}</p>
    <table id="bulk-delete-users" class="admin-table">
      <tbody>${users.map((u) => html`<tr class="bulk-delete-user" data-email=${u.email}>
        <td>${u.name}</td><td>${u.email}</td>
        <td><a class="bulk-backup button" href=${`/api/v1/admin/users/${u.id}/backup`} download title=${t('adBackupTitle')}>${t('adBackup')}</a></td>
      </tr>`)}</tbody>
    </table>
    ${job && html`<div id="bulk-delete-job" class=${'notice job' + (job.state === 'failed' ? ' warn' : '')} data-state=${job.state}
      data-done=${job.done ?? 0} data-total=${job.total ?? 0} aria-live="polite">
      <progress max="100" value=${pct}></progress> <span id="bulk-delete-text">${text}</span></div>`}
    ${error && html`<p id="bulk-delete-error" class="error" role="alert">${error}</p>`}
    <div class="dialog-buttons">
      ${!job && html`<button id="bulk-delete-ok" type="button" class="danger" onClick=${start}>${t('adDeleteN', { n: users.length })}</button>`}
      <button id="bulk-delete-close" type="button" disabled=${running} onClick=${onClose}>${job ? t('close') : t('cancel')}</button>
    </div>
  <//>`;
}

// ImportDialog previews a CSV file and registers it once every line is
// valid.
function ImportDialog({ onCreated, onClose }) {
  const [file, setFile] = useState(null);
  const [preview, setPreview] = useState(null);
  const [busy, setBusy] = useState(''); // 'preview' | 'import' | ''
  const [done, setDone] = useState(null);
  const [error, setError] = useState('');
  const seq = useRef(0);
  useEffect(() => {
    if (!file) return;
    const n = ++seq.current;
    setBusy('preview');
    setPreview(null);
    setDone(null);
    setError('');
    sendFile('/api/v1/admin/users/import?dry_run=1', file).then(
      (p) => n === seq.current && setPreview(p),
      (e) => n === seq.current && setError(e.message),
    ).finally(() => n === seq.current && setBusy(''));
  }, [file]);
  const run = async () => {
    setBusy('import');
    setError('');
    try {
      const r = await sendFile('/api/v1/admin/users/import', file);
      setDone(r);
      setPreview(null);
      toast(t('adImportDone', { n: r.created }));
      onCreated();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy('');
    }
  };
  const ok = preview && preview.invalid === 0 && preview.rows.length > 0;
  return html`<${Modal} id="bulk-import-dialog" title=${t('adImportCSV')} wide onClose=${() => !busy && onClose()}>
    <p class="muted">${t('adImportHint')} <a id="bulk-template" href="/api/v1/admin/users/template.csv" download>${t('adTemplate')}</a></p>
    <label class="field"><span>${t('adImportFile')}</span>
      <input id="bulk-import-file" type="file" accept=".csv,.txt,text/csv" disabled=${busy === 'import'}
        onChange=${(e) => setFile(e.target.files[0] || null)} /></label>
    ${busy && html`<p id="bulk-import-busy" class="muted" role="status">${t(busy === 'import' ? 'adImporting' : 'adImportReading')}</p>`}
    ${error && html`<p id="bulk-import-error" class="error notice warn" role="alert">${error}</p>`}
    ${preview && html`<div id="bulk-import-preview" data-valid=${preview.valid} data-invalid=${preview.invalid}>
      <p id="bulk-import-summary" class=${preview.invalid ? 'error' : ''}>${t('adImportSummary', { valid: preview.valid, invalid: preview.invalid })}
        ${preview.invalid ? ' ' + t('adImportFix') : ''}</p>
      <table id="bulk-import-rows" class="admin-table">
        <thead><tr><th>${t('adImportLine')}</th><th>${t('adEmail')}</th><th>${t('adName')}</th><th>${t('adDepartment')}</th><th>${t('adImportCheck')}</th></tr></thead>
        <tbody>${preview.rows.map((r) => html`<tr class=${'bulk-row' + (r.ok ? '' : ' invalid error')} data-line=${r.line} data-ok=${r.ok ? '1' : '0'}
          style=${r.ok ? '' : 'color: var(--danger)'}>
          <td>${r.line}</td><td>${r.email}</td><td>${r.name}</td><td>${r.department}</td>
          <td class="bulk-row-errors">${r.ok ? t('adImportOK') : r.errors.map((e) => html`<div class="bulk-row-error" data-code=${e.code} data-field=${e.field}>${e.message}</div>`)}</td>
        </tr>`)}</tbody>
      </table>
    </div>`}
    ${done && html`<p id="bulk-import-done" class="notice" role="status" data-created=${done.created}>${t('adImportDone', { n: done.created })}</p>`}
    <div class="dialog-buttons">
      ${!done && html`<button id="bulk-import-ok" type="button" class="primary" disabled=${!ok || !!busy} onClick=${run}>${t('adImportRun')}</button>`}
      <button id="bulk-import-close" type="button" disabled=${busy === 'import'} onClick=${onClose}>${t('close')}</button>
    </div>
  <//>`;
}
