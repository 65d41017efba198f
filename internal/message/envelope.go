package message

// The envelope (RFC 9051 §7.5.2 ENVELOPE, and the webmail's list views) and
// the thread references (RFC 5322 §3.6.4). Message-IDs are returned without
// their angle brackets everywhere in this package, so that the store can
// compare a References entry with a stored Message-ID byte for byte; IMAP
// adds the brackets back when it writes an ENVELOPE.

import (
	"net/mail"
	"strings"
	"time"

	"postroom/internal/store"
)

// maxReferences bounds the Message-IDs References returns. A thread's
// References field grows with every reply; the first entry (the thread's
// root) and the most recent ones are what threading needs.
const maxReferences = 100

// Envelope returns the decoded envelope of the message (UTF-8).
func (m *Message) Envelope() store.Envelope { return m.Header.Envelope() }

// Envelope returns the envelope described by the header h: the top-level
// header of a message, or the header of a message/rfc822 part's child (the
// encapsulated message, for BODYSTRUCTURE).
//
//   - Date is in UTC, zero when absent or unreadable;
//   - Subject is decoded (RFC 2047, raw CP949);
//   - address fields are parsed best effort (see address.go), every field
//     of the name joined (some mailers send To twice);
//   - Sender and Reply-To default to From when absent or empty, as
//     RFC 9051 §7.5.2 requires of ENVELOPE;
//   - MessageID is the first msg-id of Message-ID without angle brackets;
//     InReplyTo the msg-ids of In-Reply-To likewise, joined by one space.
func (h Header) Envelope() store.Envelope {
	env := store.Envelope{
		Date:      ParseDate(h.Get("Date")),
		DateText:  dateText(h.Get("Date")),
		Subject:   h.Decoded("Subject"),
		From:      h.addresses("From"),
		Sender:    h.addresses("Sender"),
		ReplyTo:   h.addresses("Reply-To"),
		To:        h.addresses("To"),
		Cc:        h.addresses("Cc"),
		Bcc:       h.addresses("Bcc"),
		InReplyTo: strings.Join(msgIDs(h.Get("In-Reply-To")), " "),
	}
	if ids := msgIDs(h.Get("Message-ID")); len(ids) > 0 {
		env.MessageID = ids[0]
	}
	if len(env.Sender) == 0 {
		env.Sender = env.From
	}
	if len(env.ReplyTo) == 0 {
		env.ReplyTo = env.From
	}
	return env
}

// Addresses parses every field called name as one address list, best
// effort (address.go): a group without members is an entry with its name
// and no address.
func (h Header) Addresses(name string) []store.Address { return h.addresses(name) }

// addresses parses every field called name as one address list.
func (h Header) addresses(name string) []store.Address {
	var out []store.Address
	for _, v := range h.Values(name) {
		out = append(out, parseAddressList(v)...)
	}
	return out
}

// References returns the Message-IDs of In-Reply-To and References, without
// angle brackets, oldest first and without duplicates. References lists a
// thread oldest first and In-Reply-To names the parent (RFC 5322 §3.6.4),
// so the parent comes last. At most maxReferences are returned: the oldest
// and the most recent ones.
func (m *Message) References() []string {
	ids := append(msgIDs(m.Header.Get("References")), msgIDs(m.Header.Get("In-Reply-To"))...)
	seen := make(map[string]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) > maxReferences {
		out = append(out[:1:1], out[len(out)-maxReferences+1:]...)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// msgIDs extracts msg-ids (RFC 5322 §3.6.4) from a field value, without
// angle brackets and with any folding whitespace inside them removed.
// Anything outside brackets is a comment or a phrase (obsolete In-Reply-To
// syntax, "<id> (Kim's message of Monday)") and ignored; a value without
// brackets at all is read as whitespace-separated ids that contain '@'.
func msgIDs(v string) []string {
	var ids []string
	rest := v
	for {
		lt := strings.IndexByte(rest, '<')
		if lt < 0 {
			break
		}
		gt := strings.IndexByte(rest[lt:], '>')
		if gt < 0 {
			break
		}
		id := strings.Join(strings.Fields(rest[lt+1:lt+gt]), "")
		if id != "" {
			ids = append(ids, toValidUTF8([]byte(id)))
		}
		rest = rest[lt+gt+1:]
	}
	if len(ids) == 0 && !strings.ContainsAny(v, "<>") {
		for _, f := range strings.Fields(v) {
			if strings.Contains(f, "@") {
				ids = append(ids, toValidUTF8([]byte(f)))
			}
		}
	}
	return ids
}

// dateLayouts are the Date formats seen in mail beyond what net/mail
// parses: RFC 5322 §3.3 variants with odd spacing, asctime, ISO 8601, and
// dates with no zone (read as UTC).
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2-Jan-2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 -07:00",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"Mon, 2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04:05",
	"Mon, 2 Jan 2006",
}

// ParseDate parses a Date header value (RFC 5322 §3.3) leniently and
// returns it in UTC; the zero time when it cannot be read. Comments
// ("(KST)", raw CP949 zone names) are ignored, and "GMT+0900" reads as
// "+0900".
func ParseDate(v string) time.Time {
	return parseDate(v).UTC()
}

// parseDate is ParseDate in the date's own zone (sentday.go).
func parseDate(v string) time.Time {
	s, _ := splitComments(v)
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t
	}
	for _, prefix := range []string{"GMT+", "GMT-", "UTC+", "UTC-"} {
		s = strings.Replace(s, prefix, prefix[3:], 1)
	}
	// A trailing zone name after a numeric offset ("+0900 KST") adds nothing.
	if f := strings.Fields(s); len(f) > 1 && isAlpha(f[len(f)-1]) && isNumericZone(f[len(f)-2]) {
		s = strings.Join(f[:len(f)-1], " ")
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

func isNumericZone(s string) bool {
	if len(s) != 5 || (s[0] != '+' && s[0] != '-') {
		return false
	}
	for i := 1; i < 5; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
