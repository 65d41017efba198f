package store

import (
	"context"
	"time"
)

// AuditStore keeps what administrators did (issue 16): the domain
// console's, the operator's and the integration API's changes, for the
// domain's administrators to read back.
type AuditStore interface {
	// RecordAudit stores e and sets its ID (At as given).
	RecordAudit(ctx context.Context, e *AuditEntry) error
	// AuditEntries lists the domain's entries newest first: those with
	// an ID below before (0: from the newest), at most limit.
	AuditEntries(ctx context.Context, domainID, before int64, limit int) ([]AuditEntry, error)
}

// AuditEntry is one administrator's action.
type AuditEntry struct {
	ID       int64
	DomainID int64  // the domain acted on; 0: the installation
	Actor    string // the address, operator name or "token NAME"
	Role     string // actor.Role
	Action   string // stable, dotted: "user.create", "list.delete", ...
	Target   string // what was acted on: an address, a list, a department
	Detail   string // JSON of the change, the action's own shape; never a secret
	Remote   string // the client's IP address; "" from the command line
	At       time.Time
}
