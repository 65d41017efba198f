package store

import (
	"context"

	"postroom/internal/search"
)

// BodyMatchStore answers IMAP SEARCH BODY keys from the search index,
// trusting it where it is exact (issue 21: BODY 내일 read 90,000 message
// files to confirm what the index had found). The rule of when it is
// exact is internal/search's (search.ExactTerm, search.ExactNeedle); the
// store only tells apart the messages the indexer marked. Scoped by
// account: a mailbox of another account is ErrNotFound.
type BodyMatchStore interface {
	// BodyMatch sorts the messages of the mailbox that a SEARCH for q's
	// needles must consider, in one answer:
	//
	//   - Sure, ascending: messages whose body terms hold
	//     search.ExactTerm and every group of q as a phrase (its terms at
	//     consecutive positions, as search.Match finds them).
	//   - Check, ascending, none of them in Sure: every other message
	//     whose body terms hold q's groups (a backend may count a
	//     phrase's terms anywhere, a superset), and every message whose
	//     body terms hold search.CutTerm.
	//
	// A backend whose index keeps no positions puts a message in Sure only
	// when every group of q is a single term, and the others in Check.
	// q must have required terms, no excluded ones and no prefixes
	// (ErrInvalid): what search.Substring makes.
	BodyMatch(ctx context.Context, accountID, mailboxID int64, q search.Query) (BodyMatch, error)
}

// BodyMatch is the answer of BodyMatchStore.BodyMatch.
type BodyMatch struct {
	Sure, Check []uint32
}

// ValidBodyQuery reports whether q is one BodyMatch takes.
func ValidBodyQuery(q search.Query) bool {
	if q.Empty() || len(q.Exclude) > 0 {
		return false
	}
	for _, t := range q.Terms {
		if t.Prefix || t.Text == "" {
			return false
		}
	}
	return true
}
