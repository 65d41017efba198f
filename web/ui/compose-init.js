// What a compose screen starts with: blank (with the signature), a draft,
// or a reply, reply all, forward or resend built from the original.

import { get, post } from './api.js';
import { t, longDate } from './i18n.js';
import { store } from './store.js';
import { setting } from './settings-state.js';

const backupKey = 'postroom.compose';

// signature is the user's signature from Settings (S2-12), inserted on a
// new message ("new") or a reply or forward ("reply") as the settings say;
// the server keeps it sanitised, as it keeps every HTML it is given.
function signature(kind) {
  const sig = setting('signature', undefined, null);
  const on = kind === 'new' ? sig?.on_new : kind === 'reply' ? sig?.on_reply : false;
  return on && sig.html ? `<div><br></div><div class="signature">${sig.html}</div>` : '';
}

// blank is a new message with the account's defaults (S2: save sent
// mail, read receipts) and, for kind "new" or "reply", the signature.
export function blank(kind = 'new') {
  return {
    to: [], cc: [], bcc: [], subject: '', html: '<div><br></div>' + signature(kind), text: '', mode: 'html',
    attachments: [], sendIndividually: false, saveSent: setting('mail', 'save_sent', true), readReceipt: setting('mail', 'read_receipts', false),
    inReplyTo: 0, forwardOf: 0, forwardAsAttachment: false, draftId: 0, showCc: false,
  };
}

// The compose screen keeps a copy of what is written in localStorage, so
// that an expired session or a closed tab never loses the text.
export function saveBackup(key, model) {
  try {
    const attachments = model.attachments.filter((a) => a.id || a.ref).map(({ key: k, id, ref, filename, size }) => ({ key: k, id, ref, filename, size }));
    localStorage.setItem(backupKey, JSON.stringify({ key, at: Date.now(), model: { ...model, attachments } }));
  } catch {
    // storage full or private mode: the server draft remains
  }
}

export function clearBackup() {
  localStorage.removeItem(backupKey);
}

function backup(key) {
  try {
    const b = JSON.parse(localStorage.getItem(backupKey) || 'null');
    if (b && b.key === key && Date.now() - b.at < 7 * 24 * 3600 * 1000) return b.model;
  } catch {
    return null;
  }
  return null;
}

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export const addrText = (a) => (a.name ? `${a.name} <${a.email}>` : a.email);

function prefixed(prefix, subject) {
  const s = subject || '';
  return new RegExp('^' + prefix + ':', 'i').test(s.trim()) ? s : `${prefix}: ${s}`;
}

// originalBody is the original's body as HTML: its sanitised HTML view,
// or its text escaped.
async function originalBody(id, data) {
  if (data.has_html) {
    const res = await fetch(`/api/v1/messages/${id}/html`, { credentials: 'same-origin' });
    if (res.ok) {
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      return doc.body.innerHTML;
    }
  }
  return `<div>${esc(data.text || '').replace(/\r?\n/g, '<br>')}</div>`;
}

function refAttachments(id, data) {
  return (data.attachments || []).filter((a) => !a.embedded) // pictures in the text travel with it
    .map((a) => ({ key: `m${id}-${a.index}`, ref: { message: id, index: a.index }, filename: a.filename || a.content_type, size: a.size }));
}

// initial builds the model for the compose hash ("", "draft=5",
// "reply=7", "replyall=7", "forward=7", "resend=7").
export async function initial(key) {
  const saved = backup(key);
  if (saved) return { ...saved, restored: true }; // text the user wrote before: Cancel asks
  const p = new URLSearchParams(key);
  if (p.get('draft')) return fromDraft(Number(p.get('draft')));
  const kind = ['reply', 'replyall', 'forward', 'resend'].find((k) => p.get(k));
  const m = blank(!kind ? 'new' : kind === 'resend' ? 'none' : 'reply');
  if (p.get('to')) m.to = [p.get('to')];
  if (!kind) return m;
  const id = Number(p.get(kind));
  const data = await get(`/api/v1/messages/${id}`);
  const o = data.message;
  const body = await originalBody(id, data);
  const me = store.state.auth.account.email.toLowerCase();
  const notMe = (a) => a.email.toLowerCase() !== me;
  if (kind === 'resend') {
    return {
      ...m, to: o.to.map(addrText), cc: (o.cc || []).map(addrText), bcc: (data.bcc || []).map(addrText),
      showCc: (o.cc || []).length + (data.bcc || []).length > 0, subject: o.subject, html: body, attachments: refAttachments(id, data),
    };
  }
  if (kind === 'forward') {
    const head = `<p>---------- ${esc(t('forwardedMessage'))} ----------<br>${esc(t('from'))}: ${esc(o.from ? addrText(o.from) : '')}<br>`
      + `${esc(t('date'))}: ${esc(longDate(o.date))}<br>${esc(t('subject'))}: ${esc(o.subject)}<br>${esc(t('to'))}: ${esc(o.to.map(addrText).join(', '))}</p>`;
    return { ...m, subject: prefixed('Fwd', o.subject), html: m.html + head + body, forwardOf: id, attachments: refAttachments(id, data) };
  }
  const replyTo = data.reply_to?.length ? data.reply_to : o.from ? [o.from] : [];
  m.to = replyTo.map(addrText);
  if (kind === 'replyall') {
    const seen = new Set(replyTo.map((a) => a.email.toLowerCase()));
    const more = (list) => list.filter(notMe).filter((a) => !seen.has(a.email.toLowerCase()) && seen.add(a.email.toLowerCase()));
    m.to = m.to.concat(more(o.to).map(addrText));
    m.cc = more(o.cc || []).map(addrText);
    m.showCc = m.cc.length > 0;
  }
  m.subject = prefixed('Re', o.subject);
  m.inReplyTo = id;
  const who = o.from ? addrText(o.from) : '';
  m.quote = `<div class="quoted-original"><p>${esc(t('quoteHeader', { date: longDate(o.date), from: who }))}</p>`
    + `<blockquote type="cite">${body}</blockquote></div>`;
  m.quoteOn = store.state.prefs.quoteOriginal;
  if (m.quoteOn) m.html += m.quote;
  return m;
}

// fromDraft reopens a draft for editing: its files come back as uploads
// (a POST: reopening writes them), usable after the draft is replaced.
async function fromDraft(id) {
  const d = await post(`/api/v1/drafts/${id}/reopen`);
  return {
    ...blank('none'), to: d.to.map(addrText), cc: d.cc.map(addrText), bcc: d.bcc.map(addrText), showCc: d.cc.length + d.bcc.length > 0,
    subject: d.subject, html: d.html || `<div>${esc(d.text || '').replace(/\r?\n/g, '<br>')}</div>`,
    attachments: (d.attachments || []).map((a) => ({ key: `u${a.id}`, id: a.id, filename: a.filename, size: a.size })),
    sendIndividually: d.send_individually, saveSent: d.save_sent, readReceipt: d.read_receipt,
    inReplyTo: d.in_reply_to || 0, forwardOf: d.forward_of || 0, draftId: d.id,
  };
}
