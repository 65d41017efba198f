package admin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Mailing lists (M4, 메일링 관리): an address of the domain that delivers
// to its members, hosted accounts or addresses on the internet. The
// domain's administrators (or the operator) manage them; internal/deliver
// enforces them (delivery to each member once, "members only", members
// sending as the list).

// MaxListMembers bounds a list: a message to it is delivered to every
// member before the sender hears 250, so a list is a company's team or
// department, not a newsletter's audience.
const MaxListMembers = 5000

// ListInput is what creating or changing a list takes.
type ListInput struct {
	Address     string // full address; its domain must be the list's
	Name        string
	Members     []string
	MembersOnly bool
}

// Lists lists the domain's mailing lists (a domain administrator's own
// domain when domain is "").
func (s *Service) Lists(ctx context.Context, p actor.Actor, domain string) ([]store.List, error) {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	ls, err := s.Store.Lists(ctx, d.ID)
	if err != nil {
		return nil, fmt.Errorf("lists of %s: %w", d.Name, err)
	}
	return ls, nil
}

// MailingList reads one list of the domain; another domain's is ErrNotFound.
func (s *Service) MailingList(ctx context.Context, p actor.Actor, domain string, id int64) (*store.List, error) {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	l, err := s.Store.List(ctx, d.ID, id)
	if err != nil {
		return nil, fmt.Errorf("list %d of %s: %w", id, d.Name, err)
	}
	return l, nil
}

// CreateList creates a mailing list in the domain.
func (s *Service) CreateList(ctx context.Context, p actor.Actor, domain string, in ListInput) (*store.List, error) {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	l := &store.List{DomainID: d.ID, Domain: d.Name}
	if err := s.fillList(ctx, d, l, in); err != nil {
		return nil, err
	}
	if err := s.Store.CreateList(ctx, l); err != nil {
		return nil, s.listWriteError(ctx, d, l, err)
	}
	s.audit(ctx, p, d.ID, "list.create", l.Address(), listDetail(l))
	return l, nil
}

// UpdateList replaces a list's address, name, members and "members only".
func (s *Service) UpdateList(ctx context.Context, p actor.Actor, domain string, id int64, in ListInput) (*store.List, error) {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	l, err := s.Store.List(ctx, d.ID, id)
	if err != nil {
		return nil, fmt.Errorf("list %d of %s: %w", id, d.Name, err)
	}
	if err := s.fillList(ctx, d, l, in); err != nil {
		return nil, err
	}
	if err := s.Store.UpdateList(ctx, l); err != nil {
		return nil, s.listWriteError(ctx, d, l, err)
	}
	s.audit(ctx, p, d.ID, "list.update", l.Address(), listDetail(l))
	return l, nil
}

// DeleteList removes a list of the domain; mail to its address is then
// refused as to an unknown recipient.
func (s *Service) DeleteList(ctx context.Context, p actor.Actor, domain string, id int64) error {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return err
	}
	target := ""
	if l, err := s.Store.List(ctx, d.ID, id); err == nil {
		target = l.Address()
	}
	if err := s.Store.DeleteList(ctx, d.ID, id); err != nil {
		return fmt.Errorf("delete list %d of %s: %w", id, d.Name, err)
	}
	s.audit(ctx, p, d.ID, "list.delete", target, nil)
	return nil
}

// listDetail is the audit log's detail of a list as saved.
func listDetail(l *store.List) map[string]any {
	return map[string]any{"name": l.Name, "members": len(l.Members), "members_only": l.MembersOnly}
}

// fillList checks in and writes it into l: nothing is stored when a
// value is refused.
func (s *Service) fillList(ctx context.Context, d *store.Domain, l *store.List, in ListInput) error {
	address := strings.ToLower(strings.TrimSpace(in.Address))
	local, domain, ok := message.SplitAddress(address)
	if !ok || !validLocalPart(local) {
		return invalid("address", "invalid_address", in.Address)
	}
	if domain != d.Name {
		return invalid("address", "wrong_domain", in.Address)
	}
	name := strings.TrimSpace(in.Name)
	if err := checkName(name); err != nil {
		return err
	}
	if len(in.Members) > MaxListMembers {
		return invalid("members", "too_many_members", fmt.Sprint(len(in.Members)))
	}
	members := make([]string, 0, len(in.Members))
	seen := make(map[string]bool, len(in.Members))
	for _, m := range in.Members {
		m = strings.ToLower(strings.TrimSpace(m))
		if m == "" || seen[m] {
			continue // a blank line of a pasted list, or a repeat
		}
		ml, md, ok := message.SplitAddress(m)
		if !ok || !validLocalPart(ml) || !ValidDomainName(md) || utf8.RuneCountInString(m) > 254 {
			return invalid("members", "invalid_member", m)
		}
		if m == address {
			return invalid("members", "list_is_member", m)
		}
		// A member of the list's own domain must be someone who receives
		// mail: an account (a typo would lose the list's mail in silence).
		// Other hosted domains are other tenants: their addresses are
		// taken as given, like the internet's.
		if md == d.Name {
			switch _, err := s.Store.AccountByAddress(ctx, m); {
			case errors.Is(err, store.ErrNotFound):
				return invalid("members", "unknown_member", m)
			case err != nil:
				return fmt.Errorf("member %s: %w", m, err)
			}
		}
		seen[m] = true
		members = append(members, m)
	}
	l.LocalPart, l.Name, l.Members, l.MembersOnly = local, name, members, in.MembersOnly
	return nil
}

// listWriteError turns the store's refusal of a list's address into the
// reason the administrator reads: taken by an account, or by a list.
func (s *Service) listWriteError(ctx context.Context, d *store.Domain, l *store.List, err error) error {
	switch {
	case errors.Is(err, store.ErrExists):
		if _, aerr := s.Store.AccountByAddress(ctx, l.LocalPart+"@"+d.Name); aerr == nil {
			return invalid("address", "address_is_account", l.LocalPart+"@"+d.Name)
		}
		return invalid("address", "list_exists", l.LocalPart+"@"+d.Name)
	case errors.Is(err, store.ErrInvalid):
		return invalid("address", "invalid_address", l.LocalPart+"@"+d.Name)
	}
	return fmt.Errorf("list %s@%s: %w", l.LocalPart, d.Name, err)
}
