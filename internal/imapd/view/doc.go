// Package view owns one IMAP session's view of its selected mailbox: the
// sequence-number ↔ UID mapping exactly as the client knows it, the
// keywords the client was told about in FLAGS, and the changes made by
// others (or by the session itself) that the client has not been told yet.
// It does no I/O: the session feeds it what the store and internal/events
// say, asks it what untagged responses to send now (Pending), and maps the
// numbers of each command through it (ResolveSeq, ResolveUID).
//
// Invariants (RFC 3501 §7.4.1, RFC 9051 §7.5.1, §2.3.1.2):
//   - The mapping changes only when Pending returns the responses that tell
//     the client so, in the order they are returned: EXISTS appends, and
//     each EXPUNGE (or VANISHED) removes, with each EXPUNGE's number
//     computed against the view as left by the ones before it.
//   - Nothing returned refers to a message the client was not told exists:
//     EXISTS comes before anything about a new message, and a message
//     expunged before its EXISTS was sent is never announced at all.
//   - EXISTS never decreases the client's count (RFC 9051 §7.4.1): messages
//     expunged but not yet reported keep their sequence numbers.
//   - Every keyword a FETCH uses was announced in an untagged FLAGS first
//     (RFC 3501 §7.2.6, issue 17 item 4), by Pending or by Announce.
//   - An EXPUNGE or VANISHED goes out only when the caller says the command
//     in progress allows it (see MayExpunge).
//
// \Recent (RFC 3501 §2.3.2) is session state the store does not keep: the
// caller decides which one session first sees a new message (the per-
// mailbox hub claims it under its lock) and tells that view with MarkRecent
// or Message.Recent at Open. The view only reports it, to rev1 sessions.
//
// Events must reach a view in commit order (the bus is FIFO; UIDs grow in
// commit order): an Added at or below the last UID the view holds is taken
// for a repeat of the snapshot and ignored. After events.Overflow the
// session calls Reconcile with the store's current state.
//
// A View is not safe for concurrent use: the session's goroutine owns it,
// and whoever delivers events hands them to that goroutine.
package view
