package interop

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// browserDateScenarios are the runner's scenarios of browser/date-scenarios.mjs.
var browserDateScenarios = []string{
	"list_dates", // the list's dates with the browser's clock pinned at a year's, a month's and a leap day's first seconds in Seoul
}

// browserDateMails are the messages list_dates reads, by subject, with the
// instant each arrived (its IMAP internal date, which the list shows; the
// Date header says the same); date-scenarios.mjs expects exactly these.
var browserDateMails = []struct {
	Subject string
	Date    time.Time
}{
	{"date: year end", time.Date(2026, 12, 31, 23, 59, 0, 0, time.FixedZone("", 9*3600))},
	{"date: new year, Seoul", time.Date(2027, 1, 1, 0, 0, 10, 0, time.FixedZone("", 9*3600))},
	{"date: new year, UTC", time.Date(2026, 12, 31, 15, 0, 20, 0, time.UTC)}, // 00:00:20 on 1 January in Seoul
	{"date: end of February", time.Date(2027, 2, 28, 23, 59, 50, 0, time.FixedZone("", 9*3600))},
	{"date: first of March", time.Date(2027, 2, 28, 15, 0, 5, 0, time.UTC)}, // 00:00:05 on 1 March in Seoul
	{"date: leap day", time.Date(2028, 2, 29, 0, 0, 0, 0, time.FixedZone("", 9*3600))},
	{"date: eve of leap day", time.Date(2028, 2, 28, 23, 59, 30, 0, time.FixedZone("", 9*3600))},
}

// TestBrowser_dates: the message list shows a time for today, month and
// day for this year, the whole date before, always in the user's time zone
// (Asia/Seoul) whatever the browser's (America/St_Johns) and whatever day
// the test runs: the scenario pins the browser's clock (page.clock).
func TestBrowser_dates(t *testing.T) {
	dir, node, selected := browserStart(t, browserDateScenarios)

	s := newServer(t, serverOptions{listen: []string{"imap", "http"}})
	user := uniqueAddr("dates")
	s.AddUser(t, user, "--name", "정하늘")
	// APPEND with the internal date: the message arrived at that instant,
	// whatever the day the test runs.
	c := igLogin(t, s, "dates", user, nil)
	for _, m := range browserDateMails {
		mail := browserMail{From: "Calendar <calendar@remote.example>", To: "<" + user + ">", Subject: m.Subject,
			MessageID: uniqueID("dates"), Date: m.Date, ContentType: "text/plain; charset=utf-8", Encoding: "8bit",
			Body: "Written at " + m.Date.Format(time.RFC1123Z) + ".\n"}
		c.igAppend(t, "INBOX", mail.Bytes(), &imap.AppendOptions{Time: m.Date})
	}

	shots := browserOutputDir(t, "dates")

	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:   "http://" + s.Addr(t, "http"),
		Email:     user,
		Password:  testPassword,
		Chromium:  browserChromium,
		Shots:     shots,
		Scenarios: selected,
	})
}
