package storetest

import (
	"time"

	"postroom/internal/store"
)

var uploadTests = []test{
	{"upload_roundTripScopedByAccount", testUploadRoundTrip},
	{"upload_deleteReleasesBlob", testUploadDelete},
	{"upload_expiredAreRemovedUnlessTouched", testUploadExpiry},
	{"upload_deleteAccountReleasesUploads", testUploadDeleteAccount},
}

func (e *env) upload(accountID int64, key string, expires time.Time) *store.Upload {
	e.Helper()
	u := &store.Upload{AccountID: accountID, BlobKey: key, Filename: "견적서.pdf", ContentType: "application/pdf",
		Size: 1234, ExpiresAt: expires}
	e.ok(e.s.CreateUpload(e.ctx, u), "CreateUpload")
	return u
}

func testUploadRoundTrip(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	expires := time.Date(2026, 3, 15, 9, 0, 0, 0, kst)
	u := e.upload(a.ID, newBlobKey(), expires)
	if u.ID == 0 || u.CreatedAt.IsZero() {
		e.Fatalf("CreateUpload did not set ID and CreatedAt: %+v", u)
	}
	got, err := e.s.Upload(e.ctx, a.ID, u.ID)
	e.ok(err, "Upload")
	if got.Filename != "견적서.pdf" || got.ContentType != "application/pdf" || got.Size != 1234 || got.BlobKey != u.BlobKey ||
		!got.ExpiresAt.Equal(expires) || got.ExpiresAt.Location() != time.UTC {
		e.Errorf("Upload = %+v, want %+v with ExpiresAt in UTC", got, u)
	}
	_, err = e.s.Upload(e.ctx, b.ID, u.ID)
	e.wantErr(err, store.ErrNotFound, "Upload by another account")
	e.wantErr(e.s.DeleteUpload(e.ctx, b.ID, u.ID), store.ErrNotFound, "DeleteUpload by another account")
	second := e.upload(a.ID, u.BlobKey, expires) // the same content twice: one blob, two references
	list, err := e.s.Uploads(e.ctx, a.ID)
	e.ok(err, "Uploads")
	if len(list) != 2 || list[0].ID != u.ID || list[1].ID != second.ID {
		e.Errorf("Uploads = %+v", list)
	}
	if other, _ := e.s.Uploads(e.ctx, b.ID); len(other) != 0 {
		e.Errorf("another account sees %+v", other)
	}
	e.wantRefs(u.BlobKey, 2)
	e.consistent()
}

func testUploadDelete(e *env) {
	a := e.account("alice@example.com")
	u := e.upload(a.ID, newBlobKey(), baseTime.Add(time.Hour))
	e.ok(e.s.DeleteUpload(e.ctx, a.ID, u.ID), "DeleteUpload")
	e.wantRefs(u.BlobKey, 0)
	e.wantErr(e.s.DeleteUpload(e.ctx, a.ID, u.ID), store.ErrNotFound, "DeleteUpload twice")
	_, err := e.s.Upload(e.ctx, a.ID, u.ID)
	e.wantErr(err, store.ErrNotFound, "Upload after delete")
	e.consistent()
}

func testUploadExpiry(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	old := e.upload(a.ID, newBlobKey(), baseTime)
	used := e.upload(a.ID, newBlobKey(), baseTime)
	fresh := e.upload(a.ID, newBlobKey(), baseTime.Add(time.Hour))
	e.ok(e.s.TouchUploads(e.ctx, b.ID, []int64{used.ID}, baseTime.Add(time.Hour)), "TouchUploads by another account")
	e.ok(e.s.TouchUploads(e.ctx, a.ID, []int64{used.ID, 99999}, baseTime.Add(2*time.Hour)), "TouchUploads")
	n, err := e.s.DeleteExpiredUploads(e.ctx, baseTime)
	e.ok(err, "DeleteExpiredUploads")
	if n != 1 {
		e.Errorf("DeleteExpiredUploads removed %d, want 1", n)
	}
	left, _ := e.s.Uploads(e.ctx, a.ID)
	if len(left) != 2 || left[0].ID != used.ID || left[1].ID != fresh.ID {
		e.Errorf("left %+v, want the touched and the fresh upload", left)
	}
	e.wantRefs(old.BlobKey, 0)
	e.wantRefs(used.BlobKey, 1)
	e.consistent()
}

func testUploadDeleteAccount(e *env) {
	a := e.account("alice@example.com")
	u := e.upload(a.ID, newBlobKey(), baseTime.Add(time.Hour))
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	e.wantRefs(u.BlobKey, 0)
	e.consistent()
}
