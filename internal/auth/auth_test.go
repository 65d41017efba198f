package auth

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
	"postroom/internal/store/sqlite"
)

func TestHashPassword_argon2idRoundTrip(t *testing.T) {
	h, err := HashPassword("비밀번호123!")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("hash %q", h)
	}
	if !VerifyPassword(h, "비밀번호123!") {
		t.Fatal("right password refused")
	}
	if VerifyPassword(h, "비밀번호123") {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("비밀번호123!")
	if h == h2 {
		t.Fatal("same salt twice")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAA", "$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA"} {
		if VerifyPassword(bad, "") {
			t.Fatalf("malformed hash %q matched", bad)
		}
	}
}

// hashes holds, per password, HashPassword made once for the test binary:
// argon2id at the production cost takes about half a second under -race,
// and the fixtures store the same few passwords for every test. A salt
// shared between tests' stores is harmless; logins still verify the
// production way, and HashPassword itself is tested above.
var hashes sync.Map // password → func() (string, error)

// hashOf is password's hash, for a fixture's account.
func hashOf(t testing.TB, password string) string {
	t.Helper()
	once, _ := hashes.LoadOrStore(password, sync.OnceValues(func() (string, error) { return HashPassword(password) }))
	hash, err := once.(func() (string, error))()
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

// newStore is an empty store hosting example.test.
func newStore(t testing.TB) (*sqlite.Store, *store.Domain) {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d := &store.Domain{Name: "example.test"}
	if err := s.CreateDomain(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return s, d
}

func TestLogin_rules(t *testing.T) {
	ctx := context.Background()
	s, d := newStore(t)
	hash := hashOf(t, "pw")
	mk := func(local string, enabled, clients bool) {
		if err := s.CreateAccount(ctx, &store.Account{DomainID: d.ID, LocalPart: local, PasswordHash: hash, Enabled: enabled, ClientAccess: clients}); err != nil {
			t.Fatal(err)
		}
	}
	mk("ok", true, true)
	mk("off", false, true)
	mk("noclients", true, false)
	a := NewAuthenticator(s, false)
	loop := &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 1}
	remote := &net.TCPAddr{IP: net.ParseIP("198.51.100.7"), Port: 1}
	cases := []struct {
		name     string
		req      Request
		want     error
		wantAcct string
	}{
		{"ok", Request{Address: "OK@Example.test", Password: "pw", Protocol: ProtoSMTP, Remote: loop}, nil, "ok@example.test"},
		{"wrongPassword", Request{Address: "ok@example.test", Password: "nope", Protocol: ProtoSMTP, Remote: loop}, ErrInvalidCredentials, ""},
		{"unknownUser", Request{Address: "who@example.test", Password: "pw", Protocol: ProtoSMTP, Remote: loop}, ErrInvalidCredentials, ""},
		{"suspended", Request{Address: "off@example.test", Password: "pw", Protocol: ProtoIMAP, Remote: loop}, ErrSuspended, ""},
		{"suspendedWrongPasswordSaysNothing", Request{Address: "off@example.test", Password: "x", Protocol: ProtoIMAP, Remote: loop}, ErrInvalidCredentials, ""},
		{"clientAccessOff", Request{Address: "noclients@example.test", Password: "pw", Protocol: ProtoPOP3, Remote: loop}, ErrClientAccessOff, ""},
		{"clientAccessOffWebStillWorks", Request{Address: "noclients@example.test", Password: "pw", Protocol: ProtoWeb, Remote: loop}, nil, "noclients@example.test"},
		{"plaintextRemoteRefused", Request{Address: "ok@example.test", Password: "pw", Protocol: ProtoSMTP, Remote: remote}, ErrTLSRequired, ""},
		{"tlsRemoteOK", Request{Address: "ok@example.test", Password: "pw", Protocol: ProtoSMTP, Remote: remote, TLS: true}, nil, "ok@example.test"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			acct, err := a.Login(ctx, c.req)
			if err != c.want {
				t.Fatalf("err %v, want %v", err, c.want)
			}
			if c.wantAcct != "" && (acct == nil || acct.Address() != c.wantAcct) {
				t.Fatalf("account %v", acct)
			}
		})
	}
	for i := 0; i < 5; i++ {
		a.Login(ctx, Request{Address: "ok@example.test", Password: "bad", Protocol: ProtoSMTP, Remote: loop})
	}
	acct, _ := s.AccountByAddress(ctx, "ok@example.test")
	logins, _ := s.Logins(ctx, acct.ID, 100)
	var okN, failedN int
	for _, l := range logins {
		if l.IP != "127.0.0.1" && l.IP != "198.51.100.7" {
			t.Fatalf("login IP %q", l.IP)
		}
		if l.Success {
			okN++
		} else {
			failedN++
		}
	}
	if okN != 2 || failedN != 6 {
		t.Fatalf("access log: %d ok, %d failed; want 2 and 6", okN, failedN)
	}
	off, _ := s.AccountByAddress(ctx, "off@example.test")
	if l, _ := s.Logins(ctx, off.ID, 10); len(l) != 2 || l[0].Success || l[1].Success {
		t.Fatalf("a suspended account's refused logins: %+v", l)
	}
}

// The web login form takes an address or the operator's name: each goes
// to its own kind of principal, and the operator's name never opens a
// mail account (nor an address the console).
func TestWebLogin_addressOrOperator(t *testing.T) {
	ctx := context.Background()
	s, d := newStore(t)
	hash := hashOf(t, "pw")
	if err := s.CreateAccount(ctx, &store.Account{DomainID: d.ID, LocalPart: "boss", PasswordHash: hash, Enabled: true, Admin: true}); err != nil {
		t.Fatal(err)
	}
	opHash, _ := HashPassword("op-pw")
	if err := s.CreateOperator(ctx, &store.Operator{Name: "operator", PasswordHash: opHash}); err != nil {
		t.Fatal(err)
	}
	a := NewAuthenticator(s, false)
	loop := &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 1}
	remote := &net.TCPAddr{IP: net.ParseIP("198.51.100.7"), Port: 1}
	cases := []struct {
		name, login, password string
		remote                net.Addr
		tls                   bool
		want                  error
		role                  actor.Role
	}{
		{"operator", " Operator ", "op-pw", loop, false, nil, actor.RoleOperator},
		{"operatorWrongPassword", "operator", "pw", loop, false, ErrInvalidCredentials, ""},
		{"unknownName", "root", "op-pw", loop, false, ErrInvalidCredentials, ""},
		{"operatorAsAddressIsNoAccount", "operator@example.test", "op-pw", loop, false, ErrInvalidCredentials, ""},
		{"operatorPlainRemoteRefused", "operator", "op-pw", remote, false, ErrTLSRequired, ""},
		{"operatorOverTLS", "operator", "op-pw", remote, true, nil, actor.RoleOperator},
		{"domainAdmin", "boss@example.test", "pw", loop, false, nil, actor.RoleDomainAdmin},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, acct, err := a.WebLogin(ctx, Request{Address: c.login, Password: c.password, Remote: c.remote, TLS: c.tls})
			if err != c.want {
				t.Fatalf("err %v, want %v", err, c.want)
			}
			if p.Role != c.role {
				t.Fatalf("role %q, want %q", p.Role, c.role)
			}
			if (acct != nil) != (c.role == actor.RoleDomainAdmin) {
				t.Fatalf("account %v for role %q", acct, c.role)
			}
		})
	}
	for i := 0; i < DefaultLimits.Account; i++ {
		a.WebLogin(ctx, Request{Address: "operator", Password: "guess", Remote: remote, TLS: true})
	}
	if _, _, err := a.WebLogin(ctx, Request{Address: "operator", Password: "op-pw", Remote: remote, TLS: true}); !errors.Is(err, ErrTooManyFailures) {
		t.Fatalf("the operator's password once his budget is spent: %v, want ErrTooManyFailures", err)
	}
}
