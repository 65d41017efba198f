package s3

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"postroom/internal/blob"
)

// GC removes blobs that no row references and that are older than grace,
// then what crashed writers left behind: tmp/ objects and unfinished
// multipart uploads older than grace, tombstones older than grace.
//
// S3 has no rename, so a blob cannot be moved aside as blob.FS's GC does;
// a tombstone takes its place. For each blob the listing found old and
// the store unreferenced, GC:
//
//  1. takes gc/<key> with a conditional PUT (If-None-Match: *), so one
//     collector at a time decides on a key (another node's GC, or a
//     concurrent run, skips it); a tombstone older than grace, whose
//     collector died, is taken over with a PUT conditional on its ETag;
//  2. looks again, now that the tombstone is visible to every Put: the
//     blob's Last-Modified (a Put since the listing has refreshed it: it
//     stays) and the store's reference (a commit since the first look: it
//     stays);
//  3. deletes the blob, only if less than half a lease has passed since
//     step 1 began, and with the rest of that half as the request's
//     deadline;
//  4. removes the tombstone, unless three quarters of the lease are gone
//     (a Put may then have removed it as abandoned, and the name may be
//     another collector's: it is left to age out).
//
// Why a concurrent Put of the same content cannot be lost: a Put writes
// first, then waits for the tombstone to go, then checks that the blob is
// there (put.go, settle). A collector whose step 2 came after the Put's
// write sees a young blob and keeps it. One whose step 2 came before holds
// the tombstone from before the write until after its delete, so the Put
// waits it out, then finds the blob gone and writes it again. A commit
// that takes a reference before step 2 is seen there; one after step 2
// belongs to a Put that wrote after it, hence one that waits (the caller
// commits only after Put returns).
//
// What it assumes: Last-Modified comes from the server's clock and the
// grace period from this node's, so the clocks must agree to well within
// the grace period (an hour by default; NTP keeps them within a second);
// and a request the client gave up on at its deadline is not carried out
// by the server half a minute later.
func (s *Store) GC(ctx context.Context, refs blob.Referencer, grace time.Duration) (blob.GCResult, error) {
	var res blob.GCResult
	cutoff := time.Now().Add(-grace)
	type candidate struct {
		key  string
		size int64
	}
	var old []candidate
	err := s.walk(ctx, func(key string, o minio.ObjectInfo) error {
		res.Scanned++
		if o.LastModified.Before(cutoff) {
			old = append(old, candidate{key, o.Size})
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("blob s3 gc: %w", err)
	}
	for _, c := range old {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		used, err := refs.BlobReferenced(ctx, c.key)
		if err != nil {
			return res, fmt.Errorf("blob s3 gc %s: %w", c.key, err)
		}
		if used {
			continue
		}
		removed, err := s.collect(ctx, refs, c.key, grace)
		if err != nil {
			return res, fmt.Errorf("blob s3 gc %s: %w", c.key, err)
		}
		if removed {
			res.Removed++
			res.Bytes += c.size
		}
	}
	if err := s.sweep(ctx, time.Now().Add(-grace)); err != nil {
		return res, fmt.Errorf("blob s3 gc: %w", err)
	}
	return res, nil
}

// collect is steps 1 to 4 of GC's comment for one key.
func (s *Store) collect(ctx context.Context, refs blob.Referencer, key string, grace time.Duration) (bool, error) {
	start := time.Now()
	tomb := gcPrefix + key
	// a random body: a waiting Put tells one tombstone from the next by its ETag
	taken, err := s.create(ctx, tomb, randomName())
	if err == nil && !taken {
		taken, err = s.takeStale(ctx, tomb, time.Now().Add(-grace))
	}
	if err != nil || !taken {
		return false, err
	}
	defer func() {
		untilKeep := s.lease*3/4 - time.Since(start)
		if untilKeep <= 0 {
			s.log.Warn("blob s3 gc: tombstone left to age out", "key", key, "held", time.Since(start))
			return
		}
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), untilKeep)
		defer cancel()
		if err := s.c.RemoveObject(dctx, s.bucket, tomb, minio.RemoveObjectOptions{}); err != nil {
			s.log.Warn("blob s3 gc: tombstone not removed", "key", key, "err", err)
		}
	}()

	o, err := s.c.StatObject(ctx, s.bucket, blobName(key), minio.StatObjectOptions{})
	if notFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !o.LastModified.Before(time.Now().Add(-grace)) {
		return false, nil // a Put refreshed it
	}
	used, err := refs.BlobReferenced(ctx, key)
	if err != nil || used {
		return false, err
	}
	untilLate := s.lease/2 - time.Since(start)
	if untilLate <= 0 {
		return false, nil // a Put may be about to remove the tombstone as abandoned
	}
	dctx, cancel := context.WithTimeout(ctx, untilLate)
	defer cancel()
	if err := s.c.RemoveObject(dctx, s.bucket, blobName(key), minio.RemoveObjectOptions{}); err != nil {
		return false, err
	}
	return true, nil
}

// takeStale takes over a tombstone older than cutoff (its collector died
// long ago): a PUT only if it still has the ETag seen, so that two
// collectors cannot both take it.
func (s *Store) takeStale(ctx context.Context, tomb string, cutoff time.Time) (bool, error) {
	o, err := s.c.StatObject(ctx, s.bucket, tomb, minio.StatObjectOptions{})
	if notFound(err) {
		return false, nil // gone meanwhile: this run leaves the key alone
	}
	if err != nil || !o.LastModified.Before(cutoff) {
		return false, err
	}
	return s.swap(ctx, tomb, o.ETag, randomName())
}

// sweep removes what crashed writers and collectors left, older than
// cutoff: temporary objects, unfinished multipart uploads, tombstones.
// Nothing refers to any of them: a Put removes its own tmp/ object, and
// a tombstone's collector is done within a lease.
func (s *Store) sweep(ctx context.Context, cutoff time.Time) error {
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: tmpPrefix, Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("list %s: %w", tmpPrefix, o.Err)
		}
		if o.LastModified.Before(cutoff) {
			if err := s.c.RemoveObject(ctx, s.bucket, o.Key, minio.RemoveObjectOptions{}); err != nil {
				return fmt.Errorf("remove %s: %w", o.Key, err)
			}
		}
	}
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: gcPrefix, Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("list %s: %w", gcPrefix, o.Err)
		}
		if !o.LastModified.Before(cutoff) {
			continue
		}
		// taken over first, removed as its owner: never another's
		taken, err := s.swap(ctx, o.Key, o.ETag, randomName())
		if err != nil {
			return fmt.Errorf("take %s: %w", o.Key, err)
		}
		if taken {
			if err := s.c.RemoveObject(ctx, s.bucket, o.Key, minio.RemoveObjectOptions{}); err != nil {
				return fmt.Errorf("remove %s: %w", o.Key, err)
			}
		}
	}
	for u := range s.c.ListIncompleteUploads(ctx, s.bucket, tmpPrefix, true) {
		if u.Err != nil {
			return fmt.Errorf("list uploads: %w", u.Err)
		}
		if strings.HasPrefix(u.Key, tmpPrefix) && u.Initiated.Before(cutoff) {
			if err := s.c.RemoveIncompleteUpload(ctx, s.bucket, u.Key); err != nil {
				return fmt.Errorf("abort upload %s: %w", u.Key, err)
			}
		}
	}
	return nil
}
