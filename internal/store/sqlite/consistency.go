package sqlite

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
	err := s.db.QueryRowContext(ctx, `SELECT coalesce((SELECT refs FROM blobs WHERE key=?), 0)`, key).Scan(&n)
	return n, err
}

// consistencyChecks are queries that return one description per violation.
var consistencyChecks = []string{
	// reference counts equal the rows referencing each blob
	`WITH r AS (SELECT blob_key AS key, count(*) AS n FROM (SELECT blob_key FROM messages UNION ALL SELECT blob_key FROM outbound UNION ALL SELECT blob_key FROM uploads) GROUP BY blob_key)
	 SELECT 'blob ' || coalesce(b.key, r.key) || ': refs ' || coalesce(b.refs, 0) || ', rows ' || coalesce(r.n, 0)
	 FROM r FULL OUTER JOIN blobs b ON b.key = r.key WHERE coalesce(b.refs, 0) != coalesce(r.n, 0)`,
	// usage counters equal the messages stored
	`SELECT 'account ' || a.id || ': usage ' || a.used_bytes || ' bytes/' || a.used_messages || ' messages, stored ' ||
	   coalesce(sum(m.size), 0) || '/' || count(m.id)
	 FROM accounts a LEFT JOIN messages m ON m.account_id = a.id GROUP BY a.id
	 HAVING a.used_bytes != coalesce(sum(m.size), 0) OR a.used_messages != count(m.id)`,
	`SELECT 'domain ' || d.name || ': usage ' || d.used_bytes || ', accounts ' || coalesce((SELECT sum(used_bytes) FROM accounts WHERE domain_id=d.id), 0)
	 FROM domains d WHERE d.used_bytes != coalesce((SELECT sum(used_bytes) FROM accounts WHERE domain_id=d.id), 0)`,
	// UIDNEXT above every UID, HIGHESTMODSEQ at least every MODSEQ
	`SELECT 'mailbox ' || mb.id || ': uidnext ' || mb.uid_next || ' <= uid ' || max(m.uid)
	 FROM mailboxes mb JOIN messages m ON m.mailbox_id = mb.id GROUP BY mb.id HAVING mb.uid_next <= max(m.uid)`,
	`SELECT 'mailbox ' || mb.id || ': highestmodseq ' || mb.highest_modseq || ' < modseq ' || max(m.modseq)
	 FROM mailboxes mb JOIN messages m ON m.mailbox_id = mb.id GROUP BY mb.id HAVING mb.highest_modseq < max(m.modseq)`,
	// no orphans
	`SELECT 'message ' || m.id || ': mailbox ' || m.mailbox_id || ' of another account or missing'
	 FROM messages m LEFT JOIN mailboxes mb ON mb.id = m.mailbox_id WHERE mb.id IS NULL OR mb.account_id != m.account_id`,
	`SELECT 'mailbox ' || mb.id || ': account ' || mb.account_id || ' missing'
	 FROM mailboxes mb LEFT JOIN accounts a ON a.id = mb.account_id WHERE a.id IS NULL`,
	// the search index: a row for every message (shared by its copies,
	// messages.index_id) or one waiting for its terms (index_later.go),
	// none without one but those listed gone (index_file.go), and each
	// filed under its messages' account (misfiledIndexRows). A row may be
	// written and still wait, between the index file's commit and the
	// database's (or after a crash there): the next pass writes it again.
	`SELECT 'message ' || m.id || ': not in the search index' FROM messages m
	 WHERE NOT EXISTS (SELECT 1 FROM message_index WHERE rowid = m.index_id)
	 AND NOT EXISTS (SELECT 1 FROM message_index_waiting w WHERE w.index_id = m.index_id)`,
	`SELECT 'search index row ' || i.rowid || ': no message' FROM message_index i
	 WHERE NOT EXISTS (SELECT 1 FROM messages WHERE index_id = i.rowid)
	 AND NOT EXISTS (SELECT 1 FROM message_index_gone g WHERE g.index_id = i.rowid)`,
	`SELECT 'search index row ' || g.index_id || ': listed gone, and message ' || m.id || ' names it' FROM message_index_gone g
	 JOIN messages m ON m.index_id = g.index_id`,
	`SELECT 'search index row ' || w.index_id || ': waits for no message of account ' || w.account_id FROM message_index_waiting w
	 WHERE NOT EXISTS (SELECT 1 FROM messages WHERE index_id = w.index_id AND account_id = w.account_id)`,
	`SELECT 'outbound ' || o.id || ': no recipient pending' FROM outbound o
	 WHERE NOT EXISTS (SELECT 1 FROM outbound_rcpts r WHERE r.outbound_id = o.id AND r.status = 'pending')`,
}

// misfiledIndexRows finds the account's messages whose search index row
// is not filed under the account (acctTerm). The index keeps no terms to
// read back, so the account's rows are asked of it as one match, which
// SQLite evaluates once (a constant subquery) and looks each message's
// row up in. A match restricted to each message's row instead
// (`MATCH ... AND rowid = m.index_id`) reads the account's whole doclist
// per message: 6 s at 20,000 messages, growing with the square.
const misfiledIndexRows = `SELECT 'search index row ' || m.index_id || ': not filed under account ' || m.account_id || ', that of message ' || m.id
	FROM messages m WHERE m.account_id = ?
	AND m.index_id NOT IN (SELECT rowid FROM message_index WHERE message_index MATCH ?)
	AND EXISTS (SELECT 1 FROM message_index WHERE rowid = m.index_id)`

// CheckConsistency implements store.BlobRefs.
func (s *Store) CheckConsistency(ctx context.Context) ([]string, error) {
	var problems []string
	collect := func(q string, args ...any) error {
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("consistency query: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				return err
			}
			problems = append(problems, p)
		}
		return rows.Err()
	}
	for _, q := range consistencyChecks {
		if err := collect(q); err != nil {
			return nil, err
		}
	}
	accounts, err := queryAll(ctx, s.db, func(row scanner) (*int64, error) {
		var id int64
		return &id, row.Scan(&id)
	}, `SELECT DISTINCT account_id FROM messages`)
	if err != nil {
		return nil, fmt.Errorf("consistency query: %w", err)
	}
	for _, id := range accounts {
		if err := collect(misfiledIndexRows, id, "acct : "+acctTerm(id)); err != nil {
			return nil, err
		}
	}
	return problems, nil
}

// BlobKeys calls fn for every blob key with a reference, for tools that
// compare the blob directory with the store.
func (s *Store) BlobKeys(ctx context.Context, fn func(key string) error) error {
	return s.eachKey(ctx, fn, `SELECT key FROM blobs WHERE refs > 0 ORDER BY key`)
}

// eachKey calls fn for each key query returns, in its order.
func (s *Store) eachKey(ctx context.Context, fn func(key string) error, query string) error {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
	}
	return rows.Err()
}
