// The Contacts screen's dialogs for one contact (새 연락처, or a name
// clicked in the list), a group (새 그룹, 그룹 수정) and a personal
// folder ([+]). Each is a body in dialogs.js's Dialog: the form keeps
// what is typed in a holder that the dialog's OK saves, so that the
// dialog shows the server's refusal and stays open.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { toast } from './store.js';
import { openDialog } from './dialogs.js';
import * as api from './contacts-api.js';

const phoneKinds = ['mobile', 'work', 'home', 'fax', ''];

function blankContact(c) {
  return {
    book: 'personal', folder: 0, name: '', company: '', department: '', position: '', address: '', memo: '', birthday: '', groups: [], ...c,
    emails: c.emails?.length ? c.emails.map((e) => ({ ...e })) : [{ address: '', label: '' }],
    phones: c.phones?.length ? c.phones.map((p) => ({ ...p })) : [{ number: '', label: 'mobile' }],
  };
}

// contactDialog shows c (a new contact when it has no id); readOnly shows
// it without saving (the shared book for a user, the trash).
export function contactDialog(c, nav, reload, readOnly) {
  const holder = { model: blankContact(c) };
  openDialog({
    id: 'contact-dialog', title: c.id ? (readOnly ? c.name : t('ctEdit')) : t('ctNew'), wide: true,
    body: html`<${ContactForm} holder=${holder} nav=${nav} readOnly=${readOnly} />`,
    okId: readOnly ? undefined : 'contact-save',
    onOK: readOnly ? undefined : async () => {
      const m = holder.model;
      const emails = m.emails.map((e) => ({ address: e.address.trim(), label: e.label.trim() })).filter((e) => e.address);
      const phones = m.phones.map((p) => ({ number: p.number.trim(), label: p.label })).filter((p) => p.number);
      if (!m.name.trim() && !emails.length) throw new Error(t('ctNeedNameOrEmail'));
      await api.save({ ...m, name: m.name.trim(), emails, phones });
      toast(t(c.id ? 'ctSaved' : 'ctAdded', { name: m.name.trim() || emails[0].address }));
      await reload();
    },
  });
}

// ContactForm's addresses are plain text fields: the server checks them
// and its refusal shows in the dialog, where type=email would refuse
// addresses the server takes (a non-ASCII local part).
function ContactForm({ holder, nav, readOnly }) {
  const [m, setM] = useState(holder.model);
  const set = (patch) => {
    const next = { ...m, ...patch };
    holder.model = next;
    setM(next);
  };
  const text = (id, key, label, more) => html`<label class="field"><span>${label}</span>
    <input id=${id} value=${m[key]} readOnly=${readOnly} maxLength="500" onInput=${(e) => set({ [key]: e.target.value })} ...${more || {}} /></label>`;
  const row = (list, i, patch) => list.map((x, j) => (j === i ? { ...x, ...patch } : x));
  const groups = nav[m.book] || [];
  const kinds = (label) => (phoneKinds.includes(label) ? phoneKinds : [...phoneKinds, label]);
  return html`<div class="ct-form">
    ${text('ct-name', 'name', t('ctName'), { required: false })}
    <fieldset class="ct-multi"><legend>${t('email')}</legend>
      ${m.emails.map((e, i) => html`<div class="ct-email-row" key=${'e' + i}>
        <input class="ct-email-address" type="text" inputmode="email" autocapitalize="off" spellcheck="false" value=${e.address} readOnly=${readOnly} aria-label=${t('email')} placeholder="name@example.com"
          onInput=${(ev) => set({ emails: row(m.emails, i, { address: ev.target.value }) })} />
        <input class="ct-email-label" value=${e.label} readOnly=${readOnly} aria-label=${t('ctLabel')} placeholder=${t('ctLabel')} list="ct-email-labels"
          onInput=${(ev) => set({ emails: row(m.emails, i, { label: ev.target.value }) })} />
        ${!readOnly && m.emails.length > 1 && html`<button type="button" class="ct-row-remove icon-button" aria-label=${t('remove')}
          onClick=${() => set({ emails: m.emails.filter((_, j) => j !== i) })}>×</button>`}
      </div>`)}
      <datalist id="ct-email-labels"><option value=${t('ctLabel_work')} /><option value=${t('ctLabel_home')} /></datalist>
      ${!readOnly && html`<button type="button" id="ct-add-email" class="link" onClick=${() => set({ emails: [...m.emails, { address: '', label: '' }] })}>+ ${t('ctAddEmail')}</button>`}
    </fieldset>
    <fieldset class="ct-multi"><legend>${t('ctPhone')}</legend>
      ${m.phones.map((p, i) => html`<div class="ct-phone-row" key=${'p' + i}>
        <input class="ct-phone-number" type="tel" value=${p.number} readOnly=${readOnly} aria-label=${t('ctPhone')}
          onInput=${(ev) => set({ phones: row(m.phones, i, { number: ev.target.value }) })} />
        <select class="ct-phone-label" value=${p.label} disabled=${readOnly} aria-label=${t('ctLabel')}
          onChange=${(ev) => set({ phones: row(m.phones, i, { label: ev.target.value }) })}>
          ${kinds(p.label).map((k) => html`<option value=${k}>${phoneKinds.includes(k) ? t('ctLabel_' + (k || 'other')) : k}</option>`)}
        </select>
        ${!readOnly && m.phones.length > 1 && html`<button type="button" class="ct-row-remove icon-button" aria-label=${t('remove')}
          onClick=${() => set({ phones: m.phones.filter((_, j) => j !== i) })}>×</button>`}
      </div>`)}
      ${!readOnly && html`<button type="button" id="ct-add-phone" class="link" onClick=${() => set({ phones: [...m.phones, { number: '', label: 'mobile' }] })}>+ ${t('ctAddPhone')}</button>`}
    </fieldset>
    <div class="field-row">${text('ct-company', 'company', t('ctCompany'))}${text('ct-department', 'department', t('ctDepartment'))}${text('ct-position', 'position', t('ctPosition'))}</div>
    ${text('ct-address', 'address', t('ctAddress'))}
    <div class="field-row">
      ${text('ct-birthday', 'birthday', t('ctBirthday'), { placeholder: 'YYYY-MM-DD', pattern: '(\\d{4}|-)-\\d{2}-\\d{2}' })}
      ${m.book === 'personal' && nav.folders?.length > 0 && html`<label class="field"><span>${t('ctFolder')}</span>
        <select id="ct-folder-select" value=${m.folder || 0} disabled=${readOnly} onChange=${(e) => set({ folder: Number(e.target.value) })}>
          <option value="0">${t('ctNoFolder')}</option>${nav.folders.map((f) => html`<option value=${f.id}>${f.name}</option>`)}</select></label>`}
    </div>
    <label class="field"><span>${t('ctMemo')}</span>
      <textarea id="ct-memo" rows="3" readOnly=${readOnly} value=${m.memo} onInput=${(e) => set({ memo: e.target.value })}></textarea></label>
    ${groups.length > 0 && html`<fieldset class="ct-groups"><legend>${t('ctGroups')}</legend>
      ${groups.map((g) => html`<label class="check"><input type="checkbox" class="ct-group-check" data-group-id=${g.id} disabled=${readOnly}
        checked=${m.groups.includes(g.id)} onChange=${(e) => set({ groups: e.target.checked ? [...m.groups, g.id] : m.groups.filter((x) => x !== g.id) })} />
        ${g.name}</label>`)}</fieldset>`}
  </div>`;
}

// groupDialog makes a group of book (no id) with the contacts add, or
// renames group g and changes its members: the members it has and the
// contacts checked in the list, each of which can be unchecked.
export function groupDialog(g, reload) {
  const holder = { name: g.name || '', members: null };
  openDialog({
    id: 'group-dialog', title: g.id ? t('ctEditGroup') : t('ctNewGroup'), okId: 'group-ok',
    body: html`<${GroupForm} g=${g} holder=${holder} />`,
    onOK: async () => {
      const name = holder.name.trim();
      if (!name) throw new Error(t('ctGroupNameMissing'));
      if (!holder.members) throw new Error(t('loading'));
      const members = [...holder.members];
      if (g.id) await api.updateGroup(g.id, { name, members });
      else await api.createGroup({ book: g.book, name, members });
      toast(t(g.id ? 'ctGroupSaved' : 'ctGroupAdded', { name, n: members.length }));
      await reload();
    },
  });
}

function GroupForm({ g, holder }) {
  const [name, setName] = useState(holder.name);
  const [people, setPeople] = useState(null);
  const [on, setOn] = useState(new Set());
  const [error, setError] = useState('');
  useEffect(() => {
    const add = g.add || [];
    const fill = (have) => {
      const seen = new Set(have.map((c) => c.id));
      const all = [...have, ...add.filter((c) => !seen.has(c.id))];
      const ids = new Set(all.map((c) => c.id));
      holder.members = ids;
      setOn(ids);
      setPeople(all);
    };
    if (g.id) api.everyone({ book: g.book, group: g.id }).then(fill, (e) => { setError(e.message); fill([]); });
    else fill([]);
  }, []);
  const toggle = (id) => {
    const next = new Set(on);
    next.has(id) ? next.delete(id) : next.add(id);
    holder.members = next;
    setOn(next);
  };
  return html`<div class="ct-group-form">
    <label class="field"><span>${t('ctGroupName')}</span>
      <input id="group-name" value=${name} maxLength="200" onInput=${(e) => { holder.name = e.target.value; setName(e.target.value); }} /></label>
    <p class="muted">${t('ctGroupMembersHint')}</p>
    ${error && html`<p class="error">${error}</p>`}
    <ul id="group-members" class="picker-list">
      ${people === null && html`<li class="empty">${t('loading')}</li>`}
      ${people !== null && !people.length && html`<li class="empty">${t('ctGroupNoMembers')}</li>`}
      ${(people || []).map((c) => html`<li><label class="picker-item group-member" data-id=${c.id}>
        <input type="checkbox" checked=${on.has(c.id)} onChange=${() => toggle(c.id)} />
        <strong>${c.name || c.emails?.[0]?.address}</strong> <span>${c.emails?.[0]?.address || ''}</span></label></li>`)}
    </ul>
  </div>`;
}

// folderDialog adds a personal folder ([+] beside 내 주소록).
export function folderDialog(reload) {
  openDialog({
    id: 'ct-folder-dialog', title: t('ctAddFolder'), okId: 'ct-folder-ok',
    fields: [{ id: 'ct-folder-name', label: t('ctFolderName'), value: '' }],
    onOK: async ({ 'ct-folder-name': name }) => {
      if (!name.trim()) return false;
      await api.createFolder(name.trim());
      toast(t('ctFolderAdded', { name: name.trim() }));
      await reload();
    },
  });
}
