// The Contacts screen (주소록, C1–C4): on the left 내 주소록 with its
// folders ([+] adds one), 공용 주소록, the groups of each book and the
// trash; on the right the toolbar of the manual and a paged list (50 a
// page, in the server's order: 가나다, then Latin) with a search box.
//
// The shared book is read-only here unless its list answer says
// can_edit (the domain's administrators): the server refuses a change
// anyway, the screen only does not offer one.

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { store, toast } from './store.js';
import { report } from './actions.js';
import { confirm } from './dialogs.js';
import * as api from './contacts-api.js';
import { contactDialog, groupDialog, folderDialog } from './contacts-form.js';
import { importDialog, exportDialog } from './contacts-import.js';

const home = { book: 'personal', folder: 0, group: 0, trash: false };

export function Contacts({ state }) {
  const [where, setWhere] = useState(home);
  const [q, setQ] = useState(''); // the search applied
  const [typed, setTyped] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState(null); // the list answer
  const [selected, setSelected] = useState(new Set());
  const [nav, setNav] = useState({ folders: [], personal: [], shared: [], sharedEditable: false });
  const [error, setError] = useState('');
  const seq = useRef(0);

  const loadNav = async () => {
    try {
      const [folders, personal, shared, sharedEditable] = await Promise.all([api.folders(), api.groups('personal'), api.groups('shared'), api.canEditShared()]);
      setNav({ folders, personal, shared, sharedEditable });
    } catch (e) {
      report(e);
    }
  };
  const loadList = async () => {
    const n = ++seq.current;
    try {
      const d = await api.list({ ...where, q, page });
      if (n !== seq.current) return; // a newer request won
      // the last page emptied (deleted, moved): show the one before
      if (!d.contacts.length && page > 1 && d.total > 0) return setPage(Math.ceil(d.total / (d.page_size || api.pageSize)));
      setData(d);
      setError('');
      const ids = new Set(d.contacts.map((c) => c.id));
      setSelected((s) => new Set([...s].filter((id) => ids.has(id))));
    } catch (e) {
      if (n !== seq.current) return;
      setData({ contacts: [], total: 0, page: 1, page_size: api.pageSize, can_edit: false });
      setError(e.message);
    }
  };
  const reload = () => Promise.all([loadList(), loadNav()]);
  useEffect(() => { loadNav(); }, []);
  useEffect(() => { loadList(); }, [where, q, page]);

  const open = (w) => {
    store.set({ navOpen: false }); // the drawer on a phone closes on a choice
    setWhere({ ...home, ...w });
    setPage(1);
    setSelected(new Set());
  };
  const search = (text) => {
    setQ(text.trim());
    setPage(1);
  };
  const ctx = { where, nav, data, selected, setSelected, reload, open };
  return html`<nav id="contacts-nav" class=${'folders contacts-nav' + (state.navOpen ? ' open' : '')} aria-label=${t('contacts')}>
      <${Books} ctx=${ctx} />
      <div class="drawer-foot">
        <a id="mail-link-drawer" class="button-like" href="#/">${t('mail')}</a>
        <a id="settings-link-contacts" class="button-like" href="#/settings">${t('settings')}</a>
      </div>
    </nav>
    <div class="content contacts">
      <${ContactsToolbar} ctx=${ctx} />
      <form class="ct-search" role="search" onSubmit=${(e) => { e.preventDefault(); search(typed); }}>
        <input id="contact-search" type="search" value=${typed} placeholder=${t('ctSearch')} aria-label=${t('ctSearch')}
          onInput=${(e) => { setTyped(e.target.value); if (!e.target.value) search(''); }} />
        <button id="contact-search-submit" type="submit">${t('doSearch')}</button>
        ${q && html`<span class="muted">${t('ctSearching', { q })}</span>`}
      </form>
      ${error && html`<p id="contacts-error" class="error notice warn" role="alert">${error}</p>`}
      <${ContactList} ctx=${ctx} page=${page} setPage=${setPage} />
    </div>`;
}

// editable is whether the shown book may be changed by this account.
function editable(ctx) {
  return ctx.where.book === 'personal' || !!ctx.data?.can_edit;
}

function Books({ ctx }) {
  const { where, nav, open } = ctx;
  const on = (w) => where.book === w.book && !!where.trash === !!w.trash && (where.folder || 0) === (w.folder || 0) && (where.group || 0) === (w.group || 0);
  const item = (id, label, w, extra) => html`<li class=${'folder' + (on(w) ? ' selected' : '')} ...${extra}>
    <a id=${id} href="#/contacts" onClick=${(e) => { e.preventDefault(); open(w); }}><span class="folder-name">${label}</span>
      ${w.count !== undefined && html`<span class="ct-count">${w.count}</span>`}</a></li>`;
  const groupItems = (book) => nav[book].map((g) => item(null, g.name, { book, group: g.id, count: g.members?.length || 0 },
    { class: 'folder ct-group' + (on({ book, group: g.id }) ? ' selected' : ''), 'data-group-id': g.id, 'data-book': book, style: '--depth:1' }));
  return html`<div class="folder-heading"><span>${t('ctMine')}</span>
      <button id="ct-add-folder" class="icon-button" title=${t('ctAddFolder')} aria-label=${t('ctAddFolder')}
        onClick=${() => folderDialog(ctx.reload)}>+</button></div>
    <ul class="folder-list">
      ${item('ct-book-personal', t('ctAll'), { book: 'personal' })}
      ${nav.folders.map((f) => html`<li key=${'f' + f.id} class=${'folder ct-folder' + (on({ book: 'personal', folder: f.id }) ? ' selected' : '')}
        data-folder-id=${f.id} style="--depth:1"><a href="#/contacts" onClick=${(e) => { e.preventDefault(); open({ folder: f.id }); }}>
        <span class="folder-name">${f.name}</span><span class="ct-count">${f.count}</span></a></li>`)}
      ${groupItems('personal')}
      ${item('ct-trash', t('trash'), { book: 'personal', trash: true })}
    </ul>
    <div class="folder-heading"><span>${t('ctShared')}</span></div>
    <ul class="folder-list">
      ${item('ct-book-shared', t('ctAll'), { book: 'shared' })}
      ${groupItems('shared')}
      ${nav.sharedEditable && item('ct-trash-shared', t('trash'), { book: 'shared', trash: true })}
    </ul>`;
}

// addresses are the To addresses of the checked contacts, or else of
// every member of the group shown.
async function addresses(ctx) {
  const { where, data, selected } = ctx;
  let people = (data?.contacts || []).filter((c) => selected.has(c.id));
  if (!people.length && where.group) people = await api.everyone({ book: where.book, group: where.group });
  return people.map(api.addressText).filter(Boolean);
}

function ContactsToolbar({ ctx }) {
  const { where, nav, selected, reload, data } = ctx;
  const ids = [...selected];
  const none = !ids.length;
  const canEdit = editable(ctx);
  const group = where.group ? nav[where.book].find((g) => g.id === where.group) : null;
  const run = async (action, okKey, folder) => {
    try {
      const r = await api.act(action, ids, folder);
      toast(t(okKey, { n: r?.done ?? ids.length }));
      ctx.setSelected(new Set());
      await reload();
    } catch (e) {
      report(e);
    }
  };
  const write = async () => {
    try {
      const to = await addresses(ctx);
      if (!to.length) return toast(t(none && !group ? 'ctNoSelection' : 'ctNoAddresses'));
      await api.composeTo(to);
    } catch (e) {
      report(e);
    }
  };
  const b = (id, label, f, disabled, cls) => html`<button id=${id} class=${cls || ''} disabled=${disabled} onClick=${f}>${label}</button>`;
  const checked = () => (data?.contacts || []).filter((c) => selected.has(c.id));
  return html`<div class="toolbar ct-toolbar" role="toolbar" data-editable=${canEdit ? '1' : '0'}>
    ${canEdit && !where.trash && html`
      ${b('ct-new', t('ctNew'), () => contactDialog({ book: where.book, folder: where.folder, groups: where.group ? [where.group] : [] }, nav, reload))}
      ${b('ct-new-group', t('ctNewGroup'), () => groupDialog({ book: where.book, add: checked() }, reload))}
      ${b('ct-edit-group', t('ctEditGroup'), () => groupDialog({ ...group, add: checked() }, reload), !group)}
      ${b('ct-delete-group', t('ctDeleteGroup'), () => confirm(t('ctConfirmDeleteGroup', { name: group.name }), async () => {
        await api.deleteGroup(group.id);
        ctx.open({ book: where.book });
        await reload();
      }, t('ctDeleteGroup')), !group)}
      <span class="sep"></span>`}
    ${!where.trash && b('ct-compose', t('compose'), write, none && !group, 'primary')}
    ${canEdit && !where.trash && html`${b('ct-delete', t('delete'), () => run('trash', 'ctTrashed'), none)}
      ${where.book === 'personal' && nav.folders.length > 0 && html`<select id="ct-move" disabled=${none} aria-label=${t('ctMove')}
        onChange=${(e) => { const f = Number(e.target.value); e.target.selectedIndex = 0; if (f) run('move', 'ctMoved', f); }}>
        <option value="">${t('ctMove')}</option>${nav.folders.map((f) => html`<option value=${f.id}>${f.name}</option>`)}</select>`}`}
    ${canEdit && where.trash && b('ct-restore', t('ctRestore'), () => run('restore', 'ctRestored'), none)}
    ${canEdit && b('ct-delete-permanently', t('deletePermanently'), () => confirm(t('ctConfirmDelete', { n: ids.length }),
      () => run('delete', 'ctDeleted'), t('deletePermanently')), none)}
    <span class="sep"></span>
    ${canEdit && !where.trash && b('ct-import', t('ctImport'), () => importDialog(where, nav, reload))}
    ${b('ct-export', t('ctExport'), () => exportDialog(where.book))}
  </div>`;
}

function ContactList({ ctx, page, setPage }) {
  const { data, selected, setSelected, where, nav } = ctx;
  if (!data) return html`<p class="empty">${t('loading')}</p>`;
  const rows = data.contacts;
  const pages = Math.max(1, Math.ceil(data.total / (data.page_size || api.pageSize)));
  const all = rows.length > 0 && rows.every((c) => selected.has(c.id));
  const toggle = (id) => {
    const s = new Set(selected);
    s.has(id) ? s.delete(id) : s.add(id);
    setSelected(s);
  };
  const edit = (c) => contactDialog(c, nav, ctx.reload, !editable(ctx) || where.trash);
  return html`<div class="list ct-list">
    <div class="list-head">
      <input id="ct-select-all" type="checkbox" checked=${all} aria-label=${t('selectAll')}
        onChange=${(e) => setSelected(new Set(e.target.checked ? rows.map((c) => c.id) : []))} />
      <span id="ct-total" data-n=${data.total}>${t('ctTotal', { n: data.total })}</span>
      <span class="spacer"></span>
      <button id="ct-page-prev" class="icon-button" disabled=${page <= 1} aria-label=${t('prev')} onClick=${() => setPage(page - 1)}>‹</button>
      <span id="ct-page">${t('page', { page, pages })}</span>
      <button id="ct-page-next" class="icon-button" disabled=${page >= pages} aria-label=${t('next')} onClick=${() => setPage(page + 1)}>›</button>
    </div>
    ${!rows.length ? html`<p class="empty">${t(where.trash ? 'ctTrashEmpty' : 'ctNone')}</p>` : html`<ul id="contact-list" class="rows">
      ${rows.map((c) => html`<li key=${c.id} class=${'contact-row' + (selected.has(c.id) ? ' selected' : '')} data-id=${c.id}>
        <input class="contact-check" type="checkbox" checked=${selected.has(c.id)} aria-label=${c.name} onChange=${() => toggle(c.id)} />
        <button type="button" class="link contact-name" onClick=${() => edit(c)}>${c.name || c.emails?.[0]?.address || '—'}</button>
        <span class="contact-email">${(c.emails || []).map((e) => e.address).join(', ')}</span>
        <span class="contact-phone">${c.phones?.[0]?.number || ''}</span>
        <span class="contact-org">${[c.company, c.department, c.position].filter(Boolean).join(' · ')}</span>
      </li>`)}</ul>`}
  </div>`;
}
