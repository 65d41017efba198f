package auth

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"postroom/internal/store"
	"postroom/internal/store/sqlite"
)

// readsCounted counts the full reads Recheck makes of accounts.
type readsCounted struct {
	*sqlite.Store
	accounts atomic.Int64
}

func (r *readsCounted) Account(ctx context.Context, id int64) (*store.Account, error) {
	r.accounts.Add(1)
	return r.Store.Account(ctx, id)
}

// A login that still holds costs one read of the login epoch per
// command; a change made through another handle of the database (the
// command line, another node) is seen at the next command all the same.
func TestRecheck_readsTheAccountOnlyWhenTheEpochMoved(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	one, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	// another handle on the same database: the command line, another node
	other, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	d := &store.Domain{Name: "example.test"}
	if err := one.CreateDomain(ctx, d); err != nil {
		t.Fatal(err)
	}
	acct := &store.Account{DomainID: d.ID, LocalPart: "kim", PasswordHash: hashOf(t, "right-pw"), Enabled: true, ClientAccess: true}
	if err := one.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	counted := &readsCounted{Store: one}
	a := NewAuthenticator(counted, true)
	for range 5 {
		if err := a.Recheck(ctx, acct, ProtoIMAP); err != nil {
			t.Fatal(err)
		}
	}
	if n := counted.accounts.Load(); n != 1 {
		t.Fatalf("5 rechecks with nothing changed read the account %d times, want 1", n)
	}
	d, err = other.DomainByID(ctx, acct.DomainID)
	if err != nil {
		t.Fatal(err)
	}
	d.Suspended = true
	if err := other.UpdateDomain(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := a.Recheck(ctx, acct, ProtoIMAP); !errors.Is(err, ErrLoginEnded) || !errors.Is(err, ErrSuspended) {
		t.Fatalf("domain on hold through another handle: %v", err)
	}
	d.Suspended = false
	if err := other.UpdateDomain(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := a.Recheck(ctx, acct, ProtoIMAP); err != nil {
		t.Fatalf("domain released: %v", err)
	}
	// a web login and a mail-client login of one account are told apart:
	// turning the clients off ends only the second
	if err := a.Recheck(ctx, acct, ProtoWeb); err != nil {
		t.Fatal(err)
	}
	got, err := other.Account(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	got.ClientAccess = false
	if err := other.UpdateAccount(ctx, got); err != nil {
		t.Fatal(err)
	}
	if err := a.Recheck(ctx, acct, ProtoWeb); err != nil {
		t.Fatalf("clients off, web: %v", err)
	}
	if err := a.Recheck(ctx, acct, ProtoIMAP); !errors.Is(err, ErrClientAccessOff) {
		t.Fatalf("clients off, IMAP: %v", err)
	}
}

// The remembered logins are bounded.
func TestHeld_forgetsPastItsBound(t *testing.T) {
	var h held
	for i := range heldMax + 10 {
		h.add(7, heldKey{accountID: int64(i)})
	}
	if n := len(h.keys); n > heldMax {
		t.Fatalf("%d logins remembered, bound %d", n, heldMax)
	}
	if !h.holds(7, heldKey{accountID: heldMax + 9}) {
		t.Fatal("the newest login is not remembered")
	}
	if h.holds(8, heldKey{accountID: heldMax + 9}) {
		t.Fatal("a login is remembered across epochs")
	}
}
