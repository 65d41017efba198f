// Package send is the send service (DESIGN.md): every message a user
// sends passes through it, from a mail client over SMTP submission or from
// the webmail. It decides who the recipients are (hosted here or on the
// internet) and how many there may be, when the message goes (at once,
// after the undo delay, at a scheduled time), takes back a message that
// waits (undo, cancel), and does what a send means for the rest of the
// mailbox: the original marked answered or forwarded, the draft it came
// from removed, its uploads kept for an undo. For the webmail it also
// builds the message from the compose screen's request, keeps the files
// uploaded for it, and saves and reopens its drafts.
//
// Sending itself is the delivery pipeline's Submit (hosted recipients,
// the Sent copy) and the outbound queue's (the internet, delayed and
// scheduled sends); mailbox changes go through internal/mail.
//
// Invariants:
//   - Every method takes the acting actor and works on that account's mail
//     only: another account's upload, message, draft or send is
//     store.ErrNotFound, exactly like one that does not exist.
//   - Undo and cancel state lives on the queue row in the store, never in
//     a process: an undo works after a restart and on any node, and a late
//     one is told that the message went.
//   - An undo stores the draft before it cancels the send: a failure
//     between the two leaves the draft and the message going (two copies
//     at worst), never neither.
package send

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"time"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/config"
	"postroom/internal/deliver"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// Service is the send service.
type Service struct {
	Store    store.Store
	Blobs    blob.Store
	Mail     *mail.Service
	Pipeline *deliver.Pipeline
	// MaxMessageSize and MaxRecipients bound one message (config
	// max_message_size and max_recipients; the config's defaults when 0).
	MaxMessageSize int64
	MaxRecipients  int
	// InternalRecipients lets users send to address literals and names
	// that are not on the internet (config allow_internal_recipients;
	// recipient_domain.go).
	InternalRecipients bool
	// UndoDelay is how long a message sent from the webmail waits so that
	// it can be undone (config undo_send; 0 sends at once).
	UndoDelay time.Duration
	// MessagesPerHour is how many messages one user may send in any
	// hour unless his domain says otherwise (config [limits]; hourly.go);
	// 0 = no limit.
	MessagesPerHour int
	// Prefs reads the sender's own delay and "save sent" (prefs.go).
	Prefs Prefs
	// Contacts adds unknown recipients to the sender's address book when
	// his settings ask for it (internal/contacts); nil: never.
	Contacts ContactAdder
	// Receipts records the recipients of a message sent with read
	// receipts on (internal/receipts); nil: none are kept.
	Receipts ReceiptTracker
	// Now is the service's clock (time.Now when nil): undo and schedule
	// times, uploads' lives. Tests move it instead of sleeping.
	Now func() time.Time
	Log *slog.Logger
}

// ReceiptTracker is the read receipts service's side of a send: Track
// before the message goes (a copy delivered at once finds its record),
// Forget when it did not go.
type ReceiptTracker interface {
	Track(ctx context.Context, a actor.Actor, from, messageID, subject string, internal, external []string) error
	Forget(ctx context.Context, a actor.Actor, messageID string) error
	// the tracking image (receipts/image.go): a token for each external
	// recipient who gets one (nil: none does), and the records with them;
	// the queue puts each recipient's image into his own copy
	TrackingImages(ctx context.Context, a actor.Actor, external []string) (map[string]string, error)
	TrackImages(ctx context.Context, a actor.Actor, from, messageID, subject string, internal, external []string, tokens map[string]string) error
}

// ContactAdder is the contacts service's "add unknown recipients".
type ContactAdder interface {
	AutoAdd(ctx context.Context, a actor.Actor, self string, rcpts []store.Address) (int, error)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// maxMessage is the largest message that may be sent.
func (s *Service) maxMessage() int64 {
	if s.MaxMessageSize > 0 {
		return s.MaxMessageSize
	}
	return config.Default("").MaxMessageSize
}

func (s *Service) maxRecipients() int {
	if s.MaxRecipients > 0 {
		return s.MaxRecipients
	}
	return config.Default("").MaxRecipients
}

// sender is the account the actor sends as: a user's own (an operator has
// no mail to send, and the system never sends as a user).
func (s *Service) sender(ctx context.Context, a actor.Actor) (*store.Account, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	acct, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("sender account %d: %w", accountID, err)
	}
	return acct, nil
}

// owner is the account whose mail the actor writes: a user's own.
func owner(a actor.Actor) (int64, error) {
	switch a.Role {
	case actor.RoleUser, actor.RoleDomainAdmin:
		if a.AccountID != 0 {
			return a.AccountID, nil
		}
	}
	return 0, mail.ErrForbidden
}

// readBlob reads a blob whole, or its first limit bytes (limit >= 0).
func (s *Service) readBlob(key string, limit int64) ([]byte, error) {
	b, err := s.Blobs.Open(key)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", key, err)
	}
	defer b.Close()
	var r io.Reader = b
	if limit >= 0 {
		r = io.LimitReader(b, limit)
	}
	return io.ReadAll(r)
}

func randomID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
