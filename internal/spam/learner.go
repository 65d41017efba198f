package spam

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Learner trains the classifier (bayes.go) from what users report as
// spam or not spam and judges incoming mail with what the account and
// its domain learned. The counts live in the store, so every node learns
// and judges alike.
type Learner struct {
	Store store.BayesStore
	// Blobs opens a message's file (blob.FS): training reads the message
	// as it was stored.
	Blobs interface {
		Open(key string) (io.ReadSeekCloser, error)
	}
	Log *slog.Logger
}

// Train learns one stored message of the account as spam or ham; a
// message learned so already changes nothing, one learned the other way
// moves sides.
func (l *Learner) Train(ctx context.Context, domainID, accountID int64, blobKey string, isSpam bool) error {
	f, err := l.Blobs.Open(blobKey)
	if err != nil {
		return fmt.Errorf("train on message %s: %w", blobKey, err)
	}
	raw, err := io.ReadAll(io.LimitReader(f, learnBytes))
	f.Close()
	if err != nil {
		return fmt.Errorf("train on message %s: %w", blobKey, err)
	}
	tokens := MessageTokens(message.Parse(raw), learnText)
	if _, err := l.Store.TrainBayes(ctx, domainID, accountID, blobKey, tokens, isSpam); err != nil {
		return err
	}
	return nil
}

// Judged is the mail service's Spam hook (mail.Hooks.Spam): the
// messages a user just reported as spam, or as not spam, are learned so.
// A message that cannot be learned is logged; the user's move stands.
func (l *Learner) Judged(ctx context.Context, a actor.Actor, msgs []store.Message, isSpam bool) {
	for _, m := range msgs {
		if err := l.Train(ctx, a.DomainID, m.AccountID, m.BlobKey, isSpam); err != nil {
			l.log().Warn("spam filter not trained", "account", a.Name, "message", m.ID, "err", err)
		}
	}
}

// What of a message the filter reads: its first learnText bytes of text
// (of at most learnBytes of message when training from a file). Spam
// says what it is early; a 40 MB message must not cost 40 MB of tokens
// at delivery.
const (
	learnText  = 64 << 10
	learnBytes = 1 << 20
)

// Judge scores a message for an account of a domain with the domain's
// counts and the account's own, which count twice: the user's own
// reports weigh more for him than his colleagues'. Until enough is
// learned it answers unknown without reading the message.
func (l *Learner) Judge(ctx context.Context, domainID, accountID int64, m *message.Message) (Verdict, error) {
	dom, acct, err := l.Store.BayesCounts(ctx, domainID, accountID, nil)
	if err != nil {
		return Verdict{Score: 0.5}, err
	}
	if spam, ham := (mergedCounts{dom, acct}).Trained(); spam < MinTrained || ham < MinTrained {
		return Verdict{Score: 0.5}, nil
	}
	tokens := MessageTokens(m, learnText)
	dom, acct, err = l.Store.BayesCounts(ctx, domainID, accountID, tokens)
	if err != nil {
		return Verdict{Score: 0.5}, err
	}
	return Classify(mergedCounts{dom, acct}, tokens), nil
}

// mergedCounts is the domain's counts plus the account's.
type mergedCounts struct{ dom, acct store.BayesCounts }

func (c mergedCounts) Trained() (int, int) {
	return c.dom.Spam + c.acct.Spam, c.dom.Ham + c.acct.Ham
}

func (c mergedCounts) Token(t string) (int, int) {
	d, a := c.dom.Tokens[t], c.acct.Tokens[t]
	return d[0] + a[0], d[1] + a[1]
}

func (l *Learner) log() *slog.Logger {
	if l.Log != nil {
		return l.Log
	}
	return slog.Default()
}
