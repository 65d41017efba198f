package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

const uploadCols = `id, account_id, blob_key, filename, content_type, size, created_at, expires_at`

func scanUpload(row scanner) (*store.Upload, error) {
	var u store.Upload
	var created, expires int64
	if err := row.Scan(&u.ID, &u.AccountID, &u.BlobKey, &u.Filename, &u.ContentType, &u.Size, &created, &expires); err != nil {
		return nil, notFound(err)
	}
	u.CreatedAt, u.ExpiresAt = fromNanos(created), fromNanos(expires)
	return &u, nil
}

// CreateUpload implements store.UploadStore.
func (s *Store) CreateUpload(ctx context.Context, u *store.Upload) error {
	if u.BlobKey == "" || u.AccountID == 0 {
		return store.ErrInvalid
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		created := now()
		if err := tx.QueryRow(ctx, `INSERT INTO uploads (account_id, blob_key, filename, content_type, size, created_at, expires_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, u.AccountID, u.BlobKey, u.Filename, u.ContentType, u.Size, created,
			u.ExpiresAt.UTC().UnixNano()).Scan(&u.ID); err != nil {
			return err
		}
		u.CreatedAt, u.ExpiresAt = fromNanos(created), fromNanos(u.ExpiresAt.UTC().UnixNano())
		return addBlobRef(ctx, tx, u.BlobKey, 1)
	})
}

// Upload implements store.UploadStore.
func (s *Store) Upload(ctx context.Context, accountID, id int64) (*store.Upload, error) {
	return scanUpload(s.pool.QueryRow(ctx, `SELECT `+uploadCols+` FROM uploads WHERE id=$1 AND account_id=$2`, id, accountID))
}

// Uploads implements store.UploadStore.
func (s *Store) Uploads(ctx context.Context, accountID int64) ([]store.Upload, error) {
	return queryAll(ctx, s.pool, scanUpload, `SELECT `+uploadCols+` FROM uploads WHERE account_id=$1 ORDER BY id`, accountID)
}

// TouchUploads implements store.UploadStore.
func (s *Store) TouchUploads(ctx context.Context, accountID int64, ids []int64, expires time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		for _, id := range ids {
			if _, err := tx.Exec(ctx, `UPDATE uploads SET expires_at=$1 WHERE id=$2 AND account_id=$3`,
				expires.UTC().UnixNano(), id, accountID); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteUpload implements store.UploadStore.
func (s *Store) DeleteUpload(ctx context.Context, accountID, id int64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		n, err := releaseBlobs(ctx, tx, `DELETE FROM uploads WHERE id=$1 AND account_id=$2 RETURNING blob_key`, id, accountID)
		if err == nil && n == 0 {
			return store.ErrNotFound
		}
		return err
	})
}

// DeleteExpiredUploads implements store.UploadStore.
func (s *Store) DeleteExpiredUploads(ctx context.Context, at time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		t := at.UTC().UnixNano()
		// deleted and released in one statement: two nodes sweeping at
		// once release each upload's reference once
		var err error
		n, err = releaseBlobs(ctx, tx, `DELETE FROM uploads WHERE expires_at <= $1 RETURNING blob_key`, t)
		return err
	})
	return int(n), err
}
