// 비밀번호 변경 (S7): the current password and the new one twice. The
// server checks it against the domain's password policy and answers
// why it refuses; the change applies at once to IMAP, POP3 and SMTP, and
// the account's other web sessions end (this one stays).

import { html } from './html.js';
import { useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { post } from './api.js';
import { toast } from './store.js';

export function Password() {
  const [v, setV] = useState({ current: '', next: '', confirm: '' });
  const [error, setError] = useState(null); // {field, message}
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const set = (k) => (e) => { setV({ ...v, [k]: e.target.value }); setError(null); setDone(false); };
  const err = (field) => error?.field === field && html`<p class="field-error" data-error-for=${field} role="alert">${error.message}</p>`;
  const submit = async (e) => {
    e.preventDefault();
    if (!v.current) return setError({ field: 'current', message: t('passwordCurrentMissing') });
    if (!v.next) return setError({ field: 'new', message: t('passwordNewMissing') });
    if (v.next !== v.confirm) return setError({ field: 'confirm', message: t('passwordsDiffer') });
    setBusy(true);
    try {
      await post('/api/v1/account/password', { current: v.current, new: v.next });
      setV({ current: '', next: '', confirm: '' });
      setDone(true);
      toast(t('passwordChanged'));
    } catch (x) {
      // a wrong current password is the current field's; a policy's
      // refusal the new one's
      const field = x.field || (/current|wrong|invalid_credentials/.test(x.code) ? 'current' : 'new');
      setError({ field: field === 'password' ? 'new' : field, message: x.message });
    } finally {
      setBusy(false);
    }
  };
  return html`<form id="settings-password" class="settings-form" onSubmit=${submit} novalidate>
    <h2>${t('setPassword')}</h2>
    <section class="settings-card narrow">
      <p class="muted" id="password-policy">${t('passwordPolicy')}</p>
      <label class="field"><span>${t('passwordCurrent')}</span>
        <input id="password-current" type="password" autocomplete="current-password" value=${v.current} onInput=${set('current')} />${err('current')}</label>
      <label class="field"><span>${t('passwordNew')}</span>
        <input id="password-new" type="password" autocomplete="new-password" value=${v.next} onInput=${set('next')} />${err('new')}</label>
      <label class="field"><span>${t('passwordConfirm')}</span>
        <input id="password-confirm" type="password" autocomplete="new-password" value=${v.confirm} onInput=${set('confirm')} />${err('confirm')}</label>
      ${error && !['current', 'new', 'confirm'].includes(error.field) && html`<p class="error" role="alert">${error.message}</p>`}
      ${done && html`<p id="password-done" class="notice">${t('passwordChangedNote')}</p>`}
      <div class="settings-save"><button id="password-submit" type="submit" class="primary" disabled=${busy}>${t('setPassword')}</button></div>
    </section>
  </form>`;
}
