package admin

import (
	"errors"
	"net"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/deliver"
	"postroom/internal/events"
	"postroom/internal/store"
)

func ptr[T any](v T) *T { return &v }

// auditActions are the actions recorded for the domain, oldest first.
func auditActions(t *testing.T, s *Service, domainID int64) []string {
	t.Helper()
	es, err := s.Store.AuditEntries(t.Context(), domainID, 0, MaxAuditPage)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Action+" "+es[i].Target)
	}
	return out
}

// The operator sets the domain's terms; its administrator only its
// defaults; another domain's administrator does not see it; a user
// nothing. Refused values change nothing.
func TestUpdateDomain_whoMayChangeWhat(t *testing.T) {
	s, b := newService(t)
	if _, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test"); err != nil {
		t.Fatal(err)
	}
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	user := actor.User(b.Account("user", nil))
	stranger, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "boss@other.test", Password: "long-enough", Admin: true})
	if err != nil {
		t.Fatal(err)
	}

	d, err := s.UpdateDomain(b.Ctx, actor.CommandLine, "example.test", DomainChange{QuotaBytes: ptr(int64(5 << 30)), MaxUsers: ptr(10)})
	if err != nil || d.QuotaBytes != 5<<30 || d.MaxUsers != 10 || d.Suspended {
		t.Fatalf("operator's change: %+v %v", d, err)
	}
	d, err = s.UpdateDomain(b.Ctx, boss, "example.test", DomainChange{Language: ptr("en"), TimeZone: ptr("Europe/Paris")})
	if err != nil || d.Language != "en" || d.TimeZone != "Europe/Paris" {
		t.Fatalf("administrator's defaults: %+v %v", d, err)
	}
	for name, c := range map[string]DomainChange{
		"quota":     {QuotaBytes: ptr(int64(0))},
		"hold":      {Suspended: ptr(true)},
		"max users": {MaxUsers: ptr(0), Language: ptr("ko")},
	} {
		if _, err := s.UpdateDomain(b.Ctx, boss, "example.test", c); !errors.Is(err, ErrForbidden) {
			t.Errorf("an administrator changed the %s: %v", name, err)
		}
	}
	if _, err := s.UpdateDomain(b.Ctx, actor.User(stranger), "example.test", DomainChange{Language: ptr("ko")}); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's administrator: %v, want not found", err)
	}
	if _, err := s.UpdateDomain(b.Ctx, user, "example.test", DomainChange{Language: ptr("ko")}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user: %v, want forbidden", err)
	}
	for _, c := range []struct {
		c           DomainChange
		field, code string
	}{
		{DomainChange{QuotaBytes: ptr(int64(-1))}, "quota", "invalid_quota"},
		{DomainChange{MaxUsers: ptr(-1), Language: ptr("ko")}, "max_users", "invalid_max_users"},
		{DomainChange{Language: ptr("fr")}, "language", "invalid_language"},
		{DomainChange{TimeZone: ptr("Mars/Olympus"), Language: ptr("ko")}, "time_zone", "invalid_time_zone"},
		{DomainChange{TimeZone: ptr("Local")}, "time_zone", "invalid_time_zone"},
	} {
		_, err := s.UpdateDomain(b.Ctx, actor.CommandLine, "example.test", c.c)
		wantInvalid(t, err, c.field, c.code)
	}
	got, err := b.Store.Domain(b.Ctx, "example.test")
	if err != nil {
		t.Fatal(err)
	}
	if got.QuotaBytes != 5<<30 || got.MaxUsers != 10 || got.Language != "en" || got.TimeZone != "Europe/Paris" || got.Suspended {
		t.Fatalf("after refused changes: %+v", got)
	}
	if a := strings.Join(auditActions(t, s, got.ID), ", "); a != "domain.update example.test, domain.update example.test" {
		t.Fatalf("audit log %q", a)
	}
}

// The hold: every account of the domain is announced as changed (live
// sessions check again), refused at login and at its sessions' next
// command on every protocol, and its mail refused with 550 5.2.1 like a
// suspended account's; resumed, all works again. Another domain is not
// touched.
func TestUpdateDomain_holdRefusesLoginsAndMail(t *testing.T) {
	s, b := newService(t)
	s.Events = b.Bus
	kim := b.Account("kim", func(a *store.Account) { a.PasswordHash, _ = auth.HashPassword("kims-password-26") })
	if _, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test"); err != nil {
		t.Fatal(err)
	}
	lee, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "lee@other.test", Password: "lees-password-26"})
	if err != nil {
		t.Fatal(err)
	}
	au := auth.NewAuthenticator(b.Store, false)
	p := &deliver.Pipeline{Store: b.Store, Blobs: b.Blobs, Mail: b.Mail, Hostname: "mx.example.test"}
	loop := &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 1}
	login := func(address, pw string, proto auth.Protocol) error {
		_, err := au.Login(b.Ctx, auth.Request{Address: address, Password: pw, Protocol: proto, Remote: loop})
		return err
	}
	session, err := au.Login(b.Ctx, auth.Request{Address: kim.Address(), Password: "kims-password-26", Protocol: auth.ProtoIMAP, Remote: loop})
	if err != nil {
		t.Fatal(err)
	}
	changes, cancel := b.Bus.Subscribe(kim.ID)
	defer cancel()

	if _, err := s.UpdateDomain(b.Ctx, actor.CommandLine, "example.test", DomainChange{Suspended: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-changes:
		if e.Kind != events.AccountChange {
			t.Fatalf("announced %+v", e)
		}
	default:
		t.Fatal("the hold was not announced to the domain's accounts")
	}
	for _, proto := range []auth.Protocol{auth.ProtoWeb, auth.ProtoIMAP, auth.ProtoPOP3, auth.ProtoSMTP, auth.ProtoCardDAV} {
		if err := login(kim.Address(), "kims-password-26", proto); !errors.Is(err, auth.ErrSuspended) {
			t.Errorf("%s login on hold: %v, want ErrSuspended", proto, err)
		}
	}
	if err := login(kim.Address(), "wrong-password", auth.ProtoIMAP); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("a wrong password learns of the hold: %v", err)
	}
	if err := au.Recheck(b.Ctx, session, auth.ProtoIMAP); !errors.Is(err, auth.ErrLoginEnded) || !errors.Is(err, auth.ErrSuspended) {
		t.Errorf("a live IMAP session on hold: %v, want ErrLoginEnded", err)
	}
	for _, addr := range []string{kim.Address(), "postmaster@example.test", "nobody@example.test"} {
		_, err := p.Resolve(b.Ctx, addr, 100)
		var de *deliver.Error
		if !errors.As(err, &de) || !strings.HasPrefix(de.Error(), "550 5.2.1") {
			t.Errorf("mail to %s on hold: %v, want 550 5.2.1", addr, err)
		}
	}
	if err := login(lee.Address(), "lees-password-26", auth.ProtoIMAP); err != nil {
		t.Errorf("another domain's user: %v", err)
	}
	if _, err := p.Resolve(b.Ctx, lee.Address(), 100); err != nil {
		t.Errorf("mail to another domain: %v", err)
	}

	if _, err := s.UpdateDomain(b.Ctx, actor.CommandLine, "example.test", DomainChange{Suspended: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if err := login(kim.Address(), "kims-password-26", auth.ProtoIMAP); err != nil {
		t.Errorf("login after resuming: %v", err)
	}
	if err := au.Recheck(b.Ctx, session, auth.ProtoIMAP); err != nil {
		t.Errorf("recheck after resuming: %v", err)
	}
	if _, err := p.Resolve(b.Ctx, kim.Address(), 100); err != nil {
		t.Errorf("mail after resuming: %v", err)
	}
	if a := strings.Join(auditActions(t, s, b.Domain.ID), ", "); a != "domain.suspend example.test, domain.resume example.test" {
		t.Fatalf("audit log %q", a)
	}
}

// The account limit: the operator's MaxUsers refuses one more account
// (user_limit), whoever creates it; 0 is no limit.
func TestCreateAccount_userLimit(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	if _, err := s.UpdateDomain(b.Ctx, actor.CommandLine, "example.test", DomainChange{MaxUsers: ptr(2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAccount(b.Ctx, boss, NewAccount{Address: "one@example.test", Password: "long-enough"}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []actor.Actor{boss, actor.CommandLine} {
		_, err := s.CreateAccount(b.Ctx, who, NewAccount{Address: "two@example.test", Password: "long-enough"})
		wantInvalid(t, err, "email", "user_limit")
	}
	if _, err := s.UpdateDomain(b.Ctx, actor.CommandLine, "example.test", DomainChange{MaxUsers: ptr(0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAccount(b.Ctx, boss, NewAccount{Address: "two@example.test", Password: "long-enough"}); err != nil {
		t.Fatalf("without a limit: %v", err)
	}
}

// Deleting a domain from a console needs its name typed back; the
// operator only; recorded for the installation.
func TestDeleteDomainConfirmed(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	if _, err := s.CreateDomain(b.Ctx, actor.CommandLine, "gone.test"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDomainConfirmed(b.Ctx, boss, "example.test", "example.test"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("an administrator deleted his domain: %v", err)
	}
	for _, typed := range []string{"", "gone", "gone.test.", "example.test"} {
		err := s.DeleteDomainConfirmed(b.Ctx, actor.CommandLine, "gone.test", typed)
		wantInvalid(t, err, "confirm", "confirm_mismatch")
	}
	if _, err := b.Store.Domain(b.Ctx, "gone.test"); err != nil {
		t.Fatalf("deleted without its name typed back: %v", err)
	}
	if err := s.DeleteDomainConfirmed(b.Ctx, actor.CommandLine, "missing.test", "missing.test"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a missing domain: %v", err)
	}
	if err := s.DeleteDomainConfirmed(b.Ctx, actor.CommandLine, "gone.test", " Gone.Test "); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.Domain(b.Ctx, "gone.test"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("still there: %v", err)
	}
	if a := strings.Join(auditActions(t, s, 0), ", "); a != "domain.delete gone.test" {
		t.Fatalf("installation's audit log %q", a)
	}
}

// The status panel counts domains, holds, accounts, storage and the
// queue; the operator only.
func TestStatus(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	kim := b.Account("kim", nil)
	b.Put(kim.ID, "INBOX", "From: a@b.test\r\nSubject: hi\r\n\r\nhello\r\n")
	if _, err := s.CreateDomain(b.Ctx, actor.CommandLine, "held.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateDomain(b.Ctx, actor.CommandLine, "held.test", DomainChange{Suspended: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	enqueue := func(rcpts ...string) *store.QueuedMessage {
		key, size, err := b.Blobs.Put(b.Ctx, strings.NewReader("From: kim@example.test\r\n\r\nhi\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		q := &store.QueuedMessage{AccountID: kim.ID, From: kim.Address(), BlobKey: key, Size: size}
		for _, r := range rcpts {
			q.Recipients = append(q.Recipients, store.QueuedRecipient{Address: r})
		}
		if err := b.Store.Enqueue(b.Ctx, q); err != nil {
			t.Fatal(err)
		}
		return q
	}
	enqueue("a@far.test")
	tried := enqueue("b@far.test", "c@far.test")
	tried.Recipients[0].Status, tried.Recipients[0].Attempts = store.RcptPending, 1
	tried.Recipients[1].Status, tried.Recipients[1].Attempts = store.RcptSent, 1
	if err := b.Store.SetRecipientResults(b.Ctx, tried.ID, tried.Recipients); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Status(b.Ctx, boss); !errors.Is(err, ErrForbidden) {
		t.Fatalf("an administrator read the status: %v", err)
	}
	st, err := s.Status(b.Ctx, actor.CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	if st.Domains != 2 || st.SuspendedDomains != 1 || st.Accounts != 2 || st.UsedBytes <= 0 || st.Queued != 2 || st.Deferred != 1 || st.Version == "" {
		t.Fatalf("status %+v", st)
	}

	// the indexer's backlog: messages whose terms are still to be written
	if _, later := b.Store.(store.LaterIndexStore); !later {
		return // PostgreSQL writes them with the message
	}
	if st.IndexWaiting != 1 || st.Messages != 1 { // kim's message
		t.Fatalf("index backlog %d of %d messages, want 1 of 1", st.IndexWaiting, st.Messages)
	}
	b.Put(kim.ID, "INBOX", "Subject: 회의\r\n\r\n내일\r\n")
	if st, err := s.Status(b.Ctx, actor.CommandLine); err != nil || st.IndexWaiting != 2 {
		t.Fatalf("index backlog %+v, %v; want 2", st, err)
	}
	if _, err := b.Mail.IndexWaiting(b.Ctx, actor.User(kim)); err != nil {
		t.Fatal(err)
	}
	if st, err := s.Status(b.Ctx, actor.CommandLine); err != nil || st.IndexWaiting != 0 {
		t.Fatalf("index backlog once written %+v, %v; want 0", st, err)
	}
}
