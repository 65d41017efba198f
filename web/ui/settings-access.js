// 접속로그 (S8): the account's recent logins over every path (web, mobile
// web, IMAP, POP3, SMTP) with the address and the time, shown in the
// user's time zone (a new zone rewrites them at once).

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t, longDate } from './i18n.js';
import { get, query } from './api.js';
import { report } from './actions.js';

const entriesOf = (d) => (Array.isArray(d) ? d : d?.entries || d?.logins || d?.access_log || []);

export function AccessLog({ state }) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState(null);
  useEffect(() => {
    let live = true;
    get('/api/v1/access-log' + query({ page: page > 1 ? page : '' })).then((d) => live && setData(d), (e) => { report(e); live && setData([]); });
    return () => { live = false; };
  }, [page]);
  const rows = entriesOf(data);
  const more = !!data?.more || (data?.total !== undefined && page * (data.per_page || rows.length || 1) < data.total);
  // the zone is read by longDate; naming it here re-renders on a change
  const zone = state.auth.account.time_zone;
  return html`<div id="settings-access" class="settings-form">
    <h2>${t('setAccess')}</h2>
    <p class="muted">${t('accessHint', { zone })}</p>
    ${data === null ? html`<p class="empty">${t('loading')}</p>` : !rows.length ? html`<p class="empty">${t('accessNone')}</p>` : html`
    <table id="access-table" class="settings-table access-table">
      <thead><tr><th>${t('accessTime')}</th><th>${t('accessIP')}</th><th>${t('accessPath')}</th><th>${t('accessResult')}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr class=${'access-row' + (r.ok ? '' : ' failed')} data-protocol=${r.protocol} data-ok=${r.ok ? '1' : '0'}>
        <td><time datetime=${r.time}>${longDate(r.time)}</time></td><td class="mono">${r.ip}</td>
        <td>${t('path_' + r.protocol) === 'path_' + r.protocol ? r.protocol : t('path_' + r.protocol)}</td>
        <td>${r.ok ? t('loginOK') : t('loginFailed')}</td></tr>`)}</tbody>
    </table>`}
    <div class="pager">
      <button id="access-prev" type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('prev')}</button>
      <button id="access-next" type="button" disabled=${!more} onClick=${() => setPage(page + 1)}>${t('next')}</button>
    </div>
  </div>`;
}
