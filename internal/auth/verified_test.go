package auth

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// A phone logging in again with its right password costs no second hash;
// a wrong one is checked every time; a changed password, a suspension
// and the mail-client switch apply at the very next login; after the TTL
// the password is checked again.
func TestLogin_aRightPasswordIsRememberedNotAWrongOne(t *testing.T) {
	f := newLimits(t)
	f.a.verify = func(hash, password string) bool { f.checks.Add(1); return VerifyPassword(hash, password) }
	for i := range 3 {
		if err := f.login("kim@example.test", "right-pw", "192.0.2.10", ProtoIMAP); err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
	}
	if n := f.checks.Load(); n != 1 {
		t.Fatalf("three logins with the right password took %d checks, want 1", n)
	}
	for range 2 {
		if err := f.login("kim@example.test", "wrong-pw", "192.0.2.10", ProtoIMAP); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("a wrong password: %v", err)
		}
	}
	if n := f.checks.Load(); n != 3 {
		t.Fatalf("two wrong passwords took %d checks in all, want 3: a failure is checked every time", n)
	}

	f.kim.Enabled = false
	if err := f.st.UpdateAccount(f.ctx, f.kim); err != nil {
		t.Fatal(err)
	}
	if err := f.login("kim@example.test", "right-pw", "192.0.2.10", ProtoIMAP); !errors.Is(err, ErrSuspended) {
		t.Fatalf("suspended, the remembered password: %v, want ErrSuspended", err)
	}
	f.kim.Enabled, f.kim.ClientAccess = true, false
	if err := f.st.UpdateAccount(f.ctx, f.kim); err != nil {
		t.Fatal(err)
	}
	if err := f.login("kim@example.test", "right-pw", "192.0.2.10", ProtoIMAP); !errors.Is(err, ErrClientAccessOff) {
		t.Fatalf("mail clients off, the remembered password: %v", err)
	}

	// a new password (the hash changes): the old one no longer passes
	f.kim.ClientAccess = true
	f.kim.PasswordHash, _ = HashPassword("new-pw")
	if err := f.st.UpdateAccount(f.ctx, f.kim); err != nil {
		t.Fatal(err)
	}
	before := f.checks.Load()
	if err := f.login("kim@example.test", "right-pw", "192.0.2.10", ProtoIMAP); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("the old password after a change: %v", err)
	}
	if f.checks.Load() != before+1 {
		t.Fatal("the old password after a change was not checked")
	}

	// the TTL
	f.login("kim@example.test", "new-pw", "192.0.2.10", ProtoIMAP)
	f.clock.Add(verifiedTTL - time.Second)
	f.login("kim@example.test", "new-pw", "192.0.2.10", ProtoIMAP)
	mid := f.checks.Load()
	f.clock.Add(2 * time.Second)
	if err := f.login("kim@example.test", "new-pw", "192.0.2.10", ProtoIMAP); err != nil {
		t.Fatal(err)
	}
	if f.checks.Load() != mid+1 {
		t.Fatalf("after the TTL the password was not checked again (%d → %d)", mid, f.checks.Load())
	}
}

// The remembered passwords are bounded in number, and none is kept as
// it was typed.
func TestVerified_isBoundedAndKeepsNoPassword(t *testing.T) {
	v := &verified{max: 100}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 1000 {
		v.add("hash", fmt.Sprintf("password-%d", i), now)
	}
	if v.len() != 100 {
		t.Fatalf("%d entries, want at most 100", v.len())
	}
	if !v.has("hash", "password-999", now) || v.has("hash", "password-0", now) {
		t.Fatal("the newest is not kept, or the oldest was not dropped")
	}
	if len(v.order) > 2*v.max+1 {
		t.Fatalf("the eviction order grew to %d", len(v.order))
	}
	for k := range v.until {
		if string(k[:]) == "password-999" {
			t.Fatal("a password is kept as typed")
		}
	}
	other := &verified{}
	other.add("hash", "password-999", now)
	if other.sum("hash", "password-999") == v.sum("hash", "password-999") {
		t.Fatal("two processes' keys give the same entry")
	}
}

// BenchmarkLogin_rightPassword is an IMAP login with the right password,
// the real argon2id check, without (first) and with the remembered
// password: report the ratio.
func BenchmarkLogin_rightPassword(b *testing.B) {
	for _, remember := range []bool{false, true} {
		b.Run(fmt.Sprintf("remembered=%v", remember), func(b *testing.B) {
			f := newLimits(b)
			f.a.verify = nil
			for b.Loop() {
				if !remember {
					f.a.verified = verified{}
				}
				if err := f.login("kim@example.test", "right-pw", "192.0.2.10", ProtoIMAP); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
