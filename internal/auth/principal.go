package auth

import "postroom/internal/store"

// Role is what a principal may do: a mail user, the administrator of one
// domain, or the system operator who manages domains.
type Role string

const (
	RoleUser        Role = "user"
	RoleDomainAdmin Role = "admin"
	RoleOperator    Role = "operator"
)

// Principal is who acts in a service call. Services decide from it what
// the caller may see and change (tenancy is checked there, once), so
// every adapter passes the principal it authenticated.
type Principal struct {
	Role       Role
	AccountID  int64  // a user or domain administrator
	DomainID   int64  // the domain of that account
	OperatorID int64  // an operator who logged in (0 for the command line)
	Name       string // the address or operator name, for logs and audits
}

// IsOperator reports whether p manages the whole installation.
func (p Principal) IsOperator() bool { return p.Role == RoleOperator }

// AccountPrincipal is a logged-in account: a domain administrator when
// its administrator flag is on, else a user.
func AccountPrincipal(a *store.Account) Principal {
	role := RoleUser
	if a.Admin {
		role = RoleDomainAdmin
	}
	return Principal{Role: role, AccountID: a.ID, DomainID: a.DomainID, Name: a.Address()}
}

// OperatorPrincipal is a logged-in system operator.
func OperatorPrincipal(o *store.Operator) Principal {
	return Principal{Role: RoleOperator, OperatorID: o.ID, Name: o.Name}
}

// CommandLine is the principal of the postroom command run on the data
// directory: whoever can read the database owns the installation, so it
// acts as an operator.
var CommandLine = Principal{Role: RoleOperator, Name: "command line"}
