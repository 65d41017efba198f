package sqlite

import (
	"context"
	"database/sql"
	"time"

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
	return s.write(ctx, func(tx *sql.Tx) error {
		created := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO uploads (account_id, blob_key, filename, content_type, size, created_at, expires_at)
			VALUES (?,?,?,?,?,?,?)`, u.AccountID, u.BlobKey, u.Filename, u.ContentType, u.Size, created, u.ExpiresAt.UTC().UnixNano())
		if err != nil {
			return err
		}
		u.ID, _ = res.LastInsertId()
		u.CreatedAt, u.ExpiresAt = fromNanos(created), fromNanos(u.ExpiresAt.UTC().UnixNano())
		return addBlobRef(ctx, tx, u.BlobKey, 1)
	})
}

// Upload implements store.UploadStore.
func (s *Store) Upload(ctx context.Context, accountID, id int64) (*store.Upload, error) {
	return scanUpload(s.db.QueryRowContext(ctx, `SELECT `+uploadCols+` FROM uploads WHERE id=? AND account_id=?`, id, accountID))
}

// Uploads implements store.UploadStore.
func (s *Store) Uploads(ctx context.Context, accountID int64) ([]store.Upload, error) {
	return queryAll(ctx, s.db, scanUpload, `SELECT `+uploadCols+` FROM uploads WHERE account_id=? ORDER BY id`, accountID)
}

// TouchUploads implements store.UploadStore.
func (s *Store) TouchUploads(ctx context.Context, accountID int64, ids []int64, expires time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE uploads SET expires_at=? WHERE id=? AND account_id=?`,
				expires.UTC().UnixNano(), id, accountID); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteUpload implements store.UploadStore.
func (s *Store) DeleteUpload(ctx context.Context, accountID, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := releaseBlobs(ctx, tx, `SELECT blob_key FROM uploads WHERE id=? AND account_id=?`, id, accountID); err != nil {
			return err
		}
		return affectedOne(tx.ExecContext(ctx, `DELETE FROM uploads WHERE id=? AND account_id=?`, id, accountID))
	})
}

// DeleteExpiredUploads implements store.UploadStore.
func (s *Store) DeleteExpiredUploads(ctx context.Context, at time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		t := at.UTC().UnixNano()
		if err := releaseBlobs(ctx, tx, `SELECT blob_key FROM uploads WHERE expires_at <= ?`, t); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE expires_at <= ?`, t)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
