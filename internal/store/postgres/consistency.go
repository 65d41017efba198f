package postgres

// store.BlobRefs: blob reference counts, and the store's own invariants
// checked from the rows.

import (
	"context"
	"fmt"
)

// BlobReferenced implements store.BlobRefs.
func (s *Store) BlobReferenced(ctx context.Context, key string) (bool, error) {
	n, err := s.BlobRefCount(ctx, key)
	return n > 0, err
}

// BlobRefCount implements store.BlobRefs.
func (s *Store) BlobRefCount(ctx context.Context, key string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce((SELECT refs FROM blobs WHERE key=$1), 0)`, key).Scan(&n)
	return n, err
}

// consistencyChecks are queries that return one description per violation.
var consistencyChecks = []string{
	// reference counts equal the rows referencing each blob
	`WITH r AS (SELECT blob_key AS key, count(*) AS n FROM (SELECT blob_key FROM messages UNION ALL SELECT blob_key FROM outbound
		UNION ALL SELECT blob_key FROM uploads) x GROUP BY blob_key)
	 SELECT 'blob ' || coalesce(b.key, r.key) || ': refs ' || coalesce(b.refs, 0) || ', rows ' || coalesce(r.n, 0)
	 FROM r FULL OUTER JOIN blobs b ON b.key = r.key WHERE coalesce(b.refs, 0) <> coalesce(r.n, 0)`,
	// usage counters equal the messages stored
	`SELECT 'account ' || a.id || ': usage ' || a.used_bytes || ' bytes/' || a.used_messages || ' messages, stored ' ||
	   coalesce(sum(m.size), 0) || '/' || count(m.id)
	 FROM accounts a LEFT JOIN messages m ON m.account_id = a.id GROUP BY a.id
	 HAVING a.used_bytes <> coalesce(sum(m.size), 0) OR a.used_messages <> count(m.id)`,
	`SELECT 'domain ' || d.name || ': usage ' || d.used_bytes || ', accounts ' || coalesce((SELECT sum(used_bytes) FROM accounts WHERE domain_id=d.id), 0)
	 FROM domains d WHERE d.used_bytes <> coalesce((SELECT sum(used_bytes) FROM accounts WHERE domain_id=d.id), 0)`,
	// UIDNEXT above every UID, HIGHESTMODSEQ at least every MODSEQ
	`SELECT 'mailbox ' || mb.id || ': uidnext ' || mb.uid_next || ' <= uid ' || max(m.uid)
	 FROM mailboxes mb JOIN messages m ON m.mailbox_id = mb.id GROUP BY mb.id HAVING mb.uid_next <= max(m.uid)`,
	`SELECT 'mailbox ' || mb.id || ': highestmodseq ' || mb.highest_modseq || ' < modseq ' || max(m.modseq)
	 FROM mailboxes mb JOIN messages m ON m.mailbox_id = mb.id GROUP BY mb.id HAVING mb.highest_modseq < max(m.modseq)`,
	// no orphans
	`SELECT 'message ' || m.id || ': mailbox ' || m.mailbox_id || ' of another account or missing'
	 FROM messages m LEFT JOIN mailboxes mb ON mb.id = m.mailbox_id WHERE mb.id IS NULL OR mb.account_id <> m.account_id`,
	`SELECT 'mailbox ' || mb.id || ': account ' || mb.account_id || ' missing'
	 FROM mailboxes mb LEFT JOIN accounts a ON a.id = mb.account_id WHERE a.id IS NULL`,
	`SELECT 'message ' || m.id || ': not in the search index' FROM messages m
	 WHERE NOT EXISTS (SELECT 1 FROM message_index WHERE message_id = m.id)`,
	`SELECT 'search index row ' || i.message_id || ': filed under account ' || i.account_id || ', message of account ' || m.account_id
	 FROM message_index i JOIN messages m ON m.id = i.message_id WHERE i.account_id <> m.account_id`,
	`SELECT 'outbound ' || o.id || ': no recipient pending' FROM outbound o
	 WHERE NOT EXISTS (SELECT 1 FROM outbound_rcpts r WHERE r.outbound_id = o.id AND r.status = 'pending')`,
}

// CheckConsistency implements store.BlobRefs.
func (s *Store) CheckConsistency(ctx context.Context) ([]string, error) {
	var problems []string
	for _, q := range consistencyChecks {
		found, err := queryAll(ctx, s.pool, func(row scanner) (*string, error) {
			var p string
			return &p, row.Scan(&p)
		}, q)
		if err != nil {
			return nil, fmt.Errorf("consistency query: %w", err)
		}
		problems = append(problems, found...)
	}
	return problems, nil
}

// BlobKeys implements store.BlobRefs.
func (s *Store) BlobKeys(ctx context.Context, fn func(key string) error) error {
	// Read the keys first: fn may call the store, and must not run
	// inside an open query on a pooled connection.
	keys, err := queryAll(ctx, s.pool, func(row scanner) (*string, error) {
		var k string
		return &k, row.Scan(&k)
	}, `SELECT key FROM blobs WHERE refs > 0 ORDER BY key`)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := fn(k); err != nil {
			return err
		}
	}
	return nil
}
