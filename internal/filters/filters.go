// Package filters owns a user's filter rules (S4, 메일분류 규칙): what a
// rule is and may be, their order, which rules match a message and what
// they then do, and applying one rule to the mail a folder already holds
// (a background job, internal/jobs). Delivery asks Decide for every
// incoming message (internal/deliver/filters.go); the webmail edits the
// rules through the Service.
//
// Invariants:
//   - Every method takes the actor and reaches only its own account's
//     rules and folders: another account's rule is not found, a move to
//     another account's folder is invalid.
//   - An invalid rule changes nothing and names the field at fault
//     ("conditions[0].value").
package filters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/store"
)

// Limits of what a user may set: enough for any mailbox we know of,
// small enough that delivery reads every rule of an account each time.
const (
	MaxFilters    = 100
	MaxConditions = 20
	MaxActions    = 10
	MaxValue      = 200 // characters of a condition's text
	MaxName       = 100 // characters
)

// Match says how conditions combine.
const (
	MatchAll = "all"
	MatchAny = "any"
)

// Condition fields and operators.
const (
	FieldFrom    = "from"    // From: names and addresses
	FieldTo      = "to"      // To and Cc: names and addresses
	FieldSubject = "subject" // decoded
	FieldBody    = "body"    // the text, decoded from its charset (HTML as text)

	OpContains    = "contains"
	OpNotContains = "not_contains"
)

// Action types.
const (
	ActionMove     = "move"
	ActionMarkRead = "mark_read"
	ActionForward  = "forward"
	ActionDelete   = "delete"
)

// Filter is one rule, in the shape of the API (mailbox ids are the
// store's; the web adapter translates them).
type Filter struct {
	ID         int64       `json:"id"`
	Name       string      `json:"name"`
	Enabled    bool        `json:"enabled"`
	Match      string      `json:"match"`
	Conditions []Condition `json:"conditions"`
	Actions    []Action    `json:"actions"`
}

// Condition is one test of a message.
type Condition struct {
	Field string `json:"field"`
	Op    string `json:"op"`
	Value string `json:"value"`
}

// Action is one thing a matching rule does.
type Action struct {
	Type    string `json:"type"`
	Mailbox int64  `json:"mailbox,omitempty"` // move
	Address string `json:"address,omitempty"` // forward
}

// rule is what the store keeps of a filter besides its name and switch.
type rule struct {
	Match      string      `json:"match"`
	Conditions []Condition `json:"conditions"`
	Actions    []Action    `json:"actions"`
}

// Store is what the service reads and writes.
type Store interface {
	store.FilterStore
	// Account reads the account (its address is one a rule may not
	// forward to).
	Account(ctx context.Context, id int64) (*store.Account, error)
}

// Service reads and changes users' rules and applies them. Store and
// Mail are required; Jobs for Apply.
type Service struct {
	Store Store
	Mail  Mailboxes
	Jobs  *jobs.Runner
	Log   *slog.Logger
}

// ErrForbidden: the actor has no rules of its own (an operator, say).
var ErrForbidden = errors.New("filters: not a user")

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// owner is the account whose rules the actor changes: a user's own.
func owner(a actor.Actor) (int64, error) {
	if id, ok := a.OwnAccount(); ok {
		return id, nil
	}
	return 0, ErrForbidden
}

func fromStore(sf store.Filter) (Filter, error) {
	var r rule
	if err := json.Unmarshal(sf.Rule, &r); err != nil {
		return Filter{}, fmt.Errorf("filter %d: stored rule: %w", sf.ID, err)
	}
	return Filter{ID: sf.ID, Name: sf.Name, Enabled: sf.Enabled, Match: r.Match, Conditions: r.Conditions, Actions: r.Actions}, nil
}

func toStore(accountID int64, f Filter) (*store.Filter, error) {
	raw, err := json.Marshal(rule{Match: f.Match, Conditions: f.Conditions, Actions: f.Actions})
	if err != nil {
		return nil, err
	}
	return &store.Filter{ID: f.ID, AccountID: accountID, Name: f.Name, Enabled: f.Enabled, Rule: raw}, nil
}

// forAccount reads an account's rules in order.
func (s *Service) forAccount(ctx context.Context, accountID int64) ([]Filter, error) {
	stored, err := s.Store.Filters(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]Filter, 0, len(stored))
	for _, sf := range stored {
		f, err := fromStore(sf)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// List returns the actor's rules in the order they run.
func (s *Service) List(ctx context.Context, a actor.Actor) ([]Filter, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	return s.forAccount(ctx, accountID)
}

// Get returns one of the actor's rules. store.ErrNotFound.
func (s *Service) Get(ctx context.Context, a actor.Actor, id int64) (Filter, error) {
	accountID, err := owner(a)
	if err != nil {
		return Filter{}, err
	}
	sf, err := s.Store.Filter(ctx, accountID, id)
	if err != nil {
		return Filter{}, fmt.Errorf("filter %d: %w", id, err)
	}
	return fromStore(*sf)
}

// Create checks f and stores it after the actor's last rule.
func (s *Service) Create(ctx context.Context, a actor.Actor, f Filter) (Filter, error) {
	accountID, err := owner(a)
	if err != nil {
		return Filter{}, err
	}
	if err := s.validate(ctx, a, &f); err != nil {
		return Filter{}, err
	}
	sf, err := toStore(accountID, f)
	if err != nil {
		return Filter{}, err
	}
	if err := s.Store.CreateFilter(ctx, sf, MaxFilters); err != nil {
		if errors.Is(err, store.ErrTooMany) {
			return Filter{}, invalid("", "too_many")
		}
		return Filter{}, err
	}
	f.ID = sf.ID
	return f, nil
}

// Update checks f and replaces the actor's rule id with it.
func (s *Service) Update(ctx context.Context, a actor.Actor, id int64, f Filter) (Filter, error) {
	accountID, err := owner(a)
	if err != nil {
		return Filter{}, err
	}
	if _, err := s.Store.Filter(ctx, accountID, id); err != nil {
		return Filter{}, fmt.Errorf("filter %d: %w", id, err)
	}
	if err := s.validate(ctx, a, &f); err != nil {
		return Filter{}, err
	}
	f.ID = id
	sf, err := toStore(accountID, f)
	if err != nil {
		return Filter{}, err
	}
	if err := s.Store.UpdateFilter(ctx, sf); err != nil {
		return Filter{}, err
	}
	return f, nil
}

// Delete removes one of the actor's rules. store.ErrNotFound.
func (s *Service) Delete(ctx context.Context, a actor.Actor, id int64) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	return s.Store.DeleteFilter(ctx, accountID, id)
}

// Order puts the actor's rules in the order of ids, which must name each
// of them once: invalid ("ids") otherwise, nothing changed.
func (s *Service) Order(ctx context.Context, a actor.Actor, ids []int64) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	if err := s.Store.OrderFilters(ctx, accountID, ids); err != nil {
		if errors.Is(err, store.ErrInvalid) {
			return invalid("ids", "not_each_once")
		}
		return err
	}
	return nil
}
