package postgres

// store.IMAPMetaStore: each message's ENVELOPE and BODYSTRUCTURE in a table
// of their own (imap_meta), written in the transaction that writes the
// message (AppendMessage, a copy in transfer) and deleted with it (ON
// DELETE CASCADE).

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// IMAPMeta implements store.IMAPMetaStore.
func (s *Store) IMAPMeta(ctx context.Context, accountID int64, ids []int64) (map[int64]store.IMAPMeta, error) {
	out := make(map[int64]store.IMAPMeta, len(ids))
	rows, err := s.pool.Query(ctx, `SELECT x.message_id, x.envelope, x.structure FROM imap_meta x
		JOIN messages m ON m.id = x.message_id WHERE x.message_id = ANY($1) AND m.account_id=$2`, ids, accountID)
	if err != nil {
		return nil, fmt.Errorf("imap meta of account %d: %w", accountID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var meta store.IMAPMeta
		if err := rows.Scan(&id, &meta.Envelope, &meta.Structure); err != nil {
			return nil, fmt.Errorf("imap meta of account %d: %w", accountID, err)
		}
		out[id] = meta
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("imap meta of account %d: %w", accountID, err)
	}
	return out, nil
}

// SetIMAPMeta implements store.IMAPMetaStore.
func (s *Store) SetIMAPMeta(ctx context.Context, accountID int64, metas map[int64]store.IMAPMeta) error {
	if len(metas) == 0 {
		return nil
	}
	// in id order, so that two backfills of overlapping messages lock
	// their rows in one order
	ids := slices.Sorted(maps.Keys(metas))
	err := s.write(ctx, func(tx pgx.Tx) error {
		for _, id := range ids {
			meta := metas[id]
			// Only a message of the account that is still there.
			if _, err := tx.Exec(ctx, `INSERT INTO imap_meta (message_id, envelope, structure)
				SELECT id, $1, $2 FROM messages WHERE id=$3 AND account_id=$4
				ON CONFLICT (message_id) DO UPDATE SET envelope=EXCLUDED.envelope, structure=EXCLUDED.structure`,
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

func putIMAPMeta(ctx context.Context, tx pgx.Tx, messageID int64, meta store.IMAPMeta) error {
	_, err := tx.Exec(ctx, `INSERT INTO imap_meta (message_id, envelope, structure) VALUES ($1,$2,$3)
		ON CONFLICT (message_id) DO UPDATE SET envelope=EXCLUDED.envelope, structure=EXCLUDED.structure`,
		messageID, nonNil(meta.Envelope), nonNil(meta.Structure))
	return err
}

// copyIMAPMeta gives a copy its original's values.
func copyIMAPMeta(ctx context.Context, tx pgx.Tx, from, to int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO imap_meta (message_id, envelope, structure)
		SELECT $1, envelope, structure FROM imap_meta WHERE message_id=$2`, to, from)
	return err
}
