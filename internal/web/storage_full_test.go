package web

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"time"

	"postroom/internal/blob"
	"postroom/internal/send"
	"postroom/internal/store"
)

// fullDisk is message storage whose disk is full: every write fails as
// blob.FS's does on ENOSPC.
type fullDisk struct{ blob.Store }

func (fullDisk) Put(_ context.Context, r io.Reader) (string, int64, error) {
	io.Copy(io.Discard, r)
	return "", 0, fmt.Errorf("%w: %w", blob.ErrFull, fmt.Errorf("blob put: %w", &fs.PathError{Op: "write", Path: "tmp/put-1", Err: syscall.ENOSPC}))
}

// On a full disk an upload and a draft are 507 storage_full (a temporary
// state of the server the user can report), not 500 internal; the
// account's own quota stays over_quota.
func TestStorageFull_uploadAndDraftAre507(t *testing.T) {
	f := newMailFixture(t, time.Hour)
	svc := f.srv.Send.(*send.Service)
	full := *svc
	full.Blobs = fullDisk{svc.Blobs}
	f.srv.Send = &full
	c := f.login(t, "alice@example.test")
	code, _, e := c.uploadRaw("견적서.pdf", "application/pdf", strings.NewReader("%PDF"), 4, c.csrf)
	if code != 507 || e.Code != "storage_full" {
		t.Errorf("upload on a full disk: %d %+v, want 507 storage_full", code, e)
	}
	var bad errorAnswer
	if code := c.do("POST", "/api/v1/drafts", map[string]any{"subject": "초안", "text": "본문"}, &bad); code != 507 || bad.Error.Code != "storage_full" {
		t.Errorf("draft on a full disk: %d %+v, want 507 storage_full", code, bad)
	}
	if len(f.stored(t, f.alice, store.RoleDrafts)) != 0 {
		t.Error("a draft was stored")
	}
}
