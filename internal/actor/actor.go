// Package actor names who acts in a service call. Every service method
// takes an Actor, and the service decides from it what may be seen and
// changed (tenancy is checked there, once); adapters only say who
// authenticated. It holds no rules of its own.
package actor

import "postroom/internal/store"

// Role is what an actor is: a mail user, the administrator of one domain,
// the system operator who manages domains, or the server itself acting
// for an account (delivery, a scheduled send, a mailbox copy).
type Role string

const (
	RoleUser        Role = "user"
	RoleDomainAdmin Role = "admin"
	RoleOperator    Role = "operator"
	RoleSystem      Role = "system"
)

// Actor is who acts.
type Actor struct {
	Role       Role
	AccountID  int64  // a user's or domain administrator's account; the account the system acts for
	DomainID   int64  // that account's domain
	OperatorID int64  // an operator who logged in (0 for the command line)
	Name       string // the address or operator name, for logs and audits
	// Remote is the client's IP address when the call came over the
	// network (the web, a token), for the audit log; "" from the
	// command line and for the system.
	Remote string
}

// IsOperator reports whether a manages the whole installation.
func (a Actor) IsOperator() bool { return a.Role == RoleOperator }

// OwnAccount is the account the actor acts on as itself: a user's or a
// domain administrator's own (its settings, rules, mail clients). The
// operator and the system have none: false.
func (a Actor) OwnAccount() (int64, bool) {
	if (a.Role == RoleUser || a.Role == RoleDomainAdmin) && a.AccountID != 0 {
		return a.AccountID, true
	}
	return 0, false
}

// User is a logged-in account: a domain administrator when its
// administrator flag is on, else a user. Either acts on its own mail.
func User(acct *store.Account) Actor {
	role := RoleUser
	if acct.Admin {
		role = RoleDomainAdmin
	}
	return Actor{Role: role, AccountID: acct.ID, DomainID: acct.DomainID, Name: acct.Address()}
}

// Operator is a logged-in system operator.
func Operator(o *store.Operator) Actor {
	return Actor{Role: RoleOperator, OperatorID: o.ID, Name: o.Name}
}

// System is the server acting on an account's mail for a reason of its
// own (delivery, a queued send, an administrator's mailbox copy): never
// the user, so nothing it does counts as the user reading or sending.
func System(accountID int64, why string) Actor {
	return Actor{Role: RoleSystem, AccountID: accountID, Name: why}
}

// CommandLine is the postroom command run on the data directory: whoever
// can read the database owns the installation, so it acts as an operator.
var CommandLine = Actor{Role: RoleOperator, Name: "command line"}

// Token is a program acting for a domain through the integration API
// with one of its tokens (M14): the domain's administrator for the
// routes that take a token, without an account of its own (so it has
// no mail, settings or tokens of its own).
func Token(domainID int64, name string) Actor {
	return Actor{Role: RoleDomainAdmin, DomainID: domainID, Name: "token " + name}
}
