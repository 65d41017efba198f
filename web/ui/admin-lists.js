// 메일링 리스트 (M4): the domain's lists, each an address that delivers to
// its members (accounts or internet addresses), optionally to members'
// mail only. The whole list is sent on save (PUT), as docs/api.md says.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get, post, request, del } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';
import { confirm } from './dialogs.js';
import { AdminIcon, fieldErrors } from './admin.js';

export function Lists() {
  const [lists, setLists] = useState(null);
  const [form, setForm] = useState(null);
  const [error, setError] = useState('');
  const load = () => get('/api/v1/admin/lists').then((d) => setLists(d.lists || []), report);
  useEffect(() => { load(); }, []);
  const remove = (l) => {
    setError('');
    confirm(t('adListDeleteConfirm', { name: l.address }), () => {
      del('/api/v1/admin/lists/' + l.id).then(load, (err) => setError(err.message));
    }, t('adDelete'));
  };
  return html`<section id="admin-lists" class="console-card">
    <div class="admin-bar"><h1>${t('adMenu_lists')}</h1>
      <button id="list-add" class="icon-button" title=${t('adListAdd')} aria-label=${t('adListAdd')} onClick=${() => setForm({ address: '', name: '', members: '', members_only: false })}><${AdminIcon} name="plus" /></button></div>
    ${form && html`<${ListForm} key=${form.id || 'new'} init=${form} onDone=${() => { setForm(null); load(); }} onCancel=${() => setForm(null)} />`}
    <p id="list-error" class="error" role="alert">${error}</p>
    ${lists && !lists.length && html`<p class="empty">${t('adNoLists')}</p>`}
    <table id="list-table" class="admin-table">
      <thead><tr><th>${t('adListAddress')}</th><th>${t('adListName')}</th><th>${t('adListMembers')}</th><th>${t('adListMembersOnly')}</th><th></th></tr></thead>
      <tbody>${(lists || []).map((l) => html`<tr class="list-row" data-address=${l.address} data-id=${l.id}>
        <td>${l.address}</td><td>${l.name}</td><td class="list-count" title=${l.members.join(', ')}>${t('adMembers', { n: l.members.length })}</td>
        <td>${l.members_only ? t('adOn') : t('adOff')}</td>
        <td><button class="icon-button list-edit" title=${t('adListEdit')} aria-label=${t('adListEdit')}
          onClick=${() => setForm({ ...l, members: l.members.join('\n') })}><${AdminIcon} name="pencil" /></button>
        <button class="icon-button list-delete" title=${t('adDelete')} aria-label=${t('adDelete')} onClick=${() => remove(l)}><${AdminIcon} name="trash" /></button></td>
      </tr>`)}</tbody>
    </table>
  </section>`;
}

function ListForm({ init, onDone, onCancel }) {
  const [f, setF] = useState(init);
  const [errs, setErrs] = useState({});
  const submit = async (e) => {
    e.preventDefault();
    setErrs({});
    const body = { address: f.address.trim(), name: f.name, members_only: f.members_only, members: f.members.split(/[\s,;]+/).filter(Boolean) };
    try {
      if (f.id) await request('PUT', '/api/v1/admin/lists/' + f.id, body);
      else await post('/api/v1/admin/lists', body);
      toast(t('adSaved'));
      onDone();
    } catch (err) {
      setErrs(fieldErrors(err));
    }
  };
  const err = (k) => errs[k] && html`<small class="error field-error" data-field=${k}>${errs[k]}</small>`;
  return html`<form id="list-form" class="admin-form" onSubmit=${submit}>
    <label class="field"><span>${t('adListAddress')}</span><input id="list-address" required value=${f.address} onInput=${(e) => setF({ ...f, address: e.target.value })} />${err('address')}</label>
    <label class="field"><span>${t('adListName')}</span><input id="list-name" value=${f.name} onInput=${(e) => setF({ ...f, name: e.target.value })} />${err('name')}</label>
    <label class="field"><span>${t('adListMembers')}</span><textarea id="list-members" rows="5" placeholder=${t('adListMembersHint')}
      value=${f.members} onInput=${(e) => setF({ ...f, members: e.target.value })}></textarea>${err('members')}</label>
    <label class="check"><input id="list-members-only" type="checkbox" checked=${f.members_only} onChange=${(e) => setF({ ...f, members_only: e.target.checked })} /> ${t('adListMembersOnly')}</label>
    <p class="error">${errs._ || ''}</p>
    <div class="actions"><button id="list-save" class="primary" type="submit">${t('adSave')}</button>
      <button type="button" onClick=${onCancel}>${t('adCancel')}</button></div>
  </form>`;
}
