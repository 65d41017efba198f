package session

import (
	"slices"

	"postroom/internal/events"
	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
	"postroom/internal/mail"
)

// selectMailbox answers SELECT and EXAMINE (RFC 9051 §6.3.2, §6.3.3;
// RFC 3501 §6.3.1 for the rev1 responses), with the CONDSTORE and QRESYNC
// parameters (RFC 7162 §3.1.8, §3.2.5).
func (s *Session) selectMailbox(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Select)
	if a == nil {
		return bad(wire.Code{}, "SELECT needs a mailbox name")
	}
	if a.QResync != nil && !s.enabled["QRESYNC"] {
		return bad(wire.Code{}, "ENABLE QRESYNC first (RFC 7162)")
	}
	if s.sel != nil {
		s.deselect()
		if s.enabled["QRESYNC"] || s.enabled["IMAP4REV2"] {
			// the previous mailbox is closed (RFC 7162 §3.2.11)
			if err := s.w.Status("", "OK", wire.CodeClosed, "Previous mailbox closed"); err != nil {
				return err
			}
		}
	}
	if a.CondStore {
		s.turnOn("CONDSTORE")
	}
	mb, err := s.mailbox(a.Mailbox)
	if err != nil {
		return err
	}
	// subscribe before reading, so no change falls between the two; the
	// view ignores events that repeat the snapshot
	var ch <-chan events.Event
	var unsubscribe func()
	if s.cfg.Events != nil {
		ch, unsubscribe = s.cfg.Events.Subscribe(s.acct.ID)
	}
	msgs, err := s.readMessages(s.ctx, mb.ID, 0)
	if err != nil {
		if unsubscribe != nil {
			unsubscribe()
		}
		return err
	}
	uids := make([]uint32, len(msgs))
	for i, m := range msgs {
		uids[i] = m.UID
	}
	for _, u := range s.cfg.Hubs.Claim(mb.ID, uids) {
		if i, found := slices.BinarySearch(uids, u); found {
			msgs[i].Recent = true
		}
	}
	opts := s.viewOptions(a.ReadOnly)
	v := view.Open(view.Snapshot{UIDValidity: mb.UIDValidity, UIDNext: mb.UIDNext,
		HighestModSeq: mb.HighestModSeq, Messages: msgs}, opts)
	s.sel = &selected{mailbox: *mb, readOnly: a.ReadOnly, view: v, events: ch, unsubscribe: unsubscribe}
	s.state = Selected

	w := s.w
	_ = w.Flags(v.Flags())
	_ = w.Count(uint32(v.Len()), "EXISTS")
	if opts.Rev2 {
		// RFC 9051 §6.3.2: the mailbox's LIST response, with its name as
		// the server spells it
		var attrs []string
		if a, special := specialUse[mb.Role]; special {
			attrs = append(attrs, a)
		}
		_ = w.ListItem(false, attrs, delim, mb.Name)
	}
	if !opts.Rev2 {
		_ = w.Count(uint32(v.RecentCount()), "RECENT")
		for i, m := range msgs {
			if !slices.Contains(m.Flags, `\Seen`) {
				_ = w.Status("", "OK", wire.CodeUnseen(uint32(i+1)), "First unseen")
				break
			}
		}
	}
	_ = w.Status("", "OK", wire.CodeUIDValidity(v.UIDValidity()), "UIDs valid")
	_ = w.Status("", "OK", wire.CodeUIDNext(v.UIDNext()), "Predicted next UID")
	_ = w.Status("", "OK", wire.CodePermanentFlags(v.PermanentFlags()), "Flags permitted")
	_ = w.Status("", "OK", wire.CodeHighestModSeq(mb.HighestModSeq), "Highest")
	if offered("OBJECTID") {
		_ = w.Status("", "OK", wire.CodeMailboxID(mail.MailboxObjectID(mb)), "Mailbox id") // RFC 8474 §4.1
	}
	if a.QResync != nil {
		if err := s.resync(a.QResync, msgs); err != nil {
			return err
		}
	}
	if err := w.Err(); err != nil {
		return err
	}
	code := wire.CodeReadWrite
	if a.ReadOnly {
		code = wire.CodeReadOnly
	}
	return ok(code, cmd.Name+" completed")
}

// resync sends what SELECT (QRESYNC ...) reports (RFC 7162 §3.2.5):
// VANISHED (EARLIER) from the store's expunge log, then the flags changed.
func (s *Session) resync(q *wire.QResync, msgs []view.Message) error {
	expunged, err := s.cfg.Mail.ExpungedSince(s.ctx, s.who(), s.sel.mailbox.ID, q.ModSeq)
	if err != nil {
		return err
	}
	resps, err := s.sel.view.Resync(view.ResyncRequest{UIDValidity: q.UIDValidity, ModSeq: q.ModSeq,
		KnownUIDs: q.KnownUIDs, MatchSeqs: q.KnownSeqs, MatchUIDs: q.KnownSeqUIDs}, msgs, expunged)
	if err != nil {
		return err
	}
	for _, r := range resps {
		if err := r.Write(s.w); err != nil {
			return err
		}
	}
	return nil
}

// close answers CLOSE (RFC 9051 §6.4.1): after SELECT the \Deleted
// messages are expunged without EXPUNGE responses; after EXAMINE nothing
// is (item 5: RFC 3501 §6.4.2, OK either way).
func (s *Session) close(*wire.Command) error {
	sel := s.sel
	s.deselect()
	if sel.readOnly {
		return nil
	}
	msgs, err := s.readMessages(s.ctx, sel.mailbox.ID, 0)
	if err != nil {
		return err
	}
	var deleted []uint32
	for _, m := range msgs {
		if slices.Contains(m.Flags, `\Deleted`) {
			deleted = append(deleted, m.UID)
		}
	}
	if len(deleted) == 0 {
		return nil
	}
	_, err = s.cfg.Mail.Expunge(s.ctx, s.who(), sel.mailbox.ID, deleted)
	return err
}

// unselect answers UNSELECT (RFC 3691, RFC 9051 §6.4.2): nothing expunged.
func (s *Session) unselect(*wire.Command) error {
	s.deselect()
	return nil
}

// deselect leaves the selected mailbox (authenticated state).
func (s *Session) deselect() {
	if s.sel == nil {
		return
	}
	if s.sel.unsubscribe != nil {
		s.sel.unsubscribe()
	}
	s.sel = nil
	if s.state == Selected {
		s.state = Authenticated
	}
}
