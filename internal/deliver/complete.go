package deliver

// Completing a submitted message (RFC 6409 §8). A message submitted without
// the origination date or a Message-ID gets them here, at the top of its
// header, before anything else reads the bytes: the Sent copy, local
// recipients, the outbound queue and the DKIM signature all see the same
// completed message.
//
// Invariants:
//   - Only Submit completes; Deliver (the MX, RFC 6409 §8's "MTA") never
//     changes a received message except for the trace fields it prepends.
//   - A field that is present is never replaced, even when malformed: RFC
//     6409 lets the MSA fix it, it does not make it.

import (
	"context"
	"crypto/rand"
	"strings"
	"time"
	_ "time/tzdata" // account time zones on hosts without zoneinfo

	"postroom/internal/store"
)

// dateLayout is RFC 5322 §3.3's date-time, with a numeric zone.
const dateLayout = "Mon, 02 Jan 2006 15:04:05 -0700"

// completeHeader returns raw with a Date field (RFC 6409 §8.1: the time of
// submission, in the sender's time zone) and a Message-ID field (§8.3, RFC
// 5322 §3.6.4: a random left part at the sender's domain) added when they
// are missing; raw itself when it has both.
func (p *Pipeline) completeHeader(ctx context.Context, sender *store.Account, raw []byte) []byte {
	var hasDate, hasID bool
	editHeader(raw, func(field []byte) bool {
		switch strings.ToLower(fieldName(field)) {
		case "date":
			hasDate = true
		case "message-id":
			hasID = true
		}
		return true
	})
	if hasDate && hasID {
		return raw
	}
	var add strings.Builder
	if !hasDate {
		add.WriteString("Date: " + p.clock().In(p.senderZone(ctx, sender)).Format(dateLayout) + "\r\n")
	}
	if !hasID {
		add.WriteString("Message-ID: <" + newMessageID(sender.Domain) + ">\r\n")
	}
	return append([]byte(add.String()), raw...)
}

// senderZone is the sender account's time zone, else its domain's, else UTC.
func (p *Pipeline) senderZone(ctx context.Context, sender *store.Account) *time.Location {
	if loc, ok := zone(sender.TimeZone); ok {
		return loc
	}
	if d, err := p.Store.Domain(ctx, sender.Domain); err == nil {
		if loc, ok := zone(d.TimeZone); ok {
			return loc
		}
	}
	return time.UTC
}

// zone loads an IANA zone name; "" and "Local" (the machine's zone, which
// is nobody's choice) are not zones.
func zone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// newMessageID returns a msg-id without its angle brackets: 128 random bits
// (base32, a dot-atom-text every parser accepts) at domain, unique without
// coordination between nodes.
func newMessageID(domain string) string {
	return strings.ToLower(rand.Text()) + "@" + domain
}
