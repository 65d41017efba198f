package dkim

import (
	"context"
	"errors"
	"testing"
	"time"

	"postroom/internal/store"
)

// stuckStore answers no Domain lookup until the lookup's context ends.
type stuckStore struct {
	store.DomainStore
	deadline chan bool
}

func (s stuckStore) Domain(ctx context.Context, name string) (*store.Domain, error) {
	_, ok := ctx.Deadline()
	s.deadline <- ok
	<-ctx.Done()
	return nil, ctx.Err()
}

// The signer's store lookups run within the worker's context and a
// deadline of their own: a stuck store fails the attempt (retried later)
// instead of holding a sending worker, and a worker stopping ends them.
func TestSigner_lookupsEndWithTheCallersContextAndHaveADeadline(t *testing.T) {
	st := stuckStore{deadline: make(chan bool, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Signer(st)(ctx, []byte("From: a@example.test\r\n\r\nx\r\n"), "example.test")
		done <- err
	}()
	if !<-st.deadline {
		t.Error("the lookup has no deadline")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Signer = %v, want the caller's cancellation", err)
		}
	case <-time.After(30 * time.Second): // a lookup that ignores its context, not a slow one
		t.Fatal("the lookup did not end with the caller's context")
	}
}
