// Package message owns parsing of RFC 5322/MIME messages for storage and
// display: the header (RFC 5322 §2.2), encoded words (RFC 2047), MIME
// parameters (RFC 2045 §5.1, RFC 2231), the body structure (RFC 2046), the
// IMAP envelope, thread references, charsets and preview text.
//
// Invariants of this package:
//   - Parse never fails and never panics: whatever cannot be understood is
//     recorded in Message.Problems and parsing goes on with the best guess.
//   - The raw message is never modified or copied: every Part refers to it by
//     byte offsets, 0 <= HeaderStart <= BodyStart <= End <= len(raw), and a
//     child's offsets lie inside its parent's body.
//   - Everything this package returns as text is valid UTF-8, whatever the
//     message declared (or failed to declare) as its charset.
package message
