package wire

import (
	"bytes"
	"testing"
)

// The THREAD examples of RFC 5256 §4.
func TestWriter_thread(t *testing.T) {
	n := func(num uint32, children ...*ThreadNode) *ThreadNode { return &ThreadNode{num, children} }
	tests := []struct {
		roots []*ThreadNode
		want  string
	}{
		// (2)(3 6 (4 23)(44 7 96))
		{[]*ThreadNode{n(2), n(3, n(6, n(4, n(23)), n(44, n(7, n(96)))))},
			"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n"},
		// ((3)(5)): a missing parent of 3 and 5.
		{[]*ThreadNode{n(0, n(3), n(5))}, "* THREAD ((3)(5))\r\n"},
		{nil, "* THREAD\r\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		if err := w.ThreadResult(tt.roots); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if buf.String() != tt.want {
			t.Errorf("got %q, want %q", buf.String(), tt.want)
		}
	}
	// A cycle made by a bug in the session must not hang the writer.
	loop := n(1)
	loop.Children = []*ThreadNode{loop}
	if err := NewWriter(&bytes.Buffer{}).ThreadResult([]*ThreadNode{loop}); err == nil {
		t.Error("cyclic thread written")
	}
	fork := n(0)
	fork.Children = []*ThreadNode{fork, fork}
	if err := NewWriter(&bytes.Buffer{}).ThreadResult([]*ThreadNode{fork}); err == nil {
		t.Error("cyclic forked thread written")
	}
}

func TestWriter_sort(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.SortResult([]uint32{2, 84, 882}, 0)
	w.SortResult([]uint32{5}, 1234)
	w.Flush()
	if want := "* SORT 2 84 882\r\n* SORT 5 (MODSEQ 1234)\r\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}
