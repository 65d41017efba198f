package store

import (
	"context"
	"time"
)

// JobStore keeps background jobs (internal/jobs): what runs, for whom,
// how far it got and how it ended, so that any node answers a job's
// progress, and which node holds each running job under a lease, so
// that the nodes sharing one database run each job once and take over
// the jobs of a node that died.
//
// A job is claimed (ClaimJob) by one node at a time: the claim makes it
// JobRunning with the claimer's name in Node, a lease (LeaseUntil) and
// Attempts one higher. Node and Attempts together are the claim's
// fence: JobProgress, ReleaseJob and FinishJob change the job only while
// they are still the job's, so a runner whose job was taken over (its
// lease had expired: a node that stalled or lost the database) learns it
// from ErrConflict and stops.
type JobStore interface {
	// CreateJob stores j (State JobQueued unless set, CreatedAt and
	// Heartbeat as given) and sets its ID. ErrExists when j.Key is set
	// and an unfinished job holds the same key.
	CreateJob(ctx context.Context, j *Job) error
	// Job finds a job by id. ErrNotFound.
	Job(ctx context.Context, id int64) (*Job, error)
	// ClaimJob takes, for node, the oldest (by CreatedAt, then ID) job
	// of one of kinds that is queued, or running under a lease that
	// ended before now (its node died): it becomes JobRunning with Node
	// node, LeaseUntil leaseUntil, Heartbeat now and Attempts+1, and is
	// returned as stored. Two claimers never get the same job for one
	// lease. ErrNotFound when there is none.
	ClaimJob(ctx context.Context, node string, kinds []string, now, leaseUntil time.Time) (*Job, error)
	// JobProgress stores the progress of the claim j (ID, Node,
	// Attempts): its Done, Total, Heartbeat and LeaseUntil (the lease
	// goes on). ErrConflict when the job has finished or was claimed
	// again meanwhile: its runner stops. ErrNotFound.
	JobProgress(ctx context.Context, j *Job) error
	// ReleaseJob gives the claim j (ID, Node, Attempts) back unfinished
	// (its node stops gracefully): the job is queued again for any node,
	// keeping Done and Total, and the claim does not count in Attempts.
	// ErrConflict as JobProgress.
	ReleaseJob(ctx context.Context, j *Job) error
	// FinishJob ends a job (JobDone or JobFailed) with its error text and
	// result. With j.Node set it ends only that claim (ID, Node,
	// Attempts); without it any unfinished job. ErrConflict when it had
	// finished already or is another claim's.
	FinishJob(ctx context.Context, j *Job) error
	// UnfinishedJobs counts the queued and running jobs of an account
	// (accountID set) or of a domain (accountID 0; domainID 0 is the
	// operator's jobs).
	UnfinishedJobs(ctx context.Context, accountID, domainID int64) (int, error)
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
	// Actor is who submitted it, in internal/jobs' encoding: a resumed
	// run acts as the same person (checks, audit).
	Actor []byte
	// Key, when set, is unique among unfinished jobs: a second job
	// with the key is refused while the first is queued or running
	// (two copies into one mailbox at once, say).
	Key       string
	Done      int64
	Total     int64
	Result    []byte // the kind's own shape; empty until it ends
	Error     string
	CreatedAt time.Time
	Heartbeat time.Time // the runner's last sign of life
	Finished  time.Time // zero until it ends
	// The claim (see JobStore): the node running it, until when, and
	// how many times it was claimed.
	Node       string
	LeaseUntil time.Time
	Attempts   int
}
