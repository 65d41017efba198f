package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"postroom/internal/store"
)

// Self-configuring mail clients (P8): Thunderbird's autoconfig and
// Outlook's autodiscover ask, before any login, how to reach the mail of
// an address. They are told this server's endpoints, with the address
// itself as the login.

// ErrNotHosted: the address's domain is not one this server hosts.
var ErrNotHosted = errors.New("auth: not a hosted domain")

// DomainSetup is what a client discovering its settings is told for
// address. Only a hosted domain is answered, and the answer is the same
// whether or not the account exists: the discovery endpoints are public
// and must not tell which addresses are real.
func (c *Clients) DomainSetup(ctx context.Context, address string) (*ClientSetup, error) {
	address = strings.ToLower(strings.TrimSpace(address))
	at := strings.LastIndexByte(address, '@')
	if at <= 0 || at == len(address)-1 || strings.ContainsAny(address, " \t\r\n<>\"") {
		return nil, fmt.Errorf("%q: %w", address, ErrNotHosted)
	}
	if _, err := c.Store.Domain(ctx, address[at+1:]); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%q: %w", address, ErrNotHosted)
		}
		return nil, fmt.Errorf("client setup of %q: %w", address, err)
	}
	return &ClientSetup{Login: address, Address: address, ClientsAllowed: true, Servers: c.Servers}, nil
}
