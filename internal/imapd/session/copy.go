package session

import (
	"errors"
	"fmt"
	"slices"

	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
	"postroom/internal/store"
)

// COPY, MOVE (RFC 6851) and their UID forms with COPYUID (RFC 4315), and
// EXPUNGE and UID EXPUNGE. Expunges reach the client only through the
// view: the handler records them, the dispatcher sends the EXPUNGE (or
// VANISHED) responses before the tagged OK.

func (s *Session) copy(cmd *wire.Command) error { return s.transfer(cmd, false) }

func (s *Session) move(cmd *wire.Command) error { return s.transfer(cmd, true) }

func (s *Session) transfer(cmd *wire.Command, move bool) error {
	args, okArgs := cmd.Args.(*wire.Copy)
	if !okArgs {
		return bad(wire.Code{}, "COPY and MOVE need a sequence set and a mailbox")
	}
	sel := s.sel
	if move && sel.readOnly {
		return errReadOnly
	}
	dst, err := s.cfg.Mail.MailboxByName(s.ctx, s.who(), args.Mailbox)
	if errors.Is(err, store.ErrNotFound) {
		return errTryCreate
	}
	if err != nil {
		return fmt.Errorf("copy: mailbox %q: %w", args.Mailbox, err)
	}
	refs, err := s.resolve(args.Set, args.UID)
	if err != nil {
		return err
	}
	uids := refUIDs(refs)
	if len(uids) == 0 {
		return nil // nothing to copy is no error (RFC 9051 §6.4.8)
	}
	var src, out []uint32
	if move {
		src, out, err = s.cfg.Mail.Move(s.ctx, s.who(), sel.mailbox.ID, dst.ID, uids)
	} else {
		src, out, err = s.cfg.Mail.Copy(s.ctx, s.who(), sel.mailbox.ID, dst.ID, uids)
	}
	if err != nil {
		return fmt.Errorf("copy to mailbox %d: %w", dst.ID, err)
	}
	code := wire.Code{}
	if len(src) > 0 && len(src) == len(out) {
		code = copyUID(dst.UIDValidity, src, out)
	}
	if !move {
		return ok(code, "COPY completed")
	}
	// RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges.
	if code.Name != "" {
		if err := s.w.Status("", "OK", code, "Moved"); err != nil {
			return fmt.Errorf("move: writing response: %w", err)
		}
	}
	sel.view.Expunged(src...)
	if dst.ID == sel.mailbox.ID {
		sel.view.Added(out...)
	}
	return ok(wire.Code{}, "MOVE completed")
}

// copyUID is [COPYUID v src dst] with the pairs in ascending source order,
// so that both sets, compressed, still correspond one to one.
func copyUID(validity uint32, src, dst []uint32) wire.Code {
	idx := make([]int, len(src))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return int(int64(src[a]) - int64(src[b])) })
	s2, d2 := make([]uint32, len(src)), make([]uint32, len(dst))
	for i, j := range idx {
		s2[i], d2[i] = src[j], dst[j]
	}
	srcSet := uidSetOf(s2)
	dstSet := wire.SeqSet{}
	if slices.IsSorted(d2) {
		dstSet = uidSetOf(d2)
	} else {
		for _, u := range d2 {
			dstSet.Ranges = append(dstSet.Ranges, wire.SeqRange{Start: u, Stop: u})
		}
		srcSet = wire.SeqSet{}
		for _, u := range s2 {
			srcSet.Ranges = append(srcSet.Ranges, wire.SeqRange{Start: u, Stop: u})
		}
	}
	return wire.CodeCopyUID(validity, srcSet, dstSet)
}

// refUIDs lists the UIDs of refs not expunged by others (RFC 2180 §4.4.1:
// COPY of such messages copies the others).
func refUIDs(refs []view.Ref) []uint32 {
	uids := make([]uint32, 0, len(refs))
	for _, r := range refs {
		if !r.Expunged {
			uids = append(uids, r.UID)
		}
	}
	return uids
}

// expunge is EXPUNGE, and UID EXPUNGE (RFC 4315 §2.1) for the messages of
// a UID set: the messages with \Deleted the client knows go for good.
func (s *Session) expunge(cmd *wire.Command) error {
	sel := s.sel
	if sel.readOnly {
		return errReadOnly
	}
	var only *wire.SeqSet
	if args, okArgs := cmd.Args.(*wire.Expunge); okArgs && args != nil {
		only = args.UIDs
	}
	var candidates []uint32
	if only != nil {
		refs, err := s.resolve(*only, true)
		if err != nil {
			return err
		}
		candidates = refUIDs(refs)
	} else {
		refs, err := sel.view.ResolveUID(wire.SeqSet{Ranges: []wire.SeqRange{{Start: 1, Stop: wire.Star}}})
		if err != nil {
			return err
		}
		candidates = refUIDs(refs)
	}
	var deleted []uint32
	if len(candidates) > 0 {
		// the lean listing: flags without decoding envelopes
		idx, err := s.cfg.Mail.MailboxIndex(s.ctx, s.who(), sel.mailbox.ID, candidates[0]-1)
		if err != nil {
			return fmt.Errorf("expunge: messages of mailbox %d: %w", sel.mailbox.ID, err)
		}
		for i := range idx {
			if _, in := slices.BinarySearch(candidates, idx[i].UID); in && idx[i].HasFlag(store.FlagDeleted) {
				deleted = append(deleted, idx[i].UID)
			}
		}
	}
	if len(deleted) == 0 {
		return nil
	}
	gone, err := s.cfg.Mail.Expunge(s.ctx, s.who(), sel.mailbox.ID, deleted)
	if err != nil {
		return fmt.Errorf("expunge mailbox %d: %w", sel.mailbox.ID, err)
	}
	sel.view.Expunged(gone...)
	return nil
}
