package store

import "crypto/rand"

// NewUIDL is a new message's POP3 unique-id (RFC 1939 §7: 1 to 70
// characters from 0x21 to 0x7E, never reused in a maildrop): 26 random
// base32 characters (128 bits), which tell nothing of the order or the
// number of messages, here or in other accounts. Every backend gives one
// to each message it adds (AppendMessage, and each copy CopyMessages
// makes); a move keeps it. Messages stored before opaque UIDLs keep the
// decimal id their POP3 clients already know.
func NewUIDL() string { return rand.Text() }
