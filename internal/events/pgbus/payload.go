package pgbus

// The payload of one NOTIFY: a line of space-separated fields,
//
//	1 <node> <kind> <account> <mailbox> <modseq> <uids>
//
// where 1 is the format's version, node the publishing node (receivers drop
// their own echoes), and uids "-" or ascending ranges ("3,7:9"). The order
// of the UIDs is not kept (every subscriber treats them as a set) and
// duplicates go.
//
// An event whose line would be longer than maxPayload travels reduced: as
// an Overflow hint for its account (mailbox kept, UIDs and ModSeq dropped),
// after which the receiving subscribers reread the store as after any lost
// event. Overflow for account 0 is the resync hint for every account of
// the receiving node (the publisher dropped events it could not send).

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"postroom/internal/events"
)

const (
	// version is the first field of every payload. A node reads only the
	// versions it knows; a rolling upgrade that changes the format must
	// keep sending this one until every node reads the new one.
	version = "1"
	// maxPayload bounds one payload, far below PostgreSQL's 8000 bytes so
	// that the notification queue stays small: about 150 scattered UIDs
	// or any number of contiguous ones.
	maxPayload = 1024
	// maxUIDs bounds how many UIDs a received payload may expand to (a
	// range is short to write and long to expand); beyond it the event
	// becomes an Overflow hint.
	maxUIDs = 1 << 20
)

// encode renders e as the payload published by node, reduced to an
// Overflow hint if it would not fit in maxPayload.
func encode(node string, e events.Event) string {
	p := appendPayload(make([]byte, 0, 64), node, e.Kind, e.AccountID, e.MailboxID, e.ModSeq, e.UIDs)
	if len(p) > maxPayload {
		p = appendPayload(p[:0], node, events.Overflow, e.AccountID, e.MailboxID, 0, nil)
	}
	return string(p)
}

func appendPayload(b []byte, node string, kind events.Kind, account, mailbox int64, modseq uint64, uids []uint32) []byte {
	b = append(b, version...)
	b = append(b, ' ')
	b = append(b, node...)
	b = append(b, ' ')
	b = append(b, kind...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, account, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, mailbox, 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, modseq, 10)
	b = append(b, ' ')
	if len(uids) == 0 {
		return append(b, '-')
	}
	sorted := slices.Clone(uids)
	slices.Sort(sorted)
	for i := 0; i < len(sorted); {
		j := i
		for j+1 < len(sorted) && sorted[j+1] <= sorted[j]+1 {
			j++
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(sorted[i]), 10)
		if sorted[j] != sorted[i] {
			b = append(b, ':')
			b = strconv.AppendUint(b, uint64(sorted[j]), 10)
		}
		if len(b) > maxPayload {
			return b // reduced by the caller; stop rendering
		}
		i = j + 1
	}
	return b
}

var errVersion = errors.New("unknown payload version")

// decode parses a payload into its node and event. A payload that names
// its account but whose UIDs cannot be read or are too many yields an
// Overflow hint for that account along with the error, so that the
// account's subscribers reread.
func decode(p string) (node string, e events.Event, err error) {
	f := strings.Split(p, " ")
	if len(f) == 0 || f[0] != version {
		return "", e, errVersion
	}
	if len(f) != 7 {
		return "", e, fmt.Errorf("payload has %d fields, want 7", len(f))
	}
	node, e.Kind = f[1], events.Kind(f[2])
	if e.AccountID, err = strconv.ParseInt(f[3], 10, 64); err != nil {
		return "", events.Event{}, fmt.Errorf("account: %w", err)
	}
	overflow := func(err error) (string, events.Event, error) {
		return node, events.Event{Kind: events.Overflow, AccountID: e.AccountID, MailboxID: e.MailboxID}, err
	}
	if e.MailboxID, err = strconv.ParseInt(f[4], 10, 64); err != nil {
		return overflow(fmt.Errorf("mailbox: %w", err))
	}
	if e.ModSeq, err = strconv.ParseUint(f[5], 10, 64); err != nil {
		return overflow(fmt.Errorf("modseq: %w", err))
	}
	if f[6] == "-" {
		return node, e, nil
	}
	for r := range strings.SplitSeq(f[6], ",") {
		lo, hi, isRange := strings.Cut(r, ":")
		first, err := strconv.ParseUint(lo, 10, 32)
		if err != nil {
			return overflow(fmt.Errorf("uid %q: %w", r, err))
		}
		last := first
		if isRange {
			if last, err = strconv.ParseUint(hi, 10, 32); err != nil || last < first {
				return overflow(fmt.Errorf("uid range %q", r))
			}
		}
		if uint64(len(e.UIDs))+last-first+1 > maxUIDs {
			return overflow(fmt.Errorf("more than %d uids", maxUIDs))
		}
		for u := first; u <= last; u++ {
			e.UIDs = append(e.UIDs, uint32(u))
		}
	}
	return node, e, nil
}
