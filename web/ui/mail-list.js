// The message list: rows with checkboxes (shift-click selects a range),
// drag to a folder, paging, unread filter, and search highlights.

import { html } from './html.js';
import { Icon } from './icons.js';
import { store } from './store.js';
import { t, shortDate, longDate, folderName } from './i18n.js';
import { go, toggleSelect, selectAll, selectFolder, setPage, mailboxById, compose } from './actions.js';
import { dragType } from './mail-folders.js';

// marked splits text into plain runs and <mark>s at the byte ranges the
// search API returns (offsets into the UTF-8 encoding).
export function marked(text, ranges, lead) {
  if (!text || !ranges?.length) return text;
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  const out = [];
  let at = 0;
  const first = Math.min(...ranges.map((r) => r[0]));
  if (lead && first > 0) {
    // a preview starts a little before its first match, or the match
    // would be cut off at the end of the row
    const before = dec.decode(bytes.slice(0, first));
    if (before.length > lead) {
      out.push('…' + before.slice(before.length - lead));
      at = first;
    }
  }
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    if (a < at || b > bytes.length) continue;
    if (a > at) out.push(dec.decode(bytes.slice(at, a)));
    out.push(html`<mark>${dec.decode(bytes.slice(a, b))}</mark>`);
    at = b;
  }
  if (at < bytes.length) out.push(dec.decode(bytes.slice(at)));
  return out;
}

function who(m, mailbox) {
  const sentLike = mailbox && (mailbox.role === 'sent' || mailbox.role === 'drafts');
  if (sentLike && m.to?.length) return t('to') + ': ' + m.to.map((a) => a.name || a.email).join(', ');
  return m.from ? m.from.name || m.from.email : '';
}

export function MessageList({ state }) {
  const { list, selected, route, prefs } = state;
  const mailbox = mailboxById(route.mailbox);
  const pages = Math.max(1, Math.ceil(list.total / prefs.perPage));
  const all = list.messages.length > 0 && list.messages.every((m) => selected.has(m.id));
  const width = prefs.listWidth ? { '--list-width': prefs.listWidth + '%' } : null;
  return html`<section id="message-list" class=${'list' + (list.loading ? ' loading' : '')} aria-busy=${list.loading} style=${width}>
    <div class="list-head">
      <input type="checkbox" id="select-all" title=${t('selectAll')} aria-label=${t('selectAll')} checked=${all}
        onChange=${(e) => selectAll(e.target.checked)} />
      <span id="list-total">${t('total', { n: list.total })}</span>
      ${route.search !== null && list.byMailbox && html`<${SearchCounts} byMailbox=${list.byMailbox} />`}
      <span class="spacer"></span>
      <select id="per-page" aria-label=${t('perPage', { n: '' })} value=${prefs.perPage}
        onChange=${(e) => { store.setPrefs({ perPage: Number(e.target.value) }); setPage(1); }}>
        ${[...new Set([20, 30, 50, 100, 200, prefs.perPage])].sort((x, y) => x - y).map((n) => html`<option value=${n}>${t('perPage', { n })}</option>`)}
      </select>
      <button id="page-prev" class="icon-button" disabled=${list.page <= 1} title=${t('prev')} aria-label=${t('prev')} onClick=${() => setPage(list.page - 1)}>‹</button>
      <span class="page-no">${t('page', { page: list.page, pages })}</span>
      <button id="page-next" class="icon-button" disabled=${list.page >= pages} title=${t('next')} aria-label=${t('next')} onClick=${() => setPage(list.page + 1)}>›</button>
    </div>
    ${all && list.total > list.messages.length && route.search === null && html`<p id="select-folder-bar" class="notice select-bar">
      ${state.folderSelection
        ? html`${t('folderSelected', { n: state.folderSelection.length })}
            <button class="link" onClick=${() => selectAll(false)}>${t('clearSelection')}</button>`
        : html`${t('pageSelected', { n: list.messages.length })}
            <button id="select-folder" class="link" onClick=${selectFolder}>${t('selectFolder', { n: Math.min(list.total, 10000) })}</button>`}
    </p>`}
    ${list.loading && !list.messages.length && html`<p class="empty">${t('loading')}</p>`}
    ${!list.loading && !list.messages.length && html`<p class="empty">${t('noMessages')}</p>`}
    <ul class="rows" role="list">
      ${list.messages.map((m) => html`<${Row} key=${m.id} m=${m} state=${state} mailbox=${mailbox} />`)}
    </ul>
    <${Divider} width=${prefs.listWidth || 50} />
  </section>`;
}

// Divider is the edge between the list and the reading pane (three panes
// only): drag it, or focus it and use the arrow keys, to give the list
// more or less of the width; the choice is remembered.
function Divider({ width }) {
  const set = (pct) => store.setPrefs({ listWidth: Math.round(Math.min(70, Math.max(25, pct))) });
  const down = (e) => {
    const work = e.currentTarget.closest('.work');
    if (!work || e.button !== 0) return;
    e.preventDefault();
    const el = e.currentTarget;
    el.classList.add('dragging');
    const box = work.getBoundingClientRect();
    const move = (ev) => set(((ev.clientX - box.left) / box.width) * 100);
    const up = () => {
      el.classList.remove('dragging');
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const key = (e) => {
    const d = { ArrowLeft: -2, ArrowRight: 2 }[e.key];
    if (!d) return;
    e.preventDefault();
    set(width + d);
  };
  return html`<div id="pane-divider" class="pane-divider" role="separator" aria-orientation="vertical" tabindex="0"
    aria-label=${t('resizeList')} aria-valuenow=${width} aria-valuemin="25" aria-valuemax="70" title=${t('resizeList')}
    onPointerDown=${down} onKeyDown=${key}></div>`;
}

function SearchCounts({ byMailbox }) {
  const entries = Object.entries(byMailbox).filter(([, n]) => n > 0);
  return html`<span class="search-counts">${entries.map(([id, n]) => {
    const mb = mailboxById(Number(id));
    return html`<span class="search-count" data-mailbox-id=${id}>${mb ? folderName(mb) : id} ${n}</span>`;
  })}</span>`;
}

// Row is one message (or conversation). Its date is when the message
// arrived, the order the list is in; the sender's Date header, which a
// slow relay or a wrong clock can put anywhere, is in the tooltip and the
// reading pane.
function Row({ m, state, mailbox }) {
  const checked = state.selected.has(m.id);
  const open = state.route.message === m.id;
  const dragStart = (e) => {
    const ids = checked ? [...state.selected] : [m.id];
    e.dataTransfer.setData(dragType, JSON.stringify(ids));
    e.dataTransfer.setData('text/plain', m.subject || '');
    e.dataTransfer.effectAllowed = 'move';
  };
  const click = (e) => {
    if (e.target.closest('.msg-check')) return;
    if (e.ctrlKey || e.metaKey || e.shiftKey) {
      e.preventDefault();
      toggleSelect(m.id, e.shiftKey);
      return;
    }
    // a draft opens where it is written, with its attachments
    if (mailbox?.role === 'drafts') compose(`draft=${m.id}`);
    else go({ message: m.id });
  };
  // a conversation's row is unread while any of its messages here is
  const unread = !m.seen || m.thread_unseen > 0;
  const cls = ['msg-row', unread ? 'unread' : '', checked ? 'selected' : '', open ? 'open' : '', m.flagged ? 'flagged' : ''].join(' ');
  return html`<li class=${cls} data-id=${m.id} draggable="true" onDragStart=${dragStart} onClick=${click}>
    <input type="checkbox" class="msg-check" checked=${checked} aria-label=${m.subject || t('noSubject')}
      onClick=${(e) => { e.stopPropagation(); toggleSelect(m.id, e.shiftKey); }} />
    <span class="msg-star">${m.flagged && html`<${Icon} name="star" label=${t('star')} />`}</span>
    <span class="msg-from">${who(m, mailbox)}</span>
    <span class="msg-main">
      <span class="msg-subject">${marked(m.subject || t('noSubject'), m.subject_highlights)}</span>
      ${m.thread_count > 1 && html`<span class="thread-count">${m.thread_count}</span>`}
      <span class="msg-preview">${marked(m.preview, m.preview_highlights, 12)}</span>
    </span>
    ${m.has_attachment && html`<span class="msg-clip" title=${t('attachments')}><${Icon} name="clip" /></span>`}
    <time class="msg-date" datetime=${m.received} title=${t('sentAt', { date: longDate(m.date) })}>${shortDate(m.received)}</time>
  </li>`;
}

