package sqlite

// store.IMAPMetaStore: each message's ENVELOPE and BODYSTRUCTURE in a table
// of their own (imap_meta), one row per message row, written in the
// transaction that writes the message (AppendMessage, a copy in transfer)
// and deleted with it (ON DELETE CASCADE).

import (
	"context"
	"database/sql"
	"fmt"

	"postroom/internal/store"
)

// metaBatch is how many ids one IMAPMeta query names: far below SQLite's
// limit of host parameters (32766), and more than a FETCH chunk (512), so
// that a FETCH asks one query per chunk.
const metaBatch = 1000

// IMAPMeta implements store.IMAPMetaStore.
func (s *Store) IMAPMeta(ctx context.Context, accountID int64, ids []int64) (map[int64]store.IMAPMeta, error) {
	out := make(map[int64]store.IMAPMeta, len(ids))
	for start := 0; start < len(ids); start += metaBatch {
		part := ids[start:min(start+metaBatch, len(ids))]
		args := make([]any, 0, len(part)+1)
		for _, id := range part {
			args = append(args, id)
		}
		args = append(args, accountID)
		// CROSS JOIN keeps imap_meta the outer loop, looked up by the ids:
		// left to itself the planner walked the account's messages
		// instead (50 ids of a 5,000-message account: 0.78 ms, not 0.13).
		rows, err := s.db.QueryContext(ctx, `SELECT x.message_id, x.envelope, x.structure FROM imap_meta x
			CROSS JOIN messages m ON m.id = x.message_id
			WHERE x.message_id IN (`+placeholders(len(part))+`) AND m.account_id=?`, args...)
		if err != nil {
			return nil, fmt.Errorf("imap meta of account %d: %w", accountID, err)
		}
		for rows.Next() {
			var id int64
			var meta store.IMAPMeta
			if err := rows.Scan(&id, &meta.Envelope, &meta.Structure); err != nil {
				rows.Close()
				return nil, fmt.Errorf("imap meta of account %d: %w", accountID, err)
			}
			out[id] = meta
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("imap meta of account %d: %w", accountID, err)
		}
	}
	return out, nil
}

// SetIMAPMeta implements store.IMAPMetaStore.
func (s *Store) SetIMAPMeta(ctx context.Context, accountID int64, metas map[int64]store.IMAPMeta) error {
	if len(metas) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		for id, meta := range metas {
			// Only a message of the account that is still there: the
			// foreign key would refuse one that is gone.
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO imap_meta (message_id, envelope, structure)
				SELECT id, ?, ? FROM messages WHERE id=? AND account_id=?`,
				nonNil(meta.Envelope), nonNil(meta.Structure), id, accountID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("imap meta of account %d: %w", accountID, err)
	}
	return nil
}

// putIMAPMeta writes a message's row of imap_meta, replacing any.
func putIMAPMeta(ctx context.Context, tx *sql.Tx, messageID int64, meta store.IMAPMeta) error {
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO imap_meta (message_id, envelope, structure) VALUES (?,?,?)`,
		messageID, nonNil(meta.Envelope), nonNil(meta.Structure))
	return err
}

// nonNil keeps a NOT NULL column from a nil slice, which the driver
// writes as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// copyIMAPMeta gives a copy the meta of the message it copies, if any.
func copyIMAPMeta(ctx context.Context, tx *sql.Tx, from, to int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO imap_meta (message_id, envelope, structure)
		SELECT ?, envelope, structure FROM imap_meta WHERE message_id=?`, to, from)
	return err
}
