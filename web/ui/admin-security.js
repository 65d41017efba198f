// 보안 설정 (M7–M12): the domain's security policy, read and replaced
// whole (GET/PUT /api/v1/admin/security): allowed addresses, the
// temporary block, the denied time window, auto logout, the password
// rules and the login watch. A refused value is shown beside its field
// (the API's field is the JSON path, e.g. "time_window.deny_from").

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get, request } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';
import { fieldErrors } from './admin.js';

export function Security() {
  const [p, setP] = useState(null);
  const [ips, setIps] = useState('');
  const [errs, setErrs] = useState({});
  const [busy, setBusy] = useState(false);
  const show = (pol) => {
    setP(pol);
    setIps((pol.allowed_ips || []).join('\n'));
  };
  useEffect(() => { get('/api/v1/admin/security').then(show, report); }, []);
  if (!p) return html`<p class="empty">${t('loading')}</p>`;
  const set = (path, v) => {
    const [a, b] = path.split('.');
    setP(b ? { ...p, [a]: { ...p[a], [b]: v } } : { ...p, [a]: v });
  };
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErrs({});
    try {
      show(await request('PUT', '/api/v1/admin/security', { ...p, allowed_ips: ips.split(/[\s,]+/).filter(Boolean) }));
      toast(t('adSaved'));
    } catch (err) {
      setErrs(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  };
  const err = (k) => errs[k] && html`<small class="error field-error" data-field=${k}>${errs[k]}</small>`;
  const check = (id, path, label) => html`<label class="check"><input id=${id} type="checkbox" checked=${path.split('.').reduce((o, k) => o[k], p)}
    onChange=${(e) => set(path, e.target.checked)} /> ${t(label)}</label>`;
  const num = (id, path, min, max) => html`<input id=${id} type="number" min=${min} max=${max} value=${path.split('.').reduce((o, k) => o[k], p)}
    onInput=${(e) => set(path, Number(e.target.value))} />`;
  return html`<form id="admin-security" class="console-card admin-form" onSubmit=${save}>
    <h1>${t('adMenu_security')}</h1>
    <fieldset><legend>${t('adSecIPs')}</legend>
      <p class="hint">${t('adSecIPsHint')}</p>
      <textarea id="sec-ips" rows="4" value=${ips} onInput=${(e) => setIps(e.target.value)}></textarea>${err('allowed_ips')}</fieldset>
    <fieldset><legend>${t('adSecBlock')}</legend>${check('sec-block', 'block_all', 'adSecBlockAll')}</fieldset>
    <fieldset><legend>${t('adSecWindow')}</legend>
      ${check('sec-window', 'time_window.enabled', 'adSecWindowOn')}
      <label class="field inline"><span>${t('adSecFrom')}</span><input id="sec-from" type="time" value=${p.time_window.deny_from}
        onInput=${(e) => set('time_window.deny_from', e.target.value)} />${err('time_window.deny_from')}</label>
      <label class="field inline"><span>${t('adSecTo')}</span><input id="sec-to" type="time" value=${p.time_window.deny_to}
        onInput=${(e) => set('time_window.deny_to', e.target.value)} />${err('time_window.deny_to')}</label></fieldset>
    <fieldset><legend>${t('adSecLogout')}</legend>
      <label class="field inline"><span>${t('adSecLogoutMinutes')}</span>${num('sec-logout', 'auto_logout_minutes', 0, 1440)}</label>${err('auto_logout_minutes')}</fieldset>
    <fieldset><legend>${t('adSecPassword')}</legend>
      <label class="field"><span>${t('adSecLevel')}</span><select id="sec-level" value=${String(p.password_policy.level)}
        onChange=${(e) => set('password_policy.level', Number(e.target.value))}>
        ${[0, 1, 2, 3].map((n) => html`<option value=${String(n)}>${t('adSecLevel' + n)}</option>`)}</select>${err('password_policy.level')}</label>
      <label class="field inline"><span>${t('adSecChangeDays')}</span>${num('sec-change-days', 'password_policy.change_days', 0, 3650)}</label>${err('password_policy.change_days')}
      ${check('sec-allow-later', 'password_policy.allow_later', 'adSecAllowLater')}</fieldset>
    <fieldset><legend>${t('adSecWatch')}</legend>
      ${check('sec-watch', 'login_watch.enabled', 'adSecWatchOn')}
      <label class="field inline"><span>${t('adSecWatchDays')}</span>${num('sec-watch-days', 'login_watch.days', 0, 3650)}</label>${err('login_watch.days')}
      <label class="field inline"><span>${t('adSecWatchClass')}</span><select id="sec-watch-class" value=${p.login_watch.class}
        onChange=${(e) => set('login_watch.class', e.target.value)}>${['A', 'B', 'C'].map((c) => html`<option value=${c}>${t('adSecClass' + c)}</option>`)}</select></label>${err('login_watch.class')}</fieldset>
    <p class="error" id="sec-error">${errs._ || ''}</p>
    <div class="actions"><button id="sec-save" class="primary" type="submit" disabled=${busy}>${t('adSave')}</button></div>
  </form>`;
}
