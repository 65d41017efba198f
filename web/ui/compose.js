// The compose screen (E3): recipients, subject, editor, attachments and
// options; drafts saved every few seconds and on leaving; send with an
// undo while the message waits, or at a scheduled time.

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { store, toast } from './store.js';
import { t, longDate } from './i18n.js';
import { get, post, request, del, csrfToken } from './api.js';
import { go, report, refresh } from './actions.js';
import { openDialog, confirm } from './dialogs.js';
import { initial, saveBackup, clearBackup, blank } from './compose-init.js';
import { RecipientField, Editor, Attachments, upload, checkLimit, parseAddress } from './compose-fields.js';
import { openPicker } from './compose-picker.js';
import { zonedToUTC, zonedInput } from './timezone.js';

const autosaveEvery = 5000;

// body is the request body of a draft save or a send.
function body(m) {
  const b = {
    to: m.to, cc: m.cc, bcc: m.bcc, subject: m.subject,
    attachments: m.attachments.filter((a) => a.id || a.ref).map((a) => (a.id ? a.id : a.ref)),
    send_individually: m.sendIndividually, save_sent: m.saveSent, read_receipt: m.readReceipt,
    in_reply_to: m.inReplyTo || 0, forward_of: m.forwardOf || 0, forward_as_attachment: m.forwardAsAttachment,
  };
  if (m.mode === 'text') b.text = m.text;
  else b.html = m.html;
  return b;
}

// written is what a message says (recipients, subject, files, text), to
// tell whether the user wrote anything since the screen opened.
function written(m) {
  return JSON.stringify([m.to, m.cc, m.bcc, m.subject.trim(), m.attachments.map((a) => a.key), m.mode === 'text' ? m.text.trim() : m.html]);
}

// back returns to the list (or the message) the user came from; not to a
// draft that was just sent or discarded.
function back(draftId) {
  const { message } = store.state.route;
  go({ view: 'mail', message: draftId && message === draftId ? 0 : message });
}

export function Compose({ state }) {
  const key = state.route.compose || '';
  const [m, setM] = useState(null);
  const [error, setError] = useState('');
  const [bad, setBad] = useState({});
  const [status, setStatus] = useState('');
  const [limit, setLimit] = useState(0);
  const [busy, setBusy] = useState(false);
  const model = useRef(null);
  const start = useRef(''); // what the screen opened with (written())
  const dirty = useRef(false);
  const saving = useRef(null);
  const xhrs = useRef({});
  const mounted = useRef(true);
  model.current = m;

  useEffect(() => {
    let live = true;
    setM(null);
    const opened = (x) => {
      if (!live) return;
      start.current = x.restored ? '' : written(x);
      setM(x);
    };
    initial(key).then(opened, (e) => { report(e); opened(blank()); });
    get('/api/v1/uploads').then((d) => live && setLimit(d.max_upload_size), report);
    return () => { live = false; };
  }, [key]);

  // save a draft every few seconds while something changed, and on leaving
  useEffect(() => {
    mounted.current = true;
    const timer = setInterval(() => dirty.current && saveDraft(true), autosaveEvery);
    const leave = () => dirty.current && saveDraft(true, true);
    window.addEventListener('beforeunload', leave);
    return () => {
      mounted.current = false;
      clearInterval(timer);
      window.removeEventListener('beforeunload', leave);
      const last = model.current;
      if (!last) return;
      if (!store.state.auth) {
        // the session ended: the local copy brings the screen back, text
        // and draft id, once the user has logged in again
        saveBackup(key, last);
        return;
      }
      // Leaving keeps the text as a server draft and a new compose opens
      // blank; the local copy comes back only if the draft cannot be saved.
      const pending = saving.current;
      const unsaved = dirty.current || pending;
      clearBackup();
      if (!unsaved) return;
      (async () => {
        const ok = (pending && (await pending) && !dirty.current) || (await saveDraft(true));
        if (!ok) saveBackup(key, last);
      })();
    };
  }, [key]);

  const update = (patch) => {
    const next = { ...model.current, ...(typeof patch === 'function' ? patch(model.current) : patch) };
    model.current = next;
    dirty.current = true;
    setM(next);
    saveBackup(key, next);
  };

  async function saveDraft(quiet, keepalive) {
    const cur = model.current;
    if (!cur) return false;
    if (saving.current) return saving.current;
    dirty.current = false;
    const path = cur.draftId ? `/api/v1/drafts/${cur.draftId}` : '/api/v1/drafts';
    if (keepalive) {
      // the page is closing: the browser finishes this request on its own
      fetch(path, { method: cur.draftId ? 'PUT' : 'POST', keepalive: true, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() }, body: JSON.stringify(body(cur)) });
      return;
    }
    saving.current = (async () => {
      try {
        const res = await request(cur.draftId ? 'PUT' : 'POST', path, body(cur));
        if (!mounted.current) return true;
        if (model.current) {
          model.current = { ...model.current, draftId: res.id };
          setM((x) => (x ? { ...x, draftId: res.id } : x));
          saveBackup(key, model.current);
        }
        setStatus(t('draftSaved', { time: new Date().toLocaleTimeString(state.auth.account.language === 'en' ? 'en-GB' : 'ko-KR', { hour: '2-digit', minute: '2-digit' }) }));
        if (!quiet) toast(t('draftSavedToast'));
        return true;
      } catch (e) {
        dirty.current = true; // try again later; the backup keeps the text meanwhile
        if (!quiet && mounted.current) showError(e);
        return false;
      } finally {
        saving.current = null;
      }
    })();
    return saving.current;
  }

  function showError(e) {
    setError(e.message);
    if (e.field) setBad({ [e.field]: [e.value] });
    report(e);
  }

  async function send(sendAt) {
    const cur = model.current;
    setError('');
    setBad({});
    const all = [...cur.to, ...cur.cc, ...cur.bcc];
    if (!all.length) return setError(t('noRecipients'));
    const wrong = {};
    for (const f of ['to', 'cc', 'bcc']) {
      const list = cur[f].filter((v) => !parseAddress(v).valid);
      if (list.length) wrong[f] = list;
    }
    if (Object.keys(wrong).length) {
      setBad(wrong);
      return setError(t('invalidAddresses'));
    }
    if (cur.attachments.some((a) => !a.id && !a.ref && !a.error)) return setError(t('waitUploads'));
    if (!cur.subject.trim() && !sendAt?.confirmed) {
      return confirm(t('noSubjectConfirm'), () => send({ ...(sendAt || {}), confirmed: true }), t('send'));
    }
    setBusy(true);
    try {
      await saving.current;
      const b = { ...body(cur), draft_id: cur.draftId || 0 };
      if (sendAt?.at) b.send_at = sendAt.at;
      const res = await post('/api/v1/send', b);
      dirty.current = false;
      model.current = null;
      clearBackup();
      if (sendAt?.at) toast(t('scheduledToast', { time: longDate(res.send_at) }));
      else if (res.status === 'scheduled') store.set({ undo: { id: res.id, until: new Date(res.send_at).getTime() } });
      else toast(t('sentToast'));
      back(cur.draftId);
      refresh();
    } catch (e) {
      // the draft keeps the message; the error says why
      showError(e);
      dirty.current = true;
    } finally {
      setBusy(false);
    }
  }

  function schedule() {
    const zone = state.auth.account.time_zone;
    const soon = zonedInput(new Date(Date.now() + 3600e3), zone);
    openDialog({
      id: 'schedule-dialog', title: t('scheduleSend'), okId: 'schedule-ok',
      fields: [{ id: 'schedule-at', label: t('scheduleAt', { zone }), value: soon, type: 'datetime-local' }],
      onOK: ({ 'schedule-at': v }) => {
        const at = zonedToUTC(v, zone);
        if (!at || at.getTime() < Date.now()) return toast(t('schedulePast')), false;
        send({ at: at.toISOString() });
      },
    });
  }

  // cancel (취소) never destroys saved work: a message with nothing
  // written leaves at once; otherwise the user chooses to keep it in
  // Drafts or to throw it away, and a saved draft thrown away goes to
  // Trash (DELETE /api/v1/drafts/{id} moves it there).
  function cancel() {
    const cur = model.current;
    if (!cur) return back(0);
    if (!cur.draftId && !saving.current && written(cur) === start.current) {
      model.current = null;
      clearBackup();
      return back(0);
    }
    openDialog({
      id: 'discard-dialog', title: t('discardTitle'), text: cur.draftId ? t('discardSavedText') : t('discardUnsavedText'),
      closeLabel: t('keepWriting'),
      actions: [
        { id: 'discard-keep', label: t('keepDraft'), kind: 'primary', onClick: keep },
        { id: 'discard-trash', label: t('discardDraft'), kind: 'danger', onClick: discard },
      ],
    });
  }

  async function keep() {
    const ok = dirty.current || !model.current?.draftId ? await saveDraft(true) : await (saving.current || true);
    const cur = model.current;
    if (!ok || !cur) return; // the error shows; the text stays on screen
    dirty.current = false;
    model.current = null;
    clearBackup();
    toast(t('draftSavedToast'));
    back(cur.draftId);
  }

  async function discard() {
    dirty.current = false;
    Object.values(xhrs.current).forEach((x) => x.abort());
    await saving.current; // a save under way would bring the draft back
    const cur = model.current;
    dirty.current = false;
    model.current = null;
    clearBackup();
    if (cur?.draftId) {
      try {
        await del(`/api/v1/drafts/${cur.draftId}`);
        toast(t('draftDiscarded'));
      } catch (e) {
        report(e);
      }
    }
    back(cur?.draftId);
  }

  async function addFiles(files) {
    if (!checkLimit(model.current.attachments, files, limit)) return;
    for (const f of files) {
      const k = `f${Date.now()}-${Math.random()}`;
      update((x) => ({ attachments: [...x.attachments, { key: k, filename: f.name, size: f.size, progress: 0 }] }));
      const set = (patch) => update((x) => ({ attachments: x.attachments.map((a) => (a.key === k ? { ...a, ...patch } : a)) }));
      upload(f, (p) => set({ progress: p }), (xhr) => { xhrs.current[k] = xhr; })
        .then((up) => set({ id: up.id, progress: 1 }))
        .catch((e) => (e.aborted ? null : set({ error: e.message })))
        .finally(() => delete xhrs.current[k]);
    }
  }

  function removeAttachment(a) {
    xhrs.current[a.key]?.abort();
    update((x) => ({ attachments: x.attachments.filter((y) => y.key !== a.key) }));
    if (a.id) del(`/api/v1/uploads/${a.id}`).catch(() => {});
  }

  async function uploadImage(f) {
    if (!checkLimit(model.current.attachments, [f], limit)) return null;
    try {
      return await upload(f);
    } catch (e) {
      report(e);
      return null;
    }
  }

  // quote puts the replied message under the text or takes it out, and
  // remembers the choice for the next reply (the setting of issue 7).
  function quote(on) {
    store.setPrefs({ quoteOriginal: on });
    const el = document.getElementById('compose-editor');
    if (!el) return update({ quoteOn: on });
    el.querySelectorAll('.quoted-original').forEach((q) => q.remove());
    if (on) el.insertAdjacentHTML('beforeend', model.current.quote);
    update({ quoteOn: on, html: el.innerHTML });
  }

  const onKey = (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      send();
    }
  };

  if (!m) return html`<section id="compose-form" class="compose"><p class="empty">${t('loading')}</p></section>`;
  const field = (f, label) => html`<${RecipientField} field=${f} label=${label} values=${m[f]} bad=${bad[f]}
    onChange=${(v) => update({ [f]: v })} onPick=${() => openPicker(f, (target, picked) => update((x) => ({ [target]: [...x[target], ...picked], showCc: x.showCc || target !== 'to' })))} />`;
  return html`<section id="compose-form" class="compose" onKeyDown=${onKey}>
    <div class="compose-bar">
      <button id="compose-send" class="primary" disabled=${busy} onClick=${() => send()}>${t('send')}</button>
      <button id="compose-schedule" disabled=${busy} onClick=${schedule}>${t('scheduleSend')}</button>
      <button id="compose-save" onClick=${() => saveDraft(false)}>${t('saveDraft')}</button>
      <button id="compose-discard" onClick=${cancel}>${t('discard')}</button>
      <span id="compose-status" class="status">${status}</span>
    </div>
    ${error && html`<p id="compose-error" class="error notice warn" role="alert">${error}</p>`}
    <div class="compose-fields">
      <div class="field-line">
        <button type="button" id="compose-show-cc" class="icon-button" aria-expanded=${m.showCc} title=${t('ccBcc')}
          onClick=${() => update({ showCc: !m.showCc })}>${m.showCc ? '−' : '+'}</button>
        ${field('to', t('to'))}
      </div>
      ${m.showCc && field('cc', t('cc'))}
      ${m.showCc && field('bcc', t('bcc'))}
      <label class="subject-line"><span class="field-label">${t('subject')}</span>
        <input id="compose-subject" value=${m.subject} maxLength="998" onInput=${(e) => update({ subject: e.target.value.replace(/[\r\n]/g, ' ') })} /></label>
    </div>
    <${Attachments} items=${m.attachments} limit=${limit} onAdd=${addFiles} onRemove=${removeAttachment} />
    <${Editor} model=${m} onHTML=${(v) => update({ html: v })} onText=${(v) => update({ text: v })} onMode=${(mode) => update({ mode })} uploadImage=${uploadImage} />
    <div class="compose-options">
      <label class="check"><input id="opt-individually" type="checkbox" checked=${m.sendIndividually} onChange=${(e) => update({ sendIndividually: e.target.checked })} /> ${t('sendIndividually')}</label>
      <label class="check"><input id="opt-save-sent" type="checkbox" checked=${m.saveSent} onChange=${(e) => update({ saveSent: e.target.checked })} /> ${t('saveSent')}</label>
      <label class="check"><input id="opt-receipt" type="checkbox" checked=${m.readReceipt} onChange=${(e) => update({ readReceipt: e.target.checked })} /> ${t('readReceipt')}</label>
      ${m.quote && html`<label class="check"><input id="opt-quote" type="checkbox" checked=${m.quoteOn} onChange=${(e) => quote(e.target.checked)} /> ${t('quoteOriginal')}</label>`}
      ${m.forwardOf > 0 && html`<label class="check"><input id="opt-forward-attachment" type="checkbox" checked=${m.forwardAsAttachment}
        onChange=${(e) => update({ forwardAsAttachment: e.target.checked })} /> ${t('forwardAsAttachment')}</label>`}
    </div>
  </section>`;
}

// UndoBar offers to take back the last send while it waits in the queue.
export function UndoBar({ undo }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() > undo.until) store.set({ undo: null });
    }, 500);
    return () => clearInterval(timer);
  }, [undo]);
  const left = Math.max(0, Math.ceil((undo.until - now) / 1000));
  const cancel = async () => {
    store.set({ undo: null });
    try {
      const res = await del(`/api/v1/send/${undo.id}`);
      toast(t('sendUndone'));
      location.hash = `#/compose/draft=${res.draft_id}`;
    } catch (e) {
      report(e);
    }
  };
  return html`<div id="undo-bar" class="undo-bar" role="status">
    <span>${t('sending', { n: left })}</span>
    <button id="undo-send" class="link" onClick=${cancel}>${t('undo')}</button>
    <button class="link" onClick=${() => store.set({ undo: null })} aria-label=${t('close')}>×</button>
  </div>`;
}

