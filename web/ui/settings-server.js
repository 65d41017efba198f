// 메일서버 정보 (S6): exactly what to type into Outlook, an iPhone or an
// Android phone (GET /api/v1/client-setup), the iPhone's profile
// download, the "use mail clients" switch (P7: off refuses IMAP, POP3 and
// SMTP logins; the webmail is not affected) and what a POP3 client's
// delete does (P4).

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get, request } from './api.js';
import { toast } from './store.js';
import { report } from './actions.js';
import { Row } from './settings-form.js';

// servers reads the answer's listeners as rows {protocol, host, port,
// security}: either a list "servers", or per protocol an object or a list.
export function servers(d) {
  if (Array.isArray(d?.servers)) return d.servers;
  const rows = [];
  for (const p of ['imap', 'pop3', 'smtp']) {
    const v = d?.[p];
    for (const x of Array.isArray(v) ? v : v ? [v] : []) {
      rows.push({ protocol: p, host: x.host ?? d.host, port: x.port, security: x.security ?? x.tls ?? x.tls_mode ?? '' });
    }
  }
  return rows;
}

const securityName = (s) => ({ tls: 'SSL/TLS', implicit: 'SSL/TLS', ssl: 'SSL/TLS', starttls: 'STARTTLS', none: t('securityNone'), plain: t('securityNone') })[String(s).toLowerCase()] || s;

function ServerTable({ rows, login }) {
  const kind = (p) => (p === 'smtp' ? t('outgoingServer') : t('incomingServer'));
  return html`<table id="client-servers" class="settings-table">
    <thead><tr><th>${t('serverKind')}</th><th>${t('protocol')}</th><th>${t('hostName')}</th><th class="num">${t('port')}</th><th>${t('security')}</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr class="server-row" data-protocol=${r.protocol} data-port=${r.port}>
      <td>${kind(r.protocol)}</td><td>${r.protocol.toUpperCase()}</td><td class="mono host">${r.host}</td><td class="num">${r.port}</td>
      <td>${securityName(r.security)}</td></tr>`)}</tbody>
    <tfoot><tr><th>${t('userNameLogin')}</th><td colspan="4" class="mono" id="client-login">${login}</td></tr>
      <tr><th>${t('password')}</th><td colspan="4">${t('clientPasswordIs')}</td></tr></tfoot>
  </table>`;
}

const clients = [['outlook', 'Outlook'], ['iphone', 'iPhone'], ['android', 'Android']];

function Steps({ client, rows }) {
  const pick = (p) => rows.find((r) => r.protocol === p && /tls|ssl|implicit/i.test(r.security) && !/start/i.test(r.security)) || rows.find((r) => r.protocol === p);
  const imap = pick('imap');
  const smtp = rows.find((r) => r.protocol === 'smtp' && /start/i.test(r.security)) || pick('smtp');
  const where = (r) => (r ? `${r.host}:${r.port} (${securityName(r.security)})` : '-');
  if (client === 'iphone') {
    return html`<ol class="steps" id="steps-iphone">
      <li>${t('iphoneStep1')} <a id="client-profile" class="button-like" href="/api/v1/client-setup/apple.mobileconfig" download>${t('downloadProfile')}</a></li>
      <li>${t('iphoneStep2')}</li><li>${t('iphoneStep3')}</li></ol>`;
  }
  if (client === 'android') {
    return html`<ol class="steps" id="steps-android"><li>${t('androidStep1')}</li>
      <li>${t('stepIncoming', { server: where(imap) })}</li><li>${t('stepOutgoing', { server: where(smtp) })}</li><li>${t('stepLogin')}</li></ol>`;
  }
  return html`<ol class="steps" id="steps-outlook"><li>${t('outlookStep1')}</li>
    <li>${t('stepIncoming', { server: where(imap) })}</li><li>${t('stepOutgoing', { server: where(smtp) })}</li>
    <li>${t('outlookStep4')}</li><li>${t('stepLogin')}</li></ol>`;
}

export function ServerInfo({ state }) {
  const [d, setD] = useState(null);
  const [failed, setFailed] = useState(false);
  const [client, setClient] = useState('outlook');
  const load = () => get('/api/v1/client-setup').then(setD, (e) => { report(e); setFailed(true); });
  useEffect(() => { load(); }, []);
  const change = async (patch) => {
    try {
      const next = await request('PATCH', '/api/v1/client-setup', patch);
      setD(next && typeof next === 'object' ? { ...d, ...next } : { ...d, ...patch });
      toast(t('settingsSaved'));
    } catch (e) {
      report(e);
      load();
    }
  };
  if (failed) return html`<div id="settings-server" class="settings-form"><h2>${t('setServer')}</h2><p class="error">${t('loadFailed')}</p></div>`;
  if (!d) return html`<div id="settings-server" class="settings-form"><h2>${t('setServer')}</h2><p class="empty">${t('loading')}</p></div>`;
  const rows = servers(d);
  const allowed = d.clients_allowed ?? d.clients ?? true;
  return html`<div id="settings-server" class="settings-form">
    <h2>${t('setServer')}</h2>
    <section class="settings-card">
      <${Row} label=${t('useClients')}>
        <label class="check settings-check"><input id="settings-clients" type="checkbox" checked=${allowed}
          onChange=${(e) => change({ clients_allowed: e.target.checked })} /> <span>${allowed ? t('clientsOn') : t('clientsOff')}</span></label>
        <small class="muted">${t('useClientsHint')}</small>
      </${Row}>
      <${Row} label=${t('pop3Delete')}>
        <select id="settings-pop3-delete" value=${d.pop3_delete || 'keep'} onChange=${(e) => change({ pop3_delete: e.target.value })}>
          <option value="keep">${t('pop3Keep')}</option><option value="trash">${t('pop3Trash')}</option><option value="delete">${t('pop3Remove')}</option>
        </select>
        <small class="muted">${t('pop3Hint')}</small>
      </${Row}>
    </section>
    <section class="settings-card">
      <h3>${t('serverInfo')}</h3>
      <div class="table-scroll"><${ServerTable} rows=${rows} login=${d.login || d.username || state.auth.account.email} /></div>
      <p class="muted">${t('imapVsPop3')}</p>
    </section>
    <section class="settings-card">
      <div class="tabs" role="tablist">${clients.map(([id, label]) => html`<button type="button" role="tab" id=${'client-tab-' + id}
        class=${'tab' + (client === id ? ' on' : '')} aria-selected=${client === id} onClick=${() => setClient(id)}>${label}</button>`)}</div>
      <${Steps} client=${client} rows=${rows} />
    </section>
  </div>`;
}
