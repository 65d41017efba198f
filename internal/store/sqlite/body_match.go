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
	"strings"

	"postroom/internal/search"
	"postroom/internal/store"
)

// BodyMatch implements store.BodyMatchStore: everything in one
// statement (one snapshot of the index and the mailbox), each list one
// row of group_concat, not a row per message: BODY 내일 finds 90,000
// messages of 100,000, and stepping through that many rows cost as much
// as the rest.
//
// The sure list, the long one, is joined here, in Go: the statement
// returns the rowids the index matched (ascending, as FTS5 walks them)
// and the mailbox's (id, uid) pairs from an index of messages, and a
// message is sure when its id is one of the rowids. Asking SQLite to join
// them (id IN the matches) gathered the matches into a b-tree and probed
// it once per message: twice the time of both walks together (issue 21).
// No match is looked up in messages: an index row's rowid is the id of
// the message that made it (index.go), so a message that is not a copy
// matches when its own id does, and a copy (index_id != id; a copy's own
// id is never an index row's) when its index_id does, which the small
// index of copies (messages_copies) lists. Looking up 90,000 matches one
// by one, in messages or in its index_id index, cost more than
// everything else. The list to check, short but for mail indexed before
// the mark, looks up its matches as every search does (searchFilter).
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
	// The two group_concats of one aggregate step over the same rows in
	// the same order: ids[i] is the id of the message whose UID is uids[i].
	var lists [6]sql.NullString
	if err := s.scan.QueryRowContext(ctx, `SELECT
		(SELECT group_concat(rowid) FROM message_index WHERE message_index MATCH ?2),
		ids, uids, copied, copies,
		(SELECT group_concat(m.uid) FROM `+join+` WHERE message_index MATCH ?3 AND m.mailbox_id = ?1)
		FROM (SELECT group_concat(id) AS ids, group_concat(uid) AS uids FROM messages WHERE mailbox_id = ?1),
		(SELECT group_concat(index_id) AS copied, group_concat(uid) AS copies FROM messages
			WHERE mailbox_id = ?1 AND index_id != id)`,
		mailboxID, match(sure), match(check)).Scan(&lists[0], &lists[1], &lists[2], &lists[3], &lists[4], &lists[5]); err != nil {
		return store.BodyMatch{}, fmt.Errorf("body match in mailbox %d: %w", mailboxID, err)
	}
	var nums [6][]int64
	for i, l := range lists {
		var err error
		if nums[i], err = numberList(l.String); err != nil {
			return store.BodyMatch{}, fmt.Errorf("body match in mailbox %d: %w", mailboxID, err)
		}
	}
	hits := nums[0]
	if !slices.IsSorted(hits) {
		slices.Sort(hits)
	}
	var out store.BodyMatch
	for _, pair := range [][2][]int64{{nums[1], nums[2]}, {nums[3], nums[4]}} {
		ids, uids := pair[0], pair[1]
		if len(ids) != len(uids) {
			return store.BodyMatch{}, fmt.Errorf("body match in mailbox %d: %d ids for %d UIDs", mailboxID, len(ids), len(uids))
		}
		for i, id := range ids {
			if _, ok := slices.BinarySearch(hits, id); ok {
				out.Sure = append(out.Sure, uint32(uids[i]))
			}
		}
	}
	slices.Sort(out.Sure)
	for _, u := range nums[5] {
		out.Check = append(out.Check, uint32(u))
	}
	slices.Sort(out.Check)
	// none is both, unless a text were marked both exact and cut
	out.Check = slices.DeleteFunc(out.Check, func(u uint32) bool { _, sure := slices.BinarySearch(out.Sure, u); return sure })
	return out, nil
}

// numberList reads a group_concat of non-negative integers (ids, UIDs).
// A list of 100,000 is read without a string per number.
func numberList(list string) ([]int64, error) {
	if list == "" {
		return nil, nil
	}
	out := make([]int64, 0, strings.Count(list, ",")+1)
	var n int64
	digits := 0
	for i := 0; i <= len(list); i++ {
		if i == len(list) || list[i] == ',' {
			if digits == 0 {
				return nil, fmt.Errorf("number list: empty number at byte %d", i)
			}
			out = append(out, n)
			n, digits = 0, 0
			continue
		}
		c := list[i]
		if c < '0' || c > '9' || digits >= 18 {
			return nil, fmt.Errorf("number list: %q at byte %d", c, i)
		}
		n = n*10 + int64(c-'0')
		digits++
	}
	return out, nil
}
