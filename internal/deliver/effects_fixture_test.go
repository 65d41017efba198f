package deliver_test

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"postroom/internal/deliver"
	"postroom/internal/queue"
	"postroom/internal/resolver"
	"postroom/internal/settings"
	"postroom/internal/smtpclient"
	"postroom/internal/store"
	"postroom/internal/testbed"
	"postroom/internal/testbed/clock"
)

// The fixture of the settings' effects on delivery: a pipeline with the
// Blocked, Vacation and Forward steps, the account settings a test sets,
// the outbound queue (run by hand) and an SMTP sink on 127.0.0.1 standing
// for remote.test's MX.

type fakeSettings struct {
	mu  sync.Mutex
	set map[int64]settings.Settings
}

func (f *fakeSettings) ForAccount(_ context.Context, id int64) (settings.Settings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.set[id]
	if !ok {
		s = defaults()
	}
	return s, nil
}

// defaults are the settings' defaults as far as delivery reads them.
func defaults() settings.Settings {
	return settings.Settings{Spam: settings.Spam{Method: "both", Action: "move", KeepDays: 30}, TimeZone: "Asia/Seoul"}
}

type effects struct {
	t     *testing.T
	bed   *testbed.Bed
	ctx   context.Context
	p     *deliver.Pipeline
	w     *queue.Worker
	sink  *testbed.SMTPSink
	clock *clock.Fake
	sets  *fakeSettings
}

func newEffects(t *testing.T) *effects {
	t.Helper()
	b := testbed.New(t)
	b.InlineSmall() // as the server runs: small messages in the database (inline.go)
	e := &effects{t: t, bed: b, ctx: b.Ctx, clock: clock.At(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)),
		sets: &fakeSettings{set: map[int64]settings.Settings{}}}
	e.sink = testbed.StartSMTPSink(t, nil, nil)
	dns := &resolver.Static{
		MX: map[string][]*net.MX{"remote.test": {{Host: "mx.remote.test.", Pref: 10}}},
		IP: map[string][]net.IP{"mx.remote.test": {net.ParseIP("127.0.0.1")}},
	}
	e.p = &deliver.Pipeline{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Hostname: "mx.example.test", Log: testbed.Quiet(), Settings: e.sets}
	e.p.Steps = []deliver.Step{e.p.Blocked, e.p.Vacation, e.p.Forward}
	e.p.SetClock(e.clock.Now)
	client := &smtpclient.Client{Resolver: dns, Hostname: "mx.example.test", Port: e.sink.Port, Timeout: 10 * time.Second}
	t.Cleanup(client.Close)
	e.w = &queue.Worker{Store: b.Store, Blobs: b.Blobs, Client: client, Pipeline: e.p, Mail: b.Mail, Hostname: "mx.example.test",
		Log: testbed.Quiet(), Now: e.clock.Now}
	e.p.Bounce = e.w.BounceRejected
	return e
}

func (e *effects) account(local string, mod func(*settings.Settings)) *store.Account {
	e.t.Helper()
	a := e.bed.Account(local, nil)
	s := defaults()
	if mod != nil {
		mod(&s)
	}
	e.sets.mu.Lock()
	e.sets.set[a.ID] = s
	e.sets.mu.Unlock()
	return a
}

// deliver hands raw to the pipeline as the MX would, from the envelope
// sender to the hosted addresses, and fails the test on any refusal.
func (e *effects) deliver(from string, raw string, to ...string) []deliver.Result {
	e.t.Helper()
	env := &deliver.Envelope{From: from, Helo: "remote.test", RemoteAddr: "192.0.2.1:2525", Protocol: "ESMTP", ID: "t1"}
	for _, addr := range to {
		r, err := e.p.Resolve(e.ctx, addr, 0)
		if err != nil {
			e.t.Fatalf("resolve %s: %v", addr, err)
		}
		env.Recipients = append(env.Recipients, r)
	}
	res, err := e.p.Deliver(e.ctx, env, []byte(raw))
	if err != nil {
		e.t.Fatalf("deliver: %v", err)
	}
	for _, r := range res {
		if r.Err != nil {
			e.t.Fatalf("deliver to %s: %v", r.Recipient.Address, r.Err)
		}
	}
	return res
}

// runQueue runs the queue until nothing is due (forwards of forwards are
// queued while it runs), at most 10 rounds.
func (e *effects) runQueue() {
	e.t.Helper()
	for range 10 {
		n, err := e.w.RunOnce(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	e.t.Fatal("the queue never emptied: a loop?")
}

// queued is the number of queue rows.
func (e *effects) queued() int {
	e.t.Helper()
	q, err := e.bed.Store.Queue(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(q)
}

// mailbox returns the raw messages of a folder of the account.
func (e *effects) mailbox(a *store.Account, role store.Role) []string {
	e.t.Helper()
	mb, err := e.bed.Store.MailboxByRole(e.ctx, a.ID, role)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	err = e.bed.Store.Messages(e.ctx, a.ID, mb.ID, func(m *store.Message) error {
		r, err := e.bed.Blobs.Open(m.BlobKey)
		if err != nil {
			return err
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		out = append(out, string(b))
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func mailFrom(from, to, subject, extra string) string {
	return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <orig-1@remote.test>\r\n" + extra +
		"\r\nHello there\r\n"
}
