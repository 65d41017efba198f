// 감사 로그: what the domain's administrators, its API tokens and the
// operator changed, newest first, in the administrator's time zone and
// language; "더 보기" loads the page before the last one shown. Action
// codes (user.create, ...) are worded from the catalogue; one the
// catalogue does not know yet is shown as it is.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t, longDate } from './i18n.js';
import { get, query } from './api.js';
import { report } from './actions.js';

export function Audit() {
  const [entries, setEntries] = useState(null);
  const [next, setNext] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = async (before) => {
    setBusy(true);
    try {
      const d = await get('/api/v1/admin/audit' + query({ before }));
      setEntries((old) => (before ? [...(old || []), ...d.entries] : d.entries));
      setNext(d.next);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => { load(null); }, []);
  return html`<section id="admin-audit" class="console-card">
    <div class="admin-bar"><h1>${t('adMenu_audit')}</h1></div>
    <p class="hint">${t('adAudHint')}</p>
    ${entries && !entries.length && html`<p class="empty">${t('adAudNone')}</p>`}
    <table id="audit-table" class="admin-table">
      <thead><tr><th>${t('adAudTime')}</th><th>${t('adAudWho')}</th><th>${t('adAudAction')}</th><th>${t('adAudTarget')}</th><th>${t('adAudIP')}</th></tr></thead>
      <tbody>${(entries || []).map((e) => html`<tr class="audit-row" data-action=${e.action} data-id=${e.id}>
        <td class="audit-time"><time datetime=${e.time}>${longDate(e.time)}</time></td>
        <td class="audit-actor">${actorText(e.actor)}</td>
        <td class="audit-action">${actionText(e)}</td>
        <td class="audit-target">${e.target}</td>
        <td class="audit-ip">${e.ip || '—'}</td>
      </tr>`)}</tbody>
    </table>
    ${next && html`<div class="admin-paging"><button id="audit-more" title=${t('adAudMoreTitle')} disabled=${busy} onClick=${() => load(next)}>${t('adAudMore')}</button></div>`}
  </section>`;
}

// actorText words who acted: an address or the operator's name as it
// is, the command line and a token ("token NAME") in the reader's words.
function actorText(actor) {
  if (actor === 'command line') return t('adAudCLI');
  if (actor.startsWith('token ')) return t('adAudToken', { name: actor.slice(6) });
  return actor;
}

// actionText words an entry's action, with the fields a change named.
function actionText(e) {
  const key = 'adAud_' + e.action;
  let s = t(key);
  if (s === key) s = e.action;
  const fields = Array.isArray(e.detail?.fields) ? e.detail.fields : [];
  if (fields.length) {
    s += ' (' + fields.map((f) => (t('adAudField_' + f) === 'adAudField_' + f ? f : t('adAudField_' + f))).join(', ') + ')';
  } else if (e.action === 'user.create' && e.detail?.admin) {
    s += ' (' + t('adAudAdmin') + ')';
  }
  return s;
}
