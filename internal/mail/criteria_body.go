package mail

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"postroom/internal/search"
	"postroom/internal/store"
)

// SEARCH BODY through the index (issue 21: BODY 내일 on 100,000 messages
// read and parsed the 90,000 files the index proposed).
//
// The index is in general a superset (search.Substring): what it proposes
// is read and matched. But a BODY key whose needle is plain CJK
// characters only (search.ExactNeedle) is answered by the index exactly
// in the messages whose body text was indexed whole and marked
// search.ExactTerm (search.ExactText, written by indexBody):
// store.BodyMatch lists those that hold its phrase as sure, and the rest
// to read (unmarked ones: indexed before the mark existed, or with text
// the mark does not vouch for; and cut ones). A sure message is matched
// on the other keys alone; when there are none, it is a hit without any
// row or file being read. Only the criteria's own BODY keys take this
// way: under NOT or OR, and for TEXT, the file is read as ever.

// bodyCandidates narrows candidates (ascending) by the index, for the
// criteria's own BODY keys that have a run of CJK characters, and tells
// which of them the exact keys need not be checked for (sure). Without
// such keys it returns candidates as they are.
func (s *Service) bodyCandidates(ctx context.Context, accountID, mailboxID int64, c *Criteria, candidates []uint32) (sure, narrowed []uint32, err error) {
	var q search.Query
	exact := false
	for _, b := range c.Body {
		if bq, ok := search.Substring(b); ok {
			q.Terms = append(q.Terms, bq.Terms...)
			exact = exact || search.ExactNeedle(b)
		}
	}
	if q.Empty() {
		return nil, candidates, nil
	}
	if _, err := s.indexWaiting(ctx, accountID); err != nil { // index_later.go
		return nil, nil, fmt.Errorf("search mailbox %d: %w", mailboxID, err)
	}
	m, err := s.Store.BodyMatch(ctx, accountID, mailboxID, q)
	if err != nil {
		return nil, nil, fmt.Errorf("search mailbox %d: %w", mailboxID, err)
	}
	if exact {
		sure = intersect(candidates, m.Sure)
	}
	return sure, intersect(candidates, union(m.Sure, m.Check)), nil
}

// withoutExactBody is the criteria without the BODY keys the index
// answers exactly (search.ExactNeedle): what a sure message is matched on.
func (cr *Criteria) withoutExactBody() *Criteria {
	rest := *cr
	rest.Body = nil
	for _, b := range cr.Body {
		if !search.ExactNeedle(b) {
			rest.Body = append(rest.Body, b)
		}
	}
	return &rest
}

// fewRows is how many candidates are looked up one by one rather than
// among all the mailbox's rows from the first of them on (a few messages
// left to read after a BODY search the index answered).
const fewRows = 32

// stateRows are the state rows of (at least) the candidates that may
// satisfy f: MailboxIndexFiltered from the first candidate on, or, for a
// few candidates, each one's row (an expunged one is left out).
func (s *Service) stateRows(ctx context.Context, accountID, mailboxID int64, candidates []uint32, f store.IndexFilter) ([]store.EnvelopeEntry, error) {
	if len(candidates) > fewRows {
		idx, err := s.Store.MailboxIndexFiltered(ctx, accountID, mailboxID, max(candidates[0], 1)-1, f)
		if err != nil {
			return nil, err
		}
		rows := make([]store.EnvelopeEntry, len(idx))
		for i := range idx {
			rows[i].MessageIndex = idx[i]
		}
		return rows, nil
	}
	rows := make([]store.EnvelopeEntry, 0, len(candidates))
	for _, u := range candidates {
		m, err := s.Store.MessageByUID(ctx, accountID, mailboxID, u)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, store.EnvelopeEntry{MessageIndex: store.MessageIndex{ID: m.ID, UID: m.UID, ModSeq: m.ModSeq,
			Flags: m.Flags, Size: m.Size, InternalDate: m.InternalDate, SaveDate: m.SaveDate, ThreadID: m.ThreadID, BlobKey: m.BlobKey}})
	}
	return rows, nil
}

// difference returns the members of a (ascending) that are not in b
// (ascending).
func difference(a, b []uint32) []uint32 {
	var out []uint32
	for _, u := range a {
		if _, ok := slices.BinarySearch(b, u); !ok {
			out = append(out, u)
		}
	}
	return out
}
