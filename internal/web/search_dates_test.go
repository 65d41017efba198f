package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
)

// TestSearch_sinceAndBeforeAreDaysInTheUsersZone: a day searched is the
// user's day (midnight to midnight in the account's time zone), whatever
// the server's zone: mail of the first minutes of the New Year in Seoul (New
// Year's Eve afternoon in UTC), of a leap day and of the 1st of a month in
// Seoul (the day before in UTC), and of an evening in St. John's (past
// midnight in UTC, on the night daylight saving ends).
func TestSearch_sinceAndBeforeAreDaysInTheUsersZone(t *testing.T) {
	f := newFixture(t)
	seoul, _ := time.LoadLocation("Asia/Seoul")
	stJohns, _ := time.LoadLocation("America/St_Johns")
	setZone := func(a *store.Account, zone string) {
		a, _ = f.Store.Account(f.Ctx, a.ID)
		a.TimeZone = zone
		if err := f.Store.UpdateAccount(f.Ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	setZone(f.alice, "Asia/Seoul")
	setZone(f.bob, "America/St_Johns")
	put := func(a *store.Account, subject string, at time.Time) {
		t.Helper()
		raw := "From: kim@remote.test\r\nSubject: " + subject + "\r\n\r\nx\r\n"
		mb, _ := f.Store.MailboxByName(f.Ctx, a.ID, "INBOX")
		key, size, err := f.Blobs.Put(f.Ctx, strings.NewReader(raw))
		if err == nil {
			_, err = f.Mail.Append(f.Ctx, actor.System(a.ID, "test"), mail.AppendRequest{MailboxID: mb.ID, BlobKey: key, Size: size,
				Parsed: message.Parse([]byte(raw)), InternalDate: at})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	put(f.alice, "eve", time.Date(2026, 12, 31, 23, 59, 59, 0, seoul))
	put(f.alice, "newyear", time.Date(2027, 1, 1, 0, 0, 0, 0, seoul))
	put(f.alice, "first", time.Date(2026, 12, 1, 0, 30, 0, 0, seoul))
	put(f.alice, "leap", time.Date(2028, 2, 29, 8, 0, 0, 0, seoul))
	put(f.bob, "evening", time.Date(2027, 11, 6, 23, 0, 0, 0, stJohns))
	put(f.bob, "fallback", time.Date(2027, 11, 7, 23, 30, 0, 0, stJohns))

	alice, bob := f.login(t, "alice@example.test"), f.login(t, "bob@example.test")
	for _, tc := range []struct {
		who   string
		query string
		want  []string
	}{
		{"alice", "since=2027-01-01", []string{"leap", "newyear"}},
		{"alice", "since=2026-12-31&before=2026-12-31", []string{"eve"}},
		{"alice", "before=2026-12-31", []string{"eve", "first"}},
		{"alice", "since=2026-12-01&before=2026-12-01", []string{"first"}},
		{"alice", "before=2026-11-30", nil},
		{"alice", "since=2028-02-29&before=2028-02-29", []string{"leap"}},
		{"alice", "since=2028-02-28&before=2028-02-28", nil},
		{"bob", "since=2027-11-06&before=2027-11-06", []string{"evening"}},
		{"bob", "since=2027-11-07", []string{"fallback"}},
		{"bob", "since=2027-11-07&before=2027-11-07", []string{"fallback"}},
	} {
		c := alice
		if tc.who == "bob" {
			c = bob
		}
		var got struct{ Messages []searchHit }
		if code := c.do("GET", "/api/v1/search?"+tc.query, nil, &got); code != 200 {
			t.Fatalf("%s: %d", tc.query, code)
		}
		var subjects []string
		for _, m := range got.Messages {
			subjects = append(subjects, m.Subject)
		}
		slices.Sort(subjects)
		if fmt.Sprint(subjects) != fmt.Sprint(tc.want) {
			t.Errorf("%s searches %s: %v, want %v", tc.who, tc.query, subjects, tc.want)
		}
	}
}
