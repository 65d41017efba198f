package blob

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Referencer tells GC whether a blob is still in use (store.BlobRefs).
type Referencer interface {
	BlobReferenced(ctx context.Context, key string) (bool, error)
}

// DefaultGrace is how old an unreferenced blob must be before GC removes it:
// far longer than any Put-to-commit interval.
const DefaultGrace = time.Hour

// GCResult says what a collection did.
type GCResult struct {
	Scanned, Removed int
	Bytes            int64 // the room given back: the files' size on disk
}

// GC removes blobs that no row references and that are older than grace.
//
// Why it is safe against a concurrent Put of the same content: GC moves the
// file aside first (atomic rename), then looks at it again. A Put that
// refreshed the time before the move is seen (fresh time: put back); a Put
// after the move finds no file and writes a new one. A commit that took a
// reference meanwhile is seen by the second reference check (put back).
func (f *FS) GC(ctx context.Context, refs Referencer, grace time.Duration) (GCResult, error) {
	var res GCResult
	cutoff := time.Now().Add(-grace)
	var candidates []string
	err := f.Walk(func(key string, mod time.Time) error {
		res.Scanned++
		if mod.Before(cutoff) {
			candidates = append(candidates, key)
		}
		return ctx.Err()
	})
	if err != nil {
		return res, fmt.Errorf("blob gc: %w", err)
	}
	for _, key := range candidates {
		used, err := refs.BlobReferenced(ctx, key)
		if err != nil {
			return res, fmt.Errorf("blob gc %s: %w", key, err)
		}
		if used {
			continue
		}
		aside := filepath.Join(f.dir, "trash", key)
		if err := os.Rename(f.path(key), aside); err != nil {
			continue // gone already
		}
		info, err := os.Stat(aside)
		used, rerr := refs.BlobReferenced(ctx, key)
		if err != nil || rerr != nil || used || !info.ModTime().Before(cutoff) {
			if perr := f.restore(key, aside); perr != nil {
				// it stays in trash/, never deleted; check reports it missing
				return res, fmt.Errorf("blob gc: put %s back: %w", key, perr)
			}
			if rerr != nil {
				return res, fmt.Errorf("blob gc %s: %w", key, rerr)
			}
			continue
		}
		if err := os.Remove(aside); err == nil {
			res.Removed++
			res.Bytes += info.Size()
		}
	}
	return res, nil
}

// restore puts a moved-aside blob back unless a Put wrote it again meanwhile
// (same content, so either copy will do), durably: a rename back that a
// crash undoes would leave a referenced blob in trash/.
func (f *FS) restore(key, aside string) error {
	dst := f.path(key)
	if f.Exists(key) {
		os.Remove(aside)
		return f.syncPath(dst)
	}
	if err := os.Rename(aside, dst); err != nil {
		return err
	}
	return f.syncPath(dst)
}
