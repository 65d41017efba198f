// A read receipt requested by the message being read (RFC 8098): the
// server says in "mdn" whether to ask (the user's setting, or a request
// that would send the receipt elsewhere than the sender) or to send at
// once (the setting "always"). The answer, sent or not, is given once;
// the server remembers it ($MDNSent) and never offers it again.

import { html } from './html.js';
import { useEffect, useState } from './vendor/hooks.js';
import { t } from './i18n.js';
import { post } from './api.js';
import { report } from './actions.js';
import { toast } from './store.js';

async function answer(id, send, automatic) {
  await post(`/api/v1/messages/${id}/mdn`, { send, automatic });
}

export function MdnPrompt({ data, compact }) {
  const [done, setDone] = useState(false);
  const offer = data.mdn;
  const id = data.message.id;
  useEffect(() => {
    setDone(false);
    if (offer?.action !== 'send') return;
    answer(id, true, true).then(() => setDone(true), () => setDone(true)); // already answered elsewhere: nothing to say
  }, [id, offer?.action]);
  if (!offer || offer.action !== 'ask' || done) return null;
  const reply = async (send) => {
    try {
      await answer(id, send, false);
      if (send) toast(t('mdnSent'));
    } catch (e) {
      report(e);
    }
    setDone(true);
  };
  return html`<p id=${compact ? null : 'mdn-prompt'} class="notice mdn-prompt" role="alert">${t('mdnPrompt', { to: offer.to })}
    <button id=${compact ? null : 'mdn-send'} class="primary" onClick=${() => reply(true)}>${t('mdnSend')}</button>
    <button id=${compact ? null : 'mdn-refuse'} onClick=${() => reply(false)}>${t('mdnRefuse')}</button></p>`;
}
