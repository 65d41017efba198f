package store

import "context"

// ClientPolicyStore saves what an account's owner decides about his mail
// clients (S6): whether they may log in at all (P7) and what a POP3
// client's delete does (P4). Only these two fields are written, so that
// an administrator's change of anything else made meanwhile (a new
// password, a quota) is never undone by the user's switch.
type ClientPolicyStore interface {
	// SetClientPolicy saves Account.ClientAccess and Account.POP3Delete
	// (POP3Keep, POP3Trash or POP3Delete, else ErrInvalid). ErrNotFound.
	SetClientPolicy(ctx context.Context, accountID int64, clientAccess bool, pop3Delete string) error
}
