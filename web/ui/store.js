// store is the webmail's one state object and the hook components read it
// with. Every change goes through set, which re-renders subscribers; the
// lists are at most a page long, so re-rendering the screen is cheap.

import { useEffect, useState } from './vendor/hooks.js';

const saved = (key, fallback) => {
  try {
    const v = localStorage.getItem('postroom.' + key);
    return v === null ? fallback : JSON.parse(v);
  } catch {
    return fallback;
  }
};

export function remember(key, value) {
  try {
    localStorage.setItem('postroom.' + key, JSON.stringify(value));
  } catch {
    // private mode: the preference lasts for this page only
  }
}

export const store = {
  state: {
    auth: null, // {account, csrf} once logged in
    booting: true,
    expired: false,
    mailboxes: [],
    route: { view: 'mail', mailbox: 0, message: 0, search: null, compose: '' },
    undo: null, // {id, until}: the last send, while it can be undone
    list: { messages: [], total: 0, page: 1, loading: false, byMailbox: null },
    selected: new Set(),
    folderSelection: null, // every id of the folder, after "select all N"
    anchor: 0,
    reader: null, // {id, data, thread, error}
    allowImages: new Set(),
    dialog: null,
    toast: '',
    offline: false,
    navOpen: false,
    settings: null, // the account's settings (settings-state.js), once read
    prefs: {
      perPage: saved('perPage', 50),
      unreadOnly: false,
      conversation: saved('conversation', false),
      layout: saved('layout', 'split'),
      notify: saved('notify', false),
      quoteOriginal: saved('quoteOriginal', true),
      listWidth: saved('listWidth', 0), // % of the list in three panes; 0: the default
    },
  },
  subs: new Set(),
  set(patch) {
    this.state = { ...this.state, ...(typeof patch === 'function' ? patch(this.state) : patch) };
    this.subs.forEach((f) => f());
  },
  // setPrefs changes preferences. The account's own (page size, layout,
  // include the original, desktop notifications: its settings, S1/S2)
  // are saved to it through saveAccountPrefs (settings-state.js) unless
  // they come from it (fromAccount); the browser keeps the rest, and the
  // account's as they were last, for the first screen before they load.
  setPrefs(patch, fromAccount) {
    const prefs = { ...this.state.prefs, ...patch };
    for (const k of ['perPage', 'conversation', 'layout', 'notify', 'quoteOriginal', 'listWidth']) if (k in patch) remember(k, prefs[k]);
    this.set({ prefs });
    if (!fromAccount) this.saveAccountPrefs?.(patch);
  },
};

export function useStore() {
  const [, tick] = useState(0);
  const rendered = store.state;
  useEffect(() => {
    const f = () => tick((n) => n + 1);
    store.subs.add(f);
    // a change between this render and the subscription would be missed
    if (store.state !== rendered) f();
    return () => store.subs.delete(f);
  }, []);
  return store.state;
}

let toastTimer = 0;

// toast shows a short notice at the bottom of the screen.
export function toast(text) {
  clearTimeout(toastTimer);
  store.set({ toast: text });
  toastTimer = setTimeout(() => store.set({ toast: '' }), 4000);
}
