package loadgen

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/auth"
	"postroom/internal/deliver"
	"postroom/internal/imapd"
	"postroom/internal/pop3d"
	"postroom/internal/send"
	"postroom/internal/smtpd"
	"postroom/internal/store"
	"postroom/internal/testbed"
	"postroom/internal/web"
)

// postroom is a Postroom on loopback: the MX, IMAP and POP3 adapters over
// one test bed, and one account for the load.
type postroom struct {
	*testbed.Bed
	acct                         *store.Account
	smtpPort, imapPort, pop3Port int
}

func listen(t *testing.T) (net.Listener, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l, l.Addr().(*net.TCPAddr).Port
}

func startPostroom(t *testing.T) *postroom {
	t.Helper()
	b := testbed.New(t)
	p := &postroom{Bed: b, acct: b.Account("bench", nil)}
	pipe := &deliver.Pipeline{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Hostname: "mx.example.test", Log: testbed.Quiet()}
	sender := &send.Service{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Pipeline: pipe, MaxMessageSize: testbed.MaxMessageSize,
		MaxRecipients: 10, Log: testbed.Quiet()}
	logins := auth.NewAuthenticator(b.Store, false)
	mx := &smtpd.Server{Hostname: "mx.example.test", Deliver: pipe, Send: sender, Auth: logins,
		MaxMessageSize: testbed.MaxMessageSize, MaxRecipients: 10, MaxConnsPerIP: 50, Log: testbed.Quiet()}
	imap := &imapd.Server{Mail: b.Mail, Events: b.Bus, Auth: logins, MaxMessageSize: testbed.MaxMessageSize,
		MaxConnsPerIP: 50, MaxConnsPerUser: 10, Log: testbed.Quiet()}
	pop := &pop3d.Server{Hostname: "mx.example.test", Mail: b.Mail, Auth: logins, MaxConnsPerIP: 50, Log: testbed.Quiet()}

	var wg sync.WaitGroup
	var l net.Listener
	l, p.smtpPort = listen(t)
	wg.Add(3)
	go func(l net.Listener) { defer wg.Done(); mx.Serve(l, smtpd.RoleMX) }(l)
	l, p.imapPort = listen(t)
	go func(l net.Listener) { defer wg.Done(); imap.Serve(l, false) }(l)
	l, p.pop3Port = listen(t)
	go func(l net.Listener) { defer wg.Done(); pop.Serve(l, false) }(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		mx.Shutdown(ctx)
		imap.Shutdown(ctx)
		pop.Shutdown(ctx)
		wg.Wait()
	})
	return p
}

func (p *postroom) inbox(t *testing.T) int {
	t.Helper()
	mb, err := p.Store.MailboxByRole(p.Ctx, p.acct.ID, store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Store.MailboxStatus(p.Ctx, p.acct.ID, mb.ID)
	if err != nil {
		t.Fatal(err)
	}
	return int(st.Messages)
}

func (p *postroom) options(port int) Options {
	return Options{Host: "127.0.0.1", Port: port, User: p.acct.Address(), Password: testbed.Password,
		Size: Size{Fixed: 10 << 10}, NoDelay: true}
}

// run runs a workload and wants it free of errors, with want operations
// of the named kinds.
func run(t *testing.T, w string, o Options, want map[string]int) *Result {
	t.Helper()
	res, err := Run(context.Background(), w, o)
	if err != nil {
		t.Fatalf("%s: %v", w, err)
	}
	var table strings.Builder
	res.WriteTable(&table)
	t.Log(table.String())
	if res.Errors != 0 {
		t.Fatalf("%s: %d errors: %q", w, res.Errors, res.FirstErrors)
	}
	for op, n := range want {
		if got := res.Op(op).Count; got != n {
			t.Errorf("%s: %d %s operations, want %d", w, got, op, n)
		}
	}
	if res.Workload != w || res.Target != "127.0.0.1:"+strconv.Itoa(o.Port) || res.Wall <= 0 {
		t.Errorf("%s: result says %q against %q in %v", w, res.Workload, res.Target, res.Wall)
	}
	return res
}

func TestWorkloads_againstPostroom_everyMessageArrivesWithoutErrors(t *testing.T) {
	p := startPostroom(t)

	o := p.options(p.smtpPort)
	o.User, o.Password = "", "" // the MX takes mail for its domain without a login
	o.Rcpt = p.acct.Address()
	o.Messages, o.Concurrency = 24, 3
	res := run(t, "smtp", o, map[string]int{"deliver": 24})
	if got := p.inbox(t); got != 24 {
		t.Fatalf("after smtp: %d messages in the Inbox, want 24", got)
	}
	if res.MailBytes < 24*9<<10 {
		t.Errorf("smtp: %d bytes of mail for 24 messages of 10k", res.MailBytes)
	}

	// The stock client of issue 21 (Nagle on), then a tuned one on two
	// connections.
	o = p.options(p.imapPort)
	o.Messages, o.NoDelay = 10, false
	res = run(t, "imap-append", o, map[string]int{"append": 10})
	if res.NoDelay == nil || *res.NoDelay {
		t.Errorf("imap-append: the result says TCP_NODELAY %v", res.NoDelay)
	}
	o.NoDelay, o.Concurrency = true, 2
	run(t, "imap-append", o, map[string]int{"append": 10})
	if got := p.inbox(t); got != 44 {
		t.Fatalf("after imap-append: %d messages in the Inbox, want 44", got)
	}

	o = p.options(p.imapPort)
	o.Concurrency, o.Repeat = 2, 2
	perOp := o.Concurrency * o.Repeat * mixedRounds
	run(t, "imap-mixed", o, map[string]int{"login": 4, "select": 4, "fetch-envelopes": perOp, "fetch-body": perOp,
		"search": perOp, "store": perOp, "noop": perOp, "idle": perOp})
	if got := p.inbox(t); got != 44 {
		t.Fatalf("imap-mixed changed the Inbox to %d messages (it had 44: nothing to seed)", got)
	}

	o = p.options(p.pop3Port)
	res = run(t, "pop3", o, map[string]int{"login": 1, "stat": 1, "retr": 44})
	if res.MailBytes < 44*9<<10 {
		t.Errorf("pop3: %d bytes downloaded for 44 messages of 10k", res.MailBytes)
	}
	o.Messages = 5
	run(t, "pop3", o, map[string]int{"retr": 5})
}

func TestIMAPMixed_seedsAnEmptyMailbox(t *testing.T) {
	p := startPostroom(t)
	o := p.options(p.imapPort)
	o.Concurrency, o.Repeat = 1, 1
	run(t, "imap-mixed", o, map[string]int{"login": 1, "fetch-envelopes": mixedRounds})
	if got := p.inbox(t); got != mixedSeed {
		t.Fatalf("an empty Inbox was seeded with %d messages, want %d", got, mixedSeed)
	}
}

func TestRun_refusesWhatItCannotRun(t *testing.T) {
	for _, tc := range []struct {
		w string
		o Options
	}{
		{"imap-dance", Options{User: "u", Password: "p"}},
		{"imap-append", Options{User: "u"}},
		{"pop3", Options{Password: "p"}},
		{"smtp", Options{}},
	} {
		if _, err := Run(context.Background(), tc.w, tc.o); err == nil {
			t.Errorf("Run(%q, %+v) is no error", tc.w, tc.o)
		}
	}
}

// A server that is not there is an error of each operation, counted, not a
// hang or a panic.
func TestSMTP_deadServerIsCountedErrors(t *testing.T) {
	l, port := listen(t)
	l.Close()
	res, err := Run(context.Background(), "smtp", Options{Port: port, Rcpt: "x@example.test", Messages: 3, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 3 || res.Op("connect").Errors != 3 || res.Op("deliver").Count != 0 {
		t.Fatalf("against a closed port: %+v", res)
	}
}

func TestWeb_listsAndReadsThroughTheAPI(t *testing.T) {
	b := testbed.New(t)
	acct := b.Account("bench", nil)
	c := &Corpus{Seed: 5, Size: Size{Fixed: 4 << 10}}
	for i := range 3 {
		b.Put(acct.ID, "INBOX", string(c.Message(i)))
	}
	srv := &web.Server{Mail: b.Mail, Events: b.Bus, Log: testbed.Quiet(),
		Sessions: &auth.Sessions{Store: b.Store, Auth: auth.NewAuthenticator(b.Store, false), Events: b.Bus}}
	l, port := listen(t)
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(l)
	t.Cleanup(func() { hs.Close() })
	o := Options{Port: port, User: acct.Address(), Password: testbed.Password, Concurrency: 2, Repeat: 3, NoDelay: true}
	run(t, "web", o, map[string]int{"login": 2, "mailboxes": 2, "list": 6, "message": 6})

	o.Password = "wrong"
	res, err := Run(context.Background(), "web", o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Op("login").Errors != 2 || res.Op("list").Count != 0 {
		t.Fatalf("a wrong password: %+v", res.Ops)
	}
}
