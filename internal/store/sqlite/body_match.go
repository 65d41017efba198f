package sqlite

// store.BodyMatchStore: SEARCH BODY over the FTS5 index, which keeps
// positions, so that a phrase is matched exactly as search.Match matches
// it. Only `message_index MATCH` is asked of the index (no column of it
// is read), whatever form the table takes.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"postroom/internal/search"
	"postroom/internal/store"
)

// BodyMatch implements store.BodyMatchStore: both lists in one
// statement, each one row of group_concat, not a row per message: BODY
// 내일 finds 90,000 messages of 100,000, and stepping through that many
// rows cost as much as the rest.
//
// The sure list, the long one, walks the mailbox's (uid, id) pairs on an
// index of messages and keeps those whose id is a row the index matched,
// which SQLite gathers first into a set in memory. No match is joined to
// messages: an index row's rowid is the id of the message that made it
// (index.go), so a message that is not a copy matches when its own id
// does, and a copy (index_id != id; a copy's own id is never an index
// row's) when its index_id does, which the small index of copies
// (messages_copies) answers. Looking up 90,000 matches one by one, in
// messages or in its index_id index, cost more than everything else. The
// list to check, short but for mail indexed before the mark, looks up its
// matches as every search does (searchFilter).
func (s *Store) BodyMatch(ctx context.Context, accountID, mailboxID int64, q search.Query) (store.BodyMatch, error) {
	if !store.ValidBodyQuery(q) {
		return store.BodyMatch{}, fmt.Errorf("body match %+v: %w", q, store.ErrInvalid)
	}
	if _, err := getMailbox(ctx, s.db, accountID, mailboxID); err != nil {
		return store.BodyMatch{}, err
	}
	// The FTS5 MATCH is scoped to the account by its acct term; the
	// mailbox (checked above to be the account's) scopes the rest.
	match := func(body string) string { return "acct : " + acctTerm(accountID) + " AND body : (" + body + ")" }
	exact := search.Term{Text: search.ExactTerm}
	sure := fts5Query(search.Query{Terms: append(slices.Clone(q.Terms), exact)})
	check := "(" + fts5Query(search.Query{Terms: q.Terms, Exclude: []search.Term{exact}}) + ") OR " + fts5Query(search.Cut)
	join, _, _ := searchFilter(accountID, store.SearchQuery{Body: search.Cut})
	var lists [3]sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT group_concat(uid) FROM messages WHERE mailbox_id = ?1
			AND +id IN (SELECT rowid FROM message_index WHERE message_index MATCH ?2)),
		(SELECT group_concat(uid) FROM messages WHERE mailbox_id = ?1 AND index_id != id
			AND +index_id IN (SELECT rowid FROM message_index WHERE message_index MATCH ?2)),
		(SELECT group_concat(m.uid) FROM `+join+` WHERE message_index MATCH ?3 AND m.mailbox_id = ?1)`,
		mailboxID, match(sure), match(check)).Scan(&lists[0], &lists[1], &lists[2]); err != nil {
		return store.BodyMatch{}, fmt.Errorf("body match in mailbox %d: %w", mailboxID, err)
	}
	var parts [3][]uint32
	for i, l := range lists {
		var err error
		if parts[i], err = uidList(l.String); err != nil {
			return store.BodyMatch{}, fmt.Errorf("body match in mailbox %d: %w", mailboxID, err)
		}
	}
	out := store.BodyMatch{Sure: parts[0], Check: parts[2]}
	if len(parts[1]) > 0 { // copies: a message is a copy or not, never both
		out.Sure = append(out.Sure, parts[1]...)
		slices.Sort(out.Sure)
	}
	// none is both, unless a text were marked both exact and cut
	out.Check = slices.DeleteFunc(out.Check, func(u uint32) bool { _, sure := slices.BinarySearch(out.Sure, u); return sure })
	return out, nil
}

// uidList reads a group_concat of UIDs, ascending (sorted here should
// SQLite walk the mailbox in another order).
func uidList(list string) ([]uint32, error) {
	if list == "" {
		return nil, nil
	}
	out := make([]uint32, 0, strings.Count(list, ",")+1)
	for f := range strings.SplitSeq(list, ",") {
		u, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("UID list: %w", err)
		}
		out = append(out, uint32(u))
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return out, nil
}
