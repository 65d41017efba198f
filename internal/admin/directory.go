package admin

import (
	"context"
	"fmt"
	"sort"

	"postroom/internal/actor"
)

// Entry is one colleague in the address directory.
type Entry struct {
	Name    string // display name, may be empty
	Address string
}

// Directory is the address directory a user sees when writing mail (E3):
// the enabled accounts of his own domain, by name, never another domain's
// (X1). The operator has no domain, and no directory.
func (s *Service) Directory(ctx context.Context, p actor.Actor) ([]Entry, error) {
	if (p.Role != actor.RoleUser && p.Role != actor.RoleDomainAdmin) || p.DomainID == 0 {
		return nil, ErrForbidden
	}
	accts, err := s.Store.Accounts(ctx, p.DomainID)
	if err != nil {
		return nil, fmt.Errorf("directory of domain %d: %w", p.DomainID, err)
	}
	out := []Entry{}
	for _, a := range accts {
		if a.Enabled {
			out = append(out, Entry{Name: a.DisplayName, Address: a.Address()})
		}
	}
	// by name; the store lists by address, which orders equal names
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
