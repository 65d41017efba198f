package postgres

// store.BodyMatchStore: SEARCH BODY over the tsvector index. Its tsvectors
// keep no positions (tsquery.go), so a phrase of several terms is only
// "all of them somewhere": such a message is never sure, only one to
// check; a phrase of one term (the one bigram of a two-syllable word)
// is exact.

import (
	"context"
	"fmt"
	"slices"

	"postroom/internal/search"
	"postroom/internal/store"
)

// BodyMatch implements store.BodyMatchStore, both lists in one row.
func (s *Store) BodyMatch(ctx context.Context, accountID, mailboxID int64, q search.Query) (store.BodyMatch, error) {
	if !store.ValidBodyQuery(q) {
		return store.BodyMatch{}, fmt.Errorf("body match %+v: %w", q, store.ErrInvalid)
	}
	if _, err := getMailbox(ctx, s.pool, accountID, mailboxID); err != nil {
		return store.BodyMatch{}, err
	}
	terms := tsQuery(q)
	anyOf := `(` + terms + `) | ` + tsQuery(search.Query{Terms: []search.Term{{Text: search.CutTerm}}})
	sure := `(` + terms + `) & ` + tsQuery(search.Query{Terms: []search.Term{{Text: search.ExactTerm}}})
	// The GIN index is on doc, which holds every term of body; body is
	// what must hold them.
	from := ` FROM message_index i JOIN messages m ON m.id = i.message_id
		WHERE i.account_id = $1 AND m.account_id = $1 AND m.mailbox_id = $2
		  AND i.doc @@ $3::tsquery AND i.body @@ $3::tsquery`
	query := `SELECT coalesce(array_agg(m.uid ORDER BY m.uid) FILTER (WHERE i.body @@ $4::tsquery), '{}'),
			coalesce(array_agg(m.uid ORDER BY m.uid) FILTER (WHERE NOT i.body @@ $4::tsquery), '{}')` + from
	args := []any{accountID, mailboxID, anyOf, sure}
	// Without positions, a marked message is sure only when no group of
	// q has two terms, whose adjacency the index cannot check.
	if required, _ := q.Groups(); slices.ContainsFunc(required, func(g []search.Term) bool { return len(g) > 1 }) {
		query = `SELECT '{}'::bigint[], coalesce(array_agg(m.uid ORDER BY m.uid), '{}')` + from
		args = args[:3]
	}
	var sureList, checkList []int64
	if err := s.pool.QueryRow(ctx, query, args...).Scan(&sureList, &checkList); err != nil {
		return store.BodyMatch{}, fmt.Errorf("body match in mailbox %d: %w", mailboxID, err)
	}
	return store.BodyMatch{Sure: uids(sureList), Check: uids(checkList)}, nil
}

// uids converts a list of UIDs as PostgreSQL returns them.
func uids(l []int64) []uint32 {
	if len(l) == 0 {
		return nil
	}
	out := make([]uint32, len(l))
	for i, u := range l {
		out[i] = uint32(u)
	}
	return out
}
