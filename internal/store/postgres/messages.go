package postgres

// Messages: append, reads, flags, copy and move, expunge, POP3 listings.
//
// Every change to a mailbox's messages first locks the mailbox row
// (lockMailbox, or allocate's UPDATE), and a change to two mailboxes locks
// them in id order (lockMailboxes), so writers to one mailbox run one
// after the other and their UIDs and MODSEQs commit in order.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

const messageCols = `id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, flags, envelope, thread_id,
	preview, has_attachment, pop3_hidden, save_date`

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
	if err := json.Unmarshal([]byte(env), &m.Envelope); err != nil {
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

// allocate takes the next uids UIDs (none for a flag change or an
// expunge) and the next MODSEQ of a mailbox inside tx. The UPDATE locks
// the mailbox row until tx ends: this is the allocation under a row lock
// that makes commit order equal UID order. It returns the first UID and
// the MODSEQ.
func allocate(ctx context.Context, tx pgx.Tx, mailboxID int64, uids int) (uint32, uint64, error) {
	var uid uint32
	var modseq uint64
	err := tx.QueryRow(ctx, `UPDATE mailboxes SET uid_next = uid_next + $1, highest_modseq = highest_modseq + 1
		WHERE id=$2 RETURNING uid_next - $1, highest_modseq`, uids, mailboxID).Scan(&uid, &modseq)
	return uid, modseq, notFound(err)
}

// lockMailboxes locks the account's mailboxes ids in id order (so that two
// transfers between the same two mailboxes in opposite directions cannot
// deadlock); store.ErrNotFound unless all are the account's.
func lockMailboxes(ctx context.Context, tx pgx.Tx, accountID int64, ids ...int64) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	got, err := int64s(ctx, tx, `SELECT id FROM mailboxes WHERE account_id=$1 AND id = ANY($2) ORDER BY id FOR UPDATE`, accountID, ids)
	if err != nil {
		return err
	}
	if len(got) != len(ids) {
		return store.ErrNotFound
	}
	return nil
}

// addUsage changes the account's and its domain's usage counters.
func addUsage(ctx context.Context, tx pgx.Tx, accountID, bytes, count int64) error {
	var domainID int64
	if err := tx.QueryRow(ctx, `UPDATE accounts SET used_bytes = used_bytes + $1, used_messages = used_messages + $2
		WHERE id=$3 RETURNING domain_id`, bytes, count, accountID).Scan(&domainID); err != nil {
		return notFound(err)
	}
	_, err := tx.Exec(ctx, `UPDATE domains SET used_bytes = used_bytes + $1 WHERE id=$2`, bytes, domainID)
	return err
}

// checkQuota returns store.ErrOverQuota if adding bytes would exceed the
// account's or its domain's quota. It locks the account's row and then
// the domain's (the order addUsage updates them in) until commit, so that
// two appends to one account or domain cannot both pass the check on the
// same usage.
func checkQuota(ctx context.Context, tx pgx.Tx, accountID, bytes int64) error {
	var domainID, aq, au, dq, du int64
	err := tx.QueryRow(ctx, `SELECT domain_id, quota_bytes, used_bytes FROM accounts WHERE id=$1 FOR UPDATE`, accountID).Scan(&domainID, &aq, &au)
	if err != nil {
		return notFound(err)
	}
	if err := tx.QueryRow(ctx, `SELECT quota_bytes, used_bytes FROM domains WHERE id=$1 FOR UPDATE`, domainID).Scan(&dq, &du); err != nil {
		return notFound(err)
	}
	if (aq > 0 && au+bytes > aq) || (dq > 0 && du+bytes > dq) {
		return store.ErrOverQuota
	}
	return nil
}

func addBlobRef(ctx context.Context, tx pgx.Tx, key string, n int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO blobs (key, refs) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET refs = blobs.refs + EXCLUDED.refs`, key, n)
	return err
}

// releaseBlobs drops one reference for each blob key the query returns (one
// row per referencing row) and forgets blobs left without any, in one
// statement; it returns how many rows the query returned. The query may be
// a DELETE ... RETURNING blob_key: then a second deleter running at once
// finds the rows gone and releases nothing, where a SELECT followed by a
// DELETE would release them twice.
func releaseBlobs(ctx context.Context, tx pgx.Tx, query string, args ...any) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, `WITH r(k) AS (`+query+`),
		gone AS (SELECT k AS key, count(*) AS n FROM r GROUP BY k),
		dec AS (UPDATE blobs b SET refs = b.refs - gone.n FROM gone WHERE b.key = gone.key RETURNING b.key, b.refs),
		del AS (DELETE FROM blobs WHERE key IN (SELECT key FROM dec WHERE refs <= 0))
		SELECT count(*) FROM r`, args...).Scan(&n)
	return n, err
}

// tsv turns the parameter, internal/search terms joined by spaces
// (store.IndexText), into a tsvector of exactly those terms.
func tsv(param string) string {
	return `array_to_tsvector(array_remove(string_to_array(` + param + `, ' '), ''))`
}

// putIndex writes the message's search row.
func putIndex(ctx context.Context, tx pgx.Tx, messageID, accountID int64, idx store.IndexText) error {
	_, err := tx.Exec(ctx, `INSERT INTO message_index (message_id, account_id, subject, from_addr, to_addr, body, doc)
		SELECT $1, $2, s, f, t, b, s || f || t || b FROM (SELECT `+tsv("$3")+` s, `+tsv("$4")+` f, `+tsv("$5")+` t, `+tsv("$6")+` b) v
		ON CONFLICT (message_id) DO UPDATE SET account_id=EXCLUDED.account_id, subject=EXCLUDED.subject,
			from_addr=EXCLUDED.from_addr, to_addr=EXCLUDED.to_addr, body=EXCLUDED.body, doc=EXCLUDED.doc`,
		messageID, accountID, idx.Subject, idx.From, idx.To, idx.Body)
	return err
}

// AppendMessage implements store.MessageStore.
func (s *Store) AppendMessage(ctx context.Context, nm *store.NewMessage) (*store.Message, error) {
	if nm.BlobKey == "" {
		return nil, store.ErrInvalid
	}
	if nm.BlobPending {
		return nil, fmt.Errorf("append: message %s: %w: PostgreSQL takes files already durable (NewMessage.BlobPending)", nm.BlobKey, store.ErrInvalid)
	}
	if nm.IndexLater {
		return nil, fmt.Errorf("append: message %s: %w: PostgreSQL writes the search terms with the message (NewMessage.IndexLater)", nm.BlobKey, store.ErrInvalid)
	}
	if nm.Content != nil {
		// The cluster keeps every message in its bucket: bytes handed
		// here would be lost with nothing to read them back from
		// (store.InlineBlobStore is SQLite's alone).
		return nil, fmt.Errorf("append: message %s: %w: PostgreSQL keeps no message content in the database (NewMessage.Content)", nm.BlobKey, store.ErrInvalid)
	}
	flags := store.NormalizeFlags(nm.Flags)
	env, err := json.Marshal(nm.Envelope)
	if err != nil {
		return nil, fmt.Errorf("append: envelope: %w", err)
	}
	var verdictReasons []byte
	if nm.SpamVerdict != nil {
		if verdictReasons, err = spamReasons(nm.SpamVerdict.Reasons); err != nil {
			return nil, fmt.Errorf("append: spam verdict: %w", err)
		}
	}
	date := nanos(nm.InternalDate)
	saved := nanos(nm.SaveDate)
	if nm.SaveDate.IsZero() {
		saved = now()
	}
	base, prefixed := store.BaseSubject(nm.Envelope.Subject)
	uidl := store.NewUIDL()
	var m *store.Message
	err = s.write(ctx, func(tx pgx.Tx) error {
		m = nil
		// the mailbox's lock first: what makes UIDs commit in order
		if _, err := lockMailbox(ctx, tx, nm.AccountID, nm.MailboxID); err != nil {
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
		thread, err := threadFor(ctx, tx, nm, base, prefixed, date)
		if err != nil {
			return fmt.Errorf("thread of new message: %w", err)
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO messages (account_id, mailbox_id, uid, modseq, blob_key, size, internal_date,
			flags, seen, deleted, envelope, message_id, thread_id, preview, has_attachment, base_subject, pop3_uidl,
			save_date, sent_day, refs)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20) RETURNING id`,
			nm.AccountID, nm.MailboxID, uid, modseq, nm.BlobKey, nm.Size, date, strings.Join(flags, " "),
			slices.Contains(flags, store.FlagSeen), slices.Contains(flags, store.FlagDeleted),
			string(env), nm.Envelope.MessageID, thread, nm.Preview, nm.HasAttachment, base, uidl,
			saved, nm.SentDay, storedRefs(nm.References)).Scan(&id); err != nil {
			return err
		}
		if err := putEnvelopeMatch(ctx, tx, nm.MailboxID, int64(uid), env, true); err != nil {
			return err
		}
		if err := putIndex(ctx, tx, id, nm.AccountID, nm.Index); err != nil {
			return fmt.Errorf("index of new message: %w", err)
		}
		if thread == 0 {
			thread = id
			if _, err := tx.Exec(ctx, `UPDATE messages SET thread_id=$1 WHERE id=$1`, id); err != nil {
				return err
			}
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
		if err := addBlobRef(ctx, tx, nm.BlobKey, 1); err != nil {
			return err
		}
		if err := addUsage(ctx, tx, nm.AccountID, nm.Size, 1); err != nil {
			return err
		}
		m = &store.Message{ID: id, AccountID: nm.AccountID, MailboxID: nm.MailboxID, UID: uid, ModSeq: modseq,
			BlobKey: nm.BlobKey, Size: nm.Size, InternalDate: fromNanos(date), SaveDate: fromNanos(saved), Flags: flags,
			Envelope: nm.Envelope, ThreadID: thread, Preview: nm.Preview, HasAttachment: nm.HasAttachment}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// storedRefs is the References kept for THREAD=REFERENCES: the last
// store.MaxStoredReferences message-ids, without any that would break the
// space-separated list.
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

// Message implements store.MessageStore.
func (s *Store) Message(ctx context.Context, accountID, messageID int64) (*store.Message, error) {
	return scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageCols+` FROM messages WHERE account_id=$1 AND id=$2`, accountID, messageID))
}

// MessageByUID implements store.MessageStore.
func (s *Store) MessageByUID(ctx context.Context, accountID, mailboxID int64, uid uint32) (*store.Message, error) {
	return scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageCols+` FROM messages WHERE account_id=$1 AND mailbox_id=$2 AND uid=$3`,
		accountID, mailboxID, int64(uid)))
}

// Messages implements store.MessageStore. It reads in pages, each its own
// query, so that fn runs with no transaction or cursor open (fn may write).
func (s *Store) Messages(ctx context.Context, accountID, mailboxID int64, fn func(*store.Message) error) error {
	const page = 1000
	var after int64
	for {
		batch, err := queryAll(ctx, s.pool, scanMessage, `SELECT `+messageCols+` FROM messages
			WHERE account_id=$1 AND mailbox_id=$2 AND uid>$3 ORDER BY uid LIMIT $4`, accountID, mailboxID, after, page)
		if err != nil {
			return err
		}
		for i := range batch {
			if err := fn(&batch[i]); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		after = int64(batch[len(batch)-1].UID)
	}
}

// selectByUIDs loads the messages of a mailbox with the given UIDs, in UID order.
func selectByUIDs(ctx context.Context, tx pgx.Tx, accountID, mailboxID int64, uids []uint32) ([]store.Message, error) {
	return queryAll(ctx, tx, scanMessage, `SELECT `+messageCols+` FROM messages
		WHERE account_id=$1 AND mailbox_id=$2 AND uid = ANY($3) ORDER BY uid`, accountID, mailboxID, uidArgs(uids))
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
// one UPDATE of the mailbox row per message. The rows are then updated
// by one statement per resulting flag set: one for STORE 1:* +FLAGS
// (\Seen) on a folder whose messages had no flags or only \Seen. A call
// that changes nothing allocates nothing.
func (s *Store) storeFlags(ctx context.Context, accountID, mailboxID int64, uids []uint32, op store.FlagOp, flags []string,
	unchangedSince uint64) ([]store.Message, []uint32, error) {
	var changed []store.Message
	var modified []uint32
	err := s.write(ctx, func(tx pgx.Tx) error {
		changed, modified = nil, nil
		if _, err := lockMailbox(ctx, tx, accountID, mailboxID); err != nil {
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
			if slices.Equal(nf, m.Flags) {
				continue
			}
			joined := strings.Join(nf, " ")
			if _, ok := byFlags[joined]; !ok {
				sets = append(sets, joined)
			}
			byFlags[joined] = append(byFlags[joined], m.ID)
			m.Flags = nf
			changed = append(changed, m)
		}
		if len(changed) == 0 {
			return nil
		}
		_, modseq, err := allocate(ctx, tx, mailboxID, 0)
		if err != nil {
			return err
		}
		for _, joined := range sets {
			nf := splitFlags(joined)
			if _, err := tx.Exec(ctx, `UPDATE messages SET flags=$1, seen=$2, deleted=$3, modseq=$4 WHERE id = ANY($5)`,
				joined, slices.Contains(nf, store.FlagSeen), slices.Contains(nf, store.FlagDeleted), modseq, byFlags[joined]); err != nil {
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
	err = s.write(ctx, func(tx pgx.Tx) error {
		src, dst = nil, nil
		if err := lockMailboxes(ctx, tx, accountID, srcID, dstID); err != nil {
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
		var bytes int64
		for i, m := range msgs {
			uid := first + uint32(i)
			if move {
				if _, err := tx.Exec(ctx, `UPDATE messages SET mailbox_id=$1, uid=$2, modseq=$3, save_date=$4 WHERE id=$5`,
					dstID, uid, modseq, saved, m.ID); err != nil {
					return err
				}
				if srcID != dstID {
					if err := recordExpunged(ctx, tx, srcID, m.UID, srcModseq); err != nil {
						return err
					}
				}
			} else {
				var copyID int64
				if err := tx.QueryRow(ctx, `INSERT INTO messages (account_id, mailbox_id, uid, modseq, blob_key, size, internal_date,
					flags, seen, deleted, envelope, message_id, thread_id, preview, has_attachment, base_subject, pop3_uidl,
					save_date, sent_day, refs)
					SELECT account_id, $1, $2, $3, blob_key, size, internal_date, flags, seen, deleted, envelope, message_id,
					thread_id, preview, has_attachment, base_subject, $4, $5, sent_day, refs FROM messages WHERE id=$6
					RETURNING id`, dstID, uid, modseq, store.NewUIDL(), saved, m.ID).Scan(&copyID); err != nil {
					return err
				}
				if err := copyEnvelopeMatch(ctx, tx, srcID, m.UID, dstID, uid); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO message_index (message_id, account_id, subject, from_addr, to_addr, body, doc)
					SELECT $1, account_id, subject, from_addr, to_addr, body, doc FROM message_index WHERE message_id=$2`, copyID, m.ID); err != nil {
					return err
				}
				if err := copyIMAPMeta(ctx, tx, m.ID, copyID); err != nil {
					return err
				}
				if err := addBlobRef(ctx, tx, m.BlobKey, 1); err != nil {
					return err
				}
				bytes += m.Size
			}
			src = append(src, m.UID)
			dst = append(dst, uid)
		}
		if !move {
			return addUsage(ctx, tx, accountID, bytes, int64(len(msgs)))
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return src, dst, nil
}

// recordExpunged notes a UID's removal for QRESYNC's VANISHED.
func recordExpunged(ctx context.Context, tx pgx.Tx, mailboxID int64, uid uint32, modseq uint64) error {
	_, err := tx.Exec(ctx, `INSERT INTO expunged (mailbox_id, uid, modseq) VALUES ($1,$2,$3)
		ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = EXCLUDED.modseq`, mailboxID, uid, modseq)
	return err
}

// Expunge implements store.MessageStore.
func (s *Store) Expunge(ctx context.Context, accountID, mailboxID int64, uids []uint32) ([]uint32, error) {
	var removed []uint32
	err := s.write(ctx, func(tx pgx.Tx) error {
		removed = nil
		if _, err := lockMailbox(ctx, tx, accountID, mailboxID); err != nil {
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
		ids := make([]int64, len(msgs))
		var bytes int64
		for i, m := range msgs {
			ids[i] = m.ID
			bytes += m.Size
			removed = append(removed, m.UID)
			if err := recordExpunged(ctx, tx, mailboxID, m.UID, modseq); err != nil {
				return err
			}
		}
		if _, err := releaseBlobs(ctx, tx, `DELETE FROM messages WHERE id = ANY($1) RETURNING blob_key`, ids); err != nil {
			return err
		}
		return addUsage(ctx, tx, accountID, -bytes, -int64(len(msgs)))
	})
	if err != nil {
		return nil, err
	}
	return removed, nil
}

// MessagePage implements store.MessageStore.
func (s *Store) MessagePage(ctx context.Context, accountID, mailboxID int64, p store.Page) ([]store.Message, int, error) {
	if _, err := getMailbox(ctx, s.pool, accountID, mailboxID); err != nil {
		return nil, 0, err
	}
	// The mailbox is the account's (checked above), so the queries filter
	// on mailbox_id alone and read the mailbox's indexes.
	where := `WHERE mailbox_id=$1`
	if p.UnseenOnly {
		where += ` AND NOT seen`
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 50
	}
	if p.Threads {
		return s.threadPage(ctx, where, mailboxID, limit, max(p.Offset, 0))
	}
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM messages `+where, mailboxID).Scan(&total); err != nil {
		return nil, 0, err
	}
	msgs, err := queryAll(ctx, s.pool, scanMessage, `SELECT `+messageCols+` FROM messages `+where+
		` ORDER BY internal_date DESC, uid DESC LIMIT $2 OFFSET $3`, mailboxID, limit, max(p.Offset, 0))
	return msgs, total, err
}

// Listing implements store.MessageStore.
func (s *Store) Listing(ctx context.Context, accountID, mailboxID int64) ([]store.ListingEntry, error) {
	if _, err := getMailbox(ctx, s.pool, accountID, mailboxID); err != nil {
		return nil, err
	}
	return queryAll(ctx, s.pool, func(row scanner) (*store.ListingEntry, error) {
		var e store.ListingEntry
		return &e, row.Scan(&e.ID, &e.UID, &e.Size, &e.BlobKey, &e.POP3Hidden, &e.UIDL)
	}, `SELECT id, uid, size, blob_key, pop3_hidden, pop3_uidl FROM messages WHERE mailbox_id=$1 ORDER BY uid`, mailboxID)
}

// HideFromPOP3 implements store.MessageStore.
func (s *Store) HideFromPOP3(ctx context.Context, accountID, mailboxID int64, uids []uint32) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := getMailbox(ctx, tx, accountID, mailboxID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE messages SET pop3_hidden=true WHERE account_id=$1 AND mailbox_id=$2 AND uid = ANY($3)`,
			accountID, mailboxID, uidArgs(uids))
		return err
	})
}

// MessageUIDs implements store.MessageStore.
func (s *Store) MessageUIDs(ctx context.Context, accountID, mailboxID int64, after uint32) ([]uint32, error) {
	return s.mailboxUIDs(ctx, accountID, mailboxID, `SELECT uid FROM messages WHERE mailbox_id=$1 AND uid>$2 ORDER BY uid`, int64(after))
}

// ExpungedSince implements store.MessageStore.
func (s *Store) ExpungedSince(ctx context.Context, accountID, mailboxID int64, modseq uint64) ([]uint32, error) {
	return s.mailboxUIDs(ctx, accountID, mailboxID, `SELECT uid FROM expunged WHERE mailbox_id=$1 AND modseq>$2 ORDER BY uid`, modseq)
}

// mailboxUIDs runs a query for UIDs of one of the account's mailboxes.
func (s *Store) mailboxUIDs(ctx context.Context, accountID, mailboxID int64, query string, arg any) ([]uint32, error) {
	if _, err := getMailbox(ctx, s.pool, accountID, mailboxID); err != nil {
		return nil, err
	}
	return queryAll(ctx, s.pool, func(row scanner) (*uint32, error) {
		var u uint32
		return &u, row.Scan(&u)
	}, query, mailboxID, arg)
}

// SetIndex implements store.MessageStore.
func (s *Store) SetIndex(ctx context.Context, accountID, messageID int64, idx store.IndexText) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := affectedOne(tx.Exec(ctx, `UPDATE messages SET has_attachment=$1 WHERE id=$2 AND account_id=$3`,
			idx.HasAttachment, messageID, accountID)); err != nil {
			return err
		}
		return putIndex(ctx, tx, messageID, accountID, idx)
	})
}
