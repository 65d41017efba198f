// 메일함 복사 (M5): every folder of a source user copied into a target user
// of the domain. Each user is chosen by typing part of his name: the
// accounts are searched after a short pause and picked from a list, as
// the manual shows. [메일함 불러오기] lists the source's folders with their
// counts; [복사] starts the server's job, followed at /api/v1/jobs/{id}
// until it ends. The server decides what is copied (never a message
// twice); the page only shows it.

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t, size } from './i18n.js';
import { get, post, query } from './api.js';
import { report } from './actions.js';

// how long typing must pause before the accounts are searched
const searchDelay = 300;
// how often a running copy is read again
const pollEvery = 500;

export function MailboxCopy() {
  const [from, setFrom] = useState(null);
  const [to, setTo] = useState(null);
  const [folders, setFolders] = useState(null);
  const [job, setJob] = useState(null);
  const [error, setError] = useState('');
  const running = job && (job.state === 'queued' || job.state === 'running');
  const same = from && to && from.id === to.id;
  const pickFrom = (u) => { setFrom(u); setFolders(null); setJob(null); setError(''); };
  const pickTo = (u) => { setTo(u); setJob(null); setError(''); };
  const load = async () => {
    setError('');
    try {
      setFolders(byRole((await get(`/api/v1/admin/users/${from.id}/folders`)).folders || []));
    } catch (e) {
      setError(e.message);
    }
  };
  const start = async () => {
    setError('');
    try {
      const r = await post('/api/v1/admin/mailbox-copy', { from: from.id, to: to.id });
      setJob({ id: r.job, state: 'queued', done: 0, total: 0 });
    } catch (e) {
      setError(e.message);
    }
  };
  const total = (folders || []).reduce((n, f) => n + f.messages, 0);
  return html`<section id="admin-copy" class="console-card">
    <div class="admin-bar"><h1>${t('adMenu_copy')}</h1></div>
    <p class="muted">${t('adCopyHint')}</p>
    <div class="field-row">
      <${UserPicker} id="copy-from" label=${t('adCopySource')} picked=${from} onPick=${pickFrom} disabled=${running} />
      <${UserPicker} id="copy-to" label=${t('adCopyTarget')} picked=${to} onPick=${pickTo} disabled=${running} />
    </div>
    ${same && html`<p id="copy-same" class="error" role="alert">${t('adCopySame')}</p>`}
    <div class="actions">
      <button id="copy-load" disabled=${!from} title=${t('adCopyLoadTitle')} onClick=${load}>${t('adCopyLoad')}</button>
      <button id="copy-start" class="primary" disabled=${!from || !to || same || running} title=${t('adCopyStartTitle')} onClick=${start}>${t('adCopyStart')}</button>
    </div>
    <p id="copy-error" class="error" role="alert">${error}</p>
    ${folders && html`<table id="copy-folders" class="admin-table">
      <thead><tr><th>${t('adCopyFolder')}</th><th>${t('adCopyCount')}</th><th>${t('adUsage')}</th></tr></thead>
      <tbody>${folders.map((f) => html`<tr class="copy-folder" data-name=${f.name} data-role=${f.role} data-messages=${f.messages}>
        <td>${f.role ? t(f.role) : f.name}</td><td>${f.messages.toLocaleString()}</td><td>${size(f.size)}</td></tr>`)}</tbody>
      <tfoot><tr><td colspan="3" id="copy-folders-total">${t('adCopyTotal', { n: total })}</td></tr></tfoot>
    </table>`}
    ${job && html`<${CopyProgress} key=${job.id} job=${job} onChange=${setJob} />`}
  </section>`;
}

// The special folders first, in the webmail's order, then the user's own
// by path (the server lists them by name).
const roles = ['inbox', 'sent', 'drafts', 'trash', 'spam', 'archive'];
const rank = (f) => (f.role && roles.includes(f.role) ? roles.indexOf(f.role) : roles.length);
const byRole = (fs) => [...fs].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

// UserPicker is a name field that searches the domain's accounts once
// typing pauses and offers the matches; choosing one fills the field.
function UserPicker({ id, label, picked, onPick, disabled }) {
  const [typed, setTyped] = useState('');
  const [matches, setMatches] = useState(null);
  const timer = useRef(0);
  const asked = useRef(0); // the newest search: older answers are dropped
  useEffect(() => () => clearTimeout(timer.current), []);
  const onInput = (v) => {
    setTyped(v);
    if (picked) onPick(null);
    clearTimeout(timer.current);
    const q = v.trim();
    if (!q) {
      setMatches(null);
      return;
    }
    timer.current = setTimeout(async () => {
      const n = ++asked.current;
      try {
        const d = await get('/api/v1/admin/users' + query({ q }));
        if (n === asked.current) setMatches(d.users || []);
      } catch (e) {
        report(e);
      }
    }, searchDelay);
  };
  const choose = (u) => {
    setTyped(`${u.name || u.email} <${u.email}>`);
    setMatches(null);
    onPick(u);
  };
  return html`<label class="field" style="position: relative">
    <span>${label}</span>
    <input id=${id} type="search" autocomplete="off" placeholder=${t('adCopyPick')} value=${typed} disabled=${disabled}
      data-picked=${picked ? picked.email : ''} onInput=${(e) => onInput(e.target.value)}
      onKeyDown=${(e) => { if (e.key === 'Escape') setMatches(null); if (e.key === 'Enter') { e.preventDefault(); if (matches?.length) choose(matches[0]); } }} />
    ${matches && html`<ul id=${id + '-matches'} class="autocomplete" style="left: 0; right: 0" role="listbox">
      ${matches.length ? matches.map((u) => html`<li class="ac-item" role="option" data-email=${u.email}
        onMouseDown=${(e) => { e.preventDefault(); choose(u); }}>${u.name || u.email} <span>${u.email}</span>
        <small>${u.department_name || ''}</small></li>`)
        : html`<li class="ac-item empty">${t('adCopyNoMatch')}</li>`}
    </ul>`}
  </label>`;
}

// reason is a failed job's error in the user's language when the page
// knows its code (over_quota, interrupted), else as the server gave it.
function reason(code) {
  const key = 'adCopyErr_' + code;
  const s = t(key);
  return s === key ? code : s;
}

// CopyProgress follows the job until it is done or failed.
function CopyProgress({ job, onChange }) {
  useEffect(() => {
    let stop = false;
    let timer = 0;
    const tick = async () => {
      try {
        const j = await get(`/api/v1/jobs/${job.id}`);
        if (stop) return;
        onChange(j);
        if (j.state === 'queued' || j.state === 'running') timer = setTimeout(tick, pollEvery);
      } catch (e) {
        if (!stop) report(e);
      }
    };
    tick();
    return () => { stop = true; clearTimeout(timer); };
  }, [job.id]);
  const r = job.result || {};
  const pct = job.total ? Math.min(100, Math.round((job.done * 100) / job.total)) : (job.state === 'done' ? 100 : 0);
  let text;
  if (job.state === 'done') text = t('adCopyDone', { copied: r.copied ?? 0, skipped: r.skipped ?? 0, folders: r.folders_created ?? 0 });
  else if (job.state === 'failed') text = t('adCopyFailed', { error: reason(job.error) });
  else text = t('adCopyRunning', { done: job.done ?? 0, total: job.total ?? 0 });
  return html`<div id="copy-job" class=${'notice job' + (job.state === 'failed' ? ' warn' : '')} data-state=${job.state}
    data-done=${job.done ?? 0} data-total=${job.total ?? 0} data-copied=${r.copied ?? ''} data-skipped=${r.skipped ?? ''} aria-live="polite">
    <progress max="100" value=${pct}></progress>
    <span id="copy-job-text">${text}</span>
  </div>`;
}
