// Dialogs: one at a time, described by data (title, fields, OK action) so
// that folder, confirm and move dialogs share one accessible component.

import { html } from './html.js';
import { useLayoutEffect, useRef, useState } from './vendor/hooks.js';
import { store } from './store.js';
import { t } from './i18n.js';
import { report } from './actions.js';

// openDialog shows a dialog. spec: {id, title, text?, fields?: [{id,
// label, value?, options?}], okId, danger?, onOK(values) → false keeps it
// open, body?: vnode, wide?, actions?: [{id, label, kind?: 'primary' |
// 'danger', onClick}] (more buttons; each closes the dialog), closeLabel?}
export function openDialog(spec) {
  store.set({ dialog: spec });
}

export function closeDialog() {
  store.set({ dialog: null });
}

// Esc closes the open dialog wherever the focus is: a key pressed as the
// dialog appears, before its first field has the focus, must not be lost
// (the mail screen's own keys are off while a dialog is open).
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || !store.state.dialog) return;
  e.stopPropagation();
  e.preventDefault();
  closeDialog();
}, true);

export function confirm(text, onOK, title) {
  openDialog({ id: 'confirm-dialog', title: title || t('ok'), text, okId: 'confirm-ok', danger: true, onOK });
}

export function Dialog({ spec }) {
  const [values, setValues] = useState(() => Object.fromEntries((spec.fields || []).map((f) => [f.id, f.value ?? f.options?.[0]?.[0] ?? ''])));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const first = useRef(null);
  // before the browser paints, so that the first key typed lands in it
  useLayoutEffect(() => {
    (first.current || document.getElementById(spec.okId || spec.actions?.[0]?.id || 'dialog-close'))?.focus();
  }, [spec]);
  const submit = async (e) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const keep = await spec.onOK?.(values);
      if (keep !== false) closeDialog();
    } catch (err) {
      setError(err.message || String(err));
      report(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="backdrop" onClick=${(e) => e.target === e.currentTarget && closeDialog()}>
    <form id=${spec.id} class=${'dialog' + (spec.wide ? ' wide' : '')} role="dialog" aria-modal="true" aria-labelledby="dialog-title" onSubmit=${submit}>
      <h2 id="dialog-title">${spec.title}</h2>
      ${spec.text && html`<p>${spec.text}</p>`}
      ${(spec.fields || []).map((f, i) => html`<label class="field" key=${f.id}>
        <span>${f.label}</span>
        ${f.options
          ? html`<select id=${f.id} value=${values[f.id]} onChange=${(e) => setValues({ ...values, [f.id]: e.target.value })}>
              ${f.options.map(([v, label]) => html`<option value=${v}>${label}</option>`)}
            </select>`
          : html`<input id=${f.id} type=${f.type || 'text'} ref=${i === 0 ? first : null} value=${values[f.id]} maxLength="200"
              onInput=${(e) => setValues({ ...values, [f.id]: e.target.value })} />`}
      </label>`)}
      ${spec.body}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="dialog-buttons">
        ${(spec.actions || []).map((a) => html`<button id=${a.id} type="button" class=${a.kind || ''} disabled=${busy}
          onClick=${() => { closeDialog(); a.onClick(); }}>${a.label}</button>`)}
        ${spec.onOK && html`<button id=${spec.okId} type="submit" class=${spec.danger ? 'danger' : 'primary'} disabled=${busy}>${t('ok')}</button>`}
        <button id=${spec.onOK ? 'confirm-cancel' : 'dialog-close'} type="button" onClick=${closeDialog}>${spec.closeLabel || (spec.onOK ? t('cancel') : t('close'))}</button>
      </div>
    </form>
  </div>`;
}

// keys are mail-keys.js's shortcuts, as the help lists them.
const keys = [
  ['j', 'keyJ'], ['k', 'keyK'], ['o, Enter', 'keyOpen'], ['u', 'keyU'], ['x', 'keyX'], ['Delete, #', 'keyHash'], ['!', 'keySpam'],
  ['Shift+I', 'keyRead'], ['Shift+U', 'keyUnread'], ['s', 'keyStar'], ['v', 'keyMove'], ['/', 'keySlash'], ['c', 'keyC'], ['r', 'keyR'],
  ['a', 'keyA'], ['f', 'keyF'], ['Ctrl+Enter', 'keySend'], ['?', 'keyQuestion'], ['Esc', 'keyEsc'],
];

export function Help({ onClose }) {
  return html`<div class="backdrop" onClick=${(e) => e.target === e.currentTarget && onClose()}>
    <div id="help-overlay" class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title">
      <h2 id="help-title">${t('keyHelp')}</h2>
      <table class="keys">
        ${keys.map(([k, label]) => html`<tr><td><kbd>${k}</kbd></td><td>${t(label)}</td></tr>`)}
      </table>
      <div class="dialog-buttons"><button id="help-close" onClick=${onClose}>${t('close')}</button></div>
    </div>
  </div>`;
}

export function Toast({ text }) {
  return html`<div id="toast" class=${'toast' + (text ? ' show' : '')} role="status" aria-live="polite">${text}</div>`;
}
