package jobs

// The claiming side of the runner: a loop that claims jobs while a
// worker is free, and the run of one claimed job with its heartbeat.

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

func (r *Runner) startLoop() {
	r.loopOnce.Do(func() {
		r.wg.Add(1)
		go r.loop()
	})
}

// loop claims jobs when woken (a submit here, a worker come free) and
// every Poll (jobs submitted on other nodes, leases that ended).
func (r *Runner) loop() {
	defer r.wg.Done()
	poll := time.NewTicker(orDefault(r.Poll, DefaultPoll))
	defer poll.Stop()
	for {
		r.fill()
		select {
		case <-r.base.Done():
			return
		case <-r.wake:
		case <-poll.C:
		}
	}
}

// fill claims jobs while a worker is free and there are jobs to claim.
func (r *Runner) fill() {
	for r.base.Err() == nil {
		select {
		case r.sem <- struct{}{}:
		default:
			return // every worker is busy; the next one to end wakes the loop
		}
		now := r.now()
		j, err := r.Store.ClaimJob(r.base, r.Node, r.kindNames(), now, now.Add(orDefault(r.Lease, DefaultLease)))
		if err != nil {
			<-r.sem
			if !errors.Is(err, store.ErrNotFound) && r.base.Err() == nil {
				r.log().Error("jobs: claim", "node", r.Node, "err", err)
			}
			return
		}
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.run(j)
			<-r.sem
			r.Wake()
		}()
	}
}

// endedHere tells Wait that a job ended on this node.
func (r *Runner) endedHere() {
	r.mu.Lock()
	close(r.ended)
	r.ended = make(chan struct{})
	r.mu.Unlock()
}

// run runs one claimed job: beats while it runs and stores the end.
func (r *Runner) run(j *store.Job) {
	defer r.endedHere()
	p := &Progress{r: r, job: j, until: j.LeaseUntil}
	k, ok := r.kind(j.Kind)
	var a actor.Actor
	var refuse string
	maxAttempts := orDefault(r.MaxAttempts, DefaultMaxAttempts)
	switch {
	case !ok: // claimed only by registered kinds: cannot happen
		refuse = "unknown kind"
	case j.Attempts > maxAttempts:
		// each claim ended with its node: the job may be what kills it.
		// The error stays the code the web UI translates.
		r.log().Error("jobs: interrupted too often", "job", j.ID, "kind", j.Kind, "times", j.Attempts-1)
		refuse = Interrupted
	case j.Attempts > 1 && !k.resumable:
		refuse = Interrupted
	case json.Unmarshal(j.Actor, &a) != nil:
		refuse = Interrupted // a job stored before jobs kept their actor
	}
	if refuse != "" {
		r.finish(p, nil, errors.New(refuse))
		return
	}
	if j.Attempts > 1 {
		r.log().Warn("jobs: resumed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "node", r.Node)
	}

	ctx, cancel := context.WithCancel(r.base)
	defer cancel()
	beat := time.NewTicker(orDefault(r.Heartbeat, DefaultHeartbeat))
	defer beat.Stop()
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		for {
			select {
			case <-ctx.Done():
				return
			case <-beat.C:
				if err := p.write(ctx); p.isLost() {
					cancel() // taken over or ended elsewhere: stop the work too
					return
				} else if err != nil && ctx.Err() == nil {
					r.log().Warn("jobs: heartbeat", "job", j.ID, "err", err)
				}
			}
		}
	}()
	result, err := r.call(ctx, p, k.fn, a, j.Params)
	cancel()
	<-beating
	r.finish(p, result, err)
}

// call runs fn, turning a panic into the job's failure: a bug in one job
// does not take the server down.
func (r *Runner) call(ctx context.Context, p *Progress, fn Func, a actor.Actor, params []byte) (result any, err error) {
	defer func() {
		if v := recover(); v != nil {
			r.log().Error("jobs: job panicked", "job", p.job.ID, "panic", v)
			err = errors.New("internal error")
		}
	}()
	return fn(ctx, p, a, params)
}

func (r *Runner) finish(p *Progress, result any, err error) {
	id, kind := p.job.ID, p.job.Kind
	done, total := p.counts()
	// the server's own context: the end is stored even while it stops
	ctx := context.WithoutCancel(r.base)
	claim := store.Job{ID: id, Node: p.job.Node, Attempts: p.job.Attempts, Done: done, Total: total}
	switch {
	case p.isLost() || errors.Is(err, ErrGivenUp) || errors.Is(err, store.ErrConflict):
		r.log().Warn("jobs: given up: taken over or ended elsewhere", "job", id, "kind", kind, "node", r.Node)
		return
	case r.base.Err() != nil && err != nil:
		// stopping: the job goes back to the queue for whoever runs next
		claim.Heartbeat = r.now()
		if rerr := r.Store.ReleaseJob(ctx, &claim); rerr != nil {
			r.log().Error("jobs: give back", "job", id, "err", rerr)
			return
		}
		r.log().Info("jobs: given back", "job", id, "kind", kind)
		return
	}
	claim.State, claim.Finished = store.JobDone, r.now()
	switch {
	case err != nil:
		claim.State, claim.Error = store.JobFailed, err.Error()
	case result != nil:
		raw, merr := json.Marshal(result)
		if merr != nil {
			claim.State, claim.Error = store.JobFailed, "internal error"
		}
		claim.Result = raw
	}
	if ferr := r.Store.FinishJob(ctx, &claim); ferr != nil {
		r.log().Error("jobs: store the end", "job", id, "err", ferr)
		return
	}
	if claim.State == store.JobFailed {
		r.log().Warn("jobs: failed", "job", id, "kind", kind, "err", claim.Error)
	} else {
		r.log().Info("jobs: done", "job", id, "kind", kind, "done", done, "total", total)
	}
}

// Progress is a running job's count of work done.
type Progress struct {
	r           *Runner
	job         *store.Job // the claim
	mu          sync.Mutex
	done, total int64
	lost        bool      // the store refused the claim: another runner has it
	until       time.Time // the end of the lease as last renewed
}

// ID is the job's id.
func (p *Progress) ID() int64 { return p.job.ID }

// Attempt is the run's number: 1 for the first, more for a run that
// resumes a job whose earlier run was interrupted.
func (p *Progress) Attempt() int { return p.job.Attempts }

// SetTotal says how much work there is and stores it.
func (p *Progress) SetTotal(ctx context.Context, total int64) error {
	p.mu.Lock()
	p.total = total
	p.mu.Unlock()
	return p.step(ctx)
}

// Step adds n to the work done and stores it (which renews the lease);
// ErrGivenUp when the job is no longer this runner's (the function
// returns it), or may no longer be: the lease had ended by this
// runner's clock when the step returned (the process stalled), so
// another node may be running the job and the next piece of work must
// not be done twice.
func (p *Progress) Step(ctx context.Context, n int64) error {
	p.mu.Lock()
	p.done += n
	p.mu.Unlock()
	return p.step(ctx)
}

func (p *Progress) step(ctx context.Context) error {
	err := p.write(ctx)
	if p.isLost() {
		return ErrGivenUp
	}
	if err != nil {
		return err
	}
	if p.r.Progressed != nil {
		done, total := p.counts()
		p.r.Progressed(store.Job{ID: p.job.ID, State: store.JobRunning, Done: done, Total: total})
	}
	p.mu.Lock()
	until := p.until
	p.mu.Unlock()
	if !p.r.now().Before(until) {
		return ErrGivenUp
	}
	return nil
}

func (p *Progress) counts() (int64, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done, p.total
}

func (p *Progress) isLost() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lost
}

// write stores the progress and renews the lease.
func (p *Progress) write(ctx context.Context) error {
	done, total := p.counts()
	now := p.r.now()
	until := now.Add(orDefault(p.r.Lease, DefaultLease))
	err := p.r.Store.JobProgress(ctx, &store.Job{ID: p.job.ID, Node: p.job.Node, Attempts: p.job.Attempts,
		Done: done, Total: total, Heartbeat: now, LeaseUntil: until})
	p.mu.Lock()
	switch {
	case errors.Is(err, store.ErrConflict):
		p.lost = true
	case err == nil:
		p.until = until
	}
	p.mu.Unlock()
	return err
}
