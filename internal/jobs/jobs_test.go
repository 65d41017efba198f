package jobs

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
	"postroom/internal/testbed"
	"postroom/internal/testbed/clock"
)

func newRunner(t *testing.T) (*Runner, *testbed.Bed, *clock.Fake) {
	b := testbed.New(t)
	c := clock.At(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	r := &Runner{Store: b.Store, Now: c.Now, Log: testbed.Quiet(), Heartbeat: time.Hour}
	t.Cleanup(r.Close)
	return r, b, c
}

func TestSubmit_progressIsStoredAndTheResultKept(t *testing.T) {
	r, b, _ := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	var mu sync.Mutex
	var seen []int64
	r.Progressed = func(j store.Job) {
		mu.Lock()
		seen = append(seen, j.Done)
		mu.Unlock()
	}
	j, err := r.Submit(b.Ctx, alice, "count", map[string]int{"n": 3}, func(ctx context.Context, p *Progress) (any, error) {
		if err := p.SetTotal(ctx, 30); err != nil {
			return nil, err
		}
		for range 3 {
			if err := p.Step(ctx, 10); err != nil {
				return nil, err
			}
		}
		return map[string]int{"counted": 30}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if j.State != store.JobQueued || j.AccountID != alice.AccountID || string(j.Params) != `{"n":3}` {
		t.Errorf("submitted: %+v", j)
	}
	if err := r.Wait(b.Ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	got, err := r.Get(b.Ctx, alice, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.JobDone || got.Done != 30 || got.Total != 30 || string(got.Result) != `{"counted":30}` || got.Error != "" {
		t.Errorf("finished: %+v", got)
	}
	if want := []int64{0, 10, 20, 30}; !slices.Equal(seen, want) {
		t.Errorf("progress seen %v, want %v", seen, want)
	}
}

func TestSubmit_errorAndPanicFailTheJob(t *testing.T) {
	r, b, _ := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	for _, fn := range []Func{
		func(context.Context, *Progress) (any, error) { return nil, errors.New("the folder is gone") },
		func(context.Context, *Progress) (any, error) { panic("bug") },
	} {
		j, err := r.Submit(b.Ctx, alice, "k", nil, fn)
		if err != nil {
			t.Fatal(err)
		}
		r.Wait(b.Ctx, j.ID)
		got, _ := r.Get(b.Ctx, alice, j.ID)
		if got.State != store.JobFailed || got.Error == "" {
			t.Errorf("failed job: %+v", got)
		}
	}
}

func TestGet_anotherAccountsJobIsNotFound(t *testing.T) {
	r, b, _ := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	bob := actor.User(b.Account("bob", nil))
	j, _ := r.Submit(b.Ctx, alice, "k", nil, func(context.Context, *Progress) (any, error) { return nil, nil })
	r.Wait(b.Ctx, j.ID)
	for _, a := range []actor.Actor{bob, actor.System(bob.AccountID, "x"), {Role: actor.RoleUser}} {
		if _, err := r.Get(b.Ctx, a, j.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%+v reads alice's job: %v", a, err)
		}
	}
	if _, err := r.Get(b.Ctx, actor.CommandLine, j.ID); err != nil {
		t.Errorf("the operator: %v", err)
	}
}

// A job whose runner went away (a restart) reads as failed once its
// heartbeat is older than the lease; Start fails such jobs too.
func TestRestart_interruptedJobsFail(t *testing.T) {
	r, b, c := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	// what a previous process left: two jobs it was running
	var left []int64
	for range 2 {
		j := &store.Job{AccountID: alice.AccountID, Kind: "k", State: store.JobRunning, CreatedAt: c.Now(), Heartbeat: c.Now()}
		if err := b.Store.CreateJob(b.Ctx, j); err != nil {
			t.Fatal(err)
		}
		left = append(left, j.ID)
	}
	if err := r.Start(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Get(b.Ctx, alice, left[0]); got.State != store.JobRunning {
		t.Fatalf("within the lease: %+v", got)
	}
	c.Add(DefaultLease + time.Second)
	got, err := r.Get(b.Ctx, alice, left[0])
	if err != nil || got.State != store.JobFailed || got.Error != Interrupted {
		t.Errorf("after the lease, read: %+v %v", got, err)
	}
	c.Add(time.Second)
	if err := r.Start(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Store.Job(b.Ctx, left[1]); got.State != store.JobFailed || got.Error != Interrupted {
		t.Errorf("after Start: %+v", got)
	}
}

// A job given up by another reader (its heartbeat looked stale) stops at
// its next step and stays failed.
func TestGivenUp_runnerStops(t *testing.T) {
	r, b, c := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	step, started := make(chan struct{}), make(chan struct{})
	j, _ := r.Submit(b.Ctx, alice, "k", nil, func(ctx context.Context, p *Progress) (any, error) {
		close(started)
		<-step
		return nil, p.Step(ctx, 1)
	})
	var once sync.Once
	release := func() { once.Do(func() { close(step) }) }
	defer release() // a failed check must not leave the job blocked
	// The clock moves only once the runner stored "running": a write after
	// the move would carry a fresh heartbeat.
	<-started
	c.Add(DefaultLease + time.Minute)
	if got, _ := r.Get(b.Ctx, alice, j.ID); got.State != store.JobFailed {
		t.Fatalf("stale job read as %+v", got)
	}
	release()
	r.Wait(b.Ctx, j.ID)
	if got, _ := b.Store.Job(b.Ctx, j.ID); got.State != store.JobFailed || got.Error != Interrupted || got.Done != 0 {
		t.Errorf("after its runner's next step: %+v", got)
	}
}

// Close stops running jobs; they end failed as interrupted.
func TestClose_runningJobsEndInterrupted(t *testing.T) {
	r, b, _ := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	started := make(chan struct{})
	j, _ := r.Submit(b.Ctx, alice, "k", nil, func(ctx context.Context, p *Progress) (any, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	<-started
	r.Close()
	if got, _ := b.Store.Job(b.Ctx, j.ID); got.State != store.JobFailed || got.Error != Interrupted {
		t.Errorf("after Close: %+v", got)
	}
	if _, err := r.Submit(b.Ctx, alice, "k", nil, nil); err == nil {
		t.Errorf("Submit after Close accepted")
	}
}

// One account holds at most MaxPerAccount unfinished jobs; another
// account is not held up, and a finished job frees its place.
func TestSubmit_perAccountBound(t *testing.T) {
	r, b, _ := newRunner(t)
	r.MaxPerAccount = 2
	alice := actor.User(b.Account("alice", nil))
	bob := actor.User(b.Account("bob", nil))
	hold := make(chan struct{})
	wait := func(ctx context.Context, p *Progress) (any, error) { <-hold; return nil, nil }
	var ids []int64
	for range 2 {
		j, err := r.Submit(b.Ctx, alice, "k", nil, wait)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	if _, err := r.Submit(b.Ctx, alice, "k", nil, wait); !errors.Is(err, ErrBusy) {
		t.Errorf("a third job of alice: %v", err)
	}
	jb, err := r.Submit(b.Ctx, bob, "k", nil, func(context.Context, *Progress) (any, error) { return nil, nil })
	if err != nil {
		t.Errorf("bob held up by alice: %v", err)
	}
	close(hold)
	for _, id := range append(ids, jb.ID) {
		r.Wait(b.Ctx, id)
	}
	if _, err := r.Submit(b.Ctx, alice, "k", nil, func(context.Context, *Progress) (any, error) { return nil, nil }); err != nil {
		t.Errorf("after alice's jobs ended: %v", err)
	}
}
