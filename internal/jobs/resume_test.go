package jobs

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// severed is a node's link to the database, which the test cuts: after
// the cut every call fails, as when the node dies or loses the network,
// and nothing it would still write reaches the store.
type severed struct {
	store.JobStore
	cut atomic.Bool
}

var errSevered = errors.New("connection lost")

func (s *severed) JobProgress(ctx context.Context, j *store.Job) error {
	if s.cut.Load() {
		return errSevered
	}
	return s.JobStore.JobProgress(ctx, j)
}

func (s *severed) ReleaseJob(ctx context.Context, j *store.Job) error {
	if s.cut.Load() {
		return errSevered
	}
	return s.JobStore.ReleaseJob(ctx, j)
}

func (s *severed) FinishJob(ctx context.Context, j *store.Job) error {
	if s.cut.Load() {
		return errSevered
	}
	return s.JobStore.FinishJob(ctx, j)
}

func (s *severed) ClaimJob(ctx context.Context, node string, kinds []string, now, until time.Time) (*store.Job, error) {
	if s.cut.Load() {
		return nil, errSevered
	}
	return s.JobStore.ClaimJob(ctx, node, kinds, now, until)
}

// A node dies in the middle of a job: nothing more of it reaches the
// store, its lease runs out, and another node's runner takes the job
// over, runs it again from its params as the same actor, and ends it
// once, as attempt 2.
func TestResume_aDeadNodesJobIsFinishedByAnotherOnce(t *testing.T) {
	a, b, c := newRunner(t)
	link := &severed{JobStore: b.Store}
	a.Store = link
	other := sibling(t, b.Store, c, "node-b")
	alice := actor.User(b.Account("alice", nil))

	started := make(chan struct{})
	a.Register("move", func(ctx context.Context, p *Progress, _ actor.Actor, _ []byte) (any, error) {
		if err := p.SetTotal(ctx, 10); err != nil {
			return nil, err
		}
		if err := p.Step(ctx, 3); err != nil {
			return nil, err
		}
		close(started)
		<-ctx.Done() // the process goes away
		return nil, ctx.Err()
	})
	var mu sync.Mutex
	var runs []string
	other.Register("move", func(ctx context.Context, p *Progress, who actor.Actor, params []byte) (any, error) {
		mu.Lock()
		runs = append(runs, who.Name+" "+string(params))
		mu.Unlock()
		if err := p.SetTotal(ctx, 10); err != nil {
			return nil, err
		}
		return "moved", p.Step(ctx, 10)
	})

	j, err := a.Submit(b.Ctx, alice, "move", map[string]int{"folder": 7})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	// the other node is up, looking for work while the job is a's
	if err := other.Start(b.Ctx); err != nil {
		t.Fatal(err)
	}
	link.cut.Store(true)
	a.Close()
	got, _ := b.Store.Job(b.Ctx, j.ID)
	if got.State != store.JobRunning || got.Node != "node-a" || got.Attempts != 1 || got.Done != 3 {
		t.Fatalf("the dead node's job: %+v", got)
	}
	// Within the lease the job stays the dead node's.
	if _, err := b.Store.ClaimJob(b.Ctx, "probe", []string{"move"}, c.Now(), c.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claimed within the lease: %v", err)
	}
	c.Add(DefaultLease + time.Second)
	other.Wake()
	if err := other.Wait(b.Ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = b.Store.Job(b.Ctx, j.ID)
	if got.State != store.JobDone || string(got.Result) != `"moved"` || got.Node != "node-b" || got.Attempts != 2 || got.Done != 10 {
		t.Errorf("taken over: %+v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != 1 || runs[0] != alice.Name+` {"folder":7}` {
		t.Errorf("runs on the other node: %q, want one as alice with the params", runs)
	}
}

// A node that only stalled (it still has the database) past its lease
// finds, at its next step, that another node took the job over: it
// stops and writes nothing, and the job keeps the other node's end.
func TestResume_aStalledRunnerStopsAtItsNextStep(t *testing.T) {
	a, b, c := newRunner(t)
	// one worker, busy with the job: this node's own loop, which may
	// claim an expired lease too, cannot take the job from itself
	a.Workers = 1
	other := sibling(t, b.Store, c, "node-b")
	alice := actor.User(b.Account("alice", nil))
	started, resume := make(chan struct{}), make(chan struct{})
	stepErr := make(chan error, 1)
	a.Register("move", func(ctx context.Context, p *Progress, _ actor.Actor, _ []byte) (any, error) {
		close(started)
		<-resume
		err := p.Step(ctx, 1)
		stepErr <- err
		return "stale", err
	})
	other.Register("move", func(ctx context.Context, p *Progress, _ actor.Actor, _ []byte) (any, error) { return "fresh", nil })
	j, err := a.Submit(b.Ctx, alice, "move", nil)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release := func() { once.Do(func() { close(resume) }) }
	defer release() // a failed check must not leave the job blocked
	<-started
	c.Add(DefaultLease + time.Second)
	other.Wake()
	if err := other.Start(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if err := other.Wait(b.Ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	release()
	if err := <-stepErr; !errors.Is(err, ErrGivenUp) {
		t.Errorf("the stalled runner's step: %v, want ErrGivenUp", err)
	}
	a.Close() // waits for its run to end
	if got, _ := b.Store.Job(b.Ctx, j.ID); got.State != store.JobDone || string(got.Result) != `"fresh"` || got.Node != "node-b" || got.Done != 0 {
		t.Errorf("after the stalled runner's step: %+v", got)
	}
}

// claimAndDie claims job id for a node that then dies, and moves the
// clock past its lease.
func claimAndDie(t *testing.T, s store.JobStore, now func() time.Time, add func(time.Duration), node string) {
	t.Helper()
	if _, err := s.ClaimJob(context.Background(), node, []string{"crash"}, now(), now().Add(DefaultLease)); err != nil {
		t.Fatal(err)
	}
	add(DefaultLease + time.Second)
}

// A job whose every run ended with its node (it may be what crashes
// them) is failed after MaxAttempts claims instead of being tried for
// ever; a kind registered NotResumable is failed at its first takeover.
func TestResume_boundedAttemptsAndNotResumableKinds(t *testing.T) {
	r, b, c := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	var calls atomic.Int32
	count := func(context.Context, *Progress, actor.Actor, []byte) (any, error) { calls.Add(1); return nil, nil }
	r.Register("crash", count)
	r.Register("once", count, NotResumable)
	who := []byte(`{"Role":"user","AccountID":1,"Name":"alice"}`)

	crash := &store.Job{AccountID: alice.AccountID, Kind: "crash", Actor: who, CreatedAt: c.Now()}
	if err := b.Store.CreateJob(b.Ctx, crash); err != nil {
		t.Fatal(err)
	}
	for _, node := range []string{"n1", "n2", "n3"} {
		claimAndDie(t, b.Store, c.Now, c.Add, node)
	}
	once := &store.Job{AccountID: alice.AccountID, Kind: "once", Actor: who, CreatedAt: c.Now()}
	if err := b.Store.CreateJob(b.Ctx, once); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.ClaimJob(b.Ctx, "n4", []string{"once"}, c.Now(), c.Now().Add(DefaultLease)); err != nil {
		t.Fatal(err)
	}
	c.Add(DefaultLease + time.Second)

	if err := r.Start(b.Ctx); err != nil {
		t.Fatal(err)
	}
	for _, j := range []*store.Job{crash, once} {
		if err := r.Wait(b.Ctx, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := b.Store.Job(b.Ctx, crash.ID); got.State != store.JobFailed || got.Error != Interrupted || got.Attempts != 4 {
		t.Errorf("the job that crashed three nodes: %+v", got)
	}
	if got, _ := b.Store.Job(b.Ctx, once.ID); got.State != store.JobFailed || got.Error != Interrupted || got.Attempts != 2 {
		t.Errorf("the not resumable job: %+v", got)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("the functions ran %d times, want none", n)
	}
}
