// Package events publishes committed changes (new message, flags, expunge,
// folder changes) to whoever watches an account: IMAP IDLE, POP3, the
// webmail's event stream. Events are hints sent after commit; a subscriber
// that falls behind is told so (Overflow) and must reread from the store.
//
// Invariant: publish only after the store transaction committed.
package events

import "sync"

// Kind says what changed.
type Kind string

const (
	MessageNew     Kind = "message.new"
	MessageFlags   Kind = "message.flags"
	MessageExpunge Kind = "message.expunge"
	MailboxChange  Kind = "mailbox.change" // created, renamed, deleted
	// Overflow is delivered to a subscriber whose buffer was full: some
	// events were dropped.
	Overflow Kind = "overflow"
)

// Event is one committed change in one account.
type Event struct {
	Kind      Kind
	AccountID int64
	MailboxID int64
	UIDs      []uint32
	ModSeq    uint64
}

// Bus is the port: in-process now, PostgreSQL NOTIFY in cluster mode.
type Bus interface {
	Publish(e Event)
	// Subscribe returns a channel of the account's events and a function
	// that ends the subscription.
	Subscribe(accountID int64) (<-chan Event, func())
}

// Local is the in-process Bus.
type Local struct {
	mu   sync.Mutex
	subs map[int64]map[*sub]struct{}
}

type sub struct {
	ch       chan Event
	overflow bool
}

// NewLocal returns an empty in-process bus.
func NewLocal() *Local { return &Local{subs: map[int64]map[*sub]struct{}{}} }

const buffer = 256

// Publish implements Bus. It never blocks: a full subscriber gets one
// Overflow event in place of what it missed.
func (l *Local) Publish(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for s := range l.subs[e.AccountID] {
		if s.overflow {
			if len(s.ch) > 0 {
				continue // still has not read the overflow marker
			}
			s.overflow = false
		}
		select {
		case s.ch <- e:
		default:
			s.overflow = true
			// Make room for the overflow marker by dropping the oldest event.
			select {
			case <-s.ch:
			default:
			}
			s.ch <- Event{Kind: Overflow, AccountID: e.AccountID}
		}
	}
}

// Subscribe implements Bus.
func (l *Local) Subscribe(accountID int64) (<-chan Event, func()) {
	s := &sub{ch: make(chan Event, buffer)}
	l.mu.Lock()
	if l.subs[accountID] == nil {
		l.subs[accountID] = map[*sub]struct{}{}
	}
	l.subs[accountID][s] = struct{}{}
	l.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			l.mu.Lock()
			delete(l.subs[accountID], s)
			if len(l.subs[accountID]) == 0 {
				delete(l.subs, accountID)
			}
			l.mu.Unlock()
		})
	}
}
