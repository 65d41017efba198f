package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"postroom/internal/store"
)

const jobCols = `id, account_id, domain_id, kind, state, params, actor, lock_key, done, total, result, error, created_at, heartbeat, finished_at,
	node, lease_until, attempts`

func scanJob(r scanner) (*store.Job, error) {
	var j store.Job
	var params, actor, result string
	var created, beat, finished, lease int64
	if err := r.Scan(&j.ID, &j.AccountID, &j.DomainID, &j.Kind, &j.State, &params, &actor, &j.Key, &j.Done, &j.Total, &result, &j.Error,
		&created, &beat, &finished, &j.Node, &lease, &j.Attempts); err != nil {
		return nil, notFound(err)
	}
	j.Params, j.Actor, j.Result = optBytes(params), optBytes(actor), optBytes(result)
	j.CreatedAt, j.Heartbeat = fromNanos(created), fromNanos(beat)
	if finished != 0 {
		j.Finished = fromNanos(finished)
	}
	if lease != 0 {
		j.LeaseUntil = fromNanos(lease)
	}
	return &j, nil
}

// optBytes is a stored text column as bytes, nil when empty.
func optBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

func nanos(t time.Time) int64 {
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
	created := nanos(j.CreatedAt)
	beat := created
	if !j.Heartbeat.IsZero() {
		beat = nanos(j.Heartbeat)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO jobs (account_id, domain_id, kind, state, params, actor, lock_key, done, total, result, error,
			created_at, heartbeat, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0)`, j.AccountID, j.DomainID, j.Kind, j.State,
			string(j.Params), string(j.Actor), j.Key, j.Done, j.Total, string(j.Result), j.Error, created, beat)
		if isUnique(err) {
			return store.ErrExists
		}
		if err != nil {
			return err
		}
		j.ID, err = res.LastInsertId()
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
	return scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id=?`, id))
}

// unfinished is the SQL condition of a job still queued or running.
const unfinished = `state IN ('` + store.JobQueued + `','` + store.JobRunning + `')`

// ClaimJob implements store.JobStore. SQLite has one writer at a time:
// the pick and the update in one write transaction are atomic.
func (s *Store) ClaimJob(ctx context.Context, node string, kinds []string, at, leaseUntil time.Time) (*store.Job, error) {
	if len(kinds) == 0 {
		return nil, fmt.Errorf("claim a job: %w", store.ErrNotFound)
	}
	var j *store.Job
	err := s.write(ctx, func(tx *sql.Tx) error {
		args := []any{at.UTC().UnixNano()}
		for _, k := range kinds {
			args = append(args, k)
		}
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM jobs
			WHERE (state='`+store.JobQueued+`' OR (state='`+store.JobRunning+`' AND lease_until<?))
			AND kind IN (?`+strings.Repeat(",?", len(kinds)-1)+`) ORDER BY created_at, id LIMIT 1`, args...).Scan(&id)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state=?, node=?, lease_until=?, heartbeat=?, attempts=attempts+1 WHERE id=?`,
			store.JobRunning, node, leaseUntil.UTC().UnixNano(), at.UTC().UnixNano(), id); err != nil {
			return err
		}
		j, err = scanJob(tx.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id=?`, id))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim a job: %w", err)
	}
	return j, nil
}

// claimed is the SQL condition of a job still held by one claim.
const claimed = unfinished + ` AND node=? AND attempts=?`

// JobProgress implements store.JobStore.
func (s *Store) JobProgress(ctx context.Context, j *store.Job) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.changeUnfinished(ctx, tx, j.ID, `UPDATE jobs SET done=?, total=?, heartbeat=?, lease_until=? WHERE id=? AND `+claimed,
			j.Done, j.Total, nanos(j.Heartbeat), j.LeaseUntil.UTC().UnixNano(), j.ID, j.Node, j.Attempts)
	})
	if err != nil {
		return fmt.Errorf("progress of job %d: %w", j.ID, err)
	}
	return nil
}

// ReleaseJob implements store.JobStore.
func (s *Store) ReleaseJob(ctx context.Context, j *store.Job) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.changeUnfinished(ctx, tx, j.ID, `UPDATE jobs SET state=?, node='', lease_until=0, attempts=attempts-1,
			done=?, total=?, heartbeat=? WHERE id=? AND `+claimed,
			store.JobQueued, j.Done, j.Total, nanos(j.Heartbeat), j.ID, j.Node, j.Attempts)
	})
	if err != nil {
		return fmt.Errorf("release job %d: %w", j.ID, err)
	}
	return nil
}

// FinishJob implements store.JobStore.
func (s *Store) FinishJob(ctx context.Context, j *store.Job) error {
	at := nanos(j.Finished)
	cond, args := unfinished, []any{j.State, j.Done, j.Total, string(j.Result), j.Error, at, at, j.ID}
	if j.Node != "" {
		cond, args = claimed, append(args, j.Node, j.Attempts)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.changeUnfinished(ctx, tx, j.ID, `UPDATE jobs SET state=?, done=?, total=?, result=?, error=?, heartbeat=?, finished_at=?
			WHERE id=? AND `+cond, args...)
	})
	if err != nil {
		return fmt.Errorf("finish job %d: %w", j.ID, err)
	}
	j.Finished = fromNanos(at)
	return nil
}

// changeUnfinished runs an update of an unfinished job: no row changed is
// ErrConflict when the job exists (it has finished, or is another
// claim's), else ErrNotFound.
func (s *Store) changeUnfinished(ctx context.Context, tx *sql.Tx, id int64, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM jobs WHERE id=?`, id).Scan(&one); err != nil {
		return notFound(err)
	}
	return store.ErrConflict
}

// UnfinishedJobs implements store.JobStore.
func (s *Store) UnfinishedJobs(ctx context.Context, accountID, domainID int64) (int, error) {
	q, arg := `SELECT count(*) FROM jobs WHERE account_id=? AND `+unfinished, accountID
	if accountID == 0 {
		q, arg = `SELECT count(*) FROM jobs WHERE account_id=0 AND domain_id=? AND `+unfinished, domainID
	}
	var n int
	if err := s.db.QueryRowContext(ctx, q, arg).Scan(&n); err != nil {
		return 0, fmt.Errorf("unfinished jobs: %w", err)
	}
	return n, nil
}

// DeleteFinishedJobs implements store.JobStore.
func (s *Store) DeleteFinishedJobs(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE finished_at<>0 AND finished_at<?`, before.UTC().UnixNano())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete finished jobs: %w", err)
	}
	return int(n), nil
}
