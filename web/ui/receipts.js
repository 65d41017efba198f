// The 수신확인 view (E6): the user's sent mail with read receipts, the
// status of each recipient (read with its time, unread, failed, unknown,
// recalled), a filter by status, and the recall of a copy nobody opened.
// What may be recalled is the server's rule: the answer says why not.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t, longDate } from './i18n.js';
import { get, post, query } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';
import { confirm } from './dialogs.js';

const statuses = ['', 'read', 'unread', 'failed', 'unknown', 'recalled'];

export function Receipts() {
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState(null);
  const load = () => get('/api/v1/receipts' + query({ status, page }))
    .then(setData, (e) => { report(e); setData({ messages: [], total: 0, page_size: 50 }); });
  useEffect(() => { load(); }, [status, page]);
  // live: a read, a failure, a recall, a report from outside (receipt.change)
  useEffect(() => {
    let timer = 0;
    const on = () => { clearTimeout(timer); timer = setTimeout(load, 200); };
    window.addEventListener('postroom:receipts', on);
    return () => { clearTimeout(timer); window.removeEventListener('postroom:receipts', on); };
  }, [status, page]);
  const recall = async (m, address) => {
    try {
      const res = await post(`/api/v1/receipts/${encodeURIComponent(m.message_id)}/recall`, address ? { recipients: [address] } : {});
      const refused = res.recipients.filter((r) => r.result !== 'recalled');
      if (!refused.length) toast(t('recallDone'));
      else toast(refused.map((r) => `${r.address}: ${t('recallWhy_' + r.result)}`).join(' · '));
    } catch (e) {
      report(e);
    }
    load();
  };
  const last = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1;
  return html`<section id="receipts-list" class="scheduled receipts">
    <h1>${t('receipts')} <span id="receipts-total" class="muted">${data ? data.total : ''}</span></h1>
    <div class="receipts-bar">
      <select id="receipts-status" value=${status} onChange=${(e) => { setPage(1); setStatus(e.target.value); }}>
        ${statuses.map((s) => html`<option value=${s}>${t(s ? 'receiptStatus_' + s : 'receiptStatusAll')}</option>`)}
      </select>
      <button id="receipts-refresh" onClick=${load}>${t('receiptsRefresh')}</button>
      <button id="receipts-prev" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>‹</button>
      <button id="receipts-next" disabled=${page >= last} onClick=${() => setPage(page + 1)}>›</button>
    </div>
    ${data === null && html`<p class="empty">${t('loading')}</p>`}
    ${data !== null && !data.messages.length && html`<p class="empty">${t('noReceipts')}</p>`}
    <ul>${(data ? data.messages : []).map((m) => html`<li class="scheduled-item receipt-item" data-message-id=${m.message_id}>
      <div class="scheduled-main"><strong>${m.subject || t('noSubject')}</strong>
        <span class="muted">${t('sentAt', { date: longDate(m.sent) })}</span>
        <ul class="receipt-rcpts">${m.recipients.map((r) => html`<li class="receipt-rcpt" data-address=${r.address} data-status=${r.status}>
          <span>${r.address}</span> <span class="receipt-status">${t('receiptStatus_' + r.status)}</span>
          ${r.time && html` <time datetime=${r.time}>${longDate(r.time)}</time>`}
          ${r.status === 'unread' && html` <button class="receipt-recall" data-address=${r.address}
            onClick=${() => confirm(t('recallConfirm', { address: r.address }), () => recall(m, r.address), t('recall'))}>${t('recall')}</button>`}
        </li>`)}</ul>
      </div>
    </li>`)}</ul>
  </section>`;
}
