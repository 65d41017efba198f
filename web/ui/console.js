// The system operator's console: the hosted domains, each with its
// administrators and users, and the DNS records to publish. The operator
// is the `operator` login that `postroom serve` prints at first start;
// what he can do here the command line does too (both call internal/admin).
// The routes are #/domain/{name} and #/status (the status panel, also shown
// above the welcome); each domain shows its terms (console-terms.js).

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t, size } from './i18n.js';
import { get, post } from './api.js';
import { logout, report } from './actions.js';
import { toast } from './store.js';
import { LangSelect } from './lang-select.js';
import { DomainTerms } from './console-terms.js';
import { StatusPanel } from './console-status.js';

const domainFromHash = () => decodeURIComponent((/^#\/domain\/([^/]+)/.exec(location.hash) || [])[1] || '');
const statusShown = () => location.hash === '#/status';

// fieldErrors turns the API's 400 invalid into {field: message} for the form.
function fieldErrors(e) {
  return e.status === 400 && e.field ? { [e.field]: e.message } : { _: e.message };
}

export function Console() {
  const [domains, setDomains] = useState(null);
  const [current, setCurrent] = useState(domainFromHash());
  const [status, setStatus] = useState(statusShown());
  const load = async () => {
    try {
      setDomains((await get('/api/v1/operator/domains')).domains);
    } catch (e) {
      report(e);
      setDomains([]);
    }
  };
  useEffect(() => {
    load();
    const onHash = () => { setCurrent(domainFromHash()); setStatus(statusShown()); };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const open = (name) => {
    location.hash = '#/domain/' + encodeURIComponent(name);
  };
  const shown = domains?.find((d) => d.name === current) || null;
  return html`<div id="console" class="console">
    <header class="top">
      <strong class="brand">Postroom</strong>
      <nav class="apps"><a class=${status ? '' : 'on'} href="#/">${t('console')}</a>
        <a id="status-link" class=${status ? 'on' : ''} href="#/status">${t('opStatus')}</a></nav>
      <span class="spacer"></span>
      <${LangSelect} />
      <span id="operator-name" class="user">${t('operatorRole')}</span>
      <button id="logout" class="link" onClick=${logout}>${t('logout')}</button>
    </header>
    <div class="console-body">
      <nav class="console-domains" aria-label=${t('domains')}>
        <h2>${t('domains')}</h2>
        <${DomainForm} onCreated=${async (d) => { await load(); open(d.name); }} />
        <ul class="domain-list">
          ${(domains || []).map((d) => html`<li><a class=${'domain-item' + (d.name === current ? ' selected' : '')} data-domain=${d.name}
            href=${'#/domain/' + encodeURIComponent(d.name)}><span class="domain-name">${d.name}</span>
            <small>${d.suspended && html`<span class="badge hold-badge">${t('opSuspendedBadge')}</span> `}${t('accountsCount', { n: d.accounts })}</small></a></li>`)}
        </ul>
      </nav>
      <main class="console-main">
        ${domains === null && html`<p class="empty">${t('loading')}</p>`}
        ${(status || (domains !== null && !shown)) && html`<${StatusPanel} key=${domains?.length} />`}
        ${domains !== null && !shown && !status && html`<${Welcome} empty=${!domains.length} />`}
        ${shown && !status && html`<${DomainView} key=${shown.name} domain=${shown} onChange=${load}
          onDeleted=${async () => { location.hash = '#/'; await load(); }} />`}
      </main>
    </div>
  </div>`;
}

// Welcome says what to do first, in order.
function Welcome({ empty }) {
  return html`<section id="console-welcome" class="console-card">
    <h1>${empty ? t('consoleFirstTitle') : t('consoleChooseDomain')}</h1>
    <ol class="steps">
      <li>${t('stepDomain')}</li>
      <li>${t('stepAdmin')}</li>
      <li>${t('stepDNS')}</li>
    </ol>
  </section>`;
}

function DomainForm({ onCreated }) {
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const d = await post('/api/v1/operator/domains', { name: name.trim() });
      setName('');
      toast(t('domainCreated', { name: d.name }));
      await onCreated(d);
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<form id="domain-form" class="inline-form" onSubmit=${submit}>
    <input id="domain-name" placeholder=${t('domainPlaceholder')} aria-label=${t('newDomain')} required value=${name}
      autocapitalize="off" spellcheck="false" onInput=${(e) => setName(e.target.value)} />
    <button id="domain-add" class="primary" type="submit" disabled=${busy}>${t('addDomain')}</button>
    ${error && html`<p id="domain-error" class="error" role="alert">${error}</p>`}
  </form>`;
}

function DomainView({ domain, onChange, onDeleted }) {
  const [users, setUsers] = useState(null);
  const [tab, setTab] = useState('users');
  const load = async () => {
    try {
      setUsers((await get(`/api/v1/operator/domains/${encodeURIComponent(domain.name)}/users`)).users);
    } catch (e) {
      report(e);
      setUsers([]);
    }
  };
  useEffect(() => {
    load();
  }, [domain.name]);
  const admins = (users || []).filter((u) => u.admin).length;
  return html`<section id="domain-view" class="console-card" data-domain=${domain.name}>
    <h1>${domain.name}</h1>
    <p id="domain-facts" class="muted">${t('accountsCount', { n: domain.accounts })} · ${t('adminsCount', { n: domain.admins })} ·
      ${t('usedAmount', { used: size(domain.used_bytes) })}</p>
    <${DomainTerms} domain=${domain} onChange=${onChange} onDeleted=${onDeleted} />
    ${users !== null && admins === 0 && html`<p id="needs-admin" class="notice warn">${t('needsAdmin')}</p>`}
    <div class="tabs" role="tablist">
      <button type="button" role="tab" id="tab-users" class=${'tab' + (tab === 'users' ? ' on' : '')} aria-selected=${tab === 'users'}
        onClick=${() => setTab('users')}>${t('usersTab')}</button>
      <button type="button" role="tab" id="tab-dns" class=${'tab' + (tab === 'dns' ? ' on' : '')} aria-selected=${tab === 'dns'}
        onClick=${() => setTab('dns')}>${t('dnsTab')}</button>
    </div>
    ${tab === 'users'
      ? html`<${UserForm} domain=${domain.name} firstAdmin=${users !== null && admins === 0}
          onCreated=${async () => { await load(); onChange(); }} />
        <${UserTable} users=${users} />`
      : html`<${DNSView} domain=${domain.name} />`}
  </section>`;
}

// UserForm is the manual's "사용자 추가": id, name, password twice,
// administrator or not.
function UserForm({ domain, firstAdmin, onCreated }) {
  const empty = { email: '', name: '', password: '', confirm: '', admin: false };
  const [v, setV] = useState(empty);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const admin = v.admin || firstAdmin;
  const set = (k) => (e) => setV({ ...v, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    if (v.password !== v.confirm) return setErrors({ confirm: t('passwordsDiffer') });
    setBusy(true);
    setErrors({});
    try {
      const u = await post(`/api/v1/operator/domains/${encodeURIComponent(domain)}/${admin ? 'admins' : 'users'}`,
        { email: v.email.trim(), name: v.name.trim(), password: v.password });
      toast(t(admin ? 'adminCreated' : 'userCreated', { email: u.email }));
      setV(empty);
      await onCreated(u);
    } catch (err) {
      setErrors(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  };
  const err = (k) => errors[k] && html`<span class="field-error" id=${'new-user-' + k + '-error'} role="alert">${errors[k]}</span>`;
  return html`<form id="user-form" class="user-form" onSubmit=${submit}>
    <h2>${firstAdmin ? t('addFirstAdmin') : t('addUser')}</h2>
    <label class="field"><span>${t('userId')}</span>
      <span class="id-line"><input id="new-user-id" required autocapitalize="off" spellcheck="false" value=${v.email} onInput=${set('email')} />
      <span class="at-domain">@${domain}</span></span>${err('email')}</label>
    <label class="field"><span>${t('userName')}</span><input id="new-user-name" value=${v.name} onInput=${set('name')} />${err('name')}</label>
    <label class="field"><span>${t('password')}</span>
      <input id="new-user-password" type="password" autocomplete="new-password" required value=${v.password} onInput=${set('password')} />
      <small class="muted">${t('passwordRule')}</small>${err('password')}</label>
    <label class="field"><span>${t('passwordConfirm')}</span>
      <input id="new-user-confirm" type="password" autocomplete="new-password" required value=${v.confirm} onInput=${set('confirm')} />${err('confirm')}</label>
    <label class="check"><input id="new-user-admin" type="checkbox" checked=${admin} disabled=${firstAdmin} onChange=${set('admin')} /> ${t('adminFlag')}</label>
    ${errors._ && html`<p class="error" role="alert">${errors._}</p>`}
    <button id="new-user-submit" class="primary" type="submit" disabled=${busy}>${firstAdmin ? t('addFirstAdmin') : t('addUser')}</button>
  </form>`;
}

function UserTable({ users }) {
  if (users === null) return html`<p class="empty">${t('loading')}</p>`;
  if (!users.length) return html`<p class="empty">${t('noUsers')}</p>`;
  return html`<table id="user-table" class="user-table">
    <thead><tr><th>${t('email')}</th><th>${t('userName')}</th><th>${t('adminFlag')}</th><th>${t('usage')}</th></tr></thead>
    <tbody>${users.map((u) => html`<tr class="user-row" data-email=${u.email}>
      <td>${u.email}</td><td>${u.name}</td><td>${u.admin ? t('yes') : ''}</td>
      <td>${size(u.used_bytes)}${u.quota_bytes ? ' / ' + size(u.quota_bytes) : ''}</td></tr>`)}</tbody>
  </table>`;
}

function DNSView({ domain }) {
  const [dns, setDNS] = useState(null);
  useEffect(() => {
    get(`/api/v1/operator/domains/${encodeURIComponent(domain)}/dns`).then(setDNS, (e) => { report(e); setDNS({ zone: '' }); });
  }, [domain]);
  if (!dns) return html`<p class="empty">${t('loading')}</p>`;
  const copy = () => navigator.clipboard?.writeText(dns.zone).then(() => toast(t('copied')), () => {});
  return html`<div id="dns-view">
    <p>${t('dnsHint', { host: dns.hostname })}</p>
    <button id="dns-copy" type="button" onClick=${copy}>${t('copy')}</button>
    <pre id="dns-zone" class="zone">${dns.zone}</pre>
  </div>`;
}
