// The "scheduled" view (E3-3): sends waiting in the queue, to cancel or
// edit (an edit takes the message back as a draft).

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t, longDate } from './i18n.js';
import { get, del } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';
import { confirm } from './dialogs.js';
import { addrText } from './compose-init.js';

export function Scheduled() {
  const [items, setItems] = useState(null);
  const load = () => get('/api/v1/send/scheduled').then((d) => setItems(d.scheduled || []), (e) => { report(e); setItems([]); });
  useEffect(() => { load(); }, []);
  const take = async (item, edit) => {
    try {
      const res = await del(`/api/v1/send/${item.id}`);
      if (edit) location.hash = `#/compose/draft=${res.draft_id}`;
      else {
        toast(t('scheduleCancelled'));
        load();
      }
    } catch (e) {
      report(e);
      load();
    }
  };
  const who = (list) => (list || []).map((a) => (typeof a === 'string' ? a : addrText(a))).join(', ');
  return html`<section id="scheduled-list" class="scheduled">
    <h1>${t('scheduled')}</h1>
    ${items === null && html`<p class="empty">${t('loading')}</p>`}
    ${items !== null && !items.length && html`<p class="empty">${t('noScheduled')}</p>`}
    <ul>${(items || []).map((it) => html`<li class="scheduled-item" data-id=${it.id}>
      <div class="scheduled-main"><strong>${it.subject || t('noSubject')}</strong>
        <span class="muted">${t('to')}: ${who(it.to)}</span></div>
      <time>${longDate(it.send_at)}</time>
      <button class="scheduled-edit" onClick=${() => take(it, true)}>${t('edit')}</button>
      <button class="scheduled-cancel danger" onClick=${() => confirm(t('cancelScheduledConfirm'), () => take(it, false), t('cancelSend'))}>${t('cancelSend')}</button>
    </li>`)}</ul>
  </section>`;
}
