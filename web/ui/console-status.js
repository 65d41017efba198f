// The operator's status panel (#/status, and above the console's welcome):
// the numbers GET /api/v1/operator/status gathers in the admin service.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t, size, longDate } from './i18n.js';
import { get } from './api.js';
import { report } from './actions.js';

function uptime(seconds) {
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
  return t('opUptimeValue', { d, h, m });
}

export function StatusPanel() {
  const [st, setSt] = useState(null);
  const load = () => get('/api/v1/operator/status').then(setSt, report);
  useEffect(() => { load(); }, []);
  const item = (id, label, value) => html`<div class="status-item"><dt>${t(label)}</dt><dd id=${'status-' + id}>${value}</dd></div>`;
  return html`<section id="console-status" class="console-card">
    <div class="admin-bar">
      <h1>${t('opStatus')}</h1>
      <button id="status-refresh" class="link" title=${t('opRefresh')} onClick=${load}>${t('opRefresh')}</button>
    </div>
    ${!st ? html`<p class="empty">${t('loading')}</p>` : html`<dl class="status-grid">
      ${item('domains', 'opDomains', st.domains.toLocaleString())}
      ${item('suspended', 'opSuspendedDomains', st.suspended_domains.toLocaleString())}
      ${item('accounts', 'opAccounts', st.accounts.toLocaleString())}
      ${item('storage', 'opStorage', size(st.storage.used_bytes))}
      ${item('queued', 'opQueued', st.queue.queued.toLocaleString())}
      ${item('deferred', 'opDeferred', st.queue.deferred.toLocaleString())}
      ${item('uptime', 'opUptime', uptime(st.uptime_seconds))}
      ${item('started', 'opStarted', longDate(st.started))}
      ${item('version', 'opVersion', st.version)}
    </dl>`}
  </section>`;
}
