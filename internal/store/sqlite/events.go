package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"postroom/internal/store"
)

// AppendEvents implements store.EventLog. Writes are serialised (one
// writer at a time, in this process and between processes), so ids grow
// in commit order.
func (s *Store) AppendEvents(ctx context.Context, evs []store.LoggedEvent) error {
	if len(evs) == 0 {
		return nil
	}
	at := now()
	return s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO events (node, kind, account_id, mailbox_id, uids, modseq, at)
			VALUES (?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range evs {
			e := &evs[i]
			uids := ""
			if len(e.UIDs) > 0 {
				b, err := json.Marshal(e.UIDs)
				if err != nil {
					return err
				}
				uids = string(b)
			}
			when := at
			if !e.At.IsZero() {
				when = e.At.UTC().UnixNano()
			}
			res, err := stmt.ExecContext(ctx, e.Node, e.Kind, e.AccountID, e.MailboxID, uids, int64(e.ModSeq), when)
			if err != nil {
				return fmt.Errorf("append event %s: %w", e.Kind, err)
			}
			if e.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			e.At = fromNanos(when)
		}
		return nil
	})
}

// EventsAfter implements store.EventLog.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]store.LoggedEvent, error) {
	return queryAll(ctx, s.db, scanEvent, `SELECT id, node, kind, account_id, mailbox_id, uids, modseq, at
		FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
}

func scanEvent(sc scanner) (*store.LoggedEvent, error) {
	var e store.LoggedEvent
	var uids string
	var modseq, at int64
	if err := sc.Scan(&e.ID, &e.Node, &e.Kind, &e.AccountID, &e.MailboxID, &uids, &modseq, &at); err != nil {
		return nil, err
	}
	if uids != "" {
		if err := json.Unmarshal([]byte(uids), &e.UIDs); err != nil {
			return nil, fmt.Errorf("event %d: uids: %w", e.ID, err)
		}
	}
	e.ModSeq, e.At = uint64(modseq), fromNanos(at)
	return &e, nil
}

// LastEventID implements store.EventLog: AUTOINCREMENT keeps the highest
// id ever given in sqlite_sequence, also when its row was trimmed.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'events'`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // nothing appended yet
	}
	return id, err
}

// TrimEvents implements store.EventLog.
func (s *Store) TrimEvents(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM events WHERE at < ?`, before.UTC().UnixNano())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
