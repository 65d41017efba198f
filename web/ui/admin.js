// The domain administrator's console (#/admin): a left menu of 기본 설정
// (the domain's defaults and quota, M1), 스팸관리 설정 (the domain's spam
// lists, M2), 사용자 관리 (accounts, M1/M3), 부서 관리 (M6), 메일링 리스트
// (M4), 메일함 복사 (M5), 보안 설정 (M7–M12), API 토큰 (M14) and 감사
// 로그 (the audit log). Only a session whose account is an
// administrator shows it; the server refuses everyone else (403) whatever
// the browser shows. The routes are #/admin/<page>; #/admin alone opens
// the accounts.

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t, size, shortDate } from './i18n.js';
import { get, post, patch, query } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';
import { Departments, useDepartments } from './admin-departments.js';
import { Lists } from './admin-lists.js';
import { Security } from './admin-security.js';
import { Tokens } from './admin-tokens.js';
import { Audit } from './admin-audit.js';
import { DomainSettings } from './admin-domain.js';
import { SpamSettings } from './admin-spam.js';
import { MailboxCopy } from './admin-copy.js';
import { BulkTools, SelectAllBox, SelectBox, useSelection } from './admin-users-bulk.js';

// Icons of the console's buttons, inline SVG as icons.js draws them (no
// emoji: many office machines cannot draw them).
const iconPaths = {
  personPlus: 'M9 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-3.3 0-7 1.7-7 4v2h14v-2c0-2.3-3.7-4-7-4zm10-4V7h-2v3h-3v2h3v3h2v-3h3v-2z',
  pencil: 'M3 17.2V21h3.8l11-11-3.8-3.8zM20.7 7a1 1 0 0 0 0-1.4l-2.3-2.3a1 1 0 0 0-1.4 0l-1.8 1.8 3.8 3.8z',
  trash: 'M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6zM19 4h-3.5l-1-1h-5l-1 1H5v2h14z',
  plus: 'M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z',
};

export function AdminIcon({ name }) {
  return html`<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d=${iconPaths[name]} fill="currentColor" /></svg>`;
}

const pages = ['domain', 'spam', 'users', 'departments', 'lists', 'copy', 'security', 'tokens', 'audit'];
export const adminPage = () => (/^#\/admin(?:\/([a-z]+))?/.exec(location.hash) || [])[1] || 'users';

// fieldErrors turns the API's 400 invalid into {field: message}.
export function fieldErrors(e) {
  return e.status === 400 && e.field ? { [e.field]: e.message } : { _: e.message };
}

export function Admin({ state }) {
  const [page, setPage] = useState(adminPage());
  useEffect(() => {
    const onHash = () => setPage(adminPage());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (!state.auth.account.admin) return html`<p id="admin-denied" class="empty">${t('adDenied')}</p>`;
  return html`<div id="admin-console" class="admin-console">
    <nav class="admin-menu" aria-label=${t('adConsole')}>
      ${pages.map((p) => html`<a id=${'admin-menu-' + p} class=${'admin-menu-item' + (p === page ? ' selected' : '')} href=${'#/admin/' + p}>${t('adMenu_' + p)}</a>`)}
    </nav>
    <main class="admin-main">
      ${page === 'domain' && html`<${DomainSettings} />`}
      ${page === 'spam' && html`<${SpamSettings} />`}
      ${page === 'users' && html`<${Users} />`}
      ${page === 'departments' && html`<${Departments} />`}
      ${page === 'lists' && html`<${Lists} />`}
      ${page === 'copy' && html`<${MailboxCopy} />`}
      ${page === 'security' && html`<${Security} />`}
      ${page === 'tokens' && html`<${Tokens} />`}
      ${page === 'audit' && html`<${Audit} />`}
    </main>
  </div>`;
}

const columns = [['name', 'adName'], ['email', 'adEmail'], ['department', 'adDepartment', false], ['usage', 'adUsage'], ['last_login', 'adLastLogin'], ['enabled', 'adService', false]];

function Users() {
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  const [sort, setSort] = useState('name');
  const [page, setPage] = useState(1);
  const [data, setData] = useState(null);
  const [editing, setEditing] = useState(null); // null, 'new' or a user
  const depts = useDepartments();
  const sel = useSelection();
  const load = async () => {
    try {
      setData(await get('/api/v1/admin/users' + query({ q, sort, page })));
    } catch (e) {
      report(e);
    }
  };
  useEffect(() => { load(); }, [q, sort, page]);
  const timer = useRef(0);
  const onSearch = (v) => {
    setTyped(v);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => { setPage(1); setQ(v.trim()); }, 300);
  };
  const sortBy = (key) => setSort(sort === key ? '-' + key : key);
  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1;
  return html`<section id="admin-users" class="console-card">
    <div class="admin-bar">
      <h1>${t('adMenu_users')}</h1>
      <input id="admin-user-search" type="search" placeholder=${t('adSearchUsers')} value=${typed} onInput=${(e) => onSearch(e.target.value)} />
      <button id="admin-user-add" class="icon-button" title=${t('adAddUser')} aria-label=${t('adAddUser')} onClick=${() => setEditing('new')}><${AdminIcon} name="personPlus" /></button>
      <${BulkTools} sel=${sel} users=${data?.users || []} onChanged=${load} />
      <span id="admin-user-total" class="muted">${data ? t('adTotal', { n: data.total }) : ''}</span>
    </div>
    ${editing && html`<${UserForm} key=${editing === 'new' ? 'new' : editing.id} user=${editing === 'new' ? null : editing} depts=${depts}
      onDone=${() => { setEditing(null); load(); }} onCancel=${() => setEditing(null)} />`}
    <table id="admin-user-table" class="admin-table">
      <thead><tr><th><${SelectAllBox} sel=${sel} users=${data?.users || []} /></th>${columns.map(([key, label, sortable]) => html`<th>${sortable === false ? t(label) : html`<button class=${'link sort' + (sort.replace('-', '') === key ? ' on' : '')}
        data-sort=${key} onClick=${() => sortBy(key)}>${t(label)}${sort === key ? ' ▲' : sort === '-' + key ? ' ▼' : ''}</button>`}</th>`)}<th></th></tr></thead>
      <tbody>${(data?.users || []).map((u) => html`<tr class=${'admin-user' + (u.enabled ? '' : ' disabled')} data-email=${u.email} data-id=${u.id}>
        <td><${SelectBox} sel=${sel} user=${u} /></td>
        <td class="u-name">${u.name}${u.admin ? html` <small class="badge">${t('adAdminBadge')}</small>` : ''}</td>
        <td class="u-email">${u.email}</td>
        <td class="u-dept">${u.department_name || ''}${u.position ? ' · ' + u.position : ''}</td>
        <td class="u-usage"><${Usage} used=${u.used_bytes} quota=${u.quota_bytes} /></td>
        <td class="u-login">${u.last_login ? shortDate(u.last_login) : '—'}</td>
        <td class="u-service" data-enabled=${u.enabled ? '1' : '0'}>${u.enabled ? t('adOn') : t('adOff')}</td>
        <td><button class="icon-button u-edit" title=${t('adEditUser')} aria-label=${t('adEditUser')} onClick=${() => setEditing(u)}><${AdminIcon} name="pencil" /></button></td>
      </tr>`)}</tbody>
    </table>
    ${data && !data.users.length && html`<p class="empty">${t('adNoUsers')}</p>`}
    <div class="admin-paging">
      <button id="admin-page-prev" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>‹</button>
      <span>${page} / ${pages}</span>
      <button id="admin-page-next" disabled=${page >= pages} onClick=${() => setPage(page + 1)}>›</button>
    </div>
  </section>`;
}

export function Usage({ used, quota }) {
  const pct = quota ? Math.min(100, Math.round((used * 100) / quota)) : 0;
  return html`<span class="usage" title=${size(used) + ' / ' + (quota ? size(quota) : t('adUnlimited'))}>
    <span class="usage-bar"><span style=${'width:' + pct + '%'}></span></span>
    <small>${size(used)} / ${quota ? size(quota) : t('adUnlimited')}</small></span>`;
}

const MB = 1024 * 1024;

// UserForm makes an account (POST) or changes one (PATCH).
function UserForm({ user, depts, onDone, onCancel }) {
  const [f, setF] = useState(user ? { ...user, quota: user.quota_bytes ? Math.round(user.quota_bytes / MB) : 0, password: '' }
    : { email: '', name: '', password: '', recovery_email: '', quota: 0, admin: false, department: 0, position: '', phone: '', enabled: true, clients: true });
  const [errs, setErrs] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErrs({});
    const body = { name: f.name, quota: Number(f.quota) * MB, admin: f.admin, department: Number(f.department), position: f.position, phone: f.phone };
    const recovery = (f.recovery_email || '').trim();
    if (recovery !== (user?.recovery_email || '')) body.recovery_email = recovery; // sent when given or changed
    try {
      if (user) {
        Object.assign(body, { enabled: f.enabled, clients: f.clients });
        if (f.password) body.password = f.password;
        await patch('/api/v1/admin/users/' + user.id, body);
        toast(t('adSaved'));
      } else {
        await post('/api/v1/admin/users', { ...body, email: f.email.trim(), password: f.password });
        toast(t('adUserCreated'));
      }
      onDone();
    } catch (err) {
      setErrs(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  };
  const err = (k) => errs[k] && html`<small class="error field-error" data-field=${k}>${errs[k]}</small>`;
  const onOff = (k, label) => html`<label class="check"><input id=${'user-' + k} type="checkbox" checked=${f[k]} onChange=${set(k)} /> ${t(label)}</label>${err(k)}`;
  return html`<form id="admin-user-form" class="admin-form" onSubmit=${submit}>
    <h2>${user ? user.email : t('adAddUser')}</h2>
    ${!user && html`<label class="field"><span>${t('adEmail')}</span><input id="user-email-input" required value=${f.email} onInput=${set('email')} />${err('email')}</label>`}
    <label class="field"><span>${t('adName')}</span><input id="user-name" value=${f.name} onInput=${set('name')} />${err('name')}</label>
    <label class="field"><span>${user ? t('adNewPassword') : t('password')}</span><input id="user-password" type="password" autocomplete="new-password"
      required=${!user} value=${f.password} onInput=${set('password')} />${err('password')}</label>
    <label class="field"><span>${t('adRecoveryEmail')}</span><input id="user-recovery" type="email" autocomplete="off" value=${f.recovery_email || ''}
      onInput=${set('recovery_email')} />${err('recovery_email')}</label>
    <label class="field"><span>${t('adQuotaMB')}</span><input id="user-quota" type="number" min="0" value=${f.quota} onInput=${set('quota')} />${err('quota')}</label>
    <label class="field"><span>${t('adDepartment')}</span><select id="user-department" value=${String(f.department)} onChange=${set('department')}>
      <option value="0">${t('adNoDepartment')}</option>
      ${(depts || []).map((d) => html`<option value=${String(d.id)}>${'\u00a0\u00a0'.repeat(d.depth) + d.name}</option>`)}
    </select>${err('department')}</label>
    <label class="field"><span>${t('adPosition')}</span><input id="user-position" value=${f.position} onInput=${set('position')} />${err('position')}</label>
    <label class="field"><span>${t('adPhone')}</span><input id="user-phone" value=${f.phone} onInput=${set('phone')} />${err('phone')}</label>
    ${user && onOff('enabled', 'adServiceOn')}
    ${onOff('admin', 'adAdminOn')}
    ${user && onOff('clients', 'adClientsOn')}
    <p class="error" id="admin-user-error">${errs._ || ''}</p>
    <div class="actions"><button id="admin-user-save" class="primary" type="submit" disabled=${busy}>${t('adSave')}</button>
      <button type="button" id="admin-user-cancel" onClick=${onCancel}>${t('adCancel')}</button></div>
  </form>`;
}
