package admin

import (
	"context"
	"errors"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
)

// OperatorName is the system operator's login, made at first start.
const OperatorName = "operator"

// EnsureOperator makes the system operator with a random password when
// there is none yet (operator only: the command line at first start) and
// returns that password; "" when an operator existed.
func (s *Service) EnsureOperator(ctx context.Context, p actor.Actor) (string, error) {
	if err := operatorOnly(p); err != nil {
		return "", err
	}
	ops, err := s.Store.Operators(ctx)
	if err != nil || len(ops) > 0 {
		return "", err
	}
	pw := auth.RandomPassword(16)
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return "", err
	}
	switch err := s.Store.CreateOperator(ctx, &store.Operator{Name: OperatorName, PasswordHash: hash}); {
	case errors.Is(err, store.ErrExists):
		return "", nil // another process was first
	case err != nil:
		return "", fmt.Errorf("create operator: %w", err)
	}
	return pw, nil
}
