package send

// Uploads (E3-3 attachments and inline images): a file the user adds while
// writing is stored at once, streamed into the blob store, and kept in
// the store (it survives a restart, any node serves it) until a draft or
// a send uses it; UploadLife after its last use it expires. Each belongs
// to one account.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"postroom/internal/actor"
	"postroom/internal/compose"
	"postroom/internal/store"
)

// UploadLife is how long an upload is kept after its last use.
const UploadLife = 24 * time.Hour

// messageHeadroom is what a message needs beside its attachments (header,
// text and HTML bodies), counted when deriving the upload limit.
const messageHeadroom = 64 << 10

// Limits are the sizes a compose screen checks before it uploads or sends.
type Limits struct {
	MaxMessageSize int64 // the whole message
	MaxUploadSize  int64 // all the files of one message together
}

// Limits returns the limits the actor's messages have (the server's for
// now: the place where a domain's own limits will plug in).
func (s *Service) Limits(ctx context.Context, a actor.Actor) Limits {
	return Limits{MaxMessageSize: s.maxMessage(), MaxUploadSize: s.maxUpload()}
}

// maxUpload is the most the files of a message may weigh so that they
// still fit in it once base64 encoded (4/3, plus CRLF every 76
// characters: RFC 2045 §6.8).
func (s *Service) maxUpload() int64 {
	return max(s.maxMessage()-messageHeadroom, 0) / 4 * 3 * 76 / 78
}

// Uploads lists the actor's uploads, oldest first.
func (s *Service) Uploads(ctx context.Context, a actor.Actor) ([]store.Upload, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	list, err := s.Store.Uploads(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("uploads of account %d: %w", accountID, err)
	}
	return list, nil
}

// Upload returns one of the actor's live uploads and its bytes.
func (s *Service) Upload(ctx context.Context, a actor.Actor, id int64) (*store.Upload, []byte, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, nil, err
	}
	return s.liveUpload(ctx, accountID, id)
}

// liveUpload reads one of the account's uploads that has not expired.
func (s *Service) liveUpload(ctx context.Context, accountID, id int64) (*store.Upload, []byte, error) {
	u, err := s.Store.Upload(ctx, accountID, id)
	if err == nil && !u.ExpiresAt.After(s.now()) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("upload %d: %w", id, err)
	}
	data, err := s.readBlob(u.BlobKey, -1)
	if err != nil {
		return nil, nil, fmt.Errorf("upload %d: %w", id, err)
	}
	return u, data, nil
}

// CreateUpload stores body as one of the actor's uploads, streamed, under
// the file name and type the browser gave (cleaned). A body over the
// upload limit is a CodeTooLarge Error for field "file", found as soon as
// the limit is passed; nothing of it is kept.
func (s *Service) CreateUpload(ctx context.Context, a actor.Actor, body io.Reader, filename, contentType string) (*store.Upload, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	limit := s.maxUpload()
	lr := &limitedReader{r: body, left: limit}
	key, size, err := s.Blobs.Put(ctx, lr)
	switch {
	case errors.Is(err, errOverLimit):
		return nil, &Error{Code: CodeTooLarge, Field: "file", Limit: limit}
	case err != nil:
		return nil, err
	}
	now := s.now()
	if _, err := s.Store.DeleteExpiredUploads(ctx, now); err != nil {
		s.log().Warn("expired uploads", "err", err)
	}
	u := &store.Upload{AccountID: accountID, BlobKey: key, Size: size, ExpiresAt: now.Add(UploadLife),
		Filename: compose.CleanFilename(filename), ContentType: compose.MediaType(contentType)}
	if err := s.Store.CreateUpload(ctx, u); err != nil {
		return nil, fmt.Errorf("create upload: %w", err)
	}
	return u, nil
}

// DeleteUpload removes one of the actor's uploads (the user took the file
// off the message).
func (s *Service) DeleteUpload(ctx context.Context, a actor.Actor, id int64) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteUpload(ctx, accountID, id); err != nil {
		return fmt.Errorf("delete upload %d: %w", id, err)
	}
	return nil
}

// keepUploads moves the expiry of uploads a draft or a send used: they
// stay for the next save, or for an undo.
func (s *Service) keepUploads(ctx context.Context, accountID int64, ids []int64) {
	if len(ids) == 0 {
		return
	}
	if err := s.Store.TouchUploads(ctx, accountID, ids, s.now().Add(UploadLife)); err != nil {
		s.log().Warn("touch uploads", "account", accountID, "err", err)
	}
}

var errOverLimit = errors.New("send: upload over the limit")

// limitedReader reads at most left bytes and fails past them.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errOverLimit
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, errOverLimit
	}
	return n, err
}
