// API 토큰 (M14): the domain's integration tokens. The secret comes back
// once, in the answer that made it: it is shown in a dialog with a copy
// button and the warning that it cannot be shown again, and kept nowhere
// in the page afterwards. Revoking asks in the house's dialog.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t, shortDate } from './i18n.js';
import { get, post, del } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';
import { confirm, openDialog } from './dialogs.js';
import { AdminIcon, fieldErrors } from './admin.js';

export function Tokens() {
  const [tokens, setTokens] = useState(null);
  const [name, setName] = useState('');
  const [errs, setErrs] = useState({});
  const [busy, setBusy] = useState(false);
  const load = () => get('/api/v1/admin/tokens').then((d) => setTokens(d.tokens || []), report);
  useEffect(() => { load(); }, []);
  const create = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErrs({});
    try {
      const tok = await post('/api/v1/admin/tokens', { name: name.trim() });
      setName('');
      showSecret(tok.secret);
      load();
    } catch (err) {
      setErrs(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  };
  const revoke = (tok) => {
    setErrs({});
    confirm(t('adTokRevokeConfirm', { name: tok.name }), async () => {
      try {
        await del('/api/v1/admin/tokens/' + tok.id);
        toast(t('adTokRevokedToast'));
      } catch (err) {
        setErrs(fieldErrors(err));
      }
      load();
    }, t('adTokRevokeTitle'));
  };
  return html`<section id="admin-tokens" class="console-card">
    <div class="admin-bar"><h1>${t('adMenu_tokens')}</h1></div>
    <p class="hint">${t('adTokHint')}</p>
    <form id="token-form" class="admin-form token-form" onSubmit=${create}>
      <label class="field"><span>${t('adTokName')}</span><input id="token-name" required maxLength="100" placeholder=${t('adTokNameHint')}
        value=${name} onInput=${(e) => setName(e.target.value)} />${errs.name && html`<small class="error field-error" data-field="name">${errs.name}</small>`}</label>
      <button id="token-create" class="primary" type="submit" title=${t('adTokCreateTitle')} disabled=${busy}><${AdminIcon} name="plus" /> ${t('adTokCreate')}</button>
    </form>
    <p id="token-error" class="error" role="alert">${errs._ || ''}</p>
    ${tokens && !tokens.length && html`<p class="empty">${t('adTokNone')}</p>`}
    <table id="token-table" class="admin-table">
      <thead><tr><th>${t('adTokName')}</th><th>${t('adTokPrefix')}</th><th>${t('adTokCreatedBy')}</th><th>${t('adTokCreated')}</th>
        <th>${t('adTokLastUsed')}</th><th>${t('adTokStatus')}</th><th></th></tr></thead>
      <tbody>${(tokens || []).map((tok) => html`<tr class=${'token-row' + (tok.revoked ? ' disabled' : '')} data-name=${tok.name} data-id=${tok.id}
          data-revoked=${tok.revoked ? '1' : '0'}>
        <td>${tok.name}</td><td><code>${tok.prefix}…</code></td><td>${tok.created_by}</td><td>${shortDate(tok.created)}</td>
        <td>${tok.last_used ? shortDate(tok.last_used) : t('adTokNever')}</td>
        <td class="token-status">${tok.revoked ? t('adTokRevoked', { date: shortDate(tok.revoked) }) : t('adTokLive')}</td>
        <td>${!tok.revoked && html`<button class="icon-button token-revoke" title=${t('adTokRevoke')} aria-label=${t('adTokRevoke')}
          onClick=${() => revoke(tok)}><${AdminIcon} name="trash" /></button>`}</td>
      </tr>`)}</tbody>
    </table>
  </section>`;
}

// showSecret shows a new token's secret once.
function showSecret(secret) {
  openDialog({
    id: 'token-secret-dialog', title: t('adTokSecretTitle'), text: t('adTokSecretWarn'), wide: true,
    body: html`<div class="token-secret">
      <input id="token-secret" readonly value=${secret} onFocus=${(e) => e.target.select()} aria-label=${t('adTokSecretTitle')} />
      <button id="token-copy" type="button" title=${t('adTokCopyTitle')} onClick=${() => copy(secret)}>${t('adTokCopy')}</button>
    </div>`,
  });
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // no clipboard API (a page not served over https): the selection
    const input = document.getElementById('token-secret');
    input.select();
    document.execCommand('copy');
  }
  toast(t('adTokCopied'));
}
