package storetest

import (
	"time"

	"postroom/internal/store"
)

var jobTests = []test{
	{"jobs_progressAndFinish", testJobsProgress},
	{"jobs_claimOldestOfTheKindsAndTakeOverExpiredLeases", testJobsClaim},
	{"jobs_releaseQueuesAgainWithoutAnAttempt", testJobsRelease},
	{"jobs_keyHeldByOneUnfinishedJob", testJobsKey},
	{"jobs_finishedArePruned", testJobsPrune},
}

func testJobsProgress(e *env) {
	a := e.account("alice@example.com")
	j := &store.Job{AccountID: a.ID, DomainID: a.DomainID, Kind: "k", Params: []byte(`{"p":1}`), Actor: []byte(`{"Role":"user"}`), CreatedAt: baseTime}
	e.ok(e.s.CreateJob(e.ctx, j), "CreateJob")
	got, err := e.s.Job(e.ctx, j.ID)
	e.ok(err, "Job")
	if got.State != store.JobQueued || got.AccountID != a.ID || string(got.Params) != `{"p":1}` || string(got.Actor) != `{"Role":"user"}` ||
		!got.Heartbeat.Equal(baseTime) || !got.Finished.IsZero() || got.Result != nil || got.Node != "" || got.Attempts != 0 {
		e.Fatalf("created: %+v", got)
	}
	if n, err := e.s.UnfinishedJobs(e.ctx, a.ID, a.DomainID); err != nil || n != 1 {
		e.Errorf("UnfinishedJobs: %d, %v", n, err)
	}
	c, err := e.s.ClaimJob(e.ctx, "n1", []string{"k"}, baseTime, baseTime.Add(time.Minute))
	e.ok(err, "ClaimJob")
	beat := &store.Job{ID: j.ID, Node: "n1", Attempts: c.Attempts, Done: 40, Total: 300, Heartbeat: baseTime.Add(time.Second),
		LeaseUntil: baseTime.Add(2 * time.Minute)}
	e.ok(e.s.JobProgress(e.ctx, beat), "JobProgress")
	got, _ = e.s.Job(e.ctx, j.ID)
	if got.State != store.JobRunning || got.Done != 40 || got.Total != 300 || !got.Heartbeat.Equal(baseTime.Add(time.Second)) ||
		!got.LeaseUntil.Equal(baseTime.Add(2*time.Minute)) {
		e.Errorf("after progress: %+v", got)
	}
	fin := &store.Job{ID: j.ID, Node: "n1", Attempts: c.Attempts, State: store.JobDone, Done: 300, Total: 300, Result: []byte(`{"moved":7}`),
		Finished: baseTime.Add(time.Minute)}
	e.ok(e.s.FinishJob(e.ctx, fin), "FinishJob")
	got, _ = e.s.Job(e.ctx, j.ID)
	if got.State != store.JobDone || got.Done != 300 || string(got.Result) != `{"moved":7}` || !got.Finished.Equal(baseTime.Add(time.Minute)) {
		e.Errorf("finished: %+v", got)
	}
	if n, err := e.s.UnfinishedJobs(e.ctx, a.ID, a.DomainID); err != nil || n != 0 {
		e.Errorf("UnfinishedJobs after the end: %d, %v", n, err)
	}
	e.wantErr(e.s.JobProgress(e.ctx, beat), store.ErrConflict, "progress after finish")
	e.wantErr(e.s.FinishJob(e.ctx, fin), store.ErrConflict, "finish twice")
	_, err = e.s.ClaimJob(e.ctx, "n1", []string{"k"}, baseTime.Add(time.Hour), baseTime.Add(2*time.Hour))
	e.wantErr(err, store.ErrNotFound, "claim a finished job")
	e.wantErr(e.s.JobProgress(e.ctx, &store.Job{ID: j.ID + 1000, Node: "n1", Attempts: 1}), store.ErrNotFound, "progress of no job")
	_, err = e.s.Job(e.ctx, j.ID+1000)
	e.wantErr(err, store.ErrNotFound, "no job")
}

// testJobsClaim: claims take the oldest job of the claimer's kinds,
// never one under a live lease; an expired lease is taken over (one
// more attempt) and its old holder is told ErrConflict.
func testJobsClaim(e *env) {
	a := e.account("alice@example.com")
	mk := func(kind string, at time.Time) *store.Job {
		j := &store.Job{AccountID: a.ID, DomainID: a.DomainID, Kind: kind, CreatedAt: at}
		e.ok(e.s.CreateJob(e.ctx, j), "CreateJob")
		return j
	}
	newer := mk("k", baseTime.Add(time.Second))
	older := mk("k", baseTime)
	other := mk("other", baseTime.Add(-time.Hour))
	lease := baseTime.Add(time.Minute)
	first, err := e.s.ClaimJob(e.ctx, "n1", []string{"k", "x"}, baseTime, lease)
	e.ok(err, "ClaimJob")
	if first.ID != older.ID || first.State != store.JobRunning || first.Node != "n1" || first.Attempts != 1 ||
		!first.LeaseUntil.Equal(lease) || !first.Heartbeat.Equal(baseTime) {
		e.Fatalf("first claim %+v, want job %d running for n1", first, older.ID)
	}
	second, err := e.s.ClaimJob(e.ctx, "n2", []string{"k"}, baseTime, lease)
	e.ok(err, "ClaimJob")
	if second.ID != newer.ID {
		e.Errorf("second claim: job %d, want %d", second.ID, newer.ID)
	}
	_, err = e.s.ClaimJob(e.ctx, "n2", []string{"k"}, lease, lease.Add(time.Minute))
	e.wantErr(err, store.ErrNotFound, "claim while the leases last")
	// n1 goes on beating; n2 goes silent and its lease ends
	e.ok(e.s.JobProgress(e.ctx, &store.Job{ID: first.ID, Node: "n1", Attempts: 1, Heartbeat: lease, LeaseUntil: lease.Add(time.Hour)}),
		"JobProgress of n1")
	took, err := e.s.ClaimJob(e.ctx, "n3", []string{"k"}, lease.Add(time.Second), lease.Add(time.Hour))
	e.ok(err, "ClaimJob after the lease")
	if took.ID != newer.ID || took.Node != "n3" || took.Attempts != 2 {
		e.Fatalf("takeover %+v, want job %d for n3, attempt 2", took, newer.ID)
	}
	old := &store.Job{ID: newer.ID, Node: "n2", Attempts: 1, Done: 1, Heartbeat: lease.Add(2 * time.Second), LeaseUntil: lease.Add(time.Hour)}
	e.wantErr(e.s.JobProgress(e.ctx, old), store.ErrConflict, "progress of the old holder")
	e.wantErr(e.s.FinishJob(e.ctx, &store.Job{ID: newer.ID, Node: "n2", Attempts: 1, State: store.JobDone}), store.ErrConflict,
		"finish by the old holder")
	e.wantErr(e.s.ReleaseJob(e.ctx, old), store.ErrConflict, "release by the old holder")
	e.ok(e.s.FinishJob(e.ctx, &store.Job{ID: first.ID, Node: "n1", Attempts: 1, State: store.JobDone}), "FinishJob by n1")
	// the same node claiming again is another claim: its old one is fenced too
	again, err := e.s.ClaimJob(e.ctx, "n3", []string{"k"}, lease.Add(2*time.Hour), lease.Add(3*time.Hour))
	e.ok(err, "ClaimJob by the same node")
	if again.Attempts != 3 {
		e.Errorf("reclaim by n3: %+v", again)
	}
	e.wantErr(e.s.JobProgress(e.ctx, &store.Job{ID: newer.ID, Node: "n3", Attempts: 2, Heartbeat: lease.Add(2 * time.Hour),
		LeaseUntil: lease.Add(3 * time.Hour)}), store.ErrConflict, "progress of n3's first claim")
	e.ok(e.s.FinishJob(e.ctx, &store.Job{ID: newer.ID, Node: "n3", Attempts: 3, State: store.JobDone}), "FinishJob by the holder")
	if got, _ := e.s.Job(e.ctx, other.ID); got.State != store.JobQueued {
		e.Errorf("a job of a kind nobody claimed was touched: %+v", got)
	}
	_, err = e.s.ClaimJob(e.ctx, "n1", nil, lease.Add(5*time.Hour), lease.Add(6*time.Hour))
	e.wantErr(err, store.ErrNotFound, "claim of no kind")
}

// testJobsRelease: a node that stops gives its job back queued, with
// its progress, and the claim does not count.
func testJobsRelease(e *env) {
	a := e.account("alice@example.com")
	j := &store.Job{AccountID: a.ID, DomainID: a.DomainID, Kind: "k", CreatedAt: baseTime}
	e.ok(e.s.CreateJob(e.ctx, j), "CreateJob")
	c, err := e.s.ClaimJob(e.ctx, "n1", []string{"k"}, baseTime, baseTime.Add(time.Hour))
	e.ok(err, "ClaimJob")
	e.ok(e.s.ReleaseJob(e.ctx, &store.Job{ID: j.ID, Node: "n1", Attempts: c.Attempts, Done: 5, Total: 9, Heartbeat: baseTime.Add(time.Second)}),
		"ReleaseJob")
	got, _ := e.s.Job(e.ctx, j.ID)
	if got.State != store.JobQueued || got.Node != "" || got.Attempts != 0 || got.Done != 5 || got.Total != 9 || !got.LeaseUntil.IsZero() {
		e.Errorf("released: %+v", got)
	}
	c, err = e.s.ClaimJob(e.ctx, "n2", []string{"k"}, baseTime.Add(time.Second), baseTime.Add(time.Hour))
	e.ok(err, "ClaimJob after the release")
	if c.ID != j.ID || c.Attempts != 1 || c.Node != "n2" {
		e.Errorf("claimed after the release: %+v", c)
	}
}

// testJobsKey: a key is held by one unfinished job; its end frees it.
func testJobsKey(e *env) {
	a := e.account("alice@example.com")
	j := &store.Job{AccountID: a.ID, Kind: "copy", Key: "copy:7", CreatedAt: baseTime}
	e.ok(e.s.CreateJob(e.ctx, j), "CreateJob")
	if got, _ := e.s.Job(e.ctx, j.ID); got.Key != "copy:7" {
		e.Errorf("key stored as %q", got.Key)
	}
	e.wantErr(e.s.CreateJob(e.ctx, &store.Job{AccountID: a.ID, Kind: "copy", Key: "copy:7", CreatedAt: baseTime}), store.ErrExists,
		"a second job with the key")
	e.ok(e.s.CreateJob(e.ctx, &store.Job{AccountID: a.ID, Kind: "copy", Key: "copy:8", CreatedAt: baseTime}), "another key")
	e.ok(e.s.CreateJob(e.ctx, &store.Job{AccountID: a.ID, Kind: "copy", CreatedAt: baseTime}), "no key")
	e.ok(e.s.CreateJob(e.ctx, &store.Job{AccountID: a.ID, Kind: "copy", CreatedAt: baseTime}), "no key again")
	e.ok(e.s.FinishJob(e.ctx, &store.Job{ID: j.ID, State: store.JobFailed, Error: "x"}), "FinishJob")
	e.ok(e.s.CreateJob(e.ctx, &store.Job{AccountID: a.ID, Kind: "copy", Key: "copy:7", CreatedAt: baseTime}), "the key after the end")
}

func testJobsPrune(e *env) {
	a := e.account("alice@example.com")
	var ids []int64
	for i := range 3 {
		j := &store.Job{AccountID: a.ID, Kind: "k", CreatedAt: baseTime}
		e.ok(e.s.CreateJob(e.ctx, j), "CreateJob")
		ids = append(ids, j.ID)
		if i < 2 {
			e.ok(e.s.FinishJob(e.ctx, &store.Job{ID: j.ID, State: store.JobDone, Finished: baseTime.Add(time.Duration(i) * time.Hour)}), "FinishJob")
		}
	}
	n, err := e.s.DeleteFinishedJobs(e.ctx, baseTime.Add(30*time.Minute))
	e.ok(err, "DeleteFinishedJobs")
	if n != 1 {
		e.Errorf("%d pruned, want 1", n)
	}
	if _, err := e.s.Job(e.ctx, ids[0]); err == nil {
		e.Errorf("the old finished job is still there")
	}
	for _, id := range ids[1:] {
		if _, err := e.s.Job(e.ctx, id); err != nil {
			e.Errorf("job %d: %v", id, err)
		}
	}
}
