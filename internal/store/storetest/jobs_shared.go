package storetest

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"postroom/internal/store"
)

// testSharedJobClaims: claimers on two handles (two nodes) drain the
// jobs, each claimed exactly once; then a job whose holder went silent
// is taken over through the other handle with one more attempt, and the
// old holder's progress is refused.
func testSharedJobClaims(a, b *env) {
	acct := a.account("alice@example.com")
	const n, perHandle = 20, 4
	want := map[int64]bool{}
	for i := range n {
		j := &store.Job{AccountID: acct.ID, DomainID: acct.DomainID, Kind: "k", CreatedAt: baseTime.Add(time.Duration(i) * time.Second)}
		a.ok(a.s.CreateJob(a.ctx, j), "CreateJob")
		want[j.ID] = true
	}
	lease := baseTime.Add(time.Hour)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		owner = map[int64]string{}
		bad   []error
	)
	for hi, h := range []*env{a, b} {
		for w := range perHandle {
			node := fmt.Sprintf("node%d-%d", hi, w)
			wg.Go(func() {
				for {
					j, err := h.s.ClaimJob(h.ctx, node, []string{"k"}, baseTime.Add(time.Minute), lease)
					mu.Lock()
					switch {
					case errors.Is(err, store.ErrNotFound):
						mu.Unlock()
						return
					case err != nil:
						bad = append(bad, fmt.Errorf("%s: %w", node, err))
						mu.Unlock()
						return
					}
					if prev, twice := owner[j.ID]; twice {
						bad = append(bad, fmt.Errorf("job %d claimed by %s and %s", j.ID, prev, node))
					}
					owner[j.ID] = node
					if j.Node != node || j.Attempts != 1 || j.State != store.JobRunning {
						bad = append(bad, fmt.Errorf("%s claimed %+v", node, j))
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	for _, err := range bad {
		a.Error(err)
	}
	if len(owner) != n {
		a.Errorf("%d of %d jobs claimed", len(owner), n)
	}
	for id := range owner {
		if !want[id] {
			a.Errorf("job %d claimed, not one of the test's", id)
		}
	}

	// A job held by B's node, whose lease ends: A takes it over.
	j := &store.Job{AccountID: acct.ID, DomainID: acct.DomainID, Kind: "late", CreatedAt: baseTime}
	a.ok(a.s.CreateJob(a.ctx, j), "CreateJob")
	held, err := b.s.ClaimJob(b.ctx, "B", []string{"late"}, baseTime, lease)
	b.ok(err, "ClaimJob through B")
	beat := &store.Job{ID: j.ID, Node: "B", Attempts: held.Attempts, Done: 1, Total: 2, Heartbeat: baseTime.Add(time.Minute), LeaseUntil: lease}
	b.ok(b.s.JobProgress(b.ctx, beat), "JobProgress through B")
	_, err = a.s.ClaimJob(a.ctx, "A", []string{"late"}, lease.Add(-time.Second), lease.Add(time.Hour))
	a.wantErr(err, store.ErrNotFound, "claim through A within B's lease")
	took, err := a.s.ClaimJob(a.ctx, "A", []string{"late"}, lease.Add(time.Second), lease.Add(time.Hour))
	a.ok(err, "ClaimJob through A after B's lease")
	if took.ID != j.ID || took.Attempts != held.Attempts+1 || took.Node != "A" || took.Done != 1 {
		a.Fatalf("taken over: %+v", took)
	}
	beat.Done, beat.Heartbeat, beat.LeaseUntil = 2, lease.Add(2*time.Second), lease.Add(time.Hour)
	b.wantErr(b.s.JobProgress(b.ctx, beat), store.ErrConflict, "progress of B's lost claim")
	b.wantErr(b.s.FinishJob(b.ctx, &store.Job{ID: j.ID, Node: "B", Attempts: held.Attempts, State: store.JobDone}), store.ErrConflict,
		"finish of B's lost claim")
	a.ok(a.s.FinishJob(a.ctx, &store.Job{ID: j.ID, Node: "A", Attempts: took.Attempts, State: store.JobDone, Done: 2, Total: 2}), "FinishJob through A")
	if got, err := b.s.Job(b.ctx, j.ID); err != nil || got.State != store.JobDone || got.Node != "A" || got.Attempts != 2 {
		b.Errorf("through B after A's end: %+v, %v", got, err)
	}
}
