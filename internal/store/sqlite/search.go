package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"postroom/internal/search"
	"postroom/internal/store"
)

// SetIndex implements store.MessageStore.
func (s *Store) SetIndex(ctx context.Context, accountID, messageID int64, idx store.IndexText) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE id=? AND account_id=?`, messageID, accountID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM message_index WHERE rowid=?`, messageID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO message_index (rowid, subject, from_addr, to_addr, body) VALUES (?,?,?,?,?)`,
			messageID, idx.Subject, idx.From, idx.To, idx.Body)
		return err
	})
}

// Search implements store.MessageStore with the FTS5 index.
func (s *Store) Search(ctx context.Context, accountID int64, q store.SearchQuery) (*store.SearchResult, error) {
	var match []string
	for _, f := range []struct {
		column string
		q      search.Query
	}{{"", q.Text}, {"from_addr", q.From}, {"to_addr", q.To}, {"subject", q.Subject}, {"body", q.Body}} {
		if f.q.Empty() {
			continue
		}
		expr := "(" + f.q.FTS5() + ")"
		if f.column != "" {
			expr = f.column + " : " + expr
		}
		match = append(match, expr)
	}
	where := []string{"m.account_id = ?"}
	args := []any{accountID}
	from := "messages m"
	if len(match) > 0 {
		from = "message_index JOIN messages m ON m.id = message_index.rowid"
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
	cols := "m." + strings.ReplaceAll(messageCols, ", ", ", m.")
	res.Messages, err = queryAll(ctx, s.db, scanMessage, `SELECT `+cols+base+` ORDER BY m.internal_date DESC, m.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(q.Offset, 0))...)
	return res, err
}
