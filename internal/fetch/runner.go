package fetch

import (
	"context"
	"sync"
	"time"
)

// Runner fetches the due external accounts of every user in the
// background: each Tick claims some in the store (so another node's
// Runner skips them) and fetches them.
type Runner struct {
	Service *Service
	// Interval between ticks (a minute when 0): the schedule's grain.
	Interval time.Duration
	// Workers bounds the fetches that run at once (2 when 0); Batch the
	// accounts one tick claims (2×Workers when 0).
	Workers, Batch int
}

// Run ticks until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	every := r.Interval
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := r.Tick(ctx); err != nil && ctx.Err() == nil {
			r.Service.log().Error("external fetch: claiming due accounts", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick claims the accounts due now and fetches them, returning when they
// are done; it says how many it fetched.
func (r *Runner) Tick(ctx context.Context) (int, error) {
	s := r.Service
	workers := r.Workers
	if workers <= 0 {
		workers = 2
	}
	batch := r.Batch
	if batch <= 0 {
		batch = 2 * workers
	}
	xs, err := s.Store.ClaimDueExternalAccounts(ctx, s.node(), s.now(), Lease, batch)
	if err != nil {
		return 0, err
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i := range xs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			s.run(ctx, &xs[i])
		})
	}
	wg.Wait()
	return len(xs), nil
}
