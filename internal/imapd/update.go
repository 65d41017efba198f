package imapd

import (
	"errors"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"postroom/internal/store"
)

func refUIDs(refs []ref) []uint32 {
	out := make([]uint32, len(refs))
	for i, r := range refs {
		out[i] = r.uid
	}
	return out
}

// Store implements imapserver.Session (RFC 9051 §6.4.6).
func (se *session) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, _ *imap.StoreOptions) error {
	sel, err := se.requireWritable()
	if err != nil {
		return err
	}
	var op store.FlagOp
	switch flags.Op {
	case imap.StoreFlagsAdd:
		op = store.FlagsAdd
	case imap.StoreFlagsDel:
		op = store.FlagsRemove
	default:
		op = store.FlagsReplace
	}
	var list []string
	for _, f := range flags.Flags {
		if strings.EqualFold(string(f), `\Recent`) {
			continue // session state, never stored (RFC 3501 §2.3.2)
		}
		list = append(list, string(f))
	}
	if err := sel.checkSeqs(numSet); err != nil {
		return err
	}
	refs := sel.resolve(numSet)
	changed, err := se.s.Mail.StoreFlags(se.ctx, se.who(), sel.mailbox.ID, refUIDs(refs), op, list)
	if err != nil {
		return storeError(err)
	}
	sel.hub.flagsChanged(changed, sel.tracker)
	if flags.Silent {
		return nil
	}
	msgs, err := se.loadMessages(sel, refs)
	if err != nil {
		return storeError(err)
	}
	_, byUID := numSet.(imap.UIDSet)
	for _, r := range refs {
		m := msgs[r.uid]
		if m == nil {
			continue
		}
		rw := w.CreateMessage(r.seq)
		if byUID {
			rw.WriteUID(imap.UID(r.uid))
		}
		rw.WriteFlags(imapFlags(m.Flags))
		if err := rw.Close(); err != nil {
			return err
		}
	}
	return nil
}

// target finds the destination of COPY and MOVE: a missing one is
// NO [TRYCREATE] (RFC 9051 §6.4.7).
func (se *session) target(name string) (*store.Mailbox, error) {
	mb, err := se.s.Mail.MailboxByName(se.ctx, se.who(), name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errTryCreate
	}
	return mb, storeError(err)
}

func copyData(dst *store.Mailbox, src, dstUIDs []uint32) *imap.CopyData {
	if len(src) == 0 {
		return nil
	}
	d := &imap.CopyData{UIDValidity: dst.UIDValidity}
	for i := range src {
		d.SourceUIDs.AddNum(imap.UID(src[i]))
		d.DestUIDs.AddNum(imap.UID(dstUIDs[i]))
	}
	return d
}

// Copy implements imapserver.Session (RFC 9051 §6.4.7, UIDPLUS COPYUID).
func (se *session) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	sel, err := se.requireSelected()
	if err != nil {
		return nil, err
	}
	if err := sel.checkSeqs(numSet); err != nil {
		return nil, err
	}
	dst, err := se.target(dest)
	if err != nil {
		return nil, err
	}
	src, dstUIDs, err := se.s.Mail.Copy(se.ctx, se.who(), sel.mailbox.ID, dst.ID, refUIDs(sel.resolve(numSet)))
	if err != nil {
		return nil, storeError(err)
	}
	if dst.ID == sel.mailbox.ID {
		if err := sel.hub.syncNew(se.ctx); err != nil {
			return nil, storeError(err)
		}
	}
	return copyData(dst, src, dstUIDs), nil
}

// Move implements imapserver.SessionMove (RFC 6851): COPYUID first, then
// the EXPUNGEs, which the tracker delivers before the tagged OK.
func (se *session) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	sel, err := se.requireWritable()
	if err != nil {
		return err
	}
	if err := sel.checkSeqs(numSet); err != nil {
		return err
	}
	dst, err := se.target(dest)
	if err != nil {
		return err
	}
	src, dstUIDs, err := se.s.Mail.Move(se.ctx, se.who(), sel.mailbox.ID, dst.ID, refUIDs(sel.resolve(numSet)))
	if err != nil {
		return storeError(err)
	}
	if data := copyData(dst, src, dstUIDs); data != nil {
		if err := w.WriteCopyData(data); err != nil {
			return err
		}
	}
	sel.hub.expunged(src)
	if dst.ID == sel.mailbox.ID {
		return storeError(sel.hub.syncNew(se.ctx))
	}
	return nil
}

// Expunge implements imapserver.Session (EXPUNGE, and UID EXPUNGE of
// UIDPLUS): messages flagged \Deleted go for good.
func (se *session) Expunge(_ *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	sel, err := se.requireWritable()
	if err != nil {
		return err
	}
	set := imap.NumSet(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}})
	if uids != nil {
		set = *uids
	}
	refs := sel.resolve(set)
	msgs, err := se.loadMessages(sel, refs)
	if err != nil {
		return storeError(err)
	}
	var deleted []uint32
	for _, r := range refs {
		if m := msgs[r.uid]; m != nil && m.HasFlag(store.FlagDeleted) {
			deleted = append(deleted, r.uid)
		}
	}
	if len(deleted) == 0 {
		return nil
	}
	removed, err := se.s.Mail.Expunge(se.ctx, se.who(), sel.mailbox.ID, deleted)
	if err != nil {
		return storeError(err)
	}
	sel.hub.expunged(removed)
	return nil
}
