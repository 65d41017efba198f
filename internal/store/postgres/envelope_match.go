package postgres

// store.EnvelopeMatchStore: SEARCH SUBJECT/FROM/TO/CC/BCC as strpos()
// over the narrow table envelope_match (schema.go), whose texts are
// store.EnvelopeMatchTexts of each message's stored envelope.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// matchWhere is the condition of keys on envelope_match's columns, its
// arguments numbered from $first (the lower-cased values); ErrInvalid
// for a key the texts cannot answer exactly.
func matchWhere(keys []store.EnvelopeKey, first int) (string, []any, error) {
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
		// strpos under a deterministic collation compares the bytes of
		// valid UTF-8, which both texts are
		where.WriteString(`strpos(` + col + `, $` + strconv.Itoa(first+i) + `)>0`)
		args = append(args, needle)
	}
	if len(keys) == 0 {
		where.WriteString(`true`)
	}
	return where.String(), args, nil
}

// EnvelopeMatch implements store.EnvelopeMatchStore. Rows without texts
// yet (stored before the table existed) are listed as well, filled, and
// the query run again.
func (s *Store) EnvelopeMatch(ctx context.Context, accountID, mailboxID int64, after uint32, keys []store.EnvelopeKey) ([]uint32, error) {
	cond, more, err := matchWhere(keys, 3)
	if err != nil {
		return nil, err
	}
	if _, err := getMailbox(ctx, s.pool, accountID, mailboxID); err != nil {
		return nil, err
	}
	// Rows without texts are listed too, in the same snapshot.
	query := `SELECT uid, subject IS NULL FROM envelope_match WHERE mailbox_id=$1 AND uid>$2 AND (subject IS NULL OR (` + cond + `)) ORDER BY uid`
	args := append([]any{mailboxID, int64(after)}, more...)
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

// matchUIDs runs an EnvelopeMatch query: the UIDs of the rows that
// match, and whether rows without texts were listed.
func (s *Store) matchUIDs(ctx context.Context, query string, args []any) ([]uint32, bool, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []uint32
	unfilled := false
	for rows.Next() {
		var uid int64
		var missing bool
		if err := rows.Scan(&uid, &missing); err != nil {
			return nil, false, err
		}
		if missing {
			unfilled = true
			continue
		}
		out = append(out, uint32(uid))
	}
	return out, unfilled, rows.Err()
}

// fillBatch bounds the envelopes one step of fillEnvelopeMatch holds.
const fillBatch = 1000

// fillEnvelopeMatch writes the texts of the mailbox's rows that have none
// from the messages' stored envelopes, decoded as the listings decode
// them (an unreadable one as empty).
func (s *Store) fillEnvelopeMatch(ctx context.Context, mailboxID int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var last int64
		for {
			type todo struct {
				uid int64
				env string
			}
			var batch []todo
			rows, err := tx.Query(ctx, `SELECT m.uid, m.envelope FROM envelope_match x
				JOIN messages m ON m.mailbox_id=x.mailbox_id AND m.uid=x.uid
				WHERE x.mailbox_id=$1 AND x.uid>$2 AND x.subject IS NULL ORDER BY x.uid LIMIT $3`, mailboxID, last, fillBatch)
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
				if err := putEnvelopeMatch(ctx, tx, mailboxID, t.uid, []byte(t.env), false); err != nil {
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
func putEnvelopeMatch(ctx context.Context, tx pgx.Tx, mailboxID, uid int64, raw []byte, insert bool) error {
	var env store.Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		env = store.Envelope{} // as EnvelopeIndexContaining lists it
	}
	t := store.EnvelopeMatchTexts(&env)
	query := `UPDATE envelope_match SET subject=$1, from_text=$2, to_text=$3, cc_text=$4, bcc_text=$5 WHERE mailbox_id=$6 AND uid=$7`
	if insert {
		query = `INSERT INTO envelope_match (subject, from_text, to_text, cc_text, bcc_text, mailbox_id, uid) VALUES ($1,$2,$3,$4,$5,$6,$7)`
	}
	if _, err := tx.Exec(ctx, query, t.Subject, t.From, t.To, t.Cc, t.Bcc, mailboxID, uid); err != nil {
		return fmt.Errorf("envelope match texts of UID %d: %w", uid, err)
	}
	return nil
}

// copyEnvelopeMatch gives a copy the texts of its original (none if the
// original has none yet: the first SEARCH fills both).
func copyEnvelopeMatch(ctx context.Context, tx pgx.Tx, srcID int64, srcUID uint32, dstID int64, dstUID uint32) error {
	if _, err := tx.Exec(ctx, `INSERT INTO envelope_match (mailbox_id, uid, subject, from_text, to_text, cc_text, bcc_text)
		SELECT $1, $2, subject, from_text, to_text, cc_text, bcc_text FROM envelope_match WHERE mailbox_id=$3 AND uid=$4`,
		dstID, int64(dstUID), srcID, int64(srcUID)); err != nil {
		return fmt.Errorf("envelope match texts of copy: %w", err)
	}
	return nil
}
