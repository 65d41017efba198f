package deliver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"postroom/internal/blob"
	"postroom/internal/events"
	"postroom/internal/resolver"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

type fixture struct {
	bed   *testbed.Bed
	ctx   context.Context
	store store.Store
	blobs blob.Backend
	bus   *events.Local
	p     *Pipeline
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	b := testbed.New(t)
	f := &fixture{bed: b, ctx: b.Ctx, store: b.Store, blobs: b.Blobs, bus: b.Bus}
	f.p = &Pipeline{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Hostname: "mx.example.test", Log: testbed.Quiet(),
		now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }}
	return f
}

func (f *fixture) account(t *testing.T, local string, mod func(*store.Account)) *store.Account {
	t.Helper()
	return f.bed.Account(local, mod)
}

func (f *fixture) resolve(t *testing.T, addr string) *Recipient {
	t.Helper()
	r, err := f.p.Resolve(f.ctx, addr, 0)
	if err != nil {
		t.Fatalf("resolve %s: %v", addr, err)
	}
	return r
}

func (f *fixture) inbox(t *testing.T, a *store.Account, role store.Role) []*store.Message {
	t.Helper()
	mb, err := f.store.MailboxByRole(f.ctx, a.ID, role)
	if err != nil {
		t.Fatal(err)
	}
	var out []*store.Message
	f.store.Messages(f.ctx, a.ID, mb.ID, func(m *store.Message) error { out = append(out, m); return nil })
	return out
}

func (f *fixture) read(t *testing.T, key string) string {
	t.Helper()
	r, err := f.blobs.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	return string(b)
}

func (f *fixture) blobCount() int {
	n := 0
	f.blobs.Walk(func(string, time.Time) error { n++; return nil })
	return n
}

const korean = "From: =?ks_c_5601-1987?B?yKu x-bad?= <sender@remote.test>\r\n" +
	"To: bob@example.test\r\nSubject: =?UTF-8?B?7JWI64WV7ZWY7IS47JqU?=\r\nMessage-ID: <m1@remote.test>\r\n\r\nHello\r\n"

func TestDeliver_twoRecipientsOneBlobWithTraceHeaders(t *testing.T) {
	f := newFixture(t)
	bob, carol := f.account(t, "bob", nil), f.account(t, "carol", nil)
	events, cancel := f.bus.Subscribe(bob.ID)
	defer cancel()
	env := &Envelope{From: "sender@remote.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test"), f.resolve(t, "Carol@Example.test")},
		Helo: "remote.test", RemoteAddr: "192.0.2.1:2525", Protocol: "ESMTPS", ID: "abc"}
	res, err := f.p.Deliver(f.ctx, env, []byte(korean))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || r.Message == nil {
			t.Fatalf("%s: %v", r.Recipient.Address, r.Err)
		}
	}
	mb, mc := f.inbox(t, bob, store.RoleInbox), f.inbox(t, carol, store.RoleInbox)
	if len(mb) != 1 || len(mc) != 1 {
		t.Fatalf("bob %d, carol %d messages", len(mb), len(mc))
	}
	if mb[0].BlobKey != mc[0].BlobKey || f.blobCount() != 1 {
		t.Fatalf("not deduplicated: %d blobs", f.blobCount())
	}
	if mb[0].Envelope.Subject != "안녕하세요" || mb[0].Envelope.MessageID != "m1@remote.test" {
		t.Fatalf("envelope %+v", mb[0].Envelope)
	}
	raw := f.read(t, mb[0].BlobKey)
	wantHead := "Return-Path: <sender@remote.test>\r\nReceived: from remote.test ([192.0.2.1])\r\n\tby mx.example.test (Postroom) with ESMTPS id abc;\r\n\tThu, 26 Nov 2026 09:00:00 +0000\r\n"
	if !strings.HasPrefix(raw, wantHead) || !strings.HasSuffix(raw, korean) {
		t.Fatalf("stored message:\n%s", raw)
	}
	if mb[0].Size != int64(len(raw)) {
		t.Fatalf("size %d, stored %d", mb[0].Size, len(raw))
	}
	select {
	case e := <-events:
		if e.Kind != "message.new" || e.MailboxID != mb[0].MailboxID || e.UIDs[0] != mb[0].UID {
			t.Fatalf("event %+v", e)
		}
	default:
		t.Fatal("no event published")
	}
}

func TestResolve_refusals(t *testing.T) {
	f := newFixture(t)
	f.account(t, "off", func(a *store.Account) { a.Enabled = false })
	f.account(t, "full", func(a *store.Account) { a.QuotaBytes = 100 })
	f.account(t, "small", func(a *store.Account) { a.QuotaBytes = 1000 })
	cases := []struct {
		addr string
		size int64
		want *Error
		code string
	}{
		{"nobody@example.test", 0, ErrUnknownRecipient, "550 5.1.1"},
		{"off@example.test", 0, ErrSuspended, "550 5.2.1"},
		{"small@example.test", 2000, ErrOverQuota, "552 5.2.2"},
		{"someone@elsewhere.test", 0, ErrRelayDenied, "554 5.7.1"},
		{"not-an-address", 0, ErrBadAddress, "501 5.1.3"},
		{"bo\x00b@example.test", 0, ErrBadAddress, "501 5.1.3"},
		{"bob@exam\tple.test", 0, ErrBadAddress, "501 5.1.3"},
	}
	for _, c := range cases {
		t.Run(c.addr, func(t *testing.T) {
			_, err := f.p.Resolve(f.ctx, c.addr, c.size)
			var de *Error
			if !errors.As(err, &de) || !errors.Is(err, c.want) || !strings.HasPrefix(de.Error(), c.code) {
				t.Fatalf("err %v, want %s", err, c.code)
			}
		})
	}
	// A full mailbox is refused even when the size is unknown.
	full := f.resolve(t, "full@example.test")
	big := []byte("Subject: x\r\n\r\n" + strings.Repeat("x", 200) + "\r\n")
	res, err := f.p.Deliver(f.ctx, &Envelope{From: "a@b.test", Recipients: []*Recipient{full}}, big)
	if err != nil || !errors.Is(res[0].Err, ErrOverQuota) {
		t.Fatalf("deliver over quota: %v %v", err, res[0].Err)
	}
	if _, err := f.p.Resolve(f.ctx, "small@example.test", 0); err != nil {
		t.Fatalf("small, unknown size: %v", err)
	}
}

func TestDeliver_overQuotaStoresNothing(t *testing.T) {
	f := newFixture(t)
	a := f.account(t, "bob", func(a *store.Account) { a.QuotaBytes = 500 })
	r := f.resolve(t, "bob@example.test")
	res, err := f.p.Deliver(f.ctx, &Envelope{Recipients: []*Recipient{r}}, []byte("Subject: big\r\n\r\n"+strings.Repeat("y", 600)))
	if err != nil || !errors.Is(res[0].Err, ErrOverQuota) {
		t.Fatalf("%v %v", err, res)
	}
	if n := len(f.inbox(t, a, store.RoleInbox)); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
	if u, _ := f.store.Usage(f.ctx, a.ID); u.Bytes != 0 {
		t.Fatalf("usage %d", u.Bytes)
	}
}

func TestDeliver_badInputRefusedBeforeStoring(t *testing.T) {
	f := newFixture(t)
	f.account(t, "bob", nil)
	r := f.resolve(t, "bob@example.test")
	loop := strings.Repeat("Received: from x by y; Thu, 26 Nov 2026 09:00:00 +0000\r\n", MaxReceived) + "Subject: loop\r\n\r\nx\r\n"
	for name, c := range map[string]struct {
		raw  string
		want *Error
	}{
		"nul":  {"Subject: a\x00b\r\n\r\nbody\r\n", ErrNUL},
		"loop": {loop, ErrLoop},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.p.Deliver(f.ctx, &Envelope{Recipients: []*Recipient{r}}, []byte(c.raw))
			if !errors.Is(err, c.want) {
				t.Fatalf("err %v, want %v", err, c.want)
			}
			if n := f.blobCount(); n != 0 {
				t.Fatalf("%d blobs written", n)
			}
		})
	}
}

func TestDeliver_bareLineEndsBecomeCRLF(t *testing.T) {
	f := newFixture(t)
	a := f.account(t, "bob", nil)
	r := f.resolve(t, "bob@example.test")
	if _, err := f.p.Deliver(f.ctx, &Envelope{Recipients: []*Recipient{r}}, []byte("Subject: lf\n\nline1\nline2\rline3\r\n")); err != nil {
		t.Fatal(err)
	}
	raw := f.read(t, f.inbox(t, a, store.RoleInbox)[0].BlobKey)
	if !strings.HasSuffix(raw, "Subject: lf\r\n\r\nline1\r\nline2\r\nline3\r\n") {
		t.Fatalf("stored %q", raw)
	}
}

func TestDeliver_stepsRouteAndDiscard(t *testing.T) {
	f := newFixture(t)
	bob, carol := f.account(t, "bob", nil), f.account(t, "carol", nil)
	f.p.Steps = []Step{
		func(_ context.Context, d *Delivery) error {
			if d.Recipient.Account.LocalPart == "carol" {
				d.Discard = true
			}
			return nil
		},
		func(_ context.Context, d *Delivery) error {
			if strings.Contains(d.Parsed.Envelope().Subject, "SPAM") {
				d.Mailbox, d.Flags = store.RoleSpam, []string{"$Junk"}
			}
			return nil
		},
	}
	env := &Envelope{Recipients: []*Recipient{f.resolve(t, "bob@example.test"), f.resolve(t, "carol@example.test")}}
	res, err := f.p.Deliver(f.ctx, env, []byte("Subject: SPAM offer\r\n\r\nbuy\r\n"))
	if err != nil || res[0].Err != nil || res[1].Err != nil || res[1].Message != nil {
		t.Fatalf("%v %+v", err, res)
	}
	spam := f.inbox(t, bob, store.RoleSpam)
	if len(spam) != 1 || !spam[0].HasFlag("$Junk") || len(f.inbox(t, bob, store.RoleInbox)) != 0 {
		t.Fatalf("bob spam %d", len(spam))
	}
	if len(f.inbox(t, carol, store.RoleInbox)) != 0 {
		t.Fatal("discarded message stored")
	}
	// A step's refusal is the recipient's result.
	f.p.Steps = []Step{func(context.Context, *Delivery) error { return ErrUnknownRecipient }}
	res, _ = f.p.Deliver(f.ctx, &Envelope{Recipients: []*Recipient{f.resolve(t, "bob@example.test")}}, []byte("Subject: x\r\n\r\n"))
	if !errors.Is(res[0].Err, ErrUnknownRecipient) {
		t.Fatalf("step refusal: %v", res[0].Err)
	}
}

func TestSubmit_localRemoteAndSentCopy(t *testing.T) {
	f := newFixture(t)
	alice, bob := f.account(t, "alice", nil), f.account(t, "bob", nil)
	msg := "From: Alice <alice@example.test>\r\nTo: bob@example.test, x@remote.test\r\nSubject: hi\r\n\r\nhello\r\n"
	s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")}},
		Sender: alice, Remote: []string{"x@remote.test"}}
	res, err := f.p.Submit(f.ctx, s, []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if res.QueueID == 0 || res.SentCopy == nil || len(res.Local) != 1 || res.Local[0].Err != nil {
		t.Fatalf("%+v", res)
	}
	q, _ := f.store.Queue(f.ctx)
	if len(q) != 1 || q[0].Recipients[0].Address != "x@remote.test" || q[0].From != "alice@example.test" {
		t.Fatalf("queue %+v", q)
	}
	sent := f.inbox(t, alice, store.RoleSent)
	if len(sent) != 1 || !sent[0].HasFlag(store.FlagSeen) {
		t.Fatalf("sent %+v", sent)
	}
	if got := f.inbox(t, bob, store.RoleInbox); len(got) != 1 || got[0].BlobKey != sent[0].BlobKey {
		t.Fatal("bob's copy missing or not shared")
	}
	if n, _ := f.store.BlobRefCount(f.ctx, sent[0].BlobKey); n != 3 {
		t.Fatalf("refs %d, want 3 (inbox, sent, queue)", n)
	}
}

func TestSubmit_forgedFromRefused(t *testing.T) {
	f := newFixture(t)
	alice := f.account(t, "alice", nil)
	f.account(t, "bob", nil)
	s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")}}, Sender: alice}
	_, err := f.p.Submit(f.ctx, s, []byte("From: ceo@example.test\r\nSubject: pay\r\n\r\nnow\r\n"))
	if !errors.Is(err, ErrNotOwnAddress) || !strings.Contains(err.Error(), "ceo@example.test") {
		t.Fatalf("err %v", err)
	}
	if len(f.inbox(t, alice, store.RoleSent)) != 0 || f.blobCount() != 0 {
		t.Fatal("a refused message was stored")
	}
	if !f.p.MaySendAs(f.ctx, alice, "ALICE@example.test") || f.p.MaySendAs(f.ctx, alice, "bob@example.test") {
		t.Fatal("MaySendAs")
	}
}

func TestCanonicalLineEnds_keepsCRLFInputIdentical(t *testing.T) {
	in := []byte("a\r\nb\r\n")
	if out := canonicalLineEnds(in); !bytes.Equal(out, in) || &out[0] != &in[0] {
		t.Fatal("CRLF input copied or changed")
	}
}

func TestSubmit_allLocalRefusedStoresNoSentCopy(t *testing.T) {
	f := newFixture(t)
	alice := f.account(t, "alice", nil)
	f.account(t, "tiny", func(a *store.Account) { a.QuotaBytes = 50 })
	s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "tiny@example.test")}}, Sender: alice}
	_, err := f.p.Submit(f.ctx, s, []byte("From: alice@example.test\r\nSubject: big\r\n\r\n"+strings.Repeat("z", 100)+"\r\n"))
	if !errors.Is(err, ErrOverQuota) {
		t.Fatalf("err %v", err)
	}
	if len(f.inbox(t, alice, store.RoleSent)) != 0 {
		t.Fatal("Sent copy of a message nobody received")
	}
}

func TestDeliver_inboundChecksAddAuthenticationResultsAndDropForgedOnes(t *testing.T) {
	f := newFixture(t)
	bob := f.account(t, "bob", nil)
	f.p.Resolver = &resolver.Static{TXT: map[string][]string{"remote.test": {"v=spf1 ip4:192.0.2.1 -all"}}}
	forged := "Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=ceo@example.test;\r\n\tdkim=pass\r\n" +
		"Authentication-Results: other.example; spf=fail\r\n"
	env := &Envelope{From: "sender@remote.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")},
		Helo: "remote.test", RemoteAddr: "192.0.2.1:4000", Inbound: true, ID: "in1"}
	if _, err := f.p.Deliver(f.ctx, env, []byte(forged+korean)); err != nil {
		t.Fatal(err)
	}
	raw := f.read(t, f.inbox(t, bob, store.RoleInbox)[0].BlobKey)
	head := raw[:strings.Index(raw, "\r\n\r\n")]
	if n := strings.Count(head, "Authentication-Results: mx.example.test"); n != 1 {
		t.Fatalf("%d Authentication-Results of ours, want exactly our own:\n%s", n, head)
	}
	if !strings.Contains(head, "spf=pass smtp.mailfrom=remote.test") || strings.Contains(head, "ceo@example.test") {
		t.Fatalf("header:\n%s", head)
	}
	if !strings.Contains(head, "Authentication-Results: other.example; spf=fail") {
		t.Fatal("another server's Authentication-Results was removed")
	}
	if env.Auth == nil || env.Auth.SPF != "pass" {
		t.Fatalf("results for the steps: %+v", env.Auth)
	}
	// Submission (not inbound) is not checked.
	sub := &Envelope{From: "sender@remote.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")}, RemoteAddr: "192.0.2.9:1"}
	f.p.Deliver(f.ctx, sub, []byte(korean))
	if sub.Auth != nil {
		t.Fatal("a message that is not inbound was checked")
	}
}

func TestSubmit_individuallyEachRecipientSeesOnlyHimself(t *testing.T) {
	f := newFixture(t)
	alice, bob, carol := f.account(t, "alice", nil), f.account(t, "bob", nil), f.account(t, "carol", nil)
	msg := "From: alice@example.test\r\nTo: bob@example.test, carol@example.test, x@remote.test\r\nCc: boss@example.test\r\n" +
		"Subject: invitation\r\n\r\nCome!\r\n"
	s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test"),
		f.resolve(t, "carol@example.test")}}, Sender: alice, Remote: []string{"x@remote.test"}, Individually: true}
	res, err := f.p.Submit(f.ctx, s, []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []*store.Account{bob, carol} {
		got := f.inbox(t, a, store.RoleInbox)
		if len(got) != 1 {
			t.Fatalf("%s has %d messages", a.LocalPart, len(got))
		}
		env := got[0].Envelope
		if len(env.To) != 1 || env.To[0].Addr != a.Address() || len(env.Cc) != 0 {
			t.Fatalf("%s's copy is addressed to %+v cc %+v", a.LocalPart, env.To, env.Cc)
		}
	}
	q, _ := f.store.Queue(f.ctx)
	if len(q) != 1 || len(res.QueueIDs) != 1 || q[0].Recipients[0].Address != "x@remote.test" {
		t.Fatalf("queue %+v, ids %v", q, res.QueueIDs)
	}
	if raw := f.read(t, q[0].BlobKey); !strings.Contains(raw, "To: <x@remote.test>\r\n") || strings.Contains(raw, "bob@example.test") {
		t.Fatalf("remote copy:\n%s", raw)
	}
	sent := f.inbox(t, alice, store.RoleSent)
	if len(sent) != 1 || len(sent[0].Envelope.To) != 3 || len(sent[0].Envelope.Cc) != 1 {
		t.Fatalf("the Sent copy must keep every recipient: %d copies", len(sent))
	}
}

func TestDeliver_partialFailureIsBouncedAfterThe250(t *testing.T) {
	f := newFixture(t)
	f.account(t, "bob", nil)
	f.account(t, "tiny", func(a *store.Account) { a.QuotaBytes = 50 })
	var bounced []string
	f.p.Bounce = func(_ context.Context, from string, _ []byte, failed []Result) {
		for _, r := range failed {
			bounced = append(bounced, from+">"+r.Recipient.Address)
		}
	}
	env := &Envelope{From: "sender@remote.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test"), f.resolve(t, "tiny@example.test")}}
	if _, err := f.p.Deliver(f.ctx, env, []byte("Subject: big\r\n\r\n"+strings.Repeat("x", 100)+"\r\n")); err != nil {
		t.Fatal(err)
	}
	if len(bounced) != 1 || bounced[0] != "sender@remote.test>tiny@example.test" {
		t.Fatalf("bounced %v", bounced)
	}
	bounced = nil
	env = &Envelope{From: "sender@remote.test", Recipients: []*Recipient{f.resolve(t, "tiny@example.test")}}
	f.p.Deliver(f.ctx, env, []byte("Subject: big\r\n\r\n"+strings.Repeat("x", 100)+"\r\n"))
	if len(bounced) != 0 {
		t.Fatal("a message nobody got was bounced as well as refused")
	}
}
