package order

// THREAD=REFERENCES (RFC 5256 §4), step by step as the RFC numbers them.
//
// Invariants:
//   - Containers 0..len(msgs)-1 are the messages, in input order; those
//     appended after them are dummies (ids referenced but not present).
//   - Parent links always form a forest: every link is checked for a loop
//     before it is made (steps 1A and 1B), so walking up always ends.
//   - Only the top level may hold dummies after step 3, and a top-level
//     dummy has message children only.

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

const none = -1

type container struct {
	msg      int // index in msgs; none for a dummy
	parent   int
	nkids    int // containers whose parent this is, during step 1
	children []int
}

type threader struct {
	msgs  []Msg
	dates []time.Time
	cs    []container
	ids   map[string]int // Message-ID -> container
	// subject cache: base subject under i;ascii-casemap and the reply or
	// forward flag, computed only for the messages step 5 looks at.
	subj    []string
	refwd   []bool
	subjSet []bool
}

func threadReferences(msgs []Msg, byUID bool) []*Node {
	t := &threader{
		msgs:    msgs,
		dates:   sentDates(msgs),
		cs:      make([]container, len(msgs), len(msgs)+len(msgs)/4),
		ids:     make(map[string]int, len(msgs)),
		subj:    make([]string, len(msgs)),
		refwd:   make([]bool, len(msgs)),
		subjSet: make([]bool, len(msgs)),
	}
	for i := range t.cs {
		t.cs[i] = container{msg: i, parent: none}
	}
	t.link()
	roots := t.prune(t.forest())
	t.sortTop(roots)
	roots = t.mergeSubjects(roots)
	t.sortAll(roots)
	return t.nodes(roots, byUID)
}

// link is step 1: the id table and the parent links.
func (t *threader) link() {
	// Messages are taken in mailbox order, so that of two messages with
	// one Message-ID the lower sequence number keeps it.
	order := make([]int, len(t.msgs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(t.msgs[a].Seq, t.msgs[b].Seq); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for _, i := range order {
		// A message without a (valid) Message-ID, or with one an earlier
		// message has, gets a unique id: in effect, no entry in the table.
		if id := msgID(t.msgs[i].MessageID); id != "" {
			if _, dup := t.ids[id]; !dup {
				t.ids[id] = i
			}
		}
	}
	var refs []string
	for _, i := range order {
		refs = t.references(refs[:0], &t.msgs[i])
		// Step 1A: each reference is the parent of the next one, unless
		// the next one already has a parent or the link would loop.
		prev := none
		for _, r := range refs {
			c := t.container(r)
			if prev != none && t.cs[c].parent == none && !t.wouldLoop(prev, c) {
				t.setParent(c, prev)
			}
			prev = c
		}
		// Step 1B: the last reference is the message's parent, replacing
		// any parent step 1A gave it from another message's References
		// (those may be truncated); no link at all if it would loop,
		// which covers a message that names itself.
		t.setParent(i, none)
		if prev != none && !t.wouldLoop(prev, i) {
			t.setParent(i, prev)
		}
	}
}

// references returns the valid ids of m's References or, when it has none,
// the first valid id of In-Reply-To (RFC 5256 §4 step 1).
func (t *threader) references(dst []string, m *Msg) []string {
	for _, r := range m.References {
		if id := msgID(r); id != "" {
			dst = append(dst, id)
		}
	}
	if len(dst) == 0 {
		for _, r := range strings.Fields(m.InReplyTo) {
			if id := msgID(r); id != "" {
				return append(dst, id)
			}
		}
	}
	return dst
}

// container returns the container of id, making a dummy the first time an
// id is referenced that no message has.
func (t *threader) container(id string) int {
	if c, ok := t.ids[id]; ok {
		return c
	}
	c := len(t.cs)
	t.cs = append(t.cs, container{msg: none, parent: none})
	t.ids[id] = c
	return c
}

// setParent links c under p (none: unlinks it), keeping the counts of
// children wouldLoop relies on.
func (t *threader) setParent(c, p int) {
	if old := t.cs[c].parent; old != none {
		t.cs[old].nkids--
	}
	t.cs[c].parent = p
	if p != none {
		t.cs[p].nkids++
	}
}

// wouldLoop reports whether making p the parent of c would make a loop:
// whether p is c or a descendant of c. A container without children has
// no descendants, which answers at once for the common case (a message
// taken in mailbox order has no replies linked yet); otherwise the walk
// up from p costs the depth of p, so a chain of n replies linked in
// mailbox order costs O(n), not O(n²).
func (t *threader) wouldLoop(p, c int) bool {
	if p == c {
		return true
	}
	if t.cs[c].nkids == 0 {
		return false
	}
	for x := p; x != none; x = t.cs[x].parent {
		if x == c {
			return true
		}
	}
	return false
}

// forest turns the parent links into child lists and returns the roots
// (step 2: the children of the root). Children are in container order
// here; steps 4 and 6 sort them.
func (t *threader) forest() []int {
	var roots []int
	for c := range t.cs {
		if p := t.cs[c].parent; p != none {
			t.cs[p].children = append(t.cs[p].children, c)
		} else {
			roots = append(roots, c)
		}
	}
	return roots
}

// preorder lists the containers under roots, each before its children,
// without recursion (a thread may be a chain as long as the mailbox).
func (t *threader) preorder(roots []int) []int {
	var out []int
	stack := append([]int(nil), roots...)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, c)
		stack = append(stack, t.cs[c].children...)
	}
	return out
}

// prune is step 3: dummies go. Below the top level a dummy is replaced by
// its children (none: it just goes); at the top level only a dummy with
// one child is, since promoting several would make them separate threads.
func (t *threader) prune(roots []int) []int {
	pre := t.preorder(roots)
	// Children before parents, so that a dummy's own children are final
	// when it is spliced into its parent.
	for k := len(pre) - 1; k >= 0; k-- {
		c := &t.cs[pre[k]]
		if !slices.ContainsFunc(c.children, t.isDummy) {
			continue
		}
		kids := make([]int, 0, len(c.children))
		for _, ch := range c.children {
			if t.isDummy(ch) {
				kids = append(kids, t.cs[ch].children...)
			} else {
				kids = append(kids, ch)
			}
		}
		c.children = kids
	}
	out := roots[:0]
	for _, r := range roots {
		switch {
		case !t.isDummy(r):
			out = append(out, r)
		case len(t.cs[r].children) == 1:
			out = append(out, t.cs[r].children[0])
		case len(t.cs[r].children) > 1:
			out = append(out, r)
		}
	}
	return out
}

func (t *threader) isDummy(c int) bool { return t.cs[c].msg == none }

// first returns the message that stands for c in date and subject
// comparisons: c itself, or a dummy's first child (steps 4, 5 and 6).
func (t *threader) first(c int) int {
	for t.isDummy(c) && len(t.cs[c].children) > 0 {
		c = t.cs[c].children[0]
	}
	return c
}

func (t *threader) sortSiblings(list []int) {
	slices.SortFunc(list, func(a, b int) int {
		a, b = t.first(a), t.first(b)
		if da, db := t.isDummy(a), t.isDummy(b); da || db {
			// Only an empty dummy has no message to stand for it, and
			// step 3 removed those; stay total all the same.
			if da && db {
				return cmp.Compare(a, b)
			}
			if da {
				return 1
			}
			return -1
		}
		return compareSent(t.msgs, t.dates, t.cs[a].msg, t.cs[b].msg)
	})
}

// sortTop is step 4: the top level by sent date, a dummy by its first
// child's once its children are sorted.
func (t *threader) sortTop(roots []int) {
	for _, r := range roots {
		if t.isDummy(r) {
			t.sortSiblings(t.cs[r].children)
		}
	}
	t.sortSiblings(roots)
}

// subject returns the thread subject of c (step 5.B.i) and whether that
// message is a reply or forward.
func (t *threader) subject(c int) (string, bool) {
	m := t.cs[t.first(c)].msg
	if m == none {
		return "", false
	}
	if !t.subjSet[m] {
		s, r := BaseSubject(t.msgs[m].Subject)
		t.subj[m], t.refwd[m], t.subjSet[m] = casemapKey(s), r, true
	}
	return t.subj[m], t.refwd[m]
}

// mergeSubjects is step 5: threads of one base subject are gathered.
func (t *threader) mergeSubjects(roots []int) []int {
	// 5.B: one container per subject, preferring a dummy, then a message
	// that is not a reply or forward.
	table := make(map[string]int)
	for _, r := range roots {
		s, _ := t.subject(r)
		if s == "" {
			continue
		}
		old, ok := table[s]
		if !ok {
			table[s] = r
			continue
		}
		_, oldRefwd := t.subject(old)
		_, curRefwd := t.subject(r)
		if !t.isDummy(old) && (t.isDummy(r) || (oldRefwd && !curRefwd)) {
			table[s] = r
		}
	}
	// 5.C: merge. pos tracks where each top-level container sits in out,
	// so that a dummy made below can take its first member's place.
	out := slices.Clone(roots)
	pos := make(map[int]int, len(roots))
	for k, r := range out {
		pos[r] = k
	}
	// wrapped: top-level containers already put under a new dummy, which
	// the loop must not merge a second time when it reaches them.
	wrapped := make(map[int]bool)
	for _, r := range roots {
		if wrapped[r] {
			continue
		}
		s, curRefwd := t.subject(r)
		if s == "" {
			continue
		}
		m := table[s]
		if m == r {
			continue
		}
		_, tabRefwd := t.subject(m)
		switch {
		case t.isDummy(m) && t.isDummy(r):
			t.cs[m].children = append(t.cs[m].children, t.cs[r].children...)
		case t.isDummy(m) && !t.isDummy(r):
			t.cs[m].children = append(t.cs[m].children, r)
		case curRefwd && !tabRefwd && !t.isDummy(r):
			t.cs[m].children = append(t.cs[m].children, r)
		default:
			d := len(t.cs)
			t.cs = append(t.cs, container{msg: none, parent: none, children: []int{m, r}})
			out[pos[m]] = d
			pos[d] = pos[m]
			table[s] = d
			wrapped[m] = true
		}
		out[pos[r]] = none
	}
	return slices.DeleteFunc(out, func(c int) bool { return c == none })
}

// sortAll is step 6: every set of siblings by sent date, the deepest
// first, so that a top-level dummy is placed by its earliest child.
func (t *threader) sortAll(roots []int) {
	pre := t.preorder(roots)
	for k := len(pre) - 1; k >= 0; k-- {
		if ch := t.cs[pre[k]].children; len(ch) > 1 {
			t.sortSiblings(ch)
		}
	}
	t.sortSiblings(roots)
}

// nodes builds the result tree: every Node in one slice and every
// Children list cut from one more, whatever the number of threads.
func (t *threader) nodes(roots []int, byUID bool) []*Node {
	pre := t.preorder(roots)
	made := make([]Node, len(pre))
	at := make([]*Node, len(t.cs))
	for k, c := range pre {
		n := &made[k]
		if m := t.cs[c].msg; m != none {
			n.ID = t.msgs[m].id(byUID)
		}
		at[c] = n
	}
	pool := make([]*Node, 0, len(pre))
	for _, c := range pre {
		if ch := t.cs[c].children; len(ch) > 0 {
			start := len(pool)
			for _, x := range ch {
				pool = append(pool, at[x])
			}
			at[c].Children = pool[start:len(pool):len(pool)]
		}
	}
	out := make([]*Node, len(roots))
	for i, r := range roots {
		out[i] = at[r]
	}
	return out
}
