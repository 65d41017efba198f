package spam

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/search"
)

// ErrForbidden: the actor may not train these counts.
var ErrForbidden = errors.New("spam: not allowed")

// TrainRaw learns one message given whole (an mbox's, a folder's read by
// the operator's `postroom spam train`) as spam or ham, into an account's
// counts and its domain's, or, with accountID 0, into the domain's alone.
// A message is named by the SHA-256 of its content, which is its blob key
// when it is stored here: training the same message twice, or once here
// and once by the user's "report spam", counts once per account. The
// domain's own records are named by the domain too (the store shares
// account 0 among domains). It reports whether the counts changed.
//
// Only an operator trains; a domain administrator (or its token) trains
// his own domain's counts.
func (l *Learner) TrainRaw(ctx context.Context, a actor.Actor, domainID, accountID int64, raw []byte, isSpam bool) (bool, error) {
	if !a.IsOperator() && (a.Role != actor.RoleDomainAdmin || a.DomainID != domainID || accountID != 0) {
		return false, ErrForbidden
	}
	sum := sha256.Sum256(raw)
	key := hex.EncodeToString(sum[:])
	if accountID == 0 {
		key = fmt.Sprintf("%s/domain-%d", key, domainID)
	}
	// what Train reads of a stored message, no more
	head := raw[:min(len(raw), 2*search.MaxIndexedText)]
	tokens := MessageTokens(message.Parse(head), search.MaxIndexedText)
	changed, err := l.Store.TrainBayes(ctx, domainID, accountID, key, tokens, isSpam)
	if err != nil {
		return false, fmt.Errorf("train on message %s: %w", key[:12], err)
	}
	return changed, nil
}
