package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// fakeUploads keeps uploads by account, as the send service does.
type fakeUploads struct {
	mu    sync.Mutex
	files map[int64]map[int64][]byte // account -> id -> bytes
}

func (f *fakeUploads) put(accountID, id int64, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.files == nil {
		f.files = map[int64]map[int64][]byte{}
	}
	if f.files[accountID] == nil {
		f.files[accountID] = map[int64][]byte{}
	}
	f.files[accountID][id] = data
}

func (f *fakeUploads) has(accountID, id int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.files[accountID][id]
	return ok
}

func (f *fakeUploads) Upload(ctx context.Context, a actor.Actor, id int64) (*store.Upload, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.files[a.AccountID][id]
	if !ok {
		return nil, nil, fmt.Errorf("upload %d: %w", id, store.ErrNotFound)
	}
	return &store.Upload{ID: id, AccountID: a.AccountID, Filename: fmt.Sprintf("file%d", id), Size: int64(len(data))}, data, nil
}

func (f *fakeUploads) DeleteUpload(ctx context.Context, a actor.Actor, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.files[a.AccountID][id]; !ok {
		return store.ErrNotFound
	}
	delete(f.files[a.AccountID], id)
	return nil
}

func user(acct *store.Account) actor.Actor {
	return actor.Actor{Role: actor.RoleUser, AccountID: acct.ID, DomainID: acct.DomainID}
}

// An import that fills the quota half way keeps what it stored and says
// why it stopped; the upload goes whatever the end.
func TestImportUpload_stopsAtTheQuotaWithWhatFitAndDropsTheUpload(t *testing.T) {
	b := testbed.New(t)
	one := "From a@example.net Mon Mar  2 09:30:00 2026\nSubject: one\n\n" + strings.Repeat("x", 300) + "\n\n"
	two := "From a@example.net Mon Mar  2 10:30:00 2026\nSubject: two\n\n" + strings.Repeat("y", 300) + "\n"
	kim := b.Account("kim", func(a *store.Account) { a.QuotaBytes = int64(len(one) + len(two)) }) // the file fits, not beside what is there
	b.Put(kim.ID, "INBOX", "Subject: there already\r\n\r\n"+strings.Repeat("z", 250)+"\r\n")
	r := &jobs.Runner{Store: b.Store, Log: testbed.Quiet()}
	t.Cleanup(r.Close)
	ups := &fakeUploads{}
	ups.put(kim.ID, 7, []byte(one+two))
	im := &UploadImporter{Mail: b.Mail, Uploads: ups, Jobs: r, Log: testbed.Quiet()}
	inbox, err := b.Mail.MailboxByRole(b.Ctx, user(kim), store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	j, err := im.ImportUpload(b.Ctx, user(kim), inbox.ID, 7)
	if err != nil {
		t.Fatal(err)
	}
	r.Wait(context.Background(), j.ID)
	done, err := r.Get(b.Ctx, user(kim), j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.State != store.JobDone || string(done.Result) != `{"imported":1,"skipped":0,"folders_created":0,"failed":[],"failed_count":0,"stopped":"over_quota"}` {
		t.Errorf("job %s %s %s", done.State, done.Error, done.Result)
	}
	if ups.has(kim.ID, 7) {
		t.Error("the upload is kept after its import")
	}
}

func TestImportUpload_anotherAccountsFolderOrUploadIsNotFound(t *testing.T) {
	b := testbed.New(t)
	kim, lee := b.Account("kim", nil), b.Account("lee", nil)
	r := &jobs.Runner{Store: b.Store, Log: testbed.Quiet()}
	t.Cleanup(r.Close)
	ups := &fakeUploads{}
	ups.put(kim.ID, 1, []byte("Subject: kim's\r\n\r\nx\r\n"))
	ups.put(lee.ID, 2, []byte("Subject: lee's\r\n\r\ny\r\n"))
	im := &UploadImporter{Mail: b.Mail, Uploads: ups, Jobs: r}
	kimInbox, _ := b.Mail.MailboxByRole(b.Ctx, user(kim), store.RoleInbox)
	leeInbox, _ := b.Mail.MailboxByRole(b.Ctx, user(lee), store.RoleInbox)
	for _, c := range []struct {
		who             *store.Account
		mailbox, upload int64
	}{{kim, leeInbox.ID, 1}, {kim, kimInbox.ID, 2}, {lee, kimInbox.ID, 1}} {
		if _, err := im.ImportUpload(b.Ctx, user(c.who), c.mailbox, c.upload); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s into mailbox %d of upload %d: %v", c.who.Address(), c.mailbox, c.upload, err)
		}
	}
	if !ups.has(kim.ID, 1) || !ups.has(lee.ID, 2) {
		t.Error("an upload went with a refused try")
	}
}
