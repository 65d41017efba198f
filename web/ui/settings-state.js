// The account's settings (GET/PATCH /api/v1/settings, S1–S8) as the
// webmail holds them. They are loaded at login; the mail screens read
// them (layout, page size, first folder, the compose defaults and the
// signature) and the Settings screen changes them.
//
// Invariants:
//   - store.state.settings is the server's last answer, or null while it
//     is unknown; the screens fall back to their own defaults then.
//   - A PATCH names only the fields that changed (two tabs saving
//     different fields both keep their change, issue 14).
//   - The preferences the header and the list change with one click
//     (layout, page size, "include the original", desktop notifications)
//     are the account's settings: store.setPrefs sends them here.

import { get, patch } from './api.js';
import { store } from './store.js';
import { t } from './i18n.js';

// accountPrefs maps store.prefs keys to their place in the settings.
const accountPrefs = {
  perPage: ['mail', 'per_page'],
  layout: ['mail', 'layout'],
  quoteOriginal: ['mail', 'include_original'],
  notify: ['notifications', 'desktop'],
};

// prefsOf is the part of store.prefs that mirrors settings s.
function prefsOf(s) {
  const p = {};
  for (const [k, [sec, f]] of Object.entries(accountPrefs)) if (s?.[sec]?.[f] !== undefined) p[k] = s[sec][f];
  return p;
}

export function applySettings(s) {
  store.set({ settings: s });
  store.setPrefs(prefsOf(s), true);
}

// loadSettings reads the account's settings; an API that is not there
// (an older server) leaves the browser's preferences in force.
export async function loadSettings() {
  try {
    const s = await get('/api/v1/settings');
    applySettings(s);
    return s;
  } catch (e) {
    if (e.status === 401) throw e;
    return null;
  }
}

// saveSettings PATCHes the changed fields and keeps the answer. It throws
// the API's error (400 invalid carries the field's path).
export async function saveSettings(changes) {
  const s = await patch('/api/v1/settings', changes);
  applySettings(s);
  return s;
}

// The header's and the list's one-click preferences are saved to the
// account as they change.
store.saveAccountPrefs = (p) => {
  const changes = {};
  for (const [k, v] of Object.entries(p)) {
    const at = accountPrefs[k];
    if (!at) continue;
    changes[at[0]] = { ...(changes[at[0]] || {}), [at[1]]: v };
  }
  if (!Object.keys(changes).length || !store.state.settings) return;
  saveSettings(changes).catch((e) => store.reportError?.(e));
};

// setting reads one value, with a fallback while the settings are unknown.
export function setting(section, field, fallback) {
  const s = store.state.settings;
  const v = field === undefined ? s?.[section] : s?.[section]?.[field];
  return v === undefined || v === null ? fallback : v;
}

// diff is what of b differs from a (deep, arrays compared whole): the body
// of a PATCH that names only the changed fields.
export function diff(a, b) {
  const out = {};
  for (const k of Object.keys(b)) {
    const x = a?.[k];
    const y = b[k];
    if (y && typeof y === 'object' && !Array.isArray(y)) {
      const d = diff(x || {}, y);
      if (Object.keys(d).length) out[k] = d;
    } else if (JSON.stringify(x) !== JSON.stringify(y)) out[k] = y;
  }
  return out;
}

// ---- unsaved changes: leaving a section with them asks first ----

let dirty = null; // {section, discard()} while a form holds unsaved changes

export function setDirty(d) {
  dirty = d;
}

export function isDirty() {
  return !!dirty;
}

window.addEventListener('beforeunload', (e) => {
  if (!dirty) return;
  e.preventDefault();
  e.returnValue = '';
});

// leaveGuard is asked before the webmail follows a new hash: while a
// Settings form has unsaved changes it puts the old hash back and asks
// (#leave-dialog: #leave-discard goes on, #dialog-close stays); it
// answers whether the route may change now.
export function leaveGuard(from, to) {
  if (!dirty || from === to) return true;
  history.replaceState(null, '', from);
  store.set({
    dialog: {
      id: 'leave-dialog', title: t('unsavedTitle'), text: t('unsavedText'), closeLabel: t('keepEditing'),
      actions: [{
        id: 'leave-discard', label: t('discardChanges'), kind: 'danger',
        onClick: () => {
          dirty?.discard?.();
          dirty = null;
          location.hash = to;
        },
      }],
    },
  });
  return false;
}

// the first folder shown after login (S2-1): a role or a mailbox id.
export function firstFolder(mailboxes) {
  const f = String(setting('mail', 'first_folder', 'inbox') || 'inbox');
  return mailboxes.find((m) => m.role === f) || mailboxes.find((m) => String(m.id) === f) || mailboxes.find((m) => m.role === 'inbox');
}
