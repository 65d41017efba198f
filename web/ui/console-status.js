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

// indexPoll is how often the panel asks again while the search index has
// messages to write (after a restore the whole installation's), so that
// its bar moves without the operator refreshing.
const indexPoll = 5000;

// IndexProgress is the search index's backlog: up to date, or how many
// messages wait, with a bar of the stored messages whose terms are
// written (after a restore it starts empty).
function IndexProgress({ waiting, messages }) {
  if (!waiting) return t('opIndexUpToDate');
  const total = Math.max(messages, waiting);
  return html`${t('opIndexWaiting', { n: waiting.toLocaleString() })}
    <progress id="status-index-progress" max=${total} value=${total - waiting}></progress>`;
}

export function StatusPanel() {
  const [st, setSt] = useState(null);
  const load = () => get('/api/v1/operator/status').then(setSt, report);
  useEffect(() => { load(); }, []);
  const waiting = st ? st.search_index.waiting : 0;
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setTimeout(load, indexPoll);
    return () => clearTimeout(timer);
  }, [st]);
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
      ${item('search-index', 'opSearchIndex', html`<${IndexProgress} waiting=${waiting} messages=${st.storage.messages} />`)}
      ${item('uptime', 'opUptime', uptime(st.uptime_seconds))}
      ${item('started', 'opStarted', longDate(st.started))}
      ${item('version', 'opVersion', st.version)}
    </dl>`}
  </section>`;
}
