package view

import (
	"slices"
	"strings"
	"testing"

	"postroom/internal/imapd/wire"
)

func lines(rs []Response) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

// open returns a view of messages with the given UIDs, no flags, modseq = uid.
func open(opts Options, uids ...uint32) *View {
	s := Snapshot{UIDValidity: 7, UIDNext: 1, HighestModSeq: 1}
	for _, u := range uids {
		s.Messages = append(s.Messages, Message{UID: u, ModSeq: uint64(u)})
	}
	return Open(s, opts)
}

func seq(n uint32) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = uint32(i + 1)
	}
	return out
}

const (
	flagsAll = `* FLAGS (\Answered \Flagged \Deleted \Seen \Draft`
	permAll  = `* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft`
)

// step is one thing that happens to session A's view: an event from
// another session, or a command boundary where A's pending responses go out.
type step struct {
	added    []uint32
	expunged []uint32
	flags    *flagEvent
	recent   []uint32
	pending  string // "" none; "noop" (expunge allowed) or "fetch" (not allowed)
	want     []string
}

type flagEvent struct {
	uid    uint32
	flags  []string
	modSeq uint64
}

func TestView_scenarios(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		start []uint32
		steps []step
	}{
		{
			// Issue 17 item 11: B appends 12 and expunges it before A is
			// told; A must hear of neither.
			name: "appended_then_expunged_before_A_told_is_never_announced", start: seq(11),
			steps: []step{
				{added: []uint32{12}},
				{expunged: []uint32{12}},
				{pending: "noop", want: nil},
			},
		},
		{
			name: "expunge_while_A_fetches_waits_for_noop", start: seq(5),
			steps: []step{
				{expunged: []uint32{3}},
				{pending: "fetch", want: nil},
				{pending: "noop", want: []string{"* 3 EXPUNGE"}},
			},
		},
		{
			// RFC 3501 §7.4.1 / RFC 9051 §7.5.1 example: messages 3, 4, 7
			// and 11 expunged, each number counted after the ones before.
			name: "rfc_example_3_4_7_11", start: seq(11),
			steps: []step{
				{expunged: []uint32{11, 3, 7, 4}},
				{pending: "noop", want: []string{"* 3 EXPUNGE", "* 3 EXPUNGE", "* 5 EXPUNGE", "* 8 EXPUNGE"}},
			},
		},
		{
			name: "B_appends_A_fetches_sees_EXISTS_even_with_unreported_expunge", start: seq(3),
			steps: []step{
				{expunged: []uint32{2}},
				{added: []uint32{4}, recent: []uint32{4}},
				{pending: "fetch", want: []string{"* 4 EXISTS", "* 1 RECENT"}},
				{pending: "noop", want: []string{"* 2 EXPUNGE"}},
			},
		},
		{
			name: "expunge_before_exists_numbers_against_shrunk_view", start: seq(3),
			steps: []step{
				{added: []uint32{4}},
				{expunged: []uint32{1}},
				{pending: "noop", want: []string{"* 1 EXPUNGE", "* 3 EXISTS", "* 0 RECENT"}},
			},
		},
		{
			// Issue 17 item 4: a keyword set by another session is in FLAGS
			// before the FETCH that carries it.
			name: "new_keyword_announced_before_fetch", start: seq(3),
			steps: []step{
				{flags: &flagEvent{2, []string{`\Seen`, "$keyword1"}, 10}},
				{pending: "fetch", want: []string{
					flagsAll + ` $keyword1)`,
					permAll + ` $keyword1 \*)] Flags permitted`,
					`* 2 FETCH (FLAGS (\Seen $keyword1) UID 2)`,
				}},
				{flags: &flagEvent{3, []string{"$KEYWORD1"}, 11}},
				{pending: "fetch", want: []string{`* 3 FETCH (FLAGS ($KEYWORD1) UID 3)`}},
			},
		},
		{
			name: "flag_change_of_expunged_message_not_sent", start: seq(3),
			steps: []step{
				{flags: &flagEvent{2, []string{`\Seen`}, 10}},
				{expunged: []uint32{2}},
				{pending: "fetch", want: nil},
				{pending: "noop", want: []string{"* 2 EXPUNGE"}},
			},
		},
		{
			name: "flag_change_after_unreported_expunge_numbered_after_it", start: seq(5),
			steps: []step{
				{expunged: []uint32{2}},
				{flags: &flagEvent{4, []string{`\Flagged`}, 10}},
				{pending: "fetch", want: []string{`* 4 FETCH (FLAGS (\Flagged) UID 4)`}},
				{flags: &flagEvent{4, []string{`\Seen`}, 11}},
				{pending: "noop", want: []string{"* 2 EXPUNGE", `* 3 FETCH (FLAGS (\Seen) UID 4)`}},
			},
		},
		{
			name: "flag_change_of_message_not_yet_announced_not_sent", start: seq(2),
			steps: []step{
				{flags: &flagEvent{3, []string{`\Seen`}, 10}},
				{added: []uint32{3}},
				{flags: &flagEvent{3, []string{`\Seen`, `\Flagged`}, 11}},
				{pending: "noop", want: []string{"* 3 EXISTS", "* 0 RECENT"}},
			},
		},
		{
			name: "old_and_repeated_flag_events_ignored", start: seq(2),
			steps: []step{
				{flags: &flagEvent{1, []string{`\Seen`}, 1}}, // the snapshot's own modseq
				{flags: &flagEvent{1, []string{`\Flagged`}, 12}},
				{flags: &flagEvent{1, []string{`\Seen`}, 11}},
				{pending: "noop", want: []string{`* 1 FETCH (FLAGS (\Flagged) UID 1)`}},
				{flags: &flagEvent{1, []string{`\Flagged`}, 12}},
				{pending: "noop", want: nil},
			},
		},
		{
			name: "expunge_event_before_added_event", start: seq(2),
			steps: []step{
				{expunged: []uint32{3}},
				{added: []uint32{3, 4}},
				{pending: "noop", want: []string{"* 3 EXISTS", "* 0 RECENT"}},
			},
		},
		{
			name: "repeat_of_snapshot_ignored", start: seq(3),
			steps: []step{
				{added: []uint32{2, 3}},
				{pending: "noop", want: nil},
			},
		},
		{
			name: "qresync_vanished_replaces_expunge", opts: Options{QResync: true}, start: seq(10),
			steps: []step{
				{expunged: []uint32{9, 2, 3, 4, 7}},
				{pending: "fetch", want: nil},
				{pending: "noop", want: []string{"* VANISHED 2:4,7,9"}},
			},
		},
		{
			name: "condstore_fetch_carries_modseq", opts: Options{CondStore: true}, start: seq(2),
			steps: []step{
				{flags: &flagEvent{2, []string{`\Answered`}, 42}},
				{pending: "noop", want: []string{`* 2 FETCH (FLAGS (\Answered) UID 2 MODSEQ (42))`}},
			},
		},
		{
			name: "rev1_recent_in_fetch_flags", start: seq(1),
			steps: []step{
				{added: []uint32{2}, recent: []uint32{2}},
				{pending: "noop", want: []string{"* 2 EXISTS", "* 1 RECENT"}},
				{flags: &flagEvent{2, []string{`\Seen`}, 5}},
				{pending: "noop", want: []string{`* 2 FETCH (FLAGS (\Seen \Recent) UID 2)`}},
			},
		},
		{
			name: "rev2_no_recent", opts: Options{Rev2: true}, start: seq(1),
			steps: []step{
				{added: []uint32{2}, recent: []uint32{2}},
				{flags: &flagEvent{1, []string{`\Seen`}, 5}},
				{pending: "noop", want: []string{"* 2 EXISTS", `* 1 FETCH (FLAGS (\Seen) UID 1)`}},
			},
		},
		{
			name: "read_only_permanentflags_empty", opts: Options{ReadOnly: true}, start: seq(1),
			steps: []step{
				{flags: &flagEvent{1, []string{"Junk"}, 5}},
				{pending: "noop", want: []string{flagsAll + ` Junk)`, `* OK [PERMANENTFLAGS ()] Flags permitted`, `* 1 FETCH (FLAGS (Junk) UID 1)`}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := open(tt.opts, tt.start...)
			for i, s := range tt.steps {
				v.MarkRecent(s.recent...)
				v.Added(s.added...)
				v.Expunged(s.expunged...)
				if s.flags != nil {
					v.FlagsChanged(s.flags.uid, s.flags.flags, s.flags.modSeq)
				}
				if s.pending == "" {
					continue
				}
				got := lines(v.Pending(s.pending == "noop"))
				if !slices.Equal(got, s.want) {
					t.Fatalf("step %d: got\n%s\nwant\n%s", i, strings.Join(got, "\n"), strings.Join(s.want, "\n"))
				}
			}
		})
	}
}

// Two sessions on one mailbox: A appends, B expunges, A fetches. The
// responses A gets, and the numbers its FETCH resolves, are exact.
func TestView_twoSessions_appendExpungeFetch(t *testing.T) {
	a, b := open(Options{}, 1, 2, 3), open(Options{}, 1, 2, 3)
	// A appends 4; both sessions get the event; A saw it first.
	for _, v := range []*View{a, b} {
		v.Added(4)
	}
	a.MarkRecent(4)
	if got := lines(a.Pending(true)); !slices.Equal(got, []string{"* 4 EXISTS", "* 1 RECENT"}) {
		t.Fatalf("A after APPEND: %q", got)
	}
	// B expunges 2 (its own EXPUNGE command reports it at once).
	for _, v := range []*View{a, b} {
		v.Expunged(2)
	}
	if got := lines(b.Pending(true)); !slices.Equal(got, []string{"* 2 EXPUNGE", "* 3 EXISTS", "* 0 RECENT"}) {
		t.Fatalf("B after EXPUNGE: %q", got)
	}
	// A: FETCH 2:4 still sees 2 (expunged) and 4; no EXPUNGE during FETCH.
	refs, err := a.ResolveSeq(wire.SeqSet{Ranges: []wire.SeqRange{{Start: 2, Stop: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Ref{{2, 2, true}, {3, 3, false}, {4, 4, false}}
	if !slices.Equal(refs, want) {
		t.Fatalf("A FETCH 2:4 = %v, want %v", refs, want)
	}
	if got := a.Pending(MayExpunge("FETCH", false, false)); len(got) != 0 {
		t.Fatalf("A during FETCH: %q", lines(got))
	}
	// A: NOOP.
	if got := lines(a.Pending(MayExpunge("NOOP", false, false))); !slices.Equal(got, []string{"* 2 EXPUNGE"}) {
		t.Fatalf("A after NOOP: %q", got)
	}
	if uid, _ := a.SeqToUID(3); uid != 4 {
		t.Fatalf("A seq 3 = uid %d, want 4", uid)
	}
}

func TestView_ownStoreNotEchoed(t *testing.T) {
	v := open(Options{CondStore: true}, 1, 2)
	// The session's STORE wrote "* 1 FETCH (FLAGS (\Seen) MODSEQ (9))"
	// itself; then the event for the same change arrives.
	v.Reported(1, 9)
	v.FlagsChanged(1, []string{`\Seen`}, 9)
	if got := v.Pending(true); len(got) != 0 {
		t.Fatalf("echo of own STORE: %q", lines(got))
	}
	// Event first, then the STORE response: the pending change goes.
	v.FlagsChanged(2, []string{`\Seen`}, 10)
	v.Reported(2, 10)
	if got := v.Pending(true); len(got) != 0 {
		t.Fatalf("echo of own STORE: %q", lines(got))
	}
}

func TestView_announceForSolicitedFetch(t *testing.T) {
	v := Open(Snapshot{UIDValidity: 1, UIDNext: 2, Keywords: []string{"$Forwarded"},
		Messages: []Message{{UID: 1, Flags: []string{"Work"}}}}, Options{})
	if got := v.Flags(); !slices.Equal(got, []string{`\Answered`, `\Flagged`, `\Deleted`, `\Seen`, `\Draft`, "$Forwarded", "Work"}) {
		t.Fatalf("Flags at SELECT = %q", got)
	}
	if got := v.Announce([]string{`\Seen`, "work", "$forwarded"}); got != nil {
		t.Fatalf("known keywords announced again: %q", lines(got))
	}
	got := lines(v.Announce([]string{"$Junk"}))
	if len(got) != 2 || !strings.HasSuffix(got[0], " $Junk)") {
		t.Fatalf("Announce($Junk) = %q", got)
	}
}

// Events lost (events.Overflow): Reconcile turns the store's state into
// pending changes, reported under the usual rules.
func TestView_reconcileAfterOverflow(t *testing.T) {
	v := open(Options{}, 1, 2, 3)
	v.Added(4) // seen; 5 and the expunge of 2 and 4 were lost
	v.Reconcile([]Message{{UID: 1, ModSeq: 1}, {UID: 3, ModSeq: 9, Flags: []string{`\Seen`}}, {UID: 5, ModSeq: 8}})
	if got := lines(v.Pending(false)); !slices.Equal(got, []string{"* 4 EXISTS", "* 0 RECENT", `* 3 FETCH (FLAGS (\Seen) UID 3)`}) {
		t.Fatalf("during FETCH: %q", got)
	}
	if got := lines(v.Pending(true)); !slices.Equal(got, []string{"* 2 EXPUNGE"}) {
		t.Fatalf("at NOOP: %q", got)
	}
}
