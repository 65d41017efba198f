package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/internal/store"
)

// linkFixture is the policy fixture with login links on, the clock at a
// fixed instant.
func linkFixture(t *testing.T) *policyFixture {
	t.Helper()
	f := newPolicyFixture(t, time.Date(2026, 5, 6, 3, 0, 0, 0, time.UTC))
	f.s.Links = f.st
	return f
}

// link stores a link of acct living life from now and returns its secret.
func (f *policyFixture) link(t *testing.T, acct *store.Account, life time.Duration) string {
	t.Helper()
	secret, hash, err := NewLoginLink()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, linkPrefix) || len(secret) < len(linkPrefix)+22 || hash == secret || hash != LinkHash(secret) {
		t.Fatalf("secret %q, hash %q", secret, hash)
	}
	if err := f.st.CreateLoginLink(f.ctx, &store.LoginLink{Hash: hash, AccountID: acct.ID, DomainID: acct.DomainID,
		CreatedBy: "token hr", Expires: f.clock.Now().Add(life)}); err != nil {
		t.Fatal(err)
	}
	return secret
}

func (f *policyFixture) useLink(secret, ip string) (*Session, error) {
	return f.s.LoginWithLink(f.ctx, secret, Client{Remote: tcp(ip), TLS: true}, ProtoWeb)
}

// A link starts a session of its account once: the session works like a
// password login's, the access log shows a web login, and the second use
// is refused.
func TestLoginLink_usedOnce(t *testing.T) {
	f := linkFixture(t)
	secret := f.link(t, f.alice, MaxLinkLife)
	sess, err := f.useLink(secret, "198.51.100.7")
	if err != nil {
		t.Fatal(err)
	}
	if sess.Actor.AccountID != f.alice.ID || sess.Account == nil || sess.Language != "ko" || sess.Token == "" || sess.CSRF == "" {
		t.Errorf("session %+v", sess)
	}
	if got, err := f.s.Load(f.ctx, sess.Token, Client{Remote: tcp("198.51.100.7")}); err != nil || got.Actor.AccountID != f.alice.ID {
		t.Errorf("the session's next use: %v %+v", err, got)
	}
	if _, err := f.useLink(secret, "198.51.100.7"); !errors.Is(err, ErrLinkInvalid) {
		t.Errorf("second use: %v, want ErrLinkInvalid", err)
	}
	logins, err := f.st.Logins(f.ctx, f.alice.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(logins) != 1 || !logins[0].Success || logins[0].Protocol != string(ProtoWeb) || logins[0].IP != "198.51.100.7" {
		t.Errorf("access log %+v, want one successful web login from 198.51.100.7", logins)
	}
	for _, bad := range []string{"", "prl_", "prt_" + secret[4:], secret + "x", strings.Repeat("prl_", 40)} {
		if _, err := f.useLink(bad, "198.51.100.7"); !errors.Is(err, ErrLinkInvalid) {
			t.Errorf("secret %q: %v, want ErrLinkInvalid", bad, err)
		}
	}
}

// A link lives MaxLinkLife on the server's clock: a second before, it
// works; at two minutes, it does not.
func TestLoginLink_expiresAfterTwoMinutes(t *testing.T) {
	f := linkFixture(t)
	late, inTime := f.link(t, f.alice, MaxLinkLife), f.link(t, f.alice, MaxLinkLife)
	f.clock.Set(f.clock.Now().Add(MaxLinkLife - time.Second))
	if _, err := f.useLink(inTime, "198.51.100.7"); err != nil {
		t.Errorf("a second before the expiry: %v", err)
	}
	f.clock.Set(f.clock.Now().Add(time.Second))
	if _, err := f.useLink(late, "198.51.100.7"); !errors.Is(err, ErrLinkInvalid) {
		t.Errorf("at two minutes: %v, want ErrLinkInvalid", err)
	}
}

// A suspended account (service OFF) and an account of a domain on hold
// are refused as at the login form, and the refusal is in the access
// log; the link is spent.
func TestLoginLink_suspendedRefused(t *testing.T) {
	f := linkFixture(t)
	secret := f.link(t, f.alice, MaxLinkLife)
	off := *f.alice
	off.Enabled = false
	if err := f.st.UpdateAccount(f.ctx, &off); err != nil {
		t.Fatal(err)
	}
	if _, err := f.useLink(secret, "198.51.100.7"); !errors.Is(err, ErrSuspended) {
		t.Fatalf("suspended account: %v, want ErrSuspended", err)
	}
	logins, err := f.st.Logins(f.ctx, f.alice.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(logins) != 1 || logins[0].Success {
		t.Errorf("access log %+v, want one refused login", logins)
	}
	off.Enabled = true
	if err := f.st.UpdateAccount(f.ctx, &off); err != nil {
		t.Fatal(err)
	}
	if _, err := f.useLink(secret, "198.51.100.7"); !errors.Is(err, ErrLinkInvalid) {
		t.Errorf("the refused link again: %v, want ErrLinkInvalid", err)
	}

	held := *f.dom
	held.Suspended = true
	if err := f.st.UpdateDomain(f.ctx, &held); err != nil {
		t.Fatal(err)
	}
	if _, err := f.useLink(f.link(t, f.alice, MaxLinkLife), "198.51.100.7"); !errors.Is(err, ErrSuspended) {
		t.Errorf("domain on hold: %v, want ErrSuspended", err)
	}
}

// M7 applies to a link as to a password: a user from outside the
// allowed networks is refused with the reason, an administrator is
// admitted from anywhere.
func TestLoginLink_allowedIPsApplyToUsers(t *testing.T) {
	f := linkFixture(t)
	f.setPolicy(t, func(s *Security) { s.AllowedIPs = []string{"203.0.113.0/24"} })
	_, err := f.useLink(f.link(t, f.alice, MaxLinkLife), "198.51.100.7")
	if !errors.Is(err, ErrAccessDenied) || AccessReason(err) != ReasonIPNotAllowed {
		t.Errorf("user from outside: %v, want %s", err, ReasonIPNotAllowed)
	}
	if _, err := f.useLink(f.link(t, f.alice, MaxLinkLife), "203.0.113.9"); err != nil {
		t.Errorf("user from an allowed network: %v", err)
	}
	if _, err := f.useLink(f.link(t, f.boss, MaxLinkLife), "198.51.100.7"); err != nil {
		t.Errorf("administrator from outside: %v", err)
	}
}

// M11: a link does not skip the change of an expired password.
func TestLoginLink_expiredPasswordMustChange(t *testing.T) {
	// the store records when a password is set on its own clock
	f := newPolicyFixture(t, time.Now().Add(91*24*time.Hour))
	f.s.Links = f.st
	f.setPolicy(t, func(s *Security) { s.PasswordPolicy = PasswordRules{ChangeDays: 90} })
	sess, err := f.useLink(f.link(t, f.alice, MaxLinkLife), "203.0.113.9")
	if err != nil || !sess.MustChangePassword() {
		t.Errorf("expired password: %v %+v", err, sess)
	}
}
