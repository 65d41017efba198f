package mail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"syscall"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/store/sqlite"
	"postroom/internal/testbed"
)

// sqliteBed is a test bed over SQLite and files, where a message's row
// commits while its file is made durable.
func sqliteBed(t *testing.T) (*testbed.Bed, *sqlite.Store) {
	t.Helper()
	b := testbed.New(t)
	st, ok := b.Store.(*sqlite.Store)
	if !ok {
		t.Skip("rows commit beside their files' fsync with SQLite only")
	}
	if _, ok := blob.Later(b.Blobs); !ok {
		t.Fatal("the test bed's files cannot put later")
	}
	return b, st
}

// A message kept as a file is appended with its key marked pending, and
// the mark goes with the store's next write once the file is durable:
// nothing is left for the check at start.
func TestAppendRaw_fileMarkedPendingUntilDurable(t *testing.T) {
	b, st := sqliteBed(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	raw := ofSize(200 << 10)
	m, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{MailboxID: in.ID, Bytes: []byte(raw)})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Files().Exists(m.BlobKey) {
		t.Fatal("the file is not in place when the APPEND is answered")
	}
	if _, got, err := b.Mail.Load(b.Ctx, actor.User(bob), m.ID); err != nil || string(got) != raw {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	if _, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{MailboxID: in.ID, Bytes: []byte(ofSize(120 << 10))}); err != nil {
		t.Fatal(err)
	}
	p, err := st.PendingBlobs(b.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 1 || p[0].Key == m.BlobKey {
		t.Errorf("marks after two appends %+v: want only the second's (the first's went with it)", p)
	}
	r, err := b.Mail.RecoverPendingBlobs(b.Ctx)
	if err != nil || r != (mail.PendingRecovery{Keys: 1}) {
		t.Errorf("check at start: %+v, %v; want one key, in place", r, err)
	}
	if u, _ := st.Usage(b.Ctx, bob.ID); u.Messages != 2 {
		t.Errorf("bob has %d messages, want 2", u.Messages)
	}
}

// syncFails is files whose fsync fails after the bytes are written, as
// blob.FS says a full disk.
type syncFails struct {
	blob.Store
	lp blob.LaterPutter
}

func (s syncFails) PutLater(ctx context.Context, r io.Reader) (string, int64, func() error, error) {
	key, size, wait, err := s.lp.PutLater(ctx, r)
	return key, size, func() error {
		if err := wait(); err != nil {
			return err
		}
		return fmt.Errorf("%w: %w", blob.ErrFull, &os.PathError{Op: "sync", Path: key, Err: syscall.ENOSPC})
	}, err
}

// A file that does not get to disk after its row committed: the APPEND
// fails as storage full, and the message is gone, its bytes uncounted, as
// if it had never been appended.
func TestAppendRaw_fileFailingAfterItsRowIsExpunged(t *testing.T) {
	b, st := sqliteBed(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	lp, _ := blob.Later(b.Blobs)
	b.Mail.Blobs = syncFails{b.Blobs, lp}
	_, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{MailboxID: in.ID, Bytes: []byte(ofSize(100 << 10))})
	if !errors.Is(err, mail.ErrStorageFull) {
		t.Fatalf("append whose file failed: %v, want ErrStorageFull", err)
	}
	if u, _ := st.Usage(b.Ctx, bob.ID); u.Messages != 0 || u.Bytes != 0 {
		t.Errorf("bob counts %d messages, %d bytes after the failed append", u.Messages, u.Bytes)
	}
	if uids, err := st.SearchUIDs(b.Ctx, bob.ID, in.ID, store.SearchQuery{}); err != nil || len(uids) != 0 {
		t.Errorf("the inbox holds %v (%v) after the failed append", uids, err)
	}
	if problems, err := st.CheckConsistency(b.Ctx); err != nil || len(problems) > 0 {
		t.Errorf("consistency: %v %v", problems, err)
	}
}

// crashBeforeMarksGo is the store of a server that stopped before the
// marks of its durable files went.
type crashBeforeMarksGo struct{ *sqlite.Store }

func (crashBeforeMarksGo) BlobsDurable(...string) {}

// After a crash, the check at start expunges the messages whose file is
// not in place (their APPEND was never answered), keeps those whose file
// is, and leaves no mark.
func TestRecoverPendingBlobs_expungesWhatTheDiskLost(t *testing.T) {
	b, st := sqliteBed(t)
	b.Mail.Store = crashBeforeMarksGo{st}
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	var msgs []*store.Message
	for _, size := range []int{100 << 10, 150 << 10, 300 << 10} {
		m, err := b.Mail.AppendRaw(b.Ctx, actor.User(bob), mail.RawMessage{MailboxID: in.ID, Bytes: []byte(ofSize(size))})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	// the disk lost the second file
	lost := msgs[1]
	if err := os.Remove(b.Files().(*blob.FS).Path(lost.BlobKey)); err != nil {
		t.Fatal(err)
	}
	r, err := b.Mail.RecoverPendingBlobs(b.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (mail.PendingRecovery{Keys: 3, Missing: 1, Expunged: 1}); r != want {
		t.Errorf("recovery %+v, want %+v", r, want)
	}
	uids, err := st.SearchUIDs(b.Ctx, bob.ID, in.ID, store.SearchQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint32{msgs[0].UID, msgs[2].UID}; !slices.Equal(uids, want) {
		t.Errorf("inbox %v after recovery, want %v", uids, want)
	}
	if p, err := st.PendingBlobs(b.Ctx); err != nil || len(p) != 0 {
		t.Errorf("marks after recovery: %+v, %v", p, err)
	}
	if problems, err := st.CheckConsistency(b.Ctx); err != nil || len(problems) > 0 {
		t.Errorf("consistency: %v %v", problems, err)
	}
	if r, err := b.Mail.RecoverPendingBlobs(b.Ctx); err != nil || r != (mail.PendingRecovery{}) {
		t.Errorf("a second check: %+v, %v; want nothing", r, err)
	}
}
