// 가져오기 and 내보내기 of the Contacts screen (C3, C4). An import first
// sends the file with dry_run=1: the server answers what it understood
// (format, encoding, which header became which field, the first rows as
// they will be stored, the lines it refuses, how many are already in the
// book), and only the user's OK imports, with duplicates skipped or
// merged; the report says what happened. Nothing is parsed here: the
// server reads CSV by header name in UTF-8 or CP949, and vCard.

import { html } from './html.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { query } from './api.js';
import { openDialog } from './dialogs.js';
import * as api from './contacts-api.js';

// importDialog imports a file into the book (and folder and group) shown,
// or another the user picks.
export function importDialog(where, nav, reload) {
  openDialog({
    id: 'import-dialog', title: t('ctImport'), wide: true, closeLabel: t('close'),
    body: html`<${ImportForm} where=${where} nav=${nav} reload=${reload} />`,
  });
}

// known is the catalogue's text for a code the server sends (a field, a
// refusal), or the code itself when the catalogue has none.
const known = (prefix, code) => (t(prefix + code) === prefix + code ? code : t(prefix + code));
const fieldName = (f) => (f ? known('ctField_', f) : t('ctFieldIgnored'));

function ImportForm({ where, nav, reload }) {
  const [file, setFile] = useState(null);
  const [target, setTarget] = useState({ book: where.book, folder: where.book === 'personal' ? where.folder || 0 : 0, group: where.group || 0 });
  const [preview, setPreview] = useState(null);
  const [dup, setDup] = useState('skip');
  const [busy, setBusy] = useState(''); // 'preview' | 'import' | ''
  const [progress, setProgress] = useState(0);
  const [done, setDone] = useState(null);
  const [error, setError] = useState('');
  const seq = useRef(0);
  const path = (more) => '/api/v1/contacts/import' + query({ book: target.book, folder: target.folder || '', group: target.group || '', ...more });

  // every new file or target is previewed again: duplicates and the
  // group's book depend on where it goes
  useEffect(() => {
    if (!file) return;
    const n = ++seq.current;
    setBusy('preview');
    setPreview(null);
    setDone(null);
    setError('');
    setProgress(0);
    api.sendFile(path({ dry_run: 1 }), file, setProgress).then(
      (p) => n === seq.current && setPreview(p),
      (e) => n === seq.current && setError(e.message),
    ).finally(() => n === seq.current && setBusy(''));
  }, [file, target]);

  const run = async () => {
    setBusy('import');
    setError('');
    setProgress(0);
    try {
      const r = await api.sendFile(path({ duplicates: dup }), file, setProgress);
      setDone(r);
      setPreview(null);
      await reload();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy('');
    }
  };
  const groups = nav[target.book] || [];
  const books = [['personal', t('ctMine')], ...(nav.sharedEditable ? [['shared', t('ctShared')]] : [])];
  return html`<div class="ct-import">
    <p class="muted">${t('ctImportHint')} <a id="import-template" href="/api/v1/contacts/template.csv" download="contacts-template.csv">${t('ctTemplate')}</a></p>
    <label class="field"><span>${t('ctFile')}</span>
      <input id="import-file" type="file" accept=".csv,.vcf,.vcard,.txt,text/csv,text/vcard" disabled=${busy === 'import'}
        onChange=${(e) => setFile(e.target.files[0] || null)} /></label>
    <div class="field-row">
      <label class="field"><span>${t('ctBook')}</span><select id="import-book" value=${target.book} disabled=${!!busy}
        onChange=${(e) => setTarget({ book: e.target.value, folder: 0, group: 0 })}>${books.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
      ${target.book === 'personal' && html`<label class="field"><span>${t('ctFolder')}</span><select id="import-folder" value=${target.folder} disabled=${!!busy}
        onChange=${(e) => setTarget({ ...target, folder: Number(e.target.value) })}><option value="0">${t('ctNoFolder')}</option>
        ${nav.folders.map((f) => html`<option value=${f.id}>${f.name}</option>`)}</select></label>`}
      <label class="field"><span>${t('ctGroup')}</span><select id="import-group" value=${target.group} disabled=${!!busy}
        onChange=${(e) => setTarget({ ...target, group: Number(e.target.value) })}><option value="0">${t('ctNoGroup')}</option>
        ${groups.map((g) => html`<option value=${g.id}>${g.name}</option>`)}</select></label>
    </div>
    ${busy && html`<div id="import-progress" class="ct-progress" role="status" data-stage=${busy}>
      <progress max="1" value=${progress < 1 ? progress : undefined}></progress> ${t(busy === 'import' ? 'ctImporting' : 'ctReading')}</div>`}
    ${error && html`<p id="import-error" class="error notice warn" role="alert">${error}</p>`}
    ${preview && html`<${Preview} p=${preview} dup=${dup} setDup=${setDup} />`}
    ${done && html`<div id="import-report" class="notice" role="status" data-imported=${done.imported} data-merged=${done.merged} data-skipped=${done.skipped}
      data-errors=${(done.errors || []).length}>
      ${t('ctImported', { n: done.imported })} ${done.merged ? t('ctMergedN', { n: done.merged }) : ''} ${done.skipped ? t('ctSkippedN', { n: done.skipped }) : ''}
      <${Errors} list=${done.errors} /></div>`}
    ${preview && html`<div class="dialog-buttons">
      <button id="import-ok" type="button" class="primary" disabled=${!!busy || !(preview.total ?? preview.rows?.length)} onClick=${run}>
        ${t('ctImportN', { n: preview.total ?? preview.rows.length })}</button></div>`}
  </div>`;
}

function Preview({ p, dup, setDup }) {
  const rows = p.rows || [];
  return html`<div id="import-preview" class="ct-preview" data-format=${p.format} data-encoding=${p.encoding} data-total=${p.total ?? ''}>
    <p><span id="import-format">${t('ctFormat')}: <strong>${p.format}</strong></span> · <span id="import-encoding">${t('ctEncoding')}: <strong>${p.encoding}</strong></span>
      ${p.total !== undefined && html` · <span id="import-total">${t('ctTotal', { n: p.total })}</span>`}</p>
    ${(p.columns || []).length > 0 && html`<table id="import-columns" class="ct-table"><caption>${t('ctColumns')}</caption>
      <tr><th>${t('ctColumn')}</th><th>${t('ctField')}</th></tr>
      ${p.columns.map((c) => html`<tr class=${'import-column' + (c.field ? '' : ' ignored')} data-header=${c.header} data-field=${c.field || ''}>
        <td>${c.header}</td><td>${fieldName(c.field)}</td></tr>`)}</table>`}
    <table id="import-rows" class="ct-table"><caption>${t('ctFirstRows', { n: rows.length })}</caption>
      <tr><th>${t('ctName')}</th><th>${t('email')}</th><th>${t('ctPhone')}</th><th>${t('ctCompany')}</th><th>${t('ctDepartment')}</th><th>${t('ctPosition')}</th></tr>
      ${rows.map((c) => html`<tr class="import-row">
        <td class="import-name">${c.name}</td><td class="import-email">${(c.emails || []).map((e) => e.address).join(', ')}</td>
        <td>${(c.phones || []).map((x) => x.number).join(', ')}</td><td>${c.company}</td><td>${c.department}</td><td>${c.position}</td></tr>`)}</table>
    <${Errors} list=${p.errors} />
    <div id="import-duplicates" data-n=${p.duplicates || 0}>
      ${t('ctDuplicates', { n: p.duplicates || 0 })}
      <label class="check"><input id="import-dup-skip" type="radio" name="dup" checked=${dup === 'skip'} onChange=${() => setDup('skip')} /> ${t('ctDupSkip')}</label>
      <label class="check"><input id="import-dup-merge" type="radio" name="dup" checked=${dup === 'merge'} onChange=${() => setDup('merge')} /> ${t('ctDupMerge')}</label>
    </div>
  </div>`;
}

function Errors({ list }) {
  if (!list?.length) return null;
  return html`<div class="ct-errors"><p class="error">${t('ctLineErrors', { n: list.length })}</p>
    <ul>${list.slice(0, 100).map((e) => html`<li class="import-line-error" data-line=${e.line}>${t('ctLine', { n: e.line })}: ${known('ctReason_', e.reason)}</li>`)}</ul></div>`;
}

// exportDialog downloads a book as our CSV, Outlook's CSV or vCard, in
// UTF-8 (with a BOM, for Korean Excel) or CP949.
export function exportDialog(book) {
  openDialog({
    id: 'export-dialog', title: t('ctExport'), okId: 'export-ok',
    fields: [
      { id: 'export-format', label: t('ctFormat'), options: [['csv', t('ctFormatCSV')], ['outlook', t('ctFormatOutlook')], ['vcard', t('ctFormatVCard')]] },
      { id: 'export-charset', label: t('ctEncoding'), options: [['utf-8', t('ctUTF8')], ['cp949', t('ctCP949')]] },
      {
        id: 'export-book', label: t('ctBook'), value: book,
        options: [['personal', t('ctMine')], ['shared', t('ctShared')]],
      },
    ],
    onOK: (v) => {
      const a = document.createElement('a');
      a.href = '/api/v1/contacts/export' + query({ format: v['export-format'], charset: v['export-charset'], book: v['export-book'] });
      a.download = ''; // the server names the file (Content-Disposition)
      document.body.appendChild(a);
      a.click();
      a.remove();
    },
  });
}
