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
	"sync"

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
	// The epoch is read before the account: a change that commits in
	// between moves it past what is remembered below.
	epoch, err := a.Store.LoginEpoch(ctx)
	if err != nil {
		return fmt.Errorf("recheck the login of %s: %w", acct.Address(), err)
	}
	key := heldKey{accountID: acct.ID, passwordHash: acct.PasswordHash, web: p.Web()}
	if a.held.holds(epoch, key) {
		return nil
	}
	if err := a.recheck(ctx, acct, p); err != nil {
		return err
	}
	a.held.add(epoch, key)
	return nil
}

// recheck is Recheck's full check, against the account as it is now.
func (a *Authenticator) recheck(ctx context.Context, acct *store.Account, p Protocol) error {
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

// heldMax bounds the logins remembered as holding (about 100 bytes each);
// past it they are forgotten at once and checked again in full.
const heldMax = 50000

// heldKey is one login as Recheck checks it: the account, the password
// hash it logged in with, and whether it is a web login (the mail-client
// switch does not apply to those).
type heldKey struct {
	accountID    int64
	passwordHash string
	web          bool
}

// held remembers the logins found to hold at one login epoch
// (store.AccountStore.LoginEpoch): most commands of a session then cost
// one read of a one-row table instead of reading the account and its
// domain. It is a cache of the store, valid only while the epoch it was
// filled at is the store's, so a change made by another process or node
// ends a session at its next command all the same.
type held struct {
	mu    sync.Mutex
	epoch int64
	keys  map[heldKey]struct{}
}

func (h *held) holds(epoch int64, k heldKey) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if epoch != h.epoch {
		return false
	}
	_, ok := h.keys[k]
	return ok
}

func (h *held) add(epoch int64, k heldKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if epoch != h.epoch || h.keys == nil || len(h.keys) >= heldMax {
		// a different epoch (newer, or older: a slower check finishing
		// late) starts over, so that what is kept is of one epoch only
		h.epoch, h.keys = epoch, map[heldKey]struct{}{}
	}
	h.keys[k] = struct{}{}
}
