// The operator's terms of one domain in his console: its users against
// its limit, its quota and usage, the service hold (정지/재개), the edit of
// quota and limit, and its deletion, which asks for the domain's name typed
// back (the server checks it too: DELETE /api/v1/operator/domains/{name}).

import { html } from './html.js';
import { useState } from './vendor/hooks.js';
import { t, size } from './i18n.js';
import { patch, request } from './api.js';
import { toast } from './store.js';
import { confirm } from './dialogs.js';
import { AdminIcon, Usage, fieldErrors } from './admin.js';

const GB = 1024 * 1024 * 1024;

const domainPath = (name) => '/api/v1/operator/domains/' + encodeURIComponent(name);

export function DomainTerms({ domain, onChange, onDeleted }) {
  const [deleting, setDeleting] = useState(false);
  const suspended = domain.suspended;
  const hold = () => {
    const change = async (on) => {
      await patch(domainPath(domain.name), { suspended: on });
      toast(t(on ? 'opSuspended' : 'opResumed', { name: domain.name }));
      await onChange();
    };
    if (suspended) change(false).catch((e) => toast(e.message));
    else confirm(t('opSuspendConfirm', { name: domain.name }), () => change(true), t('opSuspend'));
  };
  const users = domain.max_users ? t('opUsersOf', { n: domain.accounts, max: domain.max_users }) : t('opUsersNoLimit', { n: domain.accounts });
  return html`<div id="domain-terms" class="domain-terms" data-suspended=${suspended ? '1' : '0'}>
    ${suspended && html`<p id="domain-suspended-notice" class="notice warn">${t('opSuspendedNotice')}</p>`}
    <dl class="status-grid">
      <div class="status-item"><dt>${t('opService')}</dt><dd>
        <button id="domain-hold" type="button" class=${'hold-toggle' + (suspended ? '' : ' on')} aria-pressed=${suspended ? 'false' : 'true'}
          title=${suspended ? t('opResume') : t('opSuspend')} onClick=${hold}>${suspended ? 'OFF' : 'ON'}</button>
        <small id="domain-service-state" class="muted"> ${suspended ? t('opServiceOff') : t('opServiceOn')}</small></dd></div>
      <div class="status-item"><dt>${t('opUsers')}</dt><dd id="domain-users">${users}</dd></div>
      <div class="status-item"><dt>${t('opQuota')}</dt><dd id="domain-quota"><${Usage} used=${domain.used_bytes} quota=${domain.quota_bytes} /></dd></div>
      <div class="status-item"><dt>${t('opDelete')}</dt><dd>
        <button id="domain-delete" type="button" class="icon-button" title=${t('opDelete')} aria-label=${t('opDelete')}
          onClick=${() => setDeleting(true)}><${AdminIcon} name="trash" /></button></dd></div>
    </dl>
    <${TermsForm} key=${domain.quota_bytes + '/' + domain.max_users + '/' + domain.messages_per_hour} domain=${domain} onChange=${onChange} />
    ${deleting && html`<${DeleteDialog} name=${domain.name} onClose=${() => setDeleting(false)}
      onDeleted=${() => { setDeleting(false); onDeleted(); }} />`}
  </div>`;
}

// TermsForm edits the quota (in GB), the account limit and each user's
// hourly sending limit (0 = the server's default, -1 = none).
function TermsForm({ domain, onChange }) {
  const [f, setF] = useState({ quota: domain.quota_bytes ? +(domain.quota_bytes / GB).toFixed(2) : 0, max: domain.max_users, perHour: domain.messages_per_hour || 0 });
  const [errs, setErrs] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErrs({});
    try {
      await patch(domainPath(domain.name), { quota: Math.round(Number(f.quota) * GB), max_users: Math.trunc(Number(f.max)),
        messages_per_hour: Math.trunc(Number(f.perHour)) });
      toast(t('opTermsSaved'));
      await onChange();
    } catch (err) {
      setErrs(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  };
  const err = (k) => errs[k] && html`<small class="error field-error" data-field=${k}>${errs[k]}</small>`;
  return html`<form id="domain-terms-form" class="inline-form terms-form" novalidate onSubmit=${submit}>
    <label class="field"><span>${t('opQuotaGB')}</span>
      <input id="domain-quota-input" type="number" min="0" step="any" value=${f.quota} onInput=${set('quota')} />${err('quota')}</label>
    <label class="field"><span>${t('opMaxUsers')}</span>
      <input id="domain-max-users-input" type="number" min="0" step="1" value=${f.max} onInput=${set('max')} />${err('max_users')}</label>
    <label class="field"><span>${t('opPerHour')}</span>
      <input id="domain-per-hour-input" type="number" min="-1" step="1" value=${f.perHour} onInput=${set('perHour')} />${err('messages_per_hour')}</label>
    <button id="domain-terms-save" class="primary" type="submit" disabled=${busy}>${t('opSaveTerms')}</button>
    ${errs._ && html`<p class="error" role="alert">${errs._}</p>`}
  </form>`;
}

// DeleteDialog asks for the domain's name typed back; its button stays
// disabled until the name matches.
function DeleteDialog({ name, onClose, onDeleted }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const matches = typed.trim().toLowerCase() === name;
  const submit = async (e) => {
    e.preventDefault();
    if (!matches || busy) return;
    setBusy(true);
    setError('');
    try {
      await request('DELETE', domainPath(name), { confirm: typed.trim() });
      toast(t('opDeleted', { name }));
      onDeleted();
    } catch (err) {
      setError(err.message);
      setBusy(false);
    }
  };
  return html`<div class="backdrop" onClick=${(e) => e.target === e.currentTarget && onClose()}>
    <form id="domain-delete-dialog" class="dialog" role="dialog" aria-modal="true" aria-labelledby="domain-delete-title" onSubmit=${submit}
      onKeyDown=${(e) => e.key === 'Escape' && onClose()}>
      <h2 id="domain-delete-title">${t('opDeleteTitle', { name })}</h2>
      <p id="domain-delete-warning" class="notice warn">${t('opDeleteWarn')}</p>
      <label class="field"><span>${t('opDeleteType', { name })}</span>
        <input id="domain-delete-confirm" autocapitalize="off" spellcheck="false" autocomplete="off" value=${typed}
          ref=${(el) => el && !typed && el.focus()} onInput=${(e) => setTyped(e.target.value)} /></label>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="dialog-buttons">
        <button id="domain-delete-ok" type="submit" class="danger" disabled=${!matches || busy}>${t('opDelete')}</button>
        <button id="domain-delete-cancel" type="button" onClick=${onClose}>${t('cancel')}</button>
      </div>
    </form>
  </div>`;
}
