// The folder tree (E4): standard folders, then "My folders" with [+],
// unread counts, rename and delete, and drop targets for moving mail.

import { html } from './html.js';
import { t, folderName } from './i18n.js';
import { roleOrder, go, act, targets, createFolder, renameFolder, deleteFolder, logout } from './actions.js';
import { LangSelect } from './lang-select.js';
import { ZoneSelect } from './zone-select.js';
import { openDialog } from './dialogs.js';

export const dragType = 'application/x-postroom-ids';

function sorted(mailboxes) {
  const system = roleOrder.map((r) => mailboxes.find((m) => m.role === r)).filter(Boolean);
  const user = mailboxes.filter((m) => !m.role).sort((a, b) => a.name.localeCompare(b.name));
  return { system, user };
}

function depth(mb) {
  return mb.name.split('/').length - 1;
}

export function FolderTree({ state }) {
  const { system, user } = sorted(state.mailboxes);
  return html`<nav id="folders" class=${'folders' + (state.navOpen ? ' open' : '')} aria-label=${t('folders')}>
    <ul class="folder-list">${system.map((mb) => html`<${Folder} key=${mb.id} mb=${mb} state=${state} />`)}
      <li class=${'folder' + (state.route.view === 'scheduled' ? ' selected' : '')}><a id="scheduled-link" href="#/scheduled">
        <span class="folder-name">${t('scheduled')}</span></a></li>
      <li class=${'folder' + (state.route.view === 'receipts' ? ' selected' : '')}><a id="receipts-link" href="#/receipts">
        <span class="folder-name">${t('receipts')}</span></a></li>
    </ul>
    <div class="folder-heading">
      <span>${t('myFolders')}</span>
      <button id="add-folder" class="icon-button" title=${t('addFolder')} aria-label=${t('addFolder')} onClick=${() => addFolderDialog(user)}>+</button>
    </div>
    <ul class="folder-list">${user.map((mb) => html`<${Folder} key=${mb.id} mb=${mb} state=${state} user />`)}</ul>
    <div class="drawer-foot">
      <span class="user">${state.auth.account.email}</span>
      <a id="settings-link-drawer" class="button-like" href="#/settings">${t('settings')}</a>
      <${LangSelect} id="lang-select-drawer" />
      <${ZoneSelect} id="tz-select-drawer" zone=${state.auth.account.time_zone} />
      <button class="link" onClick=${logout}>${t('logout')}</button>
    </div>
  </nav>`;
}

function Folder({ mb, state, user }) {
  const selected = state.route.search === null && state.route.mailbox === mb.id;
  const onDrop = async (e) => {
    e.preventDefault();
    e.currentTarget.classList.remove('drop-target');
    let ids = [];
    try {
      ids = JSON.parse(e.dataTransfer.getData(dragType) || '[]');
    } catch {
      ids = [];
    }
    if (ids.length) await act('move', await targets(ids), mb.id);
  };
  const over = (e) => {
    if (![...e.dataTransfer.types].includes(dragType)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    e.currentTarget.classList.add('drop-target');
  };
  return html`<li
    class=${'folder' + (selected ? ' selected' : '') + (mb.unread ? ' has-unread' : '')}
    data-mailbox-id=${mb.id} data-role=${mb.role || ''} style=${`--depth:${depth(mb)}`}
    onDragOver=${over} onDragEnter=${over} onDragLeave=${(e) => e.currentTarget.classList.remove('drop-target')} onDrop=${onDrop}>
    <a href=${`#/mail/${mb.id}`} onClick=${(e) => { e.preventDefault(); go({ mailbox: mb.id, message: 0, search: null }); }}>
      <span class="folder-name">${folderName(mb)}</span>
      ${mb.unread > 0 && html`<span class="unread-count">${mb.unread}</span>`}
    </a>
    ${user && html`<span class="folder-tools">
      <button class="folder-rename icon-button" title=${t('renameFolder')} aria-label=${t('renameFolder')} onClick=${() => renameDialog(mb)}>✎</button>
      <button class="folder-delete icon-button" title=${t('deleteFolder')} aria-label=${t('deleteFolder')} onClick=${() => deleteDialog(mb)}>×</button>
    </span>`}
  </li>`;
}

function addFolderDialog(user) {
  openDialog({
    id: 'folder-dialog',
    title: t('addFolder'),
    fields: [
      { id: 'folder-name-input', label: t('newFolderName'), value: '' },
      { id: 'folder-parent', label: t('parentFolder'), options: [['', t('noParent')], ...user.map((m) => [m.name, m.name])] },
    ],
    okId: 'folder-dialog-ok',
    onOK: async ({ 'folder-name-input': name, 'folder-parent': parent }) => {
      if (!name.trim()) return false;
      await createFolder(name.trim(), parent);
    },
  });
}

function renameDialog(mb) {
  openDialog({
    id: 'folder-dialog',
    title: t('renameFolder'),
    fields: [{ id: 'folder-name-input', label: t('folderName'), value: folderName(mb) }],
    okId: 'folder-dialog-ok',
    onOK: async ({ 'folder-name-input': name }) => {
      if (!name.trim()) return false;
      await renameFolder(mb, name.trim());
    },
  });
}

function deleteDialog(mb) {
  openDialog({
    id: 'confirm-dialog',
    title: t('deleteFolder'),
    text: t('confirmDeleteFolder', { name: folderName(mb) }),
    okId: 'confirm-ok',
    danger: true,
    onOK: () => deleteFolder(mb),
  });
}
