// The toolbar of E1. Actions apply to the checked messages, or else to the
// open one. Reply, reply all, forward and resend keep their places for
// the compose screen (issue 7).

import { html } from './html.js';
import { Icon } from './icons.js';
import { useState, useEffect } from './vendor/hooks.js';
import { store, toast } from './store.js';
import { t, folderName } from './i18n.js';
import { act, targets, refresh, loadList, openReader, mailboxById, roleOrder, compose } from './actions.js';
import { openDialog, confirm } from './dialogs.js';
import { viewSource } from './mail-reader.js';
import { post } from './api.js';

export async function run(action, mailbox) {
  await act(action, await targets(), mailbox);
}

// reportSpam is 스팸신고, or in Spam 스팸 아님.
export function reportSpam() {
  return run(mailboxById(store.state.route.mailbox)?.role === 'spam' ? 'not-spam' : 'report-spam');
}

// reportSpamDialog is the toolbar's 스팸신고: it asks first, offering to
// block the senders at once (issue 18); the ! key reports without asking.
export async function reportSpamDialog() {
  const ids = await targets();
  if (!ids.length) return toast(t('noSelection'));
  const { list, reader } = store.state;
  const row = (id) => list.messages.find((m) => m.id === id) || (reader?.data?.message.id === id ? reader.data.message : null);
  const senders = [...new Set(ids.map((id) => row(id)?.from?.email?.toLowerCase()).filter(Boolean))];
  openDialog({
    id: 'spam-dialog', title: t('reportSpam'), text: t('confirmReportSpam', { n: ids.length }), okId: 'spam-ok',
    body: senders.length > 0 && html`<label class="check"><input type="checkbox" id="spam-block" /> ${t('blockSender')}
      <span id="spam-block-senders" class="muted">${senders.join(', ')}</span></label>`,
    onOK: async () => {
      const block = document.getElementById('spam-block')?.checked;
      await act('report-spam', ids);
      if (!block) return;
      for (const address of senders) await post('/api/v1/settings/blocked-senders', { address });
      toast(t('senderBlocked', { n: senders.length }));
    },
  });
}

// toggleStar stars the targets, or takes the star off when all have it.
export async function toggleStar() {
  const ids = await targets();
  const { list, reader } = store.state;
  const flagged = (id) => list.messages.find((m) => m.id === id)?.flagged ?? (reader?.data?.message.id === id && reader.data.message.flagged);
  await act(ids.length && ids.every(flagged) ? 'unflag' : 'flag', ids);
}

export async function deleteSelected() {
  const mb = mailboxById(store.state.route.mailbox);
  if (mb?.role === 'trash' || mb?.role === 'spam') return deletePermanently();
  await run('delete-to-trash');
}

export async function deletePermanently() {
  const ids = await targets();
  if (!ids.length) return toast(t('noSelection'));
  confirm(t('confirmDeletePermanently', { n: ids.length }), () => act('delete-permanently', ids), t('deletePermanently'));
}

export function moveDialog() {
  const here = store.state.route.mailbox;
  const boxes = [...store.state.mailboxes].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  openDialog({
    id: 'move-dialog',
    title: t('moveTo'),
    body: html`<ul class="move-list">${boxes.filter((m) => m.id !== here).map((m) => html`<li>
      <button type="button" class="move-target" data-mailbox-id=${m.id} onClick=${async () => { store.set({ dialog: null }); await run('move', m.id); }}>
        ${m.role ? folderName(m) : m.name}
      </button></li>`)}</ul>`,
  });
}

function rank(mb) {
  const i = roleOrder.indexOf(mb.role);
  return i < 0 ? roleOrder.length : i;
}

async function download() {
  const ids = await targets();
  if (!ids.length) return toast(t('noSelection'));
  for (const id of ids.slice(0, 20)) {
    const a = document.createElement('a');
    a.href = `/api/v1/messages/${id}/raw`;
    a.download = ''; // the server names it after the subject (Content-Disposition)
    a.click();
  }
}

function printMessage() {
  if (!store.state.reader?.data) return toast(t('noSelection'));
  window.print();
}

function toggleConversation(state) {
  store.setPrefs({ conversation: !state.prefs.conversation });
  store.set({ list: { ...state.list, page: 1 } });
  loadList();
  if (state.route.message) openReader(state.route.message);
}

// onOpen starts a reply, forward or resend of the open message (or the one
// checked message).
function onOpen(state, kind) {
  const id = state.route.message || (state.selected.size === 1 ? [...state.selected][0] : 0);
  if (!id) return toast(t('noSelection'));
  compose(`${kind}=${id}`);
}

// useNarrow follows the phone layout's media query (app.css, 760 px).
// The effect runs after the first paint, so it reads the query again once
// subscribed: a resize between the render and the subscription would
// otherwise be missed and leave a desktop toolbar in its phone layout.
function useNarrow() {
  const query = '(max-width: 760px)';
  const [narrow, setNarrow] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const f = () => setNarrow(m.matches);
    m.addEventListener('change', f);
    f();
    return () => m.removeEventListener('change', f);
  }, []);
  return narrow;
}

// Toolbar shows every action of E1. On a phone the ones used less move
// into "more" (추가기능), so that each is reachable without scrolling the
// bar sideways; ids stay the same wherever a button is.
export function Toolbar({ state }) {
  const [menu, setMenu] = useState(false);
  const narrow = useNarrow();
  useEffect(() => {
    if (!menu) return;
    const close = (e) => !e.target.closest('#tb-more, #tb-more-menu') && setMenu(false);
    const esc = (e) => e.key === 'Escape' && setMenu(false);
    document.addEventListener('click', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', esc);
    };
  }, [menu]);
  const mb = mailboxById(state.route.mailbox);
  const inSpam = mb?.role === 'spam';
  const { prefs } = state;
  // What needs a message is off until one is checked or open; reply,
  // forward and resend need exactly one; print and source an open one.
  const none = !state.selected.size && !state.folderSelection && !state.route.message;
  const notOne = !state.route.message && state.selected.size !== 1;
  const notOpen = !state.reader?.data;
  const a = (id, label, f, more) => ({ id, label, f, ...more });
  const spam = inSpam ? a('tb-notspam', t('notSpam'), reportSpam, { disabled: none }) : a('tb-spam', t('reportSpam'), reportSpamDialog, { disabled: none });
  const conversation = a('tb-conversation', t('conversation'), () => toggleConversation(state), { pressed: prefs.conversation });
  const reply = a('tb-reply', t('reply'), () => onOpen(state, 'reply'), { disabled: notOne });
  const replyAll = a('tb-reply-all', t('replyAll'), () => onOpen(state, 'replyall'), { disabled: notOne });
  const forward = a('tb-forward', t('forward'), () => onOpen(state, 'forward'), { disabled: notOne });
  const resend = a('tb-resend', t('resend'), () => onOpen(state, 'resend'), { disabled: notOne });
  const del = a('tb-delete', t('delete'), deleteSelected, { disabled: none });
  const permanently = a('tb-delete-permanently', t('deletePermanently'), deletePermanently, { disabled: none });
  const moreItems = [
    a('tb-mark-read', t('markRead'), () => run('read'), { disabled: none }),
    a('tb-mark-unread', t('markUnread'), () => run('unread'), { disabled: none }),
    a('tb-star', t('star'), () => run('flag'), { disabled: none }),
    a('tb-unstar', t('unstar'), () => run('unflag'), { disabled: none }),
    a('tb-move', t('move'), moveDialog, { disabled: none }),
    a('tb-download', t('download'), download, { disabled: none }),
    a('tb-print', t('print'), printMessage, { disabled: notOpen }),
    a('tb-source', t('viewSource'), () => (state.reader?.id ? viewSource(state.reader.id) : toast(t('noSelection'))), { disabled: notOpen }),
  ];
  const button = (x) => html`<button id=${x.id} class=${x.pressed ? 'on' : ''} aria-pressed=${x.pressed} disabled=${x.disabled}
    onClick=${x.f}>${x.label}</button>`;
  const item = (x) => html`<button id=${x.id} role=${x.pressed === undefined ? 'menuitem' : 'menuitemcheckbox'} aria-checked=${x.pressed}
    class=${x.pressed ? 'on' : ''} disabled=${x.disabled} onClick=${() => { setMenu(false); x.f(); }}>${x.label}</button>`;
  const menuItems = narrow ? [replyAll, forward, resend, spam, permanently, conversation, null, ...moreItems] : moreItems;
  return html`<div class="toolbar" role="toolbar">
    <button id="tb-refresh" onClick=${refresh} title=${t('checkMail')} aria-label=${t('checkMail')}><${Icon} name="refresh" /> <span class="label">${t('checkMail')}</span></button>
    <button id="tb-unread" class=${prefs.unreadOnly ? 'on' : ''} aria-pressed=${prefs.unreadOnly}
      onClick=${() => { store.setPrefs({ unreadOnly: !prefs.unreadOnly }); store.set({ list: { ...state.list, page: 1 } }); loadList(); }}>${t('unreadOnly')}</button>
    <span class="sep"></span>
    ${button(reply)}
    ${!narrow && [replyAll, forward, resend].map(button)}
    <span class="sep"></span>
    ${!narrow && button(spam)}
    ${button(del)}
    ${!narrow && button(permanently)}
    <span class="menu-wrap">
      <button id="tb-more" aria-haspopup="menu" aria-expanded=${menu} onClick=${() => setMenu(!menu)}>${t('more')} ▾</button>
      ${menu && html`<div id="tb-more-menu" class="menu" role="menu">
        ${menuItems.map((x) => (x ? item(x) : html`<hr class="menu-sep" />`))}
      </div>`}
    </span>
    ${!narrow && html`<span class="sep"></span>${button(conversation)}`}
  </div>`;
}
