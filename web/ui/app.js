// The webmail shell: login, the header (search, language, notifications,
// layout), the mail screen, keyboard shortcuts, and the session's end.

import { render } from './vendor/preact.js';
import { useEffect, useRef, useState } from './vendor/hooks.js';
import { html } from './html.js';
import { Icon } from './icons.js';
import { LangSelect } from './lang-select.js';
import { ZoneSelect } from './zone-select.js';
import { store, useStore } from './store.js';
import { t, setLocale, browserLang } from './i18n.js';
import { onUnauthenticated } from './api.js';
import { boot, login, logout, expired, applyRoute, toggleNotify, updateTitle, compose } from './actions.js';
import { FolderTree } from './mail-folders.js';
import { MessageList } from './mail-list.js';
import { Toolbar } from './mail-toolbar.js';
import { useMailKeys } from './mail-keys.js';
import { Reader } from './mail-reader.js';
import { SearchBox } from './mail-search.js';
import { Dialog, Help, Toast } from './dialogs.js';
import { Compose, UndoBar } from './compose.js';
import { Scheduled } from './scheduled.js';
import { Receipts } from './receipts.js';
import { Console } from './console.js';
import { Settings } from './settings.js';
import { Contacts } from './contacts.js';
import { Admin } from './admin.js';
import { ForgotPassword, ResetPassword, resetToken } from './settings-reset.js';
import { linkSecret, signInWithLink } from './login-link.js';

function Login({ state }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(state.linkError || ''); // a login link refused (login-link.js)
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const wanted = contactsHash() ? location.hash : '';
      await login(email.trim(), password);
      backTo(wanted);
    } catch (err) {
      setError(err.message);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  if (forgot) return html`<${ForgotPassword} email=${email} onBack=${() => setForgot(false)} />`;
  return html`<main class="login">
    <form class="login-box" onSubmit=${submit}>
      <div class="login-top"><strong class="brand">Postroom</strong><${LangSelect} /></div>
      <h1>${t('loginTitle')}</h1>
      ${state.expired ? html`<p class="notice">${t('sessionExpired')}</p>` : html`<p class="hint">${t('loginHint')}</p>`}
      <label class="field"><span>${t('email')}</span>
        <input id="login-email" type="text" inputmode="email" autocomplete="username" autocapitalize="off" spellcheck="false" required
          value=${email} onInput=${(e) => setEmail(e.target.value)} /></label>
      <label class="field"><span>${t('password')}</span>
        <input id="login-password" type="password" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.target.value)} /></label>
      <p id="login-error" class="error" role="alert">${error}</p>
      <button id="login-submit" class="primary" type="submit" disabled=${busy}>${busy ? t('loggingIn') : t('login')}</button>
      <p class="login-more"><button id="login-forgot" type="button" class="link" onClick=${() => setForgot(true)}>${t('forgotLink')}</button></p>
    </form>
  </main>`;
}

function Header({ state }) {
  const { prefs } = state;
  return html`<header class="top">
    <button id="nav-toggle" class="icon-button" aria-label=${t('folders')} onClick=${() => store.set({ navOpen: !state.navOpen })}>☰</button>
    <strong class="brand">Postroom</strong>
    <nav class="apps"><a class=${['settings', 'contacts', 'admin'].includes(state.route.view) ? '' : 'on'} href="#/">${t('mail')}</a>
      <a id="contacts-link" class=${state.route.view === 'contacts' ? 'on' : ''} href="#/contacts">${t('contacts')}</a>
      <a id="settings-link" class=${state.route.view === 'settings' ? 'on' : ''} href="#/settings">${t('settings')}</a>
      ${state.auth.account.admin && html`<a id="admin-link" class=${state.route.view === 'admin' ? 'on' : ''} href="#/admin/users">${t('adConsole')}</a>`}</nav>
    <button id="compose" class="primary compose-button" onClick=${() => compose('')}>${t('compose')}</button>
    <${SearchBox} key=${state.route.search || ''} state=${state} />
    <span class="spacer"></span>
    <button id="layout-toggle" class="icon-button" title=${prefs.layout === 'split' ? t('layoutList') : t('layoutSplit')}
      aria-label=${prefs.layout === 'split' ? t('layoutList') : t('layoutSplit')}
      onClick=${() => store.setPrefs({ layout: prefs.layout === 'split' ? 'list' : 'split' })}><${Icon} name=${prefs.layout === 'split' ? 'list' : 'split'} /></button>
    <button id="notify-toggle" class=${'icon-button' + (prefs.notify ? ' on' : '')} aria-pressed=${prefs.notify}
      title=${t('notifications')} onClick=${toggleNotify}><${Icon} name="bell" /></button>
    <${LangSelect} />
    <${ZoneSelect} zone=${state.auth.account.time_zone} />
    <span id="user-email" class="user">${state.auth.account.email}</span>
    <button id="logout" class="link" onClick=${logout}>${t('logout')}</button>
  </header>`;
}

function Mail({ state }) {
  const stateRef = useRef(state);
  stateRef.current = state;
  const [help, setHelp] = useMailKeys(stateRef);
  const reading = state.route.message !== 0;
  const cls = ['mail', 'layout-' + state.prefs.layout, reading ? 'reading' : '', 'view-' + state.route.view].join(' ');
  return html`<div class=${cls}>
    <${Header} state=${state} />
    ${state.offline && html`<p class="banner">${t('offline')}</p>`}
    <div class="panes">
      ${state.route.view === 'admin' ? html`<${Admin} state=${state} />` : state.route.view === 'contacts' ? html`<${Contacts} state=${state} />` : html`<${FolderTree} state=${state} />`}
      ${state.navOpen && html`<div class="nav-backdrop" onClick=${() => store.set({ navOpen: false })}></div>`}
      ${!['contacts', 'admin'].includes(state.route.view) && html`<div class="content">
        ${state.route.view === 'compose' && html`<${Compose} state=${state} />`}
        ${state.route.view === 'scheduled' && html`<${Scheduled} />`}
        ${state.route.view === 'receipts' && html`<${Receipts} />`}
        ${state.route.view === 'settings' && html`<${Settings} state=${state} />`}
        ${state.route.view === 'mail' && html`<${Toolbar} state=${state} />
        <div class="work">
          <${MessageList} state=${state} />
          <${Reader} state=${state} />
        </div>`}
      </div>`}
    </div>
    ${help && html`<${Help} onClose=${() => setHelp(false)} />`}
    ${state.undo && html`<${UndoBar} undo=${state.undo} />`}
  </div>`;
}

function App() {
  const state = useStore();
  useEffect(() => {
    // after useStore has subscribed, so that its answer renders; booting
    // sends a hash it does not know to the Inbox, so #/contacts is put back
    const wanted = contactsHash() ? location.hash : '';
    // a login link (#/login-link/...) signs in before the boot reads the session
    signInWithLink().then((linkError) => { if (linkError) store.set({ linkError }); return boot(); }).then(() => backTo(wanted));
  }, []);
  useEffect(() => updateTitle(), [state.auth, state.mailboxes, state.route]);
  if (state.booting) return html`<p class="booting">${t('loading')}</p>`;
  return html`<div id="app" data-ready=${state.auth ? '1' : '0'}>
    ${!state.auth ? (resetToken() ? html`<${ResetPassword} token=${resetToken()} />` : html`<${Login} state=${state} />`) : state.auth.operator ? html`<${Console} />` : html`<${Mail} state=${state} />`}
    ${state.dialog && html`<${Dialog} key=${state.dialog.id + state.dialog.title} spec=${state.dialog} />`}
    <${Toast} text=${state.toast} />
  </div>`;
}

// #/contacts is the Contacts screen (contacts.js), #/admin the domain
// console (admin.js). The mail routes of
// actions.js do not know it (applyRoute would send it to the Inbox), so
// the shell shows it and gives every other hash to applyRoute.
function contactsHash() {
  return /^#\/(contacts|admin)(\/|$)/.test(location.hash);
}

// backTo shows the Contacts address wanted again once logged in (the
// boot that a load or a login runs sends it to the Inbox).
function backTo(wanted) {
  if (!wanted || !store.state.auth || store.state.auth.operator) return;
  history.replaceState(null, '', wanted);
  route();
}

function route() {
  if (linkSecret()) return location.reload(); // a login link pasted into an open tab: used at load
  if (!contactsHash()) return applyRoute();
  const view = /^#\/admin/.test(location.hash) ? 'admin' : 'contacts'; // the domain console (admin.js) or Contacts
  if (store.state.auth && !store.state.auth.operator) store.set({ route: { ...store.state.route, view }, navOpen: false });
}

setLocale(browserLang());
onUnauthenticated(expired);
window.addEventListener('hashchange', route);
render(html`<${App} />`, document.getElementById('root'));
