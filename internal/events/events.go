// Package events publishes committed changes (new message, flags, expunge,
// folder changes, an account or a session that changed) to whoever watches
// an account: IMAP IDLE, POP3, the webmail's event stream. Events are hints
// sent after commit; a subscriber that falls behind is told so (Overflow)
// and must reread from the store.
//
// Two buses: Local within one process, and Shared (shared.go), which also
// carries events between the processes of one store (the command line
// while the server runs; later the nodes of a cluster) through the store's
// event log.
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
	// AccountChange: the account was suspended, enabled, removed or its
	// password or settings changed: whoever holds a login for it checks it
	// again (the webmail's event stream ends for a suspended account).
	AccountChange Kind = "account.change"
	// SessionEnd: one of the account's web sessions ended (logout): each
	// event stream of the account checks whether it was its own.
	SessionEnd Kind = "session.end"
	// ReceiptChange: a read receipt of one of the account's sent messages
	// changed (read, failed, recalled; internal/receipts): the 수신확인
	// view reloads. MailboxID is 0.
	ReceiptChange Kind = "receipt.change"
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

// OverflowAll tells every subscriber that it may have missed events and
// must reread the store (the event log was trimmed past what a follower
// had read; a node lost its LISTEN connection to PostgreSQL, pgbus).
func (l *Local) OverflowAll() {
	l.mu.Lock()
	var accounts []int64
	for id := range l.subs {
		accounts = append(accounts, id)
	}
	l.mu.Unlock()
	for _, id := range accounts {
		l.Publish(Event{Kind: Overflow, AccountID: id})
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
