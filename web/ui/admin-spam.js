// 스팸관리 설정 (M2): the domain's blocked addresses and phrases, which
// delivery applies to every account of the domain whatever each chose
// for itself (GET/PUT /api/v1/admin/spam). The lists are edited with the
// user's own spam page's list editor and checked the same way; a refused
// entry (the API names it, "blocked_senders[2]") is marked in its list.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get, request } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';
import { ListEditor } from './settings-form.js';
import { checkSender } from './settings-spam.js';

export function SpamSettings() {
  const [l, setL] = useState(null);
  const [error, setError] = useState(null); // the API's {field, message}
  const [busy, setBusy] = useState(false);
  useEffect(() => { get('/api/v1/admin/spam').then(setL, report); }, []);
  if (!l) return html`<p class="empty">${t('loading')}</p>`;
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setL(await request('PUT', '/api/v1/admin/spam', l));
      toast(t('adSaved'));
    } catch (err) {
      if (err.status === 400) setError({ field: err.field || '', message: err.message });
      else report(err);
    } finally {
      setBusy(false);
    }
  };
  // form is what ListEditor reads to mark the refused entry
  const form = { error };
  const errorOf = (list) => error && error.field.startsWith(list) && html`<p class="error field-error" data-field=${error.field} role="alert">${error.message}</p>`;
  return html`<form id="admin-spam" class="console-card admin-form" onSubmit=${save} novalidate>
    <h1>${t('adMenu_spam')}</h1>
    <p class="hint">${t('adSpamHint')}</p>
    <fieldset><legend>${t('blockedSenders')}</legend>
      <p class="hint">${t('blockedSendersHint')}</p>
      <${ListEditor} id="spam-senders" form=${form} field="blocked_senders" items=${l.blocked_senders}
        placeholder="spam@example.com, example.com" check=${checkSender} onChange=${(v) => setL({ ...l, blocked_senders: v })} />
      ${errorOf('blocked_senders')}</fieldset>
    <fieldset><legend>${t('blockedPhrases')}</legend>
      <p class="hint">${t('blockedPhrasesHint')}</p>
      <${ListEditor} id="spam-phrases" form=${form} field="blocked_phrases" items=${l.blocked_phrases}
        placeholder=${t('blockedPhrasePlaceholder')} onChange=${(v) => setL({ ...l, blocked_phrases: v })} />
      ${errorOf('blocked_phrases')}</fieldset>
    <p class="error" id="spam-error">${error && !error.field.startsWith('blocked_') ? error.message : ''}</p>
    <div class="actions"><button id="spam-save" class="primary" type="submit" disabled=${busy}>${t('adSave')}</button></div>
  </form>`;
}
