package admin

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Queue lists the outbound queue, oldest first (operator only).
func (s *Service) Queue(ctx context.Context, p actor.Actor) ([]store.QueuedMessage, error) {
	if err := operatorOnly(p); err != nil {
		return nil, err
	}
	return s.Store.Queue(ctx)
}

// RetryQueued makes every pending recipient of a queued message due now.
func (s *Service) RetryQueued(ctx context.Context, p actor.Actor, id int64) error {
	if err := operatorOnly(p); err != nil {
		return err
	}
	if err := s.Store.RetryNow(ctx, id); err != nil {
		return fmt.Errorf("retry %d: %w", id, err)
	}
	s.audit(ctx, p, 0, "queue.retry", fmt.Sprint(id), nil)
	return nil
}

// DropQueued removes a queued message without a bounce.
func (s *Service) DropQueued(ctx context.Context, p actor.Actor, id int64) error {
	if err := operatorOnly(p); err != nil {
		return err
	}
	if err := s.Store.Dequeue(ctx, id); err != nil {
		return fmt.Errorf("drop %d: %w", id, err)
	}
	s.audit(ctx, p, 0, "queue.drop", fmt.Sprint(id), nil)
	return nil
}
