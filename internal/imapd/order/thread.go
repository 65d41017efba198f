package order

// THREAD (RFC 5256 §4): the result tree, the ORDEREDSUBJECT algorithm and
// the thread-list text (RFC 5256 §5). REFERENCES is in references.go.

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Algorithm is a threading algorithm of RFC 5256 §4.
type Algorithm int

// The algorithms of RFC 5256 §4, advertised as THREAD=ORDEREDSUBJECT and
// THREAD=REFERENCES.
const (
	OrderedSubject Algorithm = iota + 1
	References
)

// ErrAlgorithm is returned by ParseAlgorithm for an unknown algorithm.
var ErrAlgorithm = errors.New("unknown threading algorithm")

// ParseAlgorithm reads the algorithm atom of a THREAD command.
func ParseAlgorithm(atom string) (Algorithm, error) {
	switch strings.ToUpper(atom) {
	case "ORDEREDSUBJECT":
		return OrderedSubject, nil
	case "REFERENCES":
		return References, nil
	}
	return 0, ErrAlgorithm
}

// Node is one message of a thread tree, with its replies in order. A
// Node with ID 0 is a placeholder for a message that is not in the
// result (a dummy of RFC 5256 §4): it only holds its children together,
// and is printed as their nested thread-lists without a number.
type Node struct {
	ID       uint32 // sequence number or UID; 0 for a placeholder
	Children []*Node
}

// Thread returns the threads of msgs by alg, oldest thread first, with
// sequence numbers or (byUID) UIDs. msgs are the messages that matched
// the THREAD command's search criteria, in any order.
func Thread(alg Algorithm, msgs []Msg, byUID bool) []*Node {
	switch alg {
	case OrderedSubject:
		return orderedSubject(msgs, byUID)
	case References:
		return threadReferences(msgs, byUID)
	}
	return nil
}

// compareSent orders messages a and b of msgs by sent date, ties by
// sequence number (RFC 5256 §2.2), then by input position.
func compareSent(msgs []Msg, dates []time.Time, a, b int) int {
	if c := dates[a].Compare(dates[b]); c != 0 {
		return c
	}
	if c := cmp.Compare(msgs[a].Seq, msgs[b].Seq); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

func sentDates(msgs []Msg) []time.Time {
	d := make([]time.Time, len(msgs))
	for i := range msgs {
		d[i] = msgs[i].sentDate()
	}
	return d
}

// orderedSubject is ORDEREDSUBJECT (RFC 5256 §4): sort by base subject,
// then by sent date; each run of one base subject is a thread whose first
// message is the parent of all the others; threads are ordered by the
// sent date of their first message.
func orderedSubject(msgs []Msg, byUID bool) []*Node {
	subj := make([]string, len(msgs))
	for i := range msgs {
		subj[i], _ = BaseSubject(msgs[i].Subject)
	}
	subj = casemapKeys(subj) // compared below with strings.Compare
	dates := sentDates(msgs)
	idx := make([]int, len(msgs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := strings.Compare(subj[a], subj[b]); c != 0 {
			return c
		}
		return compareSent(msgs, dates, a, b)
	})
	type thread struct {
		first int
		node  *Node
	}
	var threads []thread
	nodes := make([]Node, len(msgs)) // one allocation for every node
	for k, i := range idx {
		nodes[k].ID = msgs[i].id(byUID)
		if len(threads) > 0 && subj[threads[len(threads)-1].first] == subj[i] {
			p := threads[len(threads)-1].node
			p.Children = append(p.Children, &nodes[k])
			continue
		}
		threads = append(threads, thread{first: i, node: &nodes[k]})
	}
	slices.SortFunc(threads, func(a, b thread) int {
		return compareSent(msgs, dates, a.first, b.first)
	})
	out := make([]*Node, len(threads))
	for i, t := range threads {
		out[i] = t.node
	}
	return out
}

// FormatThreads returns the thread-list text of threads, as the THREAD
// response carries it after "* THREAD " (RFC 5256 §5), for example
// "(2)(3 6 (4 23)(44 7 96))".
func FormatThreads(threads []*Node) string {
	return string(AppendThreads(nil, threads))
}

// AppendThreads appends the thread-list text of threads to dst:
//
//	thread-list    = "(" (thread-members / thread-nested) ")"
//	thread-members = nz-number *(SP nz-number) [SP thread-nested]
//	thread-nested  = 2*thread-list
//
// A chain of single replies is written flat ("3 6"); a message with two
// or more replies is followed by one parenthesised list per reply.
func AppendThreads(dst []byte, threads []*Node) []byte {
	for _, t := range threads {
		dst = append(dst, '(')
		dst = appendMembers(dst, t)
		dst = append(dst, ')')
	}
	return dst
}

// appendMembers writes n and its descendants without the enclosing
// parentheses. Chains are followed in a loop, so recursion is only as
// deep as the branchings on one path, not as long as a thread.
func appendMembers(dst []byte, n *Node) []byte {
	sep := false
	for {
		if n.ID != 0 {
			if sep {
				dst = append(dst, ' ')
			}
			dst = strconv.AppendUint(dst, uint64(n.ID), 10)
			sep = true
		}
		switch {
		case len(n.Children) == 0:
			return dst
		case len(n.Children) == 1 && n.ID != 0:
			n = n.Children[0]
			continue
		case len(n.Children) == 1:
			// A placeholder with one child never leaves the algorithms
			// (RFC 5256 §4 step 3 promotes the child); write the child
			// in its place rather than a one-list thread-nested.
			n = n.Children[0]
			continue
		}
		if sep {
			dst = append(dst, ' ')
		}
		for _, c := range n.Children {
			dst = append(dst, '(')
			dst = appendMembers(dst, c)
			dst = append(dst, ')')
		}
		return dst
	}
}
