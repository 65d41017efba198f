package queue

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"postroom/internal/blob"
	"postroom/internal/deliver"
	"postroom/internal/dkim"
	"postroom/internal/message"
	"postroom/internal/resolver"
	"postroom/internal/smtpclient"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

type fixture struct {
	t     testing.TB
	ctx   context.Context
	st    store.Store
	blobs blob.Backend
	p     *deliver.Pipeline
	w     *Worker
	dns   *resolver.Static
	sink  *testbed.SMTPSink
	roots *x509.CertPool
	clock time.Time
	alice *store.Account
}

func newFixture(t testing.TB, configure func(*testbed.SMTPSink)) *fixture {
	t.Helper()
	b := testbed.New(t)
	tlsConf := b.TLS("mx.remote.test") // the sink's certificate names its MX host
	f := &fixture{t: t, ctx: b.Ctx, st: b.Store, blobs: b.Blobs, clock: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	f.sink = testbed.StartSMTPSink(t, tlsConf, configure)
	cert, err := x509.ParseCertificate(tlsConf.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	f.roots = x509.NewCertPool()
	f.roots.AddCert(cert)
	f.dns = &resolver.Static{
		MX: map[string][]*net.MX{"remote.test": {{Host: "mx.remote.test.", Pref: 10}}},
		IP: map[string][]net.IP{"mx.remote.test": {net.ParseIP("127.0.0.1")}, "plain.test": {net.ParseIP("127.0.0.1")}},
	}
	f.p = &deliver.Pipeline{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Hostname: "mail.example.test", Log: testbed.Quiet()}
	client := &smtpclient.Client{Resolver: f.dns, Hostname: "mail.example.test", Port: f.sink.Port, Timeout: 10 * time.Second}
	t.Cleanup(client.Close)
	f.w = &Worker{Store: b.Store, Blobs: b.Blobs, Client: client, Pipeline: f.p, Mail: b.Mail, Hostname: "mail.example.test",
		Log: testbed.Quiet(), Now: func() time.Time { return f.clock }}
	f.alice = b.Account("alice", func(a *store.Account) { a.Language = "ko" })
	b.Account("bob", nil)
	return f
}

const msg = "From: alice@example.test\r\nTo: x@remote.test\r\nSubject: hello\r\nMessage-ID: <q1@example.test>\r\n\r\nHello\r\n"

// enqueue puts a message from alice into the queue at the fixture's clock.
func (f *fixture) enqueue(from string, rcpts ...string) *store.QueuedMessage {
	return f.enqueueWith(func(*store.QueuedMessage) {}, from, rcpts...)
}

func (f *fixture) enqueueWith(mod func(*store.QueuedMessage), from string, rcpts ...string) *store.QueuedMessage {
	f.t.Helper()
	key, size, err := f.blobs.Put(f.ctx, strings.NewReader(msg))
	if err != nil {
		f.t.Fatal(err)
	}
	q := &store.QueuedMessage{AccountID: f.alice.ID, From: from, BlobKey: key, Size: size, CreatedAt: f.clock}
	for _, r := range rcpts {
		q.Recipients = append(q.Recipients, store.QueuedRecipient{Address: r})
	}
	mod(q)
	if err := f.st.Enqueue(f.ctx, q); err != nil {
		f.t.Fatal(err)
	}
	return q
}

func (f *fixture) run() int {
	f.t.Helper()
	n, err := f.w.RunOnce(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) queued() []store.QueuedMessage {
	q, err := f.st.Queue(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return q
}

// inbox returns the raw messages in an account's mailbox.
func (f *fixture) mailbox(addr string, role store.Role) []string {
	f.t.Helper()
	a, _ := f.st.AccountByAddress(f.ctx, addr)
	mb, _ := f.st.MailboxByRole(f.ctx, a.ID, role)
	var out []string
	f.st.Messages(f.ctx, a.ID, mb.ID, func(m *store.Message) error {
		r, _ := f.blobs.Open(m.BlobKey)
		b, _ := io.ReadAll(r)
		r.Close()
		out = append(out, string(b))
		return nil
	})
	return out
}

func TestWorker_deliversOverSTARTTLSAndEmptiesTheQueue(t *testing.T) {
	f := newFixture(t, nil)
	q := f.enqueue("alice@example.test", "x@remote.test", "y@remote.test")
	f.w.Sign = func(_ context.Context, raw []byte, domain string) ([]byte, error) {
		return []byte("DKIM-Signature: v=1; d=" + domain + "; test\r\n"), nil
	}
	if n := f.run(); n != 1 {
		t.Fatalf("handled %d", n)
	}
	got := f.sink.Messages()
	if len(got) != 1 || len(got[0].To) != 2 || got[0].From != "alice@example.test" || !got[0].TLS {
		t.Fatalf("sink got %+v", got)
	}
	if !strings.HasPrefix(got[0].Data, "DKIM-Signature: v=1; d=example.test; test\r\n") || !strings.HasSuffix(got[0].Data, msg) {
		t.Fatalf("data %q", got[0].Data)
	}
	if len(f.queued()) != 0 {
		t.Fatal("delivered message still queued")
	}
	if n, _ := f.st.BlobRefCount(f.ctx, q.BlobKey); n != 0 {
		t.Fatalf("blob refs %d", n)
	}
}

func TestWorker_retriesAfter4xxThenDelivers(t *testing.T) {
	f := newFixture(t, func(s *testbed.SMTPSink) { s.TempFail = 1 })
	f.enqueue("alice@example.test", "x@remote.test")
	f.run()
	q := f.queued()
	if len(q) != 1 || q[0].Recipients[0].Status != store.RcptPending || q[0].Recipients[0].Attempts != 1 ||
		!strings.HasPrefix(q[0].Recipients[0].LastError, "451") || !q[0].Recipients[0].NextTry.Equal(f.clock.Add(time.Minute)) {
		t.Fatalf("after a 451: %+v", q)
	}
	if n := f.run(); n != 0 {
		t.Fatal("retried before its time")
	}
	f.clock = f.clock.Add(time.Minute)
	f.run()
	if len(f.sink.Messages()) != 1 || len(f.queued()) != 0 {
		t.Fatalf("second attempt: sink %d, queue %d", len(f.sink.Messages()), len(f.queued()))
	}
	if len(f.mailbox("alice@example.test", store.RoleInbox)) != 0 {
		t.Fatal("a DSN for a message that was delivered")
	}
}

func TestWorker_permanentFailureSendsDSNInTheSendersLanguage(t *testing.T) {
	f := newFixture(t, func(s *testbed.SMTPSink) { s.Reject["nobody@remote.test"] = "550 5.1.1 no such user here" })
	f.enqueue("alice@example.test", "nobody@remote.test", "x@remote.test")
	f.run()
	if len(f.queued()) != 0 {
		t.Fatal("message still queued after a delivery and a permanent failure")
	}
	inbox := f.mailbox("alice@example.test", store.RoleInbox)
	if len(inbox) != 1 {
		t.Fatalf("alice has %d messages, want the DSN", len(inbox))
	}
	dsn := message.Parse([]byte(inbox[0]))
	env := dsn.Envelope()
	if !strings.Contains(env.Subject, "메일 전송 실패") || dsn.Root.ContentType != "multipart/report" || dsn.Root.Params["report-type"] != "delivery-status" {
		t.Fatalf("DSN subject %q type %s %v", env.Subject, dsn.Root.ContentType, dsn.Root.Params)
	}
	status := string(dsn.Root.Children[1].Body())
	for _, want := range []string{"Final-Recipient: rfc822; nobody@remote.test", "Action: failed", "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1"} {
		if !strings.Contains(status, want) {
			t.Fatalf("delivery-status lacks %q:\n%s", want, status)
		}
	}
	if strings.Contains(status, "x@remote.test") {
		t.Fatal("the delivered recipient is in the DSN")
	}
	if !strings.Contains(inbox[0], "Return-Path: <>") || !strings.Contains(inbox[0], "Subject: hello") {
		t.Fatal("DSN must have a null return path and carry the original header")
	}
}

func TestWorker_nullSenderGetsNoDSN(t *testing.T) {
	f := newFixture(t, func(s *testbed.SMTPSink) { s.Reject["nobody@remote.test"] = "550 5.1.1 no such user" })
	f.enqueue("", "nobody@remote.test")
	f.run()
	if len(f.queued()) != 0 || len(f.mailbox("alice@example.test", store.RoleInbox)) != 0 {
		t.Fatal("a bounce of a bounce")
	}
}

func TestWorker_noMXNoAddressFailsAtOnce(t *testing.T) {
	f := newFixture(t, nil)
	f.enqueue("alice@example.test", "x@nowhere.test")
	f.run()
	inbox := f.mailbox("alice@example.test", store.RoleInbox)
	if len(inbox) != 1 || !strings.Contains(inbox[0], "nowhere.test has no MX or address record") {
		t.Fatalf("want a DSN naming the missing MX, got %d messages", len(inbox))
	}
}

func TestWorker_implicitMXWhenOnlyAnAddressRecord(t *testing.T) {
	f := newFixture(t, nil)
	f.enqueue("alice@example.test", "x@plain.test")
	f.run()
	if got := f.sink.Messages(); len(got) != 1 || got[0].To[0] != "x@plain.test" {
		t.Fatalf("sink %+v", got)
	}
}

func TestWorker_delayWarningThenExpiry(t *testing.T) {
	f := newFixture(t, func(s *testbed.SMTPSink) { s.TempFail = 1000 })
	f.enqueue("alice@example.test", "x@remote.test")
	f.run()
	f.clock = f.clock.Add(4*time.Hour + time.Minute)
	f.run()
	inbox := f.mailbox("alice@example.test", store.RoleInbox)
	if len(inbox) != 1 || !strings.Contains(inbox[0], "Action: delayed") {
		t.Fatalf("want one delay warning, got %d messages", len(inbox))
	}
	f.clock = f.clock.Add(5 * time.Hour)
	f.run()
	if n := len(f.mailbox("alice@example.test", store.RoleInbox)); n != 1 {
		t.Fatalf("warned twice: %d messages", n)
	}
	f.clock = f.clock.Add(5 * 24 * time.Hour)
	f.run()
	inbox = f.mailbox("alice@example.test", store.RoleInbox)
	if len(inbox) != 2 || !strings.Contains(inbox[1], "Action: failed") || len(f.queued()) != 0 {
		t.Fatalf("after the lifetime: %d messages, queue %d", len(inbox), len(f.queued()))
	}
}

// A worker that dies after claiming leaves the recipient to be taken again
// when the lease ends: nothing is lost.
func TestWorker_crashAfterClaimIsRetriedAfterLease(t *testing.T) {
	f := newFixture(t, nil)
	f.enqueue("alice@example.test", "x@remote.test")
	if claimed, err := f.st.ClaimDue(f.ctx, f.clock, DefaultLease, 10); err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", err, claimed)
	}
	if f.run() != 0 {
		t.Fatal("a leased message was taken again at once")
	}
	f.clock = f.clock.Add(DefaultLease + time.Second)
	f.run()
	if len(f.sink.Messages()) != 1 || len(f.queued()) != 0 {
		t.Fatal("not delivered after the lease ended")
	}
}

func TestWorker_reusesTheConnectionForOneDomain(t *testing.T) {
	f := newFixture(t, nil)
	f.enqueue("alice@example.test", "x@remote.test")
	f.run()
	f.enqueue("alice@example.test", "y@remote.test")
	f.run()
	conns := f.sink.Conns()
	if len(f.sink.Messages()) != 2 || conns != 1 {
		t.Fatalf("%d messages over %d connections, want 2 over 1", len(f.sink.Messages()), conns)
	}
}

func TestWorker_relayWithAuth(t *testing.T) {
	f := newFixture(t, func(s *testbed.SMTPSink) { s.AuthUser = "relayuser" })
	f.w.Client.Relay = &smtpclient.Relay{Host: f.sink.Addr, Username: "relayuser", Password: "secret", TLS: "starttls"}
	// A relay's certificate is verified: trust the test's own.
	f.w.Client.TLS = &tls.Config{RootCAs: f.roots}
	f.enqueue("alice@example.test", "x@anywhere.test") // no DNS at all: the relay is used
	f.run()
	if got := f.sink.Messages(); len(got) != 1 || got[0].To[0] != "x@anywhere.test" || !got[0].TLS {
		t.Fatalf("relay got %+v", got)
	}
}

func TestWorker_utf8MessageToServerWithoutSMTPUTF8Bounces(t *testing.T) {
	f := newFixture(t, func(s *testbed.SMTPSink) { s.NoUTF8 = true })
	f.enqueueWith(func(q *store.QueuedMessage) { q.UTF8 = true }, "alice@example.test", "받는이@remote.test")
	f.run()
	inbox := f.mailbox("alice@example.test", store.RoleInbox)
	if len(inbox) != 1 || !strings.Contains(inbox[0], "Status: 5.6.7") {
		t.Fatalf("want a 5.6.7 DSN, got %d messages", len(inbox))
	}
}

func TestSubmit_delayedSendWaitsGoesToAllAndCanBeCancelled(t *testing.T) {
	f := newFixture(t, nil)
	bob, _ := f.p.Resolve(f.ctx, "bob@example.test", 0)
	submit := func(at time.Time) *deliver.SubmitResult {
		res, err := f.p.Submit(f.ctx, &deliver.Submission{Envelope: deliver.Envelope{From: "alice@example.test",
			Recipients: []*deliver.Recipient{bob}}, Sender: f.alice, Remote: []string{"x@remote.test"}, SendAt: at}, []byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// The pipeline's clock is the real one; the worker's is the fixture's.
	sendAt := time.Now().Add(time.Hour)
	res := submit(sendAt)
	if res.QueueID == 0 || res.SendAt.Sub(sendAt).Abs() > time.Millisecond {
		t.Fatalf("result %+v", res)
	}
	// Undo: cancelled before it went, nothing reaches anyone.
	if err := f.p.CancelSend(f.ctx, f.alice, res.QueueID); err != nil {
		t.Fatal(err)
	}
	if len(f.queued()) != 0 {
		t.Fatal("cancelled message still queued")
	}
	res = submit(sendAt)
	f.clock = sendAt.Add(-time.Second)
	if f.run() != 0 || len(f.mailbox("bob@example.test", store.RoleInbox)) != 0 || len(f.mailbox("alice@example.test", store.RoleSent)) != 0 {
		t.Fatal("sent (or filed in Sent) before its time")
	}
	f.clock = sendAt
	f.run()
	if len(f.mailbox("bob@example.test", store.RoleInbox)) != 1 || len(f.sink.Messages()) != 1 {
		t.Fatal("at its time it must reach the local and the remote recipient")
	}
	if sent := f.mailbox("alice@example.test", store.RoleSent); len(sent) != 1 || !strings.HasSuffix(sent[0], msg) {
		t.Fatalf("Sent copy: %d", len(sent))
	}
	if err := f.p.CancelSend(f.ctx, f.alice, res.QueueID); err == nil {
		t.Fatal("cancelling a message that went succeeded")
	}
}

func TestWorker_mtaSTSEnforce(t *testing.T) {
	policy := "version: STSv1\nmode: enforce\nmx: mx.remote.test\nmax_age: 86400\n"
	cases := []struct {
		name      string
		policy    string
		trusted   bool
		delivered bool
	}{
		{"matchingMXAndValidCertificate", policy, true, true},
		{"mxNotInPolicy", strings.Replace(policy, "mx.remote.test", "mx.other.test", 1), true, false},
		{"certificateNotTrusted", policy, false, false},
		{"testingModeDeliversAnyway", strings.Replace(strings.Replace(policy, "enforce", "testing", 1), "mx.remote.test", "mx.other.test", 1), false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			f.dns.Set(func(s *resolver.Static) {
				s.TXT = map[string][]string{"_mta-sts.remote.test": {"v=STSv1; id=20261126"}}
			})
			f.w.Client.STSFetch = func(_ context.Context, domain string) (string, error) {
				if domain != "remote.test" {
					t.Errorf("policy fetched for %q", domain)
				}
				return c.policy, nil
			}
			if c.trusted {
				f.w.Client.TLS = &tls.Config{RootCAs: f.roots}
			}
			f.enqueue("alice@example.test", "x@remote.test")
			f.run()
			got := f.sink.Messages()
			if c.delivered != (len(got) == 1) {
				t.Fatalf("delivered %d, want delivered=%v; queue %+v", len(got), c.delivered, f.queued())
			}
			if c.delivered && !got[0].TLS {
				t.Fatal("delivered without TLS")
			}
			if !c.delivered {
				q := f.queued()
				if len(q) != 1 || q[0].Recipients[0].Status != store.RcptPending {
					t.Fatalf("an enforced policy must defer, not bounce: %+v", q)
				}
			}
		})
	}
}

// The copy the remote server receives carries DKIM signatures of the
// sender's domain that go-msgauth verifies against the published keys.
func TestWorker_dkimSignatureVerifiesOnTheReceivedCopy(t *testing.T) {
	f := newFixture(t, nil)
	keys, err := dkim.GenerateKeys(f.clock)
	if err != nil {
		t.Fatal(err)
	}
	dom, _ := f.st.Domain(f.ctx, "example.test")
	if err := dkim.AddKeys(f.ctx, f.st, dom, keys); err != nil {
		t.Fatal(err)
	}
	txt := map[string][]string{}
	for _, k := range keys {
		name, value, err := k.DNSRecord()
		if err != nil {
			t.Fatal(err)
		}
		txt[name+".example.test"] = []string{value}
	}
	f.w.Sign = dkim.Signer(f.st)
	f.enqueue("alice@example.test", "x@remote.test")
	f.run()
	got := f.sink.Messages()
	if len(got) != 1 {
		t.Fatalf("sink got %d", len(got))
	}
	verifs, err := msgdkim.VerifyWithOptions(strings.NewReader(got[0].Data), &msgdkim.VerifyOptions{
		LookupTXT: func(domain string) ([]string, error) { return txt[strings.TrimSuffix(domain, ".")], nil },
	})
	if err != nil || len(verifs) != 2 {
		t.Fatalf("verifications %v %v", verifs, err)
	}
	for _, v := range verifs {
		if v.Err != nil || v.Domain != "example.test" {
			t.Fatalf("signature %+v: %v", v, v.Err)
		}
	}
}

func TestWorker_bounceRejectedReachesALocalSender(t *testing.T) {
	f := newFixture(t, nil)
	tiny := &deliver.Recipient{Address: "tiny@example.test"}
	f.w.BounceRejected(f.ctx, "alice@example.test", []byte(msg), []deliver.Result{{Recipient: tiny, Err: deliver.ErrOverQuota}})
	inbox := f.mailbox("alice@example.test", store.RoleInbox)
	if len(inbox) != 1 || !strings.Contains(inbox[0], "Status: 5.2.2") || !strings.Contains(inbox[0], "tiny@example.test") {
		t.Fatalf("want a 5.2.2 DSN for tiny, got %d messages", len(inbox))
	}
}
