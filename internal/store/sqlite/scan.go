package sqlite

import (
	"database/sql"
	"fmt"
	"net/url"
	"time"
)

// The statements that read a whole mailbox (SEARCH's envelope and body
// matches: 100,000 rows and more) run on connections of their own that
// map the database file (PRAGMA mmap_size) and may not write. Through
// SQLite's page cache, 2 MiB a connection, such a statement read its
// pages again with a pread(2) each at every search; mapped, it reads the
// file's memory. The writers keep reading through the page cache: mapped,
// a commit first copies each page it changes out of the map, and the map
// follows every growth of the file, which made an APPEND stream ×0.92 and
// its CPU ×1.10 (docs/performance.md, issue 21).

// scanMmap is the most of the file a scanning connection maps: address
// space, not memory; only the pages a statement reads are resident, and
// the kernel may drop them as it drops any file's cached pages.
const scanMmap = 1 << 30

// scanConns bounds the scanning connections: a few searches at once, each
// with its own map of the file.
const scanConns = 4

// scanIdle is how long an unused scanning connection stays open, with its
// map and page cache.
const scanIdle = time.Minute

// openScan opens the pool of scanning connections of the database at path.
func openScan(path string, busy time.Duration) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "query_only(1)")
	q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", scanMmap))
	q.Add("_pragma", "temp_store(MEMORY)")
	db, err := openDB("file:"+path+"?"+q.Encode(), path) // stmtcache.go
	if err != nil {
		return nil, fmt.Errorf("scanning connections: %w", err)
	}
	db.SetMaxOpenConns(scanConns)
	db.SetMaxIdleConns(scanConns)
	db.SetConnMaxIdleTime(scanIdle)
	return db, nil
}
