package store

import "context"

// IMAPMetaStore keeps each message's IMAP ENVELOPE and BODYSTRUCTURE,
// computed once when the message is stored, so that FETCH of envelopes
// and structures reads rows, not message files (issue 17). The store
// holds the values as opaque bytes (their encoding is
// internal/imapd/bodypart's) apart from the message row, so that the
// whole-mailbox listings (IMAPIndexStore) stay as lean as they are.
//
// A message appended with NewMessage.IMAPMeta has it; a copy gets the
// original's; a move keeps it (same message); an expunged message's goes
// with it. Messages stored before it was kept have none until
// SetIMAPMeta gives it to them.
type IMAPMetaStore interface {
	// IMAPMeta returns the kept values of those of the account's
	// messages ids that have them, by message id; ids of messages
	// without, of other accounts or of none are absent (no error).
	IMAPMeta(ctx context.Context, accountID int64, ids []int64) (map[int64]IMAPMeta, error)
	// SetIMAPMeta keeps the values of metas (by message id) for the
	// account's messages, replacing what they had, in one transaction
	// (backfilling a FETCH's worth of old messages at once). Ids of
	// messages not the account's, or gone meanwhile, are skipped.
	SetIMAPMeta(ctx context.Context, accountID int64, metas map[int64]IMAPMeta) error
}

// IMAPMeta is what IMAP FETCH answers ENVELOPE, BODYSTRUCTURE and BODY
// from, each in bodypart's stored form.
type IMAPMeta struct {
	Envelope  []byte
	Structure []byte
}
