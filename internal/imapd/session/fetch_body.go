package session

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"postroom/internal/imapd/bodypart"
	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
	"postroom/internal/store"
)

// The message file of a FETCH: opened once per message, parsed once into
// its part tree, read by section without copies.

// errUnknownCTE is a BINARY fetch of a part whose transfer encoding the
// server cannot decode (RFC 3516 §4.3: NO [UNKNOWN-CTE]).
var errUnknownCTE = errors.New("fetch: unknown content-transfer-encoding")

// binaryBuffer is the largest decoded BINARY section held in memory to
// tell whether it needs a literal8 (it holds NUL) or a plain literal does,
// which every client reads (RFC 3516 §4.2 allows either). Larger ones go
// out as literal8, which clients that ask for BINARY must accept.
const binaryBuffer = 256 << 10

// openMessage is a message file and its part tree.
type openMessage struct {
	f    io.Closer
	r    io.ReaderAt
	root *bodypart.Part
}

func (m *openMessage) Close() error { return m.f.Close() }

// openMessage opens and parses a message file through the mail service.
func (s *Session) openMessage(m *store.Message) (*openMessage, error) {
	f, err := s.cfg.Mail.Open(s.ctx, s.who(), m)
	if err != nil {
		return nil, fmt.Errorf("fetch: opening message UID %d: %w", m.UID, err)
	}
	ra, ok := f.(io.ReaderAt)
	if !ok {
		ra = &seekReaderAt{rs: f}
	}
	root, err := bodypart.Parse(ra, m.Size)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("fetch: parsing message UID %d: %w", m.UID, err)
	}
	return &openMessage{f: f, r: ra, root: root}, nil
}

// seekReaderAt reads at offsets through Seek and Read, for a blob store
// whose files are not io.ReaderAt. One goroutine only.
type seekReaderAt struct{ rs io.ReadSeeker }

func (s *seekReaderAt) ReadAt(b []byte, off int64) (int, error) {
	if _, err := s.rs.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	return io.ReadFull(s.rs, b)
}

// fetchSection writes name and BODY[section]<partial> as a literal. A
// part the message does not have is the empty string (RFC 3501 §6.4.5
// leaves it open; RFC 9051 §6.4.5: "not an error").
func (s *Session) fetchSection(w *wire.Writer, name string, msg *openMessage, sec *wire.Section, p *wire.Partial) error {
	sr, err := bodypart.Section(msg.r, msg.root, sec)
	if errors.Is(err, bodypart.ErrNoPart) {
		w.Atom(name).String("")
		return w.Err()
	}
	if err != nil {
		return fmt.Errorf("fetch: section %s: %w", sec, err)
	}
	sr = bodypart.Partial(sr, p)
	w.Atom(name).Literal(sr.Size(), sr)
	return w.Err()
}

// fetchBinary writes BINARY[part]<partial> (RFC 3516 §4.2): the decoded
// content, the origin echoed for a partial (issue 17 item 7, by
// ResponseName).
func (s *Session) fetchBinary(w *wire.Writer, it wire.FetchItem, msg *openMessage) error {
	rd, n, err := bodypart.BinaryRange(msg.r, msg.root, it.Section.Part, it.Partial)
	switch {
	case errors.Is(err, bodypart.ErrUnknownCTE):
		return errUnknownCTE
	case errors.Is(err, bodypart.ErrNoPart):
		w.Atom(it.ResponseName()).Nil()
		return w.Err()
	case err != nil:
		return fmt.Errorf("fetch: binary %s: %w", it.Section, err)
	}
	w.Atom(it.ResponseName())
	if n > binaryBuffer {
		w.Literal8(n, rd)
		return w.Err()
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(rd, buf); err != nil {
		return fmt.Errorf("fetch: binary %s: %w", it.Section, err)
	}
	if bytes.IndexByte(buf, 0) >= 0 {
		w.Literal8(n, bytes.NewReader(buf))
	} else {
		w.Literal(n, bytes.NewReader(buf))
	}
	return w.Err()
}

// fetchBinarySize writes BINARY.SIZE[part] (RFC 3516 §4.2).
func (s *Session) fetchBinarySize(w *wire.Writer, it wire.FetchItem, msg *openMessage) error {
	n, err := bodypart.BinarySize(msg.r, msg.root, it.Section.Part)
	switch {
	case errors.Is(err, bodypart.ErrUnknownCTE):
		return errUnknownCTE
	case errors.Is(err, bodypart.ErrNoPart):
		w.Atom(it.ResponseName()).Nil()
		return w.Err()
	case err != nil:
		return fmt.Errorf("fetch: binary size %s: %w", it.Section, err)
	}
	w.Atom(it.ResponseName()).Number(uint64(n))
	return w.Err()
}

// resolve maps a command's set to the messages of the client's view:
// sequence numbers or UIDs, or "$", the result SEARCH RETURN (SAVE) kept
// (RFC 5182 §2.1, by UID whatever the command).
func (s *Session) resolve(set wire.SeqSet, uid bool) ([]view.Ref, error) {
	v := s.sel.view
	if set.Saved {
		saved := slices.Clone(s.savedResult())
		slices.Sort(saved)
		refs := make([]view.Ref, 0, len(saved))
		for _, u := range saved {
			if seq, ok := v.UIDToSeq(u); ok {
				refs = append(refs, view.Ref{Seq: seq, UID: u, Expunged: v.IsExpunged(u)})
			}
		}
		return refs, nil
	}
	if uid {
		return v.ResolveUID(set)
	}
	return v.ResolveSeq(set)
}
