package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"

	"postroom/internal/store"
)

const messageCols = `id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, flags, envelope, thread_id, preview, has_attachment, pop3_hidden, save_date`

func scanMessage(row scanner) (*store.Message, error) {
	var m store.Message
	var date, saved int64
	var flags, env string
	if err := row.Scan(&m.ID, &m.AccountID, &m.MailboxID, &m.UID, &m.ModSeq, &m.BlobKey, &m.Size, &date, &flags, &env,
		&m.ThreadID, &m.Preview, &m.HasAttachment, &m.POP3Hidden, &saved); err != nil {
		return nil, notFound(err)
	}
	m.InternalDate = fromNanos(date)
	m.SaveDate = fromNanos(saved)
	m.Flags = splitFlags(flags)
	if err := decodeEnvelope(env, &m.Envelope); err != nil {
		return nil, fmt.Errorf("message %d envelope: %w", m.ID, err)
	}
	return &m, nil
}

func splitFlags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

func hasFlag(flags []string, flag string) int {
	for _, f := range flags {
		if f == flag {
			return 1
		}
	}
	return 0
}

// allocate takes the next UID (if uids > 0, that many) and the next MODSEQ of
// a mailbox inside tx. It returns the first UID and the MODSEQ.
func allocate(ctx context.Context, tx *sql.Tx, mailboxID int64, uids int) (uint32, uint64, error) {
	var uid uint32
	var modseq uint64
	err := tx.QueryRowContext(ctx, `UPDATE mailboxes SET uid_next = uid_next + ?, highest_modseq = highest_modseq + 1
		WHERE id=? RETURNING uid_next - ?, highest_modseq`, uids, mailboxID, uids).Scan(&uid, &modseq)
	return uid, modseq, notFound(err)
}

func addUsage(ctx context.Context, tx *sql.Tx, accountID, bytes, count int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET used_bytes = used_bytes + ?, used_messages = used_messages + ? WHERE id=?`,
		bytes, count, accountID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE domains SET used_bytes = used_bytes + ? WHERE id = (SELECT domain_id FROM accounts WHERE id=?)`,
		bytes, accountID)
	return err
}

// checkQuota returns store.ErrOverQuota if adding bytes would exceed the
// account's or its domain's quota.
func checkQuota(ctx context.Context, tx *sql.Tx, accountID, bytes int64) error {
	var aq, au, dq, du int64
	err := tx.QueryRowContext(ctx, `SELECT a.quota_bytes, a.used_bytes, d.quota_bytes, d.used_bytes
		FROM accounts a JOIN domains d ON d.id=a.domain_id WHERE a.id=?`, accountID).Scan(&aq, &au, &dq, &du)
	if err != nil {
		return notFound(err)
	}
	if (aq > 0 && au+bytes > aq) || (dq > 0 && du+bytes > dq) {
		return store.ErrOverQuota
	}
	return nil
}

func addBlobRef(ctx context.Context, tx *sql.Tx, key string, n int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO blobs (key, refs) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET refs = refs + excluded.refs`, key, n)
	return err
}

// releaseBlobs drops one reference for each blob key the query returns (one
// row per referencing row).
func releaseBlobs(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	counts := map[string]int64{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return err
		}
		counts[k]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k, n := range counts {
		if err := addBlobRef(ctx, tx, k, -n); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM blobs WHERE refs <= 0`)
	return err
}

// AppendMessage implements store.MessageStore.
func (s *Store) AppendMessage(ctx context.Context, nm *store.NewMessage) (*store.Message, error) {
	if nm.BlobKey == "" {
		return nil, store.ErrInvalid
	}
	flags := store.NormalizeFlags(nm.Flags)
	env, err := json.Marshal(nm.Envelope)
	if err != nil {
		return nil, err
	}
	var verdictReasons []byte
	if nm.SpamVerdict != nil {
		if verdictReasons, err = spamReasons(nm.SpamVerdict.Reasons); err != nil {
			return nil, err
		}
	}
	var inline inlineRow
	if nm.Content != nil {
		inline = encodeInline(nm.Content) // before the writer's turn: it does not wait for this
	}
	var m *store.Message
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := getMailbox(ctx, tx, nm.AccountID, nm.MailboxID); err != nil {
			return err
		}
		if !nm.IgnoreQuota {
			if err := checkQuota(ctx, tx, nm.AccountID, nm.Size); err != nil {
				return err
			}
		}
		uid, modseq, err := allocate(ctx, tx, nm.MailboxID, 1)
		if err != nil {
			return err
		}
		date := nm.InternalDate.UTC().UnixNano()
		saved := nm.SaveDate.UTC().UnixNano()
		if nm.SaveDate.IsZero() {
			saved = now()
		}
		base, prefixed := store.BaseSubject(nm.Envelope.Subject)
		thread, err := threadFor(ctx, tx, nm, base, prefixed, date)
		if err != nil {
			return fmt.Errorf("thread of new message: %w", err)
		}
		// The message's id is given, not left to AUTOINCREMENT, so that
		// the same statement names it as its own index row (index_id) and,
		// when it starts a thread, as its thread (an UPDATE after the
		// insert rewrote four indexes that hold thread_id). The id is the
		// one AUTOINCREMENT would give: past every id ever given
		// (sqlite_sequence) and every id there is.
		res, err := tx.ExecContext(ctx, `INSERT INTO messages (id, index_id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date,
			flags, seen, deleted, envelope, message_id, thread_id, preview, has_attachment, base_subject, pop3_uidl,
			save_date, sent_day, refs)
			SELECT n, n, ?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12, CASE WHEN ?13 = 0 THEN n ELSE ?13 END, ?14,?15,?16,?17,?18,?19,?20
			FROM (SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0),
				coalesce((SELECT max(id) FROM messages), 0)) + 1 AS n)`,
			nm.AccountID, nm.MailboxID, uid, modseq, nm.BlobKey, nm.Size, date, strings.Join(flags, " "),
			hasFlag(flags, store.FlagSeen), hasFlag(flags, store.FlagDeleted),
			string(env), nm.Envelope.MessageID, thread, nm.Preview, boolInt(nm.HasAttachment), base, store.NewUIDL(),
			saved, nm.SentDay, storedRefs(nm.References))
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := putEnvelopeMatch(ctx, tx, nm.MailboxID, int64(uid), string(env), true); err != nil {
			return err
		}
		// the index is a file of its own (index_file.go): the row waits
		// until its terms are written there, below or by the indexer
		if err := waitForIndex(ctx, tx, id, nm.AccountID); err != nil {
			return err
		}
		if thread == 0 {
			thread = id // as inserted
		}
		if nm.IMAPMeta != nil {
			if err := putIMAPMeta(ctx, tx, id, *nm.IMAPMeta); err != nil {
				return fmt.Errorf("imap meta of new message: %w", err)
			}
		}
		if v := nm.SpamVerdict; v != nil {
			if err := putSpamVerdict(ctx, tx, nm.AccountID, nm.BlobKey, *v, verdictReasons); err != nil {
				return fmt.Errorf("spam verdict of new message: %w", err)
			}
		}
		if nm.Content != nil { // kept in the database (blob_inline.go)
			if err := putInline(ctx, tx, nm.BlobKey, inline); err != nil {
				return err
			}
		}
		if err := addBlobRef(ctx, tx, nm.BlobKey, 1); err != nil {
			return err
		}
		if nm.BlobPending {
			if err := markPending(ctx, tx, nm.BlobKey); err != nil {
				return err
			}
		}
		if err := addUsage(ctx, tx, nm.AccountID, nm.Size, 1); err != nil {
			return err
		}
		m = &store.Message{ID: id, AccountID: nm.AccountID, MailboxID: nm.MailboxID, UID: uid, ModSeq: modseq,
			BlobKey: nm.BlobKey, Size: nm.Size, InternalDate: fromNanos(date), SaveDate: fromNanos(saved), Flags: flags, Envelope: nm.Envelope,
			ThreadID: thread, Preview: nm.Preview, HasAttachment: nm.HasAttachment}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !nm.IndexLater {
		// The message is stored: should its terms fail here, its row
		// waits for the indexer, which reads them from the message.
		if err := s.WriteIndexRows(ctx, []store.IndexRow{{IndexID: m.ID, AccountID: m.AccountID, Index: nm.Index}}); err != nil {
			slog.Warn("search index: the terms of a new message wait for the indexer", "message", m.ID, "err", err)
		}
	}
	return m, nil
}

// findThread returns the thread of the account's message whose Message-ID
// appears in refs, or 0.
func findThread(ctx context.Context, tx *sql.Tx, accountID int64, refs []string) (int64, error) {
	var ids []any
	for _, r := range refs {
		if r != "" {
			ids = append(ids, r)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if len(ids) > 200 {
		ids = ids[len(ids)-200:]
	}
	var thread int64
	err := tx.QueryRowContext(ctx, `SELECT thread_id FROM messages WHERE account_id=? AND message_id IN (`+placeholders(len(ids))+`)
		ORDER BY id LIMIT 1`, append([]any{accountID}, ids...)...).Scan(&thread)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return thread, err
}

// Message implements store.MessageStore.
func (s *Store) Message(ctx context.Context, accountID, messageID int64) (*store.Message, error) {
	return scanMessage(s.db.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages WHERE account_id=? AND id=?`, accountID, messageID))
}

// MessageByUID implements store.MessageStore.
func (s *Store) MessageByUID(ctx context.Context, accountID, mailboxID int64, uid uint32) (*store.Message, error) {
	return scanMessage(s.db.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages WHERE account_id=? AND mailbox_id=? AND uid=?`,
		accountID, mailboxID, uid))
}

// Messages implements store.MessageStore. It reads in pages so that a
// mailbox of any size is walked in bounded memory.
func (s *Store) Messages(ctx context.Context, accountID, mailboxID int64, fn func(*store.Message) error) error {
	const page = 1000
	var after uint32
	for {
		rows, err := s.db.QueryContext(ctx, `SELECT `+messageCols+` FROM messages WHERE account_id=? AND mailbox_id=? AND uid>?
			ORDER BY uid LIMIT ?`, accountID, mailboxID, after, page)
		if err != nil {
			return err
		}
		var batch []*store.Message
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range batch {
			if err := fn(m); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		after = batch[len(batch)-1].UID
	}
}

// selectByUIDs loads the messages of a mailbox with the given UIDs, in UID order.
func selectByUIDs(ctx context.Context, tx *sql.Tx, accountID, mailboxID int64, uids []uint32) ([]*store.Message, error) {
	var out []*store.Message
	for start := 0; start < len(uids); start += 500 {
		chunk := uids[start:min(start+500, len(uids))]
		args := []any{accountID, mailboxID}
		for _, u := range chunk {
			args = append(args, u)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+messageCols+` FROM messages WHERE account_id=? AND mailbox_id=? AND uid IN (`+
			placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out, nil
}

// StoreFlags implements store.MessageStore.
func (s *Store) StoreFlags(ctx context.Context, accountID, mailboxID int64, uids []uint32, op store.FlagOp, flags []string) ([]store.Message, error) {
	changed, _, err := s.storeFlags(ctx, accountID, mailboxID, uids, op, flags, math.MaxUint64)
	return changed, err
}

// storeFlags changes the flags of the messages whose MODSEQ is at most
// unchangedSince and returns them, with the UIDs of those it left because
// they changed later (RFC 7162 §3.1.3), in UID order.
//
// Every message one call changes gets the same new MODSEQ, one allocate
// for the call: RFC 7162 §3.1 asks that each STORE on a mailbox get a
// mod-sequence different from every other STORE's and above the ones
// before it, not one per message, and a mod-sequence per message cost
// one UPDATE of the mailbox row per message (46 % of POP3's batched
// \Seen marking). The rows are then updated by one statement per
// resulting flag set: one for STORE 1:* +FLAGS (\Seen) on a folder
// whose messages had no flags or only \Seen. A call that changes
// nothing allocates nothing.
func (s *Store) storeFlags(ctx context.Context, accountID, mailboxID int64, uids []uint32, op store.FlagOp, flags []string,
	unchangedSince uint64) ([]store.Message, []uint32, error) {
	var changed []store.Message
	var modified []uint32
	err := s.write(ctx, func(tx *sql.Tx) error {
		changed, modified = nil, nil
		if _, err := getMailbox(ctx, tx, accountID, mailboxID); err != nil {
			return err
		}
		msgs, err := selectByUIDs(ctx, tx, accountID, mailboxID, uids)
		if err != nil || len(msgs) == 0 {
			return err
		}
		// the ids to update by resulting flag set (joined), sets in the
		// order first met so that the statements run in UID order
		byFlags := map[string][]int64{}
		var sets []string
		for _, m := range msgs {
			if m.ModSeq > unchangedSince {
				modified = append(modified, m.UID)
				continue
			}
			nf := store.ApplyFlags(m.Flags, op, flags)
			joined := strings.Join(nf, " ")
			if joined == strings.Join(m.Flags, " ") {
				continue
			}
			if _, ok := byFlags[joined]; !ok {
				sets = append(sets, joined)
			}
			byFlags[joined] = append(byFlags[joined], m.ID)
			m.Flags = nf
			changed = append(changed, *m)
		}
		if len(changed) == 0 {
			return nil
		}
		_, modseq, err := allocate(ctx, tx, mailboxID, 0)
		if err != nil {
			return err
		}
		for _, joined := range sets {
			ids, err := json.Marshal(byFlags[joined])
			if err != nil {
				return err
			}
			nf := splitFlags(joined)
			if _, err := tx.ExecContext(ctx, `UPDATE messages SET flags=?, seen=?, deleted=?, modseq=? WHERE id IN `+idList,
				joined, hasFlag(nf, store.FlagSeen), hasFlag(nf, store.FlagDeleted), modseq, string(ids)); err != nil {
				return fmt.Errorf("set flags %q: %w", joined, err)
			}
		}
		for i := range changed {
			changed[i].ModSeq = modseq
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return changed, modified, nil
}

// CopyMessages implements store.MessageStore.
func (s *Store) CopyMessages(ctx context.Context, accountID, srcID, dstID int64, uids []uint32) ([]uint32, []uint32, error) {
	return s.transfer(ctx, accountID, srcID, dstID, uids, false)
}

// MoveMessages implements store.MessageStore.
func (s *Store) MoveMessages(ctx context.Context, accountID, srcID, dstID int64, uids []uint32) ([]uint32, []uint32, error) {
	return s.transfer(ctx, accountID, srcID, dstID, uids, true)
}

func (s *Store) transfer(ctx context.Context, accountID, srcID, dstID int64, uids []uint32, move bool) (src, dst []uint32, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		src, dst = nil, nil
		if _, err := getMailbox(ctx, tx, accountID, srcID); err != nil {
			return err
		}
		if _, err := getMailbox(ctx, tx, accountID, dstID); err != nil {
			return err
		}
		msgs, err := selectByUIDs(ctx, tx, accountID, srcID, uids)
		if err != nil || len(msgs) == 0 {
			return err
		}
		if !move {
			var total int64
			for _, m := range msgs {
				total += m.Size
			}
			if err := checkQuota(ctx, tx, accountID, total); err != nil {
				return err
			}
		}
		first, modseq, err := allocate(ctx, tx, dstID, len(msgs))
		if err != nil {
			return err
		}
		saved := now()
		var srcModseq uint64
		if move && srcID != dstID {
			if _, srcModseq, err = allocate(ctx, tx, srcID, 0); err != nil {
				return err
			}
		}
		for i, m := range msgs {
			uid := first + uint32(i)
			if move {
				if _, err := tx.ExecContext(ctx, `UPDATE messages SET mailbox_id=?, uid=?, modseq=?, save_date=? WHERE id=?`, dstID, uid, modseq, saved, m.ID); err != nil {
					return err
				}
				if srcID != dstID {
					if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?,?,?)`, srcID, m.UID, srcModseq); err != nil {
						return err
					}
				}
			} else {
				// the copy shares its source's index row (index.go)
				res, err := tx.ExecContext(ctx, `INSERT INTO messages (account_id, mailbox_id, uid, modseq, blob_key, size, internal_date,
					flags, seen, deleted, envelope, message_id, thread_id, preview, has_attachment, base_subject, pop3_uidl,
					save_date, sent_day, refs, index_id)
					SELECT account_id, ?, ?, ?, blob_key, size, internal_date, flags, seen, deleted, envelope, message_id, thread_id, preview, has_attachment,
					base_subject, ?, ?, sent_day, refs, index_id FROM messages WHERE id=?`, dstID, uid, modseq, store.NewUIDL(), saved, m.ID)
				if err != nil {
					return err
				}
				copyID, _ := res.LastInsertId()
				if err := copyEnvelopeMatch(ctx, tx, srcID, m.UID, dstID, uid); err != nil {
					return err
				}
				if err := copyIMAPMeta(ctx, tx, m.ID, copyID); err != nil {
					return err
				}
				if err := addBlobRef(ctx, tx, m.BlobKey, 1); err != nil {
					return err
				}
				if err := addUsage(ctx, tx, accountID, m.Size, 1); err != nil {
					return err
				}
			}
			src = append(src, m.UID)
			dst = append(dst, uid)
		}
		return nil
	})
	return src, dst, err
}

// Expunge implements store.MessageStore.
func (s *Store) Expunge(ctx context.Context, accountID, mailboxID int64, uids []uint32) ([]uint32, error) {
	var removed []uint32
	err := s.write(ctx, func(tx *sql.Tx) error {
		removed = nil
		if _, err := getMailbox(ctx, tx, accountID, mailboxID); err != nil {
			return err
		}
		msgs, err := selectByUIDs(ctx, tx, accountID, mailboxID, uids)
		if err != nil || len(msgs) == 0 {
			return err
		}
		_, modseq, err := allocate(ctx, tx, mailboxID, 0)
		if err != nil {
			return err
		}
		var bytes int64
		var indexRows []int64
		for _, m := range msgs {
			var indexID int64
			if err := tx.QueryRowContext(ctx, `DELETE FROM messages WHERE id=? RETURNING index_id`, m.ID).Scan(&indexID); err != nil {
				return err
			}
			indexRows = append(indexRows, indexID)
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?,?,?)`, mailboxID, m.UID, modseq); err != nil {
				return err
			}
			if err := addBlobRef(ctx, tx, m.BlobKey, -1); err != nil {
				return err
			}
			bytes += m.Size
			removed = append(removed, m.UID)
		}
		if err := s.dropIndexRows(ctx, tx, indexRows); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE refs <= 0`); err != nil {
			return err
		}
		return addUsage(ctx, tx, accountID, -bytes, -int64(len(msgs)))
	})
	return removed, err
}

// MessagePage implements store.MessageStore.
func (s *Store) MessagePage(ctx context.Context, accountID, mailboxID int64, p store.Page) ([]store.Message, int, error) {
	if _, err := getMailbox(ctx, s.db, accountID, mailboxID); err != nil {
		return nil, 0, err
	}
	// The mailbox is the account's (checked above), so the queries filter
	// on mailbox_id alone: the count and the skipped rows of a deep page
	// then come from the index, not from the table.
	where := `WHERE mailbox_id=?`
	if p.UnseenOnly {
		where += ` AND seen=0`
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 50
	}
	if p.Threads {
		return s.threadPage(ctx, where, []any{mailboxID}, limit, max(p.Offset, 0))
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM messages `+where, mailboxID).Scan(&total); err != nil {
		return nil, 0, err
	}
	msgs, err := queryAll(ctx, s.db, scanMessage, `SELECT `+messageCols+` FROM messages `+where+
		` ORDER BY internal_date DESC, uid DESC LIMIT ? OFFSET ?`, mailboxID, limit, max(p.Offset, 0))
	return msgs, total, err
}

// Listing implements store.MessageStore.
func (s *Store) Listing(ctx context.Context, accountID, mailboxID int64) ([]store.ListingEntry, error) {
	if _, err := getMailbox(ctx, s.db, accountID, mailboxID); err != nil {
		return nil, err
	}
	return queryAll(ctx, s.db, func(row scanner) (*store.ListingEntry, error) {
		var e store.ListingEntry
		return &e, row.Scan(&e.ID, &e.UID, &e.Size, &e.BlobKey, &e.POP3Hidden, &e.UIDL)
	}, `SELECT id, uid, size, blob_key, pop3_hidden, pop3_uidl FROM messages WHERE mailbox_id=? ORDER BY uid`, mailboxID)
}

// HideFromPOP3 implements store.MessageStore.
func (s *Store) HideFromPOP3(ctx context.Context, accountID, mailboxID int64, uids []uint32) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := getMailbox(ctx, tx, accountID, mailboxID); err != nil {
			return err
		}
		for start := 0; start < len(uids); start += 500 {
			chunk := uids[start:min(start+500, len(uids))]
			args := []any{accountID, mailboxID}
			for _, u := range chunk {
				args = append(args, u)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE messages SET pop3_hidden=1 WHERE account_id=? AND mailbox_id=? AND uid IN (`+
				placeholders(len(chunk))+`)`, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// MessageUIDs implements store.MessageStore.
func (s *Store) MessageUIDs(ctx context.Context, accountID, mailboxID int64, after uint32) ([]uint32, error) {
	return s.mailboxUIDs(ctx, accountID, mailboxID, `SELECT uid FROM messages WHERE mailbox_id=? AND uid>? ORDER BY uid`, after)
}

// ExpungedSince implements store.MessageStore.
func (s *Store) ExpungedSince(ctx context.Context, accountID, mailboxID int64, modseq uint64) ([]uint32, error) {
	return s.mailboxUIDs(ctx, accountID, mailboxID, `SELECT uid FROM expunged WHERE mailbox_id=? AND modseq>? ORDER BY uid`, modseq)
}

// mailboxUIDs runs a query for UIDs of one of the account's mailboxes.
func (s *Store) mailboxUIDs(ctx context.Context, accountID, mailboxID int64, query string, arg any) ([]uint32, error) {
	if _, err := getMailbox(ctx, s.db, accountID, mailboxID); err != nil {
		return nil, err
	}
	uids, err := queryAll(ctx, s.db, func(row scanner) (*uint32, error) {
		var u uint32
		return &u, row.Scan(&u)
	}, query, mailboxID, arg)
	return uids, err
}
