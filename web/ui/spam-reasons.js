// The reasons of a spam verdict in the user's language (issue 18). The
// server stores them as codes with one argument ("forged-sender:x.kr",
// "learned:0.97", "clue:무료": internal/spam/score.go); a reason stored
// before the codes ("learned 0.97") or a code this page does not know is
// shown as it is.

import { t } from './i18n.js';

const keys = {
  'blocked-sender': 'reasonBlockedSender',
  'domain-blocked-sender': 'reasonDomainBlockedSender',
  'blocked-phrase': 'reasonBlockedPhrase',
  'domain-blocked-phrase': 'reasonDomainBlockedPhrase',
  dmarc: 'reasonDmarc',
  'forged-sender': 'reasonForgedSender',
  'no-date': 'reasonNoDate',
  'no-message-id': 'reasonNoMessageId',
  'hidden-text': 'reasonHiddenText',
  dnsbl: 'reasonDnsbl',
  learned: 'reasonLearned',
  clue: 'reasonClue',
};

// spamReason is one stored reason as words.
export function spamReason(r) {
  const i = r.indexOf(':');
  const code = i < 0 ? r : r.slice(0, i);
  const arg = i < 0 ? '' : r.slice(i + 1);
  const key = keys[code];
  if (!key) return r;
  return t(key, { arg }).replace(/\s*\(\)$/, '');
}

// spamReasons is the reader's line: the reasons, comma separated.
export function spamReasons(list) {
  return (list || []).map(spamReason).join(', ');
}
