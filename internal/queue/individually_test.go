package queue

import (
	"strings"
	"testing"
	"time"

	"postroom/internal/deliver"
	"postroom/internal/message"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

const bccMsg = "From: alice@example.test\r\nTo: bob@example.test, x@remote.test\r\nCc: y@remote.test\r\n" +
	"Bcc: hidden@remote.test\r\nSubject: plan\r\nMessage-ID: <ind1@example.test>\r\n\r\nbody\r\n"

// A delayed message sent individually waits as one entry; when it goes,
// every recipient gets a copy addressed to him alone, nobody sees the Bcc,
// and the Sent copy is the original with its Bcc.
func TestWorker_individuallyAndBccWhenADelayedMessageGoes(t *testing.T) {
	f := newFixture(t, nil)
	bob, _ := f.p.Resolve(f.ctx, "bob@example.test", 0)
	sendAt := time.Now().Add(time.Hour) // the pipeline's clock is the real one
	res, err := f.p.Submit(f.ctx, &deliver.Submission{Envelope: deliver.Envelope{From: "alice@example.test",
		Recipients: []*deliver.Recipient{bob}}, Sender: f.alice, Remote: []string{"x@remote.test", "y@remote.test", "hidden@remote.test"},
		Individually: true, SendAt: sendAt}, []byte(bccMsg))
	if err != nil || len(f.queued()) != 1 {
		t.Fatalf("submit: %+v %v, queue %d", res, err, len(f.queued()))
	}
	f.clock = sendAt
	f.run()
	got := f.sink.Messages()
	if len(got) != 3 {
		t.Fatalf("want one SMTP transaction per remote recipient, got %d", len(got))
	}
	for _, m := range got {
		env := message.Parse([]byte(m.Data)).Envelope()
		if len(m.To) != 1 || len(env.To) != 1 || env.To[0].Addr != m.To[0] || len(env.Cc) != 0 || strings.Contains(m.Data, "Bcc") ||
			strings.Contains(m.Data, "Return-Path") {
			t.Fatalf("copy for %v is addressed to %+v cc %+v:\n%s", m.To, env.To, env.Cc, m.Data)
		}
	}
	inbox := f.mailbox("bob@example.test", store.RoleInbox)
	if len(inbox) != 1 || strings.Contains(inbox[0], "Bcc") || strings.Contains(inbox[0], "y@remote.test") ||
		strings.Count(inbox[0], "Return-Path:") != 1 {
		t.Fatalf("bob's copy: %q", inbox)
	}
	sent := f.mailbox("alice@example.test", store.RoleSent)
	if len(sent) != 1 || !strings.Contains(sent[0], "Bcc: hidden@remote.test") || !strings.Contains(sent[0], "Cc: y@remote.test") {
		t.Fatalf("Sent copy: %q", sent)
	}
}

// A delayed message without individual sending loses its Bcc field too.
func TestWorker_bccRemovedFromADelayedMessage(t *testing.T) {
	f := newFixture(t, nil)
	key, size, err := f.blobs.Put(f.ctx, strings.NewReader(bccMsg))
	if err != nil {
		t.Fatal(err)
	}
	q := &store.QueuedMessage{AccountID: f.alice.ID, From: "alice@example.test", BlobKey: key, Size: size, CreatedAt: f.clock,
		SaveSent: true, Recipients: []store.QueuedRecipient{{Address: "x@remote.test"}, {Address: "hidden@remote.test"}}}
	if err := f.st.Enqueue(f.ctx, q); err != nil {
		t.Fatal(err)
	}
	f.run()
	for _, m := range f.sink.Messages() {
		if strings.Contains(m.Data, "Bcc") || strings.Contains(m.Data, "hidden@") {
			t.Fatalf("sent with the Bcc field:\n%s", m.Data)
		}
	}
	if sent := f.mailbox("alice@example.test", store.RoleSent); len(sent) != 1 || !strings.Contains(sent[0], "Bcc:") {
		t.Fatalf("Sent copy: %q", sent)
	}
}

// A message scheduled days ahead is not expired, nor its sender warned,
// by its first temporary failure: its life starts when it is due.
func TestWorker_scheduledLifetimeStartsAtSendAt(t *testing.T) {
	f := newFixture(t, func(s *testbed.SMTPSink) { s.TempFail = 1 })
	sendAt := f.clock.Add(6 * 24 * time.Hour)
	f.enqueueWith(func(q *store.QueuedMessage) { q.SendAt = sendAt }, "alice@example.test", "x@remote.test")
	f.clock = sendAt
	f.run()
	q := f.queued()
	if len(q) != 1 || q[0].Recipients[0].Status != store.RcptPending || q[0].Warned {
		t.Fatalf("after one 451 at its time: %+v", q)
	}
	if n := len(f.mailbox("alice@example.test", store.RoleInbox)); n != 0 {
		t.Fatalf("%d DSNs for a message that just became due", n)
	}
}
