package store

import (
	"context"
	"time"
)

// JobStore keeps background jobs (internal/jobs): what runs, for whom,
// how far it got and how it ended, so that any node answers a job's
// progress and a restart knows which jobs it interrupted.
type JobStore interface {
	// CreateJob stores j (State JobQueued unless set, CreatedAt and
	// Heartbeat as given) and sets its ID.
	CreateJob(ctx context.Context, j *Job) error
	// Job finds a job by id. ErrNotFound.
	Job(ctx context.Context, id int64) (*Job, error)
	// JobProgress sets a job's state (JobQueued or JobRunning), done and
	// total and its heartbeat at. ErrConflict when the job has finished
	// meanwhile (declared interrupted, say): its runner stops.
	JobProgress(ctx context.Context, id int64, state string, done, total int64, at time.Time) error
	// FinishJob ends a job (JobDone or JobFailed) with its error text and
	// result. ErrConflict when it had finished already.
	FinishJob(ctx context.Context, j *Job) error
	// FailStaleJobs ends as JobFailed, with reason as their error, the
	// unfinished jobs whose heartbeat is before before: their runner is
	// gone (a restart, a crashed node). It returns how many.
	FailStaleJobs(ctx context.Context, before time.Time, reason string, at time.Time) (int, error)
	// DeleteFinishedJobs removes the jobs finished before before.
	DeleteFinishedJobs(ctx context.Context, before time.Time) (int, error)
}

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is one background job.
type Job struct {
	ID        int64
	AccountID int64 // whose job it is (who may see it); 0 for an operator's
	DomainID  int64
	Kind      string // what it does ("filter_apply", ...)
	State     string
	Params    []byte // the job's input, the kind's own shape
	Done      int64
	Total     int64
	Result    []byte // the kind's own shape; empty until it ends
	Error     string
	CreatedAt time.Time
	Heartbeat time.Time // the runner's last sign of life
	Finished  time.Time // zero until it ends
}
