package deliver

import "strings"

// Header edits between what the sender wrote and what recipients get.
//
// RFC 5322 §3.6.3 lets a Bcc field travel in three ways; we use the first:
// the copies recipients get have no Bcc field at all, while the sender's
// Sent copy keeps it (a mail client that submits a Bcc field expects it to
// be removed, and the webmail writes one so that the Sent copy shows the
// blind recipients).

// StripBcc returns raw without its Bcc fields; raw itself when it has none.
func StripBcc(raw []byte) []byte {
	return editHeader(raw, func(field []byte) bool {
		return !strings.EqualFold(fieldName(field), "Bcc")
	})
}

// Outgoing is a queued message as it is sent on: without Bcc, and without
// the Return-Path that submission stored with it, since only the final
// delivery adds one (RFC 5321 §4.4).
func Outgoing(raw []byte) []byte {
	return editHeader(raw, func(field []byte) bool {
		switch strings.ToLower(fieldName(field)) {
		case "bcc", "return-path":
			return false
		}
		return true
	})
}

// Personalize leaves only rcpt in To and removes Cc and Bcc, so that each
// recipient sees a message addressed to him alone (E3-2).
func Personalize(raw []byte, rcpt string) []byte {
	stripped := editHeader(raw, func(field []byte) bool {
		switch strings.ToLower(fieldName(field)) {
		case "to", "cc", "bcc":
			return false
		}
		return true
	})
	return append([]byte("To: <"+rcpt+">\r\n"), stripped...)
}

// stripTrace removes the trace fields storeBlob put on top of a message
// (Return-Path, Authentication-Results, Received), giving back the message
// as its sender wrote it. Trace fields further down were there before.
func stripTrace(raw []byte) []byte {
	leading := true
	return editHeader(raw, func(field []byte) bool {
		switch strings.ToLower(fieldName(field)) {
		case "return-path", "received", "authentication-results":
			if leading {
				return false
			}
		}
		leading = false
		return true
	})
}
