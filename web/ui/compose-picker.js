// The address picker that opens from "To", "Cc" or "Bcc" (E3). Its
// sources are tabs; the server's address route feeds recent recipients and
// the domain's directory, and personal or shared contacts, groups and the
// org chart become more tabs when they exist.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get } from './api.js';
import { report } from './actions.js';
import { openDialog, closeDialog } from './dialogs.js';

export const sources = [
  { id: 'directory', label: 'sourceDirectory' },
  { id: 'recent', label: 'sourceRecent' },
];

function Picker({ field, onPick }) {
  const [all, setAll] = useState(null);
  const [tab, setTab] = useState(sources[0].id);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState(new Set());
  useEffect(() => {
    get('/api/v1/addresses?limit=1000').then((d) => setAll(d.addresses), (e) => { report(e); setAll([]); });
  }, []);
  const q = filter.trim().toLowerCase();
  const shown = (all || []).filter((a) => a.source === tab && (!q || a.email.toLowerCase().includes(q) || (a.name || '').toLowerCase().includes(q)));
  const toggle = (email) => {
    const next = new Set(chosen);
    next.has(email) ? next.delete(email) : next.add(email);
    setChosen(next);
  };
  const add = (target) => {
    const picked = (all || []).filter((a) => chosen.has(a.email)).map((a) => (a.name ? `${a.name} <${a.email}>` : a.email));
    onPick(target, [...new Set(picked)]);
    closeDialog();
  };
  return html`<div id="address-picker">
    <div class="tabs" role="tablist">${sources.map((s) => html`<button type="button" role="tab" aria-selected=${tab === s.id}
      class=${'tab' + (tab === s.id ? ' on' : '')} data-source=${s.id} onClick=${() => setTab(s.id)}>${t(s.label)}</button>`)}</div>
    <input id="picker-filter" type="search" placeholder=${t('searchAddresses')} aria-label=${t('searchAddresses')} value=${filter} onInput=${(e) => setFilter(e.target.value)} />
    <ul class="picker-list">
      ${all === null && html`<li class="empty">${t('loading')}</li>`}
      ${all !== null && !shown.length && html`<li class="empty">${t('noAddresses')}</li>`}
      ${shown.map((a) => html`<li><label class="picker-item" data-email=${a.email}>
        <input type="checkbox" checked=${chosen.has(a.email)} onChange=${() => toggle(a.email)} />
        <strong>${a.name || a.email}</strong> ${a.name && html`<span>${a.email}</span>`}</label></li>`)}
    </ul>
    <div class="dialog-buttons">
      ${['to', 'cc', 'bcc'].map((f) => html`<button type="button" id=${'picker-add-' + f} class=${f === field ? 'primary' : ''}
        disabled=${!chosen.size} onClick=${() => add(f)}>${t(f)} ${chosen.size ? `(${chosen.size})` : ''}</button>`)}
    </div>
  </div>`;
}

// openPicker shows the picker for field; onPick(target, addresses) adds
// them to the field the user chose.
export function openPicker(field, onPick) {
  openDialog({ id: 'picker-dialog', title: t('addressBook'), wide: true, body: html`<${Picker} field=${field} onPick=${onPick} />` });
}
