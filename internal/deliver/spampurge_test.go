package deliver_test

import (
	"testing"
	"time"

	"postroom/internal/settings"
	"postroom/internal/store"
)

// The purge removes exactly the Spam messages older than keep_days:
// not one of exactly keep_days, not the Inbox's, not another account's
// with a longer keep_days.
func TestPurgeSpam_removesExactlyTheOld(t *testing.T) {
	e := newEffects(t)
	keep := func(days int) func(*settings.Settings) {
		return func(s *settings.Settings) {
			s.Spam = settings.Spam{Method: "personal", Action: "move", KeepDays: days, BlockedPhrases: []string{"spam"}}
		}
	}
	bob := e.account("bob", keep(7))
	carol := e.account("carol", keep(30))
	now := time.Date(2026, 12, 20, 3, 0, 0, 0, time.UTC)
	put := func(subject string, age time.Duration) {
		e.clock.Set(now.Add(-age))
		e.deliver("x@remote.test", "From: x@remote.test\r\nSubject: "+subject+"\r\n\r\nbody\r\n", "bob@example.test", "carol@example.test")
	}
	put("spam old", 8*24*time.Hour)
	put("spam just old", 7*24*time.Hour+time.Second)
	put("spam exactly 7 days", 7*24*time.Hour)
	put("spam new", time.Hour)
	put("ham old", 40*24*time.Hour)
	n, err := e.p.PurgeSpam(e.ctx, now)
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
	for subject, want := range map[string]string{"spam old": "", "spam just old": "", "spam exactly 7 days": "spam", "spam new": "spam", "ham old": "inbox"} {
		if got := e.where(bob, subject); got != want {
			t.Errorf("bob's %q in %q, want %q", subject, got, want)
		}
	}
	if got := len(e.mailbox(carol, store.RoleSpam)); got != 4 {
		t.Errorf("carol (30 days) has %d spam, want 4", got)
	}
	if n, err := e.p.PurgeSpam(e.ctx, now); err != nil || n != 0 {
		t.Fatalf("second purge: %d, %v", n, err)
	}
}
