package send

import (
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/deliver"
	"postroom/internal/message"
	"postroom/internal/queue"
	"postroom/internal/smtpclient"
	"postroom/internal/store"
	"postroom/internal/testbed"
	"postroom/internal/testbed/clock"
)

// fixture is the send service over a test bed, with the queue worker (run
// by the test) and a relay on 127.0.0.1 standing for the internet. The
// service's and the worker's clock stand still until the test moves them.
type fixture struct {
	*testbed.Bed
	svc          *Service
	worker       *queue.Worker
	sink         *testbed.SMTPSink
	clock        *clock.Fake
	alice, bob   *store.Account
	asAlice, asB actor.Actor
}

func newFixture(t *testing.T, undoDelay time.Duration) *fixture {
	t.Helper()
	b := testbed.New(t)
	f := &fixture{Bed: b, clock: clock.At(time.Now())}
	f.alice = b.Account("alice", func(a *store.Account) { a.DisplayName = "앨리스" })
	f.bob = b.Account("bob", nil)
	f.asAlice, f.asB = actor.User(f.alice), actor.User(f.bob)
	f.sink = testbed.StartSMTPSink(t, nil, nil)
	p := &deliver.Pipeline{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Hostname: "mail.example.test", Log: testbed.Quiet()}
	client := &smtpclient.Client{Hostname: "mail.example.test", Relay: &smtpclient.Relay{Host: f.sink.Addr, TLS: "none"}, Timeout: 10 * time.Second}
	t.Cleanup(client.Close)
	f.worker = &queue.Worker{Store: b.Store, Blobs: b.Blobs, Client: client, Pipeline: p, Mail: b.Mail, Hostname: "mail.example.test",
		Log: testbed.Quiet(), Now: f.clock.Now}
	f.svc = &Service{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Pipeline: p, MaxMessageSize: 1 << 20, MaxRecipients: 20,
		UndoDelay: undoDelay, Now: f.clock.Now, Log: testbed.Quiet()}
	return f
}

// runQueue sends what is due on the fixture's clock.
func (f *fixture) runQueue(t *testing.T) {
	t.Helper()
	if _, err := f.worker.RunOnce(f.Ctx); err != nil {
		t.Fatal(err)
	}
}

// mailbox returns the parsed messages of an account's special mailbox.
func (f *fixture) mailbox(t *testing.T, a *store.Account, role store.Role) []*message.Message {
	t.Helper()
	mb, err := f.Store.MailboxByRole(f.Ctx, a.ID, role)
	if err != nil {
		t.Fatal(err)
	}
	var out []*message.Message
	err = f.Store.Messages(f.Ctx, a.ID, mb.ID, func(m *store.Message) error {
		raw, err := f.svc.readBlob(m.BlobKey, -1)
		out = append(out, message.Parse(raw))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) queueLen(t *testing.T) int {
	t.Helper()
	q, err := f.Store.Queue(f.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(q)
}

func (f *fixture) consistent(t *testing.T) {
	t.Helper()
	if problems, err := f.Store.CheckConsistency(f.Ctx); err != nil || len(problems) > 0 {
		t.Fatalf("store: %v %v", problems, err)
	}
}

// to is a request's recipient list.
func to(addrs ...string) []Address {
	out := make([]Address, len(addrs))
	for i, a := range addrs {
		out[i] = Address{Text: a}
	}
	return out
}
