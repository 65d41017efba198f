package storetest

// Comparisons that tolerate representation choices the contract leaves open
// (nil versus empty slices, a time's zone) and nothing else.

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"postroom/internal/store"
)

// sameStrings compares two string lists, treating nil and empty as equal.
func sameStrings(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}

func sameUIDs(a, b []uint32) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}

// seq returns the UIDs from..to inclusive.
func seq(from, to uint32) []uint32 {
	var out []uint32
	for u := from; u <= to; u++ {
		out = append(out, u)
	}
	return out
}

func normAddrs(as []store.Address) []store.Address {
	if len(as) == 0 {
		return nil
	}
	return as
}

// normEnvelope returns env with empty address lists nil and the date in UTC,
// so that two envelopes meaning the same compare equal with reflect.DeepEqual.
func normEnvelope(env store.Envelope) store.Envelope {
	env.From = normAddrs(env.From)
	env.Sender = normAddrs(env.Sender)
	env.ReplyTo = normAddrs(env.ReplyTo)
	env.To = normAddrs(env.To)
	env.Cc = normAddrs(env.Cc)
	env.Bcc = normAddrs(env.Bcc)
	if env.Date.IsZero() {
		env.Date = time.Time{}
	} else {
		env.Date = env.Date.UTC()
	}
	return env
}

func sameEnvelope(a, b store.Envelope) bool {
	return reflect.DeepEqual(normEnvelope(a), normEnvelope(b))
}

// diffMessage describes how got differs from want; empty when equal.
func diffMessage(got, want *store.Message) string {
	var d []string
	f := func(name string, g, w any) {
		d = append(d, fmt.Sprintf("%s = %v, want %v", name, g, w))
	}
	if got.ID != want.ID {
		f("ID", got.ID, want.ID)
	}
	if got.AccountID != want.AccountID {
		f("AccountID", got.AccountID, want.AccountID)
	}
	if got.MailboxID != want.MailboxID {
		f("MailboxID", got.MailboxID, want.MailboxID)
	}
	if got.UID != want.UID {
		f("UID", got.UID, want.UID)
	}
	if got.ModSeq != want.ModSeq {
		f("ModSeq", got.ModSeq, want.ModSeq)
	}
	if got.BlobKey != want.BlobKey {
		f("BlobKey", got.BlobKey, want.BlobKey)
	}
	if got.Size != want.Size {
		f("Size", got.Size, want.Size)
	}
	if !got.InternalDate.Equal(want.InternalDate) {
		f("InternalDate", got.InternalDate, want.InternalDate)
	}
	if !sameStrings(got.Flags, want.Flags) {
		f("Flags", got.Flags, want.Flags)
	}
	if !sameEnvelope(got.Envelope, want.Envelope) {
		f("Envelope", fmt.Sprintf("%+v", got.Envelope), fmt.Sprintf("%+v", want.Envelope))
	}
	if got.ThreadID != want.ThreadID {
		f("ThreadID", got.ThreadID, want.ThreadID)
	}
	if got.Preview != want.Preview {
		f("Preview", got.Preview, want.Preview)
	}
	if got.HasAttachment != want.HasAttachment {
		f("HasAttachment", got.HasAttachment, want.HasAttachment)
	}
	return strings.Join(d, "; ")
}

// snapshot is everything observable about one account's mail, used to prove
// that an operation changed nothing.
type snapshot struct {
	Usage     store.Usage
	Mailboxes []mailboxSnap
}

type mailboxSnap struct {
	ID            int64
	Name          string
	Role          store.Role
	Subscribed    bool
	UIDValidity   uint32
	UIDNext       uint32
	HighestModSeq uint64
	Status        store.MailboxStatus
	Expunged      []uint32
	Messages      []messageSnap
}

type messageSnap struct {
	ID      int64
	UID     uint32
	ModSeq  uint64
	Flags   string
	BlobKey string
	Size    int64
}

func (e *env) snapshot(accountID int64) snapshot {
	e.Helper()
	s := snapshot{Usage: e.usage(accountID)}
	for _, mb := range e.mailboxes(accountID) {
		ms := mailboxSnap{
			ID: mb.ID, Name: mb.Name, Role: mb.Role, Subscribed: mb.Subscribed,
			UIDValidity: mb.UIDValidity, UIDNext: mb.UIDNext, HighestModSeq: mb.HighestModSeq,
			Status: e.status(accountID, mb.ID),
		}
		exp, err := e.s.ExpungedSince(e.ctx, accountID, mb.ID, 0)
		e.ok(err, "ExpungedSince")
		ms.Expunged = exp
		if len(ms.Expunged) == 0 {
			ms.Expunged = nil
		}
		for _, m := range e.msgs(accountID, mb.ID) {
			ms.Messages = append(ms.Messages, messageSnap{
				ID: m.ID, UID: m.UID, ModSeq: m.ModSeq, Flags: strings.Join(m.Flags, " "),
				BlobKey: m.BlobKey, Size: m.Size,
			})
		}
		s.Mailboxes = append(s.Mailboxes, ms)
	}
	return s
}

// unchanged checks that the account looks as it did in before.
func (e *env) unchanged(accountID int64, before snapshot, after string) {
	e.Helper()
	now := e.snapshot(accountID)
	if !reflect.DeepEqual(now, before) {
		e.Errorf("account %d changed after %s:\n before %+v\n now    %+v", accountID, after, before, now)
	}
}

// rcpts makes queue recipients from addresses.
func rcpts(addrs ...string) []store.QueuedRecipient {
	out := make([]store.QueuedRecipient, len(addrs))
	for i, a := range addrs {
		out[i] = store.QueuedRecipient{Address: a}
	}
	return out
}

// addrs lists the addresses of queue recipients.
func addrs(rs []store.QueuedRecipient) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Address
	}
	return out
}
