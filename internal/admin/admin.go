// Package admin owns what administrators do: hosted domains, their
// accounts and administrators, passwords, quotas and DKIM keys. The
// command line and the operator's console call it (and, with the
// managements issue, the domain administrator's console and the
// integration API), so that each rule exists once.
//
// Invariants:
//   - Every call takes the acting actor.Actor and checks it here: the
//     operator manages every domain, a domain administrator only his own,
//     a user nothing. Another domain is ErrNotFound to an administrator,
//     as if it did not exist.
//   - Values are checked before anything is written; a refused value is
//     an *InvalidError naming the field, and nothing changed.
package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/events"
	"postroom/internal/store"
)

// Store is what the service reads and writes.
type Store interface {
	store.DomainStore
	store.AccountStore
	store.AccessLog
	store.QueueStore
	store.BlobRefs
	store.DepartmentStore
	store.APITokenStore
	store.ListStore
	store.SecurityStore
	store.AuditStore
	store.LoginLinkStore
	store.MailboxCopyStore
}

// Blobs is what the operator's upkeep (check, gc) needs of the blob
// store: *blob.FS.
type Blobs interface {
	Exists(key string) bool
	Walk(fn func(key string, mod time.Time) error) error
	GC(ctx context.Context, refs blob.Referencer, grace time.Duration) (blob.GCResult, error)
}

// Service is the administrators' service. Now may be nil (time.Now);
// Events nil announces nothing (a command that changes no account).
type Service struct {
	Store Store
	Blobs Blobs
	// Events hears of every account changed, suspended, removed or given
	// a new password (events.AccountChange, after commit): whoever holds
	// a login for it checks it again (the webmail's event streams, IMAP
	// IDLE), in this process and, through the event log, in the server.
	Events Publisher
	Now    func() time.Time
	// LinkLife is how long a login link lives (login_link.go): 0, or
	// more than auth.MaxLinkLife, is auth.MaxLinkLife.
	LinkLife time.Duration
	// Log is where what cannot be returned goes (an audit entry not
	// recorded); slog.Default when nil.
	Log *slog.Logger
	// Mail and Jobs serve the mailbox copy (mailbox_copy.go); without
	// them it is refused.
	Mail MailCopier
	Jobs JobRunner
	// Recovery keeps the users' recovery e-mail addresses (recovery.go):
	// the settings service; without it none can be given.
	Recovery RecoveryEmails
}

// Publisher is where the service announces committed changes (an
// events.Bus).
type Publisher interface {
	Publish(e events.Event)
}

// accountChanged announces that the account changed (after commit).
func (s *Service) accountChanged(accountID int64) {
	if s.Events != nil {
		s.Events.Publish(events.Event{Kind: events.AccountChange, AccountID: accountID})
	}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ErrForbidden: the actor may not do this at all (a user calling an
// administrator's operation, an administrator an operator's).
var ErrForbidden = errors.New("admin: not allowed")

// ErrNotFound: no such domain or account, or not one the actor may see.
var ErrNotFound = store.ErrNotFound

// InvalidError is a refused value. Code is stable for programs and
// translated by adapters ("invalid_address", "password_too_short", ...).
type InvalidError struct {
	Field string // the request field: "email", "password", "name", "quota"
	Code  string
	Value string // what was given, when it helps to show it (never a password)
}

func (e *InvalidError) Error() string {
	if e.Value != "" {
		return fmt.Sprintf("%s: %s (%q)", e.Field, e.Code, e.Value)
	}
	return e.Field + ": " + e.Code
}

func invalid(field, code, value string) error {
	return &InvalidError{Field: field, Code: code, Value: value}
}

// operatorOnly refuses everyone but the operator.
func operatorOnly(p actor.Actor) error {
	if !p.IsOperator() {
		return ErrForbidden
	}
	return nil
}

// domainFor returns the domain named name if p manages it: the operator
// any, a domain administrator his own (another is ErrNotFound), a user
// none (ErrForbidden).
func (s *Service) domainFor(ctx context.Context, p actor.Actor, name string) (*store.Domain, error) {
	switch p.Role {
	case actor.RoleOperator:
	case actor.RoleDomainAdmin:
	default:
		return nil, ErrForbidden
	}
	d, err := s.Store.Domain(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("domain %s: %w", name, err)
	}
	if !p.IsOperator() && d.ID != p.DomainID {
		return nil, fmt.Errorf("domain %s: %w", name, ErrNotFound)
	}
	return d, nil
}
