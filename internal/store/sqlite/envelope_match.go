package sqlite

// store.EnvelopeMatchStore: SEARCH SUBJECT/FROM/TO/CC/BCC as instr() over
// the narrow table envelope_match (schema_serving.go), whose texts are
// store.EnvelopeMatchTexts of each message's stored envelope.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"postroom/internal/store"
)

// matchWhere is the condition of keys on envelope_match's columns, with
// its arguments (the lower-cased values); ErrInvalid for a key the
// texts cannot answer exactly.
func matchWhere(keys []store.EnvelopeKey) (string, []any, error) {
	var where strings.Builder
	var args []any
	for i, k := range keys {
		col := store.MatchColumn(k.Field)
		needle, ok := store.MatchNeedle(k.Value)
		if col == "" || !ok {
			return "", nil, fmt.Errorf("envelope match %s %q: %w", k.Field, k.Value, store.ErrInvalid)
		}
		if i > 0 {
			where.WriteString(` AND `)
		}
		// instr compares characters of valid UTF-8, which both texts are
		// (strings.ToLower's output): the same as a byte substring
		where.WriteString(`instr(` + col + `, ?)>0`)
		args = append(args, needle)
	}
	if len(keys) == 0 {
		where.WriteString(`1`)
	}
	return where.String(), args, nil
}

// EnvelopeMatch implements store.EnvelopeMatchStore. Rows without texts
// yet (stored before the table existed) are listed as well, filled, and
// the query run again.
func (s *Store) EnvelopeMatch(ctx context.Context, accountID, mailboxID int64, after uint32, keys []store.EnvelopeKey) ([]uint32, error) {
	cond, more, err := matchWhere(keys)
	if err != nil {
		return nil, err
	}
	if _, err := getMailbox(ctx, s.db, accountID, mailboxID); err != nil {
		return nil, err
	}
	query := envelopeMatchQuery(cond)
	args := append([]any{mailboxID, after}, more...)
	for attempt := 0; ; attempt++ {
		uids, unfilled, err := s.matchUIDs(ctx, query, args)
		if err != nil {
			return nil, fmt.Errorf("envelope match in mailbox %d: %w", mailboxID, err)
		}
		if !unfilled {
			return uids, nil
		}
		if attempt > 0 {
			return nil, fmt.Errorf("envelope match in mailbox %d: texts still missing after filling them", mailboxID)
		}
		if err := s.fillEnvelopeMatch(ctx, mailboxID); err != nil {
			return nil, fmt.Errorf("envelope match in mailbox %d: %w", mailboxID, err)
		}
	}
}

// envelopeMatchQuery is EnvelopeMatch's statement for the condition cond,
// whose arguments follow ?1 (the mailbox) and ?2 (the UID after which to
// look). One row, not one per match: stepping through a row costs more
// than testing one (FROM kim matches a quarter of a mailbox). Whether
// rows without texts are left is asked of their own index
// (envelope_match_unfilled), not of every row the scan reads: a fifth of
// the scan's time. INDEXED BY, because SQLite's planner, which has no
// statistics of a partial index that is empty, walked the mailbox's rows
// instead.
func envelopeMatchQuery(cond string) string {
	return `SELECT EXISTS (SELECT 1 FROM envelope_match INDEXED BY envelope_match_unfilled WHERE mailbox_id=?1 AND subject IS NULL),
		(SELECT group_concat(uid) FROM envelope_match WHERE mailbox_id=?1 AND uid>?2 AND ` + cond + `)`
}

// matchUIDs runs an EnvelopeMatch query: the UIDs it lists (in the
// order of the primary key's scan, ascending; sorted here all the same),
// and whether rows without texts were found.
func (s *Store) matchUIDs(ctx context.Context, query string, args []any) ([]uint32, bool, error) {
	var unfilled int
	var list sql.NullString
	if err := s.scan.QueryRowContext(ctx, query, args...).Scan(&unfilled, &list); err != nil {
		return nil, false, err
	}
	if unfilled > 0 || list.String == "" {
		return nil, unfilled > 0, nil
	}
	out := make([]uint32, 0, strings.Count(list.String, ",")+1)
	for f := range strings.SplitSeq(list.String, ",") {
		u, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return nil, false, fmt.Errorf("UID list: %w", err)
		}
		out = append(out, uint32(u))
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return out, false, nil
}

// fillBatch bounds the envelopes one step of fillEnvelopeMatch holds.
const fillBatch = 1000

// fillEnvelopeMatch writes the texts of the mailbox's rows that have none
// from the messages' stored envelopes, decoded as the listings decode
// them (an unreadable one as empty).
func (s *Store) fillEnvelopeMatch(ctx context.Context, mailboxID int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var last int64
		for {
			type todo struct {
				uid int64
				env string
			}
			var batch []todo
			rows, err := tx.QueryContext(ctx, `SELECT m.uid, m.envelope FROM envelope_match x
				JOIN messages m ON m.mailbox_id=x.mailbox_id AND m.uid=x.uid
				WHERE x.mailbox_id=? AND x.uid>? AND x.subject IS NULL ORDER BY x.uid LIMIT ?`, mailboxID, last, fillBatch)
			if err != nil {
				return fmt.Errorf("envelopes without texts: %w", err)
			}
			for rows.Next() {
				var t todo
				if err := rows.Scan(&t.uid, &t.env); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, t)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, t := range batch {
				if err := putEnvelopeMatch(ctx, tx, mailboxID, t.uid, t.env, false); err != nil {
					return err
				}
				last = t.uid
			}
			if len(batch) < fillBatch {
				return nil
			}
		}
	})
}

// putEnvelopeMatch writes the texts of the message (mailboxID, uid) whose
// stored envelope (the JSON of its row) is raw: a new row (insert), or
// the texts of one without them.
func putEnvelopeMatch(ctx context.Context, tx *sql.Tx, mailboxID, uid int64, raw string, insert bool) error {
	var env store.Envelope
	if err := decodeEnvelope(raw, &env); err != nil {
		env = store.Envelope{} // as EnvelopeIndexContaining lists it
	}
	t := store.EnvelopeMatchTexts(&env)
	query := `UPDATE envelope_match SET subject=?, from_text=?, to_text=?, cc_text=?, bcc_text=? WHERE mailbox_id=? AND uid=?`
	if insert {
		query = `INSERT INTO envelope_match (subject, from_text, to_text, cc_text, bcc_text, mailbox_id, uid) VALUES (?,?,?,?,?,?,?)`
	}
	if _, err := tx.ExecContext(ctx, query, t.Subject, t.From, t.To, t.Cc, t.Bcc, mailboxID, uid); err != nil {
		return fmt.Errorf("envelope match texts of UID %d: %w", uid, err)
	}
	return nil
}

// copyEnvelopeMatch gives a copy the texts of its original (none if the
// original has none yet: the first SEARCH fills both).
func copyEnvelopeMatch(ctx context.Context, tx *sql.Tx, srcID int64, srcUID uint32, dstID int64, dstUID uint32) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO envelope_match (mailbox_id, uid, subject, from_text, to_text, cc_text, bcc_text)
		SELECT ?, ?, subject, from_text, to_text, cc_text, bcc_text FROM envelope_match WHERE mailbox_id=? AND uid=?`,
		dstID, dstUID, srcID, srcUID); err != nil {
		return fmt.Errorf("envelope match texts of copy: %w", err)
	}
	return nil
}
