// actions are everything the webmail does: they call the API and update
// the store. Components only call these; they never fetch themselves.

import { get, post, patch, del, query, setCSRF, APIError } from './api.js';
import { store, toast } from './store.js';
import { t, setLocale, folderName, currentLang } from './i18n.js';
import { loadSettings, leaveGuard, firstFolder } from './settings-state.js';

const S = () => store.state;

export const roleOrder = ['inbox', 'sent', 'drafts', 'spam', 'trash', 'archive'];

export function mailboxByRole(role) {
  return S().mailboxes.find((m) => m.role === role);
}

export function mailboxById(id) {
  return S().mailboxes.find((m) => m.id === id);
}

// ---- routing: the hash is the source of truth for where the user is ----

export function parseHash(hash) {
  const h = (hash || '').replace(/^#\/?/, '');
  const parts = h.split('/');
  if (parts[0] === 'search') {
    return { view: 'mail', mailbox: 0, search: parts[1] || '', message: Number(parts[2]) || 0 };
  }
  if (parts[0] === 'mail') {
    return { view: 'mail', mailbox: Number(parts[1]) || 0, message: Number(parts[2]) || 0, search: null };
  }
  if (parts[0] === 'compose') return { view: 'compose', compose: h.slice('compose'.length + 1) };
  if (parts[0] === 'scheduled') return { view: 'scheduled' };
  if (parts[0] === 'receipts') return { view: 'receipts' };
  if (parts[0] === 'settings') return { view: 'settings', section: parts[1] || '' };
  return { view: 'mail', mailbox: 0, message: 0, search: null };
}

export function hashFor(route) {
  if (route.view === 'compose') return '#/compose' + (route.compose ? '/' + route.compose : '');
  if (route.view === 'scheduled') return '#/scheduled';
  if (route.view === 'receipts') return '#/receipts';
  if (route.view === 'settings') return '#/settings' + (route.section ? '/' + route.section : '');
  if (route.search !== null && route.search !== undefined) {
    return `#/search/${route.search}` + (route.message ? `/${route.message}` : '');
  }
  return `#/mail/${route.mailbox}` + (route.message ? `/${route.message}` : '');
}

export function go(route) {
  const next = hashFor({ ...S().route, view: 'mail', ...route });
  if (location.hash !== next) location.hash = next;
  else applyRoute();
}

let listKey = '';
let shownHash = ''; // the hash on screen, to go back to when leaving is refused

// applyRoute loads what the hash names: the folder or search list, and the
// open message.
export async function applyRoute() {
  if (!S().auth || S().auth.operator) return; // the console routes itself
  // a Settings form with unsaved changes asks before it is left
  if (shownHash && !leaveGuard(shownHash, location.hash)) return;
  shownHash = location.hash;
  const r = parseHash(location.hash);
  if (r.view !== 'mail') {
    // writing, the scheduled view and Settings keep the list the user came from
    store.set({ route: { ...S().route, view: r.view, compose: r.compose || '', section: r.section || '' }, navOpen: false });
    updateTitle();
    return;
  }
  if (!r.search && !mailboxById(r.mailbox)) {
    r.mailbox = mailboxByRole('inbox')?.id || 0;
    history.replaceState(null, '', hashFor(r));
  }
  const prev = S().route;
  const changedList = prev.mailbox !== r.mailbox || prev.search !== r.search;
  store.set({ route: r, navOpen: false });
  if (changedList) {
    store.set({ selected: new Set(), folderSelection: null, list: { ...S().list, page: 1 } });
    await loadList();
  }
  if (r.message !== (S().reader?.id || 0)) await openReader(r.message);
  updateTitle();
}

function listParams() {
  const { prefs, list, route } = S();
  return { page: list.page, per_page: prefs.perPage, unread: prefs.unreadOnly, thread: prefs.conversation && !route.search };
}

// loadList (re)reads the current folder's page or the search results.
export async function loadList() {
  const { route } = S();
  const key = JSON.stringify([route.mailbox, route.search, listParams()]);
  listKey = key;
  store.set({ list: { ...S().list, loading: true } });
  try {
    let data;
    if (route.search !== null) {
      const q = Object.fromEntries(new URLSearchParams(route.search));
      const p = listParams();
      data = await get('/api/v1/search' + query({ ...q, page: p.page, per_page: p.per_page }));
    } else {
      data = await get(`/api/v1/mailboxes/${route.mailbox}/messages` + query(listParams()));
    }
    if (listKey !== key) return; // a newer request won
    setList(data);
  } catch (e) {
    if (listKey === key) store.set({ list: { ...S().list, loading: false } });
    report(e);
  }
}

function setList(data) {
  const ids = new Set(data.messages.map((m) => m.id));
  const selected = new Set([...S().selected].filter((id) => ids.has(id)));
  store.set({
    list: { messages: data.messages, total: data.total, page: data.page, loading: false, byMailbox: data.by_mailbox || null },
    selected,
  });
}

export function setPage(page) {
  store.set({ list: { ...S().list, page } });
  loadList();
}

// ---- session ----

// boot reads the session, the folders and the first inbox page in one
// request; without a session the login form shows (saying so when a
// session ended, not on a first visit or after logging out).
export async function boot() {
  const { prefs } = S();
  try {
    const data = await get('/api/v1/session' + query({ per_page: prefs.perPage, thread: prefs.conversation }));
    if (!data.authenticated) {
      store.set({ booting: false, auth: null, expired: S().expired || !!data.expired });
      return;
    }
    await started(data);
  } catch (e) {
    store.set({ booting: false, auth: null });
    if (!(e instanceof APIError) || e.status !== 401) report(e);
  }
}

async function started(data) {
  setCSRF(data.csrf);
  if (data.role === 'operator') {
    // the system operator has no mailbox: the console (console.js)
    setLocale(data.language);
    store.set({ auth: { operator: true }, booting: false, expired: false });
    updateTitle();
    return;
  }
  setLocale(data.account.language, data.account.time_zone);
  // the account's settings decide the first screen: its folder, layout and page size
  const asked = S().prefs.perPage;
  await loadSettings();
  store.set({ auth: { account: data.account }, mailboxes: data.mailboxes || [], booting: false, expired: false });
  const r = parseHash(location.hash);
  const inbox = mailboxByRole('inbox');
  const first = firstFolder(S().mailboxes);
  if (r.view === 'mail' && !r.mailbox && !r.search && first && first !== inbox) {
    history.replaceState(null, '', hashFor({ view: 'mail', mailbox: first.id, message: 0, search: null }));
  }
  const samePage = (data.inbox?.per_page ?? asked) === S().prefs.perPage;
  if (data.inbox && inbox && samePage && !r.search && (r.mailbox === inbox.id || (!r.mailbox && first === inbox))) {
    // the first screen comes from the same answer as the session
    store.set({ route: { view: 'mail', mailbox: inbox.id, message: 0, search: null } });
    if (r.view === 'mail' && !r.mailbox) history.replaceState(null, '', hashFor({ view: 'mail', mailbox: inbox.id, message: r.message, search: null }));
    listKey = JSON.stringify([inbox.id, null, listParams()]);
    setList(data.inbox);
  } else {
    store.set({ route: { view: 'mail', mailbox: -1, message: 0, search: undefined } });
  }
  await applyRoute();
  connectEvents();
}

export async function login(email, password) {
  const data = await post('/api/v1/session', { email, password, language: currentLang() });
  setCSRF(data.csrf);
  await boot();
}

export async function logout() {
  try {
    await del('/api/v1/session');
  } finally {
    disconnectEvents();
    location.hash = '';
    location.reload();
  }
}

// expired is the API's 401: show the login form, keep the hash so that
// logging in returns to the same place.
export function expired() {
  disconnectEvents();
  store.set({ auth: null, expired: true, reader: null, dialog: null });
}

export async function setLanguage(language) {
  if (!S().auth) {
    setLocale(language);
    store.set({});
    return;
  }
  if (S().auth.operator) {
    try {
      await patch('/api/v1/session', { language });
      setLocale(language);
      store.set({});
      updateTitle();
    } catch (e) {
      report(e);
    }
    return;
  }
  try {
    const acct = await patch('/api/v1/account', { language });
    const account = { ...S().auth.account, ...(acct?.account || acct || {}), language };
    setLocale(account.language, account.time_zone);
    store.set({ auth: { ...S().auth, account } });
    updateTitle();
  } catch (e) {
    report(e);
  }
}

// setTimeZone saves the user's time zone; the dates on the screen follow.
export async function setTimeZone(zone) {
  try {
    const acct = await patch('/api/v1/account', { time_zone: zone });
    const account = { ...S().auth.account, ...(acct?.account || acct || {}), time_zone: zone };
    setLocale(account.language, account.time_zone);
    store.set({ auth: { ...S().auth, account } });
  } catch (e) {
    report(e);
    store.set({}); // the select shows the zone still in use
  }
}

// ---- folders ----

export async function loadMailboxes() {
  try {
    const data = await get('/api/v1/mailboxes');
    store.set({ mailboxes: data.mailboxes });
    updateTitle();
  } catch (e) {
    report(e);
  }
}

export async function createFolder(name, parent) {
  await post('/api/v1/mailboxes', parent ? { name, parent } : { name });
  toast(t('folderCreated', { name }));
  await loadMailboxes();
}

export async function renameFolder(mb, name) {
  await patch(`/api/v1/mailboxes/${mb.id}`, { name });
  toast(t('folderRenamed'));
  await loadMailboxes();
}

export async function deleteFolder(mb) {
  await del(`/api/v1/mailboxes/${mb.id}`);
  toast(t('folderDeleted'));
  await loadMailboxes();
  if (S().route.mailbox === mb.id) go({ mailbox: mailboxByRole('inbox').id, message: 0, search: null });
}

// ---- messages ----

// targets are the checked messages, or else the open one. In conversation
// view a row stands for its thread: the action covers the thread's
// messages in this folder.
export async function targets(given) {
  const { selected, reader, list, prefs, route, folderSelection } = S();
  if (!given && folderSelection) return folderSelection;
  let ids = given ? [...given] : selected.size ? [...selected] : reader?.id ? [reader.id] : [];
  if (prefs.conversation && !route.search) {
    const rows = list.messages.filter((m) => ids.includes(m.id) && (m.thread_count || 1) > 1);
    for (const row of rows) {
      try {
        const th = await get(`/api/v1/threads/${row.thread_id}`);
        ids.push(...th.messages.filter((m) => m.mailbox_id === route.mailbox).map((m) => m.id));
      } catch (e) {
        report(e);
      }
    }
    ids = [...new Set(ids)];
  }
  return ids;
}

const doneText = {
  move: 'moved', copy: 'updated', 'delete-to-trash': 'deleted', 'delete-permanently': 'deleted',
  'report-spam': 'markedSpam', 'not-spam': 'markedNotSpam',
};

// act applies an action of POST /api/v1/messages/actions.
export async function act(action, ids, mailbox) {
  if (!ids.length) {
    toast(t('noSelection'));
    return;
  }
  try {
    const res = await post('/api/v1/messages/actions', mailbox ? { action, ids, mailbox } : { action, ids });
    const leaves = ['move', 'delete-to-trash', 'delete-permanently', 'report-spam', 'not-spam'].includes(action);
    toast(t(doneText[action] || 'updated', { n: res?.done ?? ids.length }));
    if (leaves) {
      store.set({ selected: new Set(), folderSelection: null });
      if (ids.includes(S().route.message)) go({ message: 0 });
    }
    await Promise.all([loadList(), loadMailboxes()]);
    if (!leaves && S().reader && ids.includes(S().reader.id)) refreshReaderFlags();
  } catch (e) {
    report(e);
  }
}

function refreshReaderFlags() {
  const row = S().list.messages.find((m) => m.id === S().reader.id);
  if (row && S().reader.data) store.set({ reader: { ...S().reader, data: { ...S().reader.data, message: { ...S().reader.data.message, ...row } } } });
}

// openReader loads one message (or, in conversation view, its thread).
export async function openReader(id) {
  if (!id) {
    store.set({ reader: null });
    return;
  }
  store.set({ reader: { id, data: null, thread: null, error: null } });
  try {
    const data = await get(`/api/v1/messages/${id}`);
    if (S().reader?.id !== id) return;
    let thread = null;
    if (S().prefs.conversation && data.message.thread_id) {
      try {
        const th = await get(`/api/v1/threads/${data.message.thread_id}`);
        if (th.messages.length > 1) thread = th.messages;
      } catch {
        thread = null;
      }
    }
    store.set({ reader: { id, data, thread, error: null } });
    // what is shown is read: the message, or every message of the
    // conversation (an older one may be the unread one)
    const unseen = (thread || [data.message]).filter((m) => !m.seen).map((m) => m.id);
    if (unseen.length) markSeen(unseen, data.message.thread_id);
  } catch (e) {
    if (S().reader?.id === id) store.set({ reader: { id, data: null, thread: null, error: e.message } });
    report(e);
  }
}

// markSeen marks messages read; the rows of the list that show them (a
// conversation's row stands for its thread) follow without a reload.
async function markSeen(ids, threadID) {
  try {
    await post('/api/v1/messages/actions', { action: 'read', ids });
  } catch (e) {
    report(e);
    return;
  }
  const shown = S().prefs.conversation && !S().route.search;
  const messages = S().list.messages.map((m) => (ids.includes(m.id) || (shown && threadID && m.thread_id === threadID)
    ? { ...m, seen: true, thread_unseen: 0 } : m));
  store.set({ list: { ...S().list, messages } });
  const r = S().reader;
  if (r?.thread) store.set({ reader: { ...r, thread: r.thread.map((m) => (ids.includes(m.id) ? { ...m, seen: true } : m)) } });
  loadMailboxes();
}

// step opens the next (+1) or previous (-1) message of the list.
export function step(delta) {
  const { list, route } = S();
  if (!list.messages.length) return;
  const i = list.messages.findIndex((m) => m.id === route.message);
  const j = i < 0 ? 0 : Math.min(Math.max(i + delta, 0), list.messages.length - 1);
  go({ message: list.messages[j].id });
}

// compose opens the compose screen: "" for a new message, or "reply=ID",
// "replyall=ID", "forward=ID", "resend=ID", "draft=ID".
export function compose(what) {
  location.hash = '#/compose' + (what ? '/' + what : '');
}

// ---- selection ----

export function toggleSelect(id, shift) {
  const { list, anchor } = S();
  const selected = new Set(S().selected);
  if (shift && anchor) {
    const ids = list.messages.map((m) => m.id);
    const a = ids.indexOf(anchor);
    const b = ids.indexOf(id);
    if (a >= 0 && b >= 0) {
      const on = !selected.has(id) || selected.has(anchor);
      for (const x of ids.slice(Math.min(a, b), Math.max(a, b) + 1)) on ? selected.add(x) : selected.delete(x);
      store.set({ selected, anchor: id, folderSelection: null });
      return;
    }
  }
  selected.has(id) ? selected.delete(id) : selected.add(id);
  store.set({ selected, anchor: id, folderSelection: null });
}

export function selectAll(on) {
  store.set({ selected: on ? new Set(S().list.messages.map((m) => m.id)) : new Set(), folderSelection: null });
}

// selectFolder selects every message of the folder (up to one request's
// 10,000), not only the page.
export async function selectFolder() {
  const { route, prefs } = S();
  try {
    const data = await get(`/api/v1/mailboxes/${route.mailbox}/ids` + query({ unread: prefs.unreadOnly }));
    store.set({ folderSelection: data.ids });
  } catch (e) {
    report(e);
  }
}

// ---- search ----

export function search(params) {
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== '' && v !== false && v != null));
  if (!Object.keys(clean).length) return;
  go({ search: new URLSearchParams(clean).toString(), message: 0, mailbox: 0 });
}

export function closeSearch() {
  go({ search: null, mailbox: mailboxByRole('inbox')?.id || 0, message: 0 });
}

// ---- events: new mail without reloading ----

let source = null;
let refreshTimer = 0;
let inboxNew = false;

export function connectEvents() {
  disconnectEvents();
  source = new EventSource('/api/v1/events');
  const on = (e) => {
    let data = {};
    try {
      data = JSON.parse(e.data);
    } catch {
      data = {};
    }
    if (e.type === 'message.new' && data.mailbox_id === mailboxByRole('inbox')?.id) inboxNew = true;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 250);
  };
  for (const kind of ['message.new', 'message.flags', 'message.expunge', 'mailbox.change', 'overflow']) source.addEventListener(kind, on);
  // a read receipt changed: the 수신확인 view reloads (receipts.js)
  source.addEventListener('receipt.change', () => window.dispatchEvent(new Event('postroom:receipts')));
  source.onopen = () => S().offline && store.set({ offline: false });
  source.onerror = () => {
    // EventSource reconnects by itself; a 401 makes it give up for good
    if (source?.readyState === EventSource.CLOSED) checkSession();
    else store.set({ offline: true });
  };
}

export function disconnectEvents() {
  source?.close();
  source = null;
}

async function checkSession() {
  try {
    await get('/api/v1/mailboxes');
    connectEvents();
  } catch {
    // a 401 has already shown the login form
  }
}

// refresh is "check new mail" and the answer to events.
export async function refresh() {
  const before = new Set(S().list.messages.map((m) => m.id));
  const wasInbox = S().route.mailbox === mailboxByRole('inbox')?.id;
  await Promise.all([loadMailboxes(), loadList()]);
  if (inboxNew) {
    inboxNew = false;
    const fresh = wasInbox ? S().list.messages.filter((m) => !before.has(m.id) && !m.seen) : [];
    notify(fresh);
  }
}

function notify(fresh) {
  if (!S().prefs.notify || !('Notification' in window) || Notification.permission !== 'granted' || !document.hidden) return;
  if (!fresh.length) return;
  const m = fresh[0];
  const body = fresh.length === 1 ? t('newMailFrom', { from: m.from?.name || m.from?.email || '', subject: m.subject || t('noSubject') }) : '';
  const n = new Notification(t('newMail', { n: fresh.length }), { body, tag: 'postroom-new-mail' });
  n.onclick = () => {
    window.focus();
    go({ mailbox: mailboxByRole('inbox').id, message: m.id, search: null });
  };
}

export async function toggleNotify() {
  if (S().prefs.notify) {
    store.setPrefs({ notify: false });
    toast(t('notificationsOff'));
    return;
  }
  if (!('Notification' in window)) return toast(t('notificationsDenied'));
  const p = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (p !== 'granted') return toast(t('notificationsDenied'));
  store.setPrefs({ notify: true });
  toast(t('notificationsOn'));
}

// ---- title and errors ----

export function updateTitle() {
  const { route, auth } = S();
  if (!auth) {
    document.title = t('appName');
    return;
  }
  if (auth.operator) {
    document.title = t('console') + ' - ' + t('appName');
    return;
  }
  const unread = mailboxByRole('inbox')?.unread || 0;
  const mb = mailboxById(route.mailbox);
  const where = route.view === 'compose' ? t('compose') : route.view === 'scheduled' ? t('scheduled') : route.view === 'settings' ? t('settings')
    : route.search !== null ? t('searchResultsPlain') : mb ? folderName(mb) : '';
  document.title = (unread ? `(${unread}) ` : '') + (where ? where + ' - ' : '') + t('appName');
}

store.reportError = (e) => report(e);

export function report(e) {
  if (e instanceof APIError && e.status === 401) return;
  if (e instanceof APIError && e.status === 0) {
    store.set({ offline: true });
    return;
  }
  toast(e.message || String(e));
}
