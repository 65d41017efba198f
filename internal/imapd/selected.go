package imapd

import (
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"postroom/internal/store"
)

// selection is a session's selected mailbox.
type selection struct {
	hub      *hub
	mailbox  *store.Mailbox
	tracker  *imapserver.SessionTracker
	readOnly bool
	// saved is the result of the last SEARCH RETURN (SAVE), what "$" stands
	// for (RFC 5182).
	saved imap.UIDSet
}

// systemFlags are the flags every mailbox knows; keywords are allowed too
// (\* in PERMANENTFLAGS).
var systemFlags = []imap.Flag{imap.FlagSeen, imap.FlagAnswered, imap.FlagFlagged, imap.FlagDeleted, imap.FlagDraft}

// Select implements imapserver.Session (SELECT and EXAMINE).
func (se *session) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	se.unselect()
	mb, err := se.mailbox(name)
	if err != nil {
		return nil, err
	}
	h, err := se.s.openHub(se.ctx, se.who(), mb.ID)
	if err != nil {
		return nil, storeError(err)
	}
	st, err := se.s.Mail.Status(se.ctx, se.who(), mb.ID)
	if err != nil {
		se.s.closeHub(h)
		return nil, storeError(err)
	}
	h.mu.Lock()
	sel := &selection{hub: h, mailbox: mb, tracker: h.tracker.NewSession(), readOnly: options != nil && options.ReadOnly}
	data := &imap.SelectData{
		Flags:          systemFlags,
		PermanentFlags: append(slices.Clone(systemFlags), imap.FlagWildcard),
		NumMessages:    uint32(len(h.uids)),
		UIDValidity:    mb.UIDValidity,
		UIDNext:        imap.UID(mb.UIDNext),
	}
	if n := len(h.uids); n > 0 && h.uids[n-1] >= mb.UIDNext {
		data.UIDNext = imap.UID(h.uids[n-1] + 1) // the mailbox row was read a moment earlier
	}
	if sel.readOnly {
		data.PermanentFlags = []imap.Flag{}
	}
	if idx, ok := slices.BinarySearch(h.uids, st.FirstUnseen); ok && st.FirstUnseen != 0 {
		data.FirstUnseenSeqNum = uint32(idx + 1)
	}
	h.mu.Unlock()
	se.selected = sel
	return data, nil
}

// Unselect implements imapserver.Session.
func (se *session) Unselect() error {
	se.unselect()
	return nil
}

func (se *session) unselect() {
	if se.selected != nil {
		se.selected.tracker.Close()
		se.s.closeHub(se.selected.hub)
		se.selected = nil
	}
}

// Poll implements imapserver.Session: pending changes are written after
// each command.
func (se *session) Poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	if se.selected == nil {
		return nil
	}
	return se.selected.tracker.Poll(w, allowExpunge)
}

// Idle implements imapserver.Session (RFC 2177).
func (se *session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if se.selected == nil {
		<-stop
		return nil
	}
	return se.selected.tracker.Idle(w, stop)
}

// ref is one message as the client sees it.
type ref struct {
	seq uint32 // client's sequence number
	uid uint32
}

// resolve turns a sequence or UID set into messages the client knows, in
// ascending order. "*" means the last message (RFC 9051 §6.4.8 for UIDs).
// Messages the client has not been told about yet are left out.
func (sel *selection) resolve(numSet imap.NumSet) []ref {
	if imap.IsSearchRes(numSet) {
		numSet = sel.saved
	}
	h := sel.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	n := uint32(len(h.uids))
	var out []ref
	switch set := numSet.(type) {
	case imap.SeqSet:
		var clientMax uint32
		for s := n; s > 0; s-- {
			if c := sel.tracker.EncodeSeqNum(s); c != 0 {
				clientMax = c
				break
			}
		}
		for _, r := range set {
			start, stop := dynamic(r.Start, r.Stop, clientMax)
			for c := start; c <= stop && c <= clientMax; c++ {
				if s := sel.tracker.DecodeSeqNum(c); s != 0 {
					out = append(out, ref{seq: c, uid: h.uids[s-1]})
				}
			}
		}
	case imap.UIDSet:
		var maxUID uint32
		if n > 0 {
			maxUID = h.uids[n-1]
		}
		for _, r := range set {
			start, stop := dynamic(uint32(r.Start), uint32(r.Stop), maxUID)
			i, _ := slices.BinarySearch(h.uids, start)
			for ; i < len(h.uids) && h.uids[i] <= stop; i++ {
				if c := sel.tracker.EncodeSeqNum(uint32(i + 1)); c != 0 {
					out = append(out, ref{seq: c, uid: h.uids[i]})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b ref) int { return int(a.seq) - int(b.seq) })
	return slices.CompactFunc(out, func(a, b ref) bool { return a.seq == b.seq })
}

// errBadSeq answers a sequence number the client cannot know (RFC 9051
// §6.4.8 and Crispin's reading of RFC 3501: BAD, not an empty OK).
var errBadSeq = &imap.Error{Type: imap.StatusResponseTypeBad, Code: imap.ResponseCodeClientBug,
	Text: "Message sequence number beyond the messages of this mailbox"}

// checkSeqs refuses explicit sequence numbers beyond the client's view.
// UID sets are never refused: unknown UIDs are simply absent.
func (sel *selection) checkSeqs(numSet imap.NumSet) error {
	set, ok := numSet.(imap.SeqSet)
	if !ok {
		return nil
	}
	h := sel.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	var clientMax uint32
	for s := uint32(len(h.uids)); s > 0; s-- {
		if c := sel.tracker.EncodeSeqNum(s); c != 0 {
			clientMax = c
			break
		}
	}
	for _, r := range set {
		if r.Start > clientMax || r.Stop > clientMax {
			return errBadSeq
		}
	}
	return nil
}

// dynamic resolves "*" (0) in a range and orders it.
func dynamic(start, stop, max uint32) (uint32, uint32) {
	if start == 0 {
		start = max
	}
	if stop == 0 {
		stop = max
	}
	if start > stop {
		start, stop = stop, start
	}
	return start, stop
}

func (se *session) requireSelected() (*selection, error) {
	if se.selected == nil {
		return nil, errNoSelected
	}
	return se.selected, nil
}

func (se *session) requireWritable() (*selection, error) {
	sel, err := se.requireSelected()
	if err == nil && sel.readOnly {
		err = errReadOnly
	}
	return sel, err
}
