package deliver

import (
	"cmp"
	"context"
	"errors"
	"strings"

	"postroom/internal/store"
)

// Recipient is a resolved local recipient: an address and the accounts
// it reaches, its own, or for postmaster@ a hosted domain that has no
// account of that name, the domain's administrators (RFC 5321 §4.5.1):
// Account is the first of them, Also the others.
type Recipient struct {
	Address string // as given in RCPT TO
	Account *store.Account
	Also    []*store.Account
	// SRS is, for an SRS address of a message forwarded from here, the
	// original sender it goes back to (srs.go); Account is then nil.
	SRS string
	// List is, for a mailing list's address, the list (lists.go); Account
	// is then nil until deliverAll expands it into its members.
	List *store.List
}

// accounts are the accounts the recipient reaches, each on its own.
func (r *Recipient) accounts() []*Recipient {
	var out []*Recipient
	if r.Account != nil { // nil for a list none of whose members is hosted
		out = append(out, &Recipient{Address: r.Address, Account: r.Account})
	}
	for _, a := range r.Also {
		out = append(out, &Recipient{Address: r.Address, Account: a})
	}
	return out
}

// SplitAddress splits local@domain; the domain is lower-cased. ok is false
// for anything that is not one local part and one domain.
func SplitAddress(addr string) (local, domain string, ok bool) {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return "", "", false
	}
	local, domain = addr[:at], strings.ToLower(addr[at+1:])
	if strings.ContainsAny(addr, " <>") || strings.Contains(domain, "..") {
		return "", "", false
	}
	for _, r := range addr {
		if r < 0x20 || r == 0x7f { // control characters, NUL included
			return "", "", false
		}
	}
	return local, domain, true
}

// IsLocalDomain reports whether the domain is hosted here.
func (p *Pipeline) IsLocalDomain(ctx context.Context, domain string) (bool, error) {
	_, err := p.Store.Domain(ctx, domain)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Resolve decides whether a hosted address can receive a message of about
// size bytes (0 = unknown). The domain must be hosted (check IsLocalDomain
// first; an unhosted domain is ErrRelayDenied here).
func (p *Pipeline) Resolve(ctx context.Context, addr string, size int64) (*Recipient, error) {
	_, domain, ok := SplitAddress(addr)
	if !ok {
		return nil, ErrBadAddress
	}
	d, err := p.Store.Domain(ctx, domain)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, ErrRelayDenied
	case err != nil:
		return nil, temporary(err)
	case d.Suspended:
		// The operator's hold (issue 16) refuses every address of the
		// domain as a suspended account is refused.
		return nil, ErrSuspended
	}
	if r := p.resolveSRS(ctx, addr); r != nil {
		return r, nil
	}
	acct, err := p.Store.AccountByAddress(ctx, addr)
	if errors.Is(err, store.ErrNotFound) {
		if r, err := p.resolveList(ctx, addr); r != nil || err != nil {
			return r, err
		}
	}
	if errors.Is(err, store.ErrNotFound) && isPostmaster(addr) {
		return p.postmaster(ctx, addr, domain, size)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnknownRecipient
	}
	if err != nil {
		return nil, temporary(err)
	}
	if err := canReceive(acct, size); err != nil {
		return nil, err
	}
	return &Recipient{Address: addr, Account: acct}, nil
}

// canReceive refuses a suspended account and one a message of size bytes
// would take over its quota.
func canReceive(acct *store.Account, size int64) error {
	if !acct.Enabled {
		return ErrSuspended
	}
	if acct.QuotaBytes > 0 && acct.Usage.Bytes+max(size, 1) > acct.QuotaBytes {
		return ErrOverQuota
	}
	return nil
}

// isPostmaster reports whether addr's local part is postmaster, in any
// case (RFC 5321 §4.5.1).
func isPostmaster(addr string) bool {
	local, _, _ := SplitAddress(addr)
	return strings.EqualFold(local, "postmaster")
}

// postmaster resolves postmaster@domain, when no account has that name, to
// the domain's administrators who can receive the message: RFC 5321
// §4.5.1 requires the address on every domain a server receives mail for.
// A domain without one is refused as an unknown recipient; when every one
// is suspended or full, the first's refusal.
func (p *Pipeline) postmaster(ctx context.Context, addr, domain string, size int64) (*Recipient, error) {
	d, err := p.Store.Domain(ctx, domain)
	if err != nil {
		return nil, temporary(err)
	}
	accts, err := p.Store.Accounts(ctx, d.ID)
	if err != nil {
		return nil, temporary(err)
	}
	var r *Recipient
	var refused error
	for i := range accts {
		a := &accts[i]
		if !a.Admin {
			continue
		}
		if err := canReceive(a, size); err != nil {
			refused = cmp.Or(refused, err)
			continue
		}
		if r == nil {
			r = &Recipient{Address: addr, Account: a}
		} else {
			r.Also = append(r.Also, a)
		}
	}
	switch {
	case r != nil:
		return r, nil
	case refused != nil:
		return nil, refused
	}
	return nil, ErrUnknownRecipient
}
