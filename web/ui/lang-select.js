// The language switch (X2): saved to the account when logged in.

import { html } from './html.js';
import { t, currentLang } from './i18n.js';
import { setLanguage } from './actions.js';

export function LangSelect({ id = 'lang-select' }) {
  return html`<select id=${id} aria-label=${t('language')} value=${currentLang()} onChange=${(e) => setLanguage(e.target.value)}>
    <option value="ko">한국어</option>
    <option value="en">English</option>
  </select>`;
}
