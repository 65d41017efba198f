package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

const jobCols = `id, account_id, domain_id, kind, state, params, actor, lock_key, done, total, result, error, created_at, heartbeat, finished_at,
	node, lease_until, attempts`

func scanJob(r scanner) (*store.Job, error) {
	var j store.Job
	var params, actor, result string
	var created, beat, finished, lease, attempts int64
	if err := r.Scan(&j.ID, &j.AccountID, &j.DomainID, &j.Kind, &j.State, &params, &actor, &j.Key, &j.Done, &j.Total, &result, &j.Error,
		&created, &beat, &finished, &j.Node, &lease, &attempts); err != nil {
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
	j.Attempts = int(attempts)
	return &j, nil
}

// optBytes is a stored text column as bytes, nil when empty.
func optBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
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
		err := tx.QueryRow(ctx, `INSERT INTO jobs (account_id, domain_id, kind, state, params, actor, lock_key, done, total, result, error,
			created_at, heartbeat, finished_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,0) RETURNING id`,
			j.AccountID, j.DomainID, j.Kind, j.State, string(j.Params), string(j.Actor), j.Key, j.Done, j.Total,
			string(j.Result), j.Error, created, beat).Scan(&j.ID)
		if isUnique(err) {
			return store.ErrExists
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

// ClaimJob implements store.JobStore. The pick locks its row and skips
// rows other claimers hold locked (FOR UPDATE SKIP LOCKED), so claimers
// on several nodes each get another job without waiting on each other;
// the update repeats the pick's condition, which READ COMMITTED
// re-checks on the row's newest version.
func (s *Store) ClaimJob(ctx context.Context, node string, kinds []string, at, leaseUntil time.Time) (*store.Job, error) {
	var j *store.Job
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		j, err = scanJob(tx.QueryRow(ctx, `UPDATE jobs SET state=$1, node=$2, lease_until=$3, heartbeat=$4, attempts=attempts+1
			WHERE id = (SELECT id FROM jobs
				WHERE (state='`+store.JobQueued+`' OR (state='`+store.JobRunning+`' AND lease_until<$4)) AND kind = ANY($5)
				ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
			AND (state='`+store.JobQueued+`' OR (state='`+store.JobRunning+`' AND lease_until<$4))
			RETURNING `+jobCols, store.JobRunning, node, leaseUntil.UTC().UnixNano(), at.UTC().UnixNano(), kinds))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim a job: %w", err)
	}
	return j, nil
}

// claimed is the SQL condition of a job still held by one claim; its
// two parameters are numbered from n.
func claimed(n int) string {
	return fmt.Sprintf(`%s AND node=$%d AND attempts=$%d`, unfinished, n, n+1)
}

// JobProgress implements store.JobStore.
func (s *Store) JobProgress(ctx context.Context, j *store.Job) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		return s.changeUnfinished(ctx, tx, j.ID, `UPDATE jobs SET done=$1, total=$2, heartbeat=$3, lease_until=$4 WHERE id=$5 AND `+claimed(6),
			j.Done, j.Total, nanosOrNow(j.Heartbeat), j.LeaseUntil.UTC().UnixNano(), j.ID, j.Node, j.Attempts)
	})
	if err != nil {
		return fmt.Errorf("progress of job %d: %w", j.ID, err)
	}
	return nil
}

// ReleaseJob implements store.JobStore.
func (s *Store) ReleaseJob(ctx context.Context, j *store.Job) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		return s.changeUnfinished(ctx, tx, j.ID, `UPDATE jobs SET state=$1, node='', lease_until=0, attempts=attempts-1,
			done=$2, total=$3, heartbeat=$4 WHERE id=$5 AND `+claimed(6),
			store.JobQueued, j.Done, j.Total, nanosOrNow(j.Heartbeat), j.ID, j.Node, j.Attempts)
	})
	if err != nil {
		return fmt.Errorf("release job %d: %w", j.ID, err)
	}
	return nil
}

// FinishJob implements store.JobStore.
func (s *Store) FinishJob(ctx context.Context, j *store.Job) error {
	at := nanosOrNow(j.Finished)
	cond, args := unfinished, []any{j.State, j.Done, j.Total, string(j.Result), j.Error, at, at, j.ID}
	if j.Node != "" {
		cond, args = claimed(9), append(args, j.Node, j.Attempts)
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		return s.changeUnfinished(ctx, tx, j.ID, `UPDATE jobs SET state=$1, done=$2, total=$3, result=$4, error=$5, heartbeat=$6, finished_at=$7
			WHERE id=$8 AND `+cond, args...)
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
func (s *Store) changeUnfinished(ctx context.Context, tx pgx.Tx, id int64, query string, args ...any) error {
	res, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if res.RowsAffected() > 0 {
		return nil
	}
	var one int
	if err := tx.QueryRow(ctx, `SELECT 1 FROM jobs WHERE id=$1`, id).Scan(&one); err != nil {
		return notFound(err)
	}
	return store.ErrConflict
}

// UnfinishedJobs implements store.JobStore.
func (s *Store) UnfinishedJobs(ctx context.Context, accountID, domainID int64) (int, error) {
	q, arg := `SELECT count(*) FROM jobs WHERE account_id=$1 AND `+unfinished, accountID
	if accountID == 0 {
		q, arg = `SELECT count(*) FROM jobs WHERE account_id=0 AND domain_id=$1 AND `+unfinished, domainID
	}
	var n int
	if err := s.pool.QueryRow(ctx, q, arg).Scan(&n); err != nil {
		return 0, fmt.Errorf("unfinished jobs: %w", err)
	}
	return n, nil
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
