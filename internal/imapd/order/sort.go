package order

// SORT (RFC 5256 §3) with DISPLAYFROM and DISPLAYTO (RFC 5957 §3).

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"postroom/internal/message"
)

// Key is one SORT criterion without its REVERSE.
type Key int

// The sort keys of RFC 5256 §3 and RFC 5957 §3.
const (
	Arrival     Key = iota + 1 // INTERNALDATE
	Cc                         // addr-mailbox of the first Cc address
	Date                       // sent date (RFC 5256 §2.2)
	From                       // addr-mailbox of the first From address
	Size                       // RFC822.SIZE
	Subject                    // base subject (RFC 5256 §2.1)
	To                         // addr-mailbox of the first To address
	DisplayFrom                // display name of the first From address
	DisplayTo                  // display name of the first To address
)

var keyNames = map[string]Key{
	"ARRIVAL": Arrival, "CC": Cc, "DATE": Date, "FROM": From, "SIZE": Size,
	"SUBJECT": Subject, "TO": To, "DISPLAYFROM": DisplayFrom, "DISPLAYTO": DisplayTo,
}

// Criterion is a sort key, reversed when REVERSE preceded it.
type Criterion struct {
	Key     Key
	Reverse bool
}

// ErrCriteria is returned by ParseCriteria for a list SORT must refuse
// with BAD: empty, an unknown key, or REVERSE not followed by a key.
var ErrCriteria = errors.New("invalid sort criteria")

// ParseCriteria reads the atoms of a SORT command's sort-criteria
// (RFC 5256 §5: sort-criterion = ["REVERSE" SP] sort-key), case-insensitive.
func ParseCriteria(atoms []string) ([]Criterion, error) {
	var out []Criterion
	reverse := false
	for _, a := range atoms {
		up := strings.ToUpper(a)
		if up == "REVERSE" {
			if reverse { // the grammar allows one REVERSE per key
				return nil, ErrCriteria
			}
			reverse = true
			continue
		}
		k, ok := keyNames[up]
		if !ok {
			return nil, ErrCriteria
		}
		out = append(out, Criterion{Key: k, Reverse: reverse})
		reverse = false
	}
	if reverse || len(out) == 0 {
		return nil, ErrCriteria
	}
	return out, nil
}

// Sort returns the sequence numbers (or, byUID, the UIDs) of msgs in the
// order crit asks. Messages that every criterion ties keep mailbox order,
// by sequence number (RFC 5256 §3: "sorted according to the order in
// which they appear in the mailbox"); REVERSE does not reverse that final
// tie-break, only its own key. O(n log n) comparisons; each key is
// computed once per message, before sorting.
//
// Note on DATE: RFC 5256 §2.2 breaks ties between equal sent dates by
// sequence number as part of the date comparison itself, which would make
// every criterion after DATE dead. We read it as the same final tie-break
// as above (what the RFC's own SORT text says), so "DATE SUBJECT" orders
// equal dates by subject.
func Sort(msgs []Msg, crit []Criterion, byUID bool) []uint32 {
	idx := SortIndex(msgs, crit)
	out := make([]uint32, len(idx))
	for i, j := range idx {
		out[i] = msgs[j].id(byUID)
	}
	return out
}

// SortIndex is Sort returning positions in msgs, for callers that need
// more of each message than its number (ESORT, CONTEXT=SORT).
func SortIndex(msgs []Msg, crit []Criterion) []int {
	keys := make([]sortKey, len(crit))
	for i, c := range crit {
		keys[i] = newSortKey(msgs, c)
	}
	idx := make([]int, len(msgs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		for i := range keys {
			if c := keys[i].compare(a, b); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(msgs[a].Seq, msgs[b].Seq); c != 0 {
			return c
		}
		// Equal sequence numbers only come from a caller's mistake; the
		// input position still makes the order total and repeatable.
		return cmp.Compare(a, b)
	})
	return idx
}

// sortKey holds one criterion's key of every message: a number or a
// string, whichever the key compares.
type sortKey struct {
	nums    []int64
	strs    []string
	reverse bool
}

func (k *sortKey) compare(a, b int) int {
	var c int
	if k.nums != nil {
		c = cmp.Compare(k.nums[a], k.nums[b])
	} else {
		c = strings.Compare(k.strs[a], k.strs[b]) // casemapKeys mapped them
	}
	if k.reverse {
		return -c
	}
	return c
}

func newSortKey(msgs []Msg, c Criterion) sortKey {
	k := sortKey{reverse: c.Reverse}
	switch c.Key {
	case Arrival, Date, Size:
		k.nums = make([]int64, len(msgs))
		for i := range msgs {
			m := &msgs[i]
			switch c.Key {
			case Arrival:
				k.nums[i] = m.Arrival.UnixNano()
			case Date:
				k.nums[i] = m.sentDate().UnixNano()
			case Size:
				k.nums[i] = m.Size
			}
		}
		return k
	}
	vals := make([]string, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		switch c.Key {
		case Subject:
			vals[i], _ = BaseSubject(m.Subject)
		// RFC 5256 §3: a missing address sorts as the empty string,
		// which the zero Address gives.
		case From:
			vals[i] = m.From.Mailbox
		case To:
			vals[i] = m.To.Mailbox
		case Cc:
			vals[i] = m.Cc.Mailbox
		case DisplayFrom:
			vals[i] = displayName(m.From)
		case DisplayTo:
			vals[i] = displayName(m.To)
		}
	}
	k.strs = casemapKeys(vals)
	return k
}

// displayName is the sort value of DISPLAYFROM and DISPLAYTO (RFC 5957
// §3): the decoded display name of the first address; when it is absent
// or empty, the address itself (addr-mailbox "@" addr-host), so that a
// message from a bare address sorts where a reader sees that address.
func displayName(a Address) string {
	if name := strings.TrimSpace(message.DecodeHeader(a.Name)); name != "" {
		return name
	}
	if a.Host == "" {
		return a.Mailbox
	}
	return a.Mailbox + "@" + a.Host
}

// Partial returns positions first to last (1-based, inclusive) of a sorted
// result: the PARTIAL return option of CONTEXT=SORT (RFC 5267 §4.4).
// first and last may come in either order; positions past the end of
// sorted are left out, so the result may be shorter or empty.
func Partial(sorted []uint32, first, last uint32) []uint32 {
	if first > last {
		first, last = last, first
	}
	if first == 0 {
		first = 1
	}
	if int64(first) > int64(len(sorted)) {
		return nil
	}
	end := min(int64(last), int64(len(sorted)))
	return sorted[first-1 : end]
}
