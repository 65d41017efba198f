package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"
)

// The search index in a database file of its own (issue 21). SQLite has
// one writer per file: with the index (message_index, FTS5) beside the
// messages, the indexer's transactions, a few dozen messages' terms at a
// time, held the writer for up to 15 ms, and every APPEND and delivery
// arriving meanwhile waited for the whole of it (docs/performance.md,
// ninth session). In a file of its own the index has its own writer, and
// its terms are written beside the messages' commits, on another
// processor.
//
// Invariants:
//   - Only s.words, a pool of one connection on the index file, writes
//     the index. The database's connections (s.db, s.scan) attach the
//     file read-only as indexSchema, so a search joins the index with
//     messages as before (the name message_index finds it there), and a
//     BEGIN IMMEDIATE of theirs takes no lock of the index file.
//   - A row is written in the index before the database stops listing it
//     as waiting (message_index_waiting); a crash in between leaves it
//     waiting, and it is written again: INSERT OR REPLACE, as FTS5 keeps
//     two rows of one rowid when a plain INSERT repeats it.
//   - A row that no message names any more is listed in
//     message_index_gone by the transaction that removed its last message,
//     and deleted from the index by the next pass of the indexer
//     (dropGoneIndexRows). Until then searches, which join the index with
//     messages, do not see it. Index rows are message ids, never given
//     twice, so a row listed gone never comes back.
//   - An index file made anew beside a database that has messages (a
//     restored backup, whose archive holds the database only, or a file
//     removed) has every message waiting for its terms again; a database
//     whose index is still inside it (before this layout) has it moved
//     out once (moveIndexOut).

// indexSchema is the name the database's connections attach the index
// file under.
const indexSchema = "search_index"

// indexPath is the index file of the database at path: postroom.db's is
// postroom.index.db.
func indexPath(path string) string {
	if base, ok := strings.CutSuffix(path, ".db"); ok {
		return base + ".index.db"
	}
	return path + ".index"
}

// indexTable makes the index in the index file.
var indexTable = `CREATE VIRTUAL TABLE message_index USING fts5(subject, from_addr, to_addr, body, acct,
	content = '', contentless_delete = 1, ` + fts5Tokenize + `)`

// indexShadows are the tables FTS5 keeps a contentless index with
// contentless_delete in: moveIndexOut copies them.
var indexShadows = []string{"message_index_data", "message_index_idx", "message_index_docsize", "message_index_config"}

// openIndex opens the index file beside the database at path, making it
// when there is none; made reports that it was.
func openIndex(path string, busy time.Duration, sync string) (db *sql.DB, made bool, err error) {
	ipath := indexPath(path)
	if fi, err := os.Stat(ipath); errors.Is(err, fs.ErrNotExist) || err == nil && fi.Size() == 0 {
		made = true
	} else if err != nil {
		return nil, false, fmt.Errorf("search index %s: %w", ipath, err)
	}
	if err := createIncremental(ipath); err != nil {
		return nil, false, fmt.Errorf("search index %s: %w", ipath, err)
	}
	db, err = openDB("file:"+ipath+"?"+writerOptions(busy, sync).Encode(), "")
	if err != nil {
		return nil, false, fmt.Errorf("search index %s: %w", ipath, err)
	}
	// one writer: the pool's one connection is taken in turn
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'message_index'`).Scan(&n); err != nil {
		db.Close()
		return nil, false, fmt.Errorf("search index %s: %w", ipath, err)
	}
	if n == 0 {
		made = true
		// the merge setting of the migrations (schema_serving.go)
		for _, q := range []string{indexTable, `INSERT INTO message_index(message_index, rank) VALUES('automerge', 16)`} {
			if _, err := db.Exec(q); err != nil {
				db.Close()
				return nil, false, fmt.Errorf("search index %s: %w", ipath, err)
			}
		}
	}
	return db, made, nil
}

// readOnly is the URI that opens the file at path read-only.
func readOnly(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro"
}

// attachIndex attaches the index file to a connection of the database,
// read-only.
func attachIndex(ctx context.Context, c driver.ExecerContext, path string) error {
	_, err := c.ExecContext(ctx, `ATTACH DATABASE ? AS `+indexSchema, []driver.NamedValue{{Ordinal: 1, Value: readOnly(indexPath(path))}})
	return err
}

// writeIndex runs fn in a transaction of the index file.
func (s *Store) writeIndex(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.words.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("search index: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("search index: %w", full(err))
	}
	return nil
}

// moveIndexOut moves the index of a database made before the index had
// a file of its own into the index file: FTS5's tables copied as they
// are (the index is contentless: its rows cannot be read back and written
// again), then the database's dropped. A crash in between copies again
// at the next start. A database without an inside index whose index file
// was made now gets every message listed as waiting (indexAllAgain).
func (s *Store) moveIndexOut(ctx context.Context, made bool) error {
	var inside int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM main.sqlite_master WHERE name = 'message_index'`).Scan(&inside); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if inside == 0 {
		if made {
			return s.indexAllAgain(ctx)
		}
		return nil
	}
	conn, err := s.words.Conn(ctx)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	copied := func() error {
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS old`, readOnly(s.path)); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH DATABASE old`)
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, t := range indexShadows {
			if _, err := tx.ExecContext(ctx, `DELETE FROM main.`+t); err != nil {
				tx.Rollback()
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO main.`+t+` SELECT * FROM old.`+t); err != nil {
				tx.Rollback()
				return err
			}
		}
		return tx.Commit()
	}()
	if copied != nil {
		return fmt.Errorf("search index: moving it out of the database: %w", copied)
	}
	// FTS5 keeps what it read of its tables with the connection: the
	// index is read again from what was copied
	if err := s.reopenIndex(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DROP TABLE main.message_index`)
		return err
	})
}

// reopenIndex closes the index's connection, to be opened anew.
func (s *Store) reopenIndex() error {
	db, _, err := openIndex(s.path, s.busy, s.sync)
	if err != nil {
		return err
	}
	old := s.words
	s.words = db
	return old.Close()
}

// indexAllAgain lists every message's index row as waiting for its
// terms: the index file is new.
func (s *Store) indexAllAgain(ctx context.Context) error {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO message_index_waiting (index_id, account_id)
			SELECT index_id, min(account_id) FROM messages GROUP BY index_id`)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if n > 0 {
		slog.Info("search index: the index file is new; every message waits for its terms again", "file", indexPath(s.path), "messages", n)
	}
	return nil
}

// goneIndexRow lists index row id as gone if no message names it any
// more (tx is the database's).
func goneIndexRow(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO message_index_gone (index_id)
		SELECT ?1 WHERE NOT EXISTS (SELECT 1 FROM messages WHERE index_id = ?1)`, id)
	return err
}

// dropGoneIndexRows deletes the index rows listed gone from the index,
// then the list.
func (s *Store) dropGoneIndexRows(ctx context.Context) error {
	gone, err := queryAll(ctx, s.db, func(row scanner) (*int64, error) {
		var id int64
		return &id, row.Scan(&id)
	}, `SELECT index_id FROM message_index_gone ORDER BY index_id LIMIT 1000`)
	if err != nil || len(gone) == 0 {
		return err
	}
	if err := s.writeIndex(ctx, func(tx *sql.Tx) error {
		for _, id := range gone {
			if _, err := tx.ExecContext(ctx, `DELETE FROM message_index WHERE rowid = ?`, id); err != nil {
				return fmt.Errorf("row %d: %w", id, err)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM message_index_gone WHERE index_id IN (`+placeholders(len(gone))+`)`, int64Args(gone)...)
		return err
	})
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}
