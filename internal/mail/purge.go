package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Purge is Settings > Folder management's "delete" (S3): a folder's mail
// older than a period, or all of it, removed for good (the manual's 영구
// 삭제) through Expunge, so that quota, events, IMAP sessions (EXPUNGE,
// QRESYNC's expunge log) and POP3 see exactly what any other removal
// does.

// MaxPurgeDays bounds OlderThanDays: a hundred years, beyond any mail.
const MaxPurgeDays = 36500

// purgeBatch is how many messages one Expunge (one transaction) removes:
// a purge of 50,000 messages does not hold the database for its whole
// length, and each batch is announced as it commits.
const purgeBatch = 1000

// ErrInvalidPurge: a purge must name either a period of 1 to
// MaxPurgeDays days or all, not both. Nothing was removed.
var ErrInvalidPurge = fmt.Errorf("mail: purge needs older_than_days (1-%d) or all: %w", MaxPurgeDays, store.ErrInvalid)

// PurgeRequest says which messages of a folder go. The webmail offers 1,
// 3, 6 and 12 months (30, 90, 180, 365 days) and all; the API takes any
// whole number of days.
type PurgeRequest struct {
	// OlderThanDays removes the messages that arrived (internal date)
	// more than this many days of 24 hours before now.
	OlderThanDays int
	All           bool
	// DryRun counts what would go and removes nothing: the number the
	// confirmation shows.
	DryRun bool
}

func (r PurgeRequest) valid() bool {
	if r.All {
		return r.OlderThanDays == 0
	}
	return r.OlderThanDays > 0 && r.OlderThanDays <= MaxPurgeDays
}

// Purge removes (or, with DryRun, counts) the messages of one of the
// actor's folders that r selects, as of now (the caller's clock), and
// returns how many. Messages arriving meanwhile are newer than the
// cutoff and stay; with All, those that arrive after the purge started
// stay too.
func (s *Service) Purge(ctx context.Context, a actor.Actor, mailboxID int64, r PurgeRequest, now time.Time) (int, error) {
	accountID, err := owner(a)
	if err != nil {
		return 0, err
	}
	if !r.valid() {
		return 0, ErrInvalidPurge
	}
	if _, err := s.Store.Mailbox(ctx, accountID, mailboxID); err != nil {
		return 0, fmt.Errorf("purge mailbox %d: %w", mailboxID, err)
	}
	var uids []uint32
	if r.All {
		uids, err = s.Store.MessageUIDs(ctx, accountID, mailboxID, 0)
	} else {
		cutoff := now.Add(-time.Duration(r.OlderThanDays) * 24 * time.Hour)
		uids, err = s.Store.SearchUIDs(ctx, accountID, mailboxID, store.SearchQuery{Before: cutoff})
	}
	if err != nil {
		return 0, fmt.Errorf("purge mailbox %d: %w", mailboxID, err)
	}
	if r.DryRun {
		return len(uids), nil
	}
	removed := 0
	for start := 0; start < len(uids); start += purgeBatch {
		gone, err := s.Expunge(ctx, a, mailboxID, uids[start:min(start+purgeBatch, len(uids))])
		removed += len(gone)
		if err != nil {
			return removed, err
		}
		if err := ctx.Err(); err != nil {
			return removed, errors.Join(fmt.Errorf("purge mailbox %d stopped after %d messages", mailboxID, removed), err)
		}
	}
	return removed, nil
}
