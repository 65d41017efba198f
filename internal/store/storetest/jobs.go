package storetest

import (
	"time"

	"postroom/internal/store"
)

var jobTests = []test{
	{"jobs_progressAndFinish", testJobsProgress},
	{"jobs_staleAreFailedOnce", testJobsStale},
	{"jobs_finishedArePruned", testJobsPrune},
}

func testJobsProgress(e *env) {
	a := e.account("alice@example.com")
	j := &store.Job{AccountID: a.ID, DomainID: a.DomainID, Kind: "k", Params: []byte(`{"p":1}`), CreatedAt: baseTime}
	e.ok(e.s.CreateJob(e.ctx, j), "CreateJob")
	got, err := e.s.Job(e.ctx, j.ID)
	e.ok(err, "Job")
	if got.State != store.JobQueued || got.AccountID != a.ID || string(got.Params) != `{"p":1}` || !got.Heartbeat.Equal(baseTime) ||
		!got.Finished.IsZero() || got.Result != nil {
		e.Fatalf("created: %+v", got)
	}
	e.ok(e.s.JobProgress(e.ctx, j.ID, store.JobRunning, 40, 300, baseTime.Add(time.Second)), "JobProgress")
	got, _ = e.s.Job(e.ctx, j.ID)
	if got.State != store.JobRunning || got.Done != 40 || got.Total != 300 || !got.Heartbeat.Equal(baseTime.Add(time.Second)) {
		e.Errorf("after progress: %+v", got)
	}
	fin := &store.Job{ID: j.ID, State: store.JobDone, Done: 300, Total: 300, Result: []byte(`{"moved":7}`), Finished: baseTime.Add(time.Minute)}
	e.ok(e.s.FinishJob(e.ctx, fin), "FinishJob")
	got, _ = e.s.Job(e.ctx, j.ID)
	if got.State != store.JobDone || got.Done != 300 || string(got.Result) != `{"moved":7}` || !got.Finished.Equal(baseTime.Add(time.Minute)) {
		e.Errorf("finished: %+v", got)
	}
	e.wantErr(e.s.JobProgress(e.ctx, j.ID, store.JobRunning, 1, 1, baseTime), store.ErrConflict, "progress after finish")
	e.wantErr(e.s.FinishJob(e.ctx, fin), store.ErrConflict, "finish twice")
	e.wantErr(e.s.JobProgress(e.ctx, j.ID+1000, store.JobRunning, 1, 1, baseTime), store.ErrNotFound, "progress of no job")
	_, err = e.s.Job(e.ctx, j.ID+1000)
	e.wantErr(err, store.ErrNotFound, "no job")
}

func testJobsStale(e *env) {
	a := e.account("alice@example.com")
	old := &store.Job{AccountID: a.ID, Kind: "k", CreatedAt: baseTime}
	fresh := &store.Job{AccountID: a.ID, Kind: "k", CreatedAt: baseTime.Add(time.Hour)}
	done := &store.Job{AccountID: a.ID, Kind: "k", CreatedAt: baseTime}
	for _, j := range []*store.Job{old, fresh, done} {
		e.ok(e.s.CreateJob(e.ctx, j), "CreateJob")
	}
	e.ok(e.s.FinishJob(e.ctx, &store.Job{ID: done.ID, State: store.JobDone, Finished: baseTime}), "FinishJob")
	n, err := e.s.FailStaleJobs(e.ctx, baseTime.Add(time.Minute), "interrupted", baseTime.Add(2*time.Hour))
	e.ok(err, "FailStaleJobs")
	if n != 1 {
		e.Errorf("%d stale jobs failed, want 1", n)
	}
	got, _ := e.s.Job(e.ctx, old.ID)
	if got.State != store.JobFailed || got.Error != "interrupted" || got.Finished.IsZero() {
		e.Errorf("stale job: %+v", got)
	}
	if got, _ := e.s.Job(e.ctx, fresh.ID); got.State != store.JobQueued {
		e.Errorf("a fresh job was touched: %+v", got)
	}
	if got, _ := e.s.Job(e.ctx, done.ID); got.State != store.JobDone || got.Error != "" {
		e.Errorf("a finished job was touched: %+v", got)
	}
	// its runner, still alive after all, learns it was given up
	e.wantErr(e.s.JobProgress(e.ctx, old.ID, store.JobRunning, 1, 2, baseTime.Add(3*time.Hour)), store.ErrConflict, "progress of a failed job")
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
