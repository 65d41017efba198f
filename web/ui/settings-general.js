// 기본 설정 (S1): usage against the quota, display name, language and
// time zone (both apply at once, as the header's switches do), recovery
// e-mail, desktop notifications (with the browser's permission prompt).

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t, size, longDate } from './i18n.js';
import { toggleNotify, report } from './actions.js';
import { get } from './api.js';
import { LangSelect } from './lang-select.js';
import { ZoneSelect } from './zone-select.js';
import { useSettingsForm, FieldError, SaveBar, Row } from './settings-form.js';

const pick = (s) => ({ name: s.name ?? '', recovery_email: s.recovery_email ?? '' });

// UsageBar is what the account uses against its quota (GET
// /api/v1/mailboxes/stats: the folders' bytes and the quota, 0 for none);
// the folders' sizes count until it answers, and follow new mail.
export function UsageBar({ state }) {
  const [quota, setQuota] = useState(0);
  useEffect(() => {
    get('/api/v1/mailboxes/stats').then((d) => setQuota(d.quota || 0), report);
  }, []);
  const used = state.mailboxes.reduce((n, m) => n + (m.size || 0), 0);
  const pct = quota > 0 ? Math.min(100, Math.round((used / quota) * 1000) / 10) : 0;
  return html`<div id="usage" class="usage" data-used=${used} data-quota=${quota}>
    <div class="usage-bar" role="progressbar" aria-label=${t('usage')} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}>
      <span class=${'usage-fill' + (pct >= 90 ? ' full' : '')} style=${`--usage:${pct}%`}></span></div>
    <span id="usage-text">${quota > 0 ? t('usageOf', { used: size(used), quota: size(quota), pct }) : t('usageUnlimited', { used: size(used) })}</span>
  </div>`;
}

// Clock shows the time now in the user's zone: changing the zone changes it.
function Clock({ zone }) {
  const [now, setNow] = useState(new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return html`<p class="muted">${t('timeNow')} <time id="settings-now" datetime=${now.toISOString()} data-zone=${zone}>${longDate(now.toISOString())}</time></p>`;
}

export function General({ state }) {
  const form = useSettingsForm('general', pick);
  const account = state.auth.account;
  const notify = state.prefs.notify;
  const denied = typeof Notification !== 'undefined' && Notification.permission === 'denied';
  return html`<form id="settings-general" class="settings-form" onSubmit=${form.save} novalidate>
    <h2>${t('setGeneral')}</h2>
    <${Row} label=${t('usage')}><${UsageBar} state=${state} /></${Row}>
    <${Row} label=${t('displayName')} id="settings-name">
      <input id="settings-name" value=${form.draft.name} maxLength="100" autocomplete="name" onInput=${(e) => form.set('name', e.target.value)} />
      <small class="muted">${t('displayNameHint', { from: form.draft.name ? `${form.draft.name} <${account.email}>` : account.email })}</small>
      <${FieldError} form=${form} field="name" />
    </${Row}>
    <${Row} label=${t('language')}>
      <${LangSelect} id="settings-language" />
      <small class="muted">${t('appliesAtOnce')}</small>
    </${Row}>
    <${Row} label=${t('timeZone')}>
      <${ZoneSelect} id="settings-tz" zone=${account.time_zone} />
      <${Clock} zone=${account.time_zone} />
    </${Row}>
    <${Row} label=${t('recoveryEmail')}>
      <input id="settings-recovery" type="email" value=${form.draft.recovery_email} maxLength="254" autocomplete="email"
        onInput=${(e) => form.set('recovery_email', e.target.value.trim())} />
      <small class="muted">${t('recoveryHint')}</small>
      <${FieldError} form=${form} field="recovery_email" />
    </${Row}>
    <${Row} label=${t('notifications')}>
      <label class="check settings-check"><input id="settings-notify" type="checkbox" checked=${notify} onChange=${toggleNotify} />
        <span>${t('notifyNewMail')}</span></label>
      ${denied && html`<small class="field-error">${t('notificationsDenied')}</small>`}
    </${Row}>
    <${SaveBar} form=${form} />
  </form>`;
}
