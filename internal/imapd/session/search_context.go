package session

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"postroom/internal/events"
	"postroom/internal/imapd/order"
	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
)

// CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4): the return options
// CONTEXT, UPDATE and PARTIAL of SEARCH and SORT, the updates of a
// context (ESEARCH ADDTO and REMOVEFROM) and CANCELUPDATE. PARTIAL's
// negative ranges are RFC 9394's.
//
// Invariants:
//   - A context lives while its mailbox stays selected: SELECT, EXAMINE,
//     CLOSE and UNSELECT drop the selected state and its contexts with it
//     (RFC 5267 §4.3: "Updates will cease when the mailbox is no longer
//     selected").
//   - A context's list holds only messages of the client's view. Numbers
//     go out as the view numbers them when the ESEARCH is written:
//     REMOVEFROM of expunged messages before the view's EXPUNGEs (their
//     numbers still valid, §4.3.4), ADDTO after its EXISTS (§4.3.3).
//   - Updates are a difference: a message is re-evaluated whenever an
//     event names it, and only a change of membership is sent, so an event
//     that repeats what the search already saw sends nothing.
//
// Cost: at each point where untagged responses may go out (after a
// command, during IDLE), each context re-evaluates only the messages the
// events since the last point named: one SearchMailbox call restricted to
// those UIDs (the store reads their rows from the lowest of them upward;
// body and text keys add an index query). Expunges cost no store access.
// A SORT context keeps the sort keys of its members (order.Msg), reads
// envelopes only from the lowest message that enters it upward, and puts
// each in place by binary search (O(log n) comparisons). Only after lost events (events.Overflow) is
// every message of the view re-evaluated, as a new search would.

// maxContexts is how many contexts with UPDATE a session keeps; beyond
// it the searching command answers NOUPDATE (RFC 5267 §4.3.1: "Servers
// MUST provide at least one updating context per client").
const maxContexts = 20

// maxChanged bounds the UIDs remembered between two update points; past
// it every message is re-evaluated instead (as after an overflow).
const maxChanged = 50000

// searchContext is one searching command's live result.
type searchContext struct {
	tag string
	uid bool // UID SEARCH/UID SORT: updates carry UIDs, else sequence numbers
	key *wire.SearchKey
	// sorted marks a SORT context: positions in sort order by crit, and
	// msgs holds the members' sort keys (Seq set to the UID: mailbox order
	// for the final tie-break whatever the view's numbers do).
	sorted bool
	crit   []order.Criterion
	msgs   map[uint32]order.Msg
	// list is the result as the client holds it, by UID: ascending for a
	// SEARCH, in sort order for a SORT; in is its membership.
	list []uint32
	in   map[uint32]struct{}
}

// contexts are the selected mailbox's contexts and what changed since the
// last update point.
type contexts struct {
	all      []*searchContext // in creation order: updates go out in it
	expunged map[uint32]struct{}
	changed  map[uint32]struct{} // new messages and flag changes
	reread   bool                // events were lost: re-evaluate every message
}

// returnOptions are a searching command's RETURN options as RFC 5267
// reads them.
type returnOptions struct {
	update  bool
	partial *partialRange
}

// partialRange is PARTIAL's range (RFC 9394 §4): 1-based positions in the
// result, or counted from its end when negative (-1 is the last).
type partialRange struct {
	text        string // as the client gave it, for the answer
	first, last uint32 // first <= last
	fromEnd     bool
}

// parsePartial reads partial-range = nz-number ":" nz-number /
// "-" nz-number ":" "-" nz-number; either order means the same ("A range
// 500:400 is the same as 400:500", RFC 9394 §4); "*" and mixed signs are
// not ranges.
func parsePartial(text string) (*partialRange, error) {
	a, b, found := strings.Cut(text, ":")
	if !found {
		return nil, bad(wire.Code{}, "PARTIAL needs a range first:last")
	}
	na, negA := strings.CutPrefix(a, "-")
	nb, negB := strings.CutPrefix(b, "-")
	if negA != negB {
		return nil, bad(wire.Code{}, "PARTIAL range must not mix signs")
	}
	x, errA := strconv.ParseUint(na, 10, 32)
	y, errB := strconv.ParseUint(nb, 10, 32)
	if errA != nil || errB != nil || x == 0 || y == 0 {
		return nil, bad(wire.Code{}, "PARTIAL range must be two non-zero numbers")
	}
	return &partialRange{text: text, first: uint32(min(x, y)), last: uint32(max(x, y)), fromEnd: negA}, nil
}

// pick returns the part of result (in result order) the range names:
// what exists of it, possibly nothing (RFC 9394 §3.1).
func (p *partialRange) pick(result []uint32) []uint32 {
	n := uint64(len(result))
	lo, hi := uint64(p.first), uint64(p.last) // 1-based, inclusive
	if p.fromEnd {
		// -1 is the n-th: -last..-first are positions n+1-last..n+1-first
		if lo > n {
			return nil
		}
		hi, lo = n+1-lo, n+1-min(hi, n)
	}
	if lo > n {
		return nil
	}
	return result[lo-1 : min(hi, n)]
}

// checkReturn validates the RETURN options of RFC 5267 before the search
// runs: a PARTIAL range, PARTIAL with ALL (RFC 9394 §3.1: "A single
// command MUST NOT contain more than one PARTIAL or ALL search return
// option"), and UPDATE under a tag whose context lives ("SHALL result in
// the server rejecting the searching command with a BAD response",
// RFC 5267 §4.3).
func (s *Session) checkReturn(tag string, ret []string, partial string) (returnOptions, error) {
	var o returnOptions
	count := func(name string) int {
		n := 0
		for _, r := range ret {
			if r == name {
				n++
			}
		}
		return n
	}
	if p := count("PARTIAL"); p > 0 {
		if p > 1 || count("ALL") > 0 {
			return o, bad(wire.Code{}, "RETURN takes one PARTIAL or one ALL, not both")
		}
		r, err := parsePartial(partial)
		if err != nil {
			return o, err
		}
		o.partial = r
	}
	if slices.Contains(ret, "UPDATE") {
		o.update = true
		if s.sel.contexts != nil && s.sel.contexts.find(tag) >= 0 {
			return o, bad(wire.Code{}, "Tag reuse: a context of this tag is still updated")
		}
	}
	return o, nil
}

// resultOptions are the options that return data: CONTEXT is a hint and
// UPDATE returns only later updates (RFC 5267 §4.2, §4.3). With none left
// the answer is ALL, as for RETURN () (RFC 4731 §3.1), so that a client
// asking only for updates learns what they apply to.
func resultOptions(ret []string) []string {
	if ret == nil {
		return nil
	}
	out := make([]string, 0, len(ret))
	for _, r := range ret {
		if r != "CONTEXT" && r != "UPDATE" {
			out = append(out, r)
		}
	}
	return out
}

// partialResult is the PARTIAL return data of nums, the result in its
// order (RFC 9394 §3.1: the original range and what exists of it, NIL
// when nothing does).
func partialResult(p *partialRange, nums []uint32) wire.ESearchResult {
	set := uidSetOf(p.pick(nums))
	return wire.ESearchResult{Name: "PARTIAL", Range: p.text, Set: &set}
}

// find is the index of tag's context, or -1.
func (c *contexts) find(tag string) int {
	return slices.IndexFunc(c.all, func(x *searchContext) bool { return x.tag == tag })
}

// updatable reports whether a context of key can be kept exact from the
// mailbox's events: sequence-number sets change meaning with every
// EXPUNGE, "$" with every SAVE, OLDER and YOUNGER with the clock.
func updatable(k *wire.SearchKey) bool {
	if k == nil {
		return true
	}
	switch k.Op {
	case "SEQSET", "OLDER", "YOUNGER":
		return false
	case "UID":
		if k.Set.Saved {
			return false
		}
	}
	for _, a := range k.Args {
		if !updatable(a) {
			return false
		}
	}
	return true
}

// openContext keeps the result of a searching command that asked for
// UPDATE, or refuses with an untagged NO [NOUPDATE] and completes the
// command anyway ("Other return options specified SHALL still be
// honoured", RFC 5267 §4.3.1). refs is the result ascending; sorted, the
// SORT order by UID with msgs its members' keys.
func (s *Session) openContext(tag string, uid bool, key *wire.SearchKey, refs []view.Ref,
	crit []order.Criterion, sorted []uint32, msgs []order.Msg) error {
	sel := s.sel
	if sel.contexts == nil {
		sel.contexts = &contexts{expunged: map[uint32]struct{}{}, changed: map[uint32]struct{}{}}
	}
	cs := sel.contexts
	why := ""
	switch {
	case len(cs.all) >= maxContexts:
		why = "Too many contexts; CANCELUPDATE one first"
	case !updatable(key):
		why = "Cannot update a search by sequence numbers, $, OLDER or YOUNGER; use UID sets"
	}
	if why != "" {
		if err := s.w.Status("", "NO", wire.CodeNoUpdate(tag), why); err != nil {
			return err
		}
		return ok(wire.Code{}, "Search completed, will not notify")
	}
	c := &searchContext{tag: tag, uid: uid, key: key, in: make(map[uint32]struct{}, len(refs))}
	if crit != nil {
		c.sorted, c.crit, c.list = true, crit, slices.Clone(sorted)
		c.msgs = make(map[uint32]order.Msg, len(msgs))
		for _, m := range msgs {
			m.Seq = m.UID
			c.msgs[m.UID] = m
		}
	} else {
		c.list = make([]uint32, len(refs))
		for i, r := range refs {
			c.list[i] = r.UID
		}
	}
	for _, u := range c.list {
		c.in[u] = struct{}{}
	}
	cs.all = append(cs.all, c)
	return ok(wire.Code{}, "Search completed, will notify")
}

// cancelUpdate answers CANCELUPDATE (RFC 5267 §4.3.5). A tag without a
// context is BAD and nothing is cancelled: the client names a context it
// does not have.
func (s *Session) cancelUpdate(cmd *wire.Command) error {
	args, okArgs := cmd.Args.(*wire.CancelUpdate)
	if !okArgs || len(args.Tags) == 0 {
		return bad(wire.Code{}, "CANCELUPDATE needs the tags of searching commands")
	}
	cs := s.sel.contexts
	for _, t := range args.Tags {
		if cs == nil || cs.find(t) < 0 {
			return bad(wire.Code{}, "No context is updated for tag "+strconv.Quote(t))
		}
	}
	for _, t := range args.Tags {
		if i := cs.find(t); i >= 0 {
			cs.all = slices.Delete(cs.all, i, i+1)
		}
	}
	if len(cs.all) == 0 {
		s.sel.contexts = nil
	}
	return nil
}

// noteContexts records what an event changed for the contexts' next
// update (called for every event the selected view is fed).
func (s *Session) noteContexts(e events.Event) {
	sel := s.sel
	if sel == nil || sel.contexts == nil {
		return
	}
	cs := sel.contexts
	if e.Kind == events.Overflow {
		cs.reread = true
		return
	}
	if e.MailboxID != sel.mailbox.ID || cs.reread {
		return
	}
	var into map[uint32]struct{}
	switch e.Kind {
	case events.MessageNew, events.MessageFlags:
		into = cs.changed
	case events.MessageExpunge:
		into = cs.expunged
	default:
		return
	}
	for _, u := range e.UIDs {
		into[u] = struct{}{}
	}
	if len(cs.changed)+len(cs.expunged) > maxChanged {
		cs.reread = true
		clear(cs.changed)
		clear(cs.expunged)
	}
}

// contextRemovals writes REMOVEFROM for the members expunged since the
// last update point, before the view's EXPUNGEs go out, while their
// sequence numbers are still the client's (RFC 5267 §4.3.4).
func (s *Session) contextRemovals() error {
	sel := s.sel
	if sel == nil || sel.contexts == nil {
		return nil
	}
	cs, v := sel.contexts, sel.view
	gone := func(u uint32) bool {
		if cs.reread {
			_, known := v.UIDToSeq(u)
			return !known || v.IsExpunged(u)
		}
		_, ok := cs.expunged[u]
		return ok
	}
	if len(cs.expunged) > 0 || cs.reread {
		for _, c := range cs.all {
			if err := s.writeUpdate(c, c.remove(gone), nil); err != nil {
				return err
			}
		}
	}
	clear(cs.expunged)
	return nil
}

// contextChanges re-evaluates the messages added or changed since the
// last update point and writes REMOVEFROM and ADDTO for what left and
// entered each context; it runs after the view's EXISTS went out.
func (s *Session) contextChanges() error {
	sel := s.sel
	if sel == nil || sel.contexts == nil || (len(sel.contexts.changed) == 0 && !sel.contexts.reread) {
		return nil
	}
	cs, v := sel.contexts, sel.view
	var cand []view.Ref
	if cs.reread {
		all, err := v.ResolveUID(wire.SeqSet{Ranges: []wire.SeqRange{{Start: 1, Stop: wire.Star}}})
		if err != nil {
			return err
		}
		for _, r := range all {
			if !r.Expunged {
				cand = append(cand, r)
			}
		}
	} else {
		for u := range cs.changed {
			if seq, known := v.UIDToSeq(u); known && !v.IsExpunged(u) {
				cand = append(cand, view.Ref{Seq: seq, UID: u})
			}
		}
		slices.SortFunc(cand, func(a, b view.Ref) int { return int(a.UID) - int(b.UID) })
	}
	clear(cs.changed)
	cs.reread = false
	if len(cand) == 0 {
		return nil
	}
	for _, c := range cs.all {
		matched, err := s.matchContext(c, cand)
		if err != nil {
			// the store failed: what changed is unknown, try all anew next time
			cs.reread = true
			return err
		}
		var left, entered []uint32
		for _, r := range cand {
			_, member := c.in[r.UID]
			_, match := slices.BinarySearch(matched, r.UID)
			switch {
			case member && !match:
				left = append(left, r.UID)
			case !member && match:
				entered = append(entered, r.UID)
			}
		}
		if len(left) == 0 && len(entered) == 0 {
			continue
		}
		leaving := make(map[uint32]struct{}, len(left))
		for _, u := range left {
			leaving[u] = struct{}{}
		}
		removed := c.remove(func(u uint32) bool { _, ok := leaving[u]; return ok })
		added, err := s.addToContext(c, entered)
		if err != nil {
			cs.reread = true
			if werr := s.writeUpdate(c, removed, nil); werr != nil {
				return werr
			}
			return err
		}
		if err := s.writeUpdate(c, removed, added); err != nil {
			return err
		}
	}
	return nil
}

// matchContext is which of cand (ascending) c's search matches now,
// ascending.
func (s *Session) matchContext(c *searchContext, cand []view.Ref) ([]uint32, error) {
	v := s.sel.view
	// "*" of a UID set is the last UID of the whole view, not of cand
	star := v.UIDNext()
	if n := v.Len(); n > 0 {
		star, _ = v.SeqToUID(uint32(n))
	}
	t := &translator{s: s, all: cand, star: star}
	crit, err := t.key(c.key)
	if err != nil {
		return nil, err
	}
	uids := make([]uint32, len(cand))
	for i, r := range cand {
		uids[i] = r.UID
	}
	matched, err := s.cfg.Mail.SearchMailbox(s.ctx, s.who(), s.sel.mailbox.ID, uids, crit)
	if err != nil {
		return nil, fmt.Errorf("context %q of mailbox %d: %w", c.tag, s.sel.mailbox.ID, err)
	}
	return matched, nil
}

// remove takes the members for which drop holds out of c's list and
// returns the REMOVEFROM pairs that tell the client so: for a SEARCH one
// pair at position 0 in mailbox order (RFC 5267 §4.3.4 recommends it),
// for a SORT one pair per run of neighbours, each at its position in the
// list as the pairs before it left it (pairs are processed in order).
func (c *searchContext) remove(drop func(uint32) bool) []updateRun {
	var runs []updateRun
	kept := c.list[:0]
	for i, u := range c.list {
		if !drop(u) {
			kept = append(kept, u)
			continue
		}
		delete(c.in, u)
		delete(c.msgs, u)
		pos := uint32(0)
		if c.sorted {
			pos = uint32(len(kept) + 1)
		}
		if n := len(runs); n > 0 && (!c.sorted || runs[n-1].end == i) {
			runs[n-1].uids = append(runs[n-1].uids, u)
			runs[n-1].end = i + 1
			continue
		}
		runs = append(runs, updateRun{pos: pos, uids: []uint32{u}, end: i + 1})
	}
	c.list = kept
	return runs
}

// updateRun is one ADDTO or REMOVEFROM pair by UID; end is where the run
// ends in the list it was taken from.
type updateRun struct {
	pos  uint32
	uids []uint32
	end  int
}

// addToContext puts entered (ascending) into c's list and returns the
// ADDTO pairs: for a SEARCH one at position 0 in mailbox order (§4.3.3);
// for a SORT each run of neighbours at the position its first message
// takes, ascending, so that inserting them in order gives the new list.
func (s *Session) addToContext(c *searchContext, entered []uint32) ([]updateRun, error) {
	if len(entered) == 0 {
		return nil, nil
	}
	if !c.sorted {
		for _, u := range entered {
			c.in[u] = struct{}{}
		}
		merged := make([]uint32, 0, len(c.list)+len(entered))
		merged = append(merged, c.list...)
		merged = append(merged, entered...)
		slices.Sort(merged)
		c.list = merged
		return []updateRun{{uids: entered}}, nil
	}
	refs := make([]view.Ref, len(entered))
	for i, u := range entered {
		refs[i] = view.Ref{Seq: u, UID: u}
	}
	msgs, err := s.orderMsgs(&searchResult{refs: refs})
	if err != nil {
		return nil, err
	}
	for _, u := range entered {
		c.in[u] = struct{}{}
	}
	for _, m := range msgs {
		m.Seq = m.UID
		c.msgs[m.UID] = m
	}
	for _, u := range entered {
		if _, ok := c.msgs[u]; !ok {
			// no envelope row (expunged meanwhile): sorts by UID alone
			c.msgs[u] = order.Msg{Seq: u, UID: u}
		}
		// the list is in a total order (the criteria, then mailbox
		// order): a binary search finds u's place without sorting anew
		m := c.msgs[u]
		i, _ := slices.BinarySearchFunc(c.list, u, func(x, _ uint32) int {
			if order.SortIndex([]order.Msg{c.msgs[x], m}, c.crit)[0] == 0 {
				return -1
			}
			return 1
		})
		c.list = slices.Insert(c.list, i, u)
	}
	var runs []updateRun
	for i, u := range c.list {
		if _, ok := slices.BinarySearch(entered, u); !ok {
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].end == i {
			runs[n-1].uids = append(runs[n-1].uids, u)
			runs[n-1].end = i + 1
			continue
		}
		runs = append(runs, updateRun{pos: uint32(i + 1), uids: []uint32{u}, end: i + 1})
	}
	return runs, nil
}

// writeUpdate writes one ESEARCH with REMOVEFROM and then ADDTO, numbered
// as the view numbers the messages now.
func (s *Session) writeUpdate(c *searchContext, removed, added []updateRun) error {
	if len(removed) == 0 && len(added) == 0 {
		return nil
	}
	pairs := func(runs []updateRun) []wire.ContextUpdate {
		out := make([]wire.ContextUpdate, 0, len(runs))
		for _, r := range runs {
			nums := r.uids
			if !c.uid {
				nums = make([]uint32, 0, len(r.uids))
				for _, u := range r.uids {
					if seq, ok := s.sel.view.UIDToSeq(u); ok {
						nums = append(nums, seq)
					}
				}
				if len(nums) == 0 {
					continue
				}
			}
			out = append(out, wire.ContextUpdate{Position: r.pos, Set: uidSetOf(nums)})
		}
		return out
	}
	var res []wire.ESearchResult
	if p := pairs(removed); len(p) > 0 {
		res = append(res, wire.ESearchResult{Name: "REMOVEFROM", Updates: p})
	}
	if p := pairs(added); len(p) > 0 {
		res = append(res, wire.ESearchResult{Name: "ADDTO", Updates: p})
	}
	if len(res) == 0 {
		return nil
	}
	return s.w.ESearch(c.tag, c.uid, res)
}

// partialRefs is the part of refs (ascending) that PARTIAL text names
// (the SAVE result of RFC 9394 §3.2); text was checked by checkReturn.
func partialRefs(text string, refs []view.Ref) []view.Ref {
	p, err := parsePartial(text)
	if err != nil {
		return nil
	}
	pos := make([]uint32, len(refs))
	for i := range pos {
		pos[i] = uint32(i)
	}
	picked := p.pick(pos)
	out := make([]view.Ref, len(picked))
	for i, j := range picked {
		out[i] = refs[j]
	}
	return out
}

// openSortContext is openContext for SORT RETURN (UPDATE): sorted is the
// answer (sequence numbers unless uid), msgs the members' sort keys.
func (s *Session) openSortContext(tag string, uid bool, key *wire.SearchKey, crit []order.Criterion,
	sorted []uint32, msgs []order.Msg) error {
	uids := sorted
	if !uid {
		uids = make([]uint32, 0, len(sorted))
		for _, seq := range sorted {
			if u, ok := s.sel.view.SeqToUID(seq); ok {
				uids = append(uids, u)
			}
		}
	}
	if crit == nil {
		crit = []order.Criterion{} // non-nil: a SORT context
	}
	return s.openContext(tag, uid, key, nil, crit, uids, msgs)
}
