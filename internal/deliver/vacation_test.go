package deliver_test

import (
	"strings"
	"testing"
	"time"

	"postroom/internal/message"
	"postroom/internal/settings"
	"postroom/internal/store"
)

func away(start, end, subject string) func(*settings.Settings) {
	return func(s *settings.Settings) {
		s.Vacation = settings.Vacation{Enabled: true, Start: start, End: end, Subject: subject,
			HTML: "<p>12월 3일까지 <b>휴가</b>입니다.</p><p>Back on Friday.</p>"}
	}
}

// replies delivers one message to bob from sender and returns how many
// replies reached the remote MX.
func (e *effects) replyCount(sender, raw string) int {
	e.t.Helper()
	before := len(e.sink.Messages())
	e.deliver(sender, raw, "bob@example.test")
	e.runQueue()
	return len(e.sink.Messages()) - before
}

// The reply: to the envelope sender, from bob, RFC 3834's fields, the
// subject written, multipart/alternative with a text part made from the
// HTML and the HTML itself.
func TestVacation_replyIsWellFormed(t *testing.T) {
	e := newEffects(t)
	e.account("bob", away("2026-11-20", "2026-12-03", "부재중입니다"))
	raw := mailFrom("Alice <alice@remote.test>", "Bob <bob@example.test>", "Meeting", "References: <r0@remote.test>\r\n")
	e.deliver("alice-bounces@remote.test", raw, "bob@example.test")
	e.runQueue()
	got := e.sink.Messages()
	if len(got) != 1 || got[0].From != "bob@example.test" || len(got[0].To) != 1 || got[0].To[0] != "alice-bounces@remote.test" {
		t.Fatalf("sink got %+v", got)
	}
	m := message.Parse([]byte(got[0].Data))
	h := m.Header
	if h.Decoded("Subject") != "부재중입니다" || h.Get("Auto-Submitted") != "auto-replied" ||
		h.Get("In-Reply-To") != "<orig-1@remote.test>" || h.Get("References") != "<r0@remote.test> <orig-1@remote.test>" ||
		!strings.Contains(h.Get("From"), "<bob@example.test>") || m.Root.ContentType != "multipart/alternative" {
		t.Fatalf("reply header:\n%s", got[0].Data)
	}
	if len(m.Root.Children) != 2 || m.Root.Children[0].ContentType != "text/plain" || m.Root.Children[1].ContentType != "text/html" {
		t.Fatalf("reply parts:\n%s", got[0].Data)
	}
	text, _ := m.Root.Children[0].Text()
	html, _ := m.Root.Children[1].Text()
	if !strings.Contains(text, "12월 3일까지 휴가입니다.") || strings.Contains(text, "<b>") || !strings.Contains(html, "<b>휴가</b>") {
		t.Fatalf("text %q, html %q", text, html)
	}
	if len(e.mailbox(e.mustAccount("bob"), store.RoleInbox)) != 1 {
		t.Fatal("the message itself was not stored")
	}
}

func (e *effects) mustAccount(local string) *store.Account {
	e.t.Helper()
	a, err := e.bed.Store.AccountByAddress(e.ctx, local+"@example.test")
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// An empty subject is "Auto: " and the original's (RFC 3834 §3.1.5).
func TestVacation_emptySubject(t *testing.T) {
	e := newEffects(t)
	e.account("bob", away("", "", ""))
	e.deliver("alice@remote.test", mailFrom("alice@remote.test", "bob@example.test", "=?UTF-8?B?7JWI64WV?=", ""), "bob@example.test")
	e.runQueue()
	got := e.sink.Messages()
	if len(got) != 1 || message.Parse([]byte(got[0].Data)).Header.Decoded("Subject") != "Auto: 안녕" {
		t.Fatalf("sink got %+v", got)
	}
}

// One reply per sender per 3 days, whatever the number of messages, and
// the period is counted from the reply, with the clock moved by the test.
func TestVacation_oncePerSenderPer3Days(t *testing.T) {
	e := newEffects(t)
	e.account("bob", away("2026-11-01", "2026-12-31", "away"))
	raw := mailFrom("alice@remote.test", "bob@example.test", "one", "")
	if n := e.replyCount("alice@remote.test", raw); n != 1 {
		t.Fatalf("first message: %d replies", n)
	}
	e.clock.Add(time.Hour)
	if n := e.replyCount("Alice@remote.test", raw); n != 0 {
		t.Fatalf("an hour later: %d replies", n)
	}
	if n := e.replyCount("carol@remote.test", raw); n != 1 {
		t.Fatalf("another sender: %d replies", n)
	}
	e.clock.Add(71*time.Hour - time.Second) // 3 days after the first reply, less a second
	if n := e.replyCount("alice@remote.test", raw); n != 0 {
		t.Fatalf("within 3 days: %d replies", n)
	}
	e.clock.Add(2 * time.Second)
	if n := e.replyCount("alice@remote.test", raw); n != 1 {
		t.Fatalf("after 3 days: %d replies", n)
	}
}

// The dates are whole days in the account's time zone (Asia/Seoul, UTC+9):
// from 00:00 of the start day to 23:59:59 of the end day, there.
func TestVacation_datesInSeoul(t *testing.T) {
	e := newEffects(t)
	e.account("bob", away("2026-12-01", "2026-12-03", "away"))
	raw := mailFrom("x@remote.test", "bob@example.test", "s", "")
	for i, c := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 11, 30, 14, 59, 59, 0, time.UTC), 0}, // 11-30 23:59:59 KST
		{time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC), 1},   // 12-01 00:00 KST
		{time.Date(2026, 12, 3, 14, 59, 59, 0, time.UTC), 1},  // 12-03 23:59:59 KST
		{time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC), 0},    // 12-04 00:00 KST
	} {
		e.clock.Set(c.at)
		sender := "s" + string(rune('a'+i)) + "@remote.test" // a new sender each: no period in the way
		if n := e.replyCount(sender, strings.Replace(raw, "x@remote.test", sender, 1)); n != c.want {
			t.Errorf("at %s: %d replies, want %d", c.at, n, c.want)
		}
	}
}

// No reply to what RFC 3834 §2 says not to answer, each case on its own
// sender (the control case shows the same message does get one).
func TestVacation_neverTo(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", away("", "", "away"))
	to := "bob@example.test"
	for i, c := range []struct {
		name, sender, to, extra string
		want                    int
	}{
		{"control", "ok@remote.test", to, "", 1},
		{"null sender", "", to, "", 0},
		{"precedence bulk", "p1@remote.test", to, "Precedence: bulk\r\n", 0},
		{"precedence list", "p2@remote.test", to, "Precedence: list\r\n", 0},
		{"precedence junk", "p3@remote.test", to, "Precedence: junk\r\n", 0},
		{"list header", "l1@remote.test", to, "List-Unsubscribe: <mailto:u@remote.test>\r\n", 0},
		{"list-id", "l2@remote.test", to, "List-Id: <news.remote.test>\r\n", 0},
		{"auto-submitted", "a1@remote.test", to, "Auto-Submitted: auto-generated\r\n", 0},
		{"auto-submitted no", "a2@remote.test", to, "Auto-Submitted: no\r\n", 1},
		{"own address", "bob@example.test", to, "", 0},
		{"mailer-daemon", "MAILER-DAEMON@remote.test", to, "", 0},
		{"postmaster", "postmaster@remote.test", to, "", 0},
		{"list owner", "owner-news@remote.test", to, "", 0},
		{"list request", "news-request@remote.test", to, "", 0},
		{"noreply", "no-reply@remote.test", to, "", 0},
		{"not in To or Cc", "b1@remote.test", "someone@remote.test", "", 0},
		{"in Cc", "c1@remote.test", "someone@remote.test", "Cc: Bob <BOB@example.test>\r\n", 1},
	} {
		before := len(e.sink.Messages())
		e.deliver(c.sender, mailFrom("x@remote.test", c.to, "hi", c.extra), "bob@example.test")
		e.runQueue()
		if got := len(e.sink.Messages()) - before; got != c.want {
			t.Errorf("%s: %d replies, want %d", c.name, got, c.want)
		}
		// a reply to bob himself would be delivered here, not to the sink
		if n := len(e.mailbox(bob, store.RoleInbox)); n != i+1 {
			t.Errorf("%s: bob has %d messages after %d", c.name, n, i+1)
		}
	}
}
