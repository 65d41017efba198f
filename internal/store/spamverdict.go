package store

import "context"

// SpamVerdictStore keeps the spam verdict given to a message at delivery
// (issue 18: the "why is this spam?" line). A verdict belongs to an
// account's copy of a message, named by its blob: a move or a copy within
// the account keeps the blob, so the verdict follows the message without
// touching the messages table.
type SpamVerdictStore interface {
	// SetSpamVerdict records (or replaces) the verdict of the account's
	// message with this blob.
	SetSpamVerdict(ctx context.Context, accountID int64, blobKey string, v SpamVerdict) error
	// SpamVerdict reads it; ErrNotFound when the message got none
	// (delivered before verdicts were recorded, appended by a client).
	SpamVerdict(ctx context.Context, accountID int64, blobKey string) (SpamVerdict, error)
}

// SpamVerdict is what delivery decided about a message.
type SpamVerdict struct {
	Verdict string  // "spam" or "ham"
	Score   float64 // 0 (ham) to 1 (spam)
	// Reasons say why, as spam.Reason codes in the order found:
	// "blocked-sender:a@x", "forged-sender:example.kr", "no-date",
	// "learned:0.97", "clue:무료" ... (English words before issue 18's
	// codes: "learned 0.97").
	Reasons []string
}
