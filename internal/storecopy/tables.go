package storecopy

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The plan of a copy is read from the two databases themselves, not
// written down here: the backends mirror each other table by table and
// column by column (each in its own schema.go), so whatever a later
// migration adds to both is copied without a change to this package, and
// what one adds to only one of them stops the copy with its name.

// searchIndex is the table each backend keeps in its own form: an FTS5
// virtual table (and its shadow tables) in SQLite, tsvectors in
// PostgreSQL. It is never copied as rows (copyIndex, rows.go).
const searchIndex = "message_index"

// ownCounters are tables each database keeps for itself, seeded by its
// own migrations and moved by its own triggers (login_epoch: the store's
// LoginEpoch): neither copied nor counted as data the target holds.
var ownCounters = []string{"login_epoch"}

// inlineBlobs is where SQLite keeps small messages (blob.Inline, issue
// 21). PostgreSQL has no such table: its messages are the bucket's, so
// these go there as files, read through the source's blob store by key
// like every other (copyBlobs), never as rows.
const inlineBlobs = "blob_inline"

// pendingBlobs is SQLite's list of message files not yet known durable
// (store.PendingBlobStore, issue 21). PostgreSQL takes only files already
// durable; the copy reads every file it copies through the source's blob
// store, so a file that did not survive stops it with its key.
const pendingBlobs = "blob_pending"

// sourceOnly reports the SQLite tables that are not copied on purpose:
// SQLite's own bookkeeping, FTS5's shadow tables, each database's own
// counters, the messages kept in the database and the files pending.
func sourceOnly(name string) bool {
	return strings.HasPrefix(name, "sqlite_") || name == searchIndex || strings.HasPrefix(name, searchIndex+"_") ||
		slices.Contains(ownCounters, name) || name == inlineBlobs || name == pendingBlobs
}

// sourceOnlyColumns are SQLite columns that are not copied on purpose:
// messages.index_id names the search index row a message shares with its
// copies (store/sqlite's index.go); PostgreSQL keeps a row per message.
var sourceOnlyColumns = map[string][]string{"messages": {"index_id"}}

// column is one column copied, with the target's type, which decides how
// a SQLite value is converted (convert.go).
type column struct {
	name   string
	pgType string // information_schema data_type: bigint, boolean, text ...
}

// table is one table copied.
type table struct {
	name     string
	columns  []column
	identity string // the target's identity column, or ""
	hasID    bool   // an integer id column both sides order by (row comparison)
	rows     int64  // in the source
}

func (t *table) columnList() string {
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = pgx.Identifier{c.name}.Sanitize()
	}
	return strings.Join(names, ", ")
}

func (t *table) ident() string { return pgx.Identifier{t.name}.Sanitize() }

// plan lists the tables to copy in an order that satisfies the target's
// foreign keys, each with the columns both sides have. A source table or
// column the target lacks is an error: copying the rest would lose it.
func plan(ctx context.Context, src *sql.Tx, dst pgx.Tx) ([]*table, error) {
	srcCols, err := sourceColumns(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("source schema: %w", err)
	}
	dstCols, identity, err := targetColumns(ctx, dst)
	if err != nil {
		return nil, fmt.Errorf("target schema: %w", err)
	}
	var tables []*table
	for _, name := range slices.Sorted(maps.Keys(srcCols)) {
		if sourceOnly(name) {
			continue
		}
		types, ok := dstCols[name]
		if !ok {
			return nil, fmt.Errorf("table %s has no counterpart in the target database (is the target's postroom older than the source's?)", name)
		}
		t := &table{name: name, identity: identity[name]}
		for _, c := range srcCols[name] {
			if slices.Contains(sourceOnlyColumns[name], c) {
				continue
			}
			typ, ok := types[c]
			if !ok {
				return nil, fmt.Errorf("column %s.%s has no counterpart in the target database", name, c)
			}
			t.columns = append(t.columns, column{name: c, pgType: typ})
			if c == "id" && (typ == "bigint" || typ == "integer") {
				t.hasID = true
			}
		}
		tables = append(tables, t)
	}
	order, err := fkOrder(ctx, dst)
	if err != nil {
		return nil, fmt.Errorf("target foreign keys: %w", err)
	}
	return sortByDeps(tables, order), nil
}

// sourceColumns maps each SQLite table to its columns in order.
func sourceColumns(ctx context.Context, tx *sql.Tx) (map[string][]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' ORDER BY m.name, p.cid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := map[string][]string{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		cols[t] = append(cols[t], c)
	}
	return cols, rows.Err()
}

// targetColumns maps each table of the target's schema (the first of
// its search_path) to its columns' types, and names each identity column.
func targetColumns(ctx context.Context, tx pgx.Tx) (map[string]map[string]string, map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, identity := map[string]map[string]string{}, map[string]string{}
	for rows.Next() {
		var t, c, typ, ident string
		if err := rows.Scan(&t, &c, &typ, &ident); err != nil {
			return nil, nil, err
		}
		if cols[t] == nil {
			cols[t] = map[string]string{}
		}
		cols[t][c] = typ
		if ident == "YES" {
			identity[t] = c
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(cols) == 0 {
		return nil, nil, fmt.Errorf("no tables in schema %q: open the target with postroom once (or check the dsn's search_path)", "current_schema()")
	}
	return cols, identity, nil
}

// fkOrder maps each table of the target to the tables its foreign keys
// reference.
func fkOrder(ctx context.Context, tx pgx.Tx) (map[string][]string, error) {
	rows, err := tx.Query(ctx, `SELECT c.relname, r.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE k.contype = 'f' AND n.nspname = current_schema()`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	deps := map[string][]string{}
	for rows.Next() {
		var t, ref string
		if err := rows.Scan(&t, &ref); err != nil {
			return nil, err
		}
		if t != ref {
			deps[t] = append(deps[t], ref)
		}
	}
	return deps, rows.Err()
}

// sortByDeps orders tables so that each comes after those it references
// (alphabetical otherwise, so that two runs copy in the same order).
func sortByDeps(tables []*table, deps map[string][]string) []*table {
	byName := map[string]*table{}
	for _, t := range tables {
		byName[t.name] = t
	}
	var out []*table
	done := map[string]bool{}
	var visit func(t *table)
	visit = func(t *table) {
		if done[t.name] {
			return
		}
		done[t.name] = true // the schema has no cycles; this also ends one
		for _, d := range slices.Sorted(slices.Values(deps[t.name])) {
			if dt := byName[d]; dt != nil {
				visit(dt)
			}
		}
		out = append(out, t)
	}
	for _, t := range tables {
		visit(t)
	}
	return out
}
