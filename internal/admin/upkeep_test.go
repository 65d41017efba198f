package admin

import (
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// The operator's work (the first operator, the queue, check and GC) is
// the operator's alone; a domain administrator gets ErrForbidden.
func TestOperatorWork_isTheOperatorsAlone(t *testing.T) {
	s, b := newService(t)
	s.Blobs = b.Blobs
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	if _, err := s.EnsureOperator(b.Ctx, boss); !errors.Is(err, ErrForbidden) {
		t.Errorf("EnsureOperator as an administrator: %v", err)
	}
	pw, err := s.EnsureOperator(b.Ctx, actor.CommandLine)
	if err != nil || len(pw) < 12 {
		t.Fatalf("first operator: %q %v", pw, err)
	}
	if again, err := s.EnsureOperator(b.Ctx, actor.CommandLine); err != nil || again != "" {
		t.Fatalf("second EnsureOperator made another password: %q %v", again, err)
	}
	if _, err := s.Queue(b.Ctx, boss); !errors.Is(err, ErrForbidden) {
		t.Errorf("Queue as an administrator: %v", err)
	}
	if err := s.DropQueued(b.Ctx, boss, 1); !errors.Is(err, ErrForbidden) {
		t.Errorf("DropQueued as an administrator: %v", err)
	}
	if _, err := s.Check(b.Ctx, boss); !errors.Is(err, ErrForbidden) {
		t.Errorf("Check as an administrator: %v", err)
	}
	if _, err := s.CollectGarbage(b.Ctx, boss, time.Hour); !errors.Is(err, ErrForbidden) {
		t.Errorf("CollectGarbage as an administrator: %v", err)
	}
	b.Put(b.Account("kim", nil).ID, "INBOX", "Subject: kept\r\n\r\nx\r\n")
	rep, err := s.Check(b.Ctx, actor.CommandLine)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("check: %+v %v", rep, err)
	}
	if err := s.RetryQueued(b.Ctx, actor.CommandLine, 12345); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("retry of an unknown queue id: %v", err)
	}
}

// An administrator changes his domain's accounts, checked before writing;
// another domain's are not found.
func TestUpdateAccount_checkedAndScoped(t *testing.T) {
	s, b := newService(t)
	if _, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test"); err != nil {
		t.Fatal(err)
	}
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	b.Account("kim", nil)
	if _, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "lee@other.test", Password: "long-enough"}); err != nil {
		t.Fatal(err)
	}
	off, quota, bad := false, int64(-1), "shred"
	if _, err := s.UpdateAccount(b.Ctx, boss, "kim@example.test", AccountChange{Quota: &quota}); err == nil {
		t.Fatal("a negative quota was saved")
	}
	if _, err := s.UpdateAccount(b.Ctx, boss, "kim@example.test", AccountChange{POP3Delete: &bad}); err == nil {
		t.Fatal("an unknown POP3 delete setting was saved")
	}
	name := "김민지"
	a, err := s.UpdateAccount(b.Ctx, boss, "KIM@example.test", AccountChange{Enabled: &off, Name: &name})
	if err != nil || a.Enabled || a.DisplayName != name || a.QuotaBytes != 0 {
		t.Fatalf("update: %+v %v", a, err)
	}
	if _, err := s.UpdateAccount(b.Ctx, boss, "lee@other.test", AccountChange{Enabled: &off}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another domain's account: %v", err)
	}
	if err := s.DeleteAccount(b.Ctx, boss, "lee@other.test"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete in another domain: %v", err)
	}
	if _, err := s.AccessLog(b.Ctx, boss, "lee@other.test", 10); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another domain's access log: %v", err)
	}
	if err := s.DeleteAccount(b.Ctx, boss, "kim@example.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.AccountByAddress(b.Ctx, "kim@example.test"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted account still there: %v", err)
	}
}

// A message whose file a crash kept from the disk after its row
// committed (its key marked pending) is reported unfinished, for the
// server's next start to expunge, not as a problem; a missing file no
// mark explains is a problem.
func TestCheck_unfinishedFilesAreNotProblems(t *testing.T) {
	s, b := newService(t)
	s.Blobs = b.Blobs
	if _, ok := b.Store.(store.PendingBlobStore); !ok {
		t.Skip("only SQLite marks files pending")
	}
	kim := b.Account("kim", nil)
	in, err := b.Store.MailboxByRole(b.Ctx, kim.ID, store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	unfinished, lost := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	for _, c := range []struct {
		key     string
		pending bool
	}{{unfinished, true}, {lost, false}} {
		nm := &store.NewMessage{AccountID: kim.ID, MailboxID: in.ID, BlobKey: c.key, Size: 100 << 10,
			InternalDate: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), BlobPending: c.pending}
		if _, err := b.Store.AppendMessage(b.Ctx, nm); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := s.Check(b.Ctx, actor.CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unfinished) != 1 || rep.Unfinished[0] != unfinished {
		t.Errorf("unfinished %v, want %s", rep.Unfinished, unfinished)
	}
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], lost) {
		t.Errorf("problems %v, want the file of %s missing", rep.Problems, lost)
	}
}
