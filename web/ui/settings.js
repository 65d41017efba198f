// The Settings screen (환경설정, S1–S8): a side menu of sections and the
// section shown. The route is #/settings/{section}; each section is a
// file of its own (settings-*.js) and saves through the API.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { loadSettings } from './settings-state.js';
import { General } from './settings-general.js';
import { MailSettings } from './settings-mail.js';
import { Folders } from './settings-folders.js';
import { Filters } from './settings-filters.js';
import { External } from './settings-external.js';
import { SpamSettings } from './settings-spam.js';
import { ServerInfo } from './settings-server.js';
import { Password } from './settings-password.js';
import { AccessLog } from './settings-access.js';

// sections in the order of the menu our users know (manual, [Settings]).
export const sections = [
  ['general', 'setGeneral', General],
  ['mail', 'setMail', MailSettings],
  ['folders', 'setFolders', Folders],
  ['filters', 'setFilters', Filters],
  ['external', 'setExternal', External],
  ['spam', 'setSpam', SpamSettings],
  ['server', 'setServer', ServerInfo],
  ['password', 'setPassword', Password],
  ['access', 'setAccess', AccessLog],
];

// the sections that edit the settings document (the others have their own API)
const needsSettings = new Set(['general', 'mail', 'spam']);

export function Settings({ state }) {
  const found = sections.find(([id]) => id === state.route.section) || sections[0];
  const [id, , Body] = found;
  const [failed, setFailed] = useState(false);
  const load = async () => {
    setFailed(false);
    if (!(await loadSettings())) setFailed(true);
  };
  useEffect(() => {
    if (!state.settings) load();
  }, []);
  const go = (to) => {
    location.hash = '#/settings/' + to;
  };
  return html`<div id="settings" class="settings" data-section=${id}>
    <nav class="settings-nav" aria-label=${t('settings')}>
      <h1 class="settings-title">${t('settings')}</h1>
      <ul>${sections.map(([sid, key]) => html`<li><a id=${'settings-nav-' + sid} href=${'#/settings/' + sid}
        class=${'settings-nav-item' + (sid === id ? ' on' : '')} aria-current=${sid === id ? 'page' : null}>${t(key)}</a></li>`)}</ul>
      <select id="settings-section-select" aria-label=${t('settings')} value=${id} onChange=${(e) => go(e.target.value)}>
        ${sections.map(([sid, key]) => html`<option value=${sid}>${t(key)}</option>`)}
      </select>
    </nav>
    <div class="settings-main">
      ${needsSettings.has(id) && !state.settings
        ? (failed ? html`<p id="settings-load-error" class="error" role="alert">${t('loadFailed')} <button type="button" class="link" onClick=${load}>${t('retry')}</button></p>`
          : html`<p class="empty">${t('loading')}</p>`)
        : html`<${Body} key=${id} state=${state} />`}
    </div>
  </div>`;
}
