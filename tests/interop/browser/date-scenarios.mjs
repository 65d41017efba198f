// date-scenarios.mjs — the message list's dates (web/ui/i18n.js shortDate)
// at instants where a date taken in the wrong zone shows, run by runner.mjs
// for tests/interop/browser_dates_test.go. The browser's clock is pinned
// with page.clock, so the outcome never depends on the day or the hour the
// test runs; the server's clock is not moved (nothing here asks it the time).
//
// The page runs in a context of its own, whose zone (America/St_Johns) is
// not the user's (Asia/Seoul, the account's default): the list must show the
// user's day. The messages are browserDateMails of the Go test.

import { Scenario, assert } from './support.mjs';

// At each instant of the browser's clock, what .msg-date shows for a row:
// ['time', hour, minute] for today, ['monthDay', month, day] for this year,
// ['full', year, month, day] before, all in Seoul.
const checks = [
  {
    at: '2027-01-01T00:00:30+09:00', what: 'the first seconds of 2027 in Seoul (31 December in UTC and St. John\'s)',
    rows: {
      'date: year end': ['full', 2026, 12, 31],
      'date: new year, Seoul': ['time', 0, 0],
      'date: new year, UTC': ['time', 0, 0],
    },
  },
  {
    at: '2027-03-01T00:00:30+09:00', what: 'the first seconds of 1 March in Seoul (28 February elsewhere)',
    rows: {
      'date: year end': ['full', 2026, 12, 31],
      'date: new year, Seoul': ['monthDay', 1, 1],
      'date: new year, UTC': ['monthDay', 1, 1],
      'date: end of February': ['monthDay', 2, 28],
      'date: first of March': ['time', 0, 0],
    },
  },
  {
    at: '2028-02-29T00:00:40+09:00', what: 'the first seconds of a leap day in Seoul',
    rows: {
      'date: end of February': ['full', 2027, 2, 28],
      'date: first of March': ['full', 2027, 3, 1],
      'date: leap day': ['time', 0, 0],
      'date: eve of leap day': ['monthDay', 2, 28],
    },
  },
];

// shown reads a Korean .msg-date: "오전 12:00", "3월 1일" or "2026. 12. 31.".
function shown(text) {
  let m = /(\d{1,2}):(\d{2})/.exec(text);
  if (m) return ['time', Number(m[1]) % 12, Number(m[2])];
  m = /(\d{4})\D+(\d{1,2})\D+(\d{1,2})/.exec(text);
  if (m) return ['full', Number(m[1]), Number(m[2]), Number(m[3])];
  m = /(\d{1,2})\s*월\s*(\d{1,2})\s*일/.exec(text);
  if (m) return ['monthDay', Number(m[1]), Number(m[2])];
  return ['unreadable', text];
}

const same = (got, want) => {
  const w = want[0] === 'time' ? ['time', want[1] % 12, want[2]] : want;
  return JSON.stringify(got) === JSON.stringify(w);
};

export const dateScenarios = {
  async list_dates(s) {
    const { cfg } = s;
    const context = await s.page.context().browser().newContext({
      viewport: { width: 1280, height: 800 }, locale: 'ko-KR', timezoneId: 'America/St_Johns',
    });
    try {
      context.on('request', (r) => {
        let host = '';
        try { host = new URL(r.url()).hostname; } catch { /* data: and the like */ }
        if (host && host !== '127.0.0.1' && /^(https?|wss?):/.test(r.url())) s.violation(`request to a host other than 127.0.0.1: ${r.url()}`);
      });
      const page = await context.newPage();
      page.setDefaultTimeout(8_000);
      page.on('pageerror', (e) => s.note(`page error: ${e.message}`));
      // A Scenario on this page that writes into s's log and screenshots.
      const p = new Scenario(s.name, { cfg, page, context, shared: { appFailures: 0 } });
      p.log = s.log;
      p.screenshots = s.screenshots;
      p.started = s.started;

      let first = true;
      for (const c of checks) {
        s.step(`browser clock at ${c.at}: ${c.what}`);
        if (first) {
          await page.clock.install({ time: new Date(c.at) });
          await page.goto(cfg.baseURL + '/');
          await p.ensureApp();
          const session = await p.api('/api/v1/session?per_page=1');
          assert(session.account.time_zone === 'Asia/Seoul', `the account's zone is ${session.account.time_zone}, want Asia/Seoul (the default)`);
          first = false;
        } else {
          await page.clock.setSystemTime(new Date(c.at));
          await page.reload();
          await p.ensureApp();
        }
        const now = await page.evaluate(() => new Date().toISOString());
        s.note(`the page's clock reads ${now}`);
        for (const [subject, want] of Object.entries(c.rows)) {
          const cell = p.row(subject).locator('.msg-date');
          await cell.waitFor();
          const text = ((await cell.textContent()) || '').trim();
          const got = shown(text);
          s.note(`${subject}: "${text}"`);
          assert(same(got, want), `at ${c.at} (browser in America/St_Johns, user in Asia/Seoul) the row "${subject}" shows "${text}" (${JSON.stringify(got)}), want ${JSON.stringify(want)}`);
        }
        await p.shot(`dates-${c.at.slice(0, 10)}`);
      }
    } finally {
      await context.close();
    }
  },
};
