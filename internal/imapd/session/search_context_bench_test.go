package session

import (
	"fmt"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// BenchmarkContextUpdate measures what an update point costs with a
// context open (RFC 5267 §4.3) on a mailbox of benchN messages: each
// iteration another client toggles \Seen of one message in the middle of
// the mailbox, or a new message arrives, and the session answers a NOOP
// (its FETCH or EXISTS, and the context's ESEARCH). "none" is the same
// without a context; the difference is the re-evaluation of one message,
// against a whole search (BenchmarkMessages).
func BenchmarkContextUpdate(b *testing.B) {
	for _, tc := range []struct {
		name, open string
		deliver    bool
	}{
		{"flag/none", "", false},
		{"flag/SEARCH UNSEEN", "UID SEARCH RETURN (UPDATE COUNT) UNSEEN", false},
		{"flag/SEARCH SUBJECT", "UID SEARCH RETURN (UPDATE COUNT) UNSEEN SUBJECT meeting", false},
		{"flag/SORT DATE", "UID SORT RETURN (UPDATE COUNT) (REVERSE DATE SUBJECT) UTF-8 UNSEEN", false},
		{"new/none", "", true},
		{"new/SEARCH UNSEEN", "UID SEARCH RETURN (UPDATE COUNT) UNSEEN", true},
		{"new/SORT DATE", "UID SORT RETURN (UPDATE COUNT) (REVERSE DATE SUBJECT) UTF-8 UNSEEN", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h := newRawHarness(b)
			var mb int64
			for i := range benchN {
				mb = h.put("INBOX", fmt.Sprintf("Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: User %d <u%d@example.org>\nSubject: message %d about %s\nMessage-ID: <m%d@example.org>\n\nBody %d.\n",
					i, i%97, i, []string{"meeting", "report", "lunch"}[i%3], i, i)).MailboxID
			}
			c := h.dial()
			c.ok("S SELECT INBOX")
			if tc.open != "" {
				c.ok("C " + tc.open)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if tc.deliver {
					h.put("INBOX", fmt.Sprintf("Subject: new %d\n\nx\n", i))
				} else {
					toggle(b, h, mb, i)
				}
				tag := fmt.Sprintf("n%d", i)
				out := c.send(tag, tag+" NOOP")
				if tc.open != "" && !strings.Contains(strings.Join(out, "\n"), "ESEARCH") {
					b.Fatalf("no update: %q", out)
				}
			}
		})
	}
}

// toggle sets \Seen of a "meeting" message in the middle of the mailbox
// on even i and takes it away on odd i.
func toggle(b *testing.B, h *rawHarness, mb int64, i int) {
	op := store.FlagsAdd
	if i%2 == 1 {
		op = store.FlagsRemove
	}
	uid := uint32(benchN/2 + (i/2)%100*3) // a "meeting" message
	if _, err := h.cfg.Mail.StoreFlags(h.bed.Ctx, actor.User(h.acct), mb, []uint32{uid}, op, []string{`\Seen`}); err != nil {
		b.Fatal(err)
	}
}
