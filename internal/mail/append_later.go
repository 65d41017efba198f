package mail

import (
	"context"
	"errors"
	"fmt"

	"postroom/internal/blob"
	"postroom/internal/events"
	"postroom/internal/store"
)

// A message's row committed while its file is made durable (issue 21).
// An APPEND of a message kept as a file waited for the file's fsync, then
// for its row's commit, each about 1 ms at 200 KB. Where the files can
// give a key before they are durable (blob.LaterPutter) and the store can
// mark a key pending with its row (store.PendingBlobStore), AppendRaw
// commits the row while the file is synced, and answers only once both
// are done (DESIGN: nothing acknowledged is lost).
//
// Invariants:
//   - A row whose file did not get to disk is never acknowledged: when
//     the file fails, AppendRaw expunges the row and answers with the
//     error; after a crash, RecoverPendingBlobs expunges the messages of
//     every key still marked whose file is not in place, before the
//     server serves.
//   - A reader that learns of the row before the file is in place waits
//     for the file (blob.FS's flights) rather than miss the message.

// laterFiles returns how the files and the store let a row commit
// beside its file's fsync, if they do.
func (s *Service) laterFiles() (blob.LaterPutter, store.PendingBlobStore, bool) {
	lp, ok := blob.Later(s.Blobs)
	if !ok {
		return nil, nil, false
	}
	pending, ok := s.Store.(store.PendingBlobStore)
	return lp, pending, ok
}

// dropUnwritten expunges m, whose row committed and whose file did not
// get to disk (why), and returns the APPEND's error. Its key's mark
// stays: should the expunge fail too, the check at the next start
// expunges it.
func (s *Service) dropUnwritten(ctx context.Context, m *store.Message, why error) error {
	err := fmt.Errorf("append: write message: %w", storageFull(why))
	removed, xerr := s.Store.Expunge(context.WithoutCancel(ctx), m.AccountID, m.MailboxID, []uint32{m.UID})
	if xerr != nil {
		return errors.Join(err, fmt.Errorf("append: expunge message %d, whose file failed: %w", m.ID, xerr))
	}
	if len(removed) > 0 {
		s.publish(events.Event{Kind: events.MessageExpunge, AccountID: m.AccountID, MailboxID: m.MailboxID, UIDs: removed})
	}
	return err
}

// PendingRecovery is what RecoverPendingBlobs found.
type PendingRecovery struct {
	Keys     int // keys marked pending
	Missing  int // of them, whose file is not in place
	Expunged int // messages expunged for want of their file
}

// RecoverPendingBlobs checks the files the store still marks pending
// (left by a crash, or by an append whose file failed): a file in place
// is durable (blob.FS puts a file in place only once it is), and its
// mark goes; the messages naming a file that is not are expunged, none
// of them having been acknowledged. The server runs it before it
// serves.
func (s *Service) RecoverPendingBlobs(ctx context.Context) (PendingRecovery, error) {
	var r PendingRecovery
	_, pending, ok := s.laterFiles()
	if !ok {
		return r, nil
	}
	list, err := pending.PendingBlobs(ctx)
	if err != nil {
		return r, err
	}
	// A key that cannot be checked keeps its mark, for the next start,
	// and the others are resolved all the same.
	var errs []error
	resolved := make([]string, 0, len(list))
	for _, p := range list {
		r.Keys++
		missing, err := s.fileMissing(p.Key)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if missing {
			r.Missing++
			if err := s.expungeAll(ctx, p.Messages, &r.Expunged); err != nil {
				errs = append(errs, fmt.Errorf("expunge the messages whose file %s is missing: %w", p.Key, err))
				continue
			}
		}
		resolved = append(resolved, p.Key)
	}
	if err := pending.DropPendingBlobs(ctx, resolved); err != nil {
		errs = append(errs, err)
	}
	return r, errors.Join(errs...)
}

// fileMissing reports whether the file of key is not in place.
func (s *Service) fileMissing(key string) (bool, error) {
	f, err := s.Blobs.Open(key)
	switch {
	case err == nil:
		return false, f.Close()
	case errors.Is(err, blob.ErrNotFound):
		return true, nil
	default:
		return false, fmt.Errorf("check the file %s: %w", key, err)
	}
}

// expungeAll expunges the messages, adding how many went to n.
func (s *Service) expungeAll(ctx context.Context, msgs []store.MessageRef, n *int) error {
	for _, m := range msgs {
		removed, err := s.Store.Expunge(ctx, m.AccountID, m.MailboxID, []uint32{m.UID})
		if err != nil {
			return err
		}
		*n += len(removed)
	}
	return nil
}
