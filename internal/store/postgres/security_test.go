package postgres

import (
	"errors"
	"testing"
	"time"

	"postroom/internal/store"
)

// The security policy's storage, which the conformance suite does not
// cover: a document per domain that goes with it, the time a password was
// set kept by the schema's triggers on every path that changes the hash
// (and only then), and the addresses of the logins in a period.
func TestSecurityStore(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	d := &store.Domain{Name: "example.test"}
	if err := s.CreateDomain(ctx, d); err != nil {
		t.Fatal(err)
	}
	if doc, err := s.DomainSecurity(ctx, d.ID); err != nil || doc != nil {
		t.Fatalf("never saved: %q %v", doc, err)
	}
	if err := s.SaveDomainSecurity(ctx, d.ID+1, []byte(`{}`)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("saving for no domain: %v", err)
	}
	for _, doc := range []string{`{"block_all":true}`, `{"block_all":false}`} {
		if err := s.SaveDomainSecurity(ctx, d.ID, []byte(doc)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.DomainSecurity(ctx, d.ID); err != nil || string(got) != doc {
			t.Errorf("read back %q: %q %v", doc, got, err)
		}
	}

	a := &store.Account{DomainID: d.ID, LocalPart: "kim", PasswordHash: "h1", Enabled: true}
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	created, err := s.PasswordSetAt(ctx, a.ID)
	if err != nil || !created.Equal(a.CreatedAt) {
		t.Fatalf("set at creation: %v %v, want %v", created, err, a.CreatedAt)
	}
	a.DisplayName = "김"
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PasswordSetAt(ctx, a.ID); !got.Equal(created) {
		t.Errorf("a name change moved the password's time: %v", got)
	}
	// Wind the record back to the epoch, so that a trigger that did not
	// fire shows whatever the clocks say.
	if _, err := s.pool.Exec(ctx, `UPDATE password_set SET set_at = 0 WHERE account_id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	a.PasswordHash = "h2"
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	// the trigger reads the server's clock, to the microsecond
	viaAdmin, _ := s.PasswordSetAt(ctx, a.ID)
	if viaAdmin.Before(created.Truncate(time.Microsecond)) {
		t.Errorf("an administrator's new password: set at %v (created %v)", viaAdmin, created)
	}
	if err := s.SetAccountPassword(ctx, a.ID, "h3", "", "c"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PasswordSetAt(ctx, a.ID); got.Before(viaAdmin) {
		t.Errorf("the user's new password: set at %v, before %v", got, viaAdmin)
	}
	if err := s.DeleteAccount(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PasswordSetAt(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a removed account's password time: %v", err)
	}

	b := &store.Account{DomainID: d.ID, LocalPart: "lee", PasswordHash: "h", Enabled: true}
	if err := s.CreateAccount(ctx, b); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for i, l := range []store.Login{{IP: "192.0.2.1", Success: true}, {IP: "192.0.2.2"}, {IP: "192.0.2.3", Success: true},
		{IP: "192.0.2.4", Success: true}} {
		l.AccountID, l.Time, l.Protocol = b.ID, t0.Add(time.Duration(i)*time.Hour), "web"
		if err := s.RecordLogin(ctx, &l); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LoginAddressesBetween(ctx, b.ID, t0, t0.Add(3*time.Hour), 10)
	if err != nil || len(got) != 2 || got[0] != "192.0.2.3" || got[1] != "192.0.2.1" {
		t.Errorf("successful logins in [t0, t0+3h): %v %v", got, err)
	}

	if err := s.DeleteDomain(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM domain_security`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a removed domain's policy stays: %d %v", n, err)
	}
}
