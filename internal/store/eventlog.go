package store

import (
	"context"
	"time"
)

// EventLog is how committed changes travel between the processes that
// share one store: the command line changing mail while the server runs,
// and (issue 20) the nodes of a cluster. Each process appends the events it
// publishes and follows what the others appended (internal/events.Shared).
// Events are hints: whoever reads one rereads the store.
type EventLog interface {
	// AppendEvents writes evs in order and sets their IDs (and At, when
	// zero, to now). IDs grow in commit order: a reader that has read every
	// event up to ID n never later finds a new event at or below n.
	AppendEvents(ctx context.Context, evs []LoggedEvent) error
	// EventsAfter returns up to limit events with an ID above after, by ID.
	EventsAfter(ctx context.Context, after int64, limit int) ([]LoggedEvent, error)
	// LastEventID is the ID of the newest event ever appended, also when it
	// was trimmed since (0 when none was): where a new reader starts.
	LastEventID(ctx context.Context) (int64, error)
	// TrimEvents removes the events whose At is before before and returns
	// how many.
	TrimEvents(ctx context.Context, before time.Time) (int, error)
}

// LoggedEvent is one committed change in the event log.
type LoggedEvent struct {
	ID        int64
	Node      string // the process (later: the node) that published it
	Kind      string // internal/events.Kind
	AccountID int64
	MailboxID int64
	UIDs      []uint32
	ModSeq    uint64
	At        time.Time // when it was published
}
