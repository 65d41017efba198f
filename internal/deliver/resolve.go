package deliver

import (
	"context"
	"errors"
	"strings"

	"postroom/internal/store"
)

// Recipient is a resolved local recipient.
type Recipient struct {
	Address string // as given in RCPT TO
	Account *store.Account
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
	local, err := p.IsLocalDomain(ctx, domain)
	if err != nil {
		return nil, temporary(err)
	}
	if !local {
		return nil, ErrRelayDenied
	}
	acct, err := p.Store.AccountByAddress(ctx, addr)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnknownRecipient
	}
	if err != nil {
		return nil, temporary(err)
	}
	if !acct.Enabled {
		return nil, ErrSuspended
	}
	if acct.QuotaBytes > 0 && acct.Usage.Bytes+max(size, 1) > acct.QuotaBytes {
		return nil, ErrOverQuota
	}
	return &Recipient{Address: addr, Account: acct}, nil
}
