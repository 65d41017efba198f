// 부서 관리 (M6): the domain's department tree. Add, rename, move and
// delete; the server's refusals (a sibling with that name, a parent below
// the department itself, one with sub-departments) shown as it words them.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get, post, request, del } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';
import { confirm } from './dialogs.js';
import { AdminIcon } from './admin.js';

// withDepth orders the departments as a tree and gives each its depth.
function withDepth(list) {
  const out = [];
  const walk = (parent, depth) => {
    for (const d of list.filter((x) => x.parent === parent)) {
      out.push({ ...d, depth });
      walk(d.id, depth + 1);
    }
  };
  walk(0, 0);
  return out;
}

async function loadDepartments() {
  return withDepth((await get('/api/v1/admin/departments')).departments || []);
}

// useDepartments is the tree for a form's select (null while loading).
export function useDepartments() {
  const [depts, setDepts] = useState(null);
  useEffect(() => { loadDepartments().then(setDepts, report); }, []);
  return depts;
}

export function Departments() {
  const [depts, setDepts] = useState(null);
  const [form, setForm] = useState(null); // {id?, name, parent}
  const [error, setError] = useState('');
  const load = () => loadDepartments().then(setDepts, report);
  useEffect(() => { load(); }, []);
  const save = async (e) => {
    e.preventDefault();
    setError('');
    const body = { name: form.name.trim(), parent: Number(form.parent) };
    try {
      if (form.id) await request('PUT', '/api/v1/admin/departments/' + form.id, body);
      else await post('/api/v1/admin/departments', body);
      toast(t('adSaved'));
      setForm(null);
      load();
    } catch (err) {
      setError(err.message);
    }
  };
  const remove = (d) => {
    setError('');
    confirm(t('adDeptDeleteConfirm', { name: d.name }), () => {
      del('/api/v1/admin/departments/' + d.id).then(load, (err) => setError(err.message));
    }, t('adDelete'));
  };
  return html`<section id="admin-departments" class="console-card">
    <div class="admin-bar"><h1>${t('adMenu_departments')}</h1>
      <button id="dept-add" class="icon-button" title=${t('adDeptAdd')} aria-label=${t('adDeptAdd')} onClick=${() => setForm({ name: '', parent: 0 })}><${AdminIcon} name="plus" /></button></div>
    ${form && html`<form id="dept-form" class="admin-form inline" onSubmit=${save}>
      <label class="field"><span>${t('adDeptName')}</span><input id="dept-name" required value=${form.name} onInput=${(e) => setForm({ ...form, name: e.target.value })} /></label>
      <label class="field"><span>${t('adDeptParent')}</span><select id="dept-parent" value=${String(form.parent)} onChange=${(e) => setForm({ ...form, parent: e.target.value })}>
        <option value="0">${t('adDeptTop')}</option>
        ${(depts || []).filter((d) => d.id !== form.id).map((d) => html`<option value=${String(d.id)}>${'\u00a0\u00a0'.repeat(d.depth) + d.name}</option>`)}
      </select></label>
      <div class="actions"><button id="dept-save" class="primary" type="submit">${t('adSave')}</button>
        <button type="button" onClick=${() => { setForm(null); setError(''); }}>${t('adCancel')}</button></div>
    </form>`}
    <p id="dept-error" class="error" role="alert">${error}</p>
    ${depts && !depts.length && html`<p class="empty">${t('adNoDepartments')}</p>`}
    <ul id="dept-tree" class="dept-tree">
      ${(depts || []).map((d) => html`<li class="dept" data-id=${d.id} data-name=${d.name} style=${'padding-left:' + (d.depth * 1.5 + 0.5) + 'em'}>
        <span class="dept-name">${d.name}</span> <small class="muted">${t('adMembers', { n: d.members })}</small>
        <button class="icon-button dept-edit" title=${t('adDeptEdit')} aria-label=${t('adDeptEdit')} onClick=${() => setForm({ id: d.id, name: d.name, parent: d.parent })}><${AdminIcon} name="pencil" /></button>
        <button class="icon-button dept-delete" title=${t('adDelete')} aria-label=${t('adDelete')} onClick=${() => remove(d)}><${AdminIcon} name="trash" /></button>
      </li>`)}
    </ul>
  </section>`;
}
