// Package jobs runs background jobs (a filter rule applied to a folder,
// an administrator's mailbox copy or bulk deletion, an import) and keeps
// them in the store, so that several nodes sharing one database run
// each job once, any node answers a job's progress, and the job of a
// node that died is taken over by another.
//
// Kinds: every node registers the kinds it runs (Register) with the
// function that runs a job from its stored params and the actor that
// submitted it. Submit stores the job queued and wakes this node's
// runner; the runner of any node may claim it.
//
// Claims and leases: a runner claims a queued job (store.JobStore's
// ClaimJob) under a lease of Lease, renewed by each progress step and
// by a heartbeat every Heartbeat. A node that dies stops renewing; once
// the lease has ended, any runner claims the job again and runs its
// function again from the params (a resumed run). Each kind's function
// must therefore be safe to run again after a partial run, or be
// registered NotResumable: such a job is failed as interrupted instead.
// A job claimed MaxAttempts times without ending (it may be what kills
// its node) is failed as interrupted at its next claim. A runner that
// stops gracefully (Close) gives its jobs back queued at once.
//
// Invariants:
//   - A job belongs to the account that started it: Get answers another
//     account's job as not found; an operator sees every job. A domain
//     job (SubmitDomain: an administrator's bulk job) belongs to no
//     account but to its domain: that domain's administrators and API
//     tokens read it, nobody else (a user of the domain neither).
//   - One claim at a time: the store changes a job only for its current
//     claim (node and attempt), so a runner whose job was taken over
//     (its lease ended while it stalled) is refused at its next step and
//     stops without writing anything; a finished job never changes.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
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
	// DefaultPoll is how often an idle runner looks for jobs it was not
	// woken for: another node's, or one whose lease ended.
	DefaultPoll = 10 * time.Second
	// DefaultMaxAttempts bounds the claims of one job.
	DefaultMaxAttempts = 3
	// Keep is how long a finished job stays readable.
	Keep = 7 * 24 * time.Hour
)

// Interrupted is the error of a job whose runner went away and that was
// not run again.
const Interrupted = "interrupted"

// ErrGivenUp is returned by Progress.Step when the job is no longer this
// runner's (another node took it over, or it ended): the job function
// stops.
var ErrGivenUp = errors.New("jobs: the job was given up")

// ErrBusy is returned by Submit when the account already has
// MaxPerAccount jobs queued or running: one user cannot fill the
// workers' queue for everyone.
var ErrBusy = errors.New("jobs: too many jobs of this account")

// ErrRunning is returned by SubmitKeyed when an unfinished job holds
// the key.
var ErrRunning = errors.New("jobs: a job with this key is running")

// DefaultMaxPerAccount bounds the unfinished jobs of one account.
const DefaultMaxPerAccount = 3

// Func runs one job of a kind: its params as submitted, the actor that
// submitted it. It reports progress through p and returns the job's
// result (JSON-encoded into the job) or an error (its text is the job's
// error, shown to the user: no secrets in it). When ctx ends or p says
// ErrGivenUp it returns at once; it may be called again for the same job
// (p.Attempt() > 1) after a run that did part of the work.
type Func func(ctx context.Context, p *Progress, a actor.Actor, params []byte) (result any, err error)

// Option changes how a kind is run.
type Option func(*kind)

// NotResumable marks a kind whose function cannot run again after a
// partial run: a job of it whose runner died is failed as interrupted.
func NotResumable(k *kind) { k.resumable = false }

type kind struct {
	fn        Func
	resumable bool
}

// Runner runs jobs. Store is required. Submit starts it; a serving node
// calls Start once so that it runs other nodes' jobs too.
type Runner struct {
	Store store.JobStore
	Log   *slog.Logger
	// Now is the clock of the job rows and leases (time.Now when nil).
	Now func() time.Time
	// Node names this runner's claims; unique per process (host, pid
	// and a random part when empty).
	Node string
	// Workers bounds the jobs that run at once; the rest wait queued.
	Workers int
	// Heartbeat, Lease, Poll and MaxAttempts: see the package comment.
	Heartbeat, Lease, Poll time.Duration
	MaxAttempts            int
	// MaxPerAccount bounds the unfinished jobs of one account (or of a
	// domain's jobs together), DefaultMaxPerAccount when 0.
	MaxPerAccount int
	// Progressed, when set, is called after each step's progress was
	// stored (tests follow a job with it).
	Progressed func(j store.Job)

	once     sync.Once
	loopOnce sync.Once
	sem      chan struct{}
	wake     chan struct{}
	base     context.Context
	stop     context.CancelFunc
	wg       sync.WaitGroup
	mu       sync.Mutex
	kinds    map[string]kind
	ended    chan struct{} // closed and replaced when a job ends here
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

func orDefault[T int | time.Duration](v, d T) T {
	if v > 0 {
		return v
	}
	return d
}

func (r *Runner) init() {
	r.once.Do(func() {
		r.sem = make(chan struct{}, orDefault(r.Workers, DefaultWorkers))
		r.wake = make(chan struct{}, 1)
		r.ended = make(chan struct{})
		r.base, r.stop = context.WithCancel(context.Background())
		r.mu.Lock()
		if r.kinds == nil {
			r.kinds = map[string]kind{}
		}
		r.mu.Unlock()
		if r.Node == "" {
			r.Node = nodeName()
		}
	})
}

// nodeName is this process's name in the claims: the host for people
// reading the jobs table, the pid and a random part so that two
// processes (or a restarted one) never share a name.
func nodeName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "node"
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Register makes kind runnable here by fn; registering a kind again
// replaces its function. Every node registers every kind when it is
// wired, so that any node can run any job.
func (r *Runner) Register(name string, fn Func, opts ...Option) {
	r.init()
	k := kind{fn: fn, resumable: true}
	for _, o := range opts {
		o(&k)
	}
	r.mu.Lock()
	r.kinds[name] = k
	r.mu.Unlock()
	r.Wake()
}

func (r *Runner) kind(name string) (kind, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k, ok := r.kinds[name]
	return k, ok
}

func (r *Runner) kindNames() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.kinds))
	for n := range r.kinds {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Start removes jobs finished more than Keep ago and starts claiming
// jobs: queued ones, and those whose node died. Call it once when the
// server starts.
func (r *Runner) Start(ctx context.Context) error {
	r.init()
	if _, err := r.Store.DeleteFinishedJobs(ctx, r.now().Add(-Keep)); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	r.startLoop()
	r.Wake()
	return nil
}

// Wake asks the runner to look for jobs now rather than at its next
// poll (a job was submitted, a worker came free; another node's hint).
func (r *Runner) Wake() {
	r.init()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Close stops the runner: running jobs are stopped and given back
// queued, for another node (or this one's next start) to run again.
func (r *Runner) Close() {
	r.init()
	r.stop()
	r.wg.Wait()
}

// Submit stores a job of kind, registered here, for the actor's
// account, queued for the next free worker of any node. It returns the
// stored job.
func (r *Runner) Submit(ctx context.Context, a actor.Actor, kind string, params any) (*store.Job, error) {
	return r.submit(ctx, a, owner{a.AccountID, a.DomainID}, kind, "", params)
}

// SubmitKeyed is Submit for a job that must not run twice at once for
// one thing (a copy into one mailbox): while an unfinished job holds
// key, on any node, it returns ErrRunning.
func (r *Runner) SubmitKeyed(ctx context.Context, a actor.Actor, kind, key string, params any) (*store.Job, error) {
	return r.submit(ctx, a, owner{a.AccountID, a.DomainID}, kind, key, params)
}

// SubmitDomain is Submit for a job a domain administrator (a person or
// one of the domain's API tokens, which has no account) runs on his
// domain: the job is the domain's, readable by its administrators and
// tokens, so that a program can follow what it started and the console
// what a colleague started. The operator's job is the operator's.
func (r *Runner) SubmitDomain(ctx context.Context, a actor.Actor, kind string, params any) (*store.Job, error) {
	switch {
	case a.IsOperator():
		return r.submit(ctx, a, owner{}, kind, "", params)
	case a.Role == actor.RoleDomainAdmin && a.DomainID != 0:
		return r.submit(ctx, a, owner{domain: a.DomainID}, kind, "", params)
	}
	return nil, fmt.Errorf("%s job: %w", kind, ErrNotAdmin)
}

// ErrNotAdmin is returned by SubmitDomain for an actor who administers
// no domain.
var ErrNotAdmin = errors.New("jobs: not a domain administrator")

func (r *Runner) submit(ctx context.Context, a actor.Actor, o owner, kind, key string, params any) (*store.Job, error) {
	r.init()
	if r.base.Err() != nil {
		return nil, errors.New("jobs: shutting down")
	}
	if _, ok := r.kind(kind); !ok {
		return nil, fmt.Errorf("jobs: kind %q is not registered", kind)
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("%s job: params: %w", kind, err)
	}
	who, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("%s job: actor: %w", kind, err)
	}
	// counted in the store, so the bound holds across nodes; two
	// submits at once may both pass it, which a bound on flooding bears
	n, err := r.Store.UnfinishedJobs(ctx, o.account, o.domain)
	if err != nil {
		return nil, fmt.Errorf("%s job: %w", kind, err)
	}
	if n >= orDefault(r.MaxPerAccount, DefaultMaxPerAccount) {
		return nil, ErrBusy
	}
	at := r.now()
	j := &store.Job{AccountID: o.account, DomainID: o.domain, Kind: kind, State: store.JobQueued,
		Params: raw, Actor: who, Key: key, CreatedAt: at, Heartbeat: at}
	if err := r.Store.CreateJob(ctx, j); err != nil {
		if key != "" && errors.Is(err, store.ErrExists) {
			return nil, fmt.Errorf("%s job: %w", kind, ErrRunning)
		}
		return nil, err
	}
	r.startLoop()
	r.Wake()
	return j, nil
}

// Wait waits until the job has ended, on this node or another (or ctx
// has ended). A job that does not exist returns at once.
func (r *Runner) Wait(ctx context.Context, id int64) error {
	r.init()
	poll := time.NewTicker(orDefault(r.Poll, DefaultPoll))
	defer poll.Stop()
	for {
		r.mu.Lock()
		ended := r.ended
		r.mu.Unlock()
		j, err := r.Store.Job(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("job %d: %w", id, err)
		}
		if !unfinished(j.State) {
			return nil
		}
		select {
		case <-ended: // a job ended here: perhaps this one
		case <-poll.C: // another node may have ended it
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Get returns the actor's job: its own account's, or a domain job of
// the domain it administers (an operator: any). Any other job is
// store.ErrNotFound.
func (r *Runner) Get(ctx context.Context, a actor.Actor, id int64) (*store.Job, error) {
	j, err := r.Store.Job(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("job %d: %w", id, err)
	}
	if !readable(a, j) {
		return nil, fmt.Errorf("job %d: %w", id, store.ErrNotFound)
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
