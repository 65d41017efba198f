package session

import (
	"fmt"
	"slices"

	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
)

// SEARCH and UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4) with ESEARCH
// (RFC 4731), SEARCHRES (RFC 5182) and the MODSEQ key (RFC 7162 §3.1.5).
// The mail service matches (mail.Criteria); this file only translates
// the criteria tree and the numbers (search_criteria.go).

// charsets are those SEARCH accepts: UTF-8 and its subset US-ASCII (the
// mail service compares decoded UTF-8 text).
var charsets = []string{"UTF-8", "US-ASCII"}

func charsetOK(cs string) bool { return cs == "" || slices.Contains(charsets, cs) }

func (s *Session) search(cmd *wire.Command) error {
	args, okArgs := cmd.Args.(*wire.Search)
	if !okArgs {
		return bad(wire.Code{}, "SEARCH needs search keys")
	}
	if !charsetOK(args.Charset) {
		return no(wire.CodeBadCharset(charsets), "Unsupported charset; use UTF-8")
	}
	opts, err := s.checkReturn(cmd.Tag, args.Return, args.Partial) // RFC 5267 (search_context.go)
	if err != nil {
		return err
	}
	res, err := s.runSearch(args.Key)
	if err != nil {
		return err
	}
	if err := s.answerSearch(cmd.Tag, args, res); err != nil || !opts.update {
		return err
	}
	return s.openContext(cmd.Tag, args.UID, args.Key, res.refs, nil, nil, nil)
}

// searchResult is what matched, ascending by UID (and so by sequence
// number), and the highest MODSEQ among them when the MODSEQ key was used.
type searchResult struct {
	refs   []view.Ref
	modSeq uint64
}

// runSearch matches key against the messages of the client's view.
func (s *Session) runSearch(key *wire.SearchKey) (*searchResult, error) {
	sel := s.sel
	all, err := sel.view.ResolveUID(wire.SeqSet{Ranges: []wire.SeqRange{{Start: 1, Stop: wire.Star}}})
	if err != nil {
		return nil, err
	}
	t := &translator{s: s, all: all}
	crit, err := t.key(key)
	if err != nil {
		return nil, err
	}
	if t.usesModSeq {
		s.enableCondStore()
	}
	uids := make([]uint32, 0, len(all))
	for _, r := range all {
		if !r.Expunged {
			uids = append(uids, r.UID)
		}
	}
	matched, err := s.cfg.Mail.SearchMailbox(s.ctx, s.who(), sel.mailbox.ID, uids, crit)
	if err != nil {
		return nil, fmt.Errorf("search mailbox %d: %w", sel.mailbox.ID, err)
	}
	res := &searchResult{refs: make([]view.Ref, 0, len(matched))}
	for _, r := range all {
		if _, ok := slices.BinarySearch(matched, r.UID); ok {
			res.refs = append(res.refs, r)
		}
	}
	if t.usesModSeq && len(res.refs) > 0 {
		rows, err := t.rows()
		if err != nil {
			return nil, err
		}
		for _, r := range res.refs {
			if m, ok := rows[r.UID]; ok {
				res.modSeq = max(res.modSeq, m.ModSeq)
			}
		}
	}
	return res, nil
}

// answerSearch writes SEARCH or ESEARCH and keeps the SAVE result.
func (s *Session) answerSearch(tag string, args *wire.Search, res *searchResult) error {
	nums := make([]uint32, len(res.refs))
	for i, r := range res.refs {
		nums[i] = r.Seq
		if args.UID {
			nums[i] = r.UID
		}
	}
	ret := resultOptions(args.Return) // without CONTEXT and UPDATE
	if ret == nil && s.enabled["IMAP4REV2"] {
		ret = []string{"ALL"} // RFC 9051 §7.3.4: rev2 answers ESEARCH only
	}
	if ret == nil {
		return s.w.SearchResult(nums, res.modSeq)
	}
	has := func(o string) bool { return slices.Contains(ret, o) }
	if len(ret) == 0 {
		ret = []string{"ALL"}
	}
	save := has("SAVE")
	if save {
		// RFC 5182 §2.4: with MIN and/or MAX but neither ALL nor COUNT,
		// only those messages are saved; RFC 9394 §3.2: and those PARTIAL
		// returns.
		saved := res.refs
		if (has("MIN") || has("MAX") || has("PARTIAL")) && !has("ALL") && !has("COUNT") && len(saved) > 0 {
			var pick []view.Ref
			if has("PARTIAL") {
				pick = partialRefs(args.Partial, saved)
			}
			if has("MIN") {
				pick = append(pick, saved[0])
			}
			if has("MAX") && (len(pick) == 0 || pick[0] != saved[len(saved)-1]) {
				pick = append(pick, saved[len(saved)-1])
			}
			slices.SortFunc(pick, func(a, b view.Ref) int { return int(a.UID) - int(b.UID) })
			saved = slices.Compact(pick)
		}
		uids := make([]uint32, len(saved))
		for i, r := range saved {
			uids[i] = r.UID
		}
		s.setSavedResult(uids)
		if len(ret) == 1 {
			return nil // RFC 5182 §2.1: SAVE alone sends no ESEARCH
		}
	}
	var out []wire.ESearchResult
	if len(nums) > 0 {
		if has("MIN") {
			out = append(out, wire.ESearchResult{Name: "MIN", Value: uint64(nums[0])})
		}
		if has("MAX") {
			out = append(out, wire.ESearchResult{Name: "MAX", Value: uint64(nums[len(nums)-1])})
		}
		if has("ALL") {
			set := uidSetOf(nums)
			out = append(out, wire.ESearchResult{Name: "ALL", Set: &set})
		}
	}
	if p, err := parsePartial(args.Partial); has("PARTIAL") && err == nil {
		out = append(out, partialResult(p, nums)) // RFC 9394 §3.1, NIL when empty
	}
	if has("COUNT") {
		out = append(out, wire.ESearchResult{Name: "COUNT", Value: uint64(len(nums))})
	}
	if res.modSeq != 0 {
		out = append(out, wire.ESearchResult{Name: "MODSEQ", Value: res.modSeq})
	}
	return s.w.ESearch(tag, args.UID, out)
}

func (s *Session) savedResult() []uint32 {
	if s.sel == nil {
		return nil
	}
	return s.sel.saved
}

func (s *Session) setSavedResult(uids []uint32) {
	if s.sel != nil {
		s.sel.saved = uids
	}
}
