package mail

import (
	"context"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Hooks are the places where later features plug into the mailbox
// service; each is called after the change committed, never for the
// system's own changes, and may be nil.
type Hooks struct {
	// Read is called with the messages a user (or domain administrator)
	// has just marked \Seen that were not: opening one in the webmail,
	// FETCH BODY[] without PEEK, STORE +FLAGS \Seen, "mark as read". Read
	// receipts (RFC 8098) answer from here.
	Read func(ctx context.Context, a actor.Actor, msgs []store.Message)
	// Spam is called with the messages a user reported as spam (spam
	// true) or as not spam, as they were before they moved: the learning
	// filter trains from here.
	Spam func(ctx context.Context, a actor.Actor, msgs []store.Message, spam bool)
}

// byUser reports whether a is a person acting on his own mail: the hooks
// are not for the system's changes (delivery filing \Seen on a Sent copy
// is no one reading it).
func byUser(a actor.Actor) bool {
	return a.Role == actor.RoleUser || a.Role == actor.RoleDomainAdmin
}

// MarkRead is the user reading messages: they get \Seen, and those that
// had not got it go to the Read hook. It returns the messages that
// changed.
func (s *Service) MarkRead(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) ([]store.Message, error) {
	return s.StoreFlags(ctx, a, mailboxID, uids, store.FlagsAdd, []string{store.FlagSeen})
}

// addsSeen reports whether a flag change may set \Seen.
func addsSeen(op store.FlagOp, flags []string) bool {
	if op == store.FlagsRemove {
		return false
	}
	for _, f := range flags {
		if strings.EqualFold(f, store.FlagSeen) {
			return true
		}
	}
	return false
}

// unseenBefore returns which of uids are without \Seen now, when a flag
// change by a user may make them seen and a Read hook listens; nil
// otherwise (nothing to tell, nothing read).
func (s *Service) unseenBefore(ctx context.Context, a actor.Actor, accountID, mailboxID int64, uids []uint32, op store.FlagOp, flags []string) (map[uint32]bool, error) {
	if s.Hooks.Read == nil || !byUser(a) || !addsSeen(op, flags) {
		return nil, nil
	}
	if op == store.FlagsAdd && len(flags) == 1 {
		// Adding \Seen alone changes exactly the unseen ones: the
		// store's answer says which, nothing to read first.
		return nil, nil
	}
	msgs, err := s.messages(ctx, accountID, mailboxID, uids, 0)
	if err != nil {
		return nil, fmt.Errorf("flags before the change: %w", err)
	}
	unseen := map[uint32]bool{}
	for uid, m := range msgs {
		if !m.HasFlag(store.FlagSeen) {
			unseen[uid] = true
		}
	}
	return unseen, nil
}

// read calls the Read hook with the changed messages that became \Seen
// (unseen is nil when adding \Seen alone, whose every change is one).
func (s *Service) read(ctx context.Context, a actor.Actor, op store.FlagOp, flags []string, unseen map[uint32]bool, changed []store.Message) {
	if s.Hooks.Read == nil || !byUser(a) || !addsSeen(op, flags) {
		return
	}
	var now []store.Message
	for _, m := range changed {
		if m.HasFlag(store.FlagSeen) && (unseen == nil || unseen[m.UID]) {
			now = append(now, m)
		}
	}
	if len(now) > 0 {
		s.Hooks.Read(ctx, a, now)
	}
}
