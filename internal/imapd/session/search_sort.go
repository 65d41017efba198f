package session

import (
	"fmt"
	"strings"

	"postroom/internal/imapd/order"
	"postroom/internal/imapd/wire"
	"postroom/internal/store"
)

// SORT and THREAD (RFC 5256) with ESORT (RFC 5267): the messages SEARCH
// matches, ordered by internal/imapd/order from what the store keeps of
// them (no message file is read).

func (s *Session) sort(cmd *wire.Command) error {
	args, okArgs := cmd.Args.(*wire.Sort)
	if !okArgs {
		return bad(wire.Code{}, "SORT needs sort criteria, a charset and search keys")
	}
	if !charsetOK(args.Charset) {
		return no(wire.CodeBadCharset(charsets), "Unsupported charset; use UTF-8")
	}
	atoms := make([]string, 0, 2*len(args.Criteria))
	for _, c := range args.Criteria {
		if c.Reverse {
			atoms = append(atoms, "REVERSE")
		}
		atoms = append(atoms, c.Key)
	}
	crit, err := order.ParseCriteria(atoms)
	if err != nil {
		return bad(wire.Code{}, "Invalid sort criteria")
	}
	for _, r := range args.Return {
		switch r {
		case "MIN", "MAX", "ALL", "COUNT", "CONTEXT", "UPDATE", "PARTIAL":
		default:
			return bad(wire.Code{}, "Unsupported sort return option "+r)
		}
	}
	opts, err := s.checkReturn(cmd.Tag, args.Return, args.Partial) // RFC 5267 (search_context.go)
	if err != nil {
		return err
	}
	res, err := s.runSearch(args.Key)
	if err != nil {
		return err
	}
	msgs, err := s.orderMsgs(res)
	if err != nil {
		return err
	}
	sorted := order.Sort(msgs, crit, args.UID)
	if args.Return == nil {
		return s.w.SortResult(sorted, res.modSeq)
	}
	// ESORT (RFC 5267 §3): MIN and MAX are the first and last in sort
	// order, ALL the sorted list (a sequence set, in sort order).
	ret := resultOptions(args.Return) // without CONTEXT and UPDATE
	if len(ret) == 0 {
		ret = []string{"ALL"}
	}
	var out []wire.ESearchResult
	for _, r := range ret {
		switch {
		case r == "MIN" && len(sorted) > 0:
			out = append(out, wire.ESearchResult{Name: "MIN", Value: uint64(sorted[0])})
		case r == "MAX" && len(sorted) > 0:
			out = append(out, wire.ESearchResult{Name: "MAX", Value: uint64(sorted[len(sorted)-1])})
		case r == "ALL" && len(sorted) > 0:
			set := wire.SeqSet{}
			for _, n := range sorted {
				if k := len(set.Ranges); k > 0 && set.Ranges[k-1].Stop+1 == n && set.Ranges[k-1].Start <= set.Ranges[k-1].Stop {
					set.Ranges[k-1].Stop = n
					continue
				}
				set.Ranges = append(set.Ranges, wire.SeqRange{Start: n, Stop: n})
			}
			out = append(out, wire.ESearchResult{Name: "ALL", Set: &set})
		case r == "COUNT":
			out = append(out, wire.ESearchResult{Name: "COUNT", Value: uint64(len(sorted))})
		case r == "PARTIAL":
			out = append(out, partialResult(opts.partial, sorted)) // RFC 5267 §4.4: in sort order
		}
	}
	if res.modSeq != 0 {
		out = append(out, wire.ESearchResult{Name: "MODSEQ", Value: res.modSeq})
	}
	if err := s.w.ESearch(cmd.Tag, args.UID, out); err != nil || !opts.update {
		return err
	}
	return s.openSortContext(cmd.Tag, args.UID, args.Key, crit, sorted, msgs)
}

func (s *Session) thread(cmd *wire.Command) error {
	args, okArgs := cmd.Args.(*wire.Thread)
	if !okArgs {
		return bad(wire.Code{}, "THREAD needs an algorithm, a charset and search keys")
	}
	alg, err := order.ParseAlgorithm(args.Algorithm)
	if err != nil {
		return bad(wire.Code{}, "Unsupported threading algorithm")
	}
	if !charsetOK(args.Charset) {
		return no(wire.CodeBadCharset(charsets), "Unsupported charset; use UTF-8")
	}
	res, err := s.runSearch(args.Key)
	if err != nil {
		return err
	}
	msgs, err := s.orderMsgs(res)
	if err != nil {
		return err
	}
	return s.w.ThreadResult(threadNodes(order.Thread(alg, msgs, args.UID)))
}

func threadNodes(ns []*order.Node) []*wire.ThreadNode {
	out := make([]*wire.ThreadNode, len(ns))
	for i, n := range ns {
		out[i] = &wire.ThreadNode{Num: n.ID, Children: threadNodes(n.Children)}
	}
	return out
}

// orderMsgs reads what SORT and THREAD need of the matched messages from
// the store's envelope columns (no message file, no envelope decoded).
func (s *Session) orderMsgs(res *searchResult) ([]order.Msg, error) {
	sel := s.sel
	if len(res.refs) == 0 {
		return nil, nil
	}
	seqOf := make(map[uint32]uint32, len(res.refs))
	for _, r := range res.refs {
		seqOf[r.UID] = r.Seq
	}
	idx, err := s.cfg.Mail.EnvelopeIndex(s.ctx, s.who(), sel.mailbox.ID, res.refs[0].UID-1)
	if err != nil {
		return nil, fmt.Errorf("sort: envelopes of mailbox %d: %w", sel.mailbox.ID, err)
	}
	out := make([]order.Msg, 0, len(res.refs))
	for i := range idx {
		e := &idx[i]
		seq, ok := seqOf[e.UID]
		if !ok {
			continue
		}
		out = append(out, order.Msg{
			Seq: seq, UID: e.UID, Arrival: e.InternalDate, Date: e.Date, Size: e.Size,
			Subject: e.Subject, From: first(e.From), To: first(e.To), Cc: first(e.Cc),
			MessageID: e.MessageID, References: e.References, InReplyTo: strings.TrimSpace(e.InReplyTo),
		})
	}
	return out, nil
}

func first(list []store.Address) order.Address {
	if len(list) == 0 {
		return order.Address{}
	}
	return order.AddressOf(list[0].Name, list[0].Addr)
}
