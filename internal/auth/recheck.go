package auth

// A protocol session (IMAP, POP3, SMTP submission) holds its login for as
// long as the client stays connected. Before each command it asks
// Recheck whether that login still holds, so that suspending an account,
// removing it, turning its mail clients off or changing its password ends
// its sessions at their next command, whichever process made the change
// (the command line while the server runs, another node). The web's
// sessions are checked at every use the same way (session.go).

import (
	"context"
	"errors"
	"fmt"

	"postroom/internal/store"
)

// ErrLoginEnded: a session's login no longer holds. The error also wraps
// why when there is a word for it (ErrSuspended, ErrClientAccessOff);
// adapters end the session (IMAP BYE, POP3 -ERR [AUTH], SMTP 421 4.7.0).
var ErrLoginEnded = errors.New("auth: the login has ended (account suspended or removed, or its password changed)")

// Recheck reports whether the login that returned acct (Login's account,
// as it was then) still holds for protocol p: nil while it does, an error
// wrapping ErrLoginEnded once the account is removed or suspended (or
// its domain put on hold), its password changed or, for mail clients,
// their use turned off; another error when the store cannot tell (the
// adapter answers a temporary failure and keeps the session).
func (a *Authenticator) Recheck(ctx context.Context, acct *store.Account, p Protocol) error {
	now, err := a.Store.Account(ctx, acct.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %s was removed", ErrLoginEnded, acct.Address())
	case err != nil:
		return fmt.Errorf("recheck the login of %s: %w", acct.Address(), err)
	}
	if err := a.suspended(ctx, now); errors.Is(err, ErrSuspended) {
		return fmt.Errorf("%w: %w", ErrLoginEnded, err)
	} else if err != nil {
		return fmt.Errorf("recheck the login of %s: %w", acct.Address(), err)
	}
	switch {
	case !p.Web() && !now.ClientAccess:
		return fmt.Errorf("%w: %w", ErrLoginEnded, ErrClientAccessOff)
	case now.PasswordHash != acct.PasswordHash:
		return fmt.Errorf("%w: the password of %s was changed", ErrLoginEnded, acct.Address())
	}
	return nil
}
