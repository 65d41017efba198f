package admin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/message"
	"postroom/internal/store"
)

// MinPasswordLength is the shortest password an administrator may set
// while the domain's console chose no password level (a user choosing
// his own needs auth.DefaultPasswordPolicy's 10); a level sets its own
// for everyone (auth.PasswordLevels, M11).
const MinPasswordLength = 8

// maxNameLength bounds a display name (it goes into From headers).
const maxNameLength = 100

// NewAccount is what creating an account takes.
type NewAccount struct {
	Address  string // full address; its domain must be hosted here
	Password string
	Name     string // display name, optional
	Quota    int64  // bytes; 0 = unlimited
	Admin    bool   // domain administrator
	// RecoveryEmail is where a password reset link goes ("" none): the
	// user's own setting, which he may change (recovery.go).
	RecoveryEmail string
	// Domain, when set, is the domain the caller is working in (a console
	// page of that domain): the address must belong to it.
	Domain string
}

// CreateAccount creates a mail account with its standard folders. The
// operator may create one in any domain, a domain administrator in his
// own. Language and time zone come from the domain's defaults.
func (s *Service) CreateAccount(ctx context.Context, p actor.Actor, n NewAccount) (*store.Account, error) {
	if p.Role != actor.RoleOperator && p.Role != actor.RoleDomainAdmin {
		return nil, ErrForbidden
	}
	address := strings.ToLower(strings.TrimSpace(n.Address))
	local, domain, ok := message.SplitAddress(address)
	if !ok || !validLocalPart(local) || !ValidDomainName(domain) {
		return nil, invalid("email", "invalid_address", n.Address)
	}
	if n.Domain != "" && !strings.EqualFold(domain, n.Domain) {
		return nil, invalid("email", "wrong_domain", n.Address)
	}
	name := strings.TrimSpace(n.Name)
	if err := checkName(name); err != nil {
		return nil, err
	}
	if n.Quota < 0 {
		return nil, invalid("quota", "invalid_quota", fmt.Sprint(n.Quota))
	}
	d, err := s.domainFor(ctx, p, domain)
	if errors.Is(err, ErrNotFound) {
		return nil, invalid("email", "domain_not_hosted", domain)
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkUserLimit(ctx, d); err != nil {
		return nil, err
	}
	if err := s.checkNotAList(ctx, d, local); err != nil {
		return nil, err
	}
	recovery, err := s.checkRecovery(n.RecoveryEmail, address)
	if err != nil {
		return nil, err
	}
	if err := s.checkNewPassword(ctx, d.ID, local, n.Password); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	a := &store.Account{DomainID: d.ID, LocalPart: local, DisplayName: name, PasswordHash: hash,
		QuotaBytes: n.Quota, Enabled: true, ClientAccess: true, Admin: n.Admin}
	switch err := s.Store.CreateAccount(ctx, a); {
	case errors.Is(err, store.ErrExists):
		return nil, invalid("email", "account_exists", address)
	case errors.Is(err, store.ErrInvalid):
		return nil, invalid("email", "invalid_address", n.Address)
	case err != nil:
		return nil, fmt.Errorf("create %s: %w", address, err)
	}
	if recovery != "" {
		if _, err := s.Recovery.SetRecoveryEmail(ctx, a.ID, recovery); err != nil {
			return nil, fmt.Errorf("created %s, but not its recovery e-mail: %w", address, err)
		}
	}
	s.audit(ctx, p, d.ID, "user.create", a.Address(), map[string]any{"name": name, "quota": n.Quota, "admin": n.Admin})
	return a, nil
}

// checkNotAList refuses an account at a mailing list's address: the
// account would take the list's mail (resolution finds accounts first)
// and the list would silently stop receiving. The store refuses the
// other way round (a list at an account's address) itself.
func (s *Service) checkNotAList(ctx context.Context, d *store.Domain, local string) error {
	switch _, err := s.Store.ListByLocalPart(ctx, d.ID, local); {
	case err == nil:
		return invalid("email", "address_taken_by_list", local+"@"+d.Name)
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("lists of %s: %w", d.Name, err)
	}
	return nil
}

// checkUserLimit refuses a new account in d once it has the operator's
// limit of accounts (issue 16): user_limit, the domain's name as value.
// Two creations at once may both pass; the limit is the operator's
// budget, not a security boundary.
func (s *Service) checkUserLimit(ctx context.Context, d *store.Domain) error {
	if d.MaxUsers <= 0 {
		return nil
	}
	accts, err := s.Store.Accounts(ctx, d.ID)
	if err != nil {
		return fmt.Errorf("the accounts of %s: %w", d.Name, err)
	}
	if len(accts) >= d.MaxUsers {
		return invalid("email", "user_limit", d.Name)
	}
	return nil
}

// Accounts lists a domain's accounts with their usage, for the operator
// or the domain's administrator.
func (s *Service) Accounts(ctx context.Context, p actor.Actor, domain string) ([]store.Account, error) {
	d, err := s.domainFor(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	return s.Store.Accounts(ctx, d.ID)
}

// SetPassword replaces an account's password (the operator, or the
// administrator of the account's domain). Every login made with the old
// one ends: web sessions at once, mail clients at their next command.
func (s *Service) SetPassword(ctx context.Context, p actor.Actor, address, password string) error {
	a, err := s.account(ctx, p, address)
	if err != nil {
		return err
	}
	if err := s.checkNewPassword(ctx, a.DomainID, a.LocalPart, password); err != nil {
		return err
	}
	if a.PasswordHash, err = auth.HashPassword(password); err != nil {
		return err
	}
	if err := s.Store.UpdateAccount(ctx, a); err != nil {
		return fmt.Errorf("update %s: %w", a.Address(), err)
	}
	s.accountChanged(a.ID)
	// the field's name only: neither the password nor its hash
	s.audit(ctx, p, a.DomainID, "user.update", a.Address(), map[string]any{"fields": []string{"password"}})
	return nil
}

// Account finds an account the actor manages (with its usage): the
// operator any, a domain administrator one of his domain.
func (s *Service) Account(ctx context.Context, p actor.Actor, address string) (*store.Account, error) {
	return s.account(ctx, p, address)
}

func (s *Service) account(ctx context.Context, p actor.Actor, address string) (*store.Account, error) {
	_, domain, ok := message.SplitAddress(strings.ToLower(strings.TrimSpace(address)))
	if !ok {
		return nil, invalid("email", "invalid_address", address)
	}
	if _, err := s.domainFor(ctx, p, domain); err != nil {
		return nil, err
	}
	a, err := s.Store.AccountByAddress(ctx, address)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", address, err)
	}
	return a, nil
}

func checkName(name string) error {
	if utf8.RuneCountInString(name) > maxNameLength {
		return invalid("name", "name_too_long", "")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return invalid("name", "invalid_characters", name)
		}
	}
	return nil
}

// validLocalPart accepts a dot-atom (RFC 5321 §4.1.2): ASCII atext and,
// as RFC 6531 allows with SMTPUTF8, letters and digits of any script
// (홍길동@example.co.kr); at most 64 octets.
func validLocalPart(local string) bool {
	if local == "" || len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".!#$%&'*+-/=?^_`{|}~", r):
		case r > 127 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)):
		default:
			return false
		}
	}
	return true
}
