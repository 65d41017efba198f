package sqlite

// Each connection keeps the statements it ran prepared (issue 21). The
// driver prepares every query string anew, and parsing SQL was a tenth of
// the CPU of taking in a 200 KB message (docs/performance.md): the same
// dozen statements, over and over.
//
// Invariants:
//   - A cached statement runs one query at a time: a query whose
//     statement is still being read (rows open, within a transaction that
//     runs the same query again) runs uncached, as before.
//   - The cache is per connection (database/sql serialises calls on one
//     connection) and bounded: when it is full it is emptied, so queries
//     built with varying text (IN lists) cannot grow it without limit.
//   - Closing the connection closes its statements first.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// maxCachedStmts bounds one connection's cache.
const maxCachedStmts = 200

// openDB opens dsn through the caching connector; with a database's
// path for withIndex, each connection attaches its search index
// (index_file.go).
func openDB(dsn, withIndex string) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(cachingConnector{c, withIndex}), nil
}

type cachingConnector struct {
	driver.Connector
	withIndex string
}

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := conn.(innerConn)
	if !ok {
		conn.Close()
		return nil, errors.New("sqlite: the driver's connection lacks the context methods")
	}
	if c.withIndex != "" {
		if err := attachIndex(ctx, inner, c.withIndex); err != nil {
			conn.Close()
			return nil, fmt.Errorf("search index: %w", err)
		}
	}
	return &cachingConn{innerConn: inner, stmts: map[string]*cachedStmt{}}, nil
}

// innerConn is what the driver's connection implements and the cache
// passes on.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type stmtContext interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type cachedStmt struct {
	stmt stmtContext
	busy bool // its rows are open
}

type cachingConn struct {
	innerConn
	stmts map[string]*cachedStmt
}

// take returns the query's cached statement, preparing it the first time;
// nil when it is busy or cannot be cached (the caller runs the query
// uncached).
func (c *cachingConn) take(ctx context.Context, query string) *cachedStmt {
	if s := c.stmts[query]; s != nil {
		if s.busy {
			return nil
		}
		return s
	}
	ds, err := c.innerConn.PrepareContext(ctx, query)
	if err != nil {
		return nil // the uncached run reports the error
	}
	st, ok := ds.(stmtContext)
	if !ok {
		ds.Close()
		return nil
	}
	if len(c.stmts) >= maxCachedStmts {
		c.closeStmts()
	}
	s := &cachedStmt{stmt: st}
	c.stmts[query] = s
	return s
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s := c.take(ctx, query)
	if s == nil {
		return c.innerConn.ExecContext(ctx, query, args)
	}
	return s.stmt.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.take(ctx, query)
	if s == nil {
		return c.innerConn.QueryContext(ctx, query, args)
	}
	rows, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, s: s}, nil
}

// closeStmts closes and forgets every cached statement but the busy ones'
// (their rows close them through cachedRows).
func (c *cachingConn) closeStmts() {
	for q, s := range c.stmts {
		if !s.busy {
			s.stmt.Close()
		} else {
			s.stmt = orphan{s.stmt}
		}
		delete(c.stmts, q)
	}
}

func (c *cachingConn) Close() error {
	c.closeStmts()
	return c.innerConn.Close()
}

// orphan is a busy statement that left the cache: closing its rows
// closes it.
type orphan struct{ stmtContext }

// cachedRows frees its statement for the next query when closed.
type cachedRows struct {
	driver.Rows
	s *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.s.busy = false
	if o, ok := r.s.stmt.(orphan); ok {
		o.stmtContext.Close()
	}
	return err
}
