// What every Settings form shares: an editable copy of its part of the
// settings, the PATCH of what changed, the API's errors shown beside the
// field they name, and the save bar. A form with unsaved changes tells
// settings-state.js, which asks before the user leaves it.

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { store, toast } from './store.js';
import { t } from './i18n.js';
import { saveSettings, diff, setDirty } from './settings-state.js';

const clone = (v) => JSON.parse(JSON.stringify(v ?? null));

function setPath(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] = o[k] && typeof o[k] === 'object' ? o[k] : {};
  o[keys[keys.length - 1]] = value;
  return obj;
}

// matches tells whether the API's field path (such as
// "forwarding.addresses[1]" or "vacation.end") belongs to field.
export function matches(apiField, field) {
  if (!apiField) return false;
  return apiField === field || apiField.startsWith(field + '.') || apiField.startsWith(field + '[');
}

// useSettingsForm edits pick(settings): an object keyed like the settings
// (for example {mail: {...}, signature: {...}}), so that what changed is
// the body of the PATCH as it stands.
// validate(draft), when given, answers {field, message} for what the
// browser can tell is wrong before asking the server.
export function useSettingsForm(section, pick, validate) {
  const saved = pick(store.state.settings || {});
  const [draft, setDraft] = useState(() => clone(saved));
  const [error, setError] = useState(null); // {field, message}
  const [busy, setBusy] = useState(false);
  const [generation, setGeneration] = useState(0); // remounts rich editors after a reset
  const shown = useRef(new Set());
  shown.current = new Set();
  const changes = diff(saved, draft);
  const dirty = Object.keys(changes).length > 0;
  useEffect(() => {
    setDirty(dirty ? { section, discard: () => {} } : null);
  }, [dirty]);
  useEffect(() => () => setDirty(null), []);
  useEffect(() => {
    if (!error?.field) return;
    const el = document.querySelector(`[data-error-for="${CSS.escape(error.field)}"]`) || document.querySelector('.settings-save');
    el?.scrollIntoView({ block: 'center' });
  }, [error]);
  const form = {
    draft, error, busy, dirty, generation, shown: shown.current,
    get: (path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), draft),
    set: (path, value) => {
      setDraft((d) => setPath(clone(d), path, value));
      if (error && matches(error.field, path.replace(/\..*$/, ''))) setError(null);
    },
    reset: () => {
      setDraft(clone(pick(store.state.settings || {})));
      setError(null);
      setGeneration((g) => g + 1);
    },
    save: async (e) => {
      e?.preventDefault();
      if (!dirty || busy) return;
      const wrong = validate?.(draft);
      if (wrong) return setError(wrong);
      setBusy(true);
      setError(null);
      try {
        const s = await saveSettings(changes);
        setDraft(clone(pick(s)));
        toast(t('settingsSaved'));
      } catch (err) {
        setError({ field: err.field || '', message: err.message || String(err) });
        if (err.status !== 400) store.reportError?.(err);
      } finally {
        setBusy(false);
      }
    },
  };
  return form;
}

// FieldError shows the API's message beside the field it names.
// exact: only an error naming field itself (a section's own error, when
// its fields have FieldErrors of their own).
export function FieldError({ form, field, exact }) {
  form.shown.add(field);
  const on = form.error && (exact ? form.error.field === field : matches(form.error.field, field));
  return html`<p class="field-error" data-error-for=${field} role=${on ? 'alert' : null} hidden=${!on}>${on ? form.error.message : ''}</p>`;
}

// SaveBar saves and resets the form; an error no field shows is said here.
export function SaveBar({ form }) {
  const e = form.error;
  const elsewhere = e && ![...form.shown].some((f) => matches(e.field, f));
  return html`<div class="settings-save">
    <button id="settings-save" type="submit" class="primary" disabled=${!form.dirty || form.busy}>${t('saveSettings')}</button>
    <button id="settings-reset" type="button" disabled=${!form.dirty || form.busy} onClick=${form.reset}>${t('resetSettings')}</button>
    ${form.dirty && html`<span class="muted unsaved">${t('unsavedShort')}</span>`}
    ${elsewhere && html`<p id="settings-error" class="error" role="alert">${e.message}</p>`}
  </div>`;
}

// Check is a labelled checkbox bound to a path of the form.
export function Check({ form, path, id, label, hint }) {
  return html`<label class="check settings-check"><input id=${id} type="checkbox" checked=${!!form.get(path)}
    onChange=${(e) => form.set(path, e.target.checked)} /> <span>${label}${hint && html`<small class="muted"> ${hint}</small>`}</span></label>`;
}

// Row is one labelled line of a settings table (label left, control right;
// stacked on a phone).
export function Row({ label, children, id }) {
  return html`<div class="settings-row"><div class="settings-label" id=${id ? id + '-label' : null}>${label}</div><div class="settings-control">${children}</div></div>`;
}

// ListEditor edits a list of short strings (forwarding addresses, blocked
// senders and phrases): an input with "add", and each item with "remove".
export function ListEditor({ id, items, onChange, placeholder, check, form, field }) {
  const [text, setText] = useState('');
  const [bad, setBad] = useState('');
  const add = () => {
    const v = text.trim();
    if (!v) return;
    const why = check?.(v);
    if (why) return setBad(why);
    if (!items.includes(v)) onChange([...items, v]);
    setText('');
    setBad('');
  };
  const wrong = (i) => form?.error && (form.error.field === `${field}[${i}]` || form.error.field === `${field}.${i}`);
  return html`<div class="list-editor" id=${id}>
    <div class="list-editor-add">
      <input id=${id + '-input'} value=${text} placeholder=${placeholder} autocomplete="off"
        onInput=${(e) => { setText(e.target.value); setBad(''); }}
        onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } }} />
      <button id=${id + '-add'} type="button" onClick=${add}>${t('add')}</button>
    </div>
    ${bad && html`<p class="field-error" role="alert">${bad}</p>`}
    ${items.length > 0 && html`<ul class="list-editor-items">${items.map((v, i) => html`<li class=${'list-item' + (wrong(i) ? ' invalid' : '')} data-value=${v} key=${v}>
      <span>${v}</span><button type="button" class="link list-remove" aria-label=${t('remove') + ' ' + v}
        onClick=${() => onChange(items.filter((x) => x !== v))}>${t('remove')}</button></li>`)}</ul>`}
  </div>`;
}
