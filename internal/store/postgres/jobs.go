package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

const jobCols = `id, account_id, domain_id, kind, state, params, done, total, result, error, created_at, heartbeat, finished_at`

func scanJob(r scanner) (*store.Job, error) {
	var j store.Job
	var params, result string
	var created, beat, finished int64
	if err := r.Scan(&j.ID, &j.AccountID, &j.DomainID, &j.Kind, &j.State, &params, &j.Done, &j.Total, &result, &j.Error,
		&created, &beat, &finished); err != nil {
		return nil, notFound(err)
	}
	j.Params, j.Result = []byte(params), []byte(result)
	if params == "" {
		j.Params = nil
	}
	if result == "" {
		j.Result = nil
	}
	j.CreatedAt, j.Heartbeat = fromNanos(created), fromNanos(beat)
	if finished != 0 {
		j.Finished = fromNanos(finished)
	}
	return &j, nil
}

func nanosOrNow(t time.Time) int64 {
	if t.IsZero() {
		return now()
	}
	return t.UTC().UnixNano()
}

// CreateJob implements store.JobStore.
func (s *Store) CreateJob(ctx context.Context, j *store.Job) error {
	if j.State == "" {
		j.State = store.JobQueued
	}
	created := nanosOrNow(j.CreatedAt)
	beat := created
	if !j.Heartbeat.IsZero() {
		beat = nanosOrNow(j.Heartbeat)
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO jobs (account_id, domain_id, kind, state, params, done, total, result, error, created_at, heartbeat, finished_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,0) RETURNING id`, j.AccountID, j.DomainID, j.Kind, j.State, string(j.Params), j.Done, j.Total,
			string(j.Result), j.Error, created, beat).Scan(&j.ID)
		if err != nil {
			return err
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create %s job: %w", j.Kind, err)
	}
	j.CreatedAt, j.Heartbeat = fromNanos(created), fromNanos(beat)
	return nil
}

// Job implements store.JobStore.
func (s *Store) Job(ctx context.Context, id int64) (*store.Job, error) {
	return scanJob(s.pool.QueryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE id=$1`, id))
}

// unfinished is the SQL condition of a job still queued or running.
const unfinished = `state IN ('` + store.JobQueued + `','` + store.JobRunning + `')`

// JobProgress implements store.JobStore.
func (s *Store) JobProgress(ctx context.Context, id int64, state string, done, total int64, at time.Time) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		return s.changeUnfinished(ctx, tx, id, `UPDATE jobs SET state=$1, done=$2, total=$3, heartbeat=$4 WHERE id=$5 AND `+unfinished,
			state, done, total, nanosOrNow(at), id)
	})
	if err != nil {
		return fmt.Errorf("progress of job %d: %w", id, err)
	}
	return nil
}

// FinishJob implements store.JobStore.
func (s *Store) FinishJob(ctx context.Context, j *store.Job) error {
	at := nanosOrNow(j.Finished)
	err := s.write(ctx, func(tx pgx.Tx) error {
		return s.changeUnfinished(ctx, tx, j.ID, `UPDATE jobs SET state=$1, done=$2, total=$3, result=$4, error=$5, heartbeat=$6, finished_at=$7
			WHERE id=$8 AND `+unfinished, j.State, j.Done, j.Total, string(j.Result), j.Error, at, at, j.ID)
	})
	if err != nil {
		return fmt.Errorf("finish job %d: %w", j.ID, err)
	}
	j.Finished = fromNanos(at)
	return nil
}

// changeUnfinished runs an update of an unfinished job: no row changed is
// ErrConflict when the job exists (it has finished), else ErrNotFound.
func (s *Store) changeUnfinished(ctx context.Context, tx pgx.Tx, id int64, query string, args ...any) error {
	res, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n := res.RowsAffected(); n > 0 {
		return err
	}
	var one int
	if err := tx.QueryRow(ctx, `SELECT 1 FROM jobs WHERE id=$1`, id).Scan(&one); err != nil {
		return notFound(err)
	}
	return store.ErrConflict
}

// FailStaleJobs implements store.JobStore.
func (s *Store) FailStaleJobs(ctx context.Context, before time.Time, reason string, at time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE jobs SET state=$1, error=$2, finished_at=$3 WHERE `+unfinished+` AND heartbeat<$4`,
			store.JobFailed, reason, nanosOrNow(at), before.UTC().UnixNano())
		if err != nil {
			return err
		}
		n = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("fail stale jobs: %w", err)
	}
	return int(n), nil
}

// DeleteFinishedJobs implements store.JobStore.
func (s *Store) DeleteFinishedJobs(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM jobs WHERE finished_at<>0 AND finished_at<$1`, before.UTC().UnixNano())
		if err != nil {
			return err
		}
		n = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete finished jobs: %w", err)
	}
	return int(n), nil
}
