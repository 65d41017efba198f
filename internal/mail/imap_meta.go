package mail

// IMAP's ENVELOPE and BODYSTRUCTURE of every message, kept in the store
// (store.IMAPMetaStore) so that FETCH of envelopes and structures reads
// rows, not message files (issue 17).
//
// The rule is this service's: every message it stores (Append, and so
// delivery, APPEND, drafts, Sent copies, imports and mailbox copies) gets
// them computed from its bytes before the row is written, in the same
// transaction; a COPY's row gets the original's (the store copies it); a
// move keeps its row. Messages stored before have none: IMAPMeta computes
// theirs from the file on first use and keeps them. A message whose
// values could not be computed when stored (its file unreadable) is
// stored all the same and treated like an old one.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"postroom/internal/actor"
	"postroom/internal/imapd/bodypart"
	"postroom/internal/store"
)

// IMAPMetaOf computes a message's stored ENVELOPE and BODYSTRUCTURE from
// its size bytes at r (one pass of bodypart.Parse).
func IMAPMetaOf(r io.ReaderAt, size int64) (*store.IMAPMeta, error) {
	root, err := bodypart.Parse(r, size)
	if err != nil {
		return nil, fmt.Errorf("imap meta: %w", err)
	}
	return &store.IMAPMeta{
		Envelope:  bodypart.EncodeEnvelope(root.Envelope()),
		Structure: bodypart.EncodeStructure(root.Structure()),
	}, nil
}

// appendMeta computes the meta of a message Append stores: from the bytes
// its parse was made of, after Head, when they are the stored ones
// (APPEND, drafts, Sent copies, delivery: no second read), else from its
// file. nil when the file cannot be read: the message is stored without.
func (s *Service) appendMeta(r *AppendRequest) *store.IMAPMeta {
	if r.Content != nil { // kept in the database: no file to read yet
		meta, err := IMAPMetaOf(bytes.NewReader(r.Content), int64(len(r.Content)))
		if err != nil {
			slog.Warn("mail: message stored without its IMAP envelope and structure", "blob", r.BlobKey, "err", err)
			return nil
		}
		return meta
	}
	if r.Parsed != nil {
		if raw := r.Parsed.Raw(); int64(len(r.Head)+len(raw)) == r.Size {
			meta, err := IMAPMetaOf(joined{r.Head, raw}, r.Size)
			if err == nil {
				return meta
			}
		}
	}
	if s.Blobs == nil {
		return nil
	}
	meta, err := s.blobMeta(r.BlobKey, r.Size)
	if err != nil {
		slog.Warn("mail: message stored without its IMAP envelope and structure", "blob", r.BlobKey, "err", err)
		return nil
	}
	return meta
}

// blobMeta computes the meta of a stored message file.
func (s *Service) blobMeta(key string, size int64) (*store.IMAPMeta, error) {
	f, err := s.Blobs.Open(key)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", key, err)
	}
	defer f.Close()
	ra, ok := f.(io.ReaderAt)
	if !ok {
		ra = &seekReaderAt{rs: f}
	}
	meta, err := IMAPMetaOf(ra, size)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", key, err)
	}
	return meta, nil
}

// IMAPMeta returns the stored ENVELOPE and BODYSTRUCTURE of the actor's
// messages msgs by message id (bodypart's stored form), in one read of
// the store. Those of messages stored before they were kept, or kept in
// another version of the form, are computed from their files now and
// kept (one write for all). A message of
// another account, or whose file is gone (expunged meanwhile), is absent.
func (s *Service) IMAPMeta(ctx context.Context, a actor.Actor, msgs []*store.Message) (map[int64]store.IMAPMeta, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(msgs))
	for _, m := range msgs {
		if m.AccountID == accountID {
			ids = append(ids, m.ID)
		}
	}
	got, err := s.Store.IMAPMeta(ctx, accountID, ids)
	if err != nil {
		return nil, fmt.Errorf("imap meta: %w", err)
	}
	for id, meta := range got {
		if !bodypart.StoredCurrent(meta.Envelope) || !bodypart.StoredCurrent(meta.Structure) {
			delete(got, id) // written in another format: computed again below
		}
	}
	if len(got) == len(ids) || s.Blobs == nil {
		return got, nil
	}
	missing := map[int64]store.IMAPMeta{}
	for _, m := range msgs {
		if _, ok := got[m.ID]; ok || m.AccountID != accountID {
			continue
		}
		meta, err := s.blobMeta(m.BlobKey, m.Size)
		if err != nil {
			continue // gone with an expunge, or unreadable: the caller reads the file and finds out
		}
		missing[m.ID] = *meta
		got[m.ID] = *meta
	}
	if err := s.Store.SetIMAPMeta(ctx, accountID, missing); err != nil {
		// What was computed is right all the same: the next FETCH
		// computes it again.
		slog.Warn("mail: IMAP envelopes and structures not kept", "account", accountID, "messages", len(missing), "err", err)
	}
	return got, nil
}

// seekReaderAt reads at offsets through Seek and Read, for a blob store
// whose files are not io.ReaderAt. One goroutine only.
type seekReaderAt struct{ rs io.ReadSeeker }

func (s *seekReaderAt) ReadAt(b []byte, off int64) (int, error) {
	if _, err := s.rs.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	return io.ReadFull(s.rs, b)
}

// joined reads two byte slices as one, at offsets: a delivered message,
// its trace fields and the message received, without a copy of both.
type joined struct{ head, rest []byte }

func (j joined) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("mail: negative offset")
	}
	if off >= int64(len(j.head)+len(j.rest)) {
		return 0, io.EOF
	}
	n := 0
	if off < int64(len(j.head)) {
		n = copy(b, j.head[off:])
	}
	if rest := off + int64(n) - int64(len(j.head)); n < len(b) && rest < int64(len(j.rest)) {
		n += copy(b[n:], j.rest[rest:])
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}
