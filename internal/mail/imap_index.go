package mail

// What an IMAP session reads of whole mailboxes without decoding every
// message or opening any file (store.IMAPIndexStore): the per-message
// state for FETCH FLAGS/MODSEQ/SAVEDATE/object ids, the changes since a
// MODSEQ for CONDSTORE and QRESYNC, the envelope columns for SEARCH, SORT
// and THREAD; the conditional STORE of CONDSTORE; the quota (RFC 9208);
// and the object ids of RFC 8474.

import (
	"context"
	"fmt"
	"strconv"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
)

// MailboxIndex lists the messages of one of the actor's mailboxes with a
// UID above after (all for 0), in UID order, with only their state
// (flags, MODSEQ, size, dates, ids). Entries share their Flags slices:
// do not modify them.
func (s *Service) MailboxIndex(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]store.MessageIndex, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	idx, err := s.Store.MailboxIndex(ctx, accountID, mailboxID, after)
	if err != nil {
		return nil, fmt.Errorf("index of mailbox %d: %w", mailboxID, err)
	}
	return idx, nil
}

// MailboxState is MailboxIndex with only UID, MODSEQ and flags: what a
// session reads of the whole mailbox to select it.
func (s *Service) MailboxState(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]store.MessageIndex, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	idx, err := s.Store.MailboxState(ctx, accountID, mailboxID, after)
	if err != nil {
		return nil, fmt.Errorf("state of mailbox %d: %w", mailboxID, err)
	}
	return idx, nil
}

// ChangedSince lists the messages of one of the actor's mailboxes whose
// MODSEQ is above modseq, in UID order (CHANGEDSINCE, QRESYNC).
func (s *Service) ChangedSince(ctx context.Context, a actor.Actor, mailboxID int64, modseq uint64) ([]store.MessageIndex, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	idx, err := s.Store.ChangedSince(ctx, accountID, mailboxID, modseq)
	if err != nil {
		return nil, fmt.Errorf("changes of mailbox %d since %d: %w", mailboxID, modseq, err)
	}
	return idx, nil
}

// ExpungedSince lists the UIDs expunged (or moved away) from one of the
// actor's mailboxes with a MODSEQ above modseq, ascending (QRESYNC's
// VANISHED).
func (s *Service) ExpungedSince(ctx context.Context, a actor.Actor, mailboxID int64, modseq uint64) ([]uint32, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	uids, err := s.Store.ExpungedSince(ctx, accountID, mailboxID, modseq)
	if err != nil {
		return nil, fmt.Errorf("expunged from mailbox %d since %d: %w", mailboxID, modseq, err)
	}
	return uids, nil
}

// EnvelopeIndex lists the messages of one of the actor's mailboxes with a
// UID above after (all for 0), in UID order, with what SORT and THREAD compare (RFC 5256): the Date header
// (EnvelopeEntry.SortDate falls back to the internal date), the decoded
// subject, the addresses, the message-ids and References.
func (s *Service) EnvelopeIndex(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]store.EnvelopeEntry, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	idx, err := s.Store.EnvelopeIndex(ctx, accountID, mailboxID, after)
	if err != nil {
		return nil, fmt.Errorf("envelopes of mailbox %d: %w", mailboxID, err)
	}
	return idx, nil
}

// StoreFlagsUnchangedSince is StoreFlags with CONDSTORE's UNCHANGEDSINCE
// (RFC 7162 §3.1.3): the messages whose MODSEQ is above unchangedSince
// are not changed and come back as modified; the rest change in the same
// transaction, with the event and the hooks of StoreFlags.
func (s *Service) StoreFlagsUnchangedSince(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, op store.FlagOp,
	flags []string, unchangedSince uint64) (changed []store.Message, modified []uint32, err error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, nil, err
	}
	unseen, err := s.unseenBefore(ctx, a, accountID, mailboxID, uids, op, flags)
	if err != nil {
		return nil, nil, err
	}
	changed, modified, err = s.Store.StoreFlagsUnchangedSince(ctx, accountID, mailboxID, uids, op, flags, unchangedSince)
	if err != nil {
		return nil, nil, fmt.Errorf("store flags in mailbox %d: %w", mailboxID, err)
	}
	// as StoreFlags: the Read hook before the event
	s.read(ctx, a, op, flags, unseen, changed)
	if len(changed) > 0 {
		e := events.Event{Kind: events.MessageFlags, AccountID: accountID, MailboxID: mailboxID}
		for _, m := range changed {
			e.UIDs = append(e.UIDs, m.UID)
			e.ModSeq = max(e.ModSeq, m.ModSeq)
		}
		s.publish(e)
	}
	return changed, modified, nil
}

// Quota is an account's storage: what it uses and what it may use, in
// bytes and messages; a zero limit is none.
type Quota struct {
	UsedBytes, LimitBytes       int64
	UsedMessages, LimitMessages int64
}

// Quota returns the actor's storage use and limit (GETQUOTA and
// GETQUOTAROOT, the usage bar). The limit is the account's quota, or
// less when its domain's quota leaves less room: what the account can
// still store is what a client should be told.
func (s *Service) Quota(ctx context.Context, a actor.Actor) (Quota, error) {
	accountID, err := owner(a)
	if err != nil {
		return Quota{}, err
	}
	acct, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return Quota{}, fmt.Errorf("quota of account %d: %w", accountID, err)
	}
	q := Quota{UsedBytes: acct.Usage.Bytes, LimitBytes: acct.QuotaBytes, UsedMessages: acct.Usage.Messages}
	dom, err := s.Store.DomainByID(ctx, acct.DomainID)
	if err != nil {
		return Quota{}, fmt.Errorf("quota of domain %d: %w", acct.DomainID, err)
	}
	if dom.QuotaBytes > 0 {
		room := max(dom.QuotaBytes-dom.UsedBytes, 0)
		if byDomain := acct.Usage.Bytes + room; q.LimitBytes == 0 || byDomain < q.LimitBytes {
			q.LimitBytes = byDomain
		}
	}
	return q, nil
}

// Object ids (RFC 8474): strings of [A-Za-z0-9_-]. A mailbox's id is its
// row id with its UIDVALIDITY, so that it survives a rename and a folder
// deleted and made again under the same name gets a new one; a message's
// is its row id, kept through moves and never reused (a copy is a new
// row, so it gets its own); a thread's is the id of its first message.

// MailboxObjectID returns the MAILBOXID of a mailbox.
func MailboxObjectID(mb *store.Mailbox) string {
	return "M" + strconv.FormatInt(mb.ID, 36) + "-" + strconv.FormatUint(uint64(mb.UIDValidity), 36)
}

// EmailObjectID returns the EMAILID of a message (store.Message.ID,
// store.MessageIndex.ID).
func EmailObjectID(messageID int64) string { return "E" + strconv.FormatInt(messageID, 36) }

// ThreadObjectID returns the THREADID of a message's thread
// (store.Message.ThreadID).
func ThreadObjectID(threadID int64) string { return "T" + strconv.FormatInt(threadID, 36) }
