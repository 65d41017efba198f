// "Forgot password" (S1, recovery e-mail): from the login page, the
// address whose password is forgotten (POST /api/v1/password-reset; the
// answer is the same whether or not the address exists, so the page says
// the same too), and the page the mailed one-time link opens, which sets
// a new password (POST /api/v1/password-reset/confirm).

import { html } from './html.js';
import { useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { post } from './api.js';
import { LangSelect } from './lang-select.js';

// resetToken is the token of a reset link: #/reset/TOKEN (or
// #/password-reset/TOKEN, or ?reset=TOKEN), else ''.
export function resetToken() {
  const m = /^#\/(?:password-)?reset\/([^/?#]+)/.exec(location.hash || '');
  if (m) return decodeURIComponent(m[1]);
  return new URLSearchParams(location.search).get('reset') || '';
}

function Box({ title, children }) {
  return html`<main class="login">
    <div class="login-box">
      <div class="login-top"><strong class="brand">Postroom</strong><${LangSelect} /></div>
      <h1>${title}</h1>
      ${children}
    </div>
  </main>`;
}

export function ForgotPassword({ onBack, email: given }) {
  const [email, setEmail] = useState(given || '');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await post('/api/v1/password-reset', { email: email.trim() });
      setSent(true);
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Box} title=${t('forgotTitle')}>
    ${sent
      ? html`<p id="forgot-sent" class="notice">${t('forgotSent')}</p>`
      : html`<form id="forgot-form" onSubmit=${submit}>
        <p class="hint">${t('forgotHint')}</p>
        <label class="field"><span>${t('email')}</span>
          <input id="forgot-email" type="text" inputmode="email" autocomplete="username" autocapitalize="off" spellcheck="false" required
            value=${email} onInput=${(e) => setEmail(e.target.value)} /></label>
        <p id="forgot-error" class="error" role="alert">${error}</p>
        <button id="forgot-submit" class="primary wide" type="submit" disabled=${busy}>${t('forgotSend')}</button>
      </form>`}
    <p><button id="forgot-back" type="button" class="link" onClick=${onBack}>${t('backToLogin')}</button></p>
  </${Box}>`;
}

export function ResetPassword({ token }) {
  const [v, setV] = useState({ next: '', confirm: '' });
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const leave = () => {
    history.replaceState(null, '', location.pathname);
    location.reload();
  };
  const submit = async (e) => {
    e.preventDefault();
    if (v.next !== v.confirm) return setError(t('passwordsDiffer'));
    setBusy(true);
    setError('');
    try {
      await post('/api/v1/password-reset/confirm', { token, new: v.next });
      setDone(true);
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Box} title=${t('resetTitle')}>
    ${done
      ? html`<p id="reset-done" class="notice">${t('resetDone')}</p>`
      : html`<form id="reset-form" onSubmit=${submit}>
        <p class="hint">${t('passwordPolicy')}</p>
        <label class="field"><span>${t('passwordNew')}</span>
          <input id="reset-new" type="password" autocomplete="new-password" required value=${v.next} onInput=${(e) => setV({ ...v, next: e.target.value })} /></label>
        <label class="field"><span>${t('passwordConfirm')}</span>
          <input id="reset-confirm" type="password" autocomplete="new-password" required value=${v.confirm} onInput=${(e) => setV({ ...v, confirm: e.target.value })} /></label>
        <p id="reset-error" class="error" role="alert">${error}</p>
        <button id="reset-submit" class="primary wide" type="submit" disabled=${busy}>${t('setPassword')}</button>
      </form>`}
    <p><button id="reset-back" type="button" class="link" onClick=${leave}>${t('backToLogin')}</button></p>
  </${Box}>`;
}
