// runner.mjs — runs the webmail's browser scenarios (scenarios.mjs) one
// after the other in one headless Debian Chromium, one page.
//
// Started by tests/interop/browser_test.go (and browser_compose_test.go),
// which pass everything in POSTROOM_BROWSER_CONFIG (JSON: baseURL, email,
// password, wrongPassword, chromium, shots, control, scenarios, fixtures,
// compose). For each scenario it
// prints one line `@@result {"name","ok","error","ms","log","screenshots"}`;
// the Go test turns each into a subtest. Exit status 1 when any failed.
//
// Invariants: the browser is only ever sent to 127.0.0.1 (any other host
// fails the running scenario); playwright-core never downloads a browser.

import { chromium } from 'playwright-core';
import { scenarios as reading } from './scenarios.mjs';
import { composeScenarios } from './compose-scenarios.mjs';
import { consoleScenarios } from './console-scenarios.mjs';
import { dateScenarios } from './date-scenarios.mjs';
import { securityScenarios } from './security-scenarios.mjs';
import { settingsScenarios } from './settings-scenarios.mjs';
import { contactsScenarios } from './contacts-scenarios.mjs';
import { adminScenarios } from './admin-scenarios.mjs';
import { adminCopyScenarios } from './admin-copy-scenarios.mjs';
import { adminDomainScenarios } from './admin-domain-scenarios.mjs';
import { operatorScenarios } from './operator-scenarios.mjs';
import { adminBulkScenarios } from './admin-bulk-scenarios.mjs';
import { adminLinkScenarios } from './admin-link-scenarios.mjs';
import { Scenario } from './support.mjs';

// One name, one scenario: a name in two files would silently run only the
// last one.
const files = { 'scenarios.mjs': reading, 'compose-scenarios.mjs': composeScenarios, 'console-scenarios.mjs': consoleScenarios,
  'date-scenarios.mjs': dateScenarios, 'security-scenarios.mjs': securityScenarios, 'settings-scenarios.mjs': settingsScenarios,
  'contacts-scenarios.mjs': contactsScenarios, 'admin-scenarios.mjs': adminScenarios, 'admin-copy-scenarios.mjs': adminCopyScenarios,
  'admin-domain-scenarios.mjs': adminDomainScenarios, 'operator-scenarios.mjs': operatorScenarios,
  'admin-bulk-scenarios.mjs': adminBulkScenarios };
files['admin-link-scenarios.mjs'] = adminLinkScenarios;
files['folder-import-scenarios.mjs'] = (await import('./folder-import-scenarios.mjs')).folderImportScenarios;
files['external-scenarios.mjs'] = (await import('./external-scenarios.mjs')).externalScenarios;
files['spam-scenarios.mjs'] = (await import('./spam-scenarios.mjs')).spamScenarios;
files['receipts-scenarios.mjs'] = (await import('./receipts-scenarios.mjs')).receiptsScenarios;
const scenarios = {};
const home = {};
for (const [file, set] of Object.entries(files)) {
  for (const [name, fn] of Object.entries(set)) {
    if (home[name]) {
      console.error(`runner.mjs: the scenario ${name} is in both ${home[name]} and ${file}; rename one`);
      process.exit(2);
    }
    home[name] = file;
    scenarios[name] = fn;
  }
}

const cfg = JSON.parse(process.env.POSTROOM_BROWSER_CONFIG || 'null');
if (!cfg) {
  console.error('runner.mjs: POSTROOM_BROWSER_CONFIG is not set; run it through `go test -run Browser ./tests/interop/`');
  process.exit(2);
}

// One scenario may take this long before it is failed and the next starts.
const SCENARIO_TIMEOUT = 45_000;

function report(result) {
  process.stdout.write('@@result ' + JSON.stringify(result) + '\n');
}

const browser = await chromium.launch({
  executablePath: cfg.chromium,
  args: ['--no-sandbox', '--disable-background-networking'],
});
let failed = 0;
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'ko-KR',
    timezoneId: 'Asia/Seoul',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);

  const shared = { appFailures: 0 };
  let current = null; // the running Scenario, which collects what the page says
  const note = (msg) => current && current.note(msg);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') note(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => note(`page error: ${e.message}`));
  context.on('request', (r) => {
    let host = '';
    try { host = new URL(r.url()).hostname; } catch { /* data: and the like */ }
    if (host && host !== '127.0.0.1' && /^(https?|wss?):/.test(r.url())) {
      current && current.violation(`request to a host other than 127.0.0.1: ${r.method()} ${r.url()}`);
    }
  });
  context.on('response', (r) => {
    if (r.status() >= 400) note(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });

  for (const name of cfg.scenarios) {
    const sc = new Scenario(name, { cfg, page, context, shared });
    current = sc;
    const fn = scenarios[name];
    const started = Date.now();
    let error = null;
    let timer;
    try {
      if (!fn) throw new Error(`runner.mjs has no scenario named ${name}`);
      await Promise.race([
        fn(sc),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`scenario took longer than ${SCENARIO_TIMEOUT} ms`)), SCENARIO_TIMEOUT); }),
      ]);
      if (sc.violations.length) throw new Error(sc.violations.join('; '));
    } catch (e) {
      error = (e && e.message) || String(e);
      await sc.shot(`fail-${name}`).catch(() => {});
      // Start the next scenario from a fresh load of the app.
      await page.goto(cfg.baseURL + '/', { timeout: 8_000 }).catch(() => {});
    } finally {
      clearTimeout(timer);
    }
    current = null;
    if (error) failed++;
    report({ name, ok: !error, error, ms: Date.now() - started, log: sc.log, screenshots: sc.screenshots });
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
