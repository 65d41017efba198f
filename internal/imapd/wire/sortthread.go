package wire

// SortResult writes "* SORT n ..." (RFC 5256 §4), with the CONDSTORE
// "(MODSEQ n)" when modSeq is not zero (RFC 7162 §3.1.5).
func (w *Writer) SortResult(nums []uint32, modSeq uint64) error {
	w.Start("*").Atom("SORT")
	for _, n := range nums {
		w.Number(uint64(n))
	}
	if modSeq != 0 && len(nums) > 0 {
		w.Open().Atom("MODSEQ").Number(modSeq).Close()
	}
	return w.End()
}

// ThreadNode is a message in a thread and its replies. Num 0 stands for
// a parent that is not in the mailbox (or not matched): its children are
// siblings under a missing root (RFC 5256 §4: "((3)(5))").
type ThreadNode struct {
	Num      uint32
	Children []*ThreadNode
}

// ThreadResult writes "* THREAD" and one thread-list per root (RFC 5256 §4).
func (w *Writer) ThreadResult(roots []*ThreadNode) error {
	w.Start("*").Atom("THREAD")
	for i, root := range roots {
		if i > 0 {
			w.sep = false // thread-lists follow each other without SP
		}
		w.threadList(root, 0)
		if w.err != nil {
			return w.err
		}
	}
	return w.End()
}

// threadList writes thread-list = "(" (thread-members / thread-nested) ")":
// a chain of single replies is written flat ("(3 6 4)"); a message with
// several replies is followed by one nested thread-list per reply. Depth
// is bounded because the tree comes from the session, not the client,
// but a cycle must not hang the writer.
func (w *Writer) threadList(n *ThreadNode, depth int) {
	if w.err != nil {
		return // a cycle with branches would otherwise be explored exponentially
	}
	if depth > 1000 {
		w.err = errThreadTooDeep
		return
	}
	w.Open()
	for {
		if n.Num != 0 {
			w.Number(uint64(n.Num))
		}
		if len(n.Children) != 1 || n.Num == 0 {
			break
		}
		n = n.Children[0]
		depth++
		if depth > 100000 {
			w.err = errThreadTooDeep
			return
		}
	}
	if len(n.Children) > 1 || (n.Num == 0 && len(n.Children) > 0) {
		for _, c := range n.Children {
			w.threadList(c, depth+1)
			w.sep = false // thread-nested = 2*thread-list: no SP between
		}
	}
	w.Close()
}
