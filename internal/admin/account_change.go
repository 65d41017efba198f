package admin

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// AccountChange is what an administrator changes of an account; nil
// fields stay as they are.
type AccountChange struct {
	Name       *string
	Quota      *int64 // bytes; 0 = unlimited
	Enabled    *bool  // service ON/OFF (M3): OFF refuses every login and incoming mail
	Clients    *bool  // "use mail clients" (P7)
	Admin      *bool  // domain administrator
	POP3Delete *string
}

// UpdateAccount applies a change to an account the actor manages. Every
// value is checked before anything is written.
func (s *Service) UpdateAccount(ctx context.Context, p actor.Actor, address string, c AccountChange) (*store.Account, error) {
	a, err := s.account(ctx, p, address)
	if err != nil {
		return nil, err
	}
	before := *a
	if c.Name != nil {
		if err := checkName(*c.Name); err != nil {
			return nil, err
		}
		a.DisplayName = *c.Name
	}
	if c.Quota != nil {
		if *c.Quota < 0 {
			return nil, invalid("quota", "invalid_quota", fmt.Sprint(*c.Quota))
		}
		a.QuotaBytes = *c.Quota
	}
	if c.POP3Delete != nil {
		switch *c.POP3Delete {
		case store.POP3Keep, store.POP3Trash, store.POP3Delete:
		default:
			return nil, invalid("pop3_delete", "invalid_pop3_delete", *c.POP3Delete)
		}
		a.POP3Delete = *c.POP3Delete
	}
	if c.Enabled != nil {
		a.Enabled = *c.Enabled
	}
	if c.Clients != nil {
		a.ClientAccess = *c.Clients
	}
	if c.Admin != nil {
		if err := s.keepAnAdmin(ctx, p, a, *c.Admin); err != nil {
			return nil, err
		}
		a.Admin = *c.Admin
	}
	if err := s.Store.UpdateAccount(ctx, a); err != nil {
		return nil, fmt.Errorf("update %s: %w", a.Address(), err)
	}
	s.accountChanged(a.ID)
	if d := accountChanges(&before, a); d != nil {
		s.audit(ctx, p, a.DomainID, "user.update", a.Address(), d)
	}
	return a, nil
}

// accountChanges is the audit log's detail of a change from before to
// after: the names of the fields changed, with the switches' new values;
// nil when nothing changed.
func accountChanges(before, after *store.Account) map[string]any {
	fields := []string{}
	d := map[string]any{}
	if before.DisplayName != after.DisplayName {
		fields = append(fields, "name")
	}
	if before.QuotaBytes != after.QuotaBytes {
		fields, d["quota"] = append(fields, "quota"), after.QuotaBytes
	}
	if before.POP3Delete != after.POP3Delete {
		fields = append(fields, "pop3_delete")
	}
	if before.Enabled != after.Enabled {
		fields, d["enabled"] = append(fields, "enabled"), after.Enabled
	}
	if before.ClientAccess != after.ClientAccess {
		fields, d["clients"] = append(fields, "clients"), after.ClientAccess
	}
	if before.Admin != after.Admin {
		fields, d["admin"] = append(fields, "admin"), after.Admin
	}
	if len(fields) == 0 {
		return nil
	}
	d["fields"] = fields
	return d
}

// DeleteAccount removes an account the actor manages, with all its mail.
func (s *Service) DeleteAccount(ctx context.Context, p actor.Actor, address string) error {
	a, err := s.account(ctx, p, address)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteAccount(ctx, a.ID); err != nil {
		return fmt.Errorf("remove %s: %w", a.Address(), err)
	}
	s.accountChanged(a.ID)
	s.audit(ctx, p, a.DomainID, "user.delete", a.Address(), map[string]any{"name": a.DisplayName,
		"messages": a.Usage.Messages, "bytes": a.Usage.Bytes})
	return nil
}

// AccessLog lists an account's most recent logins, newest first (S8).
func (s *Service) AccessLog(ctx context.Context, p actor.Actor, address string, limit int) ([]store.Login, error) {
	a, err := s.account(ctx, p, address)
	if err != nil {
		return nil, err
	}
	return s.Store.Logins(ctx, a.ID, limit)
}

// keepAnAdmin refuses an administrator's removal of his own
// administrator flag while no other enabled account of the domain has
// one: the domain would have nobody left to manage it (M3).
func (s *Service) keepAnAdmin(ctx context.Context, p actor.Actor, a *store.Account, admin bool) error {
	if admin || !a.Admin || p.AccountID != a.ID {
		return nil
	}
	left, err := s.adminBesides(ctx, a.DomainID, map[int64]bool{a.ID: true})
	if err != nil || left {
		return err
	}
	return invalid("admin", "last_admin", a.Address())
}
