package admin

// A user's recovery e-mail (M3): the address a password reset link goes
// to. It is the user's own setting (internal/settings keeps and checks
// it); his administrator may give it when creating the account and
// change it later, through these, which check that he manages the
// account.

import (
	"context"
	"errors"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/settings"
)

// RecoveryEmails reads and sets an account's recovery address for a
// caller that checked who asks: *settings.Service.
type RecoveryEmails interface {
	RecoveryEmail(ctx context.Context, accountID int64) (string, error)
	SetRecoveryEmail(ctx context.Context, accountID int64, addr string) (string, error)
}

// errNoRecovery: the service was built without Recovery.
var errNoRecovery = errors.New("admin: recovery e-mail addresses are not kept here")

// checkRecovery checks addr as a recovery address of the account at own
// ("" for none): an *InvalidError on "recovery_email" otherwise.
func (s *Service) checkRecovery(addr, own string) (string, error) {
	if addr == "" {
		return "", nil
	}
	if s.Recovery == nil {
		return "", errNoRecovery
	}
	v, err := settings.CheckRecoveryEmail(addr, own)
	if ie, ok := settings.IsInvalid(err); ok {
		code := "invalid_recovery_email"
		if ie.Reason == "own_address" {
			code = "recovery_is_own_address"
		}
		return "", invalid("recovery_email", code, addr)
	}
	return v, err
}

// RecoveryEmail reads the recovery address of an account the actor
// manages ("" for none; "" too when the service keeps none).
func (s *Service) RecoveryEmail(ctx context.Context, p actor.Actor, address string) (string, error) {
	a, err := s.account(ctx, p, address)
	if err != nil {
		return "", err
	}
	if s.Recovery == nil {
		return "", nil
	}
	v, err := s.Recovery.RecoveryEmail(ctx, a.ID)
	if err != nil {
		return "", fmt.Errorf("recovery e-mail of %s: %w", a.Address(), err)
	}
	return v, nil
}

// SetRecoveryEmail sets ("" removes) the recovery address of an account
// the actor manages and returns it as saved.
func (s *Service) SetRecoveryEmail(ctx context.Context, p actor.Actor, address, addr string) (string, error) {
	a, err := s.account(ctx, p, address)
	if err != nil {
		return "", err
	}
	if s.Recovery == nil {
		return "", errNoRecovery
	}
	v, err := s.checkRecovery(addr, a.Address())
	if err != nil {
		return "", err
	}
	old, err := s.Recovery.RecoveryEmail(ctx, a.ID)
	if err != nil {
		return "", fmt.Errorf("recovery e-mail of %s: %w", a.Address(), err)
	}
	if old == v {
		return v, nil
	}
	if v, err = s.Recovery.SetRecoveryEmail(ctx, a.ID, v); err != nil {
		return "", fmt.Errorf("recovery e-mail of %s: %w", a.Address(), err)
	}
	s.audit(ctx, p, a.DomainID, "user.update", a.Address(), map[string]any{"fields": []string{"recovery_email"}})
	return v, nil
}
