package store

import "context"

// BayesStore keeps what the spam classifier learned (issue 18): counts
// per domain (AccountID 0) and per account, and what each trained
// message was trained as.
type BayesStore interface {
	// TrainBayes records that the account's message with this blob was
	// judged spam (or ham) and adds its tokens to the account's counts
	// and to its domain's, in one transaction. A message trained the
	// same way before changes nothing (false); one trained the other way
	// is first taken out of the other side's counts. AccountID 0 trains
	// the domain's counts alone (an operator's corpus); the message's
	// record is then shared by every domain, so its key must name the
	// domain (spam.Learner.TrainRaw's does).
	TrainBayes(ctx context.Context, domainID, accountID int64, blobKey string, tokens []string, spam bool) (bool, error)
	// BayesCounts reads the counts of tokens for the account and for its
	// domain: trained totals and per-token counts of each.
	BayesCounts(ctx context.Context, domainID, accountID int64, tokens []string) (domain, account BayesCounts, err error)
}

// BayesCounts is one scope's learned counts for a set of tokens.
type BayesCounts struct {
	Spam, Ham int
	Tokens    map[string][2]int // token -> spam, ham
}
