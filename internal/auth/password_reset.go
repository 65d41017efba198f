package auth

// "Forgot password" (S1): the login page asks for a link by address; the
// link goes to the account's recovery address and sets a new password
// once, within ResetConfig.TTL.
//
// Invariants:
//   - The answer to a request is the same whether or not the address
//     exists, is enabled or has a recovery address, and comes as soon
//     (RequestReset returns nil for all before looking the address up;
//     only the budgets refuse, and they count every request alike).
//   - Only the SHA-256 of a token is stored; using it removes every token
//     of the account, so a link works once, even when two uses race.
//   - A reset ends every web session of the account, and protocol
//     sessions at their next command (Recheck sees the new hash).

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"postroom/internal/compose"
	"postroom/internal/store"
)

// ErrInvalidToken: the reset link is unknown, used or expired.
var ErrInvalidToken = errors.New("auth: the password reset link is not valid")

// ResetConfig is the wiring of the reset flow.
type ResetConfig struct {
	// Mail sends a message the server writes to an address (the outbound
	// queue, which delivers hosted addresses locally).
	Mail func(ctx context.Context, to string, raw []byte) error
	// Recovery reads the account's recovery address ("" for none): the
	// settings service.
	Recovery func(ctx context.Context, accountID int64) (string, error)
	// Link is the address of the page that takes the token (the webmail's
	// #/reset/TOKEN).
	Link func(token string) string
	// TTL is how long a link works (0: DefaultResetTTL).
	TTL time.Duration
	// PerAddress and PerIP bound the requests per address asked for and
	// per source address (IPv6 /64) in Window (0: the defaults below).
	PerAddress, PerIP int
	Window            time.Duration
}

// Defaults of the reset flow.
const (
	DefaultResetTTL        = 30 * time.Minute
	DefaultResetPerAddress = 3
	DefaultResetPerIP      = 10
	DefaultResetWindow     = time.Hour
)

func (c ResetConfig) withDefaults() ResetConfig {
	if c.TTL <= 0 {
		c.TTL = DefaultResetTTL
	}
	if c.PerAddress <= 0 {
		c.PerAddress = DefaultResetPerAddress
	}
	if c.PerIP <= 0 {
		c.PerIP = DefaultResetPerIP
	}
	if c.Window <= 0 {
		c.Window = DefaultResetWindow
	}
	return c
}

// RequestReset mails a reset link for address to its account's recovery
// address, when there is one. Its answer does not tell whether there
// is, by what it says or by when: nil in every case but a spent budget
// (an error wrapping ErrTooManyFailures, with its wait) or a failing
// store, and the link is made and sent after it returns (Wait).
func (p *Passwords) RequestReset(ctx context.Context, address string, c Client) error {
	cfg := p.Reset.withDefaults()
	auth := p.Sessions.Auth
	address = strings.ToLower(strings.TrimSpace(address))
	now := p.Sessions.now()
	since := now.Add(-cfg.Window)
	budgets := []budget{{key: "reset-address:" + address, max: cfg.PerAddress}}
	if g := addressGroup(c.IP()); g != "" {
		budgets = append(budgets, budget{key: "reset-ip:" + g, max: cfg.PerIP})
	}
	for _, b := range budgets {
		n, err := auth.Store.Hits(ctx, b.key, since)
		if err != nil {
			return fmt.Errorf("password reset budgets: %w", err)
		}
		if n >= b.max {
			return tryLater(ErrTooManyFailures, cfg.Window)
		}
	}
	for _, b := range budgets {
		if _, err := auth.Store.AddHits(ctx, b.key, 1, now, since); err != nil {
			return fmt.Errorf("password reset budgets: %w", err)
		}
	}
	// The rest runs after the answer, so that its time (a lookup, or a
	// token, a message and an fsync) does not tell whether the address
	// has an account; a failure is the server's log's, not the asker's.
	p.pending.Add(1)
	go func() {
		defer p.pending.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := p.mailLink(ctx, address, now, cfg.TTL); err != nil {
			p.Sessions.log().Error("password reset link not sent", "err", err)
		}
	}()
	return nil
}

// Wait returns once the reset links asked for so far are handed to the
// outbound queue (tests; a server may let them go at shutdown: the user
// asks again).
func (p *Passwords) Wait() { p.pending.Wait() }

// mailLink sends a reset link for address to its account's recovery
// address, when it has an enabled account with one.
func (p *Passwords) mailLink(ctx context.Context, address string, now time.Time, ttl time.Duration) error {
	acct, err := p.Store.AccountByAddress(ctx, address)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !acct.Enabled) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("password reset for %s: %w", address, err)
	}
	to, err := p.Reset.Recovery(ctx, acct.ID)
	if err != nil {
		return fmt.Errorf("password reset for %s: %w", address, err)
	}
	if to == "" {
		p.Sessions.log().Info("password reset asked for an account without a recovery address", "account", acct.Address())
		return nil
	}
	token := randomToken()
	if err := p.Store.CreatePasswordReset(ctx, tokenHash(token), acct.ID, now.Add(ttl)); err != nil {
		return fmt.Errorf("password reset for %s: %w", address, err)
	}
	raw, err := resetMessage(acct, to, p.Reset.Link(token), ttl, now)
	if err != nil {
		return fmt.Errorf("password reset for %s: %w", address, err)
	}
	if err := p.Reset.Mail(ctx, to, raw); err != nil {
		return fmt.Errorf("password reset for %s: %w", address, err)
	}
	// the recovery address is the user's own secret: not logged
	p.Sessions.log().Info("password reset link sent", "account", acct.Address())
	return nil
}

// ConfirmReset sets the password of the token's account (the policy
// applies: a *PolicyError leaves the token usable) and ends all its
// sessions. ErrInvalidToken when the token is unknown, used or expired.
func (p *Passwords) ConfirmReset(ctx context.Context, token, newPassword string) error {
	now := p.Sessions.now()
	h := tokenHash(token)
	id, err := p.Store.PasswordReset(ctx, h, now)
	if errors.Is(err, store.ErrNotFound) {
		return ErrInvalidToken
	}
	if err != nil {
		return fmt.Errorf("password reset: %w", err)
	}
	acct, err := p.Store.Account(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return ErrInvalidToken
	}
	if err != nil {
		return fmt.Errorf("password reset: %w", err)
	}
	pol, err := policyOf(ctx, p.Policies, acct.DomainID)
	if err != nil {
		return err
	}
	if err := pol.check(acct, newPassword); err != nil {
		return err
	}
	if _, err := p.Store.UsePasswordReset(ctx, h, now); errors.Is(err, store.ErrNotFound) {
		return ErrInvalidToken // used by a racing request, or expired meanwhile
	} else if err != nil {
		return fmt.Errorf("password reset: %w", err)
	}
	return p.set(ctx, acct, newPassword, "", "a reset link")
}

// resetMessage is the mail that carries the link, in the account's
// language, from the domain's postmaster.
func resetMessage(acct *store.Account, to, link string, ttl time.Duration, now time.Time) ([]byte, error) {
	mins := int(ttl / time.Minute)
	subject := "[Postroom] 비밀번호 재설정"
	text := fmt.Sprintf("%s 계정의 비밀번호를 재설정하려면 아래 링크를 여세요. 링크는 %d분 동안 한 번만 쓸 수 있습니다.\r\n\r\n%s\r\n\r\n"+
		"요청하지 않았다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.\r\n", acct.Address(), mins, link)
	if acct.Language == "en" {
		subject = "[Postroom] Reset your password"
		text = fmt.Sprintf("To choose a new password for %s, open the link below. It works once, for %d minutes.\r\n\r\n%s\r\n\r\n"+
			"If you did not ask for this, ignore this message: your password stays as it is.\r\n", acct.Address(), mins, link)
	}
	loc, err := time.LoadLocation(acct.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	m, err := compose.Build(&compose.Draft{From: store.Address{Name: "Postroom", Addr: "postmaster@" + acct.Domain},
		To: []store.Address{{Addr: to}}, Subject: subject, Text: text, Date: now.In(loc),
		// RFC 3834 §5: a message the server generates, not to be answered automatically
		Extra: []compose.Field{{Name: "Auto-Submitted", Value: "auto-generated"}}})
	if err != nil {
		return nil, err
	}
	return m.Raw, nil
}
