package auth

// A user changes his own password (S7): with the current one, from a web
// session. The new password holds at once on every protocol (the login
// checks read the stored hash; Recheck ends IMAP, POP3 and SMTP sessions
// opened with the old one at their next command), the account's other
// web sessions end in the same transaction, and the session that made
// the change stays.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"postroom/internal/events"
	"postroom/internal/store"
)

// PasswordStore is what changing a password reads and writes.
type PasswordStore interface {
	Account(ctx context.Context, id int64) (*store.Account, error)
	AccountByAddress(ctx context.Context, address string) (*store.Account, error)
	store.PasswordStore
	store.PasswordResetStore
}

// Passwords is users' own password changes: with the current password
// (S7) or with a reset link mailed to the recovery address (S1,
// password_reset.go). Store and Sessions are required; Policies nil is
// DefaultPasswordPolicy; the reset needs Mailer and Recovery.
type Passwords struct {
	Store    PasswordStore
	Sessions *Sessions // its Authenticator's budgets and clock, its events
	Policies PasswordPolicies
	Reset    ResetConfig

	pending sync.WaitGroup // reset links being sent (password_reset.go)
}

// Change sets the session's account's password to newPassword once
// current is its password (ErrWrongPassword, counted as a failed login
// in the budgets of limits.go so that a session left open cannot be used
// to guess it) and the domain's policy admits the new one (a
// *PolicyError). The account's other web sessions end; sess stays.
func (p *Passwords) Change(ctx context.Context, sess *Session, c Client, current, newPassword string) error {
	if sess.IsOperator() {
		return ErrNoSession // the operator's password is the command line's
	}
	acct, err := p.Store.Account(ctx, sess.Actor.AccountID)
	if err != nil {
		return fmt.Errorf("change the password of %s: %w", sess.Actor.Name, err)
	}
	if err := p.Sessions.Auth.checkCurrent(ctx, acct, current, c); err != nil {
		return err
	}
	return p.set(ctx, acct, newPassword, sess.hash, "its user")
}

// set checks newPassword against the policy and saves it, ending every
// web session of the account but keep (a token hash, "" for none).
func (p *Passwords) set(ctx context.Context, acct *store.Account, newPassword, keep, by string) error {
	pol, err := policyOf(ctx, p.Policies, acct.DomainID)
	if err != nil {
		return err
	}
	if err := pol.check(acct, newPassword); err != nil {
		return err
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	if err := p.Store.SetAccountPassword(ctx, acct.ID, hash, keep, credential(hash)); err != nil {
		return fmt.Errorf("change the password of %s: %w", acct.Address(), err)
	}
	// the account's event streams check their sessions, on every node;
	// IMAP, POP3 and SMTP sessions end at their next command (Recheck)
	if ev := p.Sessions.Events; ev != nil {
		ev.Publish(events.Event{Kind: events.AccountChange, AccountID: acct.ID})
		ev.Publish(events.Event{Kind: events.SessionEnd, AccountID: acct.ID})
	}
	p.Sessions.log().Info("password changed", "account", acct.Address(), "by", by)
	return nil
}

// checkCurrent checks the current password within the failed-login
// budgets: a wrong one spends them as a failed login does.
func (a *Authenticator) checkCurrent(ctx context.Context, acct *store.Account, password string, c Client) error {
	ip := c.IP()
	known, err := a.known(ctx, acct.ID, ip)
	if err != nil {
		return fmt.Errorf("check the password of %s: %w", acct.Address(), err)
	}
	res, err := a.reserve(ctx, a.Limits.withDefaults().budgets(acct.Address(), ip, known))
	if err != nil {
		return err
	}
	ok, err := a.checkPassword(ctx, acct.PasswordHash, password)
	if err != nil {
		res.takeBack(ctx)
		return err
	}
	if !ok {
		return ErrWrongPassword
	}
	res.succeeded(ctx)
	return nil
}

// IsPolicyError reports whether err is a refusal of the policy.
func IsPolicyError(err error) (*PolicyError, bool) {
	var pe *PolicyError
	ok := errors.As(err, &pe)
	return pe, ok
}
