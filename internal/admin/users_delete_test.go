package admin

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/jobs"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// heard is a Publisher that keeps what it was told.
type heard struct {
	mu sync.Mutex
	ev []events.Event
}

func (h *heard) Publish(e events.Event) { h.mu.Lock(); h.ev = append(h.ev, e); h.mu.Unlock() }

func (h *heard) accounts() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var ids []int64
	for _, e := range h.ev {
		if e.Kind == events.AccountChange {
			ids = append(ids, e.AccountID)
		}
	}
	return ids
}

func withJobs(t *testing.T, s *Service, b *testbed.Bed) *jobs.Runner {
	r := &jobs.Runner{Store: b.Store, Log: testbed.Quiet(), Now: s.Now}
	t.Cleanup(r.Close)
	s.Jobs = r
	return r
}

// An administrator deletes two accounts of his domain as a job: their
// mail, folders and blob references go, their logins end, each is in
// the audit log, and the job reports 2 of 2 to him and to the domain's
// token.
func TestDeleteUsers_deletesAccountsWithTheirMail(t *testing.T) {
	s, b := newService(t)
	h := &heard{}
	s.Events = h
	r := withJobs(t, s, b)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	boss.Remote = "203.0.113.9"
	alice := b.Account("alice", nil)
	bob := b.Account("bob", nil)
	carol := b.Account("carol", nil)
	m := b.Put(alice.ID, "INBOX", "Subject: hello\r\n\r\nalice's mail\r\n")
	b.Put(bob.ID, "INBOX", "Subject: hi\r\n\r\nbob's mail\r\n")
	kept := b.Put(carol.ID, "INBOX", "Subject: stays\r\n\r\ncarol's mail\r\n")

	j, err := s.DeleteUsers(b.Ctx, boss, []int64{alice.ID, bob.ID, alice.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(b.Ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	for _, who := range []actor.Actor{boss, actor.Token(boss.DomainID, "erp")} {
		got, err := r.Get(b.Ctx, who, j.ID)
		if err != nil || got.State != store.JobDone || got.Done != 2 || got.Total != 2 || string(got.Result) != `{"deleted":2,"gone":0}` {
			t.Errorf("%s reads the job: %+v %v", who.Name, got, err)
		}
	}
	for _, a := range []*store.Account{alice, bob} {
		if _, err := b.Store.Account(b.Ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s still there: %v", a.Address(), err)
		}
	}
	if ok, err := b.Store.BlobReferenced(b.Ctx, m.BlobKey); ok || err != nil {
		t.Errorf("alice's message is still referenced: %v %v", ok, err)
	}
	if n, _ := b.Store.BlobRefCount(b.Ctx, m.BlobKey); n != 0 {
		t.Errorf("alice's message has %d references", n)
	}
	if ok, _ := b.Store.BlobReferenced(b.Ctx, kept.BlobKey); !ok {
		t.Errorf("carol's message lost its reference")
	}
	if ids := h.accounts(); !slices.Contains(ids, alice.ID) || !slices.Contains(ids, bob.ID) || slices.Contains(ids, carol.ID) {
		t.Errorf("accounts announced: %v", ids)
	}
	log, err := b.Store.AuditEntries(b.Ctx, boss.DomainID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, e := range log {
		if e.Action == "user.delete" {
			deleted = append(deleted, e.Target)
			if e.Actor != "boss@example.test" || e.Remote != "203.0.113.9" {
				t.Errorf("audit entry %+v", e)
			}
		}
	}
	slices.Sort(deleted)
	if !slices.Equal(deleted, []string{"alice@example.test", "bob@example.test"}) {
		t.Errorf("audited deletions: %v", deleted)
	}
}

// Every id is checked before anything is deleted: another domain's is
// not found, the administrator's own account and the domain's last
// administrators are refused, a user may not delete at all; each time
// nobody is deleted.
func TestDeleteUsers_refusalsDeleteNothing(t *testing.T) {
	s, b := newService(t)
	withJobs(t, s, b)
	bossAcct := b.Account("boss", func(a *store.Account) { a.Admin = true })
	boss := actor.User(bossAcct)
	alice := b.Account("alice", nil)
	other, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test")
	if err != nil {
		t.Fatal(err)
	}
	victim := b.Account("victim", func(a *store.Account) { a.DomainID = other.ID })
	token := actor.Token(bossAcct.DomainID, "erp")

	if _, err := s.DeleteUsers(b.Ctx, boss, []int64{alice.ID, victim.ID}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another domain's id: %v", err)
	}
	_, err = s.DeleteUsers(b.Ctx, boss, []int64{alice.ID, bossAcct.ID})
	wantInvalid(t, err, "ids", "own_account")
	// a token is no account: it may delete an administrator, not the last
	_, err = s.DeleteUsers(b.Ctx, token, []int64{alice.ID, bossAcct.ID})
	wantInvalid(t, err, "ids", "last_admin")
	_, err = s.DeleteUsers(b.Ctx, token, nil)
	wantInvalid(t, err, "ids", "ids_required")
	if _, err := s.DeleteUsers(b.Ctx, actor.User(alice), []int64{alice.ID}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user deletes: %v", err)
	}
	for _, a := range []*store.Account{bossAcct, alice, victim} {
		if _, err := b.Store.Account(b.Ctx, a.ID); err != nil {
			t.Errorf("%s was deleted: %v", a.Address(), err)
		}
	}
	// with a second administrator, the token may delete the first
	b.Account("deputy", func(a *store.Account) { a.Admin = true })
	if _, err := s.DeleteUsers(b.Ctx, token, []int64{bossAcct.ID}); err != nil {
		t.Errorf("an administrator who is not the last: %v", err)
	}
}

// The backup is for the domain's administrators only: it names the
// account and acts as the system for it, and is audited.
func TestBackupUser_tenancyAndAudit(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	alice := b.Account("alice", nil)
	other, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test")
	if err != nil {
		t.Fatal(err)
	}
	eve := actor.User(b.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true }))
	if _, _, err := s.BackupUser(b.Ctx, eve, alice.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another domain's administrator: %v", err)
	}
	if _, _, err := s.BackupUser(b.Ctx, actor.User(alice), alice.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user: %v", err)
	}
	a, sys, err := s.BackupUser(b.Ctx, boss, alice.ID)
	if err != nil || a.ID != alice.ID || sys.Role != actor.RoleSystem || sys.AccountID != alice.ID {
		t.Fatalf("backup: %+v %+v %v", a, sys, err)
	}
	log, _ := b.Store.AuditEntries(b.Ctx, boss.DomainID, 0, 10)
	if len(log) != 1 || log[0].Action != "user.backup" || log[0].Target != "alice@example.test" {
		t.Errorf("audit: %+v", log)
	}
}
