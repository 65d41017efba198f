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

// newRunner is a runner on a fresh store whose clock moves only when
// the test moves it; it beats and polls so rarely that only the test's
// steps and wakes drive it.
func newRunner(t *testing.T) (*Runner, *testbed.Bed, *clock.Fake) {
	b := testbed.New(t)
	c := clock.At(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	return sibling(t, b.Store, c, "node-a"), b, c
}

// sibling is another node's runner on the same store and clock.
func sibling(t *testing.T, s store.JobStore, c *clock.Fake, node string) *Runner {
	r := &Runner{Store: s, Now: c.Now, Log: testbed.Quiet(), Node: node, Heartbeat: time.Hour, Poll: time.Hour}
	t.Cleanup(r.Close)
	return r
}

// noop is a kind's function that does nothing.
func noop(context.Context, *Progress, actor.Actor, []byte) (any, error) { return nil, nil }

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
	var ran actor.Actor
	var params string
	r.Register("count", func(ctx context.Context, p *Progress, a actor.Actor, raw []byte) (any, error) {
		ran, params = a, string(raw)
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
	j, err := r.Submit(b.Ctx, alice, "count", map[string]int{"n": 3})
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
	if got.State != store.JobDone || got.Done != 30 || got.Total != 30 || string(got.Result) != `{"counted":30}` || got.Error != "" ||
		got.Node != "node-a" || got.Attempts != 1 {
		t.Errorf("finished: %+v", got)
	}
	if want := []int64{0, 10, 20, 30}; !slices.Equal(seen, want) {
		t.Errorf("progress seen %v, want %v", seen, want)
	}
	if ran != alice || params != `{"n":3}` {
		t.Errorf("the job ran as %+v with %s, want alice with its params", ran, params)
	}
}

func TestSubmit_errorAndPanicFailTheJob(t *testing.T) {
	r, b, _ := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	r.Register("err", func(context.Context, *Progress, actor.Actor, []byte) (any, error) {
		return nil, errors.New("the folder is gone")
	})
	r.Register("panic", func(context.Context, *Progress, actor.Actor, []byte) (any, error) { panic("bug") })
	for _, kind := range []string{"err", "panic"} {
		j, err := r.Submit(b.Ctx, alice, kind, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Wait(b.Ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := r.Get(b.Ctx, alice, j.ID)
		if got.State != store.JobFailed || got.Error == "" {
			t.Errorf("failed job: %+v", got)
		}
	}
}

func TestSubmit_unregisteredKindIsRefused(t *testing.T) {
	r, b, _ := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	if j, err := r.Submit(b.Ctx, alice, "nobody-runs-this", nil); err == nil {
		t.Errorf("submitted %+v", j)
	}
}

func TestGet_anotherAccountsJobIsNotFound(t *testing.T) {
	r, b, _ := newRunner(t)
	r.Register("k", noop)
	alice := actor.User(b.Account("alice", nil))
	bob := actor.User(b.Account("bob", nil))
	j, _ := r.Submit(b.Ctx, alice, "k", nil)
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

// Close stops running jobs and gives them back queued, not failed: the
// next runner (another node, or this one restarted) runs them again,
// and the interrupted claim does not count as an attempt.
func TestClose_runningJobsAreGivenBack(t *testing.T) {
	r, b, c := newRunner(t)
	alice := actor.User(b.Account("alice", nil))
	started := make(chan struct{})
	r.Register("k", func(ctx context.Context, p *Progress, _ actor.Actor, _ []byte) (any, error) {
		if err := p.SetTotal(ctx, 4); err != nil {
			return nil, err
		}
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	j, err := r.Submit(b.Ctx, alice, "k", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-started
	r.Close()
	if got, _ := b.Store.Job(b.Ctx, j.ID); got.State != store.JobQueued || got.Attempts != 0 || got.Node != "" || got.Total != 4 {
		t.Errorf("after Close: %+v", got)
	}
	if _, err := r.Submit(b.Ctx, alice, "k", nil); err == nil {
		t.Errorf("Submit after Close accepted")
	}
	next := sibling(t, b.Store, c, "node-b")
	next.Register("k", func(ctx context.Context, p *Progress, _ actor.Actor, _ []byte) (any, error) { return "again", nil })
	if err := next.Start(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if err := next.Wait(b.Ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Store.Job(b.Ctx, j.ID); got.State != store.JobDone || string(got.Result) != `"again"` || got.Attempts != 1 || got.Node != "node-b" {
		t.Errorf("run by the next runner: %+v", got)
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
	r.Register("wait", func(context.Context, *Progress, actor.Actor, []byte) (any, error) { <-hold; return nil, nil })
	r.Register("k", noop)
	var ids []int64
	for range 2 {
		j, err := r.Submit(b.Ctx, alice, "wait", nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	if _, err := r.Submit(b.Ctx, alice, "wait", nil); !errors.Is(err, ErrBusy) {
		t.Errorf("a third job of alice: %v", err)
	}
	jb, err := r.Submit(b.Ctx, bob, "k", nil)
	if err != nil {
		t.Errorf("bob held up by alice: %v", err)
	}
	close(hold)
	for _, id := range append(ids, jb.ID) {
		r.Wait(b.Ctx, id)
	}
	if _, err := r.Submit(b.Ctx, alice, "k", nil); err != nil {
		t.Errorf("after alice's jobs ended: %v", err)
	}
}

// A keyed job refuses a second one with its key, on any node, until it
// ended.
func TestSubmitKeyed_oneUnfinishedJobPerKey(t *testing.T) {
	r, b, c := newRunner(t)
	other := sibling(t, b.Store, c, "node-b")
	alice := actor.User(b.Account("alice", nil))
	hold := make(chan struct{})
	r.Register("copy", func(context.Context, *Progress, actor.Actor, []byte) (any, error) { <-hold; return nil, nil })
	other.Register("copy", noop)
	j, err := r.SubmitKeyed(b.Ctx, alice, "copy", "into:7", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.SubmitKeyed(b.Ctx, alice, "copy", "into:7", nil); !errors.Is(err, ErrRunning) {
		t.Errorf("a second job with the key on another node: %v", err)
	}
	if _, err := r.SubmitKeyed(b.Ctx, alice, "copy", "into:8", nil); err != nil {
		t.Errorf("another key: %v", err)
	}
	close(hold)
	r.Wait(b.Ctx, j.ID)
	if _, err := other.SubmitKeyed(b.Ctx, alice, "copy", "into:7", nil); err != nil {
		t.Errorf("the key after the job ended: %v", err)
	}
}
