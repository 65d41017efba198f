package message

// Raw returns the bytes m was parsed from, shared with m (do not change
// them): what a caller that holds only the parse computes more from
// without reading the message again (internal/mail: IMAP's stored
// ENVELOPE and BODYSTRUCTURE).
func (m *Message) Raw() []byte {
	if m == nil || m.Root == nil {
		return nil
	}
	return m.Root.raw
}
