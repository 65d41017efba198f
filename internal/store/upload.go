package store

import (
	"context"
	"time"
)

// UploadStore keeps the files a user uploads while writing a message
// (attachments and inline images, E3-3) until a draft or a send uses them.
// Each belongs to one account; an unused one expires. Every method is
// scoped by account: another account's upload is ErrNotFound.
type UploadStore interface {
	// CreateUpload stores u (blob already synced; one blob reference
	// taken) and sets u.ID and u.CreatedAt.
	CreateUpload(ctx context.Context, u *Upload) error
	// Upload returns one of the account's uploads. ErrNotFound.
	Upload(ctx context.Context, accountID, id int64) (*Upload, error)
	// Uploads lists the account's uploads, oldest first.
	Uploads(ctx context.Context, accountID int64) ([]Upload, error)
	// TouchUploads moves the expiry of the account's uploads with these ids
	// to expires (they were used again); other ids are skipped.
	TouchUploads(ctx context.Context, accountID int64, ids []int64, expires time.Time) error
	// DeleteUpload removes one upload and releases its blob. ErrNotFound.
	DeleteUpload(ctx context.Context, accountID, id int64) error
	// DeleteExpiredUploads removes every upload whose ExpiresAt is not
	// after now, releasing their blobs, and returns how many.
	DeleteExpiredUploads(ctx context.Context, now time.Time) (int, error)
}

// Upload is a file uploaded for a message being written.
type Upload struct {
	ID          int64
	AccountID   int64
	BlobKey     string
	Filename    string // as the browser named it
	ContentType string // a clean type/subtype
	Size        int64
	CreatedAt   time.Time
	ExpiresAt   time.Time
}
