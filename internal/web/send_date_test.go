package web

import (
	"strings"
	"testing"
	"time"

	"postroom/internal/message"
	"postroom/internal/store"
)

// The Date of a message sent from the webmail is the server's clock in the
// sender's time zone (DESIGN: shown in the user's zone), on the day the
// sender lives: the New Year in Seoul while UTC is still in the old year, the
// old year in Pago Pago at that instant, the last second of a leap day.
func TestSend_dateIsTheSendersDayAtYearEndAndLeapDay(t *testing.T) {
	f := newMailFixture(t, 0)
	for a, zone := range map[*store.Account]string{f.alice: "Asia/Seoul", f.bob: "Pacific/Pago_Pago"} {
		acct, _ := f.Store.Account(f.Ctx, a.ID)
		acct.TimeZone = zone
		if err := f.Store.UpdateAccount(f.Ctx, acct); err != nil {
			t.Fatal(err)
		}
	}
	f.sessions.Idle = 5 * 366 * 24 * time.Hour // the sessions outlive the clock's jumps
	alice, bob := f.login(t, "alice@example.test"), f.login(t, "bob@example.test")
	cases := []struct {
		who     *client
		at      time.Time
		subject string
		want    string
	}{
		{alice, time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC), "new year in Seoul", "Fri, 01 Jan 2027 00:00:00 +0900"},
		{alice, time.Date(2026, 12, 31, 14, 59, 59, 0, time.UTC), "old year in Seoul", "Thu, 31 Dec 2026 23:59:59 +0900"},
		{bob, time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC), "old year in Pago Pago", "Thu, 31 Dec 2026 04:00:00 -1100"},
		{alice, time.Date(2028, 2, 29, 14, 59, 59, 0, time.UTC), "leap day in Seoul", "Tue, 29 Feb 2028 23:59:59 +0900"},
		{alice, time.Date(2027, 2, 28, 15, 0, 0, 0, time.UTC), "first of March in Seoul", "Mon, 01 Mar 2027 00:00:00 +0900"},
	}
	for _, tc := range cases {
		f.clock.Set(tc.at)
		if code, _, bad := tc.who.send(map[string]any{"to": []string{"carol@example.test"}, "subject": tc.subject, "text": "x"}); code != 202 {
			t.Fatalf("%s: send %d %+v", tc.subject, code, bad)
		}
	}
	got := map[string]string{}
	for _, raw := range f.stored(t, f.carol, store.RoleInbox) {
		head, _, _ := strings.Cut(raw, "\r\n\r\n")
		for _, line := range strings.Split(head, "\r\n") {
			if v, ok := strings.CutPrefix(line, "Date: "); ok {
				got[message.Parse([]byte(raw)).Envelope().Subject] = v
			}
		}
	}
	for _, tc := range cases {
		if got[tc.subject] != tc.want {
			t.Errorf("%s (sent at %v): Date %q, want %q", tc.subject, tc.at, got[tc.subject], tc.want)
		}
	}
}
