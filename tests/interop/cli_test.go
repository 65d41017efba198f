package interop

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitTwice: init creates the data directory and its commented config;
// a second run is safe, exits 0 and says what exists.
func TestInitTwice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	args := []string{"init", "--data", dir, "--domain", testDomain, "--admin", adminAddr, "--password", testPassword}
	first := runCLI(context.Background(), args...)
	if first.err != nil || first.Code != 0 {
		t.Fatalf("first init: %s", first)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "postroom.toml"))
	if err != nil {
		t.Fatalf("init wrote no postroom.toml: %v", err)
	}
	if !strings.Contains(string(cfg), "#") || !strings.Contains(string(cfg), "[listen]") {
		t.Errorf("postroom.toml is not a commented config with a [listen] table:\n%s", cfg)
	}

	second := runCLI(context.Background(), args...)
	if second.err != nil || second.Code != 0 {
		t.Fatalf("second init: %s", second)
	}
	if !strings.Contains(strings.ToLower(second.Stdout+second.Stderr), "exist") {
		t.Errorf("second init does not say what exists: %s", second)
	}
	after, err := os.ReadFile(filepath.Join(dir, "postroom.toml"))
	if err != nil || string(after) != string(cfg) {
		t.Errorf("second init changed postroom.toml (err %v)", err)
	}
}

// rcptReply opens an MX transaction and returns the reply to RCPT TO.
func rcptReply(t *testing.T, s *Server, to string) reply {
	t.Helper()
	c := mustDial(t, s.Addr(t, "smtp"))
	defer c.Close()
	if r := c.mustCmd(t, "MAIL FROM:<sender@remote.example>"); r.Code != 250 {
		t.Fatalf("MAIL: %s", r)
	}
	return c.mustCmd(t, "RCPT TO:<%s>", to)
}

// authReply tries AUTH PLAIN on the submission port after STARTTLS.
func authReply(t *testing.T, s *Server, user, pass string) reply {
	t.Helper()
	c := mustDial(t, s.Addr(t, "submission"))
	defer c.Close()
	if err := c.StartTLS(); err != nil {
		t.Fatal(err)
	}
	r, err := c.AuthPlain(user, pass)
	if err != nil {
		t.Fatalf("AUTH: %v", err)
	}
	return r
}

func fieldsContain(out, want string) bool {
	for _, line := range strings.Split(out, "\n") {
		for _, f := range strings.Fields(line) {
			if strings.EqualFold(strings.Trim(f, "<>,"), want) {
				return true
			}
		}
	}
	return false
}

// TestCLIWhileServing changes domains and accounts with the CLI while the
// server runs; every change takes effect on the next SMTP transaction,
// without a restart.
func TestCLIWhileServing(t *testing.T) {
	// A server of its own: the failed login below must not slow the
	// logins of other tests.
	s := newServer(t, serverOptions{})
	dom := fmt.Sprintf("live%d.test", uniqueCounter.Add(1))
	user := "newcomer@" + dom

	if r := rcptReply(t, s, user); !r.Is(554, "5.7.1") {
		t.Errorf("RCPT to a domain not yet hosted: got %q, want 554 5.7.1", r)
	}

	s.MustCLI(t, "domain add", dom)
	if out := s.MustCLI(t, "domain list"); !fieldsContain(out, dom) {
		t.Errorf("domain list does not show %s:\n%s", dom, out)
	}
	if res := s.CLI(t, "domain add", dom); res.Code == 0 {
		t.Errorf("adding an existing domain succeeded: %s", res)
	}
	wantReply(t, "RCPT to an unknown user of the new domain", rcptReply(t, s, user), 550, "5.1.1")

	s.AddUser(t, user, "--name", "새 사용자", "--quota", "10000000")
	if out := s.MustCLI(t, "user list", dom); !fieldsContain(out, user) {
		t.Errorf("user list %s does not show %s:\n%s", dom, user, out)
	}
	if res := s.CLI(t, "user add", "--password", testPassword, user); res.Code == 0 {
		t.Errorf("adding an existing user succeeded: %s", res)
	}
	id := uniqueID("cli-new")
	if r := mxSend(t, s, "sender@remote.example", []string{user}, buildMessage("sender@remote.example", user, id, "welcome", 0)); r.Code != 250 {
		t.Fatalf("mail to a user created while serving: %q, want 250", r)
	}
	s.RequireMessage(t, user, "", id)
	if r := authReply(t, s, user, testPassword); r.Code != 235 {
		t.Errorf("AUTH as the new user: %q, want 235", r)
	}

	s.MustCLI(t, "user disable", user)
	wantReply(t, "RCPT to a disabled user", rcptReply(t, s, user), 550, "5.2.1")
	if r := authReply(t, s, user, testPassword); r.Code == 235 {
		t.Errorf("a disabled user could authenticate: %q", r)
	}
	s.MustCLI(t, "user enable", user)
	if r := rcptReply(t, s, user); r.Code != 250 {
		t.Errorf("RCPT after user enable: %q, want 250", r)
	}

	const newPassword = "Another-Interop-Pass-77?"
	s.MustCLI(t, "user passwd", "--password", newPassword, user)
	wantReply(t, "AUTH with the old password after passwd", authReply(t, s, user, testPassword), 535, "5.7.8")
	if r := authReply(t, s, user, newPassword); r.Code != 235 {
		t.Errorf("AUTH with the new password: %q, want 235", r)
	}

	s.MustCLI(t, "user remove", user)
	wantReply(t, "RCPT to a removed user", rcptReply(t, s, user), 550, "5.1.1")
	if out := s.MustCLI(t, "user list", dom); fieldsContain(out, user) {
		t.Errorf("user list still shows the removed %s:\n%s", user, out)
	}

	s.MustCLI(t, "domain remove", dom)
	wantReply(t, "RCPT to a removed domain", rcptReply(t, s, "someone@"+dom), 554, "5.7.1")
	if out := s.MustCLI(t, "domain list"); fieldsContain(out, dom) {
		t.Errorf("domain list still shows the removed %s:\n%s", dom, out)
	}
	s.RequireConsistent(t)
}
