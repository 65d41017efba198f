package auth

// Mail clients (S6): what a user types into Outlook, Thunderbird or a
// phone to reach his mail, and his own two decisions about those
// clients: whether they may log in at all ("use mail clients", P7; Login
// and Recheck enforce it) and what a POP3 client's delete does (P4; the
// mailbox service applies it at QUIT).
//
// Invariant: a change is announced (events.AccountChange) only after it
// is committed, so that sessions holding a login check it again at once:
// IMAP IDLE ends with BYE when clients are turned off.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"postroom/internal/actor"
	"postroom/internal/config"
	"postroom/internal/events"
	"postroom/internal/store"
)

// ErrInvalidPOP3Delete: the POP3 delete behaviour is none of keep, trash
// and delete. Nothing was saved.
var ErrInvalidPOP3Delete = errors.New("auth: pop3_delete must be keep, trash or delete")

// ErrNotAUser: the actor has no account of its own (the operator, the
// server itself).
var ErrNotAUser = errors.New("auth: only a mail user has mail clients")

// Endpoint is one way a mail client reaches the server.
type Endpoint struct {
	Protocol string // "imap", "pop3" or "smtp" (submission)
	Host     string
	Port     int
	// Security is "tls" (TLS from the first byte, RFC 8314, the ports 993,
	// 995 and 465) or "starttls" (plain first, then STARTTLS or STLS: 143,
	// 110 and 587). Either way the password only crosses TLS.
	Security string
}

// Endpoints lists the listeners a mail client can use, as configured:
// implicit TLS first for each protocol (RFC 8314 §3 prefers it), turned
// off listeners left out. Clients are told hostname, the name the
// certificate is for, and each listener's port.
func Endpoints(hostname string, l config.Listen) []Endpoint {
	var out []Endpoint
	for _, e := range []struct {
		proto, security, addr string
	}{
		{"imap", "tls", l.IMAPS}, {"imap", "starttls", l.IMAP},
		{"pop3", "tls", l.POP3S}, {"pop3", "starttls", l.POP3},
		{"smtp", "tls", l.Submissions}, {"smtp", "starttls", l.Submission},
	} {
		if e.addr == "" {
			continue
		}
		_, p, err := net.SplitHostPort(e.addr)
		if err != nil {
			continue
		}
		port, err := strconv.Atoi(p)
		if err != nil || port <= 0 {
			continue
		}
		out = append(out, Endpoint{Protocol: e.proto, Host: hostname, Port: port, Security: e.security})
	}
	return out
}

// ClientSetup is what the Settings screen shows under "Mail server
// information" and what a configuration profile is made of.
type ClientSetup struct {
	Login          string // the user name clients send: the full address
	Address        string
	Name           string // display name, for the profile
	ClientsAllowed bool
	POP3Delete     string // store.POP3Keep, POP3Trash or POP3Delete
	Servers        []Endpoint
}

// ClientChange is the user's change; nil fields stay as they are.
type ClientChange struct {
	Allowed    *bool
	POP3Delete *string
}

// ClientStore is what Clients reads and writes.
type ClientStore interface {
	Account(ctx context.Context, id int64) (*store.Account, error)
	// Domain finds a hosted domain (DomainSetup, for clients that
	// configure themselves).
	Domain(ctx context.Context, name string) (*store.Domain, error)
	store.ClientPolicyStore
}

// Clients is the service of a user's mail clients. Store is required;
// Events nil announces nothing; Servers are the configured Endpoints.
type Clients struct {
	Store   ClientStore
	Events  events.Bus
	Servers []Endpoint
}

// own is the account the actor may see the clients of: his own.
func own(a actor.Actor) (int64, error) {
	if id, ok := a.OwnAccount(); ok {
		return id, nil
	}
	return 0, ErrNotAUser
}

// Setup is the actor's client setup.
func (c *Clients) Setup(ctx context.Context, a actor.Actor) (*ClientSetup, error) {
	id, err := own(a)
	if err != nil {
		return nil, err
	}
	acct, err := c.Store.Account(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("client setup of account %d: %w", id, err)
	}
	return c.setup(acct), nil
}

func (c *Clients) setup(acct *store.Account) *ClientSetup {
	pop := acct.POP3Delete
	if pop == "" {
		pop = store.POP3Keep
	}
	return &ClientSetup{Login: acct.Address(), Address: acct.Address(), Name: acct.DisplayName,
		ClientsAllowed: acct.ClientAccess, POP3Delete: pop, Servers: c.Servers}
}

// Change applies the actor's change of his own clients. An invalid
// value changes nothing. Turning clients off ends their sessions at once
// (through the AccountChange event and Recheck); the webmail's stay.
func (c *Clients) Change(ctx context.Context, a actor.Actor, ch ClientChange) (*ClientSetup, error) {
	id, err := own(a)
	if err != nil {
		return nil, err
	}
	if ch.POP3Delete != nil {
		switch *ch.POP3Delete {
		case store.POP3Keep, store.POP3Trash, store.POP3Delete:
		default:
			return nil, ErrInvalidPOP3Delete
		}
	}
	acct, err := c.Store.Account(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("client setup of account %d: %w", id, err)
	}
	if ch.Allowed != nil {
		acct.ClientAccess = *ch.Allowed
	}
	if ch.POP3Delete != nil {
		acct.POP3Delete = *ch.POP3Delete
	}
	if acct.POP3Delete == "" {
		acct.POP3Delete = store.POP3Keep
	}
	if err := c.Store.SetClientPolicy(ctx, id, acct.ClientAccess, acct.POP3Delete); err != nil {
		return nil, fmt.Errorf("client setup of %s: %w", acct.Address(), err)
	}
	if c.Events != nil {
		c.Events.Publish(events.Event{Kind: events.AccountChange, AccountID: id})
	}
	return c.setup(acct), nil
}
