package filters

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"postroom/internal/actor"
	"postroom/internal/compose"
	"postroom/internal/store"
)

// InvalidError is a rule the service refuses: Field is the path of the
// value at fault in the API's shape ("conditions[0].value", "actions",
// "actions[1].mailbox"; "" for the rule as a whole, too many rules), and
// Reason a stable word ("required", "unknown", "too_long", "too_many",
// "not_found", "invalid_address", "own_address", "not_each_once").
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string { return fmt.Sprintf("filters: %s: %s", e.Field, e.Reason) }

func invalid(field, reason string) error { return &InvalidError{Field: field, Reason: reason} }

// IsInvalid reports whether err is an InvalidError and returns it.
func IsInvalid(err error) (*InvalidError, bool) {
	var ie *InvalidError
	ok := errors.As(err, &ie)
	return ie, ok
}

// validate checks every field of f, trimming texts and lower-casing
// forward addresses, and refuses the first bad one.
func (s *Service) validate(ctx context.Context, a actor.Actor, f *Filter) error {
	f.Name = strings.TrimSpace(f.Name)
	switch {
	case f.Name == "":
		return invalid("name", "required")
	case utf8.RuneCountInString(f.Name) > MaxName:
		return invalid("name", "too_long")
	case !printable(f.Name):
		return invalid("name", "invalid_characters")
	}
	switch f.Match {
	case "":
		f.Match = MatchAll
	case MatchAll, MatchAny:
	default:
		return invalid("match", "unknown")
	}
	if len(f.Conditions) == 0 {
		return invalid("conditions", "required")
	}
	if len(f.Conditions) > MaxConditions {
		return invalid("conditions", "too_many")
	}
	for i := range f.Conditions {
		c := &f.Conditions[i]
		at := fmt.Sprintf("conditions[%d]", i)
		switch c.Field {
		case FieldFrom, FieldTo, FieldSubject, FieldBody:
		default:
			return invalid(at+".field", "unknown")
		}
		switch c.Op {
		case OpContains, OpNotContains:
		default:
			return invalid(at+".op", "unknown")
		}
		c.Value = strings.TrimSpace(c.Value)
		switch {
		case c.Value == "":
			return invalid(at+".value", "required")
		case utf8.RuneCountInString(c.Value) > MaxValue:
			return invalid(at+".value", "too_long")
		case !printable(c.Value):
			return invalid(at+".value", "invalid_characters")
		}
	}
	if len(f.Actions) == 0 {
		return invalid("actions", "required")
	}
	if len(f.Actions) > MaxActions {
		return invalid("actions", "too_many")
	}
	moves := 0
	for i := range f.Actions {
		act := &f.Actions[i]
		at := fmt.Sprintf("actions[%d]", i)
		switch act.Type {
		case ActionMove:
			if moves++; moves > 1 {
				return invalid(at, "too_many") // one message goes to one folder
			}
			if act.Address != "" {
				return invalid(at+".address", "unexpected")
			}
			if act.Mailbox <= 0 {
				return invalid(at+".mailbox", "required")
			}
			if _, err := s.Mail.Mailbox(ctx, a, act.Mailbox); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return invalid(at+".mailbox", "not_found")
				}
				return err
			}
		case ActionForward:
			if act.Mailbox != 0 {
				return invalid(at+".mailbox", "unexpected")
			}
			addr, err := s.forwardAddress(ctx, a, at+".address", act.Address)
			if err != nil {
				return err
			}
			act.Address = addr
		case ActionMarkRead, ActionDelete:
			if act.Mailbox != 0 || act.Address != "" {
				return invalid(at, "unexpected")
			}
		default:
			return invalid(at+".type", "unknown")
		}
	}
	return nil
}

// forwardAddress checks a forward target: one bare address, not the
// account's own (a rule forwarding to itself would loop).
func (s *Service) forwardAddress(ctx context.Context, a actor.Actor, field, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", invalid(field, "required")
	}
	parsed, err := compose.ParseAddress(field, v)
	if err != nil || parsed.Name != "" || !strings.EqualFold(parsed.Addr, v) {
		return "", invalid(field, "invalid_address")
	}
	addr := strings.ToLower(parsed.Addr)
	acct, err := s.Store.Account(ctx, a.AccountID)
	if err != nil {
		return "", fmt.Errorf("account %d: %w", a.AccountID, err)
	}
	if strings.EqualFold(addr, acct.Address()) {
		return "", invalid(field, "own_address")
	}
	return addr, nil
}

// printable refuses control characters (a line break in a value cannot
// be typed into the form and would only confuse matching and logs).
func printable(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
