package message

// The Date header as written: IMAP's ENVELOPE gives its text (RFC 3501
// §7.4.2) and SENTON/SENTSINCE/SENTBEFORE compare its day disregarding
// time and zone (RFC 3501 §6.4.4), so "Sun, 25 Mar 2007 00:00:00 +0200"
// is 25 March although it is 24 March in UTC.

import (
	"strings"

	"postroom/internal/store"
)

// SentDay returns the day of a Date header value as written in the
// header, in its own zone, as YYYYMMDD; 0 when it cannot be read.
func SentDay(v string) int { return store.SentDayOf(parseDate(v)) }

// dateText is a Date header value unfolded and bounded, valid UTF-8.
func dateText(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	if len(v) > store.MaxDateText {
		v = v[:store.MaxDateText]
	}
	return toValidUTF8([]byte(v))
}
