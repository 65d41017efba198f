// 메일함 관리 > 가져오기: a folder's [가져오기] button picks a .eml, .mbox
// or .zip file, uploads it through the uploads API (its progress), asks
// the server to import it into the folder (POST
// /api/v1/mailboxes/{id}/import) and follows the job until it ends; the
// result is said in words: imported, already there, failed (the failures
// listed). One import at a time on the page: the buttons wait while one
// runs.

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t, folderName } from './i18n.js';
import { get, post } from './api.js';
import { loadMailboxes } from './actions.js';
import { upload } from './compose-fields.js';

const pollEvery = 500;
const accept = '.eml,.mbox,.zip,message/rfc822,application/mbox,application/zip';

// reason is a failed job's error in the user's language when the page
// knows its code, else as the server gave it.
function reason(code) {
  const key = 'importErr_' + code;
  const s = t(key);
  return s === key ? code : s;
}

const percent = (done, total) => (total ? Math.min(100, Math.round((done * 100) / total)) : 0);

// useFolderImport is the page's import: its state (null before any) and
// start(mailbox, file), close().
export function useFolderImport() {
  const [imp, setImp] = useState(null);
  const live = useRef(true);
  useEffect(() => () => { live.current = false; }, []);
  const set = (patch) => live.current && setImp((x) => ({ ...x, ...patch }));
  const start = async (mb, file) => {
    setImp({ folder: folderName(mb), name: file.name, phase: 'upload', pct: 0, busy: true });
    try {
      const up = await upload(file, (f) => set({ pct: Math.round(f * 100) }));
      const { job } = await post(`/api/v1/mailboxes/${mb.id}/import`, { upload: up.id });
      set({ phase: 'job', pct: 0 });
      for (;;) {
        const j = await get(`/api/v1/jobs/${job}`);
        if (!live.current) return;
        if (j.state === 'done') {
          set({ phase: 'done', pct: 100, result: j.result || {}, busy: false });
          break;
        }
        if (j.state === 'failed') {
          set({ phase: 'error', error: t('importFailed', { error: reason(j.error) }), busy: false });
          break;
        }
        set({ pct: percent(j.done, j.total) });
        await new Promise((resolve) => setTimeout(resolve, pollEvery));
      }
      loadMailboxes(); // the counts and sizes of the table
    } catch (e) {
      set({ phase: 'error', error: e.message, busy: false });
    }
  };
  return [imp, start, () => setImp(null)];
}

// ImportButton opens the file picker for one folder.
export function ImportButton({ mb, busy, onFile }) {
  const input = useRef(null);
  return html`<button type="button" class="folder-import" title=${t('folderImportTip')} disabled=${busy}
      onClick=${() => input.current?.click()}>${t('folderImport')}</button>
    <input ref=${input} type="file" class="folder-import-file" accept=${accept} hidden
      onChange=${(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) onFile(mb, f); }} />`;
}

function Result({ r }) {
  const failed = r.failed || [];
  const more = (r.failed_count || 0) - failed.length;
  const words = [t('importImported', { n: r.imported || 0 }), t('importSkipped', { n: r.skipped || 0 }), t('importFailedN', { n: r.failed_count || 0 })];
  if (r.folders_created) words.push(t('importFoldersN', { n: r.folders_created }));
  return html`<p id="folder-import-result">${words.join(', ')}</p>
    ${r.stopped && html`<p id="folder-import-stopped" class="warn" role="alert">${t('importStopped_' + r.stopped)}</p>`}
    ${failed.length > 0 && html`<details id="folder-import-failures" open>
      <summary>${t('importFailures')}</summary>
      <ul>${failed.map((f) => html`<li>${f}</li>`)}${more > 0 && html`<li>${t('importMoreFailures', { n: more })}</li>`}</ul>
    </details>`}`;
}

// ImportStatus shows the import: upload, then job progress, then result.
export function ImportStatus({ imp, onClose }) {
  if (!imp) return null;
  const r = imp.result || {};
  let text;
  if (imp.phase === 'upload') text = t('importUploading', { name: imp.name, pct: imp.pct });
  else if (imp.phase === 'job') text = t('importRunning', { folder: imp.folder, pct: imp.pct });
  else if (imp.phase === 'done') text = t('importDone', { folder: imp.folder });
  else text = imp.error;
  const running = imp.phase === 'upload' || imp.phase === 'job';
  return html`<div id="folder-import" class=${'notice job' + (imp.phase === 'error' || r.stopped ? ' warn' : '')} data-phase=${imp.phase}
      data-imported=${r.imported ?? ''} data-skipped=${r.skipped ?? ''} data-failed=${r.failed_count ?? ''} aria-live="polite">
    <span id="folder-import-text">${text}</span>
    ${running && html`<progress id="folder-import-progress" class="progress" max="100" value=${imp.pct}></progress>`}
    ${imp.phase === 'done' && html`<${Result} r=${r} />`}
    ${!running && html`<button type="button" id="folder-import-close" onClick=${onClose}>${t('close')}</button>`}
  </div>`;
}
