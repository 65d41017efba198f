package queue

import (
	"context"
	"slices"
	"strings"
	"testing"

	"postroom/internal/store"
	"postroom/internal/testbed"
)

// A recipient the Personal hook gives a copy of his own (read receipts'
// tracking image) gets it alone, in its own transaction; the others of
// his domain still share one, and each recipient's outcome stays his: a
// rejected one is in the DSN, the delivered ones are not.
func TestWorker_personalCopyGoesAloneOutcomesStayPerRecipient(t *testing.T) {
	f := newFixture(t, func(s *testbed.SMTPSink) { s.Reject["nobody@remote.test"] = "550 5.1.1 no such user here" })
	var asked []string
	f.w.Personal = func(_ context.Context, accountID int64, raw []byte, rcpts []string) map[string][]byte {
		if accountID != f.alice.ID || strings.Contains(string(raw), "Bcc") {
			t.Errorf("asked for account %d with %q", accountID, raw)
		}
		asked = rcpts
		return map[string][]byte{"y@remote.test": append([]byte("X-Own: y\r\n"), raw...)}
	}
	key, size, err := f.blobs.Put(f.ctx, strings.NewReader(bccMsg))
	if err != nil {
		t.Fatal(err)
	}
	f.enqueueWith(func(q *store.QueuedMessage) { q.BlobKey, q.Size = key, size }, "alice@example.test", "x@remote.test", "Y@remote.test", "nobody@remote.test")
	f.run()
	if !slices.Equal(asked, []string{"x@remote.test", "Y@remote.test", "nobody@remote.test"}) {
		t.Fatalf("hook asked for %v", asked)
	}
	got := f.sink.Messages()
	if len(got) != 2 {
		t.Fatalf("%d transactions, want the shared one and y's own", len(got))
	}
	for _, m := range got {
		own := strings.HasPrefix(m.Data, "X-Own: y") || strings.Contains(m.Data, "\r\nX-Own: y\r\n")
		switch {
		case slices.Equal(m.To, []string{"Y@remote.test"}) && own:
		case slices.Equal(m.To, []string{"x@remote.test"}) && !own:
		default:
			t.Fatalf("a transaction to %v (own copy %v):\n%s", m.To, own, m.Data)
		}
	}
	if len(f.queued()) != 0 {
		t.Fatal("still queued")
	}
	inbox := f.mailbox("alice@example.test", store.RoleInbox)
	if len(inbox) != 1 || !strings.Contains(inbox[0], "Final-Recipient: rfc822; nobody@remote.test") ||
		strings.Contains(inbox[0], "Final-Recipient: rfc822; x@") || strings.Contains(inbox[0], "Final-Recipient: rfc822; Y@") {
		t.Fatalf("the DSN: %q", inbox)
	}
}
