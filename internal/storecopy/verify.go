package storecopy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
)

// The verification runs inside the target's transaction, before it
// commits: a difference found rolls everything back.

// verifyCounts compares each table's row count, and the search index's.
func verifyCounts(ctx context.Context, src *sql.Tx, dst pgx.Tx, tables []*table) error {
	for _, t := range tables {
		var n int64
		if err := dst.QueryRow(ctx, "SELECT count(*) FROM "+t.ident()).Scan(&n); err != nil {
			return fmt.Errorf("verify: table %s: %w", t.name, err)
		}
		if n != t.rows {
			return fmt.Errorf("verify: table %s: %d rows in the source, %d in the target", t.name, t.rows, n)
		}
	}
	want, err := sourceIndexRows(ctx, src)
	if err != nil {
		return fmt.Errorf("verify: search index: %w", err)
	}
	var got int64
	if err := dst.QueryRow(ctx, "SELECT count(*) FROM "+searchIndex).Scan(&got); err != nil {
		return fmt.Errorf("verify: search index: %w", err)
	}
	if got != want {
		return fmt.Errorf("verify: search index: %d rows in the source, %d in the target", want, got)
	}
	return nil
}

// verifyRows reads every row back from the target and compares it with
// the source's. A table with an id is walked in id order on both sides
// and compared value by value, so that a difference is named by row and
// column (messages' flags, UIDs, MODSEQs, blob keys and envelopes;
// mailboxes' UIDVALIDITY and UIDNEXT; accounts' password hashes ...).
// The others (keyed by text, which the two databases may order
// differently) are compared as multisets by digest.
func verifyRows(ctx context.Context, src *sql.Tx, dst pgx.Tx, tables []*table, tick func()) error {
	for _, t := range tables {
		var err error
		if t.hasID {
			err = verifyTable(ctx, src, dst, t, tick)
		} else {
			err = verifyDigest(ctx, src, dst, t, tick)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// verifyDigest compares a table's rows as a multiset: the sum of a hash
// of each row, which does not depend on the order the rows are read in.
func verifyDigest(ctx context.Context, src *sql.Tx, dst pgx.Tx, t *table, tick func()) error {
	q := "SELECT " + t.columnList() + " FROM " + t.ident()
	srows, err := src.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("verify: table %s: %w", t.name, err)
	}
	defer srows.Close()
	in := newSQLiteRows(t, srows, nil)
	var want, got uint64
	for in.Next() {
		vals, _ := in.Values()
		want += rowHash(vals)
	}
	if err := in.Err(); err != nil {
		return fmt.Errorf("verify: table %s: source: %w", t.name, err)
	}
	drows, err := dst.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("verify: table %s: %w", t.name, err)
	}
	defer drows.Close()
	for drows.Next() {
		vals, err := drows.Values()
		if err != nil {
			return fmt.Errorf("verify: table %s: %w", t.name, err)
		}
		for i := range vals {
			vals[i] = normalize(vals[i])
		}
		got += rowHash(vals)
		if tick != nil {
			tick()
		}
	}
	if err := drows.Err(); err != nil {
		return fmt.Errorf("verify: table %s: target: %w", t.name, err)
	}
	if want != got {
		return fmt.Errorf("verify: table %s: the rows differ (same count, different content)", t.name)
	}
	return nil
}

// rowHash is the first 8 bytes of the SHA-256 of the row's values, each
// written with its type and length so that no two rows run together.
func rowHash(vals []any) uint64 {
	h := sha256.New()
	var buf [8]byte
	for _, v := range vals {
		var b []byte
		switch x := v.(type) {
		case nil:
			h.Write([]byte{'n'})
			continue
		case int64:
			binary.BigEndian.PutUint64(buf[:], uint64(x))
			h.Write([]byte{'i'})
			h.Write(buf[:])
			continue
		case bool:
			if x {
				h.Write([]byte{'t'})
			} else {
				h.Write([]byte{'f'})
			}
			continue
		case float64:
			binary.BigEndian.PutUint64(buf[:], math.Float64bits(x))
			h.Write([]byte{'d'})
			h.Write(buf[:])
			continue
		case string:
			h.Write([]byte{'s'})
			b = []byte(x)
		case []byte:
			h.Write([]byte{'b'})
			b = x
		default:
			fmt.Fprintf(h, "?%T:%v", v, v) // differs from every converted source value
			continue
		}
		binary.BigEndian.PutUint64(buf[:], uint64(len(b)))
		h.Write(buf[:])
		h.Write(b)
	}
	return binary.BigEndian.Uint64(h.Sum(nil))
}

func verifyTable(ctx context.Context, src *sql.Tx, dst pgx.Tx, t *table, tick func()) error {
	srows, err := src.QueryContext(ctx, selectAll(t))
	if err != nil {
		return fmt.Errorf("verify: table %s: %w", t.name, err)
	}
	defer srows.Close()
	in := newSQLiteRows(t, srows, nil)
	drows, err := dst.Query(ctx, selectAll(t))
	if err != nil {
		return fmt.Errorf("verify: table %s: %w", t.name, err)
	}
	defer drows.Close()
	idCol := -1
	for i, c := range t.columns {
		if c.name == "id" {
			idCol = i
		}
	}
	for {
		more := in.Next()
		if more != drows.Next() {
			if err := in.Err(); err != nil {
				return fmt.Errorf("verify: table %s: source: %w", t.name, err)
			}
			return fmt.Errorf("verify: table %s: row counts differ", t.name)
		}
		if !more {
			break
		}
		got, err := drows.Values()
		if err != nil {
			return fmt.Errorf("verify: table %s: %w", t.name, err)
		}
		want, _ := in.Values()
		for i, c := range t.columns {
			if !equal(want[i], normalize(got[i])) {
				return fmt.Errorf("verify: table %s, id %v: column %s is %v in the source, %v in the target",
					t.name, want[idCol], c.name, want[i], got[i])
			}
		}
		if tick != nil {
			tick()
		}
	}
	if err := in.Err(); err != nil {
		return fmt.Errorf("verify: table %s: source: %w", t.name, err)
	}
	if err := drows.Err(); err != nil {
		return fmt.Errorf("verify: table %s: target: %w", t.name, err)
	}
	return nil
}

func equal(a, b any) bool {
	if x, ok := a.([]byte); ok {
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	}
	return a == b
}

// referencedKeys lists every blob key the target's rows reference (the
// reference table and the rows that hold references), each once.
func referencedKeys(ctx context.Context, dst pgx.Tx) ([]string, error) {
	rows, err := dst.Query(ctx, `SELECT key FROM blobs WHERE refs > 0
		UNION SELECT blob_key FROM messages UNION SELECT blob_key FROM outbound UNION SELECT blob_key FROM uploads
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("verify: referenced message files: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
