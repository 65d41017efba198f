package auth

// The one rule every new password passes (S7, M11), wherever it is set:
// the user's own change and a reset link (Passwords), an administrator's
// or the command line's new account and new password (internal/admin
// calls PasswordPolicy.Check). Its strength is the domain's level.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"postroom/internal/store"
)

// PasswordPolicy is what a new password must be (S7, M11): a domain's,
// from its console's level (PasswordRules.Policy); DefaultPasswordPolicy
// until the console sets one.
type PasswordPolicy struct {
	MinLength int // characters
	MaxLength int // characters; bounds the hashing's input
	// Level 1 asks letters and digits, 2 and 3 three classes of
	// characters, 3 no part of the address's local part (PasswordLevels).
	Level int
	// ChangeDays and AllowLater are the change interval (M11; the
	// sessions enforce it through PasswordAges).
	ChangeDays int
	AllowLater bool
}

// DefaultPasswordPolicy is the house rule, level 0: at least 10
// characters (NIST SP 800-63B §5.1.1.2 asks 8 of a user-chosen secret;
// mail passwords are typed rarely and guessed often), not the address,
// not the old one.
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 10, MaxLength: 256}

// PasswordLevels are the console's complexity levels (M11), as the
// console states them: 1: 8+ characters with letters and digits; 2: 10+
// with three of the classes upper-case letters, lower-case letters,
// digits and others (symbols, letters without case such as Hangul);
// 3: 12+ with three classes and no part of the ID.
var PasswordLevels = map[int]PasswordPolicy{
	1: {MinLength: 8, MaxLength: 256, Level: 1},
	2: {MinLength: 10, MaxLength: 256, Level: 2},
	3: {MinLength: 12, MaxLength: 256, Level: 3},
}

// Policy is the password policy the rules ask for.
func (r PasswordRules) Policy() PasswordPolicy {
	pol, ok := PasswordLevels[r.Level]
	if !ok {
		pol = DefaultPasswordPolicy
	}
	pol.ChangeDays, pol.AllowLater = r.ChangeDays, r.AllowLater
	return pol
}

// PasswordPolicies gives a domain's policy: Policies, the console's
// per-domain setting. Nil: DefaultPasswordPolicy everywhere.
type PasswordPolicies interface {
	PasswordPolicy(ctx context.Context, domainID int64) (PasswordPolicy, error)
}

// PolicyError is a new password the policy refuses, with a stable reason:
// "required", "too_short", "too_long", "invalid_characters",
// "letters_and_digits" (level 1), "three_classes" (levels 2 and 3),
// "contains_id" (level 3), "same_as_address", "same_as_old".
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

// Check refuses a new password of the account whose local part is local
// that breaks the policy (a *PolicyError).
func (pol PasswordPolicy) Check(local, password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		return &PolicyError{Reason: "required"}
	case strings.ContainsAny(password, "\x00\r\n"):
		return &PolicyError{Reason: "invalid_characters"} // they would cut a line of SMTP AUTH or IMAP LOGIN
	case n < pol.MinLength:
		return &PolicyError{Reason: "too_short", Min: pol.MinLength}
	case pol.MaxLength > 0 && n > pol.MaxLength:
		return &PolicyError{Reason: "too_long"}
	}
	lower := strings.ToLower(password)
	local = strings.ToLower(local)
	if local != "" && (lower == local || strings.HasPrefix(lower, local+"@")) {
		return &PolicyError{Reason: "same_as_address"}
	}
	letters, digits, classes := charClasses(password)
	switch pol.Level {
	case 1:
		if !letters || !digits {
			return &PolicyError{Reason: "letters_and_digits"}
		}
	case 2, 3:
		if classes < 3 {
			return &PolicyError{Reason: "three_classes"}
		}
	}
	if pol.Level == 3 && containsIDPart(lower, local) {
		return &PolicyError{Reason: "contains_id"}
	}
	return nil
}

// charClasses says whether s has letters and digits, and how many of
// the classes upper-case, lower-case, digit and other it uses.
func charClasses(s string) (letters, digits bool, classes int) {
	var upper, lower, digit, other bool
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper, letters = true, true
		case unicode.IsLower(r):
			lower, letters = true, true
		case unicode.IsDigit(r):
			digit, digits = true, true
		default:
			other = true
			letters = letters || unicode.IsLetter(r) // Hangul: a letter without case
		}
	}
	for _, b := range []bool{upper, lower, digit, other} {
		if b {
			classes++
		}
	}
	return letters, digits, classes
}

// containsIDPart reports whether the (lower-case) password holds the
// local part, or one of its pieces between dots, dashes and the like of
// three characters or more ("kim.minji": "kim", "minji").
func containsIDPart(password, local string) bool {
	if local == "" {
		return false
	}
	if strings.Contains(password, local) {
		return true
	}
	for _, part := range strings.FieldsFunc(local, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if utf8.RuneCountInString(part) >= 3 && strings.Contains(password, part) {
			return true
		}
	}
	return false
}

// check refuses a new password for acct that breaks the policy or is its
// old one (compared by its hash: only after the cheap rules).
func (pol PasswordPolicy) check(acct *store.Account, password string) error {
	if err := pol.Check(acct.LocalPart, password); err != nil {
		return err
	}
	if strings.EqualFold(password, acct.Address()) {
		return &PolicyError{Reason: "same_as_address"}
	}
	if VerifyPassword(acct.PasswordHash, password) {
		return &PolicyError{Reason: "same_as_old"}
	}
	return nil
}
