package pgbus

import (
	"slices"
	"strings"
	"testing"

	"postroom/internal/events"
)

func TestPayload_roundTrip(t *testing.T) {
	for _, e := range []events.Event{
		{Kind: events.MessageNew, AccountID: 1, MailboxID: 3, UIDs: []uint32{7, 8}, ModSeq: 12},
		{Kind: events.MessageExpunge, AccountID: 9_000_000_000, MailboxID: 4, UIDs: []uint32{1, 2, 3, 5, 9, 10, 4_294_967_295}},
		{Kind: events.MailboxChange, AccountID: 2, MailboxID: 5},
		{Kind: events.ReceiptChange, AccountID: 2},
		{Kind: "kind.from.a.newer.node", AccountID: 3, MailboxID: 1},
	} {
		p := encode("n1", e)
		node, got, err := decode(p)
		if err != nil || node != "n1" || got.Kind != e.Kind || got.AccountID != e.AccountID ||
			got.MailboxID != e.MailboxID || got.ModSeq != e.ModSeq || !slices.Equal(got.UIDs, e.UIDs) {
			t.Errorf("%q: decoded %q %+v %v, want %+v", p, node, got, err, e)
		}
	}
}

// UIDs travel as a set: sorted, ranges folded, duplicates gone.
func TestPayload_uidsAsRanges(t *testing.T) {
	p := encode("n", events.Event{Kind: events.MessageFlags, AccountID: 1, MailboxID: 2, UIDs: []uint32{9, 3, 4, 5, 5, 20, 8}})
	if want := "1 n message.flags 1 2 0 3:5,8:9,20"; p != want {
		t.Fatalf("payload %q, want %q", p, want)
	}
	_, e, err := decode(p)
	if err != nil || !slices.Equal(e.UIDs, []uint32{3, 4, 5, 8, 9, 20}) {
		t.Fatalf("decoded %v %v", e.UIDs, err)
	}
}

// Contiguous UIDs fit whatever their number; scattered ones beyond the
// bound make the event an Overflow hint for its account and mailbox.
func TestPayload_tooBigBecomesAnOverflowHint(t *testing.T) {
	var run, scattered []uint32
	for u := uint32(1); u <= 100_000; u++ {
		run = append(run, u)
		scattered = append(scattered, 2*u)
	}
	p := encode("n", events.Event{Kind: events.MessageExpunge, AccountID: 4, MailboxID: 6, UIDs: run, ModSeq: 77})
	if _, e, err := decode(p); err != nil || e.Kind != events.MessageExpunge || len(e.UIDs) != len(run) {
		t.Fatalf("a run of %d uids: %q decoded to %v with %d uids, %v", len(run), p, e.Kind, len(e.UIDs), err)
	}
	p = encode("n", events.Event{Kind: events.MessageExpunge, AccountID: 4, MailboxID: 6, UIDs: scattered, ModSeq: 77})
	if len(p) > maxPayload {
		t.Fatalf("payload of %d bytes", len(p))
	}
	_, e, err := decode(p)
	if err != nil || e.Kind != events.Overflow || e.AccountID != 4 || e.MailboxID != 6 || e.UIDs != nil || e.ModSeq != 0 {
		t.Fatalf("scattered uids: %q decoded to %+v, %v; want an overflow hint", p, e, err)
	}
}

func TestPayload_unreadable(t *testing.T) {
	for _, c := range []struct {
		payload  string
		overflow bool // names its account: an Overflow hint for it
	}{
		{"", false},
		{"2 n message.new 1 2 3 -", false}, // a version this node does not know
		{"1 n message.new 1 2 3", false},
		{"1 n message.new x 2 3 -", false},
		{"1 n message.new 1 2 3 5:4", true},
		{"1 n message.new 1 2 3 a", true},
		{"1 n message.new 1 2 3 1:4294967295", true}, // too many to expand
		{"1 n message.new 1 x 3 -", true},
	} {
		node, e, err := decode(c.payload)
		if err == nil {
			t.Errorf("%q: no error", c.payload)
			continue
		}
		if got := node != "" && e.Kind == events.Overflow && e.AccountID == 1; got != c.overflow {
			t.Errorf("%q: %q %+v, overflow hint %v, want %v", c.payload, node, e, got, c.overflow)
		}
	}
}

func TestPayload_fitsWhateverTheNumbers(t *testing.T) {
	e := events.Event{Kind: events.MessageFlags, AccountID: 1<<63 - 1, MailboxID: 1<<63 - 1, ModSeq: 1<<64 - 1}
	for u := uint32(0); u < 1000; u++ {
		e.UIDs = append(e.UIDs, 4_000_000_000-3*u)
	}
	p := encode(strings.Repeat("n", 32), e)
	if len(p) > maxPayload {
		t.Fatalf("%d bytes", len(p))
	}
}
