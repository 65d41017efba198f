// A one-time login link (M14): an integration gives the user
// <webmail>/#/login-link/SECRET. The secret is in the fragment, which no
// GET sends, so a mail scanner fetching the link spends nothing; this
// page POSTs it (POST /api/v1/session/link), which uses it up and starts
// the session. The secret leaves the address bar first, so that neither
// the history nor a bookmark keeps it.

import { post, setCSRF } from './api.js';
import { currentLang } from './i18n.js';

// linkSecret is the secret of a login link's address, else ''.
export function linkSecret() {
  const m = /^#\/login-link\/([^/?#]+)/.exec(location.hash || '');
  return m ? decodeURIComponent(m[1]) : '';
}

// signInWithLink uses the link of the address, if any: null when there
// is none, '' when it signed the user in, else the server's reason in
// the user's language (an expired or used link, a refused login).
export async function signInWithLink() {
  const secret = linkSecret();
  if (!secret) return null;
  history.replaceState(null, '', location.pathname + location.search);
  try {
    const data = await post('/api/v1/session/link', { token: secret, language: currentLang() });
    setCSRF(data.csrf);
    return '';
  } catch (e) {
    return e.message;
  }
}
