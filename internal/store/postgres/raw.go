package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Pool is the store's connection pool, for the one tool that writes an
// installation table by table when moving it from another backend
// (internal/storecopy, `postroom migrate`). Everything else goes through
// the store's methods.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// IndexFromTextSQL is the statement that fills message_index from the
// relation from, whose columns message_id, account_id, subject,
// from_addr, to_addr and body hold the internal/search terms joined by
// spaces (store.IndexText), as putIndex writes one message's row: a
// migrated installation gets the vectors this backend itself would have
// made from the same terms.
func IndexFromTextSQL(from string) string {
	return `INSERT INTO message_index (message_id, account_id, subject, from_addr, to_addr, body, doc)
		SELECT message_id, account_id, s, f, t, b, s || f || t || b FROM (SELECT message_id, account_id, ` +
		tsv("subject") + ` s, ` + tsv("from_addr") + ` f, ` + tsv("to_addr") + ` t, ` + tsv("body") + ` b FROM ` + from + `) v`
}
