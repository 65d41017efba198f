// 외부메일 가져오기 (issue 19): the user's external POP3/IMAP accounts,
// each with its schedule, its last run and what it brought; an add/edit
// dialog, "지금 가져오기" (the answer comes when the fetch is done) and
// delete behind the house's confirm dialog. The password is written,
// never read back: the API says only whether one is set.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t, folderName, longDate } from './i18n.js';
import { get, post, request, del } from './api.js';
import { toast } from './store.js';
import { report } from './actions.js';
import { confirm } from './dialogs.js';
import { matches } from './settings-form.js';

const everys = [0, 10, 30, 60];
// the fields whose errors show beside them; others' above the buttons
const inline = ['name', 'protocol', 'host', 'security', 'port', 'user', 'password', 'folder', 'every'];
const loopback = (host) => ['127.0.0.1', '::1', 'localhost'].includes(host.trim().toLowerCase());

function blank() {
  return {
    name: '', protocol: 'pop3', host: '', port: 0, security: 'tls', plain_ok: false, user: '', password: '',
    folder: 'INBOX', all_folders: false, leave_on_server: true, insecure_tls: false, every: 30, enabled: true,
  };
}

// outcome says how the last run ended, in one line.
export function outcome(x) {
  if (!x.last_run) return t('extNever');
  if (x.last_error_kind && x.last_error_kind !== 'partial') return t('extErr_' + x.last_error_kind);
  const line = t('extFetched', { n: x.last_imported });
  return x.last_error_kind === 'partial' ? `${line} · ${t('extErr_partial')}` : line;
}

// folders the mail may go to: the Inbox and the user's own folders.
function folderOptions(mailboxes) {
  const inbox = (mailboxes || []).find((m) => m.role === 'inbox');
  const user = (mailboxes || []).filter((m) => !m.role).sort((a, b) => a.name.localeCompare(b.name));
  return [['INBOX', inbox ? folderName(inbox) : 'INBOX'], ...user.map((m) => [m.name, folderName(m)])];
}

export function External({ state }) {
  const [list, setList] = useState(null);
  const [limit, setLimit] = useState(5);
  const [editing, setEditing] = useState(null);
  const [running, setRunning] = useState(0); // id being fetched now
  const [result, setResult] = useState(null); // {id, text, failed}
  const load = async () => {
    try {
      const d = await get('/api/v1/external-accounts');
      setList(d?.accounts || []);
      if (d?.limit) setLimit(d.limit);
    } catch (e) {
      report(e);
      setList([]);
    }
  };
  useEffect(() => { load(); }, []);

  const fetchNow = async (x) => {
    setRunning(x.id);
    setResult(null);
    try {
      const done = await post(`/api/v1/external-accounts/${x.id}/fetch`);
      const failed = !!done.last_error_kind && done.last_error_kind !== 'partial';
      setResult({ id: x.id, text: `${done.name}: ${outcome(done)}`, failed });
      setList((l) => l.map((y) => (y.id === done.id ? done : y)));
    } catch (e) {
      setResult({ id: x.id, text: e.message, failed: true });
    } finally {
      setRunning(0);
    }
  };
  const remove = (x) => confirm(t('extDeleteConfirm', { name: x.name }), async () => {
    await del(`/api/v1/external-accounts/${x.id}`);
    toast(t('extDeleted'));
    load();
  }, t('delete'));

  return html`<div id="settings-external" class="settings-form">
    <h2>${t('setExternal')}</h2>
    <p class="muted">${t('extHint', { n: limit })}</p>
    <button id="external-new" type="button" class="primary" disabled=${list !== null && list.length >= limit}
      onClick=${() => setEditing(blank())}>${t('extNew')}</button>
    ${result && html`<p id="external-fetch-result" class=${'notice' + (result.failed ? ' error' : '')} role="status" aria-live="polite">${result.text}</p>`}
    ${list === null && html`<p class="empty">${t('loading')}</p>`}
    ${list !== null && !list.length && html`<p id="external-empty" class="empty">${t('extNone')}</p>`}
    <ul id="external-list" class="filter-list">${(list || []).map((x) => html`<li class=${'filter-row external-row' + (x.enabled ? '' : ' off')} data-id=${x.id} key=${x.id}>
      <div class="filter-text"><strong class="external-name">${x.name}</strong>
        <span class="muted">${x.protocol.toUpperCase()} · ${x.user} · ${x.host}:${x.port} · ${x.every ? t('extEvery', { n: x.every }) : t('extManual')}${x.enabled ? '' : ' · ' + t('extOff')}</span>
        <span class="external-last muted" title=${x.last_error || ''}>${x.last_run ? longDate(x.last_run) + ' · ' : ''}${outcome(x)}</span></div>
      <span class="filter-tools">
        <button type="button" class="external-fetch" disabled=${running !== 0} onClick=${() => fetchNow(x)}>${running === x.id ? t('extFetching') : t('extFetchNow')}</button>
        <button type="button" class="external-edit" onClick=${() => setEditing({ ...x, password: '' })}>${t('edit')}</button>
        <button type="button" class="external-delete danger" onClick=${() => remove(x)}>${t('delete')}</button>
      </span>
    </li>`)}</ul>
    ${editing && html`<${Editor} key=${editing.id || 'new'} account=${editing} mailboxes=${state.mailboxes}
      onDone=${(saved) => { setEditing(null); if (saved) load(); }} />`}
  </div>`;
}

// body is what POST and PUT take (an empty password on PUT keeps it).
const body = (x) => ({
  name: x.name, protocol: x.protocol, host: x.host.trim(), port: Number(x.port) || 0, security: x.security,
  plain_ok: x.security === 'none' && x.plain_ok, user: x.user, password: x.password, folder: x.folder,
  all_folders: x.protocol === 'imap' && x.all_folders, leave_on_server: x.protocol === 'imap' || x.leave_on_server,
  insecure_tls: x.insecure_tls, every: Number(x.every), enabled: x.enabled,
});

function Editor({ account, mailboxes, onDone }) {
  const [x, setX] = useState(account);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (patch) => { setX((y) => ({ ...y, ...patch })); setError(null); };
  const err = (field) => error && matches(error.field, field) && html`<p class="field-error" data-error-for=${field} role="alert">${error.message}</p>`;
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      if (x.id) await request('PUT', `/api/v1/external-accounts/${x.id}`, body(x));
      else await post('/api/v1/external-accounts', body(x));
      toast(t('extSaved'));
      onDone(true);
    } catch (err2) {
      setError({ field: err2.field || '', message: err2.message });
    } finally {
      setBusy(false);
    }
  };
  const text = (id, field, label, extra = {}) => html`<label class="field"><span>${label}</span>
    <input id=${id} value=${x[field]} onInput=${(e) => set({ [field]: e.target.value })} ...${extra} />${err(field)}</label>`;
  const check = (id, field, label) => html`<label class="check"><input id=${id} type="checkbox" checked=${x[field]}
    onChange=${(e) => set({ [field]: e.target.checked })} /> ${label}</label>`;
  const plain = x.security === 'none' && !loopback(x.host);
  return html`<div class="backdrop" onClick=${(e) => e.target === e.currentTarget && onDone(false)}
      onKeyDown=${(e) => e.key === 'Escape' && onDone(false)}>
    <form id="external-editor" class="dialog wide" role="dialog" aria-modal="true" aria-labelledby="external-editor-title" onSubmit=${save} novalidate>
      <h2 id="external-editor-title">${x.id ? t('extEdit') : t('extNew')}</h2>
      ${text('ext-name', 'name', t('extName'), { maxLength: 100 })}
      <label class="field"><span>${t('extProtocol')}</span>
        <select id="ext-protocol" value=${x.protocol} onChange=${(e) => set({ protocol: e.target.value, port: 0 })}>
          <option value="pop3">POP3</option><option value="imap">IMAP</option></select>${err('protocol')}</label>
      ${text('ext-host', 'host', t('extHost'), { placeholder: 'mail.example.com', autocomplete: 'off' })}
      <label class="field"><span>${t('extSecurity')}</span>
        <select id="ext-security" value=${x.security} onChange=${(e) => set({ security: e.target.value, port: 0 })}>
          <option value="tls">${t('extSec_tls')}</option><option value="starttls">${t('extSec_starttls')}</option>
          <option value="none">${t('extSec_none')}</option></select>${err('security')}</label>
      ${plain && html`<p id="ext-plain-warning" class="notice error">${t('extPlainWarning')}</p>${check('ext-plain-ok', 'plain_ok', t('extPlainOK'))}`}
      ${text('ext-port', 'port', t('extPort'), { type: 'number', min: 0, max: 65535, placeholder: t('extPortDefault') })}
      ${text('ext-user', 'user', t('extUser'), { autocomplete: 'off' })}
      ${text('ext-password', 'password', t('extPassword'), { type: 'password', autocomplete: 'new-password',
        placeholder: x.password_set ? t('extPasswordKeep') : '' })}
      <label class="field"><span>${t('extFolder')}</span>
        <select id="ext-folder" value=${x.folder} disabled=${x.protocol === 'imap' && x.all_folders} onChange=${(e) => set({ folder: e.target.value })}>
          ${folderOptions(mailboxes).map(([v, label]) => html`<option value=${v}>${label}</option>`)}</select>${err('folder')}</label>
      ${x.protocol === 'imap' ? check('ext-all-folders', 'all_folders', t('extAllFolders')) : check('ext-leave', 'leave_on_server', t('extLeave'))}
      ${check('ext-insecure', 'insecure_tls', t('extInsecure'))}
      <label class="field"><span>${t('extSchedule')}</span>
        <select id="ext-every" value=${String(x.every)} onChange=${(e) => set({ every: Number(e.target.value) })}>
          ${everys.map((n) => html`<option value=${String(n)}>${n ? t('extEvery', { n }) : t('extManual')}</option>`)}</select>${err('every')}</label>
      ${check('ext-enabled', 'enabled', t('extEnabled'))}
      ${error && !inline.includes(error.field) && html`<p id="external-error" class="error" role="alert">${error.message}</p>`}
      <div class="dialog-buttons">
        <button id="external-save" type="submit" class="primary" disabled=${busy}>${t('saveSettings')}</button>
        <button id="external-cancel" type="button" onClick=${() => onDone(false)}>${t('cancel')}</button>
      </div>
    </form>
  </div>`;
}
