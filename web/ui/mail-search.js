// Search (E2): the quick box top right, and the advanced form by sender,
// recipient, subject, body, date range, attachment and folder.

import { html } from './html.js';
import { useState } from './vendor/hooks.js';
import { t, folderName } from './i18n.js';
import { search, closeSearch } from './actions.js';

export function SearchBox({ state }) {
  const current = state.route.search ? new URLSearchParams(state.route.search) : null;
  const [q, setQ] = useState(current?.get('q') || '');
  const [open, setOpen] = useState(false);
  return html`<div class="search">
    <form role="search" onSubmit=${(e) => { e.preventDefault(); search({ q: q.trim() }); }}>
      <input id="search-input" type="search" value=${q} placeholder=${t('searchPlaceholder')} aria-label=${t('search')}
        onInput=${(e) => setQ(e.target.value)} />
      <button id="search-advanced-toggle" type="button" class="icon-button" aria-expanded=${open} title=${t('advancedSearch')}
        onClick=${() => setOpen(!open)}>▾</button>
    </form>
    ${current && html`<button id="search-close" class="link" onClick=${() => { setQ(''); closeSearch(); }}>${t('clearSearch')}</button>`}
    ${open && html`<${Advanced} state=${state} initial=${current} onDone=${() => setOpen(false)} />`}
  </div>`;
}

const fields = [
  ['from', 'adv-from', 'from'], ['to', 'adv-to', 'to'], ['subject', 'adv-subject', 'subject'], ['body', 'adv-body', 'body'],
];

function Advanced({ state, initial, onDone }) {
  const [v, setV] = useState(() => ({
    from: initial?.get('from') || '', to: initial?.get('to') || '', subject: initial?.get('subject') || '',
    body: initial?.get('body') || '', since: initial?.get('since') || '', before: initial?.get('before') || '',
    has_attachment: initial?.get('has_attachment') === '1', mailbox: initial?.get('mailbox') || '',
  }));
  const set = (k) => (e) => setV({ ...v, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const submit = (e) => {
    e.preventDefault();
    search({ ...v, has_attachment: v.has_attachment ? '1' : '' });
    onDone();
  };
  return html`<form id="advanced-search" class="advanced" onSubmit=${submit}>
    ${fields.map(([k, id, label]) => html`<label class="field"><span>${t(label)}</span>
      <input id=${id} value=${v[k]} onInput=${set(k)} /></label>`)}
    <div class="field-row">
      <label class="field"><span>${t('since')}</span><input id="adv-since" type="date" value=${v.since} onInput=${set('since')} /></label>
      <label class="field"><span>${t('before')}</span><input id="adv-before" type="date" value=${v.before} onInput=${set('before')} /></label>
    </div>
    <label class="field"><span>${t('folders')}</span>
      <select id="adv-mailbox" value=${v.mailbox} onChange=${set('mailbox')}>
        <option value="">${t('allFolders')}</option>
        ${state.mailboxes.map((m) => html`<option value=${m.id}>${m.role ? folderName(m) : m.name}</option>`)}
      </select></label>
    <label class="check"><input id="adv-attachment" type="checkbox" checked=${v.has_attachment} onChange=${set('has_attachment')} /> ${t('hasAttachment')}</label>
    <div class="dialog-buttons">
      <button id="adv-submit" type="submit" class="primary">${t('doSearch')}</button>
      <button type="button" onClick=${onDone}>${t('cancel')}</button>
    </div>
  </form>`;
}
