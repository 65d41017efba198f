package postgres

// Threads (E1): which thread a new message joins, the conversation list of
// a mailbox and the messages of one thread.
//
// Invariants: messages.base_subject is store.BaseSubject of the envelope's
// subject, written with the row (append, copy) and never changed; a
// thread_id names the thread's first message forever (ids come from a
// sequence and are never reused), even after that message is gone.

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// threadFor returns the thread a new message joins, or 0 for a thread of
// its own: the one its References name, else (for a reply: references or
// a reply marker) the newest same-subject message's (store.AppendMessage).
func threadFor(ctx context.Context, tx pgx.Tx, nm *store.NewMessage, base string, prefixed bool, date int64) (int64, error) {
	var refs []string
	for _, r := range nm.References {
		if r != "" {
			refs = append(refs, r)
		}
	}
	if len(refs) > 200 {
		refs = refs[len(refs)-200:]
	}
	var thread int64
	if len(refs) > 0 {
		err := tx.QueryRow(ctx, `SELECT thread_id FROM messages WHERE account_id=$1 AND message_id = ANY($2)
			ORDER BY id LIMIT 1`, nm.AccountID, refs).Scan(&thread)
		if err == nil || !errors.Is(err, pgx.ErrNoRows) {
			return thread, err
		}
	}
	if base == "" || !(prefixed || len(refs) > 0) {
		return 0, nil
	}
	err := tx.QueryRow(ctx, `SELECT thread_id FROM messages WHERE account_id=$1 AND base_subject=$2 AND internal_date>=$3
		ORDER BY internal_date DESC, id DESC LIMIT 1`, nm.AccountID, base, date-int64(store.ThreadSubjectWindow)).Scan(&thread)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return thread, err
}

// threadCount counts the messages of row m's thread that the list shows
// it stands for: outside Trash and Spam, or in the listed mailbox itself.
const threadCount = `(SELECT count(*) FROM messages t WHERE t.account_id=m.account_id AND t.thread_id=m.thread_id
	AND (t.mailbox_id=m.mailbox_id OR t.mailbox_id NOT IN
		(SELECT id FROM mailboxes WHERE account_id=m.account_id AND role IN ('` + string(store.RoleTrash) + `','` + string(store.RoleSpam) + `'))))`

// threadUnseen counts the unseen messages of row m's thread in its mailbox.
const threadUnseen = `(SELECT count(*) FROM messages u WHERE u.mailbox_id=m.mailbox_id AND u.thread_id=m.thread_id AND NOT u.seen)`

// threadPage is MessagePage with p.Threads: where selects the mailbox's
// messages ($1 the mailbox); each thread's newest of them is its row,
// found by DISTINCT ON over the mailbox's (thread, date, UID) index.
func (s *Store) threadPage(ctx context.Context, where string, mailboxID int64, limit, offset int) ([]store.Message, int, error) {
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(DISTINCT thread_id) FROM messages `+where, mailboxID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count threads: %w", err)
	}
	msgs, err := queryAll(ctx, s.pool, scanThreadRow, `SELECT `+messageCols+`, `+threadCount+`, `+threadUnseen+`
		FROM messages m WHERE m.id IN (SELECT id FROM (
			SELECT DISTINCT ON (thread_id) id, internal_date, uid FROM messages `+where+`
			ORDER BY thread_id, internal_date DESC, uid DESC) h
		ORDER BY internal_date DESC, uid DESC LIMIT $2 OFFSET $3)
		ORDER BY m.internal_date DESC, m.uid DESC`, mailboxID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list threads: %w", err)
	}
	return msgs, total, nil
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
	msgs, err := queryAll(ctx, s.pool, scanMessage, `SELECT `+messageCols+` FROM messages WHERE account_id=$1 AND thread_id=$2
		ORDER BY internal_date, id`, accountID, threadID)
	if err != nil {
		return nil, fmt.Errorf("thread %d: %w", threadID, err)
	}
	if len(msgs) == 0 {
		return nil, store.ErrNotFound
	}
	return msgs, nil
}
