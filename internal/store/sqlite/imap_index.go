package sqlite

// store.IMAPIndexStore: listings of a mailbox read from columns, and the
// conditional flag change of CONDSTORE.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"postroom/internal/store"
)

const indexCols = `id, uid, modseq, flags, size, internal_date, save_date, thread_id, blob_key`

// flagSets shares one []string per distinct flags text of a listing: a
// mailbox of 100,000 messages has a handful of distinct flag sets, and
// splitting each row's text anew was most of a listing's allocations.
type flagSets map[string][]string

func (fs flagSets) get(text string) []string {
	if f, ok := fs[text]; ok {
		return f
	}
	f := splitFlags(text)
	fs[text] = f
	return f
}

// getBytes is get for a column read as sql.RawBytes: the lookup copies
// nothing, a new set copies the text once.
func (fs flagSets) getBytes(text []byte) []string {
	if f, ok := fs[string(text)]; ok {
		return f
	}
	return fs.get(string(text))
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
	return s.index(ctx, accountID, mailboxID, mailboxIndexQuery, []any{mailboxID, after}, true)
}

// mailboxIndexQuery reads the covering index messages_mailbox_state only.
const mailboxIndexQuery = `SELECT ` + indexCols + ` FROM messages WHERE mailbox_id=? AND uid>? ORDER BY uid`

// MailboxState implements store.IMAPIndexStore: three columns of the
// same covering index, no strings but the flags (shared between rows
// with the same flags).
func (s *Store) MailboxState(ctx context.Context, accountID, mailboxID int64, after uint32) ([]store.MessageIndex, error) {
	if _, err := getMailbox(ctx, s.db, accountID, mailboxID); err != nil {
		return nil, err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE mailbox_id=? AND uid>?`, mailboxID, after).Scan(&n); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT uid, modseq, flags FROM messages WHERE mailbox_id=? AND uid>? ORDER BY uid`, mailboxID, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]store.MessageIndex, 0, n)
	fs := flagSets{}
	var flags sql.RawBytes // valid until the next Scan: fs.get copies it once per set
	for rows.Next() {
		var e store.MessageIndex
		if err := rows.Scan(&e.UID, &e.ModSeq, &flags); err != nil {
			return nil, err
		}
		e.Flags = fs.getBytes(flags)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ChangedSince implements store.IMAPIndexStore.
func (s *Store) ChangedSince(ctx context.Context, accountID, mailboxID int64, modseq uint64) ([]store.MessageIndex, error) {
	return s.index(ctx, accountID, mailboxID, `SELECT `+indexCols+` FROM messages WHERE mailbox_id=? AND modseq>? ORDER BY uid`,
		[]any{mailboxID, modseq}, false)
}

// MailboxIndexFiltered implements store.IMAPIndexStore: the filter goes
// into the query, where the seen column and the internal date have
// indexes of their own.
func (s *Store) MailboxIndexFiltered(ctx context.Context, accountID, mailboxID int64, after uint32, f store.IndexFilter) ([]store.MessageIndex, error) {
	if f == (store.IndexFilter{}) {
		return s.MailboxIndex(ctx, accountID, mailboxID, after)
	}
	query := `SELECT ` + indexCols + ` FROM messages WHERE mailbox_id=? AND uid>?`
	args := []any{mailboxID, after}
	switch {
	case f.Seen && f.Unseen:
		return nil, nil
	case f.Seen:
		query += ` AND seen=1`
	case f.Unseen:
		query += ` AND seen=0`
	}
	if !f.Since.IsZero() {
		query += ` AND internal_date>=?`
		args = append(args, f.Since.UnixNano())
	}
	if !f.Before.IsZero() {
		query += ` AND internal_date<?`
		args = append(args, f.Before.UnixNano())
	}
	return s.index(ctx, accountID, mailboxID, query+` ORDER BY uid`, args, false)
}

// index runs a listing query of one of the account's mailboxes; the
// mailbox is checked to be the account's first, so that the query itself
// filters on the mailbox alone and uses its index. byUID: args are the
// mailbox and the UID the listing starts after, and the result is sized
// first (a listing of the whole mailbox then never grows its slice; one
// of the newest few counts only those).
func (s *Store) index(ctx context.Context, accountID, mailboxID int64, query string, args []any, byUID bool) ([]store.MessageIndex, error) {
	if _, err := getMailbox(ctx, s.db, accountID, mailboxID); err != nil {
		return nil, err
	}
	var n int
	if byUID {
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE mailbox_id=? AND uid>?`, args...).Scan(&n); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]store.MessageIndex, 0, n)
	fs := flagSets{}
	for rows.Next() {
		var e store.MessageIndex
		if err := scanIndex(rows, fs, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// envelopeIndexQuery reads the envelope whole: decodeEnvelope is faster
// than SQLite's json_extract of each field.
const (
	envelopeIndexSelect = `SELECT ` + indexCols + `, sent_day, refs, envelope
	FROM messages WHERE mailbox_id=? AND uid>?`
	envelopeIndexOrder = ` ORDER BY uid`
	envelopeIndexQuery = envelopeIndexSelect + envelopeIndexOrder
)

// envelopeLike narrows a listing by texts with LIKE on the envelope
// column, the JSON of store.Envelope as encoding/json writes it. A text
// appears in that JSON as it stands when it has no character the encoder
// escapes (quote, backslash, control characters, <, >, &, U+2028,
// U+2029). LIKE folds ASCII letters only, so a text is used only when
// its other characters have no case; and since strings.ToLower folds two
// non-ASCII characters into ASCII letters (U+0130 into i, U+212A into
// k), a row holding either is kept whenever the text has that letter.
// Texts that do not qualify are left out: the rows stay a superset.
func envelopeLike(texts []string) (string, []any) {
	var where strings.Builder
	var args []any
	for _, t := range texts {
		pattern, ok := likePattern(t)
		if !ok {
			continue
		}
		where.WriteString(` AND (envelope LIKE ? ESCAPE '\'`)
		args = append(args, pattern)
		lower := strings.ToLower(t)
		if strings.Contains(lower, "i") {
			where.WriteString(` OR instr(envelope, ?)`)
			args = append(args, "\u0130")
		}
		if strings.Contains(lower, "k") {
			where.WriteString(` OR instr(envelope, ?)`)
			args = append(args, "\u212a")
		}
		where.WriteString(`)`)
	}
	return where.String(), args
}

// likePattern is %t% with LIKE's wildcards escaped, if t qualifies (see
// envelopeLike).
func likePattern(t string) (string, bool) {
	if t == "" {
		return "", false
	}
	var b strings.Builder
	b.WriteByte('%')
	for _, r := range t {
		switch {
		case r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == 0x2028 || r == 0x2029 || r == utf8.RuneError:
			return "", false
		case r >= 0x80 && (unicode.ToLower(r) != r || unicode.ToUpper(r) != r || unicode.ToTitle(r) != r):
			return "", false
		case r == '%' || r == '_':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('%')
	return b.String(), true
}

// EnvelopeIndex implements store.IMAPIndexStore.
func (s *Store) EnvelopeIndex(ctx context.Context, accountID, mailboxID int64, after uint32) ([]store.EnvelopeEntry, error) {
	return s.EnvelopeIndexContaining(ctx, accountID, mailboxID, after, nil)
}

// EnvelopeIndexContaining implements store.IMAPIndexStore: each text
// that envelopeLike accepts narrows the rows in SQL, before any row is
// decoded.
func (s *Store) EnvelopeIndexContaining(ctx context.Context, accountID, mailboxID int64, after uint32, texts []string) ([]store.EnvelopeEntry, error) {
	if _, err := getMailbox(ctx, s.db, accountID, mailboxID); err != nil {
		return nil, err
	}
	query, args := envelopeIndexQuery, []any{mailboxID, after}
	if where, more := envelopeLike(texts); where != "" {
		query = envelopeIndexSelect + where + envelopeIndexOrder
		args = append(args, more...)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.EnvelopeEntry
	fs := flagSets{}
	for rows.Next() {
		var e store.EnvelopeEntry
		var refs, raw string
		if err := scanIndex(rows, fs, &e.MessageIndex, &e.SentDay, &refs, &raw); err != nil {
			return nil, err
		}
		// an envelope that cannot be read lists as empty rather than
		// failing every SEARCH and SORT of its mailbox
		var env store.Envelope
		if err := decodeEnvelope(raw, &env); err != nil {
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
		out = append(out, e)
	}
	return out, rows.Err()
}

// storedRefs is the refs column of a new message: its last
// store.MaxStoredReferences message-ids (the parent last), space-separated;
// ids with spaces (none survive message.References) are dropped.
func storedRefs(refs []string) string {
	var keep []string
	for _, r := range refs {
		if r != "" && !strings.ContainsAny(r, " \t\r\n") {
			keep = append(keep, r)
		}
	}
	if len(keep) > store.MaxStoredReferences {
		keep = keep[len(keep)-store.MaxStoredReferences:]
	}
	return strings.Join(keep, " ")
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
