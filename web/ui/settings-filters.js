// 메일분류 규칙 (S4): the account's filter rules in the order they run
// (drag a row, or its up and down buttons), each with an on/off switch; an
// editor of conditions and actions ([+] adds one); "apply to a folder"
// runs a rule over mail already received as a background job whose
// progress the screen follows.

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t, folderName } from './i18n.js';
import { get, post, request, del } from './api.js';
import { toast } from './store.js';
import { roleOrder, loadMailboxes, mailboxByRole, report } from './actions.js';
import { openDialog, confirm } from './dialogs.js';
import { setDirty } from './settings-state.js';
import { matches } from './settings-form.js';

const fields = ['from', 'to', 'subject', 'body'];
const ops = ['contains', 'not_contains'];
const actionTypes = ['move', 'mark_read', 'forward', 'delete'];

const listOf = (d) => (Array.isArray(d) ? d : d?.filters || []);

function folderOptions(mailboxes) {
  const system = roleOrder.map((r) => mailboxes.find((m) => m.role === r)).filter(Boolean).filter((m) => m.role !== 'drafts');
  const user = mailboxes.filter((m) => !m.role).sort((a, b) => a.name.localeCompare(b.name));
  return [...system, ...user];
}

function blankFilter(mailboxes) {
  const target = mailboxes.find((m) => !m.role) || mailboxByRole('archive') || mailboxByRole('inbox');
  return {
    name: '', enabled: true, match: 'all',
    conditions: [{ field: 'from', op: 'contains', value: '' }],
    actions: [{ type: 'move', mailbox: target?.id || 0 }],
  };
}

// summary says a rule in one line: "보낸사람 contains a, 제목 ... → 거래처".
function summary(f, mailboxes) {
  const cond = f.conditions.map((c) => `${t('field_' + c.field)} ${t('op_' + c.op)} "${c.value}"`).join(f.match === 'any' ? ` ${t('matchOr')} ` : ', ');
  const acts = f.actions.map((a) => {
    if (a.type === 'move') {
      const mb = mailboxes.find((m) => m.id === a.mailbox);
      return t('actionMoveTo', { name: mb ? folderName(mb) : '?' });
    }
    if (a.type === 'forward') return t('actionForwardTo', { address: a.address });
    return t('action_' + a.type);
  }).join(', ');
  return `${cond} → ${acts}`;
}

// body is what PUT and POST take: the rule without its id.
const body = ({ name, enabled, match, conditions, actions }) => ({
  name, enabled, match, conditions,
  actions: actions.map((a) => (a.type === 'move' ? { type: 'move', mailbox: Number(a.mailbox) } : a.type === 'forward' ? { type: 'forward', address: a.address } : { type: a.type })),
});

export function Filters({ state }) {
  const [filters, setFilters] = useState(null);
  const [editing, setEditing] = useState(null); // a rule (with id when it exists)
  const [job, setJob] = useState(null);
  const load = async () => {
    try {
      setFilters(listOf(await get('/api/v1/filters')));
    } catch (e) {
      report(e);
      setFilters([]);
    }
  };
  useEffect(() => { load(); }, []);

  const reorder = async (next) => {
    setFilters(next);
    try {
      await post('/api/v1/filters/order', { ids: next.map((f) => f.id) });
    } catch (e) {
      report(e);
      load();
    }
  };
  const move = (i, d) => {
    const j = i + d;
    if (!filters || j < 0 || j >= filters.length) return;
    const next = [...filters];
    [next[i], next[j]] = [next[j], next[i]];
    reorder(next);
  };
  const toggle = async (f, on) => {
    try {
      await request('PUT', `/api/v1/filters/${f.id}`, body({ ...f, enabled: on }));
      toast(on ? t('filterOn') : t('filterOff'));
    } catch (e) {
      report(e);
    }
    load();
  };
  const remove = (f) => confirm(t('filterDeleteConfirm', { name: f.name || summary(f, state.mailboxes) }), async () => {
    await del(`/api/v1/filters/${f.id}`);
    toast(t('filterDeleted'));
    load();
  }, t('delete'));

  const drag = useRef(-1);
  const onDrop = (i) => (e) => {
    e.preventDefault();
    const from = drag.current;
    drag.current = -1;
    if (from < 0 || from === i) return;
    const next = [...filters];
    const [f] = next.splice(from, 1);
    next.splice(i, 0, f);
    reorder(next);
  };

  return html`<div id="settings-filters" class="settings-form">
    <h2>${t('setFilters')}</h2>
    <p class="muted">${t('filtersHint')}</p>
    ${job && html`<${JobProgress} job=${job} onDone=${() => setJob(null)} />`}
    ${editing
      ? html`<${FilterEditor} key=${editing.id || 'new'} rule=${editing} mailboxes=${state.mailboxes} me=${state.auth.account.email}
          onDone=${async (saved, applyTo) => {
            setEditing(null);
            await load();
            if (saved && applyTo) startApply(saved, applyTo, setJob);
          }} />`
      : html`<button id="filter-new" type="button" class="primary" onClick=${() => setEditing(blankFilter(state.mailboxes))}>${t('filterNew')}</button>`}
    ${filters === null && html`<p class="empty">${t('loading')}</p>`}
    ${filters !== null && !filters.length && !editing && html`<p id="filters-empty" class="empty">${t('filtersNone')}</p>`}
    <ol id="filter-list" class="filter-list">${(filters || []).map((f, i) => html`<li class=${'filter-row' + (f.enabled ? '' : ' off')} data-id=${f.id} key=${f.id}
      draggable="true" onDragStart=${(e) => { drag.current = i; e.dataTransfer.effectAllowed = 'move'; e.dataTransfer.setData('text/plain', String(f.id)); }}
      onDragOver=${(e) => { if (drag.current >= 0) e.preventDefault(); }} onDrop=${onDrop(i)}>
      <span class="drag-handle" aria-hidden="true">⋮⋮</span>
      <label class="switch" title=${t('filterEnabled')}><input type="checkbox" class="filter-enabled" checked=${f.enabled}
        aria-label=${t('filterEnabled')} onChange=${(e) => toggle(f, e.target.checked)} /></label>
      <div class="filter-text"><strong class="filter-name">${f.name || t('filterUnnamed', { n: i + 1 })}</strong>
        <span class="filter-summary muted">${summary(f, state.mailboxes)}</span></div>
      <span class="filter-tools">
        <button type="button" class="filter-up icon-button" disabled=${i === 0} aria-label=${t('moveUp')} title=${t('moveUp')} onClick=${() => move(i, -1)}>↑</button>
        <button type="button" class="filter-down icon-button" disabled=${i === filters.length - 1} aria-label=${t('moveDown')} title=${t('moveDown')} onClick=${() => move(i, 1)}>↓</button>
        <button type="button" class="filter-edit" onClick=${() => setEditing(f)}>${t('edit')}</button>
        <button type="button" class="filter-apply" onClick=${() => applyDialog(f, state.mailboxes, setJob)}>${t('filterApply')}</button>
        <button type="button" class="filter-delete danger" onClick=${() => remove(f)}>${t('delete')}</button>
      </span>
    </li>`)}</ol>
  </div>`;
}

async function startApply(f, mailbox, setJob) {
  try {
    const r = await post(`/api/v1/filters/${f.id}/apply`, { mailbox: Number(mailbox) });
    const id = r?.job?.id ?? r?.job_id ?? r?.id;
    setJob({ id, name: f.name, state: r?.state || 'queued', done: 0, total: r?.total || 0 });
  } catch (e) {
    report(e);
  }
}

function applyDialog(f, mailboxes, setJob) {
  const inbox = mailboxes.find((m) => m.role === 'inbox');
  openDialog({
    id: 'apply-dialog', title: t('filterApplyTitle'), okId: 'apply-ok', text: t('filterApplyText'),
    fields: [{ id: 'apply-mailbox', label: t('folderName'), value: String(inbox?.id || ''),
      options: folderOptions(mailboxes).map((m) => [String(m.id), folderName(m)]) }],
    onOK: ({ 'apply-mailbox': mb }) => { startApply(f, mb, setJob); },
  });
}

// JobProgress follows GET /api/v1/jobs/{id} until the job ends.
function JobProgress({ job, onDone }) {
  const [j, setJ] = useState(job);
  useEffect(() => {
    let live = true;
    let timer = 0;
    const tick = async () => {
      try {
        const next = await get(`/api/v1/jobs/${job.id}`);
        if (!live) return;
        setJ({ ...job, ...next });
        if (next.state === 'done' || next.state === 'failed') {
          if (next.state === 'done') toast(t('filterApplied', { n: next.result?.matched ?? next.done ?? 0 }));
          loadMailboxes();
          timer = setTimeout(() => live && onDone(), 4000);
          return;
        }
      } catch (e) {
        report(e);
        return;
      }
      timer = setTimeout(tick, 500);
    };
    tick();
    return () => { live = false; clearTimeout(timer); };
  }, [job.id]);
  const pct = j.total ? Math.round((j.done / j.total) * 100) : 0;
  return html`<div id="filter-job" class="notice job" data-state=${j.state} data-done=${j.done ?? 0} data-total=${j.total ?? 0} aria-live="polite">
    <span>${j.state === 'failed' ? t('jobFailed', { error: j.error || '' }) : j.state === 'done' ? t('jobDone', { done: j.done ?? 0 })
      : t('jobRunning', { done: j.done ?? 0, total: j.total ?? 0 })}</span>
    <progress class="progress" max="100" value=${j.state === 'done' ? 100 : pct}></progress>
  </div>`;
}

function FilterEditor({ rule, mailboxes, me, onDone }) {
  const [f, setF] = useState(() => JSON.parse(JSON.stringify(rule)));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [applyTo, setApplyTo] = useState('');
  const start = useRef(JSON.stringify(rule));
  const changed = JSON.stringify(f) !== start.current;
  useEffect(() => { setDirty(changed ? { section: 'filters' } : null); }, [changed]);
  useEffect(() => () => setDirty(null), []);
  const set = (patch) => { setF((x) => ({ ...x, ...patch })); setError(null); };
  const setCond = (i, patch) => set({ conditions: f.conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const setAct = (i, patch) => set({ actions: f.actions.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
  const boxes = folderOptions(mailboxes);
  const err = (field) => error && matches(error.field, field) && html`<p class="field-error" data-error-for=${field} role="alert">${error.message}</p>`;
  const bad = (field) => !!(error && matches(error.field, field));

  const save = async (e) => {
    e.preventDefault();
    if (!f.conditions.length) return setError({ field: 'conditions', message: t('filterNeedsCondition') });
    if (!f.actions.length) return setError({ field: 'actions', message: t('filterNeedsAction') });
    const forward = f.actions.findIndex((a) => a.type === 'forward' && a.address.trim().toLowerCase() === me.toLowerCase());
    if (forward >= 0) return setError({ field: `actions[${forward}].address`, message: t('forwardSelf') });
    setBusy(true);
    try {
      const saved = f.id ? await request('PUT', `/api/v1/filters/${f.id}`, body(f)) : await post('/api/v1/filters', body(f));
      setDirty(null);
      toast(t('filterSaved'));
      onDone(saved?.id ? saved : { ...f, id: saved?.filter?.id }, applyTo);
    } catch (err2) {
      setError({ field: err2.field || '', message: err2.message });
    } finally {
      setBusy(false);
    }
  };

  return html`<form id="filter-editor" class="settings-card filter-editor" onSubmit=${save} novalidate>
    <h3>${f.id ? t('filterEdit') : t('filterNew')}</h3>
    <label class="field"><span>${t('filterName')}</span>
      <input id="filter-name" value=${f.name} maxLength="100" onInput=${(e) => set({ name: e.target.value })} />${err('name')}</label>
    <label class="check"><input id="filter-enabled" type="checkbox" checked=${f.enabled} onChange=${(e) => set({ enabled: e.target.checked })} /> ${t('filterEnabled')}</label>
    <div class="field"><span>${t('filterConditions')}</span>
      <select id="filter-match" value=${f.match} aria-label=${t('filterMatch')} onChange=${(e) => set({ match: e.target.value })}>
        <option value="all">${t('matchAll')}</option><option value="any">${t('matchAny')}</option>
      </select>
      <ul class="filter-parts">${f.conditions.map((c, i) => html`<li class=${'filter-condition' + (bad(`conditions[${i}]`) || bad(`conditions.${i}`) ? ' invalid' : '')}>
        <select class="cond-field" value=${c.field} aria-label=${t('filterField')} onChange=${(e) => setCond(i, { field: e.target.value })}>
          ${fields.map((x) => html`<option value=${x}>${t('field_' + x)}</option>`)}</select>
        <select class="cond-op" value=${c.op} aria-label=${t('filterOp')} onChange=${(e) => setCond(i, { op: e.target.value })}>
          ${ops.map((x) => html`<option value=${x}>${t('op_' + x)}</option>`)}</select>
        <input class="cond-value" value=${c.value} maxLength="200" aria-label=${t('filterValue')} onInput=${(e) => setCond(i, { value: e.target.value })} />
        <button type="button" class="cond-remove icon-button" aria-label=${t('remove')} onClick=${() => set({ conditions: f.conditions.filter((_, j) => j !== i) })}>×</button>
        ${err(`conditions[${i}]`) || err(`conditions.${i}`)}
      </li>`)}</ul>
      <button id="filter-add-condition" type="button" class="link" onClick=${() => set({ conditions: [...f.conditions, { field: 'subject', op: 'contains', value: '' }] })}>+ ${t('filterAddCondition')}</button>
      ${error?.field === 'conditions' && err('conditions')}
    </div>
    <div class="field"><span>${t('filterActions')}</span>
      <ul class="filter-parts">${f.actions.map((a, i) => html`<li class=${'filter-action' + (bad(`actions[${i}]`) || bad(`actions.${i}`) ? ' invalid' : '')}>
        <select class="action-type" value=${a.type} aria-label=${t('filterActionType')}
          onChange=${(e) => setAct(i, e.target.value === 'move' ? { type: 'move', mailbox: a.mailbox || boxes[0]?.id } : { type: e.target.value, address: a.address || '' })}>
          ${actionTypes.map((x) => html`<option value=${x}>${t('action_' + x)}</option>`)}</select>
        ${a.type === 'move' && html`<select class="action-mailbox" value=${String(a.mailbox)} aria-label=${t('folderName')} onChange=${(e) => setAct(i, { mailbox: Number(e.target.value) })}>
          ${boxes.map((m) => html`<option value=${String(m.id)}>${folderName(m)}</option>`)}</select>`}
        ${a.type === 'forward' && html`<input class="action-address" type="email" value=${a.address || ''} placeholder="name@example.com" aria-label=${t('email')}
          onInput=${(e) => setAct(i, { address: e.target.value.trim() })} />`}
        <button type="button" class="action-remove icon-button" aria-label=${t('remove')} onClick=${() => set({ actions: f.actions.filter((_, j) => j !== i) })}>×</button>
        ${err(`actions[${i}]`) || err(`actions.${i}`)}
      </li>`)}</ul>
      <button id="filter-add-action" type="button" class="link" onClick=${() => set({ actions: [...f.actions, { type: 'mark_read' }] })}>+ ${t('filterAddAction')}</button>
      ${error?.field === 'actions' && err('actions')}
    </div>
    <label class="field"><span>${t('filterApplyNow')}</span>
      <select id="filter-apply-now" value=${applyTo} onChange=${(e) => setApplyTo(e.target.value)}>
        <option value="">${t('filterApplyNone')}</option>
        ${boxes.map((m) => html`<option value=${String(m.id)}>${folderName(m)}</option>`)}
      </select></label>
    ${error && !error.field && html`<p id="filter-error" class="error" role="alert">${error.message}</p>`}
    ${error && error.field && !/^(name|conditions|actions)/.test(error.field) && html`<p id="filter-error" class="error" role="alert">${error.message}</p>`}
    <div class="settings-save">
      <button id="filter-save" type="submit" class="primary" disabled=${busy}>${t('saveSettings')}</button>
      <button id="filter-cancel" type="button" onClick=${() => { setDirty(null); onDone(null); }}>${t('cancel')}</button>
    </div>
  </form>`;
}
