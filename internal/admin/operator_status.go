package admin

// The operator's status panel (issue 16): what the installation holds and
// how its outbound queue stands, gathered here so that the console and any
// other adapter show the same numbers.

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// processStart is when this process started: the server's start when it
// serves (the command line's own when it asks).
var processStart = time.Now()

// Status is the installation at a glance.
type Status struct {
	Version          string // the module's version, or its VCS revision
	Started          time.Time
	Uptime           time.Duration
	Domains          int
	SuspendedDomains int
	Accounts         int
	UsedBytes        int64 // what every account stores together
	Messages         int64 // the same in messages
	Queued           int   // queued messages with a recipient still to try
	Deferred         int   // of those, the ones tried already and failed for now
	// IndexWaiting is how many messages wait for their search terms
	// (store.LaterIndexStore): the indexer's backlog, all of them after a
	// restore, whose index is rebuilt. A search of an account writes its
	// own first, so a search never misses them; it is slower meanwhile.
	IndexWaiting int
}

// Status gathers the installation's numbers (operator only).
func (s *Service) Status(ctx context.Context, a actor.Actor) (*Status, error) {
	if err := operatorOnly(a); err != nil {
		return nil, err
	}
	doms, err := s.Domains(ctx, a)
	if err != nil {
		return nil, err
	}
	st := &Status{Version: version(), Started: processStart, Uptime: max(s.now().Sub(processStart), 0), Domains: len(doms)}
	for _, d := range doms {
		st.Accounts += d.Accounts
		st.UsedBytes += d.UsedBytes
		st.Messages += d.Messages
		if d.Suspended {
			st.SuspendedDomains++
		}
	}
	queue, err := s.Store.Queue(ctx)
	if err != nil {
		return nil, fmt.Errorf("the queue: %w", err)
	}
	if st.IndexWaiting, err = s.indexBacklog(ctx); err != nil {
		return nil, err
	}
	for _, q := range queue {
		pending, tried := false, false
		for _, r := range q.Recipients {
			if r.Status == store.RcptPending {
				pending = true
				tried = tried || r.Attempts > 0
			}
		}
		if pending {
			st.Queued++
		}
		if tried {
			st.Deferred++
		}
	}
	return st, nil
}

// indexBacklog is how many messages wait for their search terms (0 for a
// store that writes them with the message).
func (s *Service) indexBacklog(ctx context.Context) (int, error) {
	l, ok := s.Store.(store.LaterIndexStore)
	if !ok {
		return 0, nil
	}
	return l.IndexBacklog(ctx)
}

// version is the build's version: the module's when it was built from a
// tagged release, else the VCS revision the binary was built from.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, kv := range bi.Settings {
		if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
			return "devel-" + kv.Value[:12]
		}
	}
	return "devel"
}
