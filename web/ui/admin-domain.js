// 기본 설정 (M1): the domain's quota and what its accounts store, and the
// defaults new accounts take, language and time zone
// (GET/PATCH /api/v1/admin/domain). The quota and the account limit are
// the operator's: shown here, changed in his console.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { get, patch } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';
import { fieldErrors, Usage } from './admin.js';
import { LangSelect } from './lang-select.js';
import { ZoneSelect } from './zone-select.js';

export function DomainSettings() {
  const [d, setD] = useState(null);
  const [errs, setErrs] = useState({});
  const [busy, setBusy] = useState(false);
  useEffect(() => { get('/api/v1/admin/domain').then(setD, report); }, []);
  if (!d) return html`<p class="empty">${t('loading')}</p>`;
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErrs({});
    try {
      setD(await patch('/api/v1/admin/domain', { language: d.language, time_zone: d.time_zone, tracking_image: !!d.tracking_image }));
      toast(t('adSaved'));
    } catch (err) {
      setErrs(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  };
  const err = (k) => errs[k] && html`<small class="error field-error" data-field=${k}>${errs[k]}</small>`;
  return html`<form id="admin-domain" class="console-card admin-form" onSubmit=${save}>
    <h1>${t('adMenu_domain')} <small class="muted">${d.name}</small></h1>
    <fieldset><legend>${t('adDomUsage')}</legend>
      <div id="domain-usage" data-used=${d.used} data-quota=${d.quota}><${Usage} used=${d.used} quota=${d.quota} /></div>
      <p id="domain-users" class="hint">${d.max_users ? t('adDomUsersOf', { n: d.users, max: d.max_users }) : t('adDomUsers', { n: d.users })}</p>
      <p class="hint">${t('adDomQuotaHint')}</p></fieldset>
    <fieldset><legend>${t('adDomDefaults')}</legend>
      <p class="hint">${t('adDomDefaultsHint')}</p>
      <label class="field"><span>${t('adDomLanguage')}</span>
        <${LangSelect} id="domain-language" value=${d.language} onChange=${(v) => setD({ ...d, language: v })} />${err('language')}</label>
      <label class="field"><span>${t('adDomTimeZone')}</span>
        <${ZoneSelect} id="domain-time-zone" zone=${d.time_zone} onChange=${(v) => setD({ ...d, time_zone: v })} />${err('time_zone')}</label></fieldset>
    <fieldset><legend>${t('receipts')}</legend>
      <label class="check"><input id="domain-tracking-image" type="checkbox" checked=${!!d.tracking_image}
        onChange=${(e) => setD({ ...d, tracking_image: e.target.checked })} /> ${t('adDomTrackingImage')}</label>
      <p class="hint">${t('adDomTrackingImageHint')}</p></fieldset>
    <p class="error" id="domain-error">${errs._ || ''}</p>
    <div class="actions"><button id="domain-save" class="primary" type="submit" disabled=${busy}>${t('adSave')}</button></div>
  </form>`;
}
