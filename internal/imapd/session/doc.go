// Package session owns one IMAP connection of Postroom's own IMAP protocol
// layer (issue 17): the state machine (not authenticated, authenticated,
// selected, logout), command dispatch, the selected mailbox's view, IDLE,
// and every command's translation into calls of the mail and auth
// services. Parsing and writing the wire format is internal/imapd/wire's;
// sequence numbers and unsolicited updates are internal/imapd/view's;
// SORT and THREAD ordering is internal/imapd/order's; message structure
// and sections are internal/imapd/bodypart's. internal/imapd owns the
// listeners and what all sessions share.
//
// Invariants:
//   - A session holds no rule of its own: what a folder, an append, a flag
//     change or a search may do is the mail service's.
//   - The client's sequence numbers change only through the untagged
//     responses it was sent (the view), flushed before each tagged status.
//   - APPEND answers OK only after the mail service committed the message.
//   - Nothing a client sends can make the session panic or allocate
//     without bound (wire.Limits; the fuzz target drives a whole session).
package session
