package admin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/dkim"
	"postroom/internal/dnsrecords"
	"postroom/internal/store"
)

// DomainSummary is a domain with what the operator's list shows of it.
type DomainSummary struct {
	store.Domain
	Accounts  int
	Admins    int
	UsedBytes int64
	Messages  int64 // what its accounts store, a copy in two folders twice
}

// Domains lists every hosted domain (operator only), by name.
func (s *Service) Domains(ctx context.Context, p actor.Actor) ([]DomainSummary, error) {
	if err := operatorOnly(p); err != nil {
		return nil, err
	}
	doms, err := s.Store.Domains(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]DomainSummary, len(doms))
	for i, d := range doms {
		accts, err := s.Store.Accounts(ctx, d.ID)
		if err != nil {
			return nil, fmt.Errorf("accounts of %s: %w", d.Name, err)
		}
		out[i].Domain = d
		out[i].Accounts = len(accts)
		for _, a := range accts {
			out[i].UsedBytes += a.Usage.Bytes
			out[i].Messages += a.Usage.Messages
			if a.Admin {
				out[i].Admins++
			}
		}
	}
	return out, nil
}

// Domain returns one domain the actor manages.
func (s *Service) Domain(ctx context.Context, p actor.Actor, name string) (*store.Domain, error) {
	return s.domainFor(ctx, p, name)
}

// CreateDomain adds a hosted domain (operator only) with its DKIM keys,
// so that its mail is signed from the start (P5).
func (s *Service) CreateDomain(ctx context.Context, p actor.Actor, name string) (*store.Domain, error) {
	if err := operatorOnly(p); err != nil {
		return nil, err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if !ValidDomainName(name) {
		return nil, invalid("name", "invalid_domain", name)
	}
	keys, err := dkim.GenerateKeys(s.now())
	if err != nil {
		return nil, fmt.Errorf("dkim keys for %s: %w", name, err)
	}
	d := &store.Domain{Name: name}
	if err := s.Store.CreateDomain(ctx, d); errors.Is(err, store.ErrExists) {
		return nil, invalid("name", "domain_exists", name)
	} else if err != nil {
		return nil, fmt.Errorf("domain %s: %w", name, err)
	}
	if err := dkim.AddKeys(ctx, s.Store, d, keys); err != nil {
		return nil, fmt.Errorf("dkim keys for %s: %w", name, err)
	}
	s.audit(ctx, p, d.ID, "domain.create", d.Name, nil)
	return d, nil
}

// DeleteDomain removes a domain with all its accounts and their mail
// (operator only).
func (s *Service) DeleteDomain(ctx context.Context, p actor.Actor, name string) error {
	if err := operatorOnly(p); err != nil {
		return err
	}
	d, err := s.Store.Domain(ctx, name)
	if err != nil {
		return fmt.Errorf("domain %s: %w", name, err)
	}
	accounts, err := s.Store.Accounts(ctx, d.ID)
	if err != nil {
		return fmt.Errorf("the accounts of %s: %w", d.Name, err)
	}
	if err := s.Store.DeleteDomain(ctx, d.ID); err != nil {
		return fmt.Errorf("remove %s: %w", d.Name, err)
	}
	for _, a := range accounts {
		s.accountChanged(a.ID)
	}
	// Recorded for the installation: the domain's own log went with it.
	s.audit(ctx, p, 0, "domain.delete", d.Name, map[string]any{"accounts": len(accounts)})
	return nil
}

// DeleteDomainConfirmed is DeleteDomain for a console, where the operator
// must type the domain's name back (confirm) before all its accounts and
// mail go: another text is confirm_mismatch and nothing is deleted.
func (s *Service) DeleteDomainConfirmed(ctx context.Context, p actor.Actor, name, confirm string) error {
	if err := operatorOnly(p); err != nil {
		return err
	}
	d, err := s.Store.Domain(ctx, name)
	if err != nil {
		return fmt.Errorf("domain %s: %w", name, err)
	}
	if !strings.EqualFold(strings.TrimSpace(confirm), d.Name) {
		return invalid("confirm", "confirm_mismatch", d.Name)
	}
	return s.DeleteDomain(ctx, p, d.Name)
}

// DNSRecords are the records a domain must publish for a mail server
// named hostname (`postroom domain dns`), for the operator or the
// domain's administrator.
func (s *Service) DNSRecords(ctx context.Context, p actor.Actor, name, hostname string) ([]dnsrecords.Record, error) {
	d, err := s.domainFor(ctx, p, name)
	if err != nil {
		return nil, err
	}
	keys, err := dkim.StoredKeys(ctx, s.Store, d.ID)
	if err != nil {
		return nil, err
	}
	return dnsrecords.Records(d.Name, hostname, keys, s.now())
}

// ValidDomainName reports whether name (lower-case) can be a hosted
// domain: dot-separated labels of letters, digits and hyphens (IDN
// letters too), at least two labels, none empty or longer than 63.
func ValidDomainName(name string) bool {
	if len(name) == 0 || len(name) > 253 {
		return false
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r > 127) {
				return false
			}
		}
	}
	return true
}
