package order

import (
	"strings"
	"testing"
)

func leaf(id uint32) *Node { return &Node{ID: id} }

func node(id uint32, kids ...*Node) *Node { return &Node{ID: id, Children: kids} }

// The thread-list grammar of RFC 5256 §5.
func TestFormatThreads(t *testing.T) {
	tests := []struct {
		name    string
		threads []*Node
		want    string
	}{
		{"none", nil, ""},
		{"one message", []*Node{leaf(7)}, "(7)"},
		{"RFC 5256 example", []*Node{leaf(2), node(3, node(6, node(4, leaf(23)), node(44, node(7, leaf(96)))))},
			"(2)(3 6 (4 23)(44 7 96))"},
		{"placeholder root", []*Node{node(0, leaf(3), leaf(5))}, "((3)(5))"},
		{"placeholder with chains", []*Node{node(0, node(3, leaf(4)), leaf(5))}, "((3 4)(5))"},
		{"placeholder with one child", []*Node{node(0, node(3, leaf(4)))}, "(3 4)"},
		{"flat children", []*Node{node(1, leaf(2), leaf(4))}, "(1 (2)(4))"},
		{"branch after chain", []*Node{node(1, node(2, leaf(3), node(0, leaf(4), leaf(5))))}, "(1 2 (3)((4)(5)))"},
	}
	for _, tc := range tests {
		if got := FormatThreads(tc.threads); got != tc.want {
			t.Errorf("%s: FormatThreads = %s; want %s", tc.name, got, tc.want)
		}
	}
}

// A chain as long as a mailbox is written without deep recursion.
func TestFormatThreads_longChain(t *testing.T) {
	const n = 200000
	root := leaf(1)
	cur := root
	for i := uint32(2); i <= n; i++ {
		cur.Children = []*Node{leaf(i)}
		cur = cur.Children[0]
	}
	got := FormatThreads([]*Node{root})
	if !strings.HasPrefix(got, "(1 2 3 ") || !strings.HasSuffix(got, " 199999 200000)") {
		t.Errorf("long chain written as %.20s...%s", got, got[len(got)-20:])
	}
}

// A long chain of replies threads as a flat list, without quadratic loop
// checks (with them, this test takes minutes) or deep recursion.
func TestThreadReferences_longChain(t *testing.T) {
	const n = 100000
	msgs := make([]Msg, n)
	for i := range msgs {
		msgs[i] = Msg{Seq: uint32(i + 1), Arrival: at(i), Subject: "Re: chain",
			MessageID: idOf(i)}
		if i > 0 {
			msgs[i].InReplyTo = idOf(i - 1)
		}
	}
	threads := Thread(References, msgs, false)
	if len(threads) != 1 {
		t.Fatalf("%d threads; want 1", len(threads))
	}
	got := FormatThreads(threads)
	if !strings.HasPrefix(got, "(1 2 3 ") || !strings.HasSuffix(got, " 100000)") || strings.Count(got, "(") != 1 {
		t.Errorf("chain threaded as %.40s...", got)
	}
}
