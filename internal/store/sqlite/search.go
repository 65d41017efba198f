package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"postroom/internal/search"
	"postroom/internal/store"
)

// SetIndex implements store.MessageStore. The message's index row is
// shared with its copies (index.go), which hold the same file: they get
// the same terms and facet. The row is written in the index file first,
// then the database's part (index_file.go); a message that went meanwhile
// leaves its row listed gone.
func (s *Store) SetIndex(ctx context.Context, accountID, messageID int64, idx store.IndexText) error {
	var indexID int64
	err := s.db.QueryRowContext(ctx, `SELECT index_id FROM messages WHERE id=? AND account_id=?`, messageID, accountID).Scan(&indexID)
	if err != nil {
		return notFound(err)
	}
	if err := s.writeIndex(ctx, func(tx *sql.Tx) error { return insertIndexRow(ctx, tx, indexID, accountID, idx) }); err != nil {
		return err
	}
	var went bool
	err = s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE messages SET has_attachment=? WHERE index_id=?`, idx.HasAttachment, indexID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM message_index_waiting WHERE index_id=?`, indexID); err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if went = n == 0; went {
			return goneIndexRow(ctx, tx, indexID)
		}
		return nil
	})
	if err == nil && went {
		err = store.ErrNotFound
	}
	return err
}

// acctTerm is the account's term in the index's acct column: every search
// requires it, so FTS5 itself keeps to one account's mail.
func acctTerm(accountID int64) string {
	return "a" + strconv.FormatInt(accountID, 10)
}

// Search implements store.MessageStore with the FTS5 index.
func (s *Store) Search(ctx context.Context, accountID int64, q store.SearchQuery) (*store.SearchResult, error) {
	from, where, args := searchFilter(accountID, q)
	base := ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ")
	res := &store.SearchResult{ByMailbox: map[int64]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT m.mailbox_id, count(*)`+base+` GROUP BY m.mailbox_id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var mb int64
		var n int
		if err := rows.Scan(&mb, &n); err != nil {
			rows.Close()
			return nil, err
		}
		res.ByMailbox[mb] = n
		if q.MailboxID == 0 || q.MailboxID == mb {
			res.Total += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if q.MailboxID != 0 {
		base += " AND m.mailbox_id = ?"
		args = append(args, q.MailboxID)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	// Sort the hits by their dates alone and read whole rows only for the
	// page: sorting every hit with its row costs twice as much.
	ids, err := queryAll(ctx, s.db, func(row scanner) (*int64, error) {
		var id int64
		return &id, row.Scan(&id)
	}, `SELECT m.id`+base+` ORDER BY m.internal_date DESC, m.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(q.Offset, 0))...)
	if err != nil || len(ids) == 0 {
		return res, err
	}
	args = []any{accountID}
	for _, id := range ids {
		args = append(args, id)
	}
	page, err := queryAll(ctx, s.db, scanMessage, `SELECT `+messageCols+` FROM messages WHERE account_id=? AND id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]store.Message, len(page))
	for _, m := range page {
		byID[m.ID] = m
	}
	for _, id := range ids {
		if m, ok := byID[id]; ok {
			res.Messages = append(res.Messages, m)
		}
	}
	return res, nil
}

// searchFilter is the FROM clause and conditions of a search of the
// account's messages (m) for q, without q's mailbox and page.
func searchFilter(accountID int64, q store.SearchQuery) (from string, where []string, args []any) {
	match := []string{"acct : " + acctTerm(accountID)}
	for _, f := range []struct {
		column string
		q      search.Query
	}{{"{subject from_addr to_addr body}", q.Text}, {"from_addr", q.From}, {"to_addr", q.To}, {"subject", q.Subject}, {"body", q.Body}} {
		if f.q.Empty() {
			continue
		}
		match = append(match, f.column+" : ("+fts5Query(f.q)+")")
	}
	where = []string{"m.account_id = ?"}
	args = []any{accountID}
	from = "messages m"
	if len(match) > 1 {
		from = "message_index JOIN messages m ON m.index_id = message_index.rowid"
		where = append(where, "message_index MATCH ?")
		args = append(args, strings.Join(match, " AND "))
	}
	if !q.Since.IsZero() {
		where, args = append(where, "m.internal_date >= ?"), append(args, q.Since.UTC().UnixNano())
	}
	if !q.Before.IsZero() {
		where, args = append(where, "m.internal_date < ?"), append(args, q.Before.UTC().UnixNano())
	}
	if q.HasAttachment {
		where = append(where, "m.has_attachment = 1")
	}
	return from, where, args
}

// SearchUIDs implements store.MessageStore with the FTS5 index.
func (s *Store) SearchUIDs(ctx context.Context, accountID, mailboxID int64, q store.SearchQuery) ([]uint32, error) {
	from, where, args := searchFilter(accountID, q)
	where, args = append(where, "m.mailbox_id = ?"), append(args, mailboxID)
	return queryAll(ctx, s.db, func(row scanner) (*uint32, error) {
		var uid uint32
		return &uid, row.Scan(&uid)
	}, `SELECT m.uid FROM `+from+` WHERE `+strings.Join(where, " AND ")+` ORDER BY m.uid`, args...)
}
