// Package jobs runs background jobs in the serving process (applying a
// filter rule to a folder today; administrators' bulk jobs later) and
// keeps their state in the store, so that any node answers a job's
// progress and whoever started it can follow it: queued, running with
// done/total, done with a result, or failed with an error.
//
// Restarts: a job is not resumed. Its runner writes a heartbeat into the
// job's row at each step and every Heartbeat meanwhile; a queued or
// running job whose heartbeat is older than Lease lost its runner (a
// restart, a crashed node) and is failed as interrupted, by the Runner
// at start and by Get when it reads one. Resuming would need every kind
// to know what its half run already did; failing says so, and the user
// runs it again (a filter applied again finds the messages it moved
// gone and the ones it marked read already read).
//
// Invariants:
//   - A job belongs to the account that started it: Get answers another
//     account's job as not found; an operator sees every job. A domain
//     job (SubmitDomain: an administrator's bulk job) belongs to no
//     account but to its domain: that domain's administrators and API
//     tokens read it, nobody else (a user of the domain neither).
//   - A finished job never changes again (the store refuses it), so a
//     runner that was given up stops at its next step.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Defaults of the Runner's timing.
const (
	DefaultWorkers   = 2
	DefaultHeartbeat = 20 * time.Second
	DefaultLease     = 2 * time.Minute
	// Keep is how long a finished job stays readable.
	Keep = 7 * 24 * time.Hour
)

// Interrupted is the error of a job whose runner went away.
const Interrupted = "interrupted"

// ErrGivenUp is returned by Progress.Step when the job was declared
// interrupted meanwhile (or ended otherwise): the job function stops.
var ErrGivenUp = errors.New("jobs: the job was given up")

// ErrBusy is returned by Submit when the account already has
// MaxPerAccount jobs queued or running here: one user cannot fill the
// workers' queue for everyone.
var ErrBusy = errors.New("jobs: too many jobs of this account")

// DefaultMaxPerAccount bounds the unfinished jobs of one account.
const DefaultMaxPerAccount = 3

// Func is a job's work. It reports progress through p and returns the
// job's result (JSON-encoded into the job) or an error (its text is the
// job's error, shown to the user: no secrets in it).
type Func func(ctx context.Context, p *Progress) (result any, err error)

// Runner runs jobs. Store is required; start it with Start.
type Runner struct {
	Store store.JobStore
	Log   *slog.Logger
	// Now is the clock of the job rows (time.Now when nil).
	Now func() time.Time
	// Workers bounds the jobs that run at once; the rest wait queued.
	Workers int
	// Heartbeat and Lease: see the package comment.
	Heartbeat, Lease time.Duration
	// MaxPerAccount bounds the unfinished jobs of one account on this
	// runner (DefaultMaxPerAccount when 0).
	MaxPerAccount int
	// Progressed, when set, is called after each step's progress was
	// stored (tests follow a job with it).
	Progressed func(j store.Job)

	once    sync.Once
	sem     chan struct{}
	base    context.Context
	stop    context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	waiting map[int64]chan struct{}
	active  map[owner]int // unfinished jobs by owner
}

// owner is whose a job is: an account's (domain 0 for the operator's),
// or, with account 0, a domain's.
type owner struct{ account, domain int64 }

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

func (r *Runner) lease() time.Duration {
	if r.Lease > 0 {
		return r.Lease
	}
	return DefaultLease
}

func (r *Runner) heartbeat() time.Duration {
	if r.Heartbeat > 0 {
		return r.Heartbeat
	}
	return DefaultHeartbeat
}

func (r *Runner) init() {
	r.once.Do(func() {
		n := r.Workers
		if n <= 0 {
			n = DefaultWorkers
		}
		r.sem = make(chan struct{}, n)
		r.base, r.stop = context.WithCancel(context.Background())
		r.waiting = map[int64]chan struct{}{}
		r.active = map[owner]int{}
	})
}

// Start fails the jobs a previous run left unfinished (stale by Lease)
// and removes jobs finished more than Keep ago. Call it once when the
// server starts; jobs may be submitted before it.
func (r *Runner) Start(ctx context.Context) error {
	r.init()
	now := r.now()
	n, err := r.Store.FailStaleJobs(ctx, now.Add(-r.lease()), Interrupted, now)
	if err != nil {
		return err
	}
	if n > 0 {
		r.log().Warn("jobs: interrupted jobs failed", "count", n)
	}
	if _, err := r.Store.DeleteFinishedJobs(ctx, now.Add(-Keep)); err != nil {
		return err
	}
	return nil
}

// Close stops the running jobs (each fails as interrupted) and waits for
// them.
func (r *Runner) Close() {
	r.init()
	r.stop()
	r.wg.Wait()
}

// Submit stores a job of kind for the actor's account and runs fn in the
// background: queued until a worker is free. It returns the stored job.
func (r *Runner) Submit(ctx context.Context, a actor.Actor, kind string, params any, fn Func) (*store.Job, error) {
	return r.submit(ctx, owner{a.AccountID, a.DomainID}, kind, params, fn)
}

// SubmitDomain is Submit for a job a domain administrator (a person or
// one of the domain's API tokens, which has no account) runs on his
// domain: the job is the domain's, readable by its administrators and
// tokens, so that a program can follow what it started and the console
// what a colleague started. The operator's job is the operator's.
func (r *Runner) SubmitDomain(ctx context.Context, a actor.Actor, kind string, params any, fn Func) (*store.Job, error) {
	switch {
	case a.IsOperator():
		return r.submit(ctx, owner{}, kind, params, fn)
	case a.Role == actor.RoleDomainAdmin && a.DomainID != 0:
		return r.submit(ctx, owner{domain: a.DomainID}, kind, params, fn)
	}
	return nil, fmt.Errorf("%s job: %w", kind, ErrNotAdmin)
}

// ErrNotAdmin is returned by SubmitDomain for an actor who administers
// no domain.
var ErrNotAdmin = errors.New("jobs: not a domain administrator")

func (r *Runner) submit(ctx context.Context, o owner, kind string, params any, fn Func) (*store.Job, error) {
	r.init()
	if r.base.Err() != nil {
		return nil, errors.New("jobs: shutting down")
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("%s job: params: %w", kind, err)
	}
	limit := r.MaxPerAccount
	if limit <= 0 {
		limit = DefaultMaxPerAccount
	}
	r.mu.Lock()
	if r.active[o] >= limit {
		r.mu.Unlock()
		return nil, ErrBusy
	}
	r.active[o]++
	r.mu.Unlock()
	release := func() {
		r.mu.Lock()
		if r.active[o]--; r.active[o] <= 0 {
			delete(r.active, o)
		}
		r.mu.Unlock()
	}
	at := r.now()
	j := &store.Job{AccountID: o.account, DomainID: o.domain, Kind: kind, State: store.JobQueued,
		Params: raw, CreatedAt: at, Heartbeat: at}
	if err := r.Store.CreateJob(ctx, j); err != nil {
		release()
		return nil, err
	}
	done := make(chan struct{})
	r.mu.Lock()
	r.waiting[j.ID] = done
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() {
			release() // before done: a Wait that returned sees the place free
			r.mu.Lock()
			delete(r.waiting, j.ID)
			r.mu.Unlock()
			close(done)
		}()
		r.run(j.ID, kind, fn)
	}()
	return j, nil
}

// Wait waits until the job, submitted by this runner, has ended (or ctx
// has); a job it does not run returns at once.
func (r *Runner) Wait(ctx context.Context, id int64) error {
	r.init()
	r.mu.Lock()
	done := r.waiting[id]
	r.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Get returns the actor's job: its own account's, or a domain job of
// the domain it administers (an operator: any). Any other job is
// store.ErrNotFound. An unfinished job whose runner stopped beating is
// failed as interrupted first.
func (r *Runner) Get(ctx context.Context, a actor.Actor, id int64) (*store.Job, error) {
	j, err := r.Store.Job(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("job %d: %w", id, err)
	}
	if !readable(a, j) {
		return nil, fmt.Errorf("job %d: %w", id, store.ErrNotFound)
	}
	now := r.now()
	if unfinished(j.State) && j.Heartbeat.Before(now.Add(-r.lease())) {
		if _, err := r.Store.FailStaleJobs(ctx, now.Add(-r.lease()), Interrupted, now); err != nil {
			return nil, err
		}
		if j, err = r.Store.Job(ctx, id); err != nil {
			return nil, fmt.Errorf("job %d: %w", id, err)
		}
	}
	return j, nil
}

// readable is the package comment's rule of who reads a job.
func readable(a actor.Actor, j *store.Job) bool {
	switch {
	case a.IsOperator():
		return true
	case j.AccountID != 0:
		return a.AccountID == j.AccountID
	case j.DomainID != 0:
		return a.Role == actor.RoleDomainAdmin && a.DomainID == j.DomainID
	}
	return false // the operator's
}

func unfinished(state string) bool { return state == store.JobQueued || state == store.JobRunning }

// run runs one job: waits for a worker, beats while it waits and runs,
// and stores the end.
func (r *Runner) run(id int64, kind string, fn Func) {
	p := &Progress{r: r, id: id}
	ctx, cancel := context.WithCancel(r.base)
	defer cancel()
	beat := time.NewTicker(r.heartbeat())
	defer beat.Stop()
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		for {
			select {
			case <-ctx.Done():
				return
			case <-beat.C:
				if err := p.write(ctx); errors.Is(err, store.ErrConflict) {
					cancel() // given up by someone else: stop the work too
					return
				}
			}
		}
	}()
	defer func() { cancel(); <-beating }()

	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		r.finish(id, kind, p, nil, ctx.Err())
		return
	}
	defer func() { <-r.sem }()
	p.mu.Lock()
	p.state = store.JobRunning
	p.mu.Unlock()
	if err := p.write(ctx); err != nil {
		r.finish(id, kind, p, nil, err)
		return
	}
	result, err := r.call(ctx, p, fn)
	r.finish(id, kind, p, result, err)
}

// call runs fn, turning a panic into the job's failure: a bug in one job
// does not take the server down.
func (r *Runner) call(ctx context.Context, p *Progress, fn Func) (result any, err error) {
	defer func() {
		if v := recover(); v != nil {
			r.log().Error("jobs: job panicked", "job", p.id, "panic", v)
			err = errors.New("internal error")
		}
	}()
	return fn(ctx, p)
}

func (r *Runner) finish(id int64, kind string, p *Progress, result any, err error) {
	done, total := p.counts()
	j := &store.Job{ID: id, State: store.JobDone, Done: done, Total: total, Finished: r.now()}
	switch {
	case errors.Is(err, ErrGivenUp) || errors.Is(err, store.ErrConflict):
		r.log().Warn("jobs: given up", "job", id, "kind", kind)
		return
	case r.base.Err() != nil && err != nil:
		j.State, j.Error = store.JobFailed, Interrupted
	case err != nil:
		j.State, j.Error = store.JobFailed, err.Error()
	case result != nil:
		raw, merr := json.Marshal(result)
		if merr != nil {
			j.State, j.Error = store.JobFailed, "internal error"
		}
		j.Result = raw
	}
	// the server's own context: the end is stored even while it stops
	if ferr := r.Store.FinishJob(context.WithoutCancel(r.base), j); ferr != nil {
		r.log().Error("jobs: store the end", "job", id, "err", ferr)
		return
	}
	if j.State == store.JobFailed {
		r.log().Warn("jobs: failed", "job", id, "kind", kind, "err", j.Error)
	} else {
		r.log().Info("jobs: done", "job", id, "kind", kind, "done", done, "total", total)
	}
}

// Progress is a running job's count of work done.
type Progress struct {
	r           *Runner
	id          int64
	mu          sync.Mutex
	state       string
	done, total int64
}

// ID is the job's id.
func (p *Progress) ID() int64 { return p.id }

// SetTotal says how much work there is and stores it.
func (p *Progress) SetTotal(ctx context.Context, total int64) error {
	p.mu.Lock()
	p.total = total
	p.mu.Unlock()
	return p.step(ctx)
}

// Step adds n to the work done and stores it; ErrGivenUp when the job
// was given up meanwhile (the function returns it).
func (p *Progress) Step(ctx context.Context, n int64) error {
	p.mu.Lock()
	p.done += n
	p.mu.Unlock()
	return p.step(ctx)
}

func (p *Progress) step(ctx context.Context) error {
	err := p.write(ctx)
	if errors.Is(err, store.ErrConflict) {
		return ErrGivenUp
	}
	if err == nil && p.r.Progressed != nil {
		done, total := p.counts()
		p.r.Progressed(store.Job{ID: p.id, State: store.JobRunning, Done: done, Total: total})
	}
	return err
}

func (p *Progress) counts() (int64, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done, p.total
}

func (p *Progress) write(ctx context.Context) error {
	p.mu.Lock()
	state, done, total := p.state, p.done, p.total
	p.mu.Unlock()
	if state == "" {
		state = store.JobQueued
	}
	return p.r.Store.JobProgress(ctx, p.id, state, done, total, p.r.now())
}
