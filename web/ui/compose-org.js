// The address picker's 조직도 tab (M6: users browse the org chart and
// mail a department): the department tree of GET /api/v1/org, each
// department opened and closed, its people listed under it with
// checkboxes, and 부서 전체 choosing everyone in the department and the
// departments below it. What is chosen joins the picker's own choice
// (keys "a:" + e-mail), so that the picker's buttons add it as To, Cc or
// Bcc like any other address.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get } from './api.js';
import { report } from './actions.js';

// below returns the ids of dep and of every department under it; the
// list is in tree order, so a department's descendants follow it until
// one at its depth or above.
function below(deps, dep) {
  const i = deps.indexOf(dep);
  const out = [dep.id];
  for (let j = i + 1; j < deps.length && deps[j].depth > dep.depth; j++) out.push(deps[j].id);
  return out;
}

// OrgTab shows the tree; chosen is the picker's Set of keys, setChosen
// replaces it, and known learns each person's name for the picker's
// "Name <address>" form.
export function OrgTab({ filter, chosen, setChosen, known }) {
  const [org, setOrg] = useState(null);
  const [open, setOpen] = useState(new Set());
  useEffect(() => {
    get('/api/v1/org').then((o) => {
      const deps = o.departments || [];
      for (const d of deps) for (const m of d.members || []) if (m.email) known[m.email] = m;
      for (const m of o.unassigned || []) if (m.email) known[m.email] = m;
      setOrg({ departments: deps, unassigned: o.unassigned || [] });
      setOpen(new Set(deps.filter((d) => d.depth === 0).map((d) => d.id)));
    }, (e) => { report(e); setOrg({ departments: [], unassigned: [] }); });
  }, []);
  if (org === null) return html`<li class="empty">${t('loading')}</li>`;
  const q = filter.trim().toLowerCase();
  const match = (m) => m.email && (!q || m.email.toLowerCase().includes(q) || (m.name || '').toLowerCase().includes(q));
  const deps = org.departments;
  const byID = new Map(deps.map((d) => [d.id, d]));
  // a department shows when every one above it is open (all, while filtering)
  const shown = (d) => {
    for (let p = byID.get(d.parent); p; p = byID.get(p.parent)) if (!open.has(p.id) && !q) return false;
    return true;
  };
  const everyone = (d) => below(deps, d).flatMap((id) => byID.get(id).members || []).filter((m) => m.email);
  const toggleOpen = (id) => {
    const next = new Set(open);
    next.has(id) ? next.delete(id) : next.add(id);
    setOpen(next);
  };
  const toggle = (key) => {
    const next = new Set(chosen);
    next.has(key) ? next.delete(key) : next.add(key);
    setChosen(next);
  };
  // 부서 전체 chooses them all, or, when all are chosen already, none
  const whole = (d) => {
    const keys = everyone(d).map((m) => 'a:' + m.email);
    const next = new Set(chosen);
    const all = keys.length && keys.every((k) => next.has(k));
    keys.forEach((k) => (all ? next.delete(k) : next.add(k)));
    setChosen(next);
  };
  const person = (m, depth) => html`<li key=${'m' + m.email} class="org-person"><label class="picker-item" data-email=${m.email}
    style=${'padding-left:' + (depth * 16 + 28) + 'px'}>
    <input type="checkbox" checked=${chosen.has('a:' + m.email)} onChange=${() => toggle('a:' + m.email)} />
    <strong>${m.name || m.email}</strong>${m.position && html` <small>${m.position}</small>`} <span>${m.email}</span></label></li>`;
  const rows = [];
  for (const d of deps) {
    if (!shown(d)) continue;
    const people = (d.members || []).filter(match);
    if (q && !everyone(d).some(match)) continue;
    const isOpen = open.has(d.id) || !!q;
    const n = everyone(d).length;
    rows.push(html`<li key=${'d' + d.id} class="org-dept" data-dept-id=${d.id} data-dept=${d.name}>
      <div class="picker-item picker-group" style=${'padding-left:' + (d.depth * 16 + 4) + 'px'}>
        <button type="button" class="link org-toggle" title=${t(isOpen ? 'orgCollapse' : 'orgExpand')} aria-label=${t(isOpen ? 'orgCollapse' : 'orgExpand') + ' ' + d.name}
          aria-expanded=${isOpen} onClick=${() => toggleOpen(d.id)}>${isOpen ? '▾' : '▸'}</button>
        <strong>${d.name}</strong> <small>${t('pickerGroupMembers', { n })}</small>
        <button type="button" class="org-whole" title=${t('orgWholeDeptTitle')} disabled=${!n} onClick=${() => whole(d)}>${t('orgWholeDept')}</button>
      </div></li>`);
    if (isOpen) people.forEach((m) => rows.push(person(m, d.depth + 1)));
  }
  const loose = org.unassigned.filter(match);
  if (loose.length) {
    rows.push(html`<li key="unassigned" class="org-dept org-unassigned"><div class="picker-item picker-group"><strong>${t('orgUnassigned')}</strong></div></li>`);
    loose.forEach((m) => rows.push(person(m, 1)));
  }
  if (!rows.length) return html`<li class="empty">${t('orgEmpty')}</li>`;
  return rows;
}
