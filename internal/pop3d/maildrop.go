package pop3d

import (
	"context"
	"strconv"

	"postroom/internal/actor"
	"postroom/internal/mail"
)

// maildrop is the snapshot of INBOX a session works on (RFC 1939 §5:
// message numbers do not change during a session).
type maildrop struct {
	mailboxID int64
	msgs      []item
	md        *mail.Maildrop // the service's, for POP3Open; closed with the session
}

type item struct {
	n       int   // its place in the maildrop, from 0
	id      int64 // the message, wherever it is by RETR time
	uidl    string
	uid     uint32
	size    int64
	deleted bool
}

// loadMaildrop takes the snapshot: what the maildrop holds (INBOX, less
// what earlier POP3 sessions hid) is the mailbox service's rule.
func loadMaildrop(ctx context.Context, m Mailboxes, a actor.Actor) (*maildrop, error) {
	md, err := m.Maildrop(ctx, a)
	if err != nil {
		return nil, err
	}
	d := &maildrop{mailboxID: md.MailboxID, msgs: make([]item, 0, len(md.Messages)), md: md}
	for i, e := range md.Messages {
		d.msgs = append(d.msgs, item{n: i, id: e.ID, uidl: e.UIDL, uid: e.UID, size: e.Size})
	}
	return d, nil
}

// close ends the snapshot's watch of the account (mail.Maildrop.Close).
func (d *maildrop) close() {
	if d != nil && d.md != nil {
		d.md.Close()
	}
}

// get returns message n (1-based) unless it does not exist or is deleted.
func (d *maildrop) get(arg string) (*item, string) {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 {
		return nil, "Invalid message number"
	}
	if n > len(d.msgs) {
		return nil, "No such message"
	}
	it := &d.msgs[n-1]
	if it.deleted {
		return nil, "Message already deleted"
	}
	return it, ""
}

func (d *maildrop) stat() (n int, size int64) {
	for _, it := range d.msgs {
		if !it.deleted {
			n++
			size += it.size
		}
	}
	return n, size
}

func (d *maildrop) reset() {
	for i := range d.msgs {
		d.msgs[i].deleted = false
	}
}

func (d *maildrop) deletedUIDs() []uint32 {
	var out []uint32
	for _, it := range d.msgs {
		if it.deleted {
			out = append(out, it.uid)
		}
	}
	return out
}

// uidl is the message's unique-id (RFC 1939 §7): the store's opaque one
// (store.NewUIDL), or for mail stored before opaque UIDLs the decimal id
// its clients already know. Never the UID (a move changes it).
func uidl(it *item) string { return it.uidl }
