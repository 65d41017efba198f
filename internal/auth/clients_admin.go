package auth

// An administrator hands out a user's client setup (issue 19, P8): the
// same answer the user sees under Settings > Mail server information,
// for the administrator's own domain only.

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// SetupOf is the client setup of the account accountID, for a domain
// administrator of its domain. Another domain's account is
// store.ErrNotFound, exactly like one that does not exist; anyone but a
// domain administrator with an account of his own is ErrNotAUser.
func (c *Clients) SetupOf(ctx context.Context, a actor.Actor, accountID int64) (*ClientSetup, error) {
	if a.Role != actor.RoleDomainAdmin || a.AccountID == 0 {
		return nil, ErrNotAUser
	}
	acct, err := c.Store.Account(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("client setup of account %d: %w", accountID, err)
	}
	if acct.DomainID != a.DomainID {
		return nil, fmt.Errorf("client setup of account %d: another domain's: %w", accountID, store.ErrNotFound)
	}
	return c.setup(acct), nil
}
