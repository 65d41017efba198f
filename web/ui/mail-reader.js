// The reading pane (E5): the sender information panel, the body (plain
// text, or safe HTML in a sandboxed iframe whose document the server
// serves behind a strict CSP), remote images only after "show images",
// attachments, view source; in conversation view the thread's messages.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { store } from './store.js';
import { t, longDate, size, shortDate } from './i18n.js';
import { get } from './api.js';
import { go, report } from './actions.js';
import { openDialog } from './dialogs.js';
import { setting } from './settings-state.js';
import { spamReasons } from './spam-reasons.js';
import { MdnPrompt } from './mail-mdn.js';

// sandbox is the iframe's sandbox: no scripts, an opaque origin, no forms;
// links open in a new window outside the sandbox. It matches
// safehtml.IframeSandbox, which the server repeats in the CSP.
const sandbox = 'allow-popups allow-popups-to-escape-sandbox';

export async function viewSource(id) {
  try {
    const res = await fetch(`/api/v1/messages/${id}/raw`, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(res.statusText);
    const text = await res.text();
    openDialog({ id: 'source-dialog', title: t('viewSource'), wide: true, body: html`<pre id="source-view">${text}</pre>` });
  } catch (e) {
    report(e);
  }
}

function addr(a) {
  if (!a) return '';
  return a.name ? `${a.name} <${a.email}>` : a.email;
}

function addrs(list) {
  return (list || []).map(addr).join(', ');
}

// Recipients is one row of the header (받는사람, 참조, 회신 주소): one
// address in full, up to three names, or two names and "외 N명" with a
// button that shows every address.
function Recipients({ id, label, list }) {
  const [all, setAll] = useState(false);
  if (!list?.length) return null;
  const short = !all && list.length > 3;
  const shown = short ? list.slice(0, 2) : list;
  return html`<div class="recipients"><span class="k">${t(label)}</span>
    <span class="v" id=${id} title=${addrs(list)}>${shown.map((a, i) => html`${i ? ', ' : ''}<span class="who" title=${a.email}>${all || !a.name || list.length === 1 ? addr(a) : a.name}</span>`)}
      ${short && html` <button class="link recipients-more" aria-expanded="false" onClick=${() => setAll(true)}>${t('andMore', { n: list.length - 2 })}</button>`}
    </span></div>`;
}

export function Reader({ state }) {
  const { reader } = state;
  if (!reader) return html`<section id="reader" class="reader empty"><p class="empty">${t('noSelection')}</p></section>`;
  const back = html`<button id="reader-back" class="back" onClick=${() => go({ message: 0 })}>‹ ${t('backToList')}</button>`;
  if (reader.error) return html`<section id="reader" class="reader">${back}<p class="error">${reader.error}</p></section>`;
  if (!reader.data) return html`<section id="reader" class="reader">${back}<p class="empty">${t('loading')}</p></section>`;
  const subject = reader.data.message.subject || t('noSubject');
  return html`<section id="reader" class="reader" aria-label=${subject}>
    ${back}
    <h1 id="reader-subject">${subject}</h1>
    ${reader.thread
      ? html`<div class="thread">${reader.thread.map((m, i) => html`<${ThreadItem} key=${m.id} m=${m} state=${state}
          open=${m.id === reader.id || !m.seen || (i === reader.thread.length - 1 && !reader.thread.some((x) => x.id === reader.id))} />`)}</div>`
      : html`<${MessageView} data=${reader.data} state=${state} />`}
  </section>`;
}

function ThreadItem({ m, state, open: initiallyOpen }) {
  const [open, setOpen] = useState(initiallyOpen);
  const [data, setData] = useState(m.id === state.reader.id ? state.reader.data : null);
  useEffect(() => {
    if (!open || data) return;
    get(`/api/v1/messages/${m.id}`).then(setData, report);
  }, [open]);
  return html`<article class=${'thread-message' + (open ? ' expanded' : '')} data-id=${m.id}>
    <header class="thread-head" onClick=${() => setOpen(!open)}>
      <span class="msg-from">${m.from?.name || m.from?.email}</span>
      ${!open && html`<span class="msg-preview">${m.preview}</span>`}
      <time>${shortDate(m.date)}</time>
    </header>
    ${open && (data ? html`<${MessageView} data=${data} state=${state} compact />` : html`<p class="empty">${t('loading')}</p>`)}
  </article>`;
}

function MessageView({ data, state, compact }) {
  // 발송 정보 보기 (S2-5): the details open as the settings say
  const [details, setDetails] = useState(() => !!setting('mail', 'expand_send_info', false));
  const m = data.message;
  const images = state.allowImages.has(m.id);
  const files = (data.attachments || []).filter((a) => !a.embedded); // pictures in the text are not files
  return html`<div class="message-view">
    <div class=${'sender-panel' + (details ? ' expanded' : '')}>
      <div class="sender-line">
        <span id=${compact ? null : 'reader-from'} class="reader-from">${addr(m.from)}</span>
        <time id=${compact ? null : 'reader-date'} datetime=${m.date}>${longDate(m.date)}</time>
        <button class="link details-toggle" aria-expanded=${details} onClick=${() => setDetails(!details)}>
          ${details ? t('hideDetails') : t('showDetails')}
        </button>
      </div>
      <${Recipients} id=${compact ? null : 'reader-to'} label="to" list=${m.to} />
      <${Recipients} id=${compact ? null : 'reader-cc'} label="cc" list=${m.cc} />
      <${Recipients} id=${compact ? null : 'reader-bcc'} label="bcc" list=${data.bcc} />
      <${Recipients} id=${compact ? null : 'reader-reply-to'} label="replyTo" list=${data.reply_to} />
      ${details && html`<dl class="details" aria-label=${t('senderInfo')}>
        <dt>${t('date')}</dt><dd>${longDate(m.date)}</dd>
        <dt>Message-ID</dt><dd class="mono">${data.message_id}</dd>
        <dt>${t('size')}</dt><dd>${size(m.size)}</dd>
      </dl>`}
    </div>
    ${files.length > 0 && html`<div class="attachments"><h2>${t('attachments')} (${files.length})</h2><ul>
      ${files.map((a) => html`<li class="attachment">
        <a class="attachment-link" href=${`/api/v1/messages/${m.id}/attachments/${a.index}`} download=${a.filename || ''}>${a.filename || a.content_type}</a>
        <span class="att-size">${size(a.size)}</span></li>`)}
    </ul></div>`}
    ${data.spam?.verdict === 'spam' && state.mailboxes?.find((b) => b.id === m.mailbox_id)?.role === 'spam' &&
      html`<p id=${compact ? null : 'spam-why'} class="notice warn spam-why">${t('spamWhy', { reasons: spamReasons(data.spam.reasons) })}</p>`}
    <${MdnPrompt} data=${data} compact=${compact} />
    ${data.problems?.length > 0 && html`<p class="notice warn">${t('brokenMime')}
      <button id=${compact ? null : 'view-source'} class="link" onClick=${() => viewSource(m.id)}>${t('viewSource')}</button></p>`}
    ${data.has_html && data.remote_blocked > 0 && !images && html`<p class="notice">${t('imagesBlocked', { n: data.remote_blocked })}
      <button id=${compact ? null : 'show-images'} class="link" onClick=${() => store.set({ allowImages: new Set([...state.allowImages, m.id]) })}>${t('showImages')}</button></p>`}
    ${data.has_html
      ? html`<iframe id=${compact ? null : 'reader-frame'} class="body-frame" title=${m.subject || t('noSubject')} sandbox=${sandbox}
          referrerpolicy="no-referrer" src=${`/api/v1/messages/${m.id}/html${images ? '?images=1' : ''}`}></iframe>`
      : html`<pre id=${compact ? null : 'reader-text'} class="body-text">${data.text}</pre>`}
    ${!data.problems?.length && !compact && html`<p class="source-link"><button id="view-source" class="link" onClick=${() => viewSource(m.id)}>${t('viewSource')}</button></p>`}
  </div>`;
}
