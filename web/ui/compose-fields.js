// The compose screen's fields: recipients as chips with autocomplete, the
// rich text editor, and attachments uploaded with progress.

import { html } from './html.js';
import { Icon } from './icons.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t, size } from './i18n.js';
import { get, query, csrfToken } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';

// ---- recipients ----

// parseAddress reads "Name <a@b>", "<a@b>" or "a@b". valid follows the
// server's rule closely enough to mark mistakes before sending: a dot-atom
// local part and a domain of two or more labels.
export function parseAddress(s) {
  const raw = s.trim();
  const m = raw.match(/^(.*?)\s*<([^<>]*)>$/);
  const name = m ? m[1].replace(/^"|"$/g, '').trim() : '';
  const email = (m ? m[2] : raw).trim();
  const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uFFFF-]+";
  const label = '[A-Za-z0-9\\u0080-\\uFFFF]([A-Za-z0-9\\u0080-\\uFFFF-]*[A-Za-z0-9\\u0080-\\uFFFF])?';
  const re = new RegExp(`^${atom}(\\.${atom})*@${label}(\\.${label})+$`);
  return { name, email, valid: re.test(email) && !/[\r\n]/.test(raw) };
}

// split cuts pasted or typed text into addresses at commas and semicolons
// outside quotes and angle brackets.
export function split(text) {
  const out = [];
  let cur = '';
  let quoted = false;
  let angle = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === '<') angle = true;
    if (c === '>') angle = false;
    if ((c === ',' || c === ';' || c === '\n') && !quoted && !angle) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

// sourceLabel names where an autocomplete suggestion comes from; the
// server lists contacts first, then recent recipients and the directory,
// and the list keeps its order.
const sourceLabel = { personal: 'sourcePersonal', shared: 'sourceShared', recent: 'sourceRecent', directory: 'sourceDirectory' };

export function RecipientField({ field, label, values, onChange, bad, onPick }) {
  const [text, setText] = useState('');
  const [suggest, setSuggest] = useState([]);
  const [active, setActive] = useState(0);
  const seq = useRef(0);
  const commit = (s) => {
    const parts = split(s);
    if (parts.length) onChange([...values, ...parts]);
    setText('');
    setSuggest([]);
  };
  const lookup = async (q) => {
    const n = ++seq.current;
    if (q.trim().length < 1) return setSuggest([]);
    try {
      const data = await get('/api/v1/addresses' + query({ q: q.trim(), limit: 8 }));
      if (n === seq.current) {
        setSuggest(data.addresses);
        setActive(0);
      }
    } catch (e) {
      report(e);
    }
  };
  const pick = (a) => commit(a.name ? `${a.name} <${a.email}>` : a.email);
  const onKey = (e) => {
    if (suggest.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      setActive((active + (e.key === 'ArrowDown' ? 1 : suggest.length - 1)) % suggest.length);
    } else if (e.key === 'Enter' || e.key === ',' || e.key === ';' || (e.key === 'Tab' && text.trim())) {
      if (!text.trim()) return;
      e.preventDefault();
      suggest.length && e.key !== ',' && e.key !== ';' ? pick(suggest[active]) : commit(text);
    } else if (e.key === 'Backspace' && !text && values.length) {
      onChange(values.slice(0, -1));
    } else if (e.key === 'Escape') setSuggest([]);
  };
  return html`<div class="recipients-field" data-field=${field}>
    <button type="button" id=${`compose-${field}-label`} class="field-label link" title=${t('addressBook')} onClick=${onPick}>${label}</button>
    <div class="chips" onClick=${(e) => e.currentTarget.querySelector('input')?.focus()}>
      ${values.map((v, i) => {
        const a = parseAddress(v);
        const invalid = !a.valid || bad?.includes(v) || bad?.includes(a.email);
        return html`<span class=${'chip' + (invalid ? ' invalid' : '')} title=${invalid ? t('invalidAddress') : a.email} data-email=${a.email}>
          ${a.name || a.email}
          <button type="button" class="chip-remove" aria-label=${t('remove')} onClick=${() => onChange(values.filter((_, j) => j !== i))}>×</button>
        </span>`;
      })}
      <input id=${`compose-${field}`} value=${text} autocomplete="off" aria-label=${label}
        onInput=${(e) => { setText(e.target.value); lookup(e.target.value); }}
        onKeyDown=${onKey} onPaste=${(e) => { const s = e.clipboardData.getData('text'); if (/[,;\n]/.test(s)) { e.preventDefault(); commit(text + s); } }}
        onBlur=${() => setTimeout(() => { if (text.trim()) commit(text); setSuggest([]); }, 150)} />
    </div>
    ${suggest.length > 0 && html`<ul id="autocomplete" class="autocomplete" role="listbox">
      ${suggest.map((a, i) => html`<li class=${'ac-item' + (i === active ? ' active' : '')} role="option" data-email=${a.email}
        onMouseDown=${(e) => { e.preventDefault(); pick(a); }}>
        <strong>${a.name || a.email}</strong> ${a.name && html`<span>${a.email}</span>`}
        <small>${t(sourceLabel[a.source] || 'sourceRecent')}</small></li>`)}
    </ul>`}
  </div>`;
}

// ---- rich text editor ----

const fonts = ['맑은 고딕, Malgun Gothic', '돋움, Dotum', '굴림, Gulim', '바탕, Batang', 'Arial', 'Georgia', 'Courier New'];
const sizes = [['2', 'small'], ['3', 'normal'], ['4', 'large'], ['5', 'x-large'], ['6', 'xx-large']];
const buttons = [
  ['bold', 'B', 'bold'], ['italic', 'I', 'italic'], ['underline', 'U', 'underline'], ['strikeThrough', 'S', 'strike'],
  ['insertUnorderedList', '•', 'bulletList'], ['insertOrderedList', '1.', 'numberList'],
  ['justifyLeft', '⇤', 'alignLeft'], ['justifyCenter', '↔', 'alignCenter'], ['justifyRight', '⇥', 'alignRight'],
];

function exec(cmd, value) {
  document.execCommand('styleWithCSS', false, true);
  document.execCommand(cmd, false, value);
}

// Editor is a contenteditable area: the browser keeps the HTML and the
// caret; the model reads it on input. Images pasted or dropped are
// uploaded and shown from the upload URL (sent inline, as cid: parts).
// Settings reuses it for the signature and the out-of-office reply: idp
// gives its elements ids of their own ("signature" → #signature-editor,
// #signature-font ...; compose keeps #compose-editor, #editor-font ...);
// without uploadImage it takes no pictures, without onMode no plain text.
export function Editor({ model, onHTML, onText, onMode, uploadImage, idp, label }) {
  const ref = useRef(null);
  const id = (name) => (idp ? `${idp}-${name === 'compose-editor' ? 'editor' : name.replace(/^editor-/, '')}` : name);
  useEffect(() => {
    if (ref.current && model.mode === 'html') ref.current.innerHTML = model.html;
  }, [model.mode]);
  const images = async (files) => {
    if (!uploadImage) return;
    for (const f of files) {
      if (!f.type.startsWith('image/')) continue;
      const up = await uploadImage(f);
      if (up) {
        ref.current.focus();
        exec('insertImage', `/api/v1/uploads/${up.id}`);
        onHTML(ref.current.innerHTML);
      }
    }
  };
  const link = () => {
    const url = window.prompt(t('linkURL'), 'https://');
    if (url && /^(https?:|mailto:)/i.test(url)) exec('createLink', url);
  };
  const toText = () => {
    onText(ref.current ? ref.current.innerText : '');
    onMode('text');
  };
  const toHTML = () => {
    const esc = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
    onHTML(model.text.split('\n').map((l) => `<div>${esc(l) || '<br>'}</div>`).join(''));
    onMode('html');
  };
  if (model.mode === 'text') {
    return html`<div class="editor">
      <div class="editor-bar"><span class="spacer"></span>
        <button type="button" id=${id('editor-mode')} onClick=${toHTML}>${t('richText')}</button></div>
      <textarea id=${id('compose-text')} class="editor-text" value=${model.text} onInput=${(e) => onText(e.target.value)}></textarea>
    </div>`;
  }
  const keep = (e) => e.preventDefault(); // keep the selection in the text
  return html`<div class="editor">
    <div class="editor-bar" role="toolbar" aria-label=${t('formatting')}>
      <select id=${id('editor-font')} aria-label=${t('font')} onChange=${(e) => { exec('fontName', e.target.value); e.target.selectedIndex = 0; }}>
        <option value="">${t('font')}</option>
        ${fonts.map((f) => html`<option value=${f}>${f.split(',')[0]}</option>`)}
      </select>
      <select id=${id('editor-size')} aria-label=${t('fontSize')} onChange=${(e) => { exec('fontSize', e.target.value); e.target.selectedIndex = 0; }}>
        <option value="">${t('fontSize')}</option>
        ${sizes.map(([v, k]) => html`<option value=${v}>${t('size_' + k)}</option>`)}
      </select>
      <input id=${id('editor-color')} type="color" title=${t('color')} aria-label=${t('color')} onInput=${(e) => exec('foreColor', e.target.value)} />
      ${buttons.map(([cmd, label, key]) => html`<button type="button" class=${'fmt fmt-' + cmd} data-cmd=${cmd} title=${t(key)} aria-label=${t(key)}
        onMouseDown=${keep} onClick=${() => exec(cmd)}>${label}</button>`)}
      <button type="button" data-cmd="createLink" title=${t('link')} aria-label=${t('link')} onMouseDown=${keep} onClick=${link}><${Icon} name="link" /></button>
      ${uploadImage && html`<label class="fmt image-pick" title=${t('insertImage')}><${Icon} name="image" /><input type="file" accept="image/*" hidden onChange=${(e) => { images([...e.target.files]); e.target.value = ''; }} /></label>`}
      <span class="spacer"></span>
      ${onMode && html`<button type="button" id=${id('editor-mode')} onClick=${toText}>${t('plainText')}</button>`}
    </div>
    <div id=${id('compose-editor')} ref=${ref} class="editor-area" contenteditable="true" role="textbox" aria-multiline="true" aria-label=${label || t('body')}
      onInput=${(e) => onHTML(e.currentTarget.innerHTML)}
      onPaste=${(e) => { const f = [...e.clipboardData.files]; if (f.length) { e.preventDefault(); images(f); } }}
      onDrop=${(e) => { const f = [...(e.dataTransfer?.files || [])].filter((x) => x.type.startsWith('image/')); if (f.length) { e.preventDefault(); e.stopPropagation(); images(f); } }}></div>
  </div>`;
}

// ---- attachments ----

// upload sends one file as the raw request body, so that progress events
// come for every chunk; it resolves to the upload or rejects with the
// server's message.
export function upload(file, onProgress, onXHR) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/uploads?filename=' + encodeURIComponent(file.name || 'image.png'));
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status === 201 && data) resolve(data);
      else reject(Object.assign(new Error(data?.error?.message || xhr.statusText), { status: xhr.status }));
    };
    xhr.onerror = () => reject(new Error(t('uploadFailed')));
    xhr.onabort = () => reject(Object.assign(new Error(t('uploadCancelled')), { aborted: true }));
    onXHR?.(xhr);
    xhr.send(file);
  });
}

export function Attachments({ items, limit, onAdd, onRemove }) {
  const [over, setOver] = useState(false);
  const total = items.reduce((n, a) => n + (a.size || 0), 0);
  return html`<div id="compose-drop" class=${'compose-attachments' + (over ? ' drop-over' : '')}
    onDragOver=${(e) => { if ([...e.dataTransfer.types].includes('Files')) { e.preventDefault(); setOver(true); } }}
    onDragLeave=${() => setOver(false)}
    onDrop=${(e) => { if (e.dataTransfer.files.length) { e.preventDefault(); setOver(false); onAdd([...e.dataTransfer.files]); } }}>
    <div class="attach-head">
      <label class="button-like">${t('attachFiles')}<input id="compose-file" type="file" multiple hidden onChange=${(e) => { onAdd([...e.target.files]); e.target.value = ''; }} /></label>
      <span class="drop-hint">${t('dropHere')}</span>
      <span id="attachment-limit" class="att-limit">${limit ? t('attachLimit', { used: size(total), limit: size(limit) }) : ''}</span>
    </div>
    ${items.length > 0 && html`<ul>${items.map((a) => html`<li class=${'compose-attachment' + (a.error ? ' failed' : '')} key=${a.key} data-upload-id=${a.id || ''}>
      <span class="att-name">${a.filename}</span> <span class="att-size">${size(a.size || 0)}</span>
      ${a.progress !== undefined && a.progress < 1 && !a.id && !a.error && html`<progress class="progress" max="1" value=${a.progress}></progress>`}
      ${a.error && html`<span class="error">${a.error}</span>`}
      <button type="button" class="remove link" aria-label=${t('remove')} onClick=${() => onRemove(a)}>${a.id || a.ref || a.error ? t('remove') : t('cancel')}</button>
    </li>`)}</ul>`}
  </div>`;
}

export function checkLimit(items, files, limit) {
  const used = items.reduce((n, a) => n + (a.size || 0), 0);
  const adding = files.reduce((n, f) => n + f.size, 0);
  if (limit && used + adding > limit) {
    toast(t('tooLarge', { limit: size(limit) }));
    return false;
  }
  return true;
}
