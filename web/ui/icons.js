// Icons as inline SVG: no icon font to load, and no emoji, which many
// office machines cannot draw.

import { html } from './html.js';

const paths = {
  bell: 'M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.8V3a1.5 1.5 0 0 0-3 0v1.2A7 7 0 0 0 5 11v5l-2 2v1h18v-1z',
  clip: 'M16.5 6.5v11a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v11.5a1.5 1.5 0 0 1-3 0V6.5H9v10a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v12.5a6 6 0 0 0 12 0v-11z',
  // the layouts (#layout-toggle): a window of three panes (folders, list,
  // message), and a window of folders beside a full-width list of rows;
  // both framed, so that neither reads as the ☰ menu
  split: 'M2 4h20v16H2zm2 2v12h3.5V6zm5 0v12h4V6zm5.5 0v12H20V6z',
  list: 'M2 4h20v16H2zm2 2v12h3.5V6zm5 0v12H20V6zm2 2h7v1.5h-7zm0 3.25h7v1.5h-7zm0 3.25h7v1.5h-7z',
  refresh: 'M17.7 6.3A8 8 0 1 0 20 12h-2a6 6 0 1 1-1.8-4.2L13 11h7V4z',
  link: 'M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a1 1 0 1 1 1.4 1.4l-3.5 3.5a1 1 0 0 1-1.4 0zM7 17a3 3 0 0 1 0-4.2l2.5-2.5-1.4-1.4-2.5 2.5a5 5 0 0 0 7 7l2.5-2.5-1.4-1.4-2.5 2.5A3 3 0 0 1 7 17zm11.6-11.6a5 5 0 0 0-7 0L9.1 7.9l1.4 1.4L13 6.8a3 3 0 0 1 4.2 4.2l-2.5 2.5 1.4 1.4 2.5-2.5a5 5 0 0 0 0-7z',
  image: 'M4 5h16v14H4zm2 2v8l4-4 3 3 2-2 3 3V7zm9 1.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z',
  star: 'M12 17.3 18.2 21l-1.6-7L22 9.2l-7.2-.6L12 2 9.2 8.6 2 9.2 7.5 14l-1.7 7z',
};

export function Icon({ name, label }) {
  return html`<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden=${label ? null : 'true'} role=${label ? 'img' : null}
    aria-label=${label || null} focusable="false"><path d=${paths[name]} fill="currentColor" /></svg>`;
}
