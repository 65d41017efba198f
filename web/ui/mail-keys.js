// Keyboard shortcuts of the mail screen, the ones Gmail and Outlook on the
// web taught our users; "?" lists them (dialogs.js). None works while the
// user types in a field (a row's checkbox is not a field: a checked row
// and Delete deletes it) or while a dialog is open.

import { useEffect, useRef, useState } from './vendor/hooks.js';
import { step, go, toggleSelect, selectAll, compose, mailboxById } from './actions.js';
import { deleteSelected, run, reportSpam, toggleStar, moveDialog } from './mail-toolbar.js';

function typing(el) {
  if (el.closest('textarea, select, [contenteditable]')) return true;
  return el.matches('input') && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type);
}

// openCurrent opens the checked message (the first in the list), else the
// first of the list; a draft opens where it is written.
function openCurrent(s) {
  if (s.route.message) return;
  const rows = s.list.messages;
  const m = rows.find((x) => s.selected.has(x.id)) || rows[0];
  if (!m) return;
  if (mailboxById(s.route.mailbox)?.role === 'drafts') compose(`draft=${m.id}`);
  else go({ message: m.id });
}

// useMailKeys listens while the mail screen is shown (stateRef.current is
// the store's state) and returns [help, setHelp]: whether the list of keys
// is shown. While it is, only Esc and ? work.
export function useMailKeys(stateRef) {
  const [shown, setShown] = useState(false);
  const helpRef = useRef(false);
  const help = (on) => {
    helpRef.current = on;
    setShown(on);
  };
  useEffect(() => {
    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const s = stateRef.current;
      if (typing(e.target) || s.dialog || s.route.view !== 'mail') return;
      if (helpRef.current) {
        if (e.key === 'Escape' || e.key === '?') help(false);
        return;
      }
      const open = s.route.message;
      switch (e.key) {
        case 'j': step(1); break;
        case 'k': step(-1); break;
        case 'o':
        case 'Enter':
          if (e.target.closest('button, a, [role="separator"]')) return; // its own Enter
          openCurrent(s);
          break;
        case 'u': go({ message: 0 }); break;
        case '#':
        case 'Delete': deleteSelected(); break;
        case '!': reportSpam(); break;
        case 'I': run('read'); break;
        case 'U': run('unread'); break;
        case 's': toggleStar(); break;
        case 'v': moveDialog(); break;
        case 'x': if (open) toggleSelect(open, false); break;
        case '/': document.getElementById('search-input')?.focus(); break;
        case '?': help(true); break;
        case 'c': compose(''); break;
        case 'r': if (open) compose('reply=' + open); break;
        case 'a': if (open) compose('replyall=' + open); break;
        case 'f': if (open) compose('forward=' + open); break;
        case 'Escape':
          if (!s.selected.size && !s.folderSelection) return;
          selectAll(false);
          break;
        default: return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return [shown, help];
}
