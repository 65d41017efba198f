package postgres

// Search (E2) over message_index: each field a tsvector of the message's
// internal/search terms taken verbatim (putIndex), doc their union under a
// GIN index; a query is a search.Query rendered by tsQuery (tsquery.go),
// cast with ::tsquery so that PostgreSQL's parser never splits our terms
// again (Hangul bigrams, whole addresses). The index row's account_id is
// the searcher's: one tenant never reads another's hits.
//
// Unlike FTS5's phrases, the tsquery does not require adjacent terms to be
// adjacent (see tsQuery): a search finds every message that holds all its
// terms.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"postroom/internal/search"
	"postroom/internal/store"
)

// searchFilter is the FROM clause and conditions of a search of the
// account's messages (m) for q, without q's mailbox and page; $1 is the
// account.
func searchFilter(accountID int64, q store.SearchQuery) (from string, where []string, args []any) {
	where = []string{"m.account_id = $1"}
	args = []any{accountID}
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	from = "messages m"
	var match []string
	for _, f := range []struct {
		column string
		q      search.Query
	}{{"doc", q.Text}, {"from_addr", q.From}, {"to_addr", q.To}, {"subject", q.Subject}, {"body", q.Body}} {
		if f.q.Empty() {
			continue
		}
		tq := param(tsQuery(f.q)) + "::tsquery"
		match = append(match, "i."+f.column+" @@ "+tq)
		if f.column != "doc" {
			// the GIN index is on doc: what is in a field is in doc
			match = append(match, "i.doc @@ "+tq)
		}
	}
	if len(match) > 0 {
		from = "message_index i JOIN messages m ON m.id = i.message_id"
		where = append(where, "i.account_id = $1")
		where = append(where, match...)
	}
	if !q.Since.IsZero() {
		where = append(where, "m.internal_date >= "+param(nanos(q.Since)))
	}
	if !q.Before.IsZero() {
		where = append(where, "m.internal_date < "+param(nanos(q.Before)))
	}
	if q.HasAttachment {
		where = append(where, "m.has_attachment")
	}
	return from, where, args
}

// Search implements store.MessageStore.
func (s *Store) Search(ctx context.Context, accountID int64, q store.SearchQuery) (*store.SearchResult, error) {
	from, where, args := searchFilter(accountID, q)
	base := ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ")
	res := &store.SearchResult{ByMailbox: map[int64]int{}}
	type count struct {
		mailbox int64
		n       int
	}
	counts, err := queryAll(ctx, s.pool, func(row scanner) (*count, error) {
		var c count
		return &c, row.Scan(&c.mailbox, &c.n)
	}, `SELECT m.mailbox_id, count(*)`+base+` GROUP BY m.mailbox_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("search counts: %w", err)
	}
	for _, c := range counts {
		res.ByMailbox[c.mailbox] = c.n
		if q.MailboxID == 0 || q.MailboxID == c.mailbox {
			res.Total += c.n
		}
	}
	if q.MailboxID != 0 {
		args = append(args, q.MailboxID)
		base += " AND m.mailbox_id = $" + strconv.Itoa(len(args))
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit, max(q.Offset, 0))
	page, err := queryAll(ctx, s.pool, scanMessage, `SELECT `+prefixed("m.", messageCols)+base+
		` ORDER BY m.internal_date DESC, m.id DESC LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	res.Messages = page
	return res, nil
}

// SearchUIDs implements store.MessageStore.
func (s *Store) SearchUIDs(ctx context.Context, accountID, mailboxID int64, q store.SearchQuery) ([]uint32, error) {
	from, where, args := searchFilter(accountID, q)
	args = append(args, mailboxID)
	where = append(where, "m.mailbox_id = $"+strconv.Itoa(len(args)))
	return queryAll(ctx, s.pool, func(row scanner) (*uint32, error) {
		var uid uint32
		return &uid, row.Scan(&uid)
	}, `SELECT m.uid FROM `+from+` WHERE `+strings.Join(where, " AND ")+` ORDER BY m.uid`, args...)
}

// prefixed qualifies each of a comma-separated column list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
