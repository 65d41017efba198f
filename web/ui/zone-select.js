// The time-zone switch (X2), beside the language until Settings exists:
// saved to the account (PATCH /api/v1/account), and every date on the
// screen is written again in the new zone.

import { html } from './html.js';
import { t } from './i18n.js';
import { setTimeZone } from './actions.js';

// zones are the ones offices of our users are in; the browser's own and
// the account's are added when missing.
const zones = [
  'Asia/Seoul', 'Asia/Tokyo', 'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Ho_Chi_Minh',
  'Asia/Bangkok', 'Asia/Jakarta', 'Asia/Manila', 'Asia/Kolkata', 'Asia/Dubai', 'Europe/London', 'Europe/Paris',
  'Europe/Berlin', 'Europe/Moscow', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles',
  'America/Sao_Paulo', 'Australia/Sydney', 'Pacific/Auckland', 'UTC',
];

// offset is the zone's UTC offset now, as "GMT+9" ("GMT" for UTC).
function offset(zone, now) {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(now)
      .find((p) => p.type === 'timeZoneName');
    return part ? part.value : '';
  } catch {
    return '';
  }
}

function minutes(off) {
  const m = /GMT([+-])(\d+)(?::(\d+))?/.exec(off);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] || 0)) : 0;
}

// onChange is the account's own zone unless a page (the domain's
// defaults) says otherwise.
export function ZoneSelect({ id = 'tz-select', zone, onChange = setTimeZone }) {
  const now = new Date();
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const list = [...new Set([...zones, browser, zone].filter(Boolean))]
    .map((z) => ({ z, off: offset(z, now) }))
    .sort((a, b) => minutes(a.off) - minutes(b.off) || a.z.localeCompare(b.z));
  return html`<select id=${id} class="zone-select" aria-label=${t('timeZone')} title=${t('timeZone')} value=${zone}
    onChange=${(e) => onChange(e.target.value)}>
    ${list.map(({ z, off }) => html`<option value=${z} title=${z}>${z.split('/').pop().replace(/_/g, ' ')}${z === 'UTC' ? '' : ` (${off})`}${z === browser ? ' · ' + t('thisComputer') : ''}</option>`)}
  </select>`;
}
