package storecopy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"postroom/internal/blob"
)

// A message file is checked against its key (its SHA-256) before it is
// sent, so that a file changed on disk is reported by its key and never
// stored in the bucket under another; Put's answer is checked again, and
// at the end every referenced key is read back from the bucket.

// forEachKey runs fn on every key with workers goroutines (object stores
// answer one request at a time slowly; many at once fast), stopping at
// the first error.
func forEachKey(ctx context.Context, keys []string, workers int, fn func(ctx context.Context, key string) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for key := range work {
				if err := fn(ctx, key); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, k := range keys {
		select {
		case work <- k:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return context.Cause(ctx) // nil unless a key failed or ctx ended
}

// fileCopy is the outcome of copying the message files.
type fileCopy struct {
	copied, present atomic.Int64
	bytes           atomic.Int64
}

// copyBlobs puts every key's file into dst, skipping those dst has
// (a second run resumes where the first stopped).
func copyBlobs(ctx context.Context, src, dst blob.Backend, keys []string, workers int, progress func(done, total int)) (*fileCopy, error) {
	var fc fileCopy
	var done atomic.Int64
	tick := func() {
		n := done.Add(1)
		if progress != nil {
			progress(int(n), len(keys))
		}
	}
	err := forEachKey(ctx, keys, workers, func(ctx context.Context, key string) error {
		defer tick()
		if dst.Exists(key) {
			fc.present.Add(1)
			return nil
		}
		n, err := copyBlob(ctx, src, dst, key)
		if err != nil {
			return err
		}
		fc.copied.Add(1)
		fc.bytes.Add(n)
		return nil
	})
	return &fc, err
}

func copyBlob(ctx context.Context, src, dst blob.Backend, key string) (int64, error) {
	f, err := src.Open(key)
	if errors.Is(err, blob.ErrNotFound) {
		return 0, fmt.Errorf("message file %s: referenced by the source database but missing from its data directory", key)
	}
	if err != nil {
		return 0, fmt.Errorf("message file %s: %w", key, err)
	}
	defer f.Close()
	sum, _, err := hashOf(f)
	if err != nil {
		return 0, fmt.Errorf("message file %s: read: %w", key, err)
	}
	if sum != key {
		return 0, fmt.Errorf("message file %s: its content has changed (SHA-256 %s); restore it from a backup, then run again", key, sum)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("message file %s: %w", key, err)
	}
	got, n, err := dst.Put(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("message file %s: %w", key, err)
	}
	if got != key {
		return 0, fmt.Errorf("message file %s: stored as %s: changed while being copied", key, got)
	}
	return n, nil
}

func hashOf(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// verifyBlobs reads every key back from dst and checks its hash, and
// returns the bytes read.
func verifyBlobs(ctx context.Context, dst blob.Backend, keys []string, workers int, progress func(done, total int)) (int64, error) {
	var done, bytes atomic.Int64
	err := forEachKey(ctx, keys, workers, func(ctx context.Context, key string) error {
		defer func() {
			if n := done.Add(1); progress != nil {
				progress(int(n), len(keys))
			}
		}()
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := dst.Open(key)
		if errors.Is(err, blob.ErrNotFound) {
			return fmt.Errorf("verify: message file %s: not in the target's bucket", key)
		}
		if err != nil {
			return fmt.Errorf("verify: message file %s: %w", key, err)
		}
		defer f.Close()
		sum, n, err := hashOf(f)
		if err != nil {
			return fmt.Errorf("verify: message file %s: read back: %w", key, err)
		}
		if sum != key {
			return fmt.Errorf("verify: message file %s: the bucket's copy hashes to %s", key, sum)
		}
		bytes.Add(n)
		return nil
	})
	return bytes.Load(), err
}
