package settings

// The recovery e-mail (S1) is the user's setting, but his administrator
// may give it when he creates the account or change it later (M3): the
// admin service checks who asks and calls these, so that the address is
// checked and stored in one place whoever sets it.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// CheckRecoveryEmail checks a recovery address for the account whose own
// address is own and returns it in its canonical form ("" stays "": no
// recovery address). Refusals are *InvalidError on "recovery_email":
// invalid_address, or own_address (a locked-out mailbox cannot receive
// its own reset link).
func CheckRecoveryEmail(addr, own string) (string, error) {
	if strings.TrimSpace(addr) == "" {
		return "", nil
	}
	v, err := address("recovery_email", addr)
	if err != nil {
		return "", err
	}
	if v == strings.ToLower(own) {
		return "", invalid("recovery_email", "own_address")
	}
	return v, nil
}

// RecoveryEmail reads the account's recovery address ("" for none), for
// a caller that has checked who asks.
func (s *Service) RecoveryEmail(ctx context.Context, accountID int64) (string, error) {
	set, err := s.ForAccount(ctx, accountID)
	return set.RecoveryEmail, err
}

// SetRecoveryEmail sets the account's recovery address ("" removes it),
// checked as the user's own change is, and returns it as saved; for a
// caller that has checked who asks (the admin service).
func (s *Service) SetRecoveryEmail(ctx context.Context, accountID int64, addr string) (string, error) {
	patch, err := json.Marshal(map[string]string{"recovery_email": strings.TrimSpace(addr)})
	if err != nil {
		return "", fmt.Errorf("recovery e-mail of account %d: %w", accountID, err)
	}
	set, err := s.patch(ctx, accountID, patch)
	return set.RecoveryEmail, err
}
