package admin

import (
	"context"
	"errors"
	"time"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/store"
)

// CheckReport is what Check found: broken invariants, and blob files no
// row references (GC removes those; they are not problems).
type CheckReport struct {
	Problems    []string
	Collectable []string
	// Unfinished are the keys whose files a crash kept from the disk
	// after their rows committed (store.PendingBlobStore): no APPEND of
	// them was answered, and the server's next start expunges their
	// messages (mail.Service.RecoverPendingBlobs). Not problems.
	Unfinished []string
	// IndexWaiting is how many messages wait for their search terms
	// (Status.IndexWaiting): after a restore, all of them. Not a problem.
	IndexWaiting int
}

// errNoBlobs: the service was built without the blob store.
var errNoBlobs = errors.New("admin: no blob store")

// Check verifies the store's invariants and that every referenced blob
// file exists (operator only).
func (s *Service) Check(ctx context.Context, p actor.Actor) (*CheckReport, error) {
	if err := operatorOnly(p); err != nil {
		return nil, err
	}
	if s.Blobs == nil {
		return nil, errNoBlobs
	}
	problems, err := s.Store.CheckConsistency(ctx)
	if err != nil {
		return nil, err
	}
	rep := &CheckReport{Problems: problems}
	if rep.IndexWaiting, err = s.indexBacklog(ctx); err != nil {
		return nil, err
	}
	pending := map[string]bool{}
	if ps, ok := s.Store.(store.PendingBlobStore); ok {
		list, err := ps.PendingBlobs(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			pending[p.Key] = true
		}
	}
	referenced := map[string]bool{}
	err = s.Store.BlobKeys(ctx, func(key string) error {
		referenced[key] = true
		switch {
		case s.Blobs.Exists(key):
		case pending[key]:
			rep.Unfinished = append(rep.Unfinished, key)
		default:
			rep.Problems = append(rep.Problems, "blob "+key+": referenced but its file is missing")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.Blobs.Walk(func(key string, _ time.Time) error {
		if !referenced[key] {
			rep.Collectable = append(rep.Collectable, key)
		}
		return nil
	})
	return rep, err
}

// CollectGarbage removes blob files no row references that are older than
// grace (operator only; the server does it hourly).
func (s *Service) CollectGarbage(ctx context.Context, p actor.Actor, grace time.Duration) (blob.GCResult, error) {
	if err := operatorOnly(p); err != nil {
		return blob.GCResult{}, err
	}
	if s.Blobs == nil {
		return blob.GCResult{}, errNoBlobs
	}
	return s.Blobs.GC(ctx, s.Store, grace)
}
