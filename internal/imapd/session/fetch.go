package session

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"postroom/internal/blob"
	"postroom/internal/imapd/bodypart"
	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// FETCH and UID FETCH (RFC 9051 §6.4.5, RFC 3501 §6.4.5) with BINARY
// (RFC 3516), CONDSTORE/QRESYNC (RFC 7162), SAVEDATE (RFC 8514) and
// OBJECTID (RFC 8474).
//
// What a FETCH reads: the rows of the messages (flags, UID, size, dates,
// MODSEQ) in chunks; for ENVELOPE, BODYSTRUCTURE and BODY the values kept
// in the store when the message was stored (one read per chunk,
// fetchMeta), so that the newest 50 envelopes of a large mailbox open no
// file (issue 17); and a message file only for the items that need its
// bytes (sections, BINARY, RFC822*), each file parsed once (bodypart) and
// streamed into the response. When a file is parsed anyway the envelope
// and structure come from that parse; a message without kept values (one
// the store could not give them to) is answered from its file.

// fetchChunk is how many rows one store read fetches: UID FETCH 1:* of a
// large mailbox reads them a chunk at a time instead of all at once.
const fetchChunk = 512

// fetchPlan is what a FETCH command asks, decided once for all messages.
type fetchPlan struct {
	items []wire.FetchItem // as asked, in order
	// added items the client did not ask for: UID for UID FETCH (RFC 9051
	// §6.4.9), MODSEQ with CHANGEDSINCE (RFC 7162 §3.1.4.1).
	addUID, addModSeq bool
	hasFlags          bool // FLAGS asked
	hasUID, hasModSeq bool // UID, MODSEQ asked
	file              bool // some item reads the message file
	// of the file, some item needs its part tree (a part, BINARY), or
	// its top-level header (HEADER, TEXT, their fields); the whole
	// message (BODY[], RFC822) needs neither (openMessage)
	tree, header bool
	setsSeen     bool // a non-peek body item: \Seen is set (§6.4.5)
	changedSince uint64

	// ENVELOPE, BODYSTRUCTURE/BODY asked and answered from the kept
	// values (fetchMeta): only when no item reads the file
	metaEnv, metaStructure bool
}

func planFetch(f *wire.Fetch) *fetchPlan {
	p := &fetchPlan{items: f.Items}
	hasUID, hasModSeq := false, false
	for _, it := range f.Items {
		switch it.Name {
		case "UID":
			hasUID = true
		case "MODSEQ":
			hasModSeq = true
		case "FLAGS":
			p.hasFlags = true
		case "ENVELOPE":
			p.metaEnv = true
		case "BODYSTRUCTURE":
			p.metaStructure = true
		case "RFC822.HEADER":
			p.file, p.header = true, true
		case "BINARY.SIZE":
			p.file, p.tree = true, true
		case "RFC822":
			p.file, p.setsSeen = true, true
		case "RFC822.TEXT":
			p.file, p.setsSeen, p.header = true, true, true
		case "BODY", "BINARY":
			if it.Name == "BODY" && it.Section == nil {
				p.metaStructure = true
				continue
			}
			p.file = true
			switch {
			case it.Name == "BINARY" || len(it.Section.Part) > 0:
				p.tree = true
			case it.Section.Specifier != "":
				p.header = true
			}
			if it.Section != nil && !it.Peek {
				p.setsSeen = true
			}
		}
	}
	if p.tree {
		// the file is parsed anyway: its parse answers them
		p.metaEnv, p.metaStructure = false, false
	}
	p.hasUID, p.hasModSeq = hasUID, hasModSeq
	p.addUID = f.UID && !hasUID
	if f.ChangedSince != nil {
		p.changedSince = *f.ChangedSince
		p.addModSeq = !hasModSeq
	}
	return p
}

// usesCondStore says whether a FETCH is a CONDSTORE-enabling command
// (RFC 7162 §3.1: MODSEQ item or CHANGEDSINCE modifier).
func usesCondStore(f *wire.Fetch) bool {
	if f.ChangedSince != nil {
		return true
	}
	for _, it := range f.Items {
		if it.Name == "MODSEQ" {
			return true
		}
	}
	return false
}

func (s *Session) fetch(cmd *wire.Command) error {
	f, okArgs := cmd.Args.(*wire.Fetch)
	if !okArgs {
		return bad(wire.Code{}, "FETCH needs a sequence set and items")
	}
	sel := s.sel
	if usesCondStore(f) {
		s.enableCondStore()
	}
	refs, err := s.resolve(f.Set, f.UID)
	if err != nil {
		return err
	}
	plan := planFetch(f)
	if f.Vanished {
		if err := s.fetchVanished(f, plan.changedSince); err != nil {
			return err
		}
	}
	rows, err := s.fetchRows(plan, refs)
	if err != nil {
		return err
	}
	var failed error // a per-message refusal (UNKNOWN-CTE) answered at the end
	for start := 0; start < len(refs); start += fetchChunk {
		chunk := refs[start:min(start+fetchChunk, len(refs))]
		uids := make([]uint32, 0, len(chunk))
		for _, r := range chunk {
			if m := rows[r.UID]; m != nil && !r.Expunged {
				uids = append(uids, r.UID)
			}
		}
		if len(uids) == 0 {
			continue
		}
		seen, err := s.fetchMarkRead(plan, rows, uids)
		if err != nil {
			return err
		}
		if err := s.fetchMeta(plan, rows, uids); err != nil {
			return err
		}
		// Keywords the responses below use are announced first
		// (RFC 3501 §7.2.6, issue 17 item 4).
		if plan.hasFlags || len(seen) > 0 {
			var flags []string
			for _, u := range uids {
				flags = append(flags, rows[u].Flags...)
			}
			if err := s.writeResponses(sel.view.Announce(flags)); err != nil {
				return err
			}
		}
		for _, u := range uids {
			r, _ := sel.view.UIDToSeq(u)
			if err := s.fetchOne(plan, view.Ref{Seq: r, UID: u}, rows[u], seen[u]); err != nil {
				if errors.Is(err, errUnknownCTE) {
					failed = no(wire.CodeUnknownCTE, "A part has a content-transfer-encoding the server cannot decode")
					continue
				}
				return err
			}
		}
	}
	return failed
}

// fetchRow is a message's row as FETCH needs it.
type fetchRow struct {
	store.Message
	saveDate time.Time // zero: not known (the internal date stands in)
	// the kept ENVELOPE and BODYSTRUCTURE (fetchMeta); nil: not loaded,
	// the message file answers
	env       *wire.Envelope
	structure *wire.BodyStructure
}

// needsFile says whether the row's response reads the message file.
func (r *fetchRow) needsFile(plan *fetchPlan) bool {
	return plan.file || (plan.metaEnv && r.env == nil) || (plan.metaStructure && r.structure == nil)
}

// envelope is the message's ENVELOPE: kept, or from the file's parse
// (read by fetchOne before the response).
func (r *fetchRow) envelope(msg *openMessage) *wire.Envelope {
	if r.env != nil {
		return r.env
	}
	return msg.parsed(false).Envelope()
}

// bodyStructure is the message's BODYSTRUCTURE: kept, or from the
// file's parse (read by fetchOne before the response).
func (r *fetchRow) bodyStructure(msg *openMessage) *wire.BodyStructure {
	if r.structure != nil {
		return r.structure
	}
	return msg.parsed(true).Structure()
}

// fetchMeta loads the kept ENVELOPE and BODYSTRUCTURE of the rows of uids
// that the plan answers from them, in one call of the mail service (which
// computes and keeps those of messages stored before they were kept). A
// value that does not decode is left to the file, and logged.
func (s *Session) fetchMeta(plan *fetchPlan, rows map[uint32]*fetchRow, uids []uint32) error {
	if !plan.metaEnv && !plan.metaStructure {
		return nil
	}
	msgs := make([]*store.Message, 0, len(uids))
	for _, u := range uids {
		msgs = append(msgs, &rows[u].Message)
	}
	metas, err := s.cfg.Mail.IMAPMeta(s.ctx, s.who(), msgs)
	if err != nil {
		return fmt.Errorf("fetch: envelopes and structures of mailbox %d: %w", s.sel.mailbox.ID, err)
	}
	for _, u := range uids {
		row := rows[u]
		meta, ok := metas[row.ID]
		if !ok {
			continue
		}
		if plan.metaEnv {
			if row.env, err = bodypart.DecodeEnvelope(meta.Envelope); err != nil {
				s.log().Error("imap: kept envelope unreadable", "message", row.ID, "err", err)
			}
		}
		if plan.metaStructure {
			if row.structure, err = bodypart.DecodeStructure(meta.Structure); err != nil {
				s.log().Error("imap: kept body structure unreadable", "message", row.ID, "err", err)
			}
		}
	}
	return nil
}

// fetchRows reads the rows of refs: with CHANGEDSINCE only those changed
// (RFC 7162 §3.1.4.1); for a set that covers most of the messages from
// its first on (UID FETCH 1:*, the newest 50) the lean listing of the
// mailbox, which decodes no envelope; for a sparse set the rows by UID.
// Messages expunged meanwhile are absent.
func (s *Session) fetchRows(plan *fetchPlan, refs []view.Ref) (map[uint32]*fetchRow, error) {
	sel := s.sel
	out := make(map[uint32]*fetchRow, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	want := make(map[uint32]bool, len(refs))
	for _, r := range refs {
		if !r.Expunged {
			want[r.UID] = true
		}
	}
	var idx []store.MessageIndex
	var err error
	dense := uint64(sel.view.Len())-uint64(refs[0].Seq)+1 <= 2*uint64(len(refs))+fetchChunk
	switch {
	case plan.changedSince != 0:
		idx, err = s.cfg.Mail.ChangedSince(s.ctx, s.who(), sel.mailbox.ID, plan.changedSince)
	case dense:
		idx, err = s.cfg.Mail.MailboxIndex(s.ctx, s.who(), sel.mailbox.ID, refs[0].UID-1)
	default:
		for start := 0; start < len(refs); start += 4096 {
			part := refUIDs(refs[start:min(start+4096, len(refs))])
			got, err := s.cfg.Mail.MessagesByUID(s.ctx, s.who(), sel.mailbox.ID, part)
			if err != nil {
				return nil, fmt.Errorf("fetch: messages of mailbox %d: %w", sel.mailbox.ID, err)
			}
			for u, m := range got {
				out[u] = &fetchRow{Message: *m}
			}
		}
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fetch: messages of mailbox %d: %w", sel.mailbox.ID, err)
	}
	for i := range idx {
		x := &idx[i]
		if !want[x.UID] {
			continue
		}
		out[x.UID] = &fetchRow{Message: store.Message{ID: x.ID, AccountID: s.acct.ID, MailboxID: sel.mailbox.ID,
			UID: x.UID, ModSeq: x.ModSeq, BlobKey: x.BlobKey, Size: x.Size, InternalDate: x.InternalDate,
			Flags: x.Flags, ThreadID: x.ThreadID}, saveDate: x.SaveDate}
	}
	return out, nil
}

// fetchMarkRead sets \Seen on the messages of rows a non-peek body fetch
// reads (RFC 9051 §6.4.5) through the mail service, which also records
// read receipts, and updates rows with the new flags. It returns the
// UIDs whose flags changed: their FETCH carries FLAGS.
func (s *Session) fetchMarkRead(plan *fetchPlan, rows map[uint32]*fetchRow, uids []uint32) (map[uint32]bool, error) {
	if !plan.setsSeen || s.sel.readOnly {
		return nil, nil
	}
	var unseen []uint32
	for _, u := range uids {
		if m := rows[u]; m != nil && !m.HasFlag(store.FlagSeen) {
			unseen = append(unseen, u)
		}
	}
	if len(unseen) == 0 {
		return nil, nil
	}
	changed, err := s.cfg.Mail.MarkRead(s.ctx, s.who(), s.sel.mailbox.ID, unseen)
	if err != nil {
		return nil, fmt.Errorf("fetch: marking read: %w", err)
	}
	seen := make(map[uint32]bool, len(changed))
	for i := range changed {
		c := &changed[i]
		if m := rows[c.UID]; m != nil {
			m.Flags, m.ModSeq = c.Flags, c.ModSeq
			seen[c.UID] = true
		}
	}
	return seen, nil
}

// fetchVanished sends VANISHED (EARLIER) for the UIDs of the set expunged
// since changedSince (RFC 7162 §3.2.6), before the FETCH responses.
func (s *Session) fetchVanished(f *wire.Fetch, changedSince uint64) error {
	gone, err := s.cfg.Mail.ExpungedSince(s.ctx, s.who(), s.sel.mailbox.ID, changedSince)
	if err != nil {
		return fmt.Errorf("fetch: expunged since %d: %w", changedSince, err)
	}
	star := s.sel.view.UIDNext() - 1
	var in []uint32
	for _, u := range gone {
		if f.Set.Contains(u, star) {
			in = append(in, u)
		}
	}
	if len(in) == 0 {
		return nil
	}
	return s.w.Vanished(uidSetOf(in), true)
}

// fetchOne writes one FETCH response.
func (s *Session) fetchOne(plan *fetchPlan, r view.Ref, row *fetchRow, seenNow bool) error {
	m := &row.Message
	var msg *openMessage
	if row.needsFile(plan) {
		var err error
		if msg, err = s.openMessage(m); err != nil {
			if errors.Is(err, store.ErrNotFound) || errors.Is(err, blob.ErrNotFound) {
				return nil // the file went with an expunge since the row was read
			}
			return err
		}
		defer msg.Close()
		// A file that does not parse fails the command before anything of
		// the response is written.
		tree := plan.tree || plan.metaStructure && row.structure == nil
		if err := msg.parse(tree, plan.header || plan.metaEnv && row.env == nil); err != nil {
			return err
		}
		// A part BINARY cannot decode refuses the item before anything of
		// the response is written (RFC 3516 §4.3).
		for _, it := range plan.items {
			if it.Name == "BINARY" || it.Name == "BINARY.SIZE" {
				if _, err := bodypart.Binary(msg.r, msg.parsed(true), it.Section.Part); errors.Is(err, bodypart.ErrUnknownCTE) {
					return errUnknownCTE
				}
			}
		}
	}
	w := s.w
	w.BeginFetch(r.Seq)
	if plan.addUID {
		w.Atom("UID").Number(uint64(m.UID))
	}
	flagsSent := false
	for _, it := range plan.items {
		if err := s.fetchItem(w, it, row, msg); err != nil {
			// The response is cut short: nothing sensible can follow on
			// this connection but its end.
			return err
		}
		if it.Name == "FLAGS" {
			flagsSent = true
		}
	}
	if seenNow && !flagsSent {
		w.Atom("FLAGS").List(s.fetchFlags(m))
		flagsSent = true
	}
	// RFC 7162 §3.1: once CONDSTORE is on, a FETCH that set \Seen carries
	// UID and MODSEQ like any other flag change.
	implied := seenNow && s.enabled["CONDSTORE"]
	if implied && !plan.addUID && !plan.hasUID {
		w.Atom("UID").Number(uint64(m.UID))
	}
	if plan.addModSeq || (implied && !plan.hasModSeq) {
		w.Atom("MODSEQ").Open().Number(m.ModSeq).Close()
	}
	if flagsSent {
		s.sel.view.Reported(m.UID, m.ModSeq)
	}
	if err := w.EndFetch(); err != nil {
		return fmt.Errorf("fetch: writing response: %w", err)
	}
	return nil
}

// fetchFlags is the FLAGS of a message as this session sees it:
// \Recent is the session's (rev1 only).
func (s *Session) fetchFlags(m *store.Message) []string {
	flags := slices.Clone(m.Flags)
	if s.sel.view.IsRecent(m.UID) {
		flags = append(flags, `\Recent`)
	}
	if flags == nil {
		flags = []string{}
	}
	return flags
}

// internalDate formats date-time (RFC 9051 §9: "dd-Mon-yyyy hh:mm:ss zone").
const internalDateLayout = "_2-Jan-2006 15:04:05 -0700"

func (s *Session) fetchItem(w *wire.Writer, it wire.FetchItem, row *fetchRow, msg *openMessage) error {
	m := &row.Message
	switch it.Name {
	case "UID":
		w.Atom("UID").Number(uint64(m.UID))
	case "FLAGS":
		w.Atom("FLAGS").List(s.fetchFlags(m))
	case "INTERNALDATE":
		w.Atom("INTERNALDATE").String(m.InternalDate.Format(internalDateLayout))
	case "RFC822.SIZE":
		w.Atom("RFC822.SIZE").Number(uint64(max(m.Size, 0)))
	case "MODSEQ":
		w.Atom("MODSEQ").Open().Number(m.ModSeq).Close()
	case "SAVEDATE":
		// RFC 8514 §4.3: when the message was put into this mailbox;
		// rows read by UID do not carry it and messages stored before it
		// was kept have their internal date (the store's fallback too).
		d := row.saveDate
		if d.IsZero() {
			d = m.InternalDate
		}
		w.Atom("SAVEDATE").String(d.Format(internalDateLayout))
	case "EMAILID":
		// RFC 8474 §5.1
		w.Atom("EMAILID").Open().Atom(mail.EmailObjectID(m.ID)).Close()
	case "THREADID":
		if m.ThreadID == 0 {
			w.Atom("THREADID").Nil()
		} else {
			w.Atom("THREADID").Open().Atom(mail.ThreadObjectID(m.ThreadID)).Close()
		}
	case "ENVELOPE":
		w.Atom("ENVELOPE").Envelope(s.envelopeText(row.envelope(msg)))
	case "BODYSTRUCTURE":
		w.Atom("BODYSTRUCTURE").BodyStructure(row.bodyStructure(msg), true)
	case "BODY":
		if it.Section == nil {
			w.Atom("BODY").BodyStructure(row.bodyStructure(msg), false)
			return w.Err()
		}
		return s.fetchSection(w, it.ResponseName(), msg, it.Section, it.Partial)
	case "RFC822":
		return s.fetchSection(w, "RFC822", msg, &wire.Section{}, nil)
	case "RFC822.HEADER":
		return s.fetchSection(w, "RFC822.HEADER", msg, &wire.Section{Specifier: "HEADER"}, nil)
	case "RFC822.TEXT":
		return s.fetchSection(w, "RFC822.TEXT", msg, &wire.Section{Specifier: "TEXT"}, nil)
	case "BINARY":
		return s.fetchBinary(w, it, msg)
	case "BINARY.SIZE":
		return s.fetchBinarySize(w, it, msg)
	}
	return w.Err()
}

// envelopeText prepares an envelope for the session's revision: a rev1
// session without UTF8=ACCEPT gets 8-bit text as literals, which the
// writer already does; nothing to change here yet.
func (s *Session) envelopeText(e *wire.Envelope) *wire.Envelope { return e }

// writeResponses sends view responses (FLAGS announcements) in order.
func (s *Session) writeResponses(rs []view.Response) error {
	for _, r := range rs {
		if err := r.Write(s.w); err != nil {
			return fmt.Errorf("writing untagged response %d: %w", r.Kind, err)
		}
	}
	return nil
}

// enableCondStore turns CONDSTORE on for the session after a
// CONDSTORE-enabling command (RFC 7162 §3.1): from now on unsolicited
// FETCH responses carry MODSEQ, and the client learns the mailbox's
// HIGHESTMODSEQ once.
func (s *Session) enableCondStore() {
	if s.enabled == nil {
		s.enabled = map[string]bool{}
	}
	if s.enabled["CONDSTORE"] {
		return
	}
	s.enabled["CONDSTORE"] = true
	if s.sel != nil {
		opts := s.sel.view.Options()
		opts.CondStore = true
		s.sel.view.Enable(opts)
		if st, err := s.cfg.Mail.MailboxByName(s.ctx, s.who(), s.sel.mailbox.Name); err == nil {
			s.w.Status("", "OK", wire.CodeHighestModSeq(st.HighestModSeq), "Highest")
		}
	}
}

// uidSetOf compresses ascending numbers into a sequence set.
func uidSetOf(nums []uint32) wire.SeqSet {
	var set wire.SeqSet
	for _, u := range nums {
		if n := len(set.Ranges); n > 0 && set.Ranges[n-1].Stop+1 == u {
			set.Ranges[n-1].Stop = u
			continue
		}
		set.Ranges = append(set.Ranges, wire.SeqRange{Start: u, Stop: u})
	}
	return set
}
