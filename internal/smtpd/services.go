package smtpd

import (
	"context"
	"time"

	"postroom/internal/actor"
	"postroom/internal/deliver"
	"postroom/internal/send"
)

// Delivery is the delivery pipeline as the MX uses it (internal/deliver):
// mail from the internet for hosted addresses only; remote is the client's
// "host:port", from the envelope sender (a "members only" list refuses
// others than its members).
type Delivery interface {
	ResolveInboundFrom(ctx context.Context, remote, from, addr string, size int64) (*deliver.Recipient, error)
	Deliver(ctx context.Context, env *deliver.Envelope, raw []byte) ([]deliver.Result, error)
}

// Sending is the send service as submission uses it (internal/send): the
// webmail sends through the same recipient resolution and limits.
type Sending interface {
	NewEnvelope(ctx context.Context, a actor.Actor, from string) (*send.Envelope, error)
	AddRecipient(ctx context.Context, a actor.Actor, env *send.Envelope, addr string) error
	Submit(ctx context.Context, a actor.Actor, env *send.Envelope, t send.Trace, raw []byte) error
}

// Deadlines of the work a command starts (store lookups, password checks,
// delivery): a stuck backend then answers the client 451 instead of
// holding its connection for ever. RFC 5321 §4.5.3.2 has the client wait
// 5 minutes for MAIL and RCPT and 10 for the end of DATA.
const (
	commandTimeout = time.Minute // MAIL, RCPT, AUTH (a throttled login waits up to 30 s)
	dataTimeout    = 5 * time.Minute
)
