package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/jobs"
	"postroom/internal/mail"
	"postroom/internal/search"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// copyBed is a service that can copy mailboxes: the bed's mail service
// and a job runner.
func copyBed(t *testing.T) (*Service, *testbed.Bed, *jobs.Runner) {
	s, b := newService(t)
	r := &jobs.Runner{Store: b.Store, Log: testbed.Quiet()}
	t.Cleanup(r.Close)
	s.Mail, s.Jobs, s.Log = b.Mail, r, testbed.Quiet()
	return s, b, r
}

func copyRaw(subject string) string {
	return fmt.Sprintf("From: a@remote.test\r\nTo: kim@example.test\r\nSubject: %s\r\nMessage-ID: <%s@remote.test>\r\n\r\nbody of %s\r\n",
		subject, subject, subject)
}

// runCopy copies and waits for the job's end; it returns the job.
func runCopy(t *testing.T, s *Service, r *jobs.Runner, b *testbed.Bed, p actor.Actor, from, to int64) *store.Job {
	t.Helper()
	j, err := s.CopyMailbox(b.Ctx, p, from, to)
	if err != nil {
		t.Fatalf("CopyMailbox: %v", err)
	}
	if j.Kind != JobMailboxCopy {
		t.Fatalf("job kind %q", j.Kind)
	}
	if err := r.Wait(b.Ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	j, err = r.Get(b.Ctx, p, j.ID)
	if err != nil {
		t.Fatalf("the administrator reads his job: %v", err)
	}
	return j
}

func copyResult(t *testing.T, j *store.Job) CopyResult {
	t.Helper()
	if j.State != store.JobDone {
		t.Fatalf("job %s: %s", j.State, j.Error)
	}
	var res CopyResult
	if err := json.Unmarshal(j.Result, &res); err != nil {
		t.Fatalf("result %s: %v", j.Result, err)
	}
	return res
}

// folderMessages maps the account's folder names to the subjects in them
// and the flags of each subject.
func folderMessages(t *testing.T, b *testbed.Bed, accountID int64) (map[string][]string, map[string][]string, map[string]time.Time) {
	t.Helper()
	mbs, err := b.Store.Mailboxes(b.Ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	subjects, flags, dates := map[string][]string{}, map[string][]string{}, map[string]time.Time{}
	for _, mb := range mbs {
		subjects[mb.Name] = []string{}
		err := b.Store.Messages(b.Ctx, accountID, mb.ID, func(m *store.Message) error {
			subjects[mb.Name] = append(subjects[mb.Name], m.Envelope.Subject)
			flags[m.Envelope.Subject] = m.Flags
			dates[m.Envelope.Subject] = m.InternalDate
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return subjects, flags, dates
}

// Every folder is copied, a nested user folder created with its parent,
// special folders by role; flags but \Recent and the internal date are
// kept; the target's usage grows by what was copied and he hears of it;
// the administrator's copy is in the audit log.
func TestCopyMailbox_everyFolderFlagsUsageAndEvents(t *testing.T) {
	s, b, r := copyBed(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	kim := b.Account("kim", nil)
	lee := b.Account("lee", nil)
	if _, err := b.Store.CreateMailbox(b.Ctx, kim.ID, "Projects/2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.CreateMailbox(b.Ctx, lee.ID, "Projects"); err != nil { // the parent exists already
		t.Fatal(err)
	}
	in1 := b.Put(kim.ID, "INBOX", copyRaw("in1"))
	b.Put(kim.ID, "INBOX", copyRaw("in2"))
	b.Put(kim.ID, "Sent", copyRaw("sent1"))
	b.Put(kim.ID, "Projects/2026", copyRaw("plan"))
	if _, err := b.Store.StoreFlags(b.Ctx, kim.ID, in1.MailboxID, []uint32{in1.UID}, store.FlagsAdd,
		[]string{store.FlagSeen, store.FlagFlagged, "$Important", `\Recent`}); err != nil {
		t.Fatal(err)
	}
	before, err := b.Store.Account(b.Ctx, lee.ID)
	if err != nil {
		t.Fatal(err)
	}
	heard, stop := b.Bus.Subscribe(lee.ID)
	defer stop()

	res := copyResult(t, runCopy(t, s, r, b, boss, kim.ID, lee.ID))
	if res != (CopyResult{Copied: 4, FoldersCreated: 1}) {
		t.Fatalf("result %+v, want 4 copied and Projects/2026 created", res)
	}
	subjects, flags, dates := folderMessages(t, b, lee.ID)
	want := map[string][]string{"INBOX": {"in1", "in2"}, "Sent": {"sent1"}, "Projects": {}, "Projects/2026": {"plan"},
		"Drafts": {}, "Trash": {}, "Spam": {}, "Archive": {}}
	for name, w := range want {
		if !slices.Equal(subjects[name], w) {
			t.Errorf("target's %s: %v, want %v", name, subjects[name], w)
		}
	}
	if len(subjects) != len(want) {
		t.Errorf("target's folders %v", subjects)
	}
	if f := flags["in1"]; !slices.Contains(f, store.FlagSeen) || !slices.Contains(f, store.FlagFlagged) ||
		!slices.Contains(f, "$Important") || slices.Contains(f, `\Recent`) {
		t.Errorf("in1's flags in the target: %v", f)
	}
	if len(flags["in2"]) != 0 {
		t.Errorf("in2's flags in the target: %v", flags["in2"])
	}
	if !dates["in1"].Equal(in1.InternalDate) {
		t.Errorf("internal date %v, want %v", dates["in1"], in1.InternalDate)
	}
	after, err := b.Store.Account(b.Ctx, lee.ID)
	if err != nil {
		t.Fatal(err)
	}
	srcAcct, err := b.Store.Account(b.Ctx, kim.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Usage.Bytes-before.Usage.Bytes != srcAcct.Usage.Bytes || after.Usage.Messages != 4 {
		t.Errorf("target usage %+v (before %+v), source %+v", after.Usage, before.Usage, srcAcct.Usage)
	}
	news := 0
	for len(heard) > 0 {
		if e := <-heard; e.Kind == events.MessageNew {
			news++
		}
	}
	if news != 4 {
		t.Errorf("the target heard of %d new messages, want 4", news)
	}
	// copies are searchable as delivered mail is (through the mail
	// service, which writes the terms that wait first)
	found, err := b.Mail.Search(b.Ctx, actor.User(lee), mail.SearchRequest{Query: store.SearchQuery{Subject: search.Parse("plan"), Limit: 10}})
	if err != nil || found.Total != 1 {
		t.Errorf("search for the copied message: %+v, %v", found, err)
	}
	log, err := s.Audit(b.Ctx, boss, "example.test", 0, 10)
	if err != nil || (len(log) == 0 || log[0].Action != "mailbox.copy" || log[0].Target != "lee@example.test") {
		t.Errorf("audit %+v", log)
	}
}

// Run twice, the copy copies nothing the second time; a message that
// came to the source meanwhile is copied alone, and a copy the target
// deleted is not brought back.
func TestCopyMailbox_twiceCopiesOnlyWhatIsNew(t *testing.T) {
	s, b, r := copyBed(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	kim := b.Account("kim", nil)
	lee := b.Account("lee", nil)
	b.Put(kim.ID, "INBOX", copyRaw("one"))
	b.Put(kim.ID, "INBOX", copyRaw("two"))
	if res := copyResult(t, runCopy(t, s, r, b, boss, kim.ID, lee.ID)); res != (CopyResult{Copied: 2}) {
		t.Fatalf("first run %+v", res)
	}
	if res := copyResult(t, runCopy(t, s, r, b, boss, kim.ID, lee.ID)); res != (CopyResult{Skipped: 2}) {
		t.Fatalf("second run %+v, want all skipped", res)
	}
	b.Put(kim.ID, "INBOX", copyRaw("three"))
	inbox, err := b.Store.MailboxByRole(b.Ctx, lee.ID, store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	uids, err := b.Store.MessageUIDs(b.Ctx, lee.ID, inbox.ID, 0)
	if err != nil || len(uids) != 2 {
		t.Fatalf("target's inbox %v, %v", uids, err)
	}
	if _, err := b.Store.Expunge(b.Ctx, lee.ID, inbox.ID, uids[:1]); err != nil { // lee deleted "one"
		t.Fatal(err)
	}
	if res := copyResult(t, runCopy(t, s, r, b, boss, kim.ID, lee.ID)); res != (CopyResult{Copied: 1, Skipped: 2}) {
		t.Fatalf("third run %+v, want the new message alone", res)
	}
	subjects, _, _ := folderMessages(t, b, lee.ID)
	if !slices.Equal(subjects["INBOX"], []string{"two", "three"}) {
		t.Fatalf("target's inbox %v", subjects["INBOX"])
	}
}

// Only an administrator copies, only between accounts of his own domain,
// never an account onto itself.
func TestCopyMailbox_rules(t *testing.T) {
	s, b, _ := copyBed(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	kim := b.Account("kim", nil)
	lee := b.Account("lee", nil)
	other := &store.Domain{Name: "other.test"}
	if err := b.Store.CreateDomain(b.Ctx, other); err != nil {
		t.Fatal(err)
	}
	stranger := &store.Account{DomainID: other.ID, LocalPart: "park", Enabled: true}
	if err := b.Store.CreateAccount(b.Ctx, stranger); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CopyMailbox(b.Ctx, actor.User(kim), kim.ID, lee.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user copied: %v", err)
	}
	if _, err := s.UserFolders(b.Ctx, actor.User(kim), lee.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user read folders: %v", err)
	}
	for _, c := range [][2]int64{{stranger.ID, lee.ID}, {kim.ID, stranger.ID}, {kim.ID, 999999}} {
		if _, err := s.CopyMailbox(b.Ctx, boss, c[0], c[1]); !errors.Is(err, ErrNotFound) {
			t.Errorf("copy %v: %v, want not found", c, err)
		}
	}
	if _, err := s.UserFolders(b.Ctx, boss, stranger.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's folders: %v", err)
	}
	_, err := s.CopyMailbox(b.Ctx, boss, kim.ID, kim.ID)
	wantInvalid(t, err, "to", "same_account")
	_, err = s.CopyMailbox(b.Ctx, actor.CommandLine, kim.ID, stranger.ID)
	wantInvalid(t, err, "to", "other_domain")
	fs, err := s.UserFolders(b.Ctx, boss, kim.ID)
	if err != nil || len(fs) != len(store.DefaultMailboxes) {
		t.Errorf("folders %+v, %v", fs, err)
	}
}

// A target without room gets what fits; the job fails with the code the
// console translates, and a run after making room copies the rest.
func TestCopyMailbox_overQuotaFailsAfterWhatFit(t *testing.T) {
	s, b, r := copyBed(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	kim := b.Account("kim", nil)
	m := b.Put(kim.ID, "INBOX", copyRaw("first"))
	b.Put(kim.ID, "INBOX", copyRaw("second"))
	lee := b.Account("lee", func(a *store.Account) { a.QuotaBytes = m.Size + m.Size/2 })
	j := runCopy(t, s, r, b, boss, kim.ID, lee.ID)
	if j.State != store.JobFailed || j.Error != ErrCopyOverQuota.Error() || j.Done != 0 {
		t.Fatalf("job %+v", j)
	}
	lee.QuotaBytes = 0
	if err := b.Store.UpdateAccount(b.Ctx, lee); err != nil {
		t.Fatal(err)
	}
	if res := copyResult(t, runCopy(t, s, r, b, boss, kim.ID, lee.ID)); res != (CopyResult{Copied: 1, Skipped: 1}) {
		t.Fatalf("after making room %+v", res)
	}
}

// heldClaims is the store as a runner sees it while no node has a
// free worker: jobs are stored, none is claimed until the test lets go.
type heldClaims struct {
	store.JobStore
	held atomic.Bool
}

func (h *heldClaims) ClaimJob(ctx context.Context, node string, kinds []string, now, until time.Time) (*store.Job, error) {
	if h.held.Load() {
		return nil, store.ErrNotFound
	}
	return h.JobStore.ClaimJob(ctx, node, kinds, now, until)
}

// A second copy into a target whose copy has not ended is refused (both
// would copy the same messages), by any node (the job runner keys the
// job by its target in the store); once it ended, the target is free.
func TestCopyMailbox_oneCopyIntoATargetAtATime(t *testing.T) {
	s, b, _ := copyBed(t)
	held := &heldClaims{JobStore: b.Store}
	held.held.Store(true)
	r := &jobs.Runner{Store: held, Log: testbed.Quiet()}
	t.Cleanup(r.Close)
	s.Jobs = r
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	kim, lee, park := b.Account("kim", nil), b.Account("lee", nil), b.Account("park", nil)
	first, err := s.CopyMailbox(b.Ctx, boss, kim.ID, lee.ID)
	if err != nil {
		t.Fatal(err)
	}
	// another node's service, on the same database
	otherJobs := &jobs.Runner{Store: held, Log: testbed.Quiet()}
	t.Cleanup(otherJobs.Close)
	other := &Service{Store: b.Store, Now: s.Now, Mail: s.Mail, Jobs: otherJobs, Log: testbed.Quiet()}
	for _, svc := range []*Service{s, other} {
		_, err := svc.CopyMailbox(b.Ctx, boss, park.ID, lee.ID)
		wantInvalid(t, err, "to", "copy_running")
	}
	second, err := s.CopyMailbox(b.Ctx, boss, lee.ID, park.ID)
	if err != nil {
		t.Fatalf("a copy into another target: %v", err)
	}
	held.held.Store(false)
	r.Wake()
	for _, j := range []*store.Job{first, second} {
		if err := r.Wait(b.Ctx, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := other.CopyMailbox(b.Ctx, boss, park.ID, lee.ID); err != nil {
		t.Fatalf("after the first copy ended: %v", err)
	}
}
