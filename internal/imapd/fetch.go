package imapd

import (
	"io"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"postroom/internal/message"
	"postroom/internal/store"
)

// loadMessages reads the messages of refs through the mailbox service;
// messages expunged meanwhile are absent from the map.
func (se *session) loadMessages(sel *selection, refs []ref) (map[uint32]*store.Message, error) {
	return se.s.Mail.MessagesByUID(se.ctx, se.who(), sel.mailbox.ID, refUIDs(refs))
}

// Fetch implements imapserver.Session (RFC 9051 §6.4.5).
func (se *session) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	sel, err := se.requireSelected()
	if err != nil {
		return err
	}
	if err := sel.checkSeqs(numSet); err != nil {
		return err
	}
	refs := sel.resolve(numSet)
	msgs, err := se.loadMessages(sel, refs)
	if err != nil {
		return storeError(err)
	}
	// Fetching a body section without PEEK sets \Seen (RFC 9051 §6.4.5):
	// the user reads it (the mailbox service's Read hook). The changed
	// flags are part of the response.
	flagged := map[uint32]bool{}
	if !sel.readOnly && setsSeen(options) {
		var unseen []uint32
		for _, r := range refs {
			if m := msgs[r.uid]; m != nil && !m.HasFlag(store.FlagSeen) {
				unseen = append(unseen, r.uid)
			}
		}
		if len(unseen) > 0 {
			changed, err := se.s.Mail.MarkRead(se.ctx, se.who(), sel.mailbox.ID, unseen)
			if err != nil {
				return storeError(err)
			}
			sel.hub.flagsChanged(changed, sel.tracker)
			for i := range changed {
				msgs[changed[i].UID] = &changed[i]
				flagged[changed[i].UID] = true
			}
		}
	}
	for _, r := range refs {
		m := msgs[r.uid]
		if m == nil {
			continue // expunged by another session since
		}
		if err := se.fetchOne(w.CreateMessage(r.seq), m, options, flagged[r.uid]); err != nil {
			return err
		}
	}
	return nil
}

func setsSeen(o *imap.FetchOptions) bool {
	for _, s := range o.BodySection {
		if !s.Peek {
			return true
		}
	}
	for _, s := range o.BinarySection {
		if !s.Peek {
			return true
		}
	}
	return false
}

func needsBody(o *imap.FetchOptions) bool {
	return o.BodyStructure != nil || len(o.BodySection) > 0 || len(o.BinarySection) > 0 || len(o.BinarySectionSize) > 0
}

func (se *session) fetchOne(w *imapserver.FetchResponseWriter, m *store.Message, o *imap.FetchOptions, flagsChanged bool) error {
	if o.UID {
		w.WriteUID(imap.UID(m.UID))
	}
	if o.Flags || flagsChanged {
		w.WriteFlags(imapFlags(m.Flags))
	}
	if o.InternalDate {
		w.WriteInternalDate(m.InternalDate)
	}
	if o.RFC822Size {
		w.WriteRFC822Size(m.Size)
	}
	if o.Envelope {
		w.WriteEnvelope(envelope(m.Envelope))
	}
	if needsBody(o) {
		raw, err := se.readBlob(m)
		if err != nil {
			return storeError(err)
		}
		parsed := message.Parse(raw)
		if o.BodyStructure != nil {
			w.WriteBodyStructure(bodyStructure(parsed.Root))
		}
		for _, sec := range o.BodySection {
			b, _ := bodySection(raw, parsed, sec)
			if err := writeLiteral(w.WriteBodySection(sec, int64(len(partial(b, sec.Partial)))), partial(b, sec.Partial)); err != nil {
				return err
			}
		}
		for _, sec := range o.BinarySection {
			b, _ := binarySection(raw, parsed, sec.Part)
			b = partial(b, sec.Partial)
			if err := writeLiteral(w.WriteBinarySection(sec, int64(len(b))), b); err != nil {
				return err
			}
		}
		for _, sec := range o.BinarySectionSize {
			b, _ := binarySection(raw, parsed, sec.Part)
			w.WriteBinarySectionSize(sec, uint32(len(b)))
		}
	}
	return w.Close()
}

func writeLiteral(wc io.WriteCloser, b []byte) error {
	if _, err := wc.Write(b); err != nil {
		wc.Close()
		return err
	}
	return wc.Close()
}

func (se *session) readBlob(m *store.Message) ([]byte, error) {
	r, err := se.s.Mail.Open(se.ctx, se.who(), m)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
