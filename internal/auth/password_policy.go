package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"postroom/internal/store"
)

// PasswordPolicy is what a new password must be (S7, M11): a domain's,
// set in its console later; DefaultPasswordPolicy until then.
type PasswordPolicy struct {
	MinLength int // characters
	MaxLength int // characters; bounds the hashing's input
}

// DefaultPasswordPolicy is the house rule: at least 10 characters (NIST
// SP 800-63B §5.1.1.2 asks 8 of a user-chosen secret; mail passwords are
// typed rarely and guessed often), not the address, not the old one.
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 10, MaxLength: 256}

// PasswordPolicies gives a domain's policy: where the console's
// per-domain setting plugs in. Nil: DefaultPasswordPolicy everywhere.
type PasswordPolicies interface {
	PasswordPolicy(ctx context.Context, domainID int64) (PasswordPolicy, error)
}

// PolicyError is a new password the policy refuses, with a stable reason:
// "required", "too_short", "too_long", "same_as_address", "same_as_old".
type PolicyError struct {
	Reason string
	Min    int // for too_short
}

func (e *PolicyError) Error() string { return "auth: password refused: " + e.Reason }

// ErrWrongPassword: the current password given to change it is not the
// account's.
var ErrWrongPassword = errors.New("auth: the current password is not correct")

func policyOf(ctx context.Context, p PasswordPolicies, domainID int64) (PasswordPolicy, error) {
	if p == nil {
		return DefaultPasswordPolicy, nil
	}
	pol, err := p.PasswordPolicy(ctx, domainID)
	if err != nil {
		return PasswordPolicy{}, fmt.Errorf("password policy of domain %d: %w", domainID, err)
	}
	return pol, nil
}

// check refuses a new password for acct that breaks the policy; the old
// one is compared by its hash (a hash check: only after the cheap rules).
func (pol PasswordPolicy) check(acct *store.Account, password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		return &PolicyError{Reason: "required"}
	case n < pol.MinLength:
		return &PolicyError{Reason: "too_short", Min: pol.MinLength}
	case pol.MaxLength > 0 && n > pol.MaxLength:
		return &PolicyError{Reason: "too_long"}
	}
	lower := strings.ToLower(password)
	if local, _, _ := strings.Cut(acct.Address(), "@"); lower == strings.ToLower(acct.Address()) || lower == strings.ToLower(local) {
		return &PolicyError{Reason: "same_as_address"}
	}
	if VerifyPassword(acct.PasswordHash, password) {
		return &PolicyError{Reason: "same_as_old"}
	}
	return nil
}
