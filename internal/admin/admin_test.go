package admin

import (
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

func newService(t *testing.T) (*Service, *testbed.Bed) {
	b := testbed.New(t) // hosts example.test
	fixed := time.Date(2026, 2, 28, 23, 59, 0, 0, time.UTC)
	return &Service{Store: b.Store, Now: func() time.Time { return fixed }}, b
}

func wantInvalid(t *testing.T, err error, field, code string) {
	t.Helper()
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Field != field || ie.Code != code {
		t.Fatalf("err %v, want InvalidError %s/%s", err, field, code)
	}
}

func TestCreateDomain_operatorOnlyWithDKIMKeys(t *testing.T) {
	s, b := newService(t)
	admin := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	if _, err := s.CreateDomain(b.Ctx, admin, "other.test"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a domain administrator created a domain: %v", err)
	}
	d, err := s.CreateDomain(b.Ctx, actor.CommandLine, "  New-Company.CO.KR ")
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "new-company.co.kr" || d.Language != "ko" || d.TimeZone != "Asia/Seoul" {
		t.Fatalf("domain %+v", d)
	}
	keys, err := b.Store.DKIMKeys(b.Ctx, d.ID)
	if err != nil || len(keys) == 0 {
		t.Fatalf("no DKIM keys for a new domain: %v %v", keys, err)
	}
	_, err = s.CreateDomain(b.Ctx, actor.CommandLine, "new-company.co.kr")
	wantInvalid(t, err, "name", "domain_exists")
	for _, bad := range []string{"", "localhost", "a..b", "-x.test", "x-.test", "has space.test", "a@b.test", strings.Repeat("a", 64) + ".test"} {
		_, err := s.CreateDomain(b.Ctx, actor.CommandLine, bad)
		wantInvalid(t, err, "name", "invalid_domain")
	}
	if _, err := s.CreateDomain(b.Ctx, actor.CommandLine, "회사.한국"); err != nil {
		t.Fatalf("an IDN domain: %v", err)
	}
}

func TestCreateAccount_rulesAndTenancy(t *testing.T) {
	s, b := newService(t)
	other, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test")
	if err != nil {
		t.Fatal(err)
	}
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	user := actor.User(b.Account("user", nil))
	good := NewAccount{Address: "Kim.MinJi@Example.test", Password: "long-enough", Name: " 김민지 "}

	a, err := s.CreateAccount(b.Ctx, boss, good)
	if err != nil {
		t.Fatal(err)
	}
	if a.Address() != "kim.minji@example.test" || a.DisplayName != "김민지" || !a.Enabled || !a.ClientAccess || a.Admin {
		t.Fatalf("account %+v", a)
	}
	if !auth.VerifyPassword(a.PasswordHash, "long-enough") {
		t.Fatal("the password does not verify")
	}
	cases := []struct {
		name        string
		p           actor.Actor
		n           NewAccount
		field, code string
		err         error
	}{
		{"userMayNot", user, NewAccount{Address: "x@example.test", Password: "long-enough"}, "", "", ErrForbidden},
		{"adminNotInAnotherDomain", boss, NewAccount{Address: "x@other.test", Password: "long-enough"}, "email", "domain_not_hosted", nil},
		{"notHosted", actor.CommandLine, NewAccount{Address: "x@nowhere.test", Password: "long-enough"}, "email", "domain_not_hosted", nil},
		{"wrongDomain", actor.CommandLine, NewAccount{Address: "x@other.test", Password: "long-enough", Domain: "example.test"}, "email", "wrong_domain", nil},
		{"exists", actor.CommandLine, good, "email", "account_exists", nil},
		{"noAt", actor.CommandLine, NewAccount{Address: "operator", Password: "long-enough"}, "email", "invalid_address", nil},
		{"space", actor.CommandLine, NewAccount{Address: "a b@example.test", Password: "long-enough"}, "email", "invalid_address", nil},
		{"ideographicSpace", actor.CommandLine, NewAccount{Address: "김\u3000민지@example.test", Password: "long-enough"}, "email", "invalid_address", nil},
		{"localPartOver64Octets", actor.CommandLine, NewAccount{Address: strings.Repeat("가", 22) + "@example.test", Password: "long-enough"}, "email", "invalid_address", nil},
		{"dotEnd", actor.CommandLine, NewAccount{Address: "a.@example.test", Password: "long-enough"}, "email", "invalid_address", nil},
		{"noPassword", actor.CommandLine, NewAccount{Address: "p@example.test"}, "password", "password_required", nil},
		{"shortPassword", actor.CommandLine, NewAccount{Address: "p@example.test", Password: "1234567"}, "password", "password_too_short", nil},
		{"negativeQuota", actor.CommandLine, NewAccount{Address: "p@example.test", Password: "long-enough", Quota: -1}, "quota", "invalid_quota", nil},
		{"nameWithNewline", actor.CommandLine, NewAccount{Address: "p@example.test", Password: "long-enough", Name: "a\r\nBcc: x"}, "name", "invalid_characters", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.CreateAccount(b.Ctx, c.p, c.n)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v, want %v", err, c.err)
				}
				return
			}
			wantInvalid(t, err, c.field, c.code)
		})
	}
	if accts, _ := b.Store.Accounts(b.Ctx, other.ID); len(accts) != 0 {
		t.Fatalf("refused creations wrote accounts: %+v", accts)
	}
	if a, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "홍길동@example.test", Password: "long-enough"}); err != nil || a.LocalPart != "홍길동" {
		t.Fatalf("a Korean user name (RFC 6531): %v %v", a, err)
	}
	if _, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "head@other.test", Password: "long-enough", Admin: true}); err != nil {
		t.Fatalf("the operator in another domain: %v", err)
	}
}

func TestAccountsAndDomains_scopedToThePrincipal(t *testing.T) {
	s, b := newService(t)
	if _, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test"); err != nil {
		t.Fatal(err)
	}
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	user := actor.User(b.Account("user", nil))
	if accts, err := s.Accounts(b.Ctx, boss, "example.test"); err != nil || len(accts) != 2 {
		t.Fatalf("own domain: %d accounts, %v", len(accts), err)
	}
	if _, err := s.Accounts(b.Ctx, boss, "other.test"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another domain's accounts: %v, want not found", err)
	}
	if _, err := s.Accounts(b.Ctx, user, "example.test"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a user listed accounts: %v", err)
	}
	if _, err := s.Domains(b.Ctx, boss); !errors.Is(err, ErrForbidden) {
		t.Fatalf("an administrator listed domains: %v", err)
	}
	doms, err := s.Domains(b.Ctx, actor.CommandLine)
	if err != nil || len(doms) != 2 || doms[0].Name != "example.test" || doms[0].Accounts != 2 || doms[0].Admins != 1 {
		t.Fatalf("domains %+v, %v", doms, err)
	}
	if err := s.SetPassword(b.Ctx, boss, "user@example.test", "short"); err == nil {
		t.Fatal("a short password was set")
	}
	if err := s.SetPassword(b.Ctx, boss, "user@example.test", "a-new-password"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(b.Ctx, user, "boss@example.test", "a-new-password"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a user set another's password: %v", err)
	}
	recs, err := s.DNSRecords(b.Ctx, boss, "example.test", "mail.example.test")
	if err != nil || len(recs) == 0 {
		t.Fatalf("dns records: %v %v", recs, err)
	}
	if _, err := s.DNSRecords(b.Ctx, boss, "other.test", "mail.example.test"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another domain's records: %v", err)
	}
}
