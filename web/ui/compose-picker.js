// The address picker that opens from "To", "Cc" or "Bcc" (E3). Its
// sources are tabs, all fed by the server's address route: 내 주소록 and
// 공용 주소록 (contacts), 그룹 (checking a group adds every member),
// 조직 주소록 (the domain's directory), 최근 받는사람, and 조직도, the
// department tree (compose-org.js).

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get } from './api.js';
import { report } from './actions.js';
import { openDialog, closeDialog } from './dialogs.js';
import { OrgTab } from './compose-org.js';

export const sources = [
  { id: 'personal', label: 'sourcePersonal' },
  { id: 'shared', label: 'sourceShared' },
  { id: 'groups', label: 'sourceGroups' },
  { id: 'directory', label: 'sourceDirectory' },
  { id: 'recent', label: 'sourceRecent' },
  { id: 'org', label: 'sourceOrg' },
];

const text = (a) => (a.name ? `${a.name.replace(/[<>"]/g, '')} <${a.email}>` : a.email);

function Picker({ field, onPick }) {
  const [all, setAll] = useState(null); // {addresses, groups}
  const [tab, setTab] = useState(sources[0].id);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState(new Set()); // "a:" + e-mail, "g:" + group id
  const known = useRef({}).current; // the org chart's people, by e-mail
  useEffect(() => {
    get('/api/v1/addresses?limit=1000').then(
      (d) => {
        setAll({ addresses: d.addresses || [], groups: d.groups || [] });
        // open on the first tab that has anything
        const has = (s) => (s === 'groups' ? (d.groups || []).length : (d.addresses || []).some((a) => a.source === s));
        const first = sources.find((s) => has(s.id));
        if (first) setTab(first.id);
      },
      (e) => { report(e); setAll({ addresses: [], groups: [] }); },
    );
  }, []);
  const q = filter.trim().toLowerCase();
  const match = (name, email) => !q || (email || '').toLowerCase().includes(q) || (name || '').toLowerCase().includes(q);
  const addresses = (all?.addresses || []).filter((a) => a.source === tab && match(a.name, a.email));
  const groups = tab === 'groups' ? (all?.groups || []).filter((g) => match(g.name, '') || g.members.some((m) => match(m.name, m.email))) : [];
  const toggle = (key) => {
    const next = new Set(chosen);
    next.has(key) ? next.delete(key) : next.add(key);
    setChosen(next);
  };
  // picked is every address chosen, a group's members in its place, once
  const picked = () => {
    const out = [];
    const seen = new Set();
    const push = (a) => {
      const k = a.email.toLowerCase();
      if (!seen.has(k)) {
        seen.add(k);
        out.push(text(a));
      }
    };
    for (const key of chosen) {
      if (key.startsWith('g:')) (all.groups.find((g) => 'g:' + g.id === key)?.members || []).filter((m) => m.email).forEach(push);
      else push(all.addresses.find((a) => 'a:' + a.email === key) || known[key.slice(2)] || { email: key.slice(2) });
    }
    return out;
  };
  const add = (target) => {
    onPick(target, picked());
    closeDialog();
  };
  const n = all ? picked().length : 0;
  const empty = all !== null && tab !== 'org' && !addresses.length && !groups.length;
  return html`<div id="address-picker">
    <div class="tabs" role="tablist">${sources.map((s) => html`<button type="button" role="tab" aria-selected=${tab === s.id}
      class=${'tab' + (tab === s.id ? ' on' : '')} data-source=${s.id} onClick=${() => setTab(s.id)}>${t(s.label)}</button>`)}</div>
    <input id="picker-filter" type="search" placeholder=${t('searchAddresses')} aria-label=${t('searchAddresses')} value=${filter} onInput=${(e) => setFilter(e.target.value)} />
    <ul class="picker-list">
      ${all === null && html`<li class="empty">${t('loading')}</li>`}
      ${empty && html`<li class="empty">${t('noAddresses')}</li>`}
      ${tab === 'org' && html`<${OrgTab} filter=${filter} chosen=${chosen} setChosen=${setChosen} known=${known} />`}
      ${groups.map((g) => html`<li key=${'g' + g.id}><label class="picker-item picker-group" data-group-id=${g.id} data-book=${g.book}>
        <input type="checkbox" checked=${chosen.has('g:' + g.id)} onChange=${() => toggle('g:' + g.id)} />
        <strong>${g.name}</strong> <span>${g.members.map((m) => m.name || m.email).slice(0, 4).join(', ')}${g.members.length > 4 ? ' …' : ''}</span>
        <small>${t(g.book === 'shared' ? 'sourceShared' : 'sourcePersonal')} · ${t('pickerGroupMembers', { n: g.members.length })}</small></label></li>`)}
      ${addresses.map((a) => html`<li key=${'a' + a.email}><label class="picker-item" data-email=${a.email}>
        <input type="checkbox" checked=${chosen.has('a:' + a.email)} onChange=${() => toggle('a:' + a.email)} />
        <strong>${a.name || a.email}</strong> ${a.name && html`<span>${a.email}</span>`}</label></li>`)}
    </ul>
    <div class="dialog-buttons">
      ${['to', 'cc', 'bcc'].map((f) => html`<button type="button" id=${'picker-add-' + f} class=${f === field ? 'primary' : ''}
        disabled=${!n} onClick=${() => add(f)}>${t(f)} ${n ? `(${n})` : ''}</button>`)}
    </div>
  </div>`;
}

// openPicker shows the picker for field; onPick(target, addresses) adds
// them to the field the user chose.
export function openPicker(field, onPick) {
  openDialog({ id: 'picker-dialog', title: t('addressBook'), wide: true, body: html`<${Picker} field=${field} onPick=${onPick} />` });
}
