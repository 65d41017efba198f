package storecopy

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store/postgres"
)

// sqliteRows feeds pgx's COPY from a SQLite query, converting each value
// to its target column's type.
type sqliteRows struct {
	t    *table
	rows *sql.Rows
	vals []any
	ptrs []any
	out  []any
	err  error
	n    int64
	tick func()
}

func newSQLiteRows(t *table, rows *sql.Rows, tick func()) *sqliteRows {
	r := &sqliteRows{t: t, rows: rows, vals: make([]any, len(t.columns)), ptrs: make([]any, len(t.columns)),
		out: make([]any, len(t.columns)), tick: tick}
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
	}
	return r
}

func (r *sqliteRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	if err := r.rows.Scan(r.ptrs...); err != nil {
		r.err = err
		return false
	}
	for i, c := range r.t.columns {
		v, err := convert(r.vals[i], c.pgType)
		if err != nil {
			r.err = fmt.Errorf("row %d, column %s: %w", r.n+1, c.name, err)
			return false
		}
		r.out[i] = v
	}
	r.n++
	if r.tick != nil {
		r.tick()
	}
	return true
}

func (r *sqliteRows) Values() ([]any, error) { return r.out, nil }

func (r *sqliteRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

// selectAll reads the table's copied columns, in id order where there is
// one (the row comparison walks both sides in that order).
func selectAll(t *table) string {
	q := "SELECT " + t.columnList() + " FROM " + t.ident()
	if t.hasID {
		q += " ORDER BY id"
	}
	return q
}

// copyTable copies one table's rows with COPY. Rows already there were
// made by the target's own triggers from the rows copied before (the
// target was empty when the copy began: password_set gets one per account
// inserted); the source's rows are the real ones, so they go first.
func copyTable(ctx context.Context, src *sql.Tx, dst pgx.Tx, t *table, tick func()) (int64, error) {
	var made bool
	if err := dst.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+t.ident()+")").Scan(&made); err != nil {
		return 0, fmt.Errorf("table %s: %w", t.name, err)
	}
	if made {
		if _, err := dst.Exec(ctx, "DELETE FROM "+t.ident()); err != nil {
			return 0, fmt.Errorf("table %s: clearing what the target's triggers made: %w", t.name, err)
		}
	}
	rows, err := src.QueryContext(ctx, selectAll(t))
	if err != nil {
		return 0, fmt.Errorf("table %s: read: %w", t.name, err)
	}
	defer rows.Close()
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = c.name
	}
	n, err := dst.CopyFrom(ctx, pgx.Identifier{t.name}, names, newSQLiteRows(t, rows, tick))
	if err != nil {
		return n, fmt.Errorf("table %s: %w", t.name, err)
	}
	return n, nil
}

// copyIndex gives every message an empty search index row on the
// target, the form in which the PostgreSQL backend holds a message not
// indexed yet (found by every filter but words), and returns how many.
// The source's index cannot be carried over: it is a contentless FTS5
// table (store/sqlite's index.go), which keeps where each term occurs but
// not the terms. The terms are made again from the message files once the
// copy is committed (`postroom migrate` reindexes the target; Unindexed
// finds what is left to do).
func copyIndex(ctx context.Context, dst pgx.Tx) (int64, error) {
	tag, err := dst.Exec(ctx, postgres.IndexFromTextSQL(
		`(SELECT id AS message_id, account_id, '' AS subject, '' AS from_addr, '' AS to_addr, '' AS body FROM messages) AS m`))
	if err != nil {
		return 0, fmt.Errorf("search index: %w", err)
	}
	return tag.RowsAffected(), nil
}

// sourceIndexRows counts the source's messages that have a search index
// row (their own or one shared with copies): the rows the target gets.
func sourceIndexRows(ctx context.Context, src *sql.Tx) (int64, error) {
	var n int64
	// a message whose terms wait (store/sqlite's index_later.go) has its
	// row in the target as every other, filled by the reindex
	err := src.QueryRowContext(ctx, `SELECT count(*) FROM messages m
		WHERE EXISTS (SELECT 1 FROM `+searchIndex+` i WHERE i.rowid = m.index_id)
		OR EXISTS (SELECT 1 FROM `+searchIndex+`_waiting w WHERE w.index_id = m.index_id)`).Scan(&n)
	return n, err
}

// UnindexedAccount is an account of the target with messages whose
// search index row is empty (Unindexed).
type UnindexedAccount struct {
	ID       int64
	Address  string
	Messages int64
}

// Unindexed returns the accounts of the target that hold messages whose
// search index row is empty, with how many, by id: after a copy, every
// message, until it is reindexed from its file. A message without any
// term stays empty after a reindex and is counted again; it costs a
// second reading of its file, nothing else.
func Unindexed(ctx context.Context, dst *postgres.Store) ([]UnindexedAccount, error) {
	rows, err := dst.Pool().Query(ctx, `SELECT i.account_id, a.local_part || '@' || d.name, count(*)
		FROM `+searchIndex+` i JOIN accounts a ON a.id = i.account_id JOIN domains d ON d.id = a.domain_id
		WHERE i.doc = ''::tsvector GROUP BY i.account_id, a.local_part, d.name ORDER BY i.account_id`)
	if err != nil {
		return nil, fmt.Errorf("target: search index: %w", err)
	}
	defer rows.Close()
	var out []UnindexedAccount
	for rows.Next() {
		var u UnindexedAccount
		if err := rows.Scan(&u.ID, &u.Address, &u.Messages); err != nil {
			return nil, fmt.Errorf("target: search index: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// setSequences moves each identity past the highest id copied and past
// the highest SQLite ever gave (sqlite_sequence, for its AUTOINCREMENT
// tables), so that no id is handed out twice: message ids are POP3 UIDLs
// and thread ids, outbound ids answer a late undo, event ids are read as
// "after the last one seen".
func setSequences(ctx context.Context, src *sql.Tx, dst pgx.Tx, tables []*table) error {
	given := map[string]int64{}
	rows, err := src.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err == nil {
		for rows.Next() {
			var name string
			var seq int64
			if err := rows.Scan(&name, &seq); err != nil {
				rows.Close()
				return fmt.Errorf("sqlite_sequence: %w", err)
			}
			given[name] = seq
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlite_sequence: %w", err)
		}
	}
	// (no sqlite_sequence: no AUTOINCREMENT table was ever written)
	for _, t := range tables {
		if t.identity == "" {
			continue
		}
		col := pgx.Identifier{t.identity}.Sanitize()
		var high int64
		if err := dst.QueryRow(ctx, "SELECT coalesce(max("+col+"), 0) FROM "+t.ident()).Scan(&high); err != nil {
			return fmt.Errorf("table %s: highest %s: %w", t.name, t.identity, err)
		}
		high = max(high, given[t.name])
		if high == 0 {
			continue
		}
		if _, err := dst.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), $3)`, t.ident(), t.identity, high); err != nil {
			return fmt.Errorf("table %s: identity past %d: %w", t.name, high, err)
		}
	}
	return nil
}
