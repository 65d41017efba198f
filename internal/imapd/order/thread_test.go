package order

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// tm is a message for a thread test: sequence number seq, UID 1000+seq,
// sent seq minutes after t0 unless date says otherwise (0: seq).
type tm struct {
	seq     uint32
	id      string
	refs    []string
	irt     string
	subject string
	date    int
}

func build(ms []tm) []Msg {
	out := make([]Msg, len(ms))
	for i, m := range ms {
		d := m.date
		if d == 0 {
			d = int(m.seq)
		}
		out[i] = Msg{Seq: m.seq, UID: 1000 + m.seq, Arrival: at(1000), Date: at(d),
			Subject: m.subject, MessageID: m.id, References: m.refs, InReplyTo: m.irt}
	}
	return out
}

func TestThreadReferences(t *testing.T) {
	tests := []struct {
		name string
		msgs []tm
		want string
	}{
		{
			// RFC 5256 §5, the example of the THREAD response.
			name: "RFC 5256 example tree",
			msgs: []tm{
				{seq: 2, id: "<m2@x>", subject: "first"},
				{seq: 3, id: "<m3@x>", subject: "second"},
				{seq: 6, id: "<m6@x>", refs: []string{"<m3@x>"}, subject: "Re: second"},
				{seq: 4, id: "<m4@x>", refs: []string{"<m3@x>", "<m6@x>"}, subject: "Re: second"},
				{seq: 23, id: "<m23@x>", refs: []string{"<m3@x>", "<m6@x>", "<m4@x>"}, subject: "Re: second"},
				{seq: 44, id: "<m44@x>", refs: []string{"<m3@x>", "<m6@x>"}, subject: "Re: second"},
				{seq: 7, id: "<m7@x>", refs: []string{"<m3@x>", "<m6@x>", "<m44@x>"}, subject: "Re: second", date: 50},
				{seq: 96, id: "<m96@x>", refs: []string{"<m6@x>", "<m44@x>", "<m7@x>"}, subject: "Re: second"},
			},
			want: "(2)(3 6 (4 23)(44 7 96))",
		},
		{
			// RFC 5256 §5: "((3)(5))", two replies to a parent that is
			// not in the mailbox keep a placeholder at the top.
			name: "RFC 5256 example dummy root",
			msgs: []tm{
				{seq: 3, id: "<a@x>", refs: []string{"<gone@x>"}, subject: "Re: hello"},
				{seq: 5, id: "<b@x>", refs: []string{"<gone@x>"}, subject: "Re: hello"},
			},
			want: "((3)(5))",
		},
		{
			name: "one reply to a missing parent is promoted",
			msgs: []tm{{seq: 1, id: "<a@x>", refs: []string{"<gone@x>"}, subject: "Re: hi"}},
			want: "(1)",
		},
		{
			name: "dummies in the middle are spliced out",
			msgs: []tm{
				{seq: 1, id: "<a@x>", subject: "hi"},
				{seq: 2, id: "<b@x>", refs: []string{"<a@x>", "<gone@x>"}, subject: "Re: hi"},
				{seq: 3, id: "<c@x>", refs: []string{"<a@x>", "<gone@x>"}, subject: "Re: hi"},
			},
			want: "(1 (2)(3))",
		},
		{
			name: "In-Reply-To when References is empty, first id only",
			msgs: []tm{
				{seq: 1, id: "<a@x>", subject: "hi"},
				{seq: 2, id: "<b@x>", irt: "<a@x> <zz@x>", subject: "Re: hi"},
				{seq: 3, id: "<c@x>", irt: "b@x", refs: []string{"", " "}, subject: "Re: hi"},
			},
			want: "(1 2 3)",
		},
		{
			name: "References wins over In-Reply-To",
			msgs: []tm{
				{seq: 1, id: "<a@x>", subject: "a"},
				{seq: 2, id: "<b@x>", subject: "b"},
				{seq: 3, id: "<c@x>", refs: []string{"<b@x>"}, irt: "<a@x>", subject: "c"},
			},
			want: "(1)(2 3)",
		},
		{
			name: "missing Message-IDs",
			msgs: []tm{
				{seq: 1, subject: "one"},
				{seq: 2, refs: []string{"<nowhere@x>"}, subject: "two"},
				{seq: 3, id: "<>", subject: "three"},
			},
			want: "(1)(2)(3)",
		},
		{
			// The lower sequence number keeps a duplicated id; the other
			// message is threaded as if it had an id of its own.
			name: "duplicate Message-IDs",
			msgs: []tm{
				{seq: 2, id: "<dup@x>", subject: "copy"},
				{seq: 1, id: "<dup@x>", subject: "original"},
				{seq: 3, id: "<r@x>", refs: []string{"<dup@x>"}, subject: "reply"},
			},
			want: "(1 3)(2)",
		},
		{
			name: "message IDs are case-sensitive",
			msgs: []tm{
				{seq: 1, id: "<A@x>", subject: "a"},
				{seq: 2, id: "<b@x>", refs: []string{"<a@x>"}, subject: "b"},
			},
			want: "(1)(2)",
		},
		{
			name: "message that references itself",
			msgs: []tm{
				{seq: 1, id: "<self@x>", refs: []string{"<self@x>"}, subject: "me"},
				{seq: 2, id: "<two@x>", refs: []string{"<self@x>", "<two@x>", "<self@x>"}, subject: "other"},
			},
			want: "(1 2)",
		},
		{
			// 1 says 2 is its parent, 2 says 1 is: the second link would
			// make a loop and is not made.
			name: "References loop of two",
			msgs: []tm{
				{seq: 1, id: "<a@x>", refs: []string{"<b@x>"}, subject: "a"},
				{seq: 2, id: "<b@x>", refs: []string{"<a@x>"}, subject: "b"},
			},
			want: "(2 1)",
		},
		{
			name: "References loop of three through dummies",
			msgs: []tm{
				{seq: 1, id: "<a@x>", refs: []string{"<p@x>", "<q@x>", "<p@x>", "<b@x>"}, subject: "a"},
				{seq: 2, id: "<b@x>", refs: []string{"<q@x>", "<a@x>"}, subject: "b"},
				{seq: 3, id: "<c@x>", refs: []string{"<a@x>", "<b@x>", "<c@x>", "<a@x>"}, subject: "c"},
			},
			want: "(2 1 3)",
		},
		{
			// Step 1A: a link already made is kept; here <b> got <a> as
			// parent from message 3 and message 4 cannot move it.
			name: "existing parent link kept",
			msgs: []tm{
				{seq: 1, id: "<a@x>", subject: "a"},
				{seq: 2, id: "<b@x>", subject: "b"},
				{seq: 3, id: "<c@x>", refs: []string{"<a@x>", "<b@x>"}, subject: "c"},
				{seq: 4, id: "<d@x>", refs: []string{"<other@x>", "<b@x>"}, subject: "d"},
			},
			want: "(1 2 (3)(4))",
		},
		{
			// Step 1B: message 2's own References replace the parent that
			// message 1's (truncated) References gave it.
			name: "own References replace a parent",
			msgs: []tm{
				{seq: 1, id: "<a@x>", refs: []string{"<y@x>", "<b@x>"}, subject: "a"},
				{seq: 2, id: "<b@x>", refs: []string{"<z@x>"}, subject: "b"},
				{seq: 3, id: "<c@x>", refs: []string{"<y@x>"}, subject: "c"},
			},
			want: "(2 1)(3)",
		},
		{
			name: "angle brackets are optional",
			msgs: []tm{
				{seq: 1, id: "a@x", subject: "a"},
				{seq: 2, id: "<b@x>", refs: []string{" <a@x> "}, subject: "b"},
			},
			want: "(1 2)",
		},
		// Step 5: threads by base subject.
		{
			name: "reply without references joins the original",
			msgs: []tm{
				{seq: 1, id: "<a@x>", subject: "회의 일정"},
				{seq: 2, id: "<b@x>", subject: "RE : 회의 일정"},
				{seq: 3, id: "<c@x>", subject: "[Fwd: 회의 일정]"},
				{seq: 4, id: "<d@x>", subject: "회의 일정 (fwd)"},
			},
			want: "(1 (2)(3)(4))",
		},
		{
			name: "original after the reply still becomes the parent",
			msgs: []tm{
				{seq: 1, id: "<b@x>", subject: "Re: 견적"},
				{seq: 2, id: "<a@x>", subject: "견적"},
			},
			want: "(2 1)",
		},
		{
			name: "two originals get a placeholder",
			msgs: []tm{
				{seq: 1, id: "<a@x>", subject: "weekly"},
				{seq: 2, id: "<b@x>", subject: "WEEKLY"},
				{seq: 3, id: "<c@x>", subject: "weekly"},
			},
			want: "((1)(2)(3))",
		},
		{
			name: "two replies get a placeholder",
			msgs: []tm{
				{seq: 1, id: "<a@x>", subject: "Re: x"},
				{seq: 2, id: "<b@x>", subject: "Fwd: x"},
			},
			want: "((1)(2))",
		},
		{
			name: "a placeholder thread takes in a message of its subject",
			msgs: []tm{
				{seq: 3, id: "<a@x>", refs: []string{"<gone@x>"}, subject: "Re: hello"},
				{seq: 5, id: "<b@x>", refs: []string{"<gone@x>"}, subject: "Re: hello"},
				{seq: 7, id: "<c@x>", subject: "hello"},
				{seq: 8, id: "<d@x>", refs: []string{"<gone2@x>"}, subject: "Re: hello"},
				{seq: 9, id: "<e@x>", refs: []string{"<gone2@x>"}, subject: "Re: hello"},
			},
			want: "((3)(5)(7)(8)(9))",
		},
		{
			name: "empty subjects are not gathered",
			msgs: []tm{
				{seq: 1, id: "<a@x>", subject: ""},
				{seq: 2, id: "<b@x>", subject: "Re:"},
			},
			want: "(1)(2)",
		},
		{
			// Step 6: siblings by sent date, ties by sequence number; a
			// placeholder at the top by its earliest child.
			name: "siblings and threads by sent date",
			msgs: []tm{
				{seq: 1, id: "<a@x>", subject: "a", date: 5},
				{seq: 2, id: "<b@x>", refs: []string{"<a@x>"}, subject: "Re: a", date: 30},
				{seq: 3, id: "<c@x>", refs: []string{"<a@x>"}, subject: "Re: a", date: 20},
				{seq: 4, id: "<d@x>", refs: []string{"<a@x>"}, subject: "Re: a", date: 20},
				{seq: 5, id: "<e@x>", refs: []string{"<gone@x>"}, subject: "z", date: 40},
				{seq: 6, id: "<f@x>", refs: []string{"<gone@x>"}, subject: "z", date: 1},
			},
			want: "((6)(5))(1 (3)(4)(2))",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msgs := build(tc.msgs)
			if got := FormatThreads(Thread(References, msgs, false)); got != tc.want {
				t.Errorf("THREAD REFERENCES = %s; want %s", got, tc.want)
			}
			// Input order must not matter.
			slices.Reverse(msgs)
			if got := FormatThreads(Thread(References, msgs, false)); got != tc.want {
				t.Errorf("THREAD REFERENCES of reversed input = %s; want %s", got, tc.want)
			}
		})
	}
}

func TestThread_byUID(t *testing.T) {
	msgs := build([]tm{
		{seq: 1, id: "<a@x>", subject: "a"},
		{seq: 2, id: "<b@x>", refs: []string{"<a@x>"}, subject: "Re: a"},
	})
	if got, want := FormatThreads(Thread(References, msgs, true)), "(1001 1002)"; got != want {
		t.Errorf("UID THREAD = %s; want %s", got, want)
	}
}

func TestThreadOrderedSubject(t *testing.T) {
	tests := []struct {
		name string
		msgs []tm
		want string
	}{
		{
			// RFC 5256 §4: the first message of a subject is the parent of
			// all the others, whatever their References say.
			name: "flat threads by subject",
			msgs: []tm{
				{seq: 1, subject: "hello"},
				{seq: 2, subject: "Re: hello", refs: []string{"<x@y>"}},
				{seq: 3, subject: "world"},
				{seq: 4, subject: "re: HELLO"},
				{seq: 5, subject: "[Fwd: 회의]"},
				{seq: 6, subject: "Re: 회의"},
			},
			want: "(1 (2)(4))(3)(5 6)",
		},
		{
			name: "threads by the sent date of their first message",
			msgs: []tm{
				{seq: 1, subject: "a", date: 10},
				{seq: 2, subject: "b", date: 5},
				{seq: 3, subject: "Re: a", date: 1},
				{seq: 4, subject: "", date: 7},
				{seq: 5, subject: "", date: 8},
			},
			want: "(3 1)(2)(4 5)",
		},
		{
			name: "sent date ties by sequence number",
			msgs: []tm{
				{seq: 9, subject: "s", date: 3},
				{seq: 4, subject: "s", date: 3},
				{seq: 6, subject: "s", date: 3},
			},
			want: "(4 (6)(9))",
		},
		{name: "no messages", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msgs := build(tc.msgs)
			if got := FormatThreads(Thread(OrderedSubject, msgs, false)); got != tc.want {
				t.Errorf("THREAD ORDEREDSUBJECT = %s; want %s", got, tc.want)
			}
			slices.Reverse(msgs)
			if got := FormatThreads(Thread(OrderedSubject, msgs, false)); got != tc.want {
				t.Errorf("THREAD ORDEREDSUBJECT of reversed input = %s; want %s", got, tc.want)
			}
		})
	}
}

func TestParseAlgorithm(t *testing.T) {
	for in, want := range map[string]Algorithm{"references": References, "ORDEREDSUBJECT": OrderedSubject, "refs": 0} {
		got, err := ParseAlgorithm(in)
		if got != want || (err != nil) != (want == 0) {
			t.Errorf("ParseAlgorithm(%q) = %v, %v", in, got, err)
		}
	}
}

// TestThreadReferences_randomShape checks, on random mailboxes full of
// loops, self references, duplicates and missing ids, what must hold of
// every answer: each message exactly once, placeholders only at the top
// and only with two or more children, siblings in sent-date order.
func TestThreadReferences_randomShape(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		n := 1 + r.IntN(40)
		ids := func() string { return fmt.Sprintf("<%d@x>", r.IntN(n+5)) }
		var ms []tm
		for i := range n {
			m := tm{seq: uint32(i + 1), date: 1 + r.IntN(20), subject: []string{"", "a", "Re: a", "b", "[Fwd: b]"}[r.IntN(5)]}
			if r.IntN(6) > 0 {
				m.id = ids()
			}
			for range r.IntN(4) {
				m.refs = append(m.refs, ids())
			}
			if r.IntN(3) == 0 {
				m.irt = ids()
			}
			ms = append(ms, m)
		}
		msgs := build(ms)
		r.Shuffle(len(msgs), func(i, j int) { msgs[i], msgs[j] = msgs[j], msgs[i] })
		threads := Thread(References, msgs, false)
		date := map[uint32]int{}
		for _, m := range ms {
			date[m.seq] = m.date
		}
		key := func(n *Node) []int {
			for n.ID == 0 {
				n = n.Children[0]
			}
			return []int{date[n.ID], int(n.ID)}
		}
		seen := map[uint32]int{}
		var walk func(n *Node, top bool)
		walk = func(n *Node, top bool) {
			if n.ID == 0 && (!top || len(n.Children) < 2) {
				t.Fatalf("round %d: misplaced placeholder in %s", round, FormatThreads(threads))
			}
			seen[n.ID]++
			for i, c := range n.Children {
				if i > 0 && slices.Compare(key(n.Children[i-1]), key(c)) > 0 {
					t.Fatalf("round %d: siblings out of order in %s", round, FormatThreads(threads))
				}
				walk(c, false)
			}
		}
		for i, th := range threads {
			if i > 0 && slices.Compare(key(threads[i-1]), key(th)) > 0 {
				t.Fatalf("round %d: threads out of order in %s", round, FormatThreads(threads))
			}
			walk(th, true)
		}
		delete(seen, 0)
		if len(seen) != n {
			t.Fatalf("round %d: %d messages in %s; want %d", round, len(seen), FormatThreads(threads), n)
		}
		for id, k := range seen {
			if k != 1 {
				t.Fatalf("round %d: message %d appears %d times in %s", round, id, k, FormatThreads(threads))
			}
		}
	}
}
