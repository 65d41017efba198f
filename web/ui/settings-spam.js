// 스팸관리 설정 (S5, the user's part): the blocking method (personal lists,
// the system's filter, or both), what happens to spam (moved to Spam or
// deleted at once), how many days Spam keeps it, and the blocked
// addresses, domains and phrases, which act on delivery.

import { html } from './html.js';
import { t } from './i18n.js';
import { useSettingsForm, FieldError, SaveBar, Row, ListEditor } from './settings-form.js';

const pick = (s) => ({
  spam: {
    method: 'both', action: 'move', keep_days: 30, ...(s.spam || {}),
    blocked_senders: [...(s.spam?.blocked_senders || [])], blocked_phrases: [...(s.spam?.blocked_phrases || [])],
  },
});

const keepChoices = [7, 15, 30, 60, 90];

// sender is an address or a domain ("example.com" or "@example.com");
// the domain's lists (admin-spam.js) check theirs the same way.
export function checkSender(v) {
  const s = v.trim().toLowerCase();
  const label = '[a-z0-9\\u0080-\\uffff]([a-z0-9\\u0080-\\uffff-]*[a-z0-9\\u0080-\\uffff])?';
  const domain = new RegExp(`^@?${label}(\\.${label})+$`);
  const address = new RegExp(`^[^\\s@]+@${label}(\\.${label})+$`);
  return domain.test(s) || address.test(s) ? '' : t('blockedSenderInvalid');
}

export function SpamSettings() {
  const form = useSettingsForm('spam', pick);
  const d = form.draft.spam;
  const radio = (name, value, label) => html`<label class="check"><input id=${`settings-spam-${name}-${value}`} type="radio" name=${'spam-' + name}
    checked=${d[name] === value} onChange=${() => form.set('spam.' + name, value)} /> ${label}</label>`;
  const keeps = [...new Set([...keepChoices, d.keep_days])].sort((a, b) => a - b);
  return html`<form id="settings-spam" class="settings-form" onSubmit=${form.save} novalidate>
    <h2>${t('setSpam')}</h2>
    <section class="settings-card">
      <${Row} label=${t('spamMethod')}>
        <div class="radios">${radio('method', 'personal', t('spamPersonal'))}${radio('method', 'system', t('spamSystem'))}${radio('method', 'both', t('spamBoth'))}</div>
        <${FieldError} form=${form} field="spam.method" />
      </${Row}>
      <${Row} label=${t('spamAction')}>
        <div class="radios">${radio('action', 'move', t('spamMove'))}${radio('action', 'delete', t('spamDelete'))}</div>
        <${FieldError} form=${form} field="spam.action" />
      </${Row}>
      ${d.action === 'move' && html`<${Row} label=${t('spamKeepDays')}>
        <select id="settings-spam-keep" value=${d.keep_days} onChange=${(e) => form.set('spam.keep_days', Number(e.target.value))}>
          ${keeps.map((n) => html`<option value=${n}>${t('days', { n })}</option>`)}
        </select>
        <${FieldError} form=${form} field="spam.keep_days" />
      </${Row}>`}
    </section>
    <section class="settings-card" aria-labelledby="blocked-senders-title">
      <h3 id="blocked-senders-title">${t('blockedSenders')}</h3>
      <p class="muted">${t('blockedSendersHint')}</p>
      <${ListEditor} id="settings-blocked-senders" form=${form} field="spam.blocked_senders" items=${d.blocked_senders}
        placeholder="spam@example.com, example.com" check=${checkSender} onChange=${(v) => form.set('spam.blocked_senders', v)} />
      <${FieldError} form=${form} field="spam.blocked_senders" />
    </section>
    <section class="settings-card" aria-labelledby="blocked-phrases-title">
      <h3 id="blocked-phrases-title">${t('blockedPhrases')}</h3>
      <p class="muted">${t('blockedPhrasesHint')}</p>
      <${ListEditor} id="settings-blocked-phrases" form=${form} field="spam.blocked_phrases" items=${d.blocked_phrases}
        placeholder=${t('blockedPhrasePlaceholder')} onChange=${(v) => form.set('spam.blocked_phrases', v)} />
      <${FieldError} form=${form} field="spam.blocked_phrases" />
    </section>
    <${SaveBar} form=${form} />
  </form>`;
}
