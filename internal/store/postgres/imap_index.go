package postgres

// store.IMAPIndexStore: listings of a mailbox read from columns (the
// covering index messages_mailbox_state), and CONDSTORE's conditional
// flag change.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"postroom/internal/store"
)

const indexCols = `id, uid, modseq, flags, size, internal_date, save_date, thread_id, blob_key`

// flagSets shares one []string per distinct flags text of a listing: a
// large mailbox has a handful of distinct flag sets.
type flagSets map[string][]string

func (fs flagSets) get(text string) []string {
	if f, ok := fs[text]; ok {
		return f
	}
	f := splitFlags(text)
	fs[text] = f
	return f
}

func scanIndex(row scanner, fs flagSets, e *store.MessageIndex, extra ...any) error {
	var flags string
	var date, saved int64
	dest := append([]any{&e.ID, &e.UID, &e.ModSeq, &flags, &e.Size, &date, &saved, &e.ThreadID, &e.BlobKey}, extra...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	e.Flags = fs.get(flags)
	e.InternalDate = fromNanos(date)
	e.SaveDate = fromNanos(saved)
	return nil
}

// MailboxIndex implements store.IMAPIndexStore. Entries share their Flags
// slices: callers must not modify them.
func (s *Store) MailboxIndex(ctx context.Context, accountID, mailboxID int64, after uint32) ([]store.MessageIndex, error) {
	return s.index(ctx, accountID, mailboxID, `SELECT `+indexCols+` FROM messages WHERE mailbox_id=$1 AND uid>$2 ORDER BY uid`, int64(after))
}

// MailboxIndexFiltered implements store.IMAPIndexStore: the filter goes
// into the query (seen and internal_date are columns), so exactly the
// messages that satisfy it are listed.
func (s *Store) MailboxIndexFiltered(ctx context.Context, accountID, mailboxID int64, after uint32, f store.IndexFilter) ([]store.MessageIndex, error) {
	query := `SELECT ` + indexCols + ` FROM messages WHERE mailbox_id=$1 AND uid>$2`
	args := []any{int64(after)}
	switch {
	case f.Seen && f.Unseen:
		query += ` AND false`
	case f.Seen:
		query += ` AND seen`
	case f.Unseen:
		query += ` AND NOT seen`
	}
	if !f.Since.IsZero() {
		args = append(args, nanos(f.Since))
		query += ` AND internal_date >= $` + strconv.Itoa(len(args)+1)
	}
	if !f.Before.IsZero() {
		args = append(args, nanos(f.Before))
		query += ` AND internal_date < $` + strconv.Itoa(len(args)+1)
	}
	return s.index(ctx, accountID, mailboxID, query+` ORDER BY uid`, args...)
}

// MailboxState implements store.IMAPIndexStore.
func (s *Store) MailboxState(ctx context.Context, accountID, mailboxID int64, after uint32) ([]store.MessageIndex, error) {
	if _, err := getMailbox(ctx, s.pool, accountID, mailboxID); err != nil {
		return nil, err
	}
	fs := flagSets{}
	return queryAll(ctx, s.pool, func(row scanner) (*store.MessageIndex, error) {
		var e store.MessageIndex
		var flags string
		if err := row.Scan(&e.UID, &e.ModSeq, &flags); err != nil {
			return nil, err
		}
		e.Flags = fs.get(flags)
		return &e, nil
	}, `SELECT uid, modseq, flags FROM messages WHERE mailbox_id=$1 AND uid>$2 ORDER BY uid`, mailboxID, int64(after))
}

// ChangedSince implements store.IMAPIndexStore.
func (s *Store) ChangedSince(ctx context.Context, accountID, mailboxID int64, modseq uint64) ([]store.MessageIndex, error) {
	return s.index(ctx, accountID, mailboxID, `SELECT `+indexCols+` FROM messages WHERE mailbox_id=$1 AND modseq>$2 ORDER BY uid`, modseq)
}

// index runs a listing query of one of the account's mailboxes, checked to
// be the account's first, so that the query filters on the mailbox alone.
func (s *Store) index(ctx context.Context, accountID, mailboxID int64, query string, args ...any) ([]store.MessageIndex, error) {
	if _, err := getMailbox(ctx, s.pool, accountID, mailboxID); err != nil {
		return nil, err
	}
	fs := flagSets{}
	return queryAll(ctx, s.pool, func(row scanner) (*store.MessageIndex, error) {
		var e store.MessageIndex
		return &e, scanIndex(row, fs, &e)
	}, query, append([]any{mailboxID}, args...)...)
}

// EnvelopeIndex implements store.IMAPIndexStore.
func (s *Store) EnvelopeIndex(ctx context.Context, accountID, mailboxID int64, after uint32) ([]store.EnvelopeEntry, error) {
	return s.EnvelopeIndexContaining(ctx, accountID, mailboxID, after, nil)
}

// EnvelopeIndexContaining implements store.IMAPIndexStore: each text that
// envelopeNarrows accepts must occur in the stored envelope (its JSON,
// lower-cased byte for byte), which lists every message that holds it and
// some more (a text in a key, a date or a message-id); the caller matches
// the rows exactly.
func (s *Store) EnvelopeIndexContaining(ctx context.Context, accountID, mailboxID int64, after uint32, texts []string) ([]store.EnvelopeEntry, error) {
	if _, err := getMailbox(ctx, s.pool, accountID, mailboxID); err != nil {
		return nil, err
	}
	query := `SELECT ` + indexCols + `, sent_day, refs, envelope FROM messages WHERE mailbox_id=$1 AND uid>$2`
	args := []any{mailboxID, int64(after)}
	for _, t := range texts {
		t = strings.ToLower(t)
		if envelopeNarrows(t) {
			args = append(args, t)
			query += ` AND strpos(lower(envelope COLLATE "C"), $` + strconv.Itoa(len(args)) + `) > 0`
		}
	}
	fs := flagSets{}
	return queryAll(ctx, s.pool, func(row scanner) (*store.EnvelopeEntry, error) {
		var e store.EnvelopeEntry
		var refs, raw string
		if err := scanIndex(row, fs, &e.MessageIndex, &e.SentDay, &refs, &raw); err != nil {
			return nil, err
		}
		// an envelope that cannot be read lists as empty rather than
		// failing every SEARCH and SORT of its mailbox
		var env store.Envelope
		if err := json.Unmarshal([]byte(raw), &env); err != nil {
			env = store.Envelope{}
		}
		e.Date, e.DateText, e.Subject, e.InReplyTo, e.MessageID = env.Date, env.DateText, env.Subject, env.InReplyTo, env.MessageID
		if !e.Date.IsZero() {
			e.Date = e.Date.UTC()
		}
		e.From, e.To, e.Cc, e.Bcc = env.From, env.To, env.Cc, env.Bcc
		if refs != "" {
			e.References = strings.Split(refs, " ")
		}
		return &e, nil
	}, query+` ORDER BY uid`, args...)
}

// envelopeNarrows reports whether the lower-cased text t can be looked for
// in the envelope's JSON lower-cased by PostgreSQL under COLLATE "C"
// (ASCII letters only): t must be written in the JSON as it is (no
// character encoding/json escapes), hold no letter with case beyond ASCII
// (which "C" would not fold), and no k or i, which the Kelvin sign and the
// dotted capital I fold into under strings.ToLower but not under "C".
func envelopeNarrows(t string) bool {
	if t == "" {
		return false
	}
	for _, r := range t {
		switch {
		case r == 'k' || r == 'i':
			return false
		case r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == 0x2028 || r == 0x2029:
			return false
		case r >= 0x80 && (unicode.ToLower(r) != r || unicode.ToUpper(r) != r || unicode.ToTitle(r) != r):
			return false
		}
	}
	return true
}

// StoreFlagsUnchangedSince implements store.IMAPIndexStore.
func (s *Store) StoreFlagsUnchangedSince(ctx context.Context, accountID, mailboxID int64, uids []uint32, op store.FlagOp, flags []string,
	unchangedSince uint64) ([]store.Message, []uint32, error) {
	changed, modified, err := s.storeFlags(ctx, accountID, mailboxID, uids, op, flags, unchangedSince)
	if err != nil {
		return nil, nil, fmt.Errorf("conditional store: %w", err)
	}
	return changed, modified, nil
}
