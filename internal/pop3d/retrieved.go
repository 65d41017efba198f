package pop3d

// A message RETR sent whole is read (the mailbox service's rule,
// mail.POP3Retrieved). The marks are handed over in batches, not one
// store write per RETR: a client downloading 500 messages otherwise
// spends most of the session committing one \Seen at a time (issue 21:
// two thirds of a 10 KB RETR's CPU). Dovecot sets \Seen once, at the
// end of the session; here a batch goes when the session ends, by QUIT or
// not (a dropped connection has still retrieved what it retrieved), at
// QUIT before the deletions (so a message deleted for good was read
// first), and otherwise at most seenDelay after its first RETR or once it
// holds seenBatch messages, so IMAP and the webmail show a long
// download's messages read as it goes.

import (
	"context"
	"sync"
	"time"

	"postroom/internal/actor"
)

const (
	seenDelay = time.Second
	seenBatch = 500
)

// retrievedMarks are the messages retrieved and not yet marked read.
type retrievedMarks struct {
	mu      sync.Mutex         // guards pending, count and timer
	pending map[int64][]uint32 // by mailbox (a message may have moved out of INBOX since login)
	count   int
	timer   *time.Timer

	// applying makes a batch wait for the one being applied, so that
	// QUIT's +OK follows every mark, the timer's included.
	applying sync.Mutex
}

// retrieved records that message uid of mailboxID was sent whole.
func (c *conn) retrieved(mailboxID int64, uid uint32) {
	m := &c.marks
	m.mu.Lock()
	if m.pending == nil {
		m.pending = map[int64][]uint32{}
	}
	m.pending[mailboxID] = append(m.pending[mailboxID], uid)
	m.count++
	delay := seenDelay
	if m.count >= seenBatch {
		// now, but not before this RETR's answer: on the timer's goroutine
		delay = 0
		if m.timer != nil {
			m.timer.Stop()
			m.timer = nil
		}
	}
	if m.timer == nil {
		// the actor is taken here, in the session's goroutine
		a, ctx := actor.User(c.acct), c.ctx
		m.timer = time.AfterFunc(delay, func() { c.applyMarks(ctx, a) })
	}
	m.mu.Unlock()
}

// applyMarks hands the pending marks to the mailbox service.
func (c *conn) applyMarks(ctx context.Context, a actor.Actor) {
	m := &c.marks
	m.applying.Lock()
	defer m.applying.Unlock()
	m.mu.Lock()
	pending := m.pending
	m.pending, m.count = nil, 0
	if m.timer != nil {
		m.timer.Stop()
		m.timer = nil
	}
	m.mu.Unlock()
	for mailboxID, uids := range pending {
		if err := c.s.Mail.POP3Retrieved(ctx, a, mailboxID, uids); err != nil {
			c.s.log().Warn("pop3 retr: mark read", "account", a.AccountID, "mailbox", mailboxID, "messages", len(uids), "err", err)
		}
	}
}
