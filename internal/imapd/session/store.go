package session

import (
	"context"
	"fmt"
	"slices"

	"postroom/internal/actor"

	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
	"postroom/internal/store"
)

// STORE and UID STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162
// §3.1.3). The mail service changes the flags (a user setting \Seen is
// reading: receipts); this file answers with FETCH responses and tells the
// view what the client was told, so the change's event is not repeated.

// conditionalFlags is the mail service's conditional flag store
// (UNCHANGEDSINCE decided in the store's transaction): it changes the
// messages whose MODSEQ is at most unchangedSince and returns the changed
// ones and the UIDs that failed the test.
type conditionalFlags interface {
	StoreFlagsUnchangedSince(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, op store.FlagOp, flags []string, unchangedSince uint64) (changed []store.Message, modified []uint32, err error)
}

func (s *Session) store(cmd *wire.Command) error {
	args, okArgs := cmd.Args.(*wire.Store)
	if !okArgs {
		return bad(wire.Code{}, "STORE needs a sequence set, an item and flags")
	}
	sel := s.sel
	if sel.readOnly {
		return errReadOnly
	}
	if args.UnchangedSince != nil {
		s.enableCondStore()
	}
	refs, err := s.resolve(args.Set, args.UID)
	if err != nil {
		return err
	}
	uids := make([]uint32, 0, len(refs))
	for _, r := range refs {
		if !r.Expunged {
			uids = append(uids, r.UID)
		}
	}
	op := map[wire.StoreOp]store.FlagOp{
		wire.StoreAdd: store.FlagsAdd, wire.StoreRemove: store.FlagsRemove, wire.StoreReplace: store.FlagsReplace,
	}[args.Op]
	flags := make([]string, 0, len(args.Flags))
	for _, f := range args.Flags {
		if f == `\Recent` || f == `\recent` {
			continue // session state, not stored (RFC 3501 §2.3.2)
		}
		flags = append(flags, f)
	}
	var changed []store.Message
	var modified []uint32
	if len(uids) > 0 {
		if args.UnchangedSince != nil {
			changed, modified, err = s.storeConditional(uids, op, flags, *args.UnchangedSince)
		} else {
			changed, err = s.cfg.Mail.StoreFlags(s.ctx, s.who(), sel.mailbox.ID, uids, op, flags)
		}
		if err != nil {
			return fmt.Errorf("store: flags of mailbox %d: %w", sel.mailbox.ID, err)
		}
	}
	slices.Sort(modified)
	if err := s.storeAnswer(args, refs, uids, changed, modified); err != nil {
		return err
	}
	if len(modified) > 0 {
		slices.Sort(modified)
		nums := make([]uint32, 0, len(modified))
		for _, r := range refs {
			if containsUID(modified, r.UID) {
				if args.UID {
					nums = append(nums, r.UID)
				} else {
					nums = append(nums, r.Seq)
				}
			}
		}
		return ok(wire.CodeModified(uidSetOf(nums)), "Conditional STORE failed for some messages")
	}
	return nil
}

// storeConditional is STORE (UNCHANGEDSINCE n). Without the service's
// conditional store it tests the MODSEQs it reads first: a change by
// someone else between the read and the store is then not caught.
func (s *Session) storeConditional(uids []uint32, op store.FlagOp, flags []string, since uint64) ([]store.Message, []uint32, error) {
	if c, ok := s.cfg.Mail.(conditionalFlags); ok {
		return c.StoreFlagsUnchangedSince(s.ctx, s.who(), s.sel.mailbox.ID, uids, op, flags, since)
	}
	rows, err := s.cfg.Mail.MessagesByUID(s.ctx, s.who(), s.sel.mailbox.ID, uids)
	if err != nil {
		return nil, nil, err
	}
	var pass, modified []uint32
	for _, u := range uids {
		m := rows[u]
		switch {
		case m == nil:
		case m.ModSeq > since:
			modified = append(modified, u)
		default:
			pass = append(pass, u)
		}
	}
	if len(pass) == 0 {
		return nil, modified, nil
	}
	changed, err := s.cfg.Mail.StoreFlags(s.ctx, s.who(), s.sel.mailbox.ID, pass, op, flags)
	return changed, modified, err
}

// storeAnswer writes the FETCH responses of a STORE: without .SILENT the
// flags of every message of the set (RFC 9051 §6.4.6); with CONDSTORE
// also MODSEQ, and with .SILENT a FETCH with only MODSEQ (and UID) for
// each message changed (RFC 7162 §3.1.3).
func (s *Session) storeAnswer(args *wire.Store, refs []view.Ref, uids []uint32, changed []store.Message, modified []uint32) error {
	sel := s.sel
	condStore := s.enabled["CONDSTORE"]
	byUID := make(map[uint32]*store.Message, len(changed))
	for i := range changed {
		byUID[changed[i].UID] = &changed[i]
	}
	if args.Silent {
		for _, r := range refs {
			m := byUID[r.UID]
			if m == nil {
				continue
			}
			// The client asked not to hear of its own change (the event
			// of it must not tell it either); with CONDSTORE it still
			// learns the new MODSEQ (RFC 7162 §3.1.3).
			sel.view.Reported(r.UID, m.ModSeq)
			if !condStore {
				continue
			}
			w := s.w.BeginFetch(r.Seq)
			if args.UID {
				w.Atom("UID").Number(uint64(r.UID))
			}
			w.Atom("MODSEQ").Open().Number(m.ModSeq).Close()
			if err := w.EndFetch(); err != nil {
				return fmt.Errorf("store: writing response: %w", err)
			}
		}
		return nil
	}
	// Unchanged messages are answered with their current flags too.
	var rest []uint32
	for _, u := range uids {
		if byUID[u] == nil && !containsUID(modified, u) {
			rest = append(rest, u)
		}
	}
	switch {
	case len(rest) > 256:
		// many (STORE 1:* ...): the lean listing, no envelope decoded
		idx, err := s.cfg.Mail.MailboxIndex(s.ctx, s.who(), sel.mailbox.ID, rest[0]-1)
		if err != nil {
			return fmt.Errorf("store: flags of mailbox %d: %w", sel.mailbox.ID, err)
		}
		for i := range idx {
			if _, in := slices.BinarySearch(rest, idx[i].UID); in {
				byUID[idx[i].UID] = &store.Message{UID: idx[i].UID, ModSeq: idx[i].ModSeq, Flags: idx[i].Flags}
			}
		}
	case len(rest) > 0:
		rows, err := s.cfg.Mail.MessagesByUID(s.ctx, s.who(), sel.mailbox.ID, rest)
		if err != nil {
			return fmt.Errorf("store: flags of mailbox %d: %w", sel.mailbox.ID, err)
		}
		for u, m := range rows {
			byUID[u] = m
		}
	}
	var all []string
	for _, m := range byUID {
		all = append(all, m.Flags...)
	}
	if err := s.writeResponses(sel.view.Announce(all)); err != nil {
		return err
	}
	for _, r := range refs {
		m := byUID[r.UID]
		if m == nil || r.Expunged || containsUID(modified, r.UID) {
			continue
		}
		w := s.w.BeginFetch(r.Seq).Atom("FLAGS").List(s.fetchFlags(m))
		if args.UID || condStore {
			w.Atom("UID").Number(uint64(r.UID))
		}
		if condStore {
			w.Atom("MODSEQ").Open().Number(m.ModSeq).Close()
		}
		if err := w.EndFetch(); err != nil {
			return fmt.Errorf("store: writing response: %w", err)
		}
		sel.view.Reported(r.UID, m.ModSeq)
	}
	return nil
}

func containsUID(uids []uint32, u uint32) bool {
	_, found := slices.BinarySearch(uids, u)
	return found
}
