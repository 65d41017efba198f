package admin

// One-time login links (M14): an administrator or a program holding one
// of the domain's API tokens asks for a link that signs a user of the
// domain into the webmail once, within minutes (auth.MaxLinkLife). The
// link's use is internal/auth's (Sessions.LoginWithLink); this file
// decides who may have one made.

import (
	"context"
	"fmt"
	"time"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
)

// LoginLink is a link made for an account: Secret goes into the URL
// given to the user's browser and is stored nowhere.
type LoginLink struct {
	Secret  string
	Account *store.Account
	Expires time.Time
}

func (s *Service) linkLife() time.Duration {
	if s.LinkLife <= 0 || s.LinkLife > auth.MaxLinkLife {
		return auth.MaxLinkLife
	}
	return s.LinkLife
}

// CreateLoginLink makes a login link for the account id of a domain the
// actor manages (another domain's is ErrNotFound). A suspended account
// gets none (account_disabled): its link could not be used.
func (s *Service) CreateLoginLink(ctx context.Context, p actor.Actor, id int64) (*LoginLink, error) {
	if p.Role != actor.RoleDomainAdmin && p.Role != actor.RoleOperator {
		return nil, ErrForbidden
	}
	acct, err := s.AccountByID(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !acct.Enabled {
		return nil, invalid("id", "account_disabled", acct.Address())
	}
	secret, hash, err := auth.NewLoginLink()
	if err != nil {
		return nil, err
	}
	now := s.now()
	// the links that expired are of no use to anyone: cleared on the way
	if _, err := s.Store.DeleteLoginLinks(ctx, now); err != nil {
		s.log().Warn("login links: clearing expired ones", "err", err)
	}
	l := &store.LoginLink{Hash: hash, AccountID: acct.ID, DomainID: acct.DomainID, CreatedBy: p.Name, Expires: now.Add(s.linkLife())}
	if err := s.Store.CreateLoginLink(ctx, l); err != nil {
		return nil, fmt.Errorf("login link for %s: %w", acct.Address(), err)
	}
	s.audit(ctx, p, acct.DomainID, "user.login_link", acct.Address(), map[string]any{"expires": l.Expires.UTC().Format(time.RFC3339)})
	return &LoginLink{Secret: secret, Account: acct, Expires: l.Expires}, nil
}
