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

async function run(action, mailbox) {
  await act(action, await targets(), mailbox);
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

function moveDialog() {
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
    a.download = `message-${id}.eml`;
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

export function Toolbar({ state }) {
  const [menu, setMenu] = useState(false);
  useEffect(() => {
    if (!menu) return;
    const close = (e) => !e.target.closest('#tb-more, #tb-more-menu') && setMenu(false);
    document.addEventListener('click', close);
    return () => document.removeEventListener('click', close);
  }, [menu]);
  const mb = mailboxById(state.route.mailbox);
  const inSpam = mb?.role === 'spam';
  const { prefs } = state;
  const item = (id, label, f) => html`<button id=${id} role="menuitem" onClick=${() => { setMenu(false); f(); }}>${label}</button>`;
  return html`<div class="toolbar" role="toolbar">
    <button id="tb-refresh" onClick=${refresh} title=${t('checkMail')}><${Icon} name="refresh" /> <span class="label">${t('checkMail')}</span></button>
    <button id="tb-unread" class=${prefs.unreadOnly ? 'on' : ''} aria-pressed=${prefs.unreadOnly}
      onClick=${() => { store.setPrefs({ unreadOnly: !prefs.unreadOnly }); store.set({ list: { ...state.list, page: 1 } }); loadList(); }}>${t('unreadOnly')}</button>
    <span class="sep"></span>
    <button id="tb-reply" onClick=${() => onOpen(state, 'reply')}>${t('reply')}</button>
    <button id="tb-reply-all" onClick=${() => onOpen(state, 'replyall')}>${t('replyAll')}</button>
    <button id="tb-forward" onClick=${() => onOpen(state, 'forward')}>${t('forward')}</button>
    <button id="tb-resend" onClick=${() => onOpen(state, 'resend')}>${t('resend')}</button>
    <span class="sep"></span>
    ${inSpam
      ? html`<button id="tb-notspam" onClick=${() => run('not-spam')}>${t('notSpam')}</button>`
      : html`<button id="tb-spam" onClick=${() => run('report-spam')}>${t('reportSpam')}</button>`}
    <button id="tb-delete" onClick=${deleteSelected}>${t('delete')}</button>
    <button id="tb-delete-permanently" onClick=${deletePermanently}>${t('deletePermanently')}</button>
    <span class="menu-wrap">
      <button id="tb-more" aria-haspopup="menu" aria-expanded=${menu} onClick=${() => setMenu(!menu)}>${t('more')} ▾</button>
      ${menu && html`<div id="tb-more-menu" class="menu" role="menu">
        ${item('tb-mark-read', t('markRead'), () => run('read'))}
        ${item('tb-mark-unread', t('markUnread'), () => run('unread'))}
        ${item('tb-star', t('star'), () => run('flag'))}
        ${item('tb-unstar', t('unstar'), () => run('unflag'))}
        ${item('tb-move', t('move'), moveDialog)}
        ${item('tb-download', t('download'), download)}
        ${item('tb-print', t('print'), printMessage)}
        ${item('tb-source', t('viewSource'), () => state.reader?.id ? viewSource(state.reader.id) : toast(t('noSelection')))}
      </div>`}
    </span>
    <span class="sep"></span>
    <button id="tb-conversation" class=${prefs.conversation ? 'on' : ''} aria-pressed=${prefs.conversation}
      onClick=${() => toggleConversation(state)}>${t('conversation')}</button>
  </div>`;
}
