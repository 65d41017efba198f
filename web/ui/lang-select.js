// The language switch (X2): saved to the account when logged in.

import { html } from './html.js';
import { t, currentLang } from './i18n.js';
import { setLanguage } from './actions.js';

// value and onChange are the account's own language unless a page (the
// domain's defaults) says otherwise.
export function LangSelect({ id = 'lang-select', value, onChange = setLanguage }) {
  return html`<select id=${id} aria-label=${t('language')} value=${value || currentLang()} onChange=${(e) => onChange(e.target.value)}>
    <option value="ko">한국어</option>
    <option value="en">English</option>
  </select>`;
}
