package sqlite

// Threads (E1): which thread a new message joins, the conversation list of
// a mailbox and the messages of one thread.
//
// Invariants: messages.base_subject is store.BaseSubject of the envelope's
// subject, written with the row (append, copy) and never changed; a
// thread_id names the thread's first message forever (ids are never
// reused), even after that message is gone.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"

	"postroom/internal/store"
)

// The migration that adds base_subject fills it for the rows stored before
// with the same Go function new rows get, so old and new mail thread alike.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("postroom_base_subject", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			var subject string
			switch v := args[0].(type) {
			case string:
				subject = v
			case []byte:
				subject = string(v)
			}
			base, _ := store.BaseSubject(subject)
			return base, nil
		})
}

// threadFor returns the thread a new message joins, or 0 for a thread of
// its own: the one its References name, else (for a reply: references or
// a reply marker) the newest same-subject message's (store.AppendMessage).
func threadFor(ctx context.Context, tx *sql.Tx, nm *store.NewMessage, base string, prefixed bool, date int64) (int64, error) {
	thread, err := findThread(ctx, tx, nm.AccountID, nm.References)
	if err != nil || thread != 0 {
		return thread, err
	}
	if base == "" || !(prefixed || hasReference(nm.References)) {
		return 0, nil
	}
	err = tx.QueryRowContext(ctx, `SELECT thread_id FROM messages WHERE account_id=? AND base_subject=? AND internal_date>=?
		ORDER BY internal_date DESC, id DESC LIMIT 1`, nm.AccountID, base, date-int64(store.ThreadSubjectWindow)).Scan(&thread)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return thread, err
}

func hasReference(refs []string) bool {
	for _, r := range refs {
		if r != "" {
			return true
		}
	}
	return false
}

// threadCount counts the messages of row m's thread that the list shows
// it stands for: outside Trash and Spam, or in the listed mailbox itself.
const threadCount = `(SELECT count(*) FROM messages t WHERE t.account_id=m.account_id AND t.thread_id=m.thread_id
	AND (t.mailbox_id=m.mailbox_id OR t.mailbox_id NOT IN
		(SELECT id FROM mailboxes WHERE account_id=m.account_id AND role IN ('` + string(store.RoleTrash) + `','` + string(store.RoleSpam) + `'))))`

// threadUnseen counts the unseen messages of row m's thread in its mailbox.
const threadUnseen = `(SELECT count(*) FROM messages u WHERE u.mailbox_id=m.mailbox_id AND u.thread_id=m.thread_id AND u.seen=0)`

// threadPage is MessagePage with p.Threads: where selects the mailbox's
// messages (and args fill it); each thread's newest of them is its row.
//
// The page is found by walking the folder newest first (an index holds
// date, UID and thread) and keeping the first message of each thread until
// the page is full, so the first pages cost what they show, not the size of
// the folder; only the count of threads reads the whole (covering) index.
func (s *Store) threadPage(ctx context.Context, where string, args []any, limit, offset int) ([]store.Message, int, error) {
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(DISTINCT thread_id) FROM messages `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count threads: %w", err)
	}
	ids, err := s.threadHeads(ctx, where, args, limit, offset)
	if err != nil || len(ids) == 0 {
		return nil, total, err
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	rows, err := queryAll(ctx, s.db, scanThreadRow, `SELECT `+messageCols+`, `+threadCount+`, `+threadUnseen+` FROM messages m WHERE m.id IN (`+placeholders(len(ids))+`)`, in...)
	if err != nil {
		return nil, 0, fmt.Errorf("list threads: %w", err)
	}
	byID := make(map[int64]store.Message, len(rows))
	for _, m := range rows {
		byID[m.ID] = m
	}
	msgs := make([]store.Message, 0, len(ids))
	for _, id := range ids {
		msgs = append(msgs, byID[id])
	}
	return msgs, total, nil
}

// threadHeads returns the ids of the newest message of each thread, for
// threads offset to offset+limit in newest-first order.
func (s *Store) threadHeads(ctx context.Context, where string, args []any, limit, offset int) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, thread_id FROM messages `+where+` ORDER BY internal_date DESC, uid DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("walk threads: %w", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	var ids []int64
	for len(ids) < limit && rows.Next() {
		var id, thread int64
		if err := rows.Scan(&id, &thread); err != nil {
			return nil, err
		}
		if seen[thread] {
			continue
		}
		seen[thread] = true
		if len(seen) > offset {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// withCounts scans a message row followed by more columns into counts.
type withCounts struct {
	scanner
	counts []any
}

func (w withCounts) Scan(dest ...any) error { return w.scanner.Scan(append(dest, w.counts...)...) }

func scanThreadRow(row scanner) (*store.Message, error) {
	var n, unseen int
	m, err := scanMessage(withCounts{row, []any{&n, &unseen}})
	if err != nil {
		return nil, err
	}
	m.ThreadCount, m.ThreadUnseen = n, unseen
	return m, nil
}

// ThreadMessages implements store.MessageStore.
func (s *Store) ThreadMessages(ctx context.Context, accountID, threadID int64) ([]store.Message, error) {
	msgs, err := queryAll(ctx, s.db, scanMessage, `SELECT `+messageCols+` FROM messages WHERE account_id=? AND thread_id=?
		ORDER BY internal_date, id`, accountID, threadID)
	if err != nil {
		return nil, fmt.Errorf("thread %d: %w", threadID, err)
	}
	if len(msgs) == 0 {
		return nil, store.ErrNotFound
	}
	return msgs, nil
}
