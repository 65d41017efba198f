package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// AppendEvents implements store.EventLog. Appends are serialised on the
// counters row 'events' (locked to commit), so ids grow in commit order
// across nodes, and the row keeps the highest id given (LastEventID) when
// its event was trimmed.
func (s *Store) AppendEvents(ctx context.Context, evs []store.LoggedEvent) error {
	if len(evs) == 0 {
		return nil
	}
	at := now()
	ids := make([]int64, len(evs))
	err := s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO counters (name, value) VALUES ('events', 0) ON CONFLICT (name) DO NOTHING`); err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRow(ctx, `SELECT value FROM counters WHERE name='events' FOR UPDATE`).Scan(&last); err != nil {
			return err
		}
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
				when = nanos(e.At)
			}
			if err := tx.QueryRow(ctx, `INSERT INTO events (node, kind, account_id, mailbox_id, uids, modseq, at)
				VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, e.Node, e.Kind, e.AccountID, e.MailboxID, uids, int64(e.ModSeq), when).Scan(&ids[i]); err != nil {
				return fmt.Errorf("append event %s: %w", e.Kind, err)
			}
		}
		_, err := tx.Exec(ctx, `UPDATE counters SET value=$1 WHERE name='events'`, ids[len(ids)-1])
		return err
	})
	if err != nil {
		return err
	}
	for i := range evs {
		evs[i].ID = ids[i]
		if evs[i].At.IsZero() {
			evs[i].At = fromNanos(at)
		} else {
			evs[i].At = fromNanos(nanos(evs[i].At))
		}
	}
	return nil
}

// EventsAfter implements store.EventLog.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]store.LoggedEvent, error) {
	return queryAll(ctx, s.pool, scanEvent, `SELECT id, node, kind, account_id, mailbox_id, uids, modseq, at
		FROM events WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
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

// LastEventID implements store.EventLog: the counter AppendEvents keeps.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT value FROM counters WHERE name = 'events'`).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil // nothing appended yet
	}
	return id, err
}

// TrimEvents implements store.EventLog.
func (s *Store) TrimEvents(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM events WHERE at < $1`, before.UTC().UnixNano())
		if err != nil {
			return err
		}
		n = res.RowsAffected()
		return nil
	})
	return int(n), err
}
