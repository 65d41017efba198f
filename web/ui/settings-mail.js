// 메일 설정 (S2): the reading and writing preferences (first folder,
// layout, page size, send delay, ...), forwarding, the out-of-office reply
// between two dates, and the signature; the last two in the compose
// screen's rich text editor.

import { html } from './html.js';
import { t, folderName } from './i18n.js';
import { roleOrder } from './actions.js';
import { Editor, parseAddress } from './compose-fields.js';
import { useSettingsForm, FieldError, SaveBar, Check, Row, ListEditor } from './settings-form.js';

const pick = (s) => ({
  mail: { ...(s.mail || {}) },
  forwarding: { addresses: [...(s.forwarding?.addresses || [])], keep_copy: s.forwarding?.keep_copy ?? true },
  vacation: { enabled: false, start: '', end: '', subject: '', html: '', ...(s.vacation || {}) },
  signature: { html: '', on_new: true, on_reply: true, ...(s.signature || {}) },
});

export const perPageChoices = [20, 30, 50, 100, 200];
const delayChoices = [0, 5, 10, 20, 30, 60];

// validate is what the browser can tell before the server does.
function validate(d) {
  const v = d.vacation;
  if (v.enabled && v.start && v.end && v.end < v.start) return { field: 'vacation.end', message: t('vacationEndBeforeStart') };
  return null;
}

function folderChoices(mailboxes) {
  const system = roleOrder.map((r) => mailboxes.find((m) => m.role === r)).filter(Boolean).filter((m) => m.role !== 'drafts');
  const user = mailboxes.filter((m) => !m.role).sort((a, b) => a.name.localeCompare(b.name));
  return [...system.map((m) => [m.role, folderName(m)]), ...user.map((m) => [String(m.id), m.name])];
}

export function MailSettings({ state }) {
  const form = useSettingsForm('mail', pick, validate);
  const d = form.draft;
  const me = state.auth.account.email.toLowerCase();
  const delays = [...new Set([...delayChoices, d.mail.send_delay_seconds ?? 10])].sort((a, b) => a - b);
  const perPages = [...new Set([...perPageChoices, d.mail.per_page ?? 50])].sort((a, b) => a - b);
  const checkForward = (v) => {
    const a = parseAddress(v);
    if (!a.valid) return t('invalidAddress');
    if (a.email.toLowerCase() === me) return t('forwardSelf');
    return '';
  };
  const rich = (which, label) => html`<div class="settings-editor" key=${which + form.generation}>
    <${Editor} idp=${which} label=${label} model=${{ mode: 'html', html: d[which].html, text: '' }} onHTML=${(v) => form.set(which + '.html', v)} />
  </div>`;
  return html`<form id="settings-mail" class="settings-form" onSubmit=${form.save} novalidate>
    <h2>${t('setMail')}</h2>
    <section class="settings-card">
      <${Row} label=${t('firstFolder')}>
        <select id="settings-first-folder" value=${String(d.mail.first_folder || 'inbox')} onChange=${(e) => form.set('mail.first_folder', e.target.value)}>
          ${folderChoices(state.mailboxes).map(([v, label]) => html`<option value=${v}>${label}</option>`)}
        </select>
        <${FieldError} form=${form} field="mail.first_folder" />
      </${Row}>
      <${Row} label=${t('listLayout')}>
        <div class="radios">
          <label class="check"><input id="settings-layout-split" type="radio" name="layout" checked=${d.mail.layout !== 'list'}
            onChange=${() => form.set('mail.layout', 'split')} /> ${t('layoutSplit')}</label>
          <label class="check"><input id="settings-layout-list" type="radio" name="layout" checked=${d.mail.layout === 'list'}
            onChange=${() => form.set('mail.layout', 'list')} /> ${t('layoutList')}</label>
        </div>
      </${Row}>
      <${Row} label=${t('perPageSetting')}>
        <select id="settings-per-page" value=${d.mail.per_page} onChange=${(e) => form.set('mail.per_page', Number(e.target.value))}>
          ${perPages.map((n) => html`<option value=${n}>${t('perPage', { n })}</option>`)}
        </select>
        <${FieldError} form=${form} field="mail.per_page" />
      </${Row}>
      <${Row} label=${t('sendDelay')}>
        <select id="settings-send-delay" value=${d.mail.send_delay_seconds} onChange=${(e) => form.set('mail.send_delay_seconds', Number(e.target.value))}>
          ${delays.map((n) => html`<option value=${n}>${n ? t('seconds', { n }) : t('sendAtOnce')}</option>`)}
        </select>
        <small class="muted">${t('sendDelayHint')}</small>
        <${FieldError} form=${form} field="mail.send_delay_seconds" />
      </${Row}>
      <${Row} label=${t('mailOptions')}>
        <${Check} form=${form} path="mail.expand_send_info" id="settings-expand-send-info" label=${t('expandSendInfo')} />
        <${Check} form=${form} path="mail.include_original" id="settings-include-original" label=${t('includeOriginal')} />
        <${Check} form=${form} path="mail.save_sent" id="settings-save-sent" label=${t('saveSentSetting')} />
        <${Check} form=${form} path="mail.read_receipts" id="settings-read-receipts" label=${t('readReceiptsSetting')} />
        <${Check} form=${form} path="mail.auto_add_contacts" id="settings-auto-add-contacts" label=${t('autoAddContacts')} />
      </${Row}>
      <${Row} label=${t('mdnSetting')}>
        <select id="settings-mdn" value=${d.mail.mdn || 'ask'} onChange=${(e) => form.set('mail.mdn', e.target.value)}>
          ${['ask', 'always', 'never'].map((v) => html`<option value=${v}>${t('mdn_' + v)}</option>`)}
        </select>
        <small class="muted">${t('mdnSettingHint')}</small>
        <${FieldError} form=${form} field="mail.mdn" />
      </${Row}>
    </section>

    <section class="settings-card" aria-labelledby="forwarding-title">
      <h3 id="forwarding-title">${t('forwarding')}</h3>
      <p class="muted">${t('forwardingHint')}</p>
      <${ListEditor} id="settings-forward" form=${form} field="forwarding.addresses" items=${d.forwarding.addresses} placeholder="name@example.com"
        check=${checkForward} onChange=${(v) => form.set('forwarding.addresses', v)} />
      <${FieldError} form=${form} field="forwarding.addresses" />
      <${Check} form=${form} path="forwarding.keep_copy" id="settings-forward-keep" label=${t('forwardKeepCopy')} />
    </section>

    <section class="settings-card" aria-labelledby="vacation-title">
      <h3 id="vacation-title">${t('vacation')}</h3>
      <${Check} form=${form} path="vacation.enabled" id="settings-vacation-enabled" label=${t('vacationOn')} hint=${t('vacationHint')} />
      <div class="field-row dates">
        <label class="field"><span>${t('vacationStart')}</span>
          <input id="settings-vacation-start" type="date" value=${d.vacation.start} onInput=${(e) => form.set('vacation.start', e.target.value)} />
          <${FieldError} form=${form} field="vacation.start" /></label>
        <label class="field"><span>${t('vacationEnd')}</span>
          <input id="settings-vacation-end" type="date" value=${d.vacation.end} min=${d.vacation.start || null} onInput=${(e) => form.set('vacation.end', e.target.value)} />
          <${FieldError} form=${form} field="vacation.end" /></label>
      </div>
      <label class="field"><span>${t('subject')}</span>
        <input id="settings-vacation-subject" value=${d.vacation.subject} maxLength="200" onInput=${(e) => form.set('vacation.subject', e.target.value)} />
        <${FieldError} form=${form} field="vacation.subject" /></label>
      ${rich('vacation', t('vacationBody'))}
      <${FieldError} form=${form} field="vacation.html" />
      <${FieldError} form=${form} field="vacation" exact />
    </section>

    <section class="settings-card" aria-labelledby="signature-title">
      <h3 id="signature-title">${t('signature')}</h3>
      ${rich('signature', t('signature'))}
      <${FieldError} form=${form} field="signature.html" />
      <div class="radios">
        <${Check} form=${form} path="signature.on_new" id="settings-signature-new" label=${t('signatureOnNew')} />
        <${Check} form=${form} path="signature.on_reply" id="settings-signature-reply" label=${t('signatureOnReply')} />
      </div>
    </section>
    <${SaveBar} form=${form} />
  </form>`;
}
